"""Defect classes the generated posts still show, each owned by someone fixing it now.

A failure whose every finding belongs to an open class here is *known*: the CI sample lets it
pass (naming the owner), and the replay of a saved case showing it is ``xfail(strict=True)``,
so the fix makes that replay pass unexpectedly and fail until its class is removed here.
Remove a class when its fix lands; its saved cases then become plain regression tests.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..validators import Finding


def _scripts(words: str) -> set[str]:
    return {unicodedata.name(c, "?").split()[0] for c in words if c.isalpha()}


@dataclass(frozen=True)
class KnownClass:
    owner: str  # the branch fixing it
    issue: str
    title: str
    check: str  # regular expression on Finding.check
    message: str  # regular expression searched in Finding.message
    scripts: tuple[str, ...] = ()  # if set: the missing words listed are all in these scripts

    def matches(self, finding: Finding) -> bool:
        if not re.fullmatch(self.check, finding.check) or not re.search(self.message, finding.message):
            return False
        if self.scripts:
            listed = "".join(re.findall(r"'([^']*)'", finding.message.split("missing:", 1)[-1]))
            return bool(listed) and _scripts(listed) <= set(self.scripts)
        return True

    def __str__(self) -> str:
        return f"{self.owner} ({self.issue}): {self.title}"


OPEN: list[KnownClass] = []


OPEN.append(
    KnownClass(
        "layout",
        "#12.5",
        "in a right-to-left post, the punctuation around a Latin word moves away from it in the "
        "PDF's text (visual order), so the word reads differently",
        "words-pdf",
        r"missing: \['_\w+_'",
    )
)


def known_class(finding: Finding) -> KnownClass | None:
    return next((k for k in OPEN if k.matches(finding)), None)


def open_classes(findings: list[Finding]) -> list[KnownClass]:
    """The open classes these findings show (each once)."""
    found = [known_class(f) for f in findings]
    return list(dict.fromkeys(k for k in found if k is not None))


def unknown(findings: list[Finding]) -> list[Finding]:
    """The findings no open class explains: new defects."""
    return [f for f in findings if known_class(f) is None]
