"""Document metadata stated by the text itself: bylines, publication dates, sites, publishers.

Nothing is inferred from today's date or from the file system: what the text does not say
stays missing (an optional catalog, see :mod:`.loading`, may supply it).
"""

from __future__ import annotations

import re
from functools import cache

import yaml

from .paths import data_file

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
RE_ISO_DATE = re.compile(r"\b(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})\b")
RE_MONTH_DAY_YEAR = re.compile(
    rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.IGNORECASE
)
RE_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH})\.?,?\s+(\d{{4}})\b", re.IGNORECASE)
RE_MONGOLIAN_DATE = re.compile(
    r"\b(\d{4})\s*(?:оны|он)\s*(\d{1,2})\s*(?:дугаар|дүгээр|-р|-р)?\s*сарын\s*(\d{1,2})",
    re.IGNORECASE,
)
RE_MONTH_YEAR = re.compile(rf"\b({_MONTH})\.?,?\s+(\d{{4}})\b", re.IGNORECASE)
#: Every date form above holds a four-digit year: a text without four digits in a row has none.
RE_FOUR_DIGITS = re.compile(r"\d{4}")
RE_DOMAIN_AT_END = re.compile(
    r"\s+((?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|mn|kr|jp|cn|ru|edu|gov|"
    r"int|info|asia|news|io|co|uk|de|fr|au|ca|us)(?:/\S*)?)\s*$",
    re.IGNORECASE,
)
RE_NAME = re.compile(
    r"(?:(?:Dr|Prof|Mr|Mrs|Ms)\.\s+)?"
    r"((?:[A-ZА-ЯЁӨҮ][\w’'\-]+|[A-ZА-ЯЁӨҮ][a-zа-яёөү]?\.\s?(?=[A-ZА-ЯЁӨҮ][\w’'\-]))"
    r"(?:\s*(?<=[.\s])(?:[A-ZА-ЯЁӨҮ]\.|[A-ZА-ЯЁӨҮ][\w’'\-]+)){1,3})\s*$"
)
RE_AUTHOR_SEPARATOR = re.compile(r"\s*(?:,\s*and\s+|\s+and\s+|\s*&\s*|\s*,\s*|\s+ба\s+)")
RE_BYLINE = re.compile(
    r"^(?:(?:posted|published|written|updated|submitted)\b(?:\s+on)?[^|]{0,40}?\s)?"
    r"(?:by|author|authors|written by)\b\s*:?\s*(.*)$",
    re.IGNORECASE,
)
#: What ends the name part of a byline: a field separator or a date ("By X · May 2, 2022").
RE_BYLINE_STOP = re.compile(r"\s*(?:\||\s[·•—–]\s|[·•]|,?\s+(?:on\s+)?\d)")
#: A dateline opening a news story: place, date, then an agency tag or a dash or stop
#: ("Улаанбаатар, 2023 оны 6 дугаар сарын 15 /МОНЦАМЭ/.", "SEOUL, March 3, 2019 (Yonhap) -").
RE_DATELINE = re.compile(
    r"^[A-ZА-ЯЁӨҮ][\w.'’ -]{1,40},\s*(?P<date>[^/()\n]{4,48}?)\s*"
    r"(?:/[^/\n]{2,30}/|\([^()\n]{2,30}\))?\s*(?:[-–—:.]|$)"
)
RE_ROLE_WORDS = re.compile(
    r"^(?:(?:guest|staff|nkr|special|senior|contributing|our)\s+)*"
    r"(?:author|writer|intern|correspondent|reporter|editor|contributor|columnist)\b\s*",
    re.IGNORECASE,
)


def parse_date(text: str) -> tuple[str, str] | None:
    """The first date written in ``text`` as (ISO partial date, precision).

    >>> parse_date("Published June 14, 2017"), parse_date("PUBLISHED:2024/12/20")
    (('2017-06-14', 'day'), ('2024-12-20', 'day'))
    >>> parse_date("By | June 29, 2020 | No Comments"), parse_date("March 2024")
    (('2020-06-29', 'day'), ('2024-03', 'month'))
    >>> parse_date("Улаанбаатар, 2023 оны 6 дугаар сарын 15 /МОНЦАМЭ/.")
    ('2023-06-15', 'day')
    >>> parse_date("no date here") is None
    True
    """
    if not RE_FOUR_DIGITS.search(text):
        return None
    found: list[tuple[int, str, str]] = []
    if m := RE_ISO_DATE.search(text):
        found.append((m.start(), *_iso(int(m[1]), int(m[2]), int(m[3]))))
    if m := RE_MONTH_DAY_YEAR.search(text):
        found.append((m.start(), *_iso(int(m[3]), MONTHS[m[1].lower()], int(m[2]))))
    if m := RE_DAY_MONTH_YEAR.search(text):
        found.append((m.start(), *_iso(int(m[3]), MONTHS[m[2].lower()], int(m[1]))))
    if m := RE_MONGOLIAN_DATE.search(text):
        found.append((m.start(), *_iso(int(m[1]), int(m[2]), int(m[3]))))
    if not found and (m := RE_MONTH_YEAR.search(text)):
        found.append((m.start(), f"{int(m[2]):04d}-{MONTHS[m[1].lower()]:02d}", "month"))
    valid = [item for item in found if item[1]]
    return (min(valid)[1], min(valid)[2]) if valid else None


