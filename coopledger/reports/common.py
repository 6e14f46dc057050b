"""What every paper shares: the embedded font, fast money and date text, text that fits its
box (and many texts in one batch), progress and cancellation, and writing the PDF only once
it is complete."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, Final

from reportlab import rl_config
from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from coopledger.domain.numerals import MAX_CAPITALS_FEN, amount_in_capitals
from coopledger.outfiles import check_output, write_atomic
from coopledger.paths import resources_dir

__all__ = [
    "BLACK",
    "FONT",
    "FONT_BOLD",
    "GREY",
    "MM",
    "RED",
    "Output",
    "Pdf",
    "Progress",
    "ProgressCallback",
    "ReportCancelled",
    "ReportDataError",
    "TextBatch",
    "area_text",
    "capitals",
    "cn_date",
    "draw_fit",
    "fit",
    "money",
    "money_sign",
    "open_pdf",
    "page_label",
    "register_fonts",
    "text_batch",
]

MM: Final = float(mm)
FONT: Final = "NotoSansSC"
FONT_BOLD: Final = "NotoSansSC-Bold"
BLACK: Final = Color(0, 0, 0)
RED: Final = Color(0.8, 0, 0)
GREY: Final = Color(0.45, 0.45, 0.45)

#: ``progress(done, total)``; returning ``False`` cancels. ``total`` is 0 when unknown.
ProgressCallback = Callable[[int, int], bool]
#: A file name, or a binary file object opened for writing.
Output = str | os.PathLike[str] | IO[bytes]


class ReportCancelled(Exception):
    """The print job was cancelled; nothing was written."""


class ReportDataError(ValueError):
    """The data given to a paper is inconsistent (a printed total would not add up)."""


_font_lock = threading.Lock()
_fonts_registered = False


def register_fonts() -> None:
    """Register the shipped Noto Sans SC (regular and bold) with reportlab, once.

    TrueType fonts are embedded as subsets of the glyphs used."""
    global _fonts_registered
    with _font_lock:
        if _fonts_registered:
            return
        folder = resources_dir() / "fonts"
        pdfmetrics.registerFont(TTFont(FONT, str(folder / "NotoSansSC-Regular.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(folder / "NotoSansSC-Bold.ttf")))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD)
        # Compressed streams as raw bytes, not ASCII85 text: 20 % smaller and faster.
        rl_config.useA85 = 0
        _fonts_registered = True


# --- text of numbers ---------------------------------------------------------------------
# babel takes ~0.1 ms a call, too slow for 20,000 slips; these give the same text as
# coopledger.domain.money.format_money/format_area for zh_CN (a test compares them).


def money(fen: int) -> str:
    """Fen with thousands separators and two decimals: ``183000`` -> ``"1,830.00"``."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan:,}.{cents:02d}"


def money_sign(fen: int) -> str:
    """Money with the yuan sign and no gap: ``"¥1,830.00"``, ``"-¥35.10"``."""
    text = money(fen)
    return "-¥" + text[1:] if fen < 0 else "¥" + text


def area_text(area_e4: int) -> str:
    """Mu with 2 to 4 decimals: ``20000`` -> ``"2.00"``, ``59596`` -> ``"5.9596"``."""
    sign = "-" if area_e4 < 0 else ""
    whole, frac = divmod(abs(area_e4), 10_000)
    digits = f"{frac:04d}".rstrip("0").ljust(2, "0")
    return f"{sign}{whole:,}.{digits}"


def capitals(fen: int) -> str:
    """The amount in financial capitals (大写); beyond what capitals are written for (a
    hundred times the largest amount a user can enter) a dash, never an error: a paper of
    an absurd book still prints."""
    if abs(fen) > MAX_CAPITALS_FEN:
        return "—"
    return amount_in_capitals(fen)


def cn_date(d: dt.date) -> str:
    """``2014年12月20日`` (these papers are Chinese documents whatever the UI language)."""
    return f"{d.year}年{d.month}月{d.day}日"


def fingerprint_label(fingerprint: str) -> str:
    """The footer naming the organisation's signing key (empty without one): what the
    township compares with the key of the year-end package it receives."""
    return f"单位公钥指纹：{fingerprint}" if fingerprint else ""


def page_label(page: int, pages: int = 0) -> str:
    """``第 2 页 共 5 页``, or ``第 2 页`` when the page count is not known."""
    return f"第 {page} 页 共 {pages} 页" if pages else f"第 {page} 页"


# --- text in boxes -------------------------------------------------------------------------


def _fit(
    text: str, font: str, size: float, width: float, min_size: float
) -> tuple[str, float, float]:
    """`fit`, also returning the width of the text as drawn."""
    w = pdfmetrics.stringWidth(text, font, size)
    if w <= width:
        return text, size, w
    floor = min_size or size * 0.6
    shrunk = size * width / w
    if shrunk >= floor:
        return text, shrunk, width
    while text and pdfmetrics.stringWidth(text + "…", font, floor) > width:
        text = text[:-1]
    text += "…"
    return text, floor, pdfmetrics.stringWidth(text, font, floor)


