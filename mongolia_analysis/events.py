"""Dated, coded events: who did what to whom, where and when, in CAMEO and PLOVER terms.

An *event* is a dated happening involving states, leaders or forums: a visit, talks hosted,
a forum held, an agreement signed, an exercise, aid sent, a recognition. The pipeline, for
each analysed sentence:

1. **Clauses.** The sentence is cut at ``;``, ``:``, dashes and contrastive conjunctions
   (", but", ", while"); an event lives inside one clause. Quoted stretches (titles, quoted
   statements) are masked: neither their dates nor their trigger words make events.
2. **Dates** come from :func:`mongolia_analysis.dates.find_dates`. Relative cues ("last
   October") are resolved from the document's publication date (or a headline's own
   "PUBLISHED:" stamp), anaphoric cues ("a year later") from the previous dated sentence of
   the paragraph; never from today's date. A headline with no date of its own is dated by
   its publication date (``relative-*`` precision).
3. **Triggers** come from the YAML lexicon ``data/event_types.yaml`` (literal phrases and
   regular expressions per event type, each with its CAMEO code and PLOVER category).
4. **Binding.** Every trigger binds to the nearest date of its clause (within
   :data:`MAX_GAP` characters); a date left without a trigger takes the nearest ones. A date
   gives one event per PLOVER category of its triggers, coded by the highest-priority trigger
   of that category among those nearly as close as the nearest: "In 2014, Mongolia
   facilitated a meeting" is one mediation (not also a meeting); "visited Washington to
   co-sign the Compact" is a visit and a signing; "In 2007 and again in 2012, Mongolia hosted
   talks" is two events. Hosting words ("hosted", "was the site for") only say where and by
   whom; "minor" types ("established") give way to any other trigger of the date.
5. **Actors and host.** Actors are the countries, people, organisations and forums
   mentioned in the clause (from the mentions table), sorted. The host is kept apart from
   the actors: from "hosted by X", the subject of a hosting trigger ("Ulaanbaatar hosted"),
   the object of a visit ("visited Pyongyang"), or a location phrase ("in Seoul", "in the
   Mongolian capital"); a place is mapped to its state with the ``places`` table of the YAML
   file. A hosted meeting with at least two other states taking part is recoded as a
   meeting at a third location (CAMEO 044) and flagged ``mediation``.
6. **Dates of the row.** ``date`` is ISO 8601 partial ('2014', '2014-03', '2014-03-15', a
   decade as '199X'); ``date_precision`` is one of day, month, year, decade (explicit),
   relative-day, relative-month, relative-year (resolved from the publication date, or a
   headline's date), anaphoric-month, anaphoric-year (from the previous dated sentence); see
   :mod:`mongolia_analysis.dates`.
7. **Modality.** ``negated`` from cue words just before the trigger ("did not", "never") or
   just after ("which has never materialized"); ``hypothetical`` from modal and planning
   cues near the trigger ("will convene", "has been proposed", "willing to", "could") or a
   year after the publication year.

:func:`cluster_events` then groups reports of the same happening across documents.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import yaml

from . import schema, yamldata
from .dates import DateExpression, find_dates, parse_iso, resolve_date, to_iso
from .errors import DataFileError
from .paths import data_file
from .prefilter import PatternGate, build_gate, fold_case

#: Largest gap in characters between a trigger and the date it is bound to.
MAX_GAP = 160
#: Triggers at most this much farther from the date than the nearest compete on priority.
PRIORITY_SLACK = 40
#: How far before a hosting word its subject may stand ("Mongolia ... hosted").
SUBJECT_REACH = 120
#: Quotes longer than this are statements: the actors they name are not the event's actors.
LONG_QUOTE = 60
#: Entity types that can be actors of an event (places only give the host).
ACTOR_TYPES = frozenset({"country", "person", "organization", "forum"})
HOST_ROLES = frozenset({"subject", "object", "none"})

#: A clause break. Every break starts with a space or one of ``;:—,``: the lookahead says
#: so first, which rejects the other positions at once (the same matches, twice as fast).
RE_CLAUSE_BREAK = re.compile(
    r"(?=[\s;:—,])"
    r"(?:\s*(?:;|:(?!\d)|\s[—–-]{1,2}\s|—)\s*"
    r"|,\s+(?=(?:but|while|whereas|although|though|however|yet)\b)"
    r"|\s+(?=but\s))",
)
RE_QUOTED = re.compile(r"“[^”]{1,300}”|\"[^\"]{1,300}\"|«[^»]{1,300}»|‘[^’]{4,300}’(?!\w)")
RE_HOSTED_BY = re.compile(r"\bhosted\s+by\s+(?:the\s+)?$", re.IGNORECASE)
RE_LOCATION_BEFORE = re.compile(r"\b(?:in|at|inside)\s+(?:the\s+)?$", re.IGNORECASE)
RE_DESTINATION_BEFORE = re.compile(r"(?:\b(?:to|in|at)\s+(?:the\s+)?|^\s*(?:the\s+)?)$", re.I)
#: Matched at the end of a country mention (``match(text, end)``).
RE_CAPITAL_AFTER = re.compile(r"(?:['’]s)?\s+capital\b", re.IGNORECASE)
RE_ISO3 = re.compile(r"^[A-Z]{3}$")
RE_PLACE_PREFIX = re.compile(r"^(?:place|city|capital|loc)[:\s-]+")
NORM_CACHE_SIZE = 4096
RE_WORD = re.compile(r"[\w’'-]+")
RE_PHRASE_END = re.compile(r"[,;:.!?()]")
#: A modal verb: a happening named by a noun after it is a possibility of its own ("offered to
#: host a summit, adding that Ulaanbaatar would be a suitable venue for a summit").
RE_MODAL = re.compile(r"\b(?:would|could|will|might|may|shall)\b", re.IGNORECASE)
#: "... and again in 2015": the date repeats the happening of the date before it.
RE_AGAIN_BEFORE = re.compile(r"\bagain\s+(?:in\s+|on\s+)?(?:the\s+)?$", re.IGNORECASE)
#: A headline's "X TO VISIT", "X TO HOST": headline English for a future happening.
RE_HEADLINE_FUTURE = re.compile(r"\b(?:to|will)\s+$", re.IGNORECASE)
#: Subjects that point back to the states named before ("The two countries established
#: relations in 1972"): such a clause may take its actors from an earlier paragraph.
RE_ANAPHOR = re.compile(
    r"\b(?:the\s+two|both)\s+(?:countries|governments|sides|states|nations|leaders|capitals)\b",
    re.IGNORECASE,
)
#: A speech verb right after a quote: the quote is a statement, not a title.
RE_SPEECH_AFTER = re.compile(
    r"\s*,?\s*(?:[\w.’'-]+\s+){0,6}?(?:said|says|told|stated|noted|added|wrote|announced|"
    r"declared|stressed|insisted)\b",
    re.IGNORECASE,
)
#: A negation inside a trigger phrase ("sent no delegation", "held no talks").
RE_NEGATION_INSIDE = re.compile(r"\b(?:no|not|never)\b", re.IGNORECASE)
#: Dates that end a period rather than date a happening ("until 2008", "by 2010").
END_QUALIFIERS = frozenset({"until", "by"})


# ----------------------------------------------------------------------------------------
# the lexicon
@dataclass(frozen=True, slots=True)
class EventType:
    """One event type of the lexicon (an entry of ``event_types`` in the YAML file)."""

    name: str
    cameo: str
    plover: str
    description: str
    priority: int
    host_role: str = "none"
    host_modifier: bool = False
    minor: bool = False
    when_hosted: str | None = None
    third_party: str | None = None
    mediation: bool = False
    participation: bool = False


@dataclass(frozen=True, slots=True)
class Trigger:
    """A compiled trigger pattern and the event type it signals."""

    pattern: re.Pattern[str]
    event_type: str
    noun: bool = False


@dataclass(frozen=True)
class EventLexicon:
    """Everything :func:`extract_events` reads from ``data/event_types.yaml``."""

    types: Mapping[str, EventType]
    triggers: tuple[Trigger, ...]
    not_triggers: tuple[re.Pattern[str], ...]
    negation_before: re.Pattern[str]
    negation_after: re.Pattern[str]
    negation_window: int
    hypothetical: re.Pattern[str]
    hypothetical_after_window: int
    places: Mapping[str, str]
    #: event type → the group of types that can describe the same happening (clustering)
    kinship: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def gate(self) -> PatternGate:
        """Which trigger (then not-trigger) patterns can match a text: see :mod:`.prefilter`
        (a pattern such as "sent ... delegation" runs only when both words occur)."""
        return build_gate(
            [t.pattern for t in self.triggers] + list(self.not_triggers), every_literal=True
        )

    @cached_property
    def hypothetical_gate(self) -> PatternGate:
        """Whether the hypothetical cues can match a text at all."""
        return build_gate([self.hypothetical])


def _compile(source: str, pattern: str, entry: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE | re.MULTILINE)
    except re.error as exc:
        raise DataFileError(f"{source}: entry {entry!r}: bad regular expression: {exc}") from exc


def _alternation(words: Iterable[str]) -> str:
    """Phrases, longest first, between word boundaries (one check for all the phrases: the
    same matches as a check per phrase, several times faster).

    >>> print(_alternation(["held talks", "met"]))
    (?<![\\w-])(?:held\\s+talks|met)(?![\\w-])
    """
    words = sorted({str(w) for w in words}, key=len, reverse=True)
    if not words:
        return r"(?!x)x"
    bodies = (r"\s+".join(re.escape(word) for word in phrase.split()) for phrase in words)
    return r"(?<![\w-])(?:" + "|".join(bodies) + r")(?![\w-])"


def parse_event_lexicon(
    data: Mapping[str, Any], *, source: str = "event_types.yaml"
) -> EventLexicon:
    """Build an :class:`EventLexicon` from the parsed YAML mapping.

    Raises:
        DataFileError: naming the file and the entry when an entry is malformed.

    >>> lex = parse_event_lexicon({"event_types": {"visit": {"cameo": "042",
    ...     "plover": "CONSULT", "priority": 1, "triggers": ["visited"]}}})
    >>> lex.types["visit"].cameo, lex.triggers[0].pattern.search("He visited Seoul").group(0)
    ('042', 'visited')
    """
    if not isinstance(data, Mapping) or not isinstance(data.get("event_types"), Mapping):
        raise DataFileError(f"{source}: needs a mapping 'event_types: {{name: {{...}}}}'")
    types: dict[str, EventType] = {}
    triggers: list[Trigger] = []
    for name, entry in data["event_types"].items():
        if not isinstance(entry, Mapping):
            raise DataFileError(f"{source}: entry {name!r} must be a mapping")
        missing = [key for key in ("cameo", "plover") if not entry.get(key)]
        if missing:
            raise DataFileError(f"{source}: entry {name!r} lacks {missing}")
        cameo = str(entry["cameo"])
        if not re.fullmatch(r"\d{3,4}", cameo):
            raise DataFileError(
                f"{source}: entry {name!r}: cameo {cameo!r} is not a code like '043'"
            )
        host_role = str(entry.get("host_role", "none"))
        if host_role not in HOST_ROLES:
            raise DataFileError(
                f"{source}: entry {name!r}: host_role must be one of {sorted(HOST_ROLES)}"
            )
        try:
            priority = int(entry.get("priority", 0))
        except (TypeError, ValueError):
            raise DataFileError(f"{source}: entry {name!r}: priority must be a number") from None
        types[str(name)] = EventType(
            name=str(name), cameo=cameo, plover=str(entry["plover"]).upper(),
            description=str(entry.get("description", "")), priority=priority,
            host_role=host_role, host_modifier=bool(entry.get("host_modifier", False)),
            minor=bool(entry.get("minor", False)),
            when_hosted=entry.get("when_hosted"), third_party=entry.get("third_party"),
            mediation=bool(entry.get("mediation", False)),
            participation=bool(entry.get("participation", False)),
        )  # fmt: skip
        literal = entry.get("triggers") or []
        nouns = entry.get("nouns") or []
        patterns = entry.get("patterns") or []
        if not all(isinstance(x, list) for x in (literal, nouns, patterns)):
            raise DataFileError(f"{source}: entry {name!r}: triggers/nouns/patterns must be lists")
        if not literal and not nouns and not patterns:
            raise DataFileError(f"{source}: entry {name!r} has no triggers, nouns or patterns")
        if literal:
            triggers.append(Trigger(_compile(source, _alternation(literal), str(name)), str(name)))
        if nouns:
            triggers.append(
                Trigger(_compile(source, _alternation(nouns), str(name)), str(name), noun=True)
            )
        for pattern in patterns:
            triggers.append(Trigger(_compile(source, str(pattern), str(name)), str(name)))
    for name, event_type in types.items():
        for key in ("third_party", "when_hosted"):
            target = getattr(event_type, key)
            if target and target not in types:
                raise DataFileError(f"{source}: entry {name!r}: {key} {target!r} is not a type")
    negation = data.get("negation") or {}
    hypothetical = data.get("hypothetical") or {}
    places = data.get("places") or {}
    if not isinstance(places, Mapping) or not all(
        isinstance(v, str) and RE_ISO3.match(v) for v in places.values()
    ):
        raise DataFileError(f"{source}: 'places' must map place names to ISO3 codes")
    return EventLexicon(
        types=types,
        triggers=tuple(triggers),
        not_triggers=tuple(
            _compile(source, str(p), "not_triggers") for p in data.get("not_triggers") or []
        ),
        negation_before=_compile(
            source, r"(?:" + _alternation(negation.get("before", [])) + r")", "negation"
        ),
        negation_after=_compile(
            source,
            r"^\W*(?:[\w’'-]+\W+){0,5}?(?:" + _alternation(negation.get("after", [])) + r")",
            "negation",
        ),
        negation_window=int(negation.get("window", 3)),
        hypothetical=_compile(source, _alternation(hypothetical.get("cues", [])), "hypothetical"),
        hypothetical_after_window=int(hypothetical.get("after_window", 4)),
        places={_norm(str(k)): str(v) for k, v in places.items()},
        kinship=_kinship(data.get("same_happening", []), types, source),
    )


def _kinship(groups: Any, types: Mapping[str, Any], source: str) -> dict[str, str]:
    """Map each event type in a ``same_happening`` group to the group's first type."""
    if not isinstance(groups, list):
        raise DataFileError(f"{source}: 'same_happening' must be a list of lists of event types")
    kin: dict[str, str] = {}
    for number, group in enumerate(groups, 1):
        if not isinstance(group, list) or not group:
            raise DataFileError(f"{source}: same_happening group {number} must be a list of types")
        unknown = [name for name in group if name not in types]
        if unknown:
            raise DataFileError(
                f"{source}: same_happening group {number} names unknown event types {unknown}"
            )
        for name in group:
            kin[str(name)] = str(group[0])
    return kin


