"""Rewrite a zip (EPUB, PPTX) so its bytes depend only on its content and one timestamp.

A ``mimetype`` member, which EPUB requires, is put first and stored uncompressed; so is
any member its writer could not compress, and any in a format that is compressed already
(JPEG, PNG, GIF, WebP, WOFF): deflating a photo again gains a few per cent at most, for
1 ms a photo. The rest is deflated at zlib's default level: level 9 took 2.6 times as long
for 2 % fewer bytes (a 1 MB EPUB of SVG figures: 70 ms against 27 ms). A writer may deflate
at level 1 (``compresslevel``): only its ratio is read here. A writer that hands over its
members itself writes them into a :class:`NormalZip`, with the same result.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

_DOS_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
_INCOMPRESSIBLE = 0.97  # compressed/original size of a member as the writer deflated it
_COMPRESSED_FORMATS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".woff", ".woff2")


def normalise_zip(data: bytes, timestamp: dt.datetime) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    members = sorted(source.infolist(), key=lambda member: member.filename != "mimetype")
    target = NormalZip(timestamp)
    for member in members:
        target.add(member.filename, source.read(member), stored=_incompressible(member) or None)
    return target.finish()


class NormalZip:
    """A zip written member by member as :func:`normalise_zip` writes one, for a writer
    that can hand over its members itself (the deck's, rather than a zip of its own that
    would be read back and deflated again)."""

    def __init__(self, timestamp: dt.datetime) -> None:
        when = max(timestamp.astimezone(dt.UTC), _DOS_EPOCH)
        self._date_time = (when.year, when.month, when.day, when.hour, when.minute, when.second)
        self._out = io.BytesIO()
        self._zip = zipfile.ZipFile(self._out, "w")

    def add(self, name: str, data: bytes, *, stored: bool | None = None) -> None:
        """Add a member; it is stored (not deflated) if ``stored``, or, when None, if it is
        the ``mimetype`` or in a format compressed already."""
        if stored is None:
            stored = name == "mimetype" or name.lower().endswith(_COMPRESSED_FORMATS)
        info = zipfile.ZipInfo(name, date_time=self._date_time)
        info.external_attr = 0o644 << 16
        info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        self._zip.writestr(info, data)

    def finish(self) -> bytes:
        """The zip's bytes (nothing may be added after)."""
        self._zip.close()
        return self._out.getvalue()


def _incompressible(member: zipfile.ZipInfo) -> bool:
    """Deflated by its writer to no gain (a JPEG photo, a compressed font): storing it saves
    the time of compressing it again, for nothing."""
    deflated = member.compress_type == zipfile.ZIP_DEFLATED
    return deflated and member.compress_size >= _INCOMPRESSIBLE * member.file_size
