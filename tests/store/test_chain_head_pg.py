"""The audit chain head on PostgreSQL is locked and read in one round trip. The read must see
the entry of the writer it waited for (a stale head would fork the chain): two real clients,
the second blocked on the first's lock until the first commits."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy.orm import Session

from coopledger.services.ledger import open_ledger, verify
from coopledger.store import audit
from coopledger.store.engine import lock_and_read_chain_head

pytestmark = pytest.mark.postgres


def test_the_waiting_writer_reads_the_head_the_first_one_wrote(pg_url: str) -> None:
    led = open_ledger(pg_url, user="会计", create=True)
    try:
        first = Session(led.engine)
        first.begin()
        audit.append(first, user="会计", action="first writer")  # holds the lock
        held = lock_and_read_chain_head(first)  # re-entrant: its own head
        assert held is not None
        seen: list[tuple[int, str] | None] = []

        def second_writer() -> None:
            with Session(led.engine) as s, s.begin():
                seen.append(lock_and_read_chain_head(s))

        t = threading.Thread(target=second_writer)
        t.start()
        time.sleep(0.5)
        assert t.is_alive() and not seen  # waiting for the first writer's lock
        first.commit()
        first.close()
        t.join(timeout=30)
        assert seen == [held]  # the entry committed while it waited, not the head before
        assert audit.chain_head(led.engine.connect()) == held
        assert verify(led).ok
    finally:
        led.close()


def test_an_empty_log_has_no_head(pg_url: str) -> None:
    led = open_ledger(pg_url, user="会计", create=True)
    try:
        with Session(led.engine) as s, s.begin():
            s.execute(audit._AUDIT.delete())  # an empty log, in a transaction rolled back
            assert lock_and_read_chain_head(s) is None
            s.rollback()
    finally:
        led.close()


def test_sqlite_has_no_lock_to_take(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    led = open_ledger(tmp_path / "l.sqlite3", user="会计", create=True)
    try:
        with Session(led.engine) as s, s.begin():
            assert lock_and_read_chain_head(s) is None
    finally:
        led.close()
