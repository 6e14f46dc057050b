"""The book file: every example parses and round-trips; every broken variant is refused with
exactly the paths that are wrong, in document order."""

from __future__ import annotations

import copy
import datetime as dt
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from coopledger.domain.book import (
    CHART_IDS,
    Book,
    BookAccount,
    BookContract,
    BookLine,
    BookMember,
    BookOrganisation,
    BookPlan,
    BookShareLot,
    BookVoucher,
    book_to_json,
    parse_book,
)
from coopledger.domain.errors import DomainErrors
from coopledger.domain.money import fen_to_str, parse_money, parse_rate, rate_to_str

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"
CHARTS_DIR = Path(__file__).resolve().parents[2] / "resources" / "charts"

CHARTS: dict[str, dict[str, str]] = {
    chart: {
        account["code"]: account["kind"]
        for account in json.loads((CHARTS_DIR / f"{chart}.json").read_text("utf-8"))["accounts"]
    }
    for chart in CHART_IDS
}

EXAMPLE_NAMES = sorted(p.name.removesuffix(".book.json") for p in EXAMPLES.glob("*.book.json"))
MINI: dict[str, Any] = json.loads((EXAMPLES / "mini.book.json").read_text("utf-8"))

Mutation = Callable[[dict[str, Any]], object]


def load_example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / f"{name}.book.json").read_text("utf-8"))
    return data


def parse(data: object) -> Book:
    return parse_book(data, charts=CHARTS)


def problems(data: object) -> list[tuple[str, str]]:
    """(path, text) of every error parse_book raises for `data`."""
    with pytest.raises(DomainErrors) as caught:
        parse(data)
    return [(err.path, err.text()) for err in caught.value.errors]


def paths(data: object) -> list[str]:
    return [path for path, _ in problems(data)]


def mutated(mutate: Mutation) -> dict[str, Any]:
    data = copy.deepcopy(MINI)
    mutate(data)
    return data


def rename_key(obj: dict[str, Any], old: str, new: str) -> None:
    """Rename a key in place, keeping its position (so document order is predictable)."""
    items = [(new if key == old else key, value) for key, value in obj.items()]
    obj.clear()
    obj.update(items)


def dumped(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)


# ------------------------------------------------------------------------- examples


def test_examples_exist() -> None:
    assert {"mini", "no-shares", "multi-year-loss", "leap-midyear"} <= set(EXAMPLE_NAMES)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_example_parses_and_round_trips(name: str) -> None:
    data = load_example(name)
    book = parse(data)
    out = book_to_json(book)
    assert parse(out) == book
    # The spec's shape exactly (key order included); only rates come back minimal, and a
    # plan comes back with its method (and on a cooperative book its transaction rate and
    # basis) written out, its keys in one canonical order.
    expected = copy.deepcopy(data)
    expected.setdefault("share_lots", [])
    cooperative = data["organisation"].get("chart") == "cooperative-2021"
    order = ["year", "welfare_rate", "reserve_rate", "dividend_method", "transaction_rate"]
    order += ["transaction_basis", "transactions", "approved_on", "published_on"]
    for i, plan in enumerate(expected["plans"]):
        for key in ("welfare_rate", "reserve_rate"):
            plan[key] = rate_to_str(parse_rate(plan[key]))
        plan.setdefault("dividend_method", "per-share")
        if cooperative:
            plan["transaction_rate"] = rate_to_str(parse_rate(plan.get("transaction_rate", "0.6")))
            plan.setdefault("transaction_basis", "land-fees")
        rest = [k for k in plan if k not in order]
        expected["plans"][i] = {k: plan[k] for k in order + rest if k in plan}
    for contract in expected["contracts"]:  # "0" is written "0.00"
        for key in ("rent_per_mu", "share_value_per_mu"):
            contract[key] = fen_to_str(parse_money(contract[key]))
    assert dumped(out) == dumped(expected)


def test_mini_values_are_converted() -> None:
    book = parse(copy.deepcopy(MINI))
    assert book.organisation == BookOrganisation(
        "山邑村股份经济合作社", "山邑村", "姚关镇", "施甸县", "village-2023"
    )
    assert book.members[1] == BookMember(
        code="H0001",
        name="苏子柏",
        kind="household",
        group="岩子脚小组",
        id_number="530521196503120013",
    )
    assert book.members[0].id_number is None
    assert book.accounts[1] == BookAccount("50101", "经营收入-莲藕", "revenue")
    l3 = book.contracts[2]
    assert (l3.area_e4, l3.rent_per_mu_fen, l3.share_value_per_mu_fen) == (13500, 80000, 80000)
    assert (l3.start, l3.end, l3.effective_end) == (
        dt.date(2014, 1, 1),
        dt.date(2028, 12, 31),
        dt.date(2028, 12, 31),
    )
    assert book.share_lots[1] == BookShareLot(
        "S0002", "C001", "project_fund", 773000, dt.date(2014, 1, 1), None
    )
    assert book.vouchers[0] == BookVoucher(
        dt.date(2014, 9, 30),
        "销售莲藕",
        0,
        (BookLine("102", None, 2000000, 0), BookLine("50101", None, 0, 2000000)),
    )
    assert book.plans == (
        BookPlan(
            2014,
            1000,
            0,
            dt.date(2014, 12, 20),
            dt.date(2014, 12, 22),
            dividend_method="largest-remainder",
        ),
    )


