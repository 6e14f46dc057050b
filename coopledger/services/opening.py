"""Opening balances (建账): a book that starts mid-life takes the balance of every account and
every member's 内部往来 / 成员往来 on 1 January of its first year, and posts them as one marked
opening entry (``source = "opening"``) that the ledgers show as 上年结转, never as turnover.

Typed in the window, given on the command line, or filled in an .xlsx template the program
writes (`write_template`, `read_template`). Refused, with nothing written, unless debits equal
credits; a row naming an unknown account or member, an account of the wrong kind, or a member on
an account that keeps no ledger per member is named in the error.

The undistributed balance opened on 收益分配—未分配收益 (盈余分配—未分配盈余) becomes the first
distribution year's ``undistributed_in`` (a debit balance: its ``loss_in``): `opening_carry`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from coopledger.domain.dates import parse_date
from coopledger.domain.errors import N_, DomainError, DomainErrors
from coopledger.domain.ledger import reversal_memo
from coopledger.domain.money import fen_to_str, parse_money
from coopledger.domain.vocabulary import Permission
from coopledger.outfiles import save_with
from coopledger.services import imports
from coopledger.services.accounts import role_account
from coopledger.services.books import OPENING_SOURCE, opening_voucher_ids
from coopledger.services.ledger import Ledger
from coopledger.store.ledger import (
    AccountInfo,
    L,
    ResolvedLine,
    ResolvedVoucher,
    V,
    accounts_by_code,
    closed_months,
    insert_posted_vouchers,
    members_by_code,
)
from coopledger.store.models import Member, Organisation

__all__ = [
    "OPENING_MEMO",
    "OpeningBalances",
    "OpeningLine",
    "current_opening",
    "opening_carry",
    "parse_opening_json",
    "post_opening",
    "read_template",
    "write_template",
]

OPENING_MEMO = "上年结转（建账期初余额）"
#: The sheets of the template.
ACCOUNT_SHEET = "科目余额"
MEMBER_SHEET = "成员往来"
_ACCOUNT_HEADERS = ("科目编码", "科目名称", "余额方向", "借方金额", "贷方金额")
_MEMBER_HEADERS = ("科目编码", "科目名称", "成员编码", "成员名称", "借方金额", "贷方金额")


@dataclass(frozen=True, slots=True)
class OpeningLine:
    """One opening balance: an account (a leaf), optionally a member, one side.

    ``where`` names the row for errors (``科目余额!7`` for a template row)."""

    account: str
    debit_fen: int = 0
    credit_fen: int = 0
    member: str | None = None
    where: str = ""


@dataclass(frozen=True, slots=True)
class OpeningBalances:
    """The balances a book opens with, on 1 January of its first year."""

    date: dt.date
    lines: tuple[OpeningLine, ...]

    @property
    def debit(self) -> int:
        return sum(ln.debit_fen for ln in self.lines)

    @property
    def credit(self) -> int:
        return sum(ln.credit_fen for ln in self.lines)


# -- checking ------------------------------------------------------------------------------


def _nil_at_year_start(chart: str) -> set[str]:
    """Accounts that hold nothing on 1 January: 本年收益 and 收益分配—各项分配 are closed
    at every year end (their balance belongs in 未分配收益)."""
    return {role_account(chart, "current_year_income"), role_account(chart, "distribution_items")}


def check_opening(
    ob: OpeningBalances,
    chart: str,
    accounts: dict[str, AccountInfo],
    members: dict[str, int],
) -> list[tuple[OpeningLine, AccountInfo, int | None]]:
    """Check every row against the book; returns the rows that carry an amount, resolved.

    Raises:
        DomainErrors: every wrong row, each naming it (nothing is written).
        DomainError: debits do not equal credits, or the date is not 1 January.
    """
    if (ob.date.month, ob.date.day) != (1, 1):
        raise DomainError(
            "date",
            N_(
                "opening balances are taken on 1 January (the start of the book's first year), not {date}"
            ),
            date=ob.date,
        )
    nil = _nil_at_year_start(chart)
    errors: list[DomainError] = []
    out: list[tuple[OpeningLine, AccountInfo, int | None]] = []
    for i, ln in enumerate(ob.lines):
        where = ln.where or f"lines[{i}]"
        if ln.debit_fen < 0 or ln.credit_fen < 0:
            errors.append(DomainError(where, N_("amounts must not be negative")))
            continue
        if ln.debit_fen and ln.credit_fen:
            errors.append(DomainError(where, N_("a line has exactly one of debit or credit")))
            continue
        if not ln.debit_fen and not ln.credit_fen:
            continue
        acc = accounts.get(ln.account)
        if acc is None:
            errors.append(
                DomainError(
                    f"{where}.account", N_("no account {code} in this book"), code=ln.account
                )
            )
            continue
        if not acc.is_leaf:
            errors.append(
                DomainError(
                    f"{where}.account",
                    N_("{code} {name} has sub-accounts; give the balance of each of them"),
                    code=acc.code,
                    name=acc.name,
                )
            )
            continue
        if not acc.active:
            errors.append(
                DomainError(
                    f"{where}.account",
                    N_("{code} {name} is retired; no more postings to it"),
                    code=acc.code,
                    name=acc.name,
                )
            )
            continue
        if acc.kind in ("revenue", "expense") or acc.code in nil:
            errors.append(
                DomainError(
                    f"{where}.account",
                    N_(
                        "{code} {name} is closed at every year end: it has no opening balance (put it in 未分配收益)"
                    ),
                    code=acc.code,
                    name=acc.name,
                )
            )
            continue
        member_id = None
        if ln.member:
            if acc.member_aux == "none":
                errors.append(
                    DomainError(
                        f"{where}.member",
                        N_("{code} {name} keeps no ledger per member; leave the member out"),
                        code=acc.code,
                        name=acc.name,
                    )
                )
                continue
            member_id = members.get(ln.member)
            if member_id is None:
                errors.append(
                    DomainError(f"{where}.member", N_("no member {code}"), code=ln.member)
                )
                continue
        elif acc.member_aux == "required":
            errors.append(
                DomainError(
                    f"{where}.member",
                    N_("{code} {name} keeps a ledger per member: say which member"),
                    code=acc.code,
                    name=acc.name,
                )
            )
            continue
        out.append((ln, acc, member_id))
    if errors:
        if len(errors) == 1:
            raise errors[0]
        raise DomainErrors(errors)
    debit = sum(ln.debit_fen for ln, _a, _m in out)
    credit = sum(ln.credit_fen for ln, _a, _m in out)
    if debit != credit:
        raise DomainError(
            "lines",
            N_(
                "the opening debits ({debit}) do not equal the credits ({credit}); difference {diff}"
            ),
            debit=fen_to_str(debit),
            credit=fen_to_str(credit),
            diff=fen_to_str(debit - credit),
        )
    if not out:
        raise DomainError("lines", N_("there are no opening balances to post"))
    return out


# -- posting --------------------------------------------------------------------------------


def post_opening(
    ledger: Ledger,
    org_id: int,
    ob: OpeningBalances,
    *,
    replace_existing: bool = False,
    source_file: Path | None = None,
) -> int:
    """Post the opening entry (one voucher, ``source = "opening"``); returns its id.

    A book has one opening entry: with ``replace_existing`` the one posted before is reversed
    (红字, same date) and the new one posted, in the same transaction. Refused when the book
    already has postings before the opening date, or the opening month is closed. Posted
    with no second person, the entry (and the reversal it replaces) forms an import batch
    (``source_file``: the filled template it came from) that a reviewer reviews."""
    ledger.require(Permission.PREPARE_VOUCHER)
    with ledger.write(org_id) as tx:
        s = tx.session
        org = s.get(Organisation, org_id)
        assert org is not None
        accounts = accounts_by_code(s, org_id)
        members = members_by_code(s, org_id, {ln.member for ln in ob.lines if ln.member})
        rows = check_opening(ob, org.chart, accounts, members)
        closed = closed_months(s, org_id)
        if (ob.date.year, ob.date.month) in closed:
            raise DomainError(
                "date",
                N_("{year}-{month:02d} is closed; no more postings there"),
                year=ob.date.year,
                month=ob.date.month,
            )
        earlier = s.execute(
            select(func.min(V.c.date)).where(
                V.c.org_id == org_id,
                V.c.state == "posted",
                V.c.source != OPENING_SOURCE,
                V.c.date < ob.date,
            )
        ).scalar()
        if earlier is not None:
            raise DomainError(
                "date",
                N_(
                    "the book already has postings before {date} (from {first}): opening balances come before everything"
                ),
                date=ob.date,
                first=earlier,
            )
        existing = _live_openings(s, org_id)
        ids: list[int] = []
        if existing and not replace_existing:
            raise DomainError(
                "opening",
                N_("the book already has its opening entry; replace it to change the balances"),
            )
        batch_id = imports.open_batch(
            tx,
            org_id,
            OPENING_SOURCE,
            source_file.name if source_file else "",
            imports.file_sha256(source_file) if source_file and source_file.is_file() else "",
        )
        if existing:
            ids += _reverse_openings(tx, org_id, existing, closed, batch_id)
        voucher = ResolvedVoucher(
            ob.date,
            OPENING_MEMO,
            tuple(
                ResolvedLine(acc.id, ln.debit_fen, ln.credit_fen, member_id, "上年结转")
                for ln, acc, member_id in sorted(rows, key=lambda r: (r[1].code, r[0].member or ""))
            ),
        )
        (vid,) = insert_posted_vouchers(
            s, org_id, [voucher], user=tx.user, source=OPENING_SOURCE, import_batch_id=batch_id
        )
        tx.track_many("post opening balances", "voucher", [vid, *ids], {"lines": len(rows)})
        imports.close_batch(tx, batch_id)
        tx.log(  # the voucher's own state is recorded above; this says what it was for
            "opening balances",
            entity="opening",
            entity_id=vid,
            after={
                "date": ob.date.isoformat(),
                "debit": fen_to_str(ob.debit),
                "credit": fen_to_str(ob.credit),
                "lines": len(rows),
                "replaced": existing,
            },
        )
        return vid


def _live_openings(s: Session, org_id: int) -> list[int]:
    """Opening entries not reversed (nor reversals themselves)."""
    return [
        int(i)
        for i in s.execute(
            select(V.c.id).where(
                V.c.org_id == org_id,
                V.c.source == OPENING_SOURCE,
                V.c.state == "posted",
                V.c.reverses_id.is_(None),
                V.c.reversed_by_id.is_(None),
            )
        ).scalars()
    ]


def _reverse_openings(
    tx: Any, org_id: int, ids: Sequence[int], closed: set[tuple[int, int]], batch_id: int
) -> list[int]:
    s = tx.session
    out: list[int] = []
    for vid in ids:
        v = s.execute(select(V).where(V.c.id == vid)).one()
        if (v.date.year, v.date.month) in closed:
            raise DomainError(
                "opening",
                N_("{year}-{month:02d} is closed; the opening entry can no longer be replaced"),
                year=v.date.year,
                month=v.date.month,
            )
        lines = s.execute(select(L).where(L.c.voucher_id == vid).order_by(L.c.line_no)).all()
        red = ResolvedVoucher(
            v.date,
            reversal_memo(v.date, v.vtype, v.seq),
            tuple(
                ResolvedLine(ln.account_id, -ln.debit_fen, -ln.credit_fen, ln.member_id, ln.memo)
                for ln in lines
            ),
            0,
            v.vtype,
        )
        (rid,) = insert_posted_vouchers(
            s,
            org_id,
            [red],
            user=tx.user,
            source=OPENING_SOURCE,
            reverses={0: vid},
            import_batch_id=batch_id,
        )
        s.execute(update(V).where(V.c.id == vid).values(reversed_by_id=rid))
        out += [rid, vid]
    return out


# -- reading ------------------------------------------------------------------------------


def current_opening(ledger: Ledger, org_id: int) -> OpeningBalances | None:
    """The book's opening balances as posted (corrections netted), or None."""
    with ledger.read() as s:
        ids = opening_voucher_ids(s, org_id)
        if not ids:
            return None
        date = s.execute(select(func.min(V.c.date)).where(V.c.id.in_(ids))).scalar_one()
        rows = s.execute(
            select(
                L.c.account_id,
                L.c.member_id,
                func.sum(L.c.debit_fen - L.c.credit_fen),
            )
            .where(L.c.voucher_id.in_(ids))
            .group_by(L.c.account_id, L.c.member_id)
        ).all()
        codes = {a.id: a.code for a in accounts_by_code(s, org_id).values()}
        mids = {r.member_id for r in rows if r.member_id}
        member_codes = dict(
            s.execute(
                select(col(Member.id), col(Member.code)).where(col(Member.id).in_(mids))
            ).all()
        )
    lines = tuple(
        OpeningLine(
            codes[acc],
            max(net, 0),
            max(-net, 0),
            member_codes.get(mid) if mid else None,
        )
        for acc, mid, net in sorted(rows, key=lambda r: (codes[r[0]], member_codes.get(r[1], "")))
        if net
    )
    return OpeningBalances(date, lines)


