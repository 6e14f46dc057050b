"""Each role's boundary, checked at the service layer (not just in the window)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from coopledger.domain.errors import DomainError
from coopledger.domain.ledger import LineInput, VoucherInput
from coopledger.domain.roles import PermissionDenied
from coopledger.services import bookfile, vouchers
from coopledger.services import distribution as dist
from coopledger.services.accounts import find_organisation
from coopledger.services.ledger import Ledger, open_ledger
from coopledger.services.registers import MemberInput, add_member
from coopledger.services.users import add_user, create_first_admin
from tests.conftest import EXAMPLES

SALE = VoucherInput(
    dt.date(2014, 11, 3),
    "销售莲藕",
    (LineInput("102", debit_fen=500_00), LineInput("50101", credit_fen=500_00)),
)


@pytest.fixture
def staffed(ledger_path: Path) -> Path:
    led = open_ledger(ledger_path, user="setup", create=True)
    bookfile.import_book(led, json.loads((EXAMPLES / "mini.book.json").read_text(encoding="utf-8")))
    create_first_admin(led, "admin", "admin-pw", "管理员")
    for name, role in [
        ("kuaiji", "accountant"),
        ("shenhe", "reviewer"),
        ("chuna", "cashier"),
        ("jiandu", "supervisor"),
    ]:
        add_user(led, name, role, f"{name}-pw")
    led.close()
    return ledger_path


def as_user(path: Path, name: str) -> Ledger:
    return open_ledger(path, user=name, password=f"{name}-pw")


def test_preparer_cannot_review_own_voucher_reviewer_posts(staffed: Path) -> None:
    acc = as_user(staffed, "kuaiji")
    org = find_organisation(acc, None).id
    vid = vouchers.add_voucher(acc, org, SALE)
    with pytest.raises(PermissionDenied):
        vouchers.review_voucher(acc, org, vid)  # an accountant does not review at all
    acc.close()
    rev = as_user(staffed, "shenhe")
    vouchers.review_voucher(rev, org, vid)
    vouchers.post_voucher(rev, org, vid)
    rev.close()


def test_reviewer_cannot_check_own_work(staffed: Path) -> None:
    adm = open_ledger(staffed, user="admin", password="admin-pw")
    from coopledger.services.users import change_role

    change_role(adm, "kuaiji", "reviewer")  # a person who both prepares and reviews
    adm.close()
    led = as_user(staffed, "kuaiji")
    org = find_organisation(led, None).id
    with pytest.raises(PermissionDenied):
        vouchers.add_voucher(led, org, SALE)  # reviewers do not prepare
    led.close()


def test_cashier_cannot_post_but_records_payments(staffed: Path) -> None:
    acc = as_user(staffed, "kuaiji")
    org = find_organisation(acc, None).id
    vid = vouchers.add_voucher(acc, org, SALE)
    with pytest.raises(DomainError, match="not approved"):
        dist.commit_distribution(acc, org, 2014)
    acc.close()
    rev = as_user(staffed, "shenhe")
    dist.approve_plan(rev, org, 2014)
    rev.close()
    acc = as_user(staffed, "kuaiji")
    dist.commit_distribution(acc, org, 2014)
    acc.close()
    cash = as_user(staffed, "chuna")
    with pytest.raises(PermissionDenied):
        vouchers.post_voucher(cash, org, vid)
    with pytest.raises(PermissionDenied):
        vouchers.add_voucher(cash, org, SALE)
    dist.pay_slip(cash, org, 2014, "H0001", on=dt.date(2014, 12, 28))
    cash.close()


def test_supervisor_cannot_write_anything(staffed: Path) -> None:
    sup = as_user(staffed, "jiandu")
    org = find_organisation(sup, None).id
    attempts = [
        lambda: vouchers.add_voucher(sup, org, SALE),
        lambda: add_member(sup, org, MemberInput("H0100", "新户")),
        lambda: dist.commit_distribution(sup, org, 2014),
        lambda: dist.save_plan(sup, org, dist.PlanForm(2015, 1000)),
        lambda: vouchers.close_period(sup, org, 2014, 9),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    # ...but reads, previews and prints.
    assert dist.preview_distribution(sup, org, 2014).result.land_fees == 4280_00
    sup.close()


def test_plan_approval_is_maker_checker(staffed: Path) -> None:
    acc = as_user(staffed, "kuaiji")
    org = find_organisation(acc, None).id
    dist.save_plan(
        acc, org, dist.PlanForm(2015, 1000, 0, dt.date(2015, 12, 20), dt.date(2015, 12, 22))
    )
    with pytest.raises(PermissionDenied):
        dist.approve_plan(acc, org, 2015)
    acc.close()
    rev = as_user(staffed, "shenhe")
    dist.approve_plan(rev, org, 2015)
    with pytest.raises(DomainError):
        dist.approve_plan(rev, org, 2099)
    rev.close()


def test_who_changes_settings(staffed: Path) -> None:
    from coopledger.services.settings import get_setting, set_setting

    sup = as_user(staffed, "jiandu")
    org = find_organisation(sup, None).id
    with pytest.raises(PermissionDenied):
        set_setting(sup, "notice_days", "0", org)
    sup.close()
    acc = as_user(staffed, "kuaiji")
    set_setting(acc, "notice_days", "7", org)
    assert get_setting(acc, "notice_days", org) == "7"
    with pytest.raises(PermissionDenied):
        set_setting(acc, "backup_folder", "/tmp")
    acc.close()
