"""Printed papers (reportlab): the embedded CJK font, slips, notices, statements, vouchers.

Fed only by plain rows from the services. May import ``coopledger.domain`` and reportlab.

The names below load when first used (PEP 562): the window's views read the plain rows of
``reports.data`` without paying a third of a second for reportlab until something prints.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coopledger.reports.common import ReportCancelled, ReportDataError
    from coopledger.reports.data import (
        MemberStatement,
        MemberStatementRow,
        Notice,
        NoticeRow,
        Slip,
        SlipContract,
        Statement,
        StatementLine,
        VoucherLinePrint,
        VoucherPrint,
    )
    from coopledger.reports.member_statement import render_member_statement
    from coopledger.reports.notice import render_notice
    from coopledger.reports.slip import render_slips
    from coopledger.reports.statement import render_statement
    from coopledger.reports.voucher import render_voucher

#: Each public name and the module that defines it.
_WHERE = {
    "ReportCancelled": "common",
    "ReportDataError": "common",
    "MemberStatement": "data",
    "MemberStatementRow": "data",
    "Notice": "data",
    "NoticeRow": "data",
    "Slip": "data",
    "SlipContract": "data",
    "Statement": "data",
    "StatementLine": "data",
    "VoucherLinePrint": "data",
    "VoucherPrint": "data",
    "render_member_statement": "member_statement",
    "render_notice": "notice",
    "render_slips": "slip",
    "render_statement": "statement",
    "render_voucher": "voucher",
}

__all__ = [
    "MemberStatement",
    "MemberStatementRow",
    "Notice",
    "NoticeRow",
    "ReportCancelled",
    "ReportDataError",
    "Slip",
    "SlipContract",
    "Statement",
    "StatementLine",
    "VoucherLinePrint",
    "VoucherPrint",
    "render_member_statement",
    "render_notice",
    "render_slips",
    "render_statement",
    "render_voucher",
]


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{where}"), name)
    globals()[name] = value
    return value