def load_event_lexicon(path: str | Path | None = None) -> EventLexicon:
    """Read the trigger lexicon (default: the packaged ``data/event_types.yaml``)."""
    if path is None:
        return _default_lexicon()
    path = Path(path)
    try:
        data = yamldata.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"{path}: cannot read the event lexicon: {exc}") from exc
    return parse_event_lexicon(data, source=str(path))


@cache
def _default_lexicon() -> EventLexicon:
    return load_event_lexicon(data_file("event_types.yaml"))


@lru_cache(maxsize=NORM_CACHE_SIZE)
def _norm(value: str) -> str:
    """A place name or id as the place table keys it (the same few names recur)."""
    value = value.lower().replace("_", " ").strip()
    value = RE_PLACE_PREFIX.sub("", value)
    return " ".join(value.replace(".", " ").split())


# ----------------------------------------------------------------------------------------
# pieces of a sentence
class Mention(NamedTuple):
    """An actor mention with offsets relative to its sentence. A named tuple: cheaper to make
    than a frozen dataclass, and every mention of the corpus becomes one."""

    start: int
    end: int
    entity_id: str
    entity_type: str
    country: str | None  # the state it locates (countries, places, "the Mongolian capital")


@dataclass(frozen=True, slots=True)
class Hit:
    """A trigger match in a sentence."""

    start: int
    end: int
    text: str
    event_type: EventType
    noun: bool = False


