"""CSS inside an SVG (``<style>`` and ``style=""``), rewritten with tinycss2's tokens.

What is dropped is what no renderer of ours may load and EPUB refuses: ``@import``,
``@font-face`` (a font program from the network or the site; the text keeps its other
fonts), and declarations whose ``url()`` is anything but an in-document ``#id``.
``direction`` and ``unicode-bidi`` are not allowed in EPUB style sheets: in a ``style``
attribute they become the presentation attributes of the same name (which EPUB allows),
in a style sheet they are dropped. Ids renamed by :mod:`export_post.resources.svgids` are followed in
selectors (``#x``, ``[id="x"]``) and in ``url(#x)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import tinycss2
from tinycss2 import ast
from tinycss2.serializer import serialize_string_value

from .svgids import IdPlan

PRESENTATION_ONLY = frozenset({"direction", "unicode-bidi"})  # CSS-001 in EPUB style sheets
_DROPPED_AT_RULES = frozenset({"import", "font-face"})
# What a style attribute needs for anything here to apply (a backslash may escape any of it).
_MAY_CHANGE = re.compile(r"url|direction|unicode-bidi|\\", re.I)


@dataclass
class CssResult:
    css: str
    changes: list[str] = field(default_factory=list)
    presentation: dict[str, str] = field(default_factory=dict)  # style="" only: moved out


def rewrite_stylesheet(css: str, plan: IdPlan) -> CssResult:
    """A ``<style>`` element's text, rewritten (``css`` is the original when nothing changed)."""
    result = CssResult(css)
    rules = tinycss2.parse_stylesheet(css, skip_comments=False, skip_whitespace=False)
    rewritten = _rules(rules, plan, result)
    if result.changes:
        result.css = tinycss2.serialize(rewritten)
    return result


def rewrite_style_attribute(style: str, plan: IdPlan) -> CssResult:
    """A ``style`` attribute's declarations, rewritten; ``direction``/``unicode-bidi`` are
    handed back in ``presentation``."""
    result = CssResult(style)
    if not _MAY_CHANGE.search(style) and not (plan and "#" in style):
        return result  # most style attributes (matplotlib writes one per path) need no parsing
    items = tinycss2.parse_declaration_list(style, skip_comments=True, skip_whitespace=True)
    kept = _declarations(items, plan, result, attribute=True)
    if result.changes:
        result.css = "; ".join(kept)
    return result


def _rules(rules: Iterable[Any], plan: IdPlan, result: CssResult) -> list[Any]:
    out: list[Any] = []
    for rule in rules:
        if isinstance(rule, ast.AtRule):
            keyword = rule.lower_at_keyword
            if keyword in _DROPPED_AT_RULES:
                result.changes.append(f"@{keyword} rule dropped")
                continue
            if rule.content is not None and keyword in ("media", "supports", "layer", "container"):
                inner = tinycss2.parse_rule_list(rule.content, skip_comments=False, skip_whitespace=False)
                before = len(result.changes)
                rewritten = _rules(inner, plan, result)
                if len(result.changes) > before:
                    rule.content = _reparsed(tinycss2.serialize(rewritten))
        elif isinstance(rule, ast.QualifiedRule):
            prelude = _selectors(rule.prelude, plan)
            if prelude is not None:
                rule.prelude = prelude
                result.changes.append("selector ids renamed")
            items = tinycss2.parse_declaration_list(rule.content, skip_comments=False, skip_whitespace=False)
            before = len(result.changes)
            kept = _declarations(items, plan, result, attribute=False)
            if len(result.changes) > before:
                rule.content = _reparsed(" " + "; ".join(kept) + " ")
        out.append(rule)
    return out


def _declarations(items: Iterable[Any], plan: IdPlan, result: CssResult, *, attribute: bool) -> list[str]:
    """The declarations to keep, serialised; what was dropped or changed goes to ``result``."""
    kept: list[str] = []
    for item in items:
        if not isinstance(item, ast.Declaration):
            if isinstance(item, (ast.ParseError, ast.AtRule, ast.QualifiedRule)):
                result.changes.append("unreadable CSS dropped")
            continue
        name = item.lower_name
        if name in PRESENTATION_ONLY:
            if attribute:
                result.presentation[name] = tinycss2.serialize(item.value).strip()
            result.changes.append(f"{name} moved out of CSS" if attribute else f"{name} dropped from CSS")
            continue
        if _has_foreign_url(item.value):
            result.changes.append(f"{name} referring to a file or URL dropped")
            continue
        if _rename_urls(item.value, plan):
            result.changes.append("url() ids renamed")
        kept.append(item.serialize())
    return kept


