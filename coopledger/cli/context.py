"""What every subcommand gets: the parsed arguments and the ledger, opened on demand."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from coopledger.domain.errors import N_, DomainError
from coopledger.domain.roles import PasswordNeededError
from coopledger.i18n import _
from coopledger.paths import default_db_path

if TYPE_CHECKING:
    from coopledger.services.accounts import OrgInfo
    from coopledger.services.ledger import Ledger, Location

# The services (and SQLAlchemy behind them) are imported when a command first opens the
# ledger, not when the command line starts: `--version` and `--help` stay instant.


class CliError(Exception):
    """A usage error found by the command line itself (already translated)."""


class Context:
    """The parsed command line and the ledger it names."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._ledger: Ledger | None = None
        #: Whether the user was told the ledger file is damaged (it was opened read-only).
        self.told_damage = False

    @property
    def location(self) -> Location:
        """Where the ledger is: ``--db`` as a file or a PostgreSQL URL (a URL never becomes a
        file name; one this program cannot use is a ``DomainError``)."""
        from coopledger.services.ledger import Location, as_location

        return as_location(self.args.db) if self.args.db else Location(path=default_db_path())

    @property
    def db_path(self) -> Path:
        """The ledger file (``DomainError`` when ``--db`` names a database on a server)."""
        loc = self.location
        if loc.path is None:
            raise DomainError("--db", N_("This command needs a ledger file, not a server."))
        return loc.path

    def ledger(
        self, *, create: bool = False, readonly: bool = False, prompt: bool = True
    ) -> Ledger:
        """The ledger named by ``--db`` (opened once; read-only with ``--readonly``).

        When the ledger has users, the password of ``--user`` comes from
        ``COOPLEDGER_PASSWORD`` or, on a terminal, from a prompt.
        """
        if self._ledger is None:
            from coopledger.services.ledger import open_ledger

            readonly = readonly or bool(getattr(self.args, "readonly", False))
            password = os.environ.get("COOPLEDGER_PASSWORD")
            try:
                self._ledger = open_ledger(
                    self.location,
                    user=self.args.user,
                    password=password,
                    create=create,
                    readonly=readonly,
                )
            except PasswordNeededError:
                if not prompt or not sys.stdin.isatty():
                    raise
                password = getpass.getpass(_("Password for {user}: ").format(user=self.args.user))
                self._ledger = open_ledger(
                    self.location,
                    user=self.args.user,
                    password=password,
                    create=create,
                    readonly=readonly,
                )
            if self._ledger.damage is not None:
                from coopledger.services.faults import DamagedLedgerError

                damaged = DamagedLedgerError(self._ledger.shown, self._ledger.damage)
                print(f"coopledger: {damaged.text(_)}", file=sys.stderr)
                self.told_damage = True
        return self._ledger

    def adopt(self, ledger: Ledger) -> None:
        """Use a ledger opened elsewhere (the window's log-in); closed with the context."""
        self._ledger = ledger

    def org(self, *, readonly: bool = False) -> OrgInfo:
        """The organisation named by ``--org`` (or the only one)."""
        from coopledger.services.accounts import find_organisation

        return find_organisation(self.ledger(readonly=readonly), self.args.org)

    def close(self) -> None:
        if self._ledger is not None:
            self._ledger.close()
            self._ledger = None
