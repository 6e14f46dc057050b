"""Why a control is grey: one helper for every view and dialog, so that a disabled button (or
menu action) always says in its tooltip what is missing — the role the act needs and the role
the user has, a read-only ledger, a book, a selection — instead of greying out without a word.

    gate(self.post_button, ctx, Permission.POST_VOUCHER,
         (bool(rows), _("Select the vouchers to post first.")))

`gate` enables the control when the user may do the act and every condition holds; otherwise
it disables it and puts the first reason that fails in its tooltip (below the control's own
tooltip, which is kept). `enable` does the same for a plain condition. Both return whether
the control is enabled.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWizard

from coopledger.domain.roles import can, role_name, roles_with
from coopledger.domain.vocabulary import Permission
from coopledger.i18n import _
from coopledger.ui.context import AppContext

__all__ = ["enable", "explain_next", "gate", "need_book", "permission_reason", "reason_shown"]

#: The dynamic property that keeps a control's own tooltip while a reason is shown.
_BASE = "coopledgerBaseToolTip"


def enable(control: QObject, allowed: bool, why: str = "") -> bool:
    """Enable ``control`` when ``allowed``; otherwise disable it and add ``why`` to its
    tooltip (a widget or a ``QAction``). Returns ``allowed``."""
    base = control.property(_BASE)
    if base is None:
        base = control.toolTip()  # type: ignore[attr-defined]
        control.setProperty(_BASE, base)
    control.setEnabled(allowed)  # type: ignore[attr-defined]
    tip = str(base)
    if not allowed and why:
        tip = f"{tip}\n{why}" if tip else why
    control.setToolTip(tip)  # type: ignore[attr-defined]
    return allowed


def permission_reason(ctx: AppContext, permission: Permission) -> str:
    """Why the user may not do ``permission`` (empty when they may): the ledger is open
    read-only, or the act needs a role they do not have — naming the roles that have it and
    the user's own."""
    if ctx.can(permission):
        return ""
    ledger = ctx.ledger
    if ledger.readonly and can(ledger.role, permission):
        return _("The ledger is open read-only: nothing can be changed in this window.")
    roles = "、".join(role_name(r) for r in roles_with(permission))
    what = _(Permission(permission).label)
    if not roles:
        return _("Nobody may {what}.").format(what=what)
    return _(
        "Only the role {roles} may {what}; you are logged in as {user} ({role}). Log in as a person with that role (File → Switch user…)."
    ).format(roles=roles, what=what, user=ledger.user, role=role_name(ledger.role))


def need_book(ctx: AppContext) -> tuple[bool, str]:
    """The condition "a book is open", with its reason (for `gate`)."""
    return bool(ctx.org_id), _(
        "There is no book yet: set one up with the set-up wizard (File → Set-up wizard…)."
    )


def gate(
    control: QObject,
    ctx: AppContext,
    permission: Permission | None,
    *conditions: tuple[bool, str],
) -> bool:
    """Enable ``control`` when the user may do ``permission`` (None: no permission needed)
    and every ``(condition, reason)`` holds; otherwise disable it with the first reason that
    fails in its tooltip — the role first, since selecting a row will not help without it."""
    if permission is not None:
        why = permission_reason(ctx, permission)
        if why:
            return enable(control, False, why)
    for ok, why in conditions:
        if not ok:
            return enable(control, False, why)
    return enable(control, True)


def reason_shown(control: QObject) -> str:
    """The reason a disabled control shows (its tooltip less its own); empty if enabled."""
    if control.isEnabled():  # type: ignore[attr-defined]
        return ""
    base = str(control.property(_BASE) or "")
    tip = str(control.toolTip())  # type: ignore[attr-defined]
    return tip[len(base) :].strip() if base and tip.startswith(base) else tip.strip()


def explain_next(wizard: QWizard) -> None:
    """Make a wizard's Next and Finish buttons say why they are grey: each page may have a
    ``why_not()`` method (what the step still needs); without one, a general word. Call once,
    after the pages are added."""

    def explain(*_a: object) -> None:
        page = wizard.currentPage()
        if page is None:
            return
        why_not = getattr(page, "why_not", None)
        why = str(why_not()) if callable(why_not) else ""
        complete = page.isComplete()
        if not complete and not why:
            why = _("Finish this step first (see the page).")
        for which in (QWizard.WizardButton.NextButton, QWizard.WizardButton.FinishButton):
            enable(wizard.button(which), complete, why)
        enable(
            wizard.button(QWizard.WizardButton.BackButton),
            len(wizard.visitedIds()) > 1,
            _("There is no step before this one to go back to."),
        )

    wizard.currentIdChanged.connect(explain)
    for page_id in wizard.pageIds():
        wizard.page(page_id).completeChanged.connect(explain)
    explain()