def opening_carry(s: Session, org_id: int, year: int) -> tuple[int, int]:
    """(undistributed_in, loss_in) that the opening entry brings into the first distribution
    year: the balance opened on 未分配收益 (未分配盈余), if the book opened on or before
    ``year``. The distribution asks only when no earlier distribution was committed."""
    ids = opening_voucher_ids(s, org_id)
    if not ids:
        return 0, 0
    org = s.get(Organisation, org_id)
    assert org is not None
    code = role_account(org.chart, "undistributed")
    acc_ids = [
        a.id for c, a in accounts_by_code(s, org_id).items() if c == code or c.startswith(code)
    ]
    net = s.execute(
        select(func.coalesce(func.sum(L.c.credit_fen - L.c.debit_fen), 0)).where(
            L.c.voucher_id.in_(ids),
            L.c.account_id.in_(acc_ids),
            L.c.date <= dt.date(year, 12, 31),
        )
    ).scalar_one()
    net = int(net)
    return max(net, 0), max(-net, 0)


# -- files --------------------------------------------------------------------------------


def _amount(text: str, where: str) -> int:
    return parse_money(text, where, allow_zero=True) if text.strip() else 0


def parse_opening_json(data: object) -> OpeningBalances:
    """``{"date": "2024-01-01", "lines": [{"account", "member"?, "debit" | "credit"}]}``."""
    if not isinstance(data, dict):
        raise DomainError("", N_("must be an object"))
    date = parse_date(str(data.get("date", "")), "date")
    raw = data.get("lines")
    if not isinstance(raw, list):
        raise DomainError("lines", N_("must be a list of lines"))
    lines = []
    for i, ln in enumerate(raw):
        where = f"lines[{i}]"
        if not isinstance(ln, dict):
            raise DomainError(where, N_("must be an object"))
        unknown = sorted(set(ln) - {"account", "member", "debit", "credit"})
        if unknown:
            raise DomainError(f"{where}.{unknown[0]}", N_("unknown key"))
        account = ln.get("account")
        if not isinstance(account, str) or not account.strip():
            raise DomainError(f"{where}.account", N_("an account is required"))
        member = ln.get("member")
        if member is not None and not isinstance(member, str):
            raise DomainError(f"{where}.member", N_("must be a member code"))
        lines.append(
            OpeningLine(
                account.strip(),
                _amount(str(ln.get("debit", "")), f"{where}.debit"),
                _amount(str(ln.get("credit", "")), f"{where}.credit"),
                member.strip() if member else None,
                where,
            )
        )
    return OpeningBalances(date, tuple(lines))


