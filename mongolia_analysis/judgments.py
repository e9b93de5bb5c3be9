"""Key judgments of the brief, generated from the corpus tables — never typed for a corpus.

Each rule reads the tables (codings, events, event clusters, co-mentions), finds one fact
(the most-coded asset themes, the focus country's share of the events the subject hosts, the
best-corroborated event, the subject–focus tie, the leading constraint, the drift of framing
over the years) and states it with a wording template from ``data/report.yaml``. A rule whose
evidence falls short of ``min_passages`` passages in ``min_documents`` documents states
nothing. Every judgment carries the (doc_id, sent_id) of each passage it rests on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

Ref = tuple[str, int]

#: Minimum change in the constraint share (percentage points) called a shift in framing.
SHIFT_POINTS = 10


@dataclass(frozen=True, slots=True)
class Judgment:
    """One key judgment: its rule, its text and the passages it rests on."""

    key: str
    text: str
    refs: tuple[Ref, ...]
    n_documents: int
    n_total_documents: int

    @property
    def n_passages(self) -> int:
        """How many passages support the judgment."""
        return len(self.refs)

    @property
    def evidence(self) -> str:
        """The evidence count in words.

        >>> Judgment("k", "t", (("a", 1), ("b", 2)), 2, 5).evidence
        '2 passages in 2 of 5 documents'
        """
        passages = f"{self.n_passages:,} passage{'' if self.n_passages == 1 else 's'}"
        return f"{passages} in {self.n_documents:,} of {self.n_total_documents:,} documents"


# -- helpers shared with the report ---------------------------------------------------------------
def _true(series: pd.Series) -> pd.Series:
    return series.fillna(False).astype(bool)


def _is_true(value: Any) -> bool:
    """A flag's value as :func:`_true` reads it (missing: False)."""
    return False if value is None or pd.isna(value) else bool(value)


def factual_events(events: pd.DataFrame) -> pd.DataFrame:
    """Events that are neither negated nor hypothetical."""
    if not len(events):
        return events
    keep = ~_true(events["negated"]) & ~_true(events["hypothetical"])
    return events[keep].reset_index(drop=True)


def _actors(value: Any) -> tuple[str, ...]:
    return tuple(str(a) for a in value) if isinstance(value, tuple | list) else ()


def participants(actors: Any, host: Any) -> tuple[str, ...]:
    """An event's actors and its host (the host of a visit or meeting takes part in it).

    >>> participants(("JPN", "PRK"), "MNG")
    ('JPN', 'PRK', 'MNG')
    """
    ids = _actors(actors)
    if isinstance(host, str) and host and host not in ids:
        ids = (*ids, host)
    return ids


def assign_clusters(events: pd.DataFrame, clusters: pd.DataFrame) -> pd.Series:
    """The ``cluster_id`` of each event (NA when no cluster holds it, e.g. a negated event).

    A cluster holds an event when it has the event's year, lists the event's document and
    all its participants; among several, the one of the same type, then with the event's
    sentence as its text, then with the fewest actors wins. (An ``events.cluster_id`` column,
    if the extractor adds one, is used as is.)
    """
    if "cluster_id" in events.columns:
        return events["cluster_id"].astype("Int64")
    # the clusters that list a document, by (year, doc_id): each event looks at those only
    holding: dict[tuple[int, str], list[tuple[Any, Any, Any, frozenset[str]]]] = {}
    for cluster in clusters.itertuples(index=False):
        if pd.isna(cluster.year):
            continue
        members = frozenset(_actors(cluster.actors))
        entry = (cluster.cluster_id, cluster.event_type, cluster.text, members)
        for doc_id in dict.fromkeys(_actors(cluster.doc_ids)):
            holding.setdefault((int(cluster.year), doc_id), []).append(entry)
    ids: list[Any] = []
    for event in events.itertuples(index=False):
        best, best_key = pd.NA, None
        if not pd.isna(event.year) and not _is_true(event.negated):
            people = set(participants(event.actors, event.host))
            for cluster_id, event_type, text, members in holding.get(
                (int(event.year), str(event.doc_id)), ()
            ):
                if not people <= members:
                    continue
                key = (
                    event.event_type == event_type,
                    event.text == text,
                    -len(members),
                    -int(cluster_id),
                )
                if best_key is None or key > best_key:
                    best, best_key = cluster_id, key
        ids.append(best)
    return pd.Series(ids, index=events.index, dtype="Int64")


