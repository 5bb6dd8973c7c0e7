"""A fixed-seed sample of generated posts through every format and every validator.

The sample is drawn once (Hypothesis, fixed seed, derandomized), exported in one batch and
validated in batches (see :mod:`.harness`). A post failing in a way no open defect class
(:mod:`.known`) explains fails its test with the post's text, and is saved as a regression
case for ``test_regressions.py``. ``EXPORT_POST_GENERATED=N`` sets the sample size and
``EXPORT_POST_GENERATED_SEED`` the seed; long runs: ``python -m tests.generated.run``.
"""

from __future__ import annotations

import os

import pytest

from ..support import require_tool
from .harness import Checked, check_posts, draw_sites, explain, save_case, write_sites
from .known import open_classes, unknown

pytestmark = pytest.mark.generated

SAMPLE = int(os.environ.get("EXPORT_POST_GENERATED", "30"))
SEED = int(os.environ.get("EXPORT_POST_GENERATED_SEED", "20240612"))
DRAWN = draw_sites(SAMPLE, SEED)


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> list[Checked]:
    for tool in ("java", "soffice", "pdftotext"):
        require_tool(tool)
    work = tmp_path_factory.mktemp("generated")
    return check_posts(write_sites(DRAWN, work / "sites"), work)


@pytest.mark.parametrize("index", range(len(DRAWN)), ids=[f"post{i:03d}" for i in range(len(DRAWN))])
def test_generated_post_passes_every_validator(index: int, checked: list[Checked]) -> None:
    result = checked[index]
    if unknown(result.findings):
        pytest.fail(explain(result, save_case(result)), pytrace=False)
    if result.findings:
        pytest.xfail("known: " + "; ".join(str(k) for k in open_classes(result.findings)))


def test_sample_is_the_size_asked_for() -> None:
    assert len(DRAWN) == SAMPLE  # Hypothesis found as many distinct posts
