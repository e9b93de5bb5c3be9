"""Actor mentions: where a sentence names a country, person, organisation, forum or place.

Four methods, recorded in the ``method`` column:

``gazetteer``
    Every alias of the YAML gazetteer (:mod:`.gazetteer`) is looked up at once with
    Aho-Corasick automata, on a copy of the sentence whose quotes, dashes and spaces are folded
    to ASCII one character for one character (offsets never move). Latin aliases match
    case-sensitively ("us" is not the US, "UB" only in capitals; aliases of 4+ letters also in
    full capitals); Cyrillic aliases case-insensitively, optionally followed by one Mongolian
    case suffix listed in the YAML ("Монголын", "Улаанбаатарт": the mention covers the suffix);
    in an ALL-CAPS sentence (a ticker headline) every alias matches case-insensitively. A match
    must sit between word boundaries, and the longest match wins: overlapping shorter matches
    are dropped ("North Korean" is one PRK mention; "Ulaanbaatar Dialogue" is the forum only).
    A group alias ("the two Koreas", "inter-Korean") yields one row per state on the same span.
    A country or place followed by a publication word ("New Zealand Journal ...") is dropped.
``title``
    A capitalised name right after a title from the YAML ("President Amara Dossou",
    "Deputy Foreign Minister Pak", "Dr. Tsedendamba Batbayar"), in mixed-case sentences only.
    The name stops at a lower-case word, punctuation, a possessive ("President Elbegdorj's
    administration" -> "Elbegdorj"), a stop word or another gazetteer mention; "the President"
    alone is no person. The name is resolved to a gazetteer person when it is an alias, a
    title-only alias ("President Park" -> Park Geun-hye) or a near spelling of one (a typo of a
    long surname, or the same surname with a given name one edit away); otherwise it gets
    ``entity_id`` ``'P_' + slug`` ("Amara Dossou" -> ``P_AMARA_DOSSOU``). A full name found
    this way is also found where it recurs, untitled, in the same document.
``byline``
    "By Juni Kim", "By NKR Intern Alex Vega": names of two or more words in a sentence that
    starts with "By" and holds only capitalised words, byline roles and "and".
``apposition``
    A name of two or more words right before a comma and a role from the YAML's
    ``apposition_roles``: "O. Mashbat, an adviser at the Institute", "said Julian Dierkes, a
    professor at", "Jargalsaikhan Mendee, deputy director of". The name is read as for a
    title (it stops at stop words and gazetteer actors, so "Mongolia, a member of" is no
    person) and resolved the same way.

Rows are sorted by ``doc_id``, ``start``, ``end``, ``entity_id``; offsets are document offsets
(``sentence.start + i``), so ``corpus.text(doc_id)[start:end] == surface`` always.
"""

from __future__ import annotations

import re
import string
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

import cyrtranslit
import pandas as pd

from . import schema
from .dates import RE_CITATION
from .errors import SchemaError
from .gazetteer import AliasTarget, Gazetteer, Settings, fold_text, is_cyrillic, lower_text
from .prefilter import fold_case

SENTENCE_COLUMNS = ("doc_id", "sent_id", "text", "start")
MENTION_COLUMNS = ("doc_id", "sent_id", "start", "end", "surface", "entity_id", "entity_type",
                   "name", "method")  # fmt: skip
MAX_NAME_TOKENS = 4
MAX_BYLINE_WORDS = 12
CAPS_MIN_LETTERS = 6
CAPS_MAX_LOWER_SHARE = 0.15
ASCII_UPPER = string.ascii_uppercase.encode("ascii")
ASCII_LOWER = string.ascii_lowercase.encode("ascii")
#: Joins the sentences of a document for one automaton or regex pass: ``fold_text`` maps it
#: to a space, so no folded sentence, alias or name holds it and no match crosses it.
SEPARATOR = "\n"

