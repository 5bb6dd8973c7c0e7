"""A glyph reads as the first cluster WeasyPrint drew it in (weasyprint-cluster-tounicode.md)."""

import subprocess

from pypdf import PdfReader
from weasyprint import HTML

HTML(string='<p lang="hi" style="font-family: Noto Sans Devanagari">कि क प्रकृति</p>').write_pdf("clusters.pdf")
poppler = subprocess.run(["pdftotext", "clusters.pdf", "-"], capture_output=True, text=True).stdout
print("poppler:", repr(poppler.strip()))
print("pypdf:  ", repr(PdfReader("clusters.pdf").pages[0].extract_text()))
