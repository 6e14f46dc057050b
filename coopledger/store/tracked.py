"""The records whose state the audit log vouches for, and how their state is read.

Every table of the schema is vouched for, one of three ways:

* **Tracked records** (`TRACKED`: organisations, accounts, members, contracts, share lots,
  vouchers with their lines, plans, distributions, slips, balance checks): a write that
  changes one stores its new state (or its digest, for bulk writes) in the audit entry, by
  the service's own ``tx.track`` call.
* **Snapshot tables** (`snapshot_tables`: every other table but the two below — users,
  their organisations, periods, fiscal years, settings, and any table added later): small
  tables, recorded by the unit of work itself. The first statement of a transaction that
  writes one reads the table's digests before it; at commit the rows whose digest changed
  (added, altered or deleted) are recorded in one bulk entry. No service has to remember it.
* **Derived and self** (`DERIVED`): ``period_balance`` is checked against the posted lines,
  ``audit_log`` is the chain itself, a received package's file against the SHA-256 its
  tracked ``township_package`` row recorded.

``verify`` reads every record back the same way and compares.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring as _encode_string  # the C one json.dumps uses
from typing import Any

from sqlalchemy import Connection, Table, select

from coopledger.store import models
from coopledger.store.audit import canonical_json, digest, row_snapshot
from coopledger.store.models import STATE_OMITS


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
        Tracked("import_batch", _t(models.ImportBatch)),
        Tracked("approval_request", _t(models.ApprovalRequest)),
        Tracked("fixed_asset", _t(models.FixedAsset)),
        Tracked("asset_change", _t(models.AssetChange)),
        Tracked("depreciation_run", _t(models.DepreciationRun)),
        Tracked("asset_depreciation", _t(models.AssetDepreciation)),
        Tracked("publication", _t(models.Publication)),
        Tracked("share_certificate", _t(models.ShareCertificate)),
    )
}

_LINE_TABLE = _t(models.VoucherLine)
# A line's recorded state, in this order (`StateDigester._lines` writes these, with these
# types: ints, the member id or null, the memo text). A line's other columns: ``voucher_id``
# is where the state is kept; ``org_id`` is its voucher's (written as a seventh item when it
# is not, so moving a line to another book changes the state); ``date`` and ``seq`` repeat
# the voucher's and ``verify`` checks they agree; ``id`` only names the row.
_LINE_FIELDS = ("line_no", "account_id", "member_id", "debit_fen", "credit_fen", "memo")

#: Tables vouched for otherwise than by recorded states: why.
DERIVED: Mapping[str, str] = {
    "period_balance": "checked against the posted lines",
    "audit_log": "the chain itself",
    "voucher_line": "part of its voucher's state",
    "township_package_file": "checked against its package's recorded SHA-256",
}


def voucher_state(header: Mapping[Any, Any], lines: Sequence[Mapping[Any, Any]]) -> dict[str, Any]:
    """A voucher's recorded state: its header columns and its lines in order."""
    state = row_snapshot(_t(models.Voucher), header)
    org = header["org_id"]
    out = []
    for ln in sorted(lines, key=lambda ln: int(ln["line_no"])):
        item = [ln[f] for f in _LINE_FIELDS]
        if ln["org_id"] != org:
            item.append(ln["org_id"])
        out.append(item)
    state["lines"] = out
    return state


