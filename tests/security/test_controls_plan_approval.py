"""Attack: the accountant alone rewrites the year's plan (typing the adoption and publication
dates herself) and commits the distribution, with nobody else looking.

Now a plan is approved by a reviewer or supervisor who did not prepare it; ``distribute
--commit`` is refused until then; any change to the plan withdraws the approval."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from coopledger.domain.errors import DomainError
from coopledger.domain.roles import PermissionDenied
from coopledger.services import distribution as dist
from coopledger.services.users import change_role
from tests.security.controls_office import as_user, org_id, run, staff

# The attacks read the file as SQLite does (the controls are the same on a server, where
# tests/services covers them).
pytestmark = pytest.mark.sqlite_only


def _plan_row(path: Path) -> tuple[str, str]:
    import sqlite3

    con = sqlite3.connect(path)
    row = con.execute(
        "SELECT prepared_by, approved_by FROM distribution_plan WHERE year = 2014"
    ).fetchone()
    con.close()
    return str(row[0]), str(row[1])


def test_the_accountant_cannot_commit_a_plan_nobody_else_approved(ledger_path: Path) -> None:
    org = staff(ledger_path)
    with as_user(ledger_path, "kuaiji") as acc:
        with pytest.raises(DomainError, match="not approved"):
            dist.commit_distribution(acc, org, 2014)
        with pytest.raises(PermissionDenied):  # an accountant approves nothing
            dist.approve_plan(acc, org, 2014)
    with as_user(ledger_path, "chuna") as cashier:  # nor does a cashier
        with pytest.raises(PermissionDenied):
            dist.approve_plan(cashier, org, 2014)
    with as_user(ledger_path, "jiandu") as sup:  # a supervisor may
        dist.approve_plan(sup, org, 2014)
    assert _plan_row(ledger_path)[1] == "jiandu"
    with as_user(ledger_path, "kuaiji") as acc:
        assert dist.commit_distribution(acc, org, 2014)


def test_changing_an_approved_plan_withdraws_the_approval(ledger_path: Path) -> None:
    org = staff(ledger_path)
    with as_user(ledger_path, "shenhe") as rev:
        dist.approve_plan(rev, org, 2014)
    with as_user(ledger_path, "kuaiji") as acc:
        plan = dist.get_plan(acc, org, 2014)
        assert plan is not None
        dist.save_plan(acc, org, plan)  # saved unchanged: still approved
        assert _plan_row(ledger_path) == ("setup", "shenhe")
        # Typing earlier dates (to shorten the notice period) is a change like any other.
        from dataclasses import replace

        dist.save_plan(acc, org, replace(plan, published_on=dt.date(2014, 12, 20)))
        assert _plan_row(ledger_path) == ("kuaiji", "")
        with pytest.raises(DomainError, match="not approved"):
            dist.commit_distribution(acc, org, 2014)


def test_nobody_approves_a_plan_they_prepared(ledger_path: Path) -> None:
    org = staff(ledger_path)
    with as_user(ledger_path, "kuaiji") as acc:
        plan = dist.get_plan(acc, org, 2014)
        assert plan is not None
        from dataclasses import replace

        dist.save_plan(acc, org, replace(plan, welfare_rate_e4=1500))
    with as_user(ledger_path, "guanli") as adm:  # the preparer is given the reviewer's role
        change_role(adm, "kuaiji", "reviewer")
    with as_user(ledger_path, "kuaiji") as same:
        with pytest.raises(PermissionDenied, match="another person"):
            dist.approve_plan(same, org, 2014)
    with as_user(ledger_path, "shenhe") as rev:
        dist.approve_plan(rev, org, 2014)
        with pytest.raises(DomainError, match="already approved"):
            dist.approve_plan(rev, org, 2014)


def test_plan_approve_on_the_command_line(ledger_path: Path) -> None:
    staff(ledger_path)
    db = str(ledger_path)
    out = run(
        "--db", db, "--user", "kuaiji", "distribute", "--year", "2014", "--commit", pw="kuaiji-pw"
    )
    assert out.returncode == 2 and "plan approve --year 2014" in out.stderr
    out = run("--db", db, "--user", "shenhe", "plan", "approve", "--year", "2014", pw="shenhe-pw")
    assert out.returncode == 0, out.stderr
    out = run(
        "--db", db, "--user", "kuaiji", "distribute", "--year", "2014", "--commit", pw="kuaiji-pw"
    )
    assert out.returncode == 0, out.stderr
    with as_user(ledger_path, "kuaiji") as acc:
        org = org_id(acc)
        # The distribution's vouchers carry the approver as their reviewer.
        from coopledger.services.views import VoucherFilter, page_rows

        rows = page_rows(acc, org, VoucherFilter(), limit=None)
        from coopledger.services.views import voucher_detail

        made = [voucher_detail(acc, org, r.id) for r in rows if r.memo.startswith("2014年")]
        assert made and {d.reviewed_by for d in made} == {"shenhe"}
