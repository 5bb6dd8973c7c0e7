"""The warm server (export_post.warm): a run handed to it does what the same run in a
process of its own does, byte for byte and exit code for exit code, with the run's folder,
streams, environment and umask; signals reach it; a server only serves its own user, its own
interpreter and environment, and code that has not changed since it started."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from export_post.warm import place, server

from .support import SAMPLE_POST

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="warm servers run on Linux only")


class Warm:
    """Runs of ``python -m export_post`` with the server on, in a runtime folder of their own."""

    def __init__(self) -> None:
        # short: a socket's path holds at most 108 bytes, and pytest's tmp_path is long
        self.runtime = Path(tempfile.mkdtemp(prefix="ep-run-"))
        self.env = {
            **os.environ,
            place.SETTING: "on",
            place.IDLE_SETTING: "120",
            "XDG_RUNTIME_DIR": str(self.runtime),
        }

    @property
    def folder(self) -> Path:
        return self.runtime / "export-post"

    def run(
        self, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", "export_post", *args]
        return subprocess.run(
            argv, cwd=cwd, env=env or self.env, capture_output=True, text=True, timeout=180, check=False
        )

    def servers(self) -> list[tuple[int, int]]:
        return place.servers(self.folder) if self.folder.is_dir() else []

    def runs_served(self) -> int:
        return sum(runs for _pid, runs in self.servers())

    def wait_for_server(self) -> None:
        deadline = time.monotonic() + 60
        while not list(self.folder.glob("*.sock")) if self.folder.is_dir() else True:
            assert time.monotonic() < deadline, "no server started"
            time.sleep(0.1)

    def stop(self) -> None:
        for pid, _runs in self.servers():
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        while self.servers() and time.monotonic() < deadline:
            time.sleep(0.1)
        shutil.rmtree(self.runtime, ignore_errors=True)


@pytest.fixture
def warm() -> Iterator[Warm]:
    runs = Warm()
    try:
        yield runs
    finally:
        runs.stop()


def _started(warm: Warm, *args: str) -> subprocess.CompletedProcess[str]:
    """A first run (done in its own process), then its server up."""
    first = warm.run(*args)
    assert first.returncode == 0, first.stderr
    warm.wait_for_server()
    return first


@pytest.mark.parametrize("fmt", ["epub", "pdf", "pptx", "html"])
def test_a_served_run_writes_the_same_bytes(warm: Warm, tmp_path: Path, fmt: str) -> None:
    _started(warm, str(SAMPLE_POST), "-f", fmt, "-o", f"{tmp_path}/cold/", "-q")
    served = warm.run(str(SAMPLE_POST), "-f", fmt, "-o", f"{tmp_path}/warm/", "-q")
    assert served.returncode == 0, served.stderr
    assert warm.runs_served() == 1
    (cold,) = (tmp_path / "cold").glob(f"*.{fmt}")
    (hot,) = (tmp_path / "warm").glob(f"*.{fmt}")
    assert cold.name == hot.name
    assert cold.read_bytes() == hot.read_bytes()


def test_output_errors_and_exit_codes_are_the_process_own(warm: Warm, tmp_path: Path) -> None:
    _started(warm, "--list-formats")
    cases = [
        ["--list-formats"],
        [str(tmp_path / "missing.md"), "-o", f"{tmp_path}/out/"],
        [str(SAMPLE_POST), "-f", "nonsense"],
        ["--version"],
    ]
    alone = {**warm.env, place.SETTING: "off"}
    for args in cases:
        served, cold = warm.run(*args), warm.run(*args, env=alone)
        assert (served.returncode, served.stdout, served.stderr) == (
            cold.returncode,
            cold.stdout,
            cold.stderr,
        )
    assert warm.runs_served() == len(cases)


def test_a_served_run_uses_the_run_folder_umask_and_environment(warm: Warm, tmp_path: Path) -> None:
    _started(warm, "--list-formats")
    site = tmp_path / "site"
    site.mkdir()
    (site / "post.md").write_text("---\ntitle: Here\n---\n\nA paragraph.\n", encoding="utf-8")
    done = subprocess.run(
        ["sh", "-c", f'umask 077; exec "{sys.executable}" -m export_post post.md -f html -o out/ -q'],
        cwd=site,
        env=warm.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert warm.runs_served() == 1  # the umask is not part of a server's key
    assert (site / "out" / "post.html").is_file()
    assert stat.S_IMODE((site / "out").stat().st_mode) == 0o700  # made under the run's umask
    epoch = {**warm.env, "SOURCE_DATE_EPOCH": "86400"}  # read while running: the same server
    done = warm.run("post.md", "-f", "epub", "-o", "dated/", "-q", cwd=site, env=epoch)
    assert done.returncode == 0, done.stderr
    assert warm.runs_served() == 2
    import zipfile

    opf = zipfile.ZipFile(site / "dated" / "post.epub").read("EPUB/content.opf").decode()
    assert "1970-01-02T00:00:00Z" in opf


def _long_post(folder: Path) -> Path:
    folder.mkdir()
    paragraph = "A sentence that wraps over the width of a page many times over. " * 12
    body = "\n\n".join(f"## Part {i}\n\n{paragraph}\n\n{paragraph}" for i in range(400))
    post = folder / "long.md"
    post.write_text(f"---\ntitle: Long\n---\n\n{body}\n", encoding="utf-8")
    return post


_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)


def _as_python_starts() -> None:
    """In the child: the signals as a shell that ignores none of them leaves them (whatever
    this test run was started under: ``nohup`` ignores SIGHUP)."""
    for number in _SIGNALS:
        signal.signal(number, signal.SIG_DFL)


def _ignoring_hangups() -> None:
    """In the child: as under ``nohup``."""
    _as_python_starts()
    signal.signal(signal.SIGHUP, signal.SIG_IGN)


def _long_run_served(warm: Warm, post: Path, out: Path, preexec: Callable[[], None]) -> subprocess.Popen[str]:
    """A PDF of ``post`` by a served run, a second into it."""
    argv = [sys.executable, "-m", "export_post", str(post), "-f", "pdf", "-o", f"{out}/"]
    process = subprocess.Popen(
        argv, env=warm.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=preexec
    )
    deadline = time.monotonic() + 30
    while warm.runs_served() < 1:
        assert time.monotonic() < deadline and process.poll() is None, "the run was not served"
        time.sleep(0.05)
    time.sleep(1.0)  # well into the PDF
    return process


@pytest.mark.parametrize("how", ["SIGINT", "SIGTERM", "SIGHUP", "SIGKILL"])
def test_a_signal_to_the_run_stops_the_served_run(warm: Warm, tmp_path: Path, how: str) -> None:
    post = _long_post(tmp_path / "site")
    # the server is started by a run under nohup: its copies must still take a run's signals
    argv = [sys.executable, "-m", "export_post", "--list-formats"]
    subprocess.run(argv, env=warm.env, capture_output=True, check=True, preexec_fn=_ignoring_hangups)
    warm.wait_for_server()
    out = tmp_path / "out"
    process = _long_run_served(warm, post, out, _as_python_starts)
    process.send_signal(getattr(signal, how))
    _, stderr = process.communicate(timeout=60)
    if how in {"SIGINT", "SIGTERM"}:  # handled: what was done is printed
        assert process.returncode == 128 + getattr(signal, how), stderr
        assert f"interrupted by {how}" in stderr
    else:  # not handled: the run dies of it, and so does the process, as without a server
        assert process.returncode == -getattr(signal, how), stderr
    ((pid, _runs),) = warm.servers()
    deadline = time.monotonic() + 30
    while _children(pid):  # the forked run ends with its client
        assert time.monotonic() < deadline, "the served run outlived its client"
        time.sleep(0.1)
    assert not out.exists() or not any(out.iterdir()), "a partial output was left"


def test_a_hangup_a_run_ignores_is_ignored_served_too(warm: Warm, tmp_path: Path) -> None:
    """Under nohup a run goes on after SIGHUP, with a server as without one."""
    post = _long_post(tmp_path / "site")
    _started(warm, "--list-formats")
    process = _long_run_served(warm, post, tmp_path / "out", _ignoring_hangups)
    process.send_signal(signal.SIGHUP)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    assert (tmp_path / "out" / "long.pdf").is_file()


def _children(pid: int) -> list[str]:
    listing = subprocess.run(["ps", "-o", "pid=,stat=", "--ppid", str(pid)], capture_output=True, text=True)
    return [line for line in listing.stdout.splitlines() if line.split()[1][:1] != "Z"]


def test_two_runs_at_once_are_both_served(warm: Warm, tmp_path: Path) -> None:
    _started(warm, "--list-formats")
    argv = [sys.executable, "-m", "export_post", str(SAMPLE_POST), "-f", "epub", "-q"]
    runs = [
        subprocess.Popen([*argv, "-o", f"{tmp_path}/out{i}/"], env=warm.env, stderr=subprocess.PIPE)
        for i in range(2)
    ]
    errors = [run.communicate(timeout=120)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], errors
    assert warm.runs_served() == 2
    first, second = (next((tmp_path / f"out{i}").glob("*.epub")).read_bytes() for i in range(2))
    assert first == second


def test_a_folder_that_shadows_a_module_is_not_served(warm: Warm, tmp_path: Path) -> None:
    """``python -m`` puts the working folder first on the import path: a ``yaml.py`` there
    is what that run imports, so a server that imported the real one must not take it."""
    _started(warm, "--list-formats")
    folder = tmp_path / "shadow"
    folder.mkdir()
    (folder / "yaml.py").write_text("raise SystemExit('the yaml of this folder')\n", encoding="utf-8")
    done = warm.run("--list-formats", cwd=folder)
    assert "the yaml of this folder" in done.stderr  # imported: the run was its own process
    assert done.returncode == 1


def test_a_shadowing_module_is_looked_for_in_the_run_folder_under_python_c(
    warm: Warm, tmp_path: Path
) -> None:
    """``python -c`` puts "" first on the import path: the run's folder, not the server's."""
    _started(warm, "--list-formats")
    folder = tmp_path / "shadow"
    folder.mkdir()
    (folder / "yaml.py").write_text("raise SystemExit('the yaml of this folder')\n", encoding="utf-8")
    script = (
        "import sys; sys.argv = ['export-post', '--list-formats']"
        "; from export_post.launcher import command; raise SystemExit(command())"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=folder, env=warm.env, capture_output=True, text=True, timeout=120
    )
    assert "the yaml of this folder" in done.stderr  # imported: the run was its own process
    assert done.returncode == 1


def test_a_folder_others_may_enter_is_not_used(warm: Warm) -> None:
    warm.folder.mkdir(mode=0o777)
    warm.folder.chmod(0o777)
    done = warm.run("--list-formats")
    assert done.returncode == 0 and "epub" in done.stdout
    time.sleep(1.0)
    assert not list(warm.folder.iterdir()), "a server listened in a folder others can enter"


def test_off_runs_alone_and_stop_servers_ends_them(warm: Warm, tmp_path: Path) -> None:
    done = warm.run("--list-formats", env={**warm.env, place.SETTING: "off"})
    assert done.returncode == 0
    time.sleep(1.0)
    assert not warm.servers()
    _started(warm, "--list-formats")
    assert len(warm.servers()) == 1
    stop = warm.run("--stop-servers")
    assert stop.stdout == "stopped 1 warm server\n"
    deadline = time.monotonic() + 20
    while warm.servers() or any(warm.folder.glob("*.sock")):
        assert time.monotonic() < deadline, "the server did not stop"
        time.sleep(0.1)


def test_an_idle_server_ends(warm: Warm) -> None:
    warm.env[place.IDLE_SETTING] = "1"
    _started(warm, "--list-formats")
    deadline = time.monotonic() + 30
    while list(warm.folder.glob("*.sock")):
        assert time.monotonic() < deadline, "the idle server did not end"
        time.sleep(0.2)


def test_a_server_whose_code_changed_ends_instead_of_serving(tmp_path: Path) -> None:
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    path = tmp_path / "s.sock"
    listener.bind(str(path))
    listener.listen(1)
    module = tmp_path / "changed.py"
    module.write_text("x = 1\n")
    stamps = {str(module): (0, 0)}  # not what the file is now
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.connect(str(path))
    lock = os.open(tmp_path / "s.lock", os.O_RDWR | os.O_CREAT)
    try:
        assert server._serve(listener, stamps | server._stamps_of(server._module_files()), lock) is None
        assert client.recv(1) == b""  # closed without a reply: the run does the work itself
    finally:
        os.close(lock)
        client.close()
        listener.close()


def test_the_key_follows_the_environment_but_not_the_shell_bookkeeping(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = place.server_key()
    monkeypatch.setenv("OLDPWD", "/somewhere/else")
    monkeypatch.setenv("SHLVL", "7")
    assert place.server_key() == key
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")  # read by each run, not by imports
    monkeypatch.setenv("TMPDIR", "/somewhere/private")
    assert place.server_key() == key
    monkeypatch.setenv("LANG", "xx_YY.UTF-8")
    assert place.server_key() != key


def test_record_names_the_server(tmp_path: Path) -> None:
    lock = os.open(tmp_path / "x.lock", os.O_RDWR | os.O_CREAT)
    try:
        server._record(lock, 3)
        assert json.loads((tmp_path / "x.lock").read_text()) == {"pid": os.getpid(), "runs": 3}
    finally:
        os.close(lock)


def test_only_modules_and_packages_shadow(tmp_path: Path) -> None:
    from export_post.warm.request import shadowed

    request: dict[str, object] = {"path": [str(tmp_path), *sys.path]}
    (tmp_path / "html").mkdir()  # a site's folder, not a package: Python imports the real html
    (tmp_path / "yaml.md").write_text("")
    assert not shadowed(request)
    (tmp_path / "html" / "__init__.py").write_text("")
    assert shadowed(request)
    (tmp_path / "html" / "__init__.py").unlink()
    (tmp_path / "json.py").write_text("")
    assert shadowed(request)
    alone: dict[str, object] = {"path": sys.path}
    assert not shadowed(alone)  # a console script's first entry is its own folder


def test_a_server_that_cannot_fork_safely_says_so_once(warm: Warm, tmp_path: Path) -> None:
    """An import that starts a thread makes forking unsafe: the server ends and leaves a
    mark, and later runs do not start one again (each would cost a second of CPU)."""
    (tmp_path / "sitecustomize.py").write_text(
        "import threading, time\nthreading.Thread(target=time.sleep, args=(600,), daemon=True).start()\n"
    )
    warm.env["PYTHONPATH"] = f"{tmp_path}{os.pathsep}{warm.env.get('PYTHONPATH', '')}"
    assert warm.run("--list-formats").returncode == 0
    deadline = time.monotonic() + 60
    while not any(warm.folder.glob("*.refused")):
        assert time.monotonic() < deadline, "the server left no mark"
        time.sleep(0.1)
    assert not any(warm.folder.glob("*.sock"))
    assert warm.run("--list-formats").returncode == 0
    time.sleep(1.0)
    assert not warm.servers()


def test_a_run_from_a_deleted_folder_is_done_alone(warm: Warm, tmp_path: Path) -> None:
    _started(warm, "--list-formats")
    gone = tmp_path / "gone"
    gone.mkdir()
    script = f'cd "{gone}" && rmdir "{gone}" && exec "{sys.executable}" -m export_post --list-formats'
    done = subprocess.run(["sh", "-c", script], env=warm.env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "epub" in done.stdout, done.stderr
    assert "Traceback" not in done.stderr


def test_a_stopped_server_does_not_hold_up_a_run_nor_run_it_twice(warm: Warm, tmp_path: Path) -> None:
    _started(warm, "--list-formats")
    ((pid, _runs),) = warm.servers()
    os.kill(pid, signal.SIGSTOP)
    try:
        done = warm.run(str(SAMPLE_POST), "-f", "html", "-o", f"{tmp_path}/out/", "-q")
    finally:
        os.kill(pid, signal.SIGCONT)
    assert done.returncode == 0, done.stderr  # done alone, once the server did not answer
    (output,) = (tmp_path / "out").glob("*.html")
    written = output.stat().st_ino
    deadline = time.monotonic() + 10
    while warm.runs_served() < 1:  # the server wakes and takes the abandoned request
        assert time.monotonic() < deadline, "the server did not wake"
        time.sleep(0.1)
    time.sleep(3.0)
    assert output.stat().st_ino == written, "the abandoned request was run as well"


def test_the_rehearsal_exports_every_format_and_leaves_nothing_behind(tmp_path: Path) -> None:
    """The server rehearses each format once, so its copies start where a second export
    would: it must succeed for every built-in format (or the speed is silently lost), write
    nothing but its temporary files, print nothing, and start no thread."""
    scratch, cache = tmp_path / "tmp", tmp_path / "cache"
    scratch.mkdir()
    script = (
        "import json, os; from export_post.warm import rehearsal; done = rehearsal.rehearse()"
        "; print(json.dumps([done, len(os.listdir('/proc/self/task'))]))"
    )
    env = {**os.environ, "TMPDIR": str(scratch), "XDG_CACHE_HOME": str(cache)}
    env.pop("EXPORT_POST_CACHE_DIR", None)  # the store would be on: the rehearsal turns it off
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, done.stderr
    formats, threads = json.loads(done.stdout)
    assert formats == ["epub", "html", "pdf", "pptx"]
    assert threads == 1
    assert done.stderr == ""
    assert not list(scratch.iterdir())
    assert not cache.exists()


def test_the_fonts_watched_include_a_folder_yet_to_be_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from export_post.warm import fontstamps

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    fontstamps.watched.cache_clear()
    try:
        before = server._stamps_of(fontstamps.watched())
        assert before[str(tmp_path / "fonts")] == (-1, -1)
        if shutil.which("fc-match"):
            known = subprocess.run(["fc-match", "-f", "%{file}", "sans"], capture_output=True, text=True)
            assert str(Path(known.stdout).parent) in before  # a folder fontconfig reads
        (tmp_path / "fonts").mkdir()
        assert server._stamps_of(fontstamps.watched()) != before
    finally:
        fontstamps.watched.cache_clear()


def test_a_server_ends_when_a_font_is_installed(warm: Warm, tmp_path: Path) -> None:
    """A server has measured and loaded the fonts of when it started (its rehearsal): a run
    after a font is installed must not be served by it."""
    data = tmp_path / "data"
    data.mkdir()
    warm.env["XDG_DATA_HOME"] = str(data)
    _started(warm, "--list-formats")
    assert warm.run("--list-formats").returncode == 0
    ((pid, runs),) = warm.servers()
    assert runs == 1
    known = subprocess.run(["fc-match", "-f", "%{file}", "sans"], capture_output=True, text=True, check=False)
    font = Path(known.stdout) if known.returncode == 0 and known.stdout else None
    if font is None or not font.is_file():
        pytest.skip("fontconfig names no font file to install")
    (data / "fonts").mkdir()
    shutil.copy(font, data / "fonts" / f"installed{font.suffix}")
    done = warm.run("--list-formats")
    assert done.returncode == 0 and "epub" in done.stdout
    deadline = time.monotonic() + 20
    while pid in {p for p, _ in warm.servers()}:
        assert time.monotonic() < deadline, "the server outlived a font being installed"
        time.sleep(0.1)