def split_clauses(text: str) -> list[tuple[int, int]]:
    """Clause spans of a sentence (offsets into ``text``, trimmed).

    >>> text = "He met Kim in 2014; they signed it, but talks stalled."
    >>> [text[s:e] for s, e in split_clauses(text)]
    ['He met Kim in 2014', 'they signed it', 'but talks stalled.']
    """
    spans: list[tuple[int, int]] = []
    begin = 0
    masked = _mask_quotes(text)
    for match in RE_CLAUSE_BREAK.finditer(masked):
        if match.start() > begin:
            spans.append((begin, match.start()))
        begin = max(begin, match.end())
    spans.append((begin, len(text)))
    out = []
    for start, end in spans:
        while start < end and text[start] in " ,":
            start += 1
        while end > start and text[end - 1] in " ,":
            end -= 1
        if end > start:
            out.append((start, end))
    return out


#: What fills a quoted stretch in :func:`_mask_quotes`: neither a space nor a clause break
#: (a long run of spaces would make :data:`RE_CLAUSE_BREAK` backtrack at each of them).
QUOTE_MASK = "x"


def _mask_quotes(text: str) -> str:
    """``text`` with quoted stretches masked out (same length; the quote marks stay, so no
    clause break reaches into the masked stretch).

    >>> _mask_quotes('He said "no; never" twice.')
    'He said "xxxxxxxxx" twice.'
    """
    return RE_QUOTED.sub(
        lambda m: m.group(0)[0] + QUOTE_MASK * (len(m.group(0)) - 2) + m.group(0)[-1], text
    )


def _quoted(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in RE_QUOTED.finditer(text)]


