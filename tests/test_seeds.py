"""The seeds are raw inputs: byte-identical to the files the project was created from."""

from __future__ import annotations

import hashlib

import pytest

from mongolia_analysis.paths import PROJECT_DIR, SEEDS_DIR


def _sums() -> dict[str, str]:
    lines = (SEEDS_DIR / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    return {name.strip(): digest for digest, name in (line.split(maxsplit=1) for line in lines)}


def test_sha256sums_lists_every_seed_document():
    listed = set(_sums())
    present = {p.name for p in SEEDS_DIR.glob("*.txt")}
    assert listed == present and len(present) == 5


@pytest.mark.parametrize("name", sorted(_sums()))
def test_seed_matches_its_checksum(name):
    digest = hashlib.sha256((SEEDS_DIR / name).read_bytes()).hexdigest()
    assert digest == _sums()[name], f"seeds/{name} was edited: restore it from shared/seeds"


def test_seeds_equal_the_shared_originals_when_present():
    shared = PROJECT_DIR.parent / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("no shared/seeds beside the checkout")
    for original in shared.glob("*.txt"):
        assert (SEEDS_DIR / original.name).read_bytes() == original.read_bytes()
