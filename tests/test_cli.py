from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import pytest

from export_post.batch.buildcache import MANIFEST_NAME
from export_post.cli import main

from .support import SAMPLE_SITE


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_list_formats_and_themes() -> None:
    code, out, _ = cli("--list-formats")
    assert code == 0
    assert [line.split("\t")[0] for line in out.splitlines()] == ["epub", "html", "pdf", "pptx"]
    code, out, _ = cli("--list-themes")
    assert code == 0
    assert [line.split("\t")[0] for line in out.splitlines()] == ["contrast", "default", "serif"]
    assert all(len(line.split("\t")) == 3 for line in out.splitlines())


def test_site_folder_to_all_formats(tmp_path: Path) -> None:
    code, out, err = cli(str(SAMPLE_SITE), "--format", "all", "-o", f"{tmp_path}/")
    assert (code, err) == (0, "")
    names = sorted(p.name for p in tmp_path.iterdir())
    expected = [f"2024-06-10-personal-growth.{e}" for e in ("epub", "html", "pdf", "pptx")]
    assert names == [MANIFEST_NAME, *expected]  # the record of what is up to date
    assert out.count("wrote ") == 4


def test_single_file_output_and_comma_formats(tmp_path: Path) -> None:
    post = SAMPLE_SITE / "_posts" / "2024-06-10-personal-growth.md"
    code, _, _ = cli(str(post), "-f", "html", "-o", str(tmp_path / "page.html"))
    assert code == 0 and [p.name for p in tmp_path.iterdir()] == ["page.html"]
    code, _, _ = cli(str(post), "-f", "html,epub", "-o", str(tmp_path / "both"))
    assert code == 0 and sorted(p.suffix for p in (tmp_path / "both").iterdir()) == [
        ".epub",
        ".html",
        ".json",
    ]


def copy_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(SAMPLE_SITE, site)
    return site


