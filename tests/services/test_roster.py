"""Roster import: the dry run lists every bad row and writes nothing; the commit writes all
rows or none."""

from __future__ import annotations

from pathlib import Path

from coopledger.services.accounts import create_organisation
from coopledger.services.ledger import Ledger, verify
from coopledger.services.roster import import_roster
from tests.pgserver import raw_sql


def _count(path: Path | str, table: str) -> int:
    return int(str(raw_sql(path, f"SELECT count(*) FROM {table}")[0][0]))


def test_members_then_contracts_from_csv(ledger: Ledger, ledger_path: Path, tmp_path: Path) -> None:
    org = create_organisation(ledger, "测试合作社")
    members = tmp_path / "members.csv"
    members.write_bytes(
        "户主姓名,身份证号,村民小组\n苏子柏,530521196503120013,岩子脚小组\n杨绍文,,岩子脚小组\n李华顺,530521196503120014,大村小组\n".encode(
            "gbk"
        )
    )
    dry = import_roster(ledger, org, members, "members")
    assert [e.path for e in dry.errors] == ["row 4: 身份证号"] and not dry.committed
    assert _count(ledger_path, "member") == 0
    members.write_bytes("户主姓名,村民小组\n苏子柏,岩子脚小组\n杨绍文,岩子脚小组\n".encode("gbk"))
    assert import_roster(ledger, org, members, "members", commit=True).committed
    assert _count(ledger_path, "member") == 2
    contracts = tmp_path / "contracts.csv"
    contracts.write_text(
        "户主姓名,地块,面积(亩),单价(元/亩),折股(元/亩),起始日期,终止日期\n"
        "苏子柏,岩子脚-03,2,800,800,2014-01-01,2028-12-31\n"
        "杨绍文,岩子脚-03,2,800,800,2015-01-01,2028-12-31\n"
        "王五,岩子脚-05,1.5,800,800,2014-01-01,2028-12-31\n",
        encoding="utf-8",
    )
    report = import_roster(ledger, org, contracts, "contracts", commit=True)
    assert not report.committed
    assert sorted(e.path.split(":")[0] for e in report.errors) == ["row 3", "row 4"]
    assert _count(ledger_path, "land_contract") == 0
    contracts.write_text(
        "户主姓名,地块,面积(亩),单价(元/亩),折股(元/亩),起始日期,终止日期\n苏子柏,岩子脚-03,2,800,800,2014-01-01,2028-12-31\n",
        encoding="utf-8",
    )
    assert import_roster(ledger, org, contracts, "contracts", commit=True).committed
    assert _count(ledger_path, "land_contract") == 1
    assert verify(ledger).ok
