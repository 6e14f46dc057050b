"""Every act the program writes to the audit trail has a name in the vocabulary, so the
trail reads in Chinese (``post voucher`` is 凭证记账), and so does every kind of record."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from coopledger import i18n
from coopledger.domain.vocabulary import (
    AUDIT_ACTION_PREFIXES,
    AuditAction,
    AuditEntity,
    TransferKind,
    codes,
)
from coopledger.store.tracked import TRACKED

PACKAGE = Path(__file__).resolve().parents[2] / "coopledger"
LOGGING = {"log", "track", "track_bulk", "track_inserted", "track_many"}
#: Acts written with a value from a closed list: each value's act is a member.
EXPANSIONS = {
    "import ": ["members", "contracts"],  # services.roster: f"import {what}"
    "transfer (": [f"{k})" for k in codes(TransferKind)],
}


def logged_acts() -> list[tuple[str, str, str]]:
    """(where, head, kind) of every act the code logs: kind "exact" for a plain string,
    "head" for the fixed beginning of an act built from a value."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            args: list[ast.expr] = []
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr in LOGGING
                and isinstance(func.value, ast.Name)
                and func.value.id == "tx"
                and node.args
            ):
                args.append(node.args[0])
            if not (isinstance(func, ast.Attribute) and func.attr == "add_argument"):
                args += [k.value for k in node.keywords if k.arg == "action"]
            where = f"{path.relative_to(PACKAGE)}:{node.lineno}"
            for arg in args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.append((where, arg.value, "exact"))
                elif isinstance(arg, ast.JoinedStr) and isinstance(arg.values[0], ast.Constant):
                    found.append((where, str(arg.values[0].value), "head"))
                elif isinstance(arg, ast.BinOp) and isinstance(arg.left, ast.Constant):
                    found.append((where, str(arg.left.value), "head"))
                elif isinstance(arg, ast.IfExp):
                    for branch in (arg.body, arg.orelse):
                        if isinstance(branch, ast.Constant):
                            found.append((where, str(branch.value), "exact"))
    return found


def test_the_scan_finds_the_acts() -> None:
    acts = {head for _w, head, _k in logged_acts()}
    assert {"post voucher", "close year ", "commit distribution ", "restore backup"} <= acts
    assert len(acts) > 50


@pytest.mark.parametrize(("where", "head", "kind"), logged_acts())
def test_every_logged_act_has_a_name(where: str, head: str, kind: str) -> None:
    if kind == "exact":
        assert head in codes(AuditAction), f"{where}: add {head!r} to AuditAction"
        return
    if head in EXPANSIONS:
        for rest in EXPANSIONS[head]:
            assert head + rest in codes(AuditAction), f"{where}: {head + rest!r}"
        return
    assert head in [p for p, _label, _v in AUDIT_ACTION_PREFIXES], (
        f"{where}: add {head!r} to AUDIT_ACTION_PREFIXES"
    )


def test_every_tracked_record_has_a_name() -> None:
    assert set(TRACKED) <= set(codes(AuditEntity))


def test_acts_read_in_chinese() -> None:
    previous = i18n.current_language()
    i18n.set_language("zh_CN")
    try:
        assert i18n.audit_action("post voucher") == "凭证记账"
        assert i18n.audit_action("close year 2014") == "年终结账：2014"
        assert "农村集体经济组织会计制度" in i18n.audit_action("load chart village-2023")
        assert i18n.audit_action("something new") == "something new"
        for act in AuditAction:
            assert i18n.audit_action(act.value) != act.value or not act.value.isascii()
        for entity in AuditEntity:
            assert i18n.term(AuditEntity, entity.value).isascii() is False
    finally:
        i18n.set_language(previous)
