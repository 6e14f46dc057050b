"""乡镇汇总 Township: the villages that sent year-end packages (received, verified, which
years), the report of a year (one row per village and the totals) and the bar chart of the
villages per operating-income band, with the year before beside it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from coopledger.domain.changes import Changes
from coopledger.domain.errors import N_, DomainError
from coopledger.domain.vocabulary import Permission
from coopledger.i18n import _
from coopledger.services import township
from coopledger.services.township import ReportRow, TownshipReport, VillageStatus
from coopledger.ui import dialogs, errors
from coopledger.ui.context import AppContext
from coopledger.ui.disabled import gate
from coopledger.ui.models import Column, ListTableModel
from coopledger.ui.views.base import View, button, status_message
from coopledger.ui.widgets import fill_combo, make_table, size_columns

_THIS_YEAR = QColor(46, 84, 140)
_LAST_YEAR = QColor(184, 189, 199)


class BandChart(QWidget):
    """Villages per band: last year's bar (grey) beside this year's (blue), the counts over
    the bars, the labels under them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bandChart")
        self.setMinimumSize(360, 220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.year = 0
        self.labels: tuple[str, ...] = ()
        self.counts: tuple[int, ...] = ()
        self.previous: tuple[int, ...] = ()

    def set_counts(
        self, year: int, labels: Sequence[str], counts: Sequence[int], previous: Sequence[int]
    ) -> None:
        self.year = year
        self.labels, self.counts, self.previous = tuple(labels), tuple(counts), tuple(previous)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(480, 260)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor(255, 255, 255))
        if not self.labels:
            p.end()
            return
        fm = p.fontMetrics()
        line = fm.height()
        left, right, top, bottom = 34.0, 12.0, 2.4 * line, 1.8 * line
        w = self.width() - left - right
        h = self.height() - top - bottom
        most = max([*self.counts, *self.previous, 1])
        step = max(1, -(-most // 5))
        scale = step * -(-most // step)
        p.setPen(QPen(QColor(220, 220, 220), 1))
        for k in range(0, scale + 1, step):
            y = top + h - h * k / scale
            p.drawLine(int(left), int(y), int(left + w), int(y))
            p.setPen(QColor(110, 110, 110))
            p.drawText(QRectF(0, y - line / 2, left - 6, line), Qt.AlignmentFlag.AlignRight, str(k))
            p.setPen(QPen(QColor(220, 220, 220), 1))
        slot = w / len(self.labels)
        bar = min(slot * 0.32, 40.0)
        for i, label in enumerate(self.labels):
            mid = left + slot * (i + 0.5)
            for j, (count, colour) in enumerate(
                ((self.previous[i], _LAST_YEAR), (self.counts[i], _THIS_YEAR))
            ):
                x = mid - bar + j * bar
                bh = h * count / scale
                p.fillRect(QRectF(x + 1, top + h - bh, bar - 2, bh), colour)
                p.setPen(QColor(0, 0, 0))
                p.drawText(
                    QRectF(x - 10, top + h - bh - line, bar + 20, line),
                    Qt.AlignmentFlag.AlignCenter,
                    str(count),
                )
            p.drawText(
                QRectF(mid - slot / 2, top + h + 2, slot, line),
                Qt.AlignmentFlag.AlignCenter,
                label,
            )
        # the legend
        x = left
        for text, colour in (
            (str(self.year - 1), _LAST_YEAR),
            (str(self.year), _THIS_YEAR),
        ):
            p.fillRect(QRectF(x, 6, 14, line * 0.7), colour)
            p.setPen(QColor(0, 0, 0))
            p.drawText(QRectF(x + 18, 2, 80, line), Qt.AlignmentFlag.AlignLeft, text)
            x += 18 + fm.horizontalAdvance(text) + 24
        p.end()


def _received(v: VillageStatus, year: int) -> str:
    got = v.years.get(year)
    if got is None:
        return _("Not received")
    at, revision, _closed, _digest = got
    when = at.astimezone().strftime("%Y-%m-%d")
    text = _("Received {date}, verified").format(date=when)
    return text + (_(" (revision {n})").format(n=revision) if revision > 1 else "")


def _closed(v: VillageStatus, year: int) -> str:
    got = v.years.get(year)
    if got is None:
        return ""
    return _("Closed") if got[2] else _("Not closed")


class TownshipView(View):
    """The township's villages, the report of a year, and its chart."""

    changes = Changes.TOWNSHIP | Changes.SETTINGS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.report: TownshipReport | None = None
        self.year_box = QSpinBox()
        self.year_box.setObjectName("townshipYear")
        self.year_box.setRange(1990, 2100)
        self.year_box.setValue(dt.date.today().year - 1)
        self.year_box.valueChanged.connect(lambda _v: self.refresh_now())
        self.county_box = QComboBox()
        self.county_box.setObjectName("townshipCounty")
        self.county_box.setMinimumWidth(140)
        self.county_box.currentIndexChanged.connect(lambda _i: self._load_report())
        self.import_button = button(
            _("Import packages…"),
            "importPackages",
            _("Verify year-end packages (.zip) and take them in: all of them or none"),
        )
        self.import_button.clicked.connect(lambda: self.import_packages())
        self.check_button = button(
            _("Verify again"),
            "townshipVerify",
            _("Check the packages kept here against their digests and signatures"),
        )
        self.check_button.clicked.connect(lambda: self.check_again())
        self.pdf_button = button(_("Report PDF…"), "townshipPdf")
        self.pdf_button.clicked.connect(lambda: self.print_report())
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Year")))
        top.addWidget(self.year_box)
        top.addWidget(QLabel(_("County")))
        top.addWidget(self.county_box)
        top.addStretch(1)
        top.addWidget(self.import_button)
        top.addWidget(self.check_button)
        top.addWidget(self.pdf_button)

        self.village_model: ListTableModel[VillageStatus] = ListTableModel(self._village_columns())
        self.villages_table = make_table(self, sortable=False)
        self.villages_table.setObjectName("townshipVillages")
        self.villages_table.setModel(self.village_model)
        self.report_model: ListTableModel[ReportRow] = ListTableModel(REPORT_COLUMNS)
        self.report_table = make_table(self, sortable=False)
        self.report_table.setObjectName("townshipReport")
        self.report_table.setModel(self.report_model)
        self.chart = BandChart(self)
        self.summary = QLabel()
        self.summary.setObjectName("townshipSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        lower = QSplitter(Qt.Orientation.Horizontal)
        report_box = QWidget()
        rl = QVBoxLayout(report_box)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.report_table, 1)
        rl.addWidget(self.summary)
        lower.addWidget(report_box)
        lower.addWidget(self.chart)
        lower.setStretchFactor(0, 3)
        lower.setStretchFactor(1, 2)
        lower.setSizes([780, 480])
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.villages_table)
        split.addWidget(lower)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        size_columns(self.villages_table, [220, 90, 90, 110, 200, 70])
        size_columns(self.report_table, [200, 110, 100, 100, 90, 90, 90, 100, 70])

    @property
    def year(self) -> int:
        return int(self.year_box.value())

    def _village_columns(self) -> list[Column[VillageStatus]]:
        return [
            Column(N_("Village"), lambda v: v.name),
            Column(N_("County"), lambda v: v.county),
            Column(N_("Township"), lambda v: v.township),
            Column(N_("Years received"), lambda v: " ".join(str(y) for y in v.years)),
            Column(N_("Package of the year"), lambda v: _received(v, self.year)),
            Column(N_("Year closed"), lambda v: _closed(v, self.year)),
            Column(N_("Key fingerprint"), lambda v: v.fingerprint),
        ]

    def refresh(self) -> None:
        rows = township.villages(self.ctx.ledger)
        self.village_model.set_rows(rows)
        counties = sorted({v.county for v in rows if v.county})
        current = self.county_box.currentData()
        self.county_box.blockSignals(True)
        fill_combo(self.county_box, [(_("All counties"), None), *((c, c) for c in counties)])
        index = self.county_box.findData(current)
        self.county_box.setCurrentIndex(max(index, 0))
        self.county_box.blockSignals(False)
        gate(self.import_button, self.ctx, Permission.MANAGE_REGISTERS)
        self._load_report()

    def _load_report(self) -> None:
        county = self.county_box.currentData()
        try:
            report = township.township_report(self.ctx.ledger, self.year, county)
        except DomainError as exc:
            self.report = None
            self.report_model.set_rows([])
            self.chart.set_counts(self.year, (), (), ())
            self.summary.setText(exc.text(_))
            gate(self.pdf_button, self.ctx, Permission.PRINT, (False, exc.text(_)))
            return
        self.report = report
        self.report_model.set_rows([*report.rows, _total_row(report)] if report.rows else [])
        labels = [b.label for b in report.bands]
        self.chart.set_counts(
            report.year,
            labels,
            [report.band_counts[x] for x in labels],
            [report.previous_counts[x] for x in labels],
        )
        text = _("{n} villages reported for {year}.").format(n=len(report.rows), year=report.year)
        if report.missing:
            text += " " + _("No package yet: {names}").format(names="、".join(report.missing))
        self.summary.setText(text)
        gate(
            self.pdf_button,
            self.ctx,
            Permission.PRINT,
            (bool(report.rows), _("No village has sent a package for this year.")),
        )

    def import_packages(
        self, paths: Sequence[Path] | None = None, *, replace: bool = False
    ) -> None:
        """Verify packages and take them in, in the background (all of them or none)."""
        if paths is None:
            from PySide6.QtWidgets import QFileDialog

            names, _filter = QFileDialog.getOpenFileNames(
                self, _("Import year-end packages"), "", _("Year-end packages (*.zip)")
            )
            if not names:
                return
            paths = [Path(n) for n in names]
        ledger, chosen = self.ctx.ledger, list(paths)

        def work(progress: township.Progress) -> list[township.ImportedPackage]:
            return township.import_packages(ledger, chosen, replace=replace, progress=progress)

        def done(imported: list[township.ImportedPackage]) -> None:
            if imported:
                self.year_box.setValue(max(p.year for p in imported))
            self.refresh_now()
            status_message(self, _("{n} packages imported").format(n=len(imported)))

        self.ctx.runner.run(
            work,
            on_done=done,
            on_error=lambda exc: errors.show_error(self, exc),
            title=_("Verifying and importing packages…"),
        )

    def check_again(self) -> None:
        """Check every package kept here again, in the background, and say what was found."""
        ledger = self.ctx.ledger

        def work(progress: township.Progress) -> list[township.StoredCheck]:
            return township.check_stored(ledger, progress=progress)

        def done(checks: list[township.StoredCheck]) -> None:
            bad = [c for c in checks if c.problems]
            text = _("{n} packages checked, {bad} altered").format(n=len(checks), bad=len(bad))
            lines = [
                p.text(_) if not p.path else f"{p.path}: {p.text(_)}"
                for c in bad
                for p in c.problems
            ]
            errors.show_info(self, _("Verify again"), "\n".join([text, *lines[:20]]))

        self.ctx.runner.run(
            work,
            on_done=done,
            on_error=lambda exc: errors.show_error(self, exc),
            title=_("Checking the packages…"),
        )

    def print_report(self, path: Path | None = None) -> None:
        """The county-style PDF of the year's report."""
        if path is None:
            path = dialogs.save_file(
                self,
                _("Report PDF"),
                _("township-{year}.pdf").format(year=self.year),
                dialogs.pdf_filter(),
            )
            if path is None:
                return
        ledger, year, county, target = (
            self.ctx.ledger,
            self.year,
            self.county_box.currentData(),
            path,
        )
        self.ctx.runner.run(
            lambda: township.print_township_report(ledger, year, target, county),
            on_done=lambda p: status_message(self, _("Wrote {path}").format(path=p)),
            on_error=lambda exc: errors.show_error(self, exc),
            title=_("Printing the report…"),
        )


def _total_row(report: TownshipReport) -> ReportRow:
    return ReportRow(
        name=_("Total ({n} villages)").format(n=len(report.rows)),
        county="",
        township="",
        village="",
        figures=dict(report.totals),
        households_paid=sum(r.households_paid for r in report.rows),
        band="",
        year_closed=False,
        received_at=dt.datetime.now(dt.UTC),
        revision=0,
        fingerprint="",
    )


REPORT_COLUMNS: list[Column[ReportRow]] = [
    Column(N_("Village"), lambda r: r.name),
    Column(N_("Operating income"), lambda r: r.figures["operating_income"], kind="money"),
    Column(N_("Net income"), lambda r: r.figures["net_income"], kind="money"),
    Column(N_("Land fees"), lambda r: r.figures["land_fees"], kind="money"),
    Column(N_("Welfare"), lambda r: r.figures["welfare"], kind="money"),
    Column(N_("Reserve"), lambda r: r.figures["reserve"], kind="money"),
    Column(N_("Returns"), lambda r: r.figures["transaction_returns"], kind="money"),
    Column(N_("Dividends"), lambda r: r.figures["dividends"], kind="money"),
    Column(N_("Households paid"), lambda r: r.households_paid, kind="int"),
    Column(N_("Band"), lambda r: r.band),
]

__all__ = ["BandChart", "TownshipView"]
