"""Synthetic books of any size, deterministic for a given seed, valid per book-format.md."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

GROUPS = [
    "岩子脚小组",
    "大村小组",
    "山邑小组",
    "新寨小组",
    "河边小组",
    "上寨小组",
    "下寨小组",
    "中村小组",
]
SURNAMES = "杨李张赵王段刘陈周苏字罗黄郑何孙朱胡高林"
GIVEN = "文华顺明德兴国正荣贵学富成有光才福永发春金玉秀兰芬英红云海林"

#: The order of a book file's top-level keys (``vouchers`` is filled in separately).
_KEYS = (
    "format",
    "version",
    "organisation",
    "members",
    "accounts",
    "contracts",
    "share_lots",
    "vouchers",
    "plans",
)


def _money(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


COOPERATIVE = "cooperative-2021"
#: The wage account of each chart (经营支出—务工工资 is a sub-account of 511 / 521).
WAGES = {"village-2023": "51101", COOPERATIVE: "52101"}


def _header(
    rng: random.Random,
    *,
    households: int,
    contracts: int,
    lots: int,
    name: str,
    year: int,
    chart: str = "village-2023",
) -> dict[str, Any]:
    """Everything in a book but its vouchers (``vouchers`` is an empty list). On a
    ``cooperative-2021`` book the plan keeps no welfare fund, sets 10 % 盈余公积 aside and
    returns 60 % of the pool by the members' land fees (distribution.md version 2); either
    plan splits per share, the default."""
    members: list[dict[str, Any]] = [
        {"code": "C001", "name": "村集体", "kind": "collective"},
        {"code": "O001", "name": "村党总支", "kind": "organisation"},
    ]
    for i in range(1, households + 1):
        members.append(
            {
                "code": f"H{i:06d}",
                "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                "kind": "household",
                "group": GROUPS[i % len(GROUPS)],
            }
        )
    cons = []
    for i in range(1, contracts + 1):
        h = (i - 1) % households + 1
        cons.append(
            {
                "code": f"L{i:06d}",
                "member": f"H{h:06d}",
                "parcel": f"P{i:06d}",
                "area_mu": f"{rng.randrange(5, 80) / 10:.1f}",
                "rent_per_mu": "800.00",
                "share_value_per_mu": "800.00",
                "start": f"{year}-01-01"
                if rng.random() < 0.9
                else f"{year}-{rng.randrange(1, 13):02d}-01",
                "end": f"{year + 14}-12-31",
            }
        )
    share_lots = [
        {
            "code": "S000001",
            "holder": "C001",
            "class": "self_raised",
            "amount": "500000.00",
            "start": f"{year}-01-01",
            "end": None,
        }
    ]
    for i in range(2, lots + 1):
        h = rng.randrange(1, households + 1)
        share_lots.append(
            {
                "code": f"S{i:06d}",
                "holder": f"H{h:06d}",
                "class": "cash",
                "amount": _money(rng.randrange(100_00, 10_000_00)),
                "start": f"{year}-01-01",
                "end": None,
            }
        )
    accounts = [
        {"code": "50101", "name": "经营收入—莲藕", "kind": "revenue"},
        {"code": WAGES[chart], "name": "经营支出—务工工资", "kind": "expense"},
    ]
    plan: dict[str, Any] = {
        "year": year,
        "welfare_rate": "0.10",
        "reserve_rate": "0.05",
        "approved_on": f"{year}-12-20",
        "published_on": f"{year}-12-22",
    }
    if chart == COOPERATIVE:
        plan.update(
            welfare_rate="0",
            reserve_rate="0.10",
            transaction_rate="0.6",
            transaction_basis="land-fees",
        )
    return {
        "format": "coopledger-book",
        "version": 1,
        "organisation": {
            "name": name,
            "village": "合成村",
            "township": "合成镇",
            "county": "合成县",
            "chart": chart,
        },
        "members": members,
        "accounts": accounts,
        "contracts": cons,
        "share_lots": share_lots,
        "vouchers": [],
        "plans": [plan],
    }


def _vouchers(
    rng: random.Random,
    *,
    households: int,
    voucher_lines: int,
    year: int,
    years: int = 1,
    wages: str = "51101",
) -> Iterator[dict[str, Any]]:
    """About ``voucher_lines`` lines of sales (2 lines) and wage payments (up to 10 lines),
    spread evenly over ``years`` years from ``year``."""
    lines_left = voucher_lines
    n = 0
    while lines_left > 0:
        n += 1
        y = year + (voucher_lines - lines_left) * years // voucher_lines
        day = f"{y}-{(n % 12) + 1:02d}-{(n % 28) + 1:02d}"
        if n % 3:
            amount = rng.randrange(1_000_00, 50_000_00)
            yield {
                "date": day,
                "memo": "销售收入",
                "lines": [
                    {"account": "102", "debit": _money(amount)},
                    {"account": "50101", "credit": _money(amount)},
                ],
            }
            lines_left -= 2
        else:
            width = min(9, max(1, lines_left - 1))
            parts = [rng.randrange(100_00, 3_000_00) for _ in range(width)]
            lines = [
                {
                    "account": wages,
                    "debit": _money(p),
                    "member": f"H{rng.randrange(1, households + 1):06d}",
                }
                for p in parts
            ]
            lines.append({"account": "101", "credit": _money(sum(parts))})
            yield {"date": day, "memo": "支付务工工资", "lines": lines}
            lines_left -= width + 1


def synthetic_book(
    *,
    households: int,
    contracts: int,
    lots: int,
    voucher_lines: int,
    name: str = "合成测试合作社",
    year: int = 2014,
    seed: int = 1,
    chart: str = "village-2023",
) -> dict[str, Any]:
    """A book with ``households`` households, ``contracts`` land contracts spread over them,
    ``lots`` explicit share lots, about ``voucher_lines`` voucher lines in ``year`` and a plan."""
    rng = random.Random(seed)
    book = _header(
        rng,
        households=households,
        contracts=contracts,
        lots=lots,
        name=name,
        year=year,
        chart=chart,
    )
    book["vouchers"] = list(
        _vouchers(
            rng,
            households=households,
            voucher_lines=voucher_lines,
            year=year,
            wages=WAGES[chart],
        )
    )
    return book


def write_book_file(
    path: Path | str,
    *,
    households: int,
    contracts: int,
    lots: int,
    voucher_lines: int,
    name: str = "合成测试合作社",
    year: int = 2014,
    years: int = 1,
    seed: int = 1,
    chart: str = "village-2023",
) -> Path:
    """Write a synthetic book straight to a JSON file, one voucher at a time, so that a
    township-sized book (millions of lines) never sits in memory. With ``years`` 1 the file
    holds the same book as ``synthetic_book``; with more, the vouchers are spread over
    ``years`` years from ``year`` (the members, contracts, lots and plan stay the same)."""
    target = Path(path)
    rng = random.Random(seed)
    header = _header(
        rng,
        households=households,
        contracts=contracts,
        lots=lots,
        name=name,
        year=year,
        chart=chart,
    )
    tmp = target.with_name(target.name + ".part")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write("{")
        for k, key in enumerate(_KEYS):
            fh.write(("," if k else "") + json.dumps(key) + ":")
            if key != "vouchers":
                fh.write(json.dumps(header[key], ensure_ascii=False))
                continue
            fh.write("[")
            vouchers = _vouchers(
                rng,
                households=households,
                voucher_lines=voucher_lines,
                year=year,
                years=years,
                wages=WAGES[chart],
            )
            for i, v in enumerate(vouchers):
                fh.write(("," if i else "") + json.dumps(v, ensure_ascii=False))
            fh.write("]")
        fh.write("}\n")
    tmp.replace(target)
    return target


def resident_id(n: int, born: dt.date) -> str:
    """A made-up resident ID number with a valid check digit (region 530521, 云南施甸)."""
    from coopledger.domain.ids import resident_id_check_digit

    first17 = f"530521{born:%Y%m%d}{n % 1000:03d}"
    return first17 + resident_id_check_digit(first17)


def roster_rows(count: int, *, seed: int = 1) -> list[list[str]]:
    """``count`` household rows for a member roster: 户主姓名, 身份证号, 村民小组 (every ID
    number is valid and unique)."""
    rng = random.Random(seed)
    rows = []
    base = dt.date(1940, 1, 1)
    for i in range(count):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        # a different birth date per thousand rows keeps (date, sequence) unique
        born = base + dt.timedelta(days=i // 1000)
        rows.append([name, resident_id(i, born), GROUPS[i % len(GROUPS)]])
    return rows
