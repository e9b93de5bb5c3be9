"""How the sources differ, sources and method, and the appendix of cited passages."""

from __future__ import annotations

import re

import pandas as pd

from .. import charts
from ..citations import work_key
from ..judgments import code_kinds, framing_by_year, framing_shift
from .common import (
    esc,
    first_sentence,
    fmt_share,
    most_counted,
    no_data,
    plural,
    ref_label,
    shorten,
    shorten_left,
    shown_of,
    source_line,
    table_html,
    txt,
    window_documents,
)
from .context import BriefContext, Section, anchor_id, cached

RE_SAFE_URL = re.compile(r"^https?://", re.IGNORECASE)
RE_REF_TARGET = re.compile(r'href="#(src-[^"]+)"')
KINDS = ("asset", "constraint", "context")
LEADING_THEMES_PER_DOCUMENT = 3


def link(url, text: str | None = None) -> str:
    """HTML: a link to an http(s) URL (anything else is shown as text, never as a link).

    >>> link("javascript:alert(1)")
    'javascript:alert(1)'
    """
    if url is None or pd.isna(url) or not str(url).strip():
        return ""
    url = str(url).strip()
    if not RE_SAFE_URL.match(url):
        return esc(url)
    return f'<a href="{esc(url)}">{esc(text or url)}</a>'


@cached
def document_profiles(ctx: BriefContext) -> pd.DataFrame:
    """One row per windowed document: label, year, publisher, leading themes, kind shares."""
    documents = window_documents(ctx)
    kinds = code_kinds({c: ctx.code(c) for c in {*ctx.codes, *ctx.codings["code"].dropna()}})
    coded = ctx.codings.assign(kind=ctx.codings["code"].map(kinds).fillna("context"))
    # per document, counted once for all of them (a filter per document costs a corpus scan)
    passages = coded.groupby("doc_id", sort=False)["sent_id"].nunique(dropna=False)
    per_kind = coded.groupby(["doc_id", "kind"], sort=False)["sent_id"].nunique()
    distinct = coded.drop_duplicates(["doc_id", "sent_id", "code"])
    leading = {  # a document's codes by passages, as value_counts orders them
        doc_id: list(group["code"].value_counts().index[:LEADING_THEMES_PER_DOCUMENT])
        for doc_id, group in distinct.groupby("doc_id", sort=False)
    }
    rows = []
    for doc in documents.itertuples(index=False):
        rows.append(
            {
                "doc_id": doc.doc_id,
                "label": doc.label,
                "year": "" if pd.isna(doc.year) else str(int(doc.year)),
                "publisher": "" if pd.isna(doc.publisher) else str(doc.publisher),
                "kind": doc.kind,
                "themes": [ctx.code(c).label for c in leading.get(doc.doc_id, [])],
                "passages": int(passages.get(doc.doc_id, 0)),
                **{k: int(per_kind.get((doc.doc_id, k), 0)) for k in KINDS},
            }
        )
    return pd.DataFrame(rows)


def framing_sentence(ctx: BriefContext) -> str:
    """How the framing changed over the years covered, computed from the codings."""
    documents = window_documents(ctx)
    codes = {c: ctx.code(c) for c in {*ctx.codes, *ctx.codings["code"].dropna()}}
    by_year = framing_by_year(ctx.codings, documents, codes)
    shift = framing_shift(by_year)
    if shift is None:
        return (
            "The coded articles of known date come from a single year, so no change in framing "
            "over time can be read from them."
        )
    early, late = fmt_share(shift["early_share"], 1), fmt_share(shift["late_share"], 1)
    trend = {
        "constraint": "the later documents dwell more on constraints",
        "asset": "the later documents dwell more on assets",
        "": "the balance between assets and constraints hardly changes",
    }[shift["direction"]]
    return (
        f"Constraints make up {early} of the passages coded as asset or constraint in articles "
        f"published {shift['early_years']} and {late} in those published {shift['late_years']}: "
        f"{trend}."
    )


