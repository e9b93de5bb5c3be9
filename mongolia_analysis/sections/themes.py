"""Soft-power assets and constraints: what the codebook themes say, with the strongest quotes."""

from __future__ import annotations

import pandas as pd

from .. import charts
from ..judgments import code_kinds, theme_counts
from .common import (
    esc,
    first_sentence,
    most_counted,
    no_data,
    plural,
    quote,
    shown_of,
    source_line,
    table_html,
    window_documents,
)
from .context import BriefContext, Section, cached

#: A quotable sentence is at least this long (shorter ones are fragments or headings).
MIN_QUOTE_CHARS = 60


def _split_matched(value) -> set[str]:
    if value is None or pd.isna(value):
        return set()
    return {p.strip().lower() for p in str(value).replace("|", ";").split(";") if p.strip()}


def _matched_terms(rows: pd.DataFrame) -> pd.DataFrame:
    """Per passage (index doc_id, sent_id; sorted) of coding ``rows``: ``terms``, the number
    of distinct matched terms, and ``text``, the first text given."""
    terms: dict[tuple, set[str]] = {}
    texts: dict[tuple, object] = {}
    columns = (rows[name].tolist() for name in ("doc_id", "sent_id", "matched", "text"))
    for doc_id, sent_id, matched, text in zip(*columns, strict=True):
        if pd.isna(doc_id) or pd.isna(sent_id):
            continue  # as a groupby leaves them out
        key = (doc_id, sent_id)
        terms.setdefault(key, set()).update(_split_matched(matched))
        if texts.get(key) is None and not pd.isna(text):
            texts[key] = text
    keys = sorted(terms)
    frame = pd.DataFrame(
        {
            "doc_id": pd.Series([k[0] for k in keys], dtype=rows["doc_id"].dtype),
            "sent_id": pd.Series([k[1] for k in keys], dtype=rows["sent_id"].dtype),
            "terms": pd.Series([len(terms[k]) for k in keys], dtype="int64"),
            "text": pd.Series([texts.get(k) for k in keys], dtype=rows["text"].dtype),
        }
    )
    return frame.set_index(["doc_id", "sent_id"])


@cached
def sentence_texts(ctx: BriefContext) -> dict[tuple, str]:
    """(doc_id, sent_id) -> the sentence's text, for every sentence of the corpus."""
    sentences = ctx.sentences
    keys = zip(sentences["doc_id"].tolist(), sentences["sent_id"].tolist(), strict=True)
    return dict(zip(keys, sentences["text"].tolist(), strict=True))


def strongest_passages(ctx: BriefContext, code: str, n: int) -> pd.DataFrame:
    """The ``n`` passages that carry ``code`` most strongly, one per document first.

    Whole sentences short enough to quote come first, then longer ones, then fragments
    (under :data:`MIN_QUOTE_CHARS`); within each, distinct matched terms for the code, then
    how many codes of the same kind the sentence carries.
    """
    codings = ctx.codings
    rows = codings[codings["code"] == code]
    if not len(rows):
        return rows
    kind = ctx.code(code).kind
    kinds = code_kinds({c: ctx.code(c) for c in codings["code"].unique()})
    same_kind = codings[codings["code"].map(kinds) == kind]
    breadth = same_kind.groupby(["doc_id", "sent_id"])["code"].nunique()
    terms = _matched_terms(rows)
    sentences = sentence_texts(ctx)
    terms["text"] = [
        sentences.get(key, text) for key, text in zip(terms.index, terms["text"], strict=True)
    ]
    terms["breadth"] = breadth.reindex(terms.index).fillna(0).astype(int)
    length = terms["text"].str.len()
    # whole sentences that fit a quotation first, then longer ones (cut), fragments last
    terms["quotable"] = (length >= MIN_QUOTE_CHARS).astype(int) + (
        length <= ctx.limit("max_quote_chars")
    ).astype(int)
    terms = terms.reset_index().sort_values(
        ["quotable", "terms", "breadth", "doc_id", "sent_id"],
        ascending=[False, False, False, True, True],
    )
    terms["nth_in_doc"] = terms.groupby("doc_id").cumcount()
    terms = terms.sort_values(
        ["nth_in_doc", "quotable", "terms", "breadth"],
        ascending=[True, False, False, False],
        kind="stable",
    )
    return terms.head(n).reset_index(drop=True)


def _quote_list(ctx: BriefContext, code: str, n: int) -> str:
    passages = strongest_passages(ctx, code, n)
    items = "".join(
        f"<li>{quote(ctx, r.doc_id, r.sent_id, r.text)}</li>"
        for r in passages.itertuples(index=False)
    )
    return f'<ul class="quotes">{items}</ul>' if items else ""


def _theme_block(ctx: BriefContext, row: pd.Series, n_quotes: int) -> str:
    info = ctx.code(row["code"])
    definition = f"<em>{esc(first_sentence(info.definition))}</em> " if info.definition else ""
    count = (
        f"Coded in {esc(plural(int(row['n_passages']), 'passage'))} of "
        f"{esc(plural(int(row['n_documents']), 'document'))}."
    )
    return (
        f'<div class="theme"><h3>{esc(info.label)}</h3><p class="definition">{definition}'
        f"{count}</p>{_quote_list(ctx, row['code'], n_quotes)}</div>"
    )


