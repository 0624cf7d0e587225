"""A real PostgreSQL server for the tests, started in a temporary directory.

Registered as a pytest plugin by ``tests/conftest.py``:

- ``pg_server`` (session): Debian's PostgreSQL (``/usr/lib/postgresql/*/bin``)
  initialised in a temporary directory and listening on a free port of
  127.0.0.1; stopped and deleted at the end of the session. ``initdb``
  refuses to run as root, so as root every server command runs as the
  ``postgres`` user (``runuser -u postgres --``). It is one server per
  process (:func:`shared_server`): each pytest-xdist worker starts its own,
  in its own directory on its own port, so workers never wait on each other.
  A server left running by a killed worker is stopped by the next start
  (:func:`stop_orphans`).
- ``pg_url`` (per test): the ``postgresql+psycopg://`` URL of a fresh, empty
  database on that server, dropped after the test.

A store at the schema's head, seeded or not, is built once per server as a
template database (:meth:`PgServer.template`); each test's store is then a
``CREATE DATABASE ... TEMPLATE`` copy of it, which takes milliseconds instead
of a migration and a seed (``tests/stores.py``).

Where PostgreSQL is not installed the tests that need it are skipped with the
reason; under CI (``CI=true``, where ``.ci/run`` installs it) they fail instead,
so a green CI always means they ran. ``AFUS_TEST_POSTGRES_ADMIN_URL`` points the
tests at an existing server instead (a URL of a database the user may create
databases from, e.g. ``postgresql+psycopg://postgres@host/postgres``).
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.ci import skip_or_fail

ADMIN_URL_ENV = "AFUS_TEST_POSTGRES_ADMIN_URL"
_counter = itertools.count(1)


def postgres_bin_dir() -> Path | None:
    """The newest installed PostgreSQL's bin directory, or ``None``."""
    found = sorted(
        (Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")),
        key=lambda d: int(d.parent.name) if d.parent.name.isdigit() else 0,
    )
    return found[-1] if found else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PgServer:
    """A PostgreSQL server the tests may create databases on."""

    admin_url: str  # SQLAlchemy URL of the maintenance database
    _templates: dict[str, str] = field(default_factory=dict, repr=False)

    def url(self, database: str) -> str:
        """SQLAlchemy URL of ``database`` on this server."""
        base, _, _ = self.admin_url.rpartition("/")
        return f"{base}/{database}"

    def _admin(self, sql: str) -> None:
        import psycopg

        conninfo = self.admin_url.replace("postgresql+psycopg://", "postgresql://", 1)
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self, prefix: str = "afus_test", template: str = "template0") -> str:
        """Create a database, a copy of ``template`` (by default an empty one), and return its URL."""
        name = f"{prefix}_{os.getpid()}_{next(_counter)}"
        self._admin(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE "{template}"')
        return self.url(name)

    def template(self, seeded: bool) -> str:
        """The name of a template database at the schema's head, with the seed content when ``seeded``.

        Built on first use and kept for the server's life; its name carries
        the process id, so processes sharing an external server never copy
        each other's template while it is being built.
        """
        kind = "seeded" if seeded else "schema"
        if kind not in self._templates:
            from tests import stores

            url = self.create_database(f"afus_template_{kind}")
            stores.build(url, seeded=seeded)  # closes its connections: a template must be unused to be copied
            self._templates[kind] = url.rpartition("/")[2]
        return self._templates[kind]

    def drop_database(self, url: str) -> None:
        """Drop the database behind ``url`` (closing what still uses it)."""
        name = url.rpartition("/")[2]
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _as_postgres(command: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


WORKDIR_PREFIX = "afus-pg-"
OWNER_FILE = "owner.pid"  # in a server's work directory: the process that started it


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def stop_orphans(tmp_root: Path | None = None) -> list[Path]:
    """Stop and delete the servers whose starting process has died; return their work directories.

    ``pg_ctl`` detaches a server from the process that starts it, so a test
    worker killed mid-run (a timeout, Ctrl-C twice) leaves its server running
    and its directory behind. Each start sweeps them up. A directory whose
    owner still runs, or that has no owner file yet (being set up), is left.
    """
    bin_dir = postgres_bin_dir()
    stopped = []
    for workdir in sorted(Path(tmp_root or tempfile.gettempdir()).glob(WORKDIR_PREFIX + "*")):
        try:
            owner = int((workdir / OWNER_FILE).read_text())
        except (OSError, ValueError):
            continue
        if _alive(owner):
            continue
        data_dir = workdir / "data"
        if bin_dir is not None and (data_dir / "postmaster.pid").exists():
            subprocess.run(
                _as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-m", "immediate", "-w", "stop"]),
                capture_output=True, timeout=60,
            )  # fmt: skip
        shutil.rmtree(workdir, ignore_errors=True)
        stopped.append(workdir)
    return stopped


@contextlib.contextmanager
def start_postgres() -> Iterator[PgServer]:
    """Initialise and start a throwaway PostgreSQL server; stop and delete it at the end."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    # Not under pytest's tmp dir: its parents are private to root, and the
    # server runs as the postgres user.
    stop_orphans()
    workdir = Path(tempfile.mkdtemp(prefix=WORKDIR_PREFIX))
    (workdir / OWNER_FILE).write_text(str(os.getpid()))
    data_dir, socket_dir, log_file = workdir / "data", workdir / "sock", workdir / "server.log"
    socket_dir.mkdir()
    if os.geteuid() == 0:
        for path in (workdir, socket_dir):
            shutil.chown(path, "postgres", "postgres")
    run = dict(check=True, capture_output=True, text=True, timeout=120)
    started = False
    try:
        subprocess.run(
            _as_postgres([str(bin_dir / "initdb"), "-D", str(data_dir), "-U", "postgres", "--auth=trust",
                          "--encoding=UTF8", "--no-locale", "--no-sync"]),
            **run,
        )  # fmt: skip
        for attempt in range(3):
            # Another process (an xdist worker starting its own server) may take
            # the free port before this server binds it: try another one.
            port = _free_port()
            options = (
                f"-p {port} -k {socket_dir} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
            )
            try:
                subprocess.run(
                    _as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-l", str(log_file), "-o", options, "-w", "-t", "60", "start"]),
                    **run,
                )  # fmt: skip
                break
            except subprocess.CalledProcessError:
                if attempt == 2:
                    raise
        started = True
        yield PgServer(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres")
    except subprocess.CalledProcessError as exc:
        log = log_file.read_text(errors="replace") if log_file.exists() else ""
        raise RuntimeError(f"PostgreSQL failed: {exc.cmd}\n{exc.stdout}\n{exc.stderr}\n{log}") from exc
    finally:
        if started:
            subprocess.run(
                _as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-m", "fast", "-w", "stop"]),
                capture_output=True, timeout=60,
            )  # fmt: skip
        shutil.rmtree(workdir, ignore_errors=True)


def postgres_missing_reason() -> str | None:
    """Why PostgreSQL tests cannot run here, or ``None`` when they can."""
    if os.environ.get(ADMIN_URL_ENV):
        return None
    if postgres_bin_dir() is None:
        return "PostgreSQL is not installed (/usr/lib/postgresql/*/bin; apt-get install postgresql; CI installs it)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser: initdb cannot run as the postgres user"
    return None


_shared: list[PgServer] = []
_shared_stack = contextlib.ExitStack()


def shared_server() -> PgServer:
    """This process's PostgreSQL server: ``AFUS_TEST_POSTGRES_ADMIN_URL``'s, or one started on first use.

    A started server is stopped when the test session ends (or, outside
    pytest, when the process exits).
    """
    if not _shared:
        admin_url = os.environ.get(ADMIN_URL_ENV)
        if admin_url:
            _shared.append(PgServer(admin_url))
        else:
            _shared.append(_shared_stack.enter_context(start_postgres()))
    return _shared[0]


def stop_shared_server() -> None:
    """Stop and delete the server :func:`shared_server` started, if any."""
    _shared.clear()
    _shared_stack.close()


atexit.register(stop_shared_server)


def pytest_sessionfinish(session: pytest.Session) -> None:  # noqa: ARG001 (pytest hook)
    stop_shared_server()


@pytest.fixture(scope="session")
def pg_server() -> PgServer:
    """This process's PostgreSQL server, for the whole test session."""
    reason = postgres_missing_reason()
    if reason:
        skip_or_fail(reason)
    return shared_server()


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database, dropped after the test."""
    url = pg_server.create_database()
    try:
        yield url
    finally:
        pg_server.drop_database(url)
