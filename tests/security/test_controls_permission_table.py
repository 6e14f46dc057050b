"""Every command of the command line, run as every role, against the one role × act table.

Attack: a cashier or a supervisor adds an organisation, an accountant approves her own
plan, an administrator posts vouchers … — any act a role was not given. The table
(``domain.roles.ACTS``) is the only place that says who may do what; this test runs each
command (each leaf of ``coopledger --help``) as each of the five roles on a fresh copy of a
staffed ledger that holds whatever the command needs, and checks that the command was
refused for lack of a role exactly when the table says so, and otherwise did its work
(exit 0). A command added without a row here fails the test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import sqlite3
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from coopledger import i18n
from coopledger.cli import build_parser, main
from coopledger.domain.assets import AssetRecord
from coopledger.domain.ledger import LineInput, VoucherInput
from coopledger.domain.roles import ALL_ROLES, can
from coopledger.domain.vocabulary import AssetCategory, Permission, Role
from coopledger.services import bookfile, vouchers
from coopledger.services import distribution as dist
from coopledger.services.accounts import add_sub_account, find_organisation, retire_account
from coopledger.services.assets import add_asset, report_loss, run_depreciation
from coopledger.services.backup import backup_ledger
from coopledger.services.certificates import issue_certificates
from coopledger.services.ledger import open_ledger
from coopledger.services.package import create_package
from coopledger.services.township import import_packages
from coopledger.services.users import add_user, create_first_admin, deactivate_user
from tests.conftest import EXAMPLES

P = Permission
A_NAME = "山邑村股份经济合作社"  # mini: 2014 committed and paid in part, 2015 approved, 2016 not
B_NAME = "无股份测试合作社"  # 2014 committed, nothing paid
C_NAME = "山邑村红莲藕种植专业合作社"  # a cooperative, 2014 committed and closed

#: The people of the office, by role (their password is ``<name>-pw``).
STAFF: dict[Role, str] = {
    Role.ACCOUNTANT: "kuaiji",
    Role.REVIEWER: "shenhe",
    Role.CASHIER: "chuna",
    Role.SUPERVISOR: "jiandu",
    Role.ADMIN: "guanli",
}
DISPLAY = {"kuaiji": "李会计", "shenhe": "张审核", "chuna": "赵出纳", "jiandu": "陈监督"}


def _book(name: str) -> object:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


SALE = VoucherInput(
    dt.date(2015, 3, 2),
    "销售莲藕",
    (LineInput("102", debit_fen=100_00), LineInput("50101", credit_fen=100_00)),
)


def build_office(path: Path, tmp: Path) -> dict[str, object]:
    """The staffed ledger every command runs on (a copy each time); returns the ids and
    files the commands name."""
    led = open_ledger(path, user="setup", create=True)
    a = bookfile.import_book(led, _book("mini.book.json"))
    b = bookfile.import_book(led, _book("no-shares.book.json"))
    c = bookfile.import_book(led, _book("cooperative.book.json"))
    dist.commit_distribution(led, a, 2014)
    dist.pay_slip(led, a, 2014, "H0001", on=dt.date(2014, 12, 28))
    for year in (2015, 2016):
        dist.save_plan(
            led,
            a,
            dist.PlanForm(year, 1000, 0, dt.date(year, 12, 20), dt.date(year, 12, 22)),
        )
    dist.approve_plan(led, a, 2015)  # single-user mode: approved by the one person there is
    vouchers.close_period(led, a, 2014, 9)
    vouchers.record_balance_check(led, a, "102", dt.date(2014, 12, 31), 100_00)
    for code, name in (("50196", "待停用"), ("50197", "已停用"), ("50198", "未使用")):
        add_sub_account(led, a, "501", code, name)
    retire_account(led, a, "50197")
    dist.commit_distribution(led, b, 2014)
    dist.commit_distribution(led, c, 2014)
    vouchers.close_year(led, c, 2014)
    create_package(led, a, 2014, tmp / "village-2014.zip")  # for the township's commands
    # A card in the second book for the fixed-asset commands (its months are all open).
    add_asset(
        led,
        b,
        AssetRecord(
            "JX-1",
            "粉碎机",
            AssetCategory.MACHINERY,
            dt.date(2014, 12, 20),
            12_000_00,
            life_months=60,
            asset_account="151",
        ),
    )
    create_first_admin(led, "guanli", "guanli-pw", "王管理")
    for role, name in STAFF.items():
        if role != Role.ADMIN:
            add_user(led, name, role, f"{name}-pw", DISPLAY[name])
    add_user(led, "tingyong", "cashier", "tingyong-pw", "停用出纳")
    deactivate_user(led, "tingyong")
    led.close()

    acc = open_ledger(path, user="kuaiji", password="kuaiji-pw")
    draft = vouchers.add_voucher(acc, a, SALE)
    spare = vouchers.add_voucher(acc, a, SALE)
    to_post = vouchers.add_voucher(acc, a, SALE)
    to_reverse = vouchers.add_voucher(acc, a, SALE)
    acc.close()
    rev = open_ledger(path, user="shenhe", password="shenhe-pw")
    for vid in (to_post, to_reverse):
        vouchers.review_voucher(rev, a, vid)
    vouchers.post_voucher(rev, a, to_reverse)
    slip = dist.slips(rev, a, 2014)[0].check_code
    rev.close()
    adm = open_ledger(path, user="guanli", password="guanli-pw")
    backup = backup_ledger(adm, tmp / "office-backup.sqlite3").path
    adm.close()

    (tmp / "voucher.json").write_text(
        json.dumps(
            {
                "date": "2015-03-05",
                "memo": "收到租金",
                "lines": [
                    {"account": "102", "debit": "50.00"},
                    {"account": "50101", "credit": "50.00"},
                ],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    (tmp / "assets.csv").write_text(
        "资产编号,资产名称,资产类别,来源,启用日期,原值,使用年限,残值率,折旧方法,资产科目\n"
        "JX-9,水泵,机械设备,购置,2015-01-05,800.00,3,4%,年限平均法,151\n",
        encoding="utf-8",
    )
    (tmp / "members.csv").write_text("户主姓名,村民小组\n新户甲,岩子脚小组\n", encoding="utf-8")
    (tmp / "contracts.csv").write_text(
        "户主姓名,地块,面积(亩),单价(元/亩),折股(元/亩),起始日期,终止日期\n"
        "苏子柏,岩子脚-09,1,800,0,2015-01-01,2020-12-31\n",
        encoding="utf-8",
    )
    return {
        "draft": draft,
        "spare": spare,
        "to_post": to_post,
        "to_reverse": to_reverse,
        "slip": slip,
        "backup": backup,
    }


@dataclass(frozen=True)
class Case:
    """One command: its words (formatted with the fixture's ids and ``{tmp}``), the acts it
    needs, and (for a command some allowed roles cannot finish for another reason) the
    error those roles get instead of exit 0."""

    argv: tuple[str, ...]
    acts: tuple[Permission, ...]
    org: str | None = A_NAME
    other_error: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    ok_codes: tuple[int, ...] = (0,)


NEW_PW = {"COOPLEDGER_NEW_PASSWORD": "new-secret-7"}

#: Each leaf command of the command line, once.
CASES: dict[str, Case] = {
    "init": Case(("init",), (P.READ,), org=None),
    "verify": Case(("verify",), (P.VERIFY,), org=None),
    "backup": Case(("backup", "--out", "{tmp}/b.sqlite3"), (P.BACKUP,), org=None),
    "restore": Case(("restore", "{backup}", "--yes"), (P.RESTORE,), org=None),
    "user add": Case(
        ("user", "add", "xinren", "--role", "cashier"), (P.MANAGE_USERS,), None, env=NEW_PW
    ),
    "user list": Case(("user", "list"), (P.READ,), org=None),
    "user passwd": Case(("user", "passwd", "tingyong"), (P.MANAGE_USERS,), None, env=NEW_PW),
    "user role": Case(("user", "role", "tingyong", "reviewer"), (P.MANAGE_USERS,), org=None),
    "user disable": Case(("user", "disable", "chuna"), (P.MANAGE_USERS,), org=None),
    "user name": Case(("user", "name", "chuna", "赵小出纳"), (P.MANAGE_USERS,), org=None),
    "user enable": Case(("user", "enable", "tingyong"), (P.MANAGE_USERS,), org=None),
    "user unlock": Case(("user", "unlock", "chuna"), (P.MANAGE_USERS,), org=None),
    "audit": Case(("audit",), (P.READ,), org=None),
    "voucher add": Case(("voucher", "add", "--file", "{files}/voucher.json"), (P.PREPARE_VOUCHER,)),
    "voucher list": Case(("voucher", "list"), (P.READ,)),
    "voucher show": Case(("voucher", "show", "{to_reverse}"), (P.READ,)),
    "voucher review": Case(("voucher", "review", "{draft}"), (P.REVIEW_VOUCHER,)),
    "voucher unreview": Case(("voucher", "unreview", "{to_post}"), (P.REVIEW_VOUCHER,)),
    "voucher post": Case(("voucher", "post", "{to_post}"), (P.POST_VOUCHER,)),
    "voucher delete": Case(("voucher", "delete", "{spare}"), (P.PREPARE_VOUCHER,)),
    "voucher reverse": Case(("voucher", "reverse", "{to_reverse}"), (P.REVERSE_VOUCHER,)),
    "period close": Case(("period", "close", "2014-10"), (P.CLOSE_PERIOD,)),
    "period reopen": Case(("period", "reopen", "2014-09", "--reason", "补记"), (P.REOPEN_PERIOD,)),
    "trial-balance": Case(
        ("trial-balance", "--from", "2014-01-01", "--to", "2014-12-31"), (P.READ,)
    ),
    "ledger": Case(("ledger", "102"), (P.READ,)),
    "general-ledger": Case(("general-ledger", "102", "--year", "2014"), (P.READ,)),
    "journal": Case(("journal", "--from", "2014-01-01", "--to", "2014-12-31"), (P.READ,)),
    "member-statement": Case(("member-statement", "H0001", "--pdf", "{tmp}/ms.pdf"), (P.PRINT,)),
    "balance-check record": Case(
        ("balance-check", "record", "102", "--date", "2014-12-31", "--amount", "100"),
        (P.PREPARE_VOUCHER,),
    ),
    "balance-check list": Case(("balance-check", "list"), (P.READ,)),
    # Exit 1: the bank statement's balance disagrees with the books.
    "reconciliation": Case(("reconciliation", "102", "2014-12"), (P.READ,), ok_codes=(0, 1)),
    "import-book": Case(
        ("import-book", str(EXAMPLES / "carry-forward.book.json")),
        (P.MANAGE_ORGANISATIONS, P.MANAGE_REGISTERS),
        org=None,
    ),
    "export-book": Case(("export-book", "{tmp}/out.book.json"), (P.BACKUP,)),
    "org list": Case(("org", "list"), (P.READ,), org=None),
    "org add": Case(("org", "add", "新合作社"), (P.MANAGE_ORGANISATIONS,), org=None),
    "import-members": Case(("import-members", "{files}/members.csv"), (P.MANAGE_REGISTERS,)),
    "import-contracts": Case(("import-contracts", "{files}/contracts.csv"), (P.MANAGE_REGISTERS,)),
    "member list": Case(("member", "list"), (P.READ,)),
    "member deactivate": Case(
        ("member", "deactivate", "H0003", "--date", "2015-06-30", "--reason", "迁出"),
        (P.MANAGE_REGISTERS,),
    ),
    "contract fees": Case(("contract", "fees", "L0001"), (P.READ,)),
    "contract terminate": Case(
        ("contract", "terminate", "L0001", "--date", "2015-06-30", "--reason", "收回"),
        (P.MANAGE_REGISTERS,),
    ),
    "contract renew": Case(
        ("contract", "renew", "L0001", "--new-code", "L0901", "--end", "2040-12-31"),
        (P.MANAGE_REGISTERS,),
    ),
    "shares register": Case(("shares", "register", "--date", "2014-12-31"), (P.READ,)),
    "shares history": Case(("shares", "history", "C001"), (P.READ,)),
    "shares transfer": Case(
        (
            "shares",
            "transfer",
            "S0001",
            "--date",
            "2015-01-01",
            "--kind",
            "gift",
            "--to",
            "S0009:H0002:5000.00",
        ),
        (P.MANAGE_REGISTERS,),
    ),
    "shares red-fund-maturities": Case(
        ("shares", "red-fund-maturities", "--date", "2015-01-01"), (P.PREPARE_VOUCHER,)
    ),
    "demo": Case(
        ("demo",),
        (P.MANAGE_ORGANISATIONS, P.MANAGE_REGISTERS, P.BOOK_SETTINGS, P.RUN_DISTRIBUTION),
        org=None,
        other_error="build the demo in a new ledger file",
    ),
    "plan set": Case(("plan", "set", "--year", "2017", "--welfare-rate", "0.1"), (P.PREPARE_PLAN,)),
    "plan approve": Case(("plan", "approve", "--year", "2016"), (P.APPROVE_PLAN,)),
    "plan show": Case(("plan", "show", "--year", "2014"), (P.READ,)),
    "distribute": Case(("distribute", "--year", "2015", "--commit"), (P.RUN_DISTRIBUTION,)),
    "reverse-distribution": Case(
        ("reverse-distribution", "--year", "2014", "--reason", "方案有误"),
        (P.RUN_DISTRIBUTION,),
        org=B_NAME,
    ),
    "pay": Case(
        ("pay", "--year", "2014", "--member", "H0002", "--date", "2014-12-28"),
        (P.RECORD_PAYMENT,),
    ),
    "reverse-payment": Case(
        ("reverse-payment", "--year", "2014", "--member", "H0001", "--reason", "付错户"),
        (P.REVERSE_PAYMENT,),
    ),
    "unpaid": Case(("unpaid", "--year", "2014"), (P.READ,)),
    "bank-batch": Case(
        ("bank-batch", "--year", "2014", "--out", "{tmp}/bank.csv"), (P.RECORD_PAYMENT,)
    ),
    "member-account": Case(
        ("member-account", "H0001", "--pdf", "{tmp}/ma.pdf"), (P.PRINT,), org=C_NAME
    ),
    "verify-slip": Case(("verify-slip", "{slip}"), (P.READ,), org=None),
    "slips": Case(("slips", "--year", "2014", "--out", "{tmp}/slips.pdf"), (P.PRINT,)),
    "notice": Case(("notice", "--year", "2014", "--out", "{tmp}/notice.pdf"), (P.PRINT,)),
    "statements": Case(("statements", "--year", "2014", "--out", "{tmp}/st.pdf"), (P.PRINT,)),
    "print-voucher": Case(("print-voucher", "{to_reverse}", "--out", "{tmp}/v.pdf"), (P.PRINT,)),
    "year close": Case(("year", "close", "--year", "2014"), (P.CLOSE_PERIOD,)),
    "year reopen": Case(
        ("year", "reopen", "--year", "2014", "--reason", "审计调整"), (P.REOPEN_YEAR,), org=C_NAME
    ),
    # Exit 1: the check finds things to do (the imported vouchers are not reviewed).
    "year check": Case(("year", "check", "--year", "2014"), (P.READ,), ok_codes=(0, 1)),
    "opening template": Case(("opening", "template", "--out", "{tmp}/open.xlsx"), (P.READ,)),
    "opening post": Case(
        ("opening", "post", "--date", "2014-01-01", "--debit", "102=100", "--credit", "301=100"),
        (P.PREPARE_VOUCHER,),
    ),
    "opening show": Case(("opening", "show"), (P.READ,), other_error="no opening"),
    "account list": Case(("account", "list"), (P.READ,)),
    "account add": Case(("account", "add", "501", "50195", "新科目"), (P.PREPARE_VOUCHER,)),
    "account rename": Case(("account", "rename", "50196", "改名"), (P.PREPARE_VOUCHER,)),
    "account retire": Case(("account", "retire", "50196"), (P.PREPARE_VOUCHER,)),
    "account reactivate": Case(("account", "reactivate", "50197"), (P.PREPARE_VOUCHER,)),
    "account delete": Case(("account", "delete", "50198"), (P.PREPARE_VOUCHER,)),
    "print-book": Case(
        ("print-book", "cash", "--year", "2014", "--out", "{tmp}/cash.pdf"), (P.PRINT,)
    ),
    "book": Case(("book", "102", "--year", "2014"), (P.READ,)),
    "copy-ledger": Case(
        ("copy-ledger", "--to", "{tmp}/{role}-copy.sqlite3"), (P.BACKUP,), org=None
    ),
    "user-orgs": Case(("user-orgs", "kuaiji", "--only", A_NAME), (P.MANAGE_USERS,), org=None),
    "approval list": Case(("approval", "list", "--all"), (P.READ,)),
    "approval approve": Case(("approval", "approve", "{request}"), (P.APPROVE_REQUEST,)),
    "approval reject": Case(
        ("approval", "reject", "{request}", "--note", "不同意"), (P.APPROVE_REQUEST,)
    ),
    "approval withdraw": Case(
        ("approval", "withdraw", "{request}"), (P.READ,), other_error="only kuaiji, who asked"
    ),
    "import-batch list": Case(("import-batch", "list", "--all"), (P.READ,)),
    "import-batch review": Case(("import-batch", "review", "{batch}"), (P.REVIEW_IMPORT,)),
    # Fixed assets: the card JX-1 of the second book.
    "asset list": Case(("asset", "list"), (P.READ,), org=B_NAME),
    "asset card": Case(("asset", "card", "JX-1"), (P.READ,), org=B_NAME),
    # Exit 1: the card was entered without its voucher, so the register and 固定资产 differ.
    "asset check": Case(
        ("asset", "check", "--date", "2014-12-31"), (P.READ,), org=B_NAME, ok_codes=(0, 1)
    ),
    "asset add": Case(
        (
            "asset",
            "add",
            "JX-2",
            "--name",
            "水泵",
            "--category",
            "machinery",
            "--in-service",
            "2015-01-05",
            "--value",
            "800",
            "--life-months",
            "36",
            "--asset-account",
            "151",
        ),
        (P.MANAGE_ASSETS,),
        org=B_NAME,
    ),
    "asset import": Case(
        ("asset", "import", "{files}/assets.csv", "--commit"), (P.MANAGE_ASSETS,), org=B_NAME
    ),
    "asset improve": Case(
        ("asset", "improve", "JX-1", "--date", "2015-02-10", "--amount", "500"),
        (P.MANAGE_ASSETS,),
        org=B_NAME,
    ),
    "asset transfer": Case(
        ("asset", "transfer", "JX-1", "--date", "2015-02-10", "--location", "二组"),
        (P.MANAGE_ASSETS,),
        org=B_NAME,
    ),
    "asset loss": Case(
        ("asset", "loss", "JX-1", "--date", "2014-12-28", "--memo", "被盗"),
        (P.MANAGE_ASSETS,),
        org=B_NAME,
    ),
    "asset write-off": Case(
        ("asset", "write-off", "JX-1", "--date", "2014-12-30"), (P.MANAGE_ASSETS,), org=B_NAME
    ),
    "asset dispose": Case(
        ("asset", "dispose", "JX-1", "--date", "2014-12-28", "--proceeds", "100"),
        (P.MANAGE_ASSETS,),
        org=B_NAME,
    ),
    "depreciation run": Case(
        ("depreciation", "run", "--month", "2015-01"), (P.RUN_DEPRECIATION,), org=B_NAME
    ),
    "depreciation preview": Case(("depreciation", "preview"), (P.READ,), org=B_NAME),
    "depreciation list": Case(("depreciation", "list"), (P.READ,), org=B_NAME),
    "depreciation reverse": Case(
        ("depreciation", "reverse", "--month", "2015-01", "--reason", "算错"),
        (P.RUN_DEPRECIATION,),
        org=B_NAME,
    ),
    "disclosure show": Case(("disclosure", "show", "--month", "2014-12"), (P.READ,)),
    "disclosure print": Case(
        ("disclosure", "print", "--month", "2014-12", "--out", "{tmp}/d.pdf"), (P.PRINT,)
    ),
    "disclosure status": Case(("disclosure", "status", "--year", "2014"), (P.READ,)),
    "disclosure publish": Case(
        (
            "disclosure",
            "publish",
            "--month",
            "2014-12",
            "--date",
            "2015-01-06",
            "--reviewed-by",
            "杨文华",
        ),
        (P.PUBLISH_FINANCES,),
    ),
    "certificate issue": Case(
        (
            "certificate",
            "issue",
            "--member",
            "H0001",
            "--date",
            "2014-12-31",
            "--out",
            "{tmp}/c.pdf",
        ),
        (P.ISSUE_CERTIFICATES,),
    ),
    "certificate reprint": Case(
        (
            "certificate",
            "reprint",
            "H0001",
            "--date",
            "2015-01-02",
            "--reason",
            "遗失",
            "--out",
            "{tmp}/r.pdf",
        ),
        (P.ISSUE_CERTIFICATES,),
    ),
    "certificate register": Case(("certificate", "register"), (P.READ,)),
    "cash position": Case(("cash", "position", "--date", "2014-12-31"), (P.READ,)),
    "package create": Case(
        ("package", "create", "--year", "2014", "--out", "{tmp}/p.zip"), (P.PRINT, P.BACKUP)
    ),
    # Reads a file only: no ledger, any role.
    "package verify": Case(("package", "verify", "{files}/village-2014.zip"), (P.READ,), org=None),
    "township import": Case(
        ("township", "import", "{files}/village-2014.zip"), (P.MANAGE_REGISTERS,), org=None
    ),
    "township report": Case(("township", "report", "--year", "2014"), (P.READ,), org=None),
    "township verify": Case(("township", "verify"), (P.READ,), org=None),
    "township villages": Case(("township", "villages"), (P.READ,), org=None),
    "township bands": Case(
        ("township", "bands", "--set", "10000", "30000"), (P.MANAGE_SETTINGS,), org=None
    ),
    "township export": Case(
        ("township", "export", A_NAME, "--year", "2014", "--out", "{tmp}/e.zip"),
        (P.READ,),
        org=None,
    ),
}

#: Commands whose fixture needs one more thing, made on the copy before the command runs.
SETUP: dict[str, Callable[[Path, dict[str, object]], None]] = {}


def _pending_request(path: Path, ids: dict[str, object]) -> None:
    """A request by the accountant (reverse the paid 2014 payment of H0001) waiting."""
    led = open_ledger(path, user="kuaiji", password="kuaiji-pw")
    org = find_organisation(led, A_NAME).id
    ids["request"] = dist.reverse_payment(led, org, 2014, "H0001", "付错户").id
    led.close()


def _batch(path: Path, ids: dict[str, object]) -> None:
    led = open_ledger(path, user="kuaiji", password="kuaiji-pw")
    from coopledger.services.imports import list_batches

    ids["batch"] = list_batches(led, find_organisation(led, A_NAME).id)[0].id
    led.close()


for _name in ("approval approve", "approval reject", "approval withdraw"):
    SETUP[_name] = _pending_request
SETUP["import-batch review"] = _batch


def _received(path: Path, ids: dict[str, object]) -> None:
    """The village's 2014 package taken in by the township (this same ledger)."""
    led = open_ledger(path, user="kuaiji", password="kuaiji-pw")
    import_packages(led, [Path(str(ids["files"])) / "village-2014.zip"])
    led.close()


def _as_accountant(act: Callable[..., object], org_name: str) -> Callable[..., None]:
    def setup(path: Path, ids: dict[str, object]) -> None:
        led = open_ledger(path, user="kuaiji", password="kuaiji-pw")
        act(led, find_organisation(led, org_name).id, Path(str(ids["files"])))
        led.close()

    return setup


SETUP["asset write-off"] = _as_accountant(
    lambda led, org, _f: report_loss(led, org, "JX-1", dt.date(2014, 12, 28), "被盗"), B_NAME
)
SETUP["depreciation reverse"] = _as_accountant(
    lambda led, org, _f: run_depreciation(led, org, 2015, 1), B_NAME
)
SETUP["certificate reprint"] = _as_accountant(
    lambda led, org, f: issue_certificates(
        led, org, dt.date(2014, 12, 31), f / "c0.pdf", members=["H0001"]
    ),
    A_NAME,
)

for _name in ("township report", "township verify", "township villages", "township export"):
    SETUP[_name] = _received


def leaf_commands() -> list[str]:
    """Every leaf of the command line (``voucher post``, ``trial-balance`` …)."""
    found: list[str] = []

    def walk(parser: argparse.ArgumentParser, prefix: list[str]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    if any(isinstance(a, argparse._SubParsersAction) for a in sub._actions):
                        walk(sub, [*prefix, name])
                    else:
                        found.append(" ".join([*prefix, name]))

    walk(build_parser(""), [])
    return found


def test_every_command_has_its_acts_in_this_walk() -> None:
    assert sorted(leaf_commands()) == sorted(CASES)


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, object]]]:
    from coopledger.store import users
    from tests.support.fasthash.coopledger_fasthash import fast_hasher

    mp = pytest.MonkeyPatch()
    mp.setattr(users, "password_hasher", fast_hasher)
    tmp = tmp_path_factory.mktemp("office")
    path = tmp / "office.sqlite3"
    ids = build_office(path, tmp)
    ids["files"] = tmp
    yield path, ids
    mp.undo()


