"""Tests of the key-judgment rules on small tables written here."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from mongolia_analysis import judgments as jm
from mongolia_analysis.schema import conform, empty
from mongolia_analysis.sections.context import load_settings

CODES = {
    "neutrality": SimpleNamespace(label="Neutrality", kind="asset"),
    "nwfz": SimpleNamespace(label="Nuclear-weapon-free status", kind="asset"),
    "big_power": SimpleNamespace(label="Big-power rivalry", kind="constraint"),
}
NAMES = {"MNG": "Mongolia", "PRK": "North Korea", "JPN": "Japan", "KOR": "South Korea"}


def codings(rows: list[tuple[str, int, str]]) -> pd.DataFrame:
    return conform(
        [
            {"doc_id": d, "sent_id": s, "start": 0, "end": 1, "code": c, "matched": c, "text": "x"}
            for d, s, c in rows
        ],
        "codings",
    )


def documents(years: dict[str, int]) -> pd.DataFrame:
    return conform(
        [
            {
                "doc_id": d,
                "source_file": d,
                "part": 1,
                "title": d,
                "author": None,
                "publisher": None,
                "url": None,
                "published": str(y),
                "date_precision": "year",
                "year": y,
                "language": "en",
                "kind": "article",
                "n_words": 1,
                "n_chars": 1,
                "sha256": "",
            }
            for d, y in years.items()
        ],
        "documents",
    )


def events(rows: list[tuple]) -> pd.DataFrame:
    """rows: (doc_id, sent_id, year, event_type, actors, host, mediation, negated, text)."""
    return conform(
        [
            {
                "doc_id": d,
                "sent_id": s,
                "start": 0,
                "end": 1,
                "year": y,
                "date": str(y),
                "date_precision": "year",
                "event_type": t,
                "cameo": "",
                "plover": "",
                "actors": a,
                "host": h,
                "mediation": m,
                "negated": n,
                "hypothetical": False,
                "trigger": "",
                "text": x,
            }
            for d, s, y, t, a, h, m, n, x in rows
        ],
        "events",
    )


def clusters(rows: list[tuple]) -> pd.DataFrame:
    """rows: (cluster_id, year, event_type, actors, doc_ids, text)."""
    return conform(
        [
            {
                "cluster_id": c,
                "year": y,
                "event_type": t,
                "actors": a,
                "n_sources": len(ds),
                "doc_ids": ds,
                "n_events": len(ds),
                "text": x,
            }
            for c, y, t, a, ds, x in rows
        ],
        "event_clusters",
    )


EVENTS = events(
    [
        ("a", 0, 2014, "host_visit", ("JPN", "PRK"), "MNG", True, False, "Mongolia hosted talks"),
        ("b", 3, 2014, "negotiate", ("PRK",), "MNG", False, False, "talks in Ulaanbaatar"),
        ("b", 5, 2013, "visit", ("MNG",), "PRK", False, False, "visited Pyongyang"),
        ("c", 1, 2012, "host_visit", ("JPN", "PRK"), "MNG", True, False, "hosted in 2012"),
        ("c", 2, 2016, "host_visit", ("KOR",), "MNG", False, True, "did not host"),
    ]
)
CLUSTERS = clusters(
    [
        (1, 2012, "host_visit", ("JPN", "MNG", "PRK"), ("c",), "hosted in 2012"),
        (2, 2013, "visit", ("MNG", "PRK"), ("b",), "visited Pyongyang"),
        (3, 2014, "host_visit", ("JPN", "MNG", "PRK"), ("a", "b"), "talks in Ulaanbaatar"),
    ]
)


def inputs(**changes) -> jm.JudgmentInputs:
    base = {
        "codings": codings(
            [
                ("a", 1, "neutrality"),
                ("b", 1, "neutrality"),
                ("b", 2, "nwfz"),
                ("c", 4, "neutrality"),
                ("c", 5, "big_power"),
                ("b", 7, "big_power"),
            ]
        ),
        "events": EVENTS,
        "event_clusters": CLUSTERS,
        "mentions": empty("mentions"),
        "cooccurrence": empty("cooccurrence"),
        "documents": documents({"a": 2015, "b": 2020, "c": 2024}),
        "codes": CODES,
        "name": lambda i: NAMES.get(i, i),
        "subject": "MNG",
        "focus": "PRK",
        "templates": load_settings().judgments,
        "min_passages": 2,
        "min_documents": 2,
    }
    return jm.JudgmentInputs(**{**base, **changes})


@pytest.mark.parametrize(
    ("refs", "n_docs", "total", "expected"),
    [
        ((("a", 1),), 1, 6, "1 passage in 1 of 6 documents"),
        ((("a", 1), ("b", 2), ("b", 3)), 2, 6, "3 passages in 2 of 6 documents"),
    ],
)
def test_evidence_in_words(refs, n_docs, total, expected):
    assert jm.Judgment("k", "t", refs, n_docs, total).evidence == expected


def test_assign_clusters_uses_participants_not_type():
    # b/3 is a 'negotiate' event in a 'host_visit' cluster; its host MNG is a participant
    assert jm.assign_clusters(EVENTS, CLUSTERS).tolist() == [3, 3, 2, 1, pd.NA]


@pytest.mark.parametrize(
    ("candidates", "expected"),
    [
        # (cluster_id, year, event_type, actors, doc_ids, text); the event: d/0, 2015, a
        # 'visit' of KOR hosted by MNG, "KOR visited"
        ([(4, 2015, "negotiate", ("KOR", "MNG"), ("d",), "x")], 4),
        ([(4, 2016, "visit", ("KOR", "MNG"), ("d",), "x")], pd.NA),  # another year
        ([(4, 2015, "visit", ("KOR", "MNG"), ("e",), "x")], pd.NA),  # another document
        ([(4, 2015, "visit", ("KOR",), ("d",), "x")], pd.NA),  # its host is not a member
        (  # the same type first, even with more members
            [
                (4, 2015, "negotiate", ("KOR", "MNG"), ("d", "e"), "x"),
                (5, 2015, "visit", ("KOR", "MNG", "PRK"), ("e", "d"), "y"),
            ],
            5,
        ),
        (  # then the event's sentence as the cluster's text, then the fewest members
            [
                (4, 2015, "visit", ("KOR", "MNG"), ("d",), "y"),
                (5, 2015, "visit", ("KOR", "MNG", "PRK"), ("d",), "KOR visited"),
                (6, 2015, "visit", ("KOR", "MNG", "JPN", "PRK"), ("d",), "z"),
            ],
            5,
        ),
        (  # the fewest members; among equals the lowest id
            [
                (7, 2015, "visit", ("KOR", "MNG"), ("d",), "y"),
                (6, 2015, "visit", ("KOR", "MNG"), ("d",), "y"),
                (5, 2015, "visit", ("KOR", "MNG", "PRK"), ("d",), "y"),
            ],
            6,
        ),
    ],
)
@pytest.mark.parametrize("negated", [False, pd.NA])  # a missing flag is not a negation
def test_assign_clusters_picks_the_closest_cluster_holding_the_event(candidates, expected, negated):
    event = events([("d", 0, 2015, "visit", ("KOR",), "MNG", False, negated, "KOR visited")])
    assigned = jm.assign_clusters(event, clusters(candidates)).tolist()
    assert assigned == [expected] or (pd.isna(expected) and pd.isna(assigned[0]))


def test_factual_events_drop_negated():
    assert jm.factual_events(EVENTS)["sent_id"].tolist() == [0, 3, 5, 1]


def test_theme_counts_order_by_documents_then_passages():
    table = jm.theme_counts(inputs().codings, CODES, "asset")
    assert table.to_dict("list") == {
        "code": ["neutrality", "nwfz"],
        "n_passages": [3, 1],
        "n_documents": [3, 1],
    }


@pytest.mark.parametrize(
    ("asset", "constraint", "direction", "early", "late"),
    [
        ([8, 3], [2, 3], "constraint", "2015", "2024"),
        ([2, 8], [8, 2], "asset", "2015", "2024"),
        ([5, 5], [5, 5], "", "2015", "2024"),
    ],
)
def test_framing_shift(asset, constraint, direction, early, late):
    table = pd.DataFrame({"year": [2015, 2024], "asset": asset, "constraint": constraint})
    shift = jm.framing_shift(table)
    assert (shift["direction"], shift["early_years"], shift["late_years"]) == (
        direction,
        early,
        late,
    )


def test_framing_shift_needs_two_years():
    assert jm.framing_shift(pd.DataFrame({"year": [2015], "asset": [1], "constraint": [1]})) is None


def test_framing_by_year_counts_a_passage_once_per_kind():
    rows = codings([("a", 1, "neutrality"), ("a", 1, "nwfz"), ("a", 2, "big_power")])
    table = jm.framing_by_year(rows, documents({"a": 2015}), CODES)
    assert table.to_dict("records") == [
        {"year": 2015, "asset": 1, "constraint": 1, "constraint_share": 0.5}
    ]


def test_hosted_share_counts_happenings_not_reports():
    judgment = jm.rule_focus_hosted_share(inputs())
    # hosted happenings: cluster 3 (reported twice) and cluster 1; the visit to Pyongyang is
    # hosted by PRK, the negated one is left out
    assert judgment.text.startswith("North Korea is a party to 2 of the 2 events")
    assert set(judgment.refs) == {("a", 0), ("b", 3), ("c", 1)}


@pytest.mark.parametrize(
    ("focus", "start"),
    [
        ("JPN", "Japan is a party to 2 of the 2"),
        ("KOR", "None of the 2 events that Mongolia is recorded as hosting"),
    ],
)
def test_focus_changes_the_hosting_judgment(focus, start):
    assert jm.rule_focus_hosted_share(inputs(focus=focus)).text.startswith(start)


def test_most_corroborated_names_the_cluster():
    judgment = jm.rule_most_corroborated(inputs())
    assert judgment.text == (
        "The best-attested episode (2014, host visit: Mongolia, North Korea and Japan) is "
        "reported by 2 of the 3 documents."
    )
    assert set(judgment.refs) == {("a", 0), ("b", 3)}


def test_rules_below_the_threshold_state_nothing():
    strict = jm.generate_judgments(inputs(min_passages=4, min_documents=3))
    assert [j.key for j in strict] == []
    loose = jm.generate_judgments(inputs())
    assert [j.key for j in loose] == [
        "leading_assets",
        "focus_hosted_share",
        "most_corroborated",
        "leading_constraint",
        "framing_trend",
    ]
    assert all(j.n_passages >= 2 and j.n_documents >= 2 for j in loose)


def test_focus_tie_ranks_the_focus():
    edges = conform(
        [
            {"source": "MNG", "target": "PRK", "n_sentences": 5, "n_documents": 2},
            {"source": "CHN", "target": "MNG", "n_sentences": 9, "n_documents": 3},
        ],
        "cooccurrence",
    )
    mentions = conform(
        [
            {
                "doc_id": d,
                "sent_id": s,
                "start": 0,
                "end": 1,
                "surface": e,
                "entity_id": e,
                "entity_type": "country",
                "name": e,
                "method": "x",
            }
            for d, s in (("a", 1), ("b", 2))
            for e in ("MNG", "PRK")
        ],
        "mentions",
    )
    judgment = jm.rule_focus_tie(inputs(cooccurrence=edges, mentions=mentions))
    assert judgment.text == (
        "Mongolia and North Korea are named together in 5 sentences; "
        "North Korea is Mongolia's second most frequent co-mention."
    )
    assert judgment.refs == (("a", 1), ("b", 2))


def test_most_corroborated_counts_documents_not_passages():
    judgment = jm.generate_judgments(inputs(min_passages=10))
    assert [j.key for j in judgment] == ["most_corroborated"]


def test_most_corroborated_says_when_episodes_tie():
    tied = clusters(
        [
            (1, 2012, "visit", ("MNG", "KOR"), ("a", "c"), "t"),
            (2, 2014, "host_visit", ("JPN", "MNG", "PRK"), ("a", "b"), "t"),
        ]
    )
    judgment = jm.rule_most_corroborated(inputs(event_clusters=tied))
    assert judgment.text == (
        "2 episodes are each reported by 2 of the 3 documents, none by more; among them "
        "(2014, host visit: Mongolia, North Korea and Japan)."
    )


def test_most_corroborated_caps_the_actors():
    wide = clusters(
        [(1, 2014, "forum", ("CHN", "JPN", "KOR", "MNG", "PRK", "RUS"), ("a", "b"), "t")]
    )
    judgment = jm.rule_most_corroborated(inputs(event_clusters=wide, max_actors=3))
    assert "(2014, forum: Mongolia, North Korea, CHN and 3 others)" in judgment.text


def test_limit_caps_the_judgments():
    assert len(jm.generate_judgments(inputs(), limit=2)) == 2
