"""The fast unicodeit replace gives what unicodeit gives, for real and generated TeX."""

from __future__ import annotations

import pytest
import unicodeit
from hypothesis import given, settings
from hypothesis import strategies as st
from unicodeit.data import COMBININGMARKS, REPLACEMENTS, SUBSUPERSCRIPTS

from export_post.toolkit import unicodeit_fast
from tests.support import corpus_formulas, require_corpora


def test_applied_to_the_installed_version() -> None:
    assert unicodeit.__version__ in unicodeit_fast.CHECKED_VERSIONS, (
        "a new unicodeit: check it against this module's copy of its replace() and add it"
    )
    assert unicodeit_fast._tables() is not None


def test_every_replacement_alone_and_in_text() -> None:
    for latex, _ in REPLACEMENTS:
        for text in (latex, f"a {latex} b", f"{latex}{latex}", f"x_{{{latex}}}^{{2}}"):
            assert unicodeit_fast.replace(text) == unicodeit.replace(text), text


def test_other_version_is_called_as_it_comes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(unicodeit_fast, "_tables", lambda: None)
    monkeypatch.setattr(unicodeit, "replace", lambda text: f"<{text}>")
    assert unicodeit_fast.replace(r"\alpha") == r"<\alpha>"


def test_corpus_formulas() -> None:
    require_corpora()
    formulas = [tex for tex, _ in corpus_formulas()]
    assert len(formulas) > 400
    differ = [tex for tex in formulas if unicodeit_fast.replace(tex) != unicodeit.replace(tex)]
    assert not differ, f"{len(differ)} formulas differ, first: {differ[0]!r}"


# Pieces that make replacements, break them, chain them (an output that starts a later match:
# ``\octothorpe\hbar`` gives ``#\hbar``) and escape them (combining marks, ``\not``).
_PIECES = st.sampled_from(
    [latex for latex, _ in REPLACEMENTS[::7]]
    + [latex for latex, _ in SUBSUPERSCRIPTS]
    + [mark for mark, _ in COMBININGMARKS]
    + [r"\octothorpe", r"\hbar", r"\mathrm{", r"\not", "\\ ", "\\", "{", "}", "{}", "_", "^"]
    + ["_{", "^{", "a", "x", "1", "=", "-", "#", "%", "25", " ", "mathrm", "{A}", "β", "\u2212"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_generated_text(text: str) -> None:
    assert unicodeit_fast.replace(text) == unicodeit.replace(text)
