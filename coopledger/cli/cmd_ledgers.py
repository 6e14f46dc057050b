"""The books on paper and in Excel: ``print-book detail|cash|bank|general|trial-balance|
reconciliation`` (明细账, 现金日记账, 银行存款日记账, 总账, 科目余额表, 银行存款余额调节表), and
``book`` to read a book's lines (上年结转, entries, 本月合计, 本年累计) on the terminal."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coopledger.cli.context import Context
from coopledger.cli.output import dumps, money, table
from coopledger.domain.dates import parse_date
from coopledger.domain.errors import N_, DomainError
from coopledger.i18n import _
from coopledger.services import ledger_books

Sub = argparse._SubParsersAction  # type: ignore[type-arg]
KINDS = ("detail", "cash", "bank", "general", "trial-balance", "reconciliation")


def _progress(done: int, total: int) -> bool:
    if sys.stderr.isatty():
        print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)
    return True


def register(sub: Sub) -> None:
    p = sub.add_parser(
        "print-book",
        help="print a book: 明细账 (detail), 现金日记账 (cash), 银行存款日记账 (bank), 总账 (general), "
        "科目余额表 (trial-balance), 银行存款余额调节表 (reconciliation); .xlsx writes Excel",
    )
    p.add_argument("kind", choices=KINDS)
    p.add_argument("--year", type=int, help="the year (books, trial balance)")
    p.add_argument("--account", help="the account (detail; cash and bank default to 101 / 102)")
    p.add_argument("--member", help="one member's lines on the account (detail)")
    p.add_argument("--month", help="YYYY-MM (reconciliation)")
    p.add_argument("--from", dest="start", help="trial balance from (default 1 January)")
    p.add_argument("--to", dest="end", help="trial balance to (default 31 December)")
    p.add_argument("--out", type=Path, required=True, help="a .pdf, or an .xlsx for Excel")
    p.set_defaults(func=cmd_print_book)

    p = sub.add_parser("book", help="a book's lines for a year, with 本月合计 and 本年累计")
    p.add_argument("account")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--member")
    p.add_argument("--kind", choices=("detail", "cash", "bank"), default="detail")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_book)


def _need_year(year: int | None) -> int:
    if year is None:
        raise DomainError("--year", N_("say which year (--year YYYY)"))
    return year


def cmd_print_book(ctx: Context) -> int:
    a = ctx.args
    org = ctx.org(readonly=True)
    led = ctx.ledger()
    if a.out.suffix.lower() not in (".pdf", ".xlsx"):
        raise DomainError("--out", N_("write a .pdf or an .xlsx file"))
    if a.kind == "trial-balance":
        year = a.year
        start = parse_date(a.start, "--from") if a.start else None
        end = parse_date(a.end, "--to") if a.end else None
        if start is None or end is None:
            y = _need_year(year)
            start = start or parse_date(f"{y}-01-01")
            end = end or parse_date(f"{y}-12-31")
        ledger_books.print_trial_balance(led, org.id, start, end, a.out)
    elif a.kind == "reconciliation":
        if not a.month:
            raise DomainError("--month", N_("say which month (--month YYYY-MM)"))
        from coopledger.cli.cmd_books import _month

        year, month = _month(a.month)
        ledger_books.print_reconciliation(led, org.id, a.account, year, month, a.out)
    else:
        ledger_books.print_book(
            led,
            org.id,
            a.kind,
            _need_year(a.year),
            a.out,
            code=a.account,
            member=a.member,
            progress=_progress,
        )
    print(_("Wrote {path}").format(path=a.out))
    return 0


def cmd_book(ctx: Context) -> int:
    a = ctx.args
    org = ctx.org(readonly=True)
    book = ledger_books.ledger_book(
        ctx.ledger(), org.id, a.account, a.year, member=a.member, kind=a.kind
    )
    if a.json:
        print(
            dumps(
                {
                    "account": book.code,
                    "name": book.account_name,
                    "year": book.year,
                    "member": book.member_code,
                    "lines": ledger_books.book_lines_json(iter(book)),
                }
            )
        )
        return 0
    print(f"{book.title}  {book.code} {book.account_name}  {book.year}")
    body = [
        (
            ln.date.isoformat() if ln.date else "",
            ln.voucher,
            ln.memo,
            money(ln.debit),
            money(ln.credit),
            ln.direction,
            money(abs(ln.balance)) or "0.00",
        )
        for ln in book
    ]
    print(
        table(
            [_("Date"), _("Voucher"), _("Memo"), _("Debit"), _("Credit"), _("Dr/Cr"), _("Balance")],
            body,
            right={3, 4, 6},
        )
    )
    return 0
