"""normalise_zip: which members it stores and which it deflates."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from export_post.toolkit.archive import normalise_zip


def test_compressed_formats_are_stored_even_when_deflate_would_shrink_them() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("EPUB/page.xhtml", "<p>text</p>" * 200)
        z.writestr("EPUB/images/flat.PNG", b"\0" * 5000)  # deflates well, but is a PNG
        z.writestr("EPUB/fonts/a.woff2", b"\1" * 5000)
        z.writestr("EPUB/data.bin", b"\2" * 5000)  # no known format: the ratio decides
        z.writestr("mimetype", "application/epub+zip")
    out = zipfile.ZipFile(
        io.BytesIO(normalise_zip(buffer.getvalue(), dt.datetime(2024, 1, 1, tzinfo=dt.UTC)))
    )
    kinds = {info.filename: info.compress_type for info in out.infolist()}
    assert out.infolist()[0].filename == "mimetype"
    assert kinds == {
        "mimetype": zipfile.ZIP_STORED,
        "EPUB/page.xhtml": zipfile.ZIP_DEFLATED,
        "EPUB/images/flat.PNG": zipfile.ZIP_STORED,
        "EPUB/fonts/a.woff2": zipfile.ZIP_STORED,
        "EPUB/data.bin": zipfile.ZIP_DEFLATED,
    }
    assert out.read("EPUB/images/flat.PNG") == b"\0" * 5000
