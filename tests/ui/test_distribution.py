"""The year-end distribution through the wizard: year → plan → preview (waterfall and the
household table, where 苏子柏 gets 1,600.00 of land fee and, return and dividend together,
230.00) → commit → slips printed to a PDF; then payments."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt

from coopledger.services import distribution, views
from coopledger.services.views import SlipFilter
from coopledger.ui.views.waterfall import waterfall_steps
from tests.ui.conftest import type_into


def test_run_the_2014_distribution_through_the_wizard(qtbot, window, lotus) -> None:
    view = window.show_view("distribution")
    wizard = view.open_wizard()
    qtbot.waitExposed(wizard)

    # 1. the year: 2014 is the open one
    assert wizard.year_page.year.currentData() == 2014
    assert wizard.year_page.isComplete()
    wizard.next()

    # 2. the plan, loaded from the book (a cooperative: no welfare fund, returns by the
    # members' land fees); a bad rate is shown beside its field
    plan = wizard.plan_page
    assert wizard.currentPage() is plan
    assert plan.cooperative and not plan.welfare.isVisibleTo(plan)
    assert plan.transaction_rate.isVisibleTo(plan)
    assert plan.reserve.text() == "0.1"
    assert plan.transaction_rate.text() == "0.6"
    assert plan.basis.currentData() == "land-fees" and not plan.transactions.isEnabled()
    assert plan.method.currentData() == "per-share"
    type_into(qtbot, plan.transaction_rate, "0.5")  # below the law's 60 %
    assert "0.6" in plan.error_labels["transaction_rate"].text()
    assert not plan.isComplete()
    type_into(qtbot, plan.transaction_rate, "60%")
    assert plan.error_labels["transaction_rate"].text() == ""
    type_into(qtbot, plan.reserve, "1.5")
    assert plan.error_labels["reserve_rate"].text()
    assert not plan.isComplete()
    type_into(qtbot, plan.reserve, "10%")
    assert plan.isComplete()
    wizard.next()  # saves the plan

    # 3. the preview
    page = wizard.preview_page
    assert wizard.currentPage() is page
    assert page.preview is not None
    r = page.preview.result
    steps = waterfall_steps(r)
    assert [s.label for s in steps][:6] == [
        "Operating result before land fees",
        "Land transfer fees",
        "Losses of earlier years made up",
        "Reserve set aside",
        "Returns by transactions",
        "Dividends by shares",
    ]
    assert steps[-1].end == r.undistributed > 0  # the few fen the per-share splits leave
    assert page.chart.steps == steps
    figures = page.figures.text()
    assert "每百元股金分红" in figures and "每百元交易额返还" in figures
    assert "提取公益金" not in figures  # a cooperative keeps no welfare fund
    type_into(qtbot, page.search, "苏子柏")
    rows = page.rows_shown()
    assert len(rows) == 1
    code, name, _group, land_fee, ret, dividend, total = rows[0]
    assert (code, name) == ("H0001", "苏子柏")
    assert (land_fee, ret, dividend, total) == ("1,600.00", "182.80", "47.20", "1,830.00")
    assert not page.table.isColumnHidden(4)  # the returns column, on a cooperative book
    assert not distribution.committed_years(lotus, 1)  # a preview writes nothing
    wizard.next()

    # 4. commit
    commit = wizard.commit_page
    assert wizard.currentPage() is commit
    assert not commit.isComplete()
    qtbot.mouseClick(commit.commit_button, Qt.MouseButton.LeftButton)
    assert commit.committed
    assert distribution.committed_years(lotus, 1) == [2014]
    wizard.next()

    # 5. print the slips
    job = wizard.print_page.print_slips()
    assert job.error is None and not job.cancelled
    assert job.dialog is not None and job.dialog.isVisible()
    pdf = Path(job.path)
    assert pdf.exists()
    reader = PdfReader(str(pdf))
    assert job.dialog.pages == len(reader.pages) == 59  # 177 slips, three to a page
    assert "苏子柏" in reader.pages[0].extract_text()
    saved = job.dialog.save_as(pdf.parent / "slips-copy.pdf")
    assert saved is not None and saved.read_bytes() == pdf.read_bytes()
    job.dialog.close()
    notice = wizard.print_page.print_notice()
    assert notice.dialog is not None and notice.dialog.pages >= 1


def test_payments_mark_slips_paid_and_show_who_is_unpaid(qtbot, qtmodeltester, demo) -> None:
    from tests.ui.conftest import make_window

    window = make_window(qtbot, demo)
    view = window.show_view("distribution")
    view.tabs.setCurrentWidget(view.payments)
    payments = view.payments
    qtmodeltester.check(payments.model, force_py=True)
    assert payments.year_combo.currentData() == 2014
    assert payments.model.rowCount() == 177  # everyone unpaid
    assert "177" in payments.totals.text()
    payments.bar.search.setText("H0001")
    payments.bar.fire()
    assert payments.model.rowCount() == 1
    payments.select_row(0)
    assert payments.cash_button.isEnabled()
    qtbot.mouseClick(payments.cash_button, Qt.MouseButton.LeftButton)
    assert payments.model.rowCount() == 0  # the view shows the unpaid only
    totals = views.slip_totals(demo, 1, SlipFilter(year=2014))
    assert totals.unpaid_count == 176
    assert totals.unpaid_total == totals.total - 183000
    assert "176" in payments.totals.text()
    paid = payments.bar.filters["paid"]
    paid.setCurrentIndex(paid.findData(True))
    assert payments.model.rowCount() == 1
    assert payments.model.row(0).paid_method == "cash"


def test_the_distribution_view_shows_the_committed_year(qtbot, demo, monkeypatch) -> None:
    from coopledger.ui import dialogs
    from tests.ui.conftest import make_window

    window = make_window(qtbot, demo)
    view = window.show_view("distribution")
    assert view.years_model.rowCount() == 1
    assert view.chart.steps  # the committed year's waterfall
    assert view.reverse_button.isEnabled()
    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: "方案有误")
    view.reverse()  # single-user mode: done at once
    assert distribution.committed_years(demo, 1) == []
    assert not view.reverse_button.isEnabled()


def test_the_waterfall_draws_a_loss_year(qtbot) -> None:
    from coopledger.domain.distribution import DistributionResult
    from coopledger.ui.views.waterfall import WaterfallChart

    loss = DistributionResult(
        year=2015,
        distributable=50_000_00,
        land_fees=80_000_00,
        loss_made_up=0,
        loss_carried=30_000_00,
        loss_carried_in=0,
        welfare=0,
        reserve=0,
        dividends=0,
        undistributed=0,
        contracts=(),
        holders=(),
        total_weight=0,
    )
    steps = waterfall_steps(loss)
    assert steps[1].end == -30_000_00  # the fees are paid in full: below zero
    assert steps[-1].label == "Loss not made up at the end of the year"
    assert steps[-1].end == -30_000_00
    chart = WaterfallChart()
    qtbot.addWidget(chart)
    chart.resize(700, 320)
    chart.set_result(loss)
    image = chart.grab().toImage()
    assert not image.isNull()
    assert image.pixelColor(350, 160).name() != "#000000"


def test_the_plan_page_of_a_village_book(qtbot, demo) -> None:
    from tests.ui.conftest import make_window

    window = make_window(qtbot, demo)
    from coopledger.services.accounts import list_organisations

    village = next(o for o in list_organisations(demo) if o.chart == "village-2023")
    window.ctx.set_org(village)
    view = window.show_view("distribution")
    wizard = view.open_wizard(2015)
    page = wizard.plan_page
    page.load(2015, None)
    assert not page.cooperative
    assert page.welfare.isVisibleTo(page) and not page.transaction_rate.isVisibleTo(page)
    type_into(qtbot, page.welfare, "0.3")
    type_into(qtbot, page.reserve, "0.8")  # together more than 1
    assert page.error_labels["reserve_rate"].text() and not page.isComplete()
    type_into(qtbot, page.reserve, "0.1")
    assert page.isComplete()
    assert page.plan is not None and page.plan.transaction_rate_e4 is None
