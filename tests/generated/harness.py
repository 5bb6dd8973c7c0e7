"""Generated posts in batches: draw, write, export once, validate once, keep the failures.

Hypothesis draws the posts (:func:`draw_sites`), but does not run the checks itself: each
post costs four exports and several external checkers, which only pay off in batches
(one ``export_many``, one EPUBCheck JVM, one LibreOffice run). So shrinking does not apply;
instead every failing post is saved whole as a regression case (:func:`save_case`): a small
Jekyll site folder under ``tests/fixtures/generated-regressions/`` with the post, its
pictures and ``FAILURE.txt``, which ``test_regressions.py`` replays on every run.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as with_seed

from export_post.api import export_many

from ..validators import Finding, Outputs, validate
from .site import write_site
from .strategies import Site, sites

FORMATS = ("epub", "pdf", "pptx", "html")
REGRESSIONS = Path(__file__).resolve().parents[1] / "fixtures" / "generated-regressions"


def draw_sites(count: int, seed: int) -> list[Site]:
    """``count`` distinct generated sites (fewer only if Hypothesis runs out of distinct ones),
    the same ones for the same ``seed`` and code."""
    drawn: list[Site] = []

    @with_seed(seed)
    @settings(
        max_examples=count + count // 3 + 5,  # Hypothesis repeats itself now and then
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(sites())
    def collect(site: Site) -> None:
        drawn.append(site)

    collect()
    unique = {case_id_of(s.text(), {p: repr(v) for p, v in s.pictures.items()}): s for s in drawn}
    return list(unique.values())[:count]


@dataclass
class Checked:
    post: Path  # the post inside its site folder
    findings: list[Finding]

    @property
    def site(self) -> Path:
        return self.post.parent.parent


def write_sites(drawn: Iterable[Site], folder: Path) -> list[Path]:
    """Each site into its own folder under ``folder``; the posts' paths."""
    return [write_site(site, folder / f"{i:05d}", suffix=f"-g{i:05d}") for i, site in enumerate(drawn)]


def check_posts(
    posts: list[Path], work: Path, *, jobs: int | None = None, render: bool = True
) -> list[Checked]:
    """Export every post to every format in one batch, then validate every output."""
    out = work / "out"
    results = export_many(posts, FORMATS, out, jobs=jobs or os.cpu_count() or 1, force=True)
    outputs = {post: Outputs(post) for post in posts}
    for result in results:
        item = outputs[result.source]
        if result.ok and result.output is not None:
            item.files[result.format] = result.output
        else:
            item.errors[result.format] = (result.error or "failed").splitlines()[0]
    report = validate(list(outputs.values()), work, render=render)
    return [Checked(post, report[post]) for post in posts]


# ---------------------------------------------------------------- regression cases


def case_id_of(text: str, extra: dict[str, str] | None = None) -> str:
    digest = hashlib.sha256(text.encode("utf-8"))
    for key, value in sorted((extra or {}).items()):
        digest.update(f"\0{key}\0{value}".encode())
    return "case-" + digest.hexdigest()[:12]


def case_id(site: Path) -> str:
    """A case's identity: the hash of its post (the same post gives the same id)."""
    post = next((site / "_posts").glob("*.md"))
    return case_id_of(post.read_text(encoding="utf-8"))


def save_case(checked: Checked, folder: Path = REGRESSIONS) -> Path:
    """Copy the post's site (post, pictures, ``_config.yml``) to ``folder/<case id>/`` with
    its findings in ``FAILURE.txt``; the post keeps its name without the batch suffix."""
    target = folder / case_id(checked.site)
    if target.exists():
        return target
    shutil.copytree(checked.site, target)
    post = target / "_posts" / checked.post.name
    post.rename(post.with_name(re.sub(r"-g\d{5}\.md$", ".md", post.name)))
    lines = [re.sub(r"/\S*/_posts/(\S*?)(?:-g\d{5})?\.md", r"_posts/\1.md", str(f)) for f in checked.findings]
    (target / "FAILURE.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def saved_cases(folder: Path = REGRESSIONS) -> list[Path]:
    return sorted(p for p in folder.glob("case-*") if (p / "_posts").is_dir()) if folder.is_dir() else []


def defect_class(findings: list[Finding]) -> str:
    """A short key grouping failures of one kind: the checks that failed, with the error's
    type or EPUBCheck message id (to count and route them; the judgement stays human)."""
    keys = []
    exports: dict[str, list[str]] = {}
    for f in findings:
        detail = ""
        if f.check == "export":
            fmt, _, error = f.message.partition(": ")
            error = re.sub(r"^.*?\.(?:md|markdown)(?::\d+)?: ", "", error)
            m = re.search(r"\w+(?:Error|Exception)\b|timed? ?out|memory", error)
            exports.setdefault(m.group(0) if m else re.sub(r"'[^']*'", "'…'", error)[:50], []).append(fmt)
            continue
        if f.check == "epubcheck":
            detail = ":" + ",".join(sorted(set(re.findall(r"\b[A-Z]{3}-\d{3}\w?\b", f.message))))
        elif f.check == "pdf-text":
            detail = ":" + f.message.split()[0]
        keys.append(f.check + detail)
    for error, formats in exports.items():
        keys.append(f"export[{'all' if len(formats) == len(FORMATS) else ','.join(formats)}]:{error}")
    return " + ".join(sorted(set(keys)))


def explain(checked: Checked, saved: Path | None = None) -> str:
    """A failure as the test prints it: what failed, where it was kept, and the post."""
    lines = [f"{checked.post.name}:"]
    lines += [f"  {f}" for f in checked.findings]
    if saved is not None:
        lines.append(f"  saved as {saved}")
    lines.append("  ---- post ----")
    lines += ["  " + line for line in checked.post.read_text(encoding="utf-8").splitlines()[:80]]
    return "\n".join(lines)
