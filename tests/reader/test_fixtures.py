"""Reader fixtures: ``fixtures/*.md`` hold cases as  title / . / Markdown / . / model dump / .

Regenerate an expectation only after reading it: ``EXPORT_POST_SHOW_FIXTURE=1 pytest -k name``
prints what the reader makes of the input.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from export_post.model.dump import dump
from export_post.reader import parse_post

FIXTURE_DIR = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class Case:
    file: str
    line: int
    title: str
    source: str
    expected: str


def read_cases(path: Path) -> list[Case]:
    lines = path.read_text(encoding="utf-8").split("\n")
    cases: list[Case] = []
    i = 0
    while i < len(lines):
        if not lines[i].strip() or lines[i].startswith("#"):
            i += 1
            continue
        title, start = lines[i], i + 1
        assert lines[i + 1] == ".", f"{path.name}:{i + 2}: expected '.' after the title"
        parts: list[list[str]] = [[], []]
        j = i + 2
        for part in parts:
            while lines[j] != ".":
                part.append(lines[j])
                j += 1
            j += 1
        cases.append(Case(path.name, start, title, "\n".join(parts[0]) + "\n", "\n".join(parts[1])))
        i = j
    return cases


CASES = [case for path in sorted(FIXTURE_DIR.glob("*.md")) for case in read_cases(path)]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.file}:{c.line}" for c in CASES])
def test_reader_fixture(case: Case, tmp_path: Path) -> None:
    post = tmp_path / "_posts" / "2024-01-02-case.md"
    document = parse_post(case.source, post, site_root=tmp_path)
    got = dump(document.blocks)
    if os.environ.get("EXPORT_POST_SHOW_FIXTURE"):
        print(f"\n--- {case.file}:{case.line} {case.title}\n{got}")
    assert got == case.expected, f"{case.file}:{case.line}: {case.title}"
