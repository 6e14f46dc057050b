"""Subcommand registry: each module adds its parsers here."""

from __future__ import annotations

import argparse

from coopledger.cli import cmd_ledger


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add every subcommand."""
    cmd_ledger.register(sub)
