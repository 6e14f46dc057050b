"""Forms that check themselves as the user types.

A `FormDialog` has fields; each field has a parser (raising the domain's `DomainError`) and a
red label beside it for that error. After every edit the form parses every field, builds
the value the service takes and runs the domain's own checks on it; the first error for a
field is shown beside it (once the user has touched that field), and Save stays disabled
until there is none. Save runs the service on the task runner; an error the service finds
(a code already used, an overlapping contract) comes back beside its field too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from coopledger.domain.errors import DomainError
from coopledger.domain.fields import MSG_EMPTY, field_by_key, fields_of, read_value
from coopledger.i18n import _
from coopledger.ui import dialogs, errors
from coopledger.ui.context import AppContext
from coopledger.ui.disabled import enable
from coopledger.ui.screen import fit, scrolling

Parser = Callable[[Any], Any]

_INDEX = re.compile(r"\[\d+\]")


def value_of(widget: QWidget) -> object:
    """What a field holds as a record's rule reads it: typed text trimmed (the user cannot
    see spaces at its ends), a date, or the data behind a list's choice."""
    date_value = getattr(widget, "date_value", None)
    if callable(date_value):
        return date_value()
    if isinstance(widget, QComboBox):
        data = widget.currentData()
        return data if data is not None else widget.currentText().strip()
    return text_of(widget).strip()


def text_of(widget: QWidget) -> str:
    """The text a field holds, whatever kind of widget it is."""
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    return ""


