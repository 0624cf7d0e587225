"""projects.title_key: the folded title, indexed with the city, for the "same title in a city" rule

Finding a project by its title (an import's rows) or refusing a duplicate title
compared every title of the city in Python; the index makes it one lookup.
Existing rows get their key from afus.text.fold.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa

from afus.text import fold


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_projects = sa.table("projects", sa.column("id", sa.Integer), sa.column("title", sa.String), sa.column("title_key", sa.Text))


def upgrade() -> None:
    op.add_column("projects", sa.Column("title_key", sa.Text(), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.select(_projects.c.id, _projects.c.title)).all()
    if rows:
        conn.execute(
            _projects.update().where(_projects.c.id == sa.bindparam("pid")).values(title_key=sa.bindparam("key")),
            [{"pid": pid, "key": fold(title)} for pid, title in rows],
        )
    with op.batch_alter_table("projects") as batch:
        batch.alter_column("title_key", existing_type=sa.Text(), nullable=False)
        batch.create_index("ix_projects_city_title_key", ["city_id", "title_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("projects") as batch:
        batch.drop_index("ix_projects_city_title_key")
        batch.drop_column("title_key")
