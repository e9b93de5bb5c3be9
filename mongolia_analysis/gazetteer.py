"""The actor gazetteer: countries, people, organisations, forums and places, read from YAML.

Names are data. The shipped gazetteer is the set of ``data/gazetteer*.yaml`` files
(``gazetteer.yaml`` holds the settings and the country aliases, ``gazetteer_people.yaml``,
``gazetteer_organizations.yaml`` and ``gazetteer_places.yaml`` the other entities). A user file
with the same layout extends it (``extend=True``) or replaces it (``extend=False``).

Countries are ISO 3166-1 alpha-3 codes. Their base names are built at load time from
``pycountry`` (``name``, ``official_name``, ``common_name``; ``"Korea, Republic of"`` also gives
``"Republic of Korea"``), minus the dependent territories listed in ``countries.exclude``.
The curated YAML adds abbreviations, demonyms, capitals used as metonyms and Mongolian
Cyrillic forms, plus ``SUN`` for the Soviet Union. Decisions written down in the YAML:

* bare "Korea" is the region ``REG_KOREAN_PENINSULA`` (this literature writes "North Korea" and
  "South Korea" out; "Korea experts", "the Korea conflict" mean the peninsula); bare "Korean"
  is not mapped; "Koreas" ("the two Koreas", "both Koreas"), "inter-Korean" and
  "both Korean nations" are *group aliases* giving one PRK and one KOR mention on the same
  span; Mongolian "Солонгос" alone is KOR (everyday Mongolian usage).
* "Korean Peninsula", "Northeast Asia", "Eurasia", "Central Asia"... are places (``REG_*``).
* "Ulaanbaatar Dialogue" is the forum ``F_UBD`` only, not also a mention of MNG (longest match).
* A Cyrillic alias may be followed by one Mongolian case suffix from
  ``settings.cyrillic_suffixes`` ("Монголын", "Улаанбаатарт"); the mention covers the suffix.

Every entry the code does not understand raises :class:`~.errors.DataFileError` naming the
file and the entry.

>>> gaz = load_gazetteer()
>>> gaz.name("PRK"), gaz.type("P_ELBEGDORJ"), gaz.has("F_UBD")
('North Korea', 'person', True)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import ahocorasick
import pycountry
import yaml

from . import yamldata
from .errors import DataFileError
from .paths import DATA_DIR, data_file
from .prefilter import PatternGate, build_gate

if TYPE_CHECKING:
    import pandas as pd

ENTITY_TYPES = ("country", "person", "organization", "forum", "place")
SHIPPED_MAIN = "gazetteer.yaml"

RE_ENTITY_ID = re.compile(r"^[A-Z][A-Z0-9_]*$")
RE_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
RE_PARENTHETICAL = re.compile(r"\s*\([^)]*\)")
# "Kim Jong-un" -> hyphen between two letters inside a person's name.
RE_NAME_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
# "L. Oyun-Erdene" / "Ts. Elbegdorj" / "Л.Оюун-Эрдэнэ": an initial at the start of a name.
RE_LEADING_INITIAL = re.compile(r"^([^\W\d_]{1,2}\.)\s?(?=[^\W\d_])")

# One character in, one character out: offsets never move (see :func:`fold_text`).
FOLD_TABLE = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u00b4": "'",
        "`": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u2007": " ",
        "\t": " ",
        "\n": " ",
        "\r": " ",
        "\f": " ",
        "\v": " ",
    }
)

#: :data:`FOLD_TABLE` as (character, replacement) pairs: a few ``str.replace`` calls are
#: faster than ``str.translate`` on non-ASCII text, and give the same result (no replacement
#: is itself a character to replace).
FOLD_PAIRS = tuple((chr(code), str(new)) for code, new in FOLD_TABLE.items())

TOP_KEYS = ("settings", "countries", "entities", "aliases", "demonyms", "groups")
SETTING_KEYS = (
    "cyrillic_suffixes",
    "titles",
    "name_stopwords",
    "byline_roles",
    "apposition_roles",
    "publication_words",
    "institution_words",
)
ENTITY_KEYS = (
    "id",
    "type",
    "name",
    "aliases",
    "nationality",
    "title_aliases",
    "case_sensitive",
    "note",
)


def fold_text(text: str) -> str:
    """Map typographic quotes, dashes and odd spaces to ASCII, keeping every offset.

    >>> fold_text("Kim Jong\u2011un\u2019s")
    "Kim Jong-un's"
    """
    for old, new in FOLD_PAIRS:
        if old in text:
            text = text.replace(old, new)
    return text


def lower_text(text: str) -> str:
    """Lower-case ``text`` without changing its length (characters that would grow stay as is).

    >>> lower_text("ULAANBAATAR İ")
    'ulaanbaatar İ'
    """
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


def is_cyrillic(text: str) -> bool:
    """Whether ``text`` contains a Cyrillic letter.

    >>> is_cyrillic("Монгол"), is_cyrillic("Mongolia")
    (True, False)
    """
    return bool(RE_CYRILLIC.search(text))


def ascii_fold(text: str) -> str:
    """Strip accents: "Côte d'Ivoire" -> "Cote d'Ivoire" (Cyrillic is left alone).

    >>> ascii_fold("António Türkiye")
    'Antonio Turkiye'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


