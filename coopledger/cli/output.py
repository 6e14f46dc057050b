"""Printing rows as aligned text tables or JSON."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence

from coopledger.domain.money import fen_to_str, format_money


def width(text: str) -> int:
    """Display width (CJK characters take two columns)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], right: set[int] | None = None
) -> str:
    """A plain text table; columns in ``right`` are right-aligned."""
    right = right or set()
    cells = [[str(c) for c in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(width(r[i]) for r in cells) for i in range(len(headers))]
    out = []
    for n, r in enumerate(cells):
        parts = []
        for i, c in enumerate(r):
            pad = " " * (widths[i] - width(c))
            parts.append(pad + c if i in right else c + pad)
        out.append("  ".join(parts).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def money(fen: int) -> str:
    """Money for text tables: 1,600.00 (blank for zero)."""
    return format_money(fen) if fen else ""


def dumps(obj: object) -> str:
    """JSON as the CLI prints it."""
    return json.dumps(obj, ensure_ascii=False, indent=1)


__all__ = ["dumps", "fen_to_str", "money", "table", "width"]
