"""Rewrite a zip (EPUB, PPTX) so its bytes depend only on its content and one timestamp.

A ``mimetype`` member, which EPUB requires, is put first and stored uncompressed.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

_DOS_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)


def normalise_zip(data: bytes, timestamp: dt.datetime) -> bytes:
    when = max(timestamp.astimezone(dt.UTC), _DOS_EPOCH)
    date_time = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    ordered = (["mimetype"] if "mimetype" in names else []) + [n for n in names if n != "mimetype"]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(name), compresslevel=9 if name != "mimetype" else None)
    return out.getvalue()
