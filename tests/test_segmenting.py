"""Splitting files into documents and paragraphs with roles, on texts written for the tests."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mongolia_analysis.loading import parse_file
from mongolia_analysis.segmenting import classify, paragraphs_of, split_file

ARTICLE = """Skip to content
Home

Kazakhstan's Quiet Diplomacy on the Caspian

Posted March 3, 2019
By Aruzhan Seitkali

Astana has offered to host talks between the two sides. Officials met in 2018.

Background

The first round took place in Almaty.

Notes
[1] Smith, John. “Caspian Talks.” Central Asia Review 4 (2018).

Leave a Reply
Your email address will not be published.
"""


def test_article_roles_and_metadata():
    (doc,) = parse_file(ARTICLE)
    roles = [(p["role"], p["text"][:20]) for p in doc.paragraphs]
    assert roles == [
        ("heading", "Kazakhstan's Quiet D"),
        ("meta", "Posted March 3, 2019"),
        ("meta", "By Aruzhan Seitkali"),
        ("body", "Astana has offered t"),
        ("heading", "Background"),
        ("body", "The first round took"),
        ("heading", "Notes"),
        ("references", "[1] Smith, John. “Ca"),
    ]
    assert (doc.title, doc.author, doc.published, doc.date_precision) == (
        "Kazakhstan's Quiet Diplomacy on the Caspian",
        "Aruzhan Seitkali",
        "2019-03-03",
        "day",
    )
    assert "Skip to content" not in doc.text and "email address" not in doc.text
    assert doc.paragraphs[5]["heading"] == "Background"


def test_ticker_and_article_in_one_file_are_two_documents():
    ticker = (
        "1 PORT DEAL SIGNED WWW.A.KZ PUBLISHED:2023/05/07      2 RAIN FALLS WWW.B.MN "
        "PUBLISHED:2023/05/06     ШИНЭ ЗАМ НЭЭЛЭЭ WWW.C.MN НИЙТЭЛСЭН:2023/05/06"
    )
    docs = parse_file(ticker + "\n\n" + ARTICLE)
    assert [d.kind for d in docs] == ["headlines", "article"]
    assert [h["rank"] for h in docs[0].headlines] == [1, 2, None]
    assert docs[0].published == "2023-05-07" and docs[0].language == "mul"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            ("One sentence that wraps", "onto the next line."),
            ["One sentence that wraps onto the next line."],
        ),
        (("Heading", "Body text follows here."), ["Heading", "Body text follows here."]),
        (("First paragraph ends.", "Second starts."), ["First paragraph ends.", "Second starts."]),
        (("## Markdown heading", "", "Text."), ["Markdown heading", "Text."]),
        (("a\u200b\u202eb  c",), ["ab c"]),
    ],
)
def test_paragraphs_of(lines, expected):
    assert paragraphs_of(lines) == expected


def test_footer_drops_the_rest():
    blocks, dropped = classify(
        ["Title Here Now", "Body sentence one here.", "Comments", "Great post, thanks a lot."]
    )
    assert [b.text for b in blocks] == ["Title Here Now", "Body sentence one here."]
    assert dropped == ["Comments"]


def test_numbered_recommendations_are_body_not_references():
    blocks, _ = classify(
        [
            "Title Here Now",
            "Mongolia could help.",
            "1. Washington should support the dialogue process.",
        ]
    )
    assert blocks[-1].role == "body"


def test_split_file_keeps_file_order():
    assert [
        s.kind
        for s in split_file(
            "Prose line one.\n\n1 A B WWW.X.MN PUBLISHED:2024/01/02"
            "     2 C D WWW.Y.MN PUBLISHED:2024/01/02"
        )
    ] == ["article", "headlines"]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=600))
def test_parse_file_never_raises_and_offsets_hold(text):
    for doc in parse_file(text):
        for row in doc.paragraphs + doc.sentences:
            assert doc.text[row["start"] : row["end"]] == row["text"]
        for row in doc.headlines:
            assert doc.text[row["start"] : row["end"]] == row["title"]


BLOG = """Steppe & Peninsula

A blog about Kazakhstan, Mongolia and everything in between

Menu
About

Why Astana Matters

Posted on April 3, 2024 by Aigerim S.

Kazakhstan and Mongolia signed a transit accord in 2023. Trade rose sharply.

Share this:
Facebook

3 thoughts on “Why Astana Matters”

Bolat says:
Great post!
"""

NEWS = """Шинэ гэрээ байгууллаа

Улаанбаатар, 2023 оны 6 дугаар сарын 15 /МОНЦАМЭ/. Хоёр улс өнөөдөр санамж бичигт гарын үсэг зурлаа.

Эх сурвалж: МОНЦАМЭ
"""

PAPER = """Small States and Caspian Diplomacy

Aruzhan Seitkali

Journal of Steppe Affairs · Volume 3, Issue 1 · Published online: 12 March 2023

Abstract

Kazakhstan has hosted talks on the Caspian since 2018.

Keywords: mediation; Caspian

© 2023 Steppe Policy Institute. All rights reserved.
"""


def test_blog_header_taglines_and_comment_threads():
    (doc,) = parse_file(BLOG)
    assert (doc.title, doc.author, doc.publisher, doc.published) == (
        "Why Astana Matters",
        "Aigerim S.",
        "Steppe & Peninsula",
        "2024-04-03",
    )
    assert "A blog about" not in doc.text and "Great post" not in doc.text
    assert "Bolat" not in doc.text


def test_dateline_in_the_first_paragraph_dates_the_story():
    (doc,) = parse_file(NEWS)
    assert (doc.published, doc.publisher, doc.language) == ("2023-06-15", "МОНЦАМЭ", "mn")


def test_paper_author_line_journal_and_keywords():
    (doc,) = parse_file(PAPER)
    assert (doc.author, doc.publisher, doc.published) == (
        "Aruzhan Seitkali",
        "Journal of Steppe Affairs",
        "2023-03-12",
    )
    roles = {p["text"][:8]: p["role"] for p in doc.paragraphs}
    assert roles["Keywords"] == "meta"
