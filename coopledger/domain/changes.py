"""What a write changed, by kind of record: a typed flag set.

The unit of work (``store.uow``) notes every table a transaction wrote and reports the kinds
of record behind them (`Changes`); the ledger hands them to whoever listens once the
transaction has committed (``services.ledger.Ledger.subscribe``), and each of the window's
views refreshes only when one of the kinds it shows changed. A view never learns of a change
by a string someone remembered to send.

Pure: no I/O.
"""

from __future__ import annotations

from enum import Flag, auto

__all__ = ["Changes"]


class Changes(Flag):
    """Kinds of record a write can change (combine with ``|``, test with ``&``)."""

    NONE = 0
    ORGS = auto()  #: the books (organisations) in the ledger
    ACCOUNTS = auto()  #: the chart of accounts
    MEMBERS = auto()
    CONTRACTS = auto()  #: land transfer contracts
    SHARES = auto()  #: the share register (share lots, and the land lots of the contracts)
    VOUCHERS = auto()  #: vouchers, their lines and the period balances
    PERIODS = auto()  #: months and years closed or reopened
    CHECKS = auto()  #: balances checked against a bank statement or a cash count
    DISTRIBUTION = auto()  #: plans and committed distributions
    PAYMENTS = auto()  #: slips paid
    SETTINGS = auto()
    USERS = auto()
    APPROVALS = auto()  #: requests for a second person's approval
    AUDIT = auto()  #: the audit trail (every write adds to it)
    TOWNSHIP = auto()  #: year-end packages received by a township and its villages
    ASSETS = auto()  #: the fixed-asset register, its changes and depreciation runs
    PUBLISHED = auto()  #: periods published (财务公开) and share certificates issued
    #: Everything: the whole ledger was replaced (a backup restored).
    ALL = (
        ORGS
        | ACCOUNTS
        | MEMBERS
        | CONTRACTS
        | SHARES
        | VOUCHERS
        | PERIODS
        | CHECKS
        | TOWNSHIP
        | DISTRIBUTION
        | PAYMENTS
        | SETTINGS
        | USERS
        | APPROVALS
        | AUDIT
        | ASSETS
        | PUBLISHED
    )