@dataclass(frozen=True, slots=True)
class Entity:
    """One actor: a country, person, organisation, forum or place."""

    id: str
    type: str
    name: str
    aliases: tuple[str, ...] = ()
    nationality: str | None = None
    title_aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AliasTarget:
    """What one matched alias stands for: one entity id, or several for a group alias."""

    alias: str
    ids: tuple[str, ...]
    cyrillic: bool


@dataclass(frozen=True, slots=True)
class Settings:
    """Matching rules that are data: suffixes, titles, stop words (see gazetteer.yaml)."""

    cyrillic_suffixes: frozenset[str] = frozenset()
    titles: tuple[str, ...] = ()
    name_stopwords: frozenset[str] = frozenset()
    byline_roles: frozenset[str] = frozenset()
    apposition_roles: frozenset[str] = frozenset()
    publication_words: frozenset[str] = frozenset()
    institution_words: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class PersonAlias:
    """A Latin alias of a person, as its casefolded words (see :attr:`Matcher.person_index`)."""

    words: tuple[str, ...]
    entity_id: str


@dataclass(frozen=True)
class Matcher:
    """Compiled look-up structures: Aho-Corasick automata and the title regex."""

    exact: Any  # automaton over fold_text(text): case-sensitive Latin aliases
    folded: Any  # automaton over lower_text(fold_text(text)): Cyrillic aliases, any case
    caps: Any  # automaton over the lower-cased text of ALL-CAPS sentences: every alias
    title_pattern: re.Pattern[str] | None
    apposition_pattern: re.Pattern[str] | None  # ", a senior fellow at" after a name
    title_aliases: Mapping[str, tuple[str, ...]]  # "Park" -> ("P_PARK_GEUN_HYE",)
    person_aliases: tuple[tuple[str, str], ...]  # (Latin alias, person id), for typo matching

    @cached_property
    def name_patterns(self) -> tuple[re.Pattern[str], ...]:
        """The title and the apposition regex, those there are, in :attr:`name_gate`'s order."""
        return tuple(p for p in (self.title_pattern, self.apposition_pattern) if p is not None)

    @cached_property
    def name_gate(self) -> PatternGate:
        """Which of :attr:`name_patterns` can match a text, from one pass (see
        :mod:`.prefilter`)."""
        return build_gate(self.name_patterns, every_literal=True)

    @cached_property
    def person_index(self) -> Mapping[tuple[int, str], tuple[PersonAlias, ...]]:
        """:attr:`person_aliases` for typo matching, by word count and a key: a one-word
        alias by its first three letters, a longer one by its last word (casefolded)."""
        index: dict[tuple[int, str], list[PersonAlias]] = {}
        for alias, entity_id in self.person_aliases:
            words = tuple(alias.casefold().split())
            if words:
                key = words[0][:3] if len(words) == 1 else words[-1]
                index.setdefault((len(words), key), []).append(PersonAlias(words, entity_id))
        return MappingProxyType({key: tuple(value) for key, value in index.items()})


