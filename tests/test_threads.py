"""The library in many threads at once: the same bytes as one after another, every cache
safe to share, and nothing written to process-wide state (the environment above all)."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import io
import json
import logging
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
import warnings
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PIL import Image

from export_post import load_post, render
from export_post.batch import convert_post, export_many, make_settings
from export_post.resources import Resource, ResourceResolver
from export_post.resources.images import downscale
from export_post.toolkit.highlight import highlight_html, lexer_for, token_colors

from .support import SAMPLE_POST, corpus_posts, require_corpora

T = TypeVar("T")
THREADS = 8


@pytest.fixture(autouse=True)
def switch_often() -> Iterator[None]:
    """Threads take turns every microsecond instead of every 5 ms: races show."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)


def at_once(jobs: list[Callable[[], T]]) -> list[T]:
    """Run ``jobs`` in ``THREADS`` threads, started together, and return their results."""
    barrier = threading.Barrier(min(THREADS, len(jobs)))

    def run(job: Callable[[], T]) -> T:
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=30)
        return job()

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(run, jobs))


def named_posts(*names: str) -> list[Path]:
    require_corpora()
    found = {post.name: post for post in corpus_posts()}
    return [found[name] for name in names]


@pytest.mark.corpus
def test_eight_threads_write_the_bytes_of_a_sequential_run(tmp_path: Path) -> None:
    """Several real posts (math, CJK and Korean, right-to-left, code, pictures to scale
    down, missing pictures) and the sample, in all four formats."""
    posts = [
        SAMPLE_POST,
        *named_posts(
            "2015-10-20-math.md",
            "2026-01-15-multi_head_attention.md",
            "2018-06-01-example-content-iii.md",
            "2012-02-07-example-content.md",
            "2022-01-03-keyboard-input-error-in-wt.md",
            "2018-01-03-dummy.md",
            "2020-06-28-odyssey-g9-review.md",
        ),
    ]
    formats = ["epub", "pdf", "pptx", "html"]
    environment = dict(os.environ)

    def outputs(results: list[Any]) -> dict[tuple[str, str], tuple[str, tuple[Any, ...]]]:
        assert all(r.ok for r in results), [r.error for r in results if not r.ok]
        return {
            (r.source.name, r.format): (hashlib.sha256(r.output.read_bytes()).hexdigest(), r.diagnostics)
            for r in results
        }

    sequential = outputs(export_many(posts, formats, tmp_path / "one", isolate=False))
    with ThreadPoolExecutor(THREADS) as pool:
        threaded = outputs(export_many(posts, formats, tmp_path / "eight", executor=pool))
    assert len(sequential) == len(posts) * len(formats)
    assert threaded == sequential  # the bytes, and each output's own diagnostics
    assert dict(os.environ) == environment


