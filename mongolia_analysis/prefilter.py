"""Cheap necessary conditions for regular expressions: skip a pattern that cannot match.

Many extractors run dozens of patterns over every sentence (event triggers, date forms,
figure vocabularies), and most sentences hold none of their words. For each pattern,
:func:`required_literals` reads the regular expression (as Python's own parser sees it) and
finds a set of literal strings at least one of which occurs in *any* match: the trigger
pattern ``(?<![\\w-])state\\s+visit(?![\\w-])|(?<![\\w-])visited(?![\\w-])`` needs "state" or
"visited". A :class:`PatternGate` looks all those strings up at once (one Aho-Corasick
pass over the sentence) and tells which patterns are worth running; a pattern whose strings
are absent cannot match, so skipping it never changes a result.

Case-insensitive patterns are handled by :func:`fold_case`, a length-preserving lower-case
that maps every character the ``re`` module treats as equal under ``IGNORECASE`` (for the
Latin and Cyrillic letters used in literals) to one representative, and every decimal digit
to "0" (so that ``\\d\\d\\d\\d`` needs "0000"). Literals with other cased characters, and
patterns the parser cannot reduce to literals, are never gated: they always run. The gate is
a speed-up only; it cannot add or remove a match.

A pattern often needs several literals at once: a month name *and* four digits for
"March 2014". ``build_gate(..., every_literal=True)`` checks each of those sets
(:func:`required_literal_sets`), so that "in 2014" alone does not run the month-year
pattern; the default checks the single most selective set (one lookup per pattern).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

import ahocorasick

try:  # the parser behind re.compile; private, so any surprise means "no gate"
    from re import _constants as _sre_constants
    from re import _parser as _sre_parser
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants as _sre_constants  # type: ignore[no-redef]
    import sre_parse as _sre_parser  # type: ignore[no-redef]

#: Characters that ``re.IGNORECASE`` equates with a Latin or Cyrillic letter although
#: ``str.lower`` does not map them to it (found by checking every code point; see the tests).
_IGNORECASE_FIXES = {
    "\u0130": "i",  # LATIN CAPITAL LETTER I WITH DOT ABOVE (str.lower gives two characters)
    "\u0131": "i",  # LATIN SMALL LETTER DOTLESS I
    "\u017f": "s",  # LATIN SMALL LETTER LONG S
    "\u1c80": "в",  # CYRILLIC SMALL LETTER ROUNDED VE
    "\u1c81": "д",  # CYRILLIC SMALL LETTER LONG-LEGGED DE
    "\u1c82": "о",  # CYRILLIC SMALL LETTER NARROW O
    "\u1c83": "с",  # CYRILLIC SMALL LETTER WIDE ES
    "\u1c84": "т",  # CYRILLIC SMALL LETTER TALL TE
    "\u1c85": "т",  # CYRILLIC SMALL LETTER THREE-LEGGED TE
    "\u1c86": "ъ",  # CYRILLIC SMALL LETTER TALL HARD SIGN
    "\u1c87": "ѣ",  # CYRILLIC SMALL LETTER TALL YAT
}
_FIXES_TABLE = str.maketrans(_IGNORECASE_FIXES)
RE_FIXES = re.compile("[" + "".join(_IGNORECASE_FIXES) + "]")
#: A decimal digit, as ``\d`` matches it: every one folds to "0", and a pattern's digits and
#: digit classes (``\d``, ``[0-9]``) become the literal "0" (a year needs "0000").
RE_DIGIT = re.compile(r"\d")
#: Shortest literal worth looking up (shorter ones match nearly every sentence); a single
#: digit ("0" after folding) is kept: most sentences have none.
MIN_LITERAL = 2
_MAX_CHOICES = 512
#: Least :func:`_weight` of every string of a further set of :func:`required_literal_sets`.
MIN_SET_WEIGHT = 3
#: Joins the texts of :meth:`PatternGate.active_each` (a line break: sentences hold none).
SEPARATOR = "\n"


def fold_case(text: str) -> str:
    """Lower-case ``text`` one character for one character, as ``re.IGNORECASE`` compares,
    with every decimal digit written "0".

    >>> fold_case("VISITED Улаанбаатар İstanbul in 2014")
    'visited улаанбаатар istanbul in 0000'
    """
    if RE_FIXES.search(text):
        text = text.translate(_FIXES_TABLE)
    return RE_DIGIT.sub("0", text.lower())


def _gateable(char: str) -> bool:
    """A literal character whose case variants :func:`fold_case` is known to merge."""
    if not (char.isupper() or char.islower()):
        return len(char.lower()) == 1 and char.lower() == char
    return char.isascii() or "\u0400" <= char <= "\u04ff"


def required_literals(pattern: re.Pattern[str] | str) -> frozenset[str] | None:
    """Strings (case-folded) at least one of which occurs in every match of ``pattern``.

    Returns None when no such set is found (the pattern must always run).

    >>> sorted(required_literals(re.compile(r"\\bstate\\s+visits?\\b|\\bvisited\\b", re.I)))
    ['state', 'visited']
    >>> sorted(required_literals(r"1[89]\\d\\d|20\\d\\d")), required_literals(r"\\w+") is None
    (['0000'], True)
    """
    source = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
    flags = pattern.flags if isinstance(pattern, re.Pattern) else 0
    if not isinstance(source, str):
        return None
    try:
        parsed = _sre_parser.parse(source, flags)
        found = _sequence(list(parsed))
    except Exception:  # an unknown parser shape only costs the speed-up
        return None
    if not found:
        return None
    # "visit" present implies "visits" present: keep only the minimal strings
    return _minimal(found)


def required_literal_sets(pattern: re.Pattern[str]) -> tuple[frozenset[str], ...] | None:
    """Sets of strings (case-folded) such that every match of ``pattern`` holds one string
    of *each* set (the text around the match holds those of a positive lookaround): the
    :func:`required_literals` set first, then the others that are worth looking up (each
    string of weight :data:`MIN_SET_WEIGHT` or more) and not implied by one before them.

    Returns None when no such set is found (the pattern must always run).

    >>> [sorted(s) for s in required_literal_sets(re.compile(r"\\bvisit(?:ed)?\\s+\\d{4}"))]
    [['0000'], ['visit']]
    >>> [sorted(s) for s in required_literal_sets(re.compile(r"(?<=\\bfrom\\s)\\d\\d\\d\\d"))]
    [['0000'], ['from']]
    """
    if not isinstance(pattern.pattern, str):
        return None
    try:
        parsed = _sre_parser.parse(pattern.pattern, pattern.flags)
        found = _options(list(parsed), lookarounds=True)
    except Exception:  # an unknown parser shape only costs the speed-up
        return None
    if not found:
        return None
    best = _sequence(list(parsed))
    kept = [best] if best else []
    for option in sorted(map(_minimal, found), key=lambda s: -min(map(_weight, s))):
        if min(map(_weight, option)) < MIN_SET_WEIGHT:
            continue  # "in", "to": in nearly every sentence
        if not any(all(any(a in b for a in option) for b in other) for other in kept):
            kept.append(option)  # not implied: some string of each earlier set lacks it
    return tuple(kept) or None


def _minimal(found: frozenset[str]) -> frozenset[str]:
    """``found`` without the strings that hold another ("visit" present implies "visits")."""
    return frozenset(s for s in found if not any(o != s and o in s for o in found))


def _single(op: object, av: object) -> str | None:
    """The folded character an item matches if it matches exactly one (digits: "0")."""
    c = _sre_constants
    if op is c.LITERAL:
        char = chr(av)  # type: ignore[arg-type]
        if char.isdecimal():
            return "0"
        return fold_case(char) if _gateable(char) else None
    if op is c.IN and av:
        digits = all(
            (kind is c.LITERAL and chr(value).isdecimal())
            or (kind is c.RANGE and 0x30 <= value[0] <= value[1] <= 0x39)
            or (kind is c.CATEGORY and value is c.CATEGORY_DIGIT)
            for kind, value in av  # type: ignore[attr-defined]
        )
        return "0" if digits else None
    return None


def _sequence(items: Sequence[tuple]) -> frozenset[str] | None:
    """The best necessary literal set of a sequence of parsed items (None: none found)."""
    options = _options(items)
    if not options:
        return None
    return max(options, key=lambda s: (min(map(_weight, s)), -len(s)))


def _options(items: Sequence[tuple], *, lookarounds: bool = False) -> list[frozenset[str]]:
    """The necessary literal sets of a sequence of parsed items: every match holds one
    string of each. ``lookarounds``: also those of positive lookahead and lookbehind items
    (they are in the searched text, if not in the match)."""
    options: list[frozenset[str]] = []
    run: list[str] = []

    def close_run() -> None:
        if len(run) >= MIN_LITERAL or run == ["0"]:
            options.append(frozenset({"".join(run)}))
        run.clear()

    c = _sre_constants
    repeats = (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None))
    for op, av in items:
        char = _single(op, av)
        if char is not None:
            run.append(char)
            continue
        if op in repeats:
            low, high, body = av
            body = list(body)
            char = _single(*body[0]) if len(body) == 1 else None
            if char is not None and low >= 1:  # "\d{4}", "\d+"
                run.extend(char * min(low, 16))
                if high != low:
                    close_run()
                continue
        close_run()
        child: frozenset[str] | None = None
        if op is c.SUBPATTERN:
            child = _sequence(list(av[-1]))
        elif op is c.BRANCH:
            child = _branch(av[1])
        elif op in repeats:
            if av[0] >= 1:
                child = _sequence(list(av[2]))
        elif op is getattr(c, "ATOMIC_GROUP", None):
            child = _sequence(list(av))
        elif op is c.ASSERT and lookarounds:
            child = _sequence(list(av[1]))
        if child:
            options.append(child)
    close_run()
    return options


def _weight(literal: str) -> int:
    """How selective a literal is: its length, a digit counting as three letters (prose
    has few digits, and "th" is in nearly every English sentence)."""
    return len(literal) + 2 * literal.count("0")


def _branch(branches: Sequence) -> frozenset[str] | None:
    out: set[str] = set()
    for branch in branches:
        found = _sequence(list(branch))
        if not found:
            return None
        out |= found
        if len(out) > _MAX_CHOICES:
            return None
    return frozenset(out)


@dataclass(frozen=True)
class PatternGate:
    """Which of a list of patterns can match a text, from one pass over it.

    Build it with :func:`build_gate`; ask :meth:`active` with the :func:`fold_case` text.
    The automaton's values are pattern indices, and for a pattern that needs several literal
    sets (``every_literal``), the numbers from ``size`` on of its sets (``clauses``).
    """

    size: int
    always: frozenset[int]
    automaton: object | None
    #: pattern index → the numbers of the literal sets it needs all of
    clauses: tuple[tuple[int, frozenset[int]], ...] = ()

    def active(self, folded: str) -> set[int]:
        """Indices of the patterns that may match the text whose fold is ``folded``."""
        found = set(self.always)
        if self.automaton is not None and folded:
            for _end, indices in self.automaton.iter(folded):  # type: ignore[attr-defined]
                found.update(indices)
        return self._complete(found) if self.clauses else found

    def _complete(self, found: set[int]) -> set[int]:
        """``found`` (indices and set numbers) as the indices of the patterns that may match:
        those found, and those with each of their sets found."""
        out = {index for index in found if index < self.size}
        if len(out) < len(found):  # some literal sets were found
            out.update(index for index, needed in self.clauses if needed <= found)
        return out

    def active_each(self, folded: Sequence[str]) -> list[set[int]]:
        """:meth:`active` for each of several folded texts, from one pass over them joined.

        A literal found across the join of two texts (one holding the separator) only
        activates patterns in vain; a literal inside a text is always found.

        >>> gate = build_gate([re.compile("visit"), re.compile("seoul")])
        >>> [sorted(a) for a in gate.active_each(["a visit", "", "seoul visit"])]
        [[0], [], [0, 1]]
        """
        found = [set(self.always) for _ in folded]
        if self.automaton is None:
            return found
        starts = list(accumulate((len(text) + 1 for text in folded[:-1]), initial=0))
        joined = SEPARATOR.join(folded)
        for end, indices in self.automaton.iter(joined):  # type: ignore[attr-defined]
            found[bisect_right(starts, end) - 1].update(indices)
        return [self._complete(each) for each in found] if self.clauses else found


def build_gate(patterns: Sequence[re.Pattern[str]], *, every_literal: bool = False) -> PatternGate:
    """A :class:`PatternGate` for ``patterns`` (in their order). ``every_literal``: a
    pattern is active only when a string of each of its :func:`required_literal_sets`
    occurs, rather than one of its most selective set.

    >>> gate = build_gate([re.compile("visit", re.I), re.compile(r"\\d+"), re.compile(r"\\w")])
    >>> sorted(gate.active(fold_case("They VISITED Seoul"))), sorted(gate.active(fold_case("4")))
    ([0, 2], [1, 2])
    >>> gate = build_gate([re.compile(r"visit\\s+\\d+")], every_literal=True)
    >>> sorted(gate.active(fold_case("a visit in 2014"))), sorted(gate.active("visit"))
    ([0], [])
    """
    always: set[int] = set()
    owners: dict[str, list[int]] = {}
    clauses: list[tuple[int, frozenset[int]]] = []
    number = len(patterns)  # the next literal set's number
    for index, pattern in enumerate(patterns):
        if every_literal:
            sets = required_literal_sets(pattern)
        else:
            literals = required_literals(pattern)
            sets = (literals,) if literals is not None else None
        if sets is None:
            always.add(index)
            continue
        if len(sets) == 1:
            for literal in sets[0]:
                owners.setdefault(literal, []).append(index)
            continue
        numbers = range(number, number + len(sets))
        number += len(sets)
        clauses.append((index, frozenset(numbers)))
        for set_number, literals in zip(numbers, sets, strict=True):
            for literal in literals:
                owners.setdefault(literal, []).append(set_number)
    automaton = None
    if owners:
        automaton = ahocorasick.Automaton()
        for literal, indices in owners.items():
            automaton.add_word(literal, tuple(indices))
        automaton.make_automaton()
    return PatternGate(len(patterns), frozenset(always), automaton, tuple(clauses))
