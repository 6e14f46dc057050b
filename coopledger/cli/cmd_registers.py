"""Books in and out, members, contracts and shares: ``import-book``, ``export-book``,
``org``, ``import-members``, ``import-contracts``, ``member``, ``contract``, ``shares``."""

from __future__ import annotations

import argparse
from pathlib import Path

from coopledger.cli.context import Context
from coopledger.cli.output import dumps, money, table
from coopledger.domain.dates import parse_date
from coopledger.domain.money import fen_to_str, parse_money
from coopledger.domain.vocabulary import Chart, MemberKind, ShareClass, TransferKind, codes
from coopledger.i18n import _, term
from coopledger.services import bookfile, registers
from coopledger.services.accounts import create_organisation, list_organisations

Sub = argparse._SubParsersAction  # type: ignore[type-arg]


def register(sub: Sub) -> None:
    p = sub.add_parser(
        "import-book", help="add a book file (coopledger-book JSON) as a new organisation"
    )
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_import_book)
    p = sub.add_parser("export-book", help="write one organisation as a book file")
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_export_book)

    o = sub.add_parser("org", help="organisations (books) in the ledger")
    os_ = o.add_subparsers(dest="org_cmd", metavar="ACTION", required=True)
    p = os_.add_parser("list", help="list organisations")
    p.set_defaults(func=cmd_org_list)
    p = os_.add_parser("add", help="add an empty organisation")
    p.add_argument("name")
    p.add_argument("--chart", choices=codes(Chart), default=Chart.VILLAGE_2023.value)
    p.add_argument("--village", default="")
    p.add_argument("--township", default="")
    p.add_argument("--county", default="")
    p.set_defaults(func=cmd_org_add)

    for what in ("members", "contracts"):
        p = sub.add_parser(
            f"import-{what}", help=f"import {what} from an Excel (.xlsx) or CSV roster"
        )
        p.add_argument("file", type=Path)
        p.add_argument(
            "--commit",
            action="store_true",
            help="write them (default: a dry run that lists problems)",
        )
        p.set_defaults(func=cmd_import_roster, what=what)

    m = sub.add_parser("member", help="the member register")
    ms = m.add_subparsers(dest="member_cmd", metavar="ACTION", required=True)
    p = ms.add_parser("list", help="list members")
    p.add_argument("--group")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_member_list)
    p = ms.add_parser("deactivate", help="mark a member inactive (moved away, merged)")
    p.add_argument("code")
    p.add_argument("--date", required=True)
    p.add_argument("--reason", required=True)
    p.set_defaults(func=cmd_member_deactivate)

    c = sub.add_parser("contract", help="land transfer contracts")
    cs = c.add_subparsers(dest="contract_cmd", metavar="ACTION", required=True)
    p = cs.add_parser("fees", help="a contract's fee for each year")
    p.add_argument("code")
    p.set_defaults(func=cmd_contract_fees)
    p = cs.add_parser("terminate", help="end a contract early (its last day)")
    p.add_argument("code")
    p.add_argument("--date", required=True)
    p.add_argument("--reason", default="")
    p.set_defaults(func=cmd_contract_terminate)
    p = cs.add_parser("renew", help="renew a contract as a new one linked to it")
    p.add_argument("code")
    p.add_argument("--new-code", required=True)
    p.add_argument("--end", required=True)
    p.add_argument("--rent")
    p.set_defaults(func=cmd_contract_renew)

    sh = sub.add_parser("shares", help="the share register (股本)")
    ss = sh.add_subparsers(dest="shares_cmd", metavar="ACTION", required=True)
    p = ss.add_parser("register", help="the register as of a date")
    p.add_argument("--date", required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_shares_register)
    p = ss.add_parser("history", help="a holder's lots over time")
    p.add_argument("code")
    p.set_defaults(func=cmd_shares_history)
    p = ss.add_parser("transfer", help="transfer a lot (inheritance, gift, split)")
    p.add_argument("lot")
    p.add_argument("--date", required=True)
    p.add_argument("--kind", choices=codes(TransferKind), required=True)
    p.add_argument("--to", action="append", required=True, metavar="NEWCODE:HOLDER:AMOUNT")
    p.set_defaults(func=cmd_shares_transfer)
    p = ss.add_parser(
        "red-fund-maturities", help="post the payables of red funds that have matured"
    )
    p.add_argument("--date", required=True)
    p.set_defaults(func=cmd_red_fund)
    register_demo(sub)


