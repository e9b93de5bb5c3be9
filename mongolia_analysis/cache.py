"""A folder of results that loading and extraction reuse, so years of news are read once.

A corpus that grows by a day's news, or is briefed again for another counterpart, should
not be parsed and extracted again from the start. :class:`ResultCache` keeps, under a key,
what one step made of one input: the documents parsed from one file, or one extraction
table's rows for one document. A key is the sha256 of everything the result depends on:

- the input itself (a file's bytes and name; a document's analysed sentences, its row of
  ``documents`` and its headlines),
- what produced it: the package's code and data files (:func:`library_fingerprint`), the
  Python, pandas and pyarrow versions, and the gazetteer and codebook files in use.

Change any of these and the key changes, so a stale result is never found: it is only left
behind (delete the folder to reclaim the space; nothing else is kept there). Entries are
written to a temporary name and renamed, so briefs built at once can share one cache. An
entry that cannot be read is a miss, never an error. Entries are compressed pickles
(about twice the size of the documents they come from): keep the cache folder as private as
the reports it serves.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import platform
import tempfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from . import paths

#: Files of the package whose content makes its results what they are.
LIBRARY_SUFFIXES = (".py", ".yaml", ".yml", ".j2", ".css", ".json")
#: Packages whose version can change a pickled table or what an extractor returns.
RESULT_PACKAGES = ("pandas", "pyarrow", "numpy", "pyahocorasick", "pyyaml")


def library_fingerprint() -> str:
    """sha256 over the package's code, data files and templates (a cache-busting version)."""
    digest = hashlib.sha256()
    for path in sorted(paths.PACKAGE_DIR.rglob("*")):
        if path.suffix in LIBRARY_SUFFIXES and "__pycache__" not in path.parts:
            digest.update(path.relative_to(paths.PACKAGE_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def installed_versions(packages: Iterable[str]) -> dict[str, str]:
    """The versions of Python and of ``packages`` ("not installed" for a missing one)."""
    versions = {"python": platform.python_version()}
    for name in packages:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def producer_fingerprint() -> str:
    """:func:`library_fingerprint` with the versions of Python and of
    :data:`RESULT_PACKAGES`: what made a cached result, apart from its inputs."""
    versions = installed_versions(RESULT_PACKAGES)
    return digest_of({"library": library_fingerprint(), "versions": versions})


def digest_of(value: Any) -> str:
    """sha256 of a JSON-serialisable value (keys sorted; other values as ``str``).

    >>> digest_of({"b": 1, "a": [None, "x"]}) == digest_of({"a": [None, "x"], "b": 1})
    True
    """
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_digest(path: Path | None) -> str:
    """sha256 of a file's bytes ('' for no file)."""
    if path is None:
        return ""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@dataclass(frozen=True)
class ResultCache:
    """Results by kind (``parsed``, ``mentions``, …) and key, in ``root``.

    ``producer`` is :func:`producer_fingerprint`, taken once (a process pool's workers get it
    with the cache); ``refresh``: nothing is read, every result is made and written again.
    """

    root: Path
    producer: str = field(default_factory=producer_fingerprint)
    refresh: bool = False

    def key(self, *parts: Any) -> str:
        """The key of a result made from ``parts`` (JSON-serialisable) by this producer."""
        return digest_of([self.producer, *parts])

    def _path(self, kind: str, key: str) -> Path:
        return self.root / kind / key[:2] / f"{key}.pickle"

    def get(self, kind: str, key: str) -> Any | None:
        """The result stored under ``key``, or None (absent, unreadable, or refreshing)."""
        if self.refresh:
            return None
        try:
            return pickle.loads(zlib.decompress(self._path(kind, key).read_bytes()))
        except Exception:  # absent, or damaged (a miss: the result is made again)
            return None

    def put(self, kind: str, key: str, value: Any) -> None:
        """Store ``value`` under ``key`` (atomically: a reader sees all of it or nothing).

        A cache that cannot be written (a full disk, a read-only folder) only costs the
        next run its time: the error is not raised."""
        target = self._path(kind, key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(zlib.compress(pickle.dumps(value, pickle.HIGHEST_PROTOCOL), 1))
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError:
            return
