"""Use cases. Each public function opens and commits exactly one transaction (unit of work)
and appends to the audit log in it.

May import ``coopledger.store``, ``coopledger.reports`` and ``coopledger.domain``. Never Qt.
"""
