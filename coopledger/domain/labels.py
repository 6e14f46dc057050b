"""Codes that the command line shows through ``_(value)``, marked here so the extractor finds
them as msgids and the catalogs translate them.

Pure: no I/O and no translation here (see `coopledger.domain.errors.N_`). Codes with a name of
their own (member kinds, share classes, voucher states …) are named by the vocabulary
(``coopledger.domain.vocabulary``, ``i18n.term``); these are the raw keys the CLI prints.
"""

from __future__ import annotations

from coopledger.domain.errors import N_

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

LABELS: tuple[str, ...] = RECONCILIATION_KEYS
