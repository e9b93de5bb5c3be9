"""Ticker items: ranks, sources, dates, languages, transliteration."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mongolia_analysis.headlines import parse_item, parse_ticker, transliterate


@pytest.mark.parametrize(
    ("chunk", "rank", "title", "source", "published", "language"),
    [
        (
            "12 PORT DEAL SIGNED WITH KAZAKHSTAN WWW.EXAMPLE.KZ PUBLISHED:2023/05/07",
            12,
            "PORT DEAL SIGNED WITH KAZAKHSTAN",
            "example.kz",
            "2023-05-07",
            "en",
        ),
        (
            "ТӨМӨР ЗАМЫН ГЭРЭЭ БАЙГУУЛАВ WWW.IKON.MN НИЙТЭЛСЭН:2022/01/31",
            None,
            "ТӨМӨР ЗАМЫН ГЭРЭЭ БАЙГУУЛАВ",
            "ikon.mn",
            "2022-01-31",
            "mn",
        ),
        (
            "3 TALKS RESUME news.example.com PUBLISHED: 2021-11-02",
            3,
            "TALKS RESUME",
            "news.example.com",
            "2021-11-02",
            "en",
        ),
        (
            "ВЫБОРЫ В РОССИИ WWW.RIA.RU НИЙТЭЛСЭН:2024/03/15",
            None,
            "ВЫБОРЫ В РОССИИ",
            "ria.ru",
            "2024-03-15",
            "ru",
        ),
    ],
)
def test_parse_item(chunk, rank, title, source, published, language):
    item = parse_item(chunk)
    assert item is not None
    assert (item.rank, item.title, item.source, item.published, item.language) == (
        rank,
        title,
        source,
        published,
        language,
    )
    assert chunk[item.title_start : item.title_end] == title


@pytest.mark.parametrize(
    "chunk",
    [
        "Mongolia hosted talks in 2014.",
        "A TITLE WWW.X.MN PUBLISHED:2024/13/40",  # impossible date
        "A TITLE WITHOUT SITE PUBLISHED:2024/12/20",
    ],
)
def test_prose_and_broken_items_are_not_items(chunk):
    assert parse_item(chunk) is None


def test_items_are_split_on_runs_of_spaces():
    line = (
        "1 FIRST ITEM WWW.A.MN PUBLISHED:2024/12/20      2 SECOND ITEM WWW.B.COM "
        "PUBLISHED:2024/12/19     ГУРАВ ДАХЬ WWW.C.MN НИЙТЭЛСЭН:2024/12/18"
    )
    items = parse_ticker(line)
    assert [i.source for i in items] == ["a.mn", "b.com", "c.mn"]
    assert [line[i.title_start : i.title_end] for i in items] == [
        "FIRST ITEM",
        "SECOND ITEM",
        "ГУРАВ ДАХЬ",
    ]


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("ХУРИМТЛАЛЫН САН", "KHURIMTLALYN SAN"),
        ("Цэцэг", "Tsetseg"),
        ("ӨМНӨГОВЬ", "ÖMNÖGOVI"),
        ("Үүр", "Üür"),
        ("Жаргал", "Jargal"),
    ],
)
def test_transliteration_mns_5217(cyrillic, latin):
    assert transliterate(cyrillic) == latin


def test_no_transliteration_for_latin_script():
    assert transliterate("TALKS", language="en") is None


@given(st.text(max_size=300))
def test_parse_ticker_never_raises_and_offsets_hold(text):
    for item in parse_ticker(text):
        assert text[item.title_start : item.title_end] == item.title
