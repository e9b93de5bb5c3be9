"""The build parameters of a brief: one frozen, validated object shared by every entry point.

The ``mongolia-brief`` command, :func:`~mongolia_analysis.build.build_brief` and the notebooks
all go through :class:`BriefParams`. :meth:`BriefParams.from_mapping` coerces loosely typed
values (strings from ``-p NAME VALUE``, YAML scalars from ``-f params.yaml``) and validates them
*before* any kernel starts: every problem raises :class:`~mongolia_analysis.errors.
ParameterError` with one message naming the parameter, the bad value and what would be valid.

The notebooks' ``parameters`` cells mirror this schema (all fields except ``formats``, which
only concerns rendering); ``tests/test_notebooks.py`` checks that they agree.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import paths
from .errors import MongoliaAnalysisError, ParameterError

#: Output formats a build can write.
FORMATS = ("html", "pdf")
#: Earliest year a window may start (the Mongolian People's Republic dates from 1924).
MIN_YEAR = 1900
#: Ids quoted as examples when an actor id is unknown (those the gazetteer has).
EXAMPLE_ACTORS = ("MNG", "PRK", "KOR", "JPN", "CHN", "RUS", "USA")
#: Values read as "no value" for optional parameters given as text.
NULL_WORDS = frozenset({"", "none", "null", "~"})

if TYPE_CHECKING:
    import pandas as pd

    from .gazetteer import Gazetteer

RE_INT = re.compile(r"^[+-]?\d+$")
RE_FORMAT_SEP = re.compile(r"[,\s]+")
RE_SWEEP_SEP = re.compile(r"\s*,\s*")


def _help(text: str, type_name: str) -> dict[str, str]:
    return {"help": text, "type": type_name}


@dataclass(frozen=True, slots=True)
class BriefParams:
    """The parameters of one brief.

    Build it with :meth:`from_mapping` (coerces and validates) or construct it directly and
    call :meth:`validated`. Paths are absolute once validated; an empty ``title`` is derived
    from the gazetteer names of ``subject`` and ``focus``.

    Example:
        >>> BriefParams().focus, BriefParams().formats
        ('PRK', ('html', 'pdf'))
    """

    corpus: Path = field(
        default=paths.SEEDS_DIR,
        metadata=_help("folder (or file) of .txt/.md/.html documents; empty: the seeds", "path"),
    )
    subject: str = field(
        default="MNG", metadata=_help("actor id of the mediating state (gazetteer id)", "actor id")
    )
    focus: str = field(
        default="PRK", metadata=_help("counterpart actor id (gazetteer id)", "actor id")
    )
    start_year: int | None = field(
        default=None, metadata=_help("first year of the window, inclusive; empty: open", "int")
    )
    end_year: int | None = field(
        default=None, metadata=_help("last year of the window, inclusive; empty: open", "int")
    )
    codebook: Path | None = field(
        default=None, metadata=_help("codebook YAML; empty: the package's codebook", "path")
    )
    gazetteer: Path | None = field(
        default=None, metadata=_help("gazetteer YAML; empty: the package's gazetteer", "path")
    )
    title: str = field(
        default="", metadata=_help("title of the brief; empty: derived from the actor names", "str")
    )
    formats: tuple[str, ...] = field(
        default=FORMATS, metadata=_help("output formats, comma-separated: html, pdf", "formats")
    )

    # -- construction ------------------------------------------------------------------
    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None = None) -> BriefParams:
        """Coerce ``values`` (strings from the CLI, YAML scalars) and validate them.

        Args:
            values: parameter name → value; names may use ``-`` for ``_``. Missing names keep
                their defaults; ``None`` or ``""`` means "default" for optional values.

        Raises:
            ParameterError: unknown name, wrong type, unknown actor id, bad year window,
                missing path, corpus without a readable document or unknown format.

        Example:
            >>> BriefParams.from_mapping({"start_year": "2010", "formats": "html"}).start_year
            2010
            >>> BriefParams.from_mapping({"strat_year": 2010})
            Traceback (most recent call last):
            ...
            mongolia_analysis.errors.ParameterError: unknown parameter 'strat_year'; did you mean 'start_year'? Valid parameters: corpus, subject, focus, start_year, end_year, codebook, gazetteer, title, formats
        """  # noqa: E501
        coerced: dict[str, Any] = {}
        for raw_name, value in (values or {}).items():
            name = _check_name(str(raw_name))
            coerced[name] = COERCERS[name](name, value)
        return cls(**coerced).validated()

    def validated(self) -> BriefParams:
        """Check every parameter against the disk and the gazetteer; resolve defaults.

        Returns a copy with absolute paths and the derived title filled in.

        Raises:
            ParameterError: see :meth:`from_mapping`.
        """
        values = {f.name: COERCERS[f.name](f.name, getattr(self, f.name)) for f in FIELDS}
        corpus = _resolve(values["corpus"])
        gazetteer = _resolve(values["gazetteer"]) if values["gazetteer"] else None
        codebook = _resolve(values["codebook"]) if values["codebook"] else None
        for name, path in (("gazetteer", gazetteer), ("codebook", codebook)):
            if path is not None and not path.is_file():
                raise ParameterError(
                    f"parameter {name!r}: {str(path)!r} is not an existing file; give the path "
                    f"of a {name} YAML file or leave it empty for the package's {name}"
                )
        if codebook is not None:
            check_codebook(codebook)
        check_corpus(corpus)
        _check_years(values["start_year"], values["end_year"])
        subject = check_actor("subject", values["subject"], gazetteer)
        focus = check_actor("focus", values["focus"], gazetteer)
        if subject == focus:
            raise ParameterError(
                f"parameter 'focus': {focus!r} is also the subject; choose a counterpart "
                f"actor other than {subject!r} (for example 'PRK', 'KOR' or 'JPN')"
            )
        resolved = dataclasses.replace(
            self,
            **{
                **values,
                "corpus": corpus,
                "gazetteer": gazetteer,
                "codebook": codebook,
                "subject": subject,
                "focus": focus,
            },
        )
        if not resolved.title:
            resolved = dataclasses.replace(resolved, title=derive_title(resolved))
        return resolved

    # -- views -------------------------------------------------------------------------
    def to_mapping(self) -> dict[str, Any]:
        """Every parameter as a JSON-ready value (paths as strings, formats as a list)."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Path):
                value = str(value)
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out

    def notebook_parameters(self) -> dict[str, Any]:
        """The values papermill injects into a notebook's ``parameters`` cell.

        Paths become strings (``""`` for "the package's own file"); ``formats`` is left out.

        Example:
            >>> sorted(BriefParams().notebook_parameters())
            ['codebook', 'corpus', 'end_year', 'focus', 'gazetteer', 'start_year', 'subject', 'title']
        """  # noqa: E501
        values = self.to_mapping()
        del values["formats"]
        return {k: ("" if v is None and k in PATH_FIELDS else v) for k, v in values.items()}

    def non_defaults(self) -> dict[str, Any]:
        """Parameters that differ from the defaults (a derived title counts as default)."""
        default = BriefParams().to_mapping()
        out = {k: v for k, v in self.to_mapping().items() if v != default[k]}
        if "title" in out and self.title == derive_title(self):
            del out["title"]
        out.pop("formats", None)
        return out

    def window(self, frame: pd.DataFrame, *, column: str = "year") -> pd.DataFrame:
        """The rows of ``frame`` whose ``column`` lies in the year window.

        Without a window every row is kept; with one, rows of unknown year are left out.

        Example:
            >>> import pandas as pd
            >>> frame = pd.DataFrame({"year": pd.array([2009, 2014, None], dtype="Int64")})
            >>> BriefParams(start_year=2010).window(frame)["year"].tolist()
            [2014]
        """
        if self.start_year is None and self.end_year is None:
            return frame
        years = frame[column]
        keep = years.notna()
        if self.start_year is not None:
            keep &= years.ge(self.start_year).fillna(False)
        if self.end_year is not None:
            keep &= years.le(self.end_year).fillna(False)
        return frame[keep.astype(bool)]

    def uses_default_inputs(self) -> bool:
        """True when corpus, gazetteer and codebook are the package's own."""
        return (
            _resolve(self.corpus) == paths.SEEDS_DIR
            and self.gazetteer is None
            and self.codebook is None
        )