def full_book() -> Book:
    """A book using every extension, to check they all survive a round trip."""
    day = dt.date
    return Book(
        organisation=BookOrganisation("测试合作社", chart="village-2023"),
        members=(
            BookMember("C001", "村集体", "collective"),
            BookMember("O001", "村党总支", "organisation"),
            BookMember(
                "H0001",
                "苏子柏",
                "household",
                group="一组",
                id_number="53052119740121040X",
                phone="13800000000",
                bank_account="6217000000000000000",
                address="岩子脚 3 号",
                notes="户主",
            ),
            BookMember(
                "H0002",
                "杨绍文",
                "household",
                active=False,
                inactive_on=day(2015, 6, 1),
                inactive_reason="迁出",
            ),
        ),
        accounts=(
            BookAccount("50101", "经营收入—莲藕", "revenue"),
            BookAccount("5010101", "经营收入—莲藕—鲜藕", "revenue"),
            BookAccount("11301", "内部往来—农户", "asset"),
        ),
        contracts=(
            BookContract(
                "L0001",
                "H0001",
                "P-1",
                13500,
                80000,
                0,
                day(2014, 1, 1),
                day(2028, 12, 31),
                location="岩子脚",
                status="terminated",
                terminated_on=day(2015, 12, 31),
            ),
            BookContract(
                "L0002",
                "H0001",
                "P-1",
                20000,
                80000,
                80000,
                day(2016, 1, 1),
                day(2030, 12, 31),
                renews="L0001",
            ),
        ),
        share_lots=(
            BookShareLot(
                "S0001",
                "O001",
                "red_fund",
                10_000_000,
                day(2016, 2, 10),
                day(2019, 2, 9),
                lender="C001",
            ),
            BookShareLot("S0002", "H0001", "cash", 100_000, day(2016, 1, 1), None),
            BookShareLot(
                "S0003",
                "H0002",
                "cash",
                50_000,
                day(2016, 1, 1),
                None,
                transferred_from="S0002",
                transfer_kind="split",
            ),
        ),
        vouchers=(
            BookVoucher(
                day(2016, 3, 1),
                "",
                3,
                (
                    BookLine("102", None, 150, 0, memo="银行"),
                    BookLine("5010101", None, 0, 100),
                    BookLine("11301", "H0001", 0, 50, memo="往来"),
                ),
            ),
        ),
        plans=(
            BookPlan(
                2016,
                1234,
                333,
                None,
                None,
                proposed_by="党支部",
                meeting="村民代表大会",
                resolution="2016-1号",
                vote="45/50",
                notice="公示 7 天",
                notes="无",
            ),
            BookPlan(2017, 10000, 0, day(2017, 12, 20), day(2017, 12, 20)),
        ),
    )


def test_every_extension_round_trips() -> None:
    book = full_book()
    out = book_to_json(book)
    assert parse(json.loads(json.dumps(out))) == book
    assert out["members"][3] == {
        "code": "H0002",
        "name": "杨绍文",
        "kind": "household",
        "active": False,
        "inactive_on": "2015-06-01",
        "inactive_reason": "迁出",
    }
    assert out["contracts"][0]["terminated_on"] == "2015-12-31"
    assert out["contracts"][1]["renews"] == "L0001"
    assert out["share_lots"][0]["lender"] == "C001"
    assert out["vouchers"][0]["attachments"] == 3
    assert out["vouchers"][0]["lines"][2] == {
        "account": "11301",
        "credit": "0.50",
        "member": "H0001",
        "memo": "往来",
    }
    assert out["plans"][0]["welfare_rate"] == "0.1234"
    assert out["plans"][1]["welfare_rate"] == "1"
    assert "approved_on" not in out["plans"][0]
    assert out["organisation"] == {"name": "测试合作社", "chart": "village-2023"}


def test_optional_sections_and_defaults() -> None:
    data = copy.deepcopy(MINI)
    for key in ("accounts", "contracts", "share_lots", "vouchers", "plans"):
        del data[key]
    del data["organisation"]["chart"]
    book = parse(data)
    assert book.organisation.chart == "village-2023"
    assert book.contracts == () and book.vouchers == ()