def _json_scalar(value: Any) -> str:
    """One value as ``canonical_json(row_snapshot(...))`` writes it."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, str):
        return _encode_string(value)
    if isinstance(value, dt.datetime):
        text = value.astimezone(dt.UTC).isoformat() if value.tzinfo else value.isoformat()
        return _encode_string(text)
    if isinstance(value, dt.date):
        return _encode_string(value.isoformat())
    raise TypeError(f"no canonical form for {type(value).__name__}")


def _int_or_null(value: Any) -> str:
    return "null" if value is None else str(int(value))


def _text_or_null(value: Any) -> str:
    return "null" if value is None else _encode_string(value)


class StateDigester:
    """Digests of records' recorded states made straight from the rows a bulk write inserts
    (tuples in ``columns`` order), for its audit entry: byte for byte the digest of
    ``row_snapshot`` (and, for vouchers, ``voucher_state``) of the stored rows, which
    ``verify`` recomputes, without building each state and encoding it as JSON. The
    canonical text is written by a template made once, in which the columns with the same
    value in every row (``constants``) are already written; each other column is written
    by the encoder of its type."""

    def __init__(
        self,
        table: Table,
        columns: Sequence[str],
        constants: Mapping[str, Any] | None = None,
        *,
        line_columns: Sequence[str] = (),
    ) -> None:
        constants = constants or {}
        if set(columns) != set(table.columns.keys()):
            raise ValueError(f"{table.name}: every column, once: {sorted(columns)}")
        self._table = table
        self._columns = list(columns)
        self._constants = constants
        self._keys = [*columns, "lines"] if line_columns else list(columns)
        # A column added later (``models.added_later``) is left out of the state while it
        # holds the value the migration gave (`row_snapshot`): a constant one is left out of
        # the template once; a variable one picks, per row, the template with or without it.
        fixed: set[str] = set()
        self._optional: list[tuple[int, str, Any]] = []
        for name in columns:
            info = table.c[name].info
            if STATE_OMITS not in info:
                continue
            if name in constants:
                if constants[name] == info[STATE_OMITS]:
                    fixed.add(name)
            else:
                self._optional.append((self._columns.index(name), name, info[STATE_OMITS]))
        self._fixed = frozenset(fixed)
        self._templates: dict[frozenset[str], tuple[str, list[tuple[int, Callable[[Any], str]]]]]
        self._templates = {}
        self._template, self._variable = self._build(frozenset())
        if line_columns:
            self._at = [list(line_columns).index(f) for f in _LINE_FIELDS]
            self._line_org = list(line_columns).index("org_id")
            self._org = list(columns).index("org_id") if "org_id" not in constants else -1
            self._org_constant = constants.get("org_id")
        self._seen: dict[Any, str] = {}
        self._header_org: Any = None

    def _build(
        self, left_out: frozenset[str]
    ) -> tuple[str, list[tuple[int, Callable[[Any], str]]]]:
        """The template (and its variable columns) of a row whose ``left_out`` columns hold
        the value for which the state leaves them out."""
        known = self._templates.get(left_out)
        if known is not None:
            return known
        parts: list[str] = []
        variable: list[tuple[int, Callable[[Any], str]]] = []
        for key in sorted(k for k in self._keys if k not in self._fixed | left_out):
            head = _encode_string(key) + ":"
            if key in self._constants:
                parts.append((head + _json_scalar(self._constants[key])).replace("%", "%%"))
                continue
            parts.append(head + "%s")
            if key == "lines":
                variable.append((-1, self._lines))
                continue
            python_type = self._table.c[key].type.python_type
            encode: Callable[[Any], str]
            if python_type is int:
                encode = _int_or_null
            elif python_type is str:
                encode = _text_or_null
            else:  # dates, datetimes, booleans: few distinct values, written once each
                encode = self._memo
            variable.append((self._columns.index(key), encode))
        built = ("{" + ",".join(parts) + "}", variable)
        self._templates[left_out] = built
        return built

    def _memo(self, value: Any) -> str:
        out = self._seen.get(value)
        if out is None:
            out = self._seen[value] = _json_scalar(value)
        return out

    def _lines(self, lines: Sequence[Sequence[Any]]) -> str:
        n, a, m, d, c, memo = self._at
        o, org = self._line_org, self._header_org
        return (
            "["
            + ",".join(
                [
                    # ids and amounts are ints: f-strings write them as json.dumps does
                    f"[{ln[n]},{ln[a]},{'null' if ln[m] is None else ln[m]},"
                    f"{ln[d]},{ln[c]},{_encode_string(ln[memo])}"
                    + ("]" if ln[o] == org else f",{ln[o]}]")
                    for ln in lines
                ]
            )
            + "]"
        )

    def __call__(self, row: Sequence[Any], lines: Sequence[Sequence[Any]] = ()) -> str:
        """The digest of one record's state; ``lines`` (in line order) for a voucher."""
        if lines:
            self._header_org = row[self._org] if self._org >= 0 else self._org_constant
        template, variable = self._template, self._variable
        if self._optional:
            left_out = frozenset(name for i, name, omit in self._optional if row[i] == omit)
            if left_out:
                template, variable = self._build(left_out)
        text = template % tuple(
            [encode(row[i]) if i >= 0 else encode(lines) for i, encode in variable]
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


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


def iter_digests(
    conn: Connection, entity: str, orphans: list[int] | None = None
) -> Iterator[tuple[int, str]]:
    """(id, digest of its state) for every record of one kind, streamed. For vouchers, the
    ids of lines whose voucher does not exist are added to ``orphans``."""
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
            elif orphans is not None:
                orphans.append(int(pending["id"]))
            pending = next(line_iter, None)
        yield vid, digest(voucher_state(header, lines))
    while pending is not None:
        if orphans is not None:
            orphans.append(int(pending["id"]))
        pending = next(line_iter, None)


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


# -- snapshot tables ----------------------------------------------------------------------


def _all_tables() -> dict[str, Table]:
    from sqlmodel import SQLModel

    return {t.name: t for t in SQLModel.metadata.sorted_tables}


_SNAPSHOT: dict[str, Table] = {}


def snapshot_tables() -> Mapping[str, Table]:
    """The tables recorded by snapshot (see the module's docstring): every table of the
    schema that is neither a tracked record's nor derived."""
    if not _SNAPSHOT:
        tracked = {t.table.name for t in TRACKED.values()}
        _SNAPSHOT.update(
            {
                name: table
                for name, table in _all_tables().items()
                if name not in tracked and name not in DERIVED
            }
        )
    return _SNAPSHOT


def row_key(table: Table, row: Mapping[Any, Any]) -> str:
    """The name of a row in its table's audit entries: its id, or the JSON list of its
    primary key's values (``[3,2024,10]`` for a period)."""
    keys = list(table.primary_key.columns)
    if len(keys) == 1:
        return str(row[keys[0].name])
    return canonical_json([row[c.name] for c in keys])


def table_digests(conn: Connection, table: Table) -> dict[str, str]:
    """key → digest of the recorded state of every row of a snapshot table."""
    order = list(table.primary_key.columns)
    return {
        row_key(table, row): digest(row_snapshot(table, row))
        for row in conn.execute(select(table).order_by(*order)).mappings()
    }


def record_snapshot_tables(conn: Connection, *, user: str, action: str) -> int:
    """Record the state of every row of every snapshot table as it is now, one bulk entry per
    table that has rows (a migration that starts vouching for tables that already hold rows).
    The tables are read as the database has them at this revision: a column a later
    migration adds is not there yet (and must be ``models.added_later``). Returns how many
    rows were recorded."""
    from sqlalchemy import MetaData, inspect

    from coopledger.store.audit import BULK_KEY, append

    present = set(inspect(conn).get_table_names())
    recorded = 0
    for name, model_table in snapshot_tables().items():
        if name not in present:
            continue
        table = Table(name, MetaData(), autoload_with=conn)
        for column in table.columns:
            if column.name in model_table.c:
                column.info.update(model_table.c[column.name].info)
                # the program's own types: a reflected DATETIME reads back without the UTC
                # the program's type gives it, and the digest would differ from verify's
                column.type = model_table.c[column.name].type
        rows = table_digests(conn, table)
        if not rows:
            continue
        recorded += len(rows)
        append(
            conn,
            user=user,
            action=action,
            entity=name,
            entity_id="*",
            after={BULK_KEY: True, "summary": {"rows": len(rows)}, "rows": rows},
        )
    return recorded


def recorded_digests(conn: Connection, table: str) -> dict[str, str]:
    """What the audit chain last recorded of each row of a snapshot table: key → digest, for
    the rows that exist by its account (read through ``ix_audit_entity``; the chain itself is
    not re-checked here, ``verify`` does that)."""
    log = _t(models.AuditLog)
    out: dict[str, str] = {}
    for (after_json,) in conn.execute(
        select(log.c.after_json)
        .where(log.c.entity == table, log.c.entity_id == "*")
        .order_by(log.c.id)
    ):
        try:
            data = json.loads(after_json)
        except ValueError:
            continue
        if isinstance(data, dict) and isinstance(data.get("rows"), dict):
            out.update({str(k): str(v) for k, v in data["rows"].items()})
    return {k: v for k, v in out.items() if v}


#: The tables the log-in depends on: compared with what the chain recorded at every open.
ACCESS_TABLES: tuple[str, ...] = ("app_user", "user_organisation")


def unrecorded_access_changes(conn: Connection) -> list[str]:
    """The access tables (users and roles, their organisations) whose rows are not what the
    audit chain last recorded: changed behind the program's back (deleting every user to act
    in single-user mode, giving oneself the administrator's role). Empty when they agree."""
    tables = snapshot_tables()
    return [
        name
        for name in ACCESS_TABLES
        if name in tables and table_digests(conn, tables[name]) != recorded_digests(conn, name)
    ]