@dataclass(frozen=True)
class Gazetteer:
    """A loaded gazetteer. Build it with :func:`load_gazetteer`.

    Attributes:
        entities: entity id -> :class:`Entity`.
        aliases: alias (as written in the YAML, or generated) -> entity ids it stands for.
        case_sensitive: aliases never matched case-insensitively, even in ALL-CAPS headlines.
        settings: suffixes, titles and stop words for mention detection.
        sources: the files it was read from.
    """

    entities: Mapping[str, Entity]
    aliases: Mapping[str, tuple[str, ...]]
    case_sensitive: frozenset[str]
    settings: Settings
    sources: tuple[str, ...]
    matcher: Matcher = field(compare=False, repr=False)

    def ids(self) -> tuple[str, ...]:
        """All entity ids, sorted."""
        return tuple(sorted(self.entities))

    def has(self, entity_id: str) -> bool:
        """Whether ``entity_id`` is a known actor id (e.g. ``'PRK'``, ``'P_ELBEGDORJ'``)."""
        return entity_id in self.entities

    def entity(self, entity_id: str) -> Entity:
        """The :class:`Entity` of ``entity_id``; ``KeyError`` naming the id if unknown."""
        try:
            return self.entities[entity_id]
        except KeyError:
            raise KeyError(f"unknown entity id {entity_id!r} (not in {self.sources})") from None

    def name(self, entity_id: str) -> str:
        """Canonical name of ``entity_id``."""
        return self.entity(entity_id).name

    def type(self, entity_id: str) -> str:
        """Entity type of ``entity_id``: country, person, organization, forum or place."""
        return self.entity(entity_id).type

    def nationality(self, entity_id: str) -> str | None:
        """Country id of a person (``None`` for other entities or when not recorded)."""
        return self.entity(entity_id).nationality

    def to_frame(self) -> pd.DataFrame:
        """One row per entity: entity_id, entity_type, name, nationality, n_aliases."""
        import pandas as pd  # here, not at import: checking parameters needs no pandas

        rows = [
            {
                "entity_id": e.id,
                "entity_type": e.type,
                "name": e.name,
                "nationality": e.nationality,
                "n_aliases": len(e.aliases),
            }
            for e in sorted(self.entities.values(), key=lambda e: e.id)
        ]
        frame = pd.DataFrame.from_records(
            rows, columns=["entity_id", "entity_type", "name", "nationality", "n_aliases"]
        )
        return frame.astype(
            {
                "entity_id": "string",
                "entity_type": "string",
                "name": "string",
                "nationality": "string",
                "n_aliases": "Int64",
            }
        )


# -- loading (the only disk access) ---------------------------------------------------------


def shipped_files() -> list[Path]:
    """The shipped gazetteer files: ``gazetteer.yaml`` first, then ``gazetteer_*.yaml``."""
    rest = sorted(p for p in DATA_DIR.glob("gazetteer_*.yaml") if p.is_file())
    return [data_file(SHIPPED_MAIN), *rest]


def load_gazetteer(path: str | Path | None = None, *, extend: bool = True) -> Gazetteer:
    """Load the shipped gazetteer, optionally extended (or replaced) by a user YAML file.

    Args:
        path: a user gazetteer file with the shipped layout (sections ``settings``,
            ``countries``, ``entities``, ``aliases``, ``demonyms``, ``groups``), or ``None``.
        extend: add the user file to the shipped one (default); ``False`` uses it alone.

    Returns:
        The :class:`Gazetteer`, with its matchers compiled.

    Raises:
        DataFileError: a file is missing or unreadable, or an entry is not understood.

    >>> load_gazetteer().type("F_UBD")
    'forum'
    """
    files = [] if (path is not None and not extend) else shipped_files()
    if path is not None:
        files.append(Path(path))
    documents = [(str(f), _read_yaml(f)) for f in files]
    return build_gazetteer(documents)


