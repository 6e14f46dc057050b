"""The second person, on both backends: a payment reversed by request and approval, an import
batch reviewed, a user's name for papers; ``verify`` clean after each."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from coopledger.domain.errors import DomainError
from coopledger.services import approvals, bookfile, imports
from coopledger.services import distribution as dist
from coopledger.services.accounts import find_organisation
from coopledger.services.ledger import Ledger, open_ledger, verify
from coopledger.services.signatures import people
from coopledger.services.users import add_user, create_first_admin, set_display_name
from tests.conftest import EXAMPLES


def _as(path: Path, name: str) -> Ledger:
    return open_ledger(path, user=name, password=f"{name}-pw")


@pytest.fixture
def office(ledger_path: Path) -> Path:
    led = open_ledger(ledger_path, user="setup", create=True)
    create_first_admin(led, "guanli", "guanli-pw", "王管理")
    for name, role in (("kuaiji", "accountant"), ("shenhe", "reviewer"), ("chuna", "cashier")):
        add_user(led, name, role, f"{name}-pw")
    led.close()
    acc = _as(ledger_path, "kuaiji")
    book = json.loads((EXAMPLES / "mini.book.json").read_text(encoding="utf-8"))
    bookfile.import_book(acc, book, file_name="mini.book.json")
    acc.close()
    return ledger_path


def test_a_payment_reversed_by_request_and_approval(office: Path) -> None:
    rev = _as(office, "shenhe")
    org = find_organisation(rev, None).id
    dist.approve_plan(rev, org, 2014)
    (batch,) = imports.list_batches(rev, org)
    assert batch.imported_by == "kuaiji" and batch.file_name == "mini.book.json"
    imports.review_batch(rev, batch.id)
    rev.close()
    acc = _as(office, "kuaiji")
    dist.commit_distribution(acc, org, 2014)
    acc.close()
    cashier = _as(office, "chuna")
    dist.pay_slip(cashier, org, 2014, "H0002", on=dt.date(2014, 12, 29))
    asked = dist.reverse_payment(cashier, org, 2014, "H0002", "付错了")
    cashier.close()
    rev = _as(office, "shenhe")
    done = approvals.approve_request(rev, asked.id)
    assert done.done
    rev.close()
    cashier = _as(office, "chuna")
    slip = next(r for r in dist.slips(cashier, org, 2014) if r.member_code == "H0002")
    assert slip.paid_on is None
    with pytest.raises(DomainError, match="not been paid"):  # nothing left to reverse
        dist.reverse_payment(cashier, org, 2014, "H0002", "再冲一次")
    assert verify(cashier).ok
    cashier.close()


def test_names_for_papers(office: Path) -> None:
    adm = _as(office, "guanli")
    set_display_name(adm, "kuaiji", "李  会计")
    with pytest.raises(DomainError):
        set_display_name(adm, "kuaiji", "\u202e计会李")
    names = people(adm)
    assert names.name("kuaiji") == "李 会计" and names.name("shenhe") == ""
    assert names.sign(preparer="kuaiji", reviewer="nobody").reviewer == ""
    assert verify(adm).ok
    adm.close()
