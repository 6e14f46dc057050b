"""A pooled PostgreSQL connection is pinged before use only when it has been idle: a client
working without a pause spares that round trip, and a connection the server dropped while
it was idle is replaced before the next act, which then works."""

from __future__ import annotations

import pytest

from coopledger.services.ledger import Ledger, open_ledger
from coopledger.store import engine as engine_module
from tests.pgserver import raw_sql

pytestmark = pytest.mark.postgres


def _pings(led: Ledger, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    pings: list[int] = []
    dialect = led.engine.dialect
    real = dialect.do_ping

    def counted(conn: object) -> bool:
        pings.append(1)
        return bool(real(conn))

    monkeypatch.setattr(dialect, "do_ping", counted)
    return pings


def test_a_busy_connection_is_not_pinged(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    led = open_ledger(pg_url, user="会计", create=True)
    try:
        pings = _pings(led, monkeypatch)
        monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", 60.0)
        for _ in range(3):
            with led.read() as s:
                s.connection().exec_driver_sql("SELECT 1")
        assert pings == []
        monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", 0.0)
        with led.read() as s:
            s.connection().exec_driver_sql("SELECT 1")
        assert pings == [1]
    finally:
        led.close()


def test_a_connection_dropped_while_idle_is_replaced(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    led = open_ledger(pg_url, user="会计", create=True)
    try:
        with led.read() as s:
            pid = s.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
        raw_sql(pg_url, "SELECT pg_terminate_backend(?)", (pid,))
        monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", 0.0)
        with led.read() as s:
            again = s.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
        assert again != pid
    finally:
        led.close()