def _reparsed(text: str) -> list[Any]:
    return list(tinycss2.parse_component_value_list(text))


def _url_target(token: Any) -> str | None:
    """The URL of a ``url(...)`` token or function, else None."""
    if isinstance(token, ast.URLToken):
        return str(token.value)
    if isinstance(token, ast.FunctionBlock) and token.lower_name == "url":
        strings = [a for a in token.arguments if isinstance(a, ast.StringToken)]
        return str(strings[0].value) if strings else ""
    return None


def _walk(tokens: Iterable[Any]) -> Iterable[Any]:
    for token in tokens:
        yield token
        if isinstance(token, ast.FunctionBlock):
            yield from _walk(token.arguments)
        elif isinstance(token, (ast.ParenthesesBlock, ast.SquareBracketsBlock, ast.CurlyBracketsBlock)):
            yield from _walk(token.content)


def _has_foreign_url(tokens: Iterable[Any]) -> bool:
    return any((url := _url_target(t)) is not None and not url.startswith("#") for t in _walk(tokens))


def _rename_urls(tokens: Iterable[Any], plan: IdPlan) -> bool:
    changed = False
    for token in _walk(tokens):
        url = _url_target(token)
        target = plan.target(url[1:]) if url and url.startswith("#") else None
        if target is None:
            continue
        if isinstance(token, ast.URLToken):
            token.value = f"#{target}"
            token.representation = f"url(#{target})"
        else:
            for argument in token.arguments:
                if isinstance(argument, ast.StringToken):
                    argument.value = f"#{target}"
                    argument.representation = f'"#{target}"'  # an XML name needs no escaping
                    break
        changed = True
    return changed


def _selectors(prelude: Sequence[Any], plan: IdPlan) -> list[Any] | None:
    """The selector list with renamed ids (and added copies for ids written twice), or None
    when nothing in it changes."""
    if not plan or not any(_selector_ids(prelude)):
        return None
    groups: list[list[Any]] = [[]]
    for token in prelude:
        if isinstance(token, ast.LiteralToken) and token.value == ",":
            groups.append([])
        else:
            groups[-1].append(token)
    out: list[str] = []
    changed = False
    for group in groups:
        text = tinycss2.serialize(group)
        variants = [text]
        for ident in set(_selector_ids(group)):
            new = plan.renamed.get(ident)
            if new is not None:
                variants = [_with_id(_reparsed(v), ident, new) for v in variants]
                changed = True
            for alias in plan.aliases.get(new or ident, ()):
                variants += [_with_id(_reparsed(v), new or ident, alias) for v in variants]
                changed = True
        out.extend(v.strip() for v in variants)
    return _reparsed(", ".join(out) + " ") if changed else None


def _selector_ids(tokens: Iterable[Any]) -> Iterable[str]:
    for token in tokens:
        if isinstance(token, ast.HashToken) and token.is_identifier:
            yield str(token.value)
        elif isinstance(token, ast.SquareBracketsBlock):
            parts = [t for t in token.content if not isinstance(t, ast.WhitespaceToken)]
            if (
                len(parts) == 3
                and isinstance(parts[0], ast.IdentToken)
                and parts[0].lower_value == "id"
                and isinstance(parts[1], ast.LiteralToken)
                and parts[1].value == "="
                and isinstance(parts[2], (ast.StringToken, ast.IdentToken))
            ):
                yield str(parts[2].value)


def _with_id(tokens: list[Any], old: str, new: str) -> str:
    for token in tokens:
        if isinstance(token, ast.HashToken) and token.is_identifier and token.value == old:
            token.value = new
        elif isinstance(token, ast.SquareBracketsBlock):
            for part in token.content:
                if isinstance(part, (ast.StringToken, ast.IdentToken)) and part.value == old:
                    part.value = new
                    if isinstance(part, ast.StringToken):
                        part.representation = f'"{serialize_string_value(new)}"'
    return str(tinycss2.serialize(tokens))
