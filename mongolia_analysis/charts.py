"""The brief's figures: one matplotlib style and a function per figure, embedded as data URIs.

Figures are built on :class:`matplotlib.figure.Figure` directly (never ``pyplot``), so nothing
is registered globally, nothing needs closing by hand and nothing is shown twice in a notebook.
Every figure is readable in greyscale: categories differ by marker shape or hatch, never by
colour alone; quantities use a single-hue scale and are printed on the cells. :func:`to_html`
turns a figure into ``<figure>`` HTML with alt text and a source line.

Figure functions take display-ready frames (names already resolved) and return a ``Figure``.
"""

from __future__ import annotations

import base64
import html
import io
import math
import textwrap
from collections.abc import Mapping
from contextlib import contextmanager

import matplotlib as mpl
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

#: The house style: quiet axes, a serif-free face that covers Cyrillic, print-friendly sizes.
RC: dict[str, object] = {
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.titlesize": 9.5,
    "axes.titleweight": "bold",
    "axes.labelsize": 8.5,
    "axes.edgecolor": "#444444",
    "axes.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.5,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 7.5,
    "legend.frameon": False,
    "figure.dpi": 100,
    "savefig.dpi": 160,
    "svg.fonttype": "none",
}
INK = "#1a1a1a"
MID = "#6b6b6b"
LIGHT = "#bdbdbd"
HIGHLIGHT = "#f0e2b6"  # pale band; also distinguishable in greyscale from white
#: Marker shapes for categories (event types), in order of first use.
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h", "<", ">", "p", "d", "8", "H")
#: Hatches and grey fills for stacked categories.
HATCHES = ("", "////", "....", "xxxx", "\\\\\\\\", "++++")
FILLS = ("#4d4d4d", "#bdbdbd", "#ffffff", "#8c8c8c", "#e0e0e0", "#262626")
#: A single-hue sequential scale (luminance falls with value).
SCALE = "Blues"


@contextmanager
def house_style():
    """Apply :data:`RC` while a figure is built and saved."""
    with mpl.rc_context(RC):
        yield


def wrap(text: str, width: int) -> str:
    """Wrap a label onto lines of at most ``width`` characters.

    >>> wrap("Ulaanbaatar Dialogue on Northeast Asian Security", 20)
    'Ulaanbaatar Dialogue\\non Northeast Asian\\nSecurity'
    """
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def to_html(figure: Figure, *, alt: str, source: str, fmt: str = "png") -> str:
    """Render ``figure`` to an embedded ``<figure>`` with alt text and a source line.

    The figure's memory is released (``clear``) once it is rendered.

    >>> f = Figure(figsize=(1, 1)); _ = f.add_subplot().plot([0, 1])
    >>> to_html(f, alt="a <line>", source="Source: test")[:29]
    '<figure class="brief-figure">'
    """
    buffer = io.BytesIO()
    with house_style():
        figure.savefig(buffer, format=fmt, bbox_inches="tight", facecolor="white")
    figure.clear()
    mime = "image/svg+xml" if fmt == "svg" else f"image/{fmt}"
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        '<figure class="brief-figure">'
        f'<img src="data:{mime};base64,{data}" alt="{html.escape(alt, quote=True)}">'
        f'<figcaption class="source">{html.escape(source)}</figcaption></figure>'
    )