@cached
def how_sources_differ(ctx: BriefContext) -> Section:
    """A row per document: year, publisher, leading themes, share of assets vs constraints."""
    title = "How the sources differ"
    everyone = document_profiles(ctx)
    if not len(everyone):
        return Section("how-sources-differ", title, no_data("The corpus has no documents."))
    rows = most_counted(everyone["passages"].tolist(), ctx.limit("max_profile_documents"))
    profiles = everyone.iloc[rows].reset_index(drop=True)
    coded = profiles[profiles["passages"] > 0]
    table = pd.DataFrame(
        {
            "Document": profiles["label"],
            "Year": profiles["year"],
            "Publisher": profiles["publisher"].replace("", "—"),
            "Leading themes": ["; ".join(t) or "—" for t in profiles["themes"]],
            "Coded passages": profiles["passages"].astype(int),
            "Assets": [
                fmt_share(a, a + c)
                for a, c in zip(profiles["asset"], profiles["constraint"], strict=True)
            ],
            "Constraints": [
                fmt_share(c, a + c)
                for a, c in zip(profiles["asset"], profiles["constraint"], strict=True)
            ],
        }
    )
    shows = "The figure and the table show" if len(coded) else "The table shows"
    parts = [
        f"<p>{esc(framing_sentence(ctx))} Shares count passages coded as asset or "
        "constraint; a passage can carry both."
        f"{esc(shown_of(len(profiles), len(everyone), 'the most coded passages', shows=shows))}"
        "</p>"
    ]
    if len(coded):
        names = [
            " · ".join(p for p in (r.label, r.year, r.publisher[:28]) if p)
            for r in coded.itertuples(index=False)
        ]
        shares = coded.set_index(pd.Index(names))[list(KINDS)]
        shares = shares.div(shares.sum(axis=1), axis=0).fillna(0)
        shares.columns = ["asset", "constraint", "context (neither)"]
        figure = charts.stacked_bars(
            shares, xlabel="Share of coded passages (%)", ylabel="Document", share=True
        )
        parts.append(
            charts.to_html(
                figure,
                alt=f"Stacked bars of the share of asset, constraint and other coded passages in "
                f"each of {len(coded)} documents.",
                source=source_line(
                    ctx,
                    "passages coded with the codebook, by the kind of theme",
                    doc_ids=set(coded["doc_id"]),
                ),
            )
        )
    parts.append(
        table_html(
            table,
            numeric_columns={"Assets", "Constraints"},
            classes="profiles",
            widths=(11, 8, 17, 30, 12, 10, 12),
        )
    )
    return Section("how-sources-differ", title, "".join(parts))


# -- sources and method ---------------------------------------------------------------------------
def _bibliography(ctx: BriefContext) -> str:
    items = []
    for doc in ctx.documents.itertuples(index=False):
        author = "" if pd.isna(doc.author) else f"{esc(doc.author)}. "
        title = esc(doc.title) if not pd.isna(doc.title) else "Untitled"
        publisher = "" if pd.isna(doc.publisher) else f" {esc(doc.publisher)}."
        date = " n.d." if pd.isna(doc.published) else f" {esc(doc.published)}."
        kind = " Headline ticker." if doc.kind == "headlines" else ""
        outside = (
            ""
            if doc.doc_id in ctx.window_doc_ids
            else ' <span class="outside">(outside the window)</span>'
        )
        items.append(
            f'<li id="doc-{esc(doc.label)}"><span class="ref-label">[{esc(doc.label)}]</span> '
            f"{author}“{title}”.{publisher}{date}{kind} {link(doc.url)}{outside}</li>"
        )
    return f'<ol class="bibliography">{"".join(items)}</ol>'


def _work_item(work) -> str:
    """HTML: one cited work (a row of ``citations``) as a reference."""
    who = " ".join(
        p for p in (txt(work.authors), f"({int(work.year)})" if not pd.isna(work.year) else "") if p
    )
    parts = [
        esc(who) + "." if who else "",
        f"“{esc(work.title)}”." if not pd.isna(work.title) else esc(work.raw),
        f"<em>{esc(work.container)}</em>." if not pd.isna(work.container) else "",
        link(work.url)
        or (link(f"https://doi.org/{work.doi}", str(work.doi)) if not pd.isna(work.doi) else ""),
    ]
    return " ".join(p for p in parts if p)


def _works_cited(ctx: BriefContext) -> str:
    citations = ctx.citations
    if not len(citations):
        return no_data("The documents cite no works that could be read as references.")
    labels = dict(zip(ctx.documents["doc_id"], ctx.documents["label"], strict=True))
    order = {d: i for i, d in enumerate(ctx.documents["doc_id"])}
    limit = ctx.limit("max_cited_works")
    if len(citations) > limit:
        return _most_cited_works(citations, labels, order, limit)
    blocks = []
    groups = sorted(citations.groupby("doc_id"), key=lambda g: order.get(g[0], len(order)))
    for doc_id, works in groups:
        items = "".join(f"<li>{_work_item(work)}</li>" for work in works.itertuples(index=False))
        blocks.append(
            f"<p>{esc(labels.get(doc_id, doc_id))} cites "
            f"{esc(plural(len(works), 'work'))}:</p><ol class='works'>{items}</ol>"
        )
    return "".join(blocks)


