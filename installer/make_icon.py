"""Draw the application icon: ``resources/icons/desk.ico`` (Windows, every size drawn on its own) and
``resources/icons/desk.png`` (256 px, the window icon on every system).

A rounded square in the desk's primary blue (``#2563eb``, resources/qss/desk.qss) with the character 受
(受理, intake) in white, drawn with the shipped WenQuanYi Micro Hei, above a short white bar (the counter).
Each size is drawn at four times its size and scaled down, so the small sizes stay sharp; below 32 px the
stroke is thickened (a thin one blurs away), and at 16 and 20 px the bar is left out for a larger glyph.

Developer tool (Pillow is installed with reportlab); the files it writes are committed::

    .venv/bin/python installer/make_icon.py
"""

from __future__ import annotations

import argparse
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONT = ROOT / "resources" / "fonts" / "wqy-microhei.ttc"
OUT = ROOT / "resources" / "icons"
SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
TOP = (0x25, 0x63, 0xEB)  # #2563eb
BOTTOM = (0x1D, 0x4E, 0xD8)  # #1d4ed8
GLYPH = "受"
SCALE = 4


def draw(size: int) -> Image.Image:
    """The icon at ``size`` × ``size`` pixels (RGBA)."""
    big = size * SCALE
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    # vertical gradient, then cut to a rounded square
    gradient = Image.new("RGBA", (big, big))
    px = gradient.load()
    for y in range(big):
        t = y / max(1, big - 1)
        colour = (*(round(a + (b - a) * t) for a, b in zip(TOP, BOTTOM, strict=True)), 255)
        for x in range(big):
            px[x, y] = colour
    mask = Image.new("L", (big, big), 0)
    margin = round(big * (0.02 if size >= 32 else 0.0))
    ImageDraw.Draw(mask).rounded_rectangle(
        (margin, margin, big - 1 - margin, big - 1 - margin), radius=round(big * 0.2), fill=255
    )
    img.paste(gradient, (0, 0), mask)

    d = ImageDraw.Draw(img)
    small = size < 32
    tiny = size <= 20
    font = ImageFont.truetype(str(FONT), round(big * (0.84 if tiny else 0.70 if small else 0.62)), index=0)
    stroke = round(big * (0.035 if small else 0.012))
    left, top, right, bottom = d.textbbox((0, 0), GLYPH, font=font, stroke_width=stroke)
    glyph_w, glyph_h = right - left, bottom - top
    bar_h = 0 if tiny else round(big * (0.09 if small else 0.06))
    gap = 0 if tiny else round(big * (0.05 if small else 0.06))
    block_h = glyph_h + gap + bar_h
    x = (big - glyph_w) / 2 - left
    y = (big - block_h) / 2 - top
    d.text((x, y), GLYPH, font=font, fill="white", stroke_width=stroke, stroke_fill="white")
    if bar_h:
        bar_w = round(big * (0.66 if small else 0.56))
        bar_top = round(y + top + glyph_h + gap)
        d.rounded_rectangle(
            ((big - bar_w) // 2, bar_top, (big + bar_w) // 2, bar_top + bar_h), radius=bar_h // 2, fill="white"
        )
    return img.resize((size, size), Image.Resampling.LANCZOS)


def write(out: Path = OUT) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    images = [draw(s) for s in SIZES]
    ico = out / "desk.ico"
    largest = images[-1]
    largest.save(ico, format="ICO", sizes=[(s, s) for s in SIZES], append_images=images[:-1])
    png = out / "desk.png"
    largest.save(png, format="PNG", optimize=True)
    return ico, png


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="draw resources/icons/desk.ico and desk.png")
    p.add_argument("--out", type=Path, default=OUT, help="folder to write to (default: resources/icons)")
    args = p.parse_args(argv)
    for path in write(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
