"""The year end and setting a book up: ``year close|reopen|check``, ``opening`` (建账 opening
balances) and ``account`` (sub-accounts, 明细科目)."""

from __future__ import annotations

import argparse
from pathlib import Path

from coopledger.cli.context import Context
from coopledger.cli.output import dumps, fen_to_str, money, table
from coopledger.domain.dates import parse_date
from coopledger.domain.errors import N_, DomainError
from coopledger.domain.money import parse_money
from coopledger.domain.vocabulary import AccountKind, MemberAux
from coopledger.i18n import _, term
from coopledger.services import accounts, opening, vouchers, yearend

Sub = argparse._SubParsersAction  # type: ignore[type-arg]


def register(sub: Sub) -> None:
    y = sub.add_parser("year", help="the year end: check, close, reopen")
    ys = y.add_subparsers(dest="year_cmd", metavar="ACTION", required=True)
    p = ys.add_parser(
        "close",
        help="carry income and expense to 本年收益 and on to 未分配收益, and close the year",
    )
    p.add_argument("year_pos", nargs="?", type=int, metavar="YEAR")
    p.add_argument("--year", type=int)
    p.set_defaults(func=cmd_year_close)
    p = ys.add_parser(
        "reopen",
        help="reopen the latest closed year (a supervisor asks, a second person approves)",
    )
    p.add_argument("year_pos", nargs="?", type=int, metavar="YEAR")
    p.add_argument("--year", type=int)
    p.add_argument("--reason", required=True)
    p.set_defaults(func=cmd_year_reopen)
    p = ys.add_parser(
        "check", help="the year-end checks (exit 1 when one fails), share register included"
    )
    p.add_argument("year_pos", nargs="?", type=int, metavar="YEAR")
    p.add_argument("--year", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_year_check)

    o = sub.add_parser("opening", help="opening balances (建账): template, post, show")
    os_ = o.add_subparsers(dest="opening_cmd", metavar="ACTION", required=True)
    p = os_.add_parser("template", help="write the .xlsx template to fill in")
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(func=cmd_opening_template)
    p = os_.add_parser(
        "post",
        help="post the opening balances (from a filled template, a JSON file or --debit/--credit)",
    )
    p.add_argument("--date", help="1 January of the book's first year")
    p.add_argument("--file", type=Path, help="a filled template (.xlsx) or a JSON file")
    p.add_argument("--debit", action="append", default=[], metavar="CODE[:MEMBER]=AMOUNT")
    p.add_argument("--credit", action="append", default=[], metavar="CODE[:MEMBER]=AMOUNT")
    p.add_argument(
        "--replace",
        action="store_true",
        help="reverse the opening entry posted before and post this one",
    )
    p.set_defaults(func=cmd_opening_post)
    p = os_.add_parser("show", help="the opening balances as posted")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_opening_show)

    a = sub.add_parser("account", help="the chart: list, add a sub-account, rename, retire")
    acs = a.add_subparsers(dest="account_cmd", metavar="ACTION", required=True)
    p = acs.add_parser("list", help="the book's chart of accounts")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_account_list)
    p = acs.add_parser("add", help="add a sub-account (明细科目): PARENT CODE NAME")
    p.add_argument("parent")
    p.add_argument("code")
    p.add_argument("name")
    p.set_defaults(func=cmd_account_add)
    p = acs.add_parser("rename", help="rename an account: CODE NAME")
    p.add_argument("code")
    p.add_argument("name")
    p.set_defaults(func=cmd_account_rename)
    p = acs.add_parser("retire", help="retire a used account (no more postings)")
    p.add_argument("code")
    p.set_defaults(func=cmd_account_retire)
    p = acs.add_parser("reactivate", help="take a retired account back into use")
    p.add_argument("code")
    p.set_defaults(func=cmd_account_reactivate)
    p = acs.add_parser("delete", help="delete an account that was never used")
    p.add_argument("code")
    p.set_defaults(func=cmd_account_delete)


def _year(ctx: Context) -> int:
    a = ctx.args
    if a.year is not None and a.year_pos is not None and a.year != a.year_pos:
        raise DomainError(
            "--year", N_("two different years given ({a} and {b})"), a=a.year_pos, b=a.year
        )
    year = a.year if a.year is not None else a.year_pos
    if year is None:
        raise DomainError("--year", N_("say which year (--year YYYY)"))
    if not 1900 <= year <= 9999:
        raise DomainError("--year", N_("not a year: {got}"), got=year)
    return int(year)


