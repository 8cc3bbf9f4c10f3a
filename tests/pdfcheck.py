"""Reading PDFs back in tests: text (pdfplumber and pypdf), fonts, page sizes, QR codes."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pdfplumber
from pypdf import PdfReader
from pypdf.generic import DictionaryObject


def text_pdfplumber(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return "\n".join(page.extract_text() or "" for page in doc.pages)


def text_pypdf(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def squeeze(text: str) -> str:
    """Text without any white space: extractors differ in where they put spaces and line breaks."""
    return re.sub(r"\s+", "", text)


def texts(pdf: bytes) -> dict[str, str]:
    """Both extractions, white space removed."""
    return {"pdfplumber": squeeze(text_pdfplumber(pdf)), "pypdf": squeeze(text_pypdf(pdf))}


def _fonts_in(resources, seen: set[int], out: list[DictionaryObject]) -> None:
    if resources is None:
        return
    resources = resources.get_object()
    fonts = resources.get("/Font")
    if fonts is not None:
        for ref in fonts.get_object().values():
            font = ref.get_object()
            if id(font) not in seen:
                seen.add(id(font))
                out.append(font)
    xobjects = resources.get("/XObject")
    if xobjects is not None:
        for ref in xobjects.get_object().values():
            xo = ref.get_object()
            if xo.get("/Subtype") == "/Form":
                _fonts_in(xo.get("/Resources"), seen, out)


def font_dicts(pdf: bytes) -> list[DictionaryObject]:
    reader = PdfReader(io.BytesIO(pdf))
    out: list[DictionaryObject] = []
    seen: set[int] = set()
    for page in reader.pages:
        _fonts_in(page.get("/Resources"), seen, out)
    return out


def _embedded(font: DictionaryObject) -> bool:
    if font.get("/Subtype") == "/Type0":
        return all(_embedded(d.get_object()) for d in font["/DescendantFonts"])
    desc = font.get("/FontDescriptor")
    if desc is None:
        return False
    desc = desc.get_object()
    return any(k in desc for k in ("/FontFile2", "/FontFile3", "/FontFile"))


def unembedded_fonts(pdf: bytes) -> list[str]:
    """Base names of the fonts used by the PDF's pages that are not embedded (``[]`` when all are)."""
    return [str(f.get("/BaseFont")) for f in font_dicts(pdf) if not _embedded(f)]


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in PdfReader(io.BytesIO(pdf)).pages]


def decode_qr(pdf: bytes, *, dpi: int = 200) -> list[str]:
    """Every QR code found on the PDF's pages: ``pdftoppm -r 200 -png`` then ``zbarimg --raw -q``."""
    assert shutil.which("pdftoppm") and shutil.which("zbarimg"), "poppler-utils and zbar-tools are needed"
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "doc.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(src), str(Path(d) / "page")], check=True)
        found: list[str] = []
        for png in sorted(Path(d).glob("page*.png")):
            proc = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, check=False)
            # exit 4: no symbol found on this page
            assert proc.returncode in (0, 4), proc.stderr
            found += [line for line in proc.stdout.splitlines() if line.strip()]
        return found
