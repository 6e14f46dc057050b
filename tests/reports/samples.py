"""Sample papers built around the demo household 苏子柏 (H0001, 岩子脚小组) of
山邑村红莲藕种植专业合作社, year 2014."""

from __future__ import annotations

import datetime as dt

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

ORG = "山邑村红莲藕种植专业合作社"
YEAR = 2014
APPROVED = dt.date(2014, 12, 20)
PUBLISHED = dt.date(2014, 12, 22)

DEMO_CONTRACT = SlipContract(
    code="L0001",
    parcel="岩子脚-03",
    area_e4=20_000,
    rent_per_mu_fen=80_000,
    active_days=365,
    days_in_year=365,
    fee_fen=160_000,
)


def demo_slip(n: int = 1, **changes: object) -> Slip:
    """苏子柏's slip (land fee 1,600.00 + dividend 230.00 = 1,830.00); ``n`` > 1 makes
    numbered copies with other codes."""
    values: dict[str, object] = {
        "org_name": ORG,
        "year": YEAR,
        "slip_no": f"{YEAR}-{n:04d}",
        "member_code": f"H{n:04d}",
        "member_name": "苏子柏",
        "group": "岩子脚小组",
        "contracts": (DEMO_CONTRACT,),
        "share_capital_fen": 1_600_000,
        "dividend_fen": 23_000,
        "land_fee_fen": 160_000,
        "wages_fen": 1_080_000,
        "approved_on": APPROVED,
        "published_on": PUBLISHED,
        "check_code": f"K7Q3-{n:04X}",
        "payment_method_hint": "现金",
        "preparer": "李会计",
        "reviewer": "王主任",
    }
    values.update(changes)
    return Slip(**values)  # type: ignore[arg-type]


_NAMES = ("杨桂兰", "李明华", "苏建国", "赵秀英", "段德福", "杨文军", "李春生", "苏永康",
          "张金凤", "王小龙", "字海燕", "段红梅")  # fmt: skip
_GROUPS = ("岩子脚小组", "大寨小组", "新街小组", "小河边小组")


def demo_notice(households: int = 40) -> Notice:
    """The notice: 苏子柏 first, ``households - 1`` more, and the collective's dividend."""
    rows = [NoticeRow(1, "H0001", "苏子柏", "岩子脚小组", 160_000, 23_000, 20_000, 1_600_000)]
    for i in range(2, households + 1):
        area = 10_000 * (i % 4)
        rows.append(
            NoticeRow(
                no=i,
                member_code=f"H{i:04d}",
                member_name=_NAMES[i % len(_NAMES)],
                group=_GROUPS[i % len(_GROUPS)],
                land_fee_fen=8 * area,
                dividend_fen=1_000 + 37 * i,
                area_e4=area,
                share_capital_fen=80 * area,
            )
        )
    rows.append(NoticeRow(households + 1, "C001", "山邑村集体", "", 0, 1_234_567, 0, 50_000_000))
    fees = sum(r.land_fee_fen for r in rows)
    dividends = sum(r.dividend_fen for r in rows)
    welfare = 500_000
    return Notice(
        org_name=ORG,
        year=YEAR,
        distributable_fen=fees + welfare + dividends,
        land_fees_fen=fees,
        loss_made_up_fen=0,
        loss_carried_fen=0,
        welfare_fen=welfare,
        reserve_fen=0,
        dividends_fen=dividends,
        undistributed_fen=0,
        rows=tuple(rows),
        approved_on=APPROVED,
        published_on=PUBLISHED,
        notice_days=7,
        objection_phone="0875-8123456",
        preparer="李会计",
        accountant="张出纳",
        reviewer="王主任",
    )


def _l(code: str, name: str, *amounts: int | None, **kw: object) -> StatementLine:
    return StatementLine(code, name, tuple(amounts), **kw)  # type: ignore[arg-type]


def _h(name: str) -> StatementLine:
    return StatementLine("", name, ())


