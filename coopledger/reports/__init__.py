"""Printed papers (reportlab): the embedded CJK font, slips, notices, statements, vouchers.

Fed only by plain rows from services/queries. May import ``coopledger.domain`` and reportlab.
"""
