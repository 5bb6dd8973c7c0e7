"""Posts found by walking a site are untrusted: what leads out of the site, or is no regular
file, is refused with one line naming it; the rest is converted. A post the user names is
theirs and is followed."""

from __future__ import annotations

import io
import os
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from export_post.batch import convert_post, export_many, make_settings
from export_post.batch.buildcache import MANIFEST_NAME
from export_post.batch.discovery import Post, discover, find_posts
from export_post.cli import main
from export_post.errors import ReadError
from export_post.reader.source import read_post_text

GOOD = "---\ntitle: Good\n---\nHello from the site.\n"
SECRET = "---\ntitle: Secret\n---\nCANARY-OUTSIDE-42\n"


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Path]:
    """``site/_posts`` with one good post, ``site/_drafts/d.md`` and ``outside/secret.md``."""
    (tmp_path / "site" / "_posts").mkdir(parents=True)
    (tmp_path / "site" / "_drafts").mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "site/_posts/2024-01-01-good.md").write_text(GOOD)
    (tmp_path / "site/_drafts/d.md").write_text(GOOD.replace("Good", "Draft"))
    (tmp_path / "outside/secret.md").write_text(SECRET)
    yield tmp_path


def posts_dir(lab: Path) -> Path:
    return lab / "site" / "_posts"


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def convert(lab: Path) -> tuple[int, str, str]:
    return cli(str(lab / "site"), "-f", "html", "-o", f"{lab}/out/", "-j", "1")


def outputs(lab: Path) -> list[str]:
    return sorted(p.name for p in (lab / "out").glob("*.html"))


def error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("export-post: error:")]


def test_a_symlink_leaving_the_site_is_refused_with_one_line(lab: Path) -> None:
    (posts_dir(lab) / "2024-01-02-passwd.md").symlink_to("/etc/passwd")
    (posts_dir(lab) / "2024-01-03-secret.md").symlink_to(lab / "outside/secret.md")
    code, _, err = convert(lab)
    assert code == 1 and "Traceback" not in err
    assert error_lines(err) == [
        f"export-post: error: {posts_dir(lab)}/2024-01-02-passwd.md: refused: a symlink to /etc/passwd, "
        f"outside {lab / 'site'}",
        f"export-post: error: {posts_dir(lab)}/2024-01-03-secret.md: refused: a symlink to "
        f"{lab / 'outside/secret.md'}, outside {lab / 'site'}",
    ]
    assert outputs(lab) == ["2024-01-01-good.html"]
    assert "root:x:0:0" not in (lab / "out/2024-01-01-good.html").read_text()


def test_a_symlink_inside_the_site_is_followed(lab: Path) -> None:
    (posts_dir(lab) / "2024-01-02-draft.md").symlink_to("../_drafts/d.md")
    code, _, err = convert(lab)
    assert (code, err) == (0, "")
    assert outputs(lab) == ["2024-01-01-good.html", "2024-01-02-draft.html"]


def test_a_post_named_on_the_command_line_may_be_a_symlink_out(lab: Path) -> None:
    link = posts_dir(lab) / "2024-01-02-secret.md"
    link.symlink_to(lab / "outside/secret.md")
    code, _, err = cli(str(link), "-f", "html", "-o", f"{lab}/out/")
    assert (code, err) == (0, "")
    assert "CANARY-OUTSIDE-42" in (lab / "out/2024-01-02-secret.html").read_text()


def fifo(path: Path) -> None:
    os.mkfifo(path)


def unix_socket(path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))


