"""The program's entry point: the command line, or the window when no subcommand is given.

It sits outside the layers because it wires the two shells (``cli`` and ``ui``) together.
"""

from __future__ import annotations

from collections.abc import Sequence

from coopledger.cli import main as cli_main
from coopledger.cli.context import Context


def _run_gui(ctx: Context) -> int:
    from coopledger.ui.app import run

    return run(ctx.ledger(create=True), org_name=ctx.args.org)


def main(argv: Sequence[str] | None = None) -> int:
    """``coopledger [options] [COMMAND ...]``."""
    return cli_main(argv, gui=_run_gui)
