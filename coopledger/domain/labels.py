"""Codes that the command line shows through ``_(value)``, marked here so the extractor finds
them as msgids and the catalogs translate them.

Pure: no I/O and no translation here (see `coopledger.domain.errors.N_`). The window names the
same codes through the tables in ``coopledger.ui.fmt``; these are the raw values the CLI prints.
"""

from __future__ import annotations

from coopledger.domain.errors import N_

#: Voucher states (``voucher list``, ``voucher show``).
VOUCHER_STATES = (N_("draft"), N_("reviewed"), N_("posted"))

#: Member kinds (``member list``).
MEMBER_KINDS = (N_("household"), N_("collective"), N_("organisation"))

#: Share classes (``shares register``, ``shares history``).
SHARE_CLASSES = (
    N_("land"),
    N_("self_raised"),
    N_("project_fund"),
    N_("red_fund"),
    N_("cash"),
    N_("other"),
)

#: Payment methods (``cash`` is shared with the share class of that name).
PAYMENT_METHODS = (N_("cash"), N_("bank"))

#: The lines of the bank reconciliation statement (``books reconciliation``).
RECONCILIATION_KEYS = (
    N_("ledger_balance"),
    N_("bank_in_not_booked"),
    N_("bank_out_not_booked"),
    N_("adjusted_ledger"),
    N_("statement_balance"),
    N_("booked_in_not_bank"),
    N_("booked_out_not_bank"),
    N_("adjusted_statement"),
    N_("agrees"),
)

LABELS: tuple[str, ...] = (
    VOUCHER_STATES + MEMBER_KINDS + SHARE_CLASSES + PAYMENT_METHODS + RECONCILIATION_KEYS
)
