import subprocess

from pdfminer.high_level import extract_text
from pypdf import PdfReader
from weasyprint import HTML

# U+F0041 is a private-use character that no installed font has; any such character
# (an emoji without an emoji font, a rare ideograph) does the same.
HTML(string="<p style='font-family: DejaVu Sans'>Hello world \U000f0041 again</p>").write_pdf("missing.pdf")


def run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


print(run("pdffonts", "missing.pdf"))
print("poppler: ", repr(run("pdftotext", "missing.pdf", "-")))
print("pdfminer:", repr(extract_text("missing.pdf")))
print("pypdf:   ", repr(PdfReader("missing.pdf").pages[0].extract_text()))
