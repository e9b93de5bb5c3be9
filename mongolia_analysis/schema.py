"""The contract of every table: column names and dtypes, declared once, checked at the boundary.

Each extractor builds its rows as plain records and hands them to :func:`conform`, which
orders the columns, casts them to the declared dtypes and refuses duplicate keys. Nullable
pandas dtypes (``string``, ``Int64``, ``Float64``, ``boolean``) are used wherever a value can
be missing, so the tables behave the same under pandas 2 and pandas 3.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import pandas as pd
import pyarrow as pa

from .errors import SchemaError

S = "string"
I = "Int64"  # noqa: E741
F = "Float64"
B = "boolean"
O = "object"  # noqa: E741  (tuples of ids)

# Offsets into the document's clean text: corpus.text(doc_id)[start:end] == row text.
SPAN = {"doc_id": S, "sent_id": I, "start": I, "end": I}

TABLES: dict[str, dict[str, str]] = {
    "documents": {
        "doc_id": S,
        "source_file": S,
        "part": I,
        "title": S,
        "author": S,
        "publisher": S,
        "url": S,
        "published": S,
        "date_precision": S,
        "year": I,
        "language": S,
        "kind": S,
        "n_words": I,
        "n_chars": I,
        "sha256": S,
    },
    "paragraphs": {
        "doc_id": S,
        "para_id": I,
        "heading": S,
        "role": S,
        "text": S,
        "start": I,
        "end": I,
    },
    "sentences": {
        "doc_id": S,
        "para_id": I,
        "sent_id": I,
        "role": S,
        "text": S,
        "start": I,
        "end": I,
    },
    "headlines": {
        "doc_id": S,
        "sent_id": I,
        "rank": I,
        "title": S,
        "title_latin": S,
        "source": S,
        "published": S,
        "language": S,
        "start": I,
        "end": I,
    },
    "skipped": {"source_file": S, "reason": S},
    "mentions": {
        **SPAN,
        "surface": S,
        "entity_id": S,
        "entity_type": S,
        "name": S,
        "method": S,
    },
    "events": {
        **SPAN,
        "year": I,
        "date": S,
        "date_precision": S,
        "event_type": S,
        "cameo": S,
        "plover": S,
        "actors": O,
        "host": S,
        "mediation": B,
        "negated": B,
        "hypothetical": B,
        "trigger": S,
        "text": S,
    },
    "event_clusters": {
        "cluster_id": I,
        "year": I,
        "event_type": S,
        "actors": O,
        "n_sources": I,
        "doc_ids": O,
        "n_events": I,
        "text": S,
    },
    "figures": {
        **SPAN,
        "value": F,
        "unit": S,
        "quantity": S,
        "currency": S,
        "hedge": S,
        "counted": S,
        "year": I,
        "surface": S,
    },
    "citations": {
        **SPAN,
        "marker": S,
        "authors": S,
        "year": I,
        "title": S,
        "container": S,
        "url": S,
        "doi": S,
        "raw": S,
    },
    "codings": {**SPAN, "code": S, "matched": S, "text": S},
    "cooccurrence": {"source": S, "target": S, "n_sentences": I, "n_documents": I},
    "code_cooccurrence": {"code_a": S, "code_b": S, "n_a": I, "n_b": I, "n_ab": I, "c": F},
}

KEYS: dict[str, tuple[str, ...]] = {
    "documents": ("doc_id",),
    "paragraphs": ("doc_id", "para_id"),
    "sentences": ("doc_id", "sent_id"),
    "headlines": ("doc_id", "sent_id"),
    "cooccurrence": ("source", "target"),
    "code_cooccurrence": ("code_a", "code_b"),
    "event_clusters": ("cluster_id",),
}


def empty(table: str) -> pd.DataFrame:
    """Return an empty frame with the declared columns and dtypes of ``table``.

    >>> list(empty("skipped").columns)
    ['source_file', 'reason']
    """
    return conform([], table)


def conform(rows: Iterable[Mapping[str, Any]] | pd.DataFrame, table: str) -> pd.DataFrame:
    """Build ``table`` from records (or a frame), in declared column order and dtypes.

    Extra columns are kept after the declared ones; a missing declared column or a duplicate
    key raises :class:`SchemaError`.

    >>> [str(t) for t in conform([{"source_file": "a.txt", "reason": "x"}], "skipped").dtypes]
    ['string', 'string']
    """
    if table not in TABLES:
        raise SchemaError(f"unknown table {table!r}; known tables: {', '.join(TABLES)}")
    spec = TABLES[table]
    frame = (
        rows.copy()
        if isinstance(rows, pd.DataFrame)
        else pd.DataFrame.from_records(list(rows), columns=None)
    )
    if frame.empty and not len(frame.columns):
        frame = pd.DataFrame({name: pd.Series([], dtype=object) for name in spec})
    missing = [name for name in spec if name not in frame.columns]
    if missing:
        raise SchemaError(
            f"table {table!r} lacks column(s) {missing}; it has {list(frame.columns)}"
        )
    extra = [name for name in frame.columns if name not in spec]
    frame = frame[[*spec, *extra]]
    for name, dtype in spec.items():
        if dtype == O:
            frame[name] = frame[name].astype(object)
        else:
            frame[name] = frame[name].astype(dtype)
    key = KEYS.get(table)
    if key and len(frame) and frame.duplicated(list(key)).any():
        dupes = frame.loc[frame.duplicated(list(key), keep=False), list(key)].head(3)
        raise SchemaError(f"table {table!r} has duplicate keys {key}: {dupes.to_dict('records')}")
    return frame.reset_index(drop=True)


def values(frame: pd.DataFrame, column: str, *, shared: bool = False) -> list[Any]:
    """The values of ``column`` as a list, a missing value as None (as ``to_dict`` gives
    them); all None when the frame has no such column. ``shared``: equal strings of a text
    column are one object (a column of few distinct values, such as ``doc_id``, then costs a
    pointer a row rather than a string).

    >>> values(conform([{"source_file": "a.txt", "reason": None}], "skipped"), "reason")
    [None]
    """
    if column not in frame.columns:
        return [None] * len(frame)
    series = frame[column]
    if shared and isinstance(series.dtype, pd.StringDtype):
        codes, uniques = pd.factorize(series)
        distinct = list(uniques)
        return [None if code < 0 else distinct[code] for code in codes.tolist()]
    out = series.tolist()
    if series.hasnans:
        out = [None if value is pd.NA else value for value in out]
    return out


def iter_rows(
    frame: pd.DataFrame | dict[str, pd.Series], columns: Sequence[str], *, size: int = 8192
) -> Iterator[tuple[Any, ...]]:
    """The values of ``columns`` row by row, as iterating each column gives them (a missing
    value is ``pd.NA``), read a slice of rows at a time: as fast as lists of whole columns,
    without holding a whole text column as Python strings.

    >>> list(iter_rows(conform([{"source_file": "a", "reason": None}], "skipped"), ["reason"]))
    [(<NA>,)]
    """
    series = [frame[name] for name in columns]
    length = len(series[0]) if series else 0
    for begin in range(0, length, size):
        yield from zip(*(s.iloc[begin : begin + size].tolist() for s in series), strict=True)


def records(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The rows of ``frame`` (or of its ``columns``) as dicts, as ``to_dict("records")`` gives
    them (a missing value is None), built a column at a time, which is several times faster.

    >>> records(conform([{"source_file": "a.txt", "reason": None}], "skipped"))
    [{'source_file': 'a.txt', 'reason': None}]
    """
    names = list(frame.columns if columns is None else columns)
    data = [values(frame, name) for name in names]
    return [dict(zip(names, row, strict=True)) for row in zip(*data, strict=True)]