def _read_yaml(path: Path) -> Mapping[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read gazetteer file ({exc})") from exc
    try:
        data = yamldata.safe_load(text)
    except yaml.YAMLError as exc:
        raise DataFileError(f"{path}: not valid YAML ({exc})") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DataFileError(f"{path}: top level must be a mapping of sections {TOP_KEYS}")
    return data


# -- building (pure) -----------------------------------------------------------------------


@dataclass
class _Builder:
    entities: dict[str, Entity] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)  # entity id -> file
    # alias -> (ids, file, written in the file rather than generated)
    explicit: dict[str, tuple[tuple[str, ...], str, bool]] = field(default_factory=dict)
    # pycountry alias -> {country code: rank}; rank 0 = the record's name, 1 = other forms
    generated: dict[str, dict[str, int]] = field(default_factory=dict)
    case_sensitive: set[str] = field(default_factory=set)
    settings: dict[str, set[str]] = field(default_factory=dict)
    titles: list[str] = field(default_factory=list)
    pending_people: list[tuple[str, str, str]] = field(default_factory=list)


def build_gazetteer(documents: Sequence[tuple[str, Mapping[str, Any]]]) -> Gazetteer:
    """Build a :class:`Gazetteer` from parsed YAML documents ``(file name, data)``, in order.

    Later files extend earlier ones; an alias given again in a later file is re-pointed.

    >>> g = build_gazetteer([("x.yaml", {"entities": [
    ...     {"id": "F_X", "type": "forum", "name": "X Talks", "aliases": ["X Talks"]}]})])
    >>> g.ids(), g.aliases["X Talks"]
    (('F_X',), ('F_X',))
    """
    b = _Builder()
    for source, data in documents:
        unknown = [k for k in data if k not in TOP_KEYS]
        if unknown:
            raise DataFileError(
                f"{source}: unknown section(s) {unknown}; expected some of {list(TOP_KEYS)}"
            )
        _add_settings(b, source, data.get("settings") or {})
        _add_countries(b, source, data.get("countries") or {})
        _add_entities(b, source, data.get("entities") or [])
        _add_alias_map(b, source, data.get("aliases") or {}, demonyms=False)
        _add_alias_map(b, source, data.get("demonyms") or {}, demonyms=True)
        _add_groups(b, source, data.get("groups") or [])
    for source, entity_id, nationality in b.pending_people:
        if nationality not in b.entities or b.entities[nationality].type != "country":
            raise DataFileError(
                f"{source}: entry {entity_id!r}: nationality {nationality!r} is not a known "
                "country id (ISO 3166-1 alpha-3, or SUN)"
            )
    alias_map = _resolve_aliases(b)
    entities = {
        eid: Entity(
            id=e.id,
            type=e.type,
            name=e.name,
            nationality=e.nationality,
            title_aliases=e.title_aliases,
            aliases=tuple(sorted(a for a, ids in alias_map.items() if eid in ids)),
        )
        for eid, e in sorted(b.entities.items())
    }
    settings = Settings(
        cyrillic_suffixes=frozenset(s.lower() for s in b.settings.get("cyrillic_suffixes", ())),
        titles=tuple(sorted(set(b.titles), key=lambda t: (-len(t), t))),
        name_stopwords=frozenset(b.settings.get("name_stopwords", ())),
        byline_roles=frozenset(b.settings.get("byline_roles", ())),
        apposition_roles=frozenset(r.lower() for r in b.settings.get("apposition_roles", ())),
        publication_words=frozenset(b.settings.get("publication_words", ())),
        institution_words=frozenset(b.settings.get("institution_words", ())),
    )
    case_sensitive = frozenset(b.case_sensitive)
    return Gazetteer(
        entities=MappingProxyType(entities),
        aliases=MappingProxyType(alias_map),
        case_sensitive=case_sensitive,
        settings=settings,
        sources=tuple(source for source, _ in documents),
        matcher=_compile(alias_map, case_sensitive, settings, entities),
    )


