"""Settings kept in the ledger (per book, or database-wide with ``org_id`` 0), each declared
once with its default and a translatable title."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlmodel import col

from coopledger.domain.errors import N_, DomainError
from coopledger.domain.roles import BOOK_SETTINGS, MANAGE_SETTINGS
from coopledger.services.ledger import Ledger
from coopledger.store.models import Setting

if TYPE_CHECKING:
    from coopledger.store.uow import Tx


@dataclass(frozen=True, slots=True)
class SettingSpec:
    """A setting: key, default, title (an English msgid) and whether it is per book."""

    key: str
    default: str
    title: str
    per_book: bool = True


SETTINGS: dict[str, SettingSpec] = {
    s.key: s
    for s in (
        SettingSpec("notice_days", "5", N_("Public-notice period before payment (days)")),
        SettingSpec("objection_phone", "", N_("Phone number for objections on the notice")),
        SettingSpec("wage_accounts", "51101", N_("Wage accounts (codes, comma-separated)")),
        SettingSpec("cash_limit", "", N_("Cash limit (库存现金限额, yuan; empty for none)")),
        SettingSpec(
            "finance_reviewers",
            "",
            N_("民主理财小组 members (printed on the 财务公开表)"),
        ),
        SettingSpec("language", "zh_CN", N_("Language"), per_book=False),
        SettingSpec("backup_folder", "", N_("Backup folder (e.g. a USB stick)"), per_book=False),
        # Kept by the set-up wizard (services.setup), not typed in Settings.
        SettingSpec("first_period", "", N_("First accounting period (YYYY-MM)")),
        SettingSpec("setup_progress", "", N_("Progress of the set-up wizard")),
    )
}


def get_setting(ledger: Ledger, key: str, org_id: int = 0) -> str:
    """A setting's value (its default when never set)."""
    spec = SETTINGS[key]
    oid = org_id if spec.per_book else 0
    with ledger.read() as s:
        row = s.execute(
            select(col(Setting.value)).where(col(Setting.org_id) == oid, col(Setting.key) == key)
        ).first()
    return str(row[0]) if row else spec.default


def set_setting(ledger: Ledger, key: str, value: str, org_id: int = 0) -> None:
    """Change a setting (audited): a book's own settings (notice period, wage accounts,
    objections telephone) with the act ``book_settings``, the database-wide ones with
    ``manage_settings`` (see the role × act table). The names on papers are not settings:
    they are the display names of the users who did each act."""
    spec = SETTINGS.get(key)
    if spec is None:
        raise DomainError("key", N_('unknown setting "{key}"'), key=key)
    ledger.require(BOOK_SETTINGS if spec.per_book else MANAGE_SETTINGS)
    if key == "notice_days" and (not value.isdigit() or int(value) > 60):
        raise DomainError(key, N_("must be a whole number of days from 0 to 60"))
    from coopledger.domain.fields import read_value
    from coopledger.domain.records import SETTING_VALUE

    value = read_value(SETTING_VALUE, value, key)
    if key == "cash_limit":
        from coopledger.services.cash import parse_cash_limit

        limit = parse_cash_limit(value)
        value = "" if limit is None else f"{limit // 100}.{limit % 100:02d}"
    oid = org_id if spec.per_book else 0
    with ledger.write(oid or None) as tx:
        put_setting_in(tx, key, value, oid)


def put_setting_in(tx: Tx, key: str, value: str, org_id: int = 0) -> None:
    """Inside an open transaction (permission already checked): change a setting, audited."""
    spec = SETTINGS[key]
    oid = org_id if spec.per_book else 0
    row = tx.session.get(Setting, (oid, key))
    before = row.value if row else spec.default
    if row is None:
        row = Setting(org_id=oid, key=key, value=value)
    row.value = value
    tx.session.add(row)
    tx.log(
        "change setting",
        entity="setting",
        entity_id=key,
        before={"value": before},
        after={"value": value},
    )
