"""The brief's state: :class:`BriefContext` (corpus, parameters, windowed tables), :class:`Section`.

:func:`build_context` is the brief's one edge: it reads ``data/report.yaml`` and, if present,
the evaluation's accuracy file, asks the corpus for every extraction table once and windows
them by year. Everything downstream (the section functions) is pure over the context.

Windowing: tables that come from documents (sentences, mentions, codings, figures, headlines,
citations) keep the documents published within ``start_year``–``end_year``; events and event
clusters keep those that *happened* within the window, whichever document reports them.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ..errors import DataFileError, ParameterError
from ..paths import DATA_DIR, data_file

#: The accuracy table shipped in the package (``make evaluate`` regenerates it), tried in order.
EVALUATION_FILES = ("evaluation.csv", "evaluation.json")

RE_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_.-]")
#: Judgment templates the rules in :mod:`mongolia_analysis.judgments` fill in.
REQUIRED_TEMPLATES = frozenset(
    {
        "leading_assets",
        "focus_hosted_share",
        "focus_not_hosted",
        "most_corroborated",
        "leading_constraint",
        "framing_trend",
        "framing_stable",
        "focus_tie",
    }
)


@dataclass(frozen=True, slots=True)
class Section:
    """One section of the brief: an ``id`` (HTML anchor), a ``title`` and its HTML body.

    >>> Section("x", "A & B", "<p>hi</p>")._repr_html_()
    '<section id="x" class="brief-section"><h2>A &amp; B</h2><p>hi</p></section>'
    """

    id: str
    title: str
    html: str

    def _repr_html_(self) -> str:
        return (
            f'<section id="{html.escape(self.id)}" class="brief-section">'
            f"<h2>{html.escape(self.title)}</h2>{self.html}</section>"
        )


@dataclass(frozen=True, slots=True)
class CodeInfo:
    """One codebook entry as the brief needs it."""

    code: str
    label: str
    definition: str = ""
    kind: str = "context"  # asset | constraint | context
    nye_source: str = ""


@dataclass(frozen=True, slots=True)
class ReportSettings:
    """The contents of ``data/report.yaml``: lists, limits and judgment templates."""

    third_neighbours: Mapping[str, tuple[str, ...]]
    region: Mapping[str, tuple[str, ...]]
    defaults: Mapping[str, Any]
    limits: Mapping[str, int]
    nye_sources: Mapping[str, str]
    judgments: Mapping[str, str]
    languages: Mapping[str, str] = field(default_factory=dict)
    event_labels: Mapping[str, str] = field(default_factory=dict)
    figure_quantities: Mapping[str, str] = field(default_factory=dict)
    hedges: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BriefContext:
    """The corpus, the brief's parameters and the year-windowed tables every section reads."""

    corpus: Any
    subject: str
    focus: str
    start_year: int | None
    end_year: int | None
    title: str
    params: Mapping[str, Any]
    build_date: date
    settings: ReportSettings
    documents: pd.DataFrame  # every document of the corpus, numbered D1… (column "label")
    window_doc_ids: frozenset[str]  # documents published within the window
    sentences: pd.DataFrame  # all roles, windowed documents
    mentions: pd.DataFrame
    codings: pd.DataFrame
    figures: pd.DataFrame
    headlines: pd.DataFrame
    citations: pd.DataFrame
    cooccurrence: pd.DataFrame
    events: pd.DataFrame  # windowed by event year
    event_clusters: pd.DataFrame
    codes: Mapping[str, CodeInfo]
    names: Mapping[str, str]  # entity id -> display name (gazetteer, else mention name)
    passage_labels: Mapping[tuple[str, int], str]  # (doc_id, sent_id) -> "D3 ¶12.2"
    evaluation: pd.DataFrame | None = None
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def name(self, entity_id: str) -> str:
        """Display name of a gazetteer id (the id itself if unknown)."""
        if entity_id is None or pd.isna(entity_id):
            return ""
        return self.names.get(str(entity_id), str(entity_id))

    def limit(self, key: str) -> int:
        """A limit from ``data/report.yaml``, overridden by ``params[key]`` if given."""
        value = self.params.get(key, self.settings.limits.get(key))
        if value is None:
            raise ParameterError(f"unknown brief limit {key!r}; add it to data/report.yaml")
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ParameterError(f"params[{key!r}] must be a non-negative int, not {value!r}")
        return value

    def event_label(self, event_type: str) -> str:
        """Short display name of an event type, from ``data/report.yaml``."""
        return self.settings.event_labels.get(str(event_type), str(event_type).replace("_", " "))

    def code(self, code: str) -> CodeInfo:
        """The codebook entry of ``code`` (a neutral stand-in if the codebook lacks it)."""
        return self.codes.get(code) or CodeInfo(code, code.replace("_", " "))

    @property
    def window_label(self) -> str:
        """The year window in words, e.g. '2014–2018', 'from 2014', or '' when unbounded."""
        if self.start_year is None and self.end_year is None:
            return ""
        if self.start_year is None:
            return f"to {self.end_year}"
        if self.end_year is None:
            return f"from {self.start_year}"
        return f"{self.start_year}–{self.end_year}"


