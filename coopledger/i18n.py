"""The current language: gettext catalogs (read from ``resources/locale/*/coopledger.po``)
and babel formatting of money, numbers and dates.

msgids are English; ``zh_CN`` is the default and its catalog is complete (a test checks).
"""

from __future__ import annotations

import datetime as dt
import os
from functools import cache
from typing import TYPE_CHECKING

from coopledger.domain.vocabulary import AUDIT_ACTION_PREFIXES, AuditAction, Term
from coopledger.paths import resources_dir

if TYPE_CHECKING:
    from babel import Locale
    from babel.support import NullTranslations

# babel is imported by the functions that use it: a command that prints numbers as JSON
# never loads it (it is a tenth of a read-only command's start).

LANGUAGES = ("zh_CN", "zh_TW", "en")
DEFAULT_LANGUAGE = "zh_CN"

_current = DEFAULT_LANGUAGE


def normalise_language(lang: str | None) -> str:
    """Map user input (``zh-CN``, ``zh_Hans``, ``en_US``...) to a shipped language."""
    if not lang:
        return DEFAULT_LANGUAGE
    tag = lang.replace("-", "_").split(".")[0]
    low = tag.lower()
    if low.startswith("zh"):
        if any(x in low for x in ("tw", "hk", "mo", "hant")):
            return "zh_TW"
        return "zh_CN"
    if low.startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


@cache
def translations(lang: str) -> NullTranslations:
    """The catalog for ``lang`` (English needs none)."""
    from babel.messages.pofile import read_po
    from babel.support import NullTranslations, Translations

    if lang == "en":
        return NullTranslations()
    po = resources_dir() / "locale" / lang / "coopledger.po"
    if not po.exists():
        return NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    trans = Translations()
    for message in catalog:
        if message.id and message.string and not message.fuzzy:
            key = message.id if isinstance(message.id, str) else message.id[0]
            value = message.string if isinstance(message.string, str) else message.string[0]
            trans._catalog[key] = value
    return trans


def set_language(lang: str | None) -> str:
    """Make ``lang`` current; returns the language chosen."""
    global _current
    _current = normalise_language(lang)
    return _current


def language_from_environment() -> str:
    """COOPLEDGER_LANG, else the default (Simplified Chinese)."""
    return normalise_language(os.environ.get("COOPLEDGER_LANG"))


def current_language() -> str:
    """The language in use."""
    return _current


def _(msgid: str) -> str:
    """Translate ``msgid`` into the current language."""
    return translations(_current).gettext(msgid)


def locale() -> Locale:
    """The babel locale of the current language."""
    from babel import Locale

    return Locale.parse("en_US" if _current == "en" else _current)


def format_date(d: dt.date) -> str:
    """A date as the current language writes it (``2014年12月20日``)."""
    from babel.dates import format_date as _babel_format_date

    return _babel_format_date(d, format="long", locale=locale())


def audit_action(action: str) -> str:
    """An audit entry's act in the current language (``post voucher`` is 凭证记账;
    ``close year 2014`` is 年终结账：2014); an act the vocabulary does not know as it is."""
    try:
        return _(AuditAction(action).label)
    except ValueError:
        pass
    for prefix, label, vocabulary in AUDIT_ACTION_PREFIXES:
        if action.startswith(prefix) and len(action) > len(prefix):
            rest = action[len(prefix) :]
            return _(label).format(rest=term(vocabulary, rest) if vocabulary else rest)
    return action


def term(vocabulary: type[Term], code: str | None) -> str:
    """The name of ``code`` in one of the vocabularies of ``domain.vocabulary``, in the
    current language (``term(MemberKind, "household")`` is 农户); an unknown code as it is."""
    if not code:
        return ""
    try:
        return _(vocabulary(code).label)
    except ValueError:
        return code