# -- year ------------------------------------------------------------------------------------


def cmd_year_close(ctx: Context) -> int:
    org = ctx.org()
    year = _year(ctx)
    ids = vouchers.close_year(ctx.ledger(), org.id, year)
    print(_("{year} closed with {n} closing vouchers.").format(year=year, n=len(ids)))
    return 0


def cmd_year_reopen(ctx: Context) -> int:
    org = ctx.org()
    year = _year(ctx)
    from coopledger.cli.cmd_approvals import report_request

    r = yearend.reopen_year(ctx.ledger(), org.id, year, ctx.args.reason)
    report_request(r)
    if r.done:
        print(
            _("{year} is open again (December included); the reason is in the audit log.").format(
                year=year
            )
        )
    return 0


def cmd_year_check(ctx: Context) -> int:
    org = ctx.org(readonly=True)
    year = _year(ctx)
    yc = yearend.year_check(ctx.ledger(), org.id, year)
    if ctx.args.json:
        print(
            dumps(
                {
                    "organisation": yc.org_name,
                    "year": yc.year,
                    "ok": yc.ok,
                    "closed": yc.closed,
                    "checks": [
                        {
                            "check": i.key,
                            "title": _(i.title),
                            "ok": i.ok,
                            "findings": [f.text(_) for f in i.findings],
                        }
                        for i in yc.items
                    ],
                    "share_register": [
                        {
                            "label": g.label,
                            "classes": list(g.classes),
                            "accounts": list(g.accounts),
                            "register": fen_to_str(g.register),
                            "books": None if g.books is None else fen_to_str(g.books),
                            "difference": None
                            if g.difference is None
                            else fen_to_str(g.difference),
                        }
                        for g in yc.shares
                    ],
                }
            )
        )
        return 0 if yc.ok else 1
    state = _("closed") if yc.closed else _("open")
    print(
        _("Year-end check of {org}, {year} ({state})").format(
            org=yc.org_name, year=year, state=state
        )
    )
    for item in yc.items:
        mark = _("OK") if item.ok else _("FAILED")
        print(f"[{mark}] {_(item.title)}")
        for f in item.findings:
            print(f"    {f.text(_)}")
    if yc.shares:
        print()
        print(_("Share register against the books, 31 December {year}").format(year=year))
        print(
            table(
                [
                    _("Item"),
                    _("Classes"),
                    _("Accounts"),
                    _("Register"),
                    _("Books"),
                    _("Difference"),
                ],
                [
                    (
                        g.label,
                        ", ".join(_(c) for c in g.classes),
                        "、".join(g.accounts) or "—",
                        money(g.register) or "0.00",
                        "—" if g.books is None else (money(g.books) or "0.00"),
                        "—" if g.difference is None else (money(g.difference) or "0.00"),
                    )
                    for g in yc.shares
                ],
                right={3, 4, 5},
            )
        )
    print()
    print(_("All checks passed.") if yc.ok else _("Some checks failed."))
    return 0 if yc.ok else 1


# -- opening balances ----------------------------------------------------------------------


def cmd_opening_template(ctx: Context) -> int:
    org = ctx.org(readonly=True)
    out = ctx.args.out
    if out.suffix.lower() != ".xlsx":
        raise DomainError("--out", N_("the template is an .xlsx file"))
    opening.write_template(ctx.ledger(), org.id, out)
    print(_("Wrote {path}").format(path=out))
    return 0


def _typed(items: list[str], side: str) -> list[opening.OpeningLine]:
    out = []
    for i, text in enumerate(items):
        where = f"--{side}[{i}]"
        key, sep, amount = text.partition("=")
        if not sep:
            raise DomainError(where, N_('write CODE[:MEMBER]=AMOUNT (got "{got}")'), got=text)
        code, _sep, member = key.partition(":")
        fen = parse_money(amount, where, allow_zero=False)
        out.append(
            opening.OpeningLine(
                code.strip(),
                fen if side == "debit" else 0,
                fen if side == "credit" else 0,
                member.strip() or None,
                where,
            )
        )
    return out


