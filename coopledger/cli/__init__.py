"""The ``coopledger`` command: argparse subcommands, each a thin shell over a service.

Exit status: 0 done; 1 ``verify`` found the ledger altered; 2 a user error (one clear line on
stderr, nothing written); 70 an unexpected error (logged to a file whose path is printed).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from coopledger import __version__, i18n
from coopledger.cli import commands
from coopledger.cli.context import CliError, Context
from coopledger.domain.errors import DomainError
from coopledger.domain.gcpause import gc_paused
from coopledger.i18n import _
from coopledger.paths import log_dir

EXIT_USER_ERROR = 2
EXIT_UNEXPECTED = 70


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in one line with exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USER_ERROR, f"coopledger: {message}\n")


def _add_global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        help="the ledger: a file (default: in the user data folder) or a PostgreSQL URL,"
        " postgresql://user@host/database",
    )
    parser.add_argument("--lang", help="language: zh_CN (default), zh_TW, en")
    parser.add_argument(
        "--org", help="the organisation (book) to work on, when the ledger has several"
    )
    parser.add_argument(
        "--user", help="who is working (the password comes from a prompt or COOPLEDGER_PASSWORD)"
    )
    parser.add_argument(
        "--readonly", action="store_true", help="open the ledger read-only (no writer lock)"
    )


class _Unparsed(Exception):
    pass


class _PreParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _Unparsed(message)


def command_named(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` names: None when there is none (the window, ``--version``),
    ``""`` when every command is needed (help, or words this light look cannot place)."""
    pre = _PreParser(add_help=False)
    _add_global_options(pre)
    pre.add_argument("rest", nargs=argparse.REMAINDER)
    try:
        found, extra = pre.parse_known_args(argv)
    except _Unparsed:
        return ""
    if any(a in ("-h", "--help") or not a.startswith("-") for a in extra):
        return ""
    return str(found.rest[0]) if found.rest else None


def build_parser(command: str | None = "") -> argparse.ArgumentParser:
    """The command line with the subcommand ``command`` (see ``commands.register``; the
    default ``""`` builds every subcommand)."""
    parser = _Parser(
        prog="coopledger",
        description="The books of a village cooperative-share scheme (合作股份).",
    )
    parser.add_argument("--version", action="version", version=f"coopledger {__version__}")
    _add_global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.register(sub, command)
    return parser


def _log_unexpected() -> Path:
    path = log_dir() / "coopledger-error.log"
    logging.basicConfig(filename=path, level=logging.ERROR, force=True)
    logging.getLogger("coopledger").error("unexpected error\n%s", traceback.format_exc())
    return path


def main(argv: Sequence[str] | None = None, gui: Callable[[Context], int] | None = None) -> int:
    """Run the command line; with no subcommand, open the window through ``gui``."""
    argv = sys.argv[1:] if argv is None else list(argv)
    # The command's modules load here (SQLAlchemy among them): the cyclic collector would
    # walk their many new objects again and again for nothing, so it waits until they are in.
    with gc_paused():
        parser = build_parser(command_named(argv))
    args = parser.parse_args(argv)
    i18n.set_language(args.lang or i18n.language_from_environment())
    ctx = Context(args)
    try:
        _check_numbers(args)
        if args.command is None:
            if gui is None:
                parser.print_help()
                return EXIT_USER_ERROR
            return gui(ctx)
        result: int = args.func(ctx)
        return result
    except DomainError as exc:
        if not _told(exc, ctx):
            print(_format_error(exc), file=sys.stderr)
        return EXIT_USER_ERROR
    except CliError as exc:
        print(f"coopledger: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:
        # The reader went away (`| head`): nothing went wrong with the ledger.
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")
        return 0
    except KeyboardInterrupt:
        print(_("Interrupted; nothing was written by the unfinished step."), file=sys.stderr)
        return 130
    except Exception as exc:
        fault = _fault(exc, args)
        if fault is not None:
            if not _told(fault, ctx):
                print(_format_error(fault), file=sys.stderr)
            return EXIT_USER_ERROR
        path = _log_unexpected()
        print(
            _(
                "Sorry, something went wrong inside coopledger. Nothing was changed. Details: {path}"
            ).format(path=path),
            file=sys.stderr,
        )
        return EXIT_UNEXPECTED
    finally:
        ctx.close()


def _check_numbers(args: argparse.Namespace) -> None:
    """Whole numbers from the command line by the field tables' rule before any command sees
    them: a year is a year (1900–9999), anything else fits the database's 64 bits."""
    found: list[tuple[str, int, bool]] = []  # (option, number, is a year)
    for name, value in vars(args).items():
        option = "--" + name.removesuffix("_pos").replace("_", "-")
        year = name in ("year", "year_pos")  # a list of numbers is never of years
        items, year = (value, False) if isinstance(value, list) else ([value], year)
        for item in items:
            if isinstance(item, int) and not isinstance(item, bool):
                found.append((option, item, year))
    if not found:
        return  # the field tables are not loaded: a read-only command starts faster
    from coopledger.domain.fields import read_value
    from coopledger.domain.records import WHOLE_NUMBER, YEAR

    for option, number, is_year in found:
        read_value(YEAR if is_year else WHOLE_NUMBER, number, option)


def _fault(exc: BaseException, args: argparse.Namespace) -> DomainError | None:
    """The one sentence for a fault of the machine or the file (a full disk, a damaged
    ledger, a read-only card, a number too large), or None for a program error."""
    from coopledger.services.faults import fault_of

    where = str(getattr(args, "db", None) or "")
    return fault_of(exc, where)


def _told(exc: DomainError, ctx: Context) -> bool:
    """Whether ``exc`` says what the user was told already: the ledger file is damaged
    (said once, when it was opened read-only)."""
    from coopledger.services.faults import DamagedLedgerError

    return isinstance(exc, DamagedLedgerError) and ctx.told_damage


def _format_error(exc: DomainError) -> str:
    from coopledger.domain.errors import DomainErrors

    if isinstance(exc, DomainErrors):
        lines = [_("{n} problems; nothing was written:").format(n=len(exc.errors))]
        lines += [f"  {_format_one(e)}" for e in exc.errors]
        return "\n".join(lines)
    return f"coopledger: {_format_one(exc)}"


def _format_one(exc: DomainError) -> str:
    text = exc.text(_)
    return f"{exc.path}: {text}" if exc.path else text