def test_nulls_count_as_absent_for_optional_fields() -> None:
    data = copy.deepcopy(MINI)
    data["members"][2].update(group=None, id_number="", phone=None)
    data["vouchers"][0]["memo"] = None
    data["vouchers"][0]["lines"][0].update(credit=None, member=None)
    data["plans"][0].update(reserve_rate=None, approved_on=None, published_on=None)
    book = parse(data)
    assert book.members[2].group == "" and book.members[2].id_number is None
    assert book.vouchers[0].memo == ""
    # mini names largest-remainder; welfare_rate left out is 0 too (distribution.md v2)
    assert book.plans[0] == BookPlan(2014, 1000, 0, None, None, dividend_method="largest-remainder")
    data["plans"][0].update(welfare_rate=None, dividend_method=None)
    assert parse(data).plans[0] == BookPlan(2014, 0, 0, None, None)


def test_lenient_number_forms_inside_strings() -> None:
    data = copy.deepcopy(MINI)
    data["contracts"][0].update(rent_per_mu="¥800", area_mu="2.0000")
    data["plans"][0]["welfare_rate"] = "10%"
    data["vouchers"][0]["lines"][0]["debit"] = "20,000.00"
    book = parse(data)
    assert book.contracts[0].rent_per_mu_fen == 80000
    assert book.contracts[0].area_e4 == 20000
    assert book.plans[0].welfare_rate_e4 == 1000
    assert book.vouchers[0].lines[0].debit_fen == 2000000


def test_cooperative_chart_reads_codes_against_that_chart() -> None:
    # 511 is 经营支出 (expense) in village-2023 but 投资收益 (revenue) in cooperative-2021.
    data = copy.deepcopy(MINI)
    data["organisation"]["chart"] = "cooperative-2021"
    assert problems(data) == [
        (
            "accounts[2].kind",
            'must be "revenue", the kind of its parent account 511 (got "expense")',
        ),
        # and a cooperative keeps no welfare fund (distribution.md v2)
        (
            "plans[0].welfare_rate",
            'a cooperative-2021 book keeps no welfare fund: must be 0 (got "0.1")',
        ),
    ]


def test_sequential_contracts_on_one_parcel_are_fine() -> None:
    data = copy.deepcopy(MINI)
    data["contracts"][0]["terminated_on"] = "2015-12-31"
    later = dict(data["contracts"][0], code="L0009", start="2016-01-01", renews="L0001")
    del later["terminated_on"]
    data["contracts"].append(later)
    book = parse(data)
    assert book.contracts[0].effective_end == dt.date(2015, 12, 31)
    assert book.contracts[3].renews == "L0001"


# ------------------------------------------------------------------- broken variants