def cached(function: Callable[[BriefContext], Any]) -> Callable[[BriefContext], Any]:
    """Compute a selection once per context (sections and the passage appendix share it)."""

    def wrapper(ctx: BriefContext) -> Any:
        key = f"{function.__module__}.{function.__qualname__}"
        if key not in ctx.cache:
            ctx.cache[key] = function(ctx)
        return ctx.cache[key]

    wrapper.__name__ = function.__name__
    wrapper.__qualname__ = function.__qualname__
    wrapper.__doc__ = function.__doc__
    return wrapper


def anchor_id(doc_id: str, sent_id: int) -> str:
    """The HTML id of a passage in the appendix.

    >>> anchor_id("003_cf5b36be068882c7-1", 12)
    'src-003_cf5b36be068882c7-1-12'
    """
    return f"src-{RE_UNSAFE_ID.sub('_', str(doc_id))}-{int(sent_id)}"


# -- settings -------------------------------------------------------------------------------------
def load_settings(path: str | Path | None = None) -> ReportSettings:
    """Read the brief's lists, limits and templates from ``data/report.yaml`` (or ``path``).

    >>> load_settings().limits["max_judgments"]
    6
    """
    file = Path(path) if path is not None else data_file("report.yaml")
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise DataFileError(f"{file}: cannot read the brief settings: {error}") from error
    if not isinstance(raw, dict):
        raise DataFileError(f"{file}: expected a mapping at the top level")

    def ids_by_subject(key: str) -> dict[str, tuple[str, ...]]:
        entry = raw.get(key) or {}
        if not isinstance(entry, dict) or not all(isinstance(v, list) for v in entry.values()):
            raise DataFileError(f"{file}: entry {key!r} must map a subject id to a list of ids")
        return {str(k): tuple(str(i) for i in v) for k, v in entry.items()}

    def strings(key: str) -> dict[str, str]:
        entry = raw.get(key) or {}
        if not isinstance(entry, dict) or not all(isinstance(v, str) for v in entry.values()):
            raise DataFileError(f"{file}: entry {key!r} must map names to strings")
        return {str(k): " ".join(v.split()) for k, v in entry.items()}

    third_neighbours, region = ids_by_subject("third_neighbours"), ids_by_subject("region")
    limits = raw.get("limits") or {}
    bad = [k for k, v in limits.items() if not isinstance(v, int) or v < 0]
    if bad:
        raise DataFileError(f"{file}: limits {bad} must be non-negative integers")
    templates = strings("judgments")
    missing = sorted(REQUIRED_TEMPLATES - set(templates))
    if missing:
        raise DataFileError(f"{file}: entry 'judgments' lacks template(s) {missing}")
    return ReportSettings(
        third_neighbours=third_neighbours,
        region=region,
        defaults=dict(raw.get("defaults") or {}),
        limits=dict(limits),
        nye_sources=strings("nye_sources"),
        judgments=templates,
        languages=strings("languages"),
        event_labels=strings("event_labels"),
        figure_quantities=strings("figure_quantities"),
        hedges=strings("hedges"),
    )


