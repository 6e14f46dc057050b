"""The 村级财务公开表 (receipts and payments item by item under their categories, the balance
brought forward and carried on, A3 and A4 papers), the record of its publication, share
certificates with their numbered reprints, and the cash-discipline warnings."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from coopledger.domain.errors import DomainError
from coopledger.domain.ledger import LineInput, VoucherInput
from coopledger.domain.vocabulary import CertificateKind, DisclosureCategory, PeriodKind
from coopledger.services import cash, certificates, disclosure, vouchers
from coopledger.services.ledger import Ledger, verify
from coopledger.services.settings import set_setting
from coopledger.store import tables
from tests.services.bookmaker import HOUSEHOLDS, cr, dr, make_book, v

Q = PeriodKind.QUARTER
M = PeriodKind.MONTH

ACCOUNTS = [
    {"code": "50101", "name": "经营收入—出租收入", "kind": "revenue"},
    {"code": "51301", "name": "管理费用—办公", "kind": "expense"},
]
VOUCHERS = [
    v("2014-01-02", "期初", dr("101", "2000.00"), dr("102", "50000.00"), cr("301", "52000.00")),
    v("2014-10-08", "烤烟房租金", dr("102", "16000.00"), cr("50101", "16000.00")),
    v("2014-10-20", "提取备用金", dr("101", "8000.00"), cr("102", "8000.00")),
    v("2014-11-03", "办公费", dr("51301", "600.00"), cr("101", "600.00")),
    v("2014-11-15", "借给农户", dr("113", "1000.00", "H0001"), cr("101", "1000.00")),
    v("2014-12-01", "应收租金", dr("112", "500.00"), cr("50101", "500.00")),
    v("2014-12-20", "收到短期借款", dr("102", "20000.00"), cr("201", "20000.00")),
]


def _book(ledger: Ledger) -> int:
    return make_book(ledger, VOUCHERS, accounts=ACCOUNTS)


def _text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def test_a_quarter_item_by_item_with_its_balances(ledger: Ledger) -> None:
    org = _book(ledger)
    d = disclosure.disclosure_data(ledger, org, Q, 2014, 4)
    assert (d.start, d.end, d.title) == (
        dt.date(2014, 10, 1),
        dt.date(2014, 12, 31),
        "2014年第四季度",
    )
    assert d.opening_fen == 52_000_00
    # the cash ↔ bank transfer is no receipt or payment; the accrual moved no cash
    assert [(i.memo, i.category, i.amount_fen) for i in d.receipts] == [
        ("烤烟房租金", DisclosureCategory.INCOME, 16_000_00),
        ("收到短期借款", DisclosureCategory.DEBTS, 20_000_00),
    ]
    assert [(i.memo, i.category, i.item, i.amount_fen) for i in d.payments] == [
        ("办公费", DisclosureCategory.EXPENDITURE, "管理费用—办公", 600_00),
        ("借给农户", DisclosureCategory.DEBTS, "内部往来", 1_000_00),
    ]
    assert d.closing_fen == 52_000_00 + 36_000_00 - 1_600_00
    assert [(i.memo, i.amount_fen) for i in d.transfers_in] == [("应收租金", 500_00)]
    assert d.totals_by_category() == [
        (DisclosureCategory.INCOME, 16_000_00, 0),
        (DisclosureCategory.EXPENDITURE, 0, 600_00),
        (DisclosureCategory.DEBTS, 20_000_00, 1_000_00),
    ]
    debts = {b.label: (b.opening_fen, b.closing_fen) for b in d.debts}
    assert debts["短期借款"] == (0, 20_000_00)
    assets = {b.label: (b.opening_fen, b.closing_fen) for b in d.assets}
    assert assets["应收款"] == (0, 500_00)
    assert assets["内部往来（应收）"] == (0, 1_000_00)
    # a month: October only
    oct_ = disclosure.disclosure_data(ledger, org, M, 2014, 10)
    assert oct_.receipts_fen == 16_000_00 and oct_.payments_fen == 0


def test_the_papers_read_back_a3_and_a4(ledger: Ledger, tmp_path: Path) -> None:
    org = _book(ledger)
    set_setting(ledger, "objection_phone", "0875-8123456", org)
    set_setting(ledger, "finance_reviewers", "杨文华、李德兴", org)
    for paper, width in (("A3", 1190.55), ("A4", 841.89)):
        out = disclosure.print_disclosure(
            ledger, org, Q, 2014, 4, tmp_path / f"q4-{paper}.pdf", paper=paper
        )
        reader = PdfReader(out)
        assert abs(float(reader.pages[0].mediabox.width) - width) < 1  # landscape
        text = _text(out)
        for expected in (
            "测试村股份经济合作社财务公开表",
            "2014年第四季度",
            "上期结余",
            "本期结余",
            "各项收入",
            "烤烟房租金",
            "16,000.00",
            "民主理财小组审核意见",
            "杨文华、李德兴",
            "0875-8123456",
            "86,400.00",
        ):
            assert expected in text, (paper, expected)
    with pytest.raises(DomainError, match="A3 or A4"):
        disclosure.print_disclosure(ledger, org, Q, 2014, 4, tmp_path / "x.pdf", paper="B5")
    with pytest.raises(DomainError, match="1–4"):
        disclosure.disclosure_data(ledger, org, Q, 2014, 5)


def test_publication_is_recorded_audited_and_a_later_change_shows(
    ledger: Ledger, tmp_path: Path
) -> None:
    org = _book(ledger)
    with pytest.raises(DomainError, match="民主理财小组"):
        disclosure.publish_period(ledger, org, Q, 2014, 4, dt.date(2015, 1, 5), "  ")
    with pytest.raises(DomainError, match="once it has ended"):
        disclosure.publish_period(ledger, org, Q, 2014, 4, dt.date(2014, 12, 30), "杨文华")
    pid = disclosure.publish_period(ledger, org, Q, 2014, 4, dt.date(2015, 1, 5), "杨文华、李德兴")
    rows = disclosure.period_statuses(ledger, org, Q, 2014, check=True)
    assert [r.latest is not None for r in rows] == [False, False, False, True]
    q4 = rows[3]
    assert q4.latest is not None and q4.latest.id == pid
    assert (q4.latest.reviewed_by, q4.latest.recorded_by) == ("杨文华、李德兴", "accountant")
    assert q4.latest.receipts_fen == 36_000_00 and q4.unchanged is True
    with ledger.connect() as c:
        entry = c.execute(
            select(tables.audit_log.c.after_json).where(
                tables.audit_log.c.action == "publish finances"
            )
        ).scalar_one()
    assert json.loads(entry)["reviewed_by"] == "杨文华、李德兴"
    # the printed table carries the posting date while it is the table published
    out = disclosure.print_disclosure(ledger, org, Q, 2014, 4, tmp_path / "q4.pdf")
    assert "公开日期：2015年1月5日" in _text(out)
    # a voucher posted into the quarter afterwards: the ledger no longer gives that table
    vid = vouchers.add_voucher(
        ledger,
        org,
        VoucherInput(
            dt.date(2014, 12, 28),
            "补记办公费",
            (LineInput("51301", debit_fen=100_00), LineInput("101", credit_fen=100_00)),
        ),
    )
    vouchers.review_voucher(ledger, org, vid)
    vouchers.post_voucher(ledger, org, vid)
    assert disclosure.period_statuses(ledger, org, Q, 2014, check=True)[3].unchanged is False
    assert "公开日期：2015年1月5日" not in _text(
        disclosure.print_disclosure(ledger, org, Q, 2014, 4, tmp_path / "q4b.pdf")
    )
    # published again, corrected: both kept, the latest first
    disclosure.publish_period(ledger, org, Q, 2014, 4, dt.date(2015, 1, 9), "杨文华、李德兴")
    q4 = disclosure.period_statuses(ledger, org, Q, 2014, check=True)[3]
    assert len(q4.publications) == 2 and q4.unchanged is True
    assert verify(ledger).ok


def test_cash_above_its_limit_and_below_zero(ledger: Ledger, tmp_path: Path) -> None:
    org = _book(ledger)
    assert cash.cash_position(ledger, org).limit_fen is None
    with pytest.raises(DomainError):
        set_setting(ledger, "cash_limit", "五千", org)
    set_setting(ledger, "cash_limit", "5,000", org)
    p = cash.cash_position(ledger, org, dt.date(2014, 10, 31))
    assert (p.cash_fen, p.limit_fen, p.over_limit) == (10_000_00, 5_000_00, True)
    assert any("5000.00" in w.text() for w in cash.position_warnings(p))
    d = disclosure.disclosure_data(ledger, org, Q, 2014, 4)
    texts = [w.text() for w in d.warnings]
    assert any("2014-10" in t and "10000.00" in t for t in texts)
    assert any("2014-12" in t and "8400.00" in t for t in texts)
    assert "超过库存现金限额" in _text(
        disclosure.print_disclosure(ledger, org, Q, 2014, 4, tmp_path / "q4.pdf", paper="A4")
    )
    # a payment bigger than the cash on hand is warned of, not refused
    big = VoucherInput(
        dt.date(2014, 12, 30),
        "支付工程款",
        (LineInput("51301", debit_fen=9_000_00), LineInput("101", credit_fen=9_000_00)),
    )
    warnings = cash.voucher_cash_warnings(ledger, org, big)
    assert [w.path for w in warnings] == ["cash"]
    assert "-600.00" in warnings[0].text()
    vid = vouchers.add_voucher(ledger, org, big)
    assert [w.path for w in cash.warnings_for_voucher(ledger, org, vid)] == ["cash"]
    small = VoucherInput(
        dt.date(2014, 12, 30),
        "办公费",
        (LineInput("51301", debit_fen=100_00), LineInput("101", credit_fen=100_00)),
    )
    assert cash.voucher_cash_warnings(ledger, org, small) == []


def _shares_book(ledger: Ledger) -> int:
    members = [dict(m) for m in HOUSEHOLDS]
    members[0]["id_number"] = "530521196503120013"
    return make_book(
        ledger,
        [],
        members=members,
        contracts=[
            {
                "code": "L0001",
                "member": "H0001",
                "parcel": "岩子脚-001",
                "area_mu": "2",
                "rent_per_mu": "800.00",
                "share_value_per_mu": "800.00",
                "start": "2014-01-01",
                "end": "2028-12-31",
            }
        ],
        share_lots=[
            {
                "code": "P0001",
                "holder": "H0001",
                "class": "other",
                "amount": "1000.00",
                "start": "2014-01-01",
                "end": None,
            },
            {
                "code": "P0002",
                "holder": "H0002",
                "class": "cash",
                "amount": "500.00",
                "start": "2014-01-01",
                "end": None,
            },
        ],
    )


def test_certificates_numbered_reprinted_and_registered(ledger: Ledger, tmp_path: Path) -> None:
    org = _shares_book(ledger)
    on = dt.date(2014, 12, 31)
    # H0003 holds nothing: one clear message, nothing written
    before = _count(ledger)
    with pytest.raises(DomainError, match="holds no shares") as err:
        certificates.issue_certificates(
            ledger, org, on, tmp_path / "x.pdf", members=["H0001", "H0003"]
        )
    assert "H0003" in err.value.text()
    assert _count(ledger) == before and not (tmp_path / "x.pdf").exists()
    made = certificates.issue_certificates(ledger, org, on, tmp_path / "all.pdf")
    assert [(c.label, c.holder_code, c.total_fen) for c in made] == [
        ("000001", "H0001", 2_600_00),
        ("000002", "H0002", 500_00),
    ]
    text = _text(tmp_path / "all.pdf")
    for expected in (
        "股\u3000权\u3000证",
        "000001",
        "苏子柏",
        "530521",
        "土地股",
        "岩子脚-001",
        "2.00亩",
        "贰仟陆佰元整",
        "（单位盖章）",
    ):
        assert expected in text, expected
    assert "19650312" not in text  # the ID number is masked
    with pytest.raises(DomainError, match="has certificate 000001 already"):
        certificates.issue_certificates(ledger, org, on, tmp_path / "y.pdf", members=["H0001"])
    with pytest.raises(DomainError, match="every household"):
        certificates.issue_certificates(ledger, org, on, tmp_path / "y.pdf")
    with pytest.raises(DomainError, match="say why"):
        certificates.reprint_certificate(ledger, org, "H0001", on, " ", tmp_path / "r.pdf")
    again = certificates.reprint_certificate(
        ledger, org, "H0001", dt.date(2015, 3, 1), "原证遗失", tmp_path / "r.pdf"
    )
    assert (again.label, again.print_no, again.kind) == ("000001", 2, CertificateKind.REPRINT)
    assert "第2次打印" in _text(tmp_path / "r.pdf") and "原证遗失" in _text(tmp_path / "r.pdf")
    register = certificates.certificate_register(ledger, org)
    assert [(r.label, r.print_no, r.member_code, r.reason) for r in register] == [
        ("000001", 1, "H0001", ""),
        ("000001", 2, "H0001", "原证遗失"),
        ("000002", 1, "H0002", ""),
    ]
    assert verify(ledger).ok


def _count(ledger: Ledger) -> tuple[int, int]:
    with ledger.connect() as c:
        return (
            int(c.execute(select(func.count()).select_from(tables.share_certificate)).scalar_one()),
            int(c.execute(select(func.count()).select_from(tables.audit_log)).scalar_one()),
        )
