"""The user guide's screenshots of the window (``docs/img/ui-*.png``), taken from the real
program on the demo ledger, at the size it opens on a 1366×768 screen with a 40 px taskbar.

Run it under an X server of that size (Xvfb) from the repository root:

    Xvfb :99 -screen 0 1366x768x24 &
    DISPLAY=:99 .venv/bin/python scripts/screenshots.py            # every shot
    DISPLAY=:99 .venv/bin/python scripts/screenshots.py voucher    # some of them

Each shot is a function below: it brings the window to a state a village accountant sees
(a voucher being typed, a payment asked about, the 明细账 of the bank account) and grabs
the window, or the dialog on top of it. Rerun it when a view changes and commit the PNGs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "img"

Shot = Callable[["Studio"], "object"]
SHOTS: dict[str, Shot] = {}


def shot(name: str) -> Callable[[Shot], Shot]:
    def register(fn: Shot) -> Shot:
        SHOTS[name] = fn
        return fn

    return register


class Studio:
    """The window on a fresh demo ledger, and the means to settle and grab it."""

    def __init__(self, folder: Path) -> None:
        from PySide6.QtCore import QSize

        from coopledger import i18n
        from coopledger.services.demo import build_demo
        from coopledger.services.ledger import open_ledger
        from coopledger.ui import dialogs, screen
        from coopledger.ui.app import install_translators, load_app_font, make_app
        from coopledger.ui.main_window import MainWindow
        from coopledger.ui.tasks import SyncPool

        i18n.set_language("zh_CN")
        # The office PC: 1366×768 less the taskbar (Xvfb has none).
        screen.available = lambda widget=None: QSize(screen.SCREEN)  # type: ignore[assignment]
        # Questions are shown by the shots themselves; the acts they guard go ahead.
        dialogs.confirm = lambda *a, **k: True  # type: ignore[assignment]
        self.app = make_app()
        load_app_font(self.app)
        install_translators(self.app, "zh_CN")
        path = folder / "demo.sqlite3"
        ledger = open_ledger(path, user="会计", create=True)
        build_demo(ledger)
        self.ledger = ledger
        self.window = MainWindow(ledger, pool=SyncPool())
        self.window.move(0, 0)
        self.window.show()
        self.settle()

    def settle(self, ms: int = 300) -> None:
        """Let the window paint (and timers run) for a moment."""
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def view(self, key: str) -> object:
        view = self.window.show_view(key)
        self.settle()
        return view

    def org(self, name: str) -> None:
        combo = self.window.org_combo
        combo.setCurrentIndex(combo.findText(name))
        self.settle()

    def grab(self, widget: object, name: str, *, screen_area: bool = False) -> Path:
        """Save ``widget`` as ``docs/img/<name>.png`` (the screen under it, popups included,
        with ``screen_area``)."""
        from PySide6.QtGui import QGuiApplication
        from PySide6.QtWidgets import QWidget

        assert isinstance(widget, QWidget)
        self.settle()
        if screen_area:
            g = widget.frameGeometry()
            pixmap = QGuiApplication.primaryScreen().grabWindow(
                0, g.x(), g.y(), g.width(), g.height()
            )
        else:
            pixmap = widget.grab()
        target = OUT / f"{name}.png"
        pixmap.save(str(target))
        print(f"wrote {target.relative_to(ROOT)} ({pixmap.width()}×{pixmap.height()})")
        return target


VILLAGE = "山邑村股份经济合作社"
LOTUS = "山邑村红莲藕种植专业合作社"


@shot("members")
def members(s: Studio) -> None:
    s.org(VILLAGE)
    view = s.view("members")
    view.select_row(2)  # type: ignore[attr-defined]
    s.grab(s.window, "ui-members")


@shot("vouchers")
def vouchers(s: Studio) -> None:
    s.org(VILLAGE)
    s.view("vouchers")
    s.grab(s.window, "ui-vouchers")


@shot("voucher")
def voucher(s: Studio) -> None:
    """A voucher typed from paper: office supplies bought, partly in cash, the last line's account
    being looked up by its pinyin initials."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from coopledger.ui.views.voucher_editor import ACCOUNT, CREDIT, DEBIT

    s.org(VILLAGE)
    view = s.view("vouchers")
    editor = view.new_voucher()  # type: ignore[attr-defined]
    editor.move(120, 60)
    editor.attachments.setValue(2)
    editor.memo.setText("购买村委会办公用品")
    editor.set_cell(0, 0, "购买办公用品")
    editor.set_cell(0, ACCOUNT, "51301 管理费用—办公")
    editor.set_cell(0, DEBIT, "1268.50")
    editor.set_cell(1, 0, "购买办公用品")
    editor.set_cell(1, ACCOUNT, "101 库存现金")
    editor.set_cell(1, CREDIT, "1000")
    editor.set_cell(2, 0, "购买办公用品")
    editor.edit_cell(2, ACCOUNT)
    s.settle()
    picker = editor.lines.indexWidget(editor.lines.model().index(2, ACCOUNT))
    QTest.keyClicks(picker, "yhck")
    s.settle(500)
    s.grab(editor, "ui-voucher", screen_area=True)
    QTest.keyClick(s.app.activePopupWidget() or picker, Qt.Key.Key_Return)
    s.settle()
    amount = editor.lines.indexWidget(editor.lines.currentIndex())
    QTest.keyClick(amount, Qt.Key.Key_Return)
    s.settle()
    credit = editor.lines.indexWidget(editor.lines.currentIndex())
    QTest.keyClick(credit, Qt.Key.Key_Equal)
    QTest.keyClick(credit, Qt.Key.Key_Return)
    s.settle()
    from coopledger.ui import dialogs

    box = dialogs.confirm_box(
        editor,
        "凭证记账",
        editor.post_question(editor.voucher_input()),
        action="记账",
        default_yes=True,
    )
    box.show()
    s.settle()
    s.grab(box, "ui-confirm-post")
    box.close()
    editor._saved_state = editor.entered()  # dropped without a question: only a picture
    editor.reject()


