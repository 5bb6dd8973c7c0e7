"""The PDF's bytes depend on the post and the build timestamp, not on the clock.

WeasyPrint saves variable fonts (made static) and colour emoji fonts (bitmaps stripped)
through fontTools, which stamps each with the current time unless SOURCE_DATE_EPOCH is in
the environment; the timestamp we pass explicitly must reach those fonts too.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from export_post import load_post, render


def test_pdf_bytes_do_not_follow_the_clock(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    post = site / "_posts" / "2024-06-10-clock.md"
    post.write_text(
        "---\ntitle: Clock\nlang: ar\n---\nمرحبا بالعالم 😀 שלום עולם and some English 🎉.\n",
        encoding="utf-8",
    )
    doc = load_post(post)
    outputs = []
    for now in (1_750_000_000.0, 1_760_000_000.0):
        monkeypatch.setattr(time, "time", lambda now=now: now)
        outputs.append(render(doc, "pdf", source_date_epoch=1_700_000_000))
    assert outputs[0] == outputs[1]
