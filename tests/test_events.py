"""Tests of mongolia_analysis.events: dated, coded events and their clusters.

Sentences and mentions are written by hand here (new names, not the seeds'), so each test
checks one rule of the extractor without depending on the gazetteer.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mongolia_analysis import schema
from mongolia_analysis.errors import DataFileError
from mongolia_analysis.events import (
    cluster_events,
    extract_events,
    find_triggers,
    load_event_lexicon,
    parse_event_lexicon,
    split_clauses,
)

#: Surface → (entity_id, entity_type) used to build the mentions of the test sentences.
ACTORS = {
    "Kazakhstan": ("KAZ", "country"), "Armenia": ("ARM", "country"),
    "Azerbaijan": ("AZE", "country"), "Astana": ("KAZ", "country"), "Baku": ("AZE", "country"),
    "Norway": ("NOR", "country"), "Norwegian": ("NOR", "country"), "Oslo": ("NOR", "country"),
    "Chile": ("CHL", "country"), "Peru": ("PER", "country"), "Finland": ("FIN", "country"),
    "Helsinki Forum": ("F_HELSINKI", "forum"), "President Niinistö": ("P_NIINISTO", "person"),
    "Geneva": ("PL_GENEVA", "place"), "Lisbon": ("PL_LISBON", "place"),
}  # fmt: skip


def make_sentences(texts: list[str], *, doc_id: str = "t-1", role: str = "body") -> pd.DataFrame:
    rows, position = [], 0
    for sent_id, text in enumerate(texts):
        rows.append({"doc_id": doc_id, "para_id": 0, "sent_id": sent_id, "role": role,
                     "text": text, "start": position, "end": position + len(text)})  # fmt: skip
        position += len(text) + 1
    return schema.conform(rows, "sentences")


def make_mentions(sentences: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for record in sentences.to_dict("records"):
        for surface, (entity_id, entity_type) in ACTORS.items():
            flags = re.IGNORECASE if record["text"].isupper() else 0
            for match in re.finditer(rf"\b{re.escape(surface)}\b", record["text"], flags):
                overlapped = any(
                    r["sent_id"] == record["sent_id"]
                    and r["start"] < record["start"] + match.end()
                    and record["start"] + match.start() < r["end"]
                    for r in rows
                )
                if overlapped:
                    continue
                rows.append({
                    "doc_id": record["doc_id"], "sent_id": record["sent_id"],
                    "start": record["start"] + match.start(), "end": record["start"] + match.end(),
                    "surface": surface, "entity_id": entity_id, "entity_type": entity_type,
                    "name": surface, "method": "test",
                })  # fmt: skip
    return schema.conform(rows, "mentions")


def documents(published: str | None, doc_id: str = "t-1") -> pd.DataFrame:
    return pd.DataFrame({"doc_id": [doc_id], "published": [published]})


def events_of(
    texts: list[str], *, published: str | None = None, role: str = "body"
) -> pd.DataFrame:
    sentences = make_sentences(texts, role=role)
    return extract_events(sentences, make_mentions(sentences), documents(published))


# ----------------------------------------------------------------------------------------
def test_third_party_talks_are_a_mediated_meeting() -> None:
    [event] = events_of(
        ["In May 2019, Kazakhstan hosted talks between Armenia and Azerbaijan in Astana."]
    ).to_dict("records")
    assert (event["year"], event["date"], event["date_precision"]) == (2019, "2019-05", "month")
    assert (event["event_type"], event["cameo"], event["plover"]) == (
        "meet_third_location",
        "044",
        "CONSULT",
    )
    assert event["actors"] == ("ARM", "AZE")
    assert event["host"] == "KAZ"
    assert event["mediation"] and not event["negated"] and not event["hypothetical"]


@pytest.mark.parametrize(
    ("text", "event_type", "cameo", "host"),
    [
        ("Kazakhstan visited Norway in 2016.", "visit", "042", "NOR"),
        ("In 2016, a delegation from Chile paid a visit to Oslo.", "visit", "042", "NOR"),
        ("Norway hosted a visit by Chile in 2016.", "host_visit", "043", "NOR"),
        ("Chile and Peru met in Geneva in 2016.", "meet_third_location", "044", "CHE"),
        ("Chile and Peru met in Lisbon in 2016.", "meet", "040", None),  # Lisbon: not in table
        ("In 2016, Finland mediated between Chile and Peru.", "mediate", "045", None),
        ("Norway recognized Chile in 1849.", "recognize", "054", None),
        ("In 2016, Chile and Peru signed an accord.", "sign_agreement", "057", None),
        ("In 2016, Norway held joint exercises with Finland.", "military_exercise", "062", "NOR"),
        ("Norway sent food aid to Chile in 2016.", "humanitarian_aid", "073", None),
        ("In 2016, Peru rejected an invitation from Chile.", "reject", "125", None),
        ("In 2016, Norway called on Chile to return to the dialogue.", "appeal", "020", None),
        ("In 2016, Norway urged Chile and Peru to resume talks.", "appeal", "020", None),
        ("Norway expelled Chilean diplomats in 2016.", "expel", "174", None),
        ("Chile and Peru sat down together in Lisbon in 2016.", "meet", "040", None),
        ("Chile and Peru discussed border trade in 2016.", "meet", "040", None),
    ],
)
def test_trigger_lexicon_codes_events(
    text: str, event_type: str, cameo: str, host: str | None
) -> None:
    [event] = events_of([text]).to_dict("records")
    assert (event["event_type"], event["cameo"]) == (event_type, cameo)
    assert (None if pd.isna(event["host"]) else event["host"]) == host


def test_place_mentions_map_to_their_state_through_the_places_table() -> None:
    text = "In 2016, Chile and Peru met in Geneva."
    sentences = make_sentences([text])
    mentions = make_mentions(sentences)
    [event] = extract_events(sentences, mentions, documents(None)).to_dict("records")
    assert (event["host"], event["actors"]) == ("CHE", ("CHL", "PER"))
    # a place the table does not know locates nothing
    mentions["name"] = mentions["surface"] = mentions["entity_id"].str.replace("PL_GENEVA", "PL_X")
    mentions["entity_id"] = mentions["name"]
    [event] = extract_events(sentences, mentions, documents(None)).to_dict("records")
    assert pd.isna(event["host"]) and event["event_type"] == "meet"


def test_the_state_capital_phrase_is_a_place() -> None:
    [event] = events_of(["In 2016, Chile met Peru in the Norwegian capital."]).to_dict("records")
    assert event["host"] == "NOR"
    assert event["actors"] == ("CHL", "PER")
    assert event["event_type"] == "meet_third_location" and event["mediation"]


def test_several_years_give_several_events() -> None:
    events = events_of(["In 2007 and again in 2012, Norway hosted talks between Chile and Peru."])
    assert events["year"].tolist() == [2007, 2012]
    assert set(events["event_type"]) == {"meet_third_location"}


def test_one_event_per_category_of_the_triggers_of_a_date() -> None:
    events = events_of(["In 2018, President Niinistö visited Baku and signed a transit agreement."])
    assert sorted(events["cameo"]) == ["042", "057"]
    visit = events[events["cameo"] == "042"].iloc[0]
    assert visit["host"] == "AZE"


def test_a_noun_gives_way_to_a_verb_of_another_category() -> None:
    [event] = events_of(
        ["The Helsinki Forum talks, which collapsed in 2011, were never revived."]
    ).to_dict("records")
    assert event["event_type"] == "halt_negotiations"


@pytest.mark.parametrize(
    ("text", "published", "date", "precision"),
    [
        ("Last year, Norway hosted talks with Chile and Peru.", "2019-06-12", "2018",
         "relative-year"),
        ("Norway and Chile signed an accord last October.", "2015-01-20", "2014-10",
         "relative-month"),
        ("On Wednesday, Chile and Peru met in Oslo.", "2017-06-16", "2017-06-14", "relative-day"),
    ],
)  # fmt: skip
def test_relative_cues_resolve_from_the_publication_date(
    text: str, published: str, date: str, precision: str
) -> None:
    [event] = events_of([text], published=published).to_dict("records")
    assert (event["date"], event["date_precision"]) == (date, precision)


def test_relative_cues_without_publication_date_give_no_event() -> None:
    assert events_of(["Last year, Norway hosted talks between Chile and Peru."]).empty


def test_anaphoric_cue_takes_the_previous_dated_sentence() -> None:
    events = events_of([
        "President Niinistö visited Oslo in August, 2011.",
        "A year later, Chile and Peru met in Helsinki.",
        "Peru also visited Norway in the same year.",
    ])  # fmt: skip
    assert events["year"].tolist() == [2011, 2012, 2011]
    assert events["date_precision"].tolist()[1:] == ["anaphoric-year", "anaphoric-year"]


def test_headline_without_date_takes_the_publication_date() -> None:
    [event] = events_of(["NORWAY AND CHILE SIGN HISTORIC DEFENSE PACT"], published="2024-12-20",
                        role="headline").to_dict("records")  # fmt: skip
    assert (event["year"], event["date"], event["date_precision"]) == (
        2024,
        "2024-12-20",
        "relative-day",
    )


def test_body_sentence_without_date_gives_no_event() -> None:
    assert events_of(["Norway hosted talks between Chile and Peru."], published="2020-01-01").empty


@pytest.mark.parametrize(
    ("text", "negated", "hypothetical"),
    [
        ("Kazakhstan did not host the 2017 summit with Chile.", True, False),
        ("In 2009, Chile and Peru agreed on a port lease that never materialized.", True, False),
        ("Azerbaijan could host a follow-up round with Chile in 2020.", False, True),
        ("In June 2015, a conference of the Helsinki Forum will convene in Oslo.", False, True),
        ("A summit of Chile and Peru has been proposed in Oslo for June, 2015.", False, True),
        ("Norway offered to mediate between Chile and Peru in 2016.", False, True),
        ("In 2016, Norway hosted talks between Chile and Peru.", False, False),
    ],
)
def test_negation_and_modality(text: str, negated: bool, hypothetical: bool) -> None:
    [event] = events_of([text]).to_dict("records")
    assert (bool(event["negated"]), bool(event["hypothetical"])) == (negated, hypothetical)


def test_a_year_after_publication_is_hypothetical() -> None:
    [event] = events_of(
        ["Norway and Chile will sign an accord in 2030."], published="2024-01-01"
    ).to_dict("records")
    assert event["hypothetical"]


@pytest.mark.parametrize(
    "text",
    [
        "The 2010 National Security Concept of Norway limits investment.",  # year as a name
        "Chile’s exports grew in 2016.",  # no trigger
        "“Chile and Peru met in 2016,” Norway said.",  # inside a quotation
        "Norway, see Pg. 10. 2015, signed nothing.",  # page reference
        "Norway is internationally recognized since 1905 as neutral.",  # adjective
        "Norway hosts the largest diaspora of Chile, about 4,000 people in 2019.",
    ],
)
def test_not_events(text: str) -> None:
    assert events_of([text]).empty


def test_offsets_point_into_the_document() -> None:
    texts = [
        "Filler sentence here.",
        "In 2016, Norway hosted talks between Chile and Peru; Chile left.",
    ]
    sentences = make_sentences(texts)
    document = " ".join(texts)
    events = extract_events(sentences, make_mentions(sentences), documents(None))
    for row in events.to_dict("records"):
        assert document[row["start"] : row["end"]] == row["text"]
    assert events.iloc[0]["text"] == "In 2016, Norway hosted talks between Chile and Peru"


def test_empty_inputs_give_empty_tables() -> None:
    empty = extract_events(schema.empty("sentences"), schema.empty("mentions"), documents(None))
    assert list(empty.columns)[: len(schema.TABLES["events"])] == list(schema.TABLES["events"])
    assert cluster_events(empty).empty


def test_split_clauses() -> None:
    text = "Norway met Chile in 2016; Peru left — quietly, but Chile stayed."
    assert [text[s:e] for s, e in split_clauses(text)] == [
        "Norway met Chile in 2016",
        "Peru left",
        "quietly",
        "but Chile stayed.",
    ]


def test_find_triggers_prefers_longest_and_skips_quotes() -> None:
    hits = find_triggers(
        "They held its first meeting; “talks” were hosted by Oslo.", load_event_lexicon()
    )
    assert [h.text for h in hits] == ["held its first meeting", "hosted by"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "event_types"),
        ({"event_types": {"x": {"plover": "CONSULT", "triggers": ["met"]}}}, "'x' lacks"),
        ({"event_types": {"x": {"cameo": "4", "plover": "C", "triggers": ["met"]}}}, "not a code"),
        ({"event_types": {"x": {"cameo": "040", "plover": "C"}}}, "no triggers"),
        ({"event_types": {"x": {"cameo": "040", "plover": "C", "patterns": ["(unclosed"]}}},
         "bad regular"),
        ({"event_types": {"x": {"cameo": "040", "plover": "C", "triggers": ["met"],
                                "third_party": "nope"}}}, "not a type"),
        ({"event_types": {"x": {"cameo": "040", "plover": "C", "triggers": ["met"]}},
          "places": {"Oslo": "Norway"}}, "ISO3"),
    ],
)  # fmt: skip
def test_bad_lexicon_entries_name_the_entry(data: dict, message: str) -> None:
    with pytest.raises(DataFileError, match=message):
        parse_event_lexicon(data, source="test.yaml")


# ----------------------------------------------------------------------------------------
def _event(doc_id: str, year: int, event_type: str, actors: tuple, host: str | None, text: str,
           date: str | None = None, negated: bool = False) -> dict:  # fmt: skip
    return {"doc_id": doc_id, "sent_id": 0, "start": 0, "end": len(text), "year": year,
            "date": date or str(year), "date_precision": "year", "event_type": event_type,
            "cameo": "044", "plover": "CONSULT", "actors": actors, "host": host,
            "mediation": True, "negated": negated, "hypothetical": False, "trigger": "x",
            "text": text}  # fmt: skip


def test_clusters_join_reports_of_one_happening() -> None:
    events = schema.conform([
        _event("a-1", 2012, "meet_third_location", ("CHL", "PER"), "NOR", "talks in Oslo in 2012"),
        _event("b-1", 2012, "meet_third_location", ("PER",), "NOR", "2012 talks", date="2012-09"),
        _event("c-1", 2012, "meet_third_location", ("ARM", "AZE"), "NOR", "other talks"),
        _event("d-1", 2013, "meet_third_location", ("CHL", "PER"), "NOR", "talks again"),
        _event("e-1", 2012, "meet_third_location", ("CHL",), "KAZ", "talks in Astana"),
        _event("f-1", 2012, "meet_third_location", ("CHL",), "NOR", "no talks", negated=True),
    ], "events")  # fmt: skip
    clusters = cluster_events(events)
    assert clusters["n_sources"].tolist() == [2, 1, 1, 1]
    first = clusters.iloc[0]
    assert first["doc_ids"] == ("a-1", "b-1")
    assert first["actors"] == ("CHL", "NOR", "PER")
    assert first["text"] == "2012 talks"
    assert clusters["cluster_id"].tolist() == [1, 2, 3, 4]
    assert cluster_events(events.iloc[::-1]).equals(clusters)  # order does not matter


def test_clusters_keep_different_months_apart() -> None:
    events = schema.conform([
        _event("a-1", 2014, "forum", ("F_X",), "NOR", "June forum", date="2014-06"),
        _event("b-1", 2014, "forum", ("F_X",), "NOR", "October forum", date="2014-10"),
    ], "events")  # fmt: skip
    assert len(cluster_events(events)) == 2


# ----------------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_consistent_events(text: str) -> None:
    sentences = make_sentences([text])
    events = extract_events(sentences, make_mentions(sentences), documents("2020-05-05"))
    for row in events.to_dict("records"):
        assert text[row["start"] : row["end"]] == row["text"]
        assert row["actors"] == tuple(sorted(row["actors"]))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "In",
                "2014",
                "March",
                "Norway",
                "hosted",
                "talks",
                "between",
                "Chile",
                "and",
                "Peru",
                "visited",
                "Oslo",
                "not",
                "will",
                ",",
                ";",
                "“",
                "”",
                "last",
                "year",
                "the",
                "1990s",
                "signed",
                "accord",
                "Astana",
                "capital",
                "Norwegian",
                "a",
                "later",
                "same",
            ]
        ),
        max_size=25,
    )
)
def test_event_like_text_gives_consistent_events(words: list[str]) -> None:
    text = " ".join(words)
    sentences = make_sentences([text])
    events = extract_events(sentences, make_mentions(sentences), documents("2020-05-05"))
    for row in events.to_dict("records"):
        assert text[row["start"] : row["end"]] == row["text"]
        assert row["host"] is pd.NA or row["host"] not in row["actors"]
    cluster_events(events)


def test_seed_events_point_into_their_documents(seeds_corpus) -> None:
    events = seeds_corpus.events
    assert len(events) > 0
    for row in events.to_dict("records"):
        assert seeds_corpus.text(row["doc_id"])[row["start"] : row["end"]] == row["text"]
    clusters = seeds_corpus.event_clusters
    assert clusters["n_events"].sum() == (~events["negated"]).sum()
    assert cluster_events(events.sample(frac=1, random_state=1)).equals(cluster_events(events))


def test_seed_reunion_of_2014_is_one_happening_in_three_documents(seeds_corpus) -> None:
    # 001 ("Mongolia was also the site for the daughter of Yokota Megumi … to meet her
    # grandparents"), 002 ("a 2014 reunion in the Mongolian capital") and 003 ("In March
    # 2014, Ulaanbaatar hosted the first-ever reunion … Megumi Yokota") report one happening.
    clusters = seeds_corpus.event_clusters
    reunion = clusters[(clusters["year"] == 2014) & clusters["actors"].map(lambda a: "JPN" in a)]
    assert reunion["n_sources"].max() == 3
    assert set(reunion.sort_values("n_sources").iloc[-1]["doc_ids"]) == {
        "001_bdde8ca21c4ec5c7-1",
        "002_61233ddd93a6d577-1",
        "003_cf5b36be068882c7-1",
    }


def test_people_count_as_their_country_when_clustering() -> None:
    events = pd.DataFrame(
        [
            {
                "doc_id": "a-1",
                "start": 0,
                "year": 2014,
                "date": "2014",
                "event_type": "host_visit",
                "actors": ("P_ABE",),
                "host": "MNG",
                "negated": False,
                "text": "x",
            },
            {
                "doc_id": "b-1",
                "start": 0,
                "year": 2014,
                "date": "2014",
                "event_type": "meet_third_location",
                "actors": ("JPN", "PRK"),
                "host": "MNG",
                "negated": False,
                "text": "y",
            },
        ]
    )
    assert len(cluster_events(events)) == 2
    merged = cluster_events(events, nationality={"P_ABE": "JPN"})
    assert merged["n_sources"].tolist() == [2]
    assert merged["actors"].iloc[0] == ("JPN", "MNG", "PRK", "P_ABE")


# ----------------------------------------------------------------------------------------
# rules added for unseen layouts (tests/dev_corpus): one behaviour per test
def _kinds(events: pd.DataFrame) -> set[tuple]:
    return {
        (int(r["year"]), r["event_type"], bool(r["negated"]), bool(r["hypothetical"]))
        for r in events.to_dict("records")
    }


def test_a_venue_said_to_be_suitable_is_a_hypothetical_meeting_of_its_own() -> None:
    got = _kinds(events_of(
        ["Norway has offered to host a summit between Chile and Peru, its minister said on "
         "Friday, adding that Oslo would be a suitable venue for a summit."],
        published="2019-02-01",
    ))  # fmt: skip
    assert (2019, "intent_to_mediate", False, True) in got
    assert (2019, "meet", False, True) in got


def test_a_negated_attendance_does_not_negate_the_forum() -> None:
    got = _kinds(events_of(["Chile did not attend the Helsinki Forum in June 2023."]))
    assert got == {(2023, "forum", False, False), (2023, "participate", True, False)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Peru sent no delegation to Oslo in 2021.", {(2021, "visit", True, False)}),
        ("Norway sent troops to Chile in August 2003 and kept them there until 2008.",
         {(2003, "peacekeeping", False, False)}),  # "until 2008" ends a period
        ("Chile's premier visited Oslo in 2013 and again in October 2015.",
         {(2013, "visit", False, False), (2015, "visit", False, False)}),
        ("Norway offered Oslo as a venue for Chile and Peru in December 2018.",
         {(2018, "intent_to_mediate", False, True)}),
    ],
)  # fmt: skip
def test_dated_clause_rules(text: str, expected: set) -> None:
    assert _kinds(events_of([text])) == expected


def test_a_clause_without_actors_takes_those_named_before_it() -> None:
    events = events_of(["Chile and Norway are old partners.",
                        "The two countries established diplomatic relations in 1972."])  # fmt: skip
    [event] = events.to_dict("records")
    assert (event["year"], event["event_type"], event["actors"]) == (
        1972,
        "recognize",
        ("CHL", "NOR"),
    )


def test_ticker_headlines_take_their_own_dates() -> None:
    sentences = make_sentences(
        ["CHILE AND PERU SIGN MOU ON LITHIUM", "PRESIDENT OF CHILE TO VISIT OSLO IN FEBRUARY"],
        role="headline",
    )
    headlines = pd.DataFrame({"doc_id": ["t-1", "t-1"], "sent_id": [0, 1],
                              "published": ["2024-12-30", "2024-12-31"]})  # fmt: skip
    events = extract_events(
        sentences, make_mentions(sentences), documents("2025-01-02"), headlines=headlines
    )
    got = [(r["date"], r["event_type"], bool(r["hypothetical"])) for r in events.to_dict("records")]
    assert got == [("2024-12-30", "sign_agreement", False), ("2025-02", "visit", True)]
    # without the headlines table every item takes the ticker's date
    assert set(events_of(["CHILE AND PERU SIGN MOU ON LITHIUM"], published="2025-01-02",
                         role="headline")["year"]) == {2025}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "cameo"),
    [
        ("санамж бичигт өнөөдөр гарын үсэг зурлаа", "057"),
        ("ОХУ-ЫН ЕРӨНХИЙЛӨГЧ МОНГОЛ УЛСАД АЙЛЧИЛНА", "042"),
        ("ГАДААД ХЭРГИЙН САЙД НАР УТСААР ЯРИЛЦАВ", "040"),
        ("бага хурлыг 2024 онд зохион байгуулна", "040"),
        ("N. KOREA TEST-FIRES BALLISTIC MISSILE", "150"),
        ("CHILE, PERU AGREE TO BOOST TRADE", "030"),
    ],
)
def test_new_triggers(text: str, cameo: str) -> None:
    assert cameo in {h.event_type.cameo for h in find_triggers(text, load_event_lexicon())}


def test_a_quoted_statement_is_reported_speech_but_a_quoted_title_is_not() -> None:
    lexicon = load_event_lexicon()
    said = find_triggers('"We are ready to host talks," the minister said.', lexicon)
    title = find_triggers('He wrote "Talks in Oslo" for a journal.', lexicon)
    assert [h.text for h in said] and not title
