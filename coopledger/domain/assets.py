"""Fixed assets (固定资产卡片): the card's record with its field table, and the rules of
depreciation, losses and disposals.

A card holds one asset (or a batch of identical ones: `AssetRecord.quantity`): a fixed
asset, a productive biological asset (生产性生物资产, the same card with its own pair of
accounts) or a long-term investment kept on the register (资产台账) and never depreciated.

Depreciation (农村集体经济组织会计制度 / 农民专业合作社会计制度): monthly, straight-line
(年限平均法) or by units of work (工作量法); an asset starts depreciating in the month after
it was put into service (当月增加的当月不提) and is depreciated in the month it leaves
(当月减少的当月照提, so a disposal waits for that month's run); never below its residual
value. Each month's charge is what is left to depreciate spread over what is left of the
asset's life, rounded half up to the fen (`monthly_charge`): a plain card charges the same
amount every month (240,000.00 at 5 % over 120 months is 1,900.00), a card whose value
changed (an improvement) or that came with depreciation already made spreads the rest
evenly, and the last month of the life takes exactly what is left, so the accumulated
depreciation reaches value − residual to the fen.

Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Final

from coopledger.domain.errors import N_, DomainError
from coopledger.domain.fields import Field, Kind, RecordCheck, field
from coopledger.domain.ledger import LineInput
from coopledger.domain.money import fen_to_str, rate_to_str, round_ratio_half_up
from coopledger.domain.vocabulary import (
    AssetCategory,
    AssetSource,
    DepreciationMethod,
    Term,
)

__all__ = [
    "CHOICE_ALIASES",
    "AssetRecord",
    "CardState",
    "DisposalFigures",
    "add_months",
    "disposal_lines",
    "effective_method",
    "improvement_lines",
    "loss_lines",
    "month_end",
    "month_index",
    "monthly_charge",
    "residual_value",
    "write_off_lines",
]

Problems = Iterator[tuple[str, str, dict[str, object]]]

#: The most a card's value may be (a hundred million yuan): 5,000 cards stay far within
#: the columns' range when summed.
MAX_VALUE_FEN: Final = 100_000_000_00
#: The longest useful life a card may have: 100 years.
MAX_LIFE_MONTHS: Final = 1200

#: Names a spreadsheet may use for the codes of a choice field (Chinese first): the
#: register of a village office names categories and methods in Chinese, not by code.
CHOICE_ALIASES: Final[Mapping[type[Term], Mapping[str, str]]] = {
    AssetCategory: {
        "房屋及建筑物": "buildings",
        "房屋建筑物": "buildings",
        "房屋": "buildings",
        "建筑物": "buildings",
        "机器设备": "machinery",
        "机械设备": "machinery",
        "运输工具": "vehicles",
        "运输设备": "vehicles",
        "农业基础设施": "facilities",
        "水利设施": "facilities",
        "农田水利设施": "facilities",
        "基础设施": "facilities",
        "办公设备": "office",
        "办公设备及家具": "office",
        "家具用具": "office",
        "其他固定资产": "other_fixed",
        "其他": "other_fixed",
        "生产性生物资产": "biological",
        "长期投资": "investment",
        "对外投资": "investment",
    },
    AssetSource: {
        "购入": "purchased",
        "购置": "purchased",
        "购买": "purchased",
        "自建": "built",
        "自行建造": "built",
        "建造": "built",
        "项目资金": "project_fund",
        "项目资金形成": "project_fund",
        "财政项目": "project_fund",
        "扶贫项目": "project_fund",
        "捐赠": "donated",
        "接受捐赠": "donated",
        "其他": "other",
    },
    DepreciationMethod: {
        "年限平均法": "straight_line",
        "平均年限法": "straight_line",
        "直线法": "straight_line",
        "工作量法": "units_of_work",
        "不提折旧": "none",
        "不计提折旧": "none",
        "不折旧": "none",
    },
}


# -- the card -----------------------------------------------------------------------------


def effective_method(
    category: AssetCategory | None, method: DepreciationMethod | None
) -> DepreciationMethod:
    """The method a card follows: as given, else none for an investment and straight-line
    for anything else."""
    if method is not None:
        return method
    if category is AssetCategory.INVESTMENT:
        return DepreciationMethod.NONE
    return DepreciationMethod.STRAIGHT_LINE


def residual_value(value_fen: int, residual_rate_e4: int) -> int:
    """The residual value (预计净残值) of a card: value × rate, rounded half up."""
    return round_ratio_half_up(value_fen * residual_rate_e4, 10_000)


def _method_rules(v: Mapping[str, Any]) -> Problems:
    category = v.get("category")
    method = effective_method(category, v.get("method"))
    if category is AssetCategory.INVESTMENT and method is not DepreciationMethod.NONE:
        yield (
            "method",
            N_('an investment is not depreciated: leave the method empty or "none" (got "{got}")'),
            {"got": str(method)},
        )
    life = v.get("life_months")
    if method is DepreciationMethod.STRAIGHT_LINE and life is not None and life < 1:
        yield (
            "life_months",
            N_("a straight-line asset needs a useful life of at least 1 month (got {got})"),
            {"got": life},
        )
    total = v.get("total_work")
    if method is DepreciationMethod.UNITS_OF_WORK and total is not None and total < 1:
        yield (
            "total_work",
            N_("an asset depreciated by units of work needs its total work (got {got})"),
            {"got": total},
        )
    done = v.get("opening_work")
    if total is not None and done is not None and done > total:
        yield (
            "opening_work",
            N_("must not be more than the total work {total} (got {got})"),
            {"total": total, "got": done},
        )


def _value_rules(v: Mapping[str, Any]) -> Problems:
    rate = v.get("residual_rate_e4")
    if rate is not None and rate >= 10_000:
        yield ("residual_rate", N_("must be less than 1 (got {got})"), {"got": rate_to_str(rate)})
        return
    value, opening = v.get("value_fen"), v.get("opening_depreciation_fen")
    if value is None or opening is None or rate is None:
        return
    most = value - residual_value(value, rate)
    if opening > most:
        yield (
            "opening_depreciation",
            N_("must not be more than the value less the residual value, {most} (got {got})"),
            {"most": fen_to_str(most), "got": fen_to_str(opening)},
        )


@dataclass(frozen=True, slots=True)
class AssetRecord:
    """A card of the fixed-asset register. Money in fen, the residual rate in
    ten-thousandths, the life in months; the three accounts are codes of the book (the
    asset's and the accumulated depreciation's default to the category's accounts of the
    chart, the depreciation expense to 管理费用). `opening_depreciation_fen` and
    `opening_work` are what was already depreciated (and worked) before the card was
    entered: an asset taken over from before the book began."""

    code: str = field(
        Field(
            "code",
            Kind.CODE,
            N_("Asset code"),
            required=True,
            headers=("资产编号", "卡片编号", "编号"),
        )
    )
    name: str = field(
        Field(
            "name",
            Kind.TEXT,
            N_("Name"),
            required=True,
            max_length=100,
            headers=("资产名称", "名称"),
        )
    )
    category: AssetCategory = field(
        Field(
            "category",
            Kind.CHOICE,
            N_("Category"),
            required=True,
            choices=AssetCategory,
            headers=("资产类别", "类别"),
        ),
        default=AssetCategory.BUILDINGS,
    )
    in_service: dt.date = field(
        Field(
            "in_service",
            Kind.DATE,
            N_("In service from"),
            required=True,
            headers=("启用日期", "投入使用日期", "购置日期", "取得日期"),
            column="in_service_on",
        ),
        default=dt.date(2000, 1, 1),
    )
    value_fen: int = field(
        Field(
            "value",
            Kind.MONEY,
            N_("Original value"),
            required=True,
            positive=True,
            maximum=MAX_VALUE_FEN,
            headers=("原值", "资产原值", "原价", "入账价值"),
        ),
        default=0,
    )
    source: AssetSource = field(
        Field(
            "source",
            Kind.CHOICE,
            N_("Source"),
            default=AssetSource.PURCHASED,
            choices=AssetSource,
            headers=("来源", "取得方式", "资金来源"),
        )
    )
    method: DepreciationMethod | None = field(
        Field(
            "method",
            Kind.CHOICE,
            N_("Depreciation method"),
            default=None,
            choices=DepreciationMethod,
            headers=("折旧方法",),
            column="",
        )
    )
    life_months: int = field(
        Field(
            "life_months",
            Kind.INTEGER,
            N_("Useful life (months)"),
            default=0,
            minimum=0,
            maximum=MAX_LIFE_MONTHS,
            headers=("使用月数", "预计使用月数", "使用年限(月)"),
        )
    )
    residual_rate_e4: int = field(
        Field(
            "residual_rate",
            Kind.RATE,
            N_("Residual rate"),
            default=0,
            headers=("残值率", "净残值率", "预计净残值率"),
        )
    )
    location: str = field(
        Field(
            "location", Kind.TEXT, N_("Location"), headers=("存放地点", "坐落位置", "位置", "地点")
        )
    )
    custodian: str = field(
        Field(
            "custodian",
            Kind.TEXT,
            N_("Kept by"),
            max_length=100,
            headers=("保管人", "使用人", "使用部门", "管理人"),
        )
    )
    quantity: int = field(
        Field(
            "quantity",
            Kind.INTEGER,
            N_("Quantity"),
            default=1,
            minimum=1,
            maximum=1_000_000,
            headers=("数量",),
        )
    )
    unit: str = field(
        Field("unit", Kind.TEXT, N_("Unit"), max_length=20, headers=("计量单位", "单位"))
    )
    poverty_relief: bool = field(
        Field(
            "poverty_relief",
            Kind.FLAG,
            N_("Poverty-relief project asset"),
            default=False,
            headers=("扶贫项目资产", "是否扶贫项目资产"),
        )
    )
    total_work: int = field(
        Field(
            "total_work",
            Kind.INTEGER,
            N_("Total work (units)"),
            default=0,
            minimum=0,
            maximum=10**12,
            headers=("预计总工作量", "总工作量"),
        )
    )
    work_unit: str = field(
        Field("work_unit", Kind.TEXT, N_("Unit of work"), max_length=20, headers=("工作量单位",))
    )
    opening_depreciation_fen: int = field(
        Field(
            "opening_depreciation",
            Kind.MONEY,
            N_("Depreciation before entry"),
            default=0,
            maximum=MAX_VALUE_FEN,
            headers=("期初累计折旧", "已提折旧", "累计折旧"),
        )
    )
    opening_work: int = field(
        Field(
            "opening_work",
            Kind.INTEGER,
            N_("Work before entry"),
            default=0,
            minimum=0,
            maximum=10**12,
            headers=("已完成工作量",),
        )
    )
    expense_account: str | None = field(
        Field(
            "expense_account",
            Kind.REF,
            N_("Depreciation expense account"),
            default=None,
            headers=("折旧费用科目", "费用科目"),
            column="",
        )
    )
    asset_account: str | None = field(
        Field(
            "asset_account",
            Kind.REF,
            N_("Asset account"),
            default=None,
            headers=("资产科目",),
            column="",
        )
    )
    depreciation_account: str | None = field(
        Field(
            "depreciation_account",
            Kind.REF,
            N_("Accumulated depreciation account"),
            default=None,
            headers=("累计折旧科目",),
            column="",
        )
    )
    notes: str = field(Field("notes", Kind.NOTE, N_("Notes"), headers=("备注",)))

    checks: ClassVar[tuple[RecordCheck, ...]] = (_method_rules, _value_rules)

    @property
    def effective_method(self) -> DepreciationMethod:
        """The method the card follows (see `effective_method`)."""
        return effective_method(self.category, self.method)

    @property
    def residual_fen(self) -> int:
        """The card's residual value at its current value."""
        return residual_value(self.value_fen, self.residual_rate_e4)


