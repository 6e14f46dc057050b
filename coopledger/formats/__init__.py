"""File formats: what comes from and goes to disk, turned into the domain's records.

* ``book_json``: book files (``coopledger-book`` JSON), read whole or streamed;
* ``sheets``: spreadsheets (``.xlsx`` and CSV) as tables of text cells, and safe exports;
* ``roster``: member and contract rosters read from those tables, field by field through
  the records' field tables (``domain.fields``, ``domain.records``).

A layer beside ``store`` and ``reports``: it may import only the domain (and the standard
library, openpyxl, ijson); services use it, it never touches the ledger.
"""
