"""The contract of every table: column names and dtypes, declared once, checked at the boundary.

Each extractor builds its rows as plain records and hands them to :func:`conform`, which
orders the columns, casts them to the declared dtypes and refuses duplicate keys. Nullable
pandas dtypes (``string``, ``Int64``, ``Float64``, ``boolean``) are used wherever a value can
be missing, so the tables behave the same under pandas 2 and pandas 3.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

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
