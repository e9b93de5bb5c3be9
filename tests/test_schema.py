"""The tables' contract as users read it: the README lists each table with its columns."""

from __future__ import annotations

import re

import pytest

from mongolia_analysis.paths import PROJECT_DIR
from mongolia_analysis.schema import TABLES

README = PROJECT_DIR / "README.md"
#: Columns a table gains after it is conformed (extract_citations adds ``cited_in``).
ADDED = {"citations": ["cited_in"]}


def readme_columns() -> dict[str, list[str]]:
    """Table name → the columns its row in the README's table list names."""
    rows = re.findall(r"^\| `(\w+)` \| [^|]+ \| `([^`]+)`", README.read_text(), re.MULTILINE)
    return {name: [c.strip() for c in columns.split(",")] for name, columns in rows}


@pytest.mark.parametrize("table", sorted(TABLES))
def test_readme_lists_every_table_with_its_columns(table: str) -> None:
    assert readme_columns().get(table) == [*TABLES[table], *ADDED.get(table, [])]
