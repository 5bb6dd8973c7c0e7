"""Hashes of every output of the sample and both corpora: proof that a refactoring changed no byte.

    python -m tests.tools.output_hashes before.json      # on the old commit
    python -m tests.tools.output_hashes after.json       # on the new one
    python -m tests.tools.output_hashes --compare before.json after.json

Every post goes to all four formats with a fixed ``source_date_epoch``, as a build would. The
corpora are found as the tests find them (EXPORT_POST_CORPUS, EXPORT_POST_CORPUS_MORE).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

from export_post.api import export_many

from ..support import SAMPLE_POST, corpus_id, corpus_posts

EPOCH = 1_700_000_000
FORMATS = ("epub", "pdf", "pptx", "html")


def output_hashes(jobs: int) -> dict[str, str]:
    posts = [SAMPLE_POST, *corpus_posts()]
    with tempfile.TemporaryDirectory(prefix="output-hashes-") as out:
        results = export_many(posts, FORMATS, out, jobs=jobs, source_date_epoch=EPOCH, force=True)
        hashes = {}
        for r in results:
            key = f"{corpus_id(r.source) if r.source != SAMPLE_POST else 'sample'}.{r.format}"
            hashes[key] = (
                hashlib.sha256(r.output.read_bytes()).hexdigest() if r.output else f"failed: {r.error}"
            )
    return dict(sorted(hashes.items()))


def compare(before: dict[str, str], after: dict[str, str]) -> list[str]:
    keys = sorted(before.keys() | after.keys())
    return [
        f"{k}: {before.get(k, 'missing')[:12]} -> {after.get(k, 'missing')[:12]}"
        for k in keys
        if before.get(k) != after.get(k)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--compare", action="store_true")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    if args.compare:
        before, after = (json.loads(f.read_text()) for f in args.files)
        changed = compare(before, after)
        print("\n".join(changed) or f"all {len(before)} outputs identical")
        return 1 if changed else 0
    args.files[0].write_text(json.dumps(output_hashes(args.jobs), indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
