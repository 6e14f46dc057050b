"""``copy-ledger`` (a whole ledger between a file and a server) and ``grant``/``revoke``
(which organisations a user may work on)."""

from __future__ import annotations

import argparse
import sys

from coopledger.cli.context import Context
from coopledger.i18n import _
from coopledger.services.copying import copy_ledger
from coopledger.services.users import set_user_organisations, user_organisations


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

    p = sub.add_parser(
        "user-orgs",
        help="which organisations a user may work on (administrators): show, --only, --all",
    )
    p.add_argument("name", help="the user")
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--only",
        nargs="+",
        metavar="ORG",
        help="give the user exactly these organisations (a township accountant's villages)",
    )
    group.add_argument(
        "--all", action="store_true", help="let the user work on every organisation again"
    )
    p.set_defaults(func=cmd_user_orgs)


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


def cmd_user_orgs(ctx: Context) -> int:
    ledger = ctx.ledger()
    if ctx.args.only or ctx.args.all:
        set_user_organisations(ledger, ctx.args.name, None if ctx.args.all else ctx.args.only)
    names = user_organisations(ledger, ctx.args.name)
    if names is None:
        print(_("{user} may work on every organisation.").format(user=ctx.args.name))
    else:
        print(_("{user} may work on: {names}").format(user=ctx.args.name, names="、".join(names)))
    return 0