def _inside(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def find_triggers(text: str, lexicon: EventLexicon) -> list[Hit]:
    """Trigger matches in ``text``, outside quoted titles, longest first where they overlap.

    A quoted statement followed by its speaker ("'We are ready to host talks,' the minister
    said") is reported speech: its triggers count.

    >>> [(h.text, h.event_type.cameo) for h in find_triggers("Mongolia hosted talks.",
    ...     load_event_lexicon())]
    [('hosted', '043'), ('talks', '046')]
    """
    return _find_triggers(text, lexicon, folded=fold_case(text))


def _find_triggers(text: str, lexicon: EventLexicon, *, folded: str) -> list[Hit]:
    """:func:`find_triggers`, given the :func:`fold_case` of ``text``."""
    active = lexicon.gate.active(folded)
    n_triggers = len(lexicon.triggers)
    if not any(index < n_triggers for index in active):
        return []
    quoted = [(s, e) for s, e in _quoted(text) if not RE_SPEECH_AFTER.match(text, e)]
    blocked = quoted + [
        (m.start(), m.end())
        for index, p in enumerate(lexicon.not_triggers, n_triggers)
        if index in active
        for m in p.finditer(text)
    ]
    hits: list[Hit] = []
    for index in sorted(active):  # in lexicon order, as the sort below breaks ties
        if index >= n_triggers:
            break
        trigger = lexicon.triggers[index]
        for match in trigger.pattern.finditer(text):
            if match.end() == match.start():
                continue
            if _overlaps(match.start(), match.end(), blocked):
                continue
            hits.append(
                Hit(
                    match.start(), match.end(), match.group(0),
                    lexicon.types[trigger.event_type], trigger.noun,
                )
            )  # fmt: skip
    hits.sort(key=lambda h: (-(h.end - h.start), -h.event_type.priority, h.start))
    kept: list[Hit] = []
    for hit in hits:
        if not _overlaps(hit.start, hit.end, [(k.start, k.end) for k in kept]):
            kept.append(hit)
    return sorted(kept, key=lambda h: h.start)


#: What events read of a mention row (see :func:`_mentions_by_sentence`).
MENTION_FIELDS = ("start", "end", "entity_type", "entity_id", "name", "surface")


def _place_country(
    entity_id: str | None, name: str | None, surface: str | None, lexicon: EventLexicon
) -> str | None:
    for value in (entity_id, name, surface):
        if isinstance(value, str) and value:
            found = lexicon.places.get(_norm(value))
            if found:
                return found
    if isinstance(entity_id, str) and RE_ISO3.match(entity_id):
        return entity_id
    return None


def _sentence_mentions(
    rows: Iterable[tuple[Any, ...]], offset: int, text: str, lexicon: EventLexicon
) -> list[Mention]:
    """The mentions of a sentence (``rows``: values of :data:`MENTION_FIELDS`)."""
    out: list[Mention] = []
    for row_start, row_end, row_type, row_id, name, surface in rows:
        start, end = int(row_start) - offset, int(row_end) - offset
        if start < 0 or end > len(text) or end <= start:
            continue
        entity_type = str(row_type or "")
        entity_id = str(row_id or "")
        if not entity_id:
            continue
        country: str | None = None
        if entity_type == "country":
            country = entity_id
            if RE_CAPITAL_AFTER.match(text, end):  # "the Mongolian capital" is a place
                entity_type = "place"
        elif entity_type == "place":
            country = _place_country(row_id, name, surface, lexicon)
        out.append(Mention(start, end, entity_id, entity_type, country))
    return sorted(out, key=lambda m: (m.start, m.end))


def _sentence_actors(rows: Iterable[tuple[Any, ...]], offset: int, text: str) -> tuple[str, ...]:
    """The sorted ids of the actors among a sentence's mentions: the same as those of
    :func:`_sentence_mentions` with an entity type in :data:`ACTOR_TYPES`, without making
    the mentions (most sentences only pass their actors on to the next ones)."""
    found: set[str] = set()
    length = len(text)
    for row_start, row_end, row_type, row_id, _name, _surface in rows:
        entity_type = str(row_type or "")
        if entity_type not in ACTOR_TYPES:
            continue
        start, end = int(row_start) - offset, int(row_end) - offset
        if start < 0 or end > length or end <= start:
            continue
        entity_id = str(row_id or "")
        if not entity_id:
            continue
        if entity_type == "country" and RE_CAPITAL_AFTER.match(text, end):
            continue  # "the Mongolian capital" is a place
        found.add(entity_id)
    return tuple(sorted(found))


@dataclass(frozen=True)
class MentionRows:
    """The values of :data:`MENTION_FIELDS` of a mentions table, by sentence: ``columns``
    hold the rows of each sentence together, ``spans`` say where, by (doc_id, sent_id).
    A sentence's rows become tuples only when asked for (:meth:`rows`)."""

    spans: Mapping[tuple[str, int], tuple[int, int]]
    columns: tuple[Sequence[Any], ...]

    def rows(self, span: tuple[int, int] | None) -> list[tuple[Any, ...]]:
        """The rows of a sentence, in table order (none for ``span`` None).

        >>> MentionRows({("d", 0): (1, 2)}, ([0, 3], [2, 9])).rows((1, 2))
        [(3, 9)]
        """
        if span is None:
            return []
        begin, end = span
        return list(zip(*(column[begin:end] for column in self.columns), strict=True))


@dataclass(slots=True)
class _Named:
    """A sentence with mentions (its ``span`` of ``source``), whose actors
    (:func:`_sentence_actors`) are worked out the first time a later sentence asks for them
    (most never are)."""

    source: MentionRows
    span: tuple[int, int]
    offset: int
    text: str
    found: tuple[str, ...] | None = None

    def actors(self) -> tuple[str, ...]:
        """The sorted ids of the actors the sentence names."""
        if self.found is None:
            rows = self.source.rows(self.span)
            self.found = _sentence_actors(rows, self.offset, self.text)
        return self.found


def _last_actors(trail: list[_Named] | None) -> tuple[str, ...]:
    """The actors of the last sentence of ``trail`` (earlier sentences of a paragraph or
    document, in order) that names any; ``trail`` is cut to that sentence, the only one a
    later question can still need.

    >>> rows = MentionRows({}, ([0, 0], [5, 5], ["country", "place"], ["KOR", "P"], [None] * 2,
    ...     [None] * 2))
    >>> trail = [_Named(rows, (0, 1), 0, "Korea"), _Named(rows, (1, 2), 0, "Seoul")]
    >>> _last_actors(trail), len(trail), _last_actors([])
    (('KOR',), 1, ())
    """
    while trail:
        actors = trail[-1].actors()
        if actors:
            del trail[:-1]
            return actors
        trail.pop()
    return ()


def _para_number(value: Any) -> int | None:
    """A ``para_id`` value as an int, None when missing (most are ints already)."""
    if type(value) is int:
        return value
    return None if pd.isna(value) else int(value)


# ----------------------------------------------------------------------------------------
# dates of a sentence
def _date_precision_from_iso(iso: str | None) -> str | None:
    year, month, day = parse_iso(iso)
    if year is None:
        return None
    if day is not None:
        return "relative-day"
    return "relative-month" if month is not None else "relative-year"


def _sentence_dates(
    text: str, *, published: str | None, previous: DateExpression | None
) -> tuple[list[DateExpression], str | None]:
    """Resolved event dates of a sentence, and the publication stamp if it carries one."""
    found = find_dates(text)
    if not found:
        return [], None
    quoted = _quoted(text)
    stamp = next((d for d in found if d.published and not d.relative), None)
    anchor = stamp.iso if stamp is not None else published
    absolute = [d for d in found if not d.relative and not d.published]
    out: list[DateExpression] = []
    last_absolute = previous
    for expr in found:
        if expr.published or _inside(expr.start, expr.end, quoted):
            continue
        if expr.relative:
            # "this year, 2024": the explicit year says it all
            if any(0 <= a.start - expr.end <= 3 for a in absolute):
                continue
            if (
                expr.unit == "day"
                and expr.month is None
                and expr.offset == 0
                and (expr.start == 0 and text[expr.end : expr.end + 1] == ",")
            ):
                continue  # sentence-initial "Today, ..." means nowadays
            resolved = resolve_date(expr, published=anchor, previous=last_absolute)
            if resolved is None:
                continue
            out.append(resolved)
        else:
            out.append(expr)
            last_absolute = expr
    return out, (stamp.iso if stamp is not None else None)


# ----------------------------------------------------------------------------------------
# one clause → events
def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, b[0] - a[1], a[0] - b[1])


@dataclass(frozen=True, slots=True)
class Binding:
    """A date and the triggers that code it: the primary one and all nearly as close."""

    date: DateExpression
    primary: Hit
    near: tuple[Hit, ...]


def _bind(
    dates: Sequence[DateExpression],
    hits: Sequence[Hit],
    *,
    text: str = "",
    standalone: frozenset[Hit] = frozenset(),
) -> list[Binding]:
    """Pair dates with triggers: one binding per date and PLOVER category.

    A date left without triggers takes the nearest ones ("In 2007 and again in 2012, Mongolia
    hosted talks"), unless it only ends a period ("until 2008", "by 2010"); a date after
    "again" repeats the happening of the date before it ("visited in 2013 and again in
    October 2015"). ``standalone`` are noun triggers with a modal of their own (see
    :func:`_choose`).
    """
    if not dates or not hits:
        return []
    bound: dict[int, list[tuple[Hit, int]]] = {i: [] for i in range(len(dates))}
    for hit in hits:
        gaps = [(_gap((hit.start, hit.end), (d.start, d.end)), i) for i, d in enumerate(dates)]
        gap, index = min(gaps)
        if gap <= MAX_GAP:
            bound[index].append((hit, gap))
    bindings: list[Binding] = []
    for index, date in enumerate(dates):
        candidates = bound[index]
        if index and RE_AGAIN_BEFORE.search(text[max(0, date.start - 20) : date.start]):
            earlier = [h for h, _ in bound[index - 1]]
            candidates = [(h, _gap((h.start, h.end), (date.start, date.end))) for h in earlier]
        if not candidates:  # "In 2007 and again in 2012, Mongolia hosted talks"
            if date.qualifier in END_QUALIFIERS:
                continue
            nearby = [(h, _gap((h.start, h.end), (date.start, date.end))) for h in hits]
            nearby = [(h, g) for h, g in nearby if g <= MAX_GAP]
            if not nearby:
                continue
            closest = min(g for _, g in nearby)
            candidates = [(h, g) for h, g in nearby if g <= closest + PRIORITY_SLACK]
        bindings.extend(_choose(date, candidates, standalone=standalone))
    return bindings


