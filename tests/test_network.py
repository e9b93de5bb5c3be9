"""Tests of the co-mention network: edges within a sentence and the networkx graph."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from mongolia_analysis.errors import SchemaError
from mongolia_analysis.gazetteer import load_gazetteer
from mongolia_analysis.mentions import extract_mentions
from mongolia_analysis.network import build_cooccurrence, to_graph
from mongolia_analysis.schema import TABLES

NAMES = {
    "MNG": "Mongolia",
    "PRK": "North Korea",
    "KOR": "South Korea",
    "JPN": "Japan",
    "P_ELBEGDORJ": "Tsakhiagiin Elbegdorj",
}
TYPES = {"P_ELBEGDORJ": "person"}


def mentions_of(rows: list[tuple[str, int, str]]) -> pd.DataFrame:
    """A minimal mentions table from (doc_id, sent_id, entity_id) triples."""
    return pd.DataFrame(
        [
            {
                "doc_id": d,
                "sent_id": s,
                "entity_id": e,
                "entity_type": TYPES.get(e, "country"),
                "name": NAMES[e],
            }
            for d, s, e in rows
        ]
    )


EDGE_CASES = {
    "one sentence, one pair": ([("a", 0, "MNG"), ("a", 0, "PRK")], [("MNG", "PRK", 1, 1)]),
    "source sorts before target": ([("a", 0, "PRK"), ("a", 0, "MNG")], [("MNG", "PRK", 1, 1)]),
    "repeated entity counted once per sentence": (
        [("a", 0, "PRK"), ("a", 0, "MNG"), ("a", 0, "PRK"), ("a", 0, "MNG")],
        [("MNG", "PRK", 1, 1)],
    ),
    "self-pair only: no edge": ([("a", 0, "PRK"), ("a", 0, "PRK")], []),
    "different sentences do not co-occur": ([("a", 0, "MNG"), ("a", 1, "PRK")], []),
    "sentences and documents counted": (
        [
            ("a", 0, "MNG"),
            ("a", 0, "PRK"),
            ("a", 3, "PRK"),
            ("a", 3, "MNG"),
            ("b", 0, "MNG"),
            ("b", 0, "PRK"),
        ],
        [("MNG", "PRK", 3, 2)],
    ),
    "three entities, three edges": (
        [("a", 0, "MNG"), ("a", 0, "PRK"), ("a", 0, "JPN")],
        [("JPN", "MNG", 1, 1), ("JPN", "PRK", 1, 1), ("MNG", "PRK", 1, 1)],
    ),
    "same sent_id in two documents is two sentences": (
        [("a", 0, "MNG"), ("a", 0, "KOR"), ("b", 0, "MNG"), ("b", 0, "KOR")],
        [("KOR", "MNG", 2, 2)],
    ),
}


@pytest.mark.parametrize(("rows", "edges"), EDGE_CASES.values(), ids=list(EDGE_CASES))
def test_build_cooccurrence(rows, edges) -> None:
    table = build_cooccurrence(mentions_of(rows))
    assert list(table.columns) == list(TABLES["cooccurrence"])
    assert [tuple(r) for r in table.itertuples(index=False)] == edges


def test_entity_type_filter() -> None:
    rows = [("a", 0, "MNG"), ("a", 0, "PRK"), ("a", 0, "P_ELBEGDORJ")]
    table = build_cooccurrence(mentions_of(rows), entity_types=["person", "country"])
    assert len(table) == 3
    only_countries = build_cooccurrence(mentions_of(rows), entity_types=["country"])
    assert only_countries[["source", "target"]].values.tolist() == [["MNG", "PRK"]]


def test_empty_mentions() -> None:
    empty = pd.DataFrame(columns=["doc_id", "sent_id", "entity_id", "entity_type", "name"])
    table = build_cooccurrence(empty)
    assert table.empty and list(table.columns) == list(TABLES["cooccurrence"])
    assert to_graph(table, empty).number_of_nodes() == 0


def test_missing_column_raises() -> None:
    with pytest.raises(SchemaError, match="sent_id"):
        build_cooccurrence(pd.DataFrame({"doc_id": ["a"], "entity_id": ["MNG"]}))


def test_to_graph_attributes() -> None:
    mentions = mentions_of(
        [
            ("a", 0, "MNG"),
            ("a", 0, "PRK"),
            ("a", 1, "MNG"),
            ("b", 0, "MNG"),
            ("b", 0, "PRK"),
            ("b", 2, "P_ELBEGDORJ"),
        ]
    )
    graph = to_graph(build_cooccurrence(mentions), mentions)
    assert isinstance(graph, nx.Graph)
    assert list(graph.nodes) == ["MNG", "PRK", "P_ELBEGDORJ"]
    assert graph.nodes["MNG"] == {"name": "Mongolia", "entity_type": "country", "n_mentions": 3}
    assert graph.nodes["P_ELBEGDORJ"]["entity_type"] == "person"
    assert graph.degree("P_ELBEGDORJ") == 0  # isolated nodes are kept
    assert graph.edges["PRK", "MNG"] == {"weight": 2, "n_documents": 2}


def test_network_from_extracted_mentions() -> None:
    sentences = pd.DataFrame(
        {
            "doc_id": ["d-1", "d-1"],
            "sent_id": [0, 1],
            "start": [0, 60],
            "text": [
                "Mongolia hosted talks between the two Koreas in Ulaanbaatar.",
                "President Elbegdorj welcomed North Korean and Japanese officials.",
            ],
        }
    )
    mentions = extract_mentions(sentences, load_gazetteer())
    table = build_cooccurrence(mentions)
    edges = {(r.source, r.target): r.n_sentences for r in table.itertuples()}
    assert edges == {
        ("KOR", "MNG"): 1,
        ("KOR", "PRK"): 1,
        ("MNG", "PRK"): 1,
        ("JPN", "PRK"): 1,
        ("JPN", "P_ELBEGDORJ"): 1,
        ("PRK", "P_ELBEGDORJ"): 1,
    }
    graph = to_graph(table, mentions)
    assert graph.nodes["MNG"]["n_mentions"] == 2  # "Mongolia" and "Ulaanbaatar"
    assert graph.nodes["PRK"]["n_mentions"] == 2