def code_kinds(codes: Mapping[str, Any]) -> dict[str, str]:
    """code -> kind ('asset' | 'constraint' | 'context') from codebook entries."""
    return {code: str(getattr(info, "kind", "context")) for code, info in codes.items()}


def theme_counts(codings: pd.DataFrame, codes: Mapping[str, Any], kind: str | None) -> pd.DataFrame:
    """Codes (of ``kind``, or all), most coded first: code, n_passages, n_documents."""
    columns = ["code", "n_passages", "n_documents"]
    if not len(codings):
        return pd.DataFrame(columns=columns)
    kinds = code_kinds(codes)
    rows = codings if kind is None else codings[codings["code"].map(kinds).eq(kind)]
    rows = rows.drop_duplicates(["doc_id", "sent_id", "code"])
    if not len(rows):
        return pd.DataFrame(columns=columns)
    table = rows.groupby("code").agg(
        n_passages=("sent_id", "size"), n_documents=("doc_id", "nunique")
    )
    table = table.reset_index().sort_values(
        ["n_passages", "n_documents", "code"], ascending=[False, False, True]
    )
    return table[columns].reset_index(drop=True)


def framing_by_year(
    codings: pd.DataFrame, documents: pd.DataFrame, codes: Mapping[str, Any]
) -> pd.DataFrame:
    """Per publication year: coded asset and constraint passages and the constraint share.

    Only articles count (a headline ticker reports news; it does not frame an argument), and
    a passage counts once per kind however many codes of that kind it carries.
    """
    columns = ["year", "asset", "constraint", "constraint_share"]
    documents = documents[documents["kind"].eq("article").fillna(False).astype(bool)]
    codings = codings[codings["doc_id"].isin(set(documents["doc_id"]))]
    if not len(codings):
        return pd.DataFrame(columns=columns)
    kinds = code_kinds(codes)
    rows = codings.assign(kind=codings["code"].map(kinds))
    rows = rows[rows["kind"].isin(["asset", "constraint"])]
    rows = rows.drop_duplicates(["doc_id", "sent_id", "kind"])
    years = dict(zip(documents["doc_id"], documents["year"], strict=True))
    rows = rows.assign(year=rows["doc_id"].map(years)).dropna(subset=["year"])
    if not len(rows):
        return pd.DataFrame(columns=columns)
    table = rows.pivot_table(index="year", columns="kind", values="sent_id", aggfunc="size")
    table = table.reindex(columns=["asset", "constraint"]).fillna(0).astype(int)
    table["constraint_share"] = table["constraint"] / (table["asset"] + table["constraint"])
    table = table.reset_index()
    table["year"] = table["year"].astype(int)
    return table[columns]


def framing_shift(by_year: pd.DataFrame) -> dict[str, Any] | None:
    """Compare the constraint share of the earlier and the later half of the years.

    >>> t = pd.DataFrame({"year": [2015, 2024], "asset": [8, 3], "constraint": [2, 3]})
    >>> s = framing_shift(t); (s["early_share"], s["late_share"], s["direction"])
    (0.2, 0.5, 'constraint')
    """
    if len(by_year) < 2:
        return None
    ordered = by_year.sort_values("year")
    half = len(ordered) // 2
    early, late = ordered.head(half), ordered.tail(half)

    def share(part: pd.DataFrame) -> float:
        total = int(part["asset"].sum() + part["constraint"].sum())
        return float(part["constraint"].sum()) / total if total else 0.0

    def span(part: pd.DataFrame) -> str:
        first, last = int(part["year"].min()), int(part["year"].max())
        return str(first) if first == last else f"{first}–{last}"

    early_share, late_share = share(early), share(late)
    points = 100 * (late_share - early_share)
    direction = (
        "constraint" if points >= SHIFT_POINTS else "asset" if points <= -SHIFT_POINTS else ""
    )
    return {
        "early_years": span(early),
        "late_years": span(late),
        "early": [int(y) for y in early["year"]],
        "late": [int(y) for y in late["year"]],
        "early_share": round(early_share, 3),
        "late_share": round(late_share, 3),
        "direction": direction,
    }


