"""Accounts, sign-in, growing delays, session ends and server-side permission checks."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from afus import auth, db
from afus.models import AuditEntry, User

PASSWORD = "correct horse battery"
OP = auth.Operator("tester")
T0 = dt.datetime(2026, 3, 1, 9, 0, 0)


@pytest.fixture
def accounts(engine):
    auth.add_user(engine, "Admin", "admin", PASSWORD, by=OP)
    auth.add_user(engine, "coord", "coordinator", PASSWORD, by=OP)
    return engine


def _refusal(exc_info, lang="en") -> str:
    return exc_info.value.message(lang)


def test_password_is_stored_as_an_argon2_hash_never_in_clear(accounts):
    with Session(accounts) as s:
        hashes = s.scalars(select(User.password_hash)).all()
        audit = s.scalars(select(AuditEntry).where(AuditEntry.kind == "user")).all()
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)
    assert len(audit) == 2
    assert all("password" not in repr(a.after) and PASSWORD not in repr(a.after) for a in audit)


def test_sign_in_is_case_insensitive_on_the_name(accounts):
    signed = auth.sign_in(accounts, "  ADMIN ", PASSWORD, now=T0)
    assert (signed.name, signed.role, signed.last_seen) == ("admin", "admin", T0)


def test_signing_in_leaves_the_content_version_so_cached_pages_stay_cached(accounts):
    """Sign-in bookkeeping (failed attempts, their reset) is not content: every visitor's cached reads stay valid."""
    before = db.data_version(accounts)
    with pytest.raises(auth.SignInRefused):
        auth.sign_in(accounts, "coord", "bad password!", now=T0)
    auth.sign_in(accounts, "coord", PASSWORD, now=T0)
    assert db.data_version(accounts) == before
    auth.add_user(accounts, "another", "coordinator", PASSWORD, by=OP)  # an account change is a content write
    assert db.data_version(accounts) == before + 1


def test_wrong_password_and_unknown_name_get_the_same_message(accounts):
    with pytest.raises(auth.SignInRefused) as wrong:
        auth.sign_in(accounts, "coord", "nope nope nope", now=T0)
    with pytest.raises(auth.SignInRefused) as unknown:
        auth.sign_in(accounts, "nobody", "nope nope nope", now=T0)
    assert _refusal(wrong) == _refusal(unknown) == "Name or password is wrong."
    assert _refusal(wrong, "fr") == "Identifiant ou mot de passe incorrect."


def test_repeated_failures_lock_the_name_for_a_growing_delay(accounts):
    for _ in range(auth.FREE_ATTEMPTS - 1):
        with pytest.raises(auth.SignInRefused, match="auth.error.wrong"):
            auth.sign_in(accounts, "coord", "bad password!", now=T0)
    with pytest.raises(auth.SignInRefused) as third:
        auth.sign_in(accounts, "coord", "bad password!", now=T0)
    assert _refusal(third) == "Too many failed attempts for this name. Try again in 30 seconds."
    # Even the right password is refused while the name is locked.
    with pytest.raises(auth.SignInRefused) as locked:
        auth.sign_in(accounts, "coord", PASSWORD, now=T0 + dt.timedelta(seconds=10))
    assert "Try again in 21 seconds" in _refusal(locked)
    assert "Réessayez dans 21 secondes" in _refusal(locked, "fr")
    # The next failure after the delay doubles it.
    with pytest.raises(auth.SignInRefused) as fourth:
        auth.sign_in(accounts, "coord", "bad password!", now=T0 + dt.timedelta(seconds=31))
    assert "Try again in 60 seconds" in _refusal(fourth)
    # Another name is not affected.
    assert auth.sign_in(accounts, "admin", PASSWORD, now=T0 + dt.timedelta(seconds=31)).name == "admin"
    # After the delay the right password works and clears the count.
    signed = auth.sign_in(accounts, "coord", PASSWORD, now=T0 + dt.timedelta(seconds=200))
    assert signed.name == "coord"
    with pytest.raises(auth.SignInRefused, match="auth.error.wrong"):
        auth.sign_in(accounts, "coord", "bad password!", now=T0 + dt.timedelta(seconds=201))


