"""Tests of mongolia_analysis.figures: money, percentages, counts, ranks and other figures."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mongolia_analysis import schema
from mongolia_analysis.errors import DataFileError
from mongolia_analysis.figures import (
    RE_DIGITS,
    RE_ORDINAL_DIGITS,
    extract_figures,
    find_figures,
    finditer_at,
    leading_literals,
    load_vocabulary,
    parse_vocabulary,
)

NA = None


def _one(text: str) -> tuple:
    [figure] = find_figures(text)
    return (text[figure.start : figure.end], figure.value, figure.unit, figure.quantity,
            figure.currency, figure.hedge, figure.counted)  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a GDP of $13.84 billion", ("$13.84 billion", 13.84e9, "USD", "money", "USD", NA, NA)),
        ("aid of US$17 billion", ("US$17 billion", 17e9, "USD", "money", "USD", NA, NA)),
        ("trade of $266 million", ("$266 million", 266e6, "USD", "money", "USD", NA, NA)),
        (
            "reaching 1.5 billion dollars",
            ("1.5 billion dollars", 1.5e9, "USD", "money", "USD", NA, NA),
        ),
        ("a loan of €40m", ("€40m", 40e6, "EUR", "money", "EUR", NA, NA)),
        ("receive 350,000 MNT each", ("350,000 MNT", 350000.0, "MNT", "money", "MNT", NA, NA)),
        ("growth of 5.2%", ("5.2%", 5.2, "%", "percent", NA, NA, NA)),
        ("rose by 89 percent", ("89 percent", 89.0, "%", "percent", NA, NA, NA)),
        ("ROSE BY SIX PERCENT", ("SIX PERCENT", 6.0, "%", "percent", NA, NA, NA)),
        ("fell forty-five per cent", ("forty-five per cent", 45.0, "%", "percent", NA, NA, NA)),
        (
            "a share of one-third.",
            ("one-third", pytest.approx(33.333333), "%", "percent", NA, NA, NA),
        ),
        (
            "exports fell by a third.",
            ("a third", pytest.approx(33.333333), "%", "percent", NA, NA, NA),
        ),
        ("A QUARTER OF ALL EXPORTS", ("A QUARTER", 25.0, "%", "percent", NA, NA, NA)),
        ("a fifth more than in 2019", ("a fifth", 20.0, "%", "percent", NA, NA, NA)),
        (
            "some 48,185 people live",
            ("48,185 people", 48185.0, "people", "count", NA, "some", "people"),
        ),
        (
            "including 7,381 students",
            ("7,381 students", 7381.0, "people", "count", NA, NA, "students"),
        ),
        ("about 3,500 troops", ("3,500 troops", 3500.0, "people", "count", NA, "about", "troops")),
        (
            "a population of about three million",
            ("three million", 3e6, "people", "count", NA, "about", "people"),
        ),
        (
            "thousands of Kyrgyz seasonal workers",
            ("thousands of Kyrgyz seasonal workers", NA, "people", "count", NA, "vague", "workers"),
        ),
        ("ranking 26th on the list", ("26th", 26.0, "rank", "rank", NA, NA, NA)),
        ("the third-largest investor", ("third-largest", 3.0, "rank", "rank", NA, NA, NA)),
        ("a 50 MW plant", ("50 MW", 50.0, "MW", "energy", NA, NA, NA)),
        ("one thousand miles away", ("one thousand miles", 1000.0, "mi", "distance", NA, NA, NA)),
        (
            "lasted more than forty years",
            ("forty years", 40.0, "year", "duration", NA, "more than", NA),
        ),
        ("over the past two decades", ("two decades", 20.0, "year", "duration", NA, NA, NA)),
        ("₮2 САЯ ОРЧИМ БАЙНА", ("₮2 САЯ", 2e6, "MNT", "money", "MNT", "орчим", NA)),
        (
            "ИРГЭН БҮРД 135 МЯНГАН ТӨГРӨГ ОЛГОНО",
            ("135 МЯНГАН ТӨГРӨГ", 135e3, "MNT", "money", "MNT", NA, NA),
        ),
        ("САНГИЙН ОРЛОГО 38 ИХ НАЯДАД ХҮРНЭ", ("38 ИХ НАЯД", 38e12, "MNT", "money", "MNT", NA, NA)),
        ("ТӨСӨВ 4.5 ТЭРБУМ ТӨГРӨГӨӨР", ("4.5 ТЭРБУМ ТӨГРӨГ", 4.5e9, "MNT", "money", "MNT", NA, NA)),
        ("2 ЖИЛ ГАРУЙ ҮРГЭЛЖИЛСЭН", ("2 ЖИЛ", 2.0, "year", "duration", NA, "гаруй", NA)),
        (
            "in over 100 countries",
            ("100 countries", 100.0, "countries", "count", NA, "over", "countries"),
        ),
        ("He is 65 years old.", ("65 years", 65.0, "year", "age", NA, NA, NA)),
        ("exports of 12 billion", ("12 billion", 12e9, NA, "number", NA, NA, NA)),
        # Mongolian hedges between the number and what it counts; abbreviated scales
        (
            "20 гаруй орны төлөөлөгчид",
            ("20 гаруй орны", 20.0, "countries", "count", NA, "гаруй", "орны"),
        ),
        (
            "400 гаруй төлөөлөгч ирэв",
            ("400 гаруй төлөөлөгч", 400.0, "people", "count", NA, "гаруй", "төлөөлөгч"),
        ),
        (
            "12 мянга орчим Монгол иргэн",
            ("12 мянга орчим Монгол иргэн", 12e3, "people", "count", NA, "орчим", "иргэн"),
        ),
        (
            "40 ГАРУЙ МЯНГАН ЖУУЛЧИН",
            ("40 ГАРУЙ МЯНГАН ЖУУЛЧИН", 40e3, "people", "count", NA, "гаруй", "жуулчин"),
        ),
        (
            "өртөг 2.7 трлн төгрөг давжээ",
            ("2.7 трлн төгрөг", 2.7e12, "MNT", "money", "MNT", NA, NA),
        ),
        ("APPROVES 3.4 TRLN TUGRIK", ("3.4 TRLN TUGRIK", 3.4e12, "MNT", "money", "MNT", NA, NA)),
        ("6 тэрбум ам.долларт хүрэв", ("6 тэрбум ам.доллар", 6e9, "USD", "money", "USD", NA, NA)),
        # ranges are one figure valued at the lower bound; head counts
        ("EXPORTS ROSE 3%-4% IN MAY", ("3%-4%", 3.0, "%", "percent", NA, NA, NA)),
        ("growth of 5-6 percent", ("5-6 percent", 5.0, "%", "percent", NA, NA, NA)),
        ("a 28-strong medical team", ("28-strong", 28.0, "people", "count", NA, NA, NA)),
        ("sent 64 personnel", ("64 personnel", 64.0, "people", "count", NA, NA, "personnel")),
    ],
)
def test_figures(text: str, expected: tuple) -> None:
    assert _one(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "In 2019 and in March 2014.",  # years and dates
        "The upcoming election on June 26th.",
        "The 18th Meeting of the commission.",  # edition ordinals
        "The 7th Ulaanbaatar Dialogue opened.",
        "Mongolia in the 21st Century.",
        "Mongolia was the second country to do so.",
        "E-MART OPENS FIFTH STORE",
        "It supports Track 1.5 and Track 2 talks.",  # names
        "Yongusil 100: a series.",
        "After the COVID-19 outbreak and the Six-Party Talks.",
        "on a three-country tour",  # compound adjective
        "the two Koreas and the first two quarters",  # bare numbers
        "All three countries share interests.",  # countries are counted only after digits
        "Mongolia’s exports.4 And a note [1] here.",  # footnote markers
        "See “Mongolia at 30 Percent: A History” for details.",  # a quoted title
        "III УЛИРЛЫН БАЙДЛААР",
        "It cites vol. 21, no. 2 of the journal.",
        "Ерөнхий сайд 6 дугаар сарын 10-нд айлчилна.",  # a Mongolian month and day
        "The vote was 3-2 in favour.",  # a score, not a range
        "Mongolia offered to host a third meeting.",  # "a third" as an ordinal
        "It would be a third country in the talks.",
        "The policy has held for a quarter century.",
    ],
)
def test_not_figures(text: str) -> None:
    assert find_figures(text) == []


def test_extract_figures_table_and_year() -> None:
    texts = ["South Korea was the fourth-largest partner in 2019, with trade of $266 million.",
             "Trade grew 12 percent; in 2013 it fell."]  # fmt: skip
    rows, position = [], 100
    for sent_id, text in enumerate(texts):
        rows.append({"doc_id": "d-1", "para_id": 0, "sent_id": sent_id, "role": "body",
                     "text": text, "start": position, "end": position + len(text)})  # fmt: skip
        position += len(text) + 1
    sentences = schema.conform(rows, "sentences")
    figures = extract_figures(sentences)
    document = " " * 100 + " ".join(texts)
    assert figures["surface"].tolist() == ["fourth-largest", "$266 million", "12 percent"]
    assert figures["year"].tolist() == [2019, 2019, pd.NA]  # another clause gives no year
    for row in figures.to_dict("records"):
        assert document[row["start"] : row["end"]] == row["surface"]
    assert list(figures.columns) == list(schema.TABLES["figures"])


def test_empty_input() -> None:
    assert extract_figures(schema.empty("sentences")).empty


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "mapping of sections"),
        ({"units": {"MW": {"unit": "MW"}}}, "needs 'unit' and 'quantity'"),
        ({"scales": {"million": "lots"}}, "must be a number"),
        ({"vague": "thousands of"}, "must be a list"),
        (
            {"fractions": {"a third": 33.3}, "ambiguous_fractions": ["a half"]},
            r"ambiguous_fractions: \['a half'\] are not in 'fractions'",
        ),
    ],
)
def test_bad_vocabulary_entries_name_the_entry(data: object, message: str) -> None:
    with pytest.raises(DataFileError, match=message):
        parse_vocabulary(data, source="test.yaml")  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_consistent_figures(text: str) -> None:
    previous_end = -1
    for figure in find_figures(text):
        assert 0 <= figure.start < figure.end <= len(text)
        assert figure.start >= previous_end
        previous_end = figure.end
        assert figure.value is None or math.isfinite(figure.value)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "$",
                "₮",
                "13.84",
                "1,200",
                "billion",
                "million",
                "САЯ",
                "ИХ НАЯД",
                "percent",
                "%",
                "about",
                "орчим",
                "people",
                "26th",
                "ranking",
                "three",
                "thousand",
                "of",
                "thousands",
                "2019",
                "in",
                "MW",
                "one-third",
                "-largest",
                "fourth",
                "“",
                "”",
                "[1]",
                "ТӨГРӨГ",
                "years",
            ]
        ),
        max_size=20,
    )
)
def test_figure_like_text_gives_consistent_rows(words: list[str]) -> None:
    text = " ".join(words)
    sentences = schema.conform(
        [
            {
                "doc_id": "d-1",
                "para_id": 0,
                "sent_id": 0,
                "role": "body",
                "text": text,
                "start": 7,
                "end": 7 + len(text),
            }
        ],
        "sentences",
    )
    for row in extract_figures(sentences).to_dict("records"):
        assert text[row["start"] - 7 : row["end"] - 7] == row["surface"]


def test_seed_figures_point_into_their_documents(seeds_corpus) -> None:
    figures = seeds_corpus.figures
    assert len(figures) > 0
    for row in figures.to_dict("records"):
        assert seeds_corpus.text(row["doc_id"])[row["start"] : row["end"]] == row["surface"]


# -- the core gate: anchored patterns find what finditer finds ------------------------------
@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(?<![\w-])(?:six|seven)(?![\w-])", {"six", "seven"}),
        (r"(?P<tens>Twenty|thirty)[-\s](?P<ones>one|two)", {"twenty", "thirty"}),
        (r"\bstate\s+visit", {"state"}),
        (r"a dozen|dozens", {"a dozen", "dozens"}),
        (r"a\s+third|one-third", None),  # "a" is too short to anchor on
        (r"\d+th", None),  # starts with a class, not a literal
        (r"(?:one)?two", None),  # an optional beginning
    ],
)
def test_leading_literals(pattern: str, expected: set[str] | None) -> None:
    found = leading_literals(re.compile(pattern, re.IGNORECASE))
    assert (None if found is None else set(found)) == expected


CORE_GATE_TEXTS = [
    "Someone sent twenty-one or TWENTY ONE people, often ten.",
    "A DOZEN, a dozen and dozens of them; tens of thousands of workers.",
    "The ſixth and the Sixth, the twenty-fourth-largest, 26th ranking, 1,200 and 5-6%.",
    "one-third, a third and three-quarters; one one one; zero.",
    "Монгол улс 30 гаруй орны 2 САЯ ₮, thirteen thirty",
    "",
]


@pytest.mark.parametrize("text", CORE_GATE_TEXTS)
def test_core_gate_matches_as_finditer(text: str) -> None:
    vocab = load_vocabulary()
    places = vocab.core_gate.scan(text)
    for index, pattern in enumerate(vocab.core_patterns):
        expected = [m.span() for m in pattern.finditer(text)]
        assert [m.span() for m in places.finditer(index, pattern)] == expected, pattern.pattern


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["one", "ONE", "some", "twenty", "-", " ", "ten", "often", "a", "dozen", "dozens",
             "fourth", "thousands", "of", "ſix", "5", "th", "x", "\n", "Twenty"]
        ),
        max_size=25,
    )
)  # fmt: skip
def test_core_gate_matches_as_finditer_on_any_words(words: list[str]) -> None:
    text = "".join(words)
    vocab = load_vocabulary()
    places = vocab.core_gate.scan(text)
    for index, pattern in enumerate(vocab.core_patterns):
        expected = [m.span() for m in pattern.finditer(text)]
        assert [m.span() for m in places.finditer(index, pattern)] == expected


def test_finditer_at_takes_the_leftmost_match_after_the_last() -> None:
    pattern = re.compile(r"ab|bc")
    assert [m.span() for m in finditer_at(pattern, "abc bc", [1, 0, 4])] == [(0, 2), (4, 6)]


#: RE_DIGITS and RE_ORDINAL_DIGITS as first written, with the lookbehind in front.
PLAIN_DIGITS = re.compile(r"(?<![\w.,/\-–−])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
PLAIN_ORDINAL_DIGITS = re.compile(r"(?<![\w.,/\-–])(\d+)(st|nd|rd|th)\b", re.IGNORECASE)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789,.-–−/ aThsTNDr٣x_", max_size=30))
def test_digit_patterns_match_as_with_a_leading_lookbehind(text: str) -> None:
    for pattern, plain in ((RE_DIGITS, PLAIN_DIGITS), (RE_ORDINAL_DIGITS, PLAIN_ORDINAL_DIGITS)):
        expected = [(m.span(), m.groups()) for m in plain.finditer(text)]
        assert [(m.span(), m.groups()) for m in pattern.finditer(text)] == expected
