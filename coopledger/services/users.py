"""Users and roles: the first administrator, adding and disabling people, roles, passwords,
log-in, and reading the audit trail.

Every change is one unit of work with an audit entry; entries record who the user is and
their role, never a password or its hash.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, insert, select
from sqlmodel import col

from coopledger.domain.errors import N_, DomainError
from coopledger.domain.roles import (
    ADMIN,
    ALL_ROLES,
    MANAGE_USERS,
    READ,
    is_role,
    role_name,
)
from coopledger.services.ledger import Ledger
from coopledger.store.engine import make_engine
from coopledger.store.models import AppUser, AuditLog, Organisation, UserOrganisation, table_of
from coopledger.store.uow import Tx
from coopledger.store.users import (
    AuthenticatedUser,
    active_admin_count,
    all_users,
    check_login,
    count_users,
    find_user,
    hash_password,
    is_locked,
    organisations_of,
    user_state,
)

UO = table_of(UserOrganisation)

MIN_PASSWORD_LENGTH = 6
MAX_USERNAME_LENGTH = 64


@dataclass(frozen=True)
class UserInfo:
    """A user as the program shows them (never the password hash)."""

    username: str
    display_name: str
    role: str
    role_name: str
    active: bool
    locked_until: dt.datetime | None
    failed_attempts: int
    created_at: dt.datetime


def _info(user: AppUser) -> UserInfo:
    now = dt.datetime.now(dt.UTC)
    return UserInfo(
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        role_name=role_name(user.role),
        active=user.active,
        locked_until=user.locked_until if is_locked(user, now) else None,
        failed_attempts=user.failed_attempts,
        created_at=user.created_at,
    )


def _check_username(username: str) -> str:
    name = username.strip()
    if not name or len(name) > MAX_USERNAME_LENGTH or any(ch.isspace() for ch in name):
        raise DomainError(
            "username",
            N_("A user name is 1 to {n} characters without spaces."),
            n=MAX_USERNAME_LENGTH,
        )
    return name


def _check_role(role: str) -> None:
    if not is_role(role):
        raise DomainError(
            "role",
            N_("Unknown role {role}; one of: {roles}."),
            role=role,
            roles=", ".join(ALL_ROLES),
        )


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            "password", N_("A password needs at least {n} characters."), n=MIN_PASSWORD_LENGTH
        )


def _get(tx: Tx, username: str) -> AppUser:
    user = find_user(tx.session, username)
    if user is None:
        raise DomainError("username", N_("There is no user {user}."), user=username)
    return user


def _insert(
    tx: Tx,
    username: str,
    role: str,
    password: str,
    display_name: str,
    hashed: str | None = None,
) -> AppUser:
    from coopledger.domain.fields import read_value
    from coopledger.domain.records import DISPLAY_NAME, USERNAME

    username = read_value(USERNAME, username, "username")
    display_name = read_value(DISPLAY_NAME, display_name, "display_name") if display_name else ""
    if find_user(tx.session, username) is not None:
        raise DomainError("username", N_("The user {user} already exists."), user=username)
    user = AppUser(
        username=username,
        display_name=display_name.strip(),
        role=role,
        password_hash=hashed or hash_password(password),
        created_at=dt.datetime.now(dt.UTC),
    )
    tx.session.add(user)
    tx.session.flush()
    return user


def ledger_has_users(ledger: Ledger) -> bool:
    """Whether the ledger has users (without any, it runs in single-user mode)."""
    with ledger.read() as session:
        return count_users(session) > 0


def create_first_admin(
    ledger: Ledger, username: str, password: str, display_name: str = ""
) -> UserInfo:
    """Create the administrator of a ledger that has no users yet.

    From then on the ledger asks who is working and checks their role. Refused once any user
    exists.
    """
    username = _check_username(username)
    _check_password(password)
    with ledger.write() as tx:
        if count_users(tx.session):
            raise DomainError(
                "username", N_("This ledger already has users; an administrator adds more.")
            )
        user = _insert(tx, username, ADMIN, password, display_name)
        tx.log(
            "create first administrator",
            entity="app_user",
            entity_id=user.id or "",
            after=user_state(user),
        )
        return _info(user)


def add_user(
    ledger: Ledger, username: str, role: str, password: str, display_name: str = ""
) -> UserInfo:
    """Add a person with one role (administrators only). On a ledger with no users the first
    one must be the administrator (see ``create_first_admin``)."""
    ledger.require(MANAGE_USERS)
    username = _check_username(username)
    _check_role(role)
    _check_password(password)
    with ledger.write() as tx:
        if not count_users(tx.session) and role != ADMIN:
            raise DomainError(
                "role", N_("The first user must be the administrator (role {role})."), role=ADMIN
            )
        user = _insert(tx, username, role, password, display_name)
        tx.log("add user", entity="app_user", entity_id=user.id or "", after=user_state(user))
        return _info(user)


@dataclass(frozen=True)
class PreparedPassword:
    """A password already checked and hashed by `prepare_password`: a form hashes each
    password while the next one is typed (argon2 is slow on purpose), so that creating the
    people does not keep them waiting."""

    hashed: str = field(repr=False)


def prepare_password(password: str) -> PreparedPassword:
    """Check a new password (length) and hash it, ahead of `create_staff`."""
    _check_password(password)
    return PreparedPassword(hash_password(password))


@dataclass(frozen=True)
class NewUser:
    """A person to add: user name, role, password (typed, or prepared ahead) and the name
    shown on papers."""

    username: str
    role: str
    password: str | PreparedPassword = field(repr=False)
    display_name: str = ""


def create_staff(
    ledger: Ledger, people: Sequence[NewUser], *, continue_as: str | None = None
) -> list[UserInfo]:
    """The first people of a ledger that has none, in one transaction: the administrator
    (who keeps the program running and adds people later) and the people who do the work —
    a 会计 who prepares vouchers and a 审核 who reviews and posts them, so that nobody checks
    their own work.

    With ``continue_as`` this session goes on as that person (who has just typed their
    password), so that what the set-up does next is recorded under their name and role.
    Refused, with nothing written, once the ledger has users, and unless exactly one of the
    people is the administrator and every user name is different."""
    ledger.require(MANAGE_USERS)
    names: set[str] = set()
    checked: list[NewUser] = []
    for i, p in enumerate(people):
        try:
            username = _check_username(p.username)
            _check_role(p.role)
            if not isinstance(p.password, PreparedPassword):
                _check_password(p.password)
        except DomainError as exc:
            raise DomainError(f"people[{i}].{exc.path}", exc.message, **exc.params) from exc
        if username in names:
            raise DomainError(
                f"people[{i}].username",
                N_("The user name {user} is given twice."),
                user=username,
            )
        names.add(username)
        checked.append(NewUser(username, p.role, p.password, p.display_name.strip()))
    if [p.role for p in checked].count(ADMIN) != 1:
        raise DomainError(
            "people", N_("Exactly one of them is the administrator (role {role})."), role=ADMIN
        )
    if continue_as is not None and continue_as not in names:
        raise DomainError("continue_as", N_("There is no user {user}."), user=continue_as)
    # argon2 is slow on purpose: hash the passwords not prepared ahead at once, before the
    # transaction.
    from concurrent.futures import ThreadPoolExecutor

    typed = [p for p in checked if not isinstance(p.password, PreparedPassword)]
    with ThreadPoolExecutor(max_workers=max(1, len(typed))) as pool:
        hashes = list(pool.map(hash_password, [str(p.password) for p in typed]))
    hashed = dict(zip([p.username for p in typed], hashes, strict=True))
    for p in checked:
        if isinstance(p.password, PreparedPassword):
            hashed[p.username] = p.password.hashed
    checked.sort(key=lambda p: p.role != ADMIN)  # the administrator first
    made: list[UserInfo] = []
    with ledger.write() as tx:
        if count_users(tx.session):
            raise DomainError(
                "people", N_("This ledger already has users; an administrator adds more.")
            )
        for p in checked:
            user = _insert(tx, p.username, p.role, "", p.display_name, hashed[p.username])
            tx.log(
                "create first administrator" if p.role == ADMIN else "add user",
                entity="app_user",
                entity_id=user.id or "",
                after=user_state(user),
            )
            made.append(_info(user))
    if continue_as is not None:
        who = next(u for u in made if u.username == continue_as)
        ledger.user, ledger.role, ledger.orgs = who.username, who.role, None
    return made


def switch_user(ledger: Ledger, username: str, password: str) -> UserInfo:
    """Let another person take over this open ledger (换人: the 审核 sits down after the 会计):
    their password is checked as at log-in (failures count towards a lock-out), then the
    session runs as them, and the switch is in the audit trail."""
    name = username.strip()
    if not name:
        raise DomainError("username", N_("Type your user name."))
    if ledger.readonly:
        engine = make_engine(ledger.location)
        try:
            who = check_login(engine, name, password)
        finally:
            engine.dispose()
    else:
        who = check_login(ledger.engine, name, password)
    before = ledger.user
    with ledger.read() as session:
        user = find_user(session, who.username)
        assert user is not None and user.id is not None
        orgs = organisations_of(session, user.id)
    ledger.user, ledger.role, ledger.orgs = who.username, who.role, orgs
    if not ledger.readonly:
        with ledger.write() as tx:
            tx.log(
                "switch user",
                entity="app_user",
                entity_id=user.id,
                before={"username": before},
                after={"username": who.username, "role": who.role},
            )
    return _info(user)


def display_name_of(ledger: Ledger, username: str) -> str:
    """The name a user goes by (their user name when they have none, or in single-user
    mode)."""
    with ledger.read() as session:
        user = find_user(session, username)
        return (user.display_name or user.username) if user is not None else username


def list_users(ledger: Ledger) -> list[UserInfo]:
    """Every user, by name."""
    ledger.require(READ)
    with ledger.read() as session:
        return [_info(u) for u in all_users(session)]


def _keep_an_admin(tx: Tx, user: AppUser) -> None:
    if user.role == ADMIN and user.active and active_admin_count(tx.session) <= 1:
        raise DomainError(
            "username",
            N_("{user} is the last active administrator; make someone else administrator first."),
            user=user.username,
        )


def deactivate_user(ledger: Ledger, username: str) -> UserInfo:
    """Disable a user: they can no longer log in; their name stays on what they did."""
    ledger.require(MANAGE_USERS)
    if ledger.role is not None and username == ledger.user:
        raise DomainError("username", N_("You cannot disable yourself."))
    with ledger.write() as tx:
        user = _get(tx, username)
        before = user_state(user)
        _keep_an_admin(tx, user)
        user.active = False
        tx.session.flush()
        tx.log(
            "disable user",
            entity="app_user",
            entity_id=user.id or "",
            before=before,
            after=user_state(user),
        )
        return _info(user)


def activate_user(ledger: Ledger, username: str) -> UserInfo:
    """Enable a disabled user again."""
    ledger.require(MANAGE_USERS)
    with ledger.write() as tx:
        user = _get(tx, username)
        before = user_state(user)
        user.active = True
        user.failed_attempts = 0
        user.locked_until = None
        tx.session.flush()
        tx.log(
            "enable user",
            entity="app_user",
            entity_id=user.id or "",
            before=before,
            after=user_state(user),
        )
        return _info(user)


MAX_DISPLAY_NAME_LENGTH = 40


def set_display_name(ledger: Ledger, username: str, display_name: str) -> UserInfo:
    """Give a user the name printed on papers (制单, 审核, 出纳 …; administrators only)."""
    ledger.require(MANAGE_USERS)
    name = " ".join(display_name.split())
    if not name or len(name) > MAX_DISPLAY_NAME_LENGTH or not name.isprintable():
        raise DomainError(
            "display_name",
            N_("A name on papers is 1 to {n} printable characters."),
            n=MAX_DISPLAY_NAME_LENGTH,
        )
    with ledger.write() as tx:
        user = _get(tx, username)
        before = user_state(user)
        user.display_name = name
        tx.session.flush()
        tx.log(
            "change display name",
            entity="app_user",
            entity_id=user.id or "",
            before=before,
            after=user_state(user),
        )
        return _info(user)


def change_role(ledger: Ledger, username: str, role: str) -> UserInfo:
    """Give a user another role (administrators only; one active administrator must remain)."""
    ledger.require(MANAGE_USERS)
    _check_role(role)
    with ledger.write() as tx:
        user = _get(tx, username)
        if user.role == role:
            return _info(user)
        before = user_state(user)
        if role != ADMIN:
            _keep_an_admin(tx, user)
        user.role = role
        tx.session.flush()
        tx.log(
            "change role",
            entity="app_user",
            entity_id=user.id or "",
            before=before,
            after=user_state(user),
        )
        return _info(user)


def set_password(ledger: Ledger, username: str, new_password: str) -> UserInfo:
    """Change a password: one's own (already proven by logging in) or, for an administrator,
    anyone's (a reset, which also lifts a lock-out)."""
    own = ledger.role is not None and username == ledger.user
    if not own:
        ledger.require(MANAGE_USERS)
    _check_password(new_password)
    with ledger.write() as tx:
        user = _get(tx, username)
        user.password_hash = hash_password(new_password)
        user.failed_attempts = 0
        user.locked_until = None
        tx.session.flush()
        tx.log(
            "change password" if own else "reset password",
            entity="app_user",
            entity_id=user.id or "",
            after={"username": user.username},
        )
        return _info(user)