# -- coercion (one function per declared type) ------------------------------------------
def _as_str(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ParameterError(
            f"parameter {name!r}: {value!r} is of type {type(value).__name__}, not text; "
            f"give a string such as {BriefParams.__dataclass_fields__[name].default!r}"
        )
    return value.strip()


def _as_year(name: str, value: Any) -> int | None:
    if value is None or (isinstance(value, str) and value.strip().lower() in NULL_WORDS):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and RE_INT.match(value.strip()):
        return int(value.strip())
    raise ParameterError(
        f"parameter {name!r}: {value!r} is not a year; give a whole number between "
        f"{MIN_YEAR} and {max_year()} (for example 2010), or leave it empty for no limit"
    )


def _as_path(name: str, value: Any) -> Path | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str | Path) and "\x00" in str(value):
        raise ParameterError(
            f"parameter {name!r}: {str(value)!r} contains a NUL character; give a file or "
            "folder path"
        )
    if isinstance(value, str | Path):
        return Path(value.strip() if isinstance(value, str) else value).expanduser()
    raise ParameterError(
        f"parameter {name!r}: {value!r} is of type {type(value).__name__}, not a path; "
        "give a file or folder path, or leave it empty for the default"
    )


def _as_formats(name: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        items = [item for item in RE_FORMAT_SEP.split(value.strip()) if item]
    elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        items = [v.strip() for v in value]
    else:
        raise ParameterError(
            f"parameter {name!r}: {value!r} is not a list of formats; "
            f"give one or more of {', '.join(FORMATS)} separated by commas"
        )
    out: list[str] = []
    for item in items:
        fmt = item.lower()
        if fmt not in FORMATS:
            raise ParameterError(
                f"parameter {name!r}: unknown format {item!r}; valid formats: {', '.join(FORMATS)}"
            )
        if fmt not in out:
            out.append(fmt)
    if not out:
        raise ParameterError(
            f"parameter {name!r}: no format given; choose one or more of {', '.join(FORMATS)}"
        )
    return tuple(out)


def _as_corpus(name: str, value: Any) -> Path:
    return _as_path(name, value) or paths.SEEDS_DIR


COERCERS = {
    "corpus": _as_corpus,
    "subject": _as_str,
    "focus": _as_str,
    "start_year": _as_year,
    "end_year": _as_year,
    "codebook": _as_path,
    "gazetteer": _as_path,
    "title": _as_str,
    "formats": _as_formats,
}
PATH_FIELDS = ("corpus", "codebook", "gazetteer")
FIELDS = dataclasses.fields(BriefParams)
NAMES = tuple(COERCERS)


#: Parameters that take one value, so that several comma-separated values mean a sweep
#: (``title`` is free text and ``formats`` a list: neither is ever split).
SWEEPABLE = ("corpus", "subject", "focus", "start_year", "end_year", "codebook", "gazetteer")


def sweep_values(name: str, value: Any) -> list[Any]:
    """The values a sweep takes for one parameter: ``"PRK,KOR"`` or ``["PRK", "KOR"]`` → two.

    A single value (or a parameter that is not in :data:`SWEEPABLE`) gives a list of one. A
    path that exists as given is never split, even if its name holds a comma. Repeated values
    count once.

    Raises:
        ParameterError: an empty list or an empty item in a comma-separated list.

    Example:
        >>> sweep_values("focus", "PRK, KOR,PRK")
        ['PRK', 'KOR']
        >>> sweep_values("title", "Peace, talks")
        ['Peace, talks']
    """
    key = _check_name(name)
    if key not in SWEEPABLE:
        return [value]
    if isinstance(value, list | tuple):
        items = list(value)
    elif isinstance(value, str) and "," in value:
        if key in PATH_FIELDS and Path(value.strip()).expanduser().exists():
            return [value]
        items = RE_SWEEP_SEP.split(value.strip())
    else:
        return [value]
    if not items or any(isinstance(v, str) and not v.strip() for v in items):
        raise ParameterError(
            f"parameter {key!r}: {value!r} lists an empty value; give one value, or several "
            "separated by commas for a sweep (for example 'PRK,KOR,JPN')"
        )
    return list(dict.fromkeys(items))


def expand_sweep(values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Parameter mappings, one per combination of the values :func:`sweep_values` lists.

    Example:
        >>> expand_sweep({"focus": "PRK,KOR", "start_year": "2010", "title": "A, B"})
        [{'focus': 'PRK', 'start_year': '2010', 'title': 'A, B'}, {'focus': 'KOR', 'start_year': '2010', 'title': 'A, B'}]
    """  # noqa: E501
    names = list(values)
    choices = [sweep_values(str(name), values[name]) for name in names]
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*choices)]


# -- checks -------------------------------------------------------------------------------
def _check_name(name: str) -> str:
    key = name.strip().replace("-", "_")
    if key in COERCERS:
        return key
    close = difflib.get_close_matches(key, NAMES, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ";"
    raise ParameterError(f"unknown parameter {name!r}{hint} Valid parameters: {', '.join(NAMES)}")


def _resolve(path: Path) -> Path:
    return Path(path).expanduser().resolve()


def max_year() -> int:
    """The latest year a window may end: next year (sources may announce planned events)."""
    return datetime.date.today().year + 1


def _check_years(start: int | None, end: int | None) -> None:
    for name, year in (("start_year", start), ("end_year", end)):
        if year is not None and not MIN_YEAR <= year <= max_year():
            raise ParameterError(
                f"parameter {name!r}: {year} is out of range; give a year between "
                f"{MIN_YEAR} and {max_year()}, or leave it empty for no limit"
            )
    if start is not None and end is not None and start > end:
        raise ParameterError(
            f"parameter 'start_year': {start} is after end_year {end}; give a start_year "
            f"at most {end} or an end_year at least {start}"
        )


def check_corpus(path: Path) -> None:
    """Refuse a corpus path that does not exist or holds no readable document.

    Raises:
        ParameterError: naming the path and the file types read.
    """
    from .reading import SUFFIXES, discover_files, read_document

    kinds = ", ".join(SUFFIXES)
    if not path.exists():
        raise ParameterError(
            f"parameter 'corpus': {str(path)!r} does not exist; give a folder (or file) of "
            f"{kinds} documents, or leave it empty for the bundled seeds"
        )
    try:
        files = discover_files(path)
    except MongoliaAnalysisError as exc:  # pragma: no cover - exists() was checked above
        raise ParameterError(f"parameter 'corpus': {exc}") from None
    reasons = []
    for file, name in files:
        if path.is_file() and not name.lower().endswith(SUFFIXES):
            reasons.append(f"{name}: not a {kinds} file")
            continue
        raw = read_document(file, name)
        if raw.text and raw.text.strip():
            return
        reasons.append(f"{name}: {raw.error or 'no text'}")
    detail = f" ({'; '.join(reasons[:3])})" if reasons else ""
    raise ParameterError(
        f"parameter 'corpus': {str(path)!r} holds no readable document{detail}; give a folder "
        f"of {kinds} documents, or leave it empty for the bundled seeds"
    )


def check_codebook(path: Path) -> None:
    """Refuse a codebook file that cannot be loaded (the message names the file and entry).

    Raises:
        ParameterError: with the codebook's own error message.
    """
    from .themes import load_codebook

    try:
        load_codebook(path)
    except MongoliaAnalysisError as exc:
        raise ParameterError(
            f"parameter 'codebook': {str(path)!r} cannot be used: {exc}; fix the file or leave "
            "the parameter empty for the package's codebook"
        ) from None


@lru_cache(maxsize=8)
def _gazetteer(path: Path | None) -> Gazetteer:
    from .gazetteer import load_gazetteer

    return load_gazetteer(path)


def check_actor(name: str, entity_id: str, gazetteer: Path | None) -> str:
    """Return ``entity_id`` (upper-cased if only that form is known) if the gazetteer knows it.

    Raises:
        ParameterError: naming the parameter, the id and the closest known ids.
    """
    if not entity_id:
        raise ParameterError(
            f"parameter {name!r}: empty actor id; give a gazetteer id such as 'MNG' or 'PRK'"
        )
    try:
        gaz = _gazetteer(gazetteer)
    except MongoliaAnalysisError as exc:
        which = repr(str(gazetteer)) if gazetteer else "(empty: the package's gazetteer)"
        raise ParameterError(f"parameter 'gazetteer': {which} cannot be loaded: {exc}") from None
    for candidate in (entity_id, entity_id.upper()):
        if gaz.has(candidate):
            return candidate
    known = gaz.ids()
    close = difflib.get_close_matches(entity_id.upper(), known, n=3, cutoff=0.6)
    hint = f"did you mean {', '.join(map(repr, close))}? " if close else ""
    where = f"gazetteer {str(gazetteer)!r}" if gazetteer else "the package's gazetteer"
    examples = ", ".join(e for e in EXAMPLE_ACTORS if gaz.has(e))
    raise ParameterError(
        f"parameter {name!r}: unknown actor id {entity_id!r} in {where}; {hint}"
        f"valid ids are the gazetteer's {len(known)} ids, e.g. {examples} "
        "(countries by ISO 3166 alpha-3 code)"
    )


def actor_name(entity_id: str, gazetteer: Path | None) -> str:
    """The gazetteer's canonical name of ``entity_id`` (the id itself if it is unknown)."""
    gaz = _gazetteer(gazetteer)
    return gaz.name(entity_id) if gaz.has(entity_id) else entity_id


def derive_title(params: BriefParams) -> str:
    """The default title: "<Subject>'s soft-power mediation: focus on <Focus>[, years]".

    The year window is appended when one is set ("2010–2020", "since 2010", "until 2020").
    """
    subject = actor_name(params.subject, params.gazetteer)
    focus = actor_name(params.focus, params.gazetteer)
    possessive = f"{subject}'" if subject.endswith("s") else f"{subject}'s"
    title = f"{possessive} soft-power mediation: focus on {focus}"
    start, end = params.start_year, params.end_year
    if start is not None and end is not None:
        title += f", {start}" if start == end else f", {start}–{end}"
    elif start is not None:
        title += f", since {start}"
    elif end is not None:
        title += f", until {end}"
    return title


# -- description -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ParamInfo:
    """One row of :func:`describe_params`."""

    name: str
    type: str
    default: str
    help: str


def param_infos() -> tuple[ParamInfo, ...]:
    """Name, type, default and help of every parameter, in declaration order."""
    rows = []
    for f in dataclasses.fields(BriefParams):
        default = f.default
        if f.name == "corpus":
            shown = "seeds/ (bundled)"
        elif default is None or default == "":
            shown = "(empty)" if f.name != "title" else "(derived)"
        elif isinstance(default, tuple):
            shown = ",".join(default)
        else:
            shown = str(default)
        rows.append(ParamInfo(f.name, f.metadata["type"], shown, f.metadata["help"]))
    return tuple(rows)


def describe_params() -> str:
    """A plain-text table of the parameters, for ``mongolia-brief params``.

    Example:
        >>> print(describe_params().splitlines()[0])
        name        type      default           help
    """
    rows = [ParamInfo("name", "type", "default", "help"), *param_infos()]
    widths = [max(len(getattr(r, a)) for r in rows) for a in ("name", "type", "default")]
    lines = [
        f"{r.name:<{widths[0]}}  {r.type:<{widths[1]}}  {r.default:<{widths[2]}}  {r.help}"
        for r in rows
    ]
    return "\n".join(lines)
