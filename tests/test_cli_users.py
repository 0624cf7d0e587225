"""``python -m afus user ...``: accounts from the command line."""

from __future__ import annotations

import os
import subprocess
import sys

import argon2
from sqlalchemy import select
from sqlalchemy.orm import Session

from afus import auth
from afus.cli import main
from afus.models import User
from tests.conftest import ROOT


def test_user_add_list_disable_set_password(engine, db_url, monkeypatch, capsys):
    monkeypatch.setenv("AFUS_PASSWORD", "first password!")
    assert main(["--database-url", db_url, "user", "add", "Lena", "--role", "admin"]) == 0
    assert main(["--database-url", db_url, "user", "add", "marc"]) == 0
    assert main(["--database-url", db_url, "user", "list"]) == 0
    out = capsys.readouterr().out
    assert "lena\tadmin\tactive" in out and "marc\tcoordinator\tactive" in out
    assert "first password!" not in out

    assert auth.sign_in(engine, "lena", "first password!").role == "admin"
    # The store may also be named after the command, in either spelling.
    assert main(["user", "disable", "marc", "--database-url", db_url]) == 0
    assert main(["user", "list", f"--database-url={db_url}"]) == 0
    assert "marc\tcoordinator\tdisabled" in capsys.readouterr().out

    monkeypatch.setenv("AFUS_PASSWORD", "second password!")
    assert main(["--database-url", db_url, "user", "set-password", "lena"]) == 0
    assert auth.sign_in(engine, "lena", "second password!").name == "lena"


def test_password_from_a_hidden_prompt_typed_twice(engine, db_url, monkeypatch, capsys):
    monkeypatch.delenv("AFUS_PASSWORD", raising=False)
    typed = iter(["prompted secret", "prompted secret", "one thing", "another thing"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    assert main(["--database-url", db_url, "user", "add", "sara"]) == 0
    assert auth.sign_in(engine, "sara", "prompted secret").name == "sara"
    assert main(["--database-url", db_url, "user", "add", "olle"]) == 1
    assert "passwords differ" in capsys.readouterr().err
    assert [u.name for u in auth.list_users(engine)] == ["sara"]


def test_errors_are_messages_not_tracebacks(engine, db_url, monkeypatch, capsys):
    monkeypatch.setenv("AFUS_PASSWORD", "short")
    assert main(["--database-url", db_url, "user", "add", "sara"]) == 1
    assert main(["--database-url", db_url, "user", "disable", "ghost"]) == 1
    err = capsys.readouterr().err
    assert "at least 10 characters" in err and "no account named ghost" in err
    assert "Traceback" not in err


def test_real_command_line_process(engine, db_url):
    env = {**os.environ, "AFUS_DATABASE_URL": db_url, "AFUS_PASSWORD": "process password"}
    done = subprocess.run(
        [sys.executable, "-m", "afus", "user", "add", "ingrid", "--role", "coordinator"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "process password" not in done.stdout + done.stderr
    assert auth.sign_in(engine, "ingrid", "process password").role == "coordinator"
    # Outside the test process (tests/conftest.py), the hash has argon2id's recommended
    # parameters (RFC 9106, low-memory profile): 64 MiB, 3 passes, 4 lanes.
    with Session(engine) as session:
        stored = session.scalar(select(User.password_hash).where(User.name == "ingrid"))
    assert argon2.extract_parameters(stored) == argon2.profiles.RFC_9106_LOW_MEMORY
