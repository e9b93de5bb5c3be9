"""News pulse: what the headline tickers of the corpus carry (sources, dates, languages, topics)."""

from __future__ import annotations

import pandas as pd

from .. import charts
from .common import esc, no_data, plural, ref_link, source_line, table_html
from .context import BriefContext, Section, cached


def _language(ctx: BriefContext, code) -> str:
    if code is None or pd.isna(code):
        return ctx.settings.languages.get("und", "Undetermined")
    return ctx.settings.languages.get(str(code), str(code))


UNDATED = "undated"


def _date(value) -> str:
    return UNDATED if value is None or pd.isna(value) else str(value)[:10]


@cached
def flagged_headlines(ctx: BriefContext) -> pd.DataFrame:
    """Headlines naming the focus, a third neighbour or a country of the region.

    Columns: doc_id, sent_id, title, source, published, names (display), groups (display).
    """
    headlines = ctx.headlines
    if not len(headlines) or not len(ctx.mentions):
        return pd.DataFrame()
    keys = ["doc_id", "sent_id"]
    found = ctx.mentions.merge(headlines[keys], on=keys)
    groups = {
        f"focus ({ctx.name(ctx.focus)})": {ctx.focus},
        "third neighbour": set(ctx.settings.third_neighbours.get(ctx.subject, ())),
        "region": set(ctx.settings.region.get(ctx.subject, ())),
    }
    rows = []
    for (doc_id, sent_id), group in found.groupby(keys, sort=False):
        ids = list(dict.fromkeys(group["entity_id"].dropna().astype(str)))
        hits = [g for g, members in groups.items() if members & set(ids)]
        if not hits:
            continue
        flagged = [i for i in ids if any(i in m for m in groups.values())]
        rows.append({"doc_id": doc_id, "sent_id": int(sent_id), "names": flagged, "groups": hits})
    if not rows:
        return pd.DataFrame()
    table = pd.DataFrame(rows).merge(headlines, on=keys)
    return table.sort_values(["doc_id", "sent_id"]).reset_index(drop=True)


def _headline_cell(ctx: BriefContext, row) -> str:
    latin = getattr(row, "title_latin", None)
    extra = (
        f'<br><span class="translit" style="font-style:italic">{esc(latin)}</span>'
        if latin is not None and not pd.isna(latin) and str(latin) != str(row.title)
        else ""
    )
    return f"{esc(row.title)}{extra} {ref_link(ctx, row.doc_id, row.sent_id)}"


def _periods(dates: pd.Series, limit: int) -> tuple[str, pd.Series]:
    """Headline dates as days, or as months or years when there are more than ``limit``
    distinct ones (a ticker of years of news): the period's name and each headline's.

    >>> _periods(pd.Series(["2024-12-19", "2024-12-20", "2024-11-02"]), 2)[1].tolist()
    ['2024-12', '2024-12', '2024-11']
    """
    for period, width in (("Date", 10), ("Month", 7)):
        periods = dates.map(lambda d, w=width: d if d == UNDATED else d[:w])
        if periods.nunique() <= limit:
            return period, periods.rename(period)
    return "Year", dates.map(lambda d: d if d == UNDATED else d[:4]).rename("Year")


