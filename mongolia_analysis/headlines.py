"""Headline tickers: runs of news items, each "<rank> <TITLE> <site> <LABEL>:<date>".

English items are numbered, Mongolian Cyrillic ones are not; items are separated by runs of
spaces (or line breaks). Each item becomes one headline with its source domain, publication
date and language; Mongolian titles are transliterated to Latin script (MNS 5217:2012, via
``cyrtranslit``'s ``mn`` table).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import yaml

from .paths import data_file
from .text import detect_language

RE_ITEM_SPLIT = re.compile(r"[ \t\u00a0]{3,}|\n+")
RE_DOMAIN = r"(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,12}"
#: Every item ends with its date: a cheap test on a chunk's last characters before the full
#: pattern runs (which would scan a long chunk of prose word by word).
RE_DATE_AT_END = re.compile(r"\d{4}[/.-]\d{1,2}[/.-]\d{1,2}\s*$")
DATE_END_WINDOW = 24


@cache
def _item_pattern() -> re.Pattern[str]:
    rules = yaml.safe_load(data_file("segmenting.yaml").read_text(encoding="utf-8"))
    labels = "|".join(re.escape(label) for label in rules["ticker_date_labels"])
    return re.compile(
        rf"""^(?:(?P<rank>\d{{1,3}})\s+(?=\S))?
            (?P<title>.+?)\s+
            (?P<site>{RE_DOMAIN})\s*
            (?:(?:{labels})\s*:?\s*)
            (?P<date>\d{{4}}[/.-]\d{{1,2}}[/.-]\d{{1,2}})\s*$""",
        re.IGNORECASE | re.VERBOSE,
    )


@dataclass(frozen=True, slots=True)
class TickerItem:
    """One parsed headline; offsets are into the string that was parsed."""

    start: int
    end: int
    rank: int | None
    title: str
    title_start: int
    title_end: int
    source: str
    published: str
    language: str


def parse_item(chunk: str, offset: int = 0) -> TickerItem | None:
    """Parse one ticker item, or return None when ``chunk`` is not one.

    >>> item = parse_item("4 CENTRAL BANK CUTS FORECAST TO 5.2% WWW.UBPOST.MN PUBLISHED:2024/12/20")
    >>> item.rank, item.title, item.source, item.published, item.language
    (4, 'CENTRAL BANK CUTS FORECAST TO 5.2%', 'ubpost.mn', '2024-12-20', 'en')
    """
    if not RE_DATE_AT_END.search(chunk[-DATE_END_WINDOW:]):
        return None
    match = _item_pattern().match(chunk)
    if not match:
        return None
    year, month, day = re.split(r"[/.-]", match.group("date"))
    if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        return None
    site = re.sub(r"^(?:https?://)?(?:www\.)?", "", match.group("site"), flags=re.I).lower()
    title = match.group("title")
    return TickerItem(
        start=offset,
        end=offset + len(chunk),
        rank=int(match.group("rank")) if match.group("rank") else None,
        title=title,
        title_start=offset + match.start("title"),
        title_end=offset + match.end("title"),
        source=site,
        published=f"{int(year):04d}-{int(month):02d}-{int(day):02d}",
        language=detect_language(title),
    )


def parse_ticker(text: str) -> list[TickerItem]:
    """Every item of a ticker string (chunks that are not items are ignored).

    >>> items = parse_ticker(
    ...     "1 A B WWW.X.MN PUBLISHED:2024/12/20     Ө Ү WWW.Y.MN НИЙТЭЛСЭН:2024/12/19"
    ... )
    >>> [(i.rank, i.source, i.language) for i in items]
    [(1, 'x.mn', 'en'), (None, 'y.mn', 'mn')]
    """
    items = []
    position = 0
    separated = "   " in text or "\n" in text or "\t" in text or "\u00a0" in text
    if not separated:  # one chunk, the whole text: no item unless it ends with a date
        stripped = text.strip()
        if not stripped or not RE_DATE_AT_END.search(stripped[-DATE_END_WINDOW:]):
            return []
    for piece in RE_ITEM_SPLIT.split(text) if separated else [text]:
        start = text.index(piece, position) if piece else position
        position = start + len(piece)
        stripped = piece.strip()
        if not stripped:
            continue
        lead = len(piece) - len(piece.lstrip())
        item = parse_item(stripped, start + lead)
        if item:
            items.append(item)
    return items


def count_items(line: str) -> int:
    """How many ticker items a line holds (0 for prose)."""
    return len(parse_ticker(line))


def transliterate(text: str, *, language: str = "mn") -> str | None:
    """Latin transliteration of Mongolian (or Russian) Cyrillic; None for other scripts.

    >>> transliterate("ХУРИМТЛАЛЫН САН")
    'KHURIMTLALYN SAN'
    """
    if language not in ("mn", "ru"):
        return None
    import cyrtranslit

    table = "mn" if language == "mn" else "ru"
    # Upper-case words stay upper case ("Х" is "KH" in a ticker, "Kh" in a name).
    return RE_CYRILLIC_WORD.sub(
        lambda m: _upper_if(m.group(), cyrtranslit.to_latin(m.group(), table)), text
    )


RE_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+")


def _upper_if(source: str, latin: str) -> str:
    return latin.upper() if source.isupper() and len(source) > 1 else latin