def _iso(year: int, month: int, day: int) -> tuple[str, str]:
    if not (1 <= month <= 12 and 1 <= day <= 31 and 1800 <= year <= 2200):
        return "", ""
    return f"{year:04d}-{month:02d}-{day:02d}", "day"


def split_site(line: str) -> tuple[str, str | None]:
    """Split a trailing web address off a title line: (title, domain or None).

    >>> split_site("Mongolia and the Korea Conflict www.thediplomat.com")
    ('Mongolia and the Korea Conflict', 'thediplomat.com')
    """
    match = RE_DOMAIN_AT_END.search(line)
    if not match or match.start() == 0:
        return line, None
    domain = re.sub(r"^(?:https?://)?(?:www\.)?", "", match.group(1), flags=re.I)
    return line[: match.start()].rstrip(), domain.split("/")[0].lower()


def byline_name(line: str) -> str | None:
    """The person named by a byline, or None when it names nobody.

    >>> byline_name("By Juni Kim"), byline_name("Author: Juni Kim")
    ('Juni Kim', 'Juni Kim')
    >>> byline_name("By NKR Intern Alex Vega"), byline_name("BY: GUEST AUTHOR")
    ('Alex Vega', None)
    >>> byline_name("By Jane Smith and Tom Brown")
    'Jane Smith; Tom Brown'
    >>> byline_name("By | June 29, 2020 | No Comments") is None
    True
    >>> byline_name("Posted on April 3, 2024 by Tuvshin E.")
    'Tuvshin E.'
    >>> byline_name("By B. Khash-Erdene · May 2, 2022")
    'B. Khash-Erdene'
    """
    match = RE_BYLINE.match(line.strip())
    if not match:
        return None
    rest = RE_BYLINE_STOP.split(match.group(1), maxsplit=1)[0].strip()
    rest = re.sub(
        r"^(?:[A-Z]{2,6}\s+)?",
        lambda m: m.group() if not RE_ROLE_WORDS.match(rest[m.end() :]) else "",
        rest,
    )
    rest = RE_ROLE_WORDS.sub("", rest).strip()
    names = [name_of(part) for part in RE_AUTHOR_SEPARATOR.split(rest) if part.strip()]
    return "; ".join(names) if names and all(names) else None


def name_of(text: str) -> str | None:
    """``text`` if it is a personal name of 2–4 capitalised words (an optional title dropped).

    >>> name_of("Shinae Hong"), name_of("Dr. Tsedendamba Batbayar"), name_of("GUEST AUTHOR")
    ('Shinae Hong', 'Tsedendamba Batbayar', None)
    """
    text = text.strip().rstrip(",;")
    match = RE_NAME.fullmatch(text) or RE_NAME.match(text)
    if not match or match.group(0).strip() != text:
        return None
    name = match.group(1)
    if name.isupper():
        return None
    return name


def dateline_date(text: str) -> tuple[str, str] | None:
    """The date of a news dateline that opens ``text`` (day precision only), or None.

    >>> dateline_date("Улаанбаатар, 2023 оны 6 дугаар сарын 15 /МОНЦАМЭ/. Зүүн хойд Азийн")
    ('2023-06-15', 'day')
    >>> dateline_date("SEOUL, March 3, 2019 (Yonhap) - Talks resumed.")
    ('2019-03-03', 'day')
    >>> dateline_date("In 2014, Mongolia hosted talks.") is None
    True
    """
    match = RE_DATELINE.match(text[:160])
    if not match:
        return None
    found = parse_date(match.group("date"))
    return found if found and found[1] == "day" else None


@cache
def _publisher_patterns() -> tuple[re.Pattern[str], ...]:
    rules = yaml.safe_load(data_file("segmenting.yaml").read_text(encoding="utf-8"))
    return tuple(re.compile(p) for p in rules["publisher_patterns"])


def find_publisher(lines: list[str]) -> str | None:
    """The publisher named in footer, disclaimer or dateline lines, if any (the patterns of
    ``data/segmenting.yaml`` are tried in their order, each over all lines).

    >>> find_publisher(["Register to receive updates from KEI"])
    'KEI'
    >>> find_publisher(["The Brookings Institution is committed to quality."])
    'The Brookings Institution'
    """
    for pattern in _publisher_patterns():  # the most specific pattern first, then the lines
        for line in lines:
            if match := pattern.search(line):
                return match.group(1).strip()
    return None