def _choose(
    date: DateExpression,
    candidates: Sequence[tuple[Hit, int]],
    *,
    standalone: frozenset[Hit] = frozenset(),
) -> list[Binding]:
    """Bindings of one date: one per PLOVER category among its triggers.

    Hosting words only say where (they join every binding); minor types ("established")
    give way to any other trigger of the date; a category named only by nouns gives way to
    categories with a verb, unless one of its nouns is ``standalone`` (a possibility stated on
    its own: "would be a suitable venue for a summit"); within a category the highest
    priority among the nearly-nearest wins.
    """
    modifiers = [(h, g) for h, g in candidates if h.event_type.host_modifier]
    activities = [(h, g) for h, g in candidates if not h.event_type.host_modifier]
    major = [(h, g) for h, g in activities if not h.event_type.minor]
    activities = major or activities
    if not activities:
        activities = modifiers
    groups: dict[str, list[tuple[Hit, int]]] = {}
    for hit, gap in activities:
        groups.setdefault(hit.event_type.plover, []).append((hit, gap))
    verbal = {k: v for k, v in groups.items() if any(not h.noun or h in standalone for h, _ in v)}
    if verbal and len(groups) > 1:  # "the talks, which disbanded": nouns name, verbs happen
        groups = verbal
    closest_all = min(g for _, g in candidates)
    near_all = [h for h, g in candidates if g <= closest_all + PRIORITY_SLACK]
    bindings = []
    for members in groups.values():
        closest = min(g for _, g in members)
        near = [(h, g) for h, g in members if g <= closest + PRIORITY_SLACK]
        primary = max(near, key=lambda i: (i[0].event_type.priority, -i[1], -i[0].start))[0]
        context = {id(h): h for h in [*near_all, *(h for h, _ in near), *(h for h, _ in modifiers)]}
        ordered = tuple(sorted(context.values(), key=lambda h: h.start))
        bindings.append(Binding(date, primary, ordered))
    return sorted(bindings, key=lambda b: b.primary.start)


def _host(
    binding: Binding, clause: tuple[int, int], mentions: Sequence[Mention], text: str
) -> tuple[str | None, Mention | None]:
    """The host state (or hosting organisation) of an event, and the mention that names it."""
    primary = binding.primary
    inside = [m for m in mentions if clause[0] <= m.start and m.end <= clause[1]]
    hostable = [m for m in inside if m.country and m.entity_type in {"country", "place"}]
    for mention in inside:  # "hosted by X"
        if RE_HOSTED_BY.search(text[max(clause[0], mention.start - 20) : mention.start]):
            return (mention.country or mention.entity_id), mention

    def subject(hit: Hit) -> Mention | None:
        before = [m for m in hostable if m.end <= hit.start and hit.start - m.end <= SUBJECT_REACH]
        return before[-1] if before else None

    for hit in binding.near:  # "Mongolia hosted", "Ulaanbaatar was the site for"
        if hit.event_type.host_modifier and (found := subject(hit)):
            return found.country, found
    located = [
        m
        for m in hostable
        if RE_LOCATION_BEFORE.search(text[max(clause[0], m.start - 12) : m.start])
        and not re.match(r"^['’]s\b", text[m.end : m.end + 3])
    ]
    after = [m for m in located if 0 <= m.start - primary.end <= 60]
    if after:  # "a reunion in the Mongolian capital"
        return after[0].country, after[0]
    for hit in binding.near:
        if hit.event_type.host_role == "subject" and (found := subject(hit)):
            return found.country, found
    for hit in binding.near:  # "visited Pyongyang", "a visit to Mongolia"
        if hit.event_type.host_role != "object":
            continue
        for mention in hostable:
            if 0 <= mention.start - hit.end <= 80 and RE_DESTINATION_BEFORE.search(
                text[hit.end : mention.start]
            ):
                return mention.country, mention
    if located:
        chosen = min(located, key=lambda m: _gap((m.start, m.end), (primary.start, primary.end)))
        return chosen.country, chosen
    return None, None


def _window_words(text: str, start: int, end: int) -> list[re.Match[str]]:
    return list(RE_WORD.finditer(text, start, end))


#: How far back :func:`_last_words` first looks for each word it wants.
WORD_REACH = 12


def _last_words(text: str, start: int, end: int, count: int) -> list[re.Match[str]]:
    """``_window_words(text, start, end)[-count:]``, reading back from ``end`` only as far
    as needed: a word is a maximal run of word characters, so past the first word of a
    window (which may be cut) the window's words are those of the whole span.

    >>> text = "they did not ever hold talks"
    >>> [m.group(0) for m in _last_words(text, 0, 22, 3)] == [
    ...     m.group(0) for m in _window_words(text, 0, 22)[-3:]]
    True
    """
    if count <= 0:  # as [-0:]: all of them
        return _window_words(text, start, end)
    reach = WORD_REACH * count
    while True:
        begin = max(start, end - reach)
        words = _window_words(text, begin, end)
        if begin == start or len(words) > count:
            return words[-count:]
        reach *= 2


def _negated(hit: Hit, clause: tuple[int, int], text: str, lexicon: EventLexicon) -> bool:
    if RE_NEGATION_INSIDE.search(hit.text):  # "sent no delegation"
        return True
    words = _last_words(text, clause[0], hit.start, lexicon.negation_window)
    if words and lexicon.negation_before.search(text, words[0].start(), hit.start):
        return True
    return bool(lexicon.negation_after.search(text[hit.end : min(clause[1], hit.end + 60)]))


def _hypothetical(
    hit: Hit,
    clause: tuple[int, int],
    text: str,
    lexicon: EventLexicon,
    date_spans: Sequence[tuple[int, int]],
) -> bool:
    """Whether a hypothetical cue stands near ``hit`` (outside dates); the caller has
    checked that the sentence holds a cue word at all (:class:`SentenceFacts`)."""
    before = _last_words(text, clause[0], hit.end, 8)  # the trigger itself too
    stop = RE_PHRASE_END.search(text, hit.end, clause[1])
    after = _window_words(text, hit.end, stop.start() if stop else clause[1])
    after = after[: lexicon.hypothetical_after_window]
    for words in (before, after):
        if not words:
            continue
        for match in lexicon.hypothetical.finditer(text, words[0].start(), words[-1].end()):
            if not _overlaps(match.start(), match.end(), date_spans):
                return True
    return False