def write_template(ledger: Ledger, org_id: int, path: Path) -> Path:
    """The .xlsx template: every account that can hold an opening balance (sheet 科目余额)
    and, for each account kept per member, every member (sheet 成员往来), with the balances
    already posted filled in."""
    import openpyxl

    org_accounts: list[AccountInfo]
    with ledger.read() as s:
        org = s.get(Organisation, org_id)
        if org is None:
            raise DomainError("org", N_("no organisation #{id}"), id=org_id)
        nil = _nil_at_year_start(org.chart)
        org_accounts = sorted(accounts_by_code(s, org_id).values(), key=lambda a: a.code)
        people = s.execute(
            select(col(Member.code), col(Member.name))
            .where(col(Member.org_id) == org_id, col(Member.active))
            .order_by(col(Member.code))
        ).all()
    posted = current_opening(ledger, org_id)
    have: dict[tuple[str, str | None], OpeningLine] = {}
    for ln in posted.lines if posted else ():
        have[(ln.account, ln.member)] = ln

    def amounts(code: str, member: str | None) -> list[object]:
        ln = have.get((code, member))
        if ln is None:
            return ["", ""]
        return [
            fen_to_str(ln.debit_fen) if ln.debit_fen else "",
            fen_to_str(ln.credit_fen) if ln.credit_fen else "",
        ]

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = ACCOUNT_SHEET
    sheet.append(list(_ACCOUNT_HEADERS))
    per_member = []
    for a in org_accounts:
        if a.kind in ("revenue", "expense") or a.code in nil or not a.is_leaf:
            continue
        if a.member_aux == "required":
            per_member.append(a)
            continue
        side = "借" if a.normal_side == "debit" else "贷"
        sheet.append([a.code, a.name, side, *amounts(a.code, None)])
    members = book.create_sheet(MEMBER_SHEET)
    members.append(list(_MEMBER_HEADERS))
    for a in per_member:
        for code, name in people:
            members.append([a.code, a.name, code, name, *amounts(a.code, code)])
    for ln in have.values():  # balances of inactive members, or per member on optional accounts
        if ln.member and not any(ln.account == a.code for a in per_member):
            members.append([ln.account, "", ln.member, "", *amounts(ln.account, ln.member)])
    for ws, widths in ((sheet, (12, 30, 10, 16, 16)), (members, (12, 24, 12, 16, 16, 16))):
        for i, w in enumerate(widths):
            ws.column_dimensions[chr(ord("A") + i)].width = w
        for row in ws.iter_rows(min_row=1):
            for cell in row:
                cell.number_format = "@"  # text: amounts stay exact
    save_with(path, book.save)
    return path


