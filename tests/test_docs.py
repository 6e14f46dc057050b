"""The user guide's pictures: every one it shows is in docs/img, and every screenshot of the
window there (``ui-*.png``, made by scripts/screenshots.py) is shown in the guide."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "user-guide.md"


def test_the_guide_shows_its_screenshots() -> None:
    shown = set(re.findall(r"\(img/([\w.-]+\.png)\)", GUIDE.read_text(encoding="utf-8")))
    there = {p.name for p in (ROOT / "docs" / "img").glob("*.png")}
    assert shown <= there, f"missing pictures: {sorted(shown - there)}"
    window = {name for name in there if name.startswith("ui-")}
    assert window <= shown, f"screenshots the guide does not show: {sorted(window - shown)}"


def test_every_screenshot_is_made_by_the_script() -> None:
    script = (ROOT / "scripts" / "screenshots.py").read_text(encoding="utf-8")
    made = set(re.findall(r'"(ui-[\w-]+)"', script))
    window = {p.stem for p in (ROOT / "docs" / "img").glob("ui-*.png")}
    assert window <= made, f"not made by scripts/screenshots.py: {sorted(window - made)}"
