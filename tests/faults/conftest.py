"""The fault-injection suite: what it tried, and how each case came out, as a table at the end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .lab import Lab

ROWS: list[tuple[str, str, str]] = []
OUTCOME = pytest.StashKey[str]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    if report.when == "call":  # type: ignore[attr-defined]
        item.stash[OUTCOME] = report.outcome  # type: ignore[attr-defined]
    return report


class Tried:
    """What a case did, for the table: ``add`` a line per fault injected and what was seen."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, line: str) -> None:
        self.lines.append(line)


@pytest.fixture
def tried(request: pytest.FixtureRequest) -> Iterator[Tried]:
    notes = Tried()
    yield notes
    outcome = request.node.stash.get(OUTCOME, "not run")
    ROWS.append((request.node.name, " | ".join(notes.lines) or "-", outcome))


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    with Lab(tmp_path) as made:
        yield made


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not ROWS:
        return
    terminalreporter.section("fault injection: cases tried")
    width = max(len(case) for case, _, _ in ROWS)
    for case, what, outcome in ROWS:
        terminalreporter.write_line(f"{case:<{width}}  {outcome:<7}  {what}")
