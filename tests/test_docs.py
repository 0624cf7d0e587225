"""The README agrees with the Makefile, the page list, ``python -m afus --help`` and the settings."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest

from afus import db
from afus.cli import build_parser
from afus.pages import PAGES

pytestmark = pytest.mark.backend_independent  # runs once, in the SQLite pass

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The README's text under ``## title`` up to the next ``##`` heading."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.M | re.S)
    assert match, f"README has no '## {title}' section"
    return match.group(1)


def make_targets() -> set[str]:
    return set(re.findall(r"^([A-Za-z][\w-]*):", MAKEFILE, re.M))


def commands(parser: argparse.ArgumentParser, prefix: str = "python -m afus") -> list[tuple[str, str | None]]:
    """Every command and sub-command as (``python -m afus user add``, help text)."""
    found = []
    for action in parser._actions:  # argparse keeps sub-commands only here
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                command = f"{prefix} {name}"
                found.append((command, helps.get(name)))
                found.extend(commands(sub, command))
    return found


def test_quick_start_is_exactly_make_run_and_make_test() -> None:
    blocks = re.findall(r"```(?:sh|bash|shell)?\n(.*?)```", section("Quick start"), re.S)
    assert blocks, "the quick start shows its commands in a code block"
    assert blocks[0].split("\n")[:-1] == ["make run", "make test"]


def test_every_make_command_in_the_readme_is_a_target() -> None:
    used = set(re.findall(r"\bmake ([a-z][\w-]*)", README))
    assert {"run", "test"} <= used
    assert used - make_targets() == set()


def test_every_page_is_documented_with_its_path() -> None:
    table = section("Pages")
    for page in PAGES:
        path = f"/{page.url_path}"
        assert re.search(rf"\| `{re.escape(path)}` \|", table), f"{page.file} ({path}) is not in the README's page table"
    documented = set(re.findall(r"\| `(/[a-z-]*)` \|", table))
    assert documented == {f"/{p.url_path}" for p in PAGES}, "the README lists a page that does not exist"


def test_the_shared_query_parameters_are_documented() -> None:
    table = section("Pages")
    for param in ("city=<slug>", "theme=<slug>", "q=<text>", "project=<slug>", "with=<slug>", "slide=N", "lang=en|fr|sv"):
        assert param.replace("|", "\\|") in table or param in table, param


@pytest.mark.parametrize(("command", "help_text"), commands(build_parser()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_is_documented_and_has_help(command: str, help_text: str | None) -> None:
    assert help_text and help_text.strip(), f"`{command}` has no help text"
    assert f"`{command}" in section("Command line"), f"`{command}` is not documented in the README"


def test_help_runs() -> None:
    result = subprocess.run([sys.executable, "-m", "afus", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for command, _ in commands(build_parser()):
        if command.count(" ") == 3:  # top-level verbs are listed by --help
            assert command.split()[-1] in result.stdout


def test_every_environment_variable_is_documented() -> None:
    assert f"`{db.ENV_URL}`" in section("Configuration")
    defined = set()
    for path in (ROOT / "afus").rglob("*.py"):
        defined |= set(re.findall(r"\"(AFUS_[A-Z_]+)\"", path.read_text(encoding="utf-8")))
    assert defined, "the scan found no AFUS_ variable"
    undocumented = sorted(name for name in defined if f"`{name}`" not in README)
    assert not undocumented, f"not in the README: {undocumented}"


def test_every_test_suite_variable_is_documented() -> None:
    text = section("Tests")
    defined = set()
    for path in (ROOT / "tests").glob("*.py"):
        defined |= set(re.findall(r"\"(AFUS_[A-Z_]+)\"", path.read_text(encoding="utf-8")))
    defined -= {db.ENV_URL, "AFUS_PASSWORD"}  # the app's own, in Configuration
    assert {"AFUS_TEST_BACKEND", "AFUS_TEST_POSTGRES_ADMIN_URL"} <= defined
    undocumented = sorted(name for name in defined if f"`{name}`" not in text)
    assert not undocumented, f"not in the README's Tests section: {undocumented}"


def test_postgresql_use_and_backups_are_documented() -> None:
    text = section("PostgreSQL")
    assert "AFUS_DATABASE_URL=postgresql+psycopg://" in text
    assert "pg_dump" in text
