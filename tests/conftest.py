from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from export_post import Document, load_post
from export_post.batch import convert_post, make_settings

from .support import SAMPLE_POST

# Every test typesets its formulas itself (tests that replace the typesetter must see it
# called) and nothing is written to the user's cache folder; tests/test_formulastore.py
# turns the store on where it is tested. Set here, before any worker process starts.
os.environ["EXPORT_POST_CACHE_DIR"] = "off"
# Each command a test runs does its work in a process of its own, as it did before warm
# servers; tests/test_warm_server.py turns them on (in a runtime folder of its own).
os.environ["EXPORT_POST_SERVER"] = "off"


@pytest.fixture(scope="session")
def sample_doc() -> Document:
    return load_post(SAMPLE_POST)


@pytest.fixture(scope="session")
def sample_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample exported once to every format (as the CLI would), shared by the tests."""
    out = tmp_path_factory.mktemp("sample")
    settings = make_settings(["epub", "pdf", "pptx", "html"])
    results = convert_post(SAMPLE_POST, ["epub", "pdf", "pptx", "html"], out, settings)
    failed = [r.error for r in results if not r.ok]
    assert not failed, failed
    assert not [d for r in results for d in r.diagnostics], "the sample must export without diagnostics"
    return {r.format: r.output for r in results if r.output is not None}


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Path]:
    """An empty Jekyll site folder with _posts/ and assets/."""
    (tmp_path / "_posts").mkdir()
    (tmp_path / "assets").mkdir()
    yield tmp_path
