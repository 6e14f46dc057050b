"""Fixed assets, the monthly depreciation, the 财务公开表, share certificates and cash:
``asset``, ``depreciation``, ``disclosure``, ``certificate``, ``cash``."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path

from coopledger.cli.context import Context
from coopledger.cli.output import dumps, fen_to_str, money, table
from coopledger.domain.assets import AssetRecord
from coopledger.domain.dates import parse_date
from coopledger.domain.errors import N_, DomainError
from coopledger.domain.fields import make_record
from coopledger.domain.vocabulary import (
    AssetCategory,
    AssetSource,
    AssetStatus,
    DepreciationMethod,
    PeriodKind,
    codes,
)
from coopledger.i18n import _, term

Sub = argparse._SubParsersAction  # type: ignore[type-arg]


def register(sub: Sub) -> None:
    a = sub.add_parser("asset", help="the fixed-asset register (固定资产卡片)")
    s = a.add_subparsers(dest="asset_cmd", metavar="ACTION", required=True)
    p = s.add_parser("list", help="the register as at a date")
    p.add_argument("--date", help="as at the end of this day (default: today)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--pdf", type=Path, help="print the register (资产台账) as a PDF")
    p.set_defaults(func=cmd_asset_list)
    p = s.add_parser("add", help="add a card")
    p.add_argument("code")
    p.add_argument("--name", required=True)
    p.add_argument("--category", required=True, choices=codes(AssetCategory))
    p.add_argument("--in-service", required=True, help="the date it was put into service")
    p.add_argument("--value", required=True, help="original value, yuan")
    p.add_argument("--life-months", type=int)
    p.add_argument("--life-years", type=int)
    p.add_argument("--residual-rate", help='e.g. "0.05" or "5%%"')
    p.add_argument("--method", choices=codes(DepreciationMethod))
    p.add_argument("--source", choices=codes(AssetSource))
    p.add_argument("--asset-account")
    p.add_argument("--depreciation-account")
    p.add_argument("--expense-account", help="where its depreciation is charged")
    p.add_argument("--location")
    p.add_argument("--custodian")
    p.add_argument("--quantity", type=int)
    p.add_argument("--unit")
    p.add_argument("--total-work", type=int)
    p.add_argument("--work-unit")
    p.add_argument("--opening-depreciation", help="depreciation made before it was entered")
    p.add_argument("--poverty-relief", action="store_true", help="扶贫项目资产")
    p.add_argument("--notes")
    p.set_defaults(func=cmd_asset_add)
    p = s.add_parser("import", help="import the register from Excel (.xlsx) or CSV")
    p.add_argument("file", type=Path)
    p.add_argument("--commit", action="store_true", help="write it (default: a dry run)")
    p.set_defaults(func=cmd_asset_import)
    p = s.add_parser("card", help="one card with its changes and depreciation")
    p.add_argument("code")
    p.add_argument("--json", action="store_true")
    p.add_argument("--pdf", type=Path, help="print the card as a PDF")
    p.set_defaults(func=cmd_asset_card)
    p = s.add_parser("improve", help="an improvement added to the value (Dr asset, Cr bank)")
    p.add_argument("code")
    p.add_argument("--date", required=True)
    p.add_argument("--amount", required=True)
    p.add_argument("--counter", help="the account paid from (default 银行存款)")
    p.add_argument("--extra-months", type=int, default=0, help="months added to its life")
    p.add_argument("--memo", default="")
    p.set_defaults(func=cmd_asset_improve)
    p = s.add_parser("transfer", help="move it, or charge its depreciation elsewhere")
    p.add_argument("code")
    p.add_argument("--date", required=True)
    p.add_argument("--location")
    p.add_argument("--custodian")
    p.add_argument("--expense-account")
    p.add_argument("--memo", default="")
    p.set_defaults(func=cmd_asset_transfer)
    p = s.add_parser("loss", help="report it damaged or missing (to 待处理财产损溢)")
    p.add_argument("code")
    p.add_argument("--date", required=True)
    p.add_argument("--memo", required=True, help="what happened")
    p.set_defaults(func=cmd_asset_loss)
    p = s.add_parser("write-off", help="the approved write-off of a reported loss")
    p.add_argument("code")
    p.add_argument("--date", required=True)
    p.add_argument("--compensation", default="0", help="what was recovered, yuan")
    p.add_argument("--counter", help="the account it came into (default 银行存款)")
    p.add_argument("--memo", default="")
    p.set_defaults(func=cmd_asset_write_off)
    p = s.add_parser("dispose", help="sell or scrap it (through 固定资产清理)")
    p.add_argument("code")
    p.add_argument("--date", required=True)
    p.add_argument("--proceeds", default="0")
    p.add_argument("--costs", default="0")
    p.add_argument("--counter", help="the account for proceeds and costs (default 银行存款)")
    p.add_argument("--memo", default="")
    p.set_defaults(func=cmd_asset_dispose)
    p = s.add_parser("check", help="账卡核对: the register against the ledger")
    p.add_argument("--date", required=True)
    p.set_defaults(func=cmd_asset_check)

    d = sub.add_parser("depreciation", help="the monthly depreciation run")
    ds = d.add_subparsers(dest="depreciation_cmd", metavar="ACTION", required=True)
    for name, helptext in (
        ("run", "post a month's depreciation (one voucher)"),
        ("preview", "what a month's run would post"),
    ):
        p = ds.add_parser(name, help=helptext)
        p.add_argument("--month", help="YYYY-MM (default: the next month due)")
        p.add_argument(
            "--work",
            action="append",
            default=[],
            metavar="CODE=UNITS",
            help="the month's work of a units-of-work card",
        )
        p.add_argument("--json", action="store_true")
        p.set_defaults(func=cmd_depreciation_run, preview=name == "preview")
    p = ds.add_parser("reverse", help="红字冲销 of the latest month's run")
    p.add_argument("--month", required=True)
    p.add_argument("--reason", required=True)
    p.set_defaults(func=cmd_depreciation_reverse)
    p = ds.add_parser("list", help="every run")
    p.set_defaults(func=cmd_depreciation_list)

    f = sub.add_parser("disclosure", help="村级财务公开表 and its publication")
    fs = f.add_subparsers(dest="disclosure_cmd", metavar="ACTION", required=True)

    def period_args(p: argparse.ArgumentParser) -> None:
        g = p.add_mutually_exclusive_group(required=True)
        g.add_argument("--month", help="YYYY-MM")
        g.add_argument("--quarter", help="YYYY-Qn, e.g. 2014-Q4")

    p = fs.add_parser("print", help="the table as a PDF (A3 for the notice board, or A4)")
    period_args(p)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--paper", choices=("A3", "A4"), default="A3")
    p.set_defaults(func=cmd_disclosure_print)
    p = fs.add_parser("show", help="the table's figures")
    period_args(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_disclosure_show)
    p = fs.add_parser("publish", help="record that the table was posted on the notice board")
    period_args(p)
    p.add_argument("--date", required=True, help="the day it was posted")
    p.add_argument("--reviewed-by", required=True, help="民主理财小组 members who reviewed it")
    p.add_argument("--notes", default="")
    p.set_defaults(func=cmd_disclosure_publish)
    p = fs.add_parser("status", help="which periods of a year were published, and by whom")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--kind", choices=codes(PeriodKind), default=PeriodKind.QUARTER.value)
    p.add_argument("--check", action="store_true", help="also check the ledger still agrees")
    p.set_defaults(func=cmd_disclosure_status)

    c = sub.add_parser("certificate", help="share certificates (股权证)")
    cs = c.add_subparsers(dest="certificate_cmd", metavar="ACTION", required=True)
    p = cs.add_parser("issue", help="issue certificates (default: every household without one)")
    p.add_argument("--member", action="append", help="a member's code (repeat for more)")
    p.add_argument("--date", required=True)
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(func=cmd_certificate_issue)
    p = cs.add_parser("reprint", help="print a household's certificate again, saying why")
    p.add_argument("member")
    p.add_argument("--date", required=True)
    p.add_argument("--reason", required=True)
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(func=cmd_certificate_reprint)
    p = cs.add_parser("register", help="the register of certificates issued")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_certificate_register)

    k = sub.add_parser("cash", help="cash and bank against the cash limit (库存现金限额)")
    p = k.add_subparsers(dest="cash_cmd", metavar="ACTION", required=True).add_parser(
        "position", help="cash and bank on a date, with the warnings"
    )
    p.add_argument("--date")
    p.set_defaults(func=cmd_cash_position)


# -- helpers ------------------------------------------------------------------------------


def _date(text: str | None, field: str) -> dt.date | None:
    return parse_date(text, field) if text else None


def _month(text: str, field: str = "--month") -> tuple[int, int]:
    match = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})", text.strip())
    if match and 1 <= int(match.group(2)) <= 12:
        return int(match.group(1)), int(match.group(2))
    raise DomainError(field, N_('write the month as YYYY-MM (got "{got}")'), got=text)


def _period(args: argparse.Namespace) -> tuple[PeriodKind, int, int]:
    if args.month:
        year, month = _month(args.month)
        return PeriodKind.MONTH, year, month
    match = re.fullmatch(r"([0-9]{4})-?[Qq]([1-4])", args.quarter.strip())
    if not match:
        raise DomainError(
            "--quarter",
            N_('write the quarter as YYYY-Qn, such as 2014-Q4 (got "{got}")'),
            got=args.quarter,
        )
    return PeriodKind.QUARTER, int(match.group(1)), int(match.group(2))


def _fen(text: str, field: str) -> int:
    from coopledger.domain.money import parse_money

    return parse_money(text, field, allow_zero=True)


def _work(items: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in items:
        code, sep, units = item.partition("=")
        if not sep or not code.strip() or not units.strip().isdigit():
            raise DomainError(
                "--work",
                N_('write the work as CODE=UNITS, such as YS-001=30 (got "{got}")'),
                got=item,
            )
        out[code.strip()] = int(units.strip())
    return out


# -- assets -------------------------------------------------------------------------------


def cmd_asset_list(ctx: Context) -> int:
    from coopledger.services import assets

    org = ctx.org(readonly=True)
    on = _date(ctx.args.date, "--date") or dt.date.today()
    rows = assets.asset_register(ctx.ledger(), org.id, on)
    if ctx.args.pdf:
        assets.print_register(ctx.ledger(), org.id, on, ctx.args.pdf)
        print(_("Wrote {path}").format(path=ctx.args.pdf))
        return 0
    if ctx.args.json:
        print(
            dumps(
                [
                    {
                        "code": r.code,
                        "name": r.name,
                        "category": r.category.value,
                        "in_service": r.in_service.isoformat(),
                        "value": fen_to_str(r.value_fen),
                        "accumulated_depreciation": fen_to_str(r.accumulated_fen),
                        "net_value": fen_to_str(r.net_fen),
                        "method": r.method.value,
                        "life_months": r.life_months,
                        "poverty_relief": r.poverty_relief,
                    }
                    for r in rows
                ]
            )
        )
        return 0
    print(
        table(
            [
                _("Code"),
                _("Name"),
                _("Category"),
                _("In service from"),
                _("Value"),
                _("Depreciation"),
                _("Net value"),
            ],
            [
                (
                    r.code,
                    r.name,
                    term(AssetCategory, r.category),
                    r.in_service,
                    money(r.value_fen),
                    money(r.accumulated_fen),
                    money(r.net_fen),
                )
                for r in rows
            ],
            right={4, 5, 6},
        )
    )
    total = sum(r.value_fen for r in rows)
    acc = sum(r.accumulated_fen for r in rows)
    print(
        _("{n} cards; value {value}, depreciation {acc}, net {net}").format(
            n=len(rows), value=fen_to_str(total), acc=fen_to_str(acc), net=fen_to_str(total - acc)
        )
    )
    return 0


def cmd_asset_add(ctx: Context) -> int:
    from coopledger.services import assets

    a = ctx.args
    if a.life_months is not None and a.life_years is not None:
        raise DomainError("--life-years", N_("give the life in months or in years, not both"))
    life = (
        a.life_months
        if a.life_months is not None
        else (a.life_years * 12 if a.life_years is not None else None)
    )
    values: dict[str, object] = {
        "code": a.code,
        "name": a.name,
        "category": a.category,
        "in_service": _date(a.in_service, "--in-service"),
        "value": a.value,
        "life_months": life,
        "residual_rate": a.residual_rate,
        "method": a.method,
        "source": a.source,
        "asset_account": a.asset_account,
        "depreciation_account": a.depreciation_account,
        "expense_account": a.expense_account,
        "location": a.location,
        "custodian": a.custodian,
        "quantity": a.quantity,
        "unit": a.unit,
        "total_work": a.total_work,
        "work_unit": a.work_unit,
        "opening_depreciation": a.opening_depreciation,
        "poverty_relief": True if a.poverty_relief else None,
        "notes": a.notes,
    }
    record = make_record(AssetRecord, values, lambda key: f"--{key.replace('_', '-')}")
    org = ctx.org()
    assets.add_asset(ctx.ledger(), org.id, record)
    print(_("Added fixed asset {code}.").format(code=record.code))
    return 0


def cmd_asset_import(ctx: Context) -> int:
    from coopledger.services import assets

    org = ctx.org()
    report = assets.import_assets(ctx.ledger(), org.id, ctx.args.file, commit=ctx.args.commit)
    if report.errors:
        from coopledger.domain.errors import DomainErrors

        raise DomainErrors(report.errors)
    if report.committed:
        print(_("{n} cards imported.").format(n=report.count))
    else:
        print(_("{n} cards are fine; add --commit to import them.").format(n=report.count))
    return 0


def cmd_asset_card(ctx: Context) -> int:
    from coopledger.services import assets

    org = ctx.org(readonly=True)
    if ctx.args.pdf:
        assets.print_card(ctx.ledger(), org.id, ctx.args.code, ctx.args.pdf)
        print(_("Wrote {path}").format(path=ctx.args.pdf))
        return 0
    card = assets.asset_card(ctx.ledger(), org.id, ctx.args.code)
    r = card.record
    if ctx.args.json:
        from coopledger.domain.fields import record_to_json

        print(
            dumps(
                {
                    **record_to_json(r),
                    "status": card.status.value,
                    "accumulated_depreciation": fen_to_str(card.accumulated_fen),
                    "net_value": fen_to_str(card.net_fen),
                    "months": [
                        {
                            "month": f"{m.year}-{m.month:02d}",
                            "amount": fen_to_str(m.amount_fen),
                            "work": m.work,
                            "voucher": m.voucher_label,
                        }
                        for m in card.months
                    ],
                    "changes": [
                        {
                            "date": ch.on.isoformat(),
                            "kind": ch.kind.value,
                            "amount": fen_to_str(ch.amount_fen),
                            "result": fen_to_str(ch.result_fen),
                            "voucher": ch.voucher_label,
                            "memo": ch.memo,
                        }
                        for ch in card.changes
                    ],
                }
            )
        )
        return 0
    print(
        f"{r.code}  {r.name}  ({term(AssetCategory, r.category)}, {term(AssetStatus, card.status)})"
    )
    print(
        _("Value {value}, depreciation {acc}, net {net}").format(
            value=fen_to_str(r.value_fen),
            acc=fen_to_str(card.accumulated_fen),
            net=fen_to_str(card.net_fen),
        )
    )
    print(
        table(
            [_("Month"), _("Depreciation"), _("Voucher")],
            [
                (f"{m.year}-{m.month:02d}", money(m.amount_fen), m.voucher_label)
                for m in card.months
            ],
            right={1},
        )
    )
    return 0


def cmd_asset_improve(ctx: Context) -> int:
    from coopledger.services import assets

    a = ctx.args
    org = ctx.org()
    assets.improve_asset(
        ctx.ledger(),
        org.id,
        a.code,
        parse_date(a.date, "--date"),
        _fen(a.amount, "--amount"),
        counter=a.counter,
        extra_months=a.extra_months,
        memo=a.memo,
    )
    print(_("Improvement of {code} posted.").format(code=a.code))
    return 0


def cmd_asset_transfer(ctx: Context) -> int:
    from coopledger.services import assets

    a = ctx.args
    org = ctx.org()
    assets.transfer_asset(
        ctx.ledger(),
        org.id,
        a.code,
        parse_date(a.date, "--date"),
        location=a.location,
        custodian=a.custodian,
        expense_account=a.expense_account,
        memo=a.memo,
    )
    print(_("Transfer of {code} recorded.").format(code=a.code))
    return 0


def cmd_asset_loss(ctx: Context) -> int:
    from coopledger.services import assets

    a = ctx.args
    org = ctx.org()
    assets.report_loss(ctx.ledger(), org.id, a.code, parse_date(a.date, "--date"), a.memo)
    print(_("Loss of {code} posted; it waits for its write-off.").format(code=a.code))
    return 0


def cmd_asset_write_off(ctx: Context) -> int:
    from coopledger.services import assets

    a = ctx.args
    org = ctx.org()
    assets.write_off_asset(
        ctx.ledger(),
        org.id,
        a.code,
        parse_date(a.date, "--date"),
        compensation_fen=_fen(a.compensation, "--compensation"),
        counter=a.counter,
        memo=a.memo,
    )
    print(_("Write-off of {code} posted.").format(code=a.code))
    return 0


def cmd_asset_dispose(ctx: Context) -> int:
    from coopledger.services import assets

    a = ctx.args
    org = ctx.org()
    assets.dispose_asset(
        ctx.ledger(),
        org.id,
        a.code,
        parse_date(a.date, "--date"),
        proceeds_fen=_fen(a.proceeds, "--proceeds"),
        costs_fen=_fen(a.costs, "--costs"),
        counter=a.counter,
        memo=a.memo,
    )
    print(_("Disposal of {code} posted.").format(code=a.code))
    return 0


def cmd_asset_check(ctx: Context) -> int:
    from coopledger.services import assets

    org = ctx.org(readonly=True)
    rows = assets.reconcile_assets(ctx.ledger(), org.id, parse_date(ctx.args.date, "--date"))
    print(
        table(
            [_("Account"), _("Name"), _("Register"), _("Ledger"), _("Difference")],
            [
                (r.code, r.name, money(r.register_fen), money(r.ledger_fen), money(r.difference))
                for r in rows
            ],
            right={2, 3, 4},
        )
    )
    bad = [r for r in rows if r.difference]
    if bad:
        print(_("The register and the ledger disagree on {n} accounts.").format(n=len(bad)))
        return 1
    print(_("The register agrees with the ledger."))
    return 0


# -- depreciation -------------------------------------------------------------------------


def cmd_depreciation_run(ctx: Context) -> int:
    from coopledger.services import assets

    a = ctx.args
    org = ctx.org(readonly=a.preview)
    led = ctx.ledger()
    if a.month:
        year, month = _month(a.month)
    else:
        nxt = assets.next_depreciation_month(led, org.id)
        if nxt is None:
            raise DomainError("--month", N_("no card is depreciated: give the month"))
        year, month = nxt
    work = _work(a.work)
    if a.preview:
        preview = assets.preview_depreciation(led, org.id, year, month, work)
        if a.json:
            print(
                dumps(
                    {
                        "month": f"{year}-{month:02d}",
                        "total": fen_to_str(preview.total_fen),
                        "cards": [
                            {"code": c.code, "amount": fen_to_str(c.amount_fen), "work": c.work}
                            for c in preview.charges
                        ],
                    }
                )
            )
            return 0
        print(
            table(
                [_("Code"), _("Name"), _("Depreciation")],
                [(c.code, c.name, money(c.amount_fen)) for c in preview.charges],
                right={2},
            )
        )
        print(
            _("Total {total} on {n} cards.").format(
                total=fen_to_str(preview.total_fen), n=len(preview.charges)
            )
        )
        return 0
    result = assets.run_depreciation(led, org.id, year, month, work)
    if a.json:
        print(
            dumps(
                {
                    "month": f"{year}-{month:02d}",
                    "total": fen_to_str(result.total_fen),
                    "cards": result.cards,
                    "voucher": result.voucher_label,
                }
            )
        )
        return 0
    if result.voucher_id is None:
        print(
            _("Nothing was due in {month}; the month is recorded.").format(
                month=f"{year}-{month:02d}"
            )
        )
    else:
        print(
            _("Depreciation of {month} posted as {label}: {total} on {n} cards.").format(
                month=f"{year}-{month:02d}",
                label=result.voucher_label,
                total=fen_to_str(result.total_fen),
                n=result.cards,
            )
        )
    return 0


def cmd_depreciation_reverse(ctx: Context) -> int:
    from coopledger.services import assets

    org = ctx.org()
    year, month = _month(ctx.args.month)
    assets.reverse_depreciation(ctx.ledger(), org.id, year, month, ctx.args.reason)
    print(_("Depreciation of {month} reversed.").format(month=f"{year}-{month:02d}"))
    return 0


def cmd_depreciation_list(ctx: Context) -> int:
    from coopledger.services import assets

    org = ctx.org(readonly=True)
    rows = assets.depreciation_runs(ctx.ledger(), org.id)
    print(
        table(
            [_("Month"), _("State"), _("Cards"), _("Depreciation"), _("Voucher"), _("Run by")],
            [
                (
                    f"{r.year}-{r.month:02d}",
                    _("Reversed") if r.state == "reversed" else _("Posted"),
                    r.cards,
                    money(r.total_fen),
                    r.voucher_label,
                    r.run_by,
                )
                for r in rows
            ],
            right={2, 3},
        )
    )
    return 0


# -- 财务公开 ---------------------------------------------------------------------------------


def cmd_disclosure_print(ctx: Context) -> int:
    from coopledger.services import disclosure

    org = ctx.org(readonly=True)
    kind, year, period = _period(ctx.args)
    disclosure.print_disclosure(
        ctx.ledger(), org.id, kind, year, period, ctx.args.out, paper=ctx.args.paper
    )
    print(_("Wrote {path}").format(path=ctx.args.out))
    return 0


def cmd_disclosure_show(ctx: Context) -> int:
    from coopledger.services import disclosure

    org = ctx.org(readonly=True)
    kind, year, period = _period(ctx.args)
    d = disclosure.disclosure_data(ctx.ledger(), org.id, kind, year, period)
    if ctx.args.json:

        def items(found: tuple[disclosure.DisclosureItem, ...]) -> list[dict[str, str]]:
            return [
                {
                    "date": i.date.isoformat(),
                    "voucher": i.voucher,
                    "memo": i.memo,
                    "category": i.category.value,
                    "item": i.item,
                    "amount": fen_to_str(i.amount_fen),
                }
                for i in found
            ]

        print(
            dumps(
                {
                    "period": d.title,
                    "start": d.start.isoformat(),
                    "end": d.end.isoformat(),
                    "opening": fen_to_str(d.opening_fen),
                    "receipts": fen_to_str(d.receipts_fen),
                    "payments": fen_to_str(d.payments_fen),
                    "closing": fen_to_str(d.closing_fen),
                    "receipt_items": items(d.receipts),
                    "payment_items": items(d.payments),
                    "transfers_in": items(d.transfers_in),
                    "transfers_out": items(d.transfers_out),
                    "warnings": [w.text(_) for w in d.warnings],
                    "digest": d.digest,
                }
            )
        )
        return 0
    print(
        _(
            "{title}: brought forward {opening}, receipts {receipts}, payments {payments}, carried on {closing}"
        ).format(
            title=d.title,
            opening=fen_to_str(d.opening_fen),
            receipts=fen_to_str(d.receipts_fen),
            payments=fen_to_str(d.payments_fen),
            closing=fen_to_str(d.closing_fen),
        )
    )
    for w in d.warnings:
        print(_("warning: {text}").format(text=w.text(_)))
    return 0


def cmd_disclosure_publish(ctx: Context) -> int:
    from coopledger.services import disclosure

    org = ctx.org()
    kind, year, period = _period(ctx.args)
    disclosure.publish_period(
        ctx.ledger(),
        org.id,
        kind,
        year,
        period,
        parse_date(ctx.args.date, "--date"),
        ctx.args.reviewed_by,
        notes=ctx.args.notes,
    )
    print(
        _("Publication of {title} recorded.").format(
            title=disclosure.period_title(kind, year, period)
        )
    )
    return 0


def cmd_disclosure_status(ctx: Context) -> int:
    from coopledger.services import disclosure

    org = ctx.org(readonly=True)
    rows = disclosure.period_statuses(
        ctx.ledger(), org.id, PeriodKind(ctx.args.kind), ctx.args.year, check=ctx.args.check
    )
    out = []
    for r in rows:
        p = r.latest
        state = _("Not published")
        if p is not None:
            state = _("Published")
            if r.unchanged is False:
                state = _("Changed since published")
        out.append(
            (
                r.title,
                state,
                p.published_on if p else "",
                p.reviewed_by if p else "",
                p.recorded_by if p else "",
                len(r.publications),
            )
        )
    print(
        table(
            [
                _("Period"),
                _("State"),
                _("Posted on"),
                _("Reviewed by"),
                _("Recorded by"),
                _("Times"),
            ],
            out,
        )
    )
    return 0


# -- certificates -------------------------------------------------------------------------


def cmd_certificate_issue(ctx: Context) -> int:
    from coopledger.services import certificates

    org = ctx.org()
    made = certificates.issue_certificates(
        ctx.ledger(),
        org.id,
        parse_date(ctx.args.date, "--date"),
        ctx.args.out,
        members=ctx.args.member,
    )
    print(_("{n} certificates issued, printed to {path}.").format(n=len(made), path=ctx.args.out))
    return 0


def cmd_certificate_reprint(ctx: Context) -> int:
    from coopledger.services import certificates

    org = ctx.org()
    data = certificates.reprint_certificate(
        ctx.ledger(),
        org.id,
        ctx.args.member,
        parse_date(ctx.args.date, "--date"),
        ctx.args.reason,
        ctx.args.out,
    )
    print(
        _("Certificate {number} printed for the {n}th time, to {path}.").format(
            number=data.label, n=data.print_no, path=ctx.args.out
        )
    )
    return 0


def cmd_certificate_register(ctx: Context) -> int:
    from coopledger.services import certificates

    org = ctx.org(readonly=True)
    rows = certificates.certificate_register(ctx.ledger(), org.id)
    if ctx.args.json:
        print(
            dumps(
                [
                    {
                        "number": r.label,
                        "printing": r.print_no,
                        "kind": r.kind.value,
                        "member": r.member_code,
                        "name": r.member_name,
                        "issued_on": r.issued_on.isoformat(),
                        "total": fen_to_str(r.total_fen),
                        "reason": r.reason,
                        "issued_by": r.issued_by,
                    }
                    for r in rows
                ]
            )
        )
        return 0
    print(
        table(
            [
                _("Number"),
                _("Printing"),
                _("Member"),
                _("Name"),
                _("Issued on"),
                _("Shares"),
                _("Reason"),
                _("Issued by"),
            ],
            [
                (
                    r.label,
                    r.print_no,
                    r.member_code,
                    r.member_name,
                    r.issued_on,
                    money(r.total_fen),
                    r.reason,
                    r.issued_by,
                )
                for r in rows
            ],
            right={5},
        )
    )
    return 0


# -- cash ---------------------------------------------------------------------------------


def cmd_cash_position(ctx: Context) -> int:
    from coopledger.services import cash

    org = ctx.org(readonly=True)
    p = cash.cash_position(ctx.ledger(), org.id, _date(ctx.args.date, "--date"))
    limit = fen_to_str(p.limit_fen) if p.limit_fen is not None else _("none")
    print(
        _("On {date}: cash {cash} (limit {limit}), bank {bank}").format(
            date=p.on.isoformat(),
            cash=fen_to_str(p.cash_fen),
            limit=limit,
            bank=fen_to_str(p.bank_fen),
        )
    )
    warnings = cash.position_warnings(p)
    for w in warnings:
        print(_("warning: {text}").format(text=w.text(_)))
    return 0