def _set(path: str, value: object) -> Mutation:
    """Set a value at a dotted path such as ``contracts.2.area_mu``."""

    def apply(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if last.isdigit():
            node[int(last)] = value
        else:
            node[last] = value

    return apply


def _delete(path: str) -> Mutation:
    def apply(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        del node[int(last) if last.isdigit() else last]

    return apply


def _rename(path: str, old: str, new: str) -> Mutation:
    def apply(data: dict[str, Any]) -> None:
        node: Any = data
        for part in path.split(".") if path else []:
            node = node[int(part)] if part.isdigit() else node[part]
        rename_key(node, old, new)

    return apply


def _append(section: str, item: dict[str, Any]) -> Mutation:
    def apply(data: dict[str, Any]) -> None:
        data.setdefault(section, []).append(copy.deepcopy(item))

    return apply


def _both(*mutations: Mutation) -> Mutation:
    def apply(data: dict[str, Any]) -> None:
        for mutation in mutations:
            mutation(data)

    return apply


def _copy_contract(index: int, **changes: object) -> Mutation:
    def apply(data: dict[str, Any]) -> None:
        data["contracts"].append({**data["contracts"][index], **changes})

    return apply


LOT = {
    "code": "S0009",
    "holder": "H0001",
    "class": "cash",
    "amount": "100.00",
    "start": "2014-01-01",
    "end": None,
}
PLAN = {"year": 2015, "welfare_rate": "0.10", "reserve_rate": "0"}

BROKEN: list[tuple[str, Mutation, list[str]]] = [
    # top level
    ("format wrong", _set("format", "coopledger"), ["format"]),
    ("format missing", _delete("format"), ["format"]),
    ("version 2", _set("version", 2), ["version"]),
    ("version as text", _set("version", "1"), ["version"]),
    ("version true", _set("version", True), ["version"]),
    ("version float", _set("version", 1.0), ["version"]),
    ("misspelt top key", _rename("", "vouchers", "voucher"), ["voucher"]),
    ("unknown top key", _set("comment", "x"), ["comment"]),
    ("members missing", _delete("members"), ["members"]),
    ("members not a list", _set("members", {}), ["members"]),
    ("contracts not a list", _set("contracts", "L0001"), ["contracts"]),
    # organisation
    ("organisation missing", _delete("organisation"), ["organisation"]),
    ("organisation a list", _set("organisation", []), ["organisation"]),
    ("organisation name empty", _set("organisation.name", "  "), ["organisation.name"]),
    ("organisation name number", _set("organisation.name", 5), ["organisation.name"]),
    (
        "organisation misspelt",
        _rename("organisation", "township", "town"),
        ["organisation.town"],
    ),
    ("chart unknown", _set("organisation.chart", "village-2004"), ["organisation.chart"]),
    ("village not text", _set("organisation.village", ["x"]), ["organisation.village"]),
    # members
    ("member not an object", _set("members.1", "H0001"), ["members[1]", "contracts[0].member"]),
    (
        "member misspelt",
        _rename("members.1", "name", "nmae"),
        ["members[1].nmae", "members[1].name"],
    ),
    ("member kind", _set("members.1.kind", "houshold"), ["members[1].kind"]),
    ("member code empty", _set("members.3.code", ""), ["members[3].code", "contracts[2].member"]),
    (
        "member code spaces",
        _set("members.3.code", "H0003 "),
        ["members[3].code", "contracts[2].member"],
    ),
    (
        "member code dup",
        _set("members.2.code", "H0001"),
        ["members[2].code", "contracts[1].member"],
    ),
    ("id check digit", _set("members.1.id_number", "530521196503120012"), ["members[1].id_number"]),
    ("id too short", _set("members.1.id_number", "53052119650312"), ["members[1].id_number"]),
    ("id not a date", _set("members.1.id_number", "530521196513320013"), ["members[1].id_number"]),
    ("id as number", _set("members.1.id_number", 530521196503120013), ["members[1].id_number"]),
    ("id dup", _set("members.2.id_number", "530521196503120013"), ["members[2].id_number"]),
    ("group number", _set("members.1.group", 3), ["members[1].group"]),
    ("active text", _set("members.1.active", "yes"), ["members[1].active"]),
    (
        "inactive_on while active",
        _set("members.1.inactive_on", "2015-01-01"),
        ["members[1].inactive_on"],
    ),
    (
        "inactive_on bad",
        _both(_set("members.1.active", False), _set("members.1.inactive_on", "2015-13-01")),
        ["members[1].inactive_on"],
    ),
    # accounts
    (
        "account kind vs chart",
        _append("accounts", {"code": "101", "name": "x", "kind": "expense"}),
        ["accounts[3].kind"],
    ),
    (
        "account without parent",
        _append("accounts", {"code": "60101", "name": "x", "kind": "revenue"}),
        ["accounts[3].code"],
    ),
    (
        "account parent kind",
        _append("accounts", {"code": "50102", "name": "x", "kind": "expense"}),
        ["accounts[3].kind"],
    ),
    (
        "account book parent kind",
        _both(
            _append("accounts", {"code": "50102", "name": "x", "kind": "revenue"}),
            _append("accounts", {"code": "5010201", "name": "y", "kind": "asset"}),
        ),
        ["accounts[4].kind"],
    ),
    (
        "account letters",
        _append("accounts", {"code": "501A", "name": "x", "kind": "revenue"}),
        ["accounts[3].code"],
    ),
    (
        "account code number",
        _append("accounts", {"code": 50102, "name": "x", "kind": "revenue"}),
        ["accounts[3].code"],
    ),
    (
        "account dup",
        _append("accounts", {"code": "50101", "name": "x", "kind": "revenue"}),
        ["accounts[3].code"],
    ),
    ("account kind unknown", _set("accounts.1.kind", "income"), ["accounts[1].kind"]),
    ("account name missing", _delete("accounts.1.name"), ["accounts[1].name"]),
    (
        "account misspelt",
        _rename("accounts.1", "kind", "knd"),
        ["accounts[1].knd", "accounts[1].kind"],
    ),
    # contracts
    ("area negative", _set("contracts.2.area_mu", "-2"), ["contracts[2].area_mu"]),
    ("area zero", _set("contracts.2.area_mu", "0"), ["contracts[2].area_mu"]),
    ("area 5 decimals", _set("contracts.2.area_mu", "1.23456"), ["contracts[2].area_mu"]),
    ("area number", _set("contracts.2.area_mu", 1.35), ["contracts[2].area_mu"]),
    ("area words", _set("contracts.2.area_mu", "two"), ["contracts[2].area_mu"]),
    ("rent negative", _set("contracts.0.rent_per_mu", "-1.00"), ["contracts[0].rent_per_mu"]),
    ("rent 3 decimals", _set("contracts.0.rent_per_mu", "800.001"), ["contracts[0].rent_per_mu"]),
    ("rent number", _set("contracts.0.rent_per_mu", 800), ["contracts[0].rent_per_mu"]),
    (
        "share value missing",
        _delete("contracts.0.share_value_per_mu"),
        ["contracts[0].share_value_per_mu"],
    ),
    ("start slashes", _set("contracts.0.start", "2014/01/01"), ["contracts[0].start"]),
    ("start unreal", _set("contracts.0.start", "2014-02-30"), ["contracts[0].start"]),
    ("start number", _set("contracts.0.start", 20140101), ["contracts[0].start"]),
    ("end before start", _set("contracts.0.end", "2013-12-31"), ["contracts[0].end"]),
    ("end null", _set("contracts.0.end", None), ["contracts[0].end"]),
    ("contract member unknown", _set("contracts.0.member", "H9999"), ["contracts[0].member"]),
    ("contract member collective", _set("contracts.0.member", "C001"), ["contracts[0].member"]),
    ("contract code dup", _set("contracts.1.code", "L0001"), ["contracts[1].code"]),
    ("parcel empty", _set("contracts.1.parcel", ""), ["contracts[1].parcel"]),
    ("parcel missing", _delete("contracts.1.parcel"), ["contracts[1].parcel"]),
    (
        "contract misspelt",
        _rename("contracts.0", "area_mu", "area"),
        ["contracts[0].area", "contracts[0].area_mu"],
    ),
    (
        "parcel overlap",
        _copy_contract(0, code="L0009", start="2028-12-31", end="2030-12-31"),
        ["contracts[3].parcel"],
    ),
    (
        "parcel overlap found on the later one",
        _copy_contract(0, code="L0009", start="2000-01-01", end="2014-01-01"),
        ["contracts[3].parcel"],
    ),
    (
        "terminated_on outside",
        _set("contracts.0.terminated_on", "2029-01-01"),
        ["contracts[0].terminated_on"],
    ),
    ("renews unknown", _set("contracts.1.renews", "L0404"), ["contracts[1].renews"]),
    ("renews itself", _set("contracts.1.renews", "L0002"), ["contracts[1].renews"]),
    (
        "renews a later contract",
        _copy_contract(1, code="L0009", parcel="x", renews="L0002"),
        ["contracts[3].renews"],
    ),
    ("status number", _set("contracts.0.status", 1), ["contracts[0].status"]),
    # share lots
    ("lot holder unknown", _append("share_lots", {**LOT, "holder": "X"}), ["share_lots[2].holder"]),
    ("lot class unknown", _append("share_lots", {**LOT, "class": "land"}), ["share_lots[2].class"]),
    ("lot amount zero", _append("share_lots", {**LOT, "amount": "0.00"}), ["share_lots[2].amount"]),
    (
        "lot amount negative",
        _append("share_lots", {**LOT, "amount": "-5"}),
        ["share_lots[2].amount"],
    ),
    ("lot amount number", _append("share_lots", {**LOT, "amount": 100}), ["share_lots[2].amount"]),
    (
        "lot end before start",
        _append("share_lots", {**LOT, "end": "2013-01-01"}),
        ["share_lots[2].end"],
    ),
    (
        "red fund without end",
        _append("share_lots", {**LOT, "class": "red_fund"}),
        ["share_lots[2].end"],
    ),
    (
        "red fund end missing",
        _append(
            "share_lots", {k: v for k, v in {**LOT, "class": "red_fund"}.items() if k != "end"}
        ),
        ["share_lots[2].end"],
    ),
    (
        "lot code is a contract code",
        _append("share_lots", {**LOT, "code": "L0001"}),
        ["share_lots[2].code"],
    ),
    ("lot code dup", _append("share_lots", {**LOT, "code": "S0001"}), ["share_lots[2].code"]),
    (
        "lender on cash lot",
        _append("share_lots", {**LOT, "lender": "C001"}),
        ["share_lots[2].lender"],
    ),
    (
        "transfer kind alone",
        _append("share_lots", {**LOT, "transfer_kind": "gift"}),
        ["share_lots[2].transfer_kind"],
    ),
    (
        "transfer kind unknown",
        _append("share_lots", {**LOT, "transferred_from": "S0001", "transfer_kind": "sale"}),
        ["share_lots[2].transfer_kind"],
    ),
    (
        "transferred from unknown",
        _append("share_lots", {**LOT, "transferred_from": "S0404"}),
        ["share_lots[2].transferred_from"],
    ),
    (
        "lot misspelt",
        _rename("share_lots.0", "class", "clas"),
        ["share_lots[0].clas", "share_lots[0].class"],
    ),
    # vouchers
    ("unbalanced", _set("vouchers.0.lines.0.debit", "20000.01"), ["vouchers[0]"]),
    ("single line", _delete("vouchers.1.lines.1"), ["vouchers[1].lines"]),
    ("no lines", _set("vouchers.1.lines", []), ["vouchers[1].lines"]),
    ("lines missing", _delete("vouchers.1.lines"), ["vouchers[1].lines"]),
    ("lines not a list", _set("vouchers.1.lines", {}), ["vouchers[1].lines"]),
    ("line not an object", _set("vouchers.1.lines.1", "102"), ["vouchers[1].lines[1]"]),
    ("debit and credit", _set("vouchers.0.lines.0.credit", "1.00"), ["vouchers[0].lines[0]"]),
    ("neither debit nor credit", _delete("vouchers.0.lines.0.debit"), ["vouchers[0].lines[0]"]),
    (
        "zero amount",
        _both(_set("vouchers.0.lines.0.debit", "0.00"), _set("vouchers.0.lines.1.credit", "0")),
        ["vouchers[0].lines[0].debit", "vouchers[0].lines[1].credit"],
    ),
    (
        "negative amount",
        _set("vouchers.0.lines.1.credit", "-20000.00"),
        ["vouchers[0].lines[1].credit"],
    ),
    ("amount as number", _set("vouchers.0.lines.1.credit", 20000), ["vouchers[0].lines[1].credit"]),
    (
        "amount 3 decimals",
        _set("vouchers.0.lines.1.credit", "20000.001"),
        ["vouchers[0].lines[1].credit"],
    ),
    (
        "account unknown",
        _set("vouchers.0.lines.0.account", "999"),
        ["vouchers[0].lines[0].account"],
    ),
    (
        "account not a leaf",
        _set("vouchers.0.lines.0.account", "322"),
        ["vouchers[0].lines[0].account"],
    ),
    (
        "account made a non-leaf by the book",
        _append("accounts", {"code": "5010101", "name": "x", "kind": "revenue"}),
        ["vouchers[0].lines[1].account"],
    ),
    ("account missing", _delete("vouchers.0.lines.0.account"), ["vouchers[0].lines[0].account"]),
    ("account number", _set("vouchers.0.lines.0.account", 102), ["vouchers[0].lines[0].account"]),
    (
        "line member unknown",
        _set("vouchers.0.lines.0.member", "H9"),
        ["vouchers[0].lines[0].member"],
    ),
    ("line memo number", _set("vouchers.0.lines.0.memo", 7), ["vouchers[0].lines[0].memo"]),
    (
        "line misspelt",
        _rename("vouchers.0.lines.0", "debit", "debt"),
        ["vouchers[0].lines[0]", "vouchers[0].lines[0].debt"],
    ),
    ("voucher date", _set("vouchers.0.date", "2014-9-30"), ["vouchers[0].date"]),
    ("voucher date missing", _delete("vouchers.0.date"), ["vouchers[0].date"]),
    ("voucher memo number", _set("vouchers.0.memo", 1), ["vouchers[0].memo"]),
    ("attachments negative", _set("vouchers.0.attachments", -1), ["vouchers[0].attachments"]),
    ("attachments text", _set("vouchers.0.attachments", "2"), ["vouchers[0].attachments"]),
    ("voucher misspelt", _rename("vouchers.0", "memo", "mmo"), ["vouchers[0].mmo"]),
    ("voucher not an object", _set("vouchers.0", []), ["vouchers[0]"]),
    # plans
    ("plan year dup", _append("plans", {**PLAN, "year": 2014}), ["plans[1].year"]),
    ("plan year text", _append("plans", {**PLAN, "year": "2015"}), ["plans[1].year"]),
    ("plan year float", _append("plans", {**PLAN, "year": 2015.0}), ["plans[1].year"]),
    ("plan year missing", _delete("plans.0.year"), ["plans[0].year"]),
    ("welfare above 1", _set("plans.0.welfare_rate", "1.5"), ["plans[0].welfare_rate"]),
    ("welfare 5 places", _set("plans.0.welfare_rate", "0.12345"), ["plans[0].welfare_rate"]),
    ("welfare number", _set("plans.0.welfare_rate", 0.1), ["plans[0].welfare_rate"]),
    ("method misspelt", _set("plans.0.dividend_method", "per_share"), ["plans[0].dividend_method"]),
    ("method number", _set("plans.0.dividend_method", 1), ["plans[0].dividend_method"]),
    (
        "transaction rate on a village book",
        _set("plans.0.transaction_rate", "0.6"),
        ["plans[0].transaction_rate"],
    ),
    (
        "transaction table on a village book",
        _set("plans.0.transactions", {"H0001": "1.00"}),
        ["plans[0].transactions"],
    ),
    ("rates above 1 together", _set("plans.0.reserve_rate", "0.95"), ["plans[0].reserve_rate"]),
    (
        "published before approved",
        _set("plans.0.published_on", "2014-12-19"),
        ["plans[0].published_on"],
    ),
    ("approved not a date", _set("plans.0.approved_on", "yesterday"), ["plans[0].approved_on"]),
    (
        "plan misspelt",
        _rename("plans.0", "welfare_rate", "welfare"),
        ["plans[0].welfare"],  # welfare_rate itself may be left out since version 2
    ),
    ("plan note number", _set("plans.0.notes", 3), ["plans[0].notes"]),
]


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [pytest.param(mutation, expected, id=name) for name, mutation, expected in BROKEN],
)
def test_broken_book_names_exact_paths(mutation: Mutation, expected: list[str]) -> None:
    assert paths(mutated(mutation)) == expected


@pytest.mark.parametrize(
    ("data", "got"),
    [([], "[…]"), ("book", '"book"'), (None, "null"), (3, "3")],
)
def test_not_an_object(data: object, got: str) -> None:
    assert problems(data) == [("", f"the book must be a JSON object {{…}} (got {got})")]


def test_empty_object_lists_every_required_key() -> None:
    assert paths({}) == ["format", "version", "organisation", "members"]


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [
        (
            _set("contracts.2.area_mu", "-2"),
            ("contracts[2].area_mu", 'must be greater than 0 (got "-2")'),
        ),
        (
            _set("contracts.0.rent_per_mu", 800),
            ("contracts[0].rent_per_mu", 'must be a string such as "800.00", in quotes (got 800)'),
        ),
        (
            _rename("members.1", "name", "nmae"),
            ("members[1].nmae", 'is not a known field (did you mean "name"?)'),
        ),
        (
            _set("vouchers.0.lines.0.debit", "20000.01"),
            ("vouchers[0]", "debits (20000.01) do not equal credits (20000.00)"),
        ),
        (
            _set("vouchers.0.lines.0.account", "322"),
            (
                "vouchers[0].lines[0].account",
                'account "322" has sub-accounts: post to one of them, such as 32201',
            ),
        ),
        (
            _set("contracts.0.member", "C001"),
            ("contracts[0].member", 'must be a household: member "C001" is collective'),
        ),
        (
            _set("members.2.code", "H0001"),
            ("members[2].code", 'the member code "H0001" is already used by members[1]'),
        ),
        (
            _set("contracts.0.start", "2014/01/01"),
            (
                "contracts[0].start",
                'is not a date in the form YYYY-MM-DD, such as 2014-10-31 (got "2014/01/01")',
            ),
        ),
        (
            _copy_contract(0, code="L0009", start="2028-12-31", end="2030-12-31"),
            (
                "contracts[3].parcel",
                'contract L0001 on the same parcel "岩子脚-03" runs from 2014-01-01 to '
                "2028-12-31: the two overlap",
            ),
        ),
        (
            _delete("vouchers.1.lines.1"),
            ("vouchers[1].lines", "a voucher needs at least 2 lines (got 1)"),
        ),
        (
            _set("version", 2),
            ("version", "must be 1, the version this program reads (got 2)"),
        ),
    ],
)
def test_messages_say_what_was_wrong_and_what_was_got(
    mutation: Mutation, expected: tuple[str, str]
) -> None:
    assert problems(mutated(mutation))[0] == expected


