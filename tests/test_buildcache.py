"""Incremental builds: what is skipped, what is rebuilt, and what the manifest holds."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

import export_post._version
from export_post.batch import ExportResult, PostJob, export_many, run_job
from export_post.batch.buildcache import MANIFEST_NAME, format_context

ASSETS = {"a": (200, 120, "red"), "b": (160, 90, "blue")}


def picture(path: Path, size: tuple[int, int], colour: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path)


@pytest.fixture
def blog(tmp_path: Path) -> Path:
    """Two posts, each with a picture of its own, and a theme folder extending a parent."""
    site = tmp_path / "site"
    for name, (w, h, colour) in ASSETS.items():
        picture(site / "assets" / f"{name}.png", (w, h), colour)
        post = site / "_posts" / f"2024-01-0{ord(name) - 96}-{name}.md"
        post.parent.mkdir(parents=True, exist_ok=True)
        post.write_text(
            f"---\ntitle: Post {name}\n---\nText of {name}.\n\n![Picture {name}](/assets/{name}.png)\n"
        )
    parent = tmp_path / "themes" / "parent"
    parent.mkdir(parents=True)
    (parent / "theme.yaml").write_text("name: parent\nextends: default\ncss: {html: [parent.css]}\n")
    (parent / "parent.css").write_text("p { margin: 0; }\n")
    child = tmp_path / "themes" / "child"
    child.mkdir()
    (child / "theme.yaml").write_text("name: child\nextends: ../parent\ncss: {html: [child.css]}\n")
    (child / "child.css").write_text("h1 { color: #333333; }\n")
    return tmp_path


def build(blog: Path, formats: Sequence[str] = ("epub", "html"), **kwargs: Any) -> dict[tuple[str, str], str]:
    """``{(post stem, format): status}`` of a run into ``blog/out``."""
    kwargs.setdefault("isolate", False)
    kwargs.setdefault("theme", str(blog / "themes" / "child"))
    results = export_many([blog / "site"], formats, blog / "out", **kwargs)
    return {(r.source.stem, r.format): r.status for r in results}


def statuses(report: dict[tuple[str, str], str]) -> set[str]:
    return set(report.values())


def test_a_second_run_skips_everything_and_leaves_the_files_alone(blog: Path) -> None:
    assert statuses(build(blog)) == {"ok"}
    before = {p.name: p.stat().st_mtime_ns for p in (blog / "out").iterdir()}
    results = export_many(
        [blog / "site"], ["epub", "html"], blog / "out", isolate=False, theme=str(blog / "themes/child")
    )
    assert [r.status for r in results] == ["skipped"] * 4
    assert all(r.ok and r.skipped and r.output is not None and r.output.is_file() for r in results)
    assert {p.name: p.stat().st_mtime_ns for p in (blog / "out").iterdir()} == before


def test_changing_one_image_rebuilds_exactly_the_posts_that_use_it(blog: Path) -> None:
    build(blog)
    picture(blog / "site/assets/a.png", (200, 120), "green")
    assert build(blog) == {
        ("2024-01-01-a", "epub"): "ok",
        ("2024-01-01-a", "html"): "ok",
        ("2024-01-02-b", "epub"): "skipped",
        ("2024-01-02-b", "html"): "skipped",
    }


def test_a_changed_cover_rebuilds_the_post(blog: Path) -> None:
    post = blog / "site/_posts/2024-01-02-b.md"
    post.write_text(post.read_text().replace("title: Post b\n", "title: Post b\nimage: /assets/a.png\n"))
    build(blog)
    picture(blog / "site/assets/a.png", (200, 120), "green")
    assert statuses(build(blog)) == {"ok"}


@pytest.mark.parametrize("theme_file", ["child/child.css", "parent/parent.css", "parent/theme.yaml"])
def test_changing_a_theme_file_or_a_parent_theme_rebuilds_everything(blog: Path, theme_file: str) -> None:
    build(blog)
    with (blog / "themes" / theme_file).open("a") as handle:
        handle.write("\n/* changed */\n" if theme_file.endswith(".css") else "\n# changed\n")
    assert statuses(build(blog)) == {"ok"}


def test_an_option_rebuilds_only_the_formats_that_have_it(blog: Path) -> None:
    build(blog)
    report = build(blog, max_image_px=100)
    assert {fmt: status for (_, fmt), status in report.items()} == {"epub": "ok", "html": "skipped"}


def test_a_changed_post_a_deleted_output_and_force_each_rebuild(blog: Path) -> None:
    build(blog)
    post = blog / "site/_posts/2024-01-02-b.md"
    post.write_text(post.read_text() + "\nOne more line.\n")
    (blog / "out/2024-01-01-a.html").unlink()
    assert build(blog) == {
        ("2024-01-01-a", "epub"): "skipped",
        ("2024-01-01-a", "html"): "ok",
        ("2024-01-02-b", "epub"): "ok",
        ("2024-01-02-b", "html"): "ok",
    }
    assert statuses(build(blog, force=True)) == {"ok"}


def test_an_output_changed_by_someone_else_is_rebuilt(blog: Path) -> None:
    build(blog)
    (blog / "out/2024-01-01-a.html").write_text("edited by hand")
    assert build(blog)[("2024-01-01-a", "html")] == "ok"
    assert "Text of a." in (blog / "out/2024-01-01-a.html").read_text()


def test_a_new_version_rebuilds(blog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(blog)
    monkeypatch.setattr(export_post._version, "__version__", "99.0")
    assert statuses(build(blog)) == {"ok"}


def test_source_date_epoch_is_an_input(blog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(blog)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert statuses(build(blog)) == {"ok"}


def test_the_manifest_records_each_output(blog: Path) -> None:
    build(blog)
    manifest = json.loads((blog / "out" / MANIFEST_NAME).read_text())
    assert manifest["format"] == 3
    assert sorted(manifest["outputs"]) == sorted(
        p.name for p in (blog / "out").glob("*.*") if p.name[0] != "."
    )
    entry = manifest["outputs"]["2024-01-01-a.html"]
    written = (blog / "out/2024-01-01-a.html").stat()
    assert (entry["size"], entry["mtime_ns"], entry["ctime_ns"], entry["inode"]) == (
        written.st_size,
        written.st_mtime_ns,
        written.st_ctime_ns,
        written.st_ino,
    )
    assert len(entry["fingerprint"]) == 64 and len(entry["context"]) == 64
    stamped = {Path(path).name: size for path, size, *_ in entry["inputs"]}
    assert stamped["2024-01-01-a.md"] == (blog / "site/_posts/2024-01-01-a.md").stat().st_size
    assert stamped["a.png"] == (blog / "site/assets/a.png").stat().st_size
    assert stamped["_config.yml"] == -1  # looked for, absent: its appearing would count


def test_outputs_next_to_the_posts_or_to_a_named_file_are_always_rebuilt(blog: Path) -> None:
    for _ in range(2):
        results = export_many([blog / "site"], ["html"], isolate=False)
        assert [r.status for r in results] == ["ok", "ok"]
    assert not (blog / "site/_posts" / MANIFEST_NAME).exists()  # nothing added to the site
    post = blog / "site/_posts/2024-01-01-a.md"
    for _ in range(2):
        results = export_many([post], ["html"], output_file=blog / "page.html", isolate=False)
        assert [r.status for r in results] == ["ok"]
    assert not (blog / MANIFEST_NAME).exists()


def test_a_broken_manifest_only_costs_a_rebuild(blog: Path) -> None:
    build(blog)
    (blog / "out" / MANIFEST_NAME).write_text('{"format": 1, "outputs": {"x": {"size": "no"}}')
    assert statuses(build(blog)) == {"ok"}
    assert statuses(build(blog)) == {"skipped"}


def test_a_skipped_output_reports_the_warnings_of_its_build(blog: Path) -> None:
    (blog / "site/assets/b.png").unlink()
    first = export_many([blog / "site"], ["html"], blog / "out", isolate=False)
    second = export_many([blog / "site"], ["html"], blog / "out", isolate=False)
    assert [r.status for r in second] == ["skipped", "skipped"]
    assert (
        [d.code for d in second[1].diagnostics]
        == [d.code for d in first[1].diagnostics]
        == ["image-not-found"]
    )
    assert second[1].diagnostics == first[1].diagnostics


def test_strict_mode_does_not_skip_an_output_built_with_warnings(blog: Path) -> None:
    (blog / "site/assets/b.png").unlink()
    build(blog, ("html",))
    results = export_many(
        [blog / "site"], ["html"], blog / "out", isolate=False, strict=True, theme=str(blog / "themes/child")
    )
    assert [r.status for r in results] == ["skipped", "failed"]
    assert results[1].error is not None and "strict mode: image not found" in results[1].error


def test_looking_at_images_reports_nothing_a_format_does_not_use(blog: Path) -> None:
    """A deck without pictures never reads them, so a missing one is no warning, on the
    first run (which records fingerprints) or the next (which compares them)."""
    (blog / "site/assets/a.png").unlink()
    for expected in ("ok", "skipped"):
        results = export_many(
            [blog / "site/_posts/2024-01-01-a.md"], ["pptx"], blog / "out", isolate=False, images=False
        )
        assert [(r.status, r.diagnostics) for r in results] == [(expected, ())]


def test_with_remote_images_allowed_a_post_that_has_one_is_always_rebuilt(blog: Path) -> None:
    post = blog / "site/_posts/2024-01-01-a.md"
    post.write_text(post.read_text() + "\n![Far](https://127.0.0.1:9/far.png)\n")  # not public: never fetched
    build(blog, ("html",), allow_remote=True)
    assert build(blog, ("html",), allow_remote=True) == {
        ("2024-01-01-a", "html"): "ok",
        ("2024-01-02-b", "html"): "skipped",
    }


def drawing(blog: Path, href: str) -> None:
    """An SVG drawing ``href``, shown by post b."""
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><image href="{href}"/></svg>'
    (blog / "site/assets/drawing.svg").write_text(svg)
    post = blog / "site/_posts/2024-01-02-b.md"
    post.write_text(post.read_text() + "\n![Drawing](/assets/drawing.svg)\n")


def test_a_changed_picture_that_an_svg_draws_rebuilds_the_post(blog: Path) -> None:
    """The picture is embedded in the SVG of every output: its content is an input."""
    picture(blog / "site/assets/c.png", (10, 10), "red")
    drawing(blog, "c.png")
    build(blog, ("html",))
    picture(blog / "site/assets/c.png", (10, 10), "blue")
    assert build(blog, ("html",)) == {
        ("2024-01-01-a", "html"): "skipped",
        ("2024-01-02-b", "html"): "ok",
    }


def test_with_remote_images_allowed_an_svg_drawing_a_remote_picture_is_always_rebuilt(blog: Path) -> None:
    drawing(blog, "https://127.0.0.1:9/far.png")  # not public: never fetched
    build(blog, ("html",), allow_remote=True)
    assert build(blog, ("html",), allow_remote=True) == {
        ("2024-01-01-a", "html"): "skipped",
        ("2024-01-02-b", "html"): "ok",
    }
    assert build(blog, ("html",)) == {  # without the network, it is the post's own files again
        ("2024-01-01-a", "html"): "ok",
        ("2024-01-02-b", "html"): "ok",
    }
    assert statuses(build(blog, ("html",))) == {"skipped"}


def test_isolated_workers_skip_too(blog: Path) -> None:
    """The real path: worker processes decide, the calling process records."""
    assert statuses(build(blog, isolate=True, jobs=2)) == {"ok"}
    assert statuses(build(blog, isolate=True, jobs=2)) == {"skipped"}


def test_an_interrupted_run_keeps_what_it_wrote(blog: Path) -> None:
    seen: list[ExportResult] = []

    def stop_after_first_post(result: ExportResult) -> None:
        seen.append(result)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build(blog, on_result=stop_after_first_post)
    assert build(blog) == {
        ("2024-01-01-a", "epub"): "skipped",
        ("2024-01-01-a", "html"): "skipped",
        ("2024-01-02-b", "epub"): "ok",
        ("2024-01-02-b", "html"): "ok",
    }


def test_a_copied_output_folder_is_rebuilt_only_where_files_differ(blog: Path) -> None:
    build(blog)
    shutil.copytree(blog / "out", blog / "copy", copy_function=shutil.copy)  # new modification times
    edited = blog / "copy" / "2024-01-01-a.html"
    edited.write_bytes(edited.read_bytes().replace(b"Text of a", b"Text of A"))
    results = export_many(
        [blog / "site"], ["html"], blog / "copy", isolate=False, theme=str(blog / "themes/child")
    )
    # A copy with the very bytes written is that output (a CI cache restores folders so).
    assert {r.source.stem: r.status for r in results} == {"2024-01-01-a": "ok", "2024-01-02-b": "skipped"}


class CountedPosts:
    """Counts the posts handed to ``export_post`` (the worker's job) in a run in this process."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.names: list[str] = []
        real = run_job

        def counted(job: PostJob) -> list[ExportResult]:
            self.names.append(job.source.stem)
            return real(job)

        monkeypatch.setattr("export_post.batch.schedule.run_job", counted)

    def run(self, blog: Path, **kwargs: Any) -> dict[tuple[str, str], str]:
        self.names.clear()
        return build(blog, **kwargs)


def test_a_rerun_with_nothing_changed_hands_no_post_to_a_worker(
    blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted = CountedPosts(monkeypatch)
    assert statuses(counted.run(blog)) == {"ok"}
    assert sorted(counted.names) == ["2024-01-01-a", "2024-01-02-b"]
    assert statuses(counted.run(blog)) == {"skipped"}
    assert counted.names == []  # decided from the files' stamps alone


def test_a_touched_file_is_looked_at_again_and_still_skipped(
    blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted = CountedPosts(monkeypatch)
    counted.run(blog)
    image = blog / "site/assets/a.png"
    image.write_bytes(image.read_bytes())  # same content, new times
    assert statuses(counted.run(blog)) == {"skipped"}  # the fingerprint says it is the same
    assert counted.names == ["2024-01-01-a"]
    assert counted.run(blog) and counted.names == []  # and the new stamps are kept


def test_a_missing_image_that_appears_rebuilds_its_post(blog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    counted = CountedPosts(monkeypatch)
    image = blog / "site/assets/b.png"
    saved = image.read_bytes()
    image.unlink()
    counted.run(blog, formats=("html",))
    image.write_bytes(saved)
    assert counted.run(blog, formats=("html",)) == {
        ("2024-01-01-a", "html"): "skipped",
        ("2024-01-02-b", "html"): "ok",
    }


def test_a_new_config_nearer_the_post_rebuilds_it(blog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A ``_config.yml`` appearing in the posts' folder makes that folder the site root."""
    counted = CountedPosts(monkeypatch)
    counted.run(blog, formats=("html",))
    (blog / "site/_posts/_config.yml").write_text("title: Nearer\n")
    assert statuses(counted.run(blog, formats=("html",))) == {"ok"}
    assert sorted(counted.names) == ["2024-01-01-a", "2024-01-02-b"]


def test_a_symlink_pointed_at_another_picture_rebuilds(blog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    counted = CountedPosts(monkeypatch)
    post = blog / "site/_posts/2024-01-01-a.md"
    post.write_text(post.read_text().replace("/assets/a.png", "/assets/link.png"))
    link = blog / "site/assets/link.png"
    link.symlink_to("a.png")
    counted.run(blog, formats=("html",))
    link.unlink()
    link.symlink_to("b.png")
    assert counted.run(blog, formats=("html",)) == {
        ("2024-01-01-a", "html"): "ok",
        ("2024-01-02-b", "html"): "skipped",
    }


def test_a_post_that_points_outside_the_site_is_always_checked_by_content(
    blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing is kept about a file outside the allowed folders, not even its size."""
    counted = CountedPosts(monkeypatch)
    (blog / "secret.png").write_bytes(b"not a picture")
    post = blog / "site/_posts/2024-01-01-a.md"
    post.write_text(post.read_text() + "\n![x](../../secret.png)\n")
    counted.run(blog, formats=("html",))
    entry = json.loads((blog / "out" / MANIFEST_NAME).read_text())["outputs"]["2024-01-01-a.html"]
    assert entry["inputs"] is None
    assert statuses(counted.run(blog, formats=("html",))) == {"skipped"}
    assert counted.names == ["2024-01-01-a"]


def test_outputs_restored_by_a_ci_cache_into_a_fresh_checkout_are_up_to_date(blog: Path) -> None:
    """A CI cache restores the output folder as copies (new inodes and change times) into a
    new checkout (every input a new file with the same bytes): the outputs are up to date by
    their content. A copy with other bytes of the same size is not."""
    assert statuses(build(blog, ["html"])) == {"ok"}
    shutil.copytree(blog / "out", blog / "restored")
    shutil.rmtree(blog / "out")
    (blog / "restored").rename(blog / "out")
    for path in sorted(p for p in blog.rglob("*") if p.is_file() and "out" not in p.parts):
        data = path.read_bytes()
        path.unlink()
        path.write_bytes(data)
    assert statuses(build(blog, ["html"])) == {"skipped"}
    assert statuses(build(blog, ["html"])) == {"skipped"}  # by the files' stamps now

    output = blog / "out" / "2024-01-01-a.html"
    text = output.read_bytes()
    output.unlink()
    output.write_bytes(text.replace(b"Text of a", b"Text of A"))
    assert build(blog, ["html"])[("2024-01-01-a", "html")] == "ok"


def test_a_reference_deck_named_by_an_option_is_part_of_the_context(tmp_path: Path) -> None:
    """A watch (or any run) rebuilds the decks when the reference deck's content changes."""
    deck = tmp_path / "reference.pptx"
    deck.write_bytes(b"first deck")
    before = format_context("pptx", {"reference_pptx": str(deck)}, "theme", {})
    deck.write_bytes(b"other deck")
    assert format_context("pptx", {"reference_pptx": str(deck)}, "theme", {}) != before
