"""The build: fixture notebooks for the machinery, one full default build (slow) for the brief.

The fast tests run tiny notebooks from tests/fixtures on a tiny corpus written for the tests.
The slow tests share ONE session-scoped build of the default brief on the seeds, made through
the ``mongolia-brief`` console script, and check its folder, manifest, HTML, PDF (rasterised
with poppler) and its behaviour in a real browser (Debian's chromium through Playwright, every
network request aborted). Browser and PDF tests skip without their tools, except under CI.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from mongolia_analysis import build as build_module
from mongolia_analysis import paths
from mongolia_analysis.build import (
    NOTEBOOKS,
    BuildResult,
    build_brief,
    check_run_name,
    default_run_name,
)
from mongolia_analysis.cli import main
from mongolia_analysis.errors import BuildError, ParameterError
from mongolia_analysis.params import BriefParams
from mongolia_analysis.render import find_sections
from tests.conftest import run_entries

FIXTURES = Path(__file__).parent / "fixtures"
TINY_CORPUS = FIXTURES / "corpus"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def require_tool(name: str) -> str:
    """Path of a system tool; skip without it, except under CI where that is a failure."""
    path = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else "")
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail(f"{name} is not installed; CI must install it (apt-get install)")
    pytest.skip(f"{name} is not installed (apt-get install chromium poppler-utils)")
    raise AssertionError  # unreachable


def snapshot(folder: Path) -> dict[str, str]:
    """Relative path → sha256 of every file under ``folder``."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def fixture_build(reports: Path, notebook: str = "ok.ipynb", **kwargs) -> BuildResult:
    kwargs.setdefault("name", "fixture")
    kwargs.setdefault("formats", "html")
    kwargs.setdefault("progress", None)
    kwargs.setdefault("notebooks", [FIXTURES / notebook])
    kwargs.setdefault("corpus", str(TINY_CORPUS))
    return build_brief(reports_dir=reports, **kwargs)


# -- run names ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, "brief-mng-prk"),
        ({"focus": "JPN"}, "brief-mng-jpn"),
        ({"start_year": 2010, "end_year": 2020}, "brief-mng-prk-2010-2020"),
        ({"start_year": 2010}, "brief-mng-prk-2010-end"),
        ({"title": "Own title", "formats": "html"}, "brief-mng-prk"),
    ],
)
def test_default_run_name(values, expected):
    assert default_run_name(BriefParams.from_mapping(values)) == expected


def test_default_run_name_marks_other_inputs_with_a_hash():
    other = default_run_name(BriefParams.from_mapping({"corpus": str(TINY_CORPUS)}))
    assert re.fullmatch(r"brief-mng-prk-[0-9a-f]{8}", other)


@pytest.mark.parametrize("name", ["brief-mng-prk", "run_2", "a", "v1.2"])
def test_safe_run_names_pass(name):
    assert check_run_name(name) == name


@pytest.mark.parametrize(
    "name",
    [
        "../../etc",
        "/",
        "",
        ".",
        "..",
        "a/b",
        "a\\b",
        ".x",
        "x.failed",
        "a..b",
        "é",
        "a b",
        "/tmp/x",
        "a\x00b",
        "brief\n",  # a trailing newline must not slip past the pattern's end
        "x" * 101,
        "run\t",
    ],
)
def test_unsafe_run_names_are_refused(name, tmp_path):
    with pytest.raises(ParameterError, match="not a safe folder name"):
        build_brief(name=name, reports_dir=tmp_path / "r", notebooks=[FIXTURES / "ok.ipynb"])
    assert not (tmp_path / "r").exists()


def test_parameter_error_comes_before_any_work(tmp_path):
    with pytest.raises(ParameterError, match="start_year"):
        fixture_build(tmp_path / "r", start_year=2030, end_year=2001)
    assert not (tmp_path / "r").exists()


