"""Typeset formulas kept between runs (``toolkit/formulastore.py``)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from export_post.toolkit import formulastore, texmath

FORMULA = r"\sum_{k=1}^{n} \frac{1}{k^2} + \int_0^1 x\,dx"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("EXPORT_POST_CACHE_DIR", str(tmp_path / "cache"))
    formulastore.forget()
    texmath.picture.cache_clear()
    texmath.to_png.cache_clear()
    yield tmp_path / "cache" / formulastore.FILE_NAME
    formulastore.forget()
    texmath.picture.cache_clear()
    texmath.to_png.cache_clear()


def _typeset_in_a_new_process(tex: str, env: dict[str, str]) -> str:
    """Typeset ``tex`` in a fresh process whose typesetter fails if it is called."""
    code = (
        "import sys, ziamath.zmath as z\n"
        "class Refused:\n    def __init__(self, *a, **k): raise RuntimeError('typeset again')\n"
        "z.Math = Refused\n"
        "from export_post.toolkit import texmath\n"
        "image = texmath.to_svg(sys.argv[1], True, 16.0)\n"
        "png = texmath.to_png(sys.argv[1], True, 28.0, 400)\n"
        "print('svg' if image else 'none', 'png' if png else 'none')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, tex], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_a_formula_typeset_once_is_not_typeset_again_by_another_process(store: Path) -> None:
    first = texmath.to_svg(FORMULA, True, 16.0)
    assert first is not None and texmath.to_png(FORMULA, True, 28.0, 400) is not None
    assert store.is_file()
    env = dict(os.environ)
    assert _typeset_in_a_new_process(FORMULA, env) == "svg png"
    assert _typeset_in_a_new_process(FORMULA + " + 1", env) == "none none"  # new: typeset, refused


def test_the_stored_picture_is_the_typeset_one(store: Path) -> None:
    fresh = texmath.picture(FORMULA, False, 14.0)
    texmath.picture.cache_clear()
    kept = texmath.picture(FORMULA, False, 14.0)
    assert kept == fresh and kept.value is not None
    failed = texmath.picture(r"\frac{", True, 16.0)  # refused: the reason is kept too
    texmath.picture.cache_clear()
    assert texmath.picture(r"\frac{", True, 16.0) == failed and failed.value is None


def test_has_tells_without_marking_used(store: Path) -> None:
    assert not formulastore.has("picture", FORMULA, True, 16.0)
    texmath.picture(FORMULA, True, 16.0)
    before = sqlite3.connect(store).execute("SELECT used FROM formula").fetchall()
    assert formulastore.has("picture", FORMULA, True, 16.0)
    assert not formulastore.has("picture", FORMULA, False, 16.0)
    assert sqlite3.connect(store).execute("SELECT used FROM formula").fetchall() == before


def test_off_means_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPORT_POST_CACHE_DIR", "off")
    formulastore.forget()
    assert formulastore.store_path() is None
    formulastore.put("picture", b"x", "a")
    assert formulastore.get("picture", "a") is None
    formulastore.forget()


@pytest.mark.parametrize("damage", ["garbage", "folder", "unreadable value"])
def test_a_damaged_store_only_means_typesetting_afresh(store: Path, damage: str) -> None:
    store.parent.mkdir(parents=True)
    if damage == "garbage":
        store.write_bytes(b"not a database" * 100)
    elif damage == "folder":
        store.mkdir()
    else:
        connection = sqlite3.connect(store)
        connection.execute(formulastore._SCHEMA)
        connection.commit()
        connection.close()
        formulastore.put("picture", b"{not json", FORMULA, True, 16.0)
    image = texmath.to_svg(FORMULA, True, 16.0)
    assert image is not None and image.svg.startswith(b"<svg")
