"""Accounts, sign-in and the permission check every write goes through.

Reading is open to anyone; writing needs a signed-in coordinator or admin,
checked against the store *at the moment of writing* (:func:`require_role`),
not only by hiding buttons. Passwords are hashed with Argon2 and never kept
or logged in clear.

A signed-in session (:class:`SignedIn`) ends when it has been idle for
longer than :func:`idle_timeout`, when the account is disabled, or when its
password changes: both bump the account's ``session_epoch``, and a session
carrying an older epoch is refused at its next action.

After :data:`FREE_ATTEMPTS` failed sign-ins for a name, further attempts for
that name are refused for a delay that doubles with each new failure.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, replace

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from afus.db import write_session
from afus.i18n import CatalogueError
from afus.models import ROLES, AuditEntry, LoginAttempt, User

ENV_IDLE_MINUTES = "AFUS_SESSION_IDLE_MINUTES"
DEFAULT_IDLE_MINUTES = 30
FREE_ATTEMPTS = 3
BASE_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 3600
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
WRITER_ROLES = ("coordinator", "admin")

_hasher = PasswordHasher()
_NAME = re.compile(r"^[\w.@-]{2,80}$")
# Verified against when the name is unknown, so both cases take as long.
_DUMMY_HASH = _hasher.hash("not a real password, only for even timing")


def now_utc() -> dt.datetime:
    """The current time as naive UTC, the convention of the store."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def idle_timeout() -> dt.timedelta:
    """How long a session may stay idle before it ends (``AFUS_SESSION_IDLE_MINUTES``, default 30)."""
    try:
        minutes = float(os.environ.get(ENV_IDLE_MINUTES, DEFAULT_IDLE_MINUTES))
    except ValueError:
        minutes = DEFAULT_IDLE_MINUTES
    return dt.timedelta(minutes=max(minutes, 0.1))


# --- who is acting --------------------------------------------------------------


@dataclass(frozen=True)
class SignedIn:
    """A signed-in session as the app holds it (in the visitor's server-side session state)."""

    user_id: int
    name: str
    role: str
    epoch: int
    last_seen: dt.datetime


@dataclass(frozen=True)
class Operator:
    """Someone at the server's command line (``python -m afus ...``): trusted, since they hold the store."""

    name: str = "command line"


Actor = SignedIn | Operator | None


@dataclass(frozen=True)
class UserInfo:
    """An account as listed to admins (never the hash)."""

    id: int
    name: str
    role: str
    disabled: bool
    created_at: dt.datetime


class AuthError(CatalogueError):
    """A refusal with a message from the interface catalogue."""


class SignInRefused(AuthError):
    """Wrong name or password, disabled account, or too many attempts."""


class SessionEnded(AuthError):
    """The session expired, or its account was disabled or got a new password."""


class PermissionDenied(AuthError):
    """The actor may not make this write."""


class AccountError(AuthError):
    """An account request that cannot be carried out (bad name, short password, unknown user...)."""


# --- passwords and names -----------------------------------------------------------


def hash_password(password: str) -> str:
    """An Argon2 hash of ``password``."""
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (False for a malformed hash)."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def normalize_name(name: str) -> str:
    """Account names are compared case-insensitively and without surrounding spaces."""
    return (name or "").strip().casefold()


