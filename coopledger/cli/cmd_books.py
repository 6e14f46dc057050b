"""Vouchers, periods and the books: ``voucher …``, ``period close``, ``trial-balance``,
``ledger``, ``journal``, ``member-statement``, ``balance-check`` (``year …`` is in
``cmd_yearend``)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from coopledger.cli.commands import lazy_module
from coopledger.cli.context import Context
from coopledger.cli.output import dumps, fen_to_str, money, table
from coopledger.domain.dates import parse_date
from coopledger.domain.errors import N_, DomainError
from coopledger.domain.ledger import voucher_from_dict
from coopledger.domain.money import parse_money
from coopledger.domain.vocabulary import VoucherState, codes
from coopledger.i18n import _, term
from coopledger.services import books

# The read-only books (trial balance, ledgers) never load the voucher writers' models.
vouchers = lazy_module("coopledger.services.vouchers")
# The voucher list and detail read ORM models (``store.lists``): loaded by those commands only.
views = lazy_module("coopledger.services.views")

Sub = argparse._SubParsersAction  # type: ignore[type-arg]


def register(sub: Sub) -> None:
    v = sub.add_parser("voucher", help="vouchers: add, list, show, review, post, reverse")
    vs = v.add_subparsers(dest="voucher_cmd", metavar="ACTION", required=True)
    p = vs.add_parser("add", help="add a draft voucher from a JSON file (book voucher shape)")
    p.add_argument("--file", required=True, type=Path)
    p.set_defaults(func=cmd_voucher_add)
    p = vs.add_parser("list", help="list vouchers")
    p.add_argument("--from", dest="start")
    p.add_argument("--to", dest="end")
    p.add_argument("--state", choices=codes(VoucherState))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_voucher_list)
    p = vs.add_parser("show", help="show one voucher")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_voucher_show)
    for name, helptext in (
        ("review", "审核: check a draft (someone other than its preparer)"),
        ("unreview", "取消审核: send a reviewed voucher back to draft"),
        ("post", "记账: post a reviewed voucher"),
        ("delete", "delete a draft"),
    ):
        p = vs.add_parser(name, help=helptext)
        p.add_argument("id", type=int)
        p.set_defaults(func=cmd_voucher_simple, action_name=name)
    p = vs.add_parser("reverse", help="红字冲销: post the red mirror of a posted voucher")
    p.add_argument("id", type=int)
    p.add_argument("--date", help="date of the red voucher (default: the original's)")
    p.set_defaults(func=cmd_voucher_reverse)

    per = sub.add_parser("period", help="month close and reopen")
    ps = per.add_subparsers(dest="period_cmd", metavar="ACTION", required=True)
    p = ps.add_parser("close", help="close a month: YYYY-MM")
    p.add_argument("month")
    p.set_defaults(func=cmd_period_close)
    p = ps.add_parser("reopen", help="reopen the latest closed month (audited)")
    p.add_argument("month")
    p.add_argument("--reason", required=True)
    p.set_defaults(func=cmd_period_reopen)

    p = sub.add_parser("trial-balance", help="科目余额表 for a date range")
    p.add_argument("--from", dest="start", required=True)
    p.add_argument("--to", dest="end", required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_trial_balance)

    p = sub.add_parser("ledger", help="明细账 of an account (with running balance)")
    p.add_argument("account")
    p.add_argument("--from", dest="start")
    p.add_argument("--to", dest="end")
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--limit", type=int, default=0, help="rows per page (0: all)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_ledger)

    p = sub.add_parser("general-ledger", help="总账 of an account for a year")
    p.add_argument("account")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_general_ledger)

    p = sub.add_parser("journal", help="序时账: every posted line between two dates")
    p.add_argument("--from", dest="start", required=True)
    p.add_argument("--to", dest="end", required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_journal)

    p = sub.add_parser(
        "member-statement",
        help="a member's statement: its current and payable accounts, with 借/贷 balances",
    )
    p.add_argument("code")
    p.add_argument("--from", dest="start")
    p.add_argument("--to", dest="end")
    p.add_argument("--json", action="store_true")
    p.add_argument("--pdf", type=Path, help="write the statement as a PDF")
    p.set_defaults(func=cmd_member_statement)

    bc = sub.add_parser("balance-check", help="对账: record and compare statement balances")
    bs = bc.add_subparsers(dest="bc_cmd", metavar="ACTION", required=True)
    p = bs.add_parser("record", help="record a bank statement or cash count balance")
    p.add_argument("account")
    p.add_argument("--date", required=True)
    p.add_argument("--amount", required=True)
    p.add_argument("--note", default="")
    p.add_argument(
        "--item",
        action="append",
        default=[],
        metavar="KIND:AMOUNT[:MEMO]",
        help="an outstanding item (bank_in_not_booked, bank_out_not_booked, booked_in_not_bank, booked_out_not_bank)",
    )
    p.set_defaults(func=cmd_bc_record)
    p = bs.add_parser("list", help="recorded balances against the ledger")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bc_list)
    p = sub.add_parser("reconciliation", help="银行存款余额调节表 for a month: ACCOUNT YYYY-MM")
    p.add_argument("account")
    p.add_argument("month")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_reconciliation)


def _month(text: str) -> tuple[int, int]:
    try:
        y, m = text.split("-")
        year, month = int(y), int(m)
        if 1 <= month <= 12 and 1900 <= year <= 9999:
            return year, month
    except ValueError:
        pass
    raise DomainError("month", N_('write the month as YYYY-MM (got "{got}")'), got=text)


def _date(text: str | None, field: str) -> dt.date | None:
    return parse_date(text, field) if text else None


def cmd_voucher_add(ctx: Context) -> int:
    from coopledger.formats.book_json import read_book_file

    data = read_book_file(ctx.args.file)
    v = voucher_from_dict(data, "voucher")
    org = ctx.org()
    vid = vouchers.add_voucher(ctx.ledger(), org.id, v)
    print(_("Draft voucher #{id} saved.").format(id=vid))
    _cash_warnings(ctx, org.id, vid)
    return 0


def _cash_warnings(ctx: Context, org_id: int, voucher_id: int) -> None:
    """Warn on stderr when the voucher takes cash or bank below zero (or, posted, leaves
    cash above its limit): a warning, not a refusal."""
    import sys

    from coopledger.services.cash import warnings_for_voucher

    for w in warnings_for_voucher(ctx.ledger(), org_id, voucher_id):
        print(_("warning: {text}").format(text=w.text(_)), file=sys.stderr)


def cmd_voucher_list(ctx: Context) -> int:
    org = ctx.org(readonly=True)
    found = views.VoucherFilter(
        start=_date(ctx.args.start, "--from"),
        end=_date(ctx.args.end, "--to"),
        state=ctx.args.state,
    )
    rows = views.page_rows(ctx.ledger(), org.id, found, limit=None)
    if ctx.args.json:
        print(dumps([r.to_json() for r in rows]))
        return 0
    print(
        table(
            [_("ID"), _("Date"), _("Number"), _("Memo"), _("Amount"), _("State"), _("Prepared by")],
            [
                (
                    r.id,
                    r.date,
                    r.label,
                    r.memo,
                    money(r.total),
                    term(VoucherState, r.state),
                    r.prepared_by,
                )
                for r in rows
            ],
            right={4},
        )
    )
    return 0


def cmd_voucher_show(ctx: Context) -> int:
    org = ctx.org(readonly=True)
    d = views.voucher_detail(ctx.ledger(), org.id, ctx.args.id)
    if ctx.args.json:
        print(dumps(d.to_json()))
        return 0
    print(
        f"{d.label}  {d.date}  {term(VoucherState, d.state)}  {_('attachments')}: {d.attachments}"
    )
    print(f"{_('Memo')}: {d.memo}")
    print(
        table(
            [_("Account"), _("Member"), _("Debit"), _("Credit"), _("Memo")],
            [
                (
                    f"{ln.account_code} {ln.account_name}",
                    ln.member_name,
                    money(ln.debit),
                    money(ln.credit),
                    ln.memo,
                )
                for ln in d.lines
            ],
            right={2, 3},
        )
    )
    print(
        f"{_('Prepared by')}: {d.prepared_by}  {_('Reviewed by')}: {d.reviewed_by}  {_('Posted by')}: {d.posted_by}"
    )
    return 0


def cmd_voucher_simple(ctx: Context) -> int:
    org = ctx.org()
    led = ctx.ledger()
    name = ctx.args.action_name
    vid = ctx.args.id
    if name == "review":
        vouchers.review_voucher(led, org.id, vid)
        print(_("Voucher #{id} reviewed.").format(id=vid))
    elif name == "unreview":
        vouchers.unreview_voucher(led, org.id, vid)
        print(_("Voucher #{id} is a draft again.").format(id=vid))
    elif name == "post":
        label = vouchers.post_voucher(led, org.id, vid)
        print(_("Voucher #{id} posted as {label}.").format(id=vid, label=label))
        _cash_warnings(ctx, org.id, vid)
    else:
        vouchers.delete_draft(led, org.id, vid)
        print(_("Draft #{id} deleted.").format(id=vid))
    return 0


def cmd_voucher_reverse(ctx: Context) -> int:
    org = ctx.org()
    rid = vouchers.reverse_voucher(
        ctx.ledger(), org.id, ctx.args.id, on=_date(ctx.args.date, "--date")
    )
    print(_("Voucher #{id} reversed by red voucher #{rid}.").format(id=ctx.args.id, rid=rid))
    return 0


def cmd_period_close(ctx: Context) -> int:
    year, month = _month(ctx.args.month)
    org = ctx.org()
    vouchers.close_period(ctx.ledger(), org.id, year, month)
    print(_("{year}-{month:02d} closed.").format(year=year, month=month))
    return 0


def cmd_period_reopen(ctx: Context) -> int:
    year, month = _month(ctx.args.month)
    org = ctx.org()
    vouchers.reopen_period(ctx.ledger(), org.id, year, month, ctx.args.reason)
    print(_("{year}-{month:02d} reopened.").format(year=year, month=month))
    return 0


def cmd_trial_balance(ctx: Context) -> int:
    org = ctx.org(readonly=True)
    start = parse_date(ctx.args.start, "--from")
    end = parse_date(ctx.args.end, "--to")
    rows = books.trial_balance(ctx.ledger(), org.id, start, end)
    totals = books.trial_balance_totals(rows)
    if ctx.args.json:
        print(
            dumps(
                {
                    "organisation": org.name,
                    "from": start.isoformat(),
                    "to": end.isoformat(),
                    "rows": [
                        {
                            "code": r.code,
                            "name": r.name,
                            "kind": r.kind,
                            "level": r.level,
                            "opening_debit": fen_to_str(r.opening_debit),
                            "opening_credit": fen_to_str(r.opening_credit),
                            "debit": fen_to_str(r.debit),
                            "credit": fen_to_str(r.credit),
                            "closing_debit": fen_to_str(r.closing_debit),
                            "closing_credit": fen_to_str(r.closing_credit),
                        }
                        for r in rows
                    ],
                    "totals": {k: fen_to_str(v) for k, v in totals.items()},
                }
            )
        )
        return 0
    print(f"{org.name}  {_('Trial balance')}  {start} – {end}  ({_('yuan')})")
    body = [
        (
            "  " * r.level + r.code,
            r.name,
            money(r.opening_debit),
            money(r.opening_credit),
            money(r.debit),
            money(r.credit),
            money(r.closing_debit),
            money(r.closing_credit),
        )
        for r in rows
    ]
    body.append(("", _("Total"), *(money(totals[k]) for k in totals)))
    print(
        table(
            [
                _("Code"),
                _("Account"),
                _("Opening Dr"),
                _("Opening Cr"),
                _("Debit"),
                _("Credit"),
                _("Closing Dr"),
                _("Closing Cr"),
            ],
            body,
            right={2, 3, 4, 5, 6, 7},
        )
    )
    return 0


def _ledger_rows_json(opening: int, rows: list[books.LedgerRow]) -> dict[str, object]:
    return {
        "opening": fen_to_str(opening),
        "rows": [
            {
                "date": r.date.isoformat(),
                "voucher_id": r.voucher_id,
                "voucher": r.voucher_no,
                "memo": r.memo,
                "account": r.account_code,
                "member": r.member_code,
                "debit": fen_to_str(r.debit),
                "credit": fen_to_str(r.credit),
                "balance": fen_to_str(r.balance),
            }
            for r in rows
        ],
    }


def _print_ledger_rows(opening: int, rows: list[books.LedgerRow], running: bool = True) -> None:
    body: list[tuple[object, ...]] = []
    if running:
        body.append(("", "", _("Opening balance"), "", "", "", money(opening) or "0.00"))
    for r in rows:
        who = f"{r.account_code} {r.member_name}".strip()
        body.append(
            (
                r.date,
                r.voucher_no,
                r.memo,
                who,
                money(r.debit),
                money(r.credit),
                money(r.balance) if running else "",
            )
        )
    print(
        table(
            [
                _("Date"),
                _("Voucher"),
                _("Memo"),
                _("Account"),
                _("Debit"),
                _("Credit"),
                _("Balance"),
            ],
            body,
            right={4, 5, 6},
        )
    )


def cmd_ledger(ctx: Context) -> int:
    org = ctx.org(readonly=True)
    opening, rows = books.subsidiary_ledger(
        ctx.ledger(),
        org.id,
        ctx.args.account,
        start=_date(ctx.args.start, "--from"),
        end=_date(ctx.args.end, "--to"),
        offset=ctx.args.offset,
        limit=ctx.args.limit or None,
    )
    if ctx.args.json:
        print(dumps(_ledger_rows_json(opening, rows)))
    else:
        _print_ledger_rows(opening, rows)
    return 0


def cmd_general_ledger(ctx: Context) -> int:
    org = ctx.org(readonly=True)
    rows = books.general_ledger(ctx.ledger(), org.id, ctx.args.account, ctx.args.year)
    if ctx.args.json:
        print(
            dumps(
                [
                    {
                        "month": f"{r.year}-{r.month:02d}",
                        "opening": fen_to_str(r.opening),
                        "debit": fen_to_str(r.debit),
                        "credit": fen_to_str(r.credit),
                        "closing": fen_to_str(r.closing),
                    }
                    for r in rows
                ]
            )
        )
        return 0
    print(
        table(
            [_("Month"), _("Opening"), _("Debit"), _("Credit"), _("Closing")],
            [
                (
                    f"{r.year}-{r.month:02d}",
                    money(r.opening),
                    money(r.debit),
                    money(r.credit),
                    money(r.closing),
                )
                for r in rows
            ],
            right={1, 2, 3, 4},
        )
    )
    return 0


def cmd_journal(ctx: Context) -> int:
    org = ctx.org(readonly=True)
    rows = books.journal(
        ctx.ledger(), org.id, parse_date(ctx.args.start, "--from"), parse_date(ctx.args.end, "--to")
    )
    if ctx.args.json:
        print(dumps(_ledger_rows_json(0, rows)["rows"]))
    else:
        _print_ledger_rows(0, rows, running=False)
    return 0


def member_statement_json(ms: books.MemberStatementData) -> dict[str, object]:
    """The statement as ``member-statement --json`` prints it: balances as amounts with
    their side (借 the member owes, 贷 owed to the member, 平 settled); information lines
    (wages, other income) carry ``"information": true`` and no balance."""

    def amount(balance: int) -> str:
        return fen_to_str(abs(balance))

    return {
        "member": ms.member_code,
        "name": ms.member_name,
        "accounts": list(ms.accounts),
        "opening": amount(ms.opening),
        "opening_side": books.balance_side(ms.opening),
        "rows": [
            {
                "date": r.date.isoformat(),
                "voucher_id": r.voucher_id,
                "voucher": r.voucher_no,
                "memo": r.memo,
                "account": r.account_code,
                "account_name": r.account_name,
                "debit": fen_to_str(r.debit),
                "credit": fen_to_str(r.credit),
            }
            | (
                {"information": True}
                if r.information
                else {"balance": amount(r.balance), "side": r.side}
            )
            for r in ms.rows
        ],
        "debit": fen_to_str(sum(r.debit for r in ms.balance_rows)),
        "credit": fen_to_str(sum(r.credit for r in ms.balance_rows)),
        "closing": amount(ms.closing),
        "closing_side": books.balance_side(ms.closing),
    }


def cmd_member_statement(ctx: Context) -> int:
    org = ctx.org(readonly=True)
    start, end = _date(ctx.args.start, "--from"), _date(ctx.args.end, "--to")
    ms = books.member_statement(ctx.ledger(), org.id, ctx.args.code, start=start, end=end)
    if ctx.args.pdf:
        from coopledger.services.printing import print_member_statement

        print_member_statement(
            ctx.ledger(), org.id, ctx.args.code, ctx.args.pdf, start=start, end=end
        )
        print(_("Wrote {path}").format(path=ctx.args.pdf))
        return 0
    if ctx.args.json:
        print(dumps(member_statement_json(ms)))
        return 0
    body: list[tuple[object, ...]] = [
        ("", "", _("Opening balance"), "", "", "", books.balance_side(ms.opening),
         money(abs(ms.opening)) or "0.00"),
    ]  # fmt: skip
    for r in ms.rows:
        body.append(
            (
                r.date,
                r.voucher_no,
                r.memo + (f" ({_('information only')})" if r.information else ""),
                f"{r.account_code} {r.account_name}",
                money(r.debit),
                money(r.credit),
                "" if r.information else r.side,
                "" if r.information else (money(abs(r.balance)) or "0.00"),
            )
        )
    body.append(
        ("", "", _("Closing balance"), "", money(sum(r.debit for r in ms.balance_rows)),
         money(sum(r.credit for r in ms.balance_rows)), books.balance_side(ms.closing),
         money(abs(ms.closing)) or "0.00"),
    )  # fmt: skip
    print(f"{ms.member_code} {ms.member_name}  {ms.group}".rstrip())
    print(
        table(
            [
                _("Date"),
                _("Voucher"),
                _("Memo"),
                _("Account"),
                _("Debit"),
                _("Credit"),
                _("Dr/Cr"),
                _("Balance"),
            ],
            body,
            right={4, 5, 7},
        )
    )
    return 0


def _parse_item(text: str, i: int) -> vouchers.ReconItem:
    parts = text.split(":", 2)
    if len(parts) < 2:
        raise DomainError(
            f"--item[{i}]", N_('write an item as KIND:AMOUNT[:MEMO] (got "{got}")'), got=text
        )
    return vouchers.ReconItem(
        parts[0],
        parse_money(parts[1], f"--item[{i}]", allow_zero=False),
        parts[2] if len(parts) > 2 else "",
    )


def cmd_bc_record(ctx: Context) -> int:
    org = ctx.org()
    items = [_parse_item(t, i) for i, t in enumerate(ctx.args.item)]
    vouchers.record_balance_check(
        ctx.ledger(),
        org.id,
        ctx.args.account,
        parse_date(ctx.args.date, "--date"),
        parse_money(ctx.args.amount, "--amount", allow_negative=True),
        note=ctx.args.note,
        items=items,
    )
    print(_("Balance recorded."))
    return 0


def cmd_bc_list(ctx: Context) -> int:
    org = ctx.org(readonly=True)
    rows = books.balance_checks(ctx.ledger(), org.id)
    if ctx.args.json:
        print(
            dumps(
                [
                    {
                        "account": r.account_code,
                        "date": r.on.isoformat(),
                        "statement": fen_to_str(r.statement),
                        "ledger": fen_to_str(r.ledger_balance),
                        "difference": fen_to_str(r.difference),
                        "note": r.note,
                    }
                    for r in rows
                ]
            )
        )
        return 0
    print(
        table(
            [_("Date"), _("Account"), _("Statement"), _("Ledger"), _("Difference"), _("Note")],
            [
                (
                    r.on,
                    f"{r.account_code} {r.account_name}",
                    money(r.statement),
                    money(r.ledger_balance),
                    money(r.difference) or "0.00",
                    r.note,
                )
                for r in rows
            ],
            right={2, 3, 4},
        )
    )
    return 0


def cmd_reconciliation(ctx: Context) -> int:
    org = ctx.org(readonly=True)
    year, month = _month(ctx.args.month)
    r = books.reconciliation(ctx.ledger(), org.id, ctx.args.account, year, month)
    data = {
        "account": r.account_code,
        "date": r.on.isoformat(),
        "ledger_balance": fen_to_str(r.ledger_balance),
        "bank_in_not_booked": fen_to_str(r.bank_in_not_booked),
        "bank_out_not_booked": fen_to_str(r.bank_out_not_booked),
        "adjusted_ledger": fen_to_str(r.adjusted_ledger),
        "statement_balance": fen_to_str(r.statement_balance),
        "booked_in_not_bank": fen_to_str(r.booked_in_not_bank),
        "booked_out_not_bank": fen_to_str(r.booked_out_not_bank),
        "adjusted_statement": fen_to_str(r.adjusted_statement),
        "agrees": r.agrees,
    }
    if ctx.args.json:
        print(dumps(data))
        return 0
    print(
        f"{org.name}  {_('Bank reconciliation statement')}  {r.account_code} {r.account_name}  {r.on}"
    )
    for k, v in data.items():
        if k not in ("account", "date"):
            print(f"  {_(k)}: {v}")
    return 0 if r.agrees else 1