def test_threads_with_different_timestamps_keep_their_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The timestamp travels with the call: threads asking for different ones at once each
    get theirs, and none of them touches SOURCE_DATE_EPOCH."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1000000000")
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: When\n---\n\nText.\n")
    epochs = [1_600_000_000 + 86_400 * i for i in range(THREADS * 2)]

    def modified(data: bytes) -> str:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            opf = book.read("EPUB/content.opf").decode()
        found = re.search(r'property="dcterms:modified">([^<]+)<', opf)
        assert found is not None
        return found.group(1)

    def one(epoch: int) -> Callable[[], str]:
        def job() -> str:
            settings = make_settings(["epub"], source_date_epoch=epoch)
            [result] = convert_post(post, ["epub"], tmp_path / str(epoch), settings)
            assert result.output is not None and os.environ["SOURCE_DATE_EPOCH"] == "1000000000"
            return modified(result.output.read_bytes())

        return job

    stamps = at_once([one(epoch) for epoch in epochs])
    expected = [dt.datetime.fromtimestamp(e, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") for e in epochs]
    assert stamps == expected
    document = load_post(post)
    assert modified(render(document, "epub")) == "2001-09-09T01:46:40Z"  # the environment's
    assert modified(render(document, "epub", source_date_epoch=0)) == "1970-01-01T00:00:00Z"


def picture(index: int, size: tuple[int, int] = (640, 480)) -> Resource:
    image = Image.new("RGB", size, (index * 37 % 256, index * 91 % 256, 120))
    for x in range(0, size[0], 9):
        image.putpixel((x, index % size[1]), (255, 255, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    found = ResourceResolver(post_dir=Path.cwd()).inspect(f"p{index}", out.getvalue(), None)
    assert found is not None
    return found


def test_the_scaled_picture_cache_under_eight_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    import export_post.resources.images as images

    monkeypatch.setattr(images, "_cache", type(images._cache)())
    monkeypatch.setattr(images, "_CACHE_ENTRIES", 100)  # evicting all the time, as a long batch does
    pictures = [picture(i, (200, 150)) for i in range(40)]
    calls = [(pictures[(k * 7 + n) % 40], 20 + n % 9 * 10) for k in range(THREADS) for n in range(150)]

    def sizes(calls: list[tuple[Resource, int]]) -> list[tuple[int, int, str]]:
        return [(s.width, s.height, s.digest) for s in (downscale(r, px) for r, px in calls)]

    expected = sizes(calls)
    chunks = [calls[k::THREADS] for k in range(THREADS)]
    threaded = at_once([functools.partial(sizes, chunk) for chunk in chunks])
    assert [row for k in range(THREADS) for row in threaded[k]] == [
        row for k in range(THREADS) for row in expected[k::THREADS]
    ]
    assert len(images._cache) <= 100


def test_weasyprint_messages_go_to_the_thread_that_renders() -> None:
    from export_post_pdf.render import _weasyprint_log

    weasyprint = logging.getLogger("weasyprint")
    before = (list(weasyprint.handlers), weasyprint.propagate)

    def job(index: int) -> list[str]:
        with _weasyprint_log() as messages:
            for n in range(200):
                weasyprint.warning("thread %d message %d", index, n)
                time.sleep(0)
                logging.getLogger("weasyprint.progress").warning("thread %d progress", index)
        return messages

    collected = at_once([functools.partial(job, i) for i in range(THREADS)])
    for index, messages in enumerate(collected):
        assert {m.split(" message ")[0].split(" progress")[0] for m in messages} == {f"thread {index}"}
        assert len(messages) == 400
    assert (list(weasyprint.handlers), weasyprint.propagate) == before

    class Keep(logging.Handler):  # the caller's own WeasyPrint logging, outside our renders
        def __init__(self) -> None:
            super().__init__()
            self.records: list[str] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.records.append(record.getMessage())

    keep = Keep()
    weasyprint.addHandler(keep)
    try:
        weasyprint.warning("the caller's")
    finally:
        weasyprint.removeHandler(keep)
    assert keep.records == ["the caller's"]


FONT_PROBE = """
import json, sys
from export_post_pptx import fonts, measure
order = sys.argv[1]
words = sys.argv[2:]
print(json.dumps({
    "fallbacks": {c: str(fonts.fallback_file("Carlito", False, False, ord(c))) for c in order},
    "widths": {w: measure.text_width(w, measure.Style("Calibri"), 20) for w in words},
}))
"""
CHARACTERS = "ԱͰאกह中한ᚠ☃Ωß"
WORDS = ["Ͱx", "Աy", "中文", "한국어", "עברית", "ไทย", "hello", "Ωmega", "☃", "मन"]


def fresh_process_answers(order: str, words: list[str]) -> dict[str, Any]:
    """Fallback fonts and slide text widths as a new process finds them, asked in this order."""
    done = subprocess.run(
        [sys.executable, "-c", FONT_PROBE, order, *words],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    answers: dict[str, Any] = json.loads(done.stdout)
    return answers


def test_fonts_and_widths_do_not_depend_on_what_was_measured_before() -> None:
    """The font for a character Carlito lacks is fontconfig's answer for that character,
    whatever was asked before (Armenian first made DejaVu Sans answer for Greek it lacks,
    where fontconfig says Noto Sans); so slide text measures the same in any order, and in
    threads."""
    if shutil.which("fc-match") is None:
        pytest.skip("fontconfig is not installed")
    forward = fresh_process_answers(CHARACTERS, WORDS)
    backward = fresh_process_answers(CHARACTERS[::-1], WORDS[::-1])
    assert forward == backward
    for char in "Ͱ中ก":
        said = subprocess.run(
            ["fc-match", "-f", "%{file}", f"Carlito:charset={ord(char):x}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert forward["fallbacks"][char] == said, char

    from export_post_pptx import fonts, measure

    def here(order: list[str]) -> dict[str, Any]:
        chars = "".join(random.sample(CHARACTERS, len(CHARACTERS)))
        return {
            "fallbacks": {c: str(fonts.fallback_file("Carlito", False, False, ord(c))) for c in chars},
            "widths": {w: measure.text_width(w, measure.Style("Calibri"), 20) for w in order},
        }

    shuffled = [random.sample(WORDS, len(WORDS)) for _ in range(THREADS)]
    assert all(found == forward for found in at_once([functools.partial(here, o) for o in shuffled]))


def test_lexers_are_not_shared_and_highlighting_is_the_same_in_threads() -> None:
    assert lexer_for("python") is not lexer_for("python")
    samples = [
        ("python", "def f(x):\n    return {'a': [1, 2]}  # c\n"),
        ("ruby", "def f; <<~EOS\n  heredoc #{x}\nEOS\nend\n"),
        ("php", "<?php echo $x; function f() { return 1; } ?>"),
        ("html", "<div class='a'><script>var x = 1;</script></div>"),
        ("rust", "fn main() { let x: Vec<u8> = vec![1]; }"),
        ("", "plain text"),
        ("nonexistent-language", "x = 1"),
    ] * 6
    expected = [(highlight_html(code, lang), token_colors(code, lang, "monokai")) for lang, code in samples]
    found = at_once(
        [lambda: [(highlight_html(c, la), token_colors(c, la, "monokai")) for la, c in samples]] * THREADS
    )
    assert all(run == expected for run in found)


def test_image_checks_in_threads_leave_the_warning_filters_as_they_were() -> None:
    before = list(warnings.filters)
    data = [picture(i).data for i in range(12)]

    def inspect_all() -> list[str]:
        resolver = ResourceResolver(post_dir=Path.cwd())
        out = []
        for _ in range(10):
            for index, blob in enumerate(data):
                found = resolver.inspect(f"p{index}", blob, None)
                assert found is not None
                out.append(found.digest)
        return out

    results = at_once([inspect_all] * THREADS)
    assert all(r == results[0] for r in results)
    assert list(warnings.filters) == before


def test_math_caches_in_threads_give_the_sequential_answers() -> None:
    from export_post.toolkit import texmath

    formulas = [rf"\frac{{a_{i}}}{{b^{i}}} + \sqrt{{x_{i}}}" for i in range(24)] + [
        r"\sum_{k=1}^{n} k^2",
        r"\begin{aligned} a &= b \\ c &= d \end{aligned}",
        r"e^{i\pi} + 1 = 0",
    ]

    def everything() -> list[Any]:
        return [
            (
                texmath.to_mathml(t, True),
                texmath.to_svg(t, False),
                texmath.to_png(t, True, 24.0),
                texmath.to_linear(t),
            )
            for t in formulas
        ]

    for cached in (texmath.mathml, texmath.picture, texmath.to_png, texmath.to_linear):
        cached.cache_clear()
    expected = everything()
    for cached in (texmath.mathml, texmath.picture, texmath.to_png, texmath.to_linear):
        cached.cache_clear()
    assert all(run == expected for run in at_once([everything] * THREADS))


def test_batches_started_from_threads_leave_the_main_module_in_place(tmp_path: Path) -> None:
    """Starting worker processes swaps ``sys.modules["__main__"]`` for a moment; batches
    started from several threads at once must not leave the stand-in behind."""
    main = sys.modules["__main__"]
    posts = []
    for index in range(4):
        post = tmp_path / f"post{index}.md"
        post.write_text(f"---\ntitle: Post {index}\n---\n\nText {index}.\n")
        posts.append(post)
    batches = at_once(
        [functools.partial(export_many, [post], ["html"], tmp_path / post.stem, jobs=1) for post in posts]
    )
    assert all(result.ok for batch in batches for result in batch)
    assert sys.modules["__main__"] is main
