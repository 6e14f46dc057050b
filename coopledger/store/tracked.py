"""The records whose state the audit log vouches for, and how their state is read.

A write that changes one of these records stores its new state (or its digest, for bulk
writes) in the audit entry; ``verify`` reads every record back the same way and compares.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, select

from coopledger.store import models
from coopledger.store.audit import digest, row_snapshot


@dataclass(frozen=True)
class Tracked:
    """One tracked record kind: its audit entity name and table."""

    entity: str
    table: Table


def _t(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


TRACKED: dict[str, Tracked] = {
    t.entity: t
    for t in (
        Tracked("organisation", _t(models.Organisation)),
        Tracked("account", _t(models.Account)),
        Tracked("member", _t(models.Member)),
        Tracked("land_contract", _t(models.LandContract)),
        Tracked("share_lot", _t(models.ShareLot)),
        Tracked("voucher", _t(models.Voucher)),
        Tracked("distribution_plan", _t(models.DistributionPlan)),
        Tracked("distribution", _t(models.Distribution)),
        Tracked("distribution_item", _t(models.DistributionItem)),
        Tracked("balance_check", _t(models.BalanceCheck)),
        Tracked("township_village", _t(models.TownshipVillage)),
        Tracked("township_package", _t(models.TownshipPackage)),
    )
}

_LINE_TABLE = _t(models.VoucherLine)
_LINE_FIELDS = ("line_no", "account_id", "member_id", "debit_fen", "credit_fen", "memo")


def voucher_state(header: Mapping[Any, Any], lines: Sequence[Mapping[Any, Any]]) -> dict[str, Any]:
    """A voucher's recorded state: its header columns and its lines in order."""
    state = row_snapshot(_t(models.Voucher), header)
    state["lines"] = [
        [ln[f] for f in _LINE_FIELDS] for ln in sorted(lines, key=lambda ln: int(ln["line_no"]))
    ]
    return state


def record_state(conn: Connection, entity: str, row_id: int) -> dict[str, Any] | None:
    """The current state of one tracked record, or None if it does not exist."""
    table = TRACKED[entity].table
    row = conn.execute(select(table).where(table.c.id == row_id)).mappings().first()
    if row is None:
        return None
    if entity == "voucher":
        lines = (
            conn.execute(select(_LINE_TABLE).where(_LINE_TABLE.c.voucher_id == row_id))
            .mappings()
            .all()
        )
        return voucher_state(row, list(lines))
    return row_snapshot(table, row)


def iter_digests(conn: Connection, entity: str) -> Iterator[tuple[int, str]]:
    """(id, digest of its state) for every record of one kind, streamed."""
    table = TRACKED[entity].table
    if entity != "voucher":
        for row in conn.execute(select(table).order_by(table.c.id)).mappings():
            yield int(row["id"]), digest(row_snapshot(table, row))
        return
    line_rows = conn.execute(
        select(_LINE_TABLE).order_by(_LINE_TABLE.c.voucher_id, _LINE_TABLE.c.line_no)
    ).mappings()
    line_iter = iter(line_rows)
    pending = next(line_iter, None)
    for header in conn.execute(select(table).order_by(table.c.id)).mappings():
        vid = int(header["id"])
        lines: list[Mapping[Any, Any]] = []
        while pending is not None and int(pending["voucher_id"]) <= vid:
            if int(pending["voucher_id"]) == vid:
                lines.append(pending)
            pending = next(line_iter, None)
        yield vid, digest(voucher_state(header, lines))


def digests_in_range(conn: Connection, entity: str, lo: int, hi: int) -> dict[int, str]:
    """Digest of the state of every record of one kind with ``lo <= id <= hi``
    (for the audit entry of a bulk write)."""
    table = TRACKED[entity].table
    rows = conn.execute(select(table).where(table.c.id >= lo, table.c.id <= hi)).mappings()
    if entity != "voucher":
        return {int(r["id"]): digest(row_snapshot(table, r)) for r in rows}
    lines: dict[int, list[Mapping[Any, Any]]] = {}
    for ln in conn.execute(
        select(_LINE_TABLE).where(_LINE_TABLE.c.voucher_id >= lo, _LINE_TABLE.c.voucher_id <= hi)
    ).mappings():
        lines.setdefault(int(ln["voucher_id"]), []).append(ln)
    return {int(h["id"]): digest(voucher_state(h, lines.get(int(h["id"]), []))) for h in rows}