def change_password(ledger: Ledger, username: str, old_password: str, new_password: str) -> None:
    """Change one's own password, proving the old one first (counts as a log-in attempt)."""
    check_login(ledger.engine, username, old_password)
    if ledger.role is not None and username != ledger.user:
        ledger.require(MANAGE_USERS)
    set_password(ledger, username, new_password)


def unlock_user(ledger: Ledger, username: str) -> UserInfo:
    """Lift a lock-out before its time (administrators only)."""
    ledger.require(MANAGE_USERS)
    with ledger.write() as tx:
        user = _get(tx, username)
        user.failed_attempts = 0
        user.locked_until = None
        tx.session.flush()
        tx.log(
            "unlock user",
            entity="app_user",
            entity_id=user.id or "",
            after={"username": user.username},
        )
        return _info(user)


def user_organisations(ledger: Ledger, username: str) -> list[str] | None:
    """The names of the organisations ``username`` may work on; None when not limited."""
    with ledger.read() as session:
        user = find_user(session, username)
        if user is None or user.id is None:
            raise DomainError("username", N_("There is no user {user}."), user=username)
        ids = organisations_of(session, user.id)
        if ids is None:
            return None
        return sorted(
            str(n)
            for n in session.execute(
                select(col(Organisation.name)).where(col(Organisation.id).in_(sorted(ids)))
            ).scalars()
        )


