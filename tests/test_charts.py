"""Tests of the brief's figures: labelled, greyscale-safe, embedded, no overlaps, no leaks."""

from __future__ import annotations

import base64
import re
from itertools import combinations

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from mongolia_analysis import charts


def extents(figure: Figure, texts) -> list:
    FigureCanvasAgg(figure)
    figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()
    return [t.get_window_extent(renderer) for t in texts if t.get_text()]


def assert_no_overlap(boxes) -> None:
    for a, b in combinations(boxes, 2):
        assert not a.overlaps(b), f"labels overlap: {a} {b}"


def timeline_frame(n: int = 6) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2003 + 2 * i for i in range(n)],
            "label": [
                f"{2003 + 2 * i} meeting: Japan, North Korea and others number {i}"
                for i in range(n)
            ],
            "event_type": ["meet", "visit", "host", "meet", "visit", "mediate"][:n],
            "hosted": [True, False, True, False, False, True][:n],
            "highlight": [True, False, False, True, False, False][:n],
        }
    )


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("short", 10, "short"),
        (
            "Ulaanbaatar Dialogue on Northeast Asian Security",
            20,
            "Ulaanbaatar Dialogue\non Northeast Asian\nSecurity",
        ),
        ("", 5, ""),
    ],
)
def test_wrap(text, width, expected):
    assert charts.wrap(text, width) == expected


def test_to_html_embeds_png_with_alt_and_source():
    figure = Figure(figsize=(2, 1))
    figure.add_subplot().plot([0, 1], [1, 0])
    markup = charts.to_html(figure, alt='a "quoted" <alt>', source="Source: 2 <documents>")
    data = re.search(r'src="data:image/png;base64,([^"]+)"', markup).group(1)
    assert base64.b64decode(data).startswith(b"\x89PNG")
    assert 'alt="a &quot;quoted&quot; &lt;alt&gt;"' in markup
    assert '<figcaption class="source">Source: 2 &lt;documents&gt;</figcaption>' in markup
    assert not figure.axes  # released after rendering


def test_figures_never_reach_pyplot():
    plt.close("all")
    charts.timeline(timeline_frame(), highlight_label="focus", host_label="hosted")
    charts.heatmap(
        pd.DataFrame([[1, 0]], index=["a"], columns=["D1", "D2"]), xlabel="x", ylabel="y"
    )
    assert plt.get_fignums() == []


def test_timeline_marks_types_hosting_and_highlight():
    frame = timeline_frame()
    figure = charts.timeline(frame, highlight_label="involves North Korea", host_label="hosted")
    axes = figure.axes[0]
    points = [line for line in axes.lines if len(line.get_xdata()) == 1]
    by_type = {}
    for line, row in zip(points, frame.itertuples(), strict=True):
        by_type.setdefault(row.event_type, set()).add(line.get_marker())
        filled = line.get_markerfacecolor() != "white"
        assert filled == row.hosted
    assert all(len(m) == 1 for m in by_type.values())
    assert len({next(iter(m)) for m in by_type.values()}) == len(by_type)  # shape per type
    bold = [t.get_fontweight() == "bold" for t in axes.get_yticklabels()]
    assert bold == frame["highlight"].tolist()
    assert axes.get_xlabel() and axes.get_ylabel()
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert "involves North Korea" in legend and "hosted" in legend
    assert_no_overlap(extents(figure, axes.get_yticklabels()))


def test_heatmap_prints_counts_and_labels_axes():
    matrix = pd.DataFrame(
        [[3, 0], [1, 12]], index=["Neutrality", "Nuclear-weapon-free status"], columns=["D1", "D2"]
    )
    figure = charts.heatmap(matrix, xlabel="Document", ylabel="Theme", title="Coded passages")
    axes = figure.axes[0]
    assert sorted(t.get_text() for t in axes.texts) == ["1", "12", "3", "·"]
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("Document", "Theme")
    assert_no_overlap(extents(figure, axes.texts))


def test_network_centres_subject_and_keeps_labels_apart():
    ids = ["MNG", "PRK", *[f"C{i:02d}" for i in range(12)]]
    nodes = pd.DataFrame(
        {
            "id": ids,
            "label": ["Mongolia", "North Korea", *[f"Country number {i}" for i in range(12)]],
            "strength": range(len(ids), 0, -1),
        }
    )
    edges = pd.DataFrame(
        {
            "source": ["MNG"] * 13 + ["PRK"],
            "target": [*ids[1:], "C00"],
            "weight": [*range(13, 0, -1), 2],
        }
    )
    figure = charts.network(
        nodes,
        edges,
        centre="MNG",
        highlight="PRK",
        legend={
            "centre": "Mongolia",
            "highlight": "North Korea",
            "other": "other",
            "edge": "co-mentions",
        },
    )
    axes = figure.axes[0]
    markers = {
        tuple(ln.get_xydata()[0]): ln.get_marker() for ln in axes.lines if len(ln.get_xdata()) == 1
    }
    assert markers[(0.0, 0.0)] == "s"
    assert sorted(markers.values()).count("D") == 1
    widths = [ln.get_linewidth() for ln in axes.lines if len(ln.get_xdata()) == 2]
    assert max(widths) > 3 * min(widths)
    assert len(axes.texts) == len(ids)  # every node labelled (the centre by an annotation)
    assert_no_overlap(extents(figure, axes.texts))


@pytest.mark.parametrize("share", [False, True])
def test_stacked_bars_hatch_each_segment(share):
    counts = pd.DataFrame(
        {"English": [10, 2], "Mongolian": [0, 7]}, index=["montsame.mn", "gogo.mn"]
    )
    if share:
        counts = counts.div(counts.sum(axis=1), axis=0)
    figure = charts.stacked_bars(counts, xlabel="Headlines", ylabel="Source", share=share)
    axes = figure.axes[0]
    hatches = {patch.get_hatch() or "" for patch in axes.patches}
    assert len(hatches) == 2
    assert axes.get_xlabel() == "Headlines" and axes.get_ylabel() == "Source"
    if share:
        assert axes.get_xlim() == (0, 100)
