"""打印 Printing: every paper is made as a PDF in the background (with progress and Cancel),
then opens in an in-app preview (QtPdf) from which it is printed or saved."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRect, QSize
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from coopledger.domain.changes import Changes
from coopledger.domain.vocabulary import Permission
from coopledger.i18n import _
from coopledger.services import distribution, registers
from coopledger.ui import dialogs, errors
from coopledger.ui.context import AppContext
from coopledger.ui.disabled import enable, gate
from coopledger.ui.screen import fit
from coopledger.ui.views.base import View, status_message
from coopledger.ui.views.contracts import member_search
from coopledger.ui.widgets import MemberPicker, fill_combo

Maker = Callable[[Path, Any], Any]


def print_folder() -> Path:
    """Where previews are written before the user saves or prints them."""
    folder = Path(tempfile.gettempdir()) / "coopledger-print"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _slug(title: str) -> str:
    return re.sub(r"[^\w\-]+", "-", title, flags=re.UNICODE).strip("-")[:60] or "paper"


@dataclass
class PreviewJob:
    """A paper being made; ``dialog`` is set when its preview opens."""

    title: str
    path: Path
    dialog: PdfPreviewDialog | None = None
    cancelled: bool = False
    error: BaseException | None = None
    done: list[Callable[[PdfPreviewDialog], None]] = field(default_factory=list)


def preview_report(
    ctx: AppContext,
    parent: QWidget,
    title: str,
    make: Maker,
    *,
    show: bool = True,
) -> PreviewJob:
    """Make a PDF with ``make(out_path, progress)`` on the task runner, then preview it."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    job = PreviewJob(title, print_folder() / f"{_slug(title)}-{stamp}.pdf")

    def work(progress: Any) -> Path:
        result = make(job.path, progress)
        return Path(result) if result else job.path

    def done(path: Path) -> None:
        job.path = path
        if show:
            job.dialog = PdfPreviewDialog(path, title, parent)
            job.dialog.open()
            for f in job.done:
                f(job.dialog)
        status_message(parent, _("{title} is ready").format(title=title))

    def cancelled() -> None:
        job.cancelled = True
        status_message(parent, _("Printing cancelled; nothing was written."))

    def failed(exc: BaseException) -> None:
        job.error = exc
        errors.show_error(parent, exc)

    ctx.runner.run(
        work,
        on_done=done,
        on_error=failed,
        on_cancel=cancelled,
        title=_("Preparing {title}…").format(title=title),
    )
    return job


