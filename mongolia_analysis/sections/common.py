"""HTML building blocks shared by the sections: escaping, tables, quotes, passage links.

Every string that can come from a document (titles, quotes, names, headlines) passes through
:func:`esc` before it reaches HTML; functions that return HTML say so in their name or docs.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from .context import BriefContext, anchor_id

RE_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z])")
#: Table cells up to this many characters are kept on one line.
NOWRAP_CHARS = 16


def esc(value: Any) -> str:
    """Escape a value for HTML text or attributes (missing values become '').

    >>> esc('<script>alert(1)</script>')
    '&lt;script&gt;alert(1)&lt;/script&gt;'
    """
    if value is None or (not isinstance(value, str | tuple | list) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=True)


def txt(value: Any) -> str:
    """A value as plain text: '' for None or a missing value.

    >>> txt(pd.NA), txt(2015)
    ('', '2015')
    """
    if value is None or (not isinstance(value, str | tuple | list) and pd.isna(value)):
        return ""
    return str(value)


def no_data(message: str) -> str:
    """The one-line HTML a section shows when it has nothing to show."""
    return f'<p class="no-data">{esc(message)}</p>'


def fmt_int(value: Any) -> str:
    """An integer with thousands separators ('' if missing).

    >>> fmt_int(48185)
    '48,185'
    """
    if value is None or pd.isna(value):
        return ""
    return f"{int(value):,}"


def fmt_share(part: float, whole: float) -> str:
    """A share as a whole percentage, e.g. '40%' ('n/a' for an empty whole).

    >>> fmt_share(2, 5)
    '40%'
    """
    if not whole:
        return "n/a"
    return f"{round(100 * part / whole):d}%"


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 document', '7 documents' (thousands separated).

    >>> plural(1, "passage"), plural(1200, "passage")
    ('1 passage', '1,200 passages')
    """
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def join_words(items: Sequence[str], *, conjunction: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'.

    >>> join_words(["culture", "values", "policy"])
    'culture, values and policy'
    """
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` at a word boundary to at most ``limit`` characters, adding '…'.

    >>> shorten("one two three four", 10)
    'one two…'
    """
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def shorten_left(text: str, limit: int) -> str:
    """Keep the end of ``text``: at most ``limit`` characters, cut at a word, '…' in front.

    >>> shorten_left("one two three four", 11)
    '…three four'
    """
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    start = len(text) - limit + 1
    tail = text[start:]
    if text[start - 1] != " " and " " in tail:  # drop the cut word
        tail = tail.split(" ", 1)[1]
    return "…" + tail


# -- passages -------------------------------------------------------------------------------------
def ref_label(ctx: BriefContext, doc_id: str, sent_id: int) -> str:
    """The printed reference of a passage, e.g. 'D3 ¶12.2'."""
    return ctx.passage_labels.get((str(doc_id), int(sent_id)), f"{doc_id} s{int(sent_id)}")


def ref_link(ctx: BriefContext, doc_id: str, sent_id: int) -> str:
    """HTML: a bracketed reference linking to the passage in the appendix."""
    label = esc(ref_label(ctx, doc_id, sent_id))
    return f'<a class="ref" href="#{anchor_id(doc_id, sent_id)}">[{label}]</a>'


def ref_links(ctx: BriefContext, refs: Iterable[tuple[str, int]], *, limit: int = 0) -> str:
    """HTML: several reference links separated by spaces; '+N more' past ``limit`` (0 = all)."""
    refs = list(dict.fromkeys((str(d), int(s)) for d, s in refs))
    shown = refs[:limit] if limit else refs
    links = " ".join(ref_link(ctx, d, s) for d, s in shown)
    if len(refs) > len(shown):
        links += f' <span class="more">+{len(refs) - len(shown)} more</span>'
    return links


def quote(ctx: BriefContext, doc_id: str, sent_id: int, text: str) -> str:
    """HTML: a shortened, escaped quotation followed by its reference link."""
    short = shorten(text, ctx.limit("max_quote_chars"))
    return f"<q>{esc(short)}</q> {ref_link(ctx, doc_id, sent_id)}"


def sentence_text(ctx: BriefContext, doc_id: str, sent_id: int) -> str:
    """The text of a sentence of the corpus ('' if unknown)."""
    rows = ctx.corpus.sentences
    hit = rows[(rows["doc_id"] == doc_id) & (rows["sent_id"] == int(sent_id))]
    return str(hit["text"].iloc[0]) if len(hit) else ""


# -- tables ---------------------------------------------------------------------------------------
def _cell(value: Any) -> tuple[str, bool]:
    """Escaped cell text and whether it is numeric."""
    if isinstance(value, bool):
        return ("yes" if value else "no"), False
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return fmt_int(value), True
    if isinstance(value, float):
        return ("" if math.isnan(value) else f"{value:,.2f}"), True
    return esc(value), False


def table_html(
    frame: pd.DataFrame,
    *,
    html_columns: Iterable[str] = (),
    numeric_columns: Iterable[str] = (),
    classes: str = "",
    caption: str = "",
    widths: Sequence[int] = (),
) -> str:
    """HTML: a table without index column; cells escaped except ``html_columns``.

    Integers get thousands separators and, with ``numeric_columns``, right alignment.
    ``widths`` (percentages, one per column) size the columns, also in print.

    >>> t = table_html(pd.DataFrame({"n": [1200], "who": ["<b>"]}))
    >>> t.startswith('<table class="brief-table">'), ">1,200</td>" in t, "&lt;b&gt;" in t
    (True, True, True)
    """
    raw = set(html_columns)
    numeric = set(numeric_columns)
    head = "".join(f'<th style="overflow-wrap:normal">{esc(c)}</th>' for c in frame.columns)
    rows = []
    for record in frame.itertuples(index=False, name=None):
        cells = []
        for column, value in zip(frame.columns, record, strict=True):
            if column in raw:
                text, is_number = str(value), False
            else:
                value = None if value is pd.NA else value
                value = (
                    int(value) if hasattr(value, "item") and float(value).is_integer() else value
                )
                text, is_number = _cell(value)
            classes_ = ["num"] if is_number or column in numeric else []
            nowrap = column not in raw and len(html.unescape(text)) <= NOWRAP_CHARS
            if nowrap:  # short cells never break mid-word, whatever the stylesheet says
                classes_.append("nowrap")
            css = f' class="{" ".join(classes_)}"' if classes_ else ""
            style = ' style="white-space:nowrap"' if nowrap else ""
            cells.append(f"<td{css}{style}>{text}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    cls = f"brief-table {classes}".strip()
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    if widths:
        cap += "<colgroup>" + "".join(f'<col style="width:{int(w)}%">' for w in widths)
        cap += "</colgroup>"
    body = "".join(rows)
    return f'<table class="{cls}">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def most_counted(counts: Sequence[int], limit: int) -> list[int]:
    """Positions of the ``limit`` largest ``counts`` (ties: the earlier first), in their
    original order: which documents a figure or table has room for.

    >>> most_counted([3, 9, 0, 9, 5], 3)
    [1, 3, 4]
    >>> most_counted([1, 2], 5)
    [0, 1]
    """
    ranked = sorted(range(len(counts)), key=lambda i: (-counts[i], i))
    return sorted(ranked[:limit])


def shown_of(shown: int, total: int, what: str, *, shows: str = "The figure shows") -> str:
    """The sentence that says a figure or table shows only some of the documents ('' if all).

    >>> shown_of(24, 760, "the most coded passages")
    ' The figure shows the 24 of the 760 documents with the most coded passages.'
    >>> shown_of(5, 5, "the most coded passages")
    ''
    """
    if shown >= total:
        return ""
    return f" {shows} the {shown:,} of the {total:,} documents with {what}."


def paragraph(text: str) -> str:
    """HTML: an escaped paragraph."""
    return f"<p>{esc(text)}</p>"


# -- corpus descriptions --------------------------------------------------------------------------
def year_span(years: Iterable[Any]) -> str:
    """'2015–2024', '2017' or 'undated'.

    >>> year_span([2017, 2015, None])
    '2015–2017'
    """
    known = sorted({int(y) for y in years if y is not None and not pd.isna(y)})
    if not known:
        return "undated"
    return str(known[0]) if known[0] == known[-1] else f"{known[0]}–{known[-1]}"


def window_documents(ctx: BriefContext) -> pd.DataFrame:
    """The numbered documents published within the brief's window."""
    return ctx.documents[ctx.documents["doc_id"].isin(ctx.window_doc_ids)].reset_index(drop=True)


def source_line(ctx: BriefContext, what: str, *, doc_ids: Iterable[str] | None = None) -> str:
    """Plain text for the line under a figure: 'Source: 6 documents published 2015–2024; …'.

    The documents are those of the window, or with ``doc_ids`` exactly those (of any year).
    """
    documents = window_documents(ctx)
    if doc_ids is not None:
        documents = ctx.documents[ctx.documents["doc_id"].isin(set(doc_ids))]
    return (
        f"Source: {plural(len(documents), 'document')} published "
        f"{year_span(documents['year'])}; {what}."
    )


def snippet(text: str, anchor: str, limit: int) -> str:
    """Up to ``limit`` characters of ``text`` around the first ``anchor``, cut at words.

    >>> snippet("one two three four five six seven", "four", 16)
    '…three four five…'
    """
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    at = text.lower().find(str(anchor).lower()) if anchor else -1
    if at < 0:
        return shorten(text, limit)
    end = min(len(text), max(0, at + len(anchor) // 2 - limit // 2) + limit)
    start = max(0, end - limit)
    if start > 0 and text[start - 1] != " ":  # move to the next word, never past the anchor
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < at else start
    if end < len(text) and text[end] != " ":  # move back to a word end, not into the anchor
        space = text.rfind(" ", start, end)
        end = space if space >= at + len(anchor) else end
    piece = text[start:end].strip(" ,;:")
    return f"{'…' if start > 0 else ''}{piece}{'…' if end < len(text) else ''}"


def first_sentence(text: str) -> str:
    """The first sentence of a definition.

    >>> first_sentence("Limits on the role. Children name specific ones.")
    'Limits on the role.'
    """
    text = " ".join(str(text).split())
    match = RE_SENTENCE_END.search(text)
    return text[: match.start() + 1] if match else text
