"""Shared test helpers: small tables built from strings written in the tests."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pandas as pd
import pytest

from mongolia_analysis.paths import SEEDS_DIR
from mongolia_analysis.schema import conform

IN_CI = bool(os.environ.get("CI"))


def make_sentences(texts: list[str], *, doc_id: str = "t-1", role: str = "body") -> pd.DataFrame:
    """A sentences table for one document whose clean text is ``" ".join(texts)``."""
    rows, position = [], 0
    for sent_id, text in enumerate(texts):
        rows.append(
            {
                "doc_id": doc_id,
                "para_id": 0,
                "sent_id": sent_id,
                "role": role,
                "text": text,
                "start": position,
                "end": position + len(text),
            }
        )
        position += len(text) + 1
    return conform(rows, "sentences")


def require_tool(name: str) -> str:
    """Path of a system tool; skip without it, except in CI where its absence is a failure."""
    path = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None)
    if path:
        return path
    if IN_CI:
        pytest.fail(f"{name} is not installed: .ci/run must install it")
    pytest.skip(f"{name} is not installed (apt-get install it to run this test)")
    raise AssertionError  # unreachable


@pytest.fixture(scope="session")
def seeds_corpus():
    """The corpus of the five seed documents, loaded once per test session."""
    from mongolia_analysis import load_corpus

    return load_corpus(SEEDS_DIR)


def run_entries(reports: Path) -> list[str]:
    """The names in a reports folder, sorted, without the builds' result cache (which any
    build that loaded a corpus leaves there, by design)."""
    from mongolia_analysis.build import RESULT_CACHE_DIR

    return sorted(p.name for p in reports.iterdir() if p.name != RESULT_CACHE_DIR)


class _SignalledOnCollection:
    """Sends SIGTERM from its ``__del__``: the handler then runs where Python drops what it
    raises ("Exception ignored in …"), as it did once inside a WeakSet callback."""

    def __del__(self) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(1000):  # the handler runs at one of these steps, still in __del__
            pass


def drop_an_interruption() -> None:
    """Make a SIGTERM arrive inside a ``__del__`` (a build's handler must be installed)."""
    _SignalledOnCollection()  # collected at once (reference count)
