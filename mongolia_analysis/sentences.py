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

#: The look-behind that makes the terminal punctuation a whole run comes after its first
#: character (two of them are not both punctuation): a pattern that starts with a character
#: class is tried only where the class matches, one that starts with a look-behind everywhere.
RE_BOUNDARY = re.compile(
    r"""(?P<end>[.!?…](?<![.!?…]{2})[.!?…]*)  # terminal punctuation (a whole run of it)
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
    if len(token) == 1 and RE_INITIAL.match(token):  # (an initial is one letter)
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
        end, close, notes = match.group("end", "close", "notes")
        if end == ".":
            if notes:
                if _inside_number(text, match, notes):
                    continue
            elif not close and _is_abbreviation_before(text, match.start()):
                continue
        _append(spans, text, begin, match.start("space"))
        begin = match.end()
    _append(spans, text, begin, len(text))
    return spans


def _is_abbreviation_before(text: str, stop: int) -> bool:
    """Whether the token that ends at ``stop`` (before a period) is an abbreviation."""
    begin = max(0, stop - TOKEN_WINDOW)
    if stop and not text[stop - 1].isspace():  # the token is the window's last word
        return _is_abbreviation(text[begin:stop].rsplit(None, 1)[-1])
    before = RE_TOKEN_BEFORE.search(text, begin, stop)  # ("$" also matches before a "\n")
    return bool(before) and _is_abbreviation(before.group(1))


def _inside_number(text: str, match: re.Match[str], notes: str) -> bool:
    """A period between digits ("2024.06.04 10:25"): a dotted date or number, no boundary."""
    return (
        match.start() > 0
        and text[match.start() - 1].isdigit()
        and notes.isdigit()
        and text[match.end() : match.end() + 1].isdigit()
    )


def _append(spans: list[Span], text: str, start: int, end: int) -> None:
    """Add ``text[start:end]`` without its outer white space, unless nothing is left."""
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        start += len(piece) - len(piece.lstrip())
        spans.append(Span(start, start + len(stripped), stripped))