# -- the rules ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class JudgmentInputs:
    """The tables and settings the rules read (already windowed by the caller)."""

    codings: pd.DataFrame
    events: pd.DataFrame
    event_clusters: pd.DataFrame
    mentions: pd.DataFrame
    cooccurrence: pd.DataFrame
    documents: pd.DataFrame  # the documents within the window
    codes: Mapping[str, Any]  # code -> entry with .label and .kind
    name: Callable[[str], str]
    subject: str
    focus: str
    templates: Mapping[str, str]
    min_passages: int = 3
    min_documents: int = 2
    event_label: Callable[[str], str] = lambda event_type: event_type.replace("_", " ")
    #: documents that may report the (year-windowed) events; default: ``documents``
    event_documents: pd.DataFrame | None = None
    max_actors: int = 4


def _refs(frame: pd.DataFrame) -> tuple[Ref, ...]:
    pairs = frame[["doc_id", "sent_id"]].drop_duplicates()
    return tuple((str(d), int(s)) for d, s in pairs.itertuples(index=False, name=None))


def _judgment(
    key: str, text: str, refs: tuple[Ref, ...], inputs: JudgmentInputs, *, events: bool = False
) -> Judgment:
    refs = tuple(dict.fromkeys(refs))
    total = len(inputs.event_documents if events and inputs.event_documents is not None
                else inputs.documents)  # fmt: skip
    return Judgment(key, text, refs, len({d for d, _ in refs}), total)


#: Rules whose evidence is counted in documents only (one passage per reporting document).
DOCUMENT_COUNTED = frozenset({"most_corroborated"})


def _enough(judgment: Judgment, inputs: JudgmentInputs) -> bool:
    if judgment.n_documents < inputs.min_documents:
        return False
    return judgment.key in DOCUMENT_COUNTED or judgment.n_passages >= inputs.min_passages


def _quoted(label: str) -> str:
    return f"‘{label}’"


def _share(part: float, whole: float) -> str:
    return f"{round(100 * part / whole)}%" if whole else "n/a"


def rank_phrase(n: int) -> str:
    """'most frequent', 'second most frequent', '12th most frequent'.

    >>> rank_phrase(1), rank_phrase(3), rank_phrase(12)
    ('most frequent', 'third most frequent', '12th most frequent')
    """
    words = {1: "", 2: "second ", 3: "third ", 4: "fourth ", 5: "fifth "}
    if n in words:
        return f"{words[n]}most frequent"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix} most frequent"


def rule_leading_assets(inputs: JudgmentInputs) -> Judgment | None:
    """The two asset themes coded in most documents."""
    counts = theme_counts(inputs.codings, inputs.codes, "asset")
    counts = counts[counts["n_documents"] >= inputs.min_documents].head(2)
    if not len(counts):
        return None
    labels = [_quoted(inputs.codes[c].label) for c in counts["code"]]
    themes = " and ".join(labels)
    rows = inputs.codings[inputs.codings["code"].isin(counts["code"])]
    text = inputs.templates["leading_assets"].format(
        subject=inputs.name(inputs.subject), themes=themes
    )
    return _judgment("leading_assets", text, _refs(rows), inputs)


