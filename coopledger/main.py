"""The program's entry point: the command line, or the window when no subcommand is given.

It sits outside the layers because it wires the two shells (``cli`` and ``ui``) together.
"""

from __future__ import annotations

import atexit
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from coopledger.cli import command_named
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


def run() -> NoReturn:
    """The installed ``coopledger`` (and ``python -m coopledger``): :func:`main`, then exit.

    A finished command has closed its ledger (its transaction committed or rolled back, the
    writer's lock released) before ``main`` returns; what the interpreter would still do is
    take every module apart, a sixth of a read-only command's time (``trial-balance --json``).
    So the output is flushed, the ``atexit`` functions run (logging's own flush among them),
    and the process ends there. After the window (no command named), Python exits as usual:
    Qt's objects save what they hold as they are destroyed.
    """
    argv = sys.argv[1:]
    code = main(argv)
    if command_named(argv) is None:
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # the reader went away (`| head`) or closed it
            pass
    atexit._run_exitfuncs()
    os._exit(code)
