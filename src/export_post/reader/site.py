"""The Jekyll site a post belongs to: its root folder and the few ``_config.yml`` values we use."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..diagnostics import Reporter
from ..errors import ReadError
from .frontmatter import load_front_matter
from .mathconfig import MathSyntax, site_math_syntax, watched_paths

CONFIG_NAME = "_config.yml"


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteContext:
    root: Path
    config: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    math: MathSyntax = field(default_factory=MathSyntax)  # whether $…$ is inline math on this site

    def setting(self, key: str) -> str:
        value = self.config.get(key)
        return value.strip() if isinstance(value, str) else ""

    @property
    def url(self) -> str:
        return self.setting("url").rstrip("/")

    @property
    def baseurl(self) -> str:
        base = self.setting("baseurl").strip("/")
        return f"/{base}" if base else ""


def find_site_root(post: Path) -> Path:
    """Where ``/``-absolute references resolve, walking up from the post.

    The nearest folder that has a ``_config.yml`` or that holds the ``_posts/`` folder the
    post is in; the post's own folder when neither is found.
    """
    return _walk(post)[-1].parent


def config_paths(post: Path, site_root: Path | None = None) -> tuple[Path, ...]:
    """Every ``_config.yml`` whose presence or content decides the post's site: those the
    walk up from the post looks for (one appearing there would change the site root), and
    the one it reads; then the folders and files its math configuration is read from."""
    looked = (site_root.resolve() / CONFIG_NAME,) if site_root is not None else _walk(post)
    return (*looked, *watched_paths(looked[-1].parent))


def _walk(post: Path) -> tuple[Path, ...]:
    """The ``_config.yml`` paths looked for on the way up; the last is the site's."""
    folder = post.resolve().parent
    looked = []
    for candidate in (folder, *folder.parents):
        looked.append(candidate / CONFIG_NAME)
        if looked[-1].is_file():
            return tuple(looked)
        if candidate.name == "_posts":
            return (*looked, candidate.parent / CONFIG_NAME)
    return (*looked, folder / CONFIG_NAME)


def load_site(post: Path, site_root: Path | None, reporter: Reporter) -> SiteContext:
    root = (site_root or find_site_root(post)).resolve()
    if site_root is not None and not root.is_dir():
        raise ReadError(f"site root {site_root} is not a folder", path=post)
    site = _load_config(root, reporter)
    return SiteContext(root=root, config=site.config, math=site_math_syntax(root, site.config, reporter))


def _load_config(root: Path, reporter: Reporter) -> SiteContext:
    config_path = root / CONFIG_NAME
    if not config_path.is_file():
        return SiteContext(root=root)
    try:
        text = config_path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        reporter.warn("site-config-unreadable", f"cannot read {config_path}: {err}")
        return SiteContext(root=root)
    config_reporter = Reporter(config_path)
    try:
        config = load_front_matter(text, config_path, 1, config_reporter)
    except ReadError as err:
        reporter.warn("site-config-invalid", f"ignoring {config_path}: {err.message}")
        return SiteContext(root=root)
    finally:
        reporter.extend(config_reporter.diagnostics)  # they name _config.yml, not the post
    return SiteContext(root=root, config=MappingProxyType(config))
