"""Date expressions in a sentence, with offsets: absolute, relative and anaphoric.

:func:`find_dates` scans a string once per pattern, in priority order (full dates before
month-year, before decades, before bare years, before relative cues), keeps the first match
over any stretch of text and returns :class:`DateExpression` records sorted by offset. It
is pure and knows nothing about documents: a *relative* cue ("last October", "on Wednesday",
"this year") and an *anaphoric* cue ("the same year", "a year later") are returned with the
rule that resolves them, and :func:`resolve_date` applies that rule to an anchor (the
publication date, or the previous absolute date of the paragraph).

Precision vocabulary (the ``precision`` of a record, copied into ``events.date_precision``):

========================  =====================================================================
``day``                   "June 14, 2017", "17-18 June 2014" (first day), "2024/12/20"
``month``                 "March 2014", "June, 2014"
``year``                  "in 2014", "since 2003", "c.1280" (``qualifier`` says since/circa/…)
``decade``                "the 1980s", "mid-1990s", "the early 1990s" (``year`` = first year,
                          ``qualifier`` early/mid/late; ISO form ``199X`` as in ISO 8601-2/EDTF)
``relative-day``          a day resolved from the publication date ("on Wednesday", "June 26th")
``relative-month``        a month resolved from it ("in June", "last October", "this month")
``relative-year``         a year resolved from it ("last year", "this year", "next year")
``anaphoric-year``        a year resolved from the previous dated sentence ("the same year",
                          "a year later"); ``anaphoric-month`` for "June that year"
========================  =====================================================================

Years inside URLs, DOIs, page references ("Pg. 10. 2015"), prices, phone-like digit runs and
before a unit ("2000 troops") are not dates. Headline stamps ("PUBLISHED:2024/12/20",
"НИЙТЭЛСЭН:2024/12/20") are dates with ``published=True``: a caller can use them as the
anchor of relative cues rather than as the date of a happening.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from .prefilter import PatternGate, build_gate, fold_case

# ----------------------------------------------------------------------------------------
# vocabulary (grammar of dates; English month names and their abbreviations, Mongolian
# ordinal month names, relative cues)
MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
FULL_MONTHS = tuple(name for name in MONTHS if len(name) > 4 or name in {"may", "june", "july"})
WEEKDAYS: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}  # fmt: skip
#: Mongolian weekdays ("пүрэв гарагт" = on Thursday), Monday = 0.
MN_WEEKDAYS: dict[str, int] = {
    "даваа": 0, "мягмар": 1, "лхагва": 2, "пүрэв": 3, "баасан": 4, "бямба": 5, "ням": 6,
}  # fmt: skip
MN_MONTHS: dict[str, int] = {
    "нэгдүгээр": 1, "хоёрдугаар": 2, "гуравдугаар": 3, "дөрөвдүгээр": 4, "тавдугаар": 5,
    "зургадугаар": 6, "долдугаар": 7, "наймдугаар": 8, "есдүгээр": 9, "аравдугаар": 10,
    "арван нэгдүгээр": 11, "арван хоёрдугаар": 12,
}  # fmt: skip
NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
DECADE_QUALIFIERS = {"early": "early", "mid": "mid", "middle": "mid", "late": "late"}

PRECISIONS = (
    "day", "month", "year", "decade", "relative-day", "relative-month", "relative-year",
    "anaphoric-month", "anaphoric-year",
)  # fmt: skip

# ----------------------------------------------------------------------------------------
# patterns
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_FULL_MONTH = r"(?P<month>" + "|".join(sorted(FULL_MONTHS, key=len, reverse=True)) + r")"
_YEAR = r"(?P<year>1[2-9]\d\d|20\d\d)"
_ORD = r"(?:st|nd|rd|th)?"
_DAY = rf"(?P<day>[0-3]?\d){_ORD}"
_DAY2 = rf"(?:\s*[-–]\s*[0-3]?\d{_ORD})?"
_YEAR_END = r"(?![\w%]|[.,/]\d|[-–]\d)"
_YEAR_START = r"(?<![\w.,/\-–$₮€£¥#№+@])"

RE_ISO_DATE = re.compile(
    r"(?<![\w./-])(?P<year>1[2-9]\d\d|20\d\d)(?P<sep>[-/.])(?P<month>[01]?\d)(?P=sep)"
    r"(?P<day>[0-3]?\d)(?![\w/]|[.-]\d)"
)
RE_MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s+{_DAY}{_DAY2},?\s+{_YEAR}{_YEAR_END}", re.IGNORECASE)
RE_DAY_MONTH_YEAR = re.compile(
    rf"\b{_DAY}{_DAY2}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}{_YEAR_END}", re.IGNORECASE
)
RE_MN_DATE = re.compile(
    rf"{_YEAR}\s+оны\s+(?P<month>\d{{1,2}}|"
    + "|".join(sorted(MN_MONTHS, key=len, reverse=True))
    + r")(?:\s*-?\s*(?:р|дүгээр|дугаар|дүгаар|дугар))?\s+сар(?:ын)?"
    r"(?:\s+(?P<day>[0-3]?\d)(?!\d))?",
    re.IGNORECASE,
)
RE_MONTH_YEAR = re.compile(rf"\b{_MONTH},?\s+(?:of\s+)?{_YEAR}{_YEAR_END}", re.IGNORECASE)
#: A Mongolian month and day without a year ("6 дугаар сарын 10-нд", "9 ДҮГЭЭР САРЫН 3-НД"):
#: resolved from the publication date like "on June 10".
RE_MN_MONTH_DAY = re.compile(
    r"(?<![\d.])(?<!оны\s)(?<!он\s)(?P<month>1[0-2]|0?[1-9]|"
    + "|".join(sorted(MN_MONTHS, key=len, reverse=True))
    + r")(?:\s*-?\s*(?:р|дүгээр|дугаар|дүгаар|дугар))?\s+сар(?:ын)?\s+(?P<day>[0-3]?\d)"
    r"(?![\d.,])(?:\s*-\s*(?:нд|ны|наас|нээс|ноос|ний|нөөс|д|т)|\s+(?:өдөр|нд))?",
    re.IGNORECASE,
)
#: An author–year citation in parentheses ("(Keohane, 1969; Campi 2014)", "(Ministry of
#: Foreign Affairs of Mongolia, 2015, p. 4)"): its years date a publication, not a happening.
RE_CITATION = re.compile(
    r"\((?:see\s+|e\.g\.,?\s+|cf\.\s+)?[A-ZА-ЯЁӨҮ][^()\d]{1,120}?,?\s(?:1[5-9]|20)\d\d[a-z]?"
    r"(?:,\s*(?:pp?\.|pg\.)\s*[\d–-]+)?"
    r"(?:;\s*[A-ZА-ЯЁӨҮ][^()\d]{1,120}?,?\s(?:1[5-9]|20)\d\d[a-z]?(?:,\s*(?:pp?\.|pg\.)\s*[\d–-]+)?)*\)"
)
RE_DECADE = re.compile(
    r"(?:\b(?P<qual>early|mid|middle|late)(?:\s*-\s*|\s+))?"
    r"(?<![\w.,/$])(?P<year>1[2-9]\d0|20\d0)['’]?s\b",
    re.IGNORECASE,
)
#: "between 2023 and 2027", "from 2003 to 2008": one period, dated by its first year.
RE_YEAR_BETWEEN = re.compile(
    rf"(?:(?<=\bbetween\s)|(?<=\bfrom\s)){_YEAR}\s+(?:and|to|through|until)\s+"
    r"(?P<end>1[2-9]\d\d|20\d\d)(?P<circa>)(?![\w%]|[.,/]\d|[-–]\d)",
    re.IGNORECASE,
)
RE_YEAR_RANGE = re.compile(
    rf"{_YEAR_START}(?P<circa>c\.\s?|ca\.\s?)?{_YEAR}\s*[-–]\s*(?P<end>1[2-9]\d\d|20\d\d|\d\d)"
    r"(?![\w%]|[.,/]\d|[-–]\d)"
)
RE_CIRCA_YEAR = re.compile(rf"\b(?:c\.|ca\.)\s?{_YEAR}{_YEAR_END}", re.IGNORECASE)
RE_YEAR = re.compile(rf"{_YEAR_START}{_YEAR}{_YEAR_END}")
RE_MONTH_THAT_YEAR = re.compile(
    rf"\b{_FULL_MONTH}\s+(?:of\s+)?(?:that|the\s+same)\s+year\b", re.IGNORECASE
)
RE_ANAPHORIC_YEAR = re.compile(
    r"\b(?:(?P<same>(?:in\s+)?(?:that|the)\s+same\s+year|that\s+year)"
    r"|(?P<n>a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+years?\s+"
    r"(?P<dir>later|after(?:wards?)?|earlier|before)(?!\s+(?:the|a|an|his|her|its|their)\b)"
    r"|the\s+(?P<which>following|next|previous|preceding|subsequent)\s+year"
    r"|the\s+year\s+(?P<after>after|before)(?!\s+\w))",
    re.IGNORECASE,
)
RE_RELATIVE_YEAR = re.compile(
    r"\b(?P<rel>last|this|next|past|coming|previous)\s+(?:year|spring|summer|autumn|fall|"
    r"winter)\b(?!['’]s)"
    r"|\b(?P<mn>өнгөрсөн|энэ|ирэх|ирэх\s+онд)\s+он(?:ы|д|оос)?\b",
    re.IGNORECASE,
)
RE_RELATIVE_MONTH = re.compile(r"\b(?P<rel>last|this|next|past|coming)\s+month\b", re.IGNORECASE)
RE_RELATIVE_DAY = re.compile(
    r"\b(?P<word>yesterday|today|tomorrow|tonight|өнөөдөр|өчигдөр|маргааш)\b", re.IGNORECASE
)
RE_MN_WEEKDAY = re.compile(
    r"(?<!\w)(?:(?P<rel>ирэх|өнгөрсөн|энэ)\s+)?(?P<weekday>"
    + "|".join(sorted(MN_WEEKDAYS, key=len, reverse=True))
    + r")\s+(?:гараг|гарагт|гарагийн|гаригт|гараг\w*)(?!\w)",
    re.IGNORECASE,
)
RE_WEEKDAY = re.compile(
    r"\b(?:(?P<rel>last|next|this|on|on\s+last)\s+)?(?P<weekday>" + "|".join(WEEKDAYS) + r")\b",
    re.IGNORECASE,
)
RE_MONTH_DAY = re.compile(
    rf"\b(?:(?P<rel>last|next|this)\s+)?{_MONTH}\s+{_DAY}{_DAY2}\b(?!\s*[,.]?\s*\d)",
    re.IGNORECASE,
)
RE_BARE_MONTH = re.compile(
    rf"\b(?P<cue>in|last|next|this|of|since|until|by|early|late|mid|mid-|during|the|coming"
    rf"|past|previous)(?:\s+|(?<=-))(?:early\s+|late\s+|mid-)?{_FULL_MONTH}\b"
    r"(?!\s*[,.]?\s*\d)",
    re.IGNORECASE,
)

#: Left context that makes the next number a page, volume, price or similar, not a year.
RE_NOT_YEAR_BEFORE = re.compile(
    r"(?:\b(?:pp?|pg|pgs|page|pages|vol|no|nos|isbn|issn|tel|ph|fax|phone|copyright|art|"
    r"article|section|chapter|sec|ch)\.?\s*[\d\s.,:;–-]*|[©$₮€£¥#№+]\s*)$",
    re.IGNORECASE,
)
#: Right context: a unit after a four-digit number means a count ("2000 troops").
RE_NOT_YEAR_AFTER = re.compile(
    r"^\s*(?:people|persons|troops|soldiers|students|workers|peacekeepers|km|kilometers|"
    r"kilometres|miles|tons|tonnes|mw|kw|gw|dollars|usd|mnt|hectares|ha|meters|metres|feet|"
    r"units|copies|views|pages|words|votes|cases|households|vehicles|sq|square|\d{3,})\b",
    re.IGNORECASE,
)
RE_URLISH = re.compile(r"https?:|www\.|://|doi|\.(?:com|org|net|gov|edu|int|pdf|html?)\b|@|=|\?")
RE_PUBLISHED_BEFORE = re.compile(
    r"(?:published|posted|updated|нийтэлсэн|date|dated)\s*(?:date|on)?\s*[:\-–]?\s*(?:on\s+)?$",
    re.IGNORECASE,
)
RE_QUALIFIER_BEFORE = re.compile(
    r"\b(?P<q>since|from|by|until|till|before|after|circa|around|about|as\s+of|beginning\s+in|"
    r"starting\s+in)\s+(?:the\s+)?(?:(?:early|mid|late)[\s-]+)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class DateExpression:
    """One date expression in a text: ``text == source[start:end]``.

    ``relative`` records carry the rule that resolves them: ``anchor`` is ``"published"`` or
    ``"previous"``, ``unit`` is ``year``/``month``/``day``/``weekday`` and ``offset`` the
    signed number of units (or, with a named month/weekday, the direction: -1 last, 0 this
    or unmarked, +1 next).
    """

    start: int
    end: int
    text: str
    year: int | None
    month: int | None = None
    day: int | None = None
    precision: str = "year"
    relative: bool = False
    qualifier: str | None = None
    anchor: str | None = None
    unit: str | None = None
    offset: int = 0
    weekday: int | None = None
    end_year: int | None = None
    published: bool = False

    @property
    def iso(self) -> str | None:
        """ISO 8601 partial form: '2014', '2014-03', '2014-03-15'; decades as '199X'."""
        return to_iso(self.year, self.month, self.day, decade=self.precision == "decade")


def to_iso(
    year: int | None, month: int | None = None, day: int | None = None, *, decade: bool = False
) -> str | None:
    """Format a partial date.

    >>> to_iso(2014, 3), to_iso(2014, 3, 5), to_iso(1990, decade=True), to_iso(None)
    ('2014-03', '2014-03-05', '199X', None)
    """
    if year is None:
        return None
    if decade:
        return f"{year // 10:03d}X"
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


RE_ISO_PARTIAL = re.compile(r"^\s*(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?")


def parse_iso(value: object) -> tuple[int | None, int | None, int | None]:
    """Split an ISO partial date ('2017', '2017-06', '2017-06-14') into its parts.

    >>> parse_iso("2017-06-14"), parse_iso("2017"), parse_iso(None), parse_iso("n.d.")
    ((2017, 6, 14), (2017, None, None), (None, None, None), (None, None, None))
    """
    if not isinstance(value, str):
        return (None, None, None)
    match = RE_ISO_PARTIAL.match(value)
    if not match:
        return (None, None, None)
    year, month, day = (int(g) if g else None for g in match.groups())
    if month is not None and not 1 <= month <= 12:
        return (year, None, None)
    if day is not None and month is not None and not _valid_day(year, month, day):
        return (year, month, None)
    return (year, month, day)


def _valid_day(year: int | None, month: int, day: int) -> bool:
    try:
        dt.date(year or 2000, month, day)
    except ValueError:
        return False
    return True


# ----------------------------------------------------------------------------------------
# scanning
Builder = Callable[[re.Match[str], str], DateExpression | None]


def _span(match: re.Match[str], **values: object) -> DateExpression:
    return DateExpression(
        start=match.start(),
        end=match.end(),
        text=match.group(0),
        **values,  # type: ignore[arg-type]
    )


def _month_number(token: str) -> int | None:
    token = token.lower().rstrip(".")
    if token in MONTHS:
        return MONTHS[token]
    if token in MN_MONTHS:
        return MN_MONTHS[token]
    if token.isdigit() and 1 <= int(token) <= 12:
        return int(token)
    return None


def _is_year_context_ok(match: re.Match[str], text: str, group: str = "year") -> bool:
    start, end = match.start(group), match.end(group)
    token_start = text.rfind(" ", 0, start) + 1
    token_end = text.find(" ", end)
    token = text[token_start : len(text) if token_end < 0 else token_end]
    if RE_URLISH.search(token):
        return False
    if RE_NOT_YEAR_BEFORE.search(text[max(0, match.start() - 24) : match.start()]):
        return False
    return not RE_NOT_YEAR_AFTER.match(text[match.end() : match.end() + 24])


def _qualifier(text: str, start: int) -> str | None:
    found = RE_QUALIFIER_BEFORE.search(text[max(0, start - 30) : start])
    if not found:
        return None
    word = " ".join(found.group("q").lower().split())
    return {"around": "circa", "about": "circa", "till": "until", "from": "since",
            "beginning in": "since", "starting in": "since"}.get(word, word)  # fmt: skip


def _published(text: str, start: int) -> bool:
    return bool(RE_PUBLISHED_BEFORE.search(text[max(0, start - 30) : start]))


def _absolute(
    match: re.Match[str], text: str, *, precision: str, with_day: bool, with_month: bool
) -> DateExpression | None:
    if not _is_year_context_ok(match, text):
        return None
    year = int(match.group("year"))
    month = _month_number(match.group("month")) if with_month else None
    if with_month and month is None:
        return None
    day = int(match.group("day")) if with_day and match.group("day") else None
    if day is not None and not _valid_day(year, month or 1, day):
        day, precision = None, "month"
    if with_month and day is None:
        precision = "month"
    return _span(
        match, year=year, month=month, day=day, precision=precision,
        qualifier=_qualifier(text, match.start()), published=_published(text, match.start()),
    )  # fmt: skip


def _build_iso(match: re.Match[str], text: str) -> DateExpression | None:
    return _absolute(match, text, precision="day", with_day=True, with_month=True)


def _build_month_day_year(match: re.Match[str], text: str) -> DateExpression | None:
    return _absolute(match, text, precision="day", with_day=True, with_month=True)


def _build_month_year(match: re.Match[str], text: str) -> DateExpression | None:
    return _absolute(match, text, precision="month", with_day=False, with_month=True)


def _build_decade(match: re.Match[str], text: str) -> DateExpression | None:
    qual = match.group("qual")
    return _span(
        match, year=int(match.group("year")), precision="decade",
        qualifier=DECADE_QUALIFIERS.get(qual.lower()) if qual else _qualifier(text, match.start()),
    )  # fmt: skip


def _build_year_range(match: re.Match[str], text: str) -> DateExpression | None:
    if not _is_year_context_ok(match, text):
        return None
    year = int(match.group("year"))
    end = match.group("end")
    end_year = int(end) if len(end) == 4 else (year // 100) * 100 + int(end)
    if end_year <= year or end_year - year > 200:
        return None
    return _span(
        match, year=year, precision="year", end_year=end_year,
        qualifier="circa" if match.group("circa") else _qualifier(text, match.start()),
    )  # fmt: skip


def _build_circa(match: re.Match[str], text: str) -> DateExpression | None:
    return _span(match, year=int(match.group("year")), precision="year", qualifier="circa")


def _build_year(match: re.Match[str], text: str) -> DateExpression | None:
    if not _is_year_context_ok(match, text):
        return None
    before = text[max(0, match.start() - 2) : match.start()]
    after = text[match.end() : match.end() + 5]
    if re.search(r"\d\s$", before) or re.match(r"\s\d{3,}", after):  # digit runs (phones)
        return None
    return _span(
        match, year=int(match.group("year")), precision="year",
        qualifier=_qualifier(text, match.start()), published=_published(text, match.start()),
    )  # fmt: skip


def _build_month_that_year(match: re.Match[str], text: str) -> DateExpression | None:
    return _span(
        match, year=None, month=_month_number(match.group("month")), precision="anaphoric-month",
        relative=True, anchor="previous", unit="month", offset=0,
    )  # fmt: skip


def _build_anaphoric_year(match: re.Match[str], text: str) -> DateExpression | None:
    if match.group("same"):
        offset = 0
    elif match.group("n"):
        n = match.group("n").lower()
        count = int(n) if n.isdigit() else NUMBER_WORDS[n]
        offset = count if match.group("dir").lower().startswith(("later", "after")) else -count
    elif match.group("which"):
        offset = -1 if match.group("which").lower() in {"previous", "preceding"} else 1
    else:
        offset = 1 if match.group("after").lower() == "after" else -1
    return _span(
        match, year=None, precision="anaphoric-year", relative=True, anchor="previous",
        unit="year", offset=offset,
    )  # fmt: skip


def _build_relative_year(match: re.Match[str], text: str) -> DateExpression | None:
    word = (match.group("rel") or match.group("mn")).lower()
    offset = {"last": -1, "past": -1, "previous": -1, "өнгөрсөн": -1, "this": 0, "энэ": 0,
              "next": 1, "coming": 1, "ирэх": 1}.get(word.split()[0], 0)  # fmt: skip
    return _span(
        match, year=None, precision="relative-year", relative=True, anchor="published",
        unit="year", offset=offset,
    )  # fmt: skip


def _build_relative_month(match: re.Match[str], text: str) -> DateExpression | None:
    offset = {"last": -1, "past": -1, "this": 0, "next": 1, "coming": 1}[match.group("rel").lower()]
    return _span(
        match, year=None, precision="relative-month", relative=True, anchor="published",
        unit="month", offset=offset,
    )  # fmt: skip


def _build_relative_day(match: re.Match[str], text: str) -> DateExpression | None:
    offset = {"yesterday": -1, "өчигдөр": -1, "tomorrow": 1, "маргааш": 1}.get(
        match.group("word").lower(), 0
    )
    return _span(
        match, year=None, precision="relative-day", relative=True, anchor="published",
        unit="day", offset=offset,
    )  # fmt: skip


def _direction(word: str | None) -> int:
    if not word:
        return 0
    word = word.lower().split()[-1]
    return {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}.get(word, 0)


def _build_weekday(match: re.Match[str], text: str) -> DateExpression | None:
    rel = match.group("rel")
    name = match.group("weekday")
    if not rel and not name[0].isupper():
        return None
    return _span(
        match, year=None, precision="relative-day", relative=True, anchor="published",
        unit="weekday", weekday=WEEKDAYS[name.lower()], offset=_direction(rel),
    )  # fmt: skip


def _build_mn_weekday(match: re.Match[str], text: str) -> DateExpression | None:
    rel = (match.group("rel") or "").lower()
    return _span(
        match, year=None, precision="relative-day", relative=True, anchor="published",
        unit="weekday", weekday=MN_WEEKDAYS[match.group("weekday").lower()],
        offset={"ирэх": 1, "өнгөрсөн": -1}.get(rel, 0),
    )  # fmt: skip


def _build_month_day(match: re.Match[str], text: str) -> DateExpression | None:
    month_token = match.group("month")
    if not month_token[0].isupper():
        return None
    month = _month_number(month_token)
    day = int(match.group("day"))
    if month is None or not _valid_day(None, month, day):
        return None
    return _span(
        match, year=None, month=month, day=day, precision="relative-day", relative=True,
        anchor="published", unit="day", offset=_direction(match.group("rel")),
    )  # fmt: skip


def _build_mn_month_day(match: re.Match[str], text: str) -> DateExpression | None:
    month = _month_number(match.group("month"))
    day = int(match.group("day"))
    if month is None or not _valid_day(None, month, day):
        return None
    return _span(
        match, year=None, month=month, day=day, precision="relative-day", relative=True,
        anchor="published", unit="day", offset=0,
    )  # fmt: skip


def _build_bare_month(match: re.Match[str], text: str) -> DateExpression | None:
    month_token = match.group("month")
    if not month_token[0].isupper():
        return None
    if month_token.lower() == "may" and match.group("cue").lower() in {"the", "of"}:
        return None
    cue = match.group("cue").lower()
    start = (
        match.start()
        if cue in {"last", "next", "this", "coming", "past", "previous"}
        else (match.start("month"))
    )
    return DateExpression(
        start=start, end=match.end(), text=text[start : match.end()], year=None,
        month=_month_number(month_token), precision="relative-month", relative=True,
        anchor="published", unit="month", offset=_direction(cue),
    )  # fmt: skip


PATTERNS: tuple[tuple[re.Pattern[str], Builder], ...] = (
    (RE_ISO_DATE, _build_iso),
    (RE_MONTH_DAY_YEAR, _build_month_day_year),
    (RE_DAY_MONTH_YEAR, _build_month_day_year),
    (RE_MN_DATE, _build_iso),
    (RE_MONTH_YEAR, _build_month_year),
    (RE_DECADE, _build_decade),
    (RE_YEAR_RANGE, _build_year_range),
    (RE_YEAR_BETWEEN, _build_year_range),
    (RE_CIRCA_YEAR, _build_circa),
    (RE_YEAR, _build_year),
    (RE_MONTH_THAT_YEAR, _build_month_that_year),
    (RE_ANAPHORIC_YEAR, _build_anaphoric_year),
    (RE_RELATIVE_YEAR, _build_relative_year),
    (RE_RELATIVE_MONTH, _build_relative_month),
    (RE_RELATIVE_DAY, _build_relative_day),
    (RE_MN_MONTH_DAY, _build_mn_month_day),
    (RE_MONTH_DAY, _build_month_day),
    (RE_WEEKDAY, _build_weekday),
    (RE_MN_WEEKDAY, _build_mn_weekday),
    (RE_BARE_MONTH, _build_bare_month),
)


#: How many sentences' dates are remembered: events and figures ask for the same
#: sentence's dates several times in a row.
DATES_CACHE_SIZE = 4096


@cache
def _gate() -> PatternGate:
    """Which of RE_CITATION (index 0) and PATTERNS (1…) can match a text."""
    return build_gate([RE_CITATION, *(pattern for pattern, _ in PATTERNS)], every_literal=True)


def _candidates(text: str, active: Collection[int] | None = None) -> Iterator[DateExpression]:
    for index, (pattern, build) in enumerate(PATTERNS, 1):
        if active is not None and index not in active:
            continue  # the pattern's words or digits are absent: it cannot match
        for match in pattern.finditer(text):
            found = build(match, text)
            if found is not None:
                yield found


def find_dates(text: str) -> list[DateExpression]:
    """Every date expression in ``text``, sorted by offset, never overlapping.

    Args:
        text: one sentence (or any string); offsets in the result point into it.

    Returns:
        :class:`DateExpression` records; relative ones have ``year=None`` until resolved.

    >>> [(d.text, d.iso, d.precision) for d in find_dates("In March 2014 and in the 1990s.")]
    [('March 2014', '2014-03', 'month'), ('1990s', '199X', 'decade')]
    >>> [(d.text, d.relative, d.offset) for d in find_dates("It met last year, not in 2040 MW.")]
    [('last year', True, -1)]
    >>> [d.text for d in find_dates("A forum was launched in 2014 (Campi, 2015; Hong 2022).")]
    ['2014']
    """
    return list(_find_dates(text))


@lru_cache(maxsize=DATES_CACHE_SIZE)
def _find_dates(text: str) -> tuple[DateExpression, ...]:
    active = _gate().active(fold_case(text))
    taken: list[tuple[int, int]] = (
        [(m.start(), m.end()) for m in RE_CITATION.finditer(text)] if 0 in active else []
    )
    found: list[DateExpression] = []
    for expr in _candidates(text, active):
        if any(expr.start < end and start < expr.end for start, end in taken):
            continue
        taken.append((expr.start, expr.end))
        found.append(expr)
    return tuple(sorted(found, key=lambda e: (e.start, e.end)))


def first_date(text: str) -> DateExpression | None:
    """The first absolute date in ``text`` (e.g. a dateline), or None.

    >>> first_date("Published June 14, 2017").iso
    '2017-06-14'
    """
    for expr in find_dates(text):
        if not expr.relative and expr.year is not None:
            return expr
    return None


# ----------------------------------------------------------------------------------------
# resolution
def resolve_date(
    expr: DateExpression,
    *,
    published: str | None = None,
    previous: DateExpression | None = None,
) -> DateExpression | None:
    """Give a relative or anaphoric expression its year (and month/day where it can).

    Args:
        expr: a record from :func:`find_dates`.
        published: the document's publication date, ISO partial ('2017-06-14'); the anchor of
            relative cues. Never today's date: without it a relative cue stays unresolved.
        previous: the last absolute date before ``expr`` (same paragraph): the anchor of
            anaphoric cues.

    Returns:
        An absolute record (``relative`` stays True, ``precision`` says how it was resolved),
        ``expr`` itself if it was absolute, or None when the anchor is missing or too coarse.

    >>> [e] = find_dates("last October")
    >>> resolve_date(e, published="2015-01-20").iso
    '2014-10'
    >>> [e] = find_dates("on Wednesday")
    >>> resolve_date(e, published="2017-06-16").iso, resolve_date(e, published=None)
    ('2017-06-14', None)
    """
    if not expr.relative:
        return expr
    if expr.anchor == "previous":
        return _resolve_anaphoric(expr, previous)
    year, month, day = parse_iso(published)
    if year is None:
        return None
    if expr.unit == "year":
        return replace(expr, year=year + expr.offset)
    if expr.unit == "month":
        return _resolve_month(expr, year, month)
    if expr.unit in {"day", "weekday"}:
        return _resolve_day(expr, year, month, day)
    return None


def _resolve_anaphoric(
    expr: DateExpression, previous: DateExpression | None
) -> DateExpression | None:
    if previous is None or previous.year is None or previous.precision == "decade":
        return None
    if expr.unit == "month":
        return replace(expr, year=previous.year)
    return replace(expr, year=previous.year + expr.offset)


def _nearest_year(
    month: int | None, day: int | None, year: int, anchor_month: int | None, anchor_day: int | None
) -> int:
    """The year that puts ``month``/``day`` nearest to the anchor date (a bare "in December"
    in a February article is last December; "in February" on December 31 is next February).

    >>> _nearest_year(12, 15, 2019, 2, 1), _nearest_year(2, 15, 2024, 12, 31)
    (2018, 2025)
    >>> _nearest_year(6, 26, 2017, 6, 14), _nearest_year(6, 1, 2017, None, None)
    (2017, 2017)
    """
    if month is None or anchor_month is None:
        return year
    anchor = dt.date(year, anchor_month, anchor_day or 15)
    best = min(
        (abs((dt.date(y, month, min(day or 15, 28)) - anchor).days), abs(y - year), y)
        for y in (year - 1, year, year + 1)
    )
    return best[2]


def _resolve_month(expr: DateExpression, year: int, month: int | None) -> DateExpression | None:
    if expr.month is None:  # "this month", "last month"
        if month is None:
            return None
        index = year * 12 + (month - 1) + expr.offset
        return replace(expr, year=index // 12, month=index % 12 + 1)
    if expr.offset == 0:
        return replace(expr, year=_nearest_year(expr.month, 15, year, month, 15))
    if month is None:
        return None
    if expr.offset < 0:
        return replace(expr, year=year if expr.month < month else year - 1)
    return replace(expr, year=year if expr.month > month else year + 1)


def _resolve_day(
    expr: DateExpression, year: int, month: int | None, day: int | None
) -> DateExpression | None:
    if expr.unit == "day" and expr.month is not None:  # "on June 26th": the nearest June 26
        if expr.offset == 0 or month is None:
            return replace(expr, year=_nearest_year(expr.month, expr.day, year, month, day))
        if expr.offset < 0:
            before = (expr.month, expr.day or 0) < (month, day or 0)
            return replace(expr, year=year if before else year - 1)
        after = (expr.month, expr.day or 0) > (month, day or 0)
        return replace(expr, year=year if after else year + 1)
    if month is None or day is None:
        return None
    anchor = dt.date(year, month, day)
    if expr.unit == "day":
        target = anchor + dt.timedelta(days=expr.offset)
    elif expr.weekday is None:
        return None
    else:
        back = (anchor.weekday() - expr.weekday) % 7
        if expr.offset < 0:
            target = anchor - dt.timedelta(days=back or 7)
        elif expr.offset > 0:
            target = anchor + dt.timedelta(days=(expr.weekday - anchor.weekday()) % 7 or 7)
        else:
            target = anchor - dt.timedelta(days=back)
    return replace(expr, year=target.year, month=target.month, day=target.day)
