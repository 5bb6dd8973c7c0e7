"""Every saved regression case (``tests/fixtures/generated-regressions/case-*``) replayed.

A case is a small Jekyll site that once failed: its post, pictures, ``_config.yml`` and the
findings of that run in ``FAILURE.txt``. All cases are exported in one batch and validated
like the generated sample. A case whose recorded findings show a defect class still open
(:mod:`.known`) is ``xfail(strict=True)`` naming the owner: the fix makes it pass, and the
class is then removed from :mod:`.known`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ..support import require_tool
from ..validators import Finding
from .harness import Checked, check_posts, explain, saved_cases
from .known import open_classes

pytestmark = pytest.mark.generated

CASES = saved_cases()


def recorded(case: Path) -> list[Finding]:
    lines = (case / "FAILURE.txt").read_text(encoding="utf-8").splitlines()
    return [Finding(*line.split(": ", 1)) for line in lines if ": " in line]


def _param(case: Path) -> object:
    classes = open_classes(recorded(case))
    marks = [pytest.mark.xfail(strict=True, reason="; ".join(map(str, classes)))] if classes else []
    return pytest.param(case, marks=marks, id=case.name)


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, Checked]:
    for tool in ("java", "soffice", "pdftotext"):
        require_tool(tool)
    if not CASES:
        return {}
    work = tmp_path_factory.mktemp("regressions")
    posts = []
    for index, case in enumerate(CASES):  # copies: outputs of equally named posts must not clash
        site = work / "sites" / f"{index:05d}"
        shutil.copytree(case, site)
        post = next((site / "_posts").glob("*.md"))
        posts.append(post.rename(post.with_name(f"{post.stem}-g{index:05d}.md")))
    checked = check_posts(posts, work)
    return dict(zip(CASES, checked, strict=True))


@pytest.mark.parametrize("case", [_param(c) for c in CASES] or [pytest.param(None, id="no-cases")])
def test_regression_case_passes(case: Path | None, replayed: dict[Path, Checked]) -> None:
    if case is None:
        pytest.skip("no regression case saved")
    result = replayed[case]
    assert not result.findings, explain(result)
