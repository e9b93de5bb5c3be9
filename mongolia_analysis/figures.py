"""Figures: amounts of money, percentages, counts, ranks, energy, distances and durations.

A figure is a number that says how much or how many, with what it measures: "$13.84
billion" (money, USD, 13.84e9), "5.2%" (percent), "around 48,185 people" (count, hedge
'around'), "ranking 26th" (rank), "50 MW" (energy), "₮2 САЯ ОРЧИМ" (money, MNT, 2e6, hedge
'орчим'). The vocabulary — number words, scale words (English and Mongolian), currencies,
units, counted nouns, hedges — lives in ``data/figures.yaml``.

How a number becomes a figure:

1. A *core* is found: digits ("48,185", "13.84", "5.2"), number words ("six", "forty-five",
   "one thousand"), a fraction word ("one-third", stored as percent; "a third" only before
   "of", a comparative or no word: "a third meeting" is an ordinal), a vague quantity
   ("thousands of", value NA, hedge 'vague') or an ordinal ("26th", "fourth").
2. Cores that are not figures are dropped: inside a date expression (years, "June 26th"),
   glued to letters or hyphens ("COVID-19", "TS1", "exports.4", "Six-Party",
   "three-country"), in footnote brackets ("[1]"), inside a quoted title.
3. Around the core: a currency before it ("$", "US$", "₮") or after it ("MNT", "төгрөг"), a
   scale word after it ("billion", "САЯ", "ИХ НАЯД"), then a unit ("%", "percent", "MW",
   "miles", "years") or a counted noun ("people", "students", "workers"); a hedge before it
   ("about", "more than") or, in Mongolian, after it ("орчим", "гаруй").
4. A core with none of currency, unit, counted noun or scale word is a bare number and is not
   a figure ("Track 2", "Yongusil 100"). An ordinal is a figure only as a rank ("ranking
   26th", "fourth-largest"); an edition ("the 18th Meeting", "7th Ulaanbaatar Dialogue") is
   part of a name. A scaled number in a Mongolian money context ("ОРЛОГО ... 38 ИХ НАЯД") is
   tugrik.
5. ``year`` is the nearest absolute date of the same clause, if within :data:`YEAR_REACH`
   characters.

Quantity vocabulary: money, percent, count, rank, energy, distance, duration, age ("65
years old"), mass, area, number (a scaled number with no unit).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any, NamedTuple

import ahocorasick
import pandas as pd
import yaml

from . import schema, yamldata
from .dates import find_dates
from .errors import DataFileError
from .paths import data_file
from .prefilter import fold_case, required_literals

try:  # the parser behind re.compile; private, so any surprise means "no anchors"
    from re import _constants as _sre_constants
    from re import _parser as _sre_parser
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants as _sre_constants  # type: ignore[no-redef]
    import sre_parse as _sre_parser  # type: ignore[no-redef]

#: Farthest a date may stand from a figure (characters) to give it its year.
YEAR_REACH = 60
#: A number in digits ("48,185", "13.84") not glued to what stands before it. The test of the
#: character before it is a lookbehind after its first digit: a pattern that begins with a
#: digit lets the re engine skip from digit to digit instead of trying every character.
RE_DIGITS = re.compile(r"\d(?<![\w.,/\-–−]\d)(?:\d{0,2}(?:,\d{3})+|\d*)(?:\.\d+)?")
RE_ORDINAL_DIGITS = re.compile(r"(\d(?<![\w.,/\-–]\d)\d*)(st|nd|rd|th)\b", re.IGNORECASE)
RE_QUOTED = re.compile(r"“[^”]{1,300}”|\"[^\"]{1,300}\"|«[^»]{1,300}»")
RE_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
#: The word right after a phrase (none when punctuation or a digit comes first).
RE_NEXT_WORD = re.compile(r"\s+([^\W\d_][\w’'-]*)")
RE_CLAUSE = re.compile(r"[;:]|\s[—–]\s")
RE_FOOTNOTE = re.compile(r"\[[^\]]{1,8}\]")
RE_GAP_WORDS = re.compile(r"(?:\s+(?!of\b|and\b|or\b|in\b|to\b)[\w’'-]+){0,2}?\s+")
RE_AGE_AFTER = re.compile(r"^[\s-]+old\b", re.IGNORECASE)
#: A range is one figure valued at its lower bound: "5-6 percent", "7%-8%", "10–12 MW".
RE_RANGE_UPPER = re.compile(r"[-–]\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w.,/\-–])")
RE_RANGE_TAIL = re.compile(r"^\s?[-–]\s?\d+(?:\.\d+)?\s?(?P<unit>%)")
UPPER_ALLOWED_AFTER = re.compile(r"^(?:%|[.,;:!?)\]”’\"'»/]|\s|$)")
#: Shortest literal a core pattern's matches may be anchored on (see :class:`CoreGate`).
MIN_ANCHOR = 2


# ----------------------------------------------------------------------------------------
# vocabulary
@dataclass(frozen=True, slots=True)
class Unit:
    """A unit after a number: its code, the quantity it measures and a factor to apply."""

    unit: str
    quantity: str
    factor: float = 1.0


@dataclass(frozen=True)
class FigureVocabulary:
    """Everything :func:`extract_figures` reads from ``data/figures.yaml``."""

    number_words: Mapping[str, float]
    ordinal_words: Mapping[str, int]
    fractions: Mapping[str, float]
    ambiguous_fractions: frozenset[str]
    share_words_after: frozenset[str]
    scales: Mapping[str, float]
    currency_scales: Mapping[str, float]
    currency_prefixes: Mapping[str, str]
    currency_suffixes: Mapping[str, str]
    default_currency: Mapping[str, str]
    money_context: tuple[str, ...]
    units: Mapping[str, Unit]
    counted: Mapping[str, str]
    counted_digits_only: Mapping[str, str]
    counted_before: Mapping[str, str]
    vague: tuple[str, ...]
    hedges_before: Mapping[str, str]
    hedges_after: Mapping[str, str]
    rank_before: tuple[str, ...]
    rank_after: tuple[str, ...]
    # compiled
    re_number_words: re.Pattern[str]
    re_fraction: re.Pattern[str]
    re_vague: re.Pattern[str]
    re_ordinal_word: re.Pattern[str]
    re_scale: re.Pattern[str]
    re_currency_scale: re.Pattern[str]
    re_prefix: re.Pattern[str]
    re_suffix_currency: re.Pattern[str]
    re_unit: re.Pattern[str]
    re_counted: re.Pattern[str]
    re_counted_digits: re.Pattern[str]
    re_counted_before: re.Pattern[str]
    re_hedge_before: re.Pattern[str]
    re_hedge_after: re.Pattern[str]
    re_rank_before: re.Pattern[str]
    re_rank_after: re.Pattern[str]
    re_money_context: re.Pattern[str]

    @cached_property
    def core_patterns(self) -> tuple[re.Pattern[str], ...]:
        """The patterns of :func:`_cores`, in the order it runs them."""
        return (self.re_vague, self.re_fraction, RE_ORDINAL_DIGITS, self.re_ordinal_word,
                RE_DIGITS, self.re_number_words)  # fmt: skip

    @cached_property
    def core_gate(self) -> CoreGate:
        """Which core patterns of :func:`_cores` can match a text, and where (see
        :class:`CoreGate`)."""
        return build_core_gate(self.core_patterns)


# ----------------------------------------------------------------------------------------
# where cores can be
class CoreGate(NamedTuple):
    """Which of a list of patterns can match a text and, for a pattern whose every match
    begins with one of a few literals ("anchored"), where its matches can begin, from one
    Aho-Corasick pass over the text's :func:`.prefilter.fold_case`.

    Like :class:`.prefilter.PatternGate`, a speed-up only: a pattern none of whose literals
    occurs cannot match, and an anchored pattern can only match where an anchor begins, so
    :func:`finditer_at` over those places finds exactly what ``finditer`` finds.
    """

    always: frozenset[int]
    anchored: frozenset[int]
    automaton: Any  # literal -> (its length, patterns it activates, patterns it anchors)
    #: One-character literals ("0" for any digit), looked up with ``in``: the automaton would
    #: report each of their many occurrences.
    characters: tuple[tuple[str, tuple[int, ...]], ...] = ()

    def scan(self, text: str) -> Places:
        """Where in ``text`` the patterns may match."""
        active = set(self.always)
        starts: dict[int, list[int]] = {}
        if not text:
            return Places(text, active, self.anchored, starts)
        folded = fold_case(text)
        for char, indices in self.characters:
            if char in folded:
                active.update(indices)
        if self.automaton is not None:
            for end, (length, activates, anchors) in self.automaton.iter(folded):
                active.update(activates)
                for index in anchors:
                    starts.setdefault(index, []).append(end - length + 1)
        return Places(text, active, self.anchored, starts)


class Places(NamedTuple):
    """What :meth:`CoreGate.scan` found in one text."""

    text: str
    active: set[int]  # the patterns that may match
    anchored: frozenset[int]
    starts: dict[int, list[int]]  # where each anchored pattern may begin

    def finditer(self, index: int, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        """``pattern.finditer(text)`` for the pattern at ``index`` of the gate."""
        if index not in self.active:
            return iter(())
        if index in self.anchored:
            return finditer_at(pattern, self.text, self.starts.get(index, ()))
        return pattern.finditer(self.text)


def build_core_gate(patterns: Sequence[re.Pattern[str]]) -> CoreGate:
    """A :class:`CoreGate` for ``patterns`` (in their order).

    >>> gate = build_core_gate([re.compile(r"(?<!\\w)(?:one|two)\\b", re.I), re.compile(r"\\d+")])
    >>> places = gate.scan("Two or 3, someone")
    >>> places.active, places.starts
    ({0, 1}, {0: [0, 14]})
    """
    always: set[int] = set()
    anchored: set[int] = set()
    keys: dict[str, tuple[set[int], set[int]]] = {}
    for index, pattern in enumerate(patterns):
        prefixes = leading_literals(pattern)
        literals = prefixes or required_literals(pattern)
        if literals is None:
            always.add(index)
            continue
        if prefixes:
            anchored.add(index)
        for literal in literals:
            activates, anchors = keys.setdefault(literal, (set(), set()))
            (anchors if prefixes else activates).add(index)
    characters = tuple(
        (literal, tuple(sorted(activates)))
        for literal, (activates, _) in keys.items()
        if len(literal) == 1
    )  # fmt: skip (anchors are never one character)
    words = {literal: sets for literal, sets in keys.items() if len(literal) > 1}
    automaton = None
    if words:
        automaton = ahocorasick.Automaton()
        for literal, (activates, anchors) in words.items():
            automaton.add_word(literal, (len(literal), tuple(activates | anchors), tuple(anchors)))
        automaton.make_automaton()
    return CoreGate(frozenset(always), frozenset(anchored), automaton, characters)


def leading_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings (case-folded, as :func:`.prefilter.fold_case` writes them) one of which begins
    every match of ``pattern``, each of at least :data:`MIN_ANCHOR` characters; None when no
    such set is found.

    >>> sorted(leading_literals(re.compile(r"(?<![\\w-])(?:Six|(?P<t>twenty)-one)\\b", re.I)))
    ['six', 'twenty']
    >>> leading_literals(re.compile(r"a\\s+third")) is None
    True
    """
    try:
        found = _prefixes(list(_sre_parser.parse(pattern.pattern, pattern.flags)))
    except Exception:  # an unknown parser shape only costs the speed-up
        return None
    if not found or min(map(len, found)) < MIN_ANCHOR:
        return None
    return frozenset(found)


