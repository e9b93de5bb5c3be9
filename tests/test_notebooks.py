"""The notebooks: parameters cell, stripped outputs, thin code (executed by test_build.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import papermill
import pytest

from mongolia_analysis import paths
from mongolia_analysis.build import NOTEBOOKS
from mongolia_analysis.params import BriefParams

NOTEBOOK_PATHS = sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb"))
SECTION_CALLS = [
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
    "passages",
]
EXPECTED_TYPES = {
    "corpus": "str",
    "subject": "str",
    "focus": "str",
    "start_year": "Optional[int]",
    "end_year": "Optional[int]",
    "codebook": "str",
    "gazetteer": "str",
    "title": "str",
}


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def code_cells(path: Path) -> list:
    return [c for c in read(path).cells if c.cell_type == "code"]


def test_the_notebooks_are_the_build_notebooks():
    assert [p.name for p in NOTEBOOK_PATHS] == sorted(NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.name)
def test_notebook_is_valid_and_stripped(path):
    nb = read(path)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: outputs committed"
            assert cell.execution_count is None, f"{path.name}: execution count committed"
        assert "papermill" not in cell.metadata
    assert "papermill" not in nb.metadata


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.name)
def test_first_code_cell_is_the_only_parameters_cell(path):
    cells = code_cells(path)
    tagged = [i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", [])]
    assert tagged == [0]


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.name)
def test_parameters_are_typed_commented_and_match_the_schema(path):
    inspected = papermill.inspect_notebook(str(path))
    assert set(inspected) == set(BriefParams().notebook_parameters())
    for name, info in inspected.items():
        assert info["inferred_type_name"] == EXPECTED_TYPES[name], name
        assert info["help"], f"{path.name}: parameter {name} has no comment"
    defaults = {name: ast.literal_eval(info["default"]) for name, info in inspected.items()}
    schema = BriefParams()
    assert defaults["subject"] == schema.subject and defaults["focus"] == schema.focus
    assert defaults["start_year"] is None and defaults["end_year"] is None
    assert defaults["corpus"] == defaults["gazetteer"] == defaults["codebook"] == ""
    assert defaults["title"] == ""


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.name)
def test_notebook_code_is_thin(path):
    for cell in code_cells(path):
        tree = ast.parse(cell.source)
        defined = [
            type(node).__name__
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda)
        ]
        assert defined == [], f"{path.name}: {defined} in {cell.source[:60]!r}"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.name)
def test_notebook_reads_no_path_relative_to_cwd(path):
    source = "\n".join(c.source for c in code_cells(path))
    assert "os.getcwd" not in source and "Path.cwd" not in source and '"seeds' not in source
    assert "load_corpus(brief.corpus" in source  # the validated, absolute corpus path


def test_brief_notebook_calls_each_section_once_in_order():
    calls = []
    for cell in code_cells(paths.NOTEBOOKS_DIR / "00_brief.ipynb")[2:]:
        expr = ast.parse(cell.source).body
        assert len(expr) == 1 and isinstance(expr[0], ast.Expr), cell.source
        call = expr[0].value
        assert isinstance(call, ast.Call) and ast.unparse(call.func).startswith("report.")
        assert [ast.unparse(a) for a in call.args] == ["ctx"]
        calls.append(ast.unparse(call.func).removeprefix("report."))
    assert calls == SECTION_CALLS


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.name)
def test_section_notebook_shows_a_report_section(path):
    sources = [c.source for c in code_cells(path)]
    assert any(s.startswith("report.") for s in sources)


@pytest.mark.slow
def test_notebook_runs_with_defaults_from_another_directory(tmp_path):
    """As in JupyterLab: no injected parameters, a working directory far from the project."""
    from mongolia_analysis.build import _kernel_manager_class

    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(
        str(paths.NOTEBOOKS_DIR / "10_corpus.ipynb"),
        str(out),
        cwd=str(tmp_path),
        kernel_name="python3",
        progress_bar=False,
        kernel_manager_class=_kernel_manager_class(),
    )
    nb = read(out)
    html = "".join(
        o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", [])
    )
    assert 'class="brief-section"' in html and "<table" in html
