"""A post's formulas typeset before its export needs them, some of them in a forked copy of
this process (:mod:`.forkshare`), where the command allows it.

An exporter calls :func:`typeset_ahead` with the formulas it will draw; the copy's outcomes
wait for :func:`texmath.picture`, which takes each when it is asked for it. The longest are
typeset first (display formulas count double), so the last ones either takes are short.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..model import Block, Math, MathBlock
from ..model.walk import block_inlines, iter_blocks, iter_inlines
from . import forkshare, formulastore, texmath

MIN_FORMULAS = 8  # fewer cost less to typeset than a fork of the process and its pipe

Formula = tuple[str, bool]  # TeX, display
Key = tuple[str, bool, float]  # TeX, display, size


def formulas_in(blocks: Iterable[Block]) -> Iterator[Formula]:
    """Every formula of ``blocks`` (footnotes' too), in document order."""
    for block in iter_blocks(blocks):
        if isinstance(block, MathBlock):
            yield block.tex, True
        for inlines in block_inlines(block):
            for node in iter_inlines(inlines):
                if isinstance(node, Math):
                    yield node.tex, False


def typeset_ahead(formulas: Iterable[Formula]) -> int:
    """Typeset ``formulas`` (each at its text size) now, some in a copy of this process, if
    forking is allowed and worth it; how many the copy typeset (0: nothing was shared)."""
    if not forkshare.may_share():
        return 0
    keys = [(tex, display, texmath.text_size(display)) for tex, display in dict.fromkeys(formulas)]
    todo = [k for k in keys if not texmath.typeset_here(*k) and not formulastore.has("picture", *k)]
    texmath.forget_ahead()
    sent = forkshare.share(todo, _here, _there, _weight, MIN_FORMULAS)
    for key, data in sent.items():
        outcome = texmath._outcome_from_json(data)
        if outcome is not None:
            texmath._ahead[key] = outcome
    return len(sent)


def _here(key: Key) -> None:
    texmath.picture(*key)


def _there(key: Key) -> bytes:
    return texmath._outcome_to_json(texmath._typeset(*key))


def _weight(key: Key) -> float:
    return len(key[0]) * (2 if key[1] else 1)
