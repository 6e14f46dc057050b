"""Checks on the shipped charts of accounts (resources/charts/*.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

CHARTS_DIR = Path(__file__).resolve().parents[2] / "resources" / "charts"

KINDS = {"asset", "liability", "equity", "cost", "revenue", "expense"}
SIDES = {"debit", "credit"}
MEMBER_AUX = {"none", "optional", "required"}
ROLE_KEYS = {
    "cash",
    "bank",
    "member_current",
    "land_fee_expense",
    "welfare_fund",
    "reserve_fund",
    "dividend_payable",
    "current_year_income",
    "distribution_items",
    "undistributed",
    "red_fund_loan",
    "payable",
    "wages_payable",
}
# Roles only one chart has: returns by transactions are a cooperative's.
#: The accounts the fixed-asset register posts to (depreciation, losses, disposals).
ASSET_ROLE_KEYS = {
    "fixed_assets",
    "accumulated_depreciation",
    "bio_assets",
    "bio_depreciation",
    "investments",
    "asset_disposal",
    "pending_losses",
    "other_income",
    "other_expense",
    "investment_income",
    "management_expense",
}
ROLE_KEYS |= ASSET_ROLE_KEYS
CHART_ROLE_KEYS = {"cooperative-2021": {"return_payable"}}

# First-level accounts by kind, as listed in docs/domain.md.
EXPECTED_FIRST_LEVEL: dict[str, dict[str, list[str]]] = {
    "village-2023": {
        "asset": (
            "101 102 111 112 113 121 131 132 133 134 141 151 152 153 154 161 162 171 181"
        ).split(),
        "liability": "201 211 212 213 214 221 231 241".split(),
        "equity": "301 311 321 322".split(),
        "cost": ["401"],
        "revenue": "501 502 503 504".split(),
        "expense": "511 512 513 514 515 521".split(),
    },
    "cooperative-2021": {
        "asset": (
            "101 102 113 114 121 124 125 127 128 131 141 142 143 144 151 152 153 154 161 162"
            " 171 181"
        ).split(),
        "liability": "201 211 212 213 214 215 221 222 231 235".split(),
        "equity": "301 311 321 322 331 332".split(),
        "cost": ["401"],
        "revenue": "501 502 511".split(),
        "expense": "521 522 523 524 529 531".split(),
    },
}

EXPECTED_SUB_ACCOUNTS = {
    "village-2023": {
        "32201": "收益分配—各项分配",
        "32202": "收益分配—未分配收益",
        "51199": "经营支出—土地流转费",
        "22101": "长期借款及应付款—红色基金",
    },
    "cooperative-2021": {
        "33201": "盈余分配—各项分配",
        "33202": "盈余分配—未分配盈余",
        "52199": "经营支出—土地流转费",
        "23101": "长期借款—红色基金",
    },
}

CONTRA = {"village-2023": {"133", "152", "162"}, "cooperative-2021": {"143", "152", "162"}}

MEMBER_AUX_EXPECTED = {
    "village-2023": {"required": {"113"}, "optional": {"112", "211", "212"}},
    "cooperative-2021": {"required": {"114", "221", "222"}, "optional": {"113", "211", "212"}},
}

EXPECTED_ROLES = {
    "village-2023": {
        "cash": "101",
        "bank": "102",
        "member_current": "113",
        "land_fee_expense": "51199",
        "welfare_fund": "311",
        "reserve_fund": "311",
        "dividend_payable": "113",
        "current_year_income": "321",
        "distribution_items": "32201",
        "undistributed": "32202",
        "red_fund_loan": "22101",
        "payable": "211",
        "wages_payable": "212",
        "fixed_assets": "151",
        "accumulated_depreciation": "152",
        "bio_assets": "132",
        "bio_depreciation": "133",
        "investments": "141",
        "asset_disposal": "154",
        "pending_losses": "181",
        "other_income": "504",
        "other_expense": "515",
        "investment_income": "502",
        "management_expense": "513",
    },
    "cooperative-2021": {
        "cash": "101",
        "bank": "102",
        "member_current": "114",
        "land_fee_expense": "52199",
        "welfare_fund": "322",
        "reserve_fund": "322",
        "dividend_payable": "222",
        "return_payable": "221",
        "current_year_income": "331",
        "distribution_items": "33201",
        "undistributed": "33202",
        "red_fund_loan": "23101",
        "payable": "211",
        "wages_payable": "212",
        "fixed_assets": "151",
        "accumulated_depreciation": "152",
        "bio_assets": "142",
        "bio_depreciation": "143",
        "investments": "131",
        "asset_disposal": "154",
        "pending_losses": "181",
        "other_income": "502",
        "other_expense": "529",
        "investment_income": "511",
        "management_expense": "523",
    },
}

CHART_IDS = sorted(EXPECTED_FIRST_LEVEL)


def load(chart_id: str) -> dict:
    path = CHARTS_DIR / f"{chart_id}.json"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(params=CHART_IDS)
def chart(request: pytest.FixtureRequest) -> dict:
    return load(request.param)


def by_code(chart: dict) -> dict[str, dict]:
    return {a["code"]: a for a in chart["accounts"]}


def test_header(chart: dict) -> None:
    for key in ("id", "name", "name_en", "source", "accounts", "roles"):
        assert key in chart, key
    assert chart["id"] in CHART_IDS
    assert {"village-2023": "财会〔2023〕14号", "cooperative-2021": "财会〔2021〕37号"}[
        chart["id"]
    ] == chart["source"]


def test_file_name_matches_id() -> None:
    for cid in CHART_IDS:
        assert load(cid)["id"] == cid


def test_files_are_readable_utf8_not_escaped() -> None:
    for cid in CHART_IDS:
        text = (CHARTS_DIR / f"{cid}.json").read_text(encoding="utf-8")
        assert "\\u" not in text  # written with ensure_ascii=False
        assert "库存现金" in text


def test_codes_unique(chart: dict) -> None:
    codes = [a["code"] for a in chart["accounts"]]
    assert len(codes) == len(set(codes))
    names = [a["name"] for a in chart["accounts"]]
    assert len(names) == len(set(names))


def test_fields_valid(chart: dict) -> None:
    for a in chart["accounts"]:
        assert set(a) <= {"code", "name", "kind", "normal_side", "member_aux", "two_way"}, a
        assert isinstance(a["code"], str) and a["code"].isdigit(), a
        assert len(a["code"]) in (3, 5), a
        assert a["name"].strip() == a["name"] and a["name"], a
        assert a["kind"] in KINDS, a
        assert a["normal_side"] in SIDES, a
        assert a["member_aux"] in MEMBER_AUX, a
        assert isinstance(a.get("two_way", False), bool), a


def test_first_level_accounts_match_domain(chart: dict) -> None:
    expected = EXPECTED_FIRST_LEVEL[chart["id"]]
    first = [a for a in chart["accounts"] if len(a["code"]) == 3]
    assert sorted(a["code"] for a in first) == sorted(
        c for codes in expected.values() for c in codes
    )
    for a in first:
        assert a["code"] in expected[a["kind"]], a


def test_village_has_42_first_level_accounts() -> None:
    assert sum(len(a["code"]) == 3 for a in load("village-2023")["accounts"]) == 42


def test_sub_accounts_extend_parent(chart: dict) -> None:
    accounts = by_code(chart)
    for a in chart["accounts"]:
        if len(a["code"]) == 3:
            continue
        parent = accounts.get(a["code"][:-2])
        assert parent is not None, f"{a['code']} has no parent"
        assert parent["kind"] == a["kind"], a
        assert a["name"].startswith(parent["name"] + "\u2014"), a


def test_only_the_expected_sub_accounts(chart: dict) -> None:
    subs = {a["code"]: a["name"] for a in chart["accounts"] if len(a["code"]) != 3}
    assert subs == EXPECTED_SUB_ACCOUNTS[chart["id"]]


def test_normal_sides(chart: dict) -> None:
    contra = CONTRA[chart["id"]]
    for a in chart["accounts"]:
        if a["code"][:3] in contra:
            assert a["kind"] == "asset" and a["normal_side"] == "credit", a
        elif a["kind"] in ("asset", "cost", "expense"):
            assert a["normal_side"] == "debit", a
        else:
            assert a["normal_side"] == "credit", a


def test_two_way_accounts(chart: dict) -> None:
    member = EXPECTED_ROLES[chart["id"]]["member_current"]
    two_way = {a["code"] for a in chart["accounts"] if a.get("two_way")}
    assert two_way == {member, "154", "181"}
    for code in two_way:
        assert by_code(chart)[code]["normal_side"] == "debit"


def test_member_aux(chart: dict) -> None:
    expected = MEMBER_AUX_EXPECTED[chart["id"]]
    for a in chart["accounts"]:
        if a["code"] in expected["required"]:
            assert a["member_aux"] == "required", a
        elif a["code"] in expected["optional"]:
            assert a["member_aux"] == "optional", a
        else:
            assert a["member_aux"] == "none", a


def test_roles_point_to_existing_accounts(chart: dict) -> None:
    roles = chart["roles"]
    assert set(roles) == ROLE_KEYS | CHART_ROLE_KEYS.get(chart["id"], set())
    accounts = by_code(chart)
    for role, code in roles.items():
        assert code in accounts, (role, code)
    assert roles == EXPECTED_ROLES[chart["id"]]


def test_role_kinds(chart: dict) -> None:
    accounts = by_code(chart)
    kind = {role: accounts[code]["kind"] for role, code in chart["roles"].items()}
    assert kind["cash"] == kind["bank"] == kind["member_current"] == "asset"
    assert kind["land_fee_expense"] == "expense"
    for role in (
        "welfare_fund",
        "reserve_fund",
        "current_year_income",
        "distribution_items",
        "undistributed",
    ):
        assert kind[role] == "equity", role
    for role in ("red_fund_loan", "payable", "wages_payable"):
        assert kind[role] == "liability", role
    # The member ledger account must carry a member on every line.
    assert accounts[chart["roles"]["member_current"]]["member_aux"] == "required"
    assert accounts[chart["roles"]["dividend_payable"]]["member_aux"] == "required"
    if "return_payable" in chart["roles"]:
        assert kind["return_payable"] == "liability"
        assert accounts[chart["roles"]["return_payable"]]["member_aux"] == "required"
