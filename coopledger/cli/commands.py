"""Subcommand registry: each module adds its parsers here."""

from __future__ import annotations

import argparse

from coopledger.cli import (
    cmd_books,
    cmd_distribution,
    cmd_ledger,
    cmd_ledgers,
    cmd_printing,
    cmd_registers,
    cmd_safety,
    cmd_server,
    cmd_yearend,
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add every subcommand."""
    cmd_ledger.register(sub)
    cmd_safety.register(sub)
    cmd_books.register(sub)
    cmd_registers.register(sub)
    cmd_distribution.register(sub)
    cmd_printing.register(sub)
    cmd_yearend.register(sub)
    cmd_ledgers.register(sub)
    cmd_server.register(sub)
