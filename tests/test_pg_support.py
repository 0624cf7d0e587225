"""The tests' own PostgreSQL servers do not outlive a killed test process."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest

from tests.apptest import ROOT
from tests.ci import skip_or_fail
from tests.pg_support import ADMIN_URL_ENV, postgres_missing_reason, stop_orphans

pytestmark = pytest.mark.postgres  # runs in the PostgreSQL pass

# A test process that starts its server, says where, then waits to be killed.
STARTER = """
import json, time
from tests.pg_support import start_postgres
with start_postgres() as server:
    print(json.dumps({"url": server.admin_url}), flush=True)
    time.sleep(600)
"""


def _answers(admin_url: str) -> bool:
    try:
        with psycopg.connect(admin_url.replace("postgresql+psycopg://", "postgresql://", 1), connect_timeout=3) as conn:
            return conn.execute("SELECT 1").fetchone() == (1,)
    except psycopg.OperationalError:
        return False


def test_a_server_left_by_a_killed_test_process_is_stopped_and_deleted_by_the_next_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ADMIN_URL_ENV, raising=False)  # this test starts its own server, whatever the others use
    if reason := postgres_missing_reason():
        skip_or_fail(reason)
    # Not under pytest's tmp dir: its parents are private to root, and the server runs as the postgres user.
    root = Path(tempfile.mkdtemp(prefix="afus-orphans-"))
    root.chmod(0o755)
    try:
        starter = subprocess.Popen(
            [sys.executable, "-c", STARTER], cwd=ROOT, stdout=subprocess.PIPE, text=True,
            env={**os.environ, "TMPDIR": str(root)},
        )  # fmt: skip
        try:
            url = json.loads(starter.stdout.readline())["url"]
        finally:
            starter.send_signal(signal.SIGKILL)  # as a worker killed mid-run: no clean-up runs
            starter.wait()
        (workdir,) = root.glob("afus-pg-*")
        assert _answers(url), "the killed process's server should still run (pg_ctl detaches it)"

        assert stop_orphans(root) == [workdir]
        assert not _answers(url)
        assert not workdir.exists()
    finally:
        stop_orphans(root)
        shutil.rmtree(root, ignore_errors=True)


def test_a_running_owners_server_is_left_alone(tmp_path: Path) -> None:
    workdir = tmp_path / "afus-pg-live"
    (workdir / "data").mkdir(parents=True)
    (workdir / "owner.pid").write_text(str(os.getpid()))
    assert stop_orphans(tmp_path) == []
    assert workdir.exists()
