"""The fault lab: a small site, the CLI in a fresh process (its own session, so every process
it starts can be found and must be gone at the end), faults injected into its workers, and
checks of what an interrupted or failed run leaves behind.

Faults are injected by a hook module the CLI's workers import before any post (the
forkserver preloads it); ``FAULT_HOOK`` says which, comma-separated:

- ``slow-all=S``: every format of every post takes S seconds longer;
- ``slow=FMT:S``: format FMT takes S seconds longer;
- ``crash=FMT``: the worker dies (SIGKILL, as the OOM killer does) in format FMT;
- ``slow-read=S``: reading each post takes S seconds longer;
- ``slow-write=S``: each write sleeps S seconds after its temporary is flushed;
- ``enospc``: every file written fails with ``ENOSPC`` (also in the CLI process);
- ``erofs``: every temporary file fails with ``EROFS`` (also in the CLI process).
"""

from __future__ import annotations

import contextlib
import json
import os
import pty
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from export_post.batch.buildcache import MANIFEST_NAME, read_manifest
from export_post.leftovers import target_of

HOOK = r"""
import errno, os, signal, sys, tempfile, time

IN_CLI = getattr(sys, "_faults_cli", False)


def _before_export(fmt, action):
    from export_post.registry import exporter_class

    cls = exporter_class(fmt)
    real = cls.export

    def export(self, document, context):
        action()
        return real(self, document, context)

    cls.export = export


def _enospc(fd):
    raise OSError(errno.ENOSPC, "No space left on device")


def _erofs(*args, **kwargs):
    raise OSError(errno.EROFS, "Read-only file system")


for item in filter(None, os.environ.get("FAULT_HOOK", "").split(",")):
    name, _, arg = item.partition("=")
    if name == "enospc":
        os.fsync = _enospc
    elif name == "erofs":
        tempfile.mkstemp = _erofs
    elif IN_CLI:
        continue  # the others act in the workers only
    elif name == "slow-all":
        for fmt in ("html", "epub", "pdf", "pptx"):
            _before_export(fmt, lambda: time.sleep(float(arg)))
    elif name == "slow":
        fmt, seconds = arg.split(":")
        _before_export(fmt, lambda s=float(seconds): time.sleep(s))
    elif name == "crash":
        _before_export(arg, lambda: os.kill(os.getpid(), signal.SIGKILL))
    elif name == "slow-read":
        import export_post.batch.job as job

        real_load = job.load_post

        def load_post(*args, **kwargs):
            time.sleep(float(arg))
            return real_load(*args, **kwargs)

        job.load_post = load_post
    elif name == "slow-write":
        real_fsync = os.fsync

        def fsync(fd):
            real_fsync(fd)
            time.sleep(float(arg))

        os.fsync = fsync
"""

WRAPPER = """
import multiprocessing, sys

sys._faults_cli = True
import faults_hook  # noqa: F401  (the CLI process gets the faults that act there)
from export_post.cli import main

if __name__ == "__main__":
    multiprocessing.set_forkserver_preload(["faults_hook"])
    sys.exit(main(sys.argv[1:]))
"""

POST = """---
title: Post {n}
date: 2024-01-{day:02d}
---
# Post {n}

{body}

## More

A second part of post {n}.
"""

SERIF_MARK = "Noto Serif"  # in the CSS of every output made with --theme serif, never otherwise


