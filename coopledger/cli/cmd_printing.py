"""Printed papers: ``slips``, ``notice``, ``statements``, ``print-voucher``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coopledger.cli.context import Context
from coopledger.cli.output import dumps, table
from coopledger.domain.money import format_money
from coopledger.i18n import _
from coopledger.services import printing

Sub = argparse._SubParsersAction  # type: ignore[type-arg]


def _progress(done: int, total: int) -> bool:
    if sys.stderr.isatty():
        print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)
    return True


def register(sub: Sub) -> None:
    p = sub.add_parser("slips", help="dividend slips (收益分配通知单) of a committed year")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--member", help="one household's slip")
    p.add_argument("--group", help="one 村民小组 (villages pay out group by group)")
    p.add_argument("--layout", choices=["a4x3", "a5"], default="a4x3")
    p.set_defaults(func=cmd_slips)
    p = sub.add_parser("notice", help="the public notice (收益分配公示) of a committed year")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--paper", choices=["A4L", "A3L"], default="A4L")
    p.set_defaults(func=cmd_notice)
    p = sub.add_parser(
        "statements",
        help="the official year-end statements (资产负债表, 收益及收益分配表 …) with their checks",
    )
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--out", type=Path, help="write the statements as a PDF")
    p.add_argument("--json", action="store_true", help="print every form as JSON")
    p.set_defaults(func=cmd_statements)
    p = sub.add_parser("print-voucher", help="print vouchers (记账凭证)")
    p.add_argument("ids", type=int, nargs="+")
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(func=cmd_print_voucher)


def cmd_slips(ctx: Context) -> int:
    a = ctx.args
    org = ctx.org(readonly=True)
    printing.print_slips(
        ctx.ledger(),
        org.id,
        a.year,
        a.out,
        member=a.member,
        group=a.group,
        layout=a.layout,
        progress=_progress,
    )
    print(_("Wrote {path}").format(path=a.out))
    return 0


def cmd_notice(ctx: Context) -> int:
    a = ctx.args
    org = ctx.org(readonly=True)
    printing.print_notice(ctx.ledger(), org.id, a.year, a.out, paper=a.paper, progress=_progress)
    print(_("Wrote {path}").format(path=a.out))
    return 0


def cmd_statements(ctx: Context) -> int:
    from coopledger.services.statements import statements_json, year_statements

    a = ctx.args
    org = ctx.org(readonly=True)
    if a.out:
        printing.print_statements(ctx.ledger(), org.id, a.year, a.out)
        if not a.json:
            print(_("Wrote {path}").format(path=a.out))
    st = year_statements(ctx.ledger(), org.id, a.year)
    if a.json:
        print(dumps(statements_json(st, _)))
        return 0
    if a.out:
        for w in st.warnings:
            print(_("Warning: {text}").format(text=w.text(_)), file=sys.stderr)
        return 0
    for ev in st.forms:
        form = ev.form
        print(f"{form.title}  {form.form_no}  {org.name}  {a.year}  ({_('yuan')})")
        body = [
            (el.line.row, el.line.label, *(money_cell(v) for v in el.values)) for el in ev.lines
        ]
        headers = [_("Row"), _("Item"), *(c.label for c in form.columns)]
        print(table(headers, body, right=set(range(2, len(headers)))))
        print()
    for w in st.warnings:
        print(_("Warning: {text}").format(text=w.text(_)))
    return 0


def money_cell(value: int | None) -> str:
    """An amount in a text table (0.00 shown, an empty cell blank)."""
    return "" if value is None else format_money(value)


def cmd_print_voucher(ctx: Context) -> int:
    a = ctx.args
    org = ctx.org(readonly=True)
    printing.print_voucher(ctx.ledger(), org.id, a.ids, a.out)
    print(_("Wrote {path}").format(path=a.out))
    return 0
