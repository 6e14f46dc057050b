"""The people who may open the ledger: password hashes (argon2id), look-ups and log-in.

Password hashes never leave this module in an audit entry: ``user_state`` is what the audit
log records about a user.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from coopledger.domain.roles import ADMIN, AuthenticationError, login_hold
from coopledger.store.models import AppUser, UserOrganisation
from coopledger.store.uow import Tx, read_session, unit_of_work


@dataclass(frozen=True)
class AuthenticatedUser:
    """Who logged in."""

    username: str
    role: str
    display_name: str


@lru_cache(maxsize=1)
def _default_hasher() -> PasswordHasher:
    return PasswordHasher()


def password_hasher() -> PasswordHasher:
    """argon2id with the library's defaults. Nothing the user controls changes them; the
    tests replace this function (``tests/conftest.py``, ``tests/support/fasthash``)."""
    return _default_hasher()


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (salted; a new text every time)."""
    return password_hasher().hash(password)


def password_matches(hashed: str, password: str) -> bool:
    """Whether ``password`` is the one ``hashed`` was made from."""
    try:
        return password_hasher().verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=2)
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("no such user")


def _spend_time_like_a_check(password: str) -> None:
    # An unknown user takes as long to refuse as a wrong password.
    password_matches(_dummy_hash(password_hasher()), password)


def user_state(user: AppUser) -> dict[str, Any]:
    """What the audit log records about a user: never the password hash."""
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "active": user.active,
    }


def count_users(session: Session) -> int:
    """How many users exist (active or not)."""
    return int(session.execute(select(func.count()).select_from(AppUser)).scalar_one())


def has_users(engine: Engine) -> bool:
    """Whether the ledger has users (if not, it runs in single-user mode)."""
    from coopledger.store.engine import has_users as any_users

    return any_users(engine)


def find_user(session: Session, username: str) -> AppUser | None:
    """The user called ``username``, if any."""
    return session.execute(
        select(AppUser).where(col(AppUser.username) == username)
    ).scalar_one_or_none()


def all_users(session: Session) -> list[AppUser]:
    """Every user, by name."""
    return list(session.execute(select(AppUser).order_by(col(AppUser.username))).scalars())


def active_admin_count(session: Session) -> int:
    """How many active administrators there are."""
    return int(
        session.execute(
            select(func.count())
            .select_from(AppUser)
            .where(col(AppUser.role) == ADMIN, col(AppUser.active).is_(True))
        ).scalar_one()
    )


def is_locked(user: AppUser, now: dt.datetime) -> bool:
    """Whether the user is locked out at ``now``."""
    return user.locked_until is not None and user.locked_until > now


def _is_last_admin(session: Session, user: AppUser) -> bool:
    return user.role == ADMIN and user.active and active_admin_count(session) <= 1


def check_login(
    engine: Engine,
    username: str,
    password: str,
    *,
    now: dt.datetime | None = None,
    record: bool = True,
) -> AuthenticatedUser:
    """Check a user name and password.

    Every refusal is the same ``AuthenticationError`` and takes as long: no such user, a
    disabled one, a wrong password, or a user who must still wait after wrong passwords (the
    password is then not even tried, so guessing during the wait learns nothing).

    With ``record`` (a writable ``engine``), wrong passwords are counted per user and each
    one from the third on makes log-in wait longer (``domain.roles.login_hold``: 15 s,
    doubling, at most a day, at most a minute for the last active administrator), each wait
    audited; a successful log-in clears the count. Without ``record`` (a read-only open)
    nothing is written: the wait is honoured but not lengthened, and a success clears
    nothing. An unknown name is never written anywhere.
    """
    now = now or dt.datetime.now(dt.UTC)
    if not record:
        with read_session(engine) as session:
            return _check(session, None, username, password, now)
    with unit_of_work(engine, username or "?") as tx:
        try:
            return _check(tx.session, tx, username, password, now)
        except AuthenticationError as exc:
            refused = exc  # the count and the wait are committed with the refusal
    raise refused


def _check(
    session: Session, tx: Tx | None, username: str, password: str, now: dt.datetime
) -> AuthenticatedUser:
    """The check itself; with ``tx``, wrong passwords are counted and waits set (audited)."""
    user = find_user(session, username)
    if user is None or not user.active or is_locked(user, now):
        _spend_time_like_a_check(password)
        raise AuthenticationError()
    if password_matches(user.password_hash, password):
        if tx is not None:
            if user.failed_attempts or user.locked_until is not None:
                user.failed_attempts = 0
                user.locked_until = None
            if password_hasher().check_needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            session.flush()
        return AuthenticatedUser(user.username, user.role, user.display_name)
    if tx is not None:
        user.failed_attempts += 1
        hold = login_hold(user.failed_attempts, last_admin=_is_last_admin(session, user))
        if hold:
            until = now + hold
            user.locked_until = until
            tx.log(
                "lock out user",
                entity="app_user",
                entity_id=user.id or "",
                after={
                    "username": user.username,
                    "failed_attempts": user.failed_attempts,
                    "locked_until": until,
                },
            )
        session.flush()
    raise AuthenticationError()


def organisations_of(session: Session, user_id: int) -> frozenset[int] | None:
    """The organisations a user may work on; None when not limited (every organisation)."""
    ids = frozenset(
        int(r)
        for r in session.execute(
            select(col(UserOrganisation.org_id)).where(col(UserOrganisation.user_id) == user_id)
        ).scalars()
    )
    return ids or None


def organisations_of_name(engine: Engine, username: str) -> frozenset[int] | None:
    """``organisations_of`` for a user name (None for an unknown user: single-user mode)."""
    with Session(engine) as session:
        user = find_user(session, username)
        if user is None or user.id is None:
            return None
        return organisations_of(session, user.id)