@dataclass
class Field:
    """A field of a form."""

    key: str
    widget: QWidget
    error: QLabel
    parse: Parser
    aliases: tuple[str, ...] = ()
    touched: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class FormDialog(QDialog):
    """A dialog with self-checking fields and a Save button; see the module docstring.

    Subclasses add fields in ``__init__``, then implement ``build(values)`` (make the value
    the service takes, running the domain checks) and ``save(value)`` (call the service; runs
    on the task runner) and call ``finish()``."""

    saved = Signal(object)
    #: Whether closing with something typed asks first (not for a form whose few fields
    #: only say how to do an act, such as closing a month).
    ask_on_close = True
    #: Whether that question offers to save: not where saving is an act that cannot be
    #: undone (a transfer, a contract ended), which must be chosen, not stumbled into.
    save_on_close = True

    def __init__(self, ctx: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(title)
        self.setObjectName(type(self).__name__)
        self.fields: dict[str, Field] = {}
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.general_error = QLabel()
        self.general_error.setObjectName("generalError")
        self.general_error.setWordWrap(True)
        self.general_error.setStyleSheet("color: #b00000;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(_("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.value: Any = None
        self.busy = False
        self._server_errors: dict[str, str] = {}
        self._building = True

    # -- building the form ----------------------------------------------------------------

    def add_field(
        self,
        key: str,
        label: str,
        widget: QWidget,
        parse: Parser | None = None,
        *,
        aliases: tuple[str, ...] = (),
        hint: str = "",
    ) -> QWidget:
        """Add a field; ``parse(widget)`` returns its value or raises `DomainError`."""
        error = QLabel()
        error.setObjectName(f"error_{key}")
        error.setStyleSheet("color: #b00000;")
        error.setWordWrap(True)
        error.hide()
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        col.addWidget(widget)
        if hint:
            hint_label = QLabel(hint)
            hint_label.setStyleSheet("color: #666;")
            hint_label.setWordWrap(True)
            col.addWidget(hint_label)
        col.addWidget(error)
        widget.setObjectName(key)
        self.form.addRow(label, box)
        f = Field(key, widget, error, parse or text_of, aliases)
        self.fields[key] = f
        self._watch(f)
        return widget

    def add_record_field(
        self,
        record: type[Any],
        key: str,
        widget: QWidget,
        *,
        label: str | None = None,
        hint: str = "",
    ) -> QWidget:
        """Add the field ``key`` of a record (``domain.records``): its label and its rule
        come from the record's field table, so the form refuses exactly what a book file
        or a roster would."""
        spec = field_by_key(record)[key]

        def parse(w: QWidget) -> object:
            value = value_of(w)
            if value is None or value == "":
                if spec.required:
                    raise DomainError(key, MSG_EMPTY)
                return spec.default
            return read_value(spec, value, key)

        return self.add_field(key, label or _(spec.label), widget, parse, hint=hint)

    def record_values(self, record: type[Any], values: dict[str, Any]) -> dict[str, Any]:
        """The parsed values of a record's fields on this form, by attribute."""
        return {f.attr: values[f.key] for f in fields_of(record) if f.key in values}

    def _watch(self, f: Field) -> None:
        w = f.widget

        def edited(*_args: object) -> None:
            if self._building:
                return  # the form filling itself in
            f.touched = True
            self._server_errors.clear()
            self.revalidate()

        if isinstance(w, QLineEdit):
            w.textChanged.connect(edited)
        elif isinstance(w, QPlainTextEdit):
            w.textChanged.connect(edited)
        elif isinstance(w, QComboBox):
            w.currentIndexChanged.connect(edited)
            if w.isEditable():
                w.editTextChanged.connect(edited)
        elif isinstance(w, QSpinBox):
            w.valueChanged.connect(edited)
        elif isinstance(w, QCheckBox):
            w.toggled.connect(edited)

    def finish(self, extra: QWidget | None = None, *, width: int = 0) -> None:
        """Lay the form out and check it once. The fields scroll when the form is taller
        than the screen has room for; the general error and the buttons stay in view. The
        dialog is as wide as ``width`` (or its fields want) and as tall as its fields."""
        fields = QWidget()
        fields.setObjectName("formFields")
        inner = QVBoxLayout(fields)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(self.form)
        if extra is not None:
            inner.addWidget(extra)
        inner.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(scrolling(fields), 1)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self._building = False
        self.revalidate()
        hint = self.sizeHint()
        fit(self, max(width, hint.width()), hint.height())

    # -- checking -------------------------------------------------------------------------

    def build(self, values: dict[str, Any]) -> Any:
        """Make the service's input from the parsed values (raise `DomainError`)."""
        return values

    def save(self, value: Any) -> Any:
        """Call the service (on the task runner)."""
        raise NotImplementedError

    def key_for(self, path: str) -> str | None:
        """The field a domain error's path names (``member.id_number`` → ``id_number``)."""
        if not path:
            return None
        last = _INDEX.sub("", path.split(".")[-1])
        for f in self.fields.values():
            if last == f.key or last in f.aliases or path == f.key:
                return f.key
        return None

    def revalidate(self) -> bool:
        """Parse and check everything; show the errors; enable Save when there are none."""
        if self._building:
            return False
        problems: dict[str, str] = {}
        values: dict[str, Any] = {}
        for f in self.fields.values():
            try:
                values[f.key] = f.parse(f.widget)
            except DomainError as exc:
                problems[f.key] = exc.text(_)
        general = ""
        self.value = None
        if not problems:
            try:
                self.value = self.build(values)
            except DomainError as exc:
                key = self.key_for(exc.path)
                if key is None:
                    general = exc.describe(_) if exc.path else exc.text(_)
                else:
                    problems[key] = exc.text(_)
        for key, text in self._server_errors.items():
            if key in self.fields:
                problems.setdefault(key, text)
            else:
                general = general or text
        for f in self.fields.values():
            text = problems.get(f.key, "")
            show = bool(text) and (f.touched or f.key in self._server_errors)
            f.error.setText(text if show else "")
            f.error.setVisible(show)
        self.general_error.setText(general)
        self.general_error.setVisible(bool(general))
        ok = not problems and not general and self.value is not None
        enable(self.save_button, ok and not self.busy, self._why_not(problems, general))
        return ok

    def _why_not(self, problems: dict[str, str], general: str) -> str:
        """Why Save is grey: saving, or the first problem with its field's name."""
        if self.busy:
            return _("Saving…")
        for key, text in problems.items():
            box = self.fields[key].widget.parentWidget()
            label = self.form.labelForField(box) if box is not None else None
            name = label.text() if isinstance(label, QLabel) else key
            return f"{name}：{text}"
        return general

    def errors_shown(self) -> dict[str, str]:
        """The errors beside the fields now (for tests and screen readers)."""
        return {k: f.error.text() for k, f in self.fields.items() if f.error.text()}

    # -- saving ---------------------------------------------------------------------------

    def submit(self) -> None:
        """Save (when valid): run ``save`` in the background, then close."""
        for f in self.fields.values():
            f.touched = True
        if not self.revalidate() or self.busy:
            return
        self.busy = True
        enable(self.save_button, False, _("Saving…"))
        value = self.value
        self.ctx.runner.run(
            lambda: self.save(value),
            on_done=self._saved,
            on_error=self._failed,
            title=self.windowTitle(),
        )

    def _saved(self, result: Any) -> None:
        self.busy = False
        self.saved.emit(result)
        self.accept()

    def is_dirty(self) -> bool:
        """Whether the user has typed or chosen something in the form."""
        return any(f.touched for f in self.fields.values())

    def reject(self) -> None:
        """Cancel, Esc or the window's ×: what was typed is not dropped without asking."""
        if self.busy:
            return
        if self.ask_on_close and self.is_dirty():
            answer = dialogs.ask_unsaved(
                self,
                self.windowTitle(),
                _("What you typed here is not saved yet. Save it?")
                if self.save_on_close
                else _("What you typed here will be lost. Close anyway?"),
                can_save=self.save_on_close and self.save_button.isEnabled(),
            )
            if answer == dialogs.CANCEL:
                return
            if answer == dialogs.SAVE:
                self.submit()
                return
        super().reject()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        if isinstance(exc, DomainError):
            key = self.key_for(exc.path)
            self._server_errors = {key or "": exc.text(_)}
            self.revalidate()
            enable(self.save_button, False, next(iter(self._server_errors.values()), ""))
            return
        self.revalidate()
        errors.show_error(self, exc)
