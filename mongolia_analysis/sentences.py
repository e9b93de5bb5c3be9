"""Sentence splitting that survives the texts this package reads.

A rule-based splitter (no model to download): a boundary is a ``.``, ``!`` or ``?`` followed
by closing quotes or brackets, footnote markers stuck to the sentence end ("exports.4",
"peace.[1]", "[2][TS1]"), white space, and something that can start a sentence. A boundary is
refused after an abbreviation or an initial (U.S., Dr., No., Jan., "L. Oyun-Erdene",
"Ts. Elbegdorj"); the lists live in ``data/abbreviations.yaml``.
"""

from __future__ import annotations

import re
from functools import cache

from . import yamldata
from .paths import data_file
from .text import Span

RE_BOUNDARY = re.compile(
    r"""(?<![.!?…])(?P<end>[.!?…]+)          # terminal punctuation (a whole run of it)
        (?P<close>["”’')\]»]*)               # closing quotes / brackets
        (?P<notes>(?:\[[^\]\s]{1,8}\]\s?|\d{1,3}\)?(?=\s))*)  # footnote markers
        (?P<space>\s+)
        (?=[\"“‘'(\[«*]*[A-ZА-ЯЁӨҮ0-9])      # something that can start a sentence
    """,
    re.VERBOSE,
)
RE_TOKEN_BEFORE = re.compile(r"(\S+)$")
#: How far back to look for the token before a period (abbreviations are short; the bound
#: keeps a text of many periods from costing quadratic time).
TOKEN_WINDOW = 40
RE_INITIAL = re.compile(r"^[(\"“]?[A-ZА-ЯЁӨҮ]$")


@cache
def _abbreviations() -> frozenset[str]:
    data = yamldata.safe_load(data_file("abbreviations.yaml").read_text(encoding="utf-8"))
    return frozenset(str(item) for values in data.values() for item in values)


def _is_abbreviation(token: str) -> bool:
    token = token.lstrip("(\"“‘'[")
    if RE_INITIAL.match(token):
        return True
    return token in _abbreviations()


def split_sentences(text: str) -> list[Span]:
    """Split ``text`` into sentence spans (offsets into ``text``; white space excluded).

    >>> [s.text for s in split_sentences("The U.S. envoy met Dr. Kim. Talks ended.[1] Next.")]
    ['The U.S. envoy met Dr. Kim.', 'Talks ended.[1]', 'Next.']
    >>> [s.text for s in split_sentences("L. Oyun-Erdene spoke in 2024. Trade rose 5.2%.")]
    ['L. Oyun-Erdene spoke in 2024.', 'Trade rose 5.2%.']
    >>> [s.text for s in split_sentences("Нийтэлсэн: 2024.06.04 10:25")]
    ['Нийтэлсэн: 2024.06.04 10:25']
    """
    spans: list[Span] = []
    begin = 0
    for match in RE_BOUNDARY.finditer(text):
        if _inside_number(text, match):
            continue
        if match.group("end") == "." and not match.group("close") and not match.group("notes"):
            before = RE_TOKEN_BEFORE.search(
                text, max(0, match.start() - TOKEN_WINDOW), match.start()
            )
            if before and _is_abbreviation(before.group(1)):
                continue
        stop = match.start("space")
        _append(spans, text, begin, stop)
        begin = match.end()
    _append(spans, text, begin, len(text))
    return spans


def _inside_number(text: str, match: re.Match[str]) -> bool:
    """A period between digits ("2024.06.04 10:25"): a dotted date or number, no boundary."""
    notes = match.group("notes")
    return (
        match.group("end") == "."
        and match.start() > 0
        and text[match.start() - 1].isdigit()
        and notes.isdigit()
        and text[match.end() : match.end() + 1].isdigit()
    )


def _append(spans: list[Span], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append(Span(start, end, text[start:end]))
