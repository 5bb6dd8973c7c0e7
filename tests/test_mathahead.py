"""Formulas typeset ahead, some in a forked copy of the process: only where the command allows
it, with the pictures this process would make, and nothing lost when the copy fails; and the
copy takes more of the jobs when it is faster."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.support import fresh_json

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="a copy typesets only on Linux")

FORMULAS = [
    (r"\sum_{i=1}^{n} \frac{x_i^2}{\sqrt{1 + y_i}}", True),
    (r"\left( \frac{\partial f}{\partial x} \right)^2 = \int_0^1 \sqrt{1 + x^2} \, dx", True),
    (r"\begin{pmatrix} a & b \\ c & d \end{pmatrix} \begin{pmatrix} x \\ y \end{pmatrix}", True),
    (r"\mathbb{E}_{x \sim p}[\log q(x)] \le \log \mathbb{E}_{x \sim p}[q(x)]", True),
    (r"\prod_{j=1}^{m} \left( 1 + \frac{x_j}{\left| y_j \right|} \right)", True),
    (r"\theta^{*} = \arg\min_\theta \mathcal{L}(\theta)", False),
    (r"\alpha + \beta = \gamma", False),
    (r"W_i^Q \in \mathbb{R}^{d \times k}", False),
    (r"\frac{1}{2}", False),
    (r"e^{i\pi} + 1 = 0", False),
    (r"\nabla_\theta J(\theta)", False),
    (r"\hat{y} = \sigma(Wx + b)", True),
]

_RUN = """
import json, os, sys, threading
from export_post.toolkit import forkshare, mathahead, texmath
mode = sys.argv[1]
formulas = [tuple(f) for f in json.loads(sys.stdin.read())]
if mode == "copy-dies":
    forkshare._work_and_send = lambda *args: os._exit(3)
waiting = threading.Event()
if mode == "second-thread":
    threading.Thread(target=waiting.wait, daemon=True).start()
if mode == "library":
    sent = mathahead.typeset_ahead(formulas)
else:
    with forkshare.forking_allowed():
        sent = mathahead.typeset_ahead(formulas)
waiting.set()
ahead = len(texmath._ahead)
pictures = {}
for tex, display in formulas:
    outcome = texmath.picture(tex, display, texmath.text_size(display))
    pictures[f"{display}:{tex}"] = outcome.value.svg.decode() if outcome.value else outcome.problem
print(json.dumps([sent, ahead, len(texmath._ahead), pictures]))
"""


def _run(mode: str) -> tuple[int, int, int, dict[str, str]]:
    sent, ahead, left, pictures = fresh_json(_RUN, mode, stdin=json.dumps(FORMULAS))
    return int(sent), int(ahead), int(left), dict(pictures)


def test_the_copy_typesets_about_half_and_the_pictures_are_the_same() -> None:
    *_, alone = _run("library")
    sent, ahead, left, shared = _run("allowed")
    assert 1 <= sent <= len(FORMULAS) - 1  # each took some from the queue
    assert ahead == sent  # every formula the copy sent waits for picture()
    assert left == 0  # and each was taken
    assert shared == alone
    assert all(svg.startswith("<svg") for svg in alone.values())


@pytest.mark.parametrize("mode", ["library", "second-thread"])
def test_no_copy_for_a_library_caller_or_a_threaded_process(mode: str) -> None:
    sent, ahead, _left, pictures = _run(mode)
    assert (sent, ahead) == (0, 0)
    assert len(pictures) == len(FORMULAS)


def test_a_copy_that_dies_leaves_its_formulas_to_this_process() -> None:
    *_, alone = _run("library")
    sent, ahead, _left, pictures = _run("copy-dies")
    assert (sent, ahead) == (0, 0)
    assert pictures == alone


_WATCH = """
import json, os, signal, socket, threading, time
from export_post.warm import request
ours, theirs = socket.socketpair()
stopped = []
signal.signal(signal.SIGTERM, lambda number, frame: stopped.append(number))
request._stop_when_gone(ours)
threads = threading.active_count()
theirs.sendall(b"")  # room to write, nothing sent: not a close
time.sleep(0.2)
before = list(stopped)
theirs.close()
deadline = time.monotonic() + 5
while not stopped and time.monotonic() < deadline:
    time.sleep(0.01)
