"""Diagnostic: the PDF step of the build alone, profiled, in a fresh process.

Renders an already built ``brief.html`` to PDF the way the build does
(``mongolia_analysis.render.html_to_pdf``; plain WeasyPrint if that is not available) and
prints one JSON object: seconds, HTML size, number of tables and images, the time of the
rendering phases (CSS cascade, layout, automatic table widths, line breaking, PDF output) and
the WeasyPrint functions with the most own time.

    python bench/pdf_render.py --html bench/out/reports/bench/brief.html --out bench/out/pdf
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import time
from pathlib import Path

#: WeasyPrint functions that stand for a phase of the rendering (cumulative seconds).
PHASES = {
    "get_all_computed_styles": "CSS cascade",
    "build_formatting_structure": "box tree",
    "layout_document": "layout (all)",
    "table_wrapper_width": "layout: automatic table widths",
    "table_layout": "layout: tables",
    "split_first_line": "layout: line breaking",
    "write_pdf": "total write_pdf",
    "generate_pdf": "PDF serialisation",
}


def render(markup: str, target: Path) -> None:
    try:
        from mongolia_analysis.render import html_to_pdf
    except ImportError:  # the package moved it: fall back to plain WeasyPrint
        import weasyprint

        weasyprint.HTML(string=markup).write_pdf(str(target))
        return
    html_to_pdf(markup, target)


def measure(html: Path, out: Path, top: int) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    markup = html.read_text(encoding="utf-8")
    began = time.perf_counter()
    import weasyprint  # noqa: F401

    imports = time.perf_counter() - began
    target = out / "brief.pdf"
    profiler = cProfile.Profile()
    began = time.perf_counter()
    profiler.runcall(render, markup, target)
    seconds = time.perf_counter() - began
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = max(v[3] for v in stats.values())
    phases: dict[str, float] = {}
    for (filename, _, func), v in stats.items():
        if "weasyprint/" in filename and func in PHASES:
            phases[PHASES[func]] = max(phases.get(PHASES[func], 0.0), v[3])
    own = sorted(
        ((k, v) for k, v in stats.items() if "weasyprint/" in k[0]), key=lambda kv: -kv[1][2]
    )
    hot = [
        {
            "function": f"{k[0].split('site-packages/', 1)[-1]}:{k[1]}({k[2]})",
            "tottime_s": v[2],
            "cumtime_s": v[3],
            "share": v[3] / total,
        }
        for k, v in own[:top]
    ]
    return {
        "html": str(html),
        "html_bytes": len(markup.encode()),
        "tables": markup.count("<table"),
        "images": markup.count("<img"),
        "imports_s": imports,
        "render_s_profiled": seconds,
        "phases_s": phases,
        "top_self": hot,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="profile the PDF rendering of a built brief")
    parser.add_argument("--html", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args(argv)
    json.dump(measure(args.html, args.out, args.top), sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