def session_processes(sid: int) -> list[int]:
    """Every process of session ``sid`` (the CLI's own, as it started one)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = (entry / "stat").read_text()
            fields = stat[stat.rfind(")") + 2 :].split()
            if int(fields[3]) == sid and fields[0] != "Z":
                pids.append(int(entry.name))
    return pids


@dataclass
class Done:
    rc: int
    lines: list[tuple[float, str]]  # stdout lines with the time each arrived
    stderr: str
    elapsed: float
    leftover: list[int]  # processes of its session alive 10 s after it ended

    @property
    def stdout(self) -> str:
        return "".join(line for _, line in self.lines)

    def records(self) -> list[dict[str, Any]]:
        """The ``--json`` lines."""
        return [json.loads(line) for _, line in self.lines if line.startswith("{")]

    def errors(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("export-post: error:")]

    def explain(self) -> str:
        return (
            f"rc={self.rc} elapsed={self.elapsed:.1f}s\n"
            f"stdout:\n{self.stdout[-2000:]}\nstderr:\n{self.stderr[-3000:]}"
        )


class Proc:
    """A CLI run in progress; ``finish()`` waits for it and its session to end."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path, tty: bool) -> None:
        self.start = time.monotonic()
        self.lines: list[tuple[float, str]] = []
        self._err: list[str] = []
        master = None
        stderr: int | IO[Any] = subprocess.PIPE
        if tty:
            master, slave = pty.openpty()
            stderr = slave
        self.popen = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            errors="replace",
            start_new_session=True,
        )
        readers = [threading.Thread(target=self._read_stdout, daemon=True)]
        if master is not None:
            os.close(slave)
            readers.append(threading.Thread(target=self._read_pty, args=(master,), daemon=True))
        else:
            readers.append(threading.Thread(target=self._read_stderr, daemon=True))
        self.readers = readers
        for reader in readers:
            reader.start()

    @property
    def pid(self) -> int:
        return self.popen.pid

    def _read_stdout(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            self.lines.append((time.monotonic(), line))

    def _read_stderr(self) -> None:
        assert self.popen.stderr is not None
        self._err.append(self.popen.stderr.read())

    def _read_pty(self, master: int) -> None:
        chunks = []
        with contextlib.suppress(OSError):
            while data := os.read(master, 65536):
                chunks.append(data)
        os.close(master)
        self._err.append(b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n"))

    def wait_for_lines(self, count: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while len(self.lines) < count:
            assert self.popen.poll() is None, f"the run ended after {len(self.lines)} of {count} lines"
            assert time.monotonic() < deadline, f"only {len(self.lines)} of {count} lines"
            time.sleep(0.01)

    def signal(self, number: int, *, group: bool = False) -> None:
        if group:  # as a terminal does for Ctrl-C: the whole foreground process group
            os.killpg(self.pid, number)
        else:
            os.kill(self.pid, number)

    def finish(self, timeout: float = 180) -> Done:
        try:
            rc = self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            rc = 124
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)
            self.popen.wait()
        elapsed = time.monotonic() - self.start
        deadline = time.monotonic() + 10
        while (left := session_processes(self.pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        for pid in left:  # found and reported; never left running
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for reader in self.readers:
            reader.join(10)
        for stream in (self.popen.stdout, self.popen.stderr):
            if stream is not None:
                stream.close()
        return Done(rc, list(self.lines), "".join(self._err), elapsed, left)


@dataclass
class Lab:
    root: Path
    mounts: list[Path] = field(default_factory=list)
    procs: list[Proc] = field(default_factory=list)

    def __post_init__(self) -> None:
        for folder in (self.posts, self.scratch):
            folder.mkdir(parents=True, exist_ok=True)
        (self.scratch / "faults_hook.py").write_text(HOOK)
        (self.scratch / "faults_cli.py").write_text(WRAPPER)

    def __enter__(self) -> Lab:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        for proc in self.procs:
            for pid in [proc.pid, *session_processes(proc.pid)]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        for mount in reversed(self.mounts):
            subprocess.run(["umount", "-l", str(mount)], capture_output=True, check=False)

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def posts(self) -> Path:
        return self.site / "_posts"

    @property
    def out(self) -> Path:
        return self.root / "out"

    @property
    def scratch(self) -> Path:
        return self.root / "scratch"

    def write_posts(self, count: int, *, paragraphs: int = 3) -> list[Path]:
        made = []
        for n in range(1, count + 1):
            body = "\n\n".join(f"Paragraph {i} of post {n}: " + "words " * 40 for i in range(paragraphs))
            post = self.posts / f"2024-01-{n:02d}-post-{n}.md"
            post.write_text(POST.format(n=n, day=n, body=body))
            made.append(post)
        return made

    def env(self, hook: str = "") -> dict[str, str]:
        path = os.pathsep.join(filter(None, [str(self.scratch), os.environ.get("PYTHONPATH")]))
        return {**os.environ, "FAULT_HOOK": hook, "PYTHONPATH": path, "PYTHONDONTWRITEBYTECODE": "1"}

    def argv(self, *args: str, formats: str = "html,epub", out: Path | None = None) -> list[str]:
        return [
            sys.executable,
            str(self.scratch / "faults_cli.py"),
            str(self.site),
            "-f",
            formats,
            "-o",
            f"{out or self.out}/",
            *args,
        ]

    def start(
        self,
        *args: str,
        hook: str = "",
        formats: str = "html,epub",
        out: Path | None = None,
        tty: bool = False,
    ) -> Proc:
        proc = Proc(self.argv(*args, formats=formats, out=out), self.env(hook), self.root, tty)
        self.procs.append(proc)
        return proc

    def run(self, *args: str, hook: str = "", formats: str = "html,epub", out: Path | None = None) -> Done:
        return self.start(*args, hook=hook, formats=formats, out=out).finish()

    def mount_tmpfs(self, name: str, size: str, *, readonly: bool = False) -> Path | None:
        """A small tmpfs at ``root/name`` (``None`` where mounting is not allowed, or with
        ``EXPORT_POST_FAULTS_NO_MOUNT=1``)."""
        target = self.root / name
        target.mkdir(exist_ok=True)
        if os.environ.get("EXPORT_POST_FAULTS_NO_MOUNT") == "1":  # to try the fallback here
            return None
        options = f"size={size}" + (",ro" if readonly else "")
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)], capture_output=True, check=False
        )
        if done.returncode != 0:
            return None
        self.mounts.append(target)
        return target

    def remount(self, target: Path, options: str) -> None:
        subprocess.run(["mount", "-o", f"remount,{options}", str(target)], check=True, capture_output=True)


# ------------------------------------------------------------------------------------- checks


def complete(path: Path) -> bool:
    """The output is whole: an HTML page that ends, a zip that reads back."""
    if path.suffix == ".html":
        return path.read_text(encoding="utf-8").rstrip().endswith("</html>")
    if path.suffix in (".epub", ".pptx"):
        with zipfile.ZipFile(path) as archive:
            return archive.testzip() is None
    if path.suffix == ".pdf":
        data = path.read_bytes()
        return data.startswith(b"%PDF") and b"%%EOF" in data[-1024:]
    raise AssertionError(f"unknown output {path}")


def temporaries(folder: Path) -> list[str]:
    return (
        sorted(p.name for p in folder.iterdir() if target_of(p.name) is not None) if folder.is_dir() else []
    )


def outputs(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []


def assert_cache_truthful(folder: Path) -> dict[str, Any]:
    """The manifest reads back, and every entry describes the very file at its name."""
    entries, problem, _ = read_manifest(folder / MANIFEST_NAME)
    assert problem is None, problem
    for name, entry in entries.items():
        assert entry.is_file_of(folder / name), f"the cache describes another file than {name}"
    return entries


def assert_all_complete(folder: Path, posts: Sequence[Path], extensions: Sequence[str]) -> None:
    expected = sorted(folder / f"{post.stem}{ext}" for post in posts for ext in extensions)
    assert outputs(folder) == expected
    assert [p.name for p in expected if not complete(p)] == []
    assert temporaries(folder) == []


@contextlib.contextmanager
def chdir(path: Path) -> Iterator[None]:
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)
