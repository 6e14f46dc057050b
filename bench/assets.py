"""Issue 19: a month's depreciation run over 5,000 cards ≤ 5 s (one voucher, 5,000 card lines,
the audit entries), and a quarter's 财务公开表 (data and A3 PDF) for a village with 2,000
vouchers in the quarter ≤ 3 s."""

from __future__ import annotations

import csv
import datetime as dt
import time
from pathlib import Path
from typing import Any

from bench.common import Run, best_of, run_child, tail, times_text

AREA = "assets"
DEPRECIATION_LIMIT = 5.0
DISCLOSURE_LIMIT = 3.0
CARDS = 5_000
VOUCHERS = 2_000

_ACCOUNTS = [
    {"code": "15101", "name": "固定资产—房屋", "kind": "asset"},
    {"code": "15102", "name": "固定资产—机具", "kind": "asset"},
    {"code": "50101", "name": "经营收入—出租收入", "kind": "revenue"},
    {"code": "50102", "name": "经营收入—销售收入", "kind": "revenue"},
    {"code": "51101", "name": "经营支出—出租成本", "kind": "expense"},
    {"code": "51301", "name": "管理费用—办公", "kind": "expense"},
    {"code": "51302", "name": "管理费用—折旧", "kind": "expense"},
]


def _book(led: Any, vouchers: list[dict[str, Any]], members: int = 0) -> int:
    from coopledger.services import bookfile

    return bookfile.import_book(
        led,
        {
            "format": "coopledger-book",
            "version": 1,
            "organisation": {"name": "基准村股份经济合作社", "chart": "village-2023"},
            "members": [
                {"code": f"H{i:04d}", "name": f"农户{i}", "kind": "household"}
                for i in range(1, members + 1)
            ],
            "accounts": _ACCOUNTS,
            "vouchers": vouchers,
        },
    )


def depreciation_job(work: str, cards: int) -> dict[str, Any]:
    """A book with ``cards`` cards (straight-line, units of work, investments) imported from
    a register; time the first two months' runs."""
    from coopledger.services import assets
    from coopledger.services.ledger import open_ledger, verify

    folder = Path(work)
    led = open_ledger(folder / "assets.sqlite3", create=True)
    straight = cards * 8 // 10
    units = cards // 10
    invest = cards - straight - units
    value = 12_000
    opening = [
        {"account": "15101", "debit": f"{(straight + units) * value}.00"},
        {"account": "141", "debit": f"{invest * value}.00"},
        {"account": "301", "credit": f"{cards * value}.00"},
    ]
    org = _book(led, [{"date": "2014-01-02", "memo": "期初", "lines": opening}])
    register = folder / "register.csv"
    with register.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "资产编号",
                "资产名称",
                "资产类别",
                "启用日期",
                "原值",
                "使用月数",
                "残值率",
                "折旧方法",
                "预计总工作量",
                "资产科目",
                "折旧费用科目",
            ]
        )
        for i in range(cards):
            if i < straight:
                row = [
                    f"GD-{i:05d}",
                    f"烤烟房{i}",
                    "房屋及建筑物",
                    "2013-12-20",
                    value,
                    120 + i % 120,
                    "5%",
                    "年限平均法",
                    "",
                    "15101",
                    "51101" if i % 2 else "51302",
                ]
            elif i < straight + units:
                row = [
                    f"JX-{i:05d}",
                    f"拖拉机{i}",
                    "机器设备",
                    "2013-12-05",
                    value,
                    "",
                    "0",
                    "工作量法",
                    5000,
                    "15101",
                    "51101",
                ]
            else:
                row = [
                    f"TZ-{i:05d}",
                    f"股权{i}",
                    "长期投资",
                    "2014-01-02",
                    value,
                    "",
                    "",
                    "",
                    "",
                    "141",
                    "",
                ]
            w.writerow(row)
    t0 = time.perf_counter()
    report = assets.import_assets(led, org, register, commit=True)
    imported = time.perf_counter() - t0
    if report.errors:
        raise RuntimeError("; ".join(e.describe() for e in report.errors[:3]))
    work_of = {f"JX-{i:05d}": 20 + i % 30 for i in range(straight, straight + units)}
    timings = []
    results = []
    for month in (1, 2):
        t0 = time.perf_counter()
        result = assets.run_depreciation(led, org, 2014, month, work_of)
        timings.append(time.perf_counter() - t0)
        results.append(result)
    ok = verify(led).ok
    led.close()
    return {
        "import": imported,
        "timings": timings,
        "cards": [r.cards for r in results],
        "total": [r.total_fen for r in results],
        "verify": ok,
    }