class PdfPreviewDialog(QDialog):
    """A PDF shown in the window: page through it, zoom, print it or save it."""

    def __init__(self, path: Path, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PdfPreview")
        self.setWindowTitle(title)
        self.path = path
        self.document = QPdfDocument(self)
        error = self.document.load(str(path))
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.info = QLabel()
        self.info.setObjectName("pageCount")
        ok = error == QPdfDocument.Error.None_
        self.info.setText(
            _("{pages} pages — {path}").format(pages=self.document.pageCount(), path=path)
            if ok
            else _("The PDF could not be opened: {path}").format(path=path)
        )
        self.print_button = QPushButton(_("Print…"))
        self.print_button.setObjectName("print")
        self.print_button.clicked.connect(self.print_document)
        self.save_button = QPushButton(_("Save as PDF…"))
        self.save_button.setObjectName("savePdf")
        self.save_button.clicked.connect(lambda: self.save_as())
        zoom_in = QPushButton(_("Zoom in"))
        zoom_in.clicked.connect(lambda: self._zoom(1.25))
        zoom_out = QPushButton(_("Zoom out"))
        zoom_out.clicked.connect(lambda: self._zoom(0.8))
        fit_width = QPushButton(_("Fit width"))
        fit_width.clicked.connect(lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth))
        close = QPushButton(_("Close"))
        close.clicked.connect(self.accept)
        bar = QHBoxLayout()
        for b in (self.print_button, self.save_button, zoom_out, zoom_in, fit_width):
            bar.addWidget(b)
        bar.addStretch(1)
        bar.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.info)
        for b in (self.print_button, self.save_button):
            enable(b, ok, _("The PDF could not be opened."))
        fit(self, 900, 760)

    def _zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(0.1, min(8.0, self.view.zoomFactor() * factor)))

    @property
    def pages(self) -> int:
        return self.document.pageCount()

    def save_as(self, target: Path | None = None) -> Path | None:
        """Copy the PDF where the user says."""
        if target is None:
            target = dialogs.save_file(self, _("Save as PDF"), self.path.name, dialogs.pdf_filter())
            if target is None:
                return None
        if target.suffix.lower() != ".pdf":
            target = target.with_suffix(".pdf")
        try:
            shutil.copyfile(self.path, target)
        except OSError as exc:
            errors.show_error(self, exc)
            return None
        status_message(self.parentWidget() or self, _("Saved {path}").format(path=target))
        return target

    def print_document(self) -> None:
        """Print through the system's print dialog (QPrinter)."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.windowTitle())
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, max(1, self.pages))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            render_to_printer(self.document, printer)
        except Exception as exc:
            errors.show_error(self, exc)


def render_to_printer(document: QPdfDocument, printer: Any) -> int:
    """Draw each page of ``document`` onto ``printer`` (or any paged device), scaled to fit
    the page and filled white (QtPdf renders a transparent background). Returns pages."""
    from PySide6.QtPrintSupport import QPrinter

    first, last = 1, document.pageCount()
    if isinstance(printer, QPrinter) and printer.fromPage() > 0:
        first, last = printer.fromPage(), min(printer.toPage(), last)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError(_("The printer could not be started."))
    try:
        dpi = printer.resolution() if hasattr(printer, "resolution") else 300
        for n in range(first - 1, last):
            if n > first - 1:
                printer.newPage()
            size_pt = document.pagePointSize(n)
            target = painter.viewport()
            scale = min(
                target.width() / max(size_pt.width(), 1), target.height() / max(size_pt.height(), 1)
            )
            pixels = QSize(int(size_pt.width() * scale), int(size_pt.height() * scale))
            if dpi < 150:
                pixels = QSize(pixels.width() * 2, pixels.height() * 2)
            image = document.render(n, pixels)
            page = QImage(image.size(), QImage.Format.Format_ARGB32)
            page.fill(QColor("white"))
            p = QPainter(page)
            p.drawImage(QPointF(0, 0), image)
            p.end()
            w, h = int(size_pt.width() * scale), int(size_pt.height() * scale)
            painter.drawImage(QRect(0, 0, w, h), page)
    finally:
        painter.end()
    return max(0, last - first + 1)


class PrintingView(View):
    """Every paper the program prints, with what to choose for it."""

    changes = Changes.DISTRIBUTION | Changes.MEMBERS | Changes.PAYMENTS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.year = QComboBox()
        self.year.setObjectName("printYear")
        self.group = QComboBox()
        self.group.setObjectName("printGroup")
        self.layout_combo = QComboBox()
        self.layout_combo.setObjectName("slipLayout")
        fill_combo(
            self.layout_combo,
            [(_("A4, three slips a page"), "a4x3"), (_("A5, one slip a page"), "a5")],
            keep=False,
        )
        self.member = MemberPicker(member_search(ctx))
        self.member.setObjectName("printMember")
        self.slips_button = QPushButton(_("Preview slips…"))
        self.slips_button.setObjectName("printSlips")
        self.slips_button.clicked.connect(lambda: self.print_slips())
        self.notice_button = QPushButton(_("Preview public notice…"))
        self.notice_button.setObjectName("printNotice")
        self.notice_button.clicked.connect(lambda: self.print_notice())
        self.statements_button = QPushButton(_("Preview year-end statements…"))
        self.statements_button.setObjectName("printStatements")
        self.statements_button.clicked.connect(lambda: self.print_statements())
        self.member_statement = MemberPicker(member_search(ctx))
        self.member_button = QPushButton(_("Preview member statement…"))
        self.member_button.setObjectName("printMemberStatement")
        self.member_button.clicked.connect(lambda: self.print_member_statement())
        self.account_button = QPushButton(_("Preview member account…"))
        self.account_button.setObjectName("printMemberAccount")
        self.account_button.setToolTip(
            _("成员账户: contributions, reserve share, transactions, returns (cooperative books)")
        )
        self.account_button.clicked.connect(lambda: self.print_member_account())

        top = QFormLayout()
        top.addRow(_("Year"), self.year)

        slips_box = QGroupBox(_("Dividend slips (收益分配通知单)"))
        sf = QFormLayout(slips_box)
        sf.addRow(_("村民小组"), self.group)
        sf.addRow(_("Only this household"), self.member)
        sf.addRow(_("Paper"), self.layout_combo)
        sf.addRow("", self.slips_button)

        notice_box = QGroupBox(_("Public notice and statements"))
        nf = QVBoxLayout(notice_box)
        nf.addWidget(
            QLabel(
                _("The distribution's public notice (收益分配公示) and the year-end statements.")
            )
        )
        row = QHBoxLayout()
        row.addWidget(self.notice_button)
        row.addWidget(self.statements_button)
        row.addStretch(1)
        nf.addLayout(row)

        member_box = QGroupBox(_("Member statement (成员往来对账单)"))
        mf = QFormLayout(member_box)
        mf.addRow(_("Member"), self.member_statement)
        buttons = QHBoxLayout()
        buttons.addWidget(self.member_button)
        buttons.addWidget(self.account_button)
        buttons.addStretch(1)
        mf.addRow("", buttons)

        hint = QLabel(_("Vouchers are printed from the Vouchers view (select them, then Print…)."))
        hint.setStyleSheet("color: #666;")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(slips_box)
        layout.addWidget(notice_box)
        layout.addWidget(member_box)
        layout.addWidget(hint)
        layout.addStretch(1)
        self.last_job: PreviewJob | None = None

    def refresh(self) -> None:
        if not self.ctx.org_id:
            return
        years = distribution.committed_years(self.ctx.ledger, self.ctx.org_id)
        fill_combo(self.year, [(str(y), y) for y in reversed(years)])
        groups = registers.group_names(self.ctx.ledger, self.ctx.org_id)
        fill_combo(self.group, [(_("All groups"), None)] + [(g, g) for g in groups])
        has_year = bool(years)
        ctx = self.ctx
        committed = (
            has_year,
            _("No distribution has been committed yet: slips and the notice come after it."),
        )
        for b in (self.slips_button, self.notice_button):
            gate(b, ctx, Permission.PRINT, committed)
        gate(self.statements_button, ctx, Permission.PRINT)
        gate(self.member_button, ctx, Permission.PRINT)
        cooperative = self.ctx.org is not None and self.ctx.org.chart == "cooperative-2021"
        self.account_button.setVisible(cooperative)
        gate(self.account_button, ctx, Permission.PRINT)

    def _year(self) -> int:
        year = self.year.currentData()
        return int(year) if year is not None else dt.date.today().year - 1

    def print_slips(self) -> PreviewJob:
        ledger, org, year = self.ctx.ledger, self.ctx.org_id, self._year()
        group = self.group.currentData()
        member = self.member.member_code() or None
        layout = self.layout_combo.currentData()

        def make(out: Path, progress: Any) -> Path:
            from coopledger.services import printing

            return printing.print_slips(
                ledger, org, year, out, member=member, group=group, layout=layout, progress=progress
            )

        self.last_job = preview_report(
            self.ctx, self, _("Dividend slips {year}").format(year=year), make
        )
        return self.last_job

    def print_notice(self) -> PreviewJob:
        ledger, org, year = self.ctx.ledger, self.ctx.org_id, self._year()

        def make(out: Path, progress: Any) -> Path:
            from coopledger.services import printing

            return printing.print_notice(ledger, org, year, out, progress=progress)

        self.last_job = preview_report(
            self.ctx, self, _("Public notice {year}").format(year=year), make
        )
        return self.last_job

    def print_statements(self) -> PreviewJob:
        ledger, org, year = self.ctx.ledger, self.ctx.org_id, self._year()

        def make(out: Path, progress: Any) -> Path:
            from coopledger.services import printing

            return printing.print_statements(ledger, org, year, out)

        self.last_job = preview_report(
            self.ctx, self, _("Year-end statements {year}").format(year=year), make
        )
        return self.last_job

    def print_member_statement(self) -> PreviewJob | None:
        code = self.member_statement.member_code()
        if not code:
            return None
        ledger, org = self.ctx.ledger, self.ctx.org_id

        def make(out: Path, progress: Any) -> Path:
            from coopledger.services import printing

            return printing.print_member_statement(ledger, org, code, out)

        self.last_job = preview_report(
            self.ctx, self, _("Statement of {code}").format(code=code), make
        )
        return self.last_job

    def print_member_account(self) -> PreviewJob | None:
        code = self.member_statement.member_code()
        if not code:
            return None
        ledger, org, year = self.ctx.ledger, self.ctx.org_id, self.year.currentData()

        def make(out: Path, progress: Any) -> Path:
            from coopledger.services.member_account import print_member_account

            return print_member_account(ledger, org, code, out, year=year)

        self.last_job = preview_report(
            self.ctx, self, _("Member account of {code}").format(code=code), make
        )
        return self.last_job