# A word of a name: letters joined by hyphens or apostrophes, then an optional period.
RE_NAME_TOKEN = re.compile(r"([^\W\d_]+(?:[-'][^\W\d_]+)*)(\.)?")
RE_NEXT_WORD = re.compile(r" ([^\W\d_]+)")
RE_BYLINE = re.compile(r"^\s*By:?\s+")
RE_BYLINE_END = re.compile(r"[|(;]| - |\d")
RE_BYLINE_SPLIT = re.compile(r",\s*|\s+(?:and|&)\s+")
RE_SLUG = re.compile(r"[^A-Z0-9]+")
RE_SPACES = re.compile(r"\s+")
#: Where a word begins (after a space, or at the start of the text).
RE_WORD_START = re.compile(r"(?<!\S)\S")
RE_NON_ASCII = re.compile(r"[^\x00-\x7f]")


class Mention(NamedTuple):
    """One mention inside a sentence (offsets relative to the sentence text). A named tuple:
    a document yields one per mention, and a tuple is several times cheaper to make than a
    frozen dataclass."""

    start: int
    end: int
    surface: str
    entity_id: str
    entity_type: str
    name: str
    method: str


# -- small helpers -------------------------------------------------------------------------


def is_all_caps(text: str) -> bool:
    """Whether ``text`` is written in capitals (a ticker headline), Latin or Cyrillic.

    >>> is_all_caps("JAPAN AND MONGOLIA FORGE HISTORIC DEFENSE PACT"), is_all_caps("The US")
    (True, False)
    """
    # in ASCII, isupper/islower mean A-Z/a-z: count those in C, the other characters one by one
    data = text.encode("ascii", "ignore")
    lower = len(data) - len(data.translate(None, ASCII_LOWER))
    if lower > CAPS_MAX_LOWER_SHARE * len(text):  # more than the share of all characters
        return False
    others = RE_NON_ASCII.findall(text) if len(data) < len(text) else []
    upper = len(data) - len(data.translate(None, ASCII_UPPER)) + sum(map(str.isupper, others))
    lower += sum(map(str.islower, others))
    return upper >= CAPS_MIN_LETTERS and lower <= CAPS_MAX_LOWER_SHARE * (upper + lower)


def person_id(name: str) -> str:
    """An entity id for a person outside the gazetteer: ``'P_'`` + an ASCII slug of the name.

    >>> person_id("Amara Dossou"), person_id("Л.Оюун-Эрдэнэ"), person_id("António Guterres")
    ('P_AMARA_DOSSOU', 'P_L_OYUUN_ERDENE', 'P_ANTONIO_GUTERRES')
    """
    latin = cyrtranslit.to_latin(name, "mn") if is_cyrillic(name) else name
    ascii_name = unicodedata.normalize("NFKD", latin).encode("ascii", "ignore").decode()
    slug = RE_SLUG.sub("_", ascii_name.upper()).strip("_")
    return f"P_{slug or 'UNKNOWN'}"


def edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance (insertions, deletions, substitutions, swaps).

    >>> edit_distance("Elberdorgj", "Elbegdorj"), edit_distance("Hilary", "Hillary")
    (2, 1)
    """
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


# -- gazetteer look-up ---------------------------------------------------------------------


Candidate = tuple[int, int, AliasTarget]  # an alias match on word boundaries: start, end


def _alias_candidates(
    automaton, scanned: Sequence[str], folded: Sequence[str], suffixes: frozenset[str]
) -> list[list[Candidate]]:
    """The matches of ``automaton`` in each of ``scanned`` (the ``folded`` sentences or their
    lower case) that sit on word boundaries of ``folded`` (offsets in its text; a Cyrillic
    match takes its case suffix), from one pass over the texts joined by :data:`SEPARATOR`.
    The separator is no letter or digit: the boundary tests read it as the end of a text."""
    found: list[list[Candidate]] = [[] for _ in folded]
    if automaton is None or not folded:
        return found
    text = SEPARATOR.join(folded)
    starts = list(accumulate((len(f) + 1 for f in folded[:-1]), initial=0))
    for last, (length, targets) in automaton.iter(SEPARATOR.join(scanned)):
        start, end = last - length + 1, last + 1
        if start > 0 and text[start - 1].isalnum():
            continue  # starts inside a word
        target = _pick_target(targets, text[start:end])
        stop = _boundary_end(text, end, target, suffixes)
        if stop >= 0:
            index = bisect_right(starts, last) - 1
            found[index].append((start - starts[index], stop - starts[index], target))
    return found


def _document_candidates(
    folded: Sequence[str], lowered: Sequence[str], caps: Sequence[bool], gaz: Gazetteer
) -> list[list[Candidate]]:
    """The alias matches of each sentence: in mixed-case ones the case-sensitive automaton on
    the folded text, then the Cyrillic one on its lower case; in ALL-CAPS ones the caps
    automaton on the lower case."""
    matcher, suffixes = gaz.matcher, gaz.settings.cyrillic_suffixes
    candidates: list[list[Candidate]] = [[] for _ in folded]
    plain = [i for i, is_caps in enumerate(caps) if not is_caps]
    capital = [i for i, is_caps in enumerate(caps) if is_caps]
    for automaton, texts, rows in (
        (matcher.exact, folded, plain),
        (matcher.folded, lowered, plain),
        (matcher.caps, lowered, capital),
    ):
        found = _alias_candidates(
            automaton, [texts[i] for i in rows], [folded[i] for i in rows], suffixes
        )
        for row, row_candidates in zip(rows, found, strict=True):
            candidates[row].extend(row_candidates)
    return candidates


def _boundary_end(folded: str, end: int, target: AliasTarget, suffixes) -> int:
    """The end of the mention if the match ends on a word boundary (a Cyrillic alias may take
    a case suffix first), else -1."""
    if end >= len(folded) or not folded[end].isalnum():
        return end
    if not (target.cyrillic and is_cyrillic(folded[end])):
        return -1
    stop = end
    while stop < len(folded) and folded[stop].isalpha():
        stop += 1
    if stop < len(folded) and folded[stop].isdigit():
        return -1
    return stop if lower_text(folded[end:stop]) in suffixes else -1


def _pick_target(targets: tuple[AliasTarget, ...], surface: str) -> AliasTarget:
    if len(targets) == 1:
        return targets[0]
    for target in targets:
        if target.alias == surface:
            return target
    return sorted(targets, key=lambda t: t.alias)[0]


def _gazetteer_mentions(
    text: str, folded: str, candidates: list[Candidate], gaz: Gazetteer, caps: bool
) -> list[Mention]:
    """The longest alias matches that do not overlap (a publication's name is no mention)."""
    candidates.sort(key=lambda c: (c[0] - c[1], c[0], c[2].alias))
    taken = bytearray(len(text))
    mentions: list[Mention] = []
    for start, end, target in candidates:
        if any(taken[start:end]):
            continue
        if _is_publication(folded, end, target, gaz, caps):
            taken[start:end] = b"\x01" * (end - start)
            continue
        taken[start:end] = b"\x01" * (end - start)
        for entity_id in target.ids:
            entity = gaz.entities[entity_id]
            mentions.append(
                Mention(
                    start, end, text[start:end], entity_id, entity.type, entity.name, "gazetteer"
                )
            )
    return mentions


def _is_publication(folded: str, end: int, target: AliasTarget, gaz: Gazetteer, caps: bool):
    """A country or place in a publication's title ("Japan Times"), or a person in a place's
    or institution's name ("Chinggis Khaan International Airport")."""
    following = RE_NEXT_WORD.match(folded, end)
    if not following:
        return False
    types = {gaz.entities[i].type for i in target.ids}
    if types <= {"country", "place"}:
        words = gaz.settings.publication_words
    elif types == {"person"}:
        words = gaz.settings.institution_words
    else:
        return False
    if not words:
        return False
    word = following.group(1)
    return (word.capitalize() if caps else word) in words


# -- titled and bylined names --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int  # without a final period unless the token is an initial
    word: str
    initial: bool
    stop_after: bool  # possessive or sentence-final period: the name ends here


def _read_token(folded: str, pos: int) -> _Token | None:
    match = RE_NAME_TOKEN.match(folded, pos)
    if not match:
        return None
    word, dot = match.group(1), match.group(2)
    possessive = word.endswith("'s") or word.endswith("'")
    if possessive:
        word = word[:-2] if word.endswith("'s") else word[:-1]
    letters = word.replace("-", "").replace("'", "")
    initial = bool(dot) and len(letters) <= 2 and not possessive
    end = match.start(1) + len(word) + (1 if initial else 0)
    stop_after = possessive or (bool(dot) and not initial)
    return _Token(match.start(1), end, word, initial, stop_after)


def _is_name_word(token: _Token, stopwords: frozenset[str]) -> bool:
    word = token.word
    if not word or not word[0].isupper() or word in stopwords:
        return False
    letters = [ch for ch in word if ch.isalpha()]
    if token.initial or len(letters) == 1:
        return True
    return any(ch.islower() for ch in letters)  # not an acronym


def _scan_name(
    folded: str, pos: int, stopwords: frozenset[str], owner: list[str | None]
) -> tuple[int, int] | None:
    """The span of a capitalised name starting at ``pos`` (None if there is none)."""
    tokens: list[_Token] = []
    while len(tokens) < MAX_NAME_TOKENS:
        token = _read_token(folded, pos)
        if token is None or not _is_name_word(token, stopwords):
            break
        kind = owner[token.start]
        if kind is not None:
            if kind == "person" and not tokens:
                return None  # a gazetteer person: already a mention
            break
        tokens.append(token)
        if token.stop_after:
            break
        pos = token.end
        if token.initial and pos < len(folded) and folded[pos] == " ":
            pos += 1
        elif not token.initial:
            if pos >= len(folded) or folded[pos] != " ":
                break
            pos += 1
    while tokens and tokens[-1].initial:
        tokens.pop()
    if not tokens:
        return None
    return tokens[0].start, tokens[-1].end


def _resolve_person(name: str, gaz: Gazetteer) -> tuple[str, str]:
    """(entity_id, canonical name) for a titled or bylined name.

    A Cyrillic name may carry a case ending ("Юн Сөг Ёлтой", with Yoon): the name without it
    is tried first, and an unknown name keeps its id without the ending.
    """
    key = RE_SPACES.sub(" ", fold_text(name))
    if is_cyrillic(key) and (bare := _strip_case_ending(key, gaz)) != key:
        return _resolve_person(bare, gaz)
    ids = [i for i in gaz.aliases.get(key, ()) if gaz.entities[i].type == "person"]
    if len(ids) != 1:
        ids = list(gaz.matcher.title_aliases.get(key, ()))
    if len(ids) != 1:
        ids = sorted(_near_people(key, gaz))
    if len(ids) == 1:
        return ids[0], gaz.entities[ids[0]].name
    return person_id(key), key


#: Case endings stripped from the last word of a titled Cyrillic name ("Ёлтой" → "Ёл"): two
#: or more letters only, so that a name ending in a one-letter suffix is left alone.
NAME_CASE_ENDINGS = ("тай", "той", "тэй", "ын", "ийн", "ыг", "ийг", "аас", "оос", "ээс", "өөс",
                     "руу", "рүү", "д", "т")  # fmt: skip


def _strip_case_ending(name: str, gaz: Gazetteer) -> str:
    """``name`` without a Mongolian case ending on its last word, when one is there."""
    head, _, last = name.rpartition(" ")
    for ending in sorted(NAME_CASE_ENDINGS, key=len, reverse=True):
        stem = last[: -len(ending)]
        if (
            last.lower().endswith(ending)
            and len(stem) >= 2
            and (len(ending) >= 2 or any(a.endswith(stem) for a in gaz.aliases if is_cyrillic(a)))
        ):
            return f"{head} {stem}".strip()
    return name


def _near_people(name: str, gaz: Gazetteer) -> set[str]:
    """People whose Latin alias is a near spelling of ``name``: a typo of a long one-word
    name (same first three letters and last letter), or the same surname with every other
    word one edit away."""
    words = name.casefold().split()
    index = gaz.matcher.person_index
    if len(words) == 1:
        a = words[0]
        if len(a) < 8:
            return set()
        return {
            person.entity_id
            for person in index.get((1, a[:3]), ())
            if a[-1] == person.words[0][-1]
            and abs(len(a) - len(person.words[0])) <= 1
            and edit_distance(a, person.words[0]) <= 2
        }
    return {
        person.entity_id
        for person in index.get((len(words), words[-1] if words else ""), ())
        if all(
            x[:1] == y[:1] and edit_distance(x, y) <= 1
            for x, y in zip(words, person.words, strict=True)
        )
    }


def _person_mention(text: str, span: tuple[int, int], gaz: Gazetteer, method: str) -> Mention:
    start, end = span
    entity_id, name = _resolve_person(text[start:end], gaz)
    return Mention(start, end, text[start:end], entity_id, "person", name, method)


def _owners(length: int, mentions: Iterable[Mention]) -> list[str | None]:
    owner: list[str | None] = [None] * length
    for m in mentions:
        for i in range(m.start, m.end):
            owner[i] = m.entity_type
    return owner


def _stopwords(gaz: Gazetteer) -> frozenset[str]:
    """Capitalised words that are never part of a name: stop words and the words of titles."""
    return _settings_stopwords(gaz.settings)


@lru_cache(maxsize=8)
def _settings_stopwords(settings: Settings) -> frozenset[str]:
    title_words = {w for title in settings.titles for w in title.split()}
    return settings.name_stopwords | title_words | frozenset(settings.titles)


def _title_mentions(
    text: str, folded: str, gaz: Gazetteer, owner: list[str | None]
) -> list[Mention]:
    """People named right after a title ("President Amara Dossou")."""

    def after(match: re.Match[str], stopwords: frozenset[str]) -> tuple[int, int] | None:
        return _scan_name(folded, match.end() + 1, stopwords, owner)

    return _named_people(text, folded, gaz, owner, gaz.matcher.title_pattern, after, "title")


def _apposition_mentions(
    text: str, folded: str, gaz: Gazetteer, owner: list[str | None]
) -> list[Mention]:
    """People named right before a comma and a role ("O. Mashbat, an adviser at")."""

    def before(match: re.Match[str], stopwords: frozenset[str]) -> tuple[int, int] | None:
        return _name_before(folded, match.start(), stopwords, owner)

    pattern = gaz.matcher.apposition_pattern
    return _named_people(text, folded, gaz, owner, pattern, before, "apposition")


def _named_people(
    text: str,
    folded: str,
    gaz: Gazetteer,
    owner: list[str | None],
    pattern: re.Pattern[str] | None,
    locate: Callable[[re.Match[str], frozenset[str]], tuple[int, int] | None],
    method: str,
) -> list[Mention]:
    """A person at the name ``locate`` finds next to each match of ``pattern``; the names
    are marked in ``owner`` (a later method does not take them again)."""
    if pattern is None:
        return []
    stopwords = _stopwords(gaz)
    mentions: list[Mention] = []
    for match in pattern.finditer(folded):
        span = locate(match, stopwords)
        if span is None:
            continue
        mentions.append(_person_mention(text, span, gaz, method))
        _own(owner, span)
    return mentions


def _own(owner: list[str | None], span: tuple[int, int]) -> None:
    """Mark a person's name in ``owner``."""
    for i in range(*span):
        owner[i] = "person"


def _name_before(
    folded: str, end: int, stopwords: frozenset[str], owner: list[str | None]
) -> tuple[int, int] | None:
    """The longest name of two to :data:`MAX_NAME_TOKENS` words that ends at ``end``."""
    starts = [m.start() for m in RE_WORD_START.finditer(folded, max(0, end - 120), end)]
    for start in starts[-MAX_NAME_TOKENS:-1]:
        span = _scan_name(folded, start, stopwords, owner)
        if span is not None and span == (start, end):
            return span
    return None


def _byline_mentions(
    text: str, folded: str, gaz: Gazetteer, owner: list[str | None]
) -> list[Mention]:
    head = RE_BYLINE.match(folded)
    if not head:
        return []
    cut = RE_BYLINE_END.search(folded, head.end())
    segment_end = cut.start() if cut else len(folded)
    if len(folded[head.end() : segment_end].split()) > MAX_BYLINE_WORDS:
        return []
    roles = gaz.settings.byline_roles
    stopwords = _stopwords(gaz)
    runs: list[list[_Token]] = [[]]
    pos = head.end()
    while pos < segment_end:
        separator = RE_BYLINE_SPLIT.match(folded, pos)
        if separator:
            runs.append([])
            pos = separator.end()
            continue
        if folded[pos] in " .:":
            pos += 1
            continue
        token = _read_token(folded, pos)
        if token is None:
            return []
        if token.word[:1].islower():
            return []  # prose, not a byline ("By contrast, ...")
        if (
            token.word in roles
            or f"{token.word}." in roles
            or owner[token.start] is not None
            or not _is_name_word(token, stopwords)
        ):
            runs.append([])
        else:
            runs[-1].append(token)
        pos = max(token.end, pos + 1)
    mentions = []
    for run in runs:
        while run and run[-1].initial:
            run.pop()
        if sum(not t.initial for t in run) >= 2:
            span = (run[0].start, run[-1].end)
            mentions.append(_person_mention(text, span, gaz, "byline"))
    return mentions


# -- public API ----------------------------------------------------------------------------


def find_mentions(text: str, gazetteer: Gazetteer, *, names: bool = True) -> list[Mention]:
    """All mentions in one sentence, offsets relative to ``text``, sorted by position.

    Args:
        text: the sentence.
        gazetteer: a loaded :class:`~.gazetteer.Gazetteer`.
        names: also detect titled and bylined people outside the gazetteer.

    >>> from mongolia_analysis.gazetteer import load_gazetteer
    >>> [(m.surface, m.entity_id) for m in find_mentions(
    ...     "President Amara Dossou met North Korean officials in Ulan Bator.", load_gazetteer())]
    [('Amara Dossou', 'P_AMARA_DOSSOU'), ('North Korean', 'PRK'), ('Ulan Bator', 'MNG')]
    """
    return _document_mentions([text], [fold_text(text)], gazetteer, names=names)[0]


def _document_mentions(
    texts: Sequence[str], folded: Sequence[str], gaz: Gazetteer, *, names: bool = True
) -> list[list[Mention]]:
    """The mentions of each sentence of a document (``folded``: their :func:`fold_text`),
    with one automaton pass per alias table and one name gate pass (titles, appositions)
    over all of them."""
    caps = [is_all_caps(text) for text in texts]
    candidates = _document_candidates(folded, [lower_text(f) for f in folded], caps, gaz)
    matcher = gaz.matcher
    gated = matcher.name_gate.active_each([fold_case(f) for f in folded])
    patterns = matcher.name_patterns
    title_index = patterns.index(matcher.title_pattern) if matcher.title_pattern else -1
    appositions = matcher.apposition_pattern
    apposition_index = patterns.index(appositions) if appositions else -1
    titled = [title_index in active for active in gated]
    apposable = [apposition_index in active for active in gated]
    found = []
    for text, text_folded, text_caps, text_candidates, text_titled, text_apposable in zip(
        texts, folded, caps, candidates, titled, apposable, strict=True
    ):
        mentions = _gazetteer_mentions(text, text_folded, text_candidates, gaz, text_caps)
        apposed = (
            names and not text_caps and text_apposable and appositions is not None
            and appositions.search(text_folded) is not None
        )  # fmt: skip
        if names and not text_caps and (text_titled or RE_BYLINE.match(text_folded) or apposed):
            owner = _owners(len(text), mentions)
            if text_titled:  # a title word is in the sentence
                mentions.extend(_title_mentions(text, text_folded, gaz, owner))
            bylined = _byline_mentions(text, text_folded, gaz, owner)
            for mention in bylined:
                _own(owner, (mention.start, mention.end))
            mentions.extend(bylined)
            if apposed:
                mentions.extend(_apposition_mentions(text, text_folded, gaz, owner))
        if "(" in text:  # "(Campi, 2014; Hong, 2022)": cited authors and titles are no actors
            cited = [(m.start(), m.end()) for m in RE_CITATION.finditer(text)]
            mentions = [
                m for m in mentions if not any(s <= m.start and m.end <= e for s, e in cited)
            ]
        found.append(sorted(mentions, key=lambda m: (m.start, m.end, m.entity_id)))
    return found


def _recurring_names(
    texts: Sequence[str], folded: Sequence[str], found: list[list[Mention]]
) -> Iterator[tuple[int, Mention]]:
    """Titled/bylined full names found again, untitled, elsewhere in the same document
    (``folded``: the sentences' :func:`fold_text`, searched in one pass)."""
    known: dict[str, Mention] = {}
    for mentions in found:
        for m in mentions:
            if m.method != "gazetteer" and len(m.surface.split()) >= 2:
                known.setdefault(RE_SPACES.sub(" ", fold_text(m.surface)), m)
    if not known:
        return
    alternation = "|".join(re.escape(k) for k in sorted(known, key=lambda k: (-len(k), k)))
    pattern = re.compile(rf"(?<![\w.])(?:{alternation})(?!\w)")
    starts = list(accumulate((len(f) + 1 for f in folded[:-1]), initial=0))
    for match in pattern.finditer(SEPARATOR.join(folded)):
        index = bisect_right(starts, match.start()) - 1
        start, end = match.start() - starts[index], match.end() - starts[index]
        if any(m.start < end and start < m.end for m in found[index]):
            continue
        origin = known[match.group(0)]
        yield (
            index,
            Mention(
                start,
                end,
                texts[index][start:end],
                origin.entity_id,
                "person",
                origin.name,
                origin.method,
            ),
        )


def extract_mentions(sentences: pd.DataFrame, gazetteer: Gazetteer) -> pd.DataFrame:
    """The ``mentions`` table of a sentence table (``corpus.analysed_sentences``).

    Args:
        sentences: rows with ``doc_id``, ``sent_id``, ``text`` and ``start`` (the sentence's
            offset in its document).
        gazetteer: a loaded :class:`~.gazetteer.Gazetteer`.

    Returns:
        A frame conformed to schema ``"mentions"``, sorted by doc_id, start, end, entity_id.

    Raises:
        SchemaError: a required sentence column is missing.

    >>> from mongolia_analysis.gazetteer import load_gazetteer
    >>> frame = pd.DataFrame({"doc_id": ["d-1"], "sent_id": [0], "start": [10],
    ...                       "text": ["Both Koreas sent envoys to Улаанбаатарт."]})
    >>> extract_mentions(frame, load_gazetteer())[["start", "surface", "entity_id"]].values.tolist()
    [[15, 'Koreas', 'KOR'], [15, 'Koreas', 'PRK'], [37, 'Улаанбаатарт', 'MNG']]
    """
    missing = [c for c in SENTENCE_COLUMNS if c not in sentences.columns]
    if missing:
        raise SchemaError(f"extract_mentions needs sentence column(s) {missing}")
    table = schema.RowBatches("mentions", MENTION_COLUMNS)
    frame = sentences.sort_values(["doc_id", "start"], kind="stable")
    doc_ids, all_texts = schema.values(frame, "doc_id"), schema.values(frame, "text")
    all_sent_ids, all_offsets = schema.values(frame, "sent_id"), schema.values(frame, "start")
    begin = 0
    while begin < len(doc_ids):  # each document's rows (sorted by doc_id: they are together)
        doc_id, end = doc_ids[begin], begin + 1
        while end < len(doc_ids) and doc_ids[end] == doc_id:
            end += 1
        if pd.isna(doc_id):  # as groupby: rows without a document belong to none
            begin = end
            continue
        texts = ["" if pd.isna(t) else str(t) for t in all_texts[begin:end]]
        sent_ids = [int(s) for s in all_sent_ids[begin:end]]
        offsets = [int(s) for s in all_offsets[begin:end]]
        begin = end
        folded = [fold_text(text) for text in texts]
        found = _document_mentions(texts, folded, gazetteer)
        for index, mention in list(_recurring_names(texts, folded, found)):
            found[index].append(mention)
        rows = [
            (doc_id, sent_id, offset + m.start, offset + m.end, m.surface, m.entity_id,
             m.entity_type, m.name, m.method)
            for text_mentions, sent_id, offset in zip(found, sent_ids, offsets, strict=True)
            for m in text_mentions
        ]  # fmt: skip
        # documents come in doc_id order, so sorting each one's rows sorts the table
        rows.sort(key=lambda r: (r[2], r[3], r[5]))  # start, end, entity_id
        table.extend(rows)
    return table.frame()
