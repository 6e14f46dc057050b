"""Per-organisation permissions: a township accountant given some villages sees and writes
only those; the grants are the administrator's, and the audit log records them."""

from __future__ import annotations

from pathlib import Path

import pytest

from coopledger.domain.errors import DomainError
from coopledger.domain.roles import PermissionDenied
from coopledger.services.accounts import (
    add_account,
    create_organisation,
    find_organisation,
    list_organisations,
)
from coopledger.services.ledger import open_ledger, verify
from coopledger.services.users import (
    add_user,
    audit_entries,
    create_first_admin,
    set_user_organisations,
    user_organisations,
)

VILLAGES = ("上寨村股份经济合作社", "下寨村股份经济合作社", "河边村股份经济合作社")


@pytest.fixture
def township(ledger_path: Path | str) -> Path | str:
    led = open_ledger(ledger_path, user="setup", create=True)
    for name in VILLAGES:
        create_organisation(led, name)
    create_first_admin(led, "admin", "admin-secret")
    add_user(led, "zhang", "accountant", "zhang-password")
    add_user(led, "li", "accountant", "li-password")
    led.close()
    return ledger_path


def test_an_accountant_given_two_villages_sees_and_writes_only_those(township: Path | str) -> None:
    admin = open_ledger(township, user="admin", password="admin-secret")
    set_user_organisations(admin, "zhang", list(VILLAGES[:2]))
    assert user_organisations(admin, "zhang") == sorted(VILLAGES[:2])
    assert user_organisations(admin, "li") is None
    other = find_organisation(admin, VILLAGES[2]).id
    admin.close()

    zhang = open_ledger(township, user="zhang", password="zhang-password")
    assert [o.name for o in list_organisations(zhang)] == sorted(VILLAGES[:2])
    with pytest.raises(DomainError, match="no organisation named"):
        find_organisation(zhang, VILLAGES[2])
    add_account(zhang, find_organisation(zhang, VILLAGES[0]).id, "50101", "经营收入—莲藕")
    with pytest.raises(PermissionDenied):
        add_account(zhang, other, "50101", "经营收入—莲藕")
    zhang.close()
    li = open_ledger(township, user="li", password="li-password")
    assert len(list_organisations(li)) == 3  # li was given none: every organisation
    li.close()

    admin = open_ledger(township, user="admin", password="admin-secret")
    set_user_organisations(admin, "zhang", None)
    grants = [e for e in audit_entries(admin) if e.action == "set user organisations"]
    assert [g.after["organisations"] for g in grants] == [sorted(VILLAGES[:2]), None]
    assert grants[1].before["organisations"] == sorted(VILLAGES[:2])
    assert verify(admin).ok
    admin.close()
    zhang = open_ledger(township, user="zhang", password="zhang-password")
    assert len(list_organisations(zhang)) == 3
    zhang.close()


def test_only_an_administrator_gives_organisations(township: Path | str) -> None:
    zhang = open_ledger(township, user="zhang", password="zhang-password")
    with pytest.raises(PermissionDenied):
        set_user_organisations(zhang, "zhang", list(VILLAGES))
    zhang.close()
    admin = open_ledger(township, user="admin", password="admin-secret")
    with pytest.raises(DomainError, match="no organisation named"):
        set_user_organisations(admin, "zhang", ["不存在村"])
    with pytest.raises(DomainError, match="no user"):
        set_user_organisations(admin, "nobody", [VILLAGES[0]])
    assert user_organisations(admin, "zhang") is None
    admin.close()
