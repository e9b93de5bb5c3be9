"""Relationship map (co-mention network) and the numbers the sources cite."""

from __future__ import annotations

import math

import pandas as pd

from .. import charts
from .common import esc, no_data, plural, ref_link, snippet, source_line, table_html, txt
from .context import BriefContext, Section, cached

#: Currency symbols used when a money figure is written out.
CURRENCY_SYMBOLS = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "KRW": "₩",
    "MNT": "₮",
    "CNY": "CN¥",
    "RUB": "₽",
}
SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))
#: Characters of the source sentence shown around a figure.
FIGURE_QUOTE_CHARS = 170


@cached
def network_tables(ctx: BriefContext) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The top nodes (id, label, strength) and the edges among them (source, target, weight)."""
    edges = ctx.cooccurrence
    if not len(edges):
        return pd.DataFrame(), pd.DataFrame()
    edges = edges.assign(weight=edges["n_sentences"].astype(int))
    degree = (
        pd.concat(
            [
                edges[["source", "weight"]].rename(columns={"source": "id"}),
                edges[["target", "weight"]].rename(columns={"target": "id"}),
            ]
        )
        .groupby("id")["weight"]
        .sum()
        .sort_values(ascending=False, kind="stable")
    )
    keep = [n for n in (ctx.subject, ctx.focus) if n in degree.index]
    keep += [n for n in degree.index if n not in keep][: max(ctx.limit("top_nodes") - len(keep), 0)]
    to_subject = edges[(edges["source"] == ctx.subject) | (edges["target"] == ctx.subject)]
    tie = pd.Series(
        to_subject["weight"].to_numpy(),
        index=to_subject["source"]
        .where(to_subject["target"] == ctx.subject, to_subject["target"])
        .to_numpy(),
    )
    tie = tie.groupby(level=0).sum()
    nodes = pd.DataFrame(
        {
            "id": keep,
            "label": [ctx.name(n) for n in keep],
            # order on the ring: tie to the subject, then overall weight
            "strength": [float(tie.get(n, 0)) + float(degree[n]) / 1e6 for n in keep],
        }
    )
    chosen = edges[edges["source"].isin(keep) & edges["target"].isin(keep)]
    return nodes, chosen[["source", "target", "weight", "n_documents"]].reset_index(drop=True)


@cached
def relationship_map(ctx: BriefContext) -> Section:
    """Network of co-mentioned actors (subject and focus marked) and the strongest ties."""
    title = "Relationship map"
    nodes, edges = network_tables(ctx)
    if not len(edges):
        return Section(
            "relationship-map",
            title,
            no_data("No two actors are named in the same sentence anywhere in the corpus."),
        )
    subject, focus = ctx.name(ctx.subject), ctx.name(ctx.focus)
    lead = (
        f"<p>Actors named together in a sentence are linked; a thicker line means more such "
        f"sentences. The map shows the {len(nodes)} most connected actors, {esc(subject)} in "
        f"the centre and the others ordered clockwise by their ties to it.</p>"
    )
    figure = charts.network(
        nodes,
        edges,
        centre=ctx.subject,
        highlight=ctx.focus if ctx.focus in set(nodes["id"]) else None,
        legend={
            "centre": subject,
            "highlight": focus,
            "other": "other actor",
            "edge": "named together (width = sentences)",
        },
    )
    html_figure = charts.to_html(
        figure,
        alt=(
            f"Network of {len(nodes)} actors co-mentioned with each other, centred on {subject};"
            f" strongest tie {ctx.name(edges.sort_values('weight').iloc[-1]['source'])}–"
            f"{ctx.name(edges.sort_values('weight').iloc[-1]['target'])}."
        ),
        source=source_line(
            ctx, f"{len(ctx.cooccurrence):,} pairs of actors named in the same sentence"
        ),
    )
    ties = ctx.cooccurrence.sort_values(
        ["n_sentences", "n_documents", "source", "target"], ascending=[False, False, True, True]
    )
    ties = ties.head(ctx.limit("top_ties"))
    first = [ctx.subject, ctx.focus]
    pairs = [
        (t, s) if t in first and (s not in first or first.index(t) < first.index(s)) else (s, t)
        for s, t in zip(ties["source"], ties["target"], strict=True)
    ]
    table = pd.DataFrame(
        {
            "Actor": [ctx.name(a) for a, _ in pairs],
            "Named with": [ctx.name(b) for _, b in pairs],
            "Sentences": ties["n_sentences"].astype(int),
            "Documents": ties["n_documents"].astype(int),
        }
    )
    return Section(
        "relationship-map",
        title,
        lead + html_figure + "<h3>Strongest ties</h3>" + table_html(table, classes="ties"),
    )


# -- figures --------------------------------------------------------------------------------------
def _number(value: float, decimals: int = 2) -> str:
    return f"{value:,.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{value:,.0f}"


def format_figure(value: float, *, unit: str = "", quantity: str = "", currency: str = "") -> str:
    """A figure written for reading: '$13.84 billion', '11.7%', '48,185', '26th'.

    >>> format_figure(13.84e9, quantity="money", currency="USD")
    '$13.84 billion'
    >>> format_figure(48185, unit="people", quantity="count")
    '48,185 people'
    >>> format_figure(11.7, unit="percent", quantity="percent")
    '11.7%'
    """
    if value is None or pd.isna(value) or math.isinf(value):
        return ""
    unit, quantity, currency = txt(unit), txt(quantity), txt(currency)
    if quantity in {"percent", "percentage", "share"} or unit in {"percent", "%"}:
        return f"{_number(value, 1)}%"
    if quantity == "rank" or unit in {"rank", "ordinal"}:
        n = int(value)
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"
    for size, word in SCALES:
        if abs(value) >= size:
            number = f"{_number(value / size)} {word}"
            break
    else:
        number = _number(value)
    if currency:
        symbol = CURRENCY_SYMBOLS.get(currency.upper())
        return f"{symbol}{number}" if symbol else f"{number} {currency}"
    if unit and unit not in {"count", "number"}:
        return f"{number} {unit}"
    return number


@cached
def figure_rows(ctx: BriefContext) -> pd.DataFrame:
    """Figures of the kinds listed in ``figure_quantities`` (report.yaml), in reading order.

    Past ``max_figures``, figures that say what they count or carry a currency are kept first.
    """
    figures = ctx.figures
    if not len(figures):
        return figures
    kinds = ctx.settings.figure_quantities
    figures = figures[figures["value"].notna()]
    if kinds:
        figures = figures[figures["quantity"].isin(list(kinds))]
    figures = figures.copy()
    labels = dict(zip(ctx.documents["doc_id"], ctx.documents["label"], strict=True))
    figures["_doc"] = figures["doc_id"].map(lambda d: int(labels.get(d, "D0")[1:]))
    figures["_informative"] = figures["counted"].notna() | figures["currency"].notna()
    chosen = figures.sort_values(["_informative", "_doc", "start"], ascending=[False, True, True])
    chosen = chosen.head(ctx.limit("max_figures"))
    return chosen.sort_values(["_doc", "start"]).drop(columns=["_doc", "_informative"])


def _hedged(ctx: BriefContext, row) -> str:
    hedge = txt(row.hedge)
    hedge = ctx.settings.hedges.get(hedge, hedge)
    value = format_figure(row.value, unit=row.unit, quantity=row.quantity, currency=row.currency)
    return f"{hedge} {value}".strip()


def _as_written(ctx: BriefContext, row, sentence: str) -> str:
    """HTML: the part of the sentence around the figure, the figure marked, and its link."""
    surface = txt(row.surface)
    text = snippet(sentence or surface, surface, FIGURE_QUOTE_CHARS)
    at = text.find(surface) if surface else -1
    marked = (
        esc(text)
        if at < 0
        else f"{esc(text[:at])}<mark>{esc(surface)}</mark>{esc(text[at + len(surface) :])}"
    )
    return f"<q>{marked}</q> {ref_link(ctx, row.doc_id, row.sent_id)}"


@cached
def by_the_numbers(ctx: BriefContext) -> Section:
    """Key figures with what they count, their year and their source sentence."""
    title = "By the numbers"
    rows = figure_rows(ctx)
    if not len(rows):
        message = "The corpus states no figures (money, shares, counts)."
        return Section("by-the-numbers", title, no_data(message))
    sentences = ctx.sentences.set_index(["doc_id", "sent_id"])["text"]
    kinds = ctx.settings.figure_quantities
    records = list(rows.itertuples(index=False))
    table = pd.DataFrame({
        "Figure": [_hedged(ctx, r) for r in records],
        "What it counts": [txt(r.counted) or kinds.get(txt(r.quantity), "—") for r in records],
        "Year": [str(int(y)) if not pd.isna(y) else "—" for y in rows["year"]],
        "As written": [
            _as_written(ctx, r, str(sentences.get((r.doc_id, r.sent_id), ""))) for r in records
        ],
    })  # fmt: skip
    left_out = len(ctx.figures) - len(rows)
    lead = (
        f"<p>{esc(plural(len(rows), 'figure'))} from "
        f"{esc(plural(rows['doc_id'].nunique(), 'document'))}, each with the sentence that "
        "states it"
        + (f"; {esc(plural(left_out, 'other figure'))} (durations, distances, vague amounts) "
           "are left out" if left_out else "")
        + ".</p>"
    )  # fmt: skip
    body = table_html(
        table,
        html_columns={"As written"},
        numeric_columns={"Figure"},
        classes="figures",
        widths=(17, 15, 8, 60),
    )
    return Section("by-the-numbers", title, lead + body)
