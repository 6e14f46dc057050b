"""The program's entry point: the command line, or the window when no subcommand is given.

It sits outside the layers because it wires the two shells (``cli`` and ``ui``) together.
"""

from __future__ import annotations

from collections.abc import Sequence

from coopledger.cli import main as cli_main
from coopledger.cli.context import Context


def _run_gui(ctx: Context) -> int:
    from coopledger.domain.roles import AuthenticationError, PasswordNeededError, UserNeededError
    from coopledger.ui.app import run

    try:
        ledger = ctx.ledger(create=True, prompt=False)
    except (UserNeededError, PasswordNeededError, AuthenticationError):
        # The ledger has users: the window starts with a log-in.
        from coopledger.ui.login import login

        found = login(ctx.location, user=ctx.args.user or "", readonly=bool(ctx.args.readonly))
        if found is None:
            return 0
        ledger = found
        ctx.adopt(ledger)
    return run(ledger, org_name=ctx.args.org)


def main(argv: Sequence[str] | None = None) -> int:
    """``coopledger [options] [COMMAND ...]``."""
    return cli_main(argv, gui=_run_gui)
