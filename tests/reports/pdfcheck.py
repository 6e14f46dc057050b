"""Reading a generated PDF back: text per page, fonts, page sizes, raw content."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader


def reader(source: Path | bytes) -> PdfReader:
    return PdfReader(io.BytesIO(source) if isinstance(source, bytes) else source)


def page_texts(source: Path | bytes) -> list[str]:
    """The text of each page (form XObjects included), spaces and line breaks removed so
    that spaced-out titles (资 产 负 债 表) read as words."""
    return [
        "".join(page.extract_text().split()).replace("\u3000", "") for page in reader(source).pages
    ]


def all_text(source: Path | bytes) -> str:
    return "\n".join(page_texts(source))


def fonts(source: Path | bytes) -> dict[str, bool]:
    """Each font the pages use (BaseFont) and whether it carries an embedded TrueType
    program (FontFile2), looking into form XObjects too."""
    found: dict[str, bool] = {}

    def visit(resources: object) -> None:
        res = resources.get_object() if hasattr(resources, "get_object") else resources
        if not isinstance(res, dict):
            return
        for font in (res.get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            embedded = bool(descriptor) and "/FontFile2" in descriptor.get_object()
            found[str(font["/BaseFont"])] = embedded
        for xobject in (res.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                visit(xobject["/Resources"])

    for page in reader(source).pages:
        visit(page["/Resources"])
    return found


def page_sizes(source: Path | bytes) -> list[tuple[int, int]]:
    """(width, height) of each page in whole points."""
    return [
        (round(float(p.mediabox.width)), round(float(p.mediabox.height)))
        for p in reader(source).pages
    ]


def contents(source: Path | bytes, page: int = 0) -> bytes:
    """The decoded content stream of one page."""
    data = reader(source).pages[page].get_contents()
    return data.get_data() if data is not None else b""
