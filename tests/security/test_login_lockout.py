"""Attack: type wrong passwords for the only administrator and lock the office out of its own
ledger (15 minutes each time, for ever); or lock out someone else for a day with five tries.

Now each user's wait grows with their own wrong passwords (short first, doubling), and the
last active administrator never waits more than a minute."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from coopledger.domain import roles
from coopledger.domain.roles import AuthenticationError
from coopledger.store.engine import make_engine
from coopledger.store.users import check_login
from tests.pgserver import raw_sql
from tests.security.controls_office import as_user, staff


def _held_until(path: Path, name: str) -> dt.datetime | None:
    (value,) = raw_sql(path, f"SELECT locked_until FROM app_user WHERE username = '{name}'")[0]
    if value is None:
        return None
    when = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _fail(engine: object, name: str, now: dt.datetime) -> None:
    with pytest.raises(AuthenticationError):
        check_login(engine, name, "wrong", now=now)  # type: ignore[arg-type]


def test_the_wait_grows_per_user_with_short_waits_first(ledger_path: Path) -> None:
    staff(ledger_path)
    engine = make_engine(ledger_path)
    now = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC)
    waits = []
    for _ in range(8):
        _fail(engine, "chuna", now)
        until = _held_until(ledger_path, "chuna")
        waits.append(int((until - now).total_seconds()) if until else 0)
        now = until or now  # try again the moment the wait is over
    assert waits == [0, 0, 15, 30, 60, 120, 240, 480]
    # Someone else's wrong passwords never made another user wait.
    assert _held_until(ledger_path, "kuaiji") is None
    assert check_login(engine, "kuaiji", "kuaiji-pw", now=now).role == "accountant"
    engine.dispose()
    assert roles.login_hold(100) == roles.LONGEST_HOLD


def test_the_last_administrator_never_waits_more_than_a_minute(ledger_path: Path) -> None:
    staff(ledger_path)
    engine = make_engine(ledger_path)
    now = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC)
    for _ in range(30):
        _fail(engine, "guanli", now)
        until = _held_until(ledger_path, "guanli")
        assert until is None or until - now <= dt.timedelta(minutes=1)
        now = until or now
    # A minute later the administrator is in.
    assert check_login(engine, "guanli", "guanli-pw", now=now).role == "admin"
    engine.dispose()


def test_with_a_second_administrator_the_first_can_wait_longer(ledger_path: Path) -> None:
    staff(ledger_path)
    with as_user(ledger_path, "guanli") as adm:
        from coopledger.services.users import add_user

        add_user(adm, "guanli2", "admin", "guanli2-pw", "刘管理")
    engine = make_engine(ledger_path)
    now = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC)
    for _ in range(12):
        _fail(engine, "guanli", now)
        now = _held_until(ledger_path, "guanli") or now
    _fail(engine, "guanli", now)
    until = _held_until(ledger_path, "guanli")
    engine.dispose()
    assert until is not None and until - now > dt.timedelta(minutes=1)