# -- timeline -------------------------------------------------------------------------------------
def timeline(
    events: pd.DataFrame, *, highlight_label: str, host_label: str, label_width: int = 58
) -> Figure:
    """Events as rows in time order: x = year, marker = type, filled = hosted/mediated.

    Args:
        events: one row per event with columns ``year`` (int), ``label`` (str), ``event_type``
            (str), ``hosted`` (bool: hosted or mediated by the subject) and ``highlight``
            (bool: involves the focus; the row is shaded and its label bold).
        highlight_label: legend text for shaded rows, e.g. "involves North Korea".
        host_label: legend text for filled markers, e.g. "hosted or mediated by Mongolia".
        label_width: characters per line of the row labels.
    """
    rows = events.reset_index(drop=True)
    types = list(dict.fromkeys(rows["event_type"]))
    marker = {t: MARKERS[i % len(MARKERS)] for i, t in enumerate(types)}
    labels = [wrap(label, label_width) for label in rows["label"]]
    lines = sum(label.count("\n") + 1 for label in labels)
    with house_style():
        figure = Figure(figsize=(7.6, 1.3 + 0.2 * lines + 0.12 * len(rows)), layout="constrained")
        axes = figure.add_subplot()
        for y, row in rows.iterrows():
            if row["highlight"]:
                axes.axhspan(y - 0.5, y + 0.5, color=HIGHLIGHT, zorder=0, lw=0)
            axes.plot(
                [row["year"]],
                [y],
                linestyle="none",
                marker=marker[row["event_type"]],
                markersize=7.5,
                markeredgecolor=INK,
                markeredgewidth=1.1,
                markerfacecolor=INK if row["hosted"] else "white",
                zorder=3,
            )
        years = rows["year"].astype(int)
        pad = max(0.8, 0.03 * (years.max() - years.min()))
        axes.set_xlim(years.min() - pad, years.max() + pad)
        axes.set_ylim(len(rows) - 0.5, -0.5)
        axes.xaxis.set_major_locator(MaxNLocator(nbins=10, integer=True, min_n_ticks=1))
        axes.set_yticks(range(len(rows)), labels)
        for tick, bold in zip(axes.get_yticklabels(), rows["highlight"], strict=True):
            tick.set_fontweight("bold" if bold else "normal")
        axes.tick_params(axis="y", length=0)
        axes.grid(axis="x")
        axes.set_xlabel("Year of the event")
        axes.set_ylabel("Event (type: actors)")
        handles = [
            Line2D(
                [],
                [],
                linestyle="none",
                marker=marker[t],
                markersize=7,
                color=INK,
                markerfacecolor="white",
                label=t,
            )
            for t in types
        ]
        handles += [
            Line2D([], [], linestyle="none", marker="o", markersize=7, color=INK, label=host_label),
            Patch(facecolor=HIGHLIGHT, edgecolor="none", label=highlight_label),
        ]
        figure.legend(handles=handles, loc="outside lower center", ncols=min(4, len(handles)))
    return figure


# -- heatmap --------------------------------------------------------------------------------------
def heatmap(
    matrix: pd.DataFrame, *, xlabel: str, ylabel: str, title: str = "", row_width: int = 34
) -> Figure:
    """A count matrix (rows × columns) as shaded cells with the count printed in each.

    Args:
        matrix: integer counts; the index gives row labels, the columns column labels.
        xlabel: axis label under the columns.
        ylabel: axis label beside the rows.
        title: the figure's title (says what the printed numbers count).
        row_width: characters per line of the row labels.
    """
    values = matrix.to_numpy(dtype=float)
    peak = values.max() if values.size else 0
    with house_style():
        figure = Figure(
            figsize=(max(4.0, 2.6 + 0.55 * matrix.shape[1]), 1.0 + 0.36 * matrix.shape[0]),
            layout="constrained",
        )
        axes = figure.add_subplot()
        axes.imshow(values, cmap=SCALE, vmin=0, vmax=max(peak, 1), aspect="auto")
        for (i, j), value in pd.DataFrame(values).stack().items():
            dark = peak and value / peak > 0.55
            axes.text(
                j,
                i,
                f"{int(value)}" if value else "·",
                ha="center",
                va="center",
                fontsize=7.5,
                color="white" if dark else INK,
            )
        axes.set_xticks(range(matrix.shape[1]), [str(c) for c in matrix.columns])
        axes.set_yticks(range(matrix.shape[0]), [wrap(r, row_width) for r in matrix.index])
        axes.tick_params(length=0)
        for spine in axes.spines.values():
            spine.set_visible(False)
        axes.set_xlabel(xlabel)
        axes.set_ylabel(ylabel)
        if title:
            axes.set_title(title, loc="left")
    return figure