# -- months -------------------------------------------------------------------------------


def month_index(year: int, month: int) -> int:
    """A month as one number (months since year 0), for spans and comparisons."""
    return year * 12 + month - 1


def add_months(year: int, month: int, n: int) -> tuple[int, int]:
    """(year, month) ``n`` months after the given one."""
    y, m = divmod(month_index(year, month) + n, 12)
    return y, m + 1


def month_end(year: int, month: int) -> dt.date:
    """The last day of a month (the date of its depreciation voucher)."""
    y, m = add_months(year, month, 1)
    return dt.date(y, m, 1) - dt.timedelta(days=1)


# -- depreciation -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CardState:
    """What a month's charge depends on: the card as it stands before the month (its value
    after improvements, the depreciation and work accumulated so far, the opening amounts
    included)."""

    code: str
    method: DepreciationMethod
    in_service: dt.date
    value_fen: int
    residual_fen: int
    life_months: int
    accumulated_fen: int
    total_work: int = 0
    work_done: int = 0

    def due_in(self, year: int, month: int) -> bool:
        """Whether the card depreciates in this month at all (the month after it was put
        into service or later; methods other than none)."""
        if self.method is DepreciationMethod.NONE:
            return False
        return month_index(year, month) > month_index(self.in_service.year, self.in_service.month)

    @property
    def remaining_fen(self) -> int:
        """What is left to depreciate: value − residual − accumulated (never below 0)."""
        return max(self.value_fen - self.residual_fen - self.accumulated_fen, 0)


