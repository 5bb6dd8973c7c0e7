"""Fixtures of the adversarial suite: a fresh hostile site and canary server per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from .harness import CanaryServer, Harness


@pytest.fixture(scope="session", autouse=True)
def _fast_java() -> Iterator[None]:
    """EPUBCheck runs once per EPUB: a client JIT halves the JVM's start-up."""
    with pytest.MonkeyPatch.context() as patch:
        if "JAVA_TOOL_OPTIONS" not in os.environ:
            patch.setenv("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
        yield


@pytest.fixture
def h(tmp_path: Path) -> Iterator[Harness]:
    """The plan's ``T``: site/_posts, site/assets (ok.png), secret/ (canaries), out/, a canary server."""
    server = CanaryServer()
    try:
        yield Harness(root=tmp_path / "T", server=server, scratch=tmp_path / "scratch")
    finally:
        server.close()