def set_user_organisations(ledger: Ledger, username: str, names: Sequence[str] | None) -> None:
    """Give ``username`` exactly the organisations ``names`` (None or empty: every
    organisation, as before any was given). Administrators only; audited with the lists
    before and after."""
    ledger.require(MANAGE_USERS)
    with ledger.write() as tx:
        user = _get(tx, username)
        assert user.id is not None
        by_name = {
            str(n): int(i)
            for n, i in tx.session.execute(select(col(Organisation.name), col(Organisation.id)))
            if i is not None
        }
        wanted: set[int] = set()
        for name in names or ():
            if name not in by_name:
                raise DomainError(
                    "--org",
                    N_('no organisation named "{name}" (there are: {names})'),
                    name=name,
                    names="、".join(sorted(by_name)) or "—",
                )
            wanted.add(by_name[name])
        names_of = {i: n for n, i in by_name.items()}
        before = organisations_of(tx.session, user.id)
        tx.session.execute(delete(UO).where(UO.c.user_id == user.id))
        if wanted:
            tx.session.execute(
                insert(UO), [{"user_id": user.id, "org_id": o} for o in sorted(wanted)]
            )
        tx.log(
            "set user organisations",
            entity="app_user",
            entity_id=user.id,
            before={
                "username": user.username,
                "organisations": None if before is None else sorted(names_of[o] for o in before),
            },
            after={
                "username": user.username,
                "organisations": sorted(names_of[o] for o in wanted) or None,
            },
        )


