"""Every window fits a 1366×768 screen with a 40 px taskbar (1366×728, frame included) and
stays usable on 1280×720: the main window on every view, and every dialog, wizard page,
preview and message box the views open. Window titles are Chinese.

The screen is the one a village office has, whatever the test machine's: ``screen.available``
is told it is 1366×728 by tests/ui/conftest.py (`village_screen`), as a real screen of that size
would say."""

from __future__ import annotations

import re

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from coopledger.domain.errors import DomainError
from coopledger.ui import errors, screen
from coopledger.ui.main_window import TASKS
from tests.ui.conftest import make_window

CJK = re.compile(r"[\u4e00-\u9fff]")


def opened_from(w: QWidget, window: QWidget) -> bool:
    """Whether ``w`` is ``window`` or a window opened from it (earlier tests' are not)."""
    while w is not None:
        if w is window:
            return True
        w = w.parentWidget()
    return False


def shown(window: QWidget) -> list[QWidget]:
    """The windows open now: the main window and what was opened from it."""
    return [
        w
        for w in QApplication.topLevelWidgets()
        if w.isVisible()
        and w.isWindow()
        and not w.windowType().name.endswith("Popup")
        and opened_from(w, window)
    ]


def minimum_of(w: QWidget) -> QSize:
    """The smallest a window can be made (its layout's minimum, or a set minimum)."""
    layout = w.layout()
    least = layout.totalMinimumSize() if layout is not None else w.minimumSizeHint()
    return least.expandedTo(w.minimumSize())


def check(w: QWidget, seen: dict[str, QSize]) -> None:
    name = f"{type(w).__name__} «{w.windowTitle()}»"
    assert screen.fits(w.size()), f"{name} is {w.width()}×{w.height()}: too big for 1366×728"
    least = minimum_of(w)
    assert screen.fits(least, screen.SMALL_SCREEN), (
        f"{name} cannot be smaller than {least.width()}×{least.height()}: unusable on 1280×720"
    )
    assert CJK.search(w.windowTitle()), f"{name}: the window title is not Chinese"
    seen[type(w).__name__] = w.size()


def check_all(seen: dict[str, QSize], keep: QWidget) -> None:
    """Check every window open now, then close all but ``keep`` (the main window)."""
    QApplication.processEvents()
    for w in shown(keep):
        assert w.objectName() != "errorBox", w.text()  # an unexpected error
        check(w, seen)
    for w in shown(keep):
        if w is not keep:
            w.close()
    QApplication.processEvents()


