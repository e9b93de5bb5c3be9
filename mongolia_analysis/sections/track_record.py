"""Mediation track record: the subject's dated events on a timeline and in a table."""

from __future__ import annotations

import re

import pandas as pd

from .. import charts
from ..judgments import assign_clusters, factual_events, participants
from .common import esc, no_data, plural, ref_link, snippet, source_line, table_html, txt
from .context import BriefContext, Section, cached

RANK_COLUMNS = ["hosted", "highlight", "n_sources", "precision"]
RE_UNKNOWN_DIGITS = re.compile(r"^(\d{2,3})X+$")
#: Characters of the source sentence quoted in the event table (around the trigger).
QUOTE_CHARS = 150


def precision_rank(precision: str | None) -> int:
    """How exact a date is: day 3, month 2, year 1, anything vaguer 0.

    >>> precision_rank("relative-day"), precision_rank("anaphoric-year"), precision_rank("decade")
    (3, 1, 0)
    """
    text = txt(precision)
    return next((rank for word, rank in (("day", 3), ("month", 2), ("year", 1)) if word in text), 0)


def display_date(date: str | None, precision: str | None, year: int) -> str:
    """The date as precise as it is known: '2014-03-12', '2014-03', '2014', '1990s'.

    >>> display_date("199X", "decade", 1990), display_date("2014-03", "month", 2014)
    ('1990s', '2014-03')
    """
    text = txt(date)
    decade = RE_UNKNOWN_DIGITS.match(text)
    if decade:
        return f"{decade.group(1).ljust(4, '0')}s"
    rank = precision_rank(precision)
    if rank == 3 and len(text) >= 10:
        return text[:10]
    if rank == 2 and len(text) >= 7:
        return text[:7]
    return str(int(year))


@cached
def happenings(ctx: BriefContext) -> pd.DataFrame:
    """One row per happening (event cluster) involving the subject, dated, with its evidence.

    Columns: year, date, event_type, actors (ids: subject, focus, then as reported), hosted,
    highlight (involves the focus), n_sources, doc_id and sent_id (the quoted report), doc_ids
    (every reporting document), text, trigger, precision.
    At most ``max_events`` rows: hosted ones, then those involving the focus, then the best
    attested are kept.
    """
    events = factual_events(ctx.events)
    if not len(events):
        return pd.DataFrame()
    events = events[events["year"].notna()].copy()
    events["people"] = [
        participants(a, h) for a, h in zip(events["actors"], events["host"], strict=True)
    ]
    events = events[events["people"].map(lambda p: ctx.subject in p)].copy()
    if not len(events):
        return pd.DataFrame()
    events["cluster"] = assign_clusters(events, ctx.event_clusters)
    events["key"] = [
        f"c{c}" if not pd.isna(c) else f"e{i}" for i, c in enumerate(events["cluster"])
    ]
    events["precision"] = events["date_precision"].map(precision_rank)
    clusters = ctx.event_clusters
    sources = dict(zip(clusters["cluster_id"], clusters["n_sources"], strict=True))
    rows = []
    for _, group in events.groupby("key", sort=False):
        group = group.sort_values(["precision", "doc_id", "sent_id"], ascending=[False, True, True])
        first = group.iloc[0]
        people = dict.fromkeys(a for p in group["people"] for a in p)
        lead = [a for a in (ctx.subject, ctx.focus) if a in people]
        cluster = first["cluster"]
        n_docs = group["doc_id"].nunique()
        rows.append({
            "year": int(first["year"]),
            "date": display_date(first["date"], first["date_precision"], first["year"]),
            "event_type": str(first["event_type"]),
            "actors": (*lead, *(a for a in people if a not in lead)),
            "hosted": bool(
                group["host"].eq(ctx.subject).fillna(False).any()
                or group["mediation"].fillna(False).astype(bool).any()
            ),
            "highlight": ctx.focus in people,
            "n_sources": int(sources.get(cluster, n_docs)) if not pd.isna(cluster) else n_docs,
            "doc_id": str(first["doc_id"]),
            "doc_ids": tuple(sorted(set(group["doc_id"]))),
            "sent_id": int(first["sent_id"]),
            "text": str(first["text"]),
            "trigger": txt(first["trigger"]),
            "precision": int(first["precision"]),
        })  # fmt: skip
    table = pd.DataFrame(rows)
    chosen = table.sort_values(RANK_COLUMNS, ascending=False, kind="stable")
    chosen = chosen.head(ctx.limit("max_events"))
    return chosen.sort_values(["year", "date", "doc_id", "sent_id"]).reset_index(drop=True)


def _others(ctx: BriefContext, actors: tuple[str, ...]) -> str:
    names = [ctx.name(a) for a in actors if a != ctx.subject]
    return ", ".join(names) if names else ctx.name(ctx.subject)


@cached
def mediation_track_record(ctx: BriefContext) -> Section:
    """Timeline of the subject's events (type, hosting, focus highlighted) and an event table."""
    title = "Mediation track record"
    rows = happenings(ctx)
    subject, focus = ctx.name(ctx.subject), ctx.name(ctx.focus)
    if not len(rows):
        message = f"No dated events involving {subject} were found in the corpus."
        return Section("track-record", title, no_data(message))
    n_hosted, n_focus = int(rows["hosted"].sum()), int(rows["highlight"].sum())
    first, last = int(rows["year"].min()), int(rows["year"].max())
    lead = (
        f"<p>The documents record {esc(plural(len(rows), 'dated event'))} involving "
        f"{esc(subject)} between {first} and {last}. {esc(subject)} hosted or mediated "
        f"{n_hosted:,} of them; {n_focus:,} involve {esc(focus)}. Each row is one happening, "
        "however many documents report it.</p>"
    )
    types = rows["event_type"].map(ctx.event_label)
    frame = rows.assign(
        event_type=types,
        label=[f"{d} {t}: {_others(ctx, a)}" for d, t, a in
               zip(rows["date"], types, rows["actors"], strict=True)],
    )  # fmt: skip
    figure = charts.timeline(
        frame, highlight_label=f"involves {focus}", host_label=f"hosted or mediated by {subject}"
    )
    alt = (
        f"Timeline of {len(rows)} events involving {subject}, {first} to {last}: "
        f"{n_hosted} hosted or mediated by {subject}, {n_focus} involving {focus}."
    )
    what = f"{len(rows)} events found in their sentences (negated and hypothetical ones left out)"
    source = source_line(ctx, what, doc_ids={d for ids in rows["doc_ids"] for d in ids})
    html_figure = charts.to_html(figure, alt=alt, source=source)
    table = pd.DataFrame({
        "Date": rows["date"],
        "Event": [f"{t}: {', '.join(ctx.name(a) for a in acts)}"
                  for t, acts in zip(types, rows["actors"], strict=True)],
        f"{subject}’s role": ["host or mediator" if h else "party" for h in rows["hosted"]],
        "What the source says": [
            f"<q>{esc(snippet(r.text, r.trigger, QUOTE_CHARS))}</q> "
            f"{ref_link(ctx, r.doc_id, r.sent_id)}"
            for r in rows.itertuples(index=False)
        ],
        "Sources": [plural(int(n), "document") for n in rows["n_sources"]],
    })  # fmt: skip
    body = table_html(
        table,
        html_columns={"What the source says"},
        classes="events",
        widths=(11, 22, 13, 43, 11),
    )
    return Section("track-record", title, lead + html_figure + body)
