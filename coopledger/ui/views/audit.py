"""审计 Audit: the append-only audit trail (who did what, when) and the chain check."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from coopledger.domain.changes import Changes
from coopledger.domain.errors import N_
from coopledger.domain.vocabulary import AUDIT_ACTION_PREFIXES, AuditAction, AuditEntity, Permission
from coopledger.i18n import _, audit_action, term
from coopledger.services.ledger import verify
from coopledger.services.views import AuditFilter, AuditListRow
from coopledger.ui import errors
from coopledger.ui.context import AppContext
from coopledger.ui.disabled import gate
from coopledger.ui.models import Column, Source
from coopledger.ui.views.base import TableView, list_source


def _when(at: str) -> str:
    """A stored UTC timestamp in local time, to the second."""
    import datetime as dt

    try:
        return dt.datetime.fromisoformat(at).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return at


def acts_named(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The acts whose name in the current language contains ``text`` (``记账`` finds
    ``post voucher``): whole codes, and the beginnings of codes that carry a value."""
    text = text.strip()
    if not text or text.isascii():
        return (), ()
    acts = tuple(a.value for a in AuditAction if text in _(a.label))
    heads = tuple(p for p, label, _v in AUDIT_ACTION_PREFIXES if text in _(label).split("{")[0])
    return acts, heads


def record_text(entity: str, entity_id: str) -> str:
    """What an entry is about, in words: 凭证 12, 设置 公示天数, 凭证（多条）."""
    from coopledger.services.settings import SETTINGS

    name = term(AuditEntity, entity)
    if entity_id == "*":
        return _("{what} (several)").format(what=name)
    if entity == "setting" and entity_id in SETTINGS:
        return f"{name} {_(SETTINGS[entity_id].title)}"
    return f"{name} {entity_id}".strip()


def audit_columns(book_name: Callable[[int | None], str]) -> list[Column[AuditListRow]]:
    """The audit table's columns; ``book_name`` names the book of an entry."""
    return [
        Column(N_("No."), lambda r: r.id, kind="int", sort="id", width=60),
        Column(N_("When"), lambda r: _when(r.at), sort="at", width=150),
        Column(N_("Who"), lambda r: r.user, sort="user", width=90),
        Column(N_("What"), lambda r: audit_action(r.action), sort="action", width=240),
        Column(
            N_("Record"), lambda r: record_text(r.entity, r.entity_id), sort="entity", width=170
        ),
        Column(N_("Book"), lambda r: book_name(r.org_id), width=150),
        Column(N_("Hash"), lambda r: r.hash[:16] + "…"),
    ]


class AuditView(TableView):
    """The audit trail of the whole ledger (the current book and database-wide acts)."""

    changes = Changes.AUDIT  # every write adds to the trail
    export_name = "audit"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx,
            audit_columns(lambda org: self.book_names.get(org, "—")),
            _("Search action, record or user"),
            parent,
            sort="id",
            descending=True,
        )
        self.verify_button = self.add_action(
            _("Verify the ledger"),
            "verifyLedger",
            self.verify_ledger,
            _("Re-compute the audit chain and check every record against it"),
        )
        self.end_actions()
        self.bar.add_filter(
            "scope", _("Show"), [(_("This book"), "book"), (_("Whole ledger"), None)]
        )
        self.bar.finish()
        self.last_report: object = None
        #: Book names by id (the Book column), read when the view refreshes.
        self.book_names: dict[int | None, str] = {}

    def needs_org(self) -> bool:
        return False

    def refresh(self) -> None:
        from coopledger.services.accounts import list_organisations

        self.book_names = {o.id: o.name for o in list_organisations(self.ctx.ledger)}
        self.book_names[None] = _("(whole ledger)")
        super().refresh()

    def make_source(self) -> Source[AuditListRow]:
        scope = self.bar.value("scope")
        org = self.ctx.org_id if scope == "book" and self.ctx.org_id else None
        text = self.bar.text()
        acts, heads = acts_named(text)
        return list_source(
            self.ctx.ledger, org, AuditFilter(search=text, acts=acts, act_prefixes=heads)
        )

    def update_actions(self) -> None:
        gate(self.verify_button, self.ctx, Permission.VERIFY)

    def verify_ledger(self) -> None:
        ledger = self.ctx.ledger

        def done(report: object) -> None:
            self.last_report = report
            ok = getattr(report, "ok", False)
            entries = getattr(report, "entries", 0)
            problems = getattr(report, "problems", [])
            if ok:
                errors.show_info(
                    self,
                    _("Verify the ledger"),
                    _(
                        "The ledger is intact: {n} audit entries, every record agrees with them."
                    ).format(n=entries),
                )
            else:
                errors.show_info(
                    self,
                    _("Verify the ledger"),
                    _("The ledger was altered outside the program:")
                    + "\n"
                    + "\n".join(str(p) for p in problems[:20]),
                )

        self.ctx.runner.run(
            lambda: verify(ledger),
            on_done=done,
            on_error=lambda exc: errors.show_error(self, exc),
            title=_("Verifying the ledger…"),
        )
