"""The prefilter must never skip a pattern that matches: checked on the shipped patterns."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mongolia_analysis import dates, events, figures, segmenting
from mongolia_analysis.gazetteer import load_gazetteer
from mongolia_analysis.paths import SEEDS_DIR
from mongolia_analysis.prefilter import (
    _IGNORECASE_FIXES,
    build_gate,
    fold_case,
    required_literal_sets,
    required_literals,
)


def _shipped_patterns() -> list[re.Pattern[str]]:
    lexicon = events.load_event_lexicon()
    vocab = figures.load_vocabulary()
    rules = segmenting.load_rules()
    titles = load_gazetteer().matcher.title_pattern
    return [
        titles,
        *(t.pattern for t in lexicon.triggers),
        *lexicon.not_triggers,
        lexicon.hypothetical,
        dates.RE_CITATION,
        *(p for p, _ in dates.PATTERNS),
        vocab.re_vague,
        vocab.re_fraction,
        figures.RE_ORDINAL_DIGITS,
        vocab.re_ordinal_word,
        figures.RE_DIGITS,
        vocab.re_number_words,
        *(p for group in segmenting.RULE_GROUPS for p in getattr(rules, group)),
    ]


PATTERNS = _shipped_patterns()
GATE = build_gate(PATTERNS)
EVERY_GATE = build_gate(PATTERNS, every_literal=True)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\bstate\s+visits?\b|\bvisited\b", {"state", "visited"}),
        (r"(?<![\w-])visit(?![\w-])|(?<![\w-])visits(?![\w-])", {"visit"}),
        (r"\bsen(?:d|ds|t)\s+troops\b", {"troops"}),
        (r"(?P<year>1[2-9]\d\d|20\d\d)", {"0000"}),
        (r"\d+(?:st|nd|rd|th)\b", {"0"}),
        (r"ВИЗИТ", {"визит"}),
        (r"(?:talks)?\s+held", {"held"}),
    ],
)
def test_required_literals(pattern: str, expected: set[str]) -> None:
    assert required_literals(re.compile(pattern, re.IGNORECASE)) == expected


@pytest.mark.parametrize(
    "pattern",
    [r"\w+", r"(?:visit)?", r"a|\d", r"(?=visit)\w", r"x*", r"[^a]b"],
)
def test_patterns_without_a_necessary_literal_always_run(pattern: str) -> None:
    assert required_literals(re.compile(pattern)) is None


def test_fold_case_merges_what_ignorecase_equates() -> None:
    """Every character that re.IGNORECASE matches to a Latin or Cyrillic letter folds to the
    letter's fold; every character folds to exactly one; digits fold to "0"."""
    letters = [
        chr(cp)
        for cp in [*range(0x41, 0x5B), *range(0x61, 0x7B), *range(0x400, 0x500)]
        if chr(cp).isupper() or chr(cp).islower()
    ]
    any_letter = re.compile("[" + "".join(map(re.escape, letters)) + "]", re.IGNORECASE)
    singles = {letter: re.compile(re.escape(letter), re.IGNORECASE) for letter in letters}
    for cp in range(0x110000):
        char = chr(cp)
        folded = fold_case(char)
        assert len(folded) == 1, hex(cp)
        if char.isdecimal():
            assert folded == "0", hex(cp)
        if any_letter.fullmatch(char):
            for letter, single in singles.items():
                if single.fullmatch(char):
                    assert folded == fold_case(letter), (hex(cp), letter)


@pytest.mark.parametrize("char", sorted(_IGNORECASE_FIXES))
def test_fixes_are_needed(char: str) -> None:
    assert char.lower() != fold_case(char)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\bvisit(?:ed)?\s+\d{4}", [{"0000"}, {"visit"}]),  # the most selective first
        (r"(?<=\bfrom\s)\d{4}", [{"0000"}, {"from"}]),
        (r"\bin\s+(?:march|june)\s+\d{4}", [{"0000"}, {"march", "june"}]),  # "in": too short
        (r"\d+\s+\d{4}", [{"0000"}]),  # "0" is implied by "0000"
        (r"(?:talks)?\s+held", [{"held"}]),
    ],
)
def test_required_literal_sets(pattern: str, expected: list[set[str]]) -> None:
    assert required_literal_sets(re.compile(pattern, re.IGNORECASE)) == tuple(
        frozenset(s) for s in expected
    )


@pytest.mark.parametrize("pattern", [r"\w+", r"(?:visit)?", r"a|\d", r"(?!visit)\w"])
def test_patterns_without_literal_sets_always_run(pattern: str) -> None:
    assert required_literal_sets(re.compile(pattern)) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("In March 2014", {0, 1, 2}),
        ("in 2014", {1, 2}),  # no month: the month-year pattern cannot match
        ("in March", {2}),
        ("", {2}),
    ],
)
def test_every_literal_gate_needs_each_set(text: str, expected: set[int]) -> None:
    gate = build_gate(
        [re.compile(r"\bmarch\s+\d{4}", re.I), re.compile(r"\d{4}"), re.compile(r"\w")],
        every_literal=True,
    )
    assert gate.active(fold_case(text)) == expected
    assert gate.active_each([fold_case(text), "x"])[0] == expected


def _assert_gate_keeps_matches(text: str) -> None:
    folded = fold_case(text)
    for gate in (GATE, EVERY_GATE):
        active = gate.active(folded)
        for index, pattern in enumerate(PATTERNS):
            if index not in active:
                assert pattern.search(text) is None, (pattern.pattern, text)


def test_gate_keeps_every_match_in_the_seeds() -> None:
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            _assert_gate_keeps_matches(line)


WORDS = [
    "visited", "VISIT", "talks", "Talks", "summit", "2014", "In March 2014", "last year",
    "the same year", "Ulaanbaatar", "hosted", "айлчилна", "ЗОХИОН БАЙГУУЛАВ", "1,400",
    "troops", "$4.2 billion", "one-third", "twenty-five", "6 дугаар сарын 10-нд", "signed",
    "İN", "ſigned", "Monday", "by", "Published:", "references", "—", "“", "”", "٢٠١٤",
    "President", "Dr.", "Foreign Minister",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS) | st.text(max_size=6), max_size=12))
def test_gate_keeps_every_match_in_generated_text(pieces: list[str]) -> None:
    _assert_gate_keeps_matches(" ".join(pieces))


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["they visited", "", "seoul"], [{0, 2}, {2}, {1, 2}]),
        (["vis", "ited seoul"], [{2}, {1, 2}]),  # "visited" only across the join
        ([], []),
    ],
)
def test_active_each_is_active_per_text(texts: list[str], expected: list[set[int]]) -> None:
    gate = build_gate([re.compile("visited"), re.compile("seoul"), re.compile(r"\w")])
    assert gate.active_each(texts) == expected
    assert gate.active_each(texts) == [gate.active(text) for text in texts]