def authenticate(source: Path | str | Engine, username: str, password: str) -> AuthenticatedUser:
    """Check a user name and password against a ledger (a file path or an engine on it).

    Five wrong passwords in a row lock the account for fifteen minutes; success resets the
    count. Unknown user and wrong password raise the same ``AuthenticationError``.
    """
    if isinstance(source, Engine):
        return check_login(source, username, password)
    engine = make_engine(source)
    try:
        return check_login(engine, username, password)
    finally:
        engine.dispose()


# The audit trail --------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditEntry:
    """One audit entry as shown to people (``at`` is UTC ISO text, as stored)."""

    id: int
    at: str
    user: str
    action: str
    entity: str
    entity_id: str
    org_id: int | None
    before: Any
    after: Any
    hash: str

    def as_json(self) -> dict[str, Any]:
        """Every field, with ``before``/``after`` decoded."""
        return {
            "id": self.id,
            "at": self.at,
            "user": self.user,
            "action": self.action,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "org_id": self.org_id,
            "before": self.before,
            "after": self.after,
            "hash": self.hash,
        }


def _day_start_utc(day: dt.date) -> str:
    return dt.datetime.combine(day, dt.time.min).astimezone().astimezone(dt.UTC).isoformat()


def audit_entries(
    ledger: Ledger,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    user: str | None = None,
    limit: int | None = None,
) -> list[AuditEntry]:
    """Audit entries, oldest first: from ``since`` to ``until`` (local days, both included),
    optionally only those by ``user``."""
    ledger.require(READ)
    q = select(AuditLog).order_by(col(AuditLog.id))
    if since is not None:
        q = q.where(col(AuditLog.at) >= _day_start_utc(since))
    if until is not None:
        q = q.where(col(AuditLog.at) < _day_start_utc(until + dt.timedelta(days=1)))
    if user:
        q = q.where(col(AuditLog.user) == user)
    if limit is not None:
        q = q.limit(limit)
    with ledger.read() as session:
        return [
            AuditEntry(
                id=e.id or 0,
                at=e.at,
                user=e.user,
                action=e.action,
                entity=e.entity,
                entity_id=e.entity_id,
                org_id=e.org_id,
                before=json.loads(e.before_json) if e.before_json else None,
                after=json.loads(e.after_json) if e.after_json else None,
                hash=e.hash,
            )
            for e in session.execute(q).scalars()
        ]