def _hosted(inputs: JudgmentInputs) -> pd.DataFrame:
    events = factual_events(inputs.events)
    if not len(events):
        return events
    hosted = events["host"].eq(inputs.subject).fillna(False).astype(bool)
    mediated = _true(events["mediation"]) & pd.Series(
        [
            inputs.subject in participants(a, h)
            for a, h in zip(events["actors"], events["host"], strict=True)
        ],
        index=events.index,
    )
    events = events[hosted | mediated].copy()
    events["cluster"] = assign_clusters(events, inputs.event_clusters)
    # an event without a cluster is a happening of its own
    fallback = [f"e{i}" for i in range(len(events))]
    events["happening"] = [
        f"c{c}" if not pd.isna(c) else f for c, f in zip(events["cluster"], fallback, strict=True)
    ]
    return events


def rule_focus_hosted_share(inputs: JudgmentInputs) -> Judgment | None:
    """How many of the events the subject hosts or mediates involve the focus."""
    events = _hosted(inputs)
    if not len(events):
        return None
    involves = pd.Series(
        [
            inputs.focus in participants(a, h)
            for a, h in zip(events["actors"], events["host"], strict=True)
        ],
        index=events.index,
    )
    n = events["happening"].nunique()
    k = events.loc[involves, "happening"].nunique()
    if n < 2:
        return None
    names = {"subject": inputs.name(inputs.subject), "focus": inputs.name(inputs.focus)}
    if k:
        text = inputs.templates["focus_hosted_share"].format(k=k, n=n, share=_share(k, n), **names)
        refs = _refs(events[involves]) + _refs(events[~involves])
    else:
        text = inputs.templates["focus_not_hosted"].format(n=n, **names)
        refs = _refs(events)
    return _judgment("focus_hosted_share", text, refs, inputs, events=True)


def rule_most_corroborated(inputs: JudgmentInputs) -> Judgment | None:
    """The happening reported by most documents (its evidence is counted in documents).

    Among equally attested happenings, those involving the subject, then the focus, then
    with more reports, then the earliest are named; the others are counted as ties.
    """
    clusters = inputs.event_clusters
    if not len(clusters):
        return None
    ids = clusters["actors"].map(_actors)
    ranked = clusters.assign(
        _subject=ids.map(lambda a: inputs.subject in a),
        _focus=ids.map(lambda a: inputs.focus in a),
        _year=clusters["year"].fillna(9999),
    ).sort_values(
        ["n_sources", "_subject", "_focus", "n_events", "_year", "cluster_id"],
        ascending=[False, False, False, False, True, True],
    )
    top = ranked.iloc[0]
    k = int(top["n_sources"])
    if k < max(2, inputs.min_documents):
        return None
    events = inputs.events.copy()
    events["cluster"] = assign_clusters(events, clusters)
    rows = events[events["cluster"].eq(top["cluster_id"]).fillna(False).astype(bool)]
    actors = _actors(top["actors"])
    lead = [a for a in (inputs.subject, inputs.focus) if a in actors]
    ordered = [*lead, *(a for a in actors if a not in lead)]
    names = [inputs.name(a) for a in ordered[: inputs.max_actors]]
    if len(ordered) > inputs.max_actors:
        names.append(f"{len(ordered) - inputs.max_actors} others")
    actor_text = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)
    ties = int((clusters["n_sources"] == k).sum())
    text = inputs.templates["most_corroborated_tied" if ties > 1 else "most_corroborated"].format(
        year="" if pd.isna(top["year"]) else int(top["year"]),
        event_type=inputs.event_label(str(top["event_type"])),
        actors=actor_text,
        k=k,
        n=len(inputs.documents if inputs.event_documents is None else inputs.event_documents),
        ties=ties,
    )
    text = " ".join(text.split())
    return _judgment("most_corroborated", text, _refs(rows), inputs, events=True)


