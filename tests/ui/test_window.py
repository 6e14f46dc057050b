"""The main window: every task view opens, the book switcher, the status bar, printing from
the Printing view, the audit trail, settings; errors and background work."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from coopledger import i18n
from coopledger.domain.errors import DomainError
from coopledger.services import views
from coopledger.services.settings import get_setting
from coopledger.ui import errors
from coopledger.ui.main_window import TASKS
from coopledger.ui.tasks import TaskRunner
from tests.ui.conftest import make_window, message_boxes


def test_every_task_view_opens(qtbot, demo) -> None:
    window = make_window(qtbot, demo)
    for key, *_ in TASKS:
        view = window.show_view(key)
        assert window.current_view() is view
    assert window.nav.count() == len(TASKS)
    assert not message_boxes()


def test_the_book_switcher_and_status_bar(qtbot, demo) -> None:
    window = make_window(qtbot, demo, org_name="山邑村股份经济合作社")
    assert window.org_combo.count() == 2
    assert window.ctx.org.name == "山邑村股份经济合作社"
    members = window.show_view("members")
    village_count = members.model.rowCount()
    window.org_combo.setCurrentIndex(window.org_combo.findText("山邑村红莲藕种植专业合作社"))
    assert window.ctx.org.name == "山邑村红莲藕种植专业合作社"
    assert members.model.rowCount() == 177 != village_count
    assert "demo.sqlite3" in window.ledger_label.text()
    assert window.user_label.text() == i18n._("Single-user mode")  # no users: 单机模式
    assert (
        i18n._("Period: {year}-{month:02d}").format(year=2014, month=12)
        in window.period_label.text()
    )


def test_print_slips_of_one_group_from_the_printing_view(qtbot, demo) -> None:
    window = make_window(qtbot, demo)
    view = window.show_view("printing")
    assert view.year.currentData() == 2014
    view.group.setCurrentIndex(view.group.findData("河边小组"))
    job = view.print_slips()
    assert job.dialog is not None
    n = views.count_rows(demo, 1, views.SlipFilter(year=2014, group="河边小组"))
    assert job.dialog.pages == -(-n // 3)
    job.dialog.close()
    statements = view.print_statements()
    assert statements.dialog is not None and statements.dialog.pages >= 2


def test_print_a_members_statement_and_account_from_the_printing_view(qtbot, demo) -> None:
    window = make_window(qtbot, demo)
    view = window.show_view("printing")
    assert view.account_button.isVisibleTo(view)  # the demo's first book is a cooperative
    view.member_statement.setText("H0001")
    job = view.print_member_statement()
    assert job is not None and job.error is None and job.dialog is not None
    job.dialog.close()
    job = view.print_member_account()
    assert job is not None and job.error is None and job.dialog is not None
    assert job.dialog.pages == 1
    job.dialog.close()


def test_a_print_error_is_shown_without_a_traceback(qtbot, demo) -> None:
    window = make_window(qtbot, demo)
    view = window.show_view("printing")
    view.member.setText("H9999")  # nobody
    job = view.print_slips()
    assert isinstance(job.error, DomainError)
    boxes = message_boxes()
    assert len(boxes) == 1
    assert "Traceback" not in boxes[0].text()
    boxes[0].close()


def test_the_audit_trail_and_verify(qtbot, demo) -> None:
    window = make_window(qtbot, demo)
    view = window.show_view("audit")
    assert view.model.rowCount() > 10
    first = view.model.row(0)
    assert first.id == max(view.model.row(i).id for i in range(view.model.rowCount()))
    view.verify_ledger()
    assert view.last_report.ok
    box = message_boxes()[0]
    box.close()


def test_settings_save_and_language(qtbot, demo) -> None:
    window = make_window(qtbot, demo)
    view = window.show_view("settings")
    view.edits["notice_days"].setText("7")
    view.edits["objection_phone"].setText("0875-1234567")
    view.save_settings()
    assert get_setting(demo, "notice_days", 1) == "7"
    assert get_setting(demo, "objection_phone", 1) == "0875-1234567"
    view.edits["notice_days"].setText("seven")
    view.save_settings()
    assert view.settings_error.text()
    view.language.setCurrentIndex(view.language.findData("en"))
    assert get_setting(demo, "language") == "en"


def test_backup_from_the_window(qtbot, demo, tmp_path: Path) -> None:
    window = make_window(qtbot, demo)
    target = tmp_path / "copy.sqlite3"
    window.show_view("settings").backup_now(target)
    assert target.exists() and target.stat().st_size > 0


def test_export_the_visible_table_to_excel(qtbot, demo, tmp_path: Path) -> None:
    import openpyxl

    from coopledger.ui.views.base import export_rows

    window = make_window(qtbot, demo)
    view = window.show_view("members")
    group = view.bar.filters["group"]
    group.setCurrentIndex(group.findData("河边小组"))
    out = tmp_path / "members.xlsx"
    export_rows(window.ctx, view, view.model, "members", out)
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Code", "Name") or rows[0][0] != ""
    assert len(rows) - 1 == view.model.rowCount()
    assert all(r[3] == "河边小组" for r in rows[1:])


def test_import_a_book_from_the_file_menu(qtbot, lotus) -> None:
    from tests.ui.conftest import VILLAGE

    window = make_window(qtbot, lotus)
    assert window.org_combo.count() == 1
    window.import_book(VILLAGE)
    assert window.org_combo.count() == 2
    assert window.ctx.org.name == "山邑村股份经济合作社"
    window.import_book(VILLAGE)  # twice: refused, shown plainly
    box = message_boxes()[0]
    assert "Traceback" not in box.text()


# -- errors ----------------------------------------------------------------------------------


def test_a_user_error_is_shown_as_its_message(qtbot) -> None:
    box = errors.show_error(
        None, DomainError("member.code", "member code {code} is already used", code="H1")
    )
    qtbot.addWidget(box)
    assert box.text() == i18n._("member code {code} is already used").format(code="H1")
    assert box.icon() == QMessageBox.Icon.Warning


def test_an_unexpected_error_apologises_and_logs(qtbot, tmp_path: Path) -> None:
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError as exc:
        box = errors.show_error(None, exc)
    qtbot.addWidget(box)
    log = tmp_path / errors.LOG_NAME
    assert str(log) in box.text()
    assert "Traceback" not in box.text() and "boom" not in box.text()
    assert "ZeroDivisionError: boom" in log.read_text(encoding="utf-8")


def test_a_failing_write_leaves_the_data_untouched(qtbot, lotus, monkeypatch) -> None:
    from coopledger.services import registers

    window = make_window(qtbot, lotus)
    view = window.show_view("members")
    dialog = view.add_member()
    dialog.fields["name"].widget.setText("王五")

    def broken(*_a, **_k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(registers, "add_member", broken)
    dialog.submit()
    assert dialog.isVisible()
    assert views.count_rows(lotus, 1, views.MemberFilter()) == 177
    box = message_boxes()[0]
    assert "disk on fire" not in box.text()


# -- background work -------------------------------------------------------------------------


def test_a_task_runs_in_the_background_and_can_be_cancelled(qtbot) -> None:
    runner = TaskRunner()  # the real one-thread pool
    started = threading.Event()
    outcome: list[str] = []

    def slow(progress) -> int:
        started.set()
        for i in range(1000):
            if not progress(i, 1000):
                raise RuntimeError("stopped")  # what a service does when told to stop
            time.sleep(0.005)
        return 1

    runner.run(
        slow,
        on_done=lambda r: outcome.append("done"),
        on_cancel=lambda: outcome.append("cancelled"),
    )
    assert started.wait(2)
    assert runner.busy
    qtbot.wait(30)  # the window keeps processing events meanwhile
    runner.cancel()
    qtbot.waitUntil(lambda: outcome == ["cancelled"], timeout=3000)
    assert not runner.busy


def test_task_results_and_errors_come_back_on_the_main_thread(qtbot) -> None:
    runner = TaskRunner()
    main = threading.get_ident()
    seen: list[tuple[str, int]] = []
    runner.run(lambda: threading.get_ident(), on_done=lambda worker: seen.append(("done", worker)))
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    assert seen[0][1] != main
    failures: list[BaseException] = []
    runner.run(lambda: 1 / 0, on_error=failures.append, on_done=lambda r: None)
    qtbot.waitUntil(lambda: bool(failures), timeout=3000)
    assert isinstance(failures[0], ZeroDivisionError)
    assert runner.wait(2000)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_app_font_and_qt_translations(qtbot, lang: str) -> None:
    from PySide6.QtWidgets import QApplication

    from coopledger.ui.app import install_translators, load_app_font

    app = QApplication.instance()
    assert load_app_font(app) == "Noto Sans SC"
    installed = install_translators(app, lang)
    for t in installed:
        app.removeTranslator(t)


def test_import_members_from_a_spreadsheet(qtbot, lotus, tmp_path: Path) -> None:
    window = make_window(qtbot, lotus)
    good = tmp_path / "members.csv"
    good.write_text(
        "户号,户主姓名,村民小组\nH0500,杨树林,河边小组\nH0501,李春梅,大村小组\n", encoding="utf-8"
    )
    window.import_roster("members", good, ask=False)
    assert views.count_rows(lotus, 1, views.MemberFilter()) == 179
    bad = tmp_path / "bad.csv"
    bad.write_text("户号,户主姓名,身份证号\nH0502,王二,12345\n", encoding="utf-8")
    window.import_roster("members", bad, ask=False)
    assert views.count_rows(lotus, 1, views.MemberFilter()) == 179  # all or nothing
    box = message_boxes()[0]
    assert "Traceback" not in box.text()


def test_the_program_opens_its_window_and_quits(demo_template, tmp_path: Path) -> None:
    """The real entry point, in its own process (an event loop that quits cannot be run
    again inside the test process)."""
    import shutil
    import subprocess
    import sys

    db = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_template, db)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "COOPLEDGER_QUIT_AFTER_MS": "300"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "coopledger", "--db", str(db)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert time.perf_counter() - started < 10


def test_the_progress_panel_cancels_printing_thousands_of_slips(qtbot, demo, tmp_path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWidget

    from coopledger.services import printing
    from coopledger.ui.context import AppContext
    from coopledger.ui.tasks import TaskPanel
    from coopledger.ui.views.printing import preview_report

    runner = TaskRunner()  # a real background thread
    ctx = AppContext(demo, runner)
    host = QWidget()
    qtbot.addWidget(host)
    panel = TaskPanel(runner)
    qtbot.addWidget(panel)
    gate = threading.Event()

    def make(out, progress):
        gate.wait(5)  # hold the job until the test has pressed Cancel
        return printing.print_slips(demo, 1, 2014, out, progress=progress)

    job = preview_report(ctx, host, "slips", make)
    assert not panel.isHidden()
    assert panel.cancel_button.isEnabled()
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    gate.set()
    qtbot.waitUntil(lambda: job.cancelled, timeout=10_000)
    assert job.dialog is None and job.error is None
    assert not job.path.exists()
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert panel.isHidden()


def test_print_through_qprinter(qtbot, demo, tmp_path) -> None:
    from pypdf import PdfReader
    from PySide6.QtPrintSupport import QPrinter

    from coopledger.services import printing
    from coopledger.ui.views.printing import PdfPreviewDialog, render_to_printer

    pdf = printing.print_notice(demo, 1, 2014, tmp_path / "notice.pdf")
    dialog = PdfPreviewDialog(pdf, "notice")
    qtbot.addWidget(dialog)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    pages = render_to_printer(dialog.document, printer)
    assert pages == dialog.pages >= 1
    assert len(PdfReader(str(tmp_path / "printed.pdf")).pages) == pages
