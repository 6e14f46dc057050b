"""收益分配 Distribution: the years, the wizard (year → plan → preview → commit → print),
and the payments of a committed year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from coopledger.domain.changes import Changes
from coopledger.domain.distribution import (
    COOPERATIVE_CHART,
    DIVIDEND_METHODS,
    RESULT_LABELS,
    TRANSACTION_BASES,
)
from coopledger.domain.errors import N_, DomainError
from coopledger.domain.fields import read_record
from coopledger.domain.money import fen_to_str, parse_rate, per_share_rate_to_str
from coopledger.domain.numerals import amount_in_capitals
from coopledger.domain.records import PlanRecord
from coopledger.domain.vocabulary import PaymentMethod, Permission
from coopledger.i18n import _, term
from coopledger.services import distribution as dist
from coopledger.services import registers, views
from coopledger.services.distribution import PlanForm, Preview
from coopledger.services.views import SlipFilter, SlipRow, YearState
from coopledger.ui import dialogs, errors, fmt
from coopledger.ui.context import AppContext
from coopledger.ui.disabled import explain_next, gate, need_book
from coopledger.ui.models import Column, ListTableModel, Source
from coopledger.ui.screen import fit, scrolling
from coopledger.ui.views.approvals import request_message
from coopledger.ui.views.base import (
    TableView,
    View,
    button,
    export_rows,
    list_source,
    status_message,
)
from coopledger.ui.views.waterfall import WaterfallChart
from coopledger.ui.widgets import DateEdit, fill_combo, make_table, size_columns

# -- the preview's household table -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HouseholdRow:
    """One holder in the preview: what it receives."""

    code: str
    name: str
    group: str
    land_fee: int
    dividend: int
    transaction_return: int = 0

    @property
    def total(self) -> int:
        return self.land_fee + self.transaction_return + self.dividend


def _label(field: str) -> str:
    """The msgid a result field is shown under (its zh_CN text is the paper's label)."""
    return RESULT_LABELS[field][1]


#: The returns column: shown on cooperative books only.
RETURN_COLUMN = 4
HOUSEHOLD_COLUMNS: list[Column[HouseholdRow]] = [
    Column(N_("Code"), lambda r: r.code, sort="code", width=80),
    Column(N_("Name"), lambda r: r.name, sort="name", width=190),
    Column(N_("村民小组 Group"), lambda r: r.group, sort="group", width=110),
    Column(_label("land_fees"), lambda r: r.land_fee, kind="money", sort="land_fee", width=120),
    Column(
        _label("transaction_returns"),
        lambda r: r.transaction_return,
        kind="money",
        sort="transaction_return",
        width=120,
    ),
    Column(_label("dividends"), lambda r: r.dividend, kind="money", sort="dividend", width=120),
    Column(N_("Total"), lambda r: r.total, kind="money", sort="total", width=120),
]


def household_rows(preview: Preview) -> list[HouseholdRow]:
    """The preview's holders with their names and groups."""
    return [
        HouseholdRow(
            h.code,
            preview.names.get(h.code, ""),
            preview.groups.get(h.code, ""),
            h.land_fee,
            h.dividend,
            h.transaction_return,
        )
        for h in preview.result.holders
    ]


class _TextFilter(QSortFilterProxyModel):
    """Rows whose code, name or group contain the text."""

    def __init__(self) -> None:
        super().__init__()
        self.needle = ""

    def set_needle(self, text: str) -> None:
        self.beginFilterChange()
        self.needle = text.strip()
        self.endFilterChange()

    def filterAcceptsRow(self, row: int, parent: Any) -> bool:
        if not self.needle:
            return True
        model = self.sourceModel()
        return any(self.needle in str(model.index(row, c, parent).data() or "") for c in range(3))


def summary_lines(p: Preview) -> list[tuple[str, str]]:
    """The preview's figures as (label, amount) pairs: the result table of distribution.md
    in its order, under its labels (the fields that cannot apply to the book's chart left
    out), the announced rates, and how many holders are paid."""
    r = p.result
    cooperative = p.chart == COOPERATIVE_CHART
    fields = [
        "distributable",
        "land_fees",
        "net_income",
        "undistributed_in",
        "loss_in",
        "available",
        "loss_made_up",
        *([] if cooperative else ["welfare"]),
        "reserve",
        *(["transaction_returns", "return_rate"] if cooperative else []),
        "dividends",
        "dividend_rate",
        "undistributed",
        "loss_carried",
    ]
    lines: list[tuple[str, str]] = []
    for name in fields:
        if name in ("return_rate", "dividend_rate"):
            rate = r.return_rate_e4 if name == "return_rate" else r.dividend_rate_e4
            if rate is None:
                continue  # largest remainder: no announced rate
            shown = _("{rate} yuan").format(rate=per_share_rate_to_str(rate))
        else:
            shown = fmt.money(getattr(r, name), currency=True)
        lines.append((_(_label(name)), shown))
    if r.no_transactions:
        lines.append((_("No member had transactions"), _("the whole pool is paid by shares")))
    lines.append((_("Holders paid"), str(len(r.holders))))
    return lines


# -- the wizard -------------------------------------------------------------------------------


class YearPage(QWizardPage):
    """Choose the year."""

    def __init__(self, wizard: DistributionWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(_("Which year?"))
        self.setSubTitle(
            _(
                "Years are distributed in order; a committed year must be reversed before it is run again."
            )
        )
        self.year = QComboBox()
        self.year.setObjectName("wizardYear")
        self.state = QLabel()
        self.state.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(_("Year"), self.year)
        form.addRow("", self.state)
        self.year.currentIndexChanged.connect(self._changed)
        self.years: list[YearState] = []

    def load(self, years: list[YearState], preferred: int | None) -> None:
        self.years = years
        fill_combo(self.year, [(str(y.year), y.year) for y in years], keep=False)
        want = preferred
        if want is None:
            open_years = [y.year for y in years if not y.committed]
            want = open_years[0] if open_years else (years[-1].year if years else None)
        if want is not None:
            self.year.setCurrentIndex(max(self.year.findData(want), 0))
        self._changed()

    def selected(self) -> YearState | None:
        year = self.year.currentData()
        return next((y for y in self.years if y.year == year), None)

    def _changed(self) -> None:
        y = self.selected()
        if y is None:
            self.state.setText(_("The book has no vouchers or plans yet."))
        elif y.committed:
            self.state.setText(
                _(
                    "{year} is already committed. Reverse it in the Distribution view to run it again."
                ).format(year=y.year)
            )
        else:
            self.state.setText(
                _("{n} vouchers in {year}; {plan}").format(
                    n=y.vouchers,
                    year=y.year,
                    plan=_("a plan is saved") if y.has_plan else _("no plan yet"),
                )
            )
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        y = self.selected()
        return y is not None and not y.committed

    def why_not(self) -> str:
        y = self.selected()
        if y is None:
            return _("Choose a year first.")
        if y.committed:
            return _(
                "This year's distribution is committed; to change it, reverse it first (收益分配 view)."
            )
        return ""


def _rate(field: str) -> Any:
    return lambda w: parse_rate(w.text(), field)


_METHOD_NAMES = {
    "per-share": N_("Per share: one announced rate (每股分红)"),
    "largest-remainder": N_("Largest remainder: the whole pool paid"),
}
_BASIS_NAMES = {
    "land-fees": N_("Land fees (the members' land transfer fees)"),
    "table": N_("A table of each member's transactions"),
}


def transactions_text(text: str) -> dict[str, str]:
    """A transactions table typed one member a line: ``H0001 3200.00`` (a space, a comma, a
    tab or ``=`` between code and amount); blank lines are skipped. The amounts stay text:
    the plan's field table reads them."""
    out: dict[str, str] = {}
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        for sep in ("=", "\t", ",", "，", " "):
            if sep in line:
                code, amount = line.split(sep, 1)
                break
        else:
            raise DomainError(
                "transactions",
                N_("line {n}: write a member code and an amount, such as H0001 3200.00"),
                n=n,
            )
        out[code.strip()] = amount.strip()
    return out


class PlanPage(QWizardPage):
    """The plan (收益分配方案): rates, the split method, on a cooperative book the returns by
    transactions, and its 四议两公开 record; saved on Next. Fields that cannot apply to the
    book's chart are not shown (and refused by the service if given)."""

    def __init__(self, wizard: DistributionWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(_("The plan"))
        self.setSubTitle(
            _(
                "Rates as decimals (0.10) or percentages (10%). The plan must record when it was adopted and published before it can be committed."
            )
        )
        self.welfare = QLineEdit("0.10")
        self.welfare.setObjectName("welfareRate")
        self.reserve = QLineEdit("0")
        self.reserve.setObjectName("reserveRate")
        self.method = QComboBox()
        self.method.setObjectName("dividendMethod")
        for key in DIVIDEND_METHODS:
            self.method.addItem(_(_METHOD_NAMES[key]), key)
        self.transaction_rate = QLineEdit("0.6")
        self.transaction_rate.setObjectName("transactionRate")
        self.basis = QComboBox()
        self.basis.setObjectName("transactionBasis")
        for key in TRANSACTION_BASES:
            self.basis.addItem(_(_BASIS_NAMES[key]), key)
        self.transactions = QPlainTextEdit()
        self.transactions.setObjectName("transactions")
        self.transactions.setPlaceholderText(_("One member a line: H0001 3200.00"))
        self.transactions.setMaximumHeight(70)
        self.approved = QCheckBox(_("Adopted on"))
        self.approved_on = DateEdit()
        self.published = QCheckBox(_("Published on"))
        self.published_on = DateEdit()
        self.proposed_by = QLineEdit()
        self.meeting = QLineEdit()
        self.resolution = QPlainTextEdit()
        self.resolution.setMaximumHeight(54)
        self.vote = QLineEdit()
        self.notice = QLineEdit()
        self.error_labels: dict[str, QLabel] = {}
        self.reserve_label = QLabel(_("Reserve fund rate (公积金)"))
        # The plan is a long form: it scrolls inside the page rather than make the wizard
        # taller than a 1280×720 screen (with the program's font it needs ~500 px).
        body = QWidget()
        page_layout = QVBoxLayout(self)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(scrolling(body))
        form = QGridLayout(body)
        rows: list[tuple[str, QWidget, QWidget]] = [
            ("welfare_rate", QLabel(_("Welfare fund rate (公益金)")), self.welfare),
            ("reserve_rate", self.reserve_label, self.reserve),
            ("dividend_method", QLabel(_("How each pool is split")), self.method),
            (
                "transaction_rate",
                QLabel(_("Returned by transactions (≥ 0.6)")),
                self.transaction_rate,
            ),
            ("transaction_basis", QLabel(_("Members' transactions")), self.basis),
            ("transactions", QLabel(_("Transactions table")), self.transactions),
            ("approved_on", self.approved, self.approved_on),
            ("published_on", self.published, self.published_on),
            ("proposed_by", QLabel(_("Proposed by")), self.proposed_by),
            ("meeting", QLabel(_("Meeting")), self.meeting),
            ("resolution", QLabel(_("Resolution")), self.resolution),
            ("vote", QLabel(_("Vote")), self.vote),
            ("notice", QLabel(_("Public notice")), self.notice),
        ]
        self.row_widgets: dict[str, tuple[QWidget, ...]] = {}
        for i, (key, label, widget) in enumerate(rows):
            err = QLabel()
            err.setObjectName(f"error_{key}")
            err.setStyleSheet("color: #b00000;")
            err.setWordWrap(True)
            self.error_labels[key] = err
            form.addWidget(label, i, 0, Qt.AlignmentFlag.AlignRight)
            if isinstance(widget, DateEdit | QComboBox):
                form.addWidget(widget, i, 1, Qt.AlignmentFlag.AlignLeft)
            else:
                form.addWidget(widget, i, 1)
            form.addWidget(err, i, 2)
            self.row_widgets[key] = (label, widget, err)
        for check, date in ((self.approved, self.approved_on), (self.published, self.published_on)):
            check.toggled.connect(date.setEnabled)
            date.setEnabled(check.isChecked())
        form.setRowStretch(len(rows) + 1, 1)
        form.setColumnStretch(1, 1)
        self.general = QLabel()
        self.general.setStyleSheet("color: #b00000;")
        self.general.setWordWrap(True)
        form.addWidget(self.general, len(rows), 0, 1, 3)
        for e in (
            self.welfare,
            self.reserve,
            self.transaction_rate,
            self.proposed_by,
            self.meeting,
            self.vote,
            self.notice,
        ):
            e.textChanged.connect(self._edited)
        self.resolution.textChanged.connect(self._edited)
        self.transactions.textChanged.connect(self._edited)
        for combo in (self.method, self.basis):
            combo.currentIndexChanged.connect(self._edited)
        for c in (self.approved, self.published):
            c.toggled.connect(self._edited)
        for d in (self.approved_on, self.published_on):
            d.textChanged.connect(self._edited)
        self.plan: PlanForm | None = None
        self.chart = "village-2023"
        self._saved = False
        self._saving = False

    @property
    def cooperative(self) -> bool:
        return self.chart == COOPERATIVE_CHART

    def _show_chart_fields(self) -> None:
        for key in ("transaction_rate", "transaction_basis", "transactions"):
            for widget in self.row_widgets[key]:
                widget.setVisible(self.cooperative)
        for widget in self.row_widgets["welfare_rate"]:
            widget.setVisible(not self.cooperative)
        self.reserve_label.setText(
            _("Reserve rate (盈余公积)") if self.cooperative else _("Reserve fund rate (公积金)")
        )

    def load(self, year: int, plan: PlanForm | None) -> None:
        self.year = year
        org = self.w.ctx.org
        self.chart = org.chart if org is not None else "village-2023"
        self._show_chart_fields()
        if plan is not None:
            self.welfare.setText(fmt.rate(plan.welfare_rate_e4))
            self.reserve.setText(fmt.rate(plan.reserve_rate_e4))
            self.method.setCurrentIndex(max(self.method.findData(plan.dividend_method), 0))
            if plan.transaction_rate_e4 is not None:
                self.transaction_rate.setText(fmt.rate(plan.transaction_rate_e4))
            self.basis.setCurrentIndex(max(self.basis.findData(plan.transaction_basis), 0))
            self.transactions.setPlainText(
                "\n".join(f"{code} {fen_to_str(fen)}" for code, fen in plan.transactions or ())
            )
            self.approved.setChecked(plan.approved_on is not None)
            self.published.setChecked(plan.published_on is not None)
            self.approved_on.set_date(plan.approved_on or dt.date(year, 12, 20))
            self.published_on.set_date(plan.published_on or dt.date(year, 12, 22))
            self.proposed_by.setText(plan.proposed_by)
            self.meeting.setText(plan.meeting)
            self.resolution.setPlainText(plan.resolution)
            self.vote.setText(plan.vote)
            self.notice.setText(plan.notice)
        else:
            if self.cooperative:
                self.welfare.setText("0")
                self.reserve.setText("0.10")
            self.approved_on.set_date(dt.date(year, 12, 20))
            self.published_on.set_date(dt.date(year, 12, 22))
        self._saved = plan is not None
        self._edited(keep_saved=plan is not None)

    def _edited(self, *_a: object, keep_saved: bool = False) -> None:
        if not keep_saved:
            self._saved = False
        problems: dict[str, str] = {}
        general = ""
        self.plan = None
        self.transactions.setEnabled(self.basis.currentData() == "table")
        # Every field read by the plan's field table (the book file's and plan set's rules).
        values: dict[str, object] = {
            "year": self.year,
            "reserve_rate": self.reserve.text(),
            "dividend_method": str(self.method.currentData()),
            "approved_on": self.approved_on.date_value() if self.approved.isChecked() else None,
            "published_on": self.published_on.date_value() if self.published.isChecked() else None,
            "proposed_by": self.proposed_by.text(),
            "meeting": self.meeting.text(),
            "resolution": self.resolution.toPlainText(),
            "vote": self.vote.text(),
            "notice": self.notice.text(),
        }
        if self.cooperative:
            values["transaction_rate"] = self.transaction_rate.text()
            values["transaction_basis"] = str(self.basis.currentData())
            if self.basis.currentData() == "table":
                try:
                    values["transactions"] = transactions_text(self.transactions.toPlainText())
                except DomainError as exc:
                    problems["transactions"] = exc.describe(_)
        else:
            values["welfare_rate"] = self.welfare.text()
        read = read_record(
            PlanRecord,
            values,
            lambda key: key,
            lambda key, exc: problems.setdefault(
                key, exc.text(_) if exc.path == key else exc.describe(_)
            ),
        )
        if not problems:
            plan = PlanForm(**read)
            try:
                self.plan = dist.check_plan(plan, self.chart)
            except DomainError as exc:
                key = exc.path.split(".")[1] if exc.path.count(".") else exc.path
                if key in self.error_labels:
                    problems[key] = exc.text(_)
                else:
                    general = exc.describe(_)
        for key, label in self.error_labels.items():
            label.setText(problems.get(key, ""))
        unlabelled = [text for key, text in problems.items() if key not in self.error_labels]
        if unlabelled and not general:
            general = unlabelled[0]
        if self.plan is not None and (
            self.plan.approved_on is None or self.plan.published_on is None
        ):
            general = _(
                "Without the adoption and publication dates the preview works, but the commit is refused."
            )
        self.general.setText(general)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.plan is not None and not self._saving

    def why_not(self) -> str:
        if self._saving:
            return _("Saving…")
        if self.plan is None:
            return _("The plan has mistakes: see the messages in red.")
        return ""

    def validatePage(self) -> bool:
        if self._saved:
            return True
        if self.plan is None or self._saving:
            return False
        self._saving = True
        state = {"sync": True}
        plan, ledger, org = self.plan, self.w.ctx.ledger, self.w.ctx.org_id

        def done(_id: object) -> None:
            self._saving = False
            self._saved = True
            if not state["sync"]:
                self.w.next()

        def failed(exc: BaseException) -> None:
            self._saving = False
            if isinstance(exc, DomainError):
                self.general.setText(exc.text(_))
            else:
                errors.show_error(self, exc)
            self.completeChanged.emit()

        self.w.ctx.runner.run(
            lambda: dist.save_plan(ledger, org, plan),
            on_done=done,
            on_error=failed,
            title=_("Saving the plan…"),
        )
        state["sync"] = False
        return self._saved


class PreviewPage(QWizardPage):
    """The computed distribution: the waterfall, the figures and every household."""

    def __init__(self, wizard: DistributionWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(_("Preview"))
        self.setSubTitle(_("Nothing is written yet. Check the figures, then go on to commit."))
        self.chart = WaterfallChart()
        self.figures = QLabel()
        self.figures.setObjectName("figures")
        self.figures.setTextFormat(Qt.TextFormat.RichText)
        self.model: ListTableModel[HouseholdRow] = ListTableModel(HOUSEHOLD_COLUMNS, [], self)
        self.proxy = _TextFilter()
        self.proxy.setSourceModel(self.model)
        self.table = make_table(sortable=True)
        self.table.setObjectName("households")
        self.table.setModel(self.proxy)
        self.table.horizontalHeader().setStretchLastSection(False)
        size_columns(self.table, [c.width for c in HOUSEHOLD_COLUMNS])
        self.search = QLineEdit()
        self.search.setObjectName("householdSearch")
        self.search.setPlaceholderText(_("Find a household (code, name, group)"))
        self.search.textChanged.connect(self.proxy.set_needle)
        export = QPushButton(_("Export to Excel…"))
        export.clicked.connect(
            lambda: export_rows(self.w.ctx, self, self.model, "distribution-preview")
        )
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.chart)
        top.addWidget(self.figures)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 1)
        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        row.addWidget(export)
        bl.addLayout(row)
        bl.addWidget(self.table)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setSizes([300, 360])
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self.preview: Preview | None = None

    def initializePage(self) -> None:
        self.preview = None
        self.chart.set_result(None)
        self.model.set_rows([])
        self.figures.setText(_("Computing…"))
        ledger, org, year = self.w.ctx.ledger, self.w.ctx.org_id, self.w.year
        self.w.ctx.runner.run(
            lambda: dist.preview_distribution(ledger, org, year),
            on_done=self.show_preview,
            on_error=self._failed,
            title=_("Computing the distribution…"),
        )

    def _failed(self, exc: BaseException) -> None:
        self.figures.setText(errors.message_for(exc))
        self.completeChanged.emit()

    def show_preview(self, preview: Preview) -> None:
        self.preview = preview
        self.chart.set_result(preview.result)
        self.model.set_rows(household_rows(preview))
        self.table.setColumnHidden(RETURN_COLUMN, preview.chart != COOPERATIVE_CHART)
        rows = "".join(
            f"<tr><td>{label}</td><td align='right'>&nbsp;&nbsp;{amount}</td></tr>"
            for label, amount in summary_lines(preview)
        )
        self.figures.setText(f"<table>{rows}</table>")
        self.completeChanged.emit()

    def rows_shown(self) -> list[list[str]]:
        """What the household table shows (after the search), as text."""
        out = []
        for r in range(self.proxy.rowCount()):
            out.append(
                [str(self.proxy.index(r, c).data()) for c in range(self.proxy.columnCount())]
            )
        return out

    def isComplete(self) -> bool:
        return self.preview is not None

    def why_not(self) -> str:
        return "" if self.preview is not None else _("The preview is not ready (see the page).")


class CommitPage(QWizardPage):
    """Commit: post the vouchers, all or nothing."""

    def __init__(self, wizard: DistributionWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(_("Commit"))
        self.setSubTitle(
            _(
                "The commit posts the land fees, the funds, the returns and the dividends in vouchers dated 31 December, in one transaction."
            )
        )
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.commit_button = button(_("Commit the distribution"), "commitDistribution")
        self.commit_button.clicked.connect(self.commit)
        self.result_label = QLabel()
        self.result_label.setObjectName("commitResult")
        self.result_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.commit_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.result_label)
        layout.addStretch(1)
        self.committed = False

    def initializePage(self) -> None:
        p = self.w.preview_page.preview
        if p is None:
            return
        r = p.result
        paid = r.land_fees + r.transaction_returns + r.dividends
        parts = [
            f"{_(_label(name))} {fmt.money(getattr(r, name), currency=True)}"
            for name in ("land_fees", "welfare", "reserve", "transaction_returns", "dividends")
            if getattr(r, name) or name in ("land_fees", "dividends")
        ]
        self.text.setText(
            _("{year}: {parts}; {n} holders. Total payable to them: {paid} ({capitals}).").format(
                year=p.year,
                parts="，".join(parts),
                n=len(r.holders),
                paid=fmt.money(paid, currency=True),
                capitals=amount_in_capitals(paid),
            )
        )
        ledger = self.w.ctx.ledger
        approved = True
        if not self.committed and ledger.role is not None:
            state = next(
                (
                    y
                    for y in views.distribution_years(ledger, self.w.ctx.org_id)
                    if y.year == p.year
                ),
                None,
            )
            approved = state is not None and bool(state.approved_by)
        gate(
            self.commit_button,
            self.w.ctx,
            Permission.RUN_DISTRIBUTION,
            (not self.committed, _("This year's distribution is committed.")),
            (approved, _("The plan waits for a reviewer's or supervisor's approval.")),
        )
        if not approved:
            self.result_label.setText(
                _(
                    "The {year} plan is not approved yet: a reviewer or supervisor approves it"
                    " (收益分配 → Approve the plan) before it is committed."
                ).format(year=p.year)
            )

    def commit(self) -> None:
        if self.committed:
            return
        if not dialogs.confirm(
            self,
            _("Commit the distribution"),
            self.text.text()
            + "\n\n"
            + _(
                "The vouchers are posted and the slips made now; the only way back is to"
                " reverse the whole distribution with red vouchers."
            ),
            action=_("Commit the distribution"),
        ):
            return
        self.commit_button.setEnabled(False)
        ledger, org, year = self.w.ctx.ledger, self.w.ctx.org_id, self.w.year

        def done(dist_id: object) -> None:
            self.committed = True
            self.result_label.setText(
                _("Committed. The slips and the public notice can now be printed.")
            )
            self.completeChanged.emit()

        def failed(exc: BaseException) -> None:
            self.commit_button.setEnabled(True)
            self.result_label.setText(errors.message_for(exc))
            self.result_label.setStyleSheet("color: #b00000;")

        self.w.ctx.runner.run(
            lambda: dist.commit_distribution(ledger, org, year),
            on_done=done,
            on_error=failed,
            title=_("Committing the distribution…"),
        )

    def isComplete(self) -> bool:
        return self.committed

    def why_not(self) -> str:
        return "" if self.committed else _("Commit the distribution first (the button above).")


class PrintPage(QWizardPage):
    """After the commit: print the slips and the public notice."""

    def __init__(self, wizard: DistributionWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(_("Print"))
        self.setSubTitle(
            _(
                "Publish the notice, then hand out the slips; payments are recorded in the Payments tab."
            )
        )
        self.slips_button = button(_("Preview slips…"), "wizardSlips")
        self.notice_button = button(_("Preview public notice…"), "wizardNotice")
        self.slips_button.clicked.connect(lambda: self.print_slips())
        self.notice_button.clicked.connect(lambda: self.print_notice())
        layout = QVBoxLayout(self)
        layout.addWidget(self.slips_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.notice_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        self.last_job: Any = None

    def print_slips(self) -> Any:
        from coopledger.ui.views.printing import preview_report

        ledger, org, year = self.w.ctx.ledger, self.w.ctx.org_id, self.w.year

        def make(out: Any, progress: Any) -> Any:
            from coopledger.services import printing

            return printing.print_slips(ledger, org, year, out, progress=progress)

        self.last_job = preview_report(
            self.w.ctx, self, _("Dividend slips {year}").format(year=year), make
        )
        return self.last_job

    def print_notice(self) -> Any:
        from coopledger.ui.views.printing import preview_report

        ledger, org, year = self.w.ctx.ledger, self.w.ctx.org_id, self.w.year

        def make(out: Any, progress: Any) -> Any:
            from coopledger.services import printing

            return printing.print_notice(ledger, org, year, out, progress=progress)

        self.last_job = preview_report(
            self.w.ctx, self, _("Public notice {year}").format(year=year), make
        )
        return self.last_job


class DistributionWizard(QWizard):
    """Year → plan → preview → commit → print."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, year: int | None = None):
        super().__init__(parent)
        self.setObjectName("DistributionWizard")
        self.ctx = ctx
        self.setWindowTitle(_("Year-end distribution (收益分配)"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, _("Next >"))
        self.setButtonText(QWizard.WizardButton.BackButton, _("< Back"))
        self.setButtonText(QWizard.WizardButton.FinishButton, _("Finish"))
        self.setButtonText(QWizard.WizardButton.CancelButton, _("Close"))
        self.year_page = YearPage(self)
        self.plan_page = PlanPage(self)
        self.preview_page = PreviewPage(self)
        self.commit_page = CommitPage(self)
        self.print_page = PrintPage(self)
        for page in (
            self.year_page,
            self.plan_page,
            self.preview_page,
            self.commit_page,
            self.print_page,
        ):
            self.addPage(page)
        self.year_page.load(views.distribution_years(ctx.ledger, ctx.org_id), year)
        self.currentIdChanged.connect(self._page_changed)
        explain_next(self)  # a grey Next says what the step still needs
        fit(self, 1000, 720)

    @property
    def year(self) -> int:
        y = self.year_page.selected()
        return y.year if y else dt.date.today().year

    def _page_changed(self, page_id: int) -> None:
        if self.page(page_id) is self.plan_page:
            self.plan_page.load(
                self.year, dist.get_plan(self.ctx.ledger, self.ctx.org_id, self.year)
            )


# -- the view --------------------------------------------------------------------------------


YEAR_COLUMNS: list[Column[YearState]] = [
    Column(N_("Year"), lambda r: r.year, kind="int", width=60),
    Column(N_("Vouchers"), lambda r: r.vouchers, kind="int", width=70),
    Column(N_("Plan"), lambda r: _("saved") if r.has_plan else "—", width=70),
    Column(
        N_("Plan approved"),
        lambda r: (_("approved") if r.approved_by else _("not approved")) if r.has_plan else "—",
        width=80,
    ),
    Column(N_("Distribution"), lambda r: _("committed") if r.committed else _("not committed")),
]

SLIP_COLUMNS: list[Column[SlipRow]] = [
    Column(N_("No."), lambda r: r.slip_no, kind="int", sort="slip_no", width=55),
    Column(N_("Code"), lambda r: r.member_code, sort="code", width=80),
    Column(N_("Name"), lambda r: r.member_name, sort="name", width=170),
    Column(N_("村民小组 Group"), lambda r: r.group, sort="group", width=100),
    Column(_label("land_fees"), lambda r: r.land_fee, kind="money", sort="land_fee", width=110),
    Column(
        _label("transaction_returns"),
        lambda r: r.transaction_return,
        kind="money0",
        sort="transaction_return",
        width=110,
    ),
    Column(_label("dividends"), lambda r: r.dividend, kind="money", sort="dividend", width=110),
    Column(N_("Total"), lambda r: r.total, kind="money", sort="total", width=110),
    Column(N_("Paid on"), lambda r: r.paid_on, kind="date", sort="paid_on", width=95),
    Column(
        N_("Method"),
        lambda r: term(PaymentMethod, r.paid_method),
        width=60,
    ),
    Column(N_("Check code"), lambda r: r.check_code),
]


class PaymentsView(TableView):
    """Payments of a committed year: mark slips paid, see who is unpaid."""

    changes = Changes.DISTRIBUTION | Changes.PAYMENTS | Changes.MEMBERS
    export_name = "payments"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, SLIP_COLUMNS, _("Search household code or name"), parent)
        self.year_combo = QComboBox()
        self.year_combo.setObjectName("paymentYear")
        self.actions_row.addWidget(QLabel(_("Year")))
        self.actions_row.addWidget(self.year_combo)
        self.pay_date = DateEdit(dt.date.today())
        self.pay_date.setObjectName("payDate")
        self.actions_row.addWidget(QLabel(_("Paid on")))
        self.actions_row.addWidget(self.pay_date)
        self.cash_button = self.add_action(
            _("Paid in cash"), "payCash", lambda: self.pay(PaymentMethod.CASH)
        )
        self.bank_button = self.add_action(
            _("Paid to bank card"), "payBank", lambda: self.pay(PaymentMethod.BANK)
        )
        self.batch_button = self.add_action(_("Bank batch file…"), "bankBatch", self.bank_batch)
        self.unpay_button = self.add_action(
            _("Reverse the payment…"), "reversePayment", self.reverse_payment
        )
        self.end_actions()
        self.bar.add_filter(
            "paid", _("Show"), [(_("Unpaid"), False), (_("Paid"), True), (_("All"), None)]
        )
        self.group_filter = self.bar.add_filter("group", _("村民小组"), [(_("All groups"), None)])
        self.bar.finish()
        self.totals = QLabel()
        self.totals.setObjectName("paymentTotals")
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(2, self.totals)
        self.year_combo.currentIndexChanged.connect(lambda _i: self.refresh())

    def refresh(self) -> None:
        if self.ctx.org_id:
            years = dist.committed_years(self.ctx.ledger, self.ctx.org_id)
            self.year_combo.blockSignals(True)
            fill_combo(self.year_combo, [(str(y), y) for y in reversed(years)])
            self.year_combo.blockSignals(False)
            groups = registers.group_names(self.ctx.ledger, self.ctx.org_id)
            fill_combo(self.group_filter, [(_("All groups"), None)] + [(g, g) for g in groups])
        super().refresh()
        self._totals()

    def slip_filter(self) -> SlipFilter | None:
        year = self.year_combo.currentData()
        if year is None:
            return None
        return SlipFilter(
            year=int(year),
            paid=self.bar.value("paid"),
            group=self.bar.value("group"),
            search=self.bar.text(),
        )

    def make_source(self) -> Source[SlipRow]:
        ledger, org, f = self.ctx.ledger, self.ctx.org_id, self.slip_filter()
        if f is None:
            return Source(lambda: 0, lambda *_a: [])
        return list_source(ledger, org, f)

    def _totals(self) -> None:
        f = self.slip_filter()
        if f is None or not self.ctx.org_id:
            self.totals.setText(_("No committed distribution yet."))
            return
        everything = views.slip_totals(self.ctx.ledger, self.ctx.org_id, SlipFilter(year=f.year))
        self.totals.setText(
            _(
                "{year}: {count} slips, {total} in all; unpaid: {unpaid} households, {unpaid_total} ({capitals})"
            ).format(
                year=f.year,
                count=everything.count,
                total=fmt.money(everything.total, currency=True),
                unpaid=everything.unpaid_count,
                unpaid_total=fmt.money(everything.unpaid_total, currency=True),
                capitals=amount_in_capitals(everything.unpaid_total),
            )
        )

    def update_actions(self) -> None:
        rows: list[SlipRow] = self.selected_rows()
        unpaid = [r for r in rows if r.paid_on is None]
        ctx, pay = self.ctx, Permission.RECORD_PAYMENT
        some = (bool(unpaid), _("Select one or more unpaid slips first."))
        gate(self.cash_button, ctx, pay, some)
        gate(
            self.bank_button,
            ctx,
            pay,
            some,
            (
                all(r.bank_account for r in unpaid),
                _("A selected household has no bank card on record: pay it in cash."),
            ),
        )
        gate(
            self.batch_button,
            ctx,
            None,
            (
                self.year_combo.currentData() is not None,
                _("No distribution has been committed yet."),
            ),
        )
        paid = [r for r in rows if r.paid_on is not None]
        gate(
            self.unpay_button,
            ctx,
            Permission.REVERSE_PAYMENT,
            (len(paid) == 1, _("Select one paid slip first.")),
        )

    def reverse_payment(self) -> None:
        rows = [r for r in self.selected_rows() if r.paid_on is not None]
        f = self.slip_filter()
        if len(rows) != 1 or f is None:
            return
        r = rows[0]
        reason = dialogs.ask_text(
            self,
            _("Reverse the payment"),
            _(
                "Reverse the {year} payment of {code} {name}: a red voucher, and the slip is unpaid"
                " again. Say why (kept in the audit log); a reviewer or supervisor approves it."
            ).format(year=f.year, code=r.member_code, name=r.member_name),
        )
        if not reason:
            return
        ledger, org, year, code = self.ctx.ledger, self.ctx.org_id, f.year, r.member_code
        self.ctx.runner.run(
            lambda: dist.reverse_payment(ledger, org, year, code, reason),
            on_done=lambda res: status_message(self, request_message(res)),
            on_error=lambda exc: errors.show_error(self, exc),
        )

    def pay(self, method: str) -> None:
        rows = [r for r in self.selected_rows() if r.paid_on is None]
        f = self.slip_filter()
        if not rows or f is None:
            return
        try:
            on = self.pay_date.date_value()
        except DomainError as exc:
            errors.show_error(self, exc)
            return
        if not dialogs.confirm(
            self,
            _("Record payments"),
            payment_question(rows, method, on),
            action=_("Paid in cash") if method == PaymentMethod.CASH else _("Paid to bank card"),
            details="\n".join(payment_lines(rows, method)),
        ):
            return
        ledger, org, year = self.ctx.ledger, self.ctx.org_id, f.year
        codes = [r.member_code for r in rows]

        def work(progress: Any) -> int:
            for n, code in enumerate(codes, start=1):
                dist.pay_slip(ledger, org, year, code, method=method, on=on)
                if not progress(n, len(codes)):
                    return n
            return len(codes)

        def done(n: int) -> None:
            status_message(self, _("{n} slips marked paid").format(n=n))

        # Each payment is its own unit of work: the views hear of every one that committed,
        # also when the task stops early or fails part way.
        self.ctx.runner.run(
            work,
            on_done=done,
            on_error=lambda exc: errors.show_error(self, exc),
            title=_("Recording payments…"),
        )

    def bank_batch(self) -> None:
        f = self.slip_filter()
        if f is None:
            return
        path = dialogs.save_file(
            self, _("Bank batch file"), f"bank-batch-{f.year}.csv", _("CSV file (*.csv)")
        )
        if path is None:
            return
        ledger, org = self.ctx.ledger, self.ctx.org_id
        self.ctx.runner.run(
            lambda: dist.bank_batch_csv(ledger, org, f.year, path),
            on_done=lambda res: status_message(
                self,
                _("{n} payments, {total}, written to {path}").format(
                    n=res[0], total=fmt.money(res[1], currency=True), path=path
                ),
            ),
            on_error=lambda exc: errors.show_error(self, exc),
        )


def payment_lines(rows: list[SlipRow], method: str) -> list[str]:
    """One line a payee: who, how much, and for a bank payment the card's last digits."""
    out = []
    for r in rows:
        line = f"{r.member_code} {r.member_name}  {fmt.money(r.total, currency=True)}"
        if method == PaymentMethod.BANK and r.bank_account:
            line += "  " + _("card ending {last4}").format(last4=r.bank_account[-4:])
        out.append(line)
    return out


def payment_question(rows: list[SlipRow], method: str, on: dt.date) -> str:
    """What the question before paying says: who, how much in all, cash or bank, when."""
    total = sum(r.total for r in rows)
    how = _("in cash (库存现金)") if method == PaymentMethod.CASH else _("to bank cards (银行存款)")
    head = _(
        "Pay {n} households {total} ({capitals}) {how} on {date}? A payment voucher is"
        " posted for each; it cannot be undone."
    ).format(
        n=len(rows),
        total=fmt.money(total, currency=True),
        capitals=amount_in_capitals(total),
        how=how,
        date=on.isoformat(),
    )
    shown = payment_lines(rows, method)
    more = len(shown) - 12
    listed = shown[:12] + ([_("… and {n} more").format(n=more)] if more > 0 else [])
    return head + "\n\n" + "\n".join(listed)


class DistributionView(View):
    """Years, the wizard, reversal; and the payments tab."""

    changes = Changes.DISTRIBUTION | Changes.VOUCHERS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.tabs = QTabWidget()
        years = QWidget()
        self.years_model: ListTableModel[YearState] = ListTableModel(YEAR_COLUMNS, [], self)
        self.years_table = make_table(sortable=False)
        self.years_table.setObjectName("years")
        self.years_table.setModel(self.years_model)
        size_columns(self.years_table, [c.width for c in YEAR_COLUMNS])
        self.years_table.selectionModel().selectionChanged.connect(
            lambda *_a: self.update_actions()
        )
        self.wizard_button = button(_("Distribution wizard…"), "openWizard")
        self.wizard_button.clicked.connect(lambda: self.open_wizard())
        self.approve_button = button(_("Approve the plan"), "approvePlan")
        self.approve_button.clicked.connect(self.approve_plan)
        self.reverse_button = button(_("Reverse the distribution…"), "reverseDistribution")
        self.reverse_button.clicked.connect(self.reverse)
        self.chart = WaterfallChart()
        self.figures = QLabel()
        self.figures.setTextFormat(Qt.TextFormat.RichText)
        row = QHBoxLayout()
        row.addWidget(self.wizard_button)
        row.addWidget(self.approve_button)
        row.addWidget(self.reverse_button)
        row.addStretch(1)
        yl = QVBoxLayout(years)
        yl.addLayout(row)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.years_table)
        chart_box = QWidget()
        cl = QHBoxLayout(chart_box)
        cl.addWidget(self.chart, 3)
        cl.addWidget(self.figures, 1)
        split.addWidget(chart_box)
        split.setStretchFactor(1, 3)
        self.years_table.setMinimumWidth(250)
        split.setSizes([300, 860])
        yl.addWidget(split)
        self.payments = PaymentsView(ctx)
        self.tabs.addTab(years, _("Years"))
        self.tabs.addTab(self.payments, _("Payments"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.wizard: DistributionWizard | None = None

    def refresh(self) -> None:
        rows = views.distribution_years(self.ctx.ledger, self.ctx.org_id) if self.ctx.org_id else []
        self.years_model.set_rows(rows)
        if rows:
            self.years_table.selectRow(len(rows) - 1)
        self.update_actions()

    def selected_year(self) -> YearState | None:
        idx = self.years_table.currentIndex()
        return self.years_model.row(idx.row()) if idx.isValid() else None

    def update_actions(self) -> None:
        y = self.selected_year()
        gate(self.wizard_button, self.ctx, Permission.PREPARE_PLAN, need_book(self.ctx))
        waiting = y is not None and y.has_plan and not y.committed and not y.approved_by
        mine = (
            y is not None
            and self.ctx.ledger.role is not None
            and (y.prepared_by == self.ctx.ledger.user)
        )
        gate(
            self.approve_button,
            self.ctx,
            Permission.APPROVE_PLAN,
            (waiting, _("Select a year whose plan waits for approval first.")),
            (not mine, _("You prepared this plan: another person approves it.")),
        )
        gate(
            self.reverse_button,
            self.ctx,
            Permission.RUN_DISTRIBUTION,
            (
                y is not None and y.committed,
                _("Select a year whose distribution is committed first."),
            ),
        )
        self.chart.set_result(None)
        self.figures.setText("")
        if y is not None and y.has_plan:
            ledger, org, year = self.ctx.ledger, self.ctx.org_id, y.year
            self.ctx.runner.run(
                lambda: dist.preview_distribution(ledger, org, year),
                on_done=self._show,
                on_error=lambda exc: self.figures.setText(errors.message_for(exc)),
            )

    def _show(self, preview: Preview) -> None:
        self.chart.set_result(preview.result)
        rows = "".join(
            f"<tr><td>{label}</td><td align='right'>&nbsp;&nbsp;{amount}</td></tr>"
            for label, amount in summary_lines(preview)
        )
        self.figures.setText(f"<table>{rows}</table>")

    def open_wizard(self, year: int | None = None) -> DistributionWizard:
        if year is None:
            y = self.selected_year()
            year = y.year if y is not None and not y.committed else None
        self.wizard = DistributionWizard(self.ctx, self, year=year)
        self.wizard.open()
        return self.wizard

    def approve_plan(self) -> None:
        y = self.selected_year()
        if y is None:
            return
        if not dialogs.confirm(
            self,
            _("Approve the plan"),
            _(
                "Approve the {year} plan as entered (审核)? Its distribution may then be committed;"
                " any later change to the plan withdraws the approval."
            ).format(year=y.year),
            action=_("Reverse the distribution"),
        ):
            return
        ledger, org, year = self.ctx.ledger, self.ctx.org_id, y.year
        self.ctx.runner.run(
            lambda: dist.approve_plan(ledger, org, year),
            on_done=lambda _r: status_message(
                self, _("The {year} plan is approved.").format(year=year)
            ),
            on_error=lambda exc: errors.show_error(self, exc),
        )

    def reverse(self) -> None:
        y = self.selected_year()
        if y is None:
            return
        reason = dialogs.ask_text(
            self,
            _("Reverse the distribution"),
            _(
                "Post red vouchers that cancel the {year} distribution? Its slips become void."
                " Say why (kept in the audit log); a reviewer or supervisor approves it."
            ).format(year=y.year),
        )
        if not reason:
            return
        ledger, org = self.ctx.ledger, self.ctx.org_id
        self.ctx.runner.run(
            lambda: dist.reverse_distribution(ledger, org, y.year, reason),
            on_done=lambda r: status_message(self, request_message(r)),
            on_error=lambda exc: errors.show_error(self, exc),
            title=_("Reversing the distribution…"),
        )