def _latest(items: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The ``limit`` most recent of ``items`` (by ``published``; undated ones last), in their
    own order."""
    if len(items) <= limit:
        return items
    recent = items.sort_values("published", ascending=False, kind="stable", na_position="last")
    return items.loc[items.index.isin(recent.index[:limit])]


def _latest_note(shown: pd.DataFrame, total: int) -> str:
    """The line that says a list shows only the most recent items ('' when it shows all)."""
    if len(shown) >= total:
        return ""
    return f"<p>The {len(shown):,} most recent of {total:,}.</p>"


@cached
def news_pulse(ctx: BriefContext) -> Section:
    """Counts by source, date and language; Mongolian items; flagged items; topics."""
    title = "News pulse"
    headlines = ctx.headlines
    if not len(headlines):
        return Section("news-pulse", title, no_data("The corpus has no headline ticker."))
    headlines = headlines.assign(
        date=headlines["published"].map(_date),
        lang=headlines["language"].map(lambda c: _language(ctx, c)),
        outlet=headlines["source"].fillna("unknown source"),
    )
    n_docs = headlines["doc_id"].nunique()
    carry = "The headline ticker carries" if n_docs == 1 else f"The {n_docs:,} tickers carry"
    lead = (
        f"<p>{carry} "
        f"{esc(plural(len(headlines), 'headline'))} from "
        f"{esc(plural(headlines['outlet'].nunique(), 'source'))}, dated "
        f"{esc(_span(headlines['date']))}: "
        + esc(", ".join(f"{n:,} in {lang}" for lang, n in headlines["lang"].value_counts().items()))
        + ".</p>"
    )
    counts = pd.crosstab(headlines["outlet"], headlines["lang"])
    counts = counts.loc[counts.sum(axis=1).sort_values(ascending=False, kind="stable").index]
    figure = charts.stacked_bars(counts, xlabel="Headlines", ylabel="Source")
    html_figure = charts.to_html(
        figure,
        alt=f"Bar chart of {len(headlines)} headlines by source and language; "
        f"most from {counts.index[0]}.",
        source=source_line(
            ctx, f"{len(headlines):,} headlines of the tickers", doc_ids=set(headlines["doc_id"])
        ),
    )
    period, periods = _periods(headlines["date"], ctx.limit("max_headline_rows"))
    by_date = pd.crosstab(periods, headlines["lang"])
    by_date["All"] = by_date.sum(axis=1)
    by_date = by_date.rename_axis(period).reset_index()
    parts = [
        lead,
        html_figure,
        f"<h3>Headlines by {period.lower()}</h3>",
        table_html(by_date, numeric_columns=set(by_date.columns) - {period}),
    ]

    mongolian = _latest(headlines[headlines["language"] == "mn"], ctx.limit("max_headline_rows"))
    if len(mongolian):
        table = pd.DataFrame(
            {
                "Headline (transliteration below)": [
                    _headline_cell(ctx, r) for r in mongolian.itertuples(index=False)
                ],
                "Source": mongolian["outlet"],
                "Date": mongolian["date"],
            }
        )
        parts += [
            "<h3>Mongolian-language headlines</h3>",
            _latest_note(mongolian, (headlines["language"] == "mn").sum()),
            table_html(
                table,
                html_columns={"Headline (transliteration below)"},
                classes="headlines",
                widths=(66, 18, 16),
            ),
        ]

    every_flagged = flagged_headlines(ctx)
    flagged = _latest(every_flagged, ctx.limit("max_headline_rows"))
    parts.append("<h3>Items naming the focus, third neighbours or the region</h3>")
    parts.append(_latest_note(flagged, len(every_flagged)))
    if len(flagged):
        table = pd.DataFrame(
            {
                "Headline": [_headline_cell(ctx, r) for r in flagged.itertuples(index=False)],
                "Names": [", ".join(ctx.name(i) for i in ids) for ids in flagged["names"]],
                "Why it is listed": [", ".join(g) for g in flagged["groups"]],
            }
        )
        parts.append(
            table_html(table, html_columns={"Headline"}, classes="headlines", widths=(60, 18, 22))
        )
    else:
        parts.append(no_data("No headline names the focus, a third neighbour or the region."))

    keys = ["doc_id", "sent_id"]
    topics = ctx.codings.merge(headlines[keys], on=keys).drop_duplicates([*keys, "code"])
    parts.append("<h3>Topics</h3>")
    if len(topics):
        table = topics.groupby("code").size().sort_values(ascending=False, kind="stable")
        parts.append(
            table_html(
                pd.DataFrame(
                    {
                        "Theme": [ctx.code(c).label for c in table.index],
                        "Headlines": table.to_numpy(dtype=int),
                    }
                ),
                classes="topics",
            )
        )
    else:
        parts.append(no_data("No headline carries a codebook theme."))
    return Section("news-pulse", title, "".join(parts))


def _span(dates: pd.Series) -> str:
    known = sorted(d for d in dates if d != "undated")
    if not known:
        return "undated"
    return known[0] if known[0] == known[-1] else f"{known[0]} to {known[-1]}"
