"""Exports of what a list shows (the window's "Export to Excel"): the rows as the user sees
them, written by the file formats (``formats.sheets``), cells safe from formula injection."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from coopledger.formats import sheets


def write_xlsx(
    path: str | os.PathLike[str],
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    sheet_title: str = "Sheet1",
) -> None:
    """Write one sheet of an ``.xlsx`` file (see `formats.sheets.write_xlsx`)."""
    sheets.write_xlsx(path, headers, rows, sheet_title=sheet_title)