def cmd_opening_post(ctx: Context) -> int:
    a = ctx.args
    org = ctx.org()
    date = parse_date(a.date, "--date") if a.date else None
    typed = _typed(a.debit, "debit") + _typed(a.credit, "credit")
    if a.file and typed:
        raise DomainError(
            "--file", N_("give the balances either in a file or with --debit/--credit")
        )
    if a.file:
        if a.file.suffix.lower() == ".xlsx":
            if date is None:
                raise DomainError("--date", N_("say on which 1 January the book opens (--date)"))
            ob = opening.read_template(a.file, date)
        else:
            from coopledger.formats.book_json import read_book_file

            ob = opening.parse_opening_json(read_book_file(a.file))
            if date is not None:
                ob = opening.OpeningBalances(date, ob.lines)
    elif typed:
        if date is None:
            raise DomainError("--date", N_("say on which 1 January the book opens (--date)"))
        ob = opening.OpeningBalances(date, tuple(typed))
    else:
        raise DomainError("--file", N_("give the balances: --file, or --debit and --credit"))
    vid = opening.post_opening(
        ctx.ledger(), org.id, ob, replace_existing=a.replace, source_file=a.file
    )
    print(
        _("Opening balances posted as voucher #{id}: debits {debit} = credits {credit}.").format(
            id=vid, debit=money(ob.debit) or "0.00", credit=money(ob.credit) or "0.00"
        )
    )
    return 0


def cmd_opening_show(ctx: Context) -> int:
    org = ctx.org(readonly=True)
    ob = opening.current_opening(ctx.ledger(), org.id)
    if ob is None:
        if ctx.args.json:
            print(dumps(None))
        else:
            print(_("This book has no opening balances."))
        return 0
    if ctx.args.json:
        print(dumps(opening.opening_summary(ob)))
        return 0
    print(_("Opening balances on {date}").format(date=ob.date))
    print(
        table(
            [_("Account"), _("Member"), _("Debit"), _("Credit")],
            [
                (ln.account, ln.member or "", money(ln.debit_fen), money(ln.credit_fen))
                for ln in ob.lines
            ]
            + [("", _("Total"), money(ob.debit), money(ob.credit))],
            right={2, 3},
        )
    )
    return 0


# -- accounts ------------------------------------------------------------------------------


def cmd_account_list(ctx: Context) -> int:
    org = ctx.org(readonly=True)
    rows = accounts.chart_rows(ctx.ledger(), org.id)
    if ctx.args.json:
        print(
            dumps(
                [
                    {
                        "code": r.code,
                        "name": r.name,
                        "kind": r.kind,
                        "normal_side": r.normal_side,
                        "member_aux": r.member_aux,
                        "level": r.level,
                        "active": r.active,
                        "used": r.used,
                    }
                    for r in rows
                ]
            )
        )
        return 0
    print(
        table(
            [_("Code"), _("Account"), _("Kind"), _("Side"), _("Per member"), _("State")],
            [
                (
                    "  " * r.level + r.code,
                    r.name,
                    term(AccountKind, r.kind),
                    "借" if r.normal_side == "debit" else "贷",
                    term(MemberAux, r.member_aux) if r.member_aux != MemberAux.NONE else "",
                    _("retired") if not r.active else (_("used") if r.used else ""),
                )
                for r in rows
            ],
        )
    )
    return 0


def cmd_account_add(ctx: Context) -> int:
    org = ctx.org()
    a = ctx.args
    accounts.add_sub_account(ctx.ledger(), org.id, a.parent, a.code, a.name)
    print(_("Account {code} {name} added.").format(code=a.code, name=a.name))
    return 0


def cmd_account_rename(ctx: Context) -> int:
    org = ctx.org()
    accounts.rename_account(ctx.ledger(), org.id, ctx.args.code, ctx.args.name)
    print(_("Account {code} renamed.").format(code=ctx.args.code))
    return 0


def cmd_account_retire(ctx: Context) -> int:
    org = ctx.org()
    accounts.retire_account(ctx.ledger(), org.id, ctx.args.code)
    print(_("Account {code} retired.").format(code=ctx.args.code))
    return 0


def cmd_account_reactivate(ctx: Context) -> int:
    org = ctx.org()
    accounts.reactivate_account(ctx.ledger(), org.id, ctx.args.code)
    print(_("Account {code} is in use again.").format(code=ctx.args.code))
    return 0


def cmd_account_delete(ctx: Context) -> int:
    org = ctx.org()
    accounts.delete_account(ctx.ledger(), org.id, ctx.args.code)
    print(_("Account {code} deleted.").format(code=ctx.args.code))
    return 0