def test_all_errors_are_collected_in_document_order() -> None:
    data = mutated(
        _both(
            _set("plans.0.welfare_rate", "2"),
            _set("vouchers.1.lines.0.debit", "x"),
            _set("contracts.2.area_mu", "-2"),
            _set("members.1.kind", "person"),
            _set("format", "x"),
            _set("contracts.0.end", "2000-01-01"),
        )
    )
    assert paths(data) == [
        "format",
        "members[1].kind",
        "contracts[0].end",
        "contracts[2].area_mu",
        "vouchers[1].lines[0].debit",
        "plans[0].welfare_rate",
    ]


def test_document_order_follows_the_files_key_order() -> None:
    data = mutated(_both(_set("plans.0.year", "x"), _set("format", "x")))
    reordered = {"plans": data.pop("plans"), **data}
    assert paths(reordered) == ["plans[0].year", "format"]


def test_odd_keys_get_quoted_paths() -> None:
    assert paths(mutated(_set("members.0.a b", 1))) == ['members[0]["a b"]']


def test_errors_pickle_and_translate() -> None:
    import pickle

    with pytest.raises(DomainErrors) as caught:
        parse(mutated(_set("contracts.2.area_mu", "-2")))
    again = pickle.loads(pickle.dumps(caught.value))
    assert again.text() == caught.value.text()
    assert caught.value.text(lambda msgid: msgid.upper().replace("{GOT}", "{got}")) == (
        'contracts[2].area_mu: MUST BE GREATER THAN 0 (GOT "-2")'
    )


