"""The fixed-asset register (固定资产登记簿 / 资产台账) and the asset card (固定资产卡片) on
paper.

The register: A4 landscape, one row per card under its category with the category's
subtotal and the grand total (each re-added before anything is drawn). The card: A4
portrait, the card's particulars in a grid, then its changes and its depreciation month by
month with the running total."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from reportlab.lib.pagesizes import A4, landscape

from coopledger.reports.common import (
    FONT_BOLD,
    MM,
    Output,
    ReportDataError,
    cn_date,
    draw_fit,
    money,
    open_pdf,
)
from coopledger.reports.disclosure import ASSET_CATEGORY_NAMES
from coopledger.reports.flow import Flow, Line, Section, columns

__all__ = ["render_card", "render_register"]

_M: Final = 10 * MM

METHOD_NAMES: Final = {
    "straight_line": "年限平均法",
    "units_of_work": "工作量法",
    "none": "不提折旧",
}
SOURCE_NAMES: Final = {
    "purchased": "购入",
    "built": "自建",
    "project_fund": "项目资金形成",
    "donated": "接受捐赠",
    "other": "其他",
}
STATUS_NAMES: Final = {
    "in_use": "在用",
    "loss_pending": "报损待核销",
    "written_off": "已核销",
    "disposed": "已处置",
}
CHANGE_NAMES: Final = {
    "improvement": "改良扩建",
    "transfer": "内部调拨",
    "loss": "报损",
    "write_off": "核销",
    "disposal": "处置",
}


def _percent(rate_e4: int) -> str:
    whole, frac = divmod(rate_e4, 100)
    return f"{whole}" + (f".{frac:02d}".rstrip("0") if frac else "") + "%"


def _life(months: int) -> str:
    if not months:
        return ""
    years, rest = divmod(months, 12)
    return f"{years}年" if not rest else f"{months}个月"


def render_register(org_name: str, on: Any, rows: Sequence[Any], out: Output) -> int:
    """Print the register as at ``on`` (rows: `services.assets.RegisterRow`); returns the
    number of pages."""
    width, height = float(landscape(A4)[0]), float(landscape(A4)[1])
    full = width - 2 * _M
    section = Section(
        "",
        columns(
            (
                ("资产编号", 14, "left"),
                ("资产名称", 30, "left"),
                ("存放地点", 18, "left"),
                ("来源", 13, "centre"),
                ("启用日期", 16, "centre"),
                ("数量", 12, "right"),
                ("折旧方法", 14, "centre"),
                ("使用年限", 11, "centre"),
                ("原值", 20, "right"),
                ("累计折旧", 20, "right"),
                ("净值", 20, "right"),
            ),
            full,
        ),
    )
    totals = [0, 0]
    for category in dict.fromkeys(r.category for r in rows):
        mine = [r for r in rows if r.category == category]
        name = ASSET_CATEGORY_NAMES.get(category.value, category.value)
        section.rows.append(Line("row", (name,), "group"))
        for r in mine:
            section.rows.append(
                Line(
                    "row",
                    (
                        r.code,
                        r.name + ("（扶贫）" if r.poverty_relief else ""),
                        r.location,
                        SOURCE_NAMES.get(r.source, r.source),
                        r.in_service.isoformat(),
                        f"{r.quantity}{r.unit}",
                        METHOD_NAMES.get(r.method.value, r.method.value),
                        _life(r.life_months),
                        money(r.value_fen),
                        money(r.accumulated_fen),
                        money(r.net_fen),
                    ),
                )
            )
        value = sum(r.value_fen for r in mine)
        acc = sum(r.accumulated_fen for r in mine)
        section.rows.append(
            Line(
                "row",
                (
                    "",
                    f"{name}小计（{len(mine)}张）",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    money(value),
                    money(acc),
                    money(value - acc),
                ),
                "total",
            )
        )
        totals[0] += value
        totals[1] += acc
    if totals != [sum(r.value_fen for r in rows), sum(r.accumulated_fen for r in rows)]:
        raise ReportDataError("the register's subtotals do not add up")
    section.rows.append(
        Line(
            "row",
            (
                "",
                f"合计（{len(rows)}张）",
                "",
                "",
                "",
                "",
                "",
                "",
                money(totals[0]),
                money(totals[1]),
                money(totals[0] - totals[1]),
            ),
            "total",
        )
    )
    title = "固定资产登记簿（资产台账）"

    def header(c: Any, first: bool) -> float:
        top = height - _M
        draw_fit(
            c,
            title + ("" if first else "（续）"),
            _M,
            top - 7 * MM,
            full,
            font=FONT_BOLD,
            size=15,
            align="centre",
        )
        draw_fit(c, f"编制单位：{org_name}", _M, top - 14 * MM, full / 2, size=9)
        draw_fit(
            c, f"截至{cn_date(on)}　　单位：元", _M, top - 14 * MM, full, size=9, align="right"
        )
        return top - 17 * MM

    with open_pdf(out, title=title, author=org_name, pagesize=landscape(A4)) as pdf:
        flow = Flow(pdf, header, width=width, margin=_M, row=5.6 * MM, size=8.2)
        flow.new_page()
        flow.flow([[section]], [_M])
        flow.finish()
    return pdf.pages


def render_card(org_name: str, card: Any, out: Output) -> int:
    """Print one card (`services.assets.AssetCard`); returns the number of pages."""
    width, height = float(A4[0]), float(A4[1])
    full = width - 2 * _M
    r = card.record
    names = card.account_names

    def account(code: str | None) -> str:
        return f"{code} {names.get(code, '')}" if code else ""

    grid = Section(
        "",
        columns(
            (("项目", 2, "left"), ("内容", 4, "left"), ("项目", 2, "left"), ("内容", 4, "left")),
            full,
        ),
    )
    pairs = [
        ("资产编号", r.code, "资产名称", r.name),
        (
            "资产类别",
            ASSET_CATEGORY_NAMES.get(r.category.value, r.category.value),
            "来源",
            SOURCE_NAMES.get(r.source.value, r.source.value),
        ),
        ("存放地点", r.location, "保管人", r.custodian),
        ("启用日期", cn_date(r.in_service), "数量", f"{r.quantity}{r.unit}"),
        (
            "原值",
            money(r.value_fen),
            "预计净残值",
            f"{money(r.residual_fen)}（残值率{_percent(r.residual_rate_e4)}）",
        ),
        (
            "折旧方法",
            METHOD_NAMES.get(r.effective_method.value, ""),
            "使用年限",
            _life(r.life_months) or "—",
        ),
        ("累计折旧", money(card.accumulated_fen), "净值", money(card.net_fen)),
        (
            "月折旧额",
            money(card.monthly_fen) if card.monthly_fen else "—",
            "状态",
            STATUS_NAMES.get(card.status.value, ""),
        ),
        ("资产科目", account(r.asset_account), "累计折旧科目", account(r.depreciation_account)),
        (
            "折旧费用科目",
            account(r.expense_account),
            "扶贫项目资产",
            "是" if r.poverty_relief else "否",
        ),
    ]
    if r.total_work:
        pairs.append(
            (
                "预计总工作量",
                f"{r.total_work}{r.work_unit}",
                "已完成工作量",
                f"{card.work_done}{r.work_unit}",
            )
        )
    if r.opening_depreciation_fen:
        pairs.append(("入账前已提折旧", money(r.opening_depreciation_fen), "", ""))
    pairs.append(("备注", r.notes, "", ""))
    for p in pairs:
        grid.rows.append(Line("row", p))
    changes = Section(
        "变动记录",
        columns(
            (
                ("日期", 14, "centre"),
                ("变动类型", 12, "centre"),
                ("金额", 16, "right"),
                ("说明", 40, "left"),
                ("凭证号", 16, "centre"),
                ("经办", 10, "centre"),
            ),
            full,
        ),
    )
    for ch in card.changes:
        text = ch.memo
        if ch.before or ch.after:
            text = f"{ch.before} → {ch.after}" + (f"；{ch.memo}" if ch.memo else "")
        if ch.result_fen:
            text += f"（{'收益' if ch.result_fen > 0 else '损失'}{money(abs(ch.result_fen))}）"
        changes.rows.append(
            Line(
                "row",
                (
                    ch.on.isoformat(),
                    CHANGE_NAMES.get(ch.kind.value, ""),
                    money(ch.amount_fen) if ch.amount_fen else "",
                    text,
                    ch.voucher_label,
                    ch.made_by,
                ),
            )
        )
    if not card.changes:
        changes.rows.append(Line("row", ("", "（无）", "", "", "", "")))
    months = Section(
        "折旧记录",
        columns(
            (
                ("年月", 14, "centre"),
                ("本月折旧", 18, "right"),
                ("工作量", 12, "right"),
                ("累计折旧", 18, "right"),
                ("凭证号", 16, "centre"),
            ),
            full,
        ),
    )
    running = r.opening_depreciation_fen
    if running:
        months.rows.append(Line("row", ("入账前", "", "", money(running), "")))
    for m in card.months:
        running += m.amount_fen
        months.rows.append(
            Line(
                "row",
                (
                    f"{m.year}-{m.month:02d}",
                    money(m.amount_fen),
                    str(m.work) if m.work else "",
                    money(running),
                    m.voucher_label,
                ),
            )
        )
    if running != card.accumulated_fen:
        raise ReportDataError(
            f"card {r.code}: the months add up to {money(running)}, not {money(card.accumulated_fen)}"
        )
    title = "固定资产卡片"

    def header(c: Any, first: bool) -> float:
        top = height - _M
        draw_fit(
            c,
            title + ("" if first else "（续）"),
            _M,
            top - 8 * MM,
            full,
            font=FONT_BOLD,
            size=16,
            align="centre",
        )
        draw_fit(c, f"单位：{org_name}", _M, top - 15 * MM, full / 2, size=9)
        draw_fit(
            c, f"卡片编号：{r.code}　　金额单位：元", _M, top - 15 * MM, full, size=9, align="right"
        )
        return top - 18 * MM

    with open_pdf(out, title=f"{title} {r.code}", author=org_name, pagesize=A4) as pdf:
        flow = Flow(pdf, header, width=width, margin=_M, row=6.2 * MM, size=9)
        flow.new_page()
        flow.flow([[grid, changes, months]], [_M])
        flow.finish()
    return pdf.pages