def _check_name(name: str) -> str:
    key = normalize_name(name)
    if not _NAME.match(key):
        raise AccountError("auth.error.bad_name")
    return key


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError("auth.error.short_password", min=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError("auth.error.long_password", max=MAX_PASSWORD_LENGTH)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError("auth.error.bad_role", roles=", ".join(ROLES))


# --- the permission check --------------------------------------------------------


def require_role(session: Session, actor: Actor, roles: tuple[str, ...] = WRITER_ROLES, now: dt.datetime | None = None) -> str:
    """Check, inside the caller's transaction, that ``actor`` may write now; return the name to record.

    Raises :class:`PermissionDenied` for an anonymous visitor or a role that is
    not enough, :class:`SessionEnded` for an expired session, a disabled
    account or a changed password.
    """
    if actor is None:
        raise PermissionDenied("auth.denied.anonymous")
    if isinstance(actor, Operator):
        return f"{actor.name}"
    now = now or now_utc()
    if now - actor.last_seen > idle_timeout():
        raise SessionEnded("auth.ended.expired")
    user = session.get(User, actor.user_id)
    if user is None or user.disabled:
        raise SessionEnded("auth.ended.disabled")
    if user.session_epoch != actor.epoch:
        raise SessionEnded("auth.ended.password_changed")
    if user.role not in roles:
        raise PermissionDenied("auth.denied.role")
    return user.name


def check_session(engine: Engine, signed_in: SignedIn, now: dt.datetime | None = None) -> SignedIn:
    """Confirm an open session at the start of an action; return it with ``last_seen`` moved to now.

    Raises :class:`SessionEnded` when it is over (idle too long, account
    disabled, password changed).
    """
    now = now or now_utc()
    with Session(engine) as session:
        require_role(session, signed_in, ROLES, now)
        role = session.get(User, signed_in.user_id).role
    return replace(signed_in, role=role, last_seen=now)


# --- sign-in with a growing delay --------------------------------------------------


def lockout_delay(failures: int) -> int:
    """Seconds a name is refused after ``failures`` failed attempts (0 while under the free attempts)."""
    if failures < FREE_ATTEMPTS:
        return 0
    return min(BASE_DELAY_SECONDS * 2 ** (failures - FREE_ATTEMPTS), MAX_DELAY_SECONDS)


def sign_in(engine: Engine, name: str, password: str, now: dt.datetime | None = None) -> SignedIn:
    """Check a name and password; return the new session or raise :class:`SignInRefused`."""
    now = now or now_utc()
    key = normalize_name(name)[:80]
    if not key or not password:
        raise SignInRefused("auth.error.missing")
    with write_session(engine, content=False) as session:
        attempt = session.get(LoginAttempt, key)
        if attempt is not None and attempt.locked_until is not None and attempt.locked_until > now:
            wait = int((attempt.locked_until - now).total_seconds()) + 1
            raise SignInRefused("auth.error.locked", seconds=wait)
    with Session(engine) as session:
        user = session.scalar(select(User).where(User.name == key))
        ok = password_matches(user.password_hash if user else _DUMMY_HASH, password[:MAX_PASSWORD_LENGTH])
        ok = ok and user is not None
    if not ok:
        with write_session(engine, content=False) as session:
            attempt = session.get(LoginAttempt, key) or LoginAttempt(name=key, failures=0)
            attempt.failures += 1
            attempt.last_failure_at = now
            delay = lockout_delay(attempt.failures)
            attempt.locked_until = now + dt.timedelta(seconds=delay) if delay else None
            session.add(attempt)
        if delay:
            raise SignInRefused("auth.error.locked", seconds=delay)
        raise SignInRefused("auth.error.wrong")
    if user.disabled:
        raise SignInRefused("auth.error.disabled")
    with write_session(engine, content=False) as session:
        session.execute(delete(LoginAttempt).where(LoginAttempt.name == key))
    return SignedIn(user_id=user.id, name=user.name, role=user.role, epoch=user.session_epoch, last_seen=now)


# --- account management (admins on the page, operators on the command line) --------


def _audit_user(session: Session, actor_name: str, user: User, action: str, before: dict | None) -> None:
    session.flush()
    session.add(
        AuditEntry(
            actor=actor_name, kind="user", item_id=user.id, item_label=user.name, action=action,
            before=before, after=_user_snapshot(user),
        )
    )


def _user_snapshot(user: User) -> dict:
    # Never the hash: the audit log is readable by coordinators.
    return {"name": user.name, "role": user.role, "disabled": bool(user.disabled)}


def _get_user(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == normalize_name(name)))
    if user is None:
        raise AccountError("auth.error.unknown_user", name=normalize_name(name))
    return user


def add_user(engine: Engine, name: str, role: str, password: str, by: Actor) -> UserInfo:
    """Create an account (admins and operators only)."""
    key = _check_name(name)
    _check_role(role)
    _check_password(password)
    password_hash = hash_password(password)
    with write_session(engine) as session:
        actor_name = require_role(session, by, ("admin",))
        if session.scalar(select(User.id).where(User.name == key)) is not None:
            raise AccountError("auth.error.exists", name=key)
        user = User(name=key, role=role, password_hash=password_hash, disabled=False, session_epoch=1)
        session.add(user)
        _audit_user(session, actor_name, user, "create", None)
        return _info(user)


def list_users(engine: Engine) -> list[UserInfo]:
    """Every account, by name."""
    with Session(engine) as session:
        return [_info(u) for u in session.scalars(select(User).order_by(User.name))]


def set_disabled(engine: Engine, name: str, disabled: bool, by: Actor) -> UserInfo:
    """Disable (ending its open sessions) or re-enable an account."""
    with write_session(engine) as session:
        actor_name = require_role(session, by, ("admin",))
        user = _get_user(session, name)
        if isinstance(by, SignedIn) and user.id == by.user_id and disabled:
            raise AccountError("auth.error.self_disable")
        before = _user_snapshot(user)
        user.disabled = disabled
        user.session_epoch += 1
        _audit_user(session, actor_name, user, "disable" if disabled else "enable", before)
        return _info(user)


def set_password(engine: Engine, name: str, password: str, by: Actor) -> UserInfo:
    """Give an account a new password; its open sessions end at their next action."""
    _check_password(password)
    password_hash = hash_password(password)
    with write_session(engine) as session:
        actor_name = require_role(session, by, ("admin",))
        user = _get_user(session, name)
        before = _user_snapshot(user)
        user.password_hash = password_hash
        user.session_epoch += 1
        _audit_user(session, actor_name, user, "password", before)
        session.execute(delete(LoginAttempt).where(LoginAttempt.name == user.name))
        return _info(user)


def set_role(engine: Engine, name: str, role: str, by: Actor) -> UserInfo:
    """Change an account's role (admins and operators only)."""
    _check_role(role)
    with write_session(engine) as session:
        actor_name = require_role(session, by, ("admin",))
        user = _get_user(session, name)
        before = _user_snapshot(user)
        user.role = role
        _audit_user(session, actor_name, user, "role", before)
        return _info(user)


def _info(user: User) -> UserInfo:
    return UserInfo(id=user.id, name=user.name, role=user.role, disabled=bool(user.disabled), created_at=user.created_at)
