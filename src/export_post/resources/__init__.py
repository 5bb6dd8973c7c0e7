"""The one door through which a post's images are read, and everything behind it.

Exporters use the names re-exported here (:class:`ResourceResolver`, :class:`Resource`,
:class:`ResourcePolicy`, :data:`EXTENSIONS`); the modules behind them are internal.
"""

from .resolver import (
    EXTENSIONS,
    MAX_IMAGES,
    Base,
    Resource,
    ResourcePolicy,
    ResourceResolver,
    looks_like_svg,
)

__all__ = [
    "EXTENSIONS",
    "MAX_IMAGES",
    "Base",
    "Resource",
    "ResourcePolicy",
    "ResourceResolver",
    "looks_like_svg",
]
