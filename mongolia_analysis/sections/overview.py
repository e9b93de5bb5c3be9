"""The front of the brief: the title block and the key judgments (bottom line up front)."""

from __future__ import annotations

from typing import Any

from ..judgments import RULES, Judgment, JudgmentInputs, generate_judgments
from .common import esc, join_words, no_data, plural, ref_links, window_documents, year_span
from .context import BriefContext, Section, cached

#: How many passage links a judgment shows before "+N more".
LINKS_PER_JUDGMENT = 5


def corpus_line(ctx: BriefContext) -> str:
    """The corpus in one sentence: documents by kind, publishers, span of publication years."""
    documents = ctx.documents
    kinds = documents["kind"].value_counts()
    parts = [plural(int(kinds.get("article", 0)), "article")]
    if kinds.get("headlines", 0):
        parts.append(plural(int(kinds["headlines"]), "headline ticker"))
    publishers = sorted({str(p) for p in documents["publisher"].dropna() if str(p).strip()})
    listed = f" ({join_words(publishers)})" if 0 < len(publishers) <= 8 else ""
    return (
        f"{plural(len(documents), 'document')} ({join_words(parts)}) from "
        f"{plural(len(publishers), 'publisher')}{listed}, published {year_span(documents['year'])}."
    )


def changed_parameters(ctx: BriefContext) -> dict[str, Any]:
    """The brief's parameters that differ from the defaults in ``data/report.yaml``."""
    defaults = ctx.settings.defaults
    current = {
        "subject": ctx.subject,
        "focus": ctx.focus,
        "start_year": ctx.start_year,
        "end_year": ctx.end_year,
    }
    changed = {k: v for k, v in current.items() if defaults.get(k) != v}
    for key, value in ctx.params.items():
        if key not in current and value != defaults.get(key, ctx.settings.limits.get(key)):
            changed[key] = value
    return changed


@cached
def title_block(ctx: BriefContext) -> Section:
    """Title, build date, the corpus in one line and the non-default parameters."""
    subject, focus = ctx.name(ctx.subject), ctx.name(ctx.focus)
    lines = [
        f'<p class="dek">Policy brief on {esc(subject)}’s soft-power mediation, '
        f"centred on {esc(focus)}.</p>",
        f'<p class="build-date">Built {ctx.build_date.isoformat()}.</p>',
        f'<p class="corpus-line"><strong>Corpus:</strong> {esc(corpus_line(ctx))}</p>',
    ]
    if ctx.window_label:
        kept = len(window_documents(ctx))
        lines.append(
            f'<p class="window"><strong>Window:</strong> {esc(ctx.window_label)}. Events are '
            "those that took place in these years, whichever document reports them; themes, "
            f"figures, actors and headlines come from the {esc(plural(kept, 'document'))} "
            "published in them.</p>"
        )
    changed = changed_parameters(ctx)
    if changed:
        items = "; ".join(f"<code>{esc(k)}</code> = {esc(v)}" for k, v in changed.items())
        lines.append(f'<p class="parameters"><strong>Parameters:</strong> {items}.</p>')
    else:
        lines.append('<p class="parameters"><strong>Parameters:</strong> the defaults.</p>')
    return Section("brief-title", ctx.title, "".join(lines))


@cached
def judgments(ctx: BriefContext) -> tuple[Judgment, ...]:
    """The key judgments of this context (windowed tables, focus, thresholds)."""
    inputs = JudgmentInputs(
        codings=ctx.codings,
        events=ctx.events,
        event_clusters=ctx.event_clusters,
        mentions=ctx.mentions,
        cooccurrence=ctx.cooccurrence,
        documents=window_documents(ctx),
        codes={code: ctx.code(code) for code in {*ctx.codes, *ctx.codings["code"].dropna()}},
        name=ctx.name,
        subject=ctx.subject,
        focus=ctx.focus,
        templates=ctx.settings.judgments,
        min_passages=ctx.limit("min_passages"),
        min_documents=ctx.limit("min_documents"),
        event_label=ctx.event_label,
        event_documents=ctx.documents,
    )
    return generate_judgments(inputs, limit=ctx.limit("max_judgments"))


@cached
def key_judgments(ctx: BriefContext) -> Section:
    """Four to six judgments generated from the tables, each with its evidence and links."""
    stated = judgments(ctx)
    threshold = (
        f"{plural(ctx.limit('min_passages'), 'passage')} in "
        f"{plural(ctx.limit('min_documents'), 'document')}"
    )
    if not stated:
        body = no_data(f"No judgment meets the evidence threshold ({threshold}).")
        return Section("key-judgments", "Key judgments", body)
    items = [
        f'<li><p class="judgment">{esc(j.text)}</p>'
        f'<p class="evidence">{esc(j.evidence)}: '
        f"{ref_links(ctx, j.refs, limit=LINKS_PER_JUDGMENT)}</p></li>"
        for j in stated
    ]
    withheld = len(RULES) - len(stated)
    note = (
        f'<p class="note">Judgments are generated from the tables; a rule with less evidence '
        f"than {esc(threshold)} states nothing"
        + (f" ({esc(plural(withheld, 'rule'))} withheld here)." if withheld else ".")
        + "</p>"
    )
    return Section(
        "key-judgments", "Key judgments", f'<ol class="key-judgments">{"".join(items)}</ol>{note}'
    )