@shot("books")
def books(s: Studio) -> None:
    """The bank journal of 2014 as on paper: 上年结转, the entries, 本月合计 and 本年累计,
    each balance with its 借/贷."""
    s.org(VILLAGE)
    view = s.view("books")
    view.tabs.setCurrentWidget(view.sl)  # type: ignore[attr-defined]
    view.sl_kind.setCurrentIndex(view.sl_kind.findData("bank"))  # type: ignore[attr-defined]
    view.sl_year.setValue(2014)  # type: ignore[attr-defined]
    view.show_subsidiary_ledger()  # type: ignore[attr-defined]
    s.grab(s.window, "ui-books")


@shot("statements")
def statements(s: Studio) -> None:
    s.org(VILLAGE)
    view = s.view("statements")
    view.year.setValue(2014)  # type: ignore[attr-defined]
    view.refresh_now()  # type: ignore[attr-defined]
    s.grab(s.window, "ui-statements")


@shot("opening")
def opening(s: Studio) -> None:
    s.org(VILLAGE)
    view = s.view("accounts")
    view.tabs.setCurrentIndex(1)  # type: ignore[attr-defined]
    s.grab(s.window, "ui-opening")


@shot("distribution")
def distribution(s: Studio) -> None:
    """The distribution wizard's plan and preview. The demo has 2014 committed: it is
    reversed first, then planned, previewed and committed again."""
    from coopledger.services import distribution as dist

    s.org(VILLAGE)
    if 2014 in dist.committed_years(s.ledger, s.window.ctx.org_id):
        dist.reverse_distribution(s.ledger, s.window.ctx.org_id, 2014, "重新分配（截图）")
    view = s.view("distribution")
    wizard = view.open_wizard(year=2014)  # type: ignore[attr-defined]
    wizard.move(60, 10)
    wizard.next()
    s.grab(wizard, "ui-wizard-plan")
    wizard.next()
    s.settle()
    s.grab(wizard, "ui-distribution-preview")
    wizard.next()
    wizard.commit_page.commit()
    wizard.close()
    s.settle()


@shot("payments")
def payments(s: Studio) -> None:
    """Paying two households in cash: the question first, then the message bar."""
    from coopledger.ui import dialogs
    from coopledger.ui.views.distribution import payment_lines, payment_question

    s.org(VILLAGE)
    view = s.view("distribution")
    view.tabs.setCurrentWidget(view.payments)  # type: ignore[attr-defined]
    p = view.payments  # type: ignore[attr-defined]
    p.pay_date.set_date(dt.date(2015, 1, 20))
    p.refresh()
    s.settle()
    for row in (0, 1):
        p.table.selectionModel().select(
            p.model.index(row, 0),
            p.table.selectionModel().SelectionFlag.Select
            | p.table.selectionModel().SelectionFlag.Rows,
        )
    rows = p.selected_rows()
    box = dialogs.confirm_box(
        p,
        "登记付款",
        payment_question(rows, "cash", dt.date(2015, 1, 20)),
        action="现金付讫",
        details="\n".join(payment_lines(rows, "cash")),
    )
    box.show()
    s.settle()
    s.grab(box, "ui-confirm-payment")
    box.close()
    p.pay("cash")
    s.settle()
    s.grab(s.window, "ui-payments")


@shot("audit")
def audit(s: Studio) -> None:
    s.org(VILLAGE)
    s.view("audit")
    s.grab(s.window, "ui-audit")


@shot("assets")
def assets(s: Studio) -> None:
    s.org(VILLAGE)
    view = s.view("assets")
    view.select_row(0)  # type: ignore[attr-defined]
    s.grab(s.window, "ui-assets")


@shot("approvals")
def approvals(s: Studio) -> None:
    s.org(VILLAGE)
    s.view("approvals")
    s.grab(s.window, "ui-approvals")


@shot("setup-wizard")
def setup_wizard(s: Studio) -> None:
    """The set-up wizard at its people step, for a second book (last: it adds the book)."""
    wizard = s.window.start_setup()
    s.settle()
    page = wizard.page_named("organisation")
    page.name.setText("上寨村股份经济合作社")
    page.township.setText("山邑镇")
    wizard.next()
    s.settle()
    page = wizard.page_named("period")
    page.year.setValue(2025)
    page.month.setCurrentIndex(0)
    wizard.next()
    s.settle()
    form = wizard.page_named("people").form
    form.set_person("accountant", "张会计", "kuaiji", "kuaiji-pw")
    form.set_person("reviewer", "李审核", "shenhe", "shenhe-pw")
    form.set_person("admin", "王主任", "admin", "admin-pw")
    s.grab(wizard, "ui-setup-wizard")
    wizard.reject()
    s.settle()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help=f"shots to take ({', '.join(SHOTS)}); all")
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY"):
        print("needs an X server: Xvfb :99 -screen 0 1366x768x24 & DISPLAY=:99 …")
        return 2
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    os.environ.setdefault("COOPLEDGER_LANG", "zh_CN")
    sys.path.insert(0, str(ROOT))
    names = args.names or list(SHOTS)
    unknown = [n for n in names if n not in SHOTS]
    if unknown:
        parser.error(f"no such shot: {', '.join(unknown)}")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        studio = Studio(Path(tmp))
        try:
            for name in names:
                SHOTS[name](studio)
        finally:
            studio.window.close()
            studio.ledger.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
