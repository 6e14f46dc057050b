"""``copy-ledger`` (a whole ledger between a file and a server) and ``grant``/``revoke``
(which organisations a user may work on)."""

from __future__ import annotations

import argparse
import sys

from coopledger.cli.context import Context
from coopledger.i18n import _
from coopledger.services.copying import copy_ledger


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "copy-ledger",
        help="copy a whole ledger between a file and a PostgreSQL server (either way)",
    )
    p.add_argument(
        "--from",
        dest="source",
        metavar="LEDGER",
        help="the ledger to copy: a file or postgresql://... (default: --db)",
    )
    p.add_argument(
        "--to",
        dest="target",
        metavar="LEDGER",
        required=True,
        help="a new file, or an empty PostgreSQL database",
    )
    p.set_defaults(func=cmd_copy_ledger)


def cmd_copy_ledger(ctx: Context) -> int:
    if ctx.args.source:
        ctx.args.db = ctx.args.source
    # Read-only: the source is read in one snapshot while others may go on writing.
    source = ctx.ledger(readonly=True)
    shown: dict[str, int] = {}

    def progress(table: str, rows: int) -> None:
        if sys.stderr.isatty():
            print(f"\r{table}: {rows}", end="", file=sys.stderr, flush=True)
        shown[table] = rows

    result = copy_ledger(source, ctx.args.target, progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(
        _("Copied {source} to {target}: {rows} rows, {entries} audit entries.").format(
            source=result.source,
            target=result.target,
            rows=result.total_rows,
            entries=result.entries,
        )
    )
    for table, n in result.rows.items():
        if n:
            print(f"  {table}: {n}")
    print(_("OK: verify passes on the copy, and its audit chain carries the source's."))
    return 0
