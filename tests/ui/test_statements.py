"""The window's statements, books, chart and opening balances: the same forms and warnings
as the papers, a year closed after a confirmation and reopened with a reason, the books with
上年结转 / 本月合计 / 本年累计 printed from the view, sub-accounts and 建账."""

from __future__ import annotations

import datetime as dt

from coopledger.services import accounts, opening, yearend
from coopledger.services.statements import statements_json, year_statements
from coopledger.ui import dialogs
from coopledger.ui.views.printing import PdfPreviewDialog
from tests.ui.conftest import make_window, message_boxes


def test_statements_view_shows_the_forms_and_their_warnings(qtbot, demo) -> None:
    window = make_window(qtbot, demo, org_name="山邑村红莲藕种植专业合作社")
    view = window.show_view("statements")
    view.year.setValue(2014)
    view.refresh_now()
    assert view.tabs.count() == 3  # a cooperative book: 会农社01–03表
    model = view.form_model("balance_sheet")
    assert model is not None
    everything = statements_json(year_statements(demo, window.ctx.org_id, 2014))
    want = everything["balance_sheet"]
    shown = {model.row(i).line.label: model.row(i).values for i in range(model.rowCount())}
    total = next(ln for ln in want["lines"] if ln["name"] == "资产总计")
    closing = [c["id"] for c in want["columns"]].index("closing")  # 期末余额 first on 会农社01表
    assert shown["资产总计"][closing] == int(total["closing"].replace(".", ""))
    assert view.warnings.count() == 0
    checks = everything["checks"]
    assert all(c["ok"] for c in checks)
    assert f"{len(checks)}/{len(checks)}" in view.warnings_title.text()
    job = view.print_statements()
    from pypdf import PdfReader

    printed = len(PdfReader(job.path).pages)
    assert printed >= 3  # 会农社01–03表 (and the notes)
    assert job.dialog is not None and job.dialog.pages == printed
    job.dialog.close()
    assert not message_boxes()


def test_close_after_confirmation_and_reopen_with_a_reason(qtbot, demo, monkeypatch) -> None:
    window = make_window(qtbot, demo, org_name="山邑村红莲藕种植专业合作社")
    org = window.ctx.org_id
    view = window.show_view("statements")
    view.year.setValue(2014)
    view.refresh_now()
    asked: list[str] = []

    def refuse(parent, title, text, **_kwargs) -> bool:
        asked.append(text)
        return False

    monkeypatch.setattr(dialogs, "confirm", refuse)
    view.close_year()
    assert asked and "2014" in asked[0]
    assert "未分配收益" in asked[0]
    assert not yearend.year_status(demo, org, 2014).closed  # the user said no
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: True)
    view.close_year()
    assert yearend.year_status(demo, org, 2014).closed
    assert view.reopen_button.isEnabled() and not view.close_button.isEnabled()
    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: "审计发现漏记收入")
    view.reopen_year()
    assert not yearend.year_status(demo, org, 2014).closed
    check = view.year_check(show=False)
    assert check is not None and check.tree.topLevelItemCount() == 8  # imports included
    assert check.shares.topLevelItemCount() >= 3


def test_books_show_the_month_and_year_lines_and_print(qtbot, demo) -> None:
    window = make_window(qtbot, demo, org_name="山邑村红莲藕种植专业合作社")
    view = window.show_view("books")
    view.tabs.setCurrentWidget(view.sl)
    view.sl_kind.setCurrentIndex(view.sl_kind.findData("bank"))
    assert view.sl_account.code() == "102"
    view.sl_year.setValue(2014)
    view.show_subsidiary_ledger()
    rows = [view.sl_model.row(i) for i in range(view.sl_model.rowCount())]
    assert rows[0].kind == "opening"
    assert [r.memo for r in rows if r.kind != "entry"][1:3] == ["本月合计", "本年累计"]
    assert rows[-1].memo == "本年累计" and rows[-1].direction == "借"
    assert all(r.counter for r in rows if r.kind == "entry")  # the bank journal's 对方科目
    job = view.print_book()
    assert job is not None and job.dialog is not None and job.dialog.pages >= 1
    job.dialog.close()
    for printer in (view.print_general_ledger, view.print_trial_balance):
        job = printer()
        assert job.dialog is not None
        job.dialog.close()
    assert not [w for w in view.findChildren(PdfPreviewDialog) if w.isVisible()]


def test_sub_accounts_and_opening_balances(qtbot, demo) -> None:
    org = accounts.create_organisation(demo, "新建村股份经济合作社")
    window = make_window(qtbot, demo, org_name="新建村股份经济合作社")
    view = window.show_view("accounts")
    view.refresh_now()
    view.select_code("501")
    dialog = view.add_sub_account()
    assert dialog is not None
    assert dialog.fields["code"].widget.text() == "50101"
    dialog.fields["code"].widget.setText("5011")
    dialog.fields["name"].widget.setText("经营收入—莲藕")
    assert not dialog.save_button.isEnabled()
    assert "5011" in dialog.errors_shown()["code"]
    dialog.fields["code"].widget.setText("50101")
    dialog.submit()
    assert any(r.code == "50101" for r in accounts.chart_rows(demo, org))
    # opening balances, typed
    view.tabs.setCurrentWidget(view.opening)
    w = view.opening
    w.date.set_date(dt.date(2024, 1, 1))
    w.set_amount("102", debit="10,000.00")
    w.set_amount("301", credit="9000.00")
    assert not w.is_complete() and not w.post_button.isEnabled()
    assert "1,000.00" in w.totals.text()
    i = w.add_member_row("113", "H9999", credit=1000_00)
    assert w.is_complete()
    w.post()
    assert "H9999" in w.error.text()  # no such member: named, nothing posted
    assert opening.current_opening(demo, org) is None
    w.members.removeRow(i)
    w.set_amount("32202", credit="1000.00")
    assert w.is_complete() and w.post_button.isEnabled()
    w.post()
    posted = opening.current_opening(demo, org)
    assert posted is not None and posted.debit == 10_000_00
    assert w.has_opening and w.replace.isVisible()