def test_a_big_book_validates_quickly() -> None:
    members = [{"code": "C001", "name": "集体", "kind": "collective"}] + [
        {"code": f"H{i:05d}", "name": f"户{i}", "kind": "household"} for i in range(2000)
    ]
    contracts = [
        {
            "code": f"L{i:05d}",
            "member": f"H{i % 2000:05d}",
            "parcel": f"P-{i}",
            "area_mu": "1.35",
            "rent_per_mu": "800.00",
            "share_value_per_mu": "800.00",
            "start": "2014-01-01",
            "end": "2028-12-31",
        }
        for i in range(2500)
    ]
    vouchers = [
        {
            "date": f"2014-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "memo": "销售",
            "lines": [
                {"account": "102", "debit": f"{i}.05"},
                {"account": "50101", "credit": f"{i}.05", "member": f"H{i % 2000:05d}"},
            ],
        }
        for i in range(25_000)
    ]
    data = {**copy.deepcopy(MINI), "members": members, "contracts": contracts}
    data.update(share_lots=[], vouchers=vouchers)
    started = time.perf_counter()
    book = parse(data)
    elapsed = time.perf_counter() - started
    assert len(book.vouchers) == 25_000
    assert elapsed < 5.0  # ~0.15 s here; a 20x bigger township book stays well inside 10 s


