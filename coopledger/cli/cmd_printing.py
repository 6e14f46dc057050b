"""Printed papers: ``slips``, ``notice``, ``statements``, ``print-voucher``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coopledger.cli.context import Context
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
    p = sub.add_parser("statements", help="balance sheet, income and distribution, trial balance")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--out", type=Path, required=True)
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
    a = ctx.args
    org = ctx.org(readonly=True)
    printing.print_statements(ctx.ledger(), org.id, a.year, a.out)
    print(_("Wrote {path}").format(path=a.out))
    return 0


def cmd_print_voucher(ctx: Context) -> int:
    a = ctx.args
    org = ctx.org(readonly=True)
    printing.print_voucher(ctx.ledger(), org.id, a.ids, a.out)
    print(_("Wrote {path}").format(path=a.out))
    return 0
