"""The diagnostic codes the code reports (``DiagnosticCode``, checked by mypy at every report)
are the codes docs/diagnostics.md documents."""

from __future__ import annotations

import re
from pathlib import Path

from export_post.diagnostics import CODES

DOCS = Path(__file__).resolve().parent.parent / "docs" / "diagnostics.md"


def test_every_code_is_documented_and_every_documented_code_exists() -> None:
    # (a code may have a row in two sections: image-no-source for <img> and for Markdown)
    rows = re.findall(r"^\| `([a-z0-9-]+)` \| (?:warning|info) \|", DOCS.read_text(encoding="utf-8"), re.M)
    assert set(rows) == CODES