# -- the machinery on fixture notebooks --------------------------------------------------
def test_build_writes_the_report_folder(tmp_path):
    lines: list[str] = []
    result = build_brief(
        reports_dir=tmp_path,
        notebooks=[FIXTURES / "ok.ipynb"],
        corpus=str(TINY_CORPUS),
        name="fixture",
        formats="html",
        title="Tiny <brief>",
        progress=lines.append,
    )
    run = tmp_path / "fixture"
    assert result.directory == run and not result.reused
    # no staging folder, no lock; the result cache beside the runs
    assert {p.name for p in tmp_path.iterdir()} == {"fixture", build_module.RESULT_CACHE_DIR}
    files = set(snapshot(run))
    assert {"brief.html", "manifest.json", "notebooks/ok.ipynb"} <= files
    assert "brief.pdf" not in files  # formats=html
    assert {"tables/documents.parquet", "tables/documents.csv", "tables/sentences.csv"} <= files
    assert result.html == run / "brief.html" and result.pdf is None
    html = (run / "brief.html").read_text()
    assert "<title>Tiny &lt;brief&gt;</title>" in html
    assert "noise from the fixture" not in html  # stderr and warnings are not for readers
    assert lines[0] == "[1/4] loading the corpus …"  # once, before the notebooks
    steps = {re.sub(r"^\[\d/4\] ", "", line) for line in lines[1:4]}  # parallel: any order
    assert steps == {
        "executing ok.ipynb …",
        "writing tables/ (Parquet, CSV) …",
        "rendering brief.html …",
    }
    assert [line[:5] for line in lines[:4]] == ["[1/4]", "[2/4]", "[3/4]", "[4/4]"]
    assert lines[-1].startswith(f"wrote {run} in ") and "brief.html" in lines[-1]


def test_manifest_records_parameters_inputs_versions_and_timings(tmp_path):
    result = fixture_build(tmp_path, focus="KOR")
    manifest = json.loads((result.directory / "manifest.json").read_text())
    assert manifest["parameters"]["focus"] == "KOR"
    assert manifest["non_default_parameters"]["focus"] == "KOR"
    doc = TINY_CORPUS / "ulaanbaatar_talks.txt"
    assert manifest["inputs"]["corpus"]["files"] == {
        doc.name: hashlib.sha256(doc.read_bytes()).hexdigest()
    }
    for package in (
        "mongolia_analysis",
        "pandas",
        "papermill",
        "nbconvert",
        "weasyprint",
        "matplotlib",
    ):
        assert manifest["versions"][package]
    assert set(manifest["timings"]) >= {"ok.ipynb", "corpus", "tables", "brief.html", "total"}
    assert manifest["reused"] == []
    assert sorted(manifest["files"]) == sorted(snapshot(result.directory))
    assert manifest["kernel"]["python"] == sys.executable


def printed_lines(notebook: Path) -> list[str]:
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    return [
        line
        for cell in nb.cells
        for output in cell.get("outputs", [])
        if output.get("name") == "stdout"
        for line in output["text"].splitlines()
    ]


def test_kernel_runs_this_interpreter_in_a_temporary_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    copy = tmp_path / "interpreter_copy.ipynb"
    shutil.copy(FIXTURES / "interpreter.ipynb", copy)
    result = build_brief(
        reports_dir=tmp_path / "reports",
        notebooks=[FIXTURES / "interpreter.ipynb", copy],
        corpus=str(TINY_CORPUS),
        formats="html",
        name="interp",
        progress=None,
    )  # two notebooks: executed in parallel threads
    cwds = []
    for name in ("interpreter.ipynb", "interpreter_copy.ipynb"):
        executable, cwd = printed_lines(result.directory / "notebooks" / name)
        assert executable == sys.executable
        cwds.append(cwd)
    assert len(set(cwds)) == 2 and str(tmp_path) not in cwds
    assert not any(Path(cwd).exists() for cwd in cwds)  # temporary, cleaned up
    assert Path.cwd() == tmp_path  # the build never changes the process's directory


def test_failing_cell_names_notebook_cell_and_error_and_keeps_previous_report(tmp_path):
    good = fixture_build(tmp_path)
    before = snapshot(good.directory)
    with pytest.raises(BuildError) as failure:
        fixture_build(tmp_path, notebook="broken.ipynb")
    message = str(failure.value)
    assert "\n" not in message
    assert "broken.ipynb" in message
    assert "cell 3 of 4" in message and "'1 / 0'" in message
    assert "ZeroDivisionError: division by zero" in message
    kept = tmp_path / "fixture.failed" / "notebooks" / "broken.ipynb"
    assert str(kept) in message and kept.is_file()
    assert "ZeroDivisionError" in kept.read_text()  # the partial notebook shows the error
    assert snapshot(good.directory) == before  # previous good report untouched
    assert set(run_entries(tmp_path)) == {"fixture", "fixture.failed"}


