"""The distribution waterfall, drawn with QPainter: the operating result → land fees →
(undistributed carried in) → losses made up → welfare → reserve → returns → dividends, each
bar starting where the one before ended."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from coopledger.domain.distribution import RESULT_LABELS, DistributionResult
from coopledger.i18n import _
from coopledger.ui import fmt


@dataclass(frozen=True, slots=True)
class Step:
    """One bar: its label (a msgid), where it starts and ends (fen), its colour."""

    label: str
    start: int
    end: int
    color: str
    total: bool = False

    @property
    def amount(self) -> int:
        return self.end - self.start


def waterfall_steps(r: DistributionResult) -> list[Step]:
    """The bars for a result, in the order the rules apply, under the result table's labels:
    the operating result, the land fees, what was carried in, then where the rest went."""
    label = {name: msgid for name, (_paper, msgid) in RESULT_LABELS.items()}
    steps = [Step(label["distributable"], 0, r.distributable, "#3b7dd8", total=True)]
    level = r.distributable - r.land_fees
    steps.append(Step(label["land_fees"], r.distributable, level, "#d9822b"))
    if r.undistributed_in:
        steps.append(Step(label["undistributed_in"], level, level + r.undistributed_in, "#9bb7d4"))
        level += r.undistributed_in
    for name, amount, color in (
        ("loss_made_up", r.loss_made_up, "#8e6c8a"),
        ("welfare", r.welfare, "#2e9e6a"),
        ("reserve", r.reserve, "#5aa9a0"),
        ("transaction_returns", r.transaction_returns, "#e0a100"),
        ("dividends", r.dividends, "#c0392b"),
    ):
        if name in ("welfare", "transaction_returns") and not amount:
            continue  # a tier the book's chart does not have (or an empty one)
        steps.append(Step(label[name], level, level - amount, color))
        level -= amount
    if r.undistributed:
        steps.append(Step(label["undistributed"], 0, r.undistributed, "#7f8c8d", total=True))
    if r.loss_carried:
        steps.append(Step(label["loss_carried"], 0, -r.loss_carried, "#922b21", total=True))
    return steps


class WaterfallChart(QWidget):
    """Draws `waterfall_steps` of a result; empty until `set_result`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("waterfall")
        self.steps: list[Step] = []
        self.setMinimumSize(420, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAutoFillBackground(True)

    def sizeHint(self) -> QSize:
        return QSize(760, 320)

    def set_result(self, result: DistributionResult | None) -> None:
        self.steps = waterfall_steps(result) if result is not None else []
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        if not self.steps:
            p.setPen(QColor("#888"))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, _("No preview yet"))
            p.end()
            return
        font = QFont(self.font())
        metrics = QFontMetrics(font)
        line_h = metrics.height()
        left, right, top = 16, 16, line_h + 10
        bottom = 3 * line_h + 14  # labels wrap to three lines (本年经营收益（付土地流转费前）)
        area = QRectF(left, top, self.width() - left - right, self.height() - top - bottom)
        values = [0] + [s.start for s in self.steps] + [s.end for s in self.steps]
        hi, lo = max(values), min(values)
        span = (hi - lo) or 1

        def y(v: int) -> float:
            return area.top() + (hi - v) / span * area.height()

        n = len(self.steps)
        slot = area.width() / n
        bar_w = slot * 0.62
        # the zero line
        p.setPen(QPen(QColor("#444"), 1))
        p.drawLine(QPointF(area.left(), y(0)), QPointF(area.right(), y(0)))
        prev_end: tuple[float, float] | None = None
        for i, s in enumerate(self.steps):
            x = area.left() + i * slot + (slot - bar_w) / 2
            y1, y2 = y(s.start), y(s.end)
            rect = QRectF(x, min(y1, y2), bar_w, max(abs(y2 - y1), 1.5))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(s.color))
            p.drawRect(rect)
            if prev_end is not None and not s.total:
                p.setPen(QPen(QColor("#999"), 1, Qt.PenStyle.DashLine))
                p.drawLine(QPointF(prev_end[0], prev_end[1]), QPointF(x, y1))
            prev_end = (x + bar_w, y2)
            # amount above (or below, for bars going under zero) the bar
            # a step shows how much moved (its bar shows which way); a total its own value
            amount = s.end if s.total else abs(s.amount)
            text = fmt.money(amount)
            p.setPen(QColor("#222"))
            text_rect = QRectF(area.left() + i * slot, rect.top() - line_h - 2, slot, line_h)
            if s.end < 0 and s.total:
                text_rect = QRectF(area.left() + i * slot, rect.bottom() + 2, slot, line_h)
            # never over the labels below the chart, nor above the widget
            if text_rect.bottom() > area.bottom():
                text_rect.moveBottom(area.bottom() - 2)
            if text_rect.top() < 0:
                text_rect.moveTop(rect.top() + 2)
            p.drawText(
                text_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, text
            )
            # the label below the chart
            label_rect = QRectF(area.left() + i * slot, area.bottom() + 6, slot, 3 * line_h + 4)
            p.drawText(
                label_rect,
                Qt.AlignmentFlag.AlignHCenter
                | Qt.AlignmentFlag.AlignTop
                | Qt.TextFlag.TextWordWrap,
                _(s.label),
            )
        p.end()
