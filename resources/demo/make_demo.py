"""Writes the demo village's two book files (run from the repository root):

    .venv/bin/python resources/demo/make_demo.py

山邑村 as the source articles describe it: the lotus cooperative, a farmers' specialised
cooperative keeping the ``cooperative-2021`` books (1006 mu transferred at 800 yuan/mu and
valued at 800 yuan/mu as shares, 50万 self-raised and 77.3万 project funds from the
collective as its contributions, a year of lotus, fish and crayfish, wages to villagers; a
plan of 10% 盈余公积, then 60% of the surplus returned by the members' transactions — their
land fees — and the rest by shares, as 农民专业合作社法 art. 44 requires) and the village
collective's own book, ``village-2023`` (its dividend from the cooperative, 18万 in a food
company paying 1.7万 a year, 20 tobacco-curing ovens let for 1.6万 a year, a service building
put up with the county's project funds, the county red fund whose dividends go to the Party
branch), and the collective's asset register (资产台账, ``village-assets.csv``): the ovens,
the building and the two stakes, which ``coopledger demo`` imports and depreciates month by
month before the 2014 distribution.

The figures are chosen so that 苏子柏 (岩子脚小组, 2 mu) gets exactly 1,600.00 land fee and,
return and dividend together, 230.00 in 2014, with 10,800.00 of wages, as the article
reports. Everything is deterministic: the same files every run.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import datetime as dt  # noqa: E402

from coopledger.domain.distribution import PlanRates, compute_distribution  # noqa: E402
from coopledger.domain.ids import resident_id_check_digit  # noqa: E402
from coopledger.domain.land import ContractInput  # noqa: E402
from coopledger.domain.money import fen_to_str, parse_area  # noqa: E402
from coopledger.domain.shares import ShareLotInput  # noqa: E402

OUT = Path(__file__).resolve().parent
COOP = "山邑村红莲藕种植专业合作社"
VILLAGE = "山邑村股份经济合作社"
GROUPS = ["岩子脚小组", "大村小组", "山邑小组", "新寨小组", "河边小组"]
SURNAMES = "杨李张赵王段刘陈周苏字罗黄郑何"
GIVEN = "文华顺明德兴国正荣贵学富成有光才福永发春金玉秀兰芬英红云海林"
rng = random.Random(20141231)


def resident_id(n: int) -> str:
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 40 * 365))
    first17 = f"530521{birth:%Y%m%d}{n % 1000:03d}"
    return first17 + resident_id_check_digit(first17)


def households() -> list[dict[str, object]]:
    """176 households over five groups holding 1006 mu in all; 苏子柏 is H0001 with 2 mu."""
    areas_e4 = [2_0000]  # 苏子柏
    target = 1006_0000
    n = 176
    for _ in range(n - 2):
        areas_e4.append(rng.choice(range(2_5000, 8_0001, 500)))  # 2.5 to 8 mu, half-tenths
    areas_e4.append(target - sum(areas_e4))
    assert areas_e4[-1] > 0 and sum(areas_e4) == target
    out = []
    names = set()
    for i, area in enumerate(areas_e4, start=1):
        if i == 1:
            name, group = "苏子柏", "岩子脚小组"
        else:
            while True:
                name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
                if name not in names and name != "苏子柏":
                    break
            group = GROUPS[(i - 1) % len(GROUPS)]
        names.add(name)
        member: dict[str, object] = {
            "code": f"H{i:04d}",
            "name": name,
            "kind": "household",
            "group": group,
            "id_number": "530521196503120013" if i == 1 else resident_id(i),
        }
        if i % 3 != 0:
            member["bank_account"] = f"6217{rng.randrange(10**11, 10**12):012d}"
        out.append({"member": member, "area_e4": area})
    return out


def area_text(area_e4: int) -> str:
    whole, frac = divmod(area_e4, 10_000)
    return f"{whole}.{frac:04d}".rstrip("0").rstrip(".")


def coop_book(hh: list[dict[str, object]]) -> dict[str, object]:
    members = [{"code": "C001", "name": "山邑村股份经济合作社", "kind": "collective"}]
    members += [h["member"] for h in hh]  # type: ignore[misc]
    contracts = []
    for i, h in enumerate(hh, start=1):
        m = h["member"]
        contracts.append(
            {
                "code": f"L{i:04d}",
                "member": m["code"],  # type: ignore[index]
                "parcel": f"{str(m['group']).removesuffix('小组')}-{i:03d}",  # type: ignore[index]
                "area_mu": area_text(h["area_e4"]),  # type: ignore[arg-type]
                "rent_per_mu": "800.00",
                "share_value_per_mu": "800.00",
                "start": "2014-01-01",
                "end": "2028-12-31",
            }
        )
    lots = [
        {
            "code": "S0001",
            "holder": "C001",
            "class": "self_raised",
            "amount": "500000.00",
            "start": "2014-01-01",
            "end": None,
        },
        {
            "code": "S0002",
            "holder": "C001",
            "class": "project_fund",
            "amount": "773000.00",
            "start": "2014-01-01",
            "end": None,
        },
    ]
    # cooperative-2021: 501 经营收入, 521 经营支出, 523 管理费用, 301 股金.
    accounts = [
        {"code": "50101", "name": "经营收入—莲藕", "kind": "revenue"},
        {"code": "50102", "name": "经营收入—鱼", "kind": "revenue"},
        {"code": "50103", "name": "经营收入—小龙虾", "kind": "revenue"},
        {"code": "52101", "name": "经营支出—务工工资", "kind": "expense"},
        {"code": "52102", "name": "经营支出—种苗肥料", "kind": "expense"},
        {"code": "52103", "name": "经营支出—饲料", "kind": "expense"},
        {"code": "52104", "name": "经营支出—沟渠田埂维修", "kind": "expense"},
        {"code": "52301", "name": "管理费用—办公", "kind": "expense"},
        {"code": "30101", "name": "股金—山邑村股份经济合作社", "kind": "equity"},
    ]
    vouchers = [
        {
            "date": "2014-01-06",
            "memo": "收到村集体自筹资金入股",
            "attachments": 2,
            "lines": [
                {"account": "102", "debit": "500000.00"},
                {"account": "30101", "credit": "500000.00"},
            ],
        },
        {
            # The collective's fiscal-funded stake is its contribution (statements.md 4.2).
            "date": "2014-01-10",
            "memo": "收到村集体以产业项目资金入股",
            "attachments": 3,
            "lines": [
                {"account": "102", "debit": "773000.00"},
                {"account": "30101", "credit": "773000.00"},
            ],
        },
        {
            "date": "2014-01-15",
            "memo": "提取备用金",
            "attachments": 1,
            "lines": [
                {"account": "101", "debit": "440000.00"},
                {"account": "102", "credit": "440000.00"},
            ],
        },
    ]
    # Wages: 40 villagers at 900.00 a month, 苏子柏 among them: 432,000.00 in the year.
    workers = [h["member"]["code"] for h in hh[:40]]  # type: ignore[index]
    for month in range(1, 13):
        day = f"2014-{month:02d}-25"
        lines = [{"account": "52101", "debit": "900.00", "member": c} for c in workers]
        lines.append({"account": "101", "credit": f"{900 * len(workers)}.00"})
        vouchers.append(
            {"date": day, "memo": f"支付{month}月务工工资", "attachments": 1, "lines": lines}
        )
    sales = [
        ("2014-08-20", "销售莲藕", "50101", "380000.00"),
        ("2014-09-18", "销售莲藕", "50101", "520000.00"),
        ("2014-10-22", "销售莲藕", "50101", "350000.00"),
        ("2014-07-30", "销售鲜鱼", "50102", "128000.00"),
        ("2014-11-12", "销售鲜鱼", "50102", "140000.00"),
        ("2014-06-28", "销售小龙虾", "50103", "90000.00"),
        ("2014-08-05", "销售小龙虾", "50103", "100000.00"),
    ]
    for day, memo, acc, amount in sales:
        vouchers.append(
            {
                "date": day,
                "memo": memo,
                "attachments": 1,
                "lines": [{"account": "102", "debit": amount}, {"account": acc, "credit": amount}],
            }
        )
    costs = [
        ("2014-03-12", "购买藕种", "52102", "61200.00"),
        ("2014-04-08", "购买鱼苗、虾苗", "52102", "22329.17"),
        ("2014-05-16", "购买肥料", "52102", "15000.00"),
        ("2014-06-30", "上半年办公费", "52301", "18600.00"),
        ("2014-07-15", "购买鱼虾饲料", "52103", "96000.00"),
        ("2014-11-28", "沟渠清淤、田埂维修", "52104", "65596.00"),
        ("2014-12-20", "下半年办公费", "52301", "22200.00"),
    ]
    for day, memo, acc, amount in costs:
        vouchers.append(
            {
                "date": day,
                "memo": memo,
                "attachments": 2,
                "lines": [{"account": acc, "debit": amount}, {"account": "102", "credit": amount}],
            }
        )
    plans = [
        {
            "year": 2014,
            "welfare_rate": "0",
            "reserve_rate": "0.10",
            "dividend_method": "per-share",
            "transaction_rate": "0.6",
            "transaction_basis": "land-fees",
            "approved_on": "2014-12-20",
            "published_on": "2014-12-22",
            "proposed_by": "合作社理事会（山邑村党总支提议）",
            "meeting": "2014年12月18日理事会讨论；2014年12月20日成员代表大会",
            "resolution": (
                "先付土地流转金，提取10%盈余公积，可分配盈余的60%按交易量（土地流转金）返还，"
                "其余按股分配"
            ),
            "vote": "应到45人，实到43人，赞成43票",
            "notice": "2014年12月22日起在村务公开栏公示5天",
        }
    ]
    return {
        "format": "coopledger-book",
        "version": 1,
        "organisation": {
            "name": COOP,
            "village": "山邑村",
            "township": "姚关镇",
            "county": "施甸县",
            "chart": "cooperative-2021",
        },
        "members": members,
        "accounts": accounts,
        "contracts": contracts,
        "share_lots": lots,
        "vouchers": vouchers,
        "plans": plans,
    }


def check_coop(book: dict[str, object]) -> int:
    """Compute 2014 with the domain engine (version 2, the cooperative's plan); assert the
    article's figures; return C001's dividend."""

    def fen(s: str) -> int:
        whole, _, frac = s.partition(".")
        return int(whole) * 100 + int((frac + "00")[:2])

    kinds = {"501": "revenue", "521": "expense", "523": "expense"}
    a = 0
    for v in book["vouchers"]:  # type: ignore[union-attr]
        for ln in v["lines"]:
            kind = kinds.get(ln["account"][:3])
            if kind:
                a += fen(ln.get("credit", "0")) - fen(ln.get("debit", "0"))
    contracts = [
        ContractInput(
            c["code"],
            c["member"],
            parse_area(c["area_mu"]),
            80000,
            80000,
            dt.date(2014, 1, 1),
            dt.date(2028, 12, 31),
        )
        for c in book["contracts"]  # type: ignore[union-attr]
    ]
    lots = [
        ShareLotInput("S0001", "C001", "self_raised", 50_000_000, dt.date(2014, 1, 1), None),
        ShareLotInput("S0002", "C001", "project_fund", 77_300_000, dt.date(2014, 1, 1), None),
    ]
    plan = PlanRates(0, 1000, cooperative=True, transaction_rate_e4=6000)
    r = compute_distribution(2014, a, contracts, lots, plan)
    su = r.holder("H0001")
    assert su is not None and su.land_fee == 160_000, su
    assert su.transaction_return + su.dividend == 23_000, su  # the article's 分红
    assert r.land_fees == 80_480_000
    c = r.holder("C001")
    assert c is not None
    print(
        f"A={fen_to_str(a)} F={fen_to_str(r.land_fees)} Rs={fen_to_str(r.reserve)} "
        f"returns={fen_to_str(r.transaction_returns)} D={fen_to_str(r.dividends)} "
        f"C001={fen_to_str(c.dividend)} H0001={fen_to_str(su.transaction_return)}"
        f"+{fen_to_str(su.dividend)}"
    )
    return c.dividend


def village_book(hh: list[dict[str, object]], coop_dividend: int) -> dict[str, object]:
    members = [
        {"code": "C001", "name": "山邑村集体", "kind": "collective"},
        {"code": "O001", "name": "山邑村党总支", "kind": "organisation"},
    ]
    members += [h["member"] for h in hh]  # type: ignore[misc]
    # 人口股: every household holds 1,000.00 of 集体资产量化 shares.
    lots = [
        {
            "code": f"P{i:04d}",
            "holder": h["member"]["code"],
            "class": "other",
            "amount": "1000.00",  # type: ignore[index]
            "start": "2014-01-01",
            "end": None,
        }
        for i, h in enumerate(hh, start=1)
    ]
    lots.append(
        {
            "code": "R0001",
            "holder": "O001",
            "class": "red_fund",
            "amount": "50000.00",
            "start": "2014-01-01",
            "end": "2016-12-31",
        }
    )
    accounts = [
        {"code": "14101", "name": "长期投资—食品公司", "kind": "asset"},
        {"code": "14102", "name": "长期投资—红莲藕合作社", "kind": "asset"},
        {"code": "15101", "name": "固定资产—烤烟房", "kind": "asset"},
        {"code": "15102", "name": "固定资产—综合服务用房", "kind": "asset"},
        {"code": "50101", "name": "经营收入—出租收入", "kind": "revenue"},
        {"code": "50201", "name": "投资收益—食品公司分红", "kind": "revenue"},
        {"code": "50202", "name": "投资收益—合作社分红", "kind": "revenue"},
        {"code": "51102", "name": "经营支出—出租资产折旧", "kind": "expense"},
        {"code": "51301", "name": "管理费用—办公", "kind": "expense"},
        {"code": "51302", "name": "管理费用—折旧", "kind": "expense"},
        {"code": "30101", "name": "资本—集体资产", "kind": "equity"},
    ]
    div = fen_to_str(coop_dividend)
    vouchers = [
        {
            "date": "2014-01-02",
            "memo": "集体资产期初",
            "attachments": 1,
            "lines": [
                {"account": "102", "debit": "1650000.00"},
                {"account": "15101", "debit": "240000.00"},
                {"account": "30101", "credit": "1890000.00"},
            ],
        },
        {
            "date": "2014-01-03",
            "memo": "收到县红色基金",
            "attachments": 2,
            "lines": [
                {"account": "102", "debit": "50000.00"},
                {"account": "22101", "credit": "50000.00"},
            ],
        },
        {
            "date": "2014-01-06",
            "memo": "自筹资金入股红莲藕合作社",
            "attachments": 2,
            "lines": [
                {"account": "14102", "debit": "500000.00"},
                {"account": "102", "credit": "500000.00"},
            ],
        },
        {
            "date": "2014-01-10",
            "memo": "投资食品公司",
            "attachments": 3,
            "lines": [
                {"account": "14101", "debit": "180000.00"},
                {"account": "102", "credit": "180000.00"},
            ],
        },
        {
            # Project funds (statements.md 4.2 (a)): received as 专项应付款, spent on the
            # building, then carried to 公积公益金 once the asset stands.
            "date": "2014-02-14",
            "memo": "收到县财政村级集体经济发展项目资金",
            "attachments": 2,
            "lines": [
                {"account": "102", "debit": "300000.00"},
                {"account": "241", "credit": "300000.00"},
            ],
        },
        {
            "date": "2014-04-25",
            "memo": "项目资金建设综合服务用房竣工交付",
            "attachments": 4,
            "lines": [
                {"account": "15102", "debit": "300000.00"},
                {"account": "102", "credit": "300000.00"},
            ],
        },
        {
            "date": "2014-04-25",
            "memo": "项目资产形成，专项应付款转公积公益金",
            "attachments": 1,
            "lines": [
                {"account": "241", "debit": "300000.00"},
                {"account": "311", "credit": "300000.00"},
            ],
        },
        {
            "date": "2014-06-30",
            "memo": "烤烟房出租收入（20座）",
            "attachments": 1,
            "lines": [
                {"account": "102", "debit": "16000.00"},
                {"account": "50101", "credit": "16000.00"},
            ],
        },
        {
            "date": "2014-11-30",
            "memo": "食品公司分红",
            "attachments": 1,
            "lines": [
                {"account": "102", "debit": "17000.00"},
                {"account": "50201", "credit": "17000.00"},
            ],
        },
        {
            "date": "2014-12-31",
            "memo": "应收红莲藕合作社2014年分红",
            "attachments": 1,
            "lines": [{"account": "112", "debit": div}, {"account": "50202", "credit": div}],
        },
        {
            "date": "2014-12-15",
            "memo": "办公费",
            "attachments": 2,
            "lines": [
                {"account": "51301", "debit": "3600.00"},
                {"account": "101", "credit": "3600.00"},
            ],
        },
        {
            "date": "2014-01-08",
            "memo": "提取备用金",
            "attachments": 1,
            "lines": [
                {"account": "101", "debit": "10000.00"},
                {"account": "102", "credit": "10000.00"},
            ],
        },
    ]
    plans = [
        {
            "year": 2014,
            "welfare_rate": "0.30",
            "reserve_rate": "0.10",
            "dividend_method": "per-share",
            "approved_on": "2014-12-26",
            "published_on": "2014-12-28",
            "proposed_by": "山邑村党总支",
            "meeting": "2014年12月24日村两委会议商议；2014年12月26日山邑村村民代表会议决议",
            "resolution": "提取30%公益金、10%公积金，其余按人口股和红色基金股每股同额分红",
            "vote": "应到45人，实到41人，赞成41票",
            "notice": "2014年12月28日起在村务公开栏公示5天",
        }
    ]
    return {
        "format": "coopledger-book",
        "version": 1,
        "organisation": {
            "name": VILLAGE,
            "village": "山邑村",
            "township": "姚关镇",
            "county": "施甸县",
            "chart": "village-2023",
        },
        "members": members,
        "accounts": accounts,
        "contracts": [],
        "share_lots": lots,
        "vouchers": vouchers,
        "plans": plans,
    }


#: The collective's asset register: 20 ovens (烤烟房) of 12,000.00 each, built in 2013 and
#: let to tobacco growers (their depreciation is the rent's cost, 经营支出), the service
#: building of the project funds (管理费用), and the two stakes, kept on the register and
#: never depreciated.
ASSET_HEADERS = (
    "资产编号",
    "资产名称",
    "资产类别",
    "来源",
    "启用日期",
    "原值",
    "使用年限",
    "残值率",
    "折旧方法",
    "资产科目",
    "折旧费用科目",
    "存放地点",
    "数量",
    "计量单位",
    "扶贫项目资产",
    "备注",
)


def village_assets() -> list[tuple[str, ...]]:
    rows = []
    for n in range(1, 21):
        rows.append(
            (
                f"KY-{n:03d}",
                f"{n}号烤烟房",
                "房屋及建筑物",
                "自建",
                "2013-12-20",
                "12000.00",
                "20",
                "4%",
                "年限平均法",
                "15101",
                "51102",
                GROUPS[(n - 1) % len(GROUPS)],
                "1",
                "座",
                "否",
                "出租给烤烟户使用",
            )
        )
    rows.append(
        (
            "FW-001",
            "村级综合服务用房",
            "房屋及建筑物",
            "项目资金",
            "2014-04-25",
            "300000.00",
            "20",
            "4%",
            "年限平均法",
            "15102",
            "51302",
            "山邑小组",
            "1",
            "栋",
            "是",
            "县财政村级集体经济发展项目资金建设",
        )
    )
    rows.append(
        ("TZ-001", "施甸县食品公司股权", "长期投资", "购入", "2014-01-10", "180000.00",
         "", "", "", "14101", "", "", "1", "项", "否", "年分红约1.7万元")
    )
    rows.append(
        ("TZ-002", "红莲藕种植专业合作社股金", "长期投资", "购入", "2014-01-06", "500000.00",
         "", "", "", "14102", "", "", "1", "项", "否", "自筹资金入股")
    )
    return rows


def main() -> None:
    import csv

    hh = households()
    coop = coop_book(hh)
    dividend = check_coop(coop)
    village = village_book(hh, dividend)
    for name, book in (("lotus-cooperative", coop), ("village-collective", village)):
        path = OUT / f"{name}.book.json"
        path.write_text(json.dumps(book, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print("wrote", path)
    path = OUT / "village-assets.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(ASSET_HEADERS)
        writer.writerows(village_assets())
    print("wrote", path)


if __name__ == "__main__":
    main()
