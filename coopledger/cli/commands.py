"""Subcommand registry: which module adds each command's parser, imported only when needed.

``coopledger verify`` imports ``cmd_ledger`` and nothing else, so that a command pays only
for the libraries it uses (``--version`` and the window import no command module at all).
Help (``coopledger --help``) and a name that is not in ``COMMANDS`` register every module:
a command a module adds without a row here still works, only not lazily, and
``tests/cli/test_cli_foundation.py`` fails until the row is added.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from types import ModuleType

#: The modules (in ``coopledger.cli``) that add subcommands, in the order ``--help`` lists them.
MODULES: tuple[str, ...] = (
    "cmd_ledger",
    "cmd_safety",
    "cmd_books",
    "cmd_registers",
    "cmd_distribution",
    "cmd_printing",
    "cmd_yearend",
    "cmd_ledgers",
    "cmd_server",
    "cmd_package",
    "cmd_approvals",
    "cmd_assets",
)

#: Top-level command → the module whose ``register`` adds it.
COMMANDS: dict[str, str] = {
    **dict.fromkeys(("init", "verify"), "cmd_ledger"),
    **dict.fromkeys(("backup", "restore", "user", "audit"), "cmd_safety"),
    **dict.fromkeys(
        (
            "voucher",
            "period",
            "trial-balance",
            "ledger",
            "general-ledger",
            "journal",
            "member-statement",
            "balance-check",
            "reconciliation",
        ),
        "cmd_books",
    ),
    **dict.fromkeys(
        (
            "import-book",
            "export-book",
            "org",
            "import-members",
            "import-contracts",
            "member",
            "contract",
            "shares",
            "demo",
        ),
        "cmd_registers",
    ),
    **dict.fromkeys(
        (
            "plan",
            "distribute",
            "reverse-distribution",
            "pay",
            "reverse-payment",
            "unpaid",
            "bank-batch",
            "member-account",
            "verify-slip",
            "member-account",
        ),
        "cmd_distribution",
    ),
    **dict.fromkeys(("slips", "notice", "statements", "print-voucher"), "cmd_printing"),
    **dict.fromkeys(("year", "opening", "account"), "cmd_yearend"),
    **dict.fromkeys(("print-book", "book"), "cmd_ledgers"),
    **dict.fromkeys(("copy-ledger", "user-orgs"), "cmd_server"),
    **dict.fromkeys(("package", "township"), "cmd_package"),
    **dict.fromkeys(("approval", "import-batch"), "cmd_approvals"),
    **dict.fromkeys(("asset", "depreciation", "disclosure", "certificate", "cash"), "cmd_assets"),
}

Sub = argparse._SubParsersAction  # type: ignore[type-arg]


def register(sub: Sub, command: str | None = "") -> None:
    """Add the subcommands: only the module of ``command`` when it is a known command, none
    when ``command`` is None (no command given: the window, ``--version``), else every one."""
    if command is None:
        return
    module = COMMANDS.get(command)
    for name in (module,) if module else MODULES:
        importlib.import_module(f"coopledger.cli.{name}").register(sub)


def lazy_module(name: str) -> ModuleType:
    """The module ``name``, loaded when one of its attributes is first used (the standard
    library's ``LazyLoader``): a command module can name a heavy service at the top while
    its other commands never pay for it."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
