"""Escaping text for XHTML, shared by every module that writes markup."""

from __future__ import annotations

import html


def esc(text: str) -> str:
    return html.escape(text, quote=True)
