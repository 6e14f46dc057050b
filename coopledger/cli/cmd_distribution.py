"""The year-end distribution: ``plan``, ``distribute``, ``reverse-distribution``, ``pay``,
``unpaid``, ``bank-batch``, ``verify-slip``."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from coopledger.cli.context import Context
from coopledger.cli.output import dumps, fen_to_str, money, table
from coopledger.domain.dates import parse_date
from coopledger.domain.money import parse_rate
from coopledger.domain.numerals import amount_in_capitals
from coopledger.domain.vocabulary import PaymentMethod, codes
from coopledger.i18n import _
from coopledger.services import distribution as dist

Sub = argparse._SubParsersAction  # type: ignore[type-arg]


def register(sub: Sub) -> None:
    p = sub.add_parser("plan", help="set a year's distribution plan (收益分配方案)")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--welfare-rate", required=True, help='e.g. "0.10"')
    p.add_argument("--reserve-rate", default="0")
    p.add_argument("--approved-on")
    p.add_argument("--published-on")
    p.add_argument("--proposed-by", default="")
    p.add_argument("--meeting", default="")
    p.add_argument("--resolution", default="")
    p.add_argument("--vote", default="")
    p.add_argument("--notice", default="")
    p.add_argument("--notes", default="")
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("distribute", help="preview (or --commit) a year's distribution")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--commit", action="store_true")
    p.add_argument(
        "--json", action="store_true", help="print exactly the result object of distribution.md"
    )
    p.set_defaults(func=cmd_distribute)

    p = sub.add_parser("reverse-distribution", help="红字冲销 of a committed distribution")
    p.add_argument("--year", type=int, required=True)
    p.set_defaults(func=cmd_reverse)

    p = sub.add_parser("pay", help="record that a household was paid its slip")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--member", required=True)
    p.add_argument("--method", choices=codes(PaymentMethod), default=PaymentMethod.CASH.value)
    p.add_argument("--date", help="payment date (default: today)")
    p.set_defaults(func=cmd_pay)

    p = sub.add_parser("unpaid", help="who is still unpaid, with totals")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_unpaid)

    p = sub.add_parser(
        "bank-batch", help="CSV for the bank of the unpaid amounts with card numbers"
    )
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(func=cmd_bank_batch)

    p = sub.add_parser("verify-slip", help="confirm a slip's check code against the ledger")
    p.add_argument("code")
    p.set_defaults(func=cmd_verify_slip)


def cmd_plan(ctx: Context) -> int:
    a = ctx.args
    org = ctx.org()
    form = dist.PlanForm(
        a.year,
        parse_rate(a.welfare_rate, "--welfare-rate"),
        parse_rate(a.reserve_rate, "--reserve-rate"),
        parse_date(a.approved_on, "--approved-on") if a.approved_on else None,
        parse_date(a.published_on, "--published-on") if a.published_on else None,
        a.proposed_by,
        a.meeting,
        a.resolution,
        a.vote,
        a.notice,
        a.notes,
    )
    dist.save_plan(ctx.ledger(), org.id, form)
    print(_("Plan for {year} saved.").format(year=a.year))
    return 0


def cmd_distribute(ctx: Context) -> int:
    a = ctx.args
    org = ctx.org(readonly=not a.commit)
    led = ctx.ledger()
    if a.commit:
        dist.commit_distribution(led, org.id, a.year)
    pv = dist.preview_distribution(led, org.id, a.year)
    if a.json:
        print(
            dumps(dist.distribution_json(led, org.id, a.year) if a.commit else pv.result.to_json())
        )
        return 0
    r = pv.result
    print(
        f"{org.name}  {a.year}  " + (_("committed") if a.commit else _("preview (nothing written)"))
    )
    for label, value in (
        (_("Distributable income"), r.distributable),
        (_("Land transfer fees"), r.land_fees),
        (_("Losses made up"), r.loss_made_up),
        (_("Welfare fund"), r.welfare),
        (_("Reserve fund"), r.reserve),
        (_("Dividends"), r.dividends),
        (_("Undistributed"), r.undistributed),
        (_("Loss carried forward"), r.loss_carried),
    ):
        print(f"  {label}: {fen_to_str(value)}")
    print(
        table(
            [_("Code"), _("Name"), _("Land fee"), _("Dividend"), _("Total")],
            [
                (
                    h.code,
                    pv.names.get(h.code, ""),
                    money(h.land_fee),
                    money(h.dividend),
                    money(h.land_fee + h.dividend),
                )
                for h in r.holders
            ],
            right={2, 3, 4},
        )
    )
    return 0


def cmd_reverse(ctx: Context) -> int:
    org = ctx.org()
    ids = dist.reverse_distribution(ctx.ledger(), org.id, ctx.args.year)
    print(
        _("The {year} distribution was reversed by {n} red vouchers.").format(
            year=ctx.args.year, n=len(ids)
        )
    )
    return 0


def cmd_pay(ctx: Context) -> int:
    a = ctx.args
    org = ctx.org()
    on = parse_date(a.date, "--date") if a.date else dt.date.today()
    vid = dist.pay_slip(ctx.ledger(), org.id, a.year, a.member, method=a.method, on=on)
    print(_("{code} paid; payment voucher #{id}.").format(code=a.member, id=vid))
    return 0


def cmd_unpaid(ctx: Context) -> int:
    org = ctx.org(readonly=True)
    u = dist.unpaid(ctx.ledger(), org.id, ctx.args.year)
    if ctx.args.json:
        print(
            dumps(
                {
                    "year": ctx.args.year,
                    "households": len(u.rows),
                    "land_fee": fen_to_str(u.land_fee),
                    "dividend": fen_to_str(u.dividend),
                    "total": fen_to_str(u.total),
                    "rows": [
                        {
                            "code": r.member_code,
                            "name": r.member_name,
                            "group": r.group,
                            "land_fee": fen_to_str(r.land_fee),
                            "dividend": fen_to_str(r.dividend),
                            "total": fen_to_str(r.total),
                        }
                        for r in u.rows
                    ],
                }
            )
        )
        return 0
    print(
        table(
            [_("Code"), _("Name"), _("Group"), _("Land fee"), _("Dividend"), _("Total")],
            [
                (
                    r.member_code,
                    r.member_name,
                    r.group,
                    money(r.land_fee),
                    money(r.dividend),
                    money(r.total),
                )
                for r in u.rows
            ]
            + [("", _("Total"), "", money(u.land_fee), money(u.dividend), money(u.total))],
            right={3, 4, 5},
        )
    )
    print(f"{_('In capitals')}: {amount_in_capitals(u.total)}")
    return 0


def cmd_bank_batch(ctx: Context) -> int:
    org = ctx.org(readonly=True)
    n, total = dist.bank_batch_csv(ctx.ledger(), org.id, ctx.args.year, ctx.args.out)
    print(
        _("Wrote {n} payments totalling {total} to {path}").format(
            n=n, total=money(total), path=ctx.args.out
        )
    )
    return 0


def cmd_verify_slip(ctx: Context) -> int:
    r = dist.verify_slip(ctx.ledger(readonly=True), ctx.args.code)
    line = f"{r.org_name} {r.year} {r.member_code} {r.member_name}: {_('land fee')} {money(r.land_fee)}, {_('dividend')} {money(r.dividend)}"
    if r.ok:
        print(_("Genuine: ") + line)
        return 0
    print(_("NOT valid: ") + line + f" — {_(r.reason)}")
    return 1
