"""Where things live, computed from this file; nothing happens at import time."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
PROJECT_DIR = PACKAGE_DIR.parent
SEEDS_DIR = PROJECT_DIR / "seeds"
NOTEBOOKS_DIR = PROJECT_DIR / "notebooks"
REPORTS_DIR = PROJECT_DIR / "reports"


def data_file(name: str) -> Path:
    """Return the path of a data file shipped in the package (``data/<name>``)."""
    return DATA_DIR / name