#: Labels of citing documents shown beside a work in the list of the most cited works.
CITED_BY_LABELS = 6


def _most_cited_works(
    citations: pd.DataFrame, labels: dict[str, str], order: dict[str, int], limit: int
) -> str:
    """HTML: the ``limit`` works cited by the most documents (a work is known across
    documents by :func:`~mongolia_analysis.citations.work_key`), each with the documents
    (their ``labels``) that cite it; ties in the order the documents (in ``order``) first
    cite them."""
    rank = citations["doc_id"].map(order).fillna(len(order))
    rows = citations.iloc[rank.argsort(kind="stable")]  # document order, then citation order
    works: dict[str, tuple[object, list[str]]] = {}
    for index, row in enumerate(rows.itertuples(index=False)):
        key = work_key(row.doi, row.url, row.title, row.raw) or f"row:{index}"
        _, citing = works.setdefault(key, (row, []))
        if row.doc_id not in citing:
            citing.append(row.doc_id)
    ranked = sorted(works.values(), key=lambda work: -len(work[1]))[:limit]
    items = []
    for row, citing in ranked:
        named = [esc(labels.get(d, d)) for d in citing[:CITED_BY_LABELS]]
        more = len(citing) - len(named)
        by = ", ".join(named) + (f" and {more} more" if more else "")
        items.append(f"<li>{_work_item(row)} <span class='cited-by'>Cited by {by}.</span></li>")
    lead = (
        f"<p>The documents cite {esc(plural(len(citations), 'work'))}, "
        f"{len(works):,} of them distinct. The {len(ranked)} cited by the most documents are "
        "listed; the citations table (<code>tables/citations.csv</code> of a build) holds "
        "every work with the document that cites it.</p>"
    )
    return lead + f"<ol class='works'>{''.join(items)}</ol>"


def _codebook(ctx: BriefContext) -> str:
    if not ctx.codes:
        return no_data("No codebook is loaded.")
    counts = ctx.codings.drop_duplicates(["doc_id", "sent_id", "code"])["code"].value_counts()
    nye = ctx.settings.nye_sources
    table = pd.DataFrame(
        {
            "Theme": [i.label for i in ctx.codes.values()],
            "Kind": [i.kind for i in ctx.codes.values()],
            "Nye’s source": [
                nye.get(i.nye_source, i.nye_source) or "—" for i in ctx.codes.values()
            ],
            "Definition": [first_sentence(i.definition) or "—" for i in ctx.codes.values()],
            "Passages": [int(counts.get(c, 0)) for c in ctx.codes],
        }
    )
    return table_html(table, classes="codebook", widths=(20, 11, 15, 44, 10))


def _accuracy(ctx: BriefContext) -> str:
    if ctx.evaluation is None or not len(ctx.evaluation):
        return no_data("Extraction accuracy: not available (the evaluation has not been run).")
    frame = ctx.evaluation.copy()
    lead = (
        "<p>How well the automatic extraction matches hand-written annotations (precision: "
        "share of extracted items that are right; recall: share of annotated items found), "
        "measured on the seed documents and on a development corpus written for the project. "
        "Both were used while the rules were written, so expect lower figures on new text.</p>"
    )
    for column in frame.columns:
        if pd.api.types.is_float_dtype(frame[column]) and frame[column].between(0, 1).all():
            frame[column] = frame[column].map(lambda v: f"{v:.2f}")
    return lead + table_html(frame, classes="accuracy")


METHOD = (
    "Documents are read from the corpus folder, stripped of web boilerplate and split into "
    "paragraphs and sentences; headline tickers are split into items. Actors are found with a "
    "gazetteer of names and aliases (English and Mongolian); events are coded by type (CAMEO "
    "and PLOVER) with their date, actors and host; themes are coded with a keyword codebook. "
    "Every quotation and count in this brief points to its sentence in the appendix."
)


