"""``init`` and ``verify``."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from coopledger.cli.context import Context
from coopledger.i18n import _

if TYPE_CHECKING:
    from coopledger.services.faults import DamagedLedgerError


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


def _damaged(ctx: Context, damaged: DamagedLedgerError) -> int:
    """``verify`` of a damaged ledger file: one line (or its JSON), and 1."""
    if ctx.args.json:
        detail = damaged.params.get("detail", "")
        print(
            json.dumps(
                {"ok": False, "damage": detail, "problems": [damaged.text(_)]},
                ensure_ascii=False,
            )
        )
    else:
        print(_("FAILED: {problem}").format(problem=damaged.text(_)))
    return 1


def cmd_verify(ctx: Context) -> int:
    from coopledger.services.faults import DamagedLedgerError
    from coopledger.services.integrity import ledger_anchor, verify_ledger_anchored

    try:
        ledger = ctx.ledger(readonly=True)
    except DamagedLedgerError as exc:  # verify's answer for a damaged file is 1, not 2
        return _damaged(ctx, exc)
    found = verify_ledger_anchored(ledger, ctx.args.fingerprint)
    report = found.report
    if report.damage is not None:  # checked no further
        return _damaged(ctx, DamagedLedgerError(ledger.shown, report.damage))
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