@cached
def asset_matrix(ctx: BriefContext) -> pd.DataFrame:
    """Asset themes × documents: coded passages (rows: theme labels, columns: D-labels)."""
    counts = theme_counts(ctx.codings, ctx.codes, "asset")
    if not len(counts):
        return pd.DataFrame()
    rows = ctx.codings[ctx.codings["code"].isin(counts["code"])].drop_duplicates(
        ["doc_id", "sent_id", "code"]
    )
    documents = window_documents(ctx)
    labels = dict(zip(documents["doc_id"], documents["label"], strict=True))
    matrix = pd.crosstab(rows["code"], rows["doc_id"]).reindex(
        index=list(counts["code"]), columns=list(documents["doc_id"]), fill_value=0
    )
    matrix = matrix.loc[:, matrix.sum() > 0]
    matrix.index = [ctx.code(c).label for c in matrix.index]
    matrix.columns = [labels[d] for d in matrix.columns]
    return matrix


def _nye_table(ctx: BriefContext) -> str:
    counts = theme_counts(ctx.codings, ctx.codes, None)
    if not len(counts):
        return ""
    names = ctx.settings.nye_sources
    rows = []
    for source, label in names.items():
        codes = counts[[ctx.code(c).nye_source == source for c in counts["code"]]]
        codings = ctx.codings[ctx.codings["code"].isin(codes["code"])]
        rows.append(
            {
                "Nye's source": label,
                "Themes (passages)": "; ".join(
                    f"{ctx.code(c).label} ({n:,})"
                    for c, n in zip(codes["code"], codes["n_passages"], strict=True)
                )
                or "none coded",
                "Passages": codings[["doc_id", "sent_id"]].drop_duplicates().shape[0],
                "Documents": codings["doc_id"].nunique(),
            }
        )
    return table_html(pd.DataFrame(rows), classes="nye", widths=(18, 58, 12, 12))


@cached
def soft_power_assets(ctx: BriefContext) -> Section:
    """Heatmap of asset themes by document, leading themes with quotes, Nye's three sources."""
    title = "Soft-power assets"
    counts = theme_counts(ctx.codings, ctx.codes, "asset")
    if not len(counts):
        return Section(
            "soft-power-assets",
            title,
            no_data("No passage of the corpus is coded with an asset theme."),
        )
    whole = asset_matrix(ctx)
    columns = most_counted(whole.sum().tolist(), ctx.limit("max_heatmap_documents"))
    matrix = whole.iloc[:, columns]
    n_passages = (
        ctx.codings[ctx.codings["code"].isin(counts["code"])][["doc_id", "sent_id"]]
        .drop_duplicates()
        .shape[0]
    )
    lead = (
        f"<p>{esc(plural(n_passages, 'passage'))} in "
        f"{esc(plural(whole.shape[1], 'document'))} are coded with at least one of "
        f"{esc(plural(len(counts), 'asset theme'))}; the most coded come first."
        f"{esc(shown_of(matrix.shape[1], whole.shape[1], 'the most coded passages'))}</p>"
    )
    figure = charts.heatmap(
        matrix,
        xlabel="Document (see Sources and method)",
        ylabel="Asset theme",
        title="Coded passages per theme and document",
    )
    top = matrix.sum(axis=1).idxmax()
    html_figure = charts.to_html(
        figure,
        alt=(
            f"Heatmap of {matrix.shape[0]} asset themes across {matrix.shape[1]} documents; "
            f"the most coded theme is {top}."
        ),
        source=source_line(ctx, "passages coded with the codebook's asset themes"),
    )
    leading = counts.head(ctx.limit("leading_themes"))
    blocks = "".join(
        _theme_block(ctx, row, ctx.limit("quotes_per_theme")) for _, row in leading.iterrows()
    )
    nye = _nye_table(ctx)
    nye_html = f"<h3>Nye’s three sources of soft power</h3>{nye}" if nye else ""
    return Section("soft-power-assets", title, lead + html_figure + blocks + nye_html)


@cached
def constraints_and_risks(ctx: BriefContext) -> Section:
    """Passages coded as constraints, grouped by constraint theme."""
    title = "Constraints and risks"
    counts = theme_counts(ctx.codings, ctx.codes, "constraint")
    if not len(counts):
        return Section(
            "constraints-and-risks",
            title,
            no_data("No passage of the corpus is coded with a constraint theme."),
        )
    rows = ctx.codings[ctx.codings["code"].isin(counts["code"])]
    n_passages = rows[["doc_id", "sent_id"]].drop_duplicates().shape[0]
    lead = (
        f"<p>{esc(plural(n_passages, 'passage'))} in "
        f"{esc(plural(rows['doc_id'].nunique(), 'document'))} are coded with "
        f"{esc(plural(len(counts), 'constraint theme'))}; the most coded come first.</p>"
    )
    blocks = "".join(
        _theme_block(ctx, row, ctx.limit("quotes_per_constraint")) for _, row in counts.iterrows()
    )
    return Section("constraints-and-risks", title, lead + blocks)
