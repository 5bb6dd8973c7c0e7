"""The long run: many generated posts through every format and validator.

    nice -n 10 .venv/bin/python -m tests.generated.run --count 5000 --seed 1

Posts go in batches (``--batch``), each exported with ``export_many`` and validated with one
EPUBCheck JVM and one LibreOffice run. Every failure is listed in ``WORK/failures.tsv`` (with
its defect class) and its site kept under ``WORK/failed/``; the first ``--keep`` failures of
each class are saved as regression cases (``tests/fixtures/generated-regressions/`` unless
``--save`` says otherwise), which ``tests/generated/test_regressions.py`` replays.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from ..validators import Finding
from .harness import REGRESSIONS, Checked, check_posts, defect_class, draw_sites, save_case, write_sites
from .known import known_class


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.generated.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--count", type=int, default=500, help="posts to generate (default 500)")
    parser.add_argument("--seed", type=int, default=1, help="Hypothesis seed (default 1)")
    parser.add_argument("--batch", type=int, default=100, help="posts per export/validate batch")
    parser.add_argument("--jobs", type=int, default=None, help="export worker processes (default: CPUs)")
    parser.add_argument("--keep", type=int, default=2, help="regression cases saved per defect class")
    parser.add_argument("--save", type=Path, default=REGRESSIONS, help="where regression cases go")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    parser.add_argument("--no-render", action="store_true", help="leave out the LibreOffice slide render")
    args = parser.parse_args(argv)

    work = args.work or Path(tempfile.mkdtemp(prefix="generated-run-"))
    work.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    drawn = draw_sites(args.count, args.seed)
    print(f"{len(drawn)} posts drawn (seed {args.seed}); working in {work}", flush=True)
    failures: list[tuple[Path, list[str], list[Finding]]] = []  # kept site, classes, findings
    log = (work / "failures.tsv").open("w", encoding="utf-8")
    for first in range(0, len(drawn), args.batch):
        folder = work / f"batch-{first:05d}"
        posts = write_sites(drawn[first : first + args.batch], folder)
        for checked in check_posts(posts, folder, jobs=args.jobs, render=not args.no_render):
            if not checked.findings:
                continue
            classes = class_names(checked.findings)
            kept = work / "failed" / f"{first + int(checked.site.name):05d}"
            shutil.copytree(checked.site, kept, dirs_exist_ok=True)
            failures.append((kept, classes, checked.findings))
            detail = " | ".join(str(f) for f in checked.findings).replace("\t", " ").replace("\n", " ")
            log.write(f"{kept}\t{' + '.join(classes)}\t{detail}\n")
            log.flush()
        shutil.rmtree(folder, ignore_errors=True)
        done = min(first + args.batch, len(drawn))
        print(
            f"{done}/{len(drawn)} posts, {len(failures)} failed, {time.monotonic() - start:.0f} s", flush=True
        )
    log.close()
    counts = Counter(name for _, classes, _ in failures for name in classes)
    print(f"\n{len(failures)} of {len(drawn)} posts failed; posts per defect class:")
    for name, count in counts.most_common():
        saved = [save(kept, findings, args.save) for kept, _, findings in examples(failures, name, args.keep)]
        print(f"{count:6d}  {name}\n        e.g. {', '.join(p.name for p in saved)}")
    print(f"details: {work / 'failures.tsv'}")
    return 1 if failures else 0


def class_names(findings: list[Finding]) -> list[str]:
    """Each finding's open class (owner first), else its defect key."""
    names = [str(k) if (k := known_class(f)) else "NEW " + defect_class([f]) for f in findings]
    return list(dict.fromkeys(names))


def examples(
    failures: list[tuple[Path, list[str], list[Finding]]], name: str, keep: int
) -> list[tuple[Path, list[str], list[Finding]]]:
    """The ``keep`` clearest examples of a class: fewest other classes, then shortest post."""
    showing = [f for f in failures if name in f[1]]
    return sorted(showing, key=lambda f: (len(f[1]), _size(f[0])))[:keep]


def _size(site: Path) -> int:
    return sum(p.stat().st_size for p in (site / "_posts").glob("*.md"))


def save(site: Path, findings: list[Finding], folder: Path) -> Path:
    post = next((site / "_posts").glob("*.md"))
    return save_case(Checked(post, findings), folder)


if __name__ == "__main__":
    sys.exit(main())
