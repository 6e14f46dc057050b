"""The pure domain core: money, numerals, resident IDs, dates, ledger rules, land fees,
share weights and the year-end distribution.

May import only the standard library and babel (for locale formatting). Never Qt, SQL or I/O.
"""
