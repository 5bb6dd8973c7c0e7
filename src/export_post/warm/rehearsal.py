"""The server's rehearsal: a small built-in post exported in every format before the first run.

Imports are not all a first export pays. WeasyPrint parses its C declarations as they are
first used and loads its hyphenation dictionary and its fonts; Pygments loads a lexer and a
style; python-pptx and ebooklib read their templates; hundreds of regular expressions are
compiled. Each forked copy of the server would pay all of it again, for every run: 0.5–1 s
of a PDF, 0.1–0.3 s of a deck, measured. Rehearsed once, it is in the pages the copies share.

Nothing of the user's is touched. The post, its picture and its figure are written to a
temporary folder, removed after; the formula store is off while it runs; nothing is printed.
What stays are caches keyed by content (formulas, stylesheets, pictures) and by the
machine's fonts; the latter is why a server also ends when the fonts change
(:mod:`.fontstamps`). Themes are read again by the first run, from their files.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

POST = r"""---
title: A rehearsal
date: 2026-01-01
lang: en
---

Some *emphasis*, **strong words**, `inline code`, a [link](https://example.org/) and a
formula, $x^2 + \alpha_i$.[^note]

## A section

$$
\sum_{i=1}^{n} \frac{a_i}{b_i} = \int_0^1 f(x)\,dx
$$

```python
def double(x: int) -> int:
    return x * 2  # a comment
```

| Name | Value |
|------|------:|
| one  | 1     |

- a point
- another point

> A quotation long enough to be broken into several lines, with hyphenation of the longest
> words in the column.

![A picture](picture.png)

![A figure](figure.svg)

[^note]: A note.
"""

FIGURE = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="120" viewBox="0 0 240 120">'
    '<rect x="10" y="10" width="100" height="80" fill="#4a90d9"/>'
    '<text x="120" y="60" font-size="16">Figure</text></svg>'
)


def rehearse() -> tuple[str, ...]:
    """Export the built-in post in every installed format, in memory; the formats that
    succeeded. A format that fails is left out, as if it had not been rehearsed."""
    from PIL import Image

    from ..api import forget_loaded_themes, render
    from ..diagnostics import Reporter
    from ..reader import load_post
    from ..registry import format_names

    done = []
    with _quiet(), tempfile.TemporaryDirectory(prefix="export-post-rehearsal-") as folder:
        post = Path(folder) / "post.md"
        post.write_text(POST, encoding="utf-8")
        Image.new("RGB", (96, 64), (74, 144, 217)).save(post.with_name("picture.png"))
        post.with_name("figure.svg").write_text(FIGURE, encoding="utf-8")
        for name in format_names():
            try:
                document = load_post(post, site_root=folder)  # no _config.yml above it is read
                render(document, name, reporter=Reporter(post))
            except Exception:  # a plugin's failure only costs it its speed
                continue
            done.append(name)
    forget_loaded_themes()
    return tuple(done)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """No diagnostics printed and no formula store written while the rehearsal runs."""
    from ..toolkit import formulastore

    logger = logging.getLogger("export_post")
    disabled, setting = logger.disabled, os.environ.get(formulastore.SETTING)
    logger.disabled = True
    os.environ[formulastore.SETTING] = "off"
    formulastore.forget()
    try:
        yield
    finally:
        logger.disabled = disabled
        if setting is None:
            os.environ.pop(formulastore.SETTING, None)
        else:
            os.environ[formulastore.SETTING] = setting
        formulastore.forget()
