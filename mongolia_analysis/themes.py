"""Thematic coding of sentences with a QDA-style codebook read from YAML.

The codebook (``data/codebook.yaml``, replaceable by a path) is a tree of codes: Nye's soft
power and its three sources (culture, political values, foreign policy), the assets credited
to a mediator (neutrality, nuclear-weapon-free status, the third-neighbour policy, venues,
track 1.5/2 dialogue ...) and the constraints on it. Each code has include terms, exclude
phrases (a match vetoes the code for the whole sentence) and optionally require terms (the
code applies only if one of them is also in the sentence). A codebook-wide ``ignore`` list
masks fixed expressions ("Democratic People's Republic", "exchange rate") before coding.

Matching. Every term of every code goes into ONE Aho-Corasick automaton built when the
codebook is loaded, run once per sentence over a normalised copy of its text (lower case;
hyphens, dashes and whitespace runs folded to one space; typographic apostrophes to ``'``),
with a map back to the original offsets. The automaton reports all occurrences, overlapping
ones included, so "democratic transition" counts for both a democracy term and a transition
term. A hit is kept only at word boundaries; a trailing ``*`` lets the last word run on; a
term ending in a Cyrillic letter may take up to ``settings.cyrillic_suffix_max`` Cyrillic
letters (Mongolian case endings).

Parents. :func:`code_sentences` reports the codes whose own terms matched (``matched`` shows
the evidence). A child does NOT count for its parent there: the root codes have their own
generic terms ("mediation", "obstacle"), and keeping rows direct keeps the co-occurrence
table free of trivial parent–child pairs. :func:`roll_up` adds the ancestors explicitly (and,
with ``by_nye_source=True``, the Nye source code of each asset), for tables by family.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

import ahocorasick
import pandas as pd
import yaml

from . import schema, yamldata
from .errors import DataFileError
from .paths import data_file

SHIPPED_CODEBOOK = "codebook.yaml"
CODING_COLUMNS = ("doc_id", "sent_id", "start", "end", "code", "matched", "text")
NYE_SOURCES = ("culture", "political_values", "foreign_policy")
KINDS = ("asset", "constraint", "context")
TERM_ROLES = ("include", "exclude", "require")
CODE_KEYS = frozenset(
    {"id", "parent", "label", "definition", "nye_source", "kind", "example", *TERM_ROLES}
)
TOP_KEYS = frozenset({"settings", "ignore", "codes"})
SETTING_KEYS = frozenset({"cyrillic_suffix_max"})
DEFAULT_CYRILLIC_SUFFIX_MAX = 8

RE_CODE_ID = re.compile(r"^[A-Z][A-Z0-9_]*$")
RE_CYRILLIC_LETTER = re.compile(r"[\u0400-\u04ff]")
RE_SPACE_RUN = re.compile(r" {2,}")
#: The word characters from a position on (``\w`` is :func:`_is_word_char`): where a
#: wildcard term's last word ends.
RE_WORD_RUN = re.compile(r"\w*")
#: Joins normalised sentences for one automaton pass: normalisation maps it to a space, so
#: no normalised text or term holds it and no match crosses it.
SEPARATOR = "\n"
#: Sentences coded per automaton pass.
CODING_BATCH = 4096

#: One character in, one character out: hyphens, dashes and odd spaces become a space,
#: typographic apostrophes and quotes become ASCII.
NORMALIZE_TABLE = str.maketrans(
    {
        "-": " ",
        "\u2010": " ",
        "\u2011": " ",
        "\u2012": " ",
        "\u2013": " ",
        "\u2014": " ",
        "\u2015": " ",
        "\u2212": " ",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u2007": " ",
        "\t": " ",
        "\n": " ",
        "\r": " ",
        "\f": " ",
        "\v": " ",
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
    }
)
#: :data:`NORMALIZE_TABLE` as (character, replacement) pairs, for ``str.replace`` (no
#: replacement is itself a character to replace, so the order does not matter).
NORMALIZE_PAIRS = tuple((chr(code), str(new)) for code, new in NORMALIZE_TABLE.items())

CODE_MATRIX_INDEX = "code"
COOCCURRENCE_COLUMNS = {
    "code_a": "string",
    "code_b": "string",
    "n_a": "Int64",
    "n_b": "Int64",
    "n_ab": "Int64",
    "c": "Float64",
}


# -- data classes -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Code:
    """One code of the codebook."""

    id: str
    parent: str | None
    label: str
    definition: str
    nye_source: str | None
    kind: str
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    require: tuple[str, ...] = ()
    example: str | None = None


@dataclass(frozen=True, slots=True)
class Term:
    """A compiled term: what the automaton stores for each normalised key."""

    text: str
    role: str  # include | exclude | require | ignore
    code: str | None  # None for ignore
    wildcard: bool
    cyrillic: bool
    ends_with_digit: bool


class Hit(NamedTuple):
    """One term occurrence in a sentence (offsets into the sentence text). A named tuple:
    cheaper to make than a frozen dataclass, and a corpus has one per term occurrence."""

    start: int
    end: int
    term: Term


@dataclass(frozen=True)
class Codebook:
    """A loaded codebook. Build it with :func:`load_codebook` or :func:`parse_codebook`.

    Attributes:
        codes: The codes in file order (parents before children).
        ignore: Phrases masked before coding.
        cyrillic_suffix_max: Cyrillic letters allowed after a Cyrillic term.
        source: Where it was read from (a path, or a label for in-memory data).
    """

    codes: tuple[Code, ...]
    ignore: tuple[str, ...]
    cyrillic_suffix_max: int
    source: str
    automaton: Any = field(compare=False, repr=False)

    @property
    def ids(self) -> tuple[str, ...]:
        """Code ids in codebook order."""
        return tuple(code.id for code in self.codes)

    @cached_property
    def rank(self) -> Mapping[str, int]:
        """Code id -> its position in codebook order."""
        return MappingProxyType({code_id: index for index, code_id in enumerate(self.ids)})

    @cached_property
    def requiring(self) -> frozenset[str]:
        """Ids of the codes that only count with one of their ``require`` terms."""
        return frozenset(code.id for code in self.codes if code.require)

    @cached_property
    def split_automata(self) -> tuple[Any, Any]:
        """:attr:`automaton` in two: the include and exclude terms and ignore phrases, which
        every sentence is searched for, and the require terms, looked up only in a sentence
        where a code of :attr:`requiring` is included (see :func:`code_sentences`)."""
        scan_roles = tuple(role for role in TERM_ROLES if role != "require")
        return (
            _build_automaton(self.codes, self.ignore, roles=scan_roles),
            _build_automaton(self.codes, (), roles=("require",)),
        )

    def code(self, code_id: str) -> Code:
        """The :class:`Code` with id ``code_id`` (``KeyError`` naming the file if unknown)."""
        for code in self.codes:
            if code.id == code_id:
                return code
        raise KeyError(f"unknown code {code_id!r} (not in {self.source})")

    def ancestors(self, code_id: str) -> tuple[str, ...]:
        """Parent, grandparent ... of ``code_id``, nearest first."""
        parents = {code.id: code.parent for code in self.codes}
        out: list[str] = []
        current = parents.get(code_id)
        while current is not None:
            out.append(current)
            current = parents.get(current)
        return tuple(out)

    def children(self, code_id: str) -> tuple[str, ...]:
        """Direct children of ``code_id`` in codebook order."""
        return tuple(code.id for code in self.codes if code.parent == code_id)

    def nye_target(self, nye_source: str) -> str | None:
        """The code that stands for a Nye source: the shallowest code with that ``nye_source``."""
        candidates = [c for c in self.codes if c.nye_source == nye_source]
        if not candidates:
            return None
        return min(candidates, key=lambda c: len(self.ancestors(c.id))).id


# -- text normalisation and term compilation ----------------------------------------------
def lower_same_length(text: str) -> str:
    """Lower-case ``text`` without changing its length.

    >>> lower_same_length("МОНГОЛ Mongolia")
    'монгол mongolia'
    """
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


def normalize_text(text: str) -> tuple[str, list[int] | None]:
    """Normalise ``text`` for matching; return it with a map to the original offsets.

    The map (``None`` when offsets are unchanged) gives, for each position of the normalised
    text, the position of its character in ``text``.

    >>> normalize_text("Nuclear\u2011Weapon  Free")
    ('nuclear weapon free', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 18, 19])
    """
    for old, new in NORMALIZE_PAIRS:  # = text.translate(NORMALIZE_TABLE), faster
        if old in text:
            text = text.replace(old, new)
    folded = lower_same_length(text)
    if "  " not in folded:
        return folded, None
    chars: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(folded):
        if char == " " and chars and chars[-1] == " ":
            continue
        chars.append(char)
        offsets.append(index)
    return "".join(chars), offsets


def normalize_term(term: str) -> str:
    """The automaton key of a term: normalised like text, without the trailing ``*``.

    >>> normalize_term("Third-Neighbour*")
    'third neighbour'
    """
    key, _ = normalize_text(term.strip().removesuffix("*"))
    return key.strip()


def _compile_term(text: str, role: str, code: str | None) -> tuple[str, Term]:
    key = normalize_term(text)
    term = Term(
        text=text,
        role=role,
        code=code,
        wildcard=text.strip().endswith("*"),
        cyrillic=bool(key) and bool(RE_CYRILLIC_LETTER.match(key[-1])),
        ends_with_digit=bool(key) and key[-1].isdigit(),
    )
    return key, term


def _build_automaton(
    codes: Sequence[Code], ignore: Sequence[str], *, roles: Sequence[str] = TERM_ROLES
) -> Any:
    """One Aho-Corasick automaton over the include/exclude/require terms of ``roles`` and
    the ``ignore`` phrases."""
    by_key: dict[str, list[Term]] = defaultdict(list)
    for code in codes:
        for role in roles:
            for text in getattr(code, role):
                key, term = _compile_term(text, role, code.id)
                by_key[key].append(term)
    for text in ignore:
        key, term = _compile_term(text, "ignore", None)
        by_key[key].append(term)
    automaton = ahocorasick.Automaton()
    for key, terms in by_key.items():
        automaton.add_word(key, (len(key), tuple(terms), all(map(_is_plain, terms))))
    if by_key:
        automaton.make_automaton()
    return automaton


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _is_plain(term: Term) -> bool:
    """A term that ends where its key ends and needs no test after it but a word boundary."""
    return not (term.wildcard or term.cyrillic or term.ends_with_digit)


Normalized = tuple[str, list[int] | None]  # what normalize_text gives


def find_terms(text: str, codebook: Codebook) -> list[Hit]:
    """Every term occurrence in ``text`` (all roles, overlaps included), at word boundaries.

    >>> cb = load_codebook()
    >>> text = "A nuclear-free zone"
    >>> [(h.term.code, text[h.start:h.end]) for h in find_terms(text, cb)]
    [('NUCLEAR_FREE', 'nuclear-free')]
    """
    if not text:
        return []
    return _batch_terms([normalize_text(text)], codebook.automaton, codebook)[0]


def _batch_terms(
    normalized: Sequence[Normalized], automaton: Any, codebook: Codebook
) -> list[list[Hit]]:
    """The term occurrences of ``automaton`` in each normalised text, as :class:`Hit` in its
    original text, from one pass over the texts joined by :data:`SEPARATOR`. The separator
    is no word character, Cyrillic letter, "." or ",": every boundary test reads it as the
    end of a text."""
    found: list[list[Hit]] = [[] for _ in normalized]
    if automaton.kind != ahocorasick.AHOCORASICK or not normalized:
        return found
    joined = SEPARATOR.join(norm for norm, _ in normalized)
    starts = list(itertools.accumulate((len(n) + 1 for n, _ in normalized[:-1]), initial=0))
    size = len(joined)
    suffix = _cyrillic_suffix(codebook.cyrillic_suffix_max)
    for last, (length, terms, plain) in automaton.iter(joined):
        start = last - length + 1
        if start > 0 and ((before := joined[start - 1]).isalnum() or before == "_"):
            continue
        index = bisect_right(starts, last) - 1
        offset, offsets = starts[index], normalized[index][1]
        first = start - offset if offsets is None else offsets[start - offset]
        hits = found[index]
        if plain:  # the common case: one boundary test for all the key's terms
            end = last + 1
            if end < size and ((after := joined[end]).isalnum() or after == "_"):
                continue
            stop = end - offset if offsets is None else offsets[end - 1 - offset] + 1
            for term in terms:
                hits.append(Hit(first, stop, term))
            continue
        for term in terms:
            end = _term_end(joined, last + 1, term, suffix)
            if end >= 0:
                stop = end - offset if offsets is None else offsets[end - 1 - offset] + 1
                hits.append(Hit(first, stop, term))
    return found


def _cyrillic_suffix(limit: int) -> re.Pattern[str]:
    """Up to ``limit`` Cyrillic letters: the case ending a Cyrillic term may take."""
    return re.compile(RE_CYRILLIC_LETTER.pattern + f"{{0,{limit}}}")


def _term_end(joined: str, end: int, term: Term, suffix: re.Pattern[str]) -> int:
    """Where a hit of ``term`` whose key ends before ``end`` ends in ``joined``, its last word
    run on (wildcard) or its Cyrillic case ending taken; -1 if it is no whole word there."""
    if term.wildcard:
        end = RE_WORD_RUN.match(joined, end).end()  # type: ignore[union-attr]
    elif term.cyrillic:
        end = suffix.match(joined, end).end()  # type: ignore[union-attr]
    if end < len(joined) and _is_word_char(joined[end]):
        return -1
    if (
        term.ends_with_digit
        and joined[end : end + 1] in {".", ","}
        and (joined[end + 1 : end + 2].isdigit())
    ):
        return -1
    return end


def code_text(text: str, codebook: Codebook) -> dict[str, list[str]]:
    """The codes of one sentence, each with its matched surfaces in order of appearance.

    >>> code_text("Mongolia's third neighbor policy, not its trade balance.", load_codebook())
    {'THIRD_NEIGHBOUR': ['third neighbor']}
    """
    return _codes_of(text, find_terms(text, codebook), codebook)


def _codes_of(text: str, hits: list[Hit], codebook: Codebook) -> dict[str, list[str]]:
    """:func:`code_text` from the sentence's :func:`find_terms` hits."""
    if not hits:
        return {}
    masks = [(h.start, h.end) for h in hits if h.term.role == "ignore"]
    if masks:
        hits = [
            h
            for h in hits
            if h.term.role == "ignore" or not any(s <= h.start and h.end <= e for s, e in masks)
        ]
    includes: list[Hit] = []
    vetoed: set[str | None] = set()
    required: set[str | None] = set()
    for hit in hits:
        role = hit.term.role
        if role == "include":
            includes.append(hit)
        elif role == "exclude":
            vetoed.add(hit.term.code)
        elif role == "require":
            required.add(hit.term.code)
    if not includes:
        return {}
    if len(includes) > 1:
        includes.sort(key=_hit_order)
    found: dict[str, list[str]] = {}
    for hit in includes:
        code = hit.term.code
        if code is None or code in vetoed:
            continue
        surface = text[hit.start : hit.end]
        surfaces = found.get(code)
        if surfaces is None:
            found[code] = [surface]
        elif surface.lower() not in [s.lower() for s in surfaces]:
            surfaces.append(surface)
    needs, order = codebook.requiring, codebook.rank
    codes = [code for code in found if code not in needs or code in required]
    if len(codes) > 1:
        codes.sort(key=order.__getitem__)
    return {code: found[code] for code in codes}


