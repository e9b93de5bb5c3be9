"""Dates, bylines, sites and publishers stated by the text."""

from __future__ import annotations

import pytest

from mongolia_analysis.metadata import (
    byline_name,
    dateline_date,
    find_publisher,
    parse_date,
    split_site,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Published June 14, 2017", ("2017-06-14", "day")),
        ("June 29, 2020", ("2020-06-29", "day")),
        ("Published Date:2021-07-15", ("2021-07-15", "day")),
        ("PUBLISHED:2024/12/20", ("2024-12-20", "day")),
        ("НИЙТЭЛСЭН:2024/12/20", ("2024-12-20", "day")),
        ("Posted 3 March 2019", ("2019-03-03", "day")),
        ("Sept. 5, 2016", ("2016-09-05", "day")),
        ("Updated: March 2024", ("2024-03", "month")),
        ("2024/13/45", None),
        ("Category: Inter-Korean", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("By Juni Kim", "Juni Kim"),
        ("Author: Juni Kim", "Juni Kim"),
        ("By NKR Intern Alex Vega", "Alex Vega"),
        ("BY: GUEST AUTHOR", None),
        ("By | June 29, 2020 | No Comments", None),
        ("By Staff Reporter Bat-Erdene Gankhuyag", "Bat-Erdene Gankhuyag"),
        ("Written by: Anna M. Lee", "Anna M. Lee"),
        ("Posted on April 3, 2024 by Aigerim S.", "Aigerim S."),
        ("By Aruzhan K. Seitkali · January 27, 2022", "Aruzhan K. Seitkali"),
        ("By B. Khash-Erdene | July 29, 2024", "B. Khash-Erdene"),
    ],
)
def test_byline_name(line, name):
    assert byline_name(line) == name


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Mongolia and the Korea Conflict www.thediplomat.com",
            ("Mongolia and the Korea Conflict", "thediplomat.com"),
        ),
        ("Steppe Notes https://blog.example.org/post/1", ("Steppe Notes", "blog.example.org")),
        ("A title without a site", ("A title without a site", None)),
    ],
)
def test_split_site(line, expected):
    assert split_site(line) == expected


@pytest.mark.parametrize(
    ("lines", "publisher"),
    [
        (["Register to receive updates from KEI"], "KEI"),
        (["The Asan Institute is committed to independence."], "The Asan Institute"),
        (["The views herein do not necessarily reflect those of NKR or YINKS."], "NKR"),
        (["Nothing to see here."], None),
        (["ASTANA, Feb 1 (Reuters) - Kazakhstan has offered"], "Reuters"),
        (["SEOUL, Sept. 12 (Yonhap) -- South Korea and"], "Yonhap"),
        (["© 2023 Steppe Policy Institute. All rights reserved."], "Steppe Policy Institute"),
        (["Copyright © 2024 The Astana Times"], "The Astana Times"),
        (["Journal of Steppe Affairs · Volume 3, Issue 1"], "Journal of Steppe Affairs"),
        (["Эх сурвалж: ikon.mn"], "ikon.mn"),
        # the most specific pattern wins over an earlier, vaguer line
        (["All News 15:42 September 12, 2023", "SEOUL, Sept. 12 (Yonhap) -- Talks"], "Yonhap"),
    ],
)
def test_find_publisher(lines, publisher):
    assert find_publisher(lines) == publisher


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Улаанбаатар, 2023 оны 6 дугаар сарын 15 /МОНЦАМЭ/. Хоёр улс", ("2023-06-15", "day")),
        ("ASTANA, March 3, 2019 (Reuters) - Talks resumed.", ("2019-03-03", "day")),
        ("ULAANBAATAR, Feb 1 (Reuters) - no year here", None),
        ("In March 2014, Mongolia hosted talks.", None),
    ],
)
def test_dateline_date(text, expected):
    assert dateline_date(text) == expected