def _strings(value: Any, source: str, entry: str, what: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise DataFileError(f"{source}: entry {entry!r}: {what} must be a list of strings")
    bad = [v for v in value if not isinstance(v, str) or not v.strip()]
    if bad:
        raise DataFileError(
            f"{source}: entry {entry!r}: {what} must be non-empty strings; got {bad!r}"
        )
    return [v.strip() for v in value]


def _add_settings(b: _Builder, source: str, settings: Any) -> None:
    if not isinstance(settings, dict):
        raise DataFileError(f"{source}: 'settings' must be a mapping")
    for key, value in settings.items():
        if key not in SETTING_KEYS:
            raise DataFileError(
                f"{source}: entry 'settings.{key}': unknown setting; expected {list(SETTING_KEYS)}"
            )
        items = _strings(value, source, f"settings.{key}", key)
        if key == "titles":
            b.titles.extend(items)
        b.settings.setdefault(key, set()).update(items)


def _add_countries(b: _Builder, source: str, spec: Any) -> None:
    if not isinstance(spec, dict):
        raise DataFileError(f"{source}: 'countries' must be a mapping")
    unknown = [k for k in spec if k not in ("from_pycountry", "exclude")]
    if unknown:
        raise DataFileError(f"{source}: entry 'countries': unknown key(s) {unknown}")
    if not spec.get("from_pycountry"):
        return
    exclude = set(_strings(spec.get("exclude"), source, "countries.exclude", "exclude"))
    for country in pycountry.countries:
        code = country.alpha_3
        if code in exclude:
            continue
        names = pycountry_names(country)
        name = getattr(country, "common_name", None) or names[0]
        if code not in b.entities:
            b.entities[code] = Entity(id=code, type="country", name=name)
            b.origin[code] = source
        primary = {getattr(country, "common_name", None), country.name}
        for alias in names:
            rank = 0 if alias in primary else 1
            b.generated.setdefault(alias, {})[code] = rank


def pycountry_names(country: Any) -> list[str]:
    """Every usable name of a ``pycountry`` country record, short forms first.

    >>> import pycountry
    >>> pycountry_names(pycountry.countries.get(alpha_3="KOR"))
    ['South Korea', 'Korea', 'Republic of Korea']
    """
    raw = [
        getattr(country, "common_name", None),
        country.name,
        getattr(country, "official_name", None),
    ]
    names: list[str] = []
    for value in raw:
        if not value:
            continue
        value = RE_PARENTHETICAL.sub("", value).strip()
        forms = [value]
        if ", " in value:
            head, tail = value.split(", ", 1)
            forms = [head]
            if tail.endswith((" of", " of the")):
                forms.append(re.sub(r"^(?:The|the) ", "", f"{tail} {head}"))
        for form in forms:
            form = re.sub(r"^(?:The|the) ", "", form)
            if form and form not in names:
                names.append(form)
    return names


def _add_entities(b: _Builder, source: str, entries: Any) -> None:
    if not isinstance(entries, list):
        raise DataFileError(f"{source}: 'entities' must be a list of entries")
    for index, entry in enumerate(entries):
        label = entry.get("id", f"#{index}") if isinstance(entry, dict) else f"#{index}"
        if not isinstance(entry, dict):
            raise DataFileError(f"{source}: entry {label}: must be a mapping, got {entry!r}")
        unknown = [k for k in entry if k not in ENTITY_KEYS]
        if unknown:
            raise DataFileError(
                f"{source}: entry {label!r}: unknown key(s) {unknown}; expected {ENTITY_KEYS}"
            )
        entity_id = entry.get("id")
        if not isinstance(entity_id, str) or not RE_ENTITY_ID.match(entity_id):
            raise DataFileError(
                f"{source}: entry {label!r}: missing or malformed 'id' (upper-case letters, "
                "digits and '_', e.g. P_ELBEGDORJ)"
            )
        if entity_id in b.entities:
            raise DataFileError(
                f"{source}: entry {entity_id!r}: duplicate id (already defined in "
                f"{b.origin[entity_id]})"
            )
        etype = entry.get("type")
        if etype not in ENTITY_TYPES:
            raise DataFileError(
                f"{source}: entry {entity_id!r}: unknown entity type {etype!r}; "
                f"expected one of {list(ENTITY_TYPES)}"
            )
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise DataFileError(f"{source}: entry {entity_id!r}: missing 'name'")
        aliases = _strings(entry.get("aliases"), source, entity_id, "aliases")
        title_aliases = _strings(entry.get("title_aliases"), source, entity_id, "title_aliases")
        case_sensitive = _strings(entry.get("case_sensitive"), source, entity_id, "case_sensitive")
        nationality = entry.get("nationality")
        if nationality is not None:
            if etype != "person" or not isinstance(nationality, str):
                raise DataFileError(
                    f"{source}: entry {entity_id!r}: 'nationality' is a country id of a person"
                )
            b.pending_people.append((source, entity_id, nationality))
        if title_aliases and etype != "person":
            raise DataFileError(f"{source}: entry {entity_id!r}: 'title_aliases' is for people")
        b.entities[entity_id] = Entity(
            id=entity_id,
            type=etype,
            name=name.strip(),
            nationality=nationality,
            title_aliases=tuple(title_aliases),
        )
        b.origin[entity_id] = source
        forms = [name.strip(), *aliases, *case_sensitive]
        if etype == "person":
            forms = [v for form in forms for v in person_variants(form)]
        _claim(b, source, entity_id, forms, (entity_id,), explicit={*aliases, *case_sensitive})
        b.case_sensitive.update(case_sensitive)


def _add_alias_map(b: _Builder, source: str, mapping: Any, *, demonyms: bool) -> None:
    section = "demonyms" if demonyms else "aliases"
    if not isinstance(mapping, dict):
        raise DataFileError(f"{source}: '{section}' must map entity ids to lists of strings")
    for entity_id, values in mapping.items():
        if entity_id not in b.entities:
            raise DataFileError(
                f"{source}: entry '{section}.{entity_id}': unknown entity id {entity_id!r}"
            )
        forms = _strings(values, source, f"{section}.{entity_id}", section)
        explicit = set(forms)
        if demonyms:
            forms = [v for form in forms for v in (form, *demonym_plural(form))]
        _claim(b, source, entity_id, forms, (entity_id,), explicit=explicit)


def _add_groups(b: _Builder, source: str, groups: Any) -> None:
    if not isinstance(groups, list):
        raise DataFileError(f"{source}: 'groups' must be a list of {{ids, aliases}} entries")
    for index, group in enumerate(groups):
        if not isinstance(group, dict) or set(group) - {"ids", "aliases", "note"}:
            raise DataFileError(f"{source}: entry 'groups #{index}': needs 'ids' and 'aliases'")
        ids = _strings(group.get("ids"), source, f"groups #{index}", "ids")
        missing = [i for i in ids if i not in b.entities]
        if len(ids) < 2 or missing:
            raise DataFileError(
                f"{source}: entry 'groups #{index}': 'ids' must list two or more known ids; "
                f"unknown: {missing}"
            )
        forms = _strings(group.get("aliases"), source, f"groups #{index}", "aliases")
        _claim(b, source, f"groups #{index}", forms, tuple(ids), explicit=set(forms))


def _claim(
    b: _Builder,
    source: str,
    entry: str,
    forms: Iterable[str],
    ids: tuple[str, ...],
    *,
    explicit: set[str],
) -> None:
    """Point each form (and its variants) at ``ids``.

    Two explicit aliases of one file that disagree are an error; a later file re-points an
    alias; a generated variant (plural, spacing, accents) never overrides another claim.
    """
    for form in forms:
        for alias in alias_variants(form):
            written = alias == fold_text(form.strip()) and form in explicit
            previous = b.explicit.get(alias)
            if previous is None or previous[0] == ids:
                b.explicit[alias] = (ids, source, written or bool(previous and previous[2]))
                continue
            if not written:
                continue
            if previous[1] == source and previous[2]:
                raise DataFileError(
                    f"{source}: entry {entry!r}: alias {alias!r} already stands for "
                    f"{list(previous[0])} in the same file"
                )
            b.explicit[alias] = (ids, source, True)


def _resolve_aliases(b: _Builder) -> dict[str, tuple[str, ...]]:
    """Merge pycountry names (an ambiguous one, like "Korea", is dropped) and YAML aliases."""
    ranked: dict[str, dict[str, int]] = {}
    for alias, codes in b.generated.items():
        for variant in alias_variants(alias):
            slot = ranked.setdefault(variant, {})
            for code, rank in codes.items():
                slot[code] = min(rank, slot.get(code, rank))
    resolved: dict[str, tuple[str, ...]] = {}
    for alias, codes in ranked.items():
        best = min(codes.values())
        winners = [code for code, rank in codes.items() if rank == best]
        if len(winners) == 1 and alias not in b.explicit:
            resolved[alias] = (winners[0],)
    resolved.update({alias: ids for alias, (ids, _, _) in b.explicit.items()})
    return dict(sorted(resolved.items()))


def alias_variants(alias: str) -> list[str]:
    """The alias plus its accent-free spelling and, if lower-case, its sentence-initial form.

    >>> alias_variants("Côte d'Ivoire")
    ["Côte d'Ivoire", "Cote d'Ivoire"]
    >>> alias_variants("inter-Korean")
    ['inter-Korean', 'Inter-Korean']
    """
    alias = fold_text(alias.strip())
    forms = [alias]
    if not is_cyrillic(alias):
        folded = ascii_fold(alias)
        if folded != alias:
            forms.append(folded)
    if alias[:1].islower():
        forms.extend(f[0].upper() + f[1:] for f in list(forms))
    return list(dict.fromkeys(forms))


def person_variants(alias: str) -> list[str]:
    """Spellings of a person's name: hyphenated syllables spaced or joined; initial spacing.

    >>> person_variants("Kim Jong-un")
    ['Kim Jong-un', 'Kim Jong Un', 'Kim Jong-Un', 'Kim Jongun']
    >>> "L.Oyun-Erdene" in person_variants("L. Oyun-Erdene")
    True
    """
    alias = fold_text(alias.strip())
    forms = [alias]
    initial = RE_LEADING_INITIAL.match(alias)
    if initial:
        rest = alias[initial.end() :]
        forms.append(
            f"{initial.group(1)}{rest}"
            if " " in alias[: initial.end()]
            else f"{initial.group(1)} {rest}"
        )
    out: list[str] = []
    for form in forms:
        out.append(form)
        if RE_NAME_HYPHEN.search(form):
            parts = RE_NAME_HYPHEN.split(form)
            spaced = parts[0] + "".join(" " + p[:1].upper() + p[1:] for p in parts[1:])
            capital = parts[0] + "".join("-" + p[:1].upper() + p[1:] for p in parts[1:])
            joined = "".join(parts[:1]) + "".join(p[:1].lower() + p[1:] for p in parts[1:])
            out.extend([spaced, capital, joined])
    return list(dict.fromkeys(out))


def demonym_plural(demonym: str) -> list[str]:
    """The plural of a demonym when English forms it with -s ("Mongolians", not "Chineses").

    >>> demonym_plural("North Korean"), demonym_plural("Japanese"), demonym_plural("Thai")
    (['North Koreans'], [], ['Thais'])
    """
    if is_cyrillic(demonym) or demonym.endswith(("sh", "ch", "ese", "s", "z", "x")):
        return []
    return [demonym + "s"]


# -- compiling -----------------------------------------------------------------------------


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def _is_acronym(alias: str) -> bool:
    letters = [ch for ch in alias if ch.isalpha()]
    return 0 < len(letters) <= 6 and all(ch.isupper() for ch in letters)


def _apposition_pattern(roles: Iterable[str]) -> re.Pattern[str] | None:
    """A comma and a role that describe the name before them: ", a senior fellow at",
    ", the country's former ambassador", ", director of" (see ``apposition_roles``).

    >>> bool(_apposition_pattern(["professor"]).match(", a professor at UBC"))
    True
    """
    names = sorted(roles, key=lambda r: (-len(r), r))
    if not names:
        return None
    role = "(?:" + "|".join(r"\s+".join(map(re.escape, r.split())) for r in names) + ")(?:e?s)?"
    return re.compile(
        r",\s+(?:(?:a|an|the|former|then)\s+(?:[\w'.-]+\s+){0,4}?" + role + r"(?![\w-])"
        r"|(?:[\w'-]+\s+){0,2}?" + role + r"\s+(?:of|at|for|with|in)\s)",
        re.IGNORECASE,
    )


def _compile(
    aliases: Mapping[str, tuple[str, ...]],
    case_sensitive: frozenset[str],
    settings: Settings,
    entities: Mapping[str, Entity],
) -> Matcher:
    exact: dict[str, list[AliasTarget]] = {}
    folded: dict[str, list[AliasTarget]] = {}
    caps: dict[str, list[AliasTarget]] = {}
    for alias, ids in aliases.items():
        cyrillic = is_cyrillic(alias)
        target = AliasTarget(alias=alias, ids=ids, cyrillic=cyrillic)
        if cyrillic and not _is_acronym(alias):
            folded.setdefault(lower_text(alias), []).append(target)
        elif cyrillic:  # "АНУ", "МАН": acronyms keep their case outside ALL-CAPS text
            exact.setdefault(alias, []).append(target)
        else:
            exact.setdefault(alias, []).append(target)
            upper = alias.upper()
            if alias not in case_sensitive and _letters(alias) >= 4 and len(upper) == len(alias):
                exact.setdefault(upper, []).append(target)
        if alias not in case_sensitive:
            caps.setdefault(lower_text(alias), []).append(target)
    title_pattern = None
    if settings.titles:
        alternation = "|".join(re.escape(t) for t in settings.titles)
        title_pattern = re.compile(rf"(?<![\w.])(?:{alternation})(?=[ \u00a0])")
    title_aliases: dict[str, list[str]] = {}
    person_aliases: list[tuple[str, str]] = []
    for entity in entities.values():
        if entity.type != "person":
            continue
        for alias in entity.title_aliases:
            title_aliases.setdefault(fold_text(alias), []).append(entity.id)
        person_aliases.extend((a, entity.id) for a in entity.aliases if not is_cyrillic(a))
    return Matcher(
        exact=_automaton(exact),
        folded=_automaton(folded),
        caps=_automaton(caps),
        title_pattern=title_pattern,
        apposition_pattern=_apposition_pattern(settings.apposition_roles),
        title_aliases=MappingProxyType({k: tuple(v) for k, v in sorted(title_aliases.items())}),
        person_aliases=tuple(sorted(person_aliases)),
    )


def _automaton(table: Mapping[str, list[AliasTarget]]) -> Any:
    if not table:
        return None
    automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
    for key, targets in table.items():
        unique = tuple(dict.fromkeys(targets))
        automaton.add_word(key, (len(key), unique))
    automaton.make_automaton()
    return automaton