def balance_sheet() -> Statement:
    """A village-2023 style balance sheet, two halves; assets = liabilities + equity."""
    left = (
        _h("流动资产："),
        _l("1", "货币资金", 40_000_000, 61_235_600, level=1),
        _l("2", "短期投资", 0, 0, level=1),
        _l("3", "应收款项", 1_200_000, 850_000, level=1),
        _l("4", "存货", 3_500_000, 2_700_000, level=1),
        _l("5", "消耗性生物资产", 0, 0, level=1),
        _l("10", "流动资产合计", 44_700_000, 64_785_600, is_total=True,
           total_of=("1", "2", "3", "4", "5")),
        _h("非流动资产："),
        _l("11", "长期投资", 0, 20_000_000, level=1),
        _l("12", "生产性生物资产原值", 0, 0, level=1),
        _l("13", "减：生产性生物资产累计折旧", 0, 0, level=1),
        _l("14", "生产性生物资产净值", 0, 0, level=1, is_total=True, total_of=("12", "-13")),
        _l("16", "固定资产原值", 30_000_000, 30_000_000, level=1),
        _l("17", "减：累计折旧", 0, 1_425_000, level=1),
        _l("18", "固定资产净值", 30_000_000, 28_575_000, level=1, is_total=True,
           total_of=("16", "-17")),
        _l("19", "在建工程", 0, 0, level=1),
        _l("21", "无形资产", 80_480_000, 80_480_000, level=1),
        _l("25", "待处理财产损溢", 0, 0, level=1),
        _l("30", "非流动资产合计", 110_480_000, 129_055_000, is_total=True,
           total_of=("11", "14", "18", "19", "21", "25")),
        _l("40", "资产总计", 155_180_000, 193_840_600, is_total=True, total_of=("10", "30")),
    )  # fmt: skip
    right = (
        _h("流动负债："),
        _l("41", "短期借款", 0, 0, level=1),
        _l("42", "应付款项", 2_180_000, 3_655_600, level=1),
        _l("43", "应付工资", 0, 0, level=1),
        _l("45", "应交税费", 0, 0, level=1),
        _l("50", "流动负债合计", 2_180_000, 3_655_600, is_total=True,
           total_of=("41", "42", "43", "45")),
        _h("非流动负债："),
        _l("51", "长期借款及应付款", 20_000_000, 20_000_000, level=1),
        _l("52", "一事一议资金", 0, 0, level=1),
        _l("53", "专项应付款", 0, 5_000_000, level=1),
        _l("60", "非流动负债合计", 20_000_000, 25_000_000, is_total=True,
           total_of=("51", "52", "53")),
        _l("61", "负债合计", 22_180_000, 28_655_600, is_total=True, total_of=("50", "60")),
        _h("所有者权益："),
        _l("62", "资本", 130_480_000, 130_480_000, level=1),
        _l("63", "公积公益金", 2_520_000, 3_020_000, level=1),
        _l("64", "未分配收益", 0, 31_685_000, level=1),
        _l("70", "所有者权益合计", 133_000_000, 165_185_000, is_total=True,
           total_of=("62", "63", "64")),
        _l("80", "负债和所有者权益总计", 155_180_000, 193_840_600, is_total=True,
           total_of=("61", "70")),
    )  # fmt: skip
    return Statement(
        kind="balance_sheet",
        org_name=ORG,
        title="资产负债表",
        period_label="2014年12月31日",
        columns=("年初数", "年末数"),
        lines=left,
        right_lines=right,
        item_header="资产",
        right_item_header="负债及所有者权益",
        form_no="村会01表",
        preparer="李会计",
        reviewer="王主任",
    )


def income_statement() -> Statement:
    """收益及收益分配表, with formula totals (subtractions included)."""
    lines = (
        _l("1", "经营收入", 15_000_000, 0),
        _l("2", "加：投资收益", 1_000_000, 0),
        _l("3", "减：经营支出", 3_200_000, 0),
        _l("4", "减：税金及附加", 0, 0),
        _l("5", "减：管理费用", 1_300_000, 0),
        _l("6", "经营收益", 11_500_000, 0, is_total=True, total_of=("1", "2", "-3", "-4", "-5")),
        _l("7", "加：补助收入", 500_000, 0),
        _l("8", "加：其他收入", 0, 0),
        _l("9", "减：公益支出", 0, 0),
        _l("10", "减：其他支出", 0, 0),
        _l("11", "收益总额", 12_000_000, 0, is_total=True, total_of=("6", "7", "8", "-9", "-10")),
        _l("12", "减：所得税费用", 0, 0),
        _l("13", "本年收益", 12_000_000, 0, is_total=True, total_of=("11", "-12")),
        _l("14", "加：年初未分配收益", 0, 0),
        _l("15", "其他转入", 0, 0),
        _l("16", "可分配收益", 12_000_000, 0, is_total=True, total_of=("13", "14", "15")),
        _l("17", "减：提取公积公益金", 500_000, 0),
        _l("18", "分配给成员的收益（股金分红）", 8_331_500, 0),
        _l("19", "年末未分配收益", 3_168_500, 0, is_total=True, total_of=("16", "-17", "-18")),
    )
    return Statement(
        kind="income",
        org_name=ORG,
        title="收益及收益分配表",
        period_label="2014年度",
        columns=("本年数", "上年数"),
        lines=lines,
        form_no="村会02表",
        preparer="李会计",
        reviewer="王主任",
        note="注：土地流转费 72,800.00 元已计入经营支出。",
    )


