"""``init`` and ``verify``."""

from __future__ import annotations

import argparse
import json

from coopledger.cli.context import Context
from coopledger.i18n import _


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "init", help="create a new, empty ledger (a file, or the schema in an empty database)"
    )
    p.set_defaults(func=cmd_init)
    p = sub.add_parser("verify", help="prove the ledger was not altered behind the program's back")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument(
        "--fingerprint",
        action="append",
        default=[],
        metavar="FINGERPRINT",
        help="a ledger fingerprint (账套指纹) printed on a paper or a backup: the chain must"
        " hold it (may be given more than once)",
    )
    p.set_defaults(func=cmd_verify)


def cmd_init(ctx: Context) -> int:
    ledger = ctx.ledger(create=True)
    if not ledger.created:
        print(
            _("Ledger {path} already exists; its schema is up to date.").format(path=ledger.shown)
        )
    else:
        print(_("Created ledger {path}").format(path=ledger.shown))
    return 0


def cmd_verify(ctx: Context) -> int:
    from coopledger.services.integrity import ledger_anchor, verify_ledger_anchored

    ledger = ctx.ledger(readonly=True)
    found = verify_ledger_anchored(ledger, ctx.args.fingerprint)
    report = found.report
    fingerprint = ledger_anchor(ledger).fingerprint
    if ctx.args.json:
        print(
            json.dumps(
                {
                    "ok": found.ok,
                    "audit_entries": report.entries,
                    "chain_head": report.head,
                    "fingerprint": fingerprint,
                    "records": report.records,
                    "posted_vouchers": report.posted_vouchers,
                    "problems": [str(p) for p in report.problems],
                    "anchors": [
                        {
                            "source": a.source,
                            "result": a.result,
                            "entries": a.entries,
                            "text": a.text(_),
                        }
                        for a in found.anchors
                    ],
                },
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        print(
            _("Audit log: {n} entries, head {head}").format(n=report.entries, head=report.head[:16])
        )
        print(_("Ledger fingerprint (账套指纹): {fingerprint}").format(fingerprint=fingerprint))
        for anchor in found.anchors:
            print(("  " if anchor.ok else "  ✗ ") + anchor.text(_))
        counted = ", ".join(f"{k} {v}" for k, v in report.records.items() if v)
        if counted:
            print(_("Records checked: {list}").format(list=counted))
        print(_("Posted vouchers: {n}").format(n=report.posted_vouchers))
        if found.ok:
            print(_("OK: the ledger is exactly what the program wrote."))
        else:
            print(_("FAILED: the ledger was altered outside coopledger."))
            for problem in report.problems[:20]:
                print(f"  {problem}")
            if len(report.problems) > 20:
                print(_("  … and {n} more").format(n=len(report.problems) - 20))
    return 0 if found.ok else 1
