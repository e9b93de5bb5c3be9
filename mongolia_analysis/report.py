"""The policy brief, section by section: pure functions from a corpus's tables to HTML.

:func:`context` gathers what every section needs (the corpus, the parameters, the year-windowed
tables, names and passage labels) into a frozen :class:`BriefContext`. Each section function
takes the context and returns a frozen :class:`Section` whose ``_repr_html_`` is
``<section id=… class="brief-section"><h2>…</h2>…</section>``, so a notebook cell shows it as
is. Sections never fail for lack of data: they say so in one line (``<p class="no-data">``).

Provenance: every quotation and every key judgment links to its sentence as ``[D3 ¶12]``
(document 3 of the bibliography, paragraph 12; ``¶12.2`` is the paragraph's second sentence);
:func:`passages` is the appendix those links point to (``id="src-<doc_id>-<sent_id>"``). Call
it last: it lists the passages the other sections cite. All document text is HTML-escaped.

The sections live in :mod:`mongolia_analysis.sections`; figures in :mod:`.charts`; key
judgments in :mod:`.judgments`; lists, limits and wording in ``data/report.yaml``.

Example:
    >>> from mongolia_analysis import report
    >>> sorted(SECTION_ORDER)[:2]
    ['by_the_numbers', 'constraints_and_risks']
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from .sections.context import BriefContext, Section, build_context, cached
from .sections.news import news_pulse
from .sections.overview import key_judgments, title_block
from .sections.relationships import by_the_numbers, relationship_map
from .sections.sources import how_sources_differ, render_passages, sources_and_method
from .sections.themes import constraints_and_risks, soft_power_assets
from .sections.track_record import mediation_track_record

__all__ = [
    "SECTION_ORDER",
    "BriefContext",
    "Section",
    "by_the_numbers",
    "constraints_and_risks",
    "context",
    "how_sources_differ",
    "key_judgments",
    "mediation_track_record",
    "news_pulse",
    "passages",
    "relationship_map",
    "sections",
    "soft_power_assets",
    "sources_and_method",
    "title_block",
]

#: The sections in reading order (the passages appendix comes after them).
SECTION_ORDER = (
    "title_block",
    "key_judgments",
    "mediation_track_record",
    "soft_power_assets",
    "relationship_map",
    "by_the_numbers",
    "constraints_and_risks",
    "news_pulse",
    "how_sources_differ",
    "sources_and_method",
)


def context(
    corpus: Any,
    *,
    subject: str = "MNG",
    focus: str = "PRK",
    start_year: int | None = None,
    end_year: int | None = None,
    title: str = "Mongolia as a mediator on the Korean Peninsula",
    params: Mapping[str, Any] | None = None,
    build_date: date | None = None,
    evaluation: pd.DataFrame | str | Path | None = None,
) -> BriefContext:
    """Everything the sections need: corpus, parameters and year-windowed tables.

    Args:
        corpus: a :class:`~mongolia_analysis.Corpus` (from ``load_corpus``).
        subject: gazetteer id of the mediator the brief is about.
        focus: gazetteer id of the country the brief centres on (judgments, highlights).
        start_year: first year of the window (documents by publication year, events by the
            year they happened); None = unbounded.
        end_year: last year of the window; None = unbounded.
        title: the brief's title.
        params: the build's non-default parameters (shown in the title block); keys named
            like the limits in ``data/report.yaml`` (``top_nodes``, ``min_passages``…)
            override them.
        build_date: the date printed on the brief (default: today).
        evaluation: the extraction accuracy table, or the path of the CSV/JSON the evaluation
            writes (default: ``reports/evaluation.csv`` or ``.json`` if present).

    Raises:
        ParameterError: a year is not an int, the window is reversed, or an id is empty.
    """
    return build_context(
        corpus,
        subject=subject,
        focus=focus,
        start_year=start_year,
        end_year=end_year,
        title=title,
        params=params,
        build_date=build_date,
        evaluation=evaluation,
    )


def sections(ctx: BriefContext) -> tuple[Section, ...]:
    """Every section in reading order, the passages appendix last."""
    body = tuple(globals()[name](ctx) for name in SECTION_ORDER)
    return (*body, passages(ctx))


@cached
def passages(ctx: BriefContext) -> Section:
    """The appendix of every passage the other sections cite (call it after them)."""
    return render_passages(ctx, [globals()[name](ctx) for name in SECTION_ORDER])
