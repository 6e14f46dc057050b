"""Several clients writing at once (four accountants, two villages): on PostgreSQL they really
do write at the same time; on SQLite each write waits for the one before. Either way no voucher
number is skipped or used twice, the audit chain does not fork, and ``verify`` proves it."""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from pathlib import Path

from coopledger.domain.ledger import LineInput, VoucherInput
from coopledger.services import vouchers
from coopledger.services.accounts import add_account, create_organisation
from coopledger.services.ledger import open_ledger, verify
from tests.pgserver import raw_sql

PER_CLIENT = 12


def _sale(day: dt.date, fen: int) -> VoucherInput:
    return VoucherInput(
        day, "销售莲藕", (LineInput("102", debit_fen=fen), LineInput("50101", credit_fen=fen))
    )


def test_four_clients_post_at_once_without_gaps_or_forks(ledger_path: Path | str) -> None:
    setup = open_ledger(ledger_path, user="setup", create=True)
    orgs = [
        create_organisation(setup, name)
        for name in ("上寨村股份经济合作社", "下寨村股份经济合作社")
    ]
    for org in orgs:
        add_account(setup, org, "50101", "经营收入—莲藕")
    setup.close()
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def client(n: int) -> None:
        org = orgs[n % 2]
        # Each client is its own connection (on SQLite: no writer lock, so that four may try).
        led = open_ledger(ledger_path, user=f"会计{n}", lock=False)
        try:
            start.wait()
            for i in range(PER_CLIENT):
                day = dt.date(2025, 3 + i % 2, 1 + n)
                vid = vouchers.add_voucher(led, org, _sale(day, 100 * (n + 1) + i))
                vouchers.review_voucher(led, org, vid)
                vouchers.post_voucher(led, org, vid)
        except BaseException as exc:  # reported below, with the client's traceback
            errors.append(exc)
        finally:
            led.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    numbers: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for org_id, year, month, seq in raw_sql(
        ledger_path, "SELECT org_id, year, month, seq FROM voucher WHERE state = 'posted'"
    ):
        numbers[(int(str(org_id)), int(str(year)), int(str(month)))].append(int(str(seq)))
    assert sum(len(v) for v in numbers.values()) == 4 * PER_CLIENT
    for key, seqs in numbers.items():
        assert sorted(seqs) == list(range(1, len(seqs) + 1)), (key, sorted(seqs))
    led = open_ledger(ledger_path, user="auditor", readonly=True)
    report = verify(led)
    led.close()
    assert report.ok, report.problems
    assert report.posted_vouchers == 4 * PER_CLIENT