print(json.dumps([threads, before, stopped]))
"""


def test_a_served_run_stops_when_its_client_goes_without_a_thread() -> None:
    threads, before, stopped = fresh_json(_WATCH)
    assert threads == 1  # the run may fork
    assert before == []
    assert stopped == [15]  # SIGTERM, as for a run killed without a server


_COMMAND = """
import json, sys
from export_post.toolkit import forkshare
share = forkshare.share
sent = []
def counted(jobs, *args):
    done = share(jobs, *args)
    sent.append([len(jobs), len(done)])
    return done
forkshare.share = counted
from export_post.cli import command
sys.argv = ["export-post", *sys.argv[1:]]
code = command()
print(json.dumps([code, sent]))
"""

_RENDER = """
import json, sys
from pathlib import Path
import export_post
data = export_post.render(export_post.load_post(Path(sys.argv[1])), sys.argv[2])
Path(sys.argv[3]).write_bytes(data)
print(json.dumps(len(data)))
"""


@pytest.mark.parametrize("fmt", ["pdf", "pptx"])
def test_a_one_post_command_shares_its_work_and_writes_what_the_api_writes(tmp_path: Path, fmt: str) -> None:
    post = tmp_path / "2026-01-01-formulas.md"
    display = [f"$${tex}$$" for tex, _display in FORMULAS]  # a slide shows display math only
    inline = [f"Inline $${tex}$$ in a sentence." for tex, is_display in FORMULAS if not is_display]
    body = "\n\n".join(display + inline)
    post.write_text(f"---\ntitle: Formulas\n---\n\n{body}\n", encoding="utf-8")
    code, sent = fresh_json(_COMMAND, str(post), "-f", fmt, "-o", str(tmp_path / "out") + "/", "-q")
    fresh_json(_RENDER, str(post), fmt, str(tmp_path / f"api.{fmt}"))

    assert code == 0
    # the copy typeset some of the formulas, and drew some of the slides' pictures
    assert len(sent) == (1 if fmt == "pdf" else 2)
    assert all(0 < done < jobs for jobs, done in sent), sent
    assert (tmp_path / "out" / f"{post.stem}.{fmt}").read_bytes() == (tmp_path / f"api.{fmt}").read_bytes()


def test_the_progress_bar_stops_its_thread_for_a_fork() -> None:
    import io
    import threading

    from export_post.batch.progress import ProgressView

    before = set(threading.enumerate())
    with ProgressView(io.StringIO(), 2) as view:
        (refresher,) = set(threading.enumerate()) - before  # rich's refresh thread
        with view.paused():
            assert not refresher.is_alive()
            assert set(threading.enumerate()) == before  # the process may fork
        assert len(set(threading.enumerate()) - before) == 1  # and the bar goes on
        view.progress.advance(view.task, 2)


_QUEUE = """
import json, time
from export_post.toolkit import forkshare
def here(job):
    time.sleep(0.03)
def there(job):
    time.sleep(0.01)
    return str(job).encode()
with forkshare.forking_allowed():
    done = forkshare.share(list(range(20)), here, there, lambda job: 1.0, 2)
print(json.dumps({str(job): result.decode() for job, result in done.items()}))
"""


def test_the_faster_of_the_two_takes_more_of_the_queue() -> None:
    done = fresh_json(_QUEUE)
    # Three times as fast: about 15 of the 20 (a split by weight would give it 10).
    assert 12 <= len(done) < 20
    assert all(job == result for job, result in done.items())