def _cell(value: object) -> str:
    """A template cell as exact text (Excel numbers are binary floats: read them through
    their shortest repr, which is what Excel showed, never through arithmetic)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    return str(value).strip()


def read_template(path: Path, date: dt.date) -> OpeningBalances:
    """The balances filled in a template (`write_template`); each line remembers its sheet
    and row (``科目余额!7``) for the error messages."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise DomainError(
            "file",
            N_("{name} is not an .xlsx workbook: {problem}"),
            name=path.name,
            problem=str(exc),
        ) from exc
    lines: list[OpeningLine] = []
    errors: list[DomainError] = []
    for name, member_sheet in ((ACCOUNT_SHEET, False), (MEMBER_SHEET, True)):
        if name not in book.sheetnames:
            if name == ACCOUNT_SHEET:
                raise DomainError("file", N_("the workbook has no sheet {sheet}"), sheet=name)
            continue
        for n, row in enumerate(book[name].iter_rows(values_only=True), start=1):
            if n == 1:
                continue
            cells = [_cell(v) for v in row]
            if not any(cells):
                continue
            cells += [""] * 6
            where = f"{name}!{n}"
            if member_sheet:
                code, member, debit, credit = cells[0], cells[2], cells[4], cells[5]
            else:
                code, member, debit, credit = cells[0], "", cells[3], cells[4]
            try:
                d = _amount(debit, f"{where}.debit")
                c = _amount(credit, f"{where}.credit")
            except DomainError as exc:
                errors.append(exc)
                continue
            if d or c:
                lines.append(OpeningLine(code, d, c, member or None, where))
    book.close()
    if errors:
        raise errors[0] if len(errors) == 1 else DomainErrors(errors)
    return OpeningBalances(date, tuple(lines))


def opening_summary(ob: OpeningBalances) -> dict[str, Any]:
    """The opening balances as JSON (``coopledger opening show --json``)."""
    return {
        "date": ob.date.isoformat(),
        "debit": fen_to_str(ob.debit),
        "credit": fen_to_str(ob.credit),
        "lines": [
            {
                "account": ln.account,
                "member": ln.member,
                "debit": fen_to_str(ln.debit_fen),
                "credit": fen_to_str(ln.credit_fen),
            }
            for ln in ob.lines
        ],
    }


def with_where(ob: OpeningBalances, prefix: str) -> OpeningBalances:
    """The same balances, rows named ``prefix[i]`` (for forms that number their rows)."""
    return OpeningBalances(
        ob.date,
        tuple(replace(ln, where=ln.where or f"{prefix}[{i}]") for i, ln in enumerate(ob.lines)),
    )