def fit(
    text: str, font: str, size: float, width: float, min_size: float = 0.0
) -> tuple[str, float]:
    """Text and font size that fit in ``width`` points: shrink down to ``min_size``
    (default 60 % of ``size``), then cut the text and end it with ``…``."""
    text, size, _ = _fit(text, font, size, width, min_size)
    return text, size


class TextBatch:
    """Many strings in one PDF text object (``BT … ET``): several times cheaper than a
    ``canvas.drawString`` each, which is what makes 20,000 slips fast. Offers the few
    canvas methods `draw_fit` and the painters use; `close` puts the text on the canvas."""

    __slots__ = ("_canvas", "_coloured", "_font", "_text")

    def __init__(self, canvas: Any) -> None:
        self._canvas = canvas
        self._text = canvas.beginText()
        self._font: tuple[str, float] = ("", 0.0)
        self._coloured = False

    # camelCase: these stand in for the canvas's methods of the same names.
    def setFont(self, font: str, size: float) -> None:
        if (font, size) != self._font:
            self._text.setFont(font, size)
            self._font = (font, size)

    def drawString(self, x: float, y: float, text: str) -> None:
        self._text.setTextOrigin(x, y)
        self._text.textLine(text)

    def drawRightString(self, x: float, y: float, text: str) -> None:
        self.drawString(x - pdfmetrics.stringWidth(text, *self._font), y, text)

    def drawCentredString(self, x: float, y: float, text: str) -> None:
        self.drawString(x - pdfmetrics.stringWidth(text, *self._font) / 2, y, text)

    def setFillColor(self, color: Color) -> None:
        self._text.setFillColor(color)
        self._coloured = True

    def setFillColorRGB(self, r: float, g: float, b: float) -> None:
        self._text.setFillColorRGB(r, g, b)
        self._coloured = True

    def close(self) -> None:
        """Draw the batch; the fill colour is black again afterwards."""
        if self._coloured:
            self._text.setFillColorRGB(0, 0, 0)
        self._canvas.drawText(self._text)


@contextlib.contextmanager
def text_batch(canvas: Any) -> Iterator[TextBatch]:
    """A `TextBatch` drawn on ``canvas`` when the block ends."""
    batch = TextBatch(canvas)
    yield batch
    batch.close()


def draw_fit(
    c: Any,
    text: str,
    x: float,
    y: float,
    width: float,
    *,
    font: str = FONT,
    size: float = 9.0,
    align: str = "left",
    min_size: float = 0.0,
) -> None:
    """Draw ``text`` inside a box ``width`` wide starting at ``x`` (baseline ``y``), aligned
    left, right or centre, shrinking or cutting it so it never overflows. ``c`` is a canvas
    or a `TextBatch`."""
    if not text:
        return
    text, size, w = _fit(text, font, size, width, min_size)
    c.setFont(font, size)
    if align == "right":
        x += width - w
    elif align == "centre":
        x += (width - w) / 2
    c.drawString(x, y, text)


# --- progress ------------------------------------------------------------------------------


class Progress:
    """Reports ``(done, total)`` to a callback and raises `ReportCancelled` when it says no."""

    __slots__ = ("_callback", "total")

    def __init__(self, callback: ProgressCallback | None, total: int | None) -> None:
        self._callback = callback
        self.total = total or 0

    def report(self, done: int) -> None:
        """Tell the callback; raise `ReportCancelled` if it returns ``False``."""
        if self._callback is not None and self._callback(done, self.total) is False:
            raise ReportCancelled()


# --- the document ---------------------------------------------------------------------------


class Pdf:
    """A reportlab canvas that counts its pages."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.pages = 0

    def show_page(self) -> None:
        """Finish the current page."""
        self.canvas.showPage()
        self.pages += 1


def _write_atomically(path: Path, data: bytes) -> None:
    # The one output guard: never over a ledger, its files or a backup (coopledger.outfiles).
    write_atomic(path, data)


@contextlib.contextmanager
def open_pdf(
    out: Output,
    *,
    title: str,
    author: str,
    subject: str = "",
    pagesize: tuple[float, float],
) -> Iterator[Pdf]:
    """A canvas for one paper. The PDF reaches ``out`` only if the body finishes: a path
    is written through a temporary file in the same folder and renamed; a file object gets
    the bytes in one write. On an exception (cancel included) ``out`` is left untouched."""
    if isinstance(out, str | os.PathLike):
        check_output(out)  # refused before the work, not after it
    register_fonts()
    buffer = io.BytesIO()
    canvas: Any = Canvas(buffer, pagesize=pagesize, pageCompression=1, initialFontName=FONT)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setSubject(subject or title)
    canvas.setCreator("coopledger")
    canvas.setProducer("coopledger (reportlab)")
    pdf = Pdf(canvas)
    yield pdf
    if pdf.pages == 0:
        pdf.show_page()  # an empty job still makes a valid one-page PDF
    canvas.save()
    data = buffer.getvalue()
    buffer.close()
    if isinstance(out, str | os.PathLike):
        _write_atomically(Path(out), data)
    else:
        out.write(data)
