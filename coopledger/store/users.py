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

from coopledger.domain.roles import ADMIN, AccountLockedError, AuthenticationError
from coopledger.store.models import AppUser, UserOrganisation
from coopledger.store.uow import unit_of_work

#: Wrong passwords in a row before the account is locked.
MAX_FAILED_ATTEMPTS = 5
#: How long a locked account stays locked.
LOCKOUT = dt.timedelta(minutes=15)


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


def _local_text(when: dt.datetime) -> str:
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


def check_login(
    engine: Engine, username: str, password: str, *, now: dt.datetime | None = None
) -> AuthenticatedUser:
    """Check a user name and password, counting failures in the ledger.

    After ``MAX_FAILED_ATTEMPTS`` wrong passwords in a row the account is locked for
    ``LOCKOUT`` (audited); a successful log-in resets the count. An unknown or disabled user
    and a wrong password get the same ``AuthenticationError``. ``engine`` must be writable.
    """
    now = now or dt.datetime.now(dt.UTC)
    error: AuthenticationError | AccountLockedError | None = None
    result: AuthenticatedUser | None = None
    with unit_of_work(engine, username or "?") as tx:
        user = find_user(tx.session, username)
        if user is None or not user.active:
            _spend_time_like_a_check(password)
            error = AuthenticationError()
        elif is_locked(user, now):
            assert user.locked_until is not None
            error = AccountLockedError(username, _local_text(user.locked_until))
        elif password_matches(user.password_hash, password):
            if user.failed_attempts or user.locked_until is not None:
                user.failed_attempts = 0
                user.locked_until = None
            if password_hasher().check_needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            result = AuthenticatedUser(user.username, user.role, user.display_name)
        else:
            user.failed_attempts += 1
            error = AuthenticationError()
            if user.failed_attempts >= MAX_FAILED_ATTEMPTS:
                until = now + LOCKOUT
                user.failed_attempts = 0
                user.locked_until = until
                tx.session.flush()
                tx.log(
                    "lock out user",
                    entity="app_user",
                    entity_id=user.id or "",
                    after={
                        "username": user.username,
                        "failed_attempts": MAX_FAILED_ATTEMPTS,
                        "locked_until": until,
                    },
                )
                error = AccountLockedError(username, _local_text(until))
        tx.session.flush()
    if error is not None:
        raise error
    assert result is not None
    return result


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
