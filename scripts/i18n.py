"""Keep the translation catalogs in step with the code (run from the repository root):

    .venv/bin/python scripts/i18n.py            # extract, update zh_CN, regenerate zh_TW
    .venv/bin/python scripts/i18n.py --check    # exit 1 when a msgid lacks a zh_CN translation

msgids are English and live in the code inside ``_("…")`` or ``N_("…")``. ``zh_CN`` is
translated by hand in ``resources/locale/zh_CN/coopledger.po``; ``zh_TW`` is generated from it
with OpenCC (s2twp: Taiwan standard with its phrases), then may be corrected by hand in
``resources/locale/zh_TW/overrides.po``, which wins.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "resources" / "locale"
KEYWORDS = {"_": None, "N_": None}
#: A fixed header date, so that regenerating the catalogs changes only what changed.
_FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _calls_in_fstrings() -> list[tuple[str, int, str]]:
    """``_("…")`` / ``N_("…")`` calls that babel's tokenizer does not see: those written inside
    an f-string (``f"{_('Memo')}: …"``), found with the ``ast`` module."""
    out = []
    for path in sorted((ROOT / "coopledger").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for fstring in ast.walk(tree):
            if not isinstance(fstring, ast.JoinedStr):
                continue
            for node in ast.walk(fstring):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in KEYWORDS
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                    and node.args[0].value
                ):
                    rel = path.relative_to(ROOT).as_posix()
                    out.append((rel, node.lineno, node.args[0].value))
    return out


def extract() -> Catalog:
    """Every msgid in the package, with where it is used."""
    pot = Catalog(project="coopledger", charset="utf-8", creation_date=_FIXED_DATE)
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT / "coopledger"), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        if isinstance(message, str) and message:
            pot.add(message, locations=[(f"coopledger/{filename}", lineno)])
    for filename, lineno, message in _calls_in_fstrings():
        old = pot.get(message)
        locations = list(old.locations) if old else []
        if (filename, lineno) not in locations:
            pot.add(message, locations=[*locations, (filename, lineno)])
    return pot


def read(path: Path, locale: str) -> Catalog:
    if not path.exists():
        return Catalog(
            locale=locale, project="coopledger", charset="utf-8", creation_date=_FIXED_DATE
        )
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(
            fh,
            catalog,
            width=100,
            omit_header=False,
            sort_output=True,
            ignore_obsolete=True,
            # No "#: file:line" comments: they change with every edit and make branches
            # collide in the catalogs; msgids are sorted, so entries merge cleanly.
            no_location=True,
        )


def missing(pot: Catalog, cn: Catalog) -> list[str]:
    out = []
    for m in pot:
        if not m.id:
            continue
        t = cn.get(m.id)
        if t is None or not t.string or t.fuzzy:
            out.append(str(m.id))
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    pot = extract()
    cn = read(LOCALE / "zh_CN" / "coopledger.po", "zh_CN")
    if args.check:
        gaps = missing(pot, cn)
        for g in gaps:
            print(f"untranslated: {g!r}")
        return 1 if gaps else 0
    write(LOCALE / "coopledger.pot", pot)
    new_cn = Catalog(
        locale="zh_CN", project="coopledger", charset="utf-8", creation_date=_FIXED_DATE
    )
    for m in pot:
        if not m.id:
            continue
        old = cn.get(m.id)
        new_cn.add(m.id, old.string if old else "", locations=m.locations)
    write(LOCALE / "zh_CN" / "coopledger.po", new_cn)
    try:
        import opencc
    except ImportError:
        print("opencc is not installed (pip install opencc); zh_TW left as it is")
        return 0
    conv = opencc.OpenCC("s2twp")
    overrides = read(LOCALE / "zh_TW" / "overrides.po", "zh_TW")
    tw = Catalog(locale="zh_TW", project="coopledger", charset="utf-8", creation_date=_FIXED_DATE)
    for m in new_cn:
        if not m.id:
            continue
        fixed = overrides.get(m.id)
        # Taiwan writes 帳 for accounts (帳簿, 記帳); OpenCC s2twp gives 賬.
        text = (
            fixed.string
            if fixed and fixed.string
            else (conv.convert(m.string).replace("賬", "帳") if m.string else "")
        )
        tw.add(m.id, text, locations=m.locations)
    write(LOCALE / "zh_TW" / "coopledger.po", tw)
    gaps = missing(pot, new_cn)
    print(f"{len(pot)} msgids; {len(gaps)} without a zh_CN translation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