def test_every_window_and_dialog_fits_the_screen(qtbot, demo, monkeypatch) -> None:
    window = make_window(qtbot, demo)
    seen: dict[str, QSize] = {}
    check_all(seen, window)
    assert window.width() <= 1280 and window.height() + screen.FRAME.height() <= 728

    # every view, the widest first-time layouts included: the window never grows
    for key, *_ in TASKS:
        window.show_view(key)
        QApplication.processEvents()
        check(window, seen)
        assert window.width() <= screen.SCREEN.width() - screen.FRAME.width(), key

    # 成员
    members = window.show_view("members")
    members.select_row(0)
    members.add_member()
    check_all(seen, window)
    members.edit_member()
    check_all(seen, window)
    members.deactivate_member()
    check_all(seen, window)

    # 土地流转
    contracts = window.show_view("contracts")
    contracts.add_contract()
    check_all(seen, window)
    contracts.select_row(0)
    contracts.terminate_contract()
    check_all(seen, window)
    contracts.show_fees()
    check_all(seen, window)

    # 股本
    shares = window.show_view("shares")
    shares.add_lot()
    check_all(seen, window)
    for row in range(shares.model.rowCount()):
        shares.select_row(row)
        if shares.transfer() is not None:
            break
    check_all(seen, window)

    # 凭证: a new one, a posted one, the red reversal, month close, a voucher's print
    vouchers = window.show_view("vouchers")
    vouchers.new_voucher()
    check_all(seen, window)
    vouchers.bar.filters["state"].setCurrentIndex(vouchers.bar.filters["state"].findData("posted"))
    vouchers.bar.fire()
    vouchers.select_row(0)
    vouchers.open_selected()
    check_all(seen, window)
    vouchers.reverse()
    check_all(seen, window)
    vouchers.close_month()
    check_all(seen, window)
    vouchers.print_voucher()
    check_all(seen, window)

    # 账簿: a book's print preview
    books = window.show_view("books")
    books.print_trial_balance()
    check_all(seen, window)

    # 报表: the year-end check
    statements = window.show_view("statements")
    statements.year.setValue(2014)
    statements.year_check()
    check_all(seen, window)

    # 收益分配: the wizard, page by page (the plan page is the tallest)
    distribution = window.show_view("distribution")
    wizard = distribution.open_wizard(year=2014)
    for _page in range(3):
        QApplication.processEvents()
        check(wizard, seen)
        wizard.next()
    check_all(seen, window)

    # 打印: slips
    printing = window.show_view("printing")
    printing.print_slips()
    check_all(seen, window)

    # 科目: a sub-account
    chart = window.show_view("accounts")
    chart.select_code("101")
    chart.add_sub_account()
    check_all(seen, window)

    # 设置: a user, a book
    settings = window.show_view("settings")
    settings.add_user()  # no users yet: the people are set up together
    check_all(seen, window)
    from coopledger.ui.views.settings import NewBookDialog, UserDialog

    UserDialog(window.ctx, first=False, parent=window).show()  # one more person, later
    check_all(seen, window)
    settings.new_book()  # the set-up wizard
    check_all(seen, window)
    NewBookDialog(window.ctx, window).show()
    check_all(seen, window)

    # the log-in (the window starts with it when the ledger has users)
    from coopledger.ui.login import LoginDialog

    login = LoginDialog(demo.path, parent=window)
    login.show()
    check_all(seen, window)

    # messages, and Qt's own file dialog (translated)
    errors.show_error(window, DomainError("x", "问题"))
    check_all(seen, window)
    errors.show_info(window, "提示", "完成")
    check_all(seen, window)
    files = QFileDialog(window, "打开")
    files.setOption(QFileDialog.Option.DontUseNativeDialog)
    files.show()
    check_all(seen, window)

    for name in (
        "MemberDialog",
        "LeaveDialog",
        "ContractDialog",
        "TerminateDialog",
        "FeeScheduleDialog",
        "ShareLotDialog",
        "TransferDialog",
        "VoucherEditor",
        "ReverseDialog",
        "ClosePeriodDialog",
        "PdfPreviewDialog",
        "YearCheckDialog",
        "DistributionWizard",
        "SubAccountDialog",
        "PeopleDialog",
        "UserDialog",
        "SetupWizard",
        "NewBookDialog",
        "QMessageBox",
        "QFileDialog",
        "LoginDialog",
    ):
        assert name in seen, f"{name} was not opened ({sorted(seen)})"


def test_the_window_opens_within_a_small_screen(qtbot, demo, monkeypatch) -> None:
    monkeypatch.setattr(screen, "available", lambda widget=None: QSize(1280, 680))
    window = make_window(qtbot, demo)
    for key, *_ in TASKS:
        window.show_view(key)
    QApplication.processEvents()
    assert screen.fits(window.size(), screen.SMALL_SCREEN)
    editor = window.show_view("vouchers").new_voucher()
    assert screen.fits(editor.size(), screen.SMALL_SCREEN)
    editor.close()


def test_a_long_form_scrolls_rather_than_grows(qtbot, demo) -> None:
    from coopledger.ui.screen import ScrollArea
    from coopledger.ui.views.members import MemberDialog

    window = make_window(qtbot, demo)
    dialog = MemberDialog(window.ctx, None, window)
    area = dialog.findChild(ScrollArea)
    assert area is not None and area.widget().isAncestorOf(dialog.fields["code"].widget)
    assert dialog.buttons.parentWidget() is dialog  # the buttons stay in view
    assert minimum_of(dialog).height() < 300
