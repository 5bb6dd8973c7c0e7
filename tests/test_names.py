"""Output names fit the file system with our temporary file, cut between characters and
still unique; one post given several times is converted once, and its error shown once;
the documented limits are the enforced ones."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
import regex
from hypothesis import example, given, settings
from hypothesis import strategies as st

from export_post.batch.buildcache import MANIFEST_NAME
from export_post.cli import main
from export_post.output import EXTENSION_BYTES, MAX_NAME_BYTES, NAME_MAX, output_name, write_atomic
from export_post.reader.source import MAX_POST_BYTES

from .support import ROOT

GRAPHEMES = regex.compile(r"\X")


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


# Names as posts have them: CJK, accents as combining marks, emoji sequences, flags, Hangul
# jamo, and bytes that are not UTF-8 (os.fsdecode gives them as lone surrogates).
PIECES = st.sampled_from(
    [
        "長",
        "a",
        "-",
        " ",
        ".",
        "e\u0301",
        "👩\u200d👩\u200d👧",
        "🇯🇵",
        "\u1100\u1161\u11a8",
        "ß",
        "\udce9",
        "x",
    ]
)
STEMS = st.lists(PIECES, min_size=1, max_size=150).map("".join)
EXTENSIONS = st.sampled_from([".epub", ".pdf", ".pptx", ".html", "", ".a-plugins-ext"])


@given(STEMS, EXTENSIONS)
@example("2024-01-01-" + "長" * 77, ".epub")  # 242 bytes of CJK
@settings(max_examples=300, deadline=None)
def test_every_name_fits_cut_between_characters(stem: str, extension: str) -> None:
    name = output_name(Path(stem + ".md"), extension)
    assert name.endswith(extension)
    assert len(os.fsencode(name)) <= MAX_NAME_BYTES
    kept = name[: len(name) - len(extension)]
    whole = re.sub(r"[\x00-\x1f\x7f/\\:*?\"<>|]+", "-", stem).strip(" .-") or "post"
    if kept == whole:
        return
    assert len(os.fsencode(whole)) > MAX_NAME_BYTES - EXTENSION_BYTES  # only long names are cut
    cut, tag = kept[:-9], kept[-9:]
    assert re.fullmatch(r"-[0-9a-f]{8}", tag)
    assert whole.startswith(cut)
    clusters = GRAPHEMES.findall(whole)
    assert GRAPHEMES.findall(cut) == clusters[: len(GRAPHEMES.findall(cut))]  # whole clusters only


@given(STEMS, STEMS)
@settings(max_examples=200, deadline=None)
def test_names_that_begin_alike_stay_apart(common: str, tail: str) -> None:
    long = "2024-01-01-" + "長" * 80 + common
    first, second = output_name(Path(long + ".md"), ".pdf"), output_name(Path(long + tail + "x.md"), ".pdf")
    assert first != second


def test_the_longest_name_and_its_temporary_file_can_be_written(tmp_path: Path) -> None:
    name = "長" * ((MAX_NAME_BYTES - 5) // 3) + "x" * ((MAX_NAME_BYTES - 5) % 3) + ".epub"
    assert len(name.encode()) == MAX_NAME_BYTES and MAX_NAME_BYTES < NAME_MAX
    assert write_atomic(tmp_path / name, b"data").read_bytes() == b"data"
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_a_post_named_with_242_bytes_of_cjk_converts(tmp_path: Path) -> None:
    posts = tmp_path / "_posts"
    posts.mkdir()
    long = "2024-01-01-" + "長" * 77
    assert len(long.encode()) == 242
    (posts / f"{long}.md").write_text("---\ntitle: Long\n---\n\n## One\n\nText 中文.\n")
    (posts / f"{long[:-1]}短.md").write_text("---\ntitle: Alike\n---\n\nOther text.\n")  # cut alike
    out = tmp_path / "out"
    code, stdout, err = cli(str(tmp_path), "-f", "all", "-o", f"{out}/")
    assert (code, err) == (0, "")
    names = sorted(p.name for p in out.iterdir() if p.name != MANIFEST_NAME)
    assert len(names) == 8 and len({Path(n).stem for n in names}) == 2  # a stem per post, no clash
    assert all(len(n.encode()) <= MAX_NAME_BYTES for n in names)
    code, stdout, _ = cli(str(tmp_path), "-f", "all", "-o", f"{out}/")
    assert code == 0 and stdout.count("(up to date)") == 8  # the cache knows them by these names


def test_one_post_named_four_ways_is_converted_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    site.mkdir()
    post = site / "2024-01-01-post.md"
    post.write_text("---\ntitle: Once\n---\n\nText.\n")
    (site / "link.md").symlink_to(post)
    monkeypatch.chdir(site)
    spellings = ["2024-01-01-post.md", str(post), "./2024-01-01-post.md", "link.md"]
    code, out, err = cli(*spellings, "-f", "html,epub", "-o", "../out/")
    assert (code, err) == (0, "")
    assert out.splitlines() == ["wrote ../out/2024-01-01-post.html", "wrote ../out/2024-01-01-post.epub"]


def test_a_post_error_is_printed_once_not_once_per_format(tmp_path: Path) -> None:
    post = tmp_path / "bad.md"
    post.write_text("---\ntitle: [unclosed\n---\nText.\n")
    code, out, err = cli(str(post), "-f", "all", "-o", f"{tmp_path}/out/")
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and "front matter" in err


def test_the_documented_limits_are_the_enforced_ones() -> None:
    """Every place the docs state the post-size cap or the output-name limit gives the value
    the code enforces (and each phrase is still found, so a rewording cannot slip past)."""
    docs = {
        p: p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    }
    post_size = f"{MAX_POST_BYTES // 2**20} MiB"
    claims = {
        r"post file size \| ([\d.]+ [KMG]iB)": post_size,
        r"is larger than ([\d.]+ [KMG]iB)": post_size,
        r"an? ([\d.]+ [KMG]iB) cap": post_size,
        r"output names? (?:is|are) (?:cut to|at most) (\d+) bytes": str(MAX_NAME_BYTES),
    }
    for pattern, truth in claims.items():
        found = [
            (path.name, m.group(1)) for path, text in docs.items() for m in re.finditer(pattern, text, re.I)
        ]
        assert found, f"no docs state {pattern!r} any more"
        assert all(value == truth for _, value in found), (pattern, truth, found)
