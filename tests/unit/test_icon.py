"""The application icon: a real multi-size Windows icon and the PNG the desk's windows use, both drawn by
``installer/make_icon.py``."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from PIL import Image

from reception.paths import resource_path

ROOT = Path(__file__).resolve().parents[2]


def make_icon():
    spec = importlib.util.spec_from_file_location("make_icon", ROOT / "installer" / "make_icon.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_icon_has_every_size_windows_asks_for():
    sizes = make_icon().SIZES
    with Image.open(resource_path("icons", "desk.ico")) as ico:
        assert ico.format == "ICO"
        assert sorted(ico.info["sizes"]) == [(s, s) for s in sizes]
        for s in (16, 32, 48, 256):
            ico.size = (s, s)
            ico.load()
            assert ico.size == (s, s) and ico.mode == "RGBA"
            assert ico.getpixel((s // 2, s // 2))[3] == 255  # drawn, not transparent
            assert ico.getpixel((0, 0))[3] < 255  # rounded corners
    with Image.open(resource_path("icons", "desk.png")) as png:
        assert png.size == (256, 256) and png.mode == "RGBA"


def test_the_drawing_script_writes_both_files(tmp_path):
    ico, png = make_icon().write(tmp_path)
    with Image.open(ico) as a, Image.open(resource_path("icons", "desk.ico")) as b:
        assert a.info["sizes"] == b.info["sizes"]
    with Image.open(png) as p:
        assert p.size == (256, 256)
        # the blue of the desk's primary action, and white for the glyph
        colours = {p.getpixel((x, y))[:3] for x in range(0, 256, 4) for y in range(0, 256, 4)}
        assert (255, 255, 255) in colours
        assert any(abs(r - 0x25) < 8 and abs(g - 0x63) < 8 and abs(b - 0xEB) < 8 for r, g, b in colours)
