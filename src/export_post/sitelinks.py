"""``--links FILE``: where each post and its outputs live on the site, as Jekyll data.

The file (``_data/exports.json`` or ``.yml``) maps each post's URL path on its site
(``page.url`` under ``baseurl``, as :mod:`export_post.reader.permalinks` computes it) to its
title, its source and its outputs: format, media type, size in bytes and the output's own
URL path. An output is published where Jekyll puts it: a file under the site's
``destination`` (``_site``) at its path there, any other file of the site at its path in
the source (Jekyll copies it as a static file); an output outside the site has no path
(``null``). Only outputs that exist (written or up to date) are listed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from . import checks
from .batch.results import ExportResult
from .errors import ExportPostError, OptionError
from .output import write_atomic
from .reader import load_meta
from .reader.site import SiteContext
from .registry import exporter_class

SUFFIXES = (".json", ".yml", ".yaml")


def checked_links_file(value: object, name: str = "--links") -> Path:
    """The links file to write: a writable file named ``.json``, ``.yml`` or ``.yaml``."""
    path = checks.output_file(value, name)
    if path.suffix.lower() not in SUFFIXES:
        raise OptionError(f"{name} {path} should end in .json, .yml or .yaml (what Jekyll's _data reads)")
    return path


@dataclass(frozen=True, slots=True)
class PostPlace:
    """Where a post is published, and its site."""

    title: str
    url: str
    site: SiteContext


def post_place(source: Path, site_root: Path | None) -> PostPlace:
    """The post's title and URL path, from its front matter and its site's ``_config.yml``."""
    meta, site = load_meta(source, site_root=site_root)  # the conversion reported its problems
    return PostPlace(meta.title, meta.url_path, site)


def links_document(results: Iterable[ExportResult], site_root: Path | None = None) -> dict[str, Any]:
    """Each post with an output that exists, by its URL path, in the order of ``results``."""
    outputs: dict[Path, list[ExportResult]] = {}
    for result in results:
        if result.ok and result.output is not None and result.output.is_file():
            outputs.setdefault(result.source, []).append(result)
    document: dict[str, Any] = {}
    for source, made in outputs.items():
        try:
            place = post_place(source, site_root)
        except (OSError, ExportPostError):  # the post went away since: nothing to link it from
            continue
        document[place.url] = {
            "title": place.title,
            "url": place.url,
            "source": _site_relative(source, place.site.root) or str(source),
            "outputs": [_output(result, place.site) for result in made],
        }
    return document


def _output(result: ExportResult, site: SiteContext) -> dict[str, Any]:
    assert result.output is not None
    cls = exporter_class(result.format)
    return {
        "format": result.format,
        "media_type": cls.media_type,
        "size": result.output.stat().st_size,
        "path": published_path(result.output, site),
    }


def published_path(output: Path, site: SiteContext) -> str | None:
    """The URL path (``baseurl`` included, percent-encoded as Jekyll's URLs are) of ``output``
    on ``site``; ``None`` outside it."""
    destination = site.config.get("destination")
    built = site.root / (
        destination.strip() if isinstance(destination, str) and destination.strip() else "_site"
    )
    relative = _site_relative(output, built) or _site_relative(output, site.root)
    return quote(f"{site.baseurl}/{relative}", safe="/", errors="surrogateescape") if relative else None


def _site_relative(path: Path, folder: Path) -> str | None:
    try:
        return Path(os.path.realpath(path)).relative_to(os.path.realpath(folder)).as_posix()
    except ValueError:
        return None


def write_links(path: Path, document: Mapping[str, Any]) -> None:
    """The document as JSON or YAML, by ``path``'s suffix, written atomically."""
    if path.suffix.lower() == ".json":
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    else:
        text = yaml.safe_dump(dict(document), allow_unicode=True, sort_keys=False)
    write_atomic(path, text.encode("utf-8", "surrogateescape"))
