"""The one door through which a post's images are read, and everything behind it.

Exporters use the names re-exported here (:class:`ResourceResolver`, :class:`Resource`,
:class:`ResourcePolicy`, :data:`EXTENSIONS`, :class:`ImageSource`, :func:`read_ahead`) and the downscaling in
:mod:`export_post.resources.images`; the other modules are internal:

- ``resource``: the values (``Resource``, ``ResourcePolicy``, ``ImageSource``);
- ``resolver``: ``ResourceResolver``, a ``Locator`` and an ``Inspector`` with a memory;
- ``locator``: a reference to the bytes it names, within the post's folders and policy
  (``weburl`` parses references, ``remote`` fetches, ``safefile`` reads planted files);
- ``inspector``: bytes to a ``Resource`` (sniffing, decoding, conversion, SVG adaptation
  with ``svgrewrite``, ``svgids``, ``svgcss``, ``svgtext``, checked by ``svgcheck``);
- ``digests``: a reference to the digest of its content, for the build cache;
- ``images``: downscaling for formats read on screens.
"""

from .inspector import looks_like_svg
from .locator import Base
from .resolver import MAX_IMAGES, ResourceResolver, read_ahead
from .resource import EXTENSIONS, ImageSource, Resource, ResourcePolicy

__all__ = [
    "EXTENSIONS",
    "MAX_IMAGES",
    "Base",
    "ImageSource",
    "Resource",
    "ResourcePolicy",
    "ResourceResolver",
    "looks_like_svg",
    "read_ahead",
]
