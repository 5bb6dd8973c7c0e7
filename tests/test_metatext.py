"""The shared metadata text helper: one clean line, shortened on a word boundary to a limit."""

from __future__ import annotations

import pytest

from export_post.metatext import (
    ELLIPSIS,
    balance_bidi,
    clean_line,
    field_list,
    field_text,
    shorten,
    utf16_units,
)

LRE, RLE, PDF, RLI, PDI, RLO = "\u202a", "\u202b", "\u202c", "\u2067", "\u2069", "\u202e"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  A\ttitle\nover\r\nlines  ", "A title over lines"),
        ("NEL\x85and\u2028separators\u2029here", "NEL and separators here"),
        ("bell\x07 del\x7f c1\x9b nonchar\ufdd0\U0001fffe bom\ufeff", "bell del c1 nonchar bom"),
        ("lone \ud800surrogate", "lone surrogate"),
        (
            "keeps\u00a0no-break\u202fspaces, \u200dZWJ and \u200eLRM",
            "keeps\u00a0no-break\u202fspaces, \u200dZWJ and \u200eLRM",
        ),
    ],
)
def test_clean_line(raw: str, clean: str) -> None:
    assert clean_line(raw) == clean


@pytest.mark.parametrize(
    ("raw", "balanced"),
    [
        (f"{RLO}reversed", f"{RLO}reversed{PDF}"),  # would reverse whatever follows the field
        (f"stray{PDF} closer{PDI}", "stray closer"),
        (f"{RLE}a{RLI}b", f"{RLE}a{RLI}b{PDI}{PDF}"),
        (f"{RLI}a{RLE}b{PDI}c{PDF}", f"{RLI}a{RLE}b{PDI}c"),  # PDI closes the embedding inside it
        (f"{LRE}ok{PDF}", f"{LRE}ok{PDF}"),
    ],
)
def test_bidi_controls_are_balanced(raw: str, balanced: str) -> None:
    assert balance_bidi(raw) == balanced


def test_utf16_units_count_astral_characters_twice() -> None:
    assert utf16_units("a\U0001f600") == 3


def test_shorten_keeps_text_that_fits() -> None:
    assert shorten("x" * 255, 255) == "x" * 255


def test_shorten_cuts_after_the_last_whole_word() -> None:
    text = "Bayesian model selection has long relied on the marginal likelihood, often"
    short = shorten(text, 40)
    assert short == "Bayesian model selection has long…"
    assert utf16_units(short) <= 40


def test_shorten_drops_trailing_punctuation_before_the_ellipsis() -> None:
    assert shorten("one, two, three, four", 11) == "one, two…"


def test_shorten_cuts_inside_a_word_only_when_it_is_long() -> None:
    assert shorten("https://example.org/" + "a" * 300, 30) == "https://example.org/aaaaaaaaa" + ELLIPSIS
    assert shorten("中文" * 200, 11) == "中文中文中文中文中文" + ELLIPSIS


@pytest.mark.parametrize(
    "text",
    [
        "e\u0301" * 100,  # letter + combining accent
        "\U0001f469\u200d\U0001f4bb" * 50,  # ZWJ emoji sequences
        "\U0001f1e9\U0001f1ea" * 50,  # flags: regional indicator pairs
        "\U0001f44d\U0001f3fd" * 50,  # skin tone modifier
    ],
)
def test_shorten_never_splits_a_grapheme_cluster(text: str) -> None:
    for limit in range(2, 40):
        short = shorten(text, limit)
        assert utf16_units(short) <= limit
        head = short.removesuffix(ELLIPSIS)
        assert text.startswith(head)
        rest = text[len(head) :]
        assert not rest or not (rest[0] in "\u0301\u200d\U0001f3fd" or head.endswith("\u200d")), (
            limit,
            short,
        )
        if text[0] == "\U0001f1e9":
            assert len(head) % 2 == 0  # whole flags


def test_shorten_counts_utf16_units() -> None:
    short = shorten("\U0001f600" * 300, 255)
    assert utf16_units(short) <= 255 and short.endswith(ELLIPSIS)


def test_shorten_keeps_bidi_balanced_within_the_limit() -> None:
    text = f"{RLE}" + "מילה " * 100 + PDF
    short = shorten(text, 50)
    assert utf16_units(short) <= 50 and short.endswith(PDF) and short.count(RLE) == 1


def test_field_text_cleans_then_shortens() -> None:
    assert field_text("a\nb") == "a b"
    assert field_text("word " * 100, 20) == "word word word word…"


def test_field_list_keeps_whole_items_then_the_overflow_mark() -> None:
    names = [f"Author Number {i}" for i in range(12)]
    kept = field_list(names, 60, overflow=ELLIPSIS)
    assert kept == [*names[:3], ELLIPSIS]
    assert utf16_units(", ".join(kept)) <= 60
    assert field_list(names, None) == names
    assert field_list(["a", " ", "b\n"], 10) == ["a", "b"]
    assert field_list(["x" * 100], 10) == ["x" * 9 + ELLIPSIS]