def monthly_charge(card: CardState, year: int, month: int, work: int | None = None) -> int:
    """The depreciation of ``card`` for one month, in fen.

    Straight-line: what is left to depreciate over the months left of the life (counted
    from the month after the asset was put into service), rounded half up; the last month
    (or any month past the life) takes all that is left. Units of work: what is left in
    proportion of this month's ``work`` to the work left; the month that reaches the total
    takes all that is left. Never more than is left, so the card never goes below its
    residual value; 0 before the first month and for cards that are not depreciated.

    Raises:
        DomainError: on ``work`` when a units-of-work card is given none or a negative one.
    """
    if not card.due_in(year, month):
        return 0
    left = card.remaining_fen
    if card.method is DepreciationMethod.UNITS_OF_WORK:
        if work is None or work < 0:
            raise DomainError(
                f"work.{card.code}",
                N_("give this month's work of {code} (0 when it stood idle)"),
                code=card.code,
            )
        if left == 0 or work == 0:
            return 0
        work_left = card.total_work - card.work_done
        if work >= work_left:
            return left
        return min(round_ratio_half_up(left * work, work_left), left)
    if left == 0:
        return 0
    start = month_index(card.in_service.year, card.in_service.month) + 1
    months_left = card.life_months - (month_index(year, month) - start)
    if months_left <= 1:
        return left
    return min(round_ratio_half_up(left, months_left), left)