# ------------------------------------------------------------ cooperative plans (v2)

COOP: dict[str, Any] = json.loads((EXAMPLES / "cooperative.book.json").read_text("utf-8"))


def coop_with(**changes: object) -> dict[str, Any]:
    data = copy.deepcopy(COOP)
    data["plans"][1].update(changes)
    return {**data, "plans": [{k: v for k, v in p.items() if v is not None} for p in data["plans"]]}


def test_cooperative_plans_are_read_with_their_defaults() -> None:
    book = parse(COOP)
    first, second = book.plans
    assert (first.transaction_rate_e4, first.transaction_basis, first.transactions) == (
        6000,
        "land-fees",
        None,
    )
    assert (second.transaction_rate_e4, second.transaction_basis) == (7000, "table")
    assert second.transactions == (("H0001", 320000), ("H0002", 512050), ("H0004", 96000))
    bare = coop_with(transaction_rate=None, transaction_basis=None, transactions=None)
    assert parse(bare).plans[1].transaction_rate_e4 == 6000
    assert parse(bare).plans[1].transaction_basis == "land-fees"
    # on a village book the transaction fields stay empty
    assert parse(MINI).plans[0].transaction_rate_e4 is None


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"welfare_rate": "0.05"}, [("plans[1].welfare_rate", "keeps no welfare fund")]),
        ({"transaction_rate": "0.59"}, [("plans[1].transaction_rate", "between 0.6 and 1")]),
        ({"transaction_rate": "0.65001"}, [("plans[1].transaction_rate", "4")]),
        ({"transaction_rate": 0.7}, [("plans[1].transaction_rate", "in quotes")]),
        ({"transaction_basis": "sales"}, [("plans[1].transaction_basis", "land-fees, table")]),
        (
            {"transactions": {"H0001": "10.00", "H0099": "1.00"}},
            [("plans[1].transactions.H0099", "no member has the code")],
        ),
        ({"transactions": {"H0001": "-1.00"}}, [("plans[1].transactions.H0001", "negative")]),
        ({"transactions": {"H0001": "1.005"}}, [("plans[1].transactions.H0001", "")]),
        ({"transactions": {"H0001": 5}}, [("plans[1].transactions.H0001", "in quotes")]),
        ({"transactions": ["H0001"]}, [("plans[1].transactions", "object")]),
        ({"transactions": None}, [("plans[1].transactions", "is required")]),
        ({"transaction_basis": "land-fees"}, [("plans[1].transactions", "only read")]),
        ({"dividend_method": "largest_remainder"}, [("plans[1].dividend_method", "per-share")]),
    ],
)
def test_bad_cooperative_plans_name_the_field(
    changes: dict[str, object], expected: list[tuple[str, str]]
) -> None:
    got = problems(coop_with(**changes))
    assert [path for path, _ in got] == [path for path, _ in expected]
    for (_, text), (_, part) in zip(got, expected, strict=True):
        assert part in text