def disclosure_job(work: str, vouchers: int) -> dict[str, Any]:
    """A village book with ``vouchers`` vouchers in the fourth quarter (receipts, payments,
    loans to households, transfers between cash and bank, accruals); time the quarter's
    table, its data and its A3 PDF together."""
    from coopledger.domain.vocabulary import PeriodKind
    from coopledger.services import disclosure
    from coopledger.services.ledger import open_ledger

    folder = Path(work)
    led = open_ledger(folder / "village.sqlite3", create=True)
    rows: list[dict[str, Any]] = [
        {
            "date": "2014-01-02",
            "memo": "期初",
            "lines": [
                {"account": "101", "debit": "5000.00"},
                {"account": "102", "debit": "2000000.00"},
                {"account": "301", "credit": "2005000.00"},
            ],
        }
    ]
    start = dt.date(2014, 10, 1)
    for i in range(vouchers):
        day = (start + dt.timedelta(days=i * 92 // vouchers)).isoformat()
        amount = f"{100 + i % 900}.{i % 100:02d}"
        kind = i % 6
        if kind == 0:
            lines = [{"account": "102", "debit": amount}, {"account": "50101", "credit": amount}]
            memo = f"出租收入{i}"
        elif kind == 1:
            lines = [{"account": "102", "debit": amount}, {"account": "50102", "credit": amount}]
            memo = f"销售收入{i}"
        elif kind == 2:
            lines = [{"account": "51301", "debit": amount}, {"account": "101", "credit": amount}]
            memo = f"办公费{i}"
        elif kind == 3:
            member = f"H{1 + i % 300:04d}"
            lines = [
                {"account": "113", "debit": amount, "member": member},
                {"account": "102", "credit": amount},
            ]
            memo = f"借给农户{i}"
        elif kind == 4:
            lines = [{"account": "101", "debit": amount}, {"account": "102", "credit": amount}]
            memo = f"提取备用金{i}"
        else:
            lines = [{"account": "112", "debit": amount}, {"account": "50101", "credit": amount}]
            memo = f"应收租金{i}"
        rows.append({"date": day, "memo": memo, "lines": lines})
    org = _book(led, rows, members=300)
    out = folder / "q4.pdf"

    def run() -> None:
        disclosure.print_disclosure(led, org, PeriodKind.QUARTER, 2014, 4, out, paper="A3")

    best, times = best_of(run)
    data = disclosure.disclosure_data(led, org, PeriodKind.QUARTER, 2014, 4)
    from pypdf import PdfReader

    pages = len(PdfReader(out).pages)
    led.close()
    return {
        "timing": [best, times],
        "receipts": len(data.receipts),
        "payments": len(data.payments),
        "transfers": len(data.transfers_in) + len(data.transfers_out),
        "pages": pages,
    }


def run(r: Run) -> None:
    cards = 500 if r.quick else CARDS
    res = run_child(
        "bench.assets:depreciation_job",
        {"work": str(r.tmp), "cards": cards},
        log=r.tmp / "depreciation.log",
        timeout=1800,
    )
    if not res.ok:
        r.add(
            f"depreciation run over {cards:,} cards",
            None,
            DEPRECIATION_LIMIT,
            detail=f"{res.error}; {tail(res.log, 5)}",
        )
    else:
        v = res.value
        r.add(
            f"depreciation run over {cards:,} cards (one month, one voucher)",
            max(v["timings"]),
            DEPRECIATION_LIMIT,
            detail=(
                f"months 1 and 2: {times_text(v['timings'])}; {v['cards'][0]:,} cards charged; "
                f"register imported in {v['import']:.2f} s; verify {'ok' if v['verify'] else 'FAILED'}"
            ),
        )
    vouchers = 200 if r.quick else VOUCHERS
    res = run_child(
        "bench.assets:disclosure_job",
        {"work": str(r.tmp), "vouchers": vouchers},
        log=r.tmp / "disclosure.log",
        timeout=1800,
    )
    if not res.ok:
        r.add(
            f"财务公开表 of a quarter with {vouchers:,} vouchers",
            None,
            DISCLOSURE_LIMIT,
            detail=f"{res.error}; {tail(res.log, 5)}",
        )
    else:
        v = res.value
        best, times = v["timing"]
        r.add(
            f"财务公开表 of a quarter with {vouchers:,} vouchers (data and A3 PDF)",
            best,
            DISCLOSURE_LIMIT,
            detail=(
                f"{v['receipts']:,} receipts, {v['payments']:,} payments, {v['transfers']:,} "
                f"transfers on {v['pages']} pages; {times_text(times)}"
            ),
        )
