"""Event clustering compared with its first, all-pairs version (kept here as the reference)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from mongolia_analysis import schema
from mongolia_analysis.dates import parse_iso
from mongolia_analysis.events import UBIQUITY, EventLexicon, _default_lexicon, cluster_events


def _old_same_happening(a: Mapping[str, Any], b: Mapping[str, Any], common: frozenset[str]) -> bool:
    if a["year"] != b["year"] or a["kin"] != b["kin"]:
        return False
    month_a, month_b = parse_iso(a["date"])[1], parse_iso(b["date"])[1]
    if month_a is not None and month_b is not None and month_a != month_b:
        return False
    host_a, host_b = a["host"], b["host"]
    if host_a and host_b and host_a != host_b:
        return False
    ids_a = set(a["actors"]) - common
    ids_b = set(b["actors"]) - common
    if ids_a and ids_b:
        return bool(ids_a & ids_b)
    # One report names only the usual parties: compatible with a fuller one sharing them.
    return bool(set(a["actors"]) & set(b["actors"])) or (
        not a["actors"] and not b["actors"] and bool(host_a) and host_a == host_b
    )


def reference_cluster_events(
    events: pd.DataFrame,
    *,
    nationality: Mapping[str, str] | None = None,
    lexicon: EventLexicon | None = None,
) -> pd.DataFrame:
    """The clustering as first written: every pair of events compared."""
    if events is None or not len(events):
        return schema.empty("event_clusters")
    frame = events
    if "negated" in frame:
        frame = frame[~frame["negated"].fillna(False).astype(bool)]
    frame = frame[frame["year"].notna()]
    records = sorted(
        frame.to_dict("records"),
        key=lambda r: (int(r["year"]), str(r["event_type"]), str(r["doc_id"]), int(r["start"])),
    )
    lexicon = lexicon or _default_lexicon()
    nationality = nationality or {}
    for record in records:
        record["year"] = int(record["year"])
        record["host"] = record["host"] if isinstance(record.get("host"), str) else None
        record["date"] = record["date"] if isinstance(record.get("date"), str) else None
        record["kin"] = lexicon.kinship.get(str(record["event_type"]), str(record["event_type"]))
        named = tuple(record.get("actors") or ())
        record["named"] = named
        record["actors"] = tuple(sorted({nationality.get(a, a) for a in named}))
    counts = Counter(
        a for r in records for a in {*r["actors"], *([r["host"]] if r["host"] else [])}
    )
    common = frozenset(
        a for a, n in counts.items() if len(records) >= 10 and n / len(records) >= UBIQUITY
    )
    parent = list(range(len(records)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(records):
        for j in range(i + 1, len(records)):
            b = records[j]
            if b["year"] != a["year"]:
                continue
            if _old_same_happening(a, b, common):
                root_i, root_j = find(i), find(j)
                if root_i != root_j:
                    parent[max(root_i, root_j)] = min(root_i, root_j)
    members: dict[int, list[dict[str, Any]]] = {}
    for i, record in enumerate(records):
        members.setdefault(find(i), []).append(record)
    rows = []
    for cluster in members.values():
        types = Counter(r["event_type"] for r in cluster)
        top = max(types.values())
        event_type = next(r["event_type"] for r in cluster if types[r["event_type"]] == top)
        ids = {a for r in cluster for a in r["named"]} | {r["host"] for r in cluster if r["host"]}
        docs = sorted({str(r["doc_id"]) for r in cluster})
        representative = min(cluster, key=lambda r: (len(str(r["text"])), str(r["doc_id"])))
        key = (cluster[0]["year"], event_type, docs[0], int(cluster[0]["start"]))
        rows.append((key, {
            "year": cluster[0]["year"], "event_type": event_type, "actors": tuple(sorted(ids)),
            "n_sources": len(docs), "doc_ids": tuple(docs), "n_events": len(cluster),
            "text": representative["text"],
        }))  # fmt: skip
    rows.sort(key=lambda item: item[0])
    return schema.conform(
        [{"cluster_id": n, **row} for n, (_, row) in enumerate(rows, start=1)], "event_clusters"
    )


TYPES = ["meet", "negotiate", "host_visit", "forum", "establish_forum", "aid", "visit"]
ACTORS = ["MNG", "PRK", "KOR", "JPN", "USA", "P_X"]
FIELDS = {
    "doc_id": st.sampled_from(["a-1", "b-1", "c-1", "d-2"]),
    "start": st.integers(0, 500),
    "year": st.sampled_from([2012, 2013]),
    "date": st.sampled_from(["2012", "2012-05", "2012-06", "2013", "2013-05-02", None]),
    "event_type": st.sampled_from(TYPES),
    "actors": st.lists(st.sampled_from(ACTORS), max_size=3, unique=True).map(
        lambda a: tuple(sorted(a))
    ),
    "host": st.sampled_from(["MNG", "KAZ", None]),
    "negated": st.booleans(),
    "text": st.sampled_from(["talks", "a meeting in UB", "x"]),
}
EVENT = st.fixed_dictionaries(FIELDS)


@settings(max_examples=200, deadline=None)
@given(st.lists(EVENT, max_size=40))
def test_clusters_are_those_of_all_pairs(rows: list[dict[str, Any]]) -> None:
    events = pd.DataFrame(rows, columns=list(FIELDS)) if rows else pd.DataFrame()
    for nationality in ({}, {"P_X": "JPN"}):
        expected = reference_cluster_events(events, nationality=nationality)
        found = cluster_events(events, nationality=nationality)
        pd.testing.assert_frame_equal(found, expected, check_exact=True)
