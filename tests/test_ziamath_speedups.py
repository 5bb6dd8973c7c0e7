"""The ziamath speed-ups change no picture: formulas typeset with and without them, each in a
fresh interpreter, give the same SVG bytes."""

from __future__ import annotations

import json

import pytest

from export_post.toolkit import ziamath_speedups
from tests.support import corpus_formulas, fresh_json, require_corpora

# Rows nested in rows, with stretchy fences, bars, radicals and braces at several depths: the
# cases the first speed-up skips measuring for.
NESTED = (
    r"\left( \frac{\left[ \sum_i \left| x_i \right| \right]}{\sqrt{\left\{ a \right\}}} \right)^2",
    r"\left\| \begin{pmatrix} \left( a \right) & b \\ c & \left\lfloor \frac{d}{e} \right\rfloor"
    r" \end{pmatrix} \right\|",
    r"\Bigg( \bigg[ \Big\{ \big( x \big) \Big\} \bigg] \Bigg)",
    r"\left. \frac{\partial f}{\partial x} \right|_{x = \left( \frac{1}{2} \right)}",
    r"\sqrt{\left( \frac{a}{b} \right) + \sqrt{\left[ \frac{\frac{1}{2}}{3} \right]}}",
    r"f(x) = \begin{cases} \left( \frac{x}{2} \right) & x > 0 \\ \left| x \right| & \text{else} \end{cases}",
    r"\overbrace{\left( a + b \right)}^{n} \underbrace{\left[ c \right]}_{m}",
    r"\left\langle \left\langle x , y \right\rangle , z \right\rangle",
    r"\begin{aligned} a &= \left( \sum_{k=0}^{n} \binom{n}{k} x^k \right) \\"
    r" &\le \prod_{j} \left( 1 + \frac{x_j}{\left| y_j \right|} \right) \end{aligned}",
    r"\mathbf{W} \textcolor{#6b8cbd}{\boldsymbol{x}}_{\text{q}} \cdot \mathcal{L}(\theta)"
    r" \mathbb{E}[\hat{y}]",
)

_TYPESET = """
import json, sys
from export_post.toolkit import texmath, ziamath_speedups
if sys.argv[1] == "on":
    assert ziamath_speedups.apply()
else:
    ziamath_speedups.apply = lambda: False  # texmath asks for them: keep ziamath as it comes
out = {}
for tex, display in json.load(sys.stdin):
    image = texmath._typeset(tex, display, 16.0 if display else 14.0)
    out[f"{display}:{tex}"] = image.value.svg.decode() if image.value else image.problem
print(json.dumps(out))
"""


def _typeset(formulas: list[tuple[str, bool]], mode: str) -> dict[str, str]:
    return dict(fresh_json(_TYPESET, mode, stdin=json.dumps(formulas)))


def _assert_same(formulas: list[tuple[str, bool]]) -> None:
    plain, fast = _typeset(formulas, "off"), _typeset(formulas, "on")
    assert len(plain) == len(formulas)
    assert sum(value.startswith("<svg") for value in plain.values()) > 0.9 * len(plain)
    changed = [key for key in plain if plain[key] != fast[key]]
    assert not changed, f"{len(changed)} formulas drawn differently, first: {changed[0][:80]!r}"


def test_applied_to_the_installed_version() -> None:
    import ziafont
    import ziamath

    if ziamath.__version__ not in ziamath_speedups.CHECKED_VERSIONS:
        pytest.skip(f"ziamath {ziamath.__version__} is not a version the speed-ups were checked on")
    if ziafont.__version__ not in ziamath_speedups.CHECKED_ZIAFONT:
        pytest.skip(f"ziafont {ziafont.__version__} is not a version the speed-ups were checked on")
    assert ziamath_speedups.apply()
    from ziafont.glyph import SimpleGlyph
    from ziamath import styles
    from ziamath.nodes.mnode import Mnode
    from ziamath.nodes.mrow import Mrow

    assert Mrow._get_height_nostretch.__name__ == "height_once"
    assert getattr(styles, "asdict") is ziamath_speedups._shallow_fields  # noqa: B009
    assert getattr(styles, "ChainMap") is ziamath_speedups._TwoMaps  # noqa: B009
    assert Mnode.size_px.__name__ == "kept_size_px"
    assert SimpleGlyph.svgsymbol.__name__ == "kept_svgsymbol"


def test_nested_rows_are_drawn_the_same() -> None:
    _assert_same([(tex, display) for tex in NESTED for display in (True, False)])


def test_every_corpus_formula_is_drawn_the_same() -> None:
    require_corpora()
    formulas = corpus_formulas()
    assert len(formulas) > 400
    _assert_same(formulas)
