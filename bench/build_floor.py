"""The build-time floor, run in a fresh process: the least any notebook-to-PDF build costs.

One papermill execution of a trivial one-cell notebook (kernel ``python3``, i.e. this
interpreter), one nbconvert HTML export of the executed notebook and one WeasyPrint PDF of a
trivial page. Prints one JSON object with each step's seconds (imports included, as a build
pays them too); the caller times the whole process, interpreter start included.

    python bench/build_floor.py --out bench/out/floor
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def measure(out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    steps: dict[str, float] = {}

    t0 = time.perf_counter()
    import nbformat
    import papermill

    source, executed = out / "trivial.ipynb", out / "trivial.executed.ipynb"
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("1 + 1")]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(notebook, source)
    papermill.execute_notebook(
        str(source), str(executed), kernel_name="python3", progress_bar=False, log_output=False
    )
    steps["papermill_one_cell"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_notebook_node(nbformat.read(executed, as_version=4))
    (out / "trivial.html").write_text(body, encoding="utf-8")
    steps["nbconvert_html"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    import weasyprint

    page = "<html><body><h1>Floor</h1><p>A trivial page.</p></body></html>"
    weasyprint.HTML(string=page).write_pdf(str(out / "trivial.pdf"))
    steps["weasyprint_pdf"] = time.perf_counter() - t0
    return {"steps_s": steps, "total_s": sum(steps.values())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="time the trivial papermill/nbconvert/PDF floor")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    json.dump(measure(args.out), sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
