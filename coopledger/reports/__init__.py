"""Printed papers (reportlab): the embedded CJK font, slips, notices, statements, vouchers.

Fed only by plain rows from the services. May import ``coopledger.domain`` and reportlab.
"""

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