def read_evaluation(path: str | Path | None) -> pd.DataFrame | None:
    """The extraction accuracy table the evaluation wrote (CSV or JSON records), if any."""
    candidates = [Path(path)] if path is not None else [DATA_DIR / n for n in EVALUATION_FILES]
    for file in candidates:
        if not file.is_file():
            continue
        if file.suffix == ".json":
            data = json.loads(file.read_text(encoding="utf-8"))
            records = data if isinstance(data, list) else data.get("results", data)
            if isinstance(records, dict):
                records = [{"table": k, **v} for k, v in records.items() if isinstance(v, dict)]
            return pd.DataFrame.from_records(records)
        return pd.read_csv(file)
    return None


# -- codebook and gazetteer adapters --------------------------------------------------------------
def _field(entry: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        value = entry.get(name) if isinstance(entry, Mapping) else getattr(entry, name, None)
        if value is not None:
            return value
    return default


def code_infos(codebook: Any) -> dict[str, CodeInfo]:
    """Codebook entries by code, whatever container the codebook object uses."""
    if codebook is None:
        return {}
    entries: Any = None
    for attribute in ("codes", "entries", "themes"):
        entries = getattr(codebook, attribute, None)
        if entries is not None and not callable(entries):
            break
        entries = None
    if entries is None:
        entries = codebook
    items = entries.items() if isinstance(entries, Mapping) else ((None, e) for e in entries)
    result: dict[str, CodeInfo] = {}
    for key, entry in items:
        code = str(_field(entry, "code", "id", default=key) or key)
        result[code] = CodeInfo(
            code=code,
            label=str(_field(entry, "label", "name", "title", default=code.replace("_", " "))),
            definition=" ".join(
                str(_field(entry, "definition", "description", default="")).split()
            ),
            kind=str(_field(entry, "kind", default="context")),
            nye_source=str(_field(entry, "nye_source", default="") or ""),
        )
    return result


def entity_names(gazetteer: Any, ids: set[str], mentions: pd.DataFrame) -> dict[str, str]:
    """Display names of ``ids``: the gazetteer's name, else the most frequent mention name."""
    from_mentions: dict[str, str] = {}
    if len(mentions) and "name" in mentions.columns:
        named = mentions.dropna(subset=["entity_id", "name"])
        if len(named):
            top = named.groupby("entity_id")["name"].agg(lambda s: s.value_counts().index[0])
            from_mentions = {str(k): str(v) for k, v in top.items()}
    names: dict[str, str] = {}
    for entity_id in ids:
        name = None
        lookup = getattr(gazetteer, "name", None)
        if callable(lookup):
            try:
                name = lookup(entity_id)
            except (KeyError, LookupError, ValueError):
                name = None
        names[entity_id] = str(name) if name else from_mentions.get(entity_id, entity_id)
    return names


# -- numbering of documents and passages ----------------------------------------------------------
def number_documents(documents: pd.DataFrame) -> pd.DataFrame:
    """Documents in reading order (publication date, then doc_id) with a label D1, D2, …"""
    ordered = documents.assign(
        _published=documents["published"].fillna("9999"), _doc=documents["doc_id"]
    ).sort_values(["_published", "_doc"], kind="stable")
    ordered = ordered.drop(columns=["_published", "_doc"]).reset_index(drop=True)
    ordered["label"] = [f"D{i}" for i in range(1, len(ordered) + 1)]
    return ordered


def label_passages(sentences: pd.DataFrame, doc_labels: Mapping[str, str]) -> dict:
    """(doc_id, sent_id) -> 'D3 ¶12' (or 'D3 ¶12.2' when the paragraph has several sentences)."""
    labels: dict[tuple[str, int], str] = {}
    if not len(sentences):
        return labels
    frame = sentences.sort_values(["doc_id", "para_id", "sent_id"])
    columns = (frame[name].tolist() for name in ("doc_id", "para_id", "sent_id"))
    paragraphs: dict[tuple[Any, Any], list[Any]] = {}  # in reading order (sorted above)
    for doc_id, para_id, sent_id in zip(*columns, strict=True):
        if not (pd.isna(doc_id) or pd.isna(para_id)):  # what a groupby leaves out
            paragraphs.setdefault((doc_id, para_id), []).append(sent_id)
    numbered: dict[Any, int] = {}  # doc_id -> paragraphs numbered so far
    for (doc_id, _), sent_ids in paragraphs.items():
        number = numbered[doc_id] = numbered.get(doc_id, 0) + 1
        prefix = f"{doc_labels.get(doc_id, doc_id)} ¶{number}"
        for k, sent_id in enumerate(sent_ids, start=1):
            labels[(str(doc_id), int(sent_id))] = f"{prefix}.{k}" if len(sent_ids) > 1 else prefix
    return labels


# -- the context ----------------------------------------------------------------------------------
def _in_docs(frame: pd.DataFrame, doc_ids: frozenset[str]) -> pd.DataFrame:
    if not len(frame) or "doc_id" not in frame.columns:
        return frame
    return frame[frame["doc_id"].isin(doc_ids)].reset_index(drop=True)


def _in_years(frame: pd.DataFrame, start: int | None, end: int | None) -> pd.DataFrame:
    if start is None and end is None:
        return frame
    years = frame["year"]
    keep = years.notna()
    if start is not None:
        keep &= years >= start
    if end is not None:
        keep &= years <= end
    return frame[keep.fillna(False).astype(bool)].reset_index(drop=True)


def _check_year(name: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(f"{name} must be a year (int) or None, not {value!r}")
    return value


def build_context(
    corpus: Any,
    *,
    subject: str = "MNG",
    focus: str = "PRK",
    start_year: int | None = None,
    end_year: int | None = None,
    title: str = "Mongolia as a mediator on the Korean Peninsula",
    params: Mapping[str, Any] | None = None,
    build_date: date | None = None,
    settings: ReportSettings | None = None,
    evaluation: pd.DataFrame | str | Path | None = None,
) -> BriefContext:
    """Assemble a :class:`BriefContext` (see :func:`mongolia_analysis.report.context`)."""
    start_year = _check_year("start_year", start_year)
    end_year = _check_year("end_year", end_year)
    if start_year is not None and end_year is not None and start_year > end_year:
        raise ParameterError(f"start_year {start_year} is after end_year {end_year}")
    for name, value in (("subject", subject), ("focus", focus)):
        if not isinstance(value, str) or not value.strip():
            raise ParameterError(f"{name} must be a gazetteer id such as 'MNG', not {value!r}")
    settings = settings or load_settings()
    documents = number_documents(corpus.documents)
    windowed = _in_years(documents, start_year, end_year)
    doc_ids = frozenset(windowed["doc_id"].astype(str))

    mentions = _in_docs(corpus.mentions, doc_ids)
    if start_year is None and end_year is None:
        cooccurrence = corpus.cooccurrence
    else:
        from ..network import build_cooccurrence

        cooccurrence = build_cooccurrence(mentions)
    events = _in_years(corpus.events, start_year, end_year)
    clusters = _in_years(corpus.event_clusters, start_year, end_year)

    ids = {subject, focus}
    ids.update(str(i) for i in mentions["entity_id"].dropna())
    for frame in (events, clusters):
        for actors in frame["actors"]:
            ids.update(str(a) for a in (actors if isinstance(actors, tuple | list) else ()))
    ids.update(str(h) for h in events["host"].dropna())
    for table in (settings.third_neighbours, settings.region):
        ids.update(table.get(subject, ()))

    if isinstance(evaluation, pd.DataFrame):
        accuracy: pd.DataFrame | None = evaluation
    else:
        accuracy = read_evaluation(evaluation)

    doc_labels = dict(zip(documents["doc_id"], documents["label"], strict=True))
    return BriefContext(
        corpus=corpus,
        subject=subject.strip(),
        focus=focus.strip(),
        start_year=start_year,
        end_year=end_year,
        title=title,
        params=dict(params or {}),
        build_date=build_date or date.today(),
        settings=settings,
        documents=documents,
        window_doc_ids=doc_ids,
        sentences=_in_docs(corpus.sentences, doc_ids),
        mentions=mentions,
        codings=_in_docs(corpus.codings, doc_ids),
        figures=_in_docs(corpus.figures, doc_ids),
        headlines=_in_docs(corpus.headlines, doc_ids),
        citations=_in_docs(corpus.citations, doc_ids),
        cooccurrence=cooccurrence,
        events=events,
        event_clusters=clusters,
        codes=code_infos(getattr(corpus, "codebook", None)),
        names=entity_names(getattr(corpus, "gazetteer", None), ids, corpus.mentions),
        passage_labels=label_passages(corpus.sentences, doc_labels),
        evaluation=accuracy,
    )
