"""Year-end packages and the township's view: ``package create|verify``, ``township
import|report|villages|bands|export``.

Exit status: 0 done; 1 a package failed verification (a change found, another key); 2 a user
error, a file that is not a readable package included (one line, nothing imported)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coopledger.cli.context import Context
from coopledger.cli.output import dumps, money, table
from coopledger.domain.errors import DomainError
from coopledger.i18n import _

Sub = argparse._SubParsersAction  # type: ignore[type-arg]

EXIT_FAILED = 1


def register(sub: Sub) -> None:
    pk = sub.add_parser("package", help="year-end packages (年终报送包): create, verify")
    ps = pk.add_subparsers(dest="package_cmd", metavar="ACTION", required=True)
    p = ps.add_parser(
        "create", help="write the signed year-end package of one organisation for a year"
    )
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--out", type=Path, required=True, metavar="FILE.zip")
    p.set_defaults(func=cmd_package_create)
    p = ps.add_parser(
        "verify", help="check a package: exit 0 when intact, 1 when anything was changed"
    )
    p.add_argument("file", type=Path, metavar="FILE.zip")
    p.add_argument(
        "--fingerprint",
        metavar="FINGERPRINT",
        help="the key fingerprint printed on the village's statements; another key fails",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_package_verify)

    tw = sub.add_parser("township", help="the township's database of year-end packages")
    ts = tw.add_subparsers(dest="township_cmd", metavar="ACTION", required=True)
    p = ts.add_parser("import", help="verify and take in packages (all of them or none)")
    p.add_argument("files", type=Path, nargs="+", metavar="FILE.zip")
    p.add_argument(
        "--replace",
        action="store_true",
        help="replace the package of the same village and year received before (audited)",
    )
    p.add_argument(
        "--accept-key",
        metavar="FINGERPRINT",
        help="take a village's new key (the fingerprint printed on its statements)",
    )
    p.set_defaults(func=cmd_township_import)
    p = ts.add_parser("report", help="the villages of a year, their totals and income bands")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--county", help="only the villages of this county (its bands)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--out", type=Path, metavar="FILE.pdf", help="write the county-style PDF")
    p.set_defaults(func=cmd_township_report)
    p = ts.add_parser(
        "verify", help="check the packages kept here again (exit 1 when one was altered)"
    )
    p.add_argument("--year", type=int, help="only the packages of this year")
    p.set_defaults(func=cmd_township_verify)
    p = ts.add_parser("villages", help="the villages and the years they sent")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_township_villages)
    p = ts.add_parser(
        "bands", help="show or set the income bands (lower bounds in yuan after 空壳村)"
    )
    p.add_argument("--county", default="", help="the county the bands are for (default: all)")
    p.add_argument("--set", nargs="+", metavar="YUAN", help="e.g. --set 10000 30000 100000")
    p.add_argument("--labels", nargs="+", metavar="LABEL", help="one label per band")
    p.add_argument("--clear", action="store_true", help="back to the default bands")
    p.set_defaults(func=cmd_township_bands)
    p = ts.add_parser("export", help="write a package received, as it was received")
    p.add_argument("name", metavar="ORGANISATION")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--out", type=Path, required=True, metavar="FILE.zip")
    p.set_defaults(func=cmd_township_export)


def _problems(problems: tuple[DomainError, ...] | list[DomainError]) -> None:
    for e in problems:
        print(f"coopledger: {e.describe(_)}", file=sys.stderr)


def cmd_package_create(ctx: Context) -> int:
    from coopledger.services.package import create_package

    a = ctx.args
    org = ctx.org()
    made = create_package(ctx.ledger(), org.id, a.year, a.out)
    m = made.manifest
    print(_("Wrote {path}").format(path=a.out))
    print(_("Key fingerprint: {fingerprint}").format(fingerprint=m.fingerprint))
    print(_("Package SHA-256: {digest}").format(digest=made.sha256))
    if not m.year_closed:
        print(
            _(
                "Note: {year} is not closed yet; the township sees the package as of an open year."
            ).format(year=a.year),
            file=sys.stderr,
        )
    return 0


def cmd_package_verify(ctx: Context) -> int:
    from coopledger.services.package import verify_package

    a = ctx.args
    check = verify_package(a.file, fingerprint=a.fingerprint)
    m = check.manifest
    if a.json:
        print(
            dumps(
                {
                    "ok": check.ok,
                    "organisation": m.organisation.name,
                    "year": m.year,
                    "fingerprint": m.fingerprint,
                    "created_at": m.created_at,
                    "chain_head": {"entry": m.chain_head.entry, "hash": m.chain_head.hash},
                    "package_sha256": check.package.sha256,
                    "problems": [e.describe(_) for e in check.problems],
                }
            )
        )
    if not check.ok:
        if not a.json:
            _problems(check.problems)
        return EXIT_FAILED
    if not a.json:
        print(
            _("Intact: {name}, {year}, signed with the key {fingerprint}").format(
                name=m.organisation.name, year=m.year, fingerprint=m.fingerprint
            )
        )
    return 0


def cmd_township_import(ctx: Context) -> int:
    from coopledger.services.township import PackageRefused, import_packages

    a = ctx.args
    try:
        done = import_packages(
            ctx.ledger(create=True), a.files, replace=a.replace, accept_key=a.accept_key
        )
    except PackageRefused as exc:
        _problems(exc.errors)
        print(_("Nothing was imported."), file=sys.stderr)
        return EXIT_FAILED
    for d in done:
        text = (
            _("{name} {year}: replaced (revision {revision})")
            if d.replaced
            else _("{name} {year}: imported")
        )
        print(text.format(name=d.name, year=d.year, revision=d.revision))
    return 0


def cmd_township_report(ctx: Context) -> int:
    from coopledger.services.township import (
        print_township_report,
        report_json,
        township_report,
    )

    a = ctx.args
    ledger = ctx.ledger(readonly=True)
    report = township_report(ledger, a.year, a.county)
    if a.out:
        print_township_report(ledger, a.year, a.out, a.county)
        if not a.json:
            print(_("Wrote {path}").format(path=a.out))
    if a.json:
        print(dumps(report_json(report)))
        return 0
    if a.out:
        return 0
    fields = (
        "operating_income",
        "net_income",
        "land_fees",
        "welfare",
        "reserve",
        "transaction_returns",
        "dividends",
    )
    headers = [
        _("Village"),
        _("Operating income"),
        _("Net income"),
        _("Land fees"),
        _("Welfare"),
        _("Reserve"),
        _("Returns"),
        _("Dividends"),
        _("Households paid"),
        _("Band"),
    ]
    body: list[list[object]] = [
        [r.name, *(money(r.figures[f]) or "0.00" for f in fields), r.households_paid, r.band]
        for r in report.rows
    ]
    body.append(
        [
            _("Total"),
            *(money(report.totals[f]) or "0.00" for f in fields),
            sum(r.households_paid for r in report.rows),
            "",
        ]
    )
    print(table(headers, body, right=set(range(1, 9))))
    print()
    print(
        table(
            [_("Band"), str(a.year - 1), str(a.year)],
            [
                [b.label, report.previous_counts[b.label], report.band_counts[b.label]]
                for b in report.bands
            ],
            right={1, 2},
        )
    )
    if report.missing:
        print(
            _("No package for {year}: {names}").format(year=a.year, names="、".join(report.missing))
        )
    return 0


def cmd_township_verify(ctx: Context) -> int:
    from coopledger.services.township import check_stored

    checks = check_stored(ctx.ledger(readonly=True), ctx.args.year)
    bad = [c for c in checks if c.problems]
    for c in bad:
        _problems(c.problems)
    print(
        _("{n} packages checked, {bad} altered").format(n=len(checks), bad=len(bad)),
        file=sys.stderr if bad else sys.stdout,
    )
    return EXIT_FAILED if bad else 0


def cmd_township_villages(ctx: Context) -> int:
    from coopledger.services.township import villages

    rows = villages(ctx.ledger(readonly=True))
    if ctx.args.json:
        print(
            dumps(
                [
                    {
                        "name": v.name,
                        "county": v.county,
                        "township": v.township,
                        "fingerprint": v.fingerprint,
                        "years": {
                            str(y): {
                                "received_at": at.isoformat(),
                                "revision": rev,
                                "year_closed": closed,
                                "package_sha256": digest,
                            }
                            for y, (at, rev, closed, digest) in v.years.items()
                        },
                    }
                    for v in rows
                ]
            )
        )
        return 0
    print(
        table(
            [_("Village"), _("County"), _("Years received"), _("Key fingerprint")],
            [[v.name, v.county, " ".join(str(y) for y in v.years), v.fingerprint] for v in rows],
        )
    )
    return 0


def cmd_township_bands(ctx: Context) -> int:
    from coopledger.domain.township import parse_bounds
    from coopledger.services.township import get_bands, set_bands

    a = ctx.args
    if a.set or a.clear or a.labels:
        bounds = None if a.clear else parse_bounds(a.set or [], "--set")
        bands = set_bands(ctx.ledger(create=True), bounds, a.labels or (), county=a.county)
    else:
        bands = get_bands(ctx.ledger(readonly=True), a.county)
    rows = [
        [
            b.label,
            "" if b.low is None else money(b.low) or "0.01",
            "" if b.high is None else money(b.high),
        ]
        for b in bands
    ]
    print(table([_("Band"), _("From (included)"), _("Below")], rows, right={1, 2}))
    return 0


def cmd_township_export(ctx: Context) -> int:
    from coopledger.services.township import package_file

    a = ctx.args
    data = package_file(ctx.ledger(readonly=True), a.name, a.year)
    a.out.write_bytes(data)
    print(_("Wrote {path}").format(path=a.out))
    return 0