def test_lockout_delay_doubles_and_is_capped():
    delays = [auth.lockout_delay(n) for n in range(1, 12)]
    assert delays[:5] == [0, 0, 30, 60, 120]
    assert max(delays) == auth.MAX_DELAY_SECONDS


def test_disabled_account_cannot_sign_in_and_its_open_session_ends(accounts):
    signed = auth.sign_in(accounts, "coord", PASSWORD)
    auth.set_disabled(accounts, "coord", True, by=OP)
    with pytest.raises(auth.SessionEnded) as ended:
        auth.check_session(accounts, signed)
    assert _refusal(ended) == "Your account has been disabled; your session has ended."
    with pytest.raises(auth.SignInRefused) as refused:
        auth.sign_in(accounts, "coord", PASSWORD)
    assert "disabled" in _refusal(refused)


def test_changed_password_ends_open_sessions(accounts):
    signed = auth.sign_in(accounts, "coord", PASSWORD)
    auth.set_password(accounts, "coord", "a brand new secret", by=OP)
    with pytest.raises(auth.SessionEnded) as ended:
        auth.check_session(accounts, signed)
    assert "password" in _refusal(ended)
    with pytest.raises(auth.SignInRefused):
        auth.sign_in(accounts, "coord", PASSWORD)
    assert auth.sign_in(accounts, "coord", "a brand new secret").name == "coord"


def test_session_ends_after_inactivity(accounts, monkeypatch):
    monkeypatch.setenv(auth.ENV_IDLE_MINUTES, "30")
    signed = auth.sign_in(accounts, "coord", PASSWORD, now=T0)
    still = auth.check_session(accounts, signed, now=T0 + dt.timedelta(minutes=29))
    assert still.last_seen == T0 + dt.timedelta(minutes=29)
    # Activity moved the clock: 29 more minutes are fine, 31 idle minutes are not.
    auth.check_session(accounts, still, now=T0 + dt.timedelta(minutes=58))
    with pytest.raises(auth.SessionEnded) as ended:
        auth.check_session(accounts, still, now=T0 + dt.timedelta(minutes=61))
    assert "inactivity" in _refusal(ended)


def test_only_admins_manage_accounts(accounts):
    coord = auth.sign_in(accounts, "coord", PASSWORD)
    admin = auth.sign_in(accounts, "admin", PASSWORD)
    with pytest.raises(auth.PermissionDenied) as denied:
        auth.add_user(accounts, "eve", "admin", PASSWORD, by=coord)
    assert _refusal(denied) == "Your account is not allowed to do this."
    with pytest.raises(auth.PermissionDenied):
        auth.add_user(accounts, "eve", "admin", PASSWORD, by=None)
    auth.add_user(accounts, "eve", "coordinator", PASSWORD, by=admin)
    assert [u.name for u in auth.list_users(accounts)] == ["admin", "coord", "eve"]
    with pytest.raises(auth.AccountError) as self_disable:
        auth.set_disabled(accounts, "admin", True, by=admin)
    assert "own account" in _refusal(self_disable)


@pytest.mark.parametrize(
    ("name", "password", "expected"),
    [
        ("a", PASSWORD, "A name has 2 to 80 letters"),
        ("two words", PASSWORD, "A name has 2 to 80 letters"),
        ("<script>", PASSWORD, "A name has 2 to 80 letters"),
        ("valid", "short", "at least 10 characters"),
        ("coord", PASSWORD, "An account named coord already exists."),
    ],
)
def test_bad_account_requests_are_refused_with_a_message(accounts, name, password, expected):
    with pytest.raises(auth.AccountError) as refused:
        auth.add_user(accounts, name, "coordinator", password, by=OP)
    assert expected in _refusal(refused)
    assert len(auth.list_users(accounts)) == 2
