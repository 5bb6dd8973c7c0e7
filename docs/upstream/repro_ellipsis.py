import subprocess

from pypdf import PdfReader
from weasyprint import HTML

cut = "width: 40mm; white-space: nowrap; overflow: hidden; text-overflow: ellipsis"
HTML(
    string=f"""
<p style="{cut}">{"A line far too long for its box. " * 10}</p>
<p style="break-before: page">An ellipsis of its own… and more.</p>
"""
).write_pdf("ellipsis.pdf")

result = subprocess.run(["pdftotext", "ellipsis.pdf", "-"], capture_output=True, text=True)
print("poppler:", repr(result.stdout), result.stderr)
try:
    print("pypdf:  ", repr("\n".join(p.extract_text() for p in PdfReader("ellipsis.pdf").pages)))
except Exception as error:
    print("pypdf:  ", type(error).__name__, error)
