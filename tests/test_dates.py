"""Tests of mongolia_analysis.dates: date expressions in sentences and their resolution."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mongolia_analysis.dates import find_dates, first_date, parse_iso, resolve_date, to_iso


def _absolute(text: str) -> list[tuple[str, str | None, str]]:
    return [(d.text, d.iso, d.precision) for d in find_dates(text) if not d.relative]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("In 2014, the forum met.", [("2014", "2014", "year")]),
        ("In March 2014 the envoy came.", [("March 2014", "2014-03", "month")]),
        ("held its first meeting in June, 2014.", [("June, 2014", "2014-06", "month")]),
        ("on June 17-18th, 2014 in Seoul", [("June 17-18th, 2014", "2014-06-17", "day")]),
        ("on 5 May 2019 in Astana", [("5 May 2019", "2019-05-05", "day")]),
        ("Sept. 9, 2021", [("Sept. 9, 2021", "2021-09-09", "day")]),
        ("PUBLISHED:2024/12/20", [("2024/12/20", "2024-12-20", "day")]),
        ("Published Date:2021-07-15", [("2021-07-15", "2021-07-15", "day")]),
        ("in the 1980s", [("1980s", "198X", "decade")]),
        ("by the mid-1990s", [("mid-1990s", "199X", "decade")]),
        ("Since the early 1990s, powers", [("early 1990s", "199X", "decade")]),
        ("In 2007 and again in 2012", [("2007", "2007", "year"), ("2012", "2012", "year")]),
        ("(c.1280–1360)", [("c.1280–1360", "1280", "year")]),
        ("2040 ОНД 38 ИХ НАЯДАД", [("2040", "2040", "year")]),
        ("2024 оны 3 сарын 15-нд", [("2024 оны 3 сарын 15", "2024-03-15", "day")]),
    ],
)
def test_absolute_dates(text: str, expected: list[tuple[str, str | None, str]]) -> None:
    assert _absolute(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Pg. 10. 2015.",  # a page reference
        "https://doi.org/10.1525/as.2006.46.2.275.",
        "https://eastasiaforum.org/2013/11/05/japans-connection/",
        "AEN20240310000400315",
        "It sent 2000 troops.",  # a count
        "It cost $2015 million.",  # a price
        "COVID-19 and G2020",
        "Mongolia may serve as a window.",  # the modal, not the month
        "05/07/2024",  # day and month order unknown
        "Call +976 7011 2015 now",
    ],
)
def test_not_dates(text: str) -> None:
    assert _absolute(text) == []


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("Since 2003, Mongolia hosts", "since"),
        ("by 2012, the number grew", "by"),
        ("(circa 2003)", "circa"),
        ("beginning in 2003", "since"),
        ("in the late 1980s", "late"),
        ("in 2014", None),
    ],
)
def test_qualifiers(text: str, qualifier: str | None) -> None:
    assert find_dates(text)[0].qualifier == qualifier


def test_published_stamp_is_flagged() -> None:
    [stamp] = find_dates("GREEN BOND ISSUED PUBLISHED:2024/12/19")
    assert stamp.published
    [plain] = find_dates("The bond was issued on 2024/12/19")
    assert not plain.published


@pytest.mark.parametrize(
    ("text", "published", "iso", "precision"),
    [
        ("last year", "2017-06-14", "2016", "relative-year"),
        ("this year", "2017-06-14", "2017", "relative-year"),
        ("next year", "2017", "2018", "relative-year"),
        ("in June", "2017-06-14", "2017-06", "relative-month"),
        ("last October", "2015-01-20", "2014-10", "relative-month"),
        ("last October", "2014-11-20", "2014-10", "relative-month"),
        ("next March", "2014-11-20", "2015-03", "relative-month"),
        ("last month", "2015-01-20", "2014-12", "relative-month"),
        ("on June 26th", "2017-06-14", "2017-06-26", "relative-day"),
        ("on Wednesday", "2017-06-16", "2017-06-14", "relative-day"),  # a Friday
        ("on Friday", "2017-06-16", "2017-06-16", "relative-day"),
        ("last Friday", "2017-06-16", "2017-06-09", "relative-day"),
        ("yesterday", "2024-01-01", "2023-12-31", "relative-day"),
        ("ИРЭХ ОНЫ ХОЁРДУГААР УЛИРАЛД", "2024-12-20", "2025", "relative-year"),
        ("ӨНӨӨДӨР ОЛГОНО", "2024-12-20", "2024-12-20", "relative-day"),
        # a bare month or month-day is the nearest such date, before or after publication
        ("wrote to both leaders in December", "2019-02-01", "2018-12", "relative-month"),
        ("TO VISIT TOKYO IN FEBRUARY", "2024-12-31", "2025-02", "relative-month"),
        ("on December 28", "2020-01-03", "2019-12-28", "relative-day"),
        # Mongolian month and day without a year, weekdays; seasons
        ("6 дугаар сарын 10-нд айлчилна", "2024-06-04", "2024-06-10", "relative-day"),
        ("9 ДҮГЭЭР САРЫН 3-НД АЙЛЧИЛНА", "2024-08-30", "2024-09-03", "relative-day"),
        ("ирэх пүрэв гарагт очно", "2025-07-07", "2025-07-10", "relative-day"),  # a Monday
        ("as early as this summer", "2025-03-03", "2025", "relative-year"),
    ],
)
def test_relative_dates_resolve_from_publication(
    text: str, published: str, iso: str, precision: str
) -> None:
    [expr] = [d for d in find_dates(text) if d.relative]
    resolved = resolve_date(expr, published=published)
    assert resolved is not None
    assert (resolved.iso, resolved.precision) == (iso, precision)


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("last year", None),  # never today's date
        ("on Wednesday", "2017"),  # a weekday needs a day
        ("last October", "2014"),  # "last" needs the month of publication
    ],
)
def test_relative_dates_without_anchor_stay_unresolved(text: str, published: str | None) -> None:
    [expr] = find_dates(text)
    assert resolve_date(expr, published=published) is None


@pytest.mark.parametrize(
    ("text", "year", "month"),
    [
        ("in the same year", 2011, None),
        ("A year later, the envoy", 2012, None),
        ("two years later", 2013, None),
        ("the following year", 2012, None),
        ("a year earlier", 2010, None),
        ("the first Dialogue of June that year", 2011, 6),
    ],
)
def test_anaphoric_dates_resolve_from_previous(text: str, year: int, month: int | None) -> None:
    [previous] = find_dates("in August, 2011")
    [expr] = [d for d in find_dates(text) if d.relative]
    resolved = resolve_date(expr, previous=previous)
    assert resolved is not None
    assert (resolved.year, resolved.month) == (year, month)
    assert resolved.precision.startswith("anaphoric")
    assert resolve_date(expr, previous=None) is None


def test_relative_month_words_need_capitals() -> None:
    assert find_dates("in may") == []
    assert [d.month for d in find_dates("in May")] == [5]


@pytest.mark.parametrize(
    ("value", "parts"),
    [("2017-06-14", (2017, 6, 14)), ("2017-06", (2017, 6, None)), ("2017", (2017, None, None)),
     ("2017-13-01", (2017, None, None)), ("2017-02-30", (2017, 2, None)), (None, (None,) * 3)],
)  # fmt: skip
def test_parse_iso(value: str | None, parts: tuple) -> None:
    assert parse_iso(value) == parts


def test_to_iso_and_first_date() -> None:
    assert to_iso(1990, decade=True) == "199X"
    assert first_date("By | June 29, 2020 | No Comments").iso == "2020-06-29"
    assert first_date("no date here") is None


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_gives_consistent_offsets(text: str) -> None:
    for expr in find_dates(text):
        assert text[expr.start : expr.end] == expr.text
        assert expr.precision in {
            "day", "month", "year", "decade", "relative-day", "relative-month",
            "relative-year", "anaphoric-month", "anaphoric-year",
        }  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["In", "June", "2014", ",", "the", "1990s", "last", "year", "5.2",
                              "May", "on", "Friday", "c.", "—", "ОНД", "2040"]), max_size=12)
)  # fmt: skip
def test_date_like_text_never_overlaps(words: list[str]) -> None:
    text = " ".join(words)
    found = find_dates(text)
    for a, b in itertools.pairwise(found):
        assert a.end <= b.start


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an author-year citation dates a publication, not a happening
        ("It became an annual forum (Ministry of Foreign Affairs of Mongolia, 2015).", []),
        ("as scholars note (Keohane, 1969; Campi 2014, p. 12)", []),
        ("launched in 2014 (Hong, 2022)", [("2014", "2014")]),
        # "between 2023 and 2027": one period dated by its first year
        ("loans between 2023 and 2027, the ministry said", [("2023 and 2027", "2023")]),
    ],
)
def test_citations_and_periods(text: str, expected: list) -> None:
    assert [(d.text, d.iso) for d in find_dates(text)] == expected
