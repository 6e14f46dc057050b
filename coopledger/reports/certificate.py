"""Share certificates (股权证) on paper: one A4-landscape page per household, in a double
frame: the organisation and the certificate's number, the holder (ID number masked), every
share lot with its class, amount and dates, the land behind the land shares, the total in
figures and 大写, the date, the seal box; a reprint says which printing it is and why.

The total is re-added from the lots before anything is drawn (`ReportDataError`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from reportlab.lib.pagesizes import A4, landscape

from coopledger.reports.common import (
    FONT,
    FONT_BOLD,
    GREY,
    MM,
    RED,
    Output,
    ReportDataError,
    area_text,
    capitals,
    cn_date,
    draw_fit,
    money,
    open_pdf,
)
from coopledger.reports.table import Column, Table, baseline

__all__ = ["CLASS_NAMES", "render_certificates"]

_W: Final = float(landscape(A4)[0])
_H: Final = float(landscape(A4)[1])
_M: Final = 12 * MM

#: The share classes as a certificate names them.
CLASS_NAMES: Final = {
    "land": "土地股",
    "self_raised": "自筹资金股",
    "project_fund": "项目资金股",
    "red_fund": "红色基金股",
    "cash": "现金股",
    "other": "集体资产量化股",
}


def _check(d: Any) -> None:
    if d.total_fen != sum(lot.amount_fen for lot in d.lots) or d.total_fen <= 0:
        raise ReportDataError(f"certificate {d.label}: the lots do not add up to the total")


def _frame(c: Any) -> None:
    c.setStrokeColor(RED)
    c.setLineWidth(2.2)
    c.rect(_M - 4 * MM, _M - 4 * MM, _W - 2 * _M + 8 * MM, _H - 2 * _M + 8 * MM)
    c.setLineWidth(0.6)
    c.rect(_M - 2 * MM, _M - 2 * MM, _W - 2 * _M + 4 * MM, _H - 2 * _M + 4 * MM)
    c.setStrokeColorRGB(0, 0, 0)


def _page(c: Any, d: Any) -> None:
    _frame(c)
    width = _W - 2 * _M
    top = _H - _M
    c.setFillColor(RED)
    draw_fit(c, "股　权　证", _M, top - 14 * MM, width, font=FONT_BOLD, size=30, align="centre")
    c.setFillColorRGB(0, 0, 0)
    draw_fit(c, d.org_name, _M, top - 23 * MM, width, font=FONT_BOLD, size=14, align="centre")
    draw_fit(c, f"证号：{d.label}", _M + 4 * MM, top - 8 * MM, 70 * MM, size=11)
    if d.print_no > 1:
        c.setFillColor(RED)
        draw_fit(
            c,
            f"第{d.print_no}次打印（补发）",
            _M,
            top - 8 * MM,
            width - 4 * MM,
            font=FONT_BOLD,
            size=11,
            align="right",
        )
        c.setFillColorRGB(0, 0, 0)
    # the holder
    row = 8 * MM
    holder = Table(
        [
            Column("", 28),
            Column("", 70),
            Column("", 28),
            Column("", 50),
            Column("", 28),
            Column("", 61),
        ],
        _M + 4 * MM,
        size=10.5,
    )
    y = top - 30 * MM
    with_id = d.id_masked or "—"
    holder.row(
        c,
        ("户主（持股人）", d.holder_name, "户号", d.holder_code, "村民小组", d.group or "—"),
        y,
        row,
    )
    holder.row(
        c,
        ("身份证号", with_id, "股份合计", f"¥{money(d.total_fen)}", "持股项数", str(len(d.lots))),
        y - row,
        row,
    )
    holder.rules(c, y, y - 2 * row, [y - row], outer=0.8, inner=0.35)
    # the lots
    y -= 2 * row + 5 * MM
    lots = Table(
        [
            Column("股份类别", 32, "centre"),
            Column("编号", 24, "centre"),
            Column("金额（元）", 34, "right"),
            Column("起始日期", 30, "centre"),
            Column("终止日期", 30, "centre"),
            Column("土地（地块、面积、折股单价）", 115, "left"),
        ],
        _M + 4 * MM,
        size=10,
        head_size=10,
    )
    room = y - (_M + 42 * MM)
    line = min(7 * MM, room / (len(d.lots) + 3))
    size = 10.0 if line >= 6 * MM else max(6.5, line / MM * 1.5)
    lots.header(c, y, line)
    lines = [y - line]
    yy = y - line
    for lot in d.lots:
        land = ""
        if lot.parcel:
            land = f"{lot.parcel}　{area_text(lot.area_e4)}亩 × {money(lot.value_per_mu_fen)}元/亩"
        lots.row(
            c,
            (
                CLASS_NAMES.get(lot.share_class.value, lot.share_class.value),
                lot.code,
                money(lot.amount_fen),
                cn_date(lot.start),
                cn_date(lot.end) if lot.end else "长期",
                land,
            ),
            yy,
            line,
            size=size,
        )
        yy -= line
        lines.append(yy)
    lots.row(c, ("合计", "", money(d.total_fen), "", "", ""), yy, line, bold=True, size=size)
    lots.cell(c, 5, f"人民币（大写）{capitals(d.total_fen)}", baseline(yy, line, size), size=size)
    yy -= line
    lots.rules(c, y, yy, lines, outer=0.8, inner=0.35)
    # the foot: the date, the note, the seal
    foot = _M + 32 * MM
    c.setFont(FONT, 10.5)
    c.drawString(_M + 4 * MM, foot, f"发证日期：{cn_date(d.issued_on)}")
    c.drawString(_M + 4 * MM, foot - 7 * MM, "经办人：＿＿＿＿＿＿　　审核人：＿＿＿＿＿＿")
    if d.reason:
        c.setFillColor(RED)
        draw_fit(c, f"补发原因：{d.reason}", _M + 4 * MM, foot - 14 * MM, 150 * MM, size=10)
        c.setFillColorRGB(0, 0, 0)
    c.setFillColor(GREY)
    draw_fit(
        c,
        "说明：本证是持有本组织股份的凭证，涂改无效；股份的继承、转让、赠与须到本组织登记，本证随之换发。",
        _M + 4 * MM,
        _M + 4 * MM,
        width - 60 * MM,
        size=8.5,
    )
    c.setFillColorRGB(0, 0, 0)
    # the seal box (the organisation stamps it)
    sx, sy, side = _W - _M - 48 * MM, _M + 6 * MM, 40 * MM
    c.setDash(3, 2)
    c.setLineWidth(0.6)
    c.rect(sx, sy, side, side)
    c.setDash()
    c.setFillColor(GREY)
    draw_fit(c, "（单位盖章）", sx, sy + side / 2 - 1.5 * MM, side, size=10, align="centre")
    c.setFillColorRGB(0, 0, 0)
    draw_fit(c, d.org_name, sx - 30 * MM, sy - 3.5 * MM, side + 30 * MM, size=8, align="right")


def render_certificates(certificates: Sequence[Any], out: Output) -> int:
    """Print certificates (`services.certificates.CertificateData`), one page each, to
    ``out``; returns the number of pages.

    Raises:
        ReportDataError: a certificate whose lots do not add up to its total.
    """
    for d in certificates:
        _check(d)
    first = certificates[0] if certificates else None
    title = f"股权证 {first.label}" if first and len(certificates) == 1 else "股权证"
    author = first.org_name if first else "coopledger"
    with open_pdf(out, title=title, author=author, pagesize=landscape(A4)) as pdf:
        for d in certificates:
            _page(pdf.canvas, d)
            pdf.show_page()
    return pdf.pages