def _prefixes(items: Sequence[tuple[Any, Any]]) -> set[str] | None:
    """The literal beginnings of a parsed sequence (None: one alternative has none)."""
    c = _sre_constants
    run = ""
    for op, av in items:
        if op is c.LITERAL:
            char = chr(av)
            if not (char.isascii() or "\u0400" <= char <= "\u04ff") or len(char.lower()) != 1:
                break  # a character fold_case may not fold as re.IGNORECASE compares
            run += fold_case(char)
            continue
        if op in (c.ASSERT, c.ASSERT_NOT, c.AT):
            continue  # takes no character
        if op is c.SUBPATTERN:
            inner = _prefixes(list(av[-1]))
        elif op is c.BRANCH:
            parts = [_prefixes(list(branch)) for branch in av[1]]
            inner = None if any(p is None for p in parts) else set().union(*parts)  # type: ignore[arg-type]
        else:
            break
        if inner is None:
            break
        return {run + tail for tail in inner}
    return {run} if run else None


def finditer_at(
    pattern: re.Pattern[str], text: str, starts: Sequence[int]
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern whose matches can only begin at ``starts``
    and are never empty: the leftmost match at or after the end of the last one, each time.

    >>> [m.group(0) for m in finditer_at(re.compile(r"\\bone\\b"), "one someone one", [0, 8, 12])]
    ['one', 'one']
    """
    end = 0
    for start in sorted(set(starts)):
        if start < end:
            continue
        match = pattern.match(text, start)
        if match is not None:
            yield match
            end = match.end()


def _is_cyrillic(word: str) -> bool:
    return bool(RE_CYRILLIC.search(word))


def _words(keys: Sequence[str], *, stem: bool = True) -> str:
    """An alternation of phrases, longest first; Cyrillic stems may take a suffix (unmatched)."""
    parts = []
    for key in sorted(set(keys), key=len, reverse=True):
        body = r"\s+".join(re.escape(w) for w in key.split())
        if _is_cyrillic(key) and stem:
            parts.append(body + r"(?=[\w-]*(?!\w))")
        elif key[-1].isalnum() or key[-1] == "'":
            parts.append(body + r"(?![\w])")
        else:
            parts.append(body)
    return "(?:" + "|".join(parts) + ")" if parts else r"(?!x)x"


def _mapping(data: Mapping[str, Any], key: str, source: str) -> dict[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, Mapping):
        raise DataFileError(f"{source}: '{key}' must be a mapping")
    return {str(k): v for k, v in value.items()}


def _list(data: Mapping[str, Any], key: str, source: str) -> tuple[str, ...]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise DataFileError(f"{source}: '{key}' must be a list")
    return tuple(str(v) for v in value)


def _numbers(mapping: Mapping[str, Any], key: str, source: str) -> dict[str, float]:
    out = {}
    for name, value in mapping.items():
        try:
            out[name.lower()] = float(value)
        except (TypeError, ValueError):
            raise DataFileError(f"{source}: {key}: entry {name!r} must be a number") from None
    return out


def parse_vocabulary(data: Mapping[str, Any], *, source: str = "figures.yaml") -> FigureVocabulary:
    """Build a :class:`FigureVocabulary` from the parsed YAML mapping.

    Raises:
        DataFileError: naming the file and the entry when an entry is malformed.
    """
    if not isinstance(data, Mapping):
        raise DataFileError(f"{source}: must be a mapping of sections")
    units: dict[str, Unit] = {}
    for name, spec in _mapping(data, "units", source).items():
        if not isinstance(spec, Mapping) or "unit" not in spec or "quantity" not in spec:
            raise DataFileError(f"{source}: units: entry {name!r} needs 'unit' and 'quantity'")
        units[name] = Unit(str(spec["unit"]), str(spec["quantity"]), float(spec.get("factor", 1)))
    number_words = _numbers(_mapping(data, "number_words", source), "number_words", source)
    ordinal_words = {
        k.lower(): int(v) for k, v in _numbers(
            _mapping(data, "ordinal_words", source), "ordinal_words", source).items()
    }  # fmt: skip
    fractions = _numbers(_mapping(data, "fractions", source), "fractions", source)
    ambiguous = frozenset(
        " ".join(k.lower().split()) for k in _list(data, "ambiguous_fractions", source)
    )
    if not ambiguous <= fractions.keys():
        unknown = sorted(ambiguous - fractions.keys())
        raise DataFileError(f"{source}: ambiguous_fractions: {unknown} are not in 'fractions'")
    scales = _numbers(_mapping(data, "scales", source), "scales", source)
    currency_scales = _numbers(_mapping(data, "currency_scales", source), "currency_scales", source)
    prefixes = {k: str(v) for k, v in _mapping(data, "currency_prefixes", source).items()}
    suffixes = {k: str(v) for k, v in _mapping(data, "currency_suffixes", source).items()}
    counted = {k: str(v) for k, v in _mapping(data, "counted", source).items()}
    digits_only = {k: str(v) for k, v in _mapping(data, "counted_digits_only", source).items()}
    counted_before = {k: str(v) for k, v in _mapping(data, "counted_before", source).items()}
    hedges_before = {k: str(v) for k, v in _mapping(data, "hedges_before", source).items()}
    hedges_after = {k: str(v) for k, v in _mapping(data, "hedges_after", source).items()}
    rank_before = _list(data, "rank_before", source)
    rank_after = _list(data, "rank_after", source)
    vague = _list(data, "vague", source)
    money_context = _list(data, "money_context", source)
    units_tail = [k for k in number_words if k not in {"hundred", "a dozen", "dozen"}]
    tens = [k for k, v in number_words.items() if v in {20, 30, 40, 50, 60, 70, 80, 90}]
    ones = [k for k, v in number_words.items() if 1 <= v <= 9 and k != "a"]
    single = sorted([*units_tail, "a dozen", "dozen", "hundred"], key=len, reverse=True)
    number_words_re = (
        r"(?<![\w-])(?:(?P<tens>" + "|".join(tens) + r")[-\s](?P<ones>" + "|".join(ones) + r")"
        r"|(?P<word>" + "|".join(single) + r"))(?![\w-])"
    )
    flags = re.IGNORECASE
    return FigureVocabulary(
        number_words=number_words, ordinal_words=ordinal_words, fractions=fractions,
        ambiguous_fractions=ambiguous,
        share_words_after=frozenset(w.lower() for w in _list(data, "share_words_after", source)),
        scales=scales, currency_scales=currency_scales, currency_prefixes=prefixes,
        currency_suffixes=suffixes,
        default_currency={k: str(v) for k, v in _mapping(data, "default_currency", source).items()},
        money_context=money_context, units=units, counted=counted,
        counted_digits_only=digits_only, counted_before=counted_before,
        vague=vague, hedges_before=hedges_before, hedges_after=hedges_after,
        rank_before=rank_before, rank_after=rank_after,
        re_number_words=re.compile(number_words_re, flags),
        re_fraction=re.compile(r"(?<![\w-])" + _words(list(fractions)) + r"(?![\w-])", flags),
        re_vague=re.compile(r"(?<![\w-])" + _words(list(vague)), flags),
        re_ordinal_word=re.compile(r"(?<![\w-])(?P<ord>" + "|".join(ordinal_words) + r")\b", flags),
        re_scale=re.compile(r"^\s*(?P<scale>" + _words(list(scales)) + ")", flags),
        re_currency_scale=re.compile(
            r"^(?P<scale>" + _words(list(currency_scales)) + r")(?![\w-])", flags
        ),
        re_prefix=re.compile("(?P<cur>" + _words(list(prefixes)) + r")\s?$", flags),
        re_suffix_currency=re.compile(r"^\s*(?P<cur>" + _words(list(suffixes)) + ")", flags),
        re_unit=re.compile(r"^\s*(?P<unit>" + _words(list(units)) + ")", flags),
        re_counted=_counted_pattern(counted),
        re_counted_digits=_counted_pattern(digits_only),
        re_counted_before=re.compile(
            r"(?P<noun>" + _words(list(counted_before), stem=False) + r")\s+of\s+$", flags
        ),
        re_hedge_before=re.compile(
            r"(?<![\w-])(?P<hedge>" + _words(list(hedges_before)) + r")\s+$", flags
        ),
        re_hedge_after=re.compile(r"^\s+(?P<hedge>" + _words(list(hedges_after)) + ")", flags),
        re_rank_before=re.compile(r"\b(?:" + _words(list(rank_before)) + r")\s+$", flags),
        re_rank_after=re.compile(r"^(?:[-\s]+)(?:" + _words(list(rank_after)) + ")", flags),
        re_money_context=re.compile(_words(list(money_context)), flags),
    )  # fmt: skip


def _counted_pattern(nouns: Mapping[str, str]) -> re.Pattern[str]:
    """A counted noun right after the number, or after at most two words ("North Korean")."""
    gap = r"^(?P<gap>" + RE_GAP_WORDS.pattern + r"|\s+)"
    return re.compile(gap + r"(?P<noun>" + _words(list(nouns)) + ")", re.IGNORECASE)


def load_vocabulary(path: str | Path | None = None) -> FigureVocabulary:
    """Read the figure vocabulary (default: the packaged ``data/figures.yaml``)."""
    if path is None:
        return _default_vocabulary()
    path = Path(path)
    try:
        data = yamldata.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"{path}: cannot read the figure vocabulary: {exc}") from exc
    return parse_vocabulary(data, source=str(path))


@cache
def _default_vocabulary() -> FigureVocabulary:
    return load_vocabulary(data_file("figures.yaml"))


def _lookup(mapping: Mapping[str, Any], surface: str) -> Any:
    key = " ".join(surface.split())
    for candidate in (key, key.lower(), key.upper()):
        if candidate in mapping:
            return mapping[candidate]
    lowered = {k.lower(): v for k, v in mapping.items()}
    if key.lower() in lowered:
        return lowered[key.lower()]
    # a Cyrillic stem with its suffix
    for name, value in sorted(lowered.items(), key=lambda kv: -len(kv[0])):
        if key.lower().startswith(name):
            return value
    return None


# ----------------------------------------------------------------------------------------
# records
@dataclass(frozen=True, slots=True)
class Figure:
    """One figure in a sentence (offsets relative to the sentence)."""

    start: int
    end: int
    value: float | None
    unit: str | None
    quantity: str
    currency: str | None
    hedge: str | None
    counted: str | None


class _Core(NamedTuple):
    start: int
    end: int
    value: float | None
    kind: str  # 'digits' | 'words' | 'fraction' | 'vague' | 'ordinal'


def _quoted_titles(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in RE_QUOTED.finditer(text):
        words = re.findall(r"[^\W\d_][\w’'-]*", match.group(0))
        if words and sum(w[0].isupper() for w in words) / len(words) >= 0.5:
            spans.append((match.start(), match.end()))
    return spans


def _is_share(text: str, match: re.Match[str], vocab: FigureVocabulary) -> bool:
    """False for an ambiguous fraction ("a third") followed by a word that does not make it a
    share: "a third meeting" is an ordinal, "a third of" and "by a third." are shares."""
    if " ".join(match.group(0).lower().split()) not in vocab.ambiguous_fractions:
        return True
    following = RE_NEXT_WORD.match(text, match.end())
    return following is None or following.group(1).lower() in vocab.share_words_after


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _cores(text: str, vocab: FigureVocabulary) -> list[_Core]:
    """The cores of ``text``: the longest where two overlap, in text order."""
    # the gate skips patterns whose words or digits are absent (they cannot match), and
    # tries the word patterns only where one of their words begins
    places = vocab.core_gate.scan(text)
    if not places.active:
        return []
    patterns = vocab.core_patterns
    cores: list[_Core] = []
    for match in places.finditer(0, patterns[0]):
        cores.append(_Core(match.start(), match.end(), None, "vague"))
    for match in places.finditer(1, patterns[1]):
        if not _is_share(text, match, vocab):
            continue
        cores.append(
            _Core(match.start(), match.end(), _lookup(vocab.fractions, match.group(0)), "fraction")
        )
    for match in places.finditer(2, patterns[2]):
        cores.append(_Core(match.start(), match.end(), float(match.group(1)), "ordinal"))
    for match in places.finditer(3, patterns[3]):
        value = vocab.ordinal_words.get(match.group("ord").lower())
        cores.append(_Core(match.start(), match.end(), float(value or 0), "ordinal"))
    for match in places.finditer(4, patterns[4]):
        after = text[match.end() : match.end() + 1]
        value = float(match.group(0).replace(",", ""))
        upper = RE_RANGE_UPPER.match(text, match.end())
        if upper and float(upper.group(1).replace(",", "")) > value:  # "5-6 percent": a range
            cores.append(_Core(match.start(), upper.end(), value, "digits"))
            continue
        glued = after and (after.isalpha() or after in "-–")
        if glued and not _glued_unit_ok(text, match.start(), match.end(), vocab):
            continue
        cores.append(_Core(match.start(), match.end(), value, "digits"))
    for match in places.finditer(5, patterns[5]):
        if match.group("tens"):
            value = (
                vocab.number_words[match.group("tens").lower()]
                + vocab.number_words[match.group("ones").lower()]
            )
        else:
            value = vocab.number_words[" ".join(match.group("word").lower().split())]
        cores.append(_Core(match.start(), match.end(), float(value), "words"))
    # longest first, no overlaps
    cores.sort(key=lambda c: (-(c.end - c.start), c.start))
    kept: list[_Core] = []
    for core in cores:
        if not _overlaps(core.start, core.end, [(k.start, k.end) for k in kept]):
            kept.append(core)
    return sorted(kept, key=lambda c: c.start)


def _glued_unit_ok(text: str, start: int, end: int, vocab: FigureVocabulary) -> bool:
    """'50MW', '5bn', '€40m': a unit or scale glued to the digits."""
    rest = text[end : end + 12]
    if vocab.re_prefix.search(text[max(0, start - 6) : start]) and vocab.re_currency_scale.match(
        rest
    ):
        return True
    for pattern in (vocab.re_unit, vocab.re_scale):
        found = pattern.match(rest)
        if found and found.end() and UPPER_ALLOWED_AFTER.match(rest[found.end() :]):
            return True
    return False


def _hedge_before(text: str, start: int, vocab: FigureVocabulary) -> str | None:
    found = vocab.re_hedge_before.search(text[max(0, start - 30) : start])
    return _lookup(vocab.hedges_before, found.group("hedge")) if found else None


def _is_rank(text: str, core: _Core, vocab: FigureVocabulary) -> bool:
    before = text[max(0, core.start - 20) : core.start]
    after = text[core.end : core.end + 24]
    return bool(vocab.re_rank_before.search(before) or vocab.re_rank_after.match(after))


def _read_figure(
    text: str, core: _Core, vocab: FigureVocabulary, *, language: str
) -> Figure | None:
    if core.kind == "ordinal":
        if not _is_rank(text, core, vocab):
            return None
        end = core.end
        suffix = vocab.re_rank_after.match(text[core.end : core.end + 24])
        if suffix and text[core.end : core.end + 1] == "-":  # "fourth-largest"
            end = core.end + suffix.end()
        return Figure(core.start, end, core.value, "rank", "rank", None, None, None)
    start, end = core.start, core.end
    value = core.value
    currency: str | None = None
    prefix = vocab.re_prefix.search(text[max(0, start - 6) : start])
    if prefix and core.kind == "digits":
        currency = _lookup(vocab.currency_prefixes, prefix.group("cur"))
        start -= len(prefix.group(0))
    end, mid_hedge = _skip_hedge(text, end, vocab)  # "30 гаруй орны", "30 ГАРУЙ МЯНГАН"
    scale_match = vocab.re_scale.match(text[end:])
    scaled = False
    short = vocab.re_currency_scale.match(text[end:]) if currency else None
    if short and value is not None:  # "€40m"
        value *= _lookup(vocab.currency_scales, short.group("scale"))
        end += short.end()
        scaled = True
    elif scale_match and core.kind in {"digits", "words"}:
        scale = _lookup(vocab.scales, scale_match.group("scale"))
        value = None if value is None else value * scale
        end += scale_match.end()
        scaled = True
        # "one thousand" → a second scale word is allowed ("two hundred million")
        second = vocab.re_scale.match(text[end:])
        if second and value is not None:
            value *= _lookup(vocab.scales, second.group("scale"))
            end += second.end()
        end, hedge_after_scale = _skip_hedge(text, end, vocab)  # "50 мянга орчим иргэн"
        mid_hedge = hedge_after_scale or mid_hedge
    unit: str | None = None
    quantity: str | None = None
    counted: str | None = None
    if core.kind == "fraction":
        unit, quantity = "%", "percent"
    rest = text[end:]
    if currency is None and core.kind != "fraction":
        suffix = vocab.re_suffix_currency.match(rest)
        if suffix:
            currency = _lookup(vocab.currency_suffixes, suffix.group("cur"))
            end += suffix.end()
            rest = text[end:]
    if currency is None and quantity is None:
        unit_match = vocab.re_unit.match(rest)
        if unit_match:
            spec: Unit = _lookup(vocab.units, unit_match.group("unit"))
            unit, quantity = spec.unit, spec.quantity
            value = None if value is None else value * spec.factor
            end += unit_match.end()
            rest = text[end:]
            if quantity == "duration" and RE_AGE_AFTER.match(rest):  # "65 years old"
                quantity = "age"
            tail = RE_RANGE_TAIL.match(rest)
            if tail and tail.group("unit") == unit_match.group("unit"):  # "7%-8%": a range
                end += tail.end()
                rest = text[end:]
    if currency is None and quantity is None:
        noun = vocab.re_counted.match(rest)
        table = vocab.counted
        direct = vocab.re_counted_digits.match(rest) if core.kind == "digits" else None
        if direct and (
            noun is None or (not direct.group("gap").strip() and noun.group("gap").strip())
        ):
            # "over 100 countries"; "20 гаруй орны төлөөлөгчид" counts countries, not delegates
            noun, table = direct, vocab.counted_digits_only
        if noun:
            counted = noun.group("noun")
            unit, quantity = _lookup(table, counted), "count"
            end += noun.end()
            rest = text[end:]
    if currency is None and quantity is None:
        before = vocab.re_counted_before.search(
            text[max(0, core.start - 40) : _hedge_start(text, core.start, vocab)]
        )
        if before and (scaled or core.kind == "vague"):
            unit, quantity = _lookup(vocab.counted_before, before.group("noun")), "count"
            counted = unit
    if currency is None and quantity is None and scaled:
        default = vocab.default_currency.get(language)
        window = text[max(0, core.start - 80) : min(len(text), end + 40)]
        if default and vocab.re_money_context.search(window):
            currency = default
        else:
            quantity = "number"
    if currency is not None:
        quantity, unit = "money", currency
    if quantity is None:  # a bare number ("Track 2") or a vague one with nothing counted
        return None
    hedge = _hedge_before(text, start, vocab) or mid_hedge
    after_hedge = vocab.re_hedge_after.match(text[end:])
    if after_hedge:
        hedge = _lookup(vocab.hedges_after, after_hedge.group("hedge"))
    if core.kind == "vague":
        hedge, value = "vague", None
    if value is not None and (math.isnan(value) or math.isinf(value)):
        return None
    if counted is not None:
        counted = counted.lower() if not counted[0].isupper() or counted.isupper() else counted
    return Figure(start, end, value, unit, quantity, currency, hedge, counted)


def _skip_hedge(text: str, end: int, vocab: FigureVocabulary) -> tuple[int, str | None]:
    """Step over a hedge standing between a number and what it counts (Mongolian puts it
    after the number: "30 гаруй орны", "50 мянга орчим иргэн"): (new end, hedge or None)."""
    found = vocab.re_hedge_after.match(text[end:])
    if not found:
        return end, None
    rest = text[end + found.end() :]
    if any(
        p.match(rest)
        for p in (vocab.re_scale, vocab.re_unit, vocab.re_suffix_currency, vocab.re_counted,
                  vocab.re_counted_digits)
    ):  # fmt: skip
        return end + found.end(), _lookup(vocab.hedges_after, found.group("hedge"))
    return end, None


def _hedge_start(text: str, start: int, vocab: FigureVocabulary) -> int:
    found = vocab.re_hedge_before.search(text[max(0, start - 30) : start])
    return start - len(found.group(0)) if found else start


def find_figures(text: str, *, vocabulary: FigureVocabulary | None = None) -> list[Figure]:
    """Figures in one sentence (offsets into ``text``).

    >>> [(f.value, f.unit, f.hedge) for f in find_figures("GDP of about $13.84 billion in 2019.")]
    [(13840000000.0, 'USD', 'about')]
    >>> [(f.value, f.unit, f.quantity) for f in find_figures("38 ИХ НАЯДАД ХҮРЭХ ОРЛОГО")]
    [(38000000000000.0, 'MNT', 'money')]
    >>> find_figures("The 7th Ulaanbaatar Dialogue, Track 2, COVID-19 and [1].")
    []
    """
    vocab = vocabulary or _default_vocabulary()
    cores = _cores(text, vocab)
    if not cores:
        return []
    language = "mn" if RE_CYRILLIC.search(text) else "en"
    blocked: list[tuple[int, int]] | None = None  # found only once a core reads as a figure
    figures: list[Figure] = []
    for core in cores:
        figure = _read_figure(text, core, vocab, language=language)
        if figure is None:
            continue
        if blocked is None:
            blocked = _blocked_spans(text)
        if _overlaps(core.start, core.end, blocked):
            continue
        if not _overlaps(figure.start, figure.end, [(f.start, f.end) for f in figures]):
            figures.append(figure)
    return figures


def _blocked_spans(text: str) -> list[tuple[int, int]]:
    """Where a core is not a figure: dates, quoted titles and footnote marks."""
    blocked = [(d.start, d.end) for d in find_dates(text) if not d.relative or d.month]
    blocked += _quoted_titles(text)
    blocked += [(m.start(), m.end()) for m in RE_FOOTNOTE.finditer(text)]
    return blocked


def _year_near(text: str, figure: Figure, dates: Sequence[Any]) -> int | None:
    clause_start = max([m.end() for m in RE_CLAUSE.finditer(text, 0, figure.start)] or [0])
    following = RE_CLAUSE.search(text, figure.end)
    clause_end = following.start() if following else len(text)
    best: tuple[int, int] | None = None
    for date in dates:
        if date.relative or date.year is None or date.precision == "decade":
            continue
        if date.start < clause_start or date.end > clause_end:
            continue
        gap = max(0, date.start - figure.end, figure.start - date.end)
        if gap <= YEAR_REACH and (best is None or gap < best[0]):
            best = (gap, date.year)
    return best[1] if best else None


def extract_figures(
    sentences: pd.DataFrame, *, vocabulary: FigureVocabulary | None = None
) -> pd.DataFrame:
    """The ``figures`` table of the analysed sentences.

    Args:
        sentences: the sentences table (body and headline sentences).
        vocabulary: the figure vocabulary; default ``data/figures.yaml``.

    Returns:
        One row per figure; ``surface == corpus.text(doc_id)[start:end]``.

    >>> s = pd.DataFrame({"doc_id": ["d-1"], "sent_id": [0], "start": [10],
    ...     "text": ["It pledged $4.2 billion, 12 percent more, and about 3,500 troops."]})
    >>> extract_figures(s)[["start", "value", "unit", "hedge", "surface"]].values.tolist()
    [[21, 4200000000.0, 'USD', <NA>, '$4.2 billion'], [35, 12.0, '%', <NA>, '12 percent'], \
[62, 3500.0, 'people', 'about', '3,500 troops']]
    """
    vocab = vocabulary or _default_vocabulary()
    if sentences is None or not len(sentences):
        return schema.empty("figures")
    rows: list[dict[str, Any]] = []
    columns = {
        name: schema.values(sentences, name, shared=name != "text")
        for name in ("doc_id", "sent_id", "start")
        if name in sentences.columns
    }
    for index, text in enumerate(schema.values(sentences, "text")):
        if not isinstance(text, str) or not text:
            continue
        offset = int(columns["start"][index])
        found = find_figures(text, vocabulary=vocab)
        dates = find_dates(text) if found else []
        for figure in found:
            rows.append({
                "doc_id": columns["doc_id"][index], "sent_id": columns["sent_id"][index],
                "start": offset + figure.start, "end": offset + figure.end,
                "value": figure.value, "unit": figure.unit, "quantity": figure.quantity,
                "currency": figure.currency, "hedge": figure.hedge, "counted": figure.counted,
                "year": _year_near(text, figure, dates), "surface": text[figure.start : figure.end],
            })  # fmt: skip
    if not rows:
        return schema.empty("figures")
    return schema.conform(rows, "figures")
