"""The books as accountants keep them (账簿): 明细账, 现金日记账 and 银行存款日记账 with the
上年结转 (or 期初余额) line, the entries, a 本月合计 and a 本年累计 line after each month, and a
借/贷 direction beside every balance; 总账 month by month. One line model serves the window
(paged: a year of a busy bank account has tens of thousands of lines), the PDFs and Excel.

The opening entry (建账) is the balance brought forward, never an entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, extract, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from coopledger.domain.errors import N_, DomainError
from coopledger.domain.ledger import is_sub_code, voucher_label
from coopledger.domain.vocabulary import Permission
from coopledger.reports.data import BookLine, BookPrint, ReconciliationPrint, direction
from coopledger.services import books
from coopledger.services.books import opening_voucher_ids
from coopledger.services.ledger import Ledger
from coopledger.store.ledger import PB, A, L, V, accounts_by_code
from coopledger.store.models import Member, Organisation

__all__ = [
    "BOOK_KINDS",
    "BookLine",
    "LedgerBook",
    "direction",
    "general_book",
    "ledger_book",
]

#: detail: 明细账 of any account; cash / bank: the cashier's day-books (with 对方科目);
#: general: 总账 (month totals only).
BOOK_KINDS = ("detail", "cash", "bank", "general")
Progress = Callable[[int, int], bool]
TITLES = {"detail": "明细账", "cash": "现金日记账", "bank": "银行存款日记账", "general": "总账"}


@dataclass(frozen=True, slots=True)
class _Month:
    month: int
    count: int
    debit: int
    credit: int
    first_row: int  # index of its first entry line in the book


class LedgerBook:
    """One account's book for a year (with its sub-accounts; or one member's lines on it),
    laid out as lines: the opening line, then each month with entries: its entries, 本月合计,
    本年累计. Rows are fetched page by page (`rows`) or streamed (`__iter__`)."""

    def __init__(
        self,
        ledger: Ledger,
        org_id: int,
        code: str,
        year: int,
        *,
        member: str | None = None,
        kind: str = "detail",
    ) -> None:
        if kind not in BOOK_KINDS[:3]:
            raise DomainError("kind", N_("unknown book {kind}"), kind=kind)
        self.ledger = ledger
        self.org_id = org_id
        self.code = code
        self.year = year
        self.kind = kind
        self.member_code = member
        with ledger.read() as s:
            org = s.get(Organisation, org_id)
            if org is None:
                raise DomainError("org", N_("no organisation #{id}"), id=org_id)
            self.org_name = org.name
            accounts = accounts_by_code(s, org_id)
            if code not in accounts:
                raise DomainError("account", N_("no account {code} in this book"), code=code)
            self.account_name = accounts[code].name
            self.ids = [a.id for c, a in accounts.items() if c == code or is_sub_code(c, code)]
            self.member_id: int | None = None
            self.member_name = ""
            if member:
                row = s.execute(
                    select(col(Member.id), col(Member.name)).where(
                        col(Member.org_id) == org_id, col(Member.code) == member
                    )
                ).first()
                if row is None or row[0] is None:
                    raise DomainError("member", N_("no member {code}"), code=member)
                self.member_id, self.member_name = int(row[0]), str(row[1])
            self._openings = opening_voucher_ids(s, org_id)
            self.opening = self._opening_balance(s)
            self.months = self._months(s)

    # -- layout --

    def _where(self) -> list[ColumnElement[bool]]:
        conds: list[ColumnElement[bool]] = [
            L.c.org_id == self.org_id,
            L.c.account_id.in_(self.ids),
            L.c.seq.is_not(None),  # posted lines carry their voucher's number
        ]
        if self.member_id is not None:
            conds.append(L.c.member_id == self.member_id)
        return conds

    def _entries(self) -> list[ColumnElement[bool]]:
        conds = self._where()
        if self._openings:
            conds.append(L.c.voucher_id.not_in(self._openings))
        return conds

    def _opening_balance(self, s: Session) -> int:
        start = dt.date(self.year, 1, 1)
        if self.member_id is None:
            kept = books._sums(s, self.org_id, None, start - dt.timedelta(days=1))
            total = sum(kept.get(i, (0, 0))[0] - kept.get(i, (0, 0))[1] for i in self.ids)
        else:
            total = int(
                s.execute(
                    select(func.coalesce(func.sum(L.c.debit_fen - L.c.credit_fen), 0)).where(
                        *self._where(), L.c.date < start
                    )
                ).scalar_one()
            )
        if self._openings:  # the opening entry of this year is its balance brought forward
            total += int(
                s.execute(
                    select(func.coalesce(func.sum(L.c.debit_fen - L.c.credit_fen), 0)).where(
                        *self._where(),
                        L.c.voucher_id.in_(self._openings),
                        L.c.date >= start,
                        L.c.date <= dt.date(self.year, 12, 31),
                    )
                ).scalar_one()
            )
        return total

    def _months(self, s: Session) -> list[_Month]:
        month = extract("month", L.c.date)
        rows = s.execute(
            select(month, func.count(), func.sum(L.c.debit_fen), func.sum(L.c.credit_fen))
            .where(
                *self._entries(),
                L.c.date >= dt.date(self.year, 1, 1),
                L.c.date <= dt.date(self.year, 12, 31),
            )
            .group_by(month)
            .order_by(month)
        ).all()
        out = []
        row = 1  # line 0 is the opening line
        for m, n, d, c in rows:
            out.append(_Month(int(m), int(n), int(d or 0), int(c or 0), row))
            row += int(n) + 2
        return out

    @property
    def row_count(self) -> int:
        return 1 + sum(m.count + 2 for m in self.months)

    @property
    def entries(self) -> int:
        return sum(m.count for m in self.months)

    @property
    def closing(self) -> int:
        return self.opening + sum(m.debit - m.credit for m in self.months)

    @property
    def title(self) -> str:
        return TITLES[self.kind]

    def opening_line(self) -> BookLine:
        label = "上年结转" if self.year_has_history() else "期初余额"
        return BookLine("opening", dt.date(self.year, 1, 1), "", None, label, 0, 0, self.opening)

    def year_has_history(self) -> bool:
        """Whether the balance comes from an earlier year (or the opening entry)."""
        return bool(self.opening) or bool(self._openings)

    # -- rows --

    def rows(self, offset: int, limit: int) -> list[BookLine]:
        """``limit`` lines from line ``offset`` (0 is the opening line)."""
        out: list[BookLine] = []
        end = offset + limit
        if offset == 0 and limit > 0:
            out.append(self.opening_line())
        balance = self.opening
        year_d = year_c = 0
        with self.ledger.read() as s:
            for m in self.months:
                first, last = m.first_row, m.first_row + m.count + 1  # last = 本年累计
                if last < offset or first >= end:
                    balance += m.debit - m.credit
                    year_d, year_c = year_d + m.debit, year_c + m.credit
                    continue
                lo = max(offset, first) - first
                hi = min(end, first + m.count) - first
                if hi > lo:
                    out += self._month_entries(s, m, lo, hi - lo, balance)
                balance += m.debit - m.credit
                year_d, year_c = year_d + m.debit, year_c + m.credit
                month_end = _month_end(self.year, m.month)
                if offset <= first + m.count < end:
                    out.append(
                        BookLine(
                            "month", month_end, "", None, "本月合计", m.debit, m.credit, balance
                        )
                    )
                if offset <= last < end:
                    out.append(
                        BookLine("year", month_end, "", None, "本年累计", year_d, year_c, balance)
                    )
        return out

    def __iter__(self) -> Iterator[BookLine]:
        chunk = 5000
        for start in range(0, self.row_count, chunk):
            yield from self.rows(start, chunk)

    def _month_entries(
        self, s: Session, m: _Month, offset: int, limit: int, balance: int
    ) -> list[BookLine]:
        lo, hi = dt.date(self.year, m.month, 1), _month_end(self.year, m.month)
        order = (L.c.date, L.c.seq, L.c.voucher_id, L.c.line_no)
        base = select(L.c.debit_fen, L.c.credit_fen).where(
            *self._entries(), L.c.date >= lo, L.c.date <= hi
        )
        if offset:
            earlier = base.order_by(*order).limit(offset).subquery()
            balance += int(
                s.execute(
                    select(func.coalesce(func.sum(earlier.c.debit_fen - earlier.c.credit_fen), 0))
                ).scalar_one()
            )
        rows = s.execute(
            select(
                L.c.date,
                L.c.voucher_id,
                L.c.seq,
                L.c.memo,
                L.c.debit_fen,
                L.c.credit_fen,
                V.c.vtype,
                V.c.memo.label("voucher_memo"),
            )
            .select_from(L.join(V, V.c.id == L.c.voucher_id))
            .where(*self._entries(), L.c.date >= lo, L.c.date <= hi)
            .order_by(*order)
            .offset(offset)
            .limit(limit)
        ).all()
        counters = self._counters(s, {r.voucher_id for r in rows}) if self.kind != "detail" else {}
        out = []
        for r in rows:
            balance += r.debit_fen - r.credit_fen
            out.append(
                BookLine(
                    "entry",
                    r.date,
                    voucher_label(r.vtype, r.seq),
                    r.voucher_id,
                    r.memo or r.voucher_memo,
                    r.debit_fen,
                    r.credit_fen,
                    balance,
                    counters.get(r.voucher_id, ""),
                )
            )
        return out

    def _counters(self, s: Session, voucher_ids: set[int]) -> dict[int, str]:
        """对方科目 of each voucher: the other accounts it posts to (the first, 等 if more)."""
        names: dict[int, list[str]] = {}
        ids = sorted(voucher_ids)
        for i in range(0, len(ids), 500):
            for vid, name in s.execute(
                select(L.c.voucher_id, A.c.name)
                .select_from(L.join(A, A.c.id == L.c.account_id))
                .where(L.c.voucher_id.in_(ids[i : i + 500]), L.c.account_id.not_in(self.ids))
                .order_by(L.c.voucher_id, L.c.line_no)
            ):
                seen = names.setdefault(int(vid), [])
                if name not in seen:
                    seen.append(str(name))
        return {k: v[0] + ("等" if len(v) > 1 else "") for k, v in names.items()}


def _month_end(year: int, month: int) -> dt.date:
    return (dt.date(year, month, 28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def ledger_book(
    ledger: Ledger,
    org_id: int,
    code: str,
    year: int,
    *,
    member: str | None = None,
    kind: str = "detail",
) -> LedgerBook:
    """The book of ``code`` for ``year`` (a member's lines on it only, when given)."""
    ledger.require(Permission.READ)
    return LedgerBook(ledger, org_id, code, year, member=member, kind=kind)


@dataclass(frozen=True, slots=True)
class GeneralBook:
    """总账 of one account for a year: 上年结转, then 本月合计 and 本年累计 for each month
    that has postings."""

    code: str
    name: str
    lines: tuple[BookLine, ...]


def general_book(
    ledger: Ledger, org_id: int, year: int, *, code: str | None = None
) -> list[GeneralBook]:
    """总账 for the year: of ``code``, or of every first-level account with a balance or a
    posting in the year."""
    ledger.require(Permission.READ)
    with ledger.read() as s:
        accounts = accounts_by_code(s, org_id)
        if code is not None and code not in accounts:
            raise DomainError("account", N_("no account {code} in this book"), code=code)
        if code is None:
            active = {
                int(a)
                for (a,) in s.execute(
                    select(PB.c.account_id)
                    .where(PB.c.org_id == org_id, PB.c.year <= year)
                    .distinct()
                )
            }
            codes = sorted(
                c
                for c, a in accounts.items()
                if len(c) == 3
                and any(
                    x.id in active for cc, x in accounts.items() if cc == c or is_sub_code(cc, c)
                )
            )
        else:
            codes = [code]
    out = []
    for c in codes:
        months = books.general_ledger(ledger, org_id, c, year)
        opening = months[0].opening if months else 0
        lines = [
            BookLine(
                "opening",
                dt.date(year, 1, 1),
                "",
                None,
                "上年结转" if opening else "期初余额",
                0,
                0,
                opening,
            )
        ]
        year_d = year_c = 0
        for m in months:
            if not (m.debit or m.credit):
                continue
            year_d += m.debit
            year_c += m.credit
            end = _month_end(year, m.month)
            lines.append(BookLine("month", end, "", None, "本月合计", m.debit, m.credit, m.closing))
            lines.append(BookLine("year", end, "", None, "本年累计", year_d, year_c, m.closing))
        out.append(GeneralBook(c, accounts[c].name, tuple(lines)))
    return out


def book_lines_json(lines: list[BookLine] | Iterator[BookLine]) -> list[dict[str, Any]]:
    """Lines as the CLI prints them with ``--json``."""
    from coopledger.domain.money import fen_to_str

    return [
        {
            "kind": ln.kind,
            "date": ln.date.isoformat() if ln.date else None,
            "voucher": ln.voucher,
            "memo": ln.memo,
            "counter": ln.counter,
            "debit": fen_to_str(ln.debit),
            "credit": fen_to_str(ln.credit),
            "direction": ln.direction,
            "balance": fen_to_str(abs(ln.balance)),
        }
        for ln in lines
    ]


# -- on paper and in Excel ---------------------------------------------------------------------


def _preparer(ledger: Ledger, org_id: int) -> str:
    """记账 / 编制 on a printed book: who prints it (a display name, or 单机模式)."""
    from coopledger.services.signatures import printed_by

    return printed_by(ledger)


def _account_for(ledger: Ledger, org_id: int, kind: str, code: str | None) -> str:
    """The account a day-book is kept for: 库存现金 / 银行存款 unless told otherwise."""
    if code:
        return code
    if kind in ("cash", "bank"):
        from coopledger.services.accounts import role_account

        with ledger.read() as s:
            org = s.get(Organisation, org_id)
            assert org is not None
            return role_account(org.chart, kind)
    raise DomainError("--account", N_("say which account (--account CODE)"))


def book_print(book: LedgerBook, preparer: str = "") -> BookPrint:
    """A book ready for the renderer (its lines streamed)."""
    return BookPrint(
        title=book.title,
        org_name=book.org_name,
        year=book.year,
        account=f"{book.code} {book.account_name}",
        lines=iter(book),
        line_count=book.row_count,
        member=f"{book.member_code} {book.member_name}" if book.member_code else "",
        counterpart=book.kind in ("cash", "bank"),
        preparer=preparer,
    )


def print_book(
    ledger: Ledger,
    org_id: int,
    kind: str,
    year: int,
    out: Path,
    *,
    code: str | None = None,
    member: str | None = None,
    progress: Progress | None = None,
) -> Path:
    """明细账 / 现金日记账 / 银行存款日记账 / 总账 of a year as a PDF (or, for an ``.xlsx``
    path, as an Excel sheet with the same lines)."""
    ledger.require(Permission.PRINT)
    if kind not in BOOK_KINDS:
        raise DomainError(
            "kind",
            N_('the book is one of {known} (got "{got}")'),
            known=", ".join(BOOK_KINDS),
            got=kind,
        )
    excel = out.suffix.lower() == ".xlsx"
    if kind == "general":
        books_ = general_book(ledger, org_id, year, code=code)
        if excel:
            _general_xlsx(books_, out)
            return out
        with ledger.read() as s:
            org = s.get(Organisation, org_id)
            assert org is not None
            name = org.name
        from coopledger.reports.ledger_book import render_general  # reportlab: when printing

        render_general(
            [
                BookPrint("总账", name, year, f"{g.code} {g.name}", g.lines, len(g.lines))
                for g in books_
            ],
            out,
        )
        return out
    book = ledger_book(
        ledger, org_id, _account_for(ledger, org_id, kind, code), year, member=member, kind=kind
    )
    if excel:
        _book_xlsx(book, out, progress)
    else:
        from coopledger.reports.ledger_book import render_book  # reportlab: when printing

        render_book(book_print(book, _preparer(ledger, org_id)), out, progress=progress)
    return out


_XLSX_HEADERS = ("日期", "凭证字号", "摘要", "对方科目", "借方", "贷方", "借或贷", "余额")


def _xlsx_row(ln: BookLine) -> list[object]:
    from coopledger.domain.money import fen_to_str

    show = ln.kind != "opening"
    return [
        ln.date,
        ln.voucher,
        ln.memo,
        ln.counter,
        fen_to_str(ln.debit) if show and (ln.debit or ln.is_total) else "",
        fen_to_str(ln.credit) if show and (ln.credit or ln.is_total) else "",
        ln.direction,
        fen_to_str(abs(ln.balance)),
    ]


def _book_xlsx(book: LedgerBook, out: Path, progress: Progress | None) -> None:
    from coopledger.formats.sheets import write_xlsx

    def rows() -> Iterator[list[object]]:
        yield [
            "",
            "",
            f"{book.title} {book.code} {book.account_name} {book.year}年",
            "",
            "",
            "",
            "",
            "",
        ]
        for n, ln in enumerate(book, start=1):
            if progress and n % 1000 == 0 and progress(n, book.row_count) is False:
                from coopledger.reports.common import ReportCancelled

                raise ReportCancelled()
            yield _xlsx_row(ln)

    write_xlsx(out, _XLSX_HEADERS, rows(), sheet_title=book.title)


def _general_xlsx(books_: list[GeneralBook], out: Path) -> None:
    from coopledger.formats.sheets import write_xlsx

    def rows() -> Iterator[list[object]]:
        for g in books_:
            for ln in g.lines:
                yield [g.code, g.name, *_xlsx_row(ln)]

    write_xlsx(out, ("科目编码", "科目名称", *_XLSX_HEADERS), rows(), sheet_title="总账")


def print_trial_balance(
    ledger: Ledger, org_id: int, start: dt.date, end: dt.date, out: Path
) -> Path:
    """科目余额表 (code first) as a PDF, or as an Excel sheet for an ``.xlsx`` path."""
    ledger.require(Permission.PRINT)
    from coopledger.services import printing

    if out.suffix.lower() == ".xlsx":
        from coopledger.domain.money import fen_to_str
        from coopledger.formats.sheets import write_xlsx

        rows = books.trial_balance(ledger, org_id, start, end)
        t = books.trial_balance_totals(rows)
        body: list[list[object]] = [
            [
                r.code,
                r.name,
                *(
                    fen_to_str(v)
                    for v in (
                        r.opening_debit,
                        r.opening_credit,
                        r.debit,
                        r.credit,
                        r.closing_debit,
                        r.closing_credit,
                    )
                ),
            ]
            for r in rows
        ]
        body.append(["", "合计", *(fen_to_str(v) for v in t.values())])
        write_xlsx(
            out,
            (
                "科目编码",
                "科目名称",
                "期初借方",
                "期初贷方",
                "本期借方",
                "本期贷方",
                "期末借方",
                "期末贷方",
            ),
            body,
            sheet_title="科目余额表",
        )
        return out
    from coopledger.reports.statement import render_statement  # reportlab: when printing

    render_statement([printing.trial_balance_statement(ledger, org_id, start, end)], out)
    return out


def print_reconciliation(
    ledger: Ledger, org_id: int, code: str | None, year: int, month: int, out: Path
) -> Path:
    """银行存款余额调节表 of a month end, from the bank statement balance recorded for it."""
    ledger.require(Permission.PRINT)

    acc = _account_for(ledger, org_id, "bank", code)
    r = books.reconciliation(ledger, org_id, acc, year, month)
    with ledger.read() as s:
        org = s.get(Organisation, org_id)
        assert org is not None
        name = org.name
    data = ReconciliationPrint(
        org_name=name,
        account=f"{r.account_code} {r.account_name}",
        on=r.on,
        ledger_balance=r.ledger_balance,
        bank_in_not_booked=r.bank_in_not_booked,
        bank_out_not_booked=r.bank_out_not_booked,
        statement_balance=r.statement_balance,
        booked_in_not_bank=r.booked_in_not_bank,
        booked_out_not_bank=r.booked_out_not_bank,
        items=r.items,
        preparer=_preparer(ledger, org_id),
    )
    if out.suffix.lower() == ".xlsx":
        from coopledger.domain.money import fen_to_str
        from coopledger.formats.sheets import write_xlsx

        write_xlsx(
            out,
            ("项目", "金额"),
            [
                ["企业银行存款日记账余额", fen_to_str(data.ledger_balance)],
                ["加：银行已收、企业未收", fen_to_str(data.bank_in_not_booked)],
                ["减：银行已付、企业未付", fen_to_str(data.bank_out_not_booked)],
                ["调节后的存款余额", fen_to_str(data.adjusted_ledger)],
                ["银行对账单余额", fen_to_str(data.statement_balance)],
                ["加：企业已收、银行未收", fen_to_str(data.booked_in_not_bank)],
                ["减：企业已付、银行未付", fen_to_str(data.booked_out_not_bank)],
                ["调节后的存款余额", fen_to_str(data.adjusted_statement)],
            ],
            sheet_title="银行存款余额调节表",
        )
        return out
    from coopledger.reports.ledger_book import render_reconciliation  # reportlab: when printing

    render_reconciliation(data, out)
    return out