def test_outputs_next_to_the_post_add_nothing_else_to_the_site(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    assert cli(str(site / "_posts" / "2024-06-10-personal-growth.md"), "-f", "html")[0] == 0
    assert cli(str(site / "_posts" / "2024-06-10-personal-growth.md"), "-f", "html")[0] == 0
    names = sorted(p.name for p in (site / "_posts").iterdir())
    assert names == ["2024-06-10-personal-growth.html", "2024-06-10-personal-growth.md"]


def test_missing_image_warns_and_still_writes(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    (site / "assets/img/research/Personal_growth/Personal_growth_fig3.jpg").unlink()
    code, _, err = cli(str(site), "-f", "html", "-o", f"{tmp_path}/out/")
    assert code == 0
    assert "_posts/2024-06-10-personal-growth.md:105: warning: image not found:" in err
    assert "[image-not-found]" in err
    assert (tmp_path / "out" / "2024-06-10-personal-growth.html").exists()


def test_strict_fails_and_writes_nothing_and_keeps_the_old_output(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    out = tmp_path / "out"
    assert cli(str(site), "-f", "epub", "-o", f"{out}/")[0] == 0
    before = (out / "2024-06-10-personal-growth.epub").read_bytes()
    (site / "assets/img/research/Personal_growth/Personal_growth_fig3.jpg").unlink()
    code, _, err = cli(str(site), "-f", "epub", "-o", f"{out}/", "--strict")
    assert code == 1
    assert "error:" in err and "strict mode: image not found" in err
    assert (out / "2024-06-10-personal-growth.epub").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST_NAME, "2024-06-10-personal-growth.epub"]


def test_one_bad_post_fails_alone(tmp_path: Path) -> None:
    posts = tmp_path / "_posts"
    posts.mkdir()
    (posts / "2024-01-01-good.md").write_text("---\ntitle: Good\n---\nHello.\n")
    (posts / "2024-01-02-bad.md").write_text("---\ntitle: Bad\ndate: 2024-13-45\n---\nHello.\n")
    code, out, err = cli(str(tmp_path), "-f", "html", "-o", f"{tmp_path}/out/")
    assert code == 1
    assert "wrote " in out and "2024-01-01-good.html" in out
    lines = err.strip().splitlines()
    bad = posts / "2024-01-02-bad.md"
    assert lines == [
        f"export-post: error: {bad}:3: front matter 'date': '2024-13-45' is not a valid date "
        "(month must be in 1..12)"
    ]
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x.md", "-f", "docx"], "unknown format 'docx'"),
        (["x.md", "-f", "pfd"], "did you mean pdf"),
        (["x.md", "--theme", "nope"], "no theme named 'nope'; installed themes: contrast, default, serif"),
        ([], "no input given"),
        (["--jobs", "0", "x.md"], "--jobs must be at least 1"),
        (["x.md", "-f", "epub", "--page-size", "A5"], "--page-size is a pdf option, but pdf is not among"),
        (["x.md", "--closing-slide"], "--closing-slide is a pptx option, but pptx is not among the formats"),
        (["x.md", "-f", "pptx", "--slide-level", "0"], "slide_level must be 1 to 6 (got 0)"),
        (["x.md", "-f", "pptx", "--reference-pptx", "no.pptx"], "reference deck no.pptx does not exist"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    code, _, err = cli(*args)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_missing_input_file_fails_with_exit_1(tmp_path: Path) -> None:
    code, _, err = cli(str(tmp_path / "missing.md"), "-f", "html")
    assert code == 1
    assert "missing.md: cannot read post" in err


def test_single_output_file_must_match_the_format(tmp_path: Path) -> None:
    post = SAMPLE_SITE / "_posts" / "2024-06-10-personal-growth.md"
    code, _, err = cli(str(post), "-f", "pdf", "-o", str(tmp_path / "out.epub"))
    assert code == 2 and "should end in .pdf" in err


def test_version_and_module_entry(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("export-post ")


def test_strict_writes_no_format_of_a_post_with_warnings(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    (site / "assets/img/research/Personal_growth/Personal_growth_fig3.jpg").unlink()
    code, out, err = cli(str(site), "-f", "html,pptx,epub", "-o", f"{tmp_path}/out/", "--strict")
    assert code == 1 and out == ""
    assert err.count("strict mode: image not found") == 1  # the post's error, once for its 3 formats
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_file_like_output_with_several_outputs_is_refused(tmp_path: Path) -> None:
    code, _, err = cli(str(SAMPLE_SITE), "-f", "pdf,epub", "-o", str(tmp_path / "book.pdf"))
    assert code == 2 and "names a file, but there are 2 outputs" in err
    assert not (tmp_path / "book.pdf").exists()


def test_site_folder_with_one_post_can_write_one_named_file(tmp_path: Path) -> None:
    code, _, _ = cli(str(SAMPLE_SITE), "-f", "html", "-o", str(tmp_path / "page.html"))
    assert code == 0 and (tmp_path / "page.html").is_file()


def test_bad_site_root_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = cli(str(SAMPLE_SITE), "--site-root", str(tmp_path / "nope"))
    assert code == 2 and "is not a folder" in err


def test_posts_with_the_same_file_name_do_not_overwrite_each_other(tmp_path: Path) -> None:
    for site in ("a", "b"):
        posts = tmp_path / site / "_posts"
        posts.mkdir(parents=True)
        (posts / "2024-01-01-same.md").write_text(f"---\ntitle: {site}\n---\nText.\n")
    code, _, err = cli(str(tmp_path / "a"), str(tmp_path / "b"), "-f", "html", "-o", f"{tmp_path}/out/")
    assert code == 1 and "output name clashes with" in err
    assert "<title>a</title>" in (tmp_path / "out" / "2024-01-01-same.html").read_text()


def test_odd_file_names_and_line_endings(tmp_path: Path) -> None:
    posts = tmp_path / "_posts"
    posts.mkdir()
    (posts / "2024-1-5-it's a post 楽しい.md").write_bytes(
        b"---\r\ntitle: Odd\r\n---\r\n## A\r\n\r\nNo final newline"
    )
    code, _, err = cli(str(tmp_path), "-f", "epub,html", "-o", f"{tmp_path}/out/")
    assert (code, err) == (0, "")
    names = sorted(p.name for p in (tmp_path / "out").iterdir() if p.name != MANIFEST_NAME)
    assert names == ["2024-1-5-it's a post 楽しい.epub", "2024-1-5-it's a post 楽しい.html"]
    html = (tmp_path / "out" / names[1]).read_text()
    assert "No final newline" in html and "\r" not in html and '<time datetime="2024-01-05">' in html


@pytest.mark.parametrize("theme", ["default", "serif", "contrast"])
def test_quiet_means_nothing_on_stderr_in_every_theme(theme: str, tmp_path: Path) -> None:
    # A fresh process: a code style's plugin once set up logging as it was imported, and
    # every library's progress messages then went to stderr.
    import subprocess
    import sys

    post = tmp_path / "p.md"
    post.write_text("---\ntitle: Quiet\n---\n\nText.\n\n```python\nprint(1)\n```\n", encoding="utf-8")
    argv = [sys.executable, "-m", "export_post", str(post), "-f", "pdf,pptx", "--theme", theme, "-q"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


@pytest.mark.parametrize(
    ("extra", "workers"), [((), 0), (("--timeout", "60"), 1), (("--memory-limit", "4096"), 1)]
)
def test_one_post_runs_in_a_worker_only_when_a_limit_is_asked_for(
    extra: tuple[str, ...], workers: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from export_post.batch import schedule

    started: list[int] = []
    real = schedule.IsolatedRunner  # type: ignore[attr-defined]

    def counting(*args: Any, **kwargs: Any) -> Any:
        started.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(schedule, "IsolatedRunner", counting)
    post = tmp_path / "2024-01-01-one.md"
    post.write_text("---\ntitle: One\n---\n\nText.\n", encoding="utf-8")
    code, _, err = cli(str(post), "-f", "html", "-o", f"{tmp_path}/out/", *extra)
    assert (code, err) == (0, "")
    assert len(started) == workers
    assert (tmp_path / "out" / "2024-01-01-one.html").is_file()
