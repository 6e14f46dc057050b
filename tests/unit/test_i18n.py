"""The translation catalogs: every msgid in the code has a Simplified Chinese translation,
translations keep the msgid's ``{placeholders}``, zh_TW covers the same msgids, and the
program speaks Chinese by default (in code and on the command line)."""

from __future__ import annotations

import importlib.util
import os
import string
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog

from coopledger import i18n
from coopledger.domain.vocabulary import PaymentMethod, ShareClass, VoucherState

REPO = Path(__file__).resolve().parents[2]
LOCALE = REPO / "resources" / "locale"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "coopledger_i18n_script", REPO / "scripts" / "i18n.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


script = _load_script()


@pytest.fixture(scope="module")
def pot() -> Catalog:
    """The msgids as extracted from the source now (not the .pot on disk)."""
    return script.extract()


@pytest.fixture(scope="module")
def zh_cn() -> Catalog:
    return script.read(LOCALE / "zh_CN" / "coopledger.po", "zh_CN")


@pytest.fixture(scope="module")
def zh_tw() -> Catalog:
    return script.read(LOCALE / "zh_TW" / "coopledger.po", "zh_TW")


def _placeholders(text: str) -> set[str]:
    return {
        field for _lit, field, _spec, _conv in string.Formatter().parse(text) if field is not None
    }


def _messages(catalog: Catalog) -> dict[str, str]:
    return {str(m.id): str(m.string) for m in catalog if m.id}


def test_every_msgid_in_the_code_has_a_zh_cn_translation(pot: Catalog, zh_cn: Catalog) -> None:
    assert len(pot) > 800
    assert script.missing(pot, zh_cn) == []
    for m in pot:
        if not m.id:
            continue
        t = zh_cn.get(m.id)
        assert t is not None and str(t.string).strip(), m.id
        assert not t.fuzzy, m.id


def test_extraction_sees_calls_inside_f_strings(pot: Catalog) -> None:
    # babel's tokenizer skips ``f"{_('Memo')}: …"``; the script adds them from the AST
    for msgid in ("attachments", "Posted by", "Bank reconciliation statement", "In capitals"):
        assert pot.get(msgid) is not None, msgid


def test_dynamic_values_shown_with_underscore_are_msgids(pot: Catalog) -> None:
    from coopledger.domain import labels

    for value in labels.LABELS:
        assert pot.get(value) is not None, value


@pytest.mark.parametrize("lang", ["zh_CN", "zh_TW"])
def test_translations_keep_the_placeholders(lang: str, zh_cn: Catalog, zh_tw: Catalog) -> None:
    catalog = zh_cn if lang == "zh_CN" else zh_tw
    wrong = {
        msgid: text
        for msgid, text in _messages(catalog).items()
        if text and _placeholders(msgid) != _placeholders(text)
    }
    assert wrong == {}


def test_zh_tw_has_the_same_msgids_as_zh_cn(zh_cn: Catalog, zh_tw: Catalog) -> None:
    cn, tw = _messages(zh_cn), _messages(zh_tw)
    assert set(tw) == set(cn)
    assert all(tw[k] for k, v in cn.items() if v)


def test_runtime_translation_follows_the_language() -> None:
    before = i18n.current_language()
    try:
        assert i18n.set_language("zh_CN") == "zh_CN"
        assert i18n._("Trial balance 科目余额表") == "科目余额表"
        assert i18n._("Posted") == "已记账"
        # A code is named through its vocabulary (the CLI and the window alike).
        assert i18n.term(VoucherState, "posted") == "已记账"
        assert i18n.term(ShareClass, "cash") == "现金股"
        assert i18n.term(PaymentMethod, "cash") == "现金"
        assert i18n.term(ShareClass, "no-such-class") == "no-such-class"
        assert (
            i18n._("{year}-{month:02d} closed.").format(year=2014, month=3) == "2014年03月已结账。"
        )
        assert i18n.set_language("zh-TW") == "zh_TW"
        assert i18n._("Trial balance 科目余额表") == "科目餘額表"
        assert i18n.set_language("en") == "en"
        assert i18n._("Trial balance 科目余额表") == "Trial balance 科目余额表"
        assert i18n._("Posted") == "Posted"
    finally:
        i18n.set_language(before)


def _run_init(db: Path, *extra: str) -> str:
    exe = Path(sys.executable).with_name("coopledger")
    env = {k: v for k, v in os.environ.items() if k != "COOPLEDGER_LANG"}
    done = subprocess.run(
        [str(exe), *extra, "--db", str(db), "init"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def test_the_command_line_speaks_chinese_by_default(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite3"
    assert _run_init(db) == f"已创建数据文件 {db}"
    assert _run_init(db, "--lang", "en") == (
        f"Ledger {db} already exists; its schema is up to date."
    )
