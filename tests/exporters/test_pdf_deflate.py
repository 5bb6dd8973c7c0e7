"""Our PDFs' streams are deflated at zlib's default level; WeasyPrint used by a caller in the
same process keeps the level pydyf asks for."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import export_post

from ..support import SAMPLE_POST, pdf_text

_STREAM = re.compile(rb"/FlateDecode.*?>>\s*stream\r?\n", re.DOTALL)


def _headers(pdf: bytes) -> list[bytes]:
    """The zlib header (two bytes: the second says the level) of each deflated stream,
    after checking the stream inflates."""
    headers = []
    for found in _STREAM.finditer(pdf):
        start = found.end()
        zlib.decompressobj().decompress(pdf[start : start + 4096])  # a valid zlib stream's start
        headers.append(pdf[start : start + 2])
    return headers


def test_our_pdf_is_deflated_at_level_6_and_a_callers_at_9(tmp_path: Path) -> None:
    from weasyprint import HTML

    ours = export_post.render(export_post.load_post(SAMPLE_POST), "pdf")
    theirs = HTML(string="<p>A page of the caller's own.</p>").write_pdf()

    our_headers = _headers(ours)
    assert len(our_headers) > 10  # pages, fonts and pictures
    assert set(our_headers) == {b"x\x9c"}  # zlib's default level (6)
    assert set(_headers(theirs)) == {b"x\xda"}  # pydyf's level 9, as WeasyPrint comes

    (tmp_path / "post.pdf").write_bytes(ours)
    assert "Personal" in pdf_text(tmp_path / "post.pdf")
