"""The python-pptx speed-ups change no deck: the same posts rendered with and without them,
each way in a fresh interpreter, give the same bytes."""

from __future__ import annotations

import json

from tests.support import ROOT, SAMPLE_POST, corpus_posts, fresh_json, require_corpora

_RENDER = """
import hashlib, json, sys
from pathlib import Path
import export_post
from export_post_pptx import pptx_speedups
if sys.argv[1] == "off":
    pptx_speedups.apply = lambda: False
digests = {}
for name in json.loads(sys.stdin.read()):
    try:
        document = export_post.load_post(Path(name))
    except export_post.ExportPostError as err:
        digests[name] = str(err)
        continue
    digests[name] = hashlib.sha256(export_post.render(document, "pptx")).hexdigest()
from pptx.oxml import xmlchemy
print(json.dumps([digests, xmlchemy.BaseOxmlElement.xpath.__module__]))
"""


def _decks(posts: list[str], mode: str) -> tuple[dict[str, str], str]:
    digests, xpath_module = fresh_json(_RENDER, mode, stdin=json.dumps(posts))
    return dict(digests), str(xpath_module)


def test_applied_to_the_installed_version() -> None:
    import pptx

    from export_post_pptx import pptx_speedups

    assert pptx.__version__ in pptx_speedups.CHECKED_VERSIONS, (
        "a new python-pptx: check the speed-ups against it and add it"
    )


def test_decks_are_the_same_bytes() -> None:
    require_corpora()
    posts = [
        SAMPLE_POST,
        ROOT / "tests/fixtures/features/_posts/2024-02-02-features.md",
        *corpus_posts()[::3],
    ]
    names = [str(post) for post in posts]
    plain, plain_module = _decks(names, "off")
    fast, fast_module = _decks(names, "on")
    assert (plain_module, fast_module) == ("pptx.oxml.xmlchemy", "export_post_pptx.pptx_speedups")
    assert sum(len(value) == 64 for value in plain.values()) >= 0.8 * len(names)
    changed = [name for name in names if plain[name] != fast[name]]
    assert not changed, f"{len(changed)} decks differ, first: {changed[0]}"