# -- vouchers of changes ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DisposalFigures:
    """A disposal (出售, 报废, 毁损清理, an investment sold or recovered) worked out: the net
    value that leaves, what came in and went out for it, and the gain (> 0) or loss (< 0)."""

    value_fen: int
    accumulated_fen: int
    proceeds_fen: int
    costs_fen: int

    @property
    def net_fen(self) -> int:
        return self.value_fen - self.accumulated_fen

    @property
    def result_fen(self) -> int:
        return self.proceeds_fen - self.costs_fen - self.net_fen


def _line(account: str, amount: int, debit: bool, memo: str) -> list[LineInput]:
    if amount == 0:
        return []
    if debit:
        return [LineInput(account, debit_fen=amount, memo=memo)]
    return [LineInput(account, credit_fen=amount, memo=memo)]


def disposal_lines(
    figures: DisposalFigures,
    *,
    asset: str,
    depreciation: str | None,
    clearing: str | None,
    counter: str,
    gain: str,
    loss: str,
    memo: str,
) -> list[LineInput]:
    """The lines of a disposal. A depreciable asset goes through 固定资产清理 (``clearing``):
    Dr 清理 net, Dr 累计折旧, Cr the asset; Dr ``counter`` (cash, bank) proceeds, Cr 清理;
    Dr 清理 costs, Cr ``counter``; the rest of 清理 to ``gain`` (其他收入) or ``loss``
    (其他支出). An investment (``clearing`` None) leaves straight: Dr ``counter`` proceeds,
    Cr the investment, the difference to ``gain`` / ``loss`` (投资收益)."""
    f = figures
    lines: list[LineInput] = []
    if clearing is None:
        lines += _line(counter, f.proceeds_fen, True, memo)
        lines += _line(loss, -f.result_fen if f.result_fen < 0 else 0, True, memo)
        lines += _line(asset, f.value_fen, False, memo)
        lines += _line(gain, f.result_fen if f.result_fen > 0 else 0, False, memo)
        return lines
    assert depreciation is not None
    lines += _line(clearing, f.net_fen, True, memo)
    lines += _line(depreciation, f.accumulated_fen, True, memo)
    lines += _line(asset, f.value_fen, False, memo)
    lines += _line(counter, f.proceeds_fen, True, memo)
    lines += _line(clearing, f.proceeds_fen, False, memo)
    lines += _line(clearing, f.costs_fen, True, memo)
    lines += _line(counter, f.costs_fen, False, memo)
    if f.result_fen > 0:
        lines += _line(clearing, f.result_fen, True, memo)
        lines += _line(gain, f.result_fen, False, memo)
    elif f.result_fen < 0:
        lines += _line(loss, -f.result_fen, True, memo)
        lines += _line(clearing, -f.result_fen, False, memo)
    return lines