def _hit_order(hit: Hit) -> tuple[int, int]:
    """Hits in order of appearance, the longest first where two start together."""
    return hit.start, -hit.end


# -- loading ------------------------------------------------------------------------------
def _fail(source: str, entry: str, message: str) -> DataFileError:
    return DataFileError(f"{source}: {entry}: {message}")


def _terms(value: Any, *, source: str, entry: str, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _fail(source, entry, f"'{key}' must be a list of strings, got {type(value).__name__}")
    out = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise _fail(source, entry, f"'{key}' holds a non-string or empty term: {item!r}")
        if "*" in item.strip()[:-1]:
            raise _fail(source, entry, f"'{key}' term {item!r}: '*' is allowed only at the end")
        if not any(_is_word_char(ch) for ch in normalize_term(item)):
            raise _fail(source, entry, f"'{key}' term {item!r} has no letter or digit")
        out.append(item.strip())
    return tuple(out)


def _optional_str(value: Any, *, source: str, entry: str, key: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _fail(source, entry, f"'{key}' must be a string or null, got {value!r}")
    return value.strip() or None


def parse_codebook(data: Any, *, source: str = "<codebook>") -> Codebook:
    """Validate codebook data (as read from YAML) and compile it.

    Args:
        data: The mapping read from the YAML file.
        source: The file name used in error messages.

    Returns:
        The compiled :class:`Codebook`.

    Raises:
        DataFileError: naming ``source`` and the entry, for a missing id or definition, an
            unknown parent, a cycle, an unknown nye_source or kind, a duplicate id, terms
            that are not a list of strings, or unknown keys.

    >>> cb = parse_codebook({"codes": [{"id": "A", "definition": "d", "kind": "asset",
    ...                                 "include": ["steppe*"]}]})
    >>> cb.ids, code_text("Steppes everywhere", cb)
    (('A',), {'A': ['Steppes']})
    """
    if not isinstance(data, Mapping):
        raise _fail(source, "file", "the top level must be a mapping with a 'codes' list")
    unknown = set(data) - TOP_KEYS
    if unknown:
        raise _fail(
            source,
            "file",
            f"unknown top-level key(s) {sorted(unknown)}; allowed: {sorted(TOP_KEYS)}",
        )
    settings = data.get("settings") or {}
    if not isinstance(settings, Mapping) or set(settings) - SETTING_KEYS:
        raise _fail(source, "settings", f"must be a mapping with keys {sorted(SETTING_KEYS)}")
    suffix_max = settings.get("cyrillic_suffix_max", DEFAULT_CYRILLIC_SUFFIX_MAX)
    if not isinstance(suffix_max, int) or isinstance(suffix_max, bool) or not 0 <= suffix_max <= 20:
        raise _fail(
            source, "settings.cyrillic_suffix_max", f"must be an integer 0–20, got {suffix_max!r}"
        )
    ignore = _terms(data.get("ignore"), source=source, entry="ignore", key="ignore")
    raw_codes = data.get("codes")
    if not isinstance(raw_codes, list) or not raw_codes:
        raise _fail(source, "codes", "must be a non-empty list of codes")

    codes: list[Code] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_codes):
        entry = f"code #{index + 1}"
        if not isinstance(raw, Mapping):
            raise _fail(source, entry, f"must be a mapping, got {type(raw).__name__}")
        code_id = raw.get("id")
        if not isinstance(code_id, str) or not RE_CODE_ID.match(code_id):
            raise _fail(source, entry, f"missing or malformed 'id' {code_id!r} (UPPER_SNAKE)")
        entry = f"code #{index + 1} ({code_id})"
        unknown = set(raw) - CODE_KEYS
        if unknown:
            raise _fail(
                source, entry, f"unknown key(s) {sorted(unknown)}; allowed: {sorted(CODE_KEYS)}"
            )
        if code_id in seen:
            raise _fail(source, entry, f"duplicate id {code_id!r}")
        seen.add(code_id)
        definition = _optional_str(
            raw.get("definition"), source=source, entry=entry, key="definition"
        )
        if not definition:
            raise _fail(source, entry, "missing 'definition'")
        nye_source = raw.get("nye_source")
        if nye_source is not None and nye_source not in NYE_SOURCES:
            raise _fail(
                source,
                entry,
                f"unknown nye_source {nye_source!r}; use one of {NYE_SOURCES} or null",
            )
        kind = raw.get("kind")
        if kind not in KINDS:
            raise _fail(source, entry, f"unknown kind {kind!r}; use one of {KINDS}")
        parent = raw.get("parent")
        if parent is not None and not isinstance(parent, str):
            raise _fail(source, entry, f"'parent' must be a code id or null, got {parent!r}")
        codes.append(
            Code(
                id=code_id,
                parent=parent,
                label=_optional_str(raw.get("label"), source=source, entry=entry, key="label")
                or code_id,
                definition=definition,
                nye_source=nye_source,
                kind=kind,
                include=_terms(raw.get("include"), source=source, entry=entry, key="include"),
                exclude=_terms(raw.get("exclude"), source=source, entry=entry, key="exclude"),
                require=_terms(raw.get("require"), source=source, entry=entry, key="require"),
                example=_optional_str(
                    raw.get("example"), source=source, entry=entry, key="example"
                ),
            )
        )

    parents = {code.id: code.parent for code in codes}
    for code in codes:
        entry = f"code {code.id}"
        if code.parent is not None and code.parent not in parents:
            raise _fail(source, entry, f"unknown parent {code.parent!r}")
        visited = {code.id}
        current = code.parent
        while current is not None:
            if current in visited:
                raise _fail(source, entry, f"parent cycle through {current!r}")
            visited.add(current)
            current = parents[current]
    return Codebook(
        codes=tuple(codes),
        ignore=ignore,
        cyrillic_suffix_max=suffix_max,
        source=source,
        automaton=_build_automaton(codes, ignore),
    )


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Read and compile a codebook YAML file (the shipped one by default).

    Args:
        path: A codebook file; ``None`` for ``mongolia_analysis/data/codebook.yaml``.

    Returns:
        The compiled :class:`Codebook`.

    Raises:
        DataFileError: if the file is missing, is not valid YAML, or an entry is malformed.

    >>> cb = load_codebook()
    >>> cb.ids[:4], cb.code("CULTURE").nye_source
    (('SOFT_POWER', 'CULTURE', 'POLITICAL_VALUES', 'FOREIGN_POLICY'), 'culture')
    """
    file = Path(path) if path is not None else data_file(SHIPPED_CODEBOOK)
    try:
        data = yamldata.safe_load(file.read_text(encoding="utf-8"))
    except OSError as error:
        raise DataFileError(f"{file}: cannot read the codebook: {error}") from None
    except yaml.YAMLError as error:
        raise DataFileError(f"{file}: not valid YAML: {error}") from None
    return parse_codebook(data, source=str(file))


# -- tables -------------------------------------------------------------------------------
def _batch_hits(texts: Sequence[str], codebook: Codebook) -> list[list[Hit]]:
    """What :func:`find_terms` gives for each text, but with one automaton pass over all
    texts, and require terms looked up only in the texts where a code needing one is
    included (elsewhere they cannot change :func:`code_text`)."""
    scan, require = codebook.split_automata
    normalized = [normalize_text(text) for text in texts]
    found = _batch_terms(normalized, scan, codebook)
    requiring = codebook.requiring
    needy = [
        index
        for index, hits in enumerate(found)
        if hits and any(h.term.code in requiring and h.term.role == "include" for h in hits)
    ]
    required = _batch_terms([normalized[index] for index in needy], require, codebook)
    for index, hits in zip(needy, required, strict=True):
        found[index] += hits
    return found


def code_sentences(sentences: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Code every sentence: one row per (sentence, code) whose own terms matched.

    Args:
        sentences: Sentences to code (normally ``corpus.analysed_sentences``).
        codebook: A loaded :class:`Codebook`.

    Returns:
        The ``codings`` table: doc_id, sent_id, start, end (the sentence span), code,
        matched (matched surfaces, ``'; '``-joined), text (the sentence). Rows are ordered by
        document, sentence and codebook order; ``attrs["codes"]`` holds the codebook's ids.

    >>> from mongolia_analysis.schema import conform
    >>> sents = conform([{"doc_id": "d-1", "para_id": 0, "sent_id": 0, "role": "body",
    ...     "text": "Ulaanbaatar hosted secret talks.", "start": 0, "end": 32}], "sentences")
    >>> code_sentences(sents, load_codebook())[["code", "matched"]].values.tolist()
    [['VENUE', 'hosted'], ['PREVENTIVE_DIPLOMACY', 'secret talks']]
    """
    table = schema.RowBatches("codings", CODING_COLUMNS)
    rows = schema.iter_rows(sentences, ["doc_id", "sent_id", "start", "end", "text"])
    while batch := list(itertools.islice(rows, CODING_BATCH)):
        texts = ["" if pd.isna(text) else str(text) for *_, text in batch]
        for (doc_id, sent_id, start, end, _), text, hits in zip(
            batch, texts, _batch_hits(texts, codebook), strict=True
        ):
            codes = _codes_of(text, hits, codebook)
            if codes:  # most sentences have none: no rows to add
                table.extend(
                    (doc_id, sent_id, start, end, code, "; ".join(surfaces), text)
                    for code, surfaces in codes.items()
                )
    frame = table.frame()
    if len(frame):
        order = {code_id: index for index, code_id in enumerate(codebook.ids)}
        frame = frame.assign(_rank=frame["code"].map(order))
        frame = frame.sort_values(["doc_id", "sent_id", "_rank"], kind="stable")
        frame = frame.drop(columns="_rank").reset_index(drop=True)
    frame.attrs["codes"] = codebook.ids
    return frame


def roll_up(
    codings: pd.DataFrame, codebook: Codebook, *, by_nye_source: bool = False
) -> pd.DataFrame:
    """Add, for each coded sentence, the ancestors of its codes (and optionally Nye sources).

    An added parent row's ``matched`` joins the matched terms of the codes that produced it.

    Args:
        codings: A ``codings`` table from :func:`code_sentences`.
        codebook: The codebook used to code it.
        by_nye_source: Also credit each code with a ``nye_source`` to the code standing for
            that source (e.g. NUCLEAR_FREE -> FOREIGN_POLICY) and its ancestors.

    Returns:
        A ``codings`` table with one row per (sentence, code), in codebook order.

    >>> from mongolia_analysis.schema import conform
    >>> sents = conform([{"doc_id": "d-1", "para_id": 0, "sent_id": 0, "role": "body",
    ...     "text": "It backs the third neighbour policy.", "start": 0, "end": 35}], "sentences")
    >>> cb = load_codebook()
    >>> rows = code_sentences(sents, cb)
    >>> roll_up(rows, cb)["code"].tolist()
    ['MEDIATION_ASSETS', 'THIRD_NEIGHBOUR']
    >>> roll_up(rows, cb, by_nye_source=True)["code"].tolist()
    ['SOFT_POWER', 'FOREIGN_POLICY', 'MEDIATION_ASSETS', 'THIRD_NEIGHBOUR']
    """
    if codings.empty:
        return codings.copy()
    order = {code_id: index for index, code_id in enumerate(codebook.ids)}
    targets = {
        code.id: _credited(code, codebook, by_nye_source=by_nye_source) for code in codebook.codes
    }
    records: list[dict[str, Any]] = []
    for (doc_id, sent_id), group in codings.groupby(["doc_id", "sent_id"], sort=False):
        first = group.iloc[0]
        matched: dict[str, list[str]] = {}
        for row in group.itertuples(index=False):
            terms = [t for t in str(row.matched).split("; ") if t]
            for code_id in (row.code, *targets.get(row.code, ())):
                bucket = matched.setdefault(code_id, [])
                bucket.extend(t for t in terms if t not in bucket)
        for code_id in sorted(matched, key=lambda c: order.get(c, len(order))):
            records.append(
                {
                    "doc_id": doc_id,
                    "sent_id": sent_id,
                    "start": first["start"],
                    "end": first["end"],
                    "code": code_id,
                    "matched": "; ".join(matched[code_id]),
                    "text": first["text"],
                }
            )
    frame = schema.conform(records, "codings")
    frame.attrs["codes"] = codebook.ids
    return frame


def _credited(code: Code, codebook: Codebook, *, by_nye_source: bool) -> tuple[str, ...]:
    """Codes credited by a match of ``code``: its ancestors, and its Nye source's code."""
    out = list(codebook.ancestors(code.id))
    if by_nye_source and code.nye_source:
        target = codebook.nye_target(code.nye_source)
        if target and target != code.id:
            out.extend(c for c in (target, *codebook.ancestors(target)) if c not in out)
    return tuple(out)


def code_document_matrix(
    codings: pd.DataFrame, documents: pd.DataFrame, *, codebook: Codebook | None = None
) -> pd.DataFrame:
    """Count coded sentences per code and document.

    Args:
        codings: A ``codings`` table (one row per sentence and code).
        documents: The ``documents`` table: every doc_id becomes a column, zeros included.
        codebook: Gives the row order and the codes that never matched; without it the order
            comes from ``codings.attrs["codes"]`` (set by :func:`code_sentences`), else the
            codes present, sorted.

    Returns:
        Integer counts, index ``code`` (codebook order), columns ``doc_id`` (documents order).

    >>> codings = pd.DataFrame({"doc_id": ["a-1", "a-1", "b-1"], "sent_id": [0, 1, 0],
    ...                         "code": ["X", "X", "Y"]})
    >>> code_document_matrix(codings, pd.DataFrame({"doc_id": ["a-1", "b-1", "c-1"]})).to_dict()
    {'a-1': {'X': 2, 'Y': 0}, 'b-1': {'X': 0, 'Y': 1}, 'c-1': {'X': 0, 'Y': 0}}
    """
    if codebook is not None:
        codes = list(codebook.ids)
    elif codings.attrs.get("codes"):
        codes = list(codings.attrs["codes"])
    else:
        codes = sorted(set(codings["code"].astype(str))) if len(codings) else []
    extra = sorted(set(codings["code"].astype(str)) - set(codes)) if len(codings) else []
    doc_ids = [str(d) for d in documents["doc_id"]]
    pairs = codings.drop_duplicates(["doc_id", "sent_id", "code"]) if len(codings) else codings
    counts = (
        pd.crosstab(pairs["code"].astype(str), pairs["doc_id"].astype(str))
        if len(pairs)
        else pd.DataFrame()
    )
    matrix = counts.reindex(index=codes + extra, columns=doc_ids, fill_value=0).fillna(0)
    matrix = matrix.astype("int64")
    matrix.index.name = CODE_MATRIX_INDEX
    matrix.columns.name = "doc_id"
    return matrix


def code_cooccurrence(codings: pd.DataFrame) -> pd.DataFrame:
    """Pairs of codes applied to the same sentence, with the c-coefficient.

    ``n_a`` and ``n_b`` count the sentences coded a and b, ``n_ab`` those coded both, and
    ``c = n_ab / (n_a + n_b - n_ab)`` (the Jaccard-style coefficient of QDA tools). Only pairs
    with ``n_ab > 0`` are listed, with ``code_a < code_b`` alphabetically, strongest first
    (by n_ab, then c, then the codes).

    >>> codings = pd.DataFrame({"doc_id": ["d"] * 4, "sent_id": [0, 0, 1, 2],
    ...                         "code": ["A", "B", "A", "B"]})
    >>> code_cooccurrence(codings).values.tolist()
    [['A', 'B', 2, 2, 1, 0.3333333333333333]]
    """
    empty = pd.DataFrame(
        {name: pd.Series([], dtype=dtype) for name, dtype in COOCCURRENCE_COLUMNS.items()}
    )
    if codings.empty:
        return empty
    pairs = codings[["doc_id", "sent_id", "code"]].astype({"code": str}).drop_duplicates()
    by_sentence: dict[tuple[Any, Any], list[str]] = {}
    for doc_id, sent_id, code in zip(
        pairs["doc_id"].tolist(), pairs["sent_id"].tolist(), pairs["code"].tolist(), strict=True
    ):
        if pd.isna(doc_id) or pd.isna(sent_id):
            continue  # as groupby: rows without a key belong to no sentence
        by_sentence.setdefault((doc_id, sent_id), []).append(code)
    sentence_codes = [sorted(codes) for codes in by_sentence.values()]
    n_code = pairs["code"].value_counts().to_dict()
    n_pair: dict[tuple[str, str], int] = defaultdict(int)
    for codes in sentence_codes:
        for a, b in itertools.combinations(codes, 2):
            n_pair[(a, b)] += 1
    if not n_pair:
        return empty
    rows = [
        {
            "code_a": a,
            "code_b": b,
            "n_a": n_code[a],
            "n_b": n_code[b],
            "n_ab": n,
            "c": n / (n_code[a] + n_code[b] - n),
        }
        for (a, b), n in n_pair.items()
    ]
    frame = pd.DataFrame(rows).sort_values(
        ["n_ab", "c", "code_a", "code_b"], ascending=[False, False, True, True]
    )
    return frame.astype(COOCCURRENCE_COLUMNS).reset_index(drop=True)


def codebook_frame(codebook: Codebook) -> pd.DataFrame:
    """The codebook as a table, for the method section of the brief.

    Returns:
        Columns id, parent, label, definition, nye_source, kind, n_terms (include terms),
        n_exclude, n_require, example; one row per code in codebook order.

    >>> codebook_frame(load_codebook()).loc[0, ["id", "kind"]].tolist()
    ['SOFT_POWER', 'context']
    """
    rows = [
        {
            "id": c.id,
            "parent": c.parent,
            "label": c.label,
            "definition": c.definition,
            "nye_source": c.nye_source,
            "kind": c.kind,
            "n_terms": len(c.include),
            "n_exclude": len(c.exclude),
            "n_require": len(c.require),
            "example": c.example,
        }
        for c in codebook.codes
    ]
    dtypes = {
        "id": "string",
        "parent": "string",
        "label": "string",
        "definition": "string",
        "nye_source": "string",
        "kind": "string",
        "n_terms": "Int64",
        "n_exclude": "Int64",
        "n_require": "Int64",
        "example": "string",
    }
    return pd.DataFrame(rows, columns=list(dtypes)).astype(dtypes)