def rule_focus_tie(inputs: JudgmentInputs) -> Judgment | None:
    """How often subject and focus are named together, and the tie's rank."""
    edges = inputs.cooccurrence
    if not len(edges) or inputs.focus == inputs.subject:
        return None
    touching = edges[(edges["source"] == inputs.subject) | (edges["target"] == inputs.subject)]
    partner = touching["target"].where(touching["source"] == inputs.subject, touching["source"])
    weights = pd.Series(touching["n_sentences"].astype(int).to_numpy(), index=partner.to_numpy())
    weights = weights.groupby(level=0).sum().sort_values(ascending=False)
    if inputs.focus not in weights.index:
        return None
    rank = int((weights > weights[inputs.focus]).sum()) + 1
    mentions = inputs.mentions
    keys = ["doc_id", "sent_id"]
    with_subject = mentions[mentions["entity_id"] == inputs.subject][keys].drop_duplicates()
    with_focus = mentions[mentions["entity_id"] == inputs.focus][keys].drop_duplicates()
    both = with_subject.merge(with_focus, on=keys)
    text = inputs.templates["focus_tie"].format(
        subject=inputs.name(inputs.subject),
        focus=inputs.name(inputs.focus),
        k=f"{int(weights[inputs.focus]):,}",
        rank=rank_phrase(rank),
    )
    return _judgment("focus_tie", text, _refs(both), inputs)


def rule_leading_constraint(inputs: JudgmentInputs) -> Judgment | None:
    """The constraint theme coded in most documents."""
    counts = theme_counts(inputs.codings, inputs.codes, "constraint")
    if not len(counts):
        return None
    code = counts["code"].iloc[0]
    text = inputs.templates["leading_constraint"].format(theme=_quoted(inputs.codes[code].label))
    return _judgment(
        "leading_constraint", text, _refs(inputs.codings[inputs.codings["code"] == code]), inputs
    )


def rule_framing_trend(inputs: JudgmentInputs) -> Judgment | None:
    """Whether later documents dwell more on constraints than earlier ones."""
    by_year = framing_by_year(inputs.codings, inputs.documents, inputs.codes)
    shift = framing_shift(by_year)
    if shift is None:
        return None
    fields = {
        "early_years": shift["early_years"],
        "late_years": shift["late_years"],
        "early_share": _share(shift["early_share"], 1),
        "late_share": _share(shift["late_share"], 1),
    }
    if shift["direction"]:
        words = {"constraint": "constraints", "asset": "assets"}[shift["direction"]]
        text = inputs.templates["framing_trend"].format(direction=words, **fields)
    else:
        text = inputs.templates["framing_stable"].format(**fields)
    kinds = code_kinds(inputs.codes)
    years = dict(zip(inputs.documents["doc_id"], inputs.documents["year"], strict=True))
    coded = inputs.codings.assign(
        kind=inputs.codings["code"].map(kinds), year=inputs.codings["doc_id"].map(years)
    )
    used = coded[
        coded["kind"].isin(["asset", "constraint"])
        & coded["year"].isin(shift["early"] + shift["late"])
    ]
    lead = shift["direction"] or "constraint"
    # passages of the leading kind in the later years first: they show the shift
    order = (~(used["kind"].eq(lead) & used["year"].isin(shift["late"]))).astype(int)
    used = used.assign(_order=order).sort_values(["_order", "doc_id", "sent_id"], kind="stable")
    return _judgment("framing_trend", text, _refs(used), inputs)


#: The rules in the order their judgments are stated.
RULES: tuple[Callable[[JudgmentInputs], Judgment | None], ...] = (
    rule_leading_assets,
    rule_focus_hosted_share,
    rule_most_corroborated,
    rule_focus_tie,
    rule_leading_constraint,
    rule_framing_trend,
)


def generate_judgments(inputs: JudgmentInputs, *, limit: int = 6) -> tuple[Judgment, ...]:
    """Apply every rule; keep the judgments with enough evidence, at most ``limit``."""
    judgments = []
    for rule in RULES:
        judgment = rule(inputs)
        if judgment is not None and _enough(judgment, inputs):
            judgments.append(judgment)
    return tuple(judgments[:limit])