def trial_balance() -> Statement:
    """科目余额表: six amount columns in three groups; 合计 adds the first-level accounts."""
    y = 100  # fen per yuan, to keep the figures readable
    lines = [
        StatementLine("101", "库存现金", (500 * y, 0, 0, 0, 500 * y, 0)),
        StatementLine("102", "银行存款", (399_500 * y, 0, 150_000 * y, 10_800 * y, 538_700 * y, 0)),
        StatementLine(
            "10201",
            "银行存款-农村信用社",
            (399_500 * y, 0, 150_000 * y, 10_800 * y, 538_700 * y, 0),
            level=1,
        ),
        StatementLine("113", "内部往来", (0, 0, 10_800 * y, 12_630 * y, 0, 1_830 * y)),
        StatementLine(
            "11301", "内部往来-苏子柏", (0, 0, 10_800 * y, 12_630 * y, 0, 1_830 * y), level=1
        ),
        StatementLine("301", "资本", (0, 400_000 * y, 0, 0, 0, 400_000 * y)),
        StatementLine("322", "收益分配", (0, 0, 230 * y, 0, 230 * y, 0)),
        StatementLine("501", "经营收入", (0, 0, 0, 150_000 * y, 0, 150_000 * y)),
        StatementLine("511", "经营支出", (0, 0, 12_400 * y, 0, 12_400 * y, 0)),
        StatementLine("51101", "经营支出-土地流转费", (0, 0, 1_600 * y, 0, 1_600 * y, 0), level=1),
        StatementLine("51102", "经营支出-务工工资", (0, 0, 10_800 * y, 0, 10_800 * y, 0), level=1),
    ]
    firsts = [ln for ln in lines if ln.level == 0]
    sums = tuple(sum(ln.amounts[i] or 0 for ln in firsts) for i in range(6))
    lines.append(StatementLine("", "合计", sums, is_total=True))
    return Statement(
        kind="trial_balance",
        org_name=ORG,
        title="科目余额表",
        period_label="2014年1月1日至2014年12月31日",
        columns=("借方", "贷方", "借方", "贷方", "借方", "贷方"),
        column_groups=(("期初余额", 2), ("本期发生额", 2), ("期末余额", 2)),
        lines=tuple(lines),
        item_header="科目名称",
        code_header="科目编码",
        preparer="李会计",
        reviewer="王主任",
    )


def fee_voucher() -> VoucherPrint:
    """The land fee of the demo household posted as a payable."""
    return VoucherPrint(
        org_name=ORG,
        number_label="记字第0031号",
        date=dt.date(2014, 12, 31),
        attachments=2,
        lines=(
            VoucherLinePrint(
                "计提2014年土地流转费", "51101", "经营支出-土地流转费", "", 160_000, 0
            ),
            VoucherLinePrint("计提2014年土地流转费", "113", "内部往来", "苏子柏", 0, 160_000),
            VoucherLinePrint("分配2014年股金分红", "32201", "收益分配-各项分配", "", 23_000, 0),
            VoucherLinePrint("分配2014年股金分红", "113", "内部往来", "苏子柏", 0, 23_000),
        ),
        preparer="李会计",
        reviewer="王主任",
        poster="张记账",
        cashier="赵出纳",
    )


def reversal_voucher() -> VoucherPrint:
    """A red voucher cancelling a wrong one: negative amounts on the same sides."""
    return VoucherPrint(
        org_name=ORG,
        number_label="记字第0032号",
        date=dt.date(2014, 12, 31),
        attachments=0,
        lines=(
            VoucherLinePrint(
                "注销12月31日记字第0031号凭证", "51101", "经营支出-土地流转费", "", -160_000, 0
            ),
            VoucherLinePrint(
                "注销12月31日记字第0031号凭证", "113", "内部往来", "苏子柏", 0, -160_000
            ),
        ),
        preparer="李会计",
        reviewer="王主任",
        poster="张记账",
        is_reversal=True,
        reverses_label="2014年12月31日记字第0031号",
    )


def member_statement() -> MemberStatement:
    """苏子柏's 内部往来 for 2014: wages paid, fee and dividend payable, the payout."""
    rows = (
        MemberStatementRow(dt.date(2014, 6, 30), "记字第0012号", "支付上半年务工工资",
                           "内部往来", 540_000, 0, 540_000),
        MemberStatementRow(dt.date(2014, 6, 30), "记字第0013号", "结转上半年务工工资",
                           "内部往来", 0, 540_000, 0),
        MemberStatementRow(dt.date(2014, 12, 31), "记字第0031号", "计提2014年土地流转费",
                           "内部往来", 0, 160_000, -160_000),
        MemberStatementRow(dt.date(2014, 12, 31), "记字第0031号", "分配2014年股金分红",
                           "内部往来", 0, 23_000, -183_000),
        MemberStatementRow(dt.date(2015, 1, 5), "记字第0001号", "支付土地流转费及分红",
                           "内部往来", 183_000, 0, 0),
    )  # fmt: skip
    return MemberStatement(
        org_name=ORG,
        member_code="H0001",
        member_name="苏子柏",
        group="岩子脚小组",
        period_label="2014年1月1日至2015年1月31日",
        opening_fen=0,
        rows=rows,
        closing_fen=0,
    )
