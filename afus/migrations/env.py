"""Alembic environment: uses the connection handed over by afus.schema."""

from alembic import context

from afus.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from afus.db import get_engine

        with get_engine().connect() as connection:
            _run(connection)
            connection.commit()
        return
    _run(connection)


def _run(connection) -> None:  # noqa: ANN001
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite can only ALTER through table copies
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