def _limitations(ctx: BriefContext) -> str:
    documents = window_documents(ctx)
    n_articles = int((documents["kind"] == "article").sum())
    codes = {*documents["language"].dropna(), *ctx.headlines["language"].dropna()} - {"mul", "und"}
    languages = [ctx.settings.languages.get(str(c), str(c)) for c in codes]
    items = [
        f"The corpus is small ({plural(len(documents), 'document')}, "
        f"{plural(n_articles, 'article')}"
        f") and was not sampled systematically; counts describe these documents, not opinion at "
        "large.",
        "Extraction is automatic: names, events, figures and themes are found by rules and "
        "lists, so some are missed and some are wrong (see the accuracy figures).",
        "Themes are coded by keywords: a passage that discusses a theme in other words is not "
        "counted, and a keyword used in passing is.",
        "Two actors named in the same sentence are linked whatever the sentence says about them.",
        f"Languages covered: {', '.join(sorted(set(languages))) or 'none'}.",
    ]
    if ctx.window_label:
        items.append(
            f"Only documents published {ctx.window_label} and events of those years are "
            "analysed; the bibliography lists the whole corpus."
        )
    return "<ul class='limitations'>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"


@cached
def sources_and_method(ctx: BriefContext) -> Section:
    """Bibliography, works cited, the codebook, extraction accuracy and limitations."""
    parts = [
        "<h3>Documents</h3>",
        _bibliography(ctx),
        "<h3>Works the documents cite</h3>",
        _works_cited(ctx),
        "<h3>Method</h3>",
        f"<p>{esc(METHOD)}</p>",
        "<h3>Codebook</h3>",
        _codebook(ctx),
        "<h3>Extraction accuracy</h3>",
        _accuracy(ctx),
        "<h3>Limitations</h3>",
        _limitations(ctx),
    ]
    return Section("sources-and-method", "Sources and method", "".join(parts))


# -- passages appendix ----------------------------------------------------------------------------
def cited_passages(ctx: BriefContext, sections: list[Section]) -> list[tuple[str, int]]:
    """(doc_id, sent_id) of every passage the sections link to, in document order."""
    by_anchor = {anchor_id(d, s): (d, s) for d, s in ctx.passage_labels}
    targets = {t for section in sections for t in RE_REF_TARGET.findall(section.html)}
    refs = [by_anchor[t] for t in targets if t in by_anchor]
    order = {d: i for i, d in enumerate(ctx.documents["doc_id"])}
    return sorted(refs, key=lambda r: (order.get(r[0], len(order)), r[1]))


#: Characters of each neighbouring sentence shown around a cited passage.
CONTEXT_CHARS = 160


def passage_context(ctx: BriefContext, doc_id: str, sent_id: int) -> str:
    """HTML: the sentence marked, between (shortened) neighbours of the same paragraph."""
    sentences = ctx.corpus.sentences
    doc = sentences[sentences["doc_id"] == doc_id]
    row = doc[doc["sent_id"] == sent_id]
    if not len(row):
        return ""
    para = doc[doc["para_id"] == row["para_id"].iloc[0]]
    before = para[para["sent_id"] == sent_id - 1]["text"]
    after = para[para["sent_id"] == sent_id + 1]["text"]
    head = esc(shorten_left(before.iloc[0], CONTEXT_CHARS)) if len(before) else ""
    tail = esc(shorten(after.iloc[0], CONTEXT_CHARS)) if len(after) else ""
    marked = f"<mark>{esc(row['text'].iloc[0])}</mark>"
    return " ".join(p for p in (head, marked, tail) if p)


def _document_line(ctx: BriefContext, doc) -> str:
    title = esc(doc.title) if not pd.isna(doc.title) else "Untitled"
    details = ", ".join(p for p in (txt(doc.publisher), txt(doc.published)) if p)
    return (
        f'<p class="passage-document"><strong>[{esc(doc.label)}]</strong> <cite>{title}</cite>'
        + (f" ({esc(details)})" if details else "") + "</p>"
    )  # fmt: skip


def render_passages(ctx: BriefContext, sections: list[Section]) -> Section:
    """The appendix: each cited passage, grouped by document, marked in its context."""
    title = "Passages cited"
    refs = cited_passages(ctx, sections)
    if not refs:
        return Section("passages", title, no_data("No passage is cited."))
    blocks = []
    for doc in ctx.documents.itertuples(index=False):
        mine = [s for d, s in refs if d == doc.doc_id]
        if not mine:
            continue
        items = "".join(
            f'<li id="{anchor_id(doc.doc_id, s)}"><span class="ref-label">'
            f"[{esc(ref_label(ctx, doc.doc_id, s))}]</span> "
            f"{passage_context(ctx, doc.doc_id, s)}</li>"
            for s in mine
        )
        blocks.append(f'{_document_line(ctx, doc)}<ul class="passages">{items}</ul>')
    lead = (
        f"<p>The {esc(plural(len(refs), 'passage'))} cited above, by document (numbered as in "
        "Sources and method); ¶ counts paragraphs, .n the sentence within one.</p>"
    )
    return Section("passages", title, lead + "".join(blocks))