def cmd_import_book(ctx: Context) -> int:
    path: Path = ctx.args.file
    book = bookfile.read_book(path)  # refuse a bad file before the ledger is touched
    led = ctx.ledger(create=True)
    org_id = bookfile.import_book_file(led, path, book=book)
    name = next(o.name for o in list_organisations(led) if o.id == org_id)
    print(_("Imported {name}.").format(name=name))
    return 0


def cmd_export_book(ctx: Context) -> int:
    org = ctx.org(readonly=True)
    bookfile.write_book_file(ctx.ledger(), org.id, ctx.args.file)
    print(_("Wrote {path}").format(path=ctx.args.file))
    return 0


def cmd_org_list(ctx: Context) -> int:
    rows = list_organisations(ctx.ledger(readonly=True))
    print(
        table(
            [_("ID"), _("Name"), _("Chart"), _("Village")],
            [(o.id, o.name, o.chart, o.village) for o in rows],
        )
    )
    return 0


def cmd_org_add(ctx: Context) -> int:
    a = ctx.args
    create_organisation(
        ctx.ledger(create=True),
        a.name,
        chart=a.chart,
        village=a.village,
        township=a.township,
        county=a.county,
    )
    print(_("Added {name}.").format(name=a.name))
    return 0


def cmd_import_roster(ctx: Context) -> int:
    from coopledger.services import roster

    org = ctx.org()
    report = roster.import_roster(
        ctx.ledger(), org.id, ctx.args.file, ctx.args.what, commit=ctx.args.commit
    )
    for err in report.errors:
        print(f"  {err.describe(_)}")
    if report.errors:
        print(_("{n} rows have problems; nothing was written.").format(n=len(report.errors)))
        return 2
    if ctx.args.commit:
        print(_("Imported {n} rows.").format(n=report.count))
    else:
        print(_("Dry run: {n} rows are fine. Add --commit to write them.").format(n=report.count))
    return 0


def cmd_member_list(ctx: Context) -> int:
    from coopledger.services import views

    org = ctx.org(readonly=True)
    found = views.MemberFilter(group=ctx.args.group)
    rows = views.page_rows(ctx.ledger(), org.id, found, limit=None)
    if ctx.args.json:
        print(dumps([r.to_json() for r in rows]))
        return 0
    print(
        table(
            [_("Code"), _("Name"), _("Kind"), _("Group"), _("Active")],
            [
                (
                    r.code,
                    r.name,
                    term(MemberKind, r.kind),
                    r.group,
                    _("yes") if r.active else _("no"),
                )
                for r in rows
            ],
        )
    )
    return 0


def cmd_member_deactivate(ctx: Context) -> int:
    org = ctx.org()
    registers.deactivate_member(
        ctx.ledger(), org.id, ctx.args.code, parse_date(ctx.args.date, "--date"), ctx.args.reason
    )
    print(_("{code} marked inactive.").format(code=ctx.args.code))
    return 0


def cmd_contract_fees(ctx: Context) -> int:
    org = ctx.org(readonly=True)
    rows = registers.fee_schedule(ctx.ledger(), org.id, ctx.args.code)
    print(
        table(
            [_("Year"), _("Days"), _("Fee")],
            [(r.year, f"{r.active_days}/{r.days_in_year}", money(r.fee_fen)) for r in rows],
            right={1, 2},
        )
    )
    return 0


def cmd_contract_terminate(ctx: Context) -> int:
    org = ctx.org()
    registers.terminate_contract(
        ctx.ledger(), org.id, ctx.args.code, parse_date(ctx.args.date, "--date"), ctx.args.reason
    )
    print(_("Contract {code} ends on {date}.").format(code=ctx.args.code, date=ctx.args.date))
    return 0