def concat(pieces: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Pieces of one table (same columns and dtypes) joined in order, every text column in one
    Arrow chunk as in a table built at once (its Parquet file is then byte for byte the same).

    >>> part = conform([{"source_file": "a.txt", "reason": "x"}], "skipped")
    >>> concat([part, part])["source_file"].tolist()
    ['a.txt', 'a.txt']
    """
    if len(pieces) == 1:
        return pieces[0]
    joined = pd.concat(pieces, ignore_index=True)
    for name in joined.columns:
        array = joined[name].array
        if not isinstance(array, pd.arrays.ArrowStringArray):
            continue
        chunks = array.__arrow_array__()
        if chunks.num_chunks > 1:
            whole = type(array)(pa.chunked_array([chunks.combine_chunks()]))
            if whole.dtype == array.dtype:
                joined[name] = pd.Series(whole, index=joined.index, name=name)
    return joined


def release_unused_memory() -> None:
    """Give back to the system what Arrow's allocator keeps of freed buffers.

    Called once a table is built: the pieces and rows it was made of are garbage then, and
    their buffers, kept by the allocator, would stay in the process's memory (a third of it
    after loading 100 MB), where Python's own objects cannot reuse them."""
    pa.default_memory_pool().release_unused()


class RowBatches:
    """Rows of ``table`` (tuples in ``columns`` order) that become a conformed piece every
    ``size`` rows; :meth:`frame` joins the pieces. A large table then never exists as
    Python objects all at once, only as compact columns and one batch of rows.

    >>> batches = RowBatches("skipped", ("source_file", "reason"), size=1)
    >>> batches.extend([("a.txt", "empty"), ("b.txt", None)])
    >>> batches.frame()["source_file"].tolist()
    ['a.txt', 'b.txt']
    """

    def __init__(self, table: str, columns: Sequence[str], *, size: int = 20_000) -> None:
        self.table, self.columns, self.size = table, list(columns), size
        self.rows: list[tuple[Any, ...]] = []
        self.pieces: list[pd.DataFrame] = []

    def extend(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Add rows; a full batch becomes a piece."""
        self.rows.extend(rows)
        if len(self.rows) >= self.size:
            self._flush()

    def _flush(self) -> None:
        if self.rows:
            frame = pd.DataFrame.from_records(self.rows, columns=self.columns)
            self.pieces.append(conform(frame, self.table))
            self.rows = []

    def frame(self) -> pd.DataFrame:
        """The table: every row added, in order (an empty table if none)."""
        self._flush()
        if not self.pieces:
            return empty(self.table)
        return concat(self.pieces)
