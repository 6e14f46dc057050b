"""Proof that the ledger is what the program wrote: the audit chain, the recorded state of
every tracked record, and the ledger's invariants. Reads only."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Connection, func, select, text

from coopledger.domain.vocabulary import VoucherSource, VoucherState
from coopledger.store import models
from coopledger.store.audit import BULK_KEY, GENESIS, entry_hash
from coopledger.store.tracked import TRACKED, iter_digests, snapshot_tables, table_digests


@dataclass
class Problem:
    """One thing found wrong; ``entry`` is the audit entry it concerns, when there is one."""

    what: str
    entry: int | None = None

    def __str__(self) -> str:
        return f"audit entry #{self.entry}: {self.what}" if self.entry else self.what


@dataclass
class VerifyReport:
    """What ``verify`` found."""

    entries: int = 0
    head: str = GENESIS
    records: dict[str, int] = field(default_factory=dict)
    posted_vouchers: int = 0
    problems: list[Problem] = field(default_factory=list)
    #: Whether the chain was walked to its end (else the records were not compared).
    chain_intact: bool = True
    #: What SQLite found wrong with the file's pages (a damaged file is checked no further).
    damage: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


Expected = dict[tuple[str, str], tuple[str, int]]


def _check_chain(conn: Connection, report: VerifyReport) -> Expected:
    """Walk the chain; return the last recorded digest (and its entry) per tracked record
    and per row of a snapshot table, keyed (entity, row key).

    A digest of ``""`` means the record was deleted.
    """
    log = models.table_of(models.AuditLog)
    snapshots = snapshot_tables()
    expected: Expected = {}
    prev = GENESIS
    for row in conn.execute(select(log).order_by(log.c.id)).mappings():
        eid = int(row["id"])
        report.entries += 1
        if row["prev_hash"] != prev:
            report.problems.append(
                Problem(
                    "does not follow the entry before it (an entry was removed or changed)", eid
                )
            )
            report.chain_intact = False
            return expected
        recomputed = entry_hash(
            prev,
            org_id=row["org_id"],
            at=row["at"],
            user=row["user"],
            action=row["action"],
            entity=row["entity"],
            entity_id=row["entity_id"],
            before_json=row["before_json"],
            after_json=row["after_json"],
        )
        if recomputed != row["hash"]:
            report.problems.append(Problem("was altered after it was written (hash mismatch)", eid))
            report.chain_intact = False
            return expected
        prev = str(row["hash"])
        entity = str(row["entity"])
        if entity not in TRACKED and entity not in snapshots:
            continue
        after_json = str(row["after_json"])
        if row["entity_id"] == "*":
            bulk = json.loads(after_json)
            if isinstance(bulk, dict) and bulk.get(BULK_KEY):
                for rid, dig in bulk["rows"].items():
                    expected[(entity, str(rid))] = (str(dig), eid)
            continue
        if entity not in TRACKED:
            continue  # a snapshot table's rows are recorded by bulk entries only
        try:
            rid = int(row["entity_id"])
        except ValueError:
            continue
        dig = hashlib.sha256(after_json.encode("utf-8")).hexdigest() if after_json else ""
        expected[(entity, str(rid))] = (dig, eid)
    report.head = prev
    return expected


def _compare(
    report: VerifyReport, expected: Expected, entity: str, rid: str, dig: str, name: str
) -> None:
    rec = expected.pop((entity, rid), None)
    if rec is None or rec[0] == "":
        report.problems.append(Problem(f"{name} exists but the audit log never recorded it"))
    elif rec[0] != dig:
        report.problems.append(
            Problem(f"{name} differs from the state this entry recorded", rec[1])
        )


def _check_records(conn: Connection, report: VerifyReport, expected: Expected) -> None:
    for entity in TRACKED:
        seen = 0
        orphans: list[int] = []
        for rid, dig in iter_digests(conn, entity, orphans):
            seen += 1
            _compare(report, expected, entity, str(rid), dig, f"{entity} #{rid}")
        report.records[entity] = seen
        if orphans:
            report.problems.append(
                Problem(
                    f"{len(orphans)} voucher lines belong to no voucher"
                    f" (voucher_line #{orphans[0]} …)"
                )
            )
    for name, table in snapshot_tables().items():
        digests = table_digests(conn, table)
        for key, dig in digests.items():
            _compare(report, expected, name, key, dig, f"{name} {key}")
        report.records[name] = len(digests)
    for (entity, key_text), (dig, eid) in sorted(expected.items(), key=lambda kv: kv[1][1]):
        if dig:
            report.problems.append(
                Problem(
                    f"{entity} {_shown_id(entity, key_text)} recorded here is missing from the ledger",
                    eid,
                )
            )


def _shown_id(entity: str, rid: str) -> str:
    return f"#{rid}" if entity in TRACKED else rid


def _check_invariants(conn: Connection, report: VerifyReport) -> None:
    v = models.table_of(models.Voucher)
    ln = models.table_of(models.VoucherLine)
    pb = models.table_of(models.PeriodBalance)
    totals = conn.execute(
        select(
            v.c.id,
            v.c.year,
            v.c.month,
            func.coalesce(func.sum(ln.c.debit_fen), 0),
            func.coalesce(func.sum(ln.c.credit_fen), 0),
        )
        .select_from(v.outerjoin(ln, ln.c.voucher_id == v.c.id))
        .where(v.c.state == VoucherState.POSTED)
        .group_by(v.c.id, v.c.year, v.c.month)
    ).all()
    for vid, _y, _m, debit, credit in totals:
        report.posted_vouchers += 1
        if debit != credit:
            report.problems.append(
                Problem(f"posted voucher #{vid} does not balance ({debit} ≠ {credit} fen)")
            )
        elif debit == 0:
            report.problems.append(Problem(f"posted voucher #{vid} has no amount"))
    # Posted vouchers are numbered 1..n per month with no gaps.
    seqs: dict[tuple[int, str, int, int], list[int]] = defaultdict(list)
    for org, vtype, year, month, seq in conn.execute(
        select(v.c.org_id, v.c.vtype, v.c.year, v.c.month, v.c.seq).where(
            v.c.state == VoucherState.POSTED
        )
    ):
        seqs[(org, vtype, year, month)].append(seq or 0)
    for (org, vtype, year, month), numbers in seqs.items():
        if sorted(numbers) != list(range(1, len(numbers) + 1)):
            report.problems.append(
                Problem(
                    f"vouchers of {year}-{month:02d} ({vtype}, book {org}) are not numbered 1…n"
                )
            )
    # Each posted line repeats its voucher's date and number (the ledgers page on them).
    stray = conn.execute(
        select(func.count())
        .select_from(ln.join(v, ln.c.voucher_id == v.c.id))
        .where(v.c.state == VoucherState.POSTED, (ln.c.date != v.c.date) | (ln.c.seq != v.c.seq))
    ).scalar_one()
    if stray:
        report.problems.append(
            Problem(f"{stray} posted lines disagree with their voucher's date or number")
        )
    # The kept period balances equal the posted lines.
    sums = {
        (org, acc, y, m): (d, c)
        for org, acc, y, m, d, c in conn.execute(
            select(
                ln.c.org_id,
                ln.c.account_id,
                v.c.year,
                v.c.month,
                func.sum(ln.c.debit_fen),
                func.sum(ln.c.credit_fen),
            )
            .select_from(ln.join(v, ln.c.voucher_id == v.c.id))
            .where(v.c.state == VoucherState.POSTED)
            .group_by(ln.c.org_id, ln.c.account_id, v.c.year, v.c.month)
        )
    }
    kept = {
        (org, acc, y, m): (d, c)
        for org, acc, y, m, d, c in conn.execute(
            select(
                pb.c.org_id, pb.c.account_id, pb.c.year, pb.c.month, pb.c.debit_fen, pb.c.credit_fen
            )
        )
        if d or c
    }
    sums = {k: val for k, val in sums.items() if val[0] or val[1]}
    if sums != kept:
        bad = sorted(set(sums.items()) ^ set(kept.items()))[:1]
        where = f" (account #{bad[0][0][1]}, {bad[0][0][2]}-{bad[0][0][3]:02d})" if bad else ""
        report.problems.append(Problem(f"period balances disagree with the posted lines{where}"))


def _check_schema(conn: Connection, report: VerifyReport) -> None:
    from coopledger.store.engine import known_revisions
    from coopledger.store.schema import schema_problems

    version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if version is None or str(version) not in known_revisions():
        report.problems.append(
            Problem(f"schema: the revision {version!r} is not one this program knows")
        )
        return
    for what in schema_problems(conn, str(version)):
        report.problems.append(Problem(f"schema: {what}"))


def _check_slips(conn: Connection, report: VerifyReport) -> None:
    """Each distribution's slips against the vouchers it posted, and each paid slip against
    its payment voucher (what a trigger or a bug could make disagree while each row still
    matches its recorded state)."""
    v = models.table_of(models.Voucher)
    ln = models.table_of(models.VoucherLine)
    d = models.table_of(models.Distribution)
    item = models.table_of(models.DistributionItem)
    credited: dict[tuple[int, int], int] = {
        (int(did), int(mid)): int(total)
        for did, mid, total in conn.execute(
            select(v.c.distribution_id, ln.c.member_id, func.sum(ln.c.credit_fen))
            .select_from(ln.join(v, ln.c.voucher_id == v.c.id))
            .where(
                v.c.distribution_id.is_not(None),
                v.c.reverses_id.is_(None),
                ln.c.member_id.is_not(None),
            )
            .group_by(v.c.distribution_id, ln.c.member_id)
        )
    }
    paid_lines: dict[tuple[int, int], int] = {
        (int(vid), int(mid)): int(total)
        for vid, mid, total in conn.execute(
            select(ln.c.voucher_id, ln.c.member_id, func.sum(ln.c.debit_fen))
            .select_from(ln.join(v, ln.c.voucher_id == v.c.id))
            .where(v.c.source == VoucherSource.PAYMENT, ln.c.member_id.is_not(None))
            .group_by(ln.c.voucher_id, ln.c.member_id)
        )
    }
    payments = {
        int(vid): (state, date, reversed_by)
        for vid, state, date, reversed_by in conn.execute(
            select(v.c.id, v.c.state, v.c.date, v.c.reversed_by_id).where(
                v.c.source == VoucherSource.PAYMENT, v.c.reverses_id.is_(None)
            )
        )
    }
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    slipped: set[tuple[int, int]] = set()
    paid_by: dict[int, int] = {}
    for row in conn.execute(select(item).order_by(item.c.id)).mappings():
        iid, did, mid = int(row["id"]), int(row["distribution_id"]), int(row["member_id"])
        fee, ret, div = (
            int(row["land_fee_fen"]),
            int(row["transaction_return_fen"]),
            int(row["dividend_fen"]),
        )
        total = fee + ret + div
        t = totals[did]
        t[0] += fee
        t[1] += ret
        t[2] += div
        slipped.add((did, mid))
        posted = credited.get((did, mid), 0)
        if posted != total:
            report.problems.append(
                Problem(
                    f"slip #{iid} says {total} fen, its distribution posted {posted} fen"
                    f" to member #{mid}"
                )
            )
        vid = row["payment_voucher_id"]
        if vid is None:
            if row["paid_on"] is not None:
                report.problems.append(Problem(f"slip #{iid} is marked paid with no payment"))
            continue
        vid = int(vid)
        if vid in paid_by:
            report.problems.append(
                Problem(f"slips #{paid_by[vid]} and #{iid} are paid by the same voucher #{vid}")
            )
        paid_by[vid] = iid
        payment = payments.get(vid)
        if payment is None or payment[0] != VoucherState.POSTED:
            report.problems.append(Problem(f"slip #{iid} is paid by #{vid}, no posted payment"))
            continue
        if payment[1] != row["paid_on"]:
            report.problems.append(
                Problem(f"slip #{iid} was paid on {row['paid_on']}, its voucher is of {payment[1]}")
            )
        paid = paid_lines.get((vid, mid), 0)
        if paid != total:
            report.problems.append(
                Problem(f"slip #{iid} says {total} fen, its payment voucher #{vid} pays {paid} fen")
            )
    for (did, mid), amount in sorted(credited.items()):
        if amount and (did, mid) not in slipped:
            report.problems.append(
                Problem(
                    f"distribution #{did} posted {amount} fen to member #{mid}, who has no slip"
                )
            )
    for did, fee, ret, div in conn.execute(
        select(d.c.id, d.c.land_fees_fen, d.c.transaction_returns_fen, d.c.dividends_fen)
    ):
        if list(totals.get(int(did), [0, 0, 0])) != [int(fee), int(ret), int(div)]:
            report.problems.append(
                Problem(f"the slips of distribution #{did} do not add up to its totals")
            )
    for vid, (state, _date, reversed_by) in sorted(payments.items()):
        if state == VoucherState.POSTED and reversed_by is None and vid not in paid_by:
            report.problems.append(Problem(f"payment voucher #{vid} pays no slip"))


def verify_ledger(conn: Connection) -> VerifyReport:
    """Re-compute the audit chain, compare every tracked record with its recorded state,
    compare the schema with the program's, and check the ledger's invariants and the slips
    against the vouchers."""
    report = VerifyReport()
    _check_schema(conn, report)
    expected = _check_chain(conn, report)
    if report.chain_intact:
        _check_records(conn, report, expected)
    _check_invariants(conn, report)
    _check_slips(conn, report)
    _check_package_files(conn, report)
    return report


def _check_package_files(conn: Connection, report: VerifyReport) -> None:
    """Each package file a township received against the digest its (tracked) package row
    recorded, and no package without its file."""
    pk = models.table_of(models.TownshipPackage)
    pf = models.table_of(models.TownshipPackageFile)
    rows = conn.execute(
        select(pk.c.id, pk.c.package_sha256, pf.c.content).select_from(
            pk.outerjoin(pf, pf.c.package_id == pk.c.id)
        )
    )
    for pid, want, content in rows:
        if content is None:
            report.problems.append(Problem(f"township_package #{pid}: its file is missing"))
        elif hashlib.sha256(bytes(content)).hexdigest() != want:
            report.problems.append(
                Problem(f"township_package #{pid}: its file differs from the one received")
            )
    orphans = conn.execute(
        select(pf.c.package_id).where(pf.c.package_id.not_in(select(pk.c.id)))
    ).all()
    for (pid,) in orphans:
        report.problems.append(Problem(f"township_package_file #{pid} belongs to no package"))
