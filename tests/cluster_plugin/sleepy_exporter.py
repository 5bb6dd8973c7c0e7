"""A test-only exporter that takes as long as its post's title says ("sleep 30")."""

from __future__ import annotations

import time
from typing import ClassVar

from export_post import Document, ExportContext
from export_post.exporter import NoOptions


class SleepyExporter:
    name: ClassVar[str] = "sleepy"
    media_type: ClassVar[str] = "text/plain"
    file_extension: ClassVar[str] = ".sleepy"
    description: ClassVar[str] = "The title, after the time the title names (tests)"
    Options: ClassVar[type[NoOptions]] = NoOptions

    def export(self, document: Document, context: ExportContext) -> bytes:
        title = document.meta.title
        if title.startswith("sleep "):
            time.sleep(float(title.split()[1]))
        return title.encode()
