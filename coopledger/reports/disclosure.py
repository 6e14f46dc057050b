"""The 村级财务公开表 on paper: drawn on A4 landscape, and the same pages enlarged by √2 on
A3 landscape for the notice board.

The first page heads the table (the organisation, the period, 单位：元) and gives the
balance brought forward, the period's receipts and payments and the balance carried on,
then the totals by category. Then two columns side by side, receipts on the left and
payments on the right, item by item (日期, 凭证号, 摘要, 项目, 金额) under each category with
its subtotal; then the income and expenditure that moved no cash; then the assets at the
start and the end of the period with the fixed-asset register, and the receivables and
payables with the distribution and the land. The last page carries the notes (cash above
its limit …), the 民主理财小组's review line, the signatures, the posting date and the
telephone for objections.

Every total is re-added from its items before anything is drawn (`ReportDataError`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, Final

from reportlab.lib.pagesizes import A3, A4, landscape

from coopledger.domain.vocabulary import DisclosureCategory
from coopledger.reports.common import (
    FONT_BOLD,
    MM,
    Output,
    ReportDataError,
    area_text,
    capitals,
    cn_date,
    draw_fit,
    money,
    open_pdf,
)
from coopledger.reports.flow import Flow, Line, Section, columns

__all__ = ["render_disclosure"]

_W: Final = float(landscape(A4)[0])
_H: Final = float(landscape(A4)[1])
_MARGIN: Final = 10 * MM
_GAP: Final = 4 * MM  # between the two columns
_ROW: Final = 4.9 * MM
_SIZE: Final = 7.6
_BOTTOM: Final = _MARGIN + 6 * MM  # above the page number
_FOOTER: Final = 30 * MM  # notes and signatures on the last page

#: The Chinese names of the categories on paper (the papers are Chinese documents).
CATEGORY_NAMES: Final = {
    DisclosureCategory.INCOME: "各项收入",
    DisclosureCategory.EXPENDITURE: "各项支出",
    DisclosureCategory.ASSETS: "各项资产",
    DisclosureCategory.DEBTS: "债权债务",
    DisclosureCategory.DISTRIBUTION: "收益分配",
    DisclosureCategory.OTHER: "其他",
}
ASSET_CATEGORY_NAMES: Final = {
    "buildings": "房屋及建筑物",
    "machinery": "机器设备",
    "vehicles": "运输工具",
    "facilities": "农业基础设施",
    "office": "办公设备及家具",
    "other_fixed": "其他固定资产",
    "biological": "生产性生物资产",
    "investment": "长期投资",
}


# -- the table's content ----------------------------------------------------------------


def _items_section(title: str, items: Sequence[Any], width: float, total_label: str) -> Section:
    cols = columns(
        (
            ("日期", 15, "centre"),
            ("凭证号", 19, "centre"),
            ("摘要", 48, "left"),
            ("项目", 34, "left"),
            ("金额", 22, "right"),
        ),
        width,
    )
    section = Section(title, cols)
    grand = 0
    for category in DisclosureCategory:
        mine = [i for i in items if i.category is category]
        if not mine:
            continue
        section.rows.append(Line("row", (CATEGORY_NAMES[category],), "group"))
        subtotal = 0
        for i in mine:
            section.rows.append(
                Line(
                    "row",
                    (
                        f"{i.date.month}-{i.date.day:02d}",
                        i.voucher,
                        i.memo,
                        i.item,
                        money(i.amount_fen),
                    ),
                )
            )
            subtotal += i.amount_fen
        section.rows.append(
            Line("row", ("", "", f"{CATEGORY_NAMES[category]}小计", "", money(subtotal)), "total")
        )
        grand += subtotal
    if not items:
        section.rows.append(Line("row", ("", "", "（本期无）", "", "")))
    section.rows.append(Line("row", ("", "", total_label, "", money(grand)), "total"))
    return section


def _check(d: Any) -> None:
    if d.opening_fen + d.receipts_fen - d.payments_fen != d.closing_fen:
        raise ReportDataError(
            f"{d.org_name} {d.title}: {money(d.opening_fen)} + {money(d.receipts_fen)} − "
            f"{money(d.payments_fen)} ≠ {money(d.closing_fen)}"
        )
    by_cat = d.totals_by_category()
    if (
        sum(r for _, r, _ in by_cat) != d.receipts_fen
        or sum(p for *_, p in by_cat) != d.payments_fen
    ):
        raise ReportDataError(f"{d.org_name} {d.title}: the categories do not add up")


def render_disclosure(
    d: Any,
    out: Output,
    *,
    paper: str = "A3",
    published_on: Any = None,
    gettext: Callable[[str], str] | None = None,
) -> int:
    """Print a `services.disclosure.Disclosure` to ``out`` (``paper`` A3 or A4, both
    landscape); returns the number of pages.

    Raises:
        ReportDataError: the balance brought forward and the receipts and payments do not
            give the balance carried on, or the categories do not add up.
    """
    if paper not in ("A3", "A4"):
        raise ValueError(f"unknown paper {paper!r}; use A3 or A4")
    _check(d)
    pagesize = landscape(A3) if paper == "A3" else landscape(A4)
    scale = math.sqrt(2) if paper == "A3" else 1.0
    full = _W - 2 * _MARGIN
    half = (full - _GAP) / 2
    left, right = _MARGIN, _MARGIN + half + _GAP
    title = f"{d.org_name}财务公开表"

    def header(c: Any, first: bool) -> float:
        top = _H - _MARGIN
        if not first:
            draw_fit(
                c,
                f"{title}（{d.title}，续）",
                _MARGIN,
                top - 5 * MM,
                full,
                font=FONT_BOLD,
                size=10,
                align="centre",
            )
            return top - 9 * MM
        draw_fit(c, title, _MARGIN, top - 8 * MM, full, font=FONT_BOLD, size=17, align="centre")
        period = f"公开期间：{d.title}（{cn_date(d.start)}至{cn_date(d.end)}）"
        draw_fit(c, period, _MARGIN, top - 15 * MM, full * 0.7, size=9)
        draw_fit(c, "单位：元", _MARGIN, top - 15 * MM, full, size=9, align="right")
        return top - 18 * MM

    with open_pdf(out, title=f"{title}（{d.title}）", author=d.org_name, pagesize=pagesize) as pdf:
        p = Flow(pdf, header, width=_W, margin=_MARGIN, row=_ROW, size=_SIZE, scale=scale)
        p.new_page()
        c = pdf.canvas
        # 收支总表
        summary = Section(
            "一、收支总表",
            columns(
                (
                    ("上期结余", 1, "right"),
                    ("本期收入", 1, "right"),
                    ("本期支出", 1, "right"),
                    ("本期结余", 1, "right"),
                ),
                full,
            ),
        )
        summary.rows.append(
            Line(
                "row",
                (
                    money(d.opening_fen),
                    money(d.receipts_fen),
                    money(d.payments_fen),
                    money(d.closing_fen),
                ),
                "total",
            )
        )
        summary.rows.append(Line("row", ("", "", "本期结余（大写）", capitals(d.closing_fen))))
        by_cat = Section(
            "二、收支分类汇总",
            columns(
                (("类别", 2, "left"), ("收入", 1, "right"), ("支出", 1, "right")),
                full,
            ),
        )
        for category, r, pay in d.totals_by_category():
            by_cat.rows.append(Line("row", (CATEGORY_NAMES[category], money(r), money(pay))))
        by_cat.rows.append(
            Line("row", ("合计", money(d.receipts_fen), money(d.payments_fen)), "total")
        )
        p.flow([[summary, by_cat]], [left])
        # 收支明细
        p.flow(
            [
                [_items_section("三、收入明细（逐项逐笔）", d.receipts, half, "收入合计")],
                [_items_section("四、支出明细（逐项逐笔）", d.payments, half, "支出合计")],
            ],
            [left, right],
        )
        # 转账收支
        if d.transfers_in or d.transfers_out:
            p.flow(
                [
                    [
                        _items_section(
                            "五、转账收入（不涉及现金）", d.transfers_in, half, "转账收入合计"
                        )
                    ],
                    [
                        _items_section(
                            "六、转账支出（不涉及现金，含折旧）",
                            d.transfers_out,
                            half,
                            "转账支出合计",
                        )
                    ],
                ],
                [left, right],
            )
        # 资产、债权债务、分配、资源
        n = 7 if d.transfers_in or d.transfers_out else 5
        number = "七八九十"[n - 7 :] if n == 7 else "五六七八"
        bal_cols = (("项目", 3, "left"), ("期初", 2, "right"), ("期末", 2, "right"))
        assets = Section(f"{number[0]}、各项资产", columns(bal_cols, half))
        for b in d.assets:
            assets.rows.append(Line("row", (b.label, money(b.opening_fen), money(b.closing_fen))))
        register = Section(
            "资产台账（固定资产、生物资产、长期投资，期末）",
            columns(
                (
                    ("类别", 3, "left"),
                    ("卡片", 1, "right"),
                    ("原值", 2, "right"),
                    ("累计折旧", 2, "right"),
                    ("净值", 2, "right"),
                ),
                half,
            ),
        )
        for g in d.register:
            name = ASSET_CATEGORY_NAMES.get(g.category.value, g.category.value)
            if g.poverty_relief:
                name += f"（扶贫项目{g.poverty_relief}）"
            register.rows.append(
                Line(
                    "row",
                    (
                        name,
                        str(g.cards),
                        money(g.value_fen),
                        money(g.accumulated_fen),
                        money(g.net_fen),
                    ),
                )
            )
        if not d.register:
            register.rows.append(Line("row", ("（无）", "", "", "", "")))
        debts = Section(f"{number[1]}、债权债务", columns(bal_cols, half))
        for b in d.debts:
            debts.rows.append(Line("row", (b.label, money(b.opening_fen), money(b.closing_fen))))
        if not d.debts:
            debts.rows.append(Line("row", ("（无）", "", "")))
        dist = Section(
            f"{number[2]}、收益分配", columns((("项目", 3, "left"), ("金额", 2, "right")), half)
        )
        for label, amount in d.distribution:
            dist.rows.append(Line("row", (label, money(amount))))
        if not d.distribution:
            dist.rows.append(Line("row", ("（本期无）", "")))
        contracts, area, rent = d.land
        land = Section(
            f"{number[3]}、各类资源（土地流转）",
            columns((("项目", 3, "left"), ("数量", 2, "right")), half),
        )
        land.rows.append(Line("row", ("在执行的流转合同（份）", str(contracts))))
        land.rows.append(Line("row", ("流转面积（亩）", area_text(area))))
        land.rows.append(Line("row", ("年流转费（元）", money(rent))))
        p.flow([[assets, register], [debts, dist, land]], [left, right])
        # notes and signatures
        if p.y - p.bottom < _FOOTER + len(d.warnings) * 4.5 * MM:
            p.new_page()
        y = p.y - 2 * MM
        text = gettext or (lambda m: m)
        for k, w in enumerate(d.warnings):
            draw_fit(c, ("注：" if k == 0 else "　　") + w.text(text), _MARGIN, y, full, size=8.5)
            y -= 4.5 * MM
        y -= 2 * MM
        reviewers = d.reviewers or "＿＿＿＿＿＿＿＿＿＿"
        draw_fit(
            c,
            f"民主理财小组审核意见：＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿　　成员（签字）：{reviewers}",
            _MARGIN,
            y,
            full,
            size=9.5,
        )
        y -= 7 * MM
        span = full / 4
        for i, (label, name) in enumerate(
            (("村务监督委员会：", ""), ("单位负责人：", ""), ("会计：", ""), ("制表：", d.preparer))
        ):
            draw_fit(
                c, label + (name or "＿＿＿＿＿＿"), _MARGIN + i * span, y, span - 3 * MM, size=9.5
            )
        y -= 7 * MM
        posted = cn_date(published_on) if published_on else "＿＿＿＿年＿＿月＿＿日"
        phone = d.phone or "＿＿＿＿＿＿＿＿"
        draw_fit(
            c,
            f"公开日期：{posted}　　监督电话：{phone}　　群众对公开内容如有疑问，请向民主理财小组或村务监督委员会反映。",
            _MARGIN,
            y,
            full,
            size=9.5,
        )
        p.finish()
    return pdf.pages
