"""Every image of the HTML page embedded once, however often the post shows it.

The page is rendered with a placeholder URL per image (``export-post-image:NAME``), then:

* an image shown once gets its data URI in its ``<img src>``, as any self-contained page;
* an image shown more than once is embedded once, as a CSS rule
  ``img[data-embedded="NAME"] { background-image: url(data:…) }``, and each of its ``<img>``
  elements gets a transparent SVG of the image's size as its ``src`` and that attribute.

So the ``<img>`` elements stay what they were: their ``alt`` text, their intrinsic size and
aspect ratio (which the theme's ``max-width``/``height: auto`` rules work with) and their
place in the text. The picture is painted as their background, scaled to their box (cropped
like ``object-fit: cover`` for the cover), and printed too (``print-color-adjust: exact``).
Browsers and WeasyPrint both draw it. Without this, 400 uses of one photo made a 137 MB page.
"""

from __future__ import annotations

import base64
import re
from collections import Counter
from urllib.parse import quote

from export_post.resources import Resource

SCHEME = "export-post-image"
_SRC = re.compile(rf'src="{SCHEME}:([0-9a-f]+\.[a-z]+)"')
SHARED_CSS = (
    "img[data-embedded] { background-position: center; background-repeat: no-repeat;"
    " background-size: 100% 100%; -webkit-print-color-adjust: exact; print-color-adjust: exact; }\n"
    ".cover img[data-embedded] { background-size: cover; }\n"
)


def data_uri(resource: Resource) -> str:
    return f"data:{resource.media_type};base64,{base64.b64encode(resource.data).decode('ascii')}"


def sized_blank(resource: Resource) -> str:
    """A transparent SVG as large as ``resource`` (so an ``<img>`` keeps its size and ratio)."""
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg'"
        f" width='{max(1, resource.width)}' height='{max(1, resource.height)}'/>"
    )
    return "data:image/svg+xml," + quote(svg, safe="/:='")


class Embedder:
    def __init__(self) -> None:
        self._resources: dict[str, Resource] = {}
        self._shared: dict[str, Resource] = {}  # embedded once, as a CSS rule

    def url(self, resource: Resource) -> str:
        """The placeholder URL to render ``resource`` with (see :meth:`embed`)."""
        self._resources[resource.name] = resource
        return f"{SCHEME}:{resource.name}"

    def embed(self, markup: str) -> str:
        """``markup`` with each placeholder replaced: a data URI, or (for an image used more than
        once) a sized blank and the attribute its CSS rule matches."""
        uses = Counter(m[1] for m in _SRC.finditer(markup))

        def source(m: re.Match[str]) -> str:
            name = m[1]
            resource = self._resources[name]
            if uses[name] == 1:
                return f'src="{data_uri(resource)}"'
            self._shared[name] = resource
            return f'src="{sized_blank(resource)}" data-embedded="{name}"'

        return _SRC.sub(source, markup)

    def css(self) -> str:
        """The rules of the images :meth:`embed` shared (nothing when none was)."""
        if not self._shared:
            return ""
        rules = [
            f'img[data-embedded="{name}"] {{ background-image: url("{data_uri(r)}"); }}\n'
            for name, r in self._shared.items()
        ]
        return "\n" + SHARED_CSS + "".join(rules)
