"""Speed-ups for python-pptx's XML layer that leave every deck byte for byte the same.

Every shape python-pptx adds, reads or changes goes through two small helpers, each of
which redoes the same work on every call:

- ``BaseOxmlElement.xpath`` hands its expression to lxml as a string, and lxml compiles it
  again each time (3,200 times for clml's deck). Here each expression is compiled once into
  an ``etree.XPath``, which lxml evaluates on the element the same way.
- ``qn("a:rPr")`` builds a ``NamespacePrefixedTag`` to turn a prefixed name into Clark
  notation (39,000 calls for the same deck, a few dozen names). Its answer depends only on
  the name, so it is kept; the modules that imported ``qn`` get the keeping version.

Together: 1.67 → 1.28 s to render the long-sixty-pages and clml decks in a warm process.
``tests/exporters/test_pptx_speedups.py`` checks the decks are identical. They are applied
only to the python-pptx version they were checked on; another one runs as it comes.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from typing import Any

from export_post.toolkit.once import once

CHECKED_VERSIONS = frozenset({"1.0.2"})


@once
def apply() -> bool:
    """Install the speed-ups (once per process); whether they are in place."""
    import pptx
    from lxml import etree
    from pptx.oxml import ns, xmlchemy

    if getattr(pptx, "__version__", None) not in CHECKED_VERSIONS:
        return False
    namespaces = ns._nsmap

    @lru_cache(maxsize=1024)
    def compiled(expression: str) -> etree.XPath:
        return etree.XPath(expression, namespaces=namespaces)

    def xpath(self: Any, expression: str) -> Any:
        return compiled(expression)(self)

    xmlchemy.BaseOxmlElement.xpath = xpath  # type: ignore[method-assign,assignment]
    plain = ns.qn
    kept = lru_cache(maxsize=1024)(plain)
    for name, module in list(sys.modules.items()):
        ours = name.partition(".")[0] in ("pptx", "export_post_pptx")
        if ours and getattr(module, "qn", None) is plain:
            module.qn = kept  # type: ignore[attr-defined]
    return True