def cmd_contract_renew(ctx: Context) -> int:
    org = ctx.org()
    rent = parse_money(ctx.args.rent, "--rent") if ctx.args.rent else None
    registers.renew_contract(
        ctx.ledger(),
        org.id,
        ctx.args.code,
        ctx.args.new_code,
        parse_date(ctx.args.end, "--end"),
        rent_per_mu_fen=rent,
    )
    print(_("Contract {code} renewed as {new}.").format(code=ctx.args.code, new=ctx.args.new_code))
    return 0


def cmd_shares_register(ctx: Context) -> int:
    org = ctx.org(readonly=True)
    rows = registers.register_as_of(ctx.ledger(), org.id, parse_date(ctx.args.date, "--date"))
    if ctx.args.json:
        print(
            dumps(
                [
                    {
                        "holder": r.holder_code,
                        "name": r.holder_name,
                        "class": r.share_class,
                        "lot": r.lot_code,
                        "amount": fen_to_str(r.amount_fen),
                        "share": f"{float(r.share):.6f}",
                    }
                    for r in rows
                ]
            )
        )
        return 0
    print(
        table(
            [_("Holder"), _("Name"), _("Class"), _("Lot"), _("Amount"), _("Share")],
            [
                (
                    r.holder_code,
                    r.holder_name,
                    term(ShareClass, r.share_class),
                    r.lot_code,
                    money(r.amount_fen),
                    f"{float(r.share) * 100:.4f}%",
                )
                for r in rows
            ],
            right={4, 5},
        )
    )
    print(_("Total: {total}").format(total=money(sum(r.amount_fen for r in rows))))
    return 0


def cmd_shares_history(ctx: Context) -> int:
    org = ctx.org(readonly=True)
    rows = registers.holder_history(ctx.ledger(), org.id, ctx.args.code)
    print(
        table(
            [_("Lot"), _("Class"), _("Amount"), _("From"), _("To"), _("Transfer")],
            [
                (
                    r.lot_code,
                    term(ShareClass, r.share_class),
                    money(r.amount_fen),
                    r.start,
                    r.end or "",
                    f"{term(TransferKind, r.transfer_kind)} {r.transferred_from}".strip(),
                )
                for r in rows
            ],
            right={2},
        )
    )
    return 0


def cmd_shares_transfer(ctx: Context) -> int:
    from coopledger.domain.errors import N_, DomainError

    org = ctx.org()
    parts = []
    for i, spec in enumerate(ctx.args.to):
        bits = spec.split(":")
        if len(bits) != 3:
            raise DomainError(
                f"--to[{i}]", N_('write NEWCODE:HOLDER:AMOUNT (got "{got}")'), got=spec
            )
        parts.append((bits[0], bits[1], parse_money(bits[2], f"--to[{i}]", allow_zero=False)))
    registers.transfer_shares(
        ctx.ledger(),
        org.id,
        ctx.args.lot,
        parse_date(ctx.args.date, "--date"),
        ctx.args.kind,
        parts,
    )
    print(_("Lot {lot} transferred.").format(lot=ctx.args.lot))
    return 0


def cmd_red_fund(ctx: Context) -> int:
    org = ctx.org()
    ids = registers.red_fund_maturities(ctx.ledger(), org.id, parse_date(ctx.args.date, "--date"))
    print(_("{n} red fund payables posted.").format(n=len(ids)))
    return 0


def register_demo(sub: Sub) -> None:
    p = sub.add_parser("demo", help="build the demo village (山邑村) and write its papers")
    p.add_argument("--out", type=Path, help="folder for the slips, notice and statements PDFs")
    p.set_defaults(func=cmd_demo)


def cmd_demo(ctx: Context) -> int:
    from coopledger.services import demo

    led = ctx.ledger(create=True)
    ids = demo.build_demo(led, progress=lambda name: print(_("Imported {name}").format(name=name)))
    print(_("Committed the {year} distributions.").format(year=demo.DEMO_YEAR))
    if ctx.args.out:
        try:
            papers = demo.demo_papers(led, ids, ctx.args.out)
        except ImportError:
            papers = []
            print(_("Printing is not available in this build."))
        for p in papers:
            print(_("Wrote {path}").format(path=p))
    return 0
