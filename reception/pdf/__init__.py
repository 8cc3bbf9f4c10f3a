"""PDF building blocks shared by receipts, transfer slips and the end-of-day export.

- :mod:`reception.pdf.fonts` — the embedded TrueType Chinese font and its fallbacks for rare
  characters (``font_set``), with the ToUnicode fix for supplementary-plane characters.
- :mod:`reception.pdf.styles` — paragraph styles built on a font set, canvas/document settings that
  keep every font embedded and the output reproducible, QR codes (``draw_qr``, ``QrFlowable``), the
  cut line, the seal area and masked-person text.
- :mod:`reception.pdf.receipt_layouts` — the receipt, 80 mm slip and transfer slip layouts.

Importing ``reception.pdf.fonts`` changes two reportlab settings for the whole process: the corrected
ToUnicode CMap for characters above U+FFFF, and page streams written without ASCII85 (see there).

Nothing here imports Qt.
"""
