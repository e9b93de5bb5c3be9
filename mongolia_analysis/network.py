"""The co-mention network: which actors are named in the same sentence, how often.

An edge joins two different entities mentioned in one sentence. Each entity counts once per
sentence however often it is named there, self-pairs are dropped, and the pair is stored once
with ``source < target``. ``n_sentences`` is the number of sentences naming both,
``n_documents`` the number of documents with at least one such sentence. A group alias
("the two Koreas") gives a PRK and a KOR mention on one span, so it also makes a PRK-KOR edge.

>>> import pandas as pd
>>> mentions = pd.DataFrame({
...     "doc_id": ["a", "a", "a", "b", "b"], "sent_id": [0, 0, 0, 3, 3],
...     "entity_id": ["PRK", "MNG", "PRK", "MNG", "PRK"],
...     "entity_type": ["country"] * 5, "name": ["North Korea", "Mongolia", "North Korea",
...     "Mongolia", "North Korea"]})
>>> build_cooccurrence(mentions).values.tolist()
[['MNG', 'PRK', 2, 2]]
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import combinations

import networkx as nx
import pandas as pd

from . import schema
from .errors import SchemaError

MENTION_COLUMNS = ("doc_id", "sent_id", "entity_id")


def build_cooccurrence(
    mentions: pd.DataFrame, *, entity_types: Iterable[str] | None = None
) -> pd.DataFrame:
    """Co-mention edges within a sentence (schema ``"cooccurrence"``), sorted by source, target.

    Args:
        mentions: the ``mentions`` table (needs doc_id, sent_id, entity_id; entity_type when
            ``entity_types`` is given).
        entity_types: keep only mentions of these types (e.g. ``("country", "person")``);
            ``None`` keeps every type.

    Returns:
        One row per pair: source, target, n_sentences, n_documents.

    Raises:
        SchemaError: a required column is missing.
    """
    needed = [*MENTION_COLUMNS, *(["entity_type"] if entity_types is not None else [])]
    missing = [c for c in needed if c not in mentions.columns]
    if missing:
        raise SchemaError(f"build_cooccurrence needs mention column(s) {missing}")
    frame = mentions
    if entity_types is not None:
        frame = frame[frame["entity_type"].isin(list(entity_types))]
    frame = frame[frame["entity_id"].notna()]
    per_sentence: dict[tuple[str, int], set[str]] = defaultdict(set)
    for doc_id, sent_id, entity_id in schema.iter_rows(frame, MENTION_COLUMNS):
        per_sentence[(str(doc_id), int(sent_id))].add(str(entity_id))
    sentences: Counter[tuple[str, str]] = Counter()
    documents: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (doc_id, _), entities in per_sentence.items():
        for pair in combinations(sorted(entities), 2):
            sentences[pair] += 1
            documents[pair].add(doc_id)
    rows = [
        {"source": s, "target": t, "n_sentences": n, "n_documents": len(documents[(s, t)])}
        for (s, t), n in sorted(sentences.items())
    ]
    return schema.conform(rows, "cooccurrence") if rows else schema.empty("cooccurrence")


def to_graph(cooccurrence: pd.DataFrame, mentions: pd.DataFrame) -> nx.Graph:
    """The co-mention network as an undirected :class:`networkx.Graph`.

    Nodes are every entity in ``mentions`` (sorted by id) with attributes ``name``,
    ``entity_type`` and ``n_mentions`` (rows in ``mentions``); edges carry ``weight``
    (= n_sentences) and ``n_documents``.

    >>> import pandas as pd
    >>> mentions = pd.DataFrame({"doc_id": ["a", "a"], "sent_id": [0, 0],
    ...     "entity_id": ["MNG", "PRK"], "entity_type": ["country", "country"],
    ...     "name": ["Mongolia", "North Korea"]})
    >>> g = to_graph(build_cooccurrence(mentions), mentions)
    >>> g.nodes["PRK"]["name"], g.edges["MNG", "PRK"]["weight"]
    ('North Korea', 1)
    """
    missing = [c for c in ("entity_id", "entity_type", "name") if c not in mentions.columns]
    if missing:
        raise SchemaError(f"to_graph needs mention column(s) {missing}")
    graph = nx.Graph()
    known = mentions[mentions["entity_id"].notna()]
    counts = known.groupby("entity_id", sort=True).size()
    first = known.drop_duplicates("entity_id").set_index("entity_id")
    for entity_id, n in counts.items():
        graph.add_node(
            str(entity_id),
            name=str(first.at[entity_id, "name"]),
            entity_type=str(first.at[entity_id, "entity_type"]),
            n_mentions=int(n),
        )
    for row in cooccurrence.sort_values(["source", "target"]).itertuples(index=False):
        for node in (row.source, row.target):
            if node not in graph:
                graph.add_node(str(node), name=str(node), entity_type="", n_mentions=0)
        graph.add_edge(
            str(row.source),
            str(row.target),
            weight=int(row.n_sentences),
            n_documents=int(row.n_documents),
        )
    return graph