def device(path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # /dev/null's numbers


@pytest.mark.parametrize(
    ("make", "kind"), [(fifo, "a FIFO"), (unix_socket, "a socket"), (device, "a character device")]
)
def test_a_post_that_is_not_a_regular_file_is_refused_at_once(lab: Path, make: object, kind: str) -> None:
    """Never opened: opening a FIFO nobody writes blocks forever (run in a fresh process
    under a deadline, so a regression fails instead of hanging the suite)."""
    assert callable(make)
    make(posts_dir(lab) / "2024-01-02-odd.md")
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "export_post", str(lab / "site"), "-f", "html", "-o", f"{lab}/out/"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert time.monotonic() - start < 30
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert error_lines(done.stderr) == [
        f"export-post: error: {posts_dir(lab)}/2024-01-02-odd.md: refused: not a regular file ({kind})"
    ]
    assert outputs(lab) == ["2024-01-01-good.html"]


def test_an_explicit_fifo_is_refused_too_and_never_blocks(lab: Path) -> None:
    pipe = lab / "pipe.md"
    os.mkfifo(pipe)
    with pytest.raises(ReadError, match=r"refused: not a regular file \(a FIFO\)"):
        read_post_text(pipe)


def test_broken_and_looping_links_are_one_line_each(lab: Path) -> None:
    (posts_dir(lab) / "2024-01-02-dangling.md").symlink_to("nowhere.md")
    (posts_dir(lab) / "2024-01-03-loop.md").symlink_to("2024-01-03-loop.md")
    code, _, err = convert(lab)
    assert code == 1 and "Traceback" not in err
    assert error_lines(err) == [
        f"export-post: error: {posts_dir(lab)}/2024-01-02-dangling.md: cannot read post: "
        "No such file or directory",
        f"export-post: error: {posts_dir(lab)}/2024-01-03-loop.md: cannot read post: "
        "Too many levels of symbolic links",
    ]


def test_symlinked_folders_inside_are_walked_once_and_outside_refused(lab: Path) -> None:
    (lab / "site/more").mkdir()
    (lab / "site/more/2024-02-01-more.md").write_text(GOOD)
    (posts_dir(lab) / "more").symlink_to("../more")
    (posts_dir(lab) / "again").symlink_to("../more")  # the same folder twice: walked once
    (posts_dir(lab) / "loop").symlink_to(".")  # a loop: walked once
    (posts_dir(lab) / "out").symlink_to(lab / "outside")
    (posts_dir(lab) / "root").symlink_to("/")
    found = discover(lab / "site")
    assert [(p.path.relative_to(lab / "site"), p.refused is None) for p in found] == [
        (Path("_posts/2024-01-01-good.md"), True),
        (Path("_posts/out"), False),  # refused as the folder holding the link is listed
        (Path("_posts/root"), False),
        (Path("_posts/again/2024-02-01-more.md"), True),
    ]
    assert found[1].refused == (
        f"{posts_dir(lab)}/out: refused: a symlink to {lab / 'outside'}, outside {lab / 'site'}"
    )
    assert find_posts(lab / "site") == [found[0].path, found[3].path]


def test_a_posts_folder_that_is_a_symlink_out_of_the_site_is_refused(lab: Path) -> None:
    site = lab / "site2"
    site.mkdir()
    (site / "_posts").symlink_to(lab / "outside")
    (found,) = discover(site)
    assert found.refused == f"{site}/_posts: refused: a symlink to {lab / 'outside'}, outside {site}"
    code, _, err = cli(str(site), "-f", "html", "-o", f"{lab}/out/")
    assert code == 1 and len(error_lines(err)) == 1 and "CANARY" not in err
    assert not (lab / "out").exists() or outputs(lab) == []


def test_a_posts_folder_named_directly_is_the_users(lab: Path) -> None:
    """``export-post site/_posts`` walks it; its site (the parent) bounds the symlinks."""
    (posts_dir(lab) / "2024-01-02-draft.md").symlink_to("../_drafts/d.md")
    (posts_dir(lab) / "2024-01-03-secret.md").symlink_to(lab / "outside/secret.md")
    found = discover(posts_dir(lab))
    assert [(p.path.name, p.refused is None) for p in found] == [
        ("2024-01-01-good.md", True),
        ("2024-01-02-draft.md", True),
        ("2024-01-03-secret.md", False),
    ]


def test_a_folder_that_cannot_be_listed_is_one_line(lab: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (posts_dir(lab) / "locked").mkdir()
    real = os.scandir

    def scandir(path: object) -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real(path)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "scandir", scandir)
    found = discover(lab / "site")
    assert [p.refused for p in found] == [
        None,
        f"{posts_dir(lab)}/locked: cannot list folder: Permission denied",
    ]


def test_deep_folders_do_not_exhaust_the_stack(lab: Path) -> None:
    deep = posts_dir(lab)
    for _ in range(300):  # deeper than the walk could recurse comfortably, within PATH_MAX
        deep = deep / "d"
    deep.mkdir(parents=True)
    (deep / "2024-01-02-deep.md").write_text(GOOD)
    assert [p.path.name for p in discover(lab / "site")] == ["2024-01-01-good.md", "2024-01-02-deep.md"]


def test_a_symlink_swapped_after_the_walk_is_refused_when_read(lab: Path) -> None:
    """The check is made again on the descriptor the worker opens: a post that was fine when
    the folder was walked and points out of the site when it is read is refused."""
    link = posts_dir(lab) / "2024-01-02-swap.md"
    link.symlink_to("../_drafts/d.md")
    (walked,) = [p for p in discover(lab / "site") if p.path == link]
    assert walked.refused is None and walked.within == (lab / "site").resolve()
    link.unlink()
    link.symlink_to(lab / "outside/secret.md")
    (result,) = convert_post(link, ["html"], lab / "out", make_settings(["html"]), within=walked.within)
    assert (
        result.error == f"{link}: refused: a symlink to {lab / 'outside/secret.md'}, outside {walked.within}"
    )
    assert not (lab / "out").exists()


def test_a_walked_post_replaced_by_a_fifo_is_refused_when_read(lab: Path) -> None:
    post = posts_dir(lab) / "2024-01-01-good.md"
    walked = Post(post, within=(lab / "site").resolve())
    post.unlink()
    os.mkfifo(post)
    (result,) = export_many([walked], ["html"], lab / "out", isolate=False)
    assert result.error == f"{post}: refused: not a regular file (a FIFO)"


def test_the_build_cache_never_opens_a_fifo(lab: Path) -> None:
    """The fingerprint reads the post before the reader does: it must not block either."""
    post = lab / "pipe.md"
    os.mkfifo(post)
    (result,) = export_many([post], ["html"], lab / "out", isolate=False)
    assert result.error == f"{post}: refused: not a regular file (a FIFO)"


def test_a_looping_post_named_on_the_command_line_is_one_line(lab: Path) -> None:
    loop = lab / "loop.md"
    loop.symlink_to("loop.md")
    out = lab / "out"
    out.mkdir()
    (out / MANIFEST_NAME).write_text(  # an entry for its output, as if it once was a post
        '{"format": 3, "outputs": {"loop.html": {"fingerprint": "f", "size": 1, "mtime_ns": 1, '
        '"ctime_ns": 1, "inode": 1, "context": "c", "inputs": [], "diagnostics": []}}}'
    )
    for isolate in (False, True):
        (result,) = export_many([loop], ["html"], out, isolate=isolate)
        assert result.error == f"{loop}: cannot read post: Too many levels of symbolic links"
