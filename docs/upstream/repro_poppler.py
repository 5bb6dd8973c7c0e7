"""Poppler misreads an Arabic lam-alef and a Thai tone mark (poppler-rtl-ligatures-thai-marks.md).

The PDF is drawn by WeasyPrint with export-post's text layer (every glyph use with its own
ToUnicode text), so that pypdf reads every word as written.
"""

import subprocess

from pypdf import PdfReader
from weasyprint import HTML

from export_post_pdf import textdraw
from export_post_pdf.textlayer import repair_text_layer

PAGE = (
    '<p dir="rtl" lang="ar" style="font-family: Noto Sans Arabic">تعلم الآلة</p>'
    '<p lang="th" style="font-family: Noto Sans Thai">บทความนี้อธิบายวิธีการสร้างเว็บไซต์ส่วนตัว</p>'
)
with textdraw.recording():
    HTML(string=PAGE).write_pdf("poppler.pdf", finisher=repair_text_layer)
poppler = subprocess.run(["pdftotext", "poppler.pdf", "-"], capture_output=True, text=True).stdout
print("written:", "تعلم الآلة", "/", "บทความนี้อธิบายวิธีการสร้างเว็บไซต์ส่วนตัว")
print("poppler:", repr(poppler.strip()))
print("pypdf:  ", repr(PdfReader("poppler.pdf").pages[0].extract_text()))
