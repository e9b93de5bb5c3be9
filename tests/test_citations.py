"""Tests of mongolia_analysis.citations: entry parsing, grouping, marker links, seed gold."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mongolia_analysis import citations
from mongolia_analysis.citations import extract_citations, link_markers, parse_reference

GOLD = Path(__file__).parent / "gold" / "citations.yaml"


def make_doc(
    paragraphs: list[tuple[str, str | list[str]]], doc_id: str = "doc-1"
) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    """A document from ``(role, text or list of sentences)`` paragraphs, separated by a blank
    line; sentences of a paragraph are joined by one space. Returns text, sentences, paragraphs.
    """
    text, sents, paras = "", [], []
    for para_id, (role, content) in enumerate(paragraphs):
        if text:
            text += "\n\n"
        p_start = len(text)
        for sentence in [content] if isinstance(content, str) else content:
            if len(text) > p_start:
                text += " "
            sents.append(
                {
                    "doc_id": doc_id,
                    "para_id": para_id,
                    "sent_id": len(sents),
                    "role": role,
                    "text": sentence,
                    "start": len(text),
                    "end": len(text) + len(sentence),
                }
            )
            text += sentence
        paras.append(
            {
                "doc_id": doc_id,
                "para_id": para_id,
                "heading": None,
                "role": role,
                "text": text[p_start:],
                "start": p_start,
                "end": len(text),
            }
        )
    return text, pd.DataFrame(sents), pd.DataFrame(paras)


# -- parse_reference: one entry per style ------------------------------------------------
PARSE_CASES = [
    pytest.param(
        'Tsedev, Oyun. "Nomads and Networks." Journal of Steppe Studies 8, no. 1 (2011): 12-30.'
        " https://doi.org/10.9999/jss.2011.8.1.",
        {
            "marker": None,
            "authors": ("Tsedev, Oyun",),
            "year": 2011,
            "title": "Nomads and Networks",
            "container": "Journal of Steppe Studies",
            "doi": "10.9999/jss.2011.8.1",
            "url": "https://doi.org/10.9999/jss.2011.8.1",
        },
        id="chicago-bibliography-straight-quotes",
    ),
    pytest.param(
        "3 Mary K. Olds and Peter Grant, “Buffer States Revisited,” Pacific Affairs vol. 90, "
        "no. 4 (March 2017).",
        {
            "marker": "3",
            "authors": ("Mary K. Olds", "Peter Grant"),
            "year": 2017,
            "title": "Buffer States Revisited",
            "container": "Pacific Affairs",
            "doi": None,
        },
        id="chicago-note-natural-order",
    ),
    pytest.param(
        "Institute for Strategic Studies. “Annual Security Outlook.” ISS Press, n.d. "
        "https://example.org/outlook.",
        {
            "authors": ("Institute for Strategic Studies",),
            "year": None,
            "title": "Annual Security Outlook",
            "container": "ISS Press",
            "url": "https://example.org/outlook",
        },
        id="organisation-no-date",
    ),
    pytest.param(
        '[12] Lee, Min-ho. "Quiet Channels." Korea Herald, 4 May 2016.',
        {
            "marker": "12",
            "authors": ("Lee, Min-ho",),
            "year": 2016,
            "title": "Quiet Channels",
            "container": "Korea Herald",
        },
        id="bracket-footnote",
    ),
    pytest.param(
        "Bold, T., & Sukh, N. (2020). Small states and mediation. Asian Politics, 5(2), 44–60. "
        "https://doi.org/10.1234/ap.5.2.44",
        {
            "authors": ("Bold, T.", "Sukh, N."),
            "year": 2020,
            "title": "Small states and mediation",
            "container": "Asian Politics",
            "doi": "10.1234/ap.5.2.44",
        },
        id="apa-author-date",
    ),
    pytest.param(
        "Tumur, Ganbold. Steppe Diplomacy. Ulaanbaatar: Admon Press, 2009.",
        {
            "authors": ("Tumur, Ganbold",),
            "year": 2009,
            "title": "Steppe Diplomacy",
            "container": "Admon Press",
        },
        id="book-city-publisher",
    ),
    pytest.param(
        "Dierkes, Julian, ed. Change in Democratic Mongolia. Leiden: Brill, 2012.",
        {
            "authors": ("Dierkes, Julian",),
            "year": 2012,
            "title": "Change in Democratic Mongolia",
            "container": "Brill",
        },
        id="edited-book-chicago",
    ),
    pytest.param(
        "Dierkes, J. (Ed.). (2012). Change in democratic Mongolia. Brill.",
        {"authors": ("Dierkes, J.",), "year": 2012, "title": "Change in democratic Mongolia"},
        id="edited-book-apa",
    ),
    pytest.param(
        "[5] Ibid., 12.",
        {"marker": "5", "authors": (), "title": None, "year": None},
        id="ibid",
    ),
    pytest.param(
        "Smith, Anna, ‘Mongolia’s Third Neighbours’, Asian Survey, 2019.",
        {
            "authors": ("Smith, Anna",),
            "title": "Mongolia’s Third Neighbours",
            "year": 2019,
            "container": "Asian Survey",
        },
        id="british-single-quotes",
    ),
    pytest.param(
        'News Desk. "Talks Set for 2019 Summit." Daily Post, June 2, 2018. Accessed May 1, 2024. '
        "https://dailypost.example/talks",
        {
            "year": 2018,
            "title": "Talks Set for 2019 Summit",
            "container": "Daily Post",
            "url": "https://dailypost.example/talks",
        },
        id="year-in-title-and-access-date-ignored",
    ),
    pytest.param(
        "Dash, Bat, Anna Lee, and Tom Kim. “Energy Corridors.” Asia Energy Review 3 (2021).",
        {
            "authors": ("Dash, Bat", "Anna Lee", "Tom Kim"),
            "year": 2021,
            "container": "Asia Energy Review",
        },
        id="three-authors-mla",
    ),
    pytest.param(
        "Ministry of Foreign Affairs and Trade. “Concept of Foreign Policy.” Government of "
        "Mongolia, 2011.",
        {
            "authors": ("Ministry of Foreign Affairs and Trade",),
            "year": 2011,
            "container": "Government of Mongolia",
        },
        id="organisation-with-and",
    ),
    pytest.param(
        "2. Ochir, B., “Neutrality in Practice”, in Small States Yearbook, doi:10.5555/ssy.2015.7.",
        {
            "marker": "2",
            "authors": ("Ochir, B.",),
            "title": "Neutrality in Practice",
            "container": "Small States Yearbook",
            "doi": "10.5555/ssy.2015.7",
            "year": None,
        },
        id="doi-label-and-in-container",
    ),
]


@pytest.mark.parametrize(("text", "expected"), PARSE_CASES)
def test_parse_reference_fields(text: str, expected: dict) -> None:
    ref = parse_reference(text)
    assert {name: getattr(ref, name) for name in expected} == expected


@pytest.mark.parametrize(
    ("text", "authors"),
    [
        (
            "Balmforth, Tom, and David Gauthier-Villars.",
            ("Balmforth, Tom", "David Gauthier-Villars"),
        ),
        ("Halbertsma, Tjalling H. F.", ("Halbertsma, Tjalling H. F.",)),
        ("Chuluunbaatar, Sumiya .", ("Chuluunbaatar, Sumiya",)),
        ("Kim, A., Park, B., & Lee, C.", ("Kim, A.", "Park, B.", "Lee, C.")),
        ("Asia Society", ("Asia Society",)),
        ("", ()),
    ],
)
def test_split_authors(text: str, authors: tuple[str, ...]) -> None:
    assert citations.split_authors(text) == authors


# -- grouping and extraction --------------------------------------------------------------
def test_numbered_note_broken_over_two_paragraphs_is_one_entry() -> None:
    text, sents, paras = make_doc(
        [
            ("body", "Talks resumed.[1] Trade grew.[2]"),
            ("references", "[1] Bat, Dorj. “Steppe Talks.” Forum Papers. 2012."),
            ("references", "[2] Sukh, Ganaa. “Border Ports.”"),
            ("references", "Northeast Asia Conference. Pg. 12. 2014."),
        ]
    )
    table = extract_citations(sents, paras, texts={"doc-1": text})
    assert table["marker"].tolist() == ["1", "2"]
    assert table["year"].tolist() == [2012, 2014]
    assert table.loc[1, "raw"].endswith("Pg. 12. 2014.")


def test_a_heading_between_two_lists_starts_a_new_entry() -> None:
    _, sents, paras = make_doc(
        [
            ("body", "Ties grew.[1]"),
            ("heading", "Notes"),
            ("references", "1. Bat, Dorj. “Steppe Talks.” Forum Papers, 2012."),
            ("heading", "Works Cited"),
            ("references", "Oyun, Bat. Quiet Diplomacy. Ulaanbaatar: Admon Press, 2018."),
            ("references", "Tsog, Anu. Ports and Rails. Leiden: Brill, 2020."),
        ]
    )
    table = extract_citations(sents, paras)
    assert table["authors"].tolist() == ["Bat, Dorj", "Oyun, Bat", "Tsog, Anu"]
    assert table["year"].tolist() == [2012, 2018, 2020]


@pytest.mark.parametrize(
    ("notes", "expected"),
    [
        (
            ["2. Bat, Dorj. “Steppe Talks.” Forum Papers, 2012.", "3. Ibid., 14."],
            ("Bat, Dorj", "Steppe Talks", 2012),
        ),
        # [3] is lost from the page: which work [4] repeats is unknown
        (
            ["2. Bat, Dorj. “Steppe Talks.” Forum Papers, 2012.", "4. Ibid., 14."],
            (None, None, None),
        ),
        (["Ibid., 3."], (None, None, None)),  # nothing before it
    ],
    ids=["after-its-predecessor", "after-a-gap", "first"],
)
def test_ibid_repeats_the_work_of_the_note_before_it(notes, expected) -> None:
    _, sents, paras = make_doc([("body", "Ties grew."), *(("references", n) for n in notes)])
    last = extract_citations(sents, paras).iloc[-1]
    got = tuple(None if pd.isna(last[c]) else last[c] for c in ("authors", "title", "year"))
    assert got == expected


def test_unnumbered_list_skips_headings_and_page_debris() -> None:
    _, sents, paras = make_doc(
        [
            ("body", "Mongolia hosted talks."),
            ("references", "Works Cited"),
            ("references", "Oyun, Bat. “Quiet Diplomacy.” Asian Forum, 2018."),
            ("references", "Tsog, Anu. “Ports and Rails.” Transit Review 4 (2020): 1–9."),
            ("references", "Comments"),
        ]
    )
    table = extract_citations(sents, paras)
    assert table["authors"].tolist() == ["Oyun, Bat", "Tsog, Anu"]
    assert table["marker"].isna().all()


def test_entry_split_into_several_sentences_is_one_entry() -> None:
    text, sents, paras = make_doc(
        [
            ("references", ["Lee, Ann.", "“Quiet Talks.”", "Asia Review, 2015."]),
        ]
    )
    table = extract_citations(sents, paras)
    assert len(table) == 1
    row = table.iloc[0]
    assert (row["authors"], row["title"], row["year"]) == ("Lee, Ann", "Quiet Talks", 2015)
    assert text[row["start"] : row["end"]] == row["raw"]


def test_numbered_lines_inside_one_paragraph_are_separate_entries() -> None:
    text = "[1] Bat, D. “One.” Review, 2001.\n[2] Oyun, S. “Two.” Review, 2002."
    sents = pd.DataFrame(
        [
            {
                "doc_id": "d-1",
                "para_id": 0,
                "sent_id": 0,
                "role": "references",
                "text": text[:32],
                "start": 0,
                "end": 32,
            },
            {
                "doc_id": "d-1",
                "para_id": 0,
                "sent_id": 1,
                "role": "references",
                "text": text[33:],
                "start": 33,
                "end": len(text),
            },
        ]
    )
    paras = pd.DataFrame(
        [
            {
                "doc_id": "d-1",
                "para_id": 0,
                "heading": None,
                "role": "references",
                "text": text,
                "start": 0,
                "end": len(text),
            }
        ]
    )
    table = extract_citations(sents, paras)
    assert table["year"].tolist() == [2001, 2002]
    assert table["raw"].tolist() == [text[:32], text[33:]]


def test_body_sentences_never_become_entries() -> None:
    _, sents, paras = make_doc(
        [
            ("body", "Hong, Shinae. “The Diplomatic Power of Small States.” Journal, 2022."),
        ]
    )
    assert extract_citations(sents, paras).empty


def test_empty_input_gives_schema_columns() -> None:
    table = extract_citations(
        pd.DataFrame(columns=["doc_id", "para_id", "sent_id", "role", "text", "start", "end"]),
        pd.DataFrame(),
    )
    assert list(table.columns)[:6] == ["doc_id", "sent_id", "start", "end", "marker", "authors"]
    assert "cited_in" in table.columns and table.empty


# -- inline markers -----------------------------------------------------------------------
MARKER_CASES = [
    ("Trade grew.[2]", {"2"}, ["2"]),
    ("As argued before [1, 3].", {"1", "3"}, ["1", "3"]),
    ("Several studies [2–4] agree.", {"2", "3", "4"}, ["2", "3", "4"]),
    ("Mongolia's exports.4 Then came talks.", {"4"}, ["4"]),
    ("Mongolia's exports.4 Then came talks.", set(), []),
    ("Growth reached 5.2 percent in 2013.", {"2", "5"}, []),
    ("resonating across Eurasia.1)Anthony Rinna wrote", {"1"}, ["1"]),
    ("It grew quickly.² Later it slowed.", set(), ["2"]),
]


@pytest.mark.parametrize(("sentence", "entries", "markers"), MARKER_CASES)
def test_link_markers(sentence: str, entries: set[str], markers: list[str]) -> None:
    sents = pd.DataFrame(
        [
            {
                "doc_id": "d-1",
                "para_id": 0,
                "sent_id": 0,
                "role": "body",
                "text": sentence,
                "start": 100,
                "end": 100 + len(sentence),
            }
        ]
    )
    cites = pd.DataFrame({"doc_id": ["d-1"] * len(entries), "marker": sorted(entries)})
    links = link_markers(sents, cites)
    assert links["marker"].tolist() == markers
    for row in links.itertuples():
        span = sentence[row.start - 100 : row.end - 100].translate(citations.SUPERSCRIPTS)
        assert span[0] in "[0123456789" and span[-1] in "])0123456789"
        expected_row = sorted(entries).index(row.marker) if row.marker in entries else None
        assert (None if pd.isna(row.citation_row) else row.citation_row) == expected_row


def test_cited_in_links_body_sentences_to_entries() -> None:
    _, sents, paras = make_doc(
        [
            ("body", ["Talks resumed.[1]", "Nothing here.", "Trade grew.[1]"]),
            ("references", "[1] Bat, Dorj. “Steppe Talks.” Forum Papers, 2012."),
        ]
    )
    table = extract_citations(sents, paras)
    assert table.loc[0, "cited_in"] == (("doc-1", 0), ("doc-1", 2))


# -- properties ---------------------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_parse_reference_never_raises(text: str) -> None:
    parse_reference(text)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.text(min_size=1, max_size=120).map(str.strip).filter(bool), min_size=1, max_size=4),
    st.sampled_from(["references", "body"]),
)
def test_extract_citations_offsets_hold(lines: list[str], role: str) -> None:
    text, sents, paras = make_doc([(role, line) for line in lines])
    table = extract_citations(sents, paras)
    for row in table.itertuples():
        assert text[row.start : row.end] == row.raw
    links = link_markers(sents, table)
    for row in links.itertuples():
        span = text[row.start : row.end].translate(citations.SUPERSCRIPTS)
        assert span[0] in "[0123456789" and span[-1] in "])0123456789"


# -- seeds --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seed_corpus(request):
    try:
        return request.getfixturevalue("seeds_corpus")
    except NotImplementedError:
        pytest.skip("load_corpus is not implemented yet")


@pytest.fixture(scope="module")
def gold() -> dict:
    return yaml.safe_load(GOLD.read_text(encoding="utf-8"))


def test_seed_entry_counts(seed_corpus, gold) -> None:
    table = seed_corpus.citations
    counts = table["doc_id"].value_counts().to_dict()
    expected = {
        doc_id: gold["entries"].get(doc_id, 0) for doc_id in seed_corpus.documents["doc_id"]
    }
    assert {doc_id: counts.get(doc_id, 0) for doc_id in expected} == expected


def test_seed_raw_is_document_text(seed_corpus) -> None:
    for row in seed_corpus.citations.itertuples():
        assert seed_corpus.text(row.doc_id)[row.start : row.end] == row.raw


def _gold_samples() -> list:
    samples = yaml.safe_load(GOLD.read_text(encoding="utf-8"))["samples"]
    return [pytest.param(s, id=f"{s['doc_id'][:3]}:{s['raw_startswith'][:24]}") for s in samples]


@pytest.mark.parametrize("sample", _gold_samples())
def test_seed_sample_fields(seed_corpus, sample: dict) -> None:
    table = seed_corpus.citations
    rows = table[
        (table["doc_id"] == sample["doc_id"])
        & table["raw"].str.lstrip().str.startswith(sample["raw_startswith"])
    ]
    assert len(rows) == 1, f"no single entry starts with {sample['raw_startswith']!r}"
    row = rows.iloc[0]
    for field in ("marker", "authors", "year", "title", "container", "doi", "url"):
        if field in sample:
            got = None if pd.isna(row[field]) else row[field]
            assert got == sample[field], field
    if "cited_in" in sample:
        sentences = seed_corpus.sentences.set_index(["doc_id", "sent_id"])["text"]
        texts = [sentences[pair] for pair in row["cited_in"]]
        assert any(sample["cited_in"] in text for text in texts), texts


DPRK = "10.1525/as.2006.46.2.275"


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        # (doi, url, title, raw) of two references
        ((DPRK.upper(), None, "A", "a"), (DPRK, None, "B", "b"), True),
        ((None, "https://www.kei.org/x/", None, "a"), (None, "http://kei.org/x", None, "b"), True),
        ((None, None, "Mongolia’s Policy", "a"), (None, None, "MONGOLIA'S POLICY.", "b"), True),
        ((None, None, None, "Campi, A. (2013)"), (None, None, None, "campi a 2013"), True),
        ((None, None, "DPRK Policy", "a"), (None, None, "ROK Policy", "a"), False),
        (("10.1/a", None, "Same", "a"), ("10.1/b", None, "Same", "a"), False),  # the DOI first
        ((None, "https://a.org/1", "T", "a"), (None, None, "T", "a"), False),  # URL, then title
    ],
)
def test_work_key_knows_a_work_across_its_written_forms(one, other, same):
    assert (citations.work_key(*one) == citations.work_key(*other)) is same


def test_work_key_of_a_reference_without_anything_is_empty():
    assert citations.work_key(None, float("nan"), "  ", None) == ""