# -- network --------------------------------------------------------------------------------------
def network(
    nodes: pd.DataFrame,
    edges: pd.DataFrame,
    *,
    centre: str,
    highlight: str | None,
    legend: Mapping[str, str],
) -> Figure:
    """A hub-and-spoke map: ``centre`` in the middle, the others on a circle, labels outside.

    Args:
        nodes: columns ``id``, ``label`` and ``strength`` (ordering on the circle, strongest
            first, clockwise from the top).
        edges: columns ``source``, ``target``, ``weight`` (line width).
        centre: id of the node drawn in the middle (the subject), a black square.
        highlight: id of the node drawn as a large diamond (the focus), or None.
        legend: texts for the keys "centre", "highlight", "other", "edge".
    """
    ring = [n for n in nodes.sort_values("strength", ascending=False)["id"] if n != centre]
    position = {centre: (0.0, 0.0)}
    for k, node in enumerate(ring):
        angle = math.pi / 2 - 2 * math.pi * k / max(len(ring), 1)
        position[node] = (math.cos(angle), math.sin(angle))
    label = dict(zip(nodes["id"], nodes["label"], strict=True))
    peak = float(edges["weight"].max()) if len(edges) else 1.0
    with house_style():
        figure = Figure(figsize=(7.2, 6.4), layout="constrained")
        axes = figure.add_subplot()
        for edge in edges.sort_values("weight").itertuples(index=False):
            if edge.source not in position or edge.target not in position:
                continue
            (x0, y0), (x1, y1) = position[edge.source], position[edge.target]
            spoke = centre in (edge.source, edge.target)
            axes.plot(
                [x0, x1],
                [y0, y1],
                color=MID if spoke else LIGHT,
                zorder=1,
                linewidth=0.6 + 5.4 * float(edge.weight) / peak,
                solid_capstyle="round",
            )
        for node, (x, y) in position.items():
            if node == centre:
                style = {"marker": "s", "markersize": 16, "markerfacecolor": INK}
            elif node == highlight:
                style = {"marker": "D", "markersize": 14, "markerfacecolor": "#8c8c8c"}
            else:
                style = {"marker": "o", "markersize": 9, "markerfacecolor": "white"}
            axes.plot(
                [x],
                [y],
                linestyle="none",
                markeredgecolor=INK,
                markeredgewidth=1.3,
                zorder=3,
                **style,
            )
            if node == centre:
                axes.annotate(
                    wrap(label.get(node, node), 18),
                    (x, y),
                    xytext=(0, -17),
                    textcoords="offset points",
                    ha="center",
                    va="top",
                    fontweight="bold",
                    fontsize=9,
                    zorder=4,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"},
                )
                continue
            horizontal = "left" if x > 0.15 else "right" if x < -0.15 else "center"
            vertical = "bottom" if y > 0.15 else "top" if y < -0.15 else "center"
            axes.text(
                1.1 * x,
                1.1 * y,
                wrap(label.get(node, node), 18),
                ha=horizontal,
                va=vertical,
                fontsize=8.5,
                fontweight="bold" if node == highlight else None,
            )
        axes.set_xlim(-1.75, 1.75)
        axes.set_ylim(-1.35, 1.35)
        axes.set_aspect("equal")
        axes.axis("off")
        handles = [
            Line2D(
                [],
                [],
                linestyle="none",
                marker="s",
                markersize=9,
                color=INK,
                label=legend["centre"],
            ),
            Line2D(
                [],
                [],
                linestyle="none",
                marker="o",
                markersize=7,
                color=INK,
                markerfacecolor="white",
                label=legend["other"],
            ),
            Line2D([], [], color=MID, linewidth=3, label=legend["edge"]),
        ]
        if highlight in position:
            handles.insert(
                1,
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker="D",
                    markersize=8,
                    color=INK,
                    markerfacecolor="#8c8c8c",
                    label=legend["highlight"],
                ),
            )
        figure.legend(handles=handles, loc="outside lower center", ncols=len(handles))
    return figure


# -- bars -----------------------------------------------------------------------------------------
def stacked_bars(
    counts: pd.DataFrame, *, xlabel: str, ylabel: str, share: bool = False, row_width: int = 40
) -> Figure:
    """Horizontal stacked bars: one bar per row of ``counts``, one hatched segment per column.

    Args:
        counts: non-negative numbers; index = bar labels (top to bottom), columns = segments.
        xlabel: label of the value axis.
        ylabel: label of the category axis.
        share: if True, values are fractions and the axis reads 0–100 %.
        row_width: characters per line of the bar labels.
    """
    with house_style():
        figure = Figure(figsize=(7.2, 1.3 + 0.34 * len(counts)), layout="constrained")
        axes = figure.add_subplot()
        left = pd.Series(0.0, index=counts.index)
        positions = range(len(counts))
        for k, column in enumerate(counts.columns):
            values = counts[column].astype(float)
            axes.barh(
                positions,
                values * (100 if share else 1),
                left=left * (100 if share else 1),
                color=FILLS[k % len(FILLS)],
                hatch=HATCHES[k % len(HATCHES)],
                edgecolor=INK,
                linewidth=0.6,
                label=str(column),
                height=0.62,
            )
            left = left + values
        axes.set_yticks(list(positions), [wrap(i, row_width) for i in counts.index])
        axes.set_ylim(len(counts) - 0.5, -0.5)
        axes.tick_params(axis="y", length=0)
        axes.grid(axis="x")
        axes.set_axisbelow(True)
        if share:
            axes.set_xlim(0, 100)
        else:
            axes.xaxis.get_major_locator().set_params(integer=True)
        axes.set_xlabel(xlabel)
        axes.set_ylabel(ylabel)
        if len(counts.columns) > 1:
            figure.legend(loc="outside lower center", ncols=min(len(counts.columns), 5))
    return figure