def loss_lines(
    *,
    value_fen: int,
    accumulated_fen: int,
    asset: str,
    depreciation: str | None,
    pending: str,
    memo: str,
) -> list[LineInput]:
    """An asset found damaged or missing (盘亏, 毁损), before its write-off is approved:
    Dr 待处理财产损溢 the net value, Dr 累计折旧, Cr the asset."""
    lines = _line(pending, value_fen - accumulated_fen, True, memo)
    if depreciation is not None:
        lines += _line(depreciation, accumulated_fen, True, memo)
    lines += _line(asset, value_fen, False, memo)
    return lines


def write_off_lines(
    *,
    net_fen: int,
    compensation_fen: int,
    pending: str,
    counter: str,
    gain: str,
    loss: str,
    memo: str,
) -> list[LineInput]:
    """The approved write-off of a loss: Dr ``counter`` what was recovered (compensation,
    salvage), Dr 其他支出 the loss (or Cr 其他收入 a surplus), Cr 待处理财产损溢 the net
    value."""
    lines = _line(counter, compensation_fen, True, memo)
    rest = net_fen - compensation_fen
    lines += _line(loss, rest if rest > 0 else 0, True, memo)
    lines += _line(pending, net_fen, False, memo)
    lines += _line(gain, -rest if rest < 0 else 0, False, memo)
    return lines


def improvement_lines(*, amount_fen: int, asset: str, counter: str, memo: str) -> list[LineInput]:
    """An improvement (改良, 扩建) added to the asset's value: Dr the asset, Cr ``counter``
    (bank, cash, 在建工程, a payable)."""
    return _line(asset, amount_fen, True, memo) + _line(counter, amount_fen, False, memo)
