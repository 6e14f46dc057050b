"""Draw installer/coopledger.ico: a white 账 on a red rounded square (Windows icon sizes).

Run from the repository root with any Python that has Pillow (reportlab already brings it):
``.venv/bin/python installer/make_icon.py``. The result is committed; the build only reads it.
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONT = ROOT / "resources" / "fonts" / "NotoSansSC-Bold.ttf"
OUT = ROOT / "installer" / "coopledger.ico"
SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]
RED = (178, 34, 34, 255)  # 朱红, the colour of the seal on a village notice
WHITE = (255, 255, 255, 255)


def draw(size: int = 256) -> Image.Image:
    """The icon at ``size`` pixels (drawn at 4x and scaled down for smooth edges)."""
    big = size * 4
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 6, fill=RED)
    font = ImageFont.truetype(str(FONT), int(big * 0.72))
    pen.text((big / 2, big / 2), "账", font=font, fill=WHITE, anchor="mm")
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    draw(256).save(OUT, format="ICO", sizes=SIZES)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
