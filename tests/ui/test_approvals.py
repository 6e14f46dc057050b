"""The second person in the window: the plan approved in the distribution view, requests
approved and import batches reviewed in 审批与复核, and buttons a role may not press disabled
with a tooltip naming the role that may."""

from __future__ import annotations

from pathlib import Path

from coopledger.services import approvals, imports
from coopledger.services import distribution as dist
from coopledger.ui import dialogs
from tests.security.controls_office import as_user, staff
from tests.ui.conftest import make_window


def _select(table: object, row: int = 0) -> None:
    table.selectRow(row)  # type: ignore[attr-defined]


def test_the_reviewer_approves_the_plan_and_reviews_the_import(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    path = tmp_path / "office.sqlite3"
    org = staff(path, importer="kuaiji")
    with as_user(path, "kuaiji") as acc:
        window = make_window(qtbot, acc)
        view = window.show_view("distribution")
        view.years_table.selectRow(0)
        assert not view.approve_button.isEnabled()
        assert "审核、村务监督" in view.approve_button.toolTip()
        desk = window.show_view("approvals")
        _select(desk.batch_table)
        assert not desk.review_button.isEnabled()
        assert "审核" in desk.review_button.toolTip()
        window.close()
    with as_user(path, "shenhe") as rev:
        window = make_window(qtbot, rev)
        view = window.show_view("distribution")
        view.years_table.selectRow(0)
        assert view.approve_button.isEnabled()
        view.approve_plan()
        assert view.years_model.row(0).approved_by == "shenhe"
        assert not view.approve_button.isEnabled()
        desk = window.show_view("approvals")
        assert desk.batches.rowCount() == 1
        _select(desk.batch_table)
        assert desk.review_button.isEnabled()
        monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: "核对无误")
        desk.review()
        assert imports.list_batches(rev, org, unreviewed_only=True) == []
        assert desk.batches.rowCount() == 0  # the view shows the waiting ones
        window.close()


def test_a_request_is_approved_in_the_window_by_someone_else(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    path = tmp_path / "office.sqlite3"
    org = staff(path)
    with as_user(path, "shenhe") as rev:
        dist.approve_plan(rev, org, 2014)
    with as_user(path, "kuaiji") as acc:
        dist.commit_distribution(acc, org, 2014)
        window = make_window(qtbot, acc)
        view = window.show_view("distribution")
        view.years_table.selectRow(0)
        assert view.reverse_button.isEnabled()
        monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: "方案有误")
        view.reverse()
        (asked,) = approvals.list_requests(acc, org, pending_only=True)
        desk = window.show_view("approvals")
        _select(desk.request_table)
        assert not desk.approve_button.isEnabled() and desk.withdraw_button.isEnabled()
        window.close()
    with as_user(path, "jiandu") as sup:
        window = make_window(qtbot, sup)
        desk = window.show_view("approvals")
        assert desk.requests.rowCount() == 1
        _select(desk.request_table)
        assert desk.approve_button.isEnabled() and not desk.withdraw_button.isEnabled()
        desk.approve()
        assert dist.committed_years(sup, org) == []
        assert approvals.list_requests(sup, org)[0].id == asked.id
        window.close()
