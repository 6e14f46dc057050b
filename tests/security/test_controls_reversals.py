"""Attack: one person reverses a committed distribution (or a payment, or reopens a closed
year) on her own, and the slips she printed are void without anyone else knowing.

Now each of these acts is a request that a reviewer or supervisor who did not ask approves;
approving does the act, naming both people; rejecting and withdrawing are recorded too."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from coopledger.domain.errors import DomainError
from coopledger.domain.roles import PermissionDenied
from coopledger.domain.vocabulary import RequestState, VoucherSource
from coopledger.services import approvals, vouchers, yearend
from coopledger.services import distribution as dist
from coopledger.services.ledger import verify
from coopledger.services.users import audit_entries
from coopledger.services.views import voucher_detail
from tests.security.controls_office import as_user, staff

# The attacks read the file as SQLite does (the controls are the same on a server, where
# tests/services covers them).
pytestmark = pytest.mark.sqlite_only


def _committed(path: Path, *, paid: str | None = None) -> int:
    org = staff(path)
    with as_user(path, "shenhe") as rev:
        dist.approve_plan(rev, org, 2014)
    with as_user(path, "kuaiji") as acc:
        dist.commit_distribution(acc, org, 2014)
    if paid:
        with as_user(path, "chuna") as cashier:
            dist.pay_slip(cashier, org, 2014, paid, on=dt.date(2014, 12, 28))
    return org


def _state(path: Path) -> str:
    con = sqlite3.connect(path)
    (state,) = con.execute("SELECT state FROM distribution WHERE year = 2014").fetchone()
    con.close()
    return str(state)


def test_a_distribution_is_reversed_only_once_a_second_person_approves(ledger_path: Path) -> None:
    org = _committed(ledger_path)
    with as_user(ledger_path, "kuaiji") as acc:
        with pytest.raises(DomainError, match="say why"):
            dist.reverse_distribution(acc, org, 2014, "  ")
        asked = dist.reverse_distribution(acc, org, 2014, "分配方案的公益金比例有误")
        assert asked.state == RequestState.PENDING and not asked.done
        assert _state(ledger_path) == "committed"  # nothing reversed yet
        with pytest.raises(DomainError, match="already asks"):
            dist.reverse_distribution(acc, org, 2014, "再问一次")
        with pytest.raises(PermissionDenied):  # the accountant approves nothing
            approvals.approve_request(acc, asked.id)
    with as_user(ledger_path, "chuna") as cashier:
        with pytest.raises(PermissionDenied):
            approvals.approve_request(cashier, asked.id)
    with as_user(ledger_path, "jiandu") as sup:
        done = approvals.approve_request(sup, asked.id, "已核对")
        assert done.done and done.decided_by == "jiandu" and done.result["vouchers"]
        assert _state(ledger_path) == "reversed"
        red = [voucher_detail(sup, org, vid) for vid in done.result["vouchers"]]
        # Prepared by who asked, reviewed and posted by who approved.
        assert {(d.prepared_by, d.reviewed_by, d.posted_by) for d in red} == {
            ("kuaiji", "jiandu", "jiandu")
        }
        with pytest.raises(DomainError, match="no longer waiting"):
            approvals.approve_request(sup, asked.id)
        actions = [e.action for e in audit_entries(sup)]
        assert "request reverse_distribution" in actions and "approved request" in actions
        assert verify(sup).ok


def test_a_payment_is_reversed_through_its_slip_with_a_second_person(ledger_path: Path) -> None:
    org = _committed(ledger_path, paid="H0001")
    with as_user(ledger_path, "shenhe") as rev:
        slip = next(s for s in dist.slips(rev, org, 2014) if s.member_code == "H0001")
        assert slip.paid_on is not None
        con = sqlite3.connect(ledger_path)
        (vid,) = con.execute(
            "SELECT id FROM voucher WHERE source = ? ORDER BY id DESC", (VoucherSource.PAYMENT,)
        ).fetchone()
        con.close()
        # The red reversal of a payment voucher alone would leave the slip marked paid.
        with pytest.raises(DomainError, match="reverse-payment"):
            vouchers.reverse_voucher(rev, org, vid)
    with as_user(ledger_path, "chuna") as cashier:
        asked = dist.reverse_payment(cashier, org, 2014, "H0001", "付给了同名的另一户")
        assert not asked.done
        with pytest.raises(PermissionDenied):
            approvals.approve_request(cashier, asked.id)
    with as_user(ledger_path, "shenhe") as rev:
        done = approvals.approve_request(rev, asked.id)
        slip = next(s for s in dist.slips(rev, org, 2014) if s.member_code == "H0001")
        assert slip.paid_on is None and slip.paid_by == ""
        assert verify(rev).ok
    with as_user(ledger_path, "chuna") as cashier:  # and it can be paid again, correctly
        dist.pay_slip(cashier, org, 2014, "H0001", on=dt.date(2014, 12, 29))
    assert done.result["vouchers"]


def test_a_closed_year_is_reopened_only_with_a_second_person(ledger_path: Path) -> None:
    org = _committed(ledger_path)
    with as_user(ledger_path, "kuaiji") as acc:
        vouchers.close_year(acc, org, 2014)
    with as_user(ledger_path, "jiandu") as sup:
        asked = yearend.reopen_year(sup, org, 2014, "审计发现漏记收入")
        assert yearend.year_status(sup, org, 2014).closed
        with pytest.raises(PermissionDenied, match="another person"):
            approvals.approve_request(sup, asked.id)
    with as_user(ledger_path, "jiandu2") as other:
        approvals.approve_request(other, asked.id)
        assert not yearend.year_status(other, org, 2014).closed
        entry = next(e for e in audit_entries(other) if e.action == "reopen year")
        assert entry.after["requested_by"] == "jiandu" and entry.after["approved_by"] == "jiandu2"


def test_rejected_and_withdrawn_requests_change_nothing_and_are_recorded(ledger_path: Path) -> None:
    org = _committed(ledger_path)
    with as_user(ledger_path, "kuaiji") as acc:
        first = dist.reverse_distribution(acc, org, 2014, "想重新分")
    with as_user(ledger_path, "shenhe") as rev:
        with pytest.raises(DomainError, match="say why"):
            approvals.reject_request(rev, first.id, "")
        assert approvals.reject_request(rev, first.id, "理由不充分").state == RequestState.REJECTED
        with pytest.raises(DomainError, match="no longer waiting"):
            approvals.withdraw_request(rev, first.id)
    with as_user(ledger_path, "kuaiji") as acc:
        second = dist.reverse_distribution(acc, org, 2014, "补充了理由")
    with as_user(ledger_path, "shenhe") as rev:
        with pytest.raises(DomainError, match="only kuaiji"):
            approvals.withdraw_request(rev, second.id)
    with as_user(ledger_path, "kuaiji") as acc:
        assert approvals.withdraw_request(acc, second.id).state == RequestState.WITHDRAWN
        states = {r.id: r.state for r in approvals.list_requests(acc, org)}
    assert states == {first.id: RequestState.REJECTED, second.id: RequestState.WITHDRAWN}
    assert _state(ledger_path) == "committed"


def test_an_approval_rechecks_the_act_and_writes_nothing_when_it_no_longer_holds(
    ledger_path: Path,
) -> None:
    org = _committed(ledger_path)
    with as_user(ledger_path, "kuaiji") as acc:
        asked = dist.reverse_distribution(acc, org, 2014, "方案有误")
    with as_user(ledger_path, "chuna") as cashier:  # meanwhile a slip is paid
        dist.pay_slip(cashier, org, 2014, "H0001", on=dt.date(2014, 12, 28))
    with as_user(ledger_path, "shenhe") as rev:
        with pytest.raises(DomainError, match="reverse those payments first"):
            approvals.approve_request(rev, asked.id)
        pending = approvals.list_requests(rev, org, pending_only=True)
    assert [r.id for r in pending] == [asked.id]
    assert _state(ledger_path) == "committed"


def test_requests_on_the_command_line(ledger_path: Path) -> None:
    from tests.security.controls_office import run

    _committed(ledger_path)
    db = str(ledger_path)
    out = run(
        "--db", db, "--user", "kuaiji", "reverse-distribution", "--year", "2014",
        "--reason", "方案有误", pw="kuaiji-pw",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "approval approve 1" in out.stdout
    listed = run("--db", db, "--user", "jiandu", "approval", "list", "--json", pw="jiandu-pw")
    (req,) = json.loads(listed.stdout)
    assert req["act"] == "reverse_distribution" and req["reason"] == "方案有误"
    out = run("--db", db, "--user", "jiandu", "approval", "approve", "1", pw="jiandu-pw")
    assert out.returncode == 0 and "done" in out.stdout, out.stderr
    assert _state(ledger_path) == "reversed"
