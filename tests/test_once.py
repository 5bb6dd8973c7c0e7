"""once(): a patch installed until it succeeds, then never again."""

from __future__ import annotations

from export_post.toolkit.once import once


def test_called_until_it_succeeds_then_never() -> None:
    answers = [False, True, False]
    calls: list[int] = []

    @once
    def apply() -> bool:
        calls.append(1)
        return answers[len(calls) - 1]

    assert [apply(), apply(), apply(), apply()] == [False, True, True, True]
    assert len(calls) == 2  # not called again once it had installed its patch