def _copy(source: Path, target: Path) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()


@dataclass
class Outcome:
    code: int
    out: str
    err: str


def _run(
    argv: list[str],
    user: str,
    env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Outcome:
    with monkeypatch.context() as m:
        m.setenv("COOPLEDGER_PASSWORD", f"{user}-pw")
        for k, v in env.items():
            m.setenv(k, v)
        m.setattr(sys, "stdin", io.StringIO(""))
        lang = i18n.current_language()
        try:
            code = main(["--lang", "en", "--user", user, *argv])
        except SystemExit as exc:
            code = int(exc.code or 0)
        finally:
            i18n.set_language(lang)
    captured = capsys.readouterr()
    return Outcome(code, captured.out, captured.err)


REFUSED = " is not allowed to "


@pytest.mark.parametrize("command", sorted(CASES))
def test_each_command_as_each_role_matches_the_table(
    command: str,
    office: tuple[Path, dict[str, object]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source, fixture = office
    case = CASES[command]
    wrong: list[str] = []
    for role in ALL_ROLES:
        db = tmp_path / f"{role.value}.sqlite3"
        _copy(source, db)
        ids = {**fixture, "tmp": tmp_path, "role": role.value}
        if command in SETUP:
            SETUP[command](db, ids)
        argv = [a.format(**ids) for a in case.argv]
        where = ["--db", str(db)] + (["--org", case.org] if case.org else [])
        got = _run([*where, *argv], STAFF[role], case.env, monkeypatch, capsys)
        allowed = all(can(role, act) for act in case.acts)
        refused = got.code == 2 and REFUSED in got.err
        if allowed and refused:
            wrong.append(f"{role}: refused, but the table allows it: {got.err.strip()}")
        elif not allowed and not refused:
            wrong.append(f"{role}: the table refuses it, but got {got.code}: {got.err.strip()}")
        elif allowed and got.code not in case.ok_codes:
            if not (case.other_error and case.other_error in got.err):
                wrong.append(f"{role}: allowed, but exit {got.code}: {got.err.strip()}")
    assert not wrong, f"{command}:\n" + "\n".join(wrong)