def test_success_after_failure_removes_the_failed_folder(tmp_path):
    with pytest.raises(BuildError):
        fixture_build(tmp_path, notebook="broken.ipynb")
    assert (tmp_path / "fixture.failed").is_dir()
    fixture_build(tmp_path)
    assert set(run_entries(tmp_path)) == {"fixture"}


def test_cli_exit_code_1_on_failing_notebook(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(build_module, "NOTEBOOKS", ("broken.ipynb",))
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", FIXTURES)
    argv = [
        "build",
        "-p",
        "corpus",
        str(TINY_CORPUS),
        "-p",
        "formats",
        "html",
        "--reports",
        str(tmp_path),
        "--name",
        "cli",
    ]
    assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(
        "mongolia-brief: build failed: notebook broken.ipynb failed at cell 3"
    )
    assert not (tmp_path / "cli").exists() and (tmp_path / "cli.failed").is_dir()


def test_running_build_of_same_name_is_refused(tmp_path):
    lock = tmp_path / ".fixture.lock"
    lock.write_text(f"{os.getpid()}\n")  # a live process holds it
    with pytest.raises(BuildError, match="another build of 'fixture' is running"):
        fixture_build(tmp_path)
    assert lock.exists() and not (tmp_path / "fixture").exists()


def test_stale_lock_of_dead_process_is_taken_over(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / ".fixture.lock").write_text(f"{dead.pid}\n")
    fixture_build(tmp_path)
    assert (tmp_path / "fixture" / "brief.html").is_file()
    assert not (tmp_path / ".fixture.lock").exists()


def test_leftovers_of_a_killed_build_are_cleaned_up(tmp_path):
    leftover = tmp_path / ".fixture.tmp-deadbeef"
    (leftover / "notebooks").mkdir(parents=True)
    other = tmp_path / ".other.tmp-deadbeef"  # another run's: not ours to touch
    other.mkdir()
    fixture_build(tmp_path)
    assert not leftover.exists() and other.exists()


def test_two_simultaneous_builds_of_one_name_do_not_corrupt_each_other(tmp_path):
    outcomes: list[object] = []

    def run() -> None:
        try:
            outcomes.append(fixture_build(tmp_path))
        except BuildError as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results = [o for o in outcomes if isinstance(o, BuildResult)]
    refused = [o for o in outcomes if isinstance(o, BuildError)]
    assert len(results) >= 1
    assert all("another build" in str(e) for e in refused)
    manifest = json.loads((tmp_path / "fixture" / "manifest.json").read_text())
    assert sorted(manifest["files"]) == sorted(snapshot(tmp_path / "fixture"))


def test_unchanged_rebuild_is_reused_and_force_rebuilds(tmp_path):
    first = fixture_build(tmp_path)
    html_before = (first.directory / "brief.html").read_bytes()
    lines: list[str] = []
    second = fixture_build(tmp_path, progress=lines.append)
    assert second.reused
    assert lines[-1].startswith(f"reused {second.directory}: ")
    manifest = json.loads((second.directory / "manifest.json").read_text())
    assert "ok.ipynb" in manifest["reused"] and manifest["reused_at"]
    assert (second.directory / "brief.html").read_bytes() == html_before
    third = fixture_build(tmp_path, force=True)
    assert not third.reused
    assert json.loads((third.directory / "manifest.json").read_text())["reused"] == []


def test_changed_input_document_is_not_reused(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(TINY_CORPUS, corpus)
    reports = tmp_path / "reports"
    common = {
        "reports_dir": reports,
        "notebooks": [FIXTURES / "ok.ipynb"],
        "name": "x",
        "formats": "html",
        "progress": None,
        "corpus": str(corpus),
    }
    build_brief(**common)
    with (corpus / "ulaanbaatar_talks.txt").open("a") as handle:
        handle.write("\nA new paragraph about Mongolia and Japan.\n")
    assert not build_brief(**common).reused
    assert not build_brief(**common, focus="JPN").reused  # parameters count too


def test_another_counterpart_reuses_the_parsed_and_extracted_corpus(tmp_path, monkeypatch):
    from mongolia_analysis import corpus as corpus_module

    extracted: list[str] = []
    extract = corpus_module._extract

    def counting(task, tables, **tools):
        extracted.append(task)
        return extract(task, tables, **tools)

    monkeypatch.setattr(corpus_module, "_extract", counting)
    fixture_build(tmp_path, name="kor", focus="KOR")
    assert sorted(extracted) == ["codings", "events", "figures", "mentions"]
    assert list((tmp_path / build_module.RESULT_CACHE_DIR).rglob("*.pickle"))
    extracted.clear()
    other = fixture_build(tmp_path, name="jpn", focus="JPN")
    assert not other.reused and extracted == []  # a new brief, from the cached rows
    fixture_build(tmp_path, name="jpn", focus="JPN", force=True)
    assert sorted(extracted) == ["codings", "events", "figures", "mentions"]  # refreshed


def notebook_copies(folder: Path, *names: str) -> list[Path]:
    """Copies of the ok fixture notebook under ``names`` (each one can then be edited)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(FIXTURES / "ok.ipynb", folder / name)
    return [folder / name for name in names]


def add_cell(notebook: Path, source: str) -> None:
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(source))
    nbformat.write(nb, notebook)


def steps_done(monkeypatch) -> list[str]:
    """The names of the steps the builds perform from now on (corpus, tables, notebooks,
    formats), appended as they start."""
    from mongolia_analysis import render

    done: list[str] = []

    def record(module, attribute: str, step) -> None:
        original = getattr(module, attribute)

        def recorded(*args, **kwargs):
            done.append(step(*args) if callable(step) else step)
            return original(*args, **kwargs)

        monkeypatch.setattr(module, attribute, recorded)

    record(build_module, "_load_corpus", "corpus")
    record(build_module, "write_tables", "tables")
    record(build_module, "execute_notebook", lambda source, *rest: Path(source).name)
    record(render, "notebook_to_html", "html")
    record(render, "html_to_pdf", "pdf")
    return done


def test_editing_one_notebook_executes_only_that_one_again(tmp_path, monkeypatch):
    a, b = notebook_copies(tmp_path / "nbs", "a.ipynb", "b.ipynb")
    first = fixture_build(tmp_path / "r", notebooks=[a, b])
    before = snapshot(first.directory)
    add_cell(b, 'print("edited after the first build")')
    done = steps_done(monkeypatch)
    lines: list[str] = []
    second = fixture_build(tmp_path / "r", notebooks=[a, b], progress=lines.append)
    assert not second.reused and done == ["corpus", "b.ipynb"]
    manifest = json.loads((second.directory / "manifest.json").read_text())
    assert manifest["reused"] == ["tables", "a.ipynb", "html"]
    assert "a.ipynb" not in manifest["timings"] and "b.ipynb" in manifest["timings"]
    after = snapshot(second.directory)
    assert set(after) == set(before)
    # an executed notebook records when it ran: a.ipynb's bytes show it was not run again
    changed = {f for f in after if after[f] != before[f]}
    assert changed == {"notebooks/b.ipynb", "manifest.json"}
    assert "edited after the first build" in printed_lines(second.directory / "notebooks/b.ipynb")
    assert lines[0] == "reusing tables, a.ipynb, html from the previous build (unchanged)"
    assert lines[1:3] == ["[1/2] loading the corpus …", "[2/2] executing b.ipynb …"]
    assert sorted(manifest["files"]) == sorted(after)


def test_editing_the_brief_notebook_renders_the_brief_again(tmp_path, monkeypatch):
    a, b = notebook_copies(tmp_path / "nbs", "a.ipynb", "b.ipynb")
    fixture_build(tmp_path / "r", notebooks=[a, b])
    add_cell(a, "HTML(\"<section class='brief-section'><h2>Added later</h2></section>\")")
    done = steps_done(monkeypatch)
    second = fixture_build(tmp_path / "r", notebooks=[a, b])
    assert done == ["corpus", "a.ipynb", "html"]
    assert "Added later" in (second.directory / "brief.html").read_text()
    assert json.loads((second.directory / "manifest.json").read_text())["reused"] == [
        "tables",
        "b.ipynb",
    ]


def test_asking_for_another_format_only_renders_it(tmp_path, monkeypatch):
    fixture_build(tmp_path, formats="html")
    html_before = (tmp_path / "fixture" / "brief.html").read_bytes()
    done = steps_done(monkeypatch)
    second = fixture_build(tmp_path, formats="html,pdf")
    assert done == ["pdf"]  # no corpus, no kernel: the PDF comes from the kept brief.html
    manifest = json.loads((second.directory / "manifest.json").read_text())
    assert manifest["reused"] == ["tables", "ok.ipynb", "html"]
    assert (second.directory / "brief.html").read_bytes() == html_before
    assert (second.directory / "brief.pdf").read_bytes().startswith(b"%PDF")
    done.clear()
    third = fixture_build(tmp_path, formats="pdf")
    assert done == [] and third.reused is False  # the PDF kept, the HTML left out
    assert sorted(snapshot(third.directory)) == sorted(
        f for f in snapshot(second.directory) if f != "brief.html"
    )


def test_a_part_that_cannot_be_kept_fails_the_build_and_leaves_the_report(tmp_path, monkeypatch):
    import errno

    a, b = notebook_copies(tmp_path / "nbs", "a.ipynb", "b.ipynb")
    first = fixture_build(tmp_path / "r", notebooks=[a, b])
    before = snapshot(first.directory)
    add_cell(b, "1 + 1")

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(build_module.os, "link", full_disk)
    monkeypatch.setattr(build_module.shutil, "copy2", full_disk)
    with pytest.raises(BuildError, match=r"keeping tables/\S+ of the previous report failed "):
        fixture_build(tmp_path / "r", notebooks=[a, b])
    assert snapshot(first.directory) == before


@pytest.mark.parametrize(
    ("change", "expected_done", "expected_reused"),
    [
        ("focus", ["corpus", "ok.ipynb", "html"], ["tables"]),  # parameters: every notebook
        ("document", ["corpus", "tables", "ok.ipynb", "html"], []),  # input: everything
        ("force", ["corpus", "tables", "ok.ipynb", "html"], []),
        ("deleted output", ["corpus", "ok.ipynb", "html"], ["tables"]),  # a part gone
        ("damaged manifest", ["corpus", "tables", "ok.ipynb", "html"], []),
    ],
)
def test_a_change_rebuilds_what_depends_on_it(
    tmp_path, monkeypatch, change, expected_done, expected_reused
):
    corpus = tmp_path / "corpus"
    shutil.copytree(TINY_CORPUS, corpus)
    reports = tmp_path / "r"
    first = fixture_build(reports, corpus=str(corpus))
    kwargs: dict = {"corpus": str(corpus)}
    if change == "focus":
        kwargs["focus"] = "JPN"
    elif change == "document":
        with (corpus / "ulaanbaatar_talks.txt").open("a") as handle:
            handle.write("\nA new paragraph about Mongolia and Japan.\n")
    elif change == "force":
        kwargs["force"] = True
    elif change == "deleted output":
        (first.directory / "notebooks" / "ok.ipynb").unlink()
    else:
        (first.directory / "manifest.json").write_text("{not json")
    done = steps_done(monkeypatch)
    second = fixture_build(reports, **kwargs)
    assert done == expected_done
    manifest = json.loads((second.directory / "manifest.json").read_text())
    assert manifest["reused"] == expected_reused
    assert sorted(manifest["files"]) == sorted(snapshot(second.directory))


# -- the full default build (slow, shared) ---------------------------------------------
@pytest.fixture(scope="session")
def default_build(tmp_path_factory) -> dict:
    """``mongolia-brief build`` with default parameters, as ``make brief`` runs it."""
    reports = tmp_path_factory.mktemp("reports")
    script = Path(sys.executable).with_name("mongolia-brief")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "mongolia_analysis.cli"]
    done = subprocess.run(
        [*command, "build", "--reports", str(reports)],
        capture_output=True,
        text=True,
        cwd=tmp_path_factory.mktemp("elsewhere"),
        timeout=1800,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    run = reports / "brief-mng-prk"
    html = (run / "brief.html").read_text(encoding="utf-8")
    return {
        "reports": reports,
        "run": run,
        "stderr": done.stderr,
        "stdout": done.stdout,
        "html": html,
        "sections": find_sections(html),
    }


@pytest.mark.slow
def test_default_build_writes_everything(default_build):
    run = default_build["run"]
    files = set(snapshot(run))
    assert {"brief.html", "brief.pdf", "manifest.json"} <= files
    assert {f"notebooks/{nb}" for nb in NOTEBOOKS} <= files
    for table in ("documents", "sentences", "headlines", "mentions", "events", "figures"):
        assert {f"tables/{table}.parquet", f"tables/{table}.csv"} <= files
    manifest = json.loads((run / "manifest.json").read_text())
    seeds = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths.SEEDS_DIR.glob("*.txt")
    }
    assert manifest["inputs"]["corpus"]["files"] == seeds
    assert set(manifest["timings"]) >= {*NOTEBOOKS, "tables", "brief.html", "brief.pdf"}


@pytest.mark.slow
def test_default_build_reports_progress(default_build):
    err = default_build["stderr"]
    n_steps = 2 + len(NOTEBOOKS) + 2  # corpus, tables, notebooks, HTML, PDF
    for notebook in NOTEBOOKS:
        assert re.search(rf"^\[\d+/{n_steps}\] executing {re.escape(notebook)} …$", err, re.M)
    assert f"[{n_steps}/{n_steps}]" in err and "rendering brief.pdf" in err
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"wrote {default_build['run']}") and "brief.pdf" in last
    assert "Traceback" not in err


@pytest.mark.slow
def test_default_brief_html_is_offline_and_inert(default_build):
    html = default_build["html"]
    assert "<script" not in html.lower()
    assert "<link" not in html.lower()
    assert not re.search(r"""\bsrc\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import", html, re.I)
    title = BriefParams.from_mapping({}).title
    assert (
        f"<title>{title.replace(chr(39), '&#x27;')}</title>" in html
        or f"<title>{title}</title>" in html
    )


@pytest.mark.slow
def test_default_brief_has_every_section_and_a_toc(default_build):
    html, sections = default_build["html"], default_build["sections"]
    assert len(sections) >= 10
    toc = re.search(r'<nav[^>]*class="toc".*?</nav>', html, re.S)
    assert toc
    for target in re.findall(r'href="#([^"]+)"', toc.group(0)):
        assert re.search(rf'id="{re.escape(target)}"', html)
    assert "Traceback" not in html and "Warning" not in html


@pytest.mark.slow
def test_default_brief_pdf_pages_are_not_blank(default_build, tmp_path):
    pdftoppm = require_tool("pdftoppm")
    from PIL import Image

    subprocess.run(
        [
            pdftoppm,
            "-r",
            "40",
            "-gray",
            str(default_build["run"] / "brief.pdf"),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    pages = sorted(tmp_path.glob("page*.pgm"))
    assert len(pages) > 1
    for page in pages:
        image = Image.open(page)
        dark = sum(image.histogram()[:200])  # grey levels 0-199: ink
        assert dark / (image.width * image.height) > 0.003, f"{page.name} is (nearly) blank"


@pytest.mark.slow
def test_default_brief_pdf_text_has_the_section_titles(default_build):
    pdftotext = require_tool("pdftotext")
    text = subprocess.run(
        [pdftotext, "-layout", str(default_build["run"] / "brief.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = " ".join(text.split())
    for section in default_build["sections"]:
        assert " ".join(section.title.split()) in flat, section.title
    assert re.search(r"\b1 / \d+\b", text)  # page numbers "n / N"


@pytest.mark.slow
@pytest.mark.browser
def test_default_brief_in_a_browser_offline(default_build, tmp_path):
    require_tool("chromium")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} missing")
    from playwright.sync_api import sync_playwright

    console_errors: list[str] = []
    failed: list[str] = []
    network: list[str] = []

    def route(route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            network.append(url)
            route.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on(
                "console", lambda m: console_errors.append(m.text) if m.type == "error" else None
            )
            page.on("pageerror", lambda e: console_errors.append(str(e)))
            page.on("requestfailed", lambda r: failed.append(r.url))
            page.route("**/*", route)
            page.goto((default_build["run"] / "brief.html").as_uri(), wait_until="load")
            images = page.evaluate(
                "Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.alt])"
            )
            targets = page.evaluate(
                "Array.from(document.querySelectorAll('nav.toc a')).map(a => "
                "[a.getAttribute('href'), !!document.getElementById(a.getAttribute('href')"
                ".slice(1))])"
            )
            title = page.title()
            page.screenshot(path=str(tmp_path / "brief.png"), full_page=True)
        finally:
            browser.close()
    assert console_errors == [] and failed == [] and network == []
    assert images, "the brief should show at least one figure"
    assert all(complete and width > 0 and alt for complete, width, alt in images), images
    assert targets and all(ok for _, ok in targets), targets
    assert title == BriefParams.from_mapping({}).title
    assert (tmp_path / "brief.png").stat().st_size > 10_000


@pytest.mark.slow
def test_rerun_with_another_focus_changes_the_brief(default_build):
    result = build_brief(
        notebooks=[paths.NOTEBOOKS_DIR / "00_brief.ipynb"],
        reports_dir=default_build["reports"],
        formats="html",
        focus="JPN",
        progress=None,
    )
    assert result.name == "brief-mng-jpn"
    html = result.html.read_text(encoding="utf-8")
    title = BriefParams.from_mapping({"focus": "JPN"}).title
    assert "Japan" in title and title != BriefParams.from_mapping({}).title
    assert title in html.replace("&#x27;", "'")
    assert "focus on North Korea" not in html.replace("&#x27;", "'")
    assert html != default_build["html"]
    assert (default_build["run"] / "brief.html").read_text(encoding="utf-8") == default_build[
        "html"
    ]


# -- the reports folder and unexpected errors ---------------------------------------------
def test_reports_folder_that_is_a_file_is_refused(tmp_path):
    file = tmp_path / "reports"
    file.write_text("not a folder")
    with pytest.raises(ParameterError, match="is a file, not a folder"):
        fixture_build(file)
    assert file.read_text() == "not a folder"


def test_reports_folder_inside_the_corpus_is_refused(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(TINY_CORPUS, corpus)
    with pytest.raises(ParameterError, match="inside the corpus folder"):
        build_brief(
            reports_dir=corpus / "reports",
            notebooks=[FIXTURES / "ok.ipynb"],
            corpus=str(corpus),
            progress=None,
        )
    assert sorted(p.name for p in corpus.iterdir()) == ["ulaanbaatar_talks.txt"]


def test_reports_folder_with_a_nul_is_refused(tmp_path):
    with pytest.raises(ParameterError, match="contains a NUL character"):
        fixture_build(f"{tmp_path}/r\x00x")
    assert list(tmp_path.iterdir()) == []


def test_reports_folder_is_made_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = fixture_build(Path("rel") / "reports")
    assert result.directory == tmp_path / "rel" / "reports" / "fixture"


def test_unexpected_error_is_one_line_naming_the_step(tmp_path, monkeypatch, capsys):
    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr(build_module, "write_tables", boom)
    monkeypatch.setattr(build_module, "NOTEBOOKS", ("ok.ipynb",))
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", FIXTURES)
    argv = ["build", "-p", "corpus", str(TINY_CORPUS), "-p", "formats", "html"]
    argv += ["--reports", str(tmp_path), "--name", "x"]
    assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == (
        "mongolia-brief: build failed: writing the corpus tables failed: RuntimeError: disk on "
        f"fire second line; partial output kept in {tmp_path / 'x.failed'}"
    )
    assert not any("Traceback" in line for line in err)


@pytest.mark.parametrize("where", ["before", "after"])
def test_bug_outside_any_step_points_to_debug(tmp_path, monkeypatch, capsys, where):
    def boom(*args, **kwargs):
        raise KeyError("versions")

    monkeypatch.setattr(build_module, "package_versions", boom)
    argv = ["build", "-p", "corpus", str(TINY_CORPUS), "--reports", str(tmp_path)]
    argv = ["--debug", *argv] if where == "before" else [*argv, "--debug"]
    assert main(argv[:-1] if where == "after" else argv[1:]) == 1  # without --debug
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("mongolia-brief: unexpected error while preparing the build: KeyError")
    assert err.rstrip().endswith("run with --debug for the traceback")
    assert main(argv) == 1  # with --debug, before or after the subcommand
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "package_versions" in err
    assert err.strip().splitlines()[-1].startswith("mongolia-brief: unexpected error while")
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # lock released, nothing left


def test_cli_starts_without_pandas():
    """`mongolia-brief` answers `params`, errors and reused builds without importing pandas
    (its names are exported lazily by the package, the gazetteer imports it when needed)."""
    code = (
        "import sys, mongolia_analysis, mongolia_analysis.cli, mongolia_analysis.sweep\n"
        "from mongolia_analysis.params import BriefParams\n"
        "BriefParams.from_mapping({'focus': 'JPN', 'subject': 'MNG'})  # actor ids checked\n"
        "print(sorted(m for m in ('pandas', 'nbformat', 'weasyprint') if m in sys.modules))\n"
        "from mongolia_analysis import load_corpus, Corpus\n"
        "print(load_corpus.__module__, Corpus.__module__, 'pandas' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[0] == "[]"
    assert out[1] == "mongolia_analysis.loading mongolia_analysis.corpus True"