# ----------------------------------------------------------------------------------------
# the extractor
def extract_events(
    sentences: pd.DataFrame,
    mentions: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    lexicon: EventLexicon | None = None,
    headlines: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Dated events of the analysed sentences, coded on CAMEO and PLOVER.

    Args:
        sentences: the ``sentences`` table (body and headline sentences).
        mentions: the ``mentions`` table of the same sentences.
        documents: the ``documents`` table (``published`` anchors relative dates).
        lexicon: the trigger lexicon; default ``data/event_types.yaml``.
        headlines: the ``headlines`` table: each ticker headline is then dated (and its
            relative cues resolved) by its own ``published`` date rather than the ticker's.

    Returns:
        The ``events`` table: one row per (clause, date) with a trigger and at least one
        actor or host; ``text == corpus.text(doc_id)[start:end]`` (the clause).

    >>> s = pd.DataFrame({"doc_id": ["d-1"], "para_id": [0], "sent_id": [0], "role": ["body"],
    ...     "text": ["In May 2019, Kazakhstan hosted talks between Armenia and Azerbaijan."],
    ...     "start": [0], "end": [68]})
    >>> m = schema.conform([{"doc_id": "d-1", "sent_id": 0, "start": s0, "end": e0,
    ...     "surface": n, "entity_id": i, "entity_type": "country", "name": n, "method": "x"}
    ...     for s0, e0, n, i in [(13, 23, "Kazakhstan", "KAZ"), (45, 52, "Armenia", "ARM"),
    ...     (57, 67, "Azerbaijan", "AZE")]], "mentions")
    >>> row = extract_events(s, m, pd.DataFrame({"doc_id": [], "published": []})).iloc[0]
    >>> row["date"], row["cameo"], row["actors"], row["host"], bool(row["mediation"])
    ('2019-05', '044', ('ARM', 'AZE'), 'KAZ', True)
    """
    lexicon = lexicon or _default_lexicon()
    if sentences is None or len(sentences) == 0:
        return schema.empty("events")
    published = _published_by_doc(documents)
    item_dates = _headline_dates(headlines)
    by_sentence = _mentions_by_sentence(mentions)
    rows: list[dict[str, Any]] = []
    ordered = sentences.sort_values(["doc_id", "sent_id"], kind="stable")
    previous: dict[tuple[str, Any], DateExpression] = {}
    # the sentences that may name actors, of each paragraph and document (see _last_actors)
    para_trails: dict[tuple[str, Any], list[_Named]] = {}
    doc_trails: dict[str, list[_Named]] = {}
    names = list(ordered.columns)
    columns = {name: schema.values(ordered, name, shared=name != "text") for name in names}
    texts = columns["text"] if "text" in columns else schema.values(ordered, "text")
    roles = columns["role"] if "role" in columns else schema.values(ordered, "role")
    para_ids = columns["para_id"] if "para_id" in columns else schema.values(ordered, "para_id")
    for index, (doc_id, sent_id, text) in enumerate(
        zip(columns["doc_id"], columns["sent_id"], texts, strict=True)
    ):
        doc_id = str(doc_id)
        if not isinstance(text, str) or not text.strip():
            continue
        para_key = (doc_id, _para_number(para_ids[index]))
        sent_key = (doc_id, int(sent_id))
        own_date = item_dates.get(sent_key)
        dates, stamp = _sentence_dates(
            text, published=own_date or published.get(doc_id), previous=previous.get(para_key)
        )
        for date in dates:
            if not date.relative and date.precision != "decade":
                previous[para_key] = date
        mention_span = by_sentence.spans.get(sent_key)
        offset = int(columns["start"][index])
        anchor = stamp or own_date or published.get(doc_id)
        headline_date = anchor if roles[index] == "headline" else None
        hits: list[Hit] = []
        if dates or headline_date:  # an event needs a date: of its own, or a dated headline's
            folded = fold_case(text)
            hits = _find_triggers(text, lexicon, folded=folded)
        if hits:  # the actors named before this sentence
            context = _last_actors(para_trails.get(para_key))
            if not context and RE_ANAPHOR.search(text):  # "the two countries"
                context = _last_actors(doc_trails.get(doc_id))
        if mention_span is not None:
            named = _Named(by_sentence, mention_span, offset, text)
            para_trails.setdefault(para_key, []).append(named)
            doc_trails.setdefault(doc_id, []).append(named)
        if not hits:
            continue
        sent_mentions = _sentence_mentions(by_sentence.rows(mention_span), offset, text, lexicon)
        record = {name: columns[name][index] for name in names}
        rows.extend(
            _sentence_events(
                record, text, dates, hits, sent_mentions, lexicon,
                headline_date=headline_date, published=anchor, context_actors=context,
                folded=folded,
            )
        )  # fmt: skip
    if not rows:
        return schema.empty("events")
    frame = schema.conform(rows, "events")
    frame = frame.drop_duplicates(["doc_id", "start", "end", "year", "event_type"])
    return frame.sort_values(["doc_id", "start", "year"], kind="stable").reset_index(drop=True)


def _headline_dates(headlines: pd.DataFrame | None) -> dict[tuple[str, int], str]:
    """(doc_id, sent_id) → a ticker headline's own publication date."""
    if headlines is None or not len(headlines) or "published" not in headlines:
        return {}
    out = {}
    for row in schema.records(headlines, ["doc_id", "sent_id", "published"]):
        value = row["published"]
        if (
            isinstance(value, str)
            and parse_iso(value)[0] is not None
            and not pd.isna(row["sent_id"])
        ):
            out[(str(row["doc_id"]), int(row["sent_id"]))] = value
    return out


def _published_by_doc(documents: pd.DataFrame | None) -> dict[str, str]:
    if documents is None or not len(documents) or "published" not in documents:
        return {}
    out = {}
    for doc_id, value in zip(documents["doc_id"], documents["published"], strict=False):
        if isinstance(value, str) and parse_iso(value)[0] is not None:
            out[str(doc_id)] = value
    return out


def _mentions_by_sentence(mentions: pd.DataFrame | None) -> MentionRows:
    """The mentions' :class:`MentionRows` (rows without a sentence or offsets are left out):
    sorted by sentence a column at a time, each sentence's rows in table order."""
    empty = MentionRows({}, ())
    if mentions is None or not len(mentions):
        return empty
    if any(name not in mentions.columns for name in ("sent_id", "start", "end")):
        return empty
    usable = mentions["sent_id"].notna() & mentions["start"].notna() & mentions["end"].notna()
    if not usable.all():
        mentions = mentions[usable]
    if not len(mentions):
        return empty
    doc_ids = [str(doc_id) for doc_id in schema.values(mentions, "doc_id", shared=True)]
    codes, uniques = pd.factorize(np.asarray(doc_ids, dtype=object))
    sent_ids = np.asarray([int(sent_id) for sent_id in schema.values(mentions, "sent_id")])
    order = np.lexsort((np.arange(len(codes)), sent_ids, codes))  # stable, by sentence
    if (order[1:] < order[:-1]).any():
        mentions, codes, sent_ids = mentions.take(order), codes[order], sent_ids[order]
    columns = tuple(schema.values(mentions, name, shared=True) for name in MENTION_FIELDS)
    breaks = np.flatnonzero((codes[1:] != codes[:-1]) | (sent_ids[1:] != sent_ids[:-1])) + 1
    starts = [0, *breaks.tolist()]
    ends = [*starts[1:], len(codes)]
    keys = zip(
        np.asarray(uniques, dtype=object)[codes[starts]].tolist(),
        sent_ids[starts].tolist(),
        strict=True,
    )
    return MentionRows(dict(zip(keys, zip(starts, ends, strict=True), strict=True)), columns)


def _sentence_events(
    record: Mapping[str, Any],
    text: str,
    dates: Sequence[DateExpression],
    hits: Sequence[Hit],
    mentions: Sequence[Mention],
    lexicon: EventLexicon,
    *,
    headline_date: str | None,
    published: str | None,
    context_actors: tuple[str, ...] = (),
    folded: str | None = None,
) -> list[dict[str, Any]]:
    """Events of one sentence. A clause that names no actor and no host takes the actors of
    the clause or sentence before it in the paragraph ("The two countries established
    diplomatic relations in 1972", "in 2021 the exercise went ahead"). ``folded``: the
    :func:`fold_case` of ``text`` if already made."""
    rows: list[dict[str, Any]] = []
    offset = int(record["start"])
    facts = _sentence_facts(text, mentions, lexicon, published=published, folded=folded)
    for clause in split_clauses(text):
        clause_dates = [d for d in dates if clause[0] <= d.start and d.end <= clause[1]]
        clause_hits = [h for h in hits if clause[0] <= h.start and h.end <= clause[1]]
        clause_actors = tuple(sorted({
            m.entity_id for m in mentions
            if clause[0] <= m.start and m.end <= clause[1] and m.entity_type in ACTOR_TYPES
        }))  # fmt: skip
        fallback, context_actors = context_actors, clause_actors or context_actors
        if not clause_hits:
            continue
        bindings = _bind(
            clause_dates, clause_hits, text=text,
            standalone=_standalone_nouns(clause_hits, clause, text),
        )  # fmt: skip
        if not bindings and headline_date and not clause_dates:
            year, month, day = parse_iso(headline_date)
            best = max(clause_hits, key=lambda h: (h.event_type.priority, -h.start))
            stand_in = DateExpression(
                start=clause[0], end=clause[0], text="", year=year, month=month, day=day,
                precision=_date_precision_from_iso(headline_date) or "relative-year",
                relative=True,
            )  # fmt: skip
            bindings = [Binding(stand_in, best, tuple(clause_hits))]
        major = [h for h in clause_hits if not (h.event_type.minor or h.event_type.host_modifier)]
        if major:  # "... opened on Sunday, with 1,400 troops taking part": one happening
            bindings = [b for b in bindings if not b.primary.event_type.participation]
        if not bindings:
            continue
        negated = {id(h): _negated(h, clause, text, lexicon) for h in clause_hits}
        bindings = _split_negated(bindings, negated)
        for binding in bindings:
            row = _event_row(record, facts, offset, clause, binding, lexicon,
                             negated=negated, fallback_actors=fallback)  # fmt: skip
            if row is not None:
                rows.append(row)
    return rows


def _split_negated(bindings: Sequence[Binding], negated: Mapping[int, bool]) -> list[Binding]:
    """A negated taking part is an event of its own and does not negate the happening it
    names: "North Korea did not attend the Ulaanbaatar Dialogue in June" is a Dialogue held
    in June and a negated attendance; "did not send a delegation to the Dialogue" likewise
    a negated visit and a Dialogue held. ``negated``: :func:`_negated` of each trigger of the
    clause, by ``id``."""
    out = list(bindings)
    for binding in bindings:
        extra: list[Hit] = []
        if negated[id(binding.primary)]:
            extra = [  # the happening named after the negated verb
                h for h in binding.near
                if h.noun and h.start > binding.primary.end
                and not h.event_type.host_modifier
                and h.event_type is not binding.primary.event_type
                and not negated[id(h)]
            ][:1]  # fmt: skip
        else:
            extra = [
                h for h in binding.near
                if h.event_type.participation and negated[id(h)]
            ][:1]  # fmt: skip
        out.extend(Binding(binding.date, h, (h,)) for h in extra)
    return out


def _standalone_nouns(hits: Sequence[Hit], clause: tuple[int, int], text: str) -> frozenset[Hit]:
    """Noun triggers with a modal of their own after any verb trigger before them."""
    out = []
    for hit in hits:
        if not hit.noun:
            continue
        verbs = [h.end for h in hits if not h.noun and h.end <= hit.start]
        begin = max([clause[0], hit.start - 60, *verbs])
        if RE_MODAL.search(text, begin, hit.start):
            out.append(hit)
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class SentenceFacts:
    """What every event row of a sentence reads, found once for the sentence."""

    text: str
    #: spans of all the date expressions of the sentence (resolved or not)
    date_spans: tuple[tuple[int, int], ...]
    #: the mentions outside long quoted statements (whose actors are not the event's)
    mentions: tuple[Mention, ...]
    #: the publication year of the document (or the headline's)
    pub_year: int | None
    #: whether a hypothetical cue word occurs anywhere in the sentence
    hypothetical_cue: bool


def _sentence_facts(
    text: str,
    mentions: Sequence[Mention],
    lexicon: EventLexicon,
    *,
    published: str | None,
    folded: str | None = None,
) -> SentenceFacts:
    """The :class:`SentenceFacts` of ``text`` (``folded``: its :func:`fold_case`, if made)."""
    statements = [(s, e) for s, e in _quoted(text) if e - s > LONG_QUOTE]
    if folded is None:
        folded = fold_case(text)
    return SentenceFacts(
        text=text,
        date_spans=tuple((d.start, d.end) for d in find_dates(text)),
        mentions=tuple(m for m in mentions if not _inside(m.start, m.end, statements)),
        pub_year=parse_iso(published)[0],
        hypothetical_cue=bool(lexicon.hypothetical_gate.active(folded)),
    )


def _event_row(
    record: Mapping[str, Any],
    facts: SentenceFacts,
    offset: int,
    clause: tuple[int, int],
    binding: Binding,
    lexicon: EventLexicon,
    *,
    negated: Mapping[int, bool],
    fallback_actors: tuple[str, ...] = (),
) -> dict[str, Any] | None:
    """The event row of one binding (None without a year, or without actors and host).
    ``negated``: :func:`_negated` of each trigger of the clause, by ``id``."""
    date, hit = binding.date, binding.primary
    if date.year is None:
        return None
    text, mentions = facts.text, facts.mentions
    host, host_mention = _host(binding, clause, mentions, text)
    inside = [m for m in mentions if clause[0] <= m.start and m.end <= clause[1]]
    actors = sorted(
        {m.entity_id for m in inside if m.entity_type in ACTOR_TYPES and m is not host_mention}
        - {host}
    )
    if not actors and host is None:
        if not fallback_actors:
            return None
        actors = list(fallback_actors)
    event_type = hit.event_type
    states = {m.country for m in inside if m.entity_type == "country" and m.country} - {host}
    mediation = event_type.mediation
    hosted = any(h.event_type.host_modifier for h in binding.near)
    if hosted and host is not None and event_type.when_hosted:
        event_type = lexicon.types[event_type.when_hosted]
    if event_type.third_party and host is not None and len(states) >= 2:
        event_type = lexicon.types[event_type.third_party]
        mediation = True
    hypothetical = facts.hypothetical_cue and _hypothetical(
        hit, clause, text, lexicon, facts.date_spans
    )
    if record.get("role") == "headline" and any(  # "PRESIDENT X TO VISIT TOKYO"
        RE_HEADLINE_FUTURE.search(text, max(0, h.start - 8), h.start) for h in binding.near
    ):
        hypothetical = True
    pub_year = facts.pub_year
    if pub_year is not None and date.year > pub_year:
        hypothetical = True
    return {
        "doc_id": record["doc_id"],
        "sent_id": record["sent_id"],
        "start": offset + clause[0],
        "end": offset + clause[1],
        "year": date.year,
        "date": to_iso(date.year, date.month, date.day, decade=date.precision == "decade"),
        "date_precision": date.precision,
        "event_type": event_type.name,
        "cameo": event_type.cameo,
        "plover": event_type.plover,
        "actors": tuple(actors),
        "host": host,
        "mediation": mediation,
        "negated": negated[id(hit)]
        or any(negated[id(h)] for h in binding.near if h.event_type.host_modifier),
        "hypothetical": hypothetical,
        "trigger": hit.text,
        "text": text[clause[0] : clause[1]],
    }


# ----------------------------------------------------------------------------------------
# corroboration
#: An actor present in at least this share of all events (Mongolia, in a corpus about
#: Mongolia) does not identify a happening; ignored when linking reports (10+ events).
UBIQUITY = 0.5


def _same_happening(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two prepared event records (see :func:`cluster_events`) report one happening."""
    if a["year"] != b["year"] or a["kin"] != b["kin"]:
        return False
    month_a, month_b = a["month"], b["month"]
    if month_a is not None and month_b is not None and month_a != month_b:
        return False
    host_a, host_b = a["host"], b["host"]
    if host_a and host_b and host_a != host_b:
        return False
    ids_a, ids_b = a["own"], b["own"]
    if ids_a and ids_b:
        return bool(ids_a & ids_b)
    # One report names only the usual parties: compatible with a fuller one sharing them.
    return bool(a["actor_set"] & b["actor_set"]) or (
        not a["actors"] and not b["actors"] and bool(host_a) and host_a == host_b
    )


def cluster_events(
    events: pd.DataFrame,
    *,
    nationality: Mapping[str, str] | None = None,
    lexicon: EventLexicon | None = None,
) -> pd.DataFrame:
    """Group events that report the same real happening, across and within documents.

    Two events are linked when they have the same year, event types that can describe one
    happening (the ``same_happening`` groups of ``data/event_types.yaml``), compatible months
    (equal where both are known), no conflicting hosts, and an actor in common other than
    the ubiquitous ones (in at least :data:`UBIQUITY` of all events) — unless one of them
    names only ubiquitous actors, when any shared actor will do. People count as their
    country when ``nationality`` maps them (a Japanese abductee's family meeting is a Japan
    event); clusters are the connected groups of links. Negated events are left out.
    Clusters are numbered from 1 in order of year, type and first document; ``actors`` is
    the union of the members' actors and hosts, ``text`` the shortest member text.

    >>> ev = pd.DataFrame([
    ...   {"doc_id": "a-1", "start": 0, "year": 2012, "date": "2012", "event_type": "negotiate",
    ...    "actors": ("JPN", "PRK"), "host": "MNG", "negated": False, "text": "Mongolia hosted"},
    ...   {"doc_id": "b-1", "start": 5, "year": 2012, "date": "2012", "event_type": "negotiate",
    ...    "actors": ("PRK",), "host": "MNG", "negated": False, "text": "talks in UB"}])
    >>> c = cluster_events(ev)
    >>> int(c.loc[0, "n_sources"]), c.loc[0, "doc_ids"], c.loc[0, "actors"]
    (2, ('a-1', 'b-1'), ('JPN', 'MNG', 'PRK'))
    """
    if events is None or not len(events):
        return schema.empty("event_clusters")
    frame = events
    if "negated" in frame:
        frame = frame[~frame["negated"].fillna(False).astype(bool)]
    frame = frame[frame["year"].notna()]
    records = sorted(
        schema.records(frame),
        key=lambda r: (int(r["year"]), str(r["event_type"]), str(r["doc_id"]), int(r["start"])),
    )
    lexicon = lexicon or _default_lexicon()
    nationality = nationality or {}
    for record in records:
        record["year"] = int(record["year"])
        record["host"] = record["host"] if isinstance(record.get("host"), str) else None
        record["date"] = record["date"] if isinstance(record.get("date"), str) else None
        record["kin"] = lexicon.kinship.get(str(record["event_type"]), str(record["event_type"]))
        named = tuple(record.get("actors") or ())
        record["named"] = named
        record["actors"] = tuple(sorted({nationality.get(a, a) for a in named}))
        record["actor_set"] = frozenset(record["actors"])
        record["month"] = parse_iso(record["date"])[1]
    counts = Counter(
        a for r in records for a in {*r["actors"], *([r["host"]] if r["host"] else [])}
    )
    common = frozenset(
        a for a, n in counts.items() if len(records) >= 10 and n / len(records) >= UBIQUITY
    )
    # Only events of the same year and kin of type can be linked, and whether two are linked
    # depends only on their month, host and actors: compare each such signature once, within
    # the year and kin (the links, hence the clusters, are those of comparing every pair).
    groups: dict[tuple[int, str], dict[tuple[Any, ...], list[int]]] = {}
    for index, record in enumerate(records):
        record["own"] = record["actor_set"] - common
        signature = (record["month"], record["host"], record["actor_set"])
        group = groups.setdefault((record["year"], record["kin"]), {})
        group.setdefault(signature, []).append(index)
    parent = list(range(len(records)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(indices: Iterable[int]) -> None:
        roots = {find(i) for i in indices}
        low = min(roots)
        for root in roots:
            parent[root] = low

    for group in groups.values():
        alike = list(group.values())  # events of one signature
        # whether a signature's events are already one cluster (then one of them stands for all)
        together: list[bool] = []
        for same in alike:
            event = records[same[0]]
            together.append(len(same) == 1 or _same_happening(event, event))
            if together[-1]:
                join(same)
        for position, first in enumerate(alike):
            a = records[first[0]]
            for offset, other in enumerate(alike[position + 1 :], position + 1):
                if _same_happening(a, records[other[0]]):  # each of one linked to each of other
                    join([*first[: 1 if together[position] else None],
                          *other[: 1 if together[offset] else None]])  # fmt: skip
                    together[position] = together[offset] = True
    members: dict[int, list[dict[str, Any]]] = {}
    for i, record in enumerate(records):
        members.setdefault(find(i), []).append(record)
    rows = []
    for cluster in members.values():
        types = Counter(r["event_type"] for r in cluster)
        top = max(types.values())
        event_type = next(r["event_type"] for r in cluster if types[r["event_type"]] == top)
        ids = {a for r in cluster for a in r["named"]} | {r["host"] for r in cluster if r["host"]}
        docs = sorted({str(r["doc_id"]) for r in cluster})
        representative = min(cluster, key=lambda r: (len(str(r["text"])), str(r["doc_id"])))
        key = (cluster[0]["year"], event_type, docs[0], int(cluster[0]["start"]))
        rows.append((key, {
            "year": cluster[0]["year"], "event_type": event_type, "actors": tuple(sorted(ids)),
            "n_sources": len(docs), "doc_ids": tuple(docs), "n_events": len(cluster),
            "text": representative["text"],
        }))  # fmt: skip
    rows.sort(key=lambda item: item[0])
    return schema.conform(
        [{"cluster_id": n, **row} for n, (_, row) in enumerate(rows, start=1)], "event_clusters"
    )
