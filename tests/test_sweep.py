"""Parameter sweeps: expansion, run names, parallel builds sharing one corpus, the index page."""

from __future__ import annotations

import html
import json
import os
import re
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from mongolia_analysis import build as build_module
from mongolia_analysis import kernels, paths
from mongolia_analysis import sweep as sweep_module
from mongolia_analysis.build import BuildInterrupted, build_brief
from mongolia_analysis.cli import main
from mongolia_analysis.errors import BuildError, ParameterError
from mongolia_analysis.params import BriefParams, expand_sweep, sweep_values
from mongolia_analysis.sweep import build_sweep, index_html, plan_sweep, write_index
from tests.conftest import drop_an_interruption, run_entries

FIXTURES = Path(__file__).parent / "fixtures"
TINY_CORPUS = FIXTURES / "corpus"
SCRIPT = Path(sys.executable).with_name("mongolia-brief")


def focus_shown(run: Path) -> str:
    """The focus the fixture notebook printed into the brief ('Focus: KOR')."""
    found = re.search(r"<p>Focus: ([A-Z]+)</p>", (run / "brief.html").read_text())
    assert found, run
    return found.group(1)


def notebook(tmp_path: Path, name: str, *sources: str) -> Path:
    """A tiny notebook: the parameters cell, then ``sources`` as code cells."""
    v4 = nbformat.v4
    params = v4.new_code_cell(
        "from typing import Optional\n"
        'corpus: str = ""  # corpus\nsubject: str = "MNG"  # subject\nfocus: str = "PRK"  # focus\n'
        "start_year: Optional[int] = None  # start\nend_year: Optional[int] = None  # end\n"
        'codebook: str = ""  # codebook\ngazetteer: str = ""  # gazetteer\ntitle: str = ""  # t'
    )
    params.metadata["tags"] = ["parameters"]
    nb = v4.new_notebook(cells=[params, *(v4.new_code_cell(s) for s in sources)])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


# -- expansion and names -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("focus", "PRK", ["PRK"]),
        ("focus", "PRK,KOR,JPN", ["PRK", "KOR", "JPN"]),
        ("focus", " PRK , KOR ", ["PRK", "KOR"]),
        ("focus", "PRK,PRK", ["PRK"]),
        ("focus", ["KOR", "JPN"], ["KOR", "JPN"]),
        ("start-year", "2010,2015", ["2010", "2015"]),
        ("start_year", 2010, [2010]),
        ("title", "Peace, talks and more", ["Peace, talks and more"]),
        ("formats", "html,pdf", ["html,pdf"]),
        ("corpus", "a,b", ["a", "b"]),
    ],
)
def test_sweep_values(name, value, expected):
    assert sweep_values(name, value) == expected


def test_an_existing_path_with_a_comma_is_not_split(tmp_path):
    folder = tmp_path / "news, 2024"
    folder.mkdir()
    assert sweep_values("corpus", str(folder)) == [str(folder)]


@pytest.mark.parametrize("value", ["PRK,,KOR", "PRK,", []])
def test_empty_sweep_value_is_refused(value):
    with pytest.raises(ParameterError, match=r"parameter 'focus'.*empty value"):
        sweep_values("focus", value)


def test_expand_sweep_makes_every_combination():
    sets = expand_sweep({"focus": "PRK,KOR", "start_year": "2010,2015", "formats": "html"})
    assert sets == [
        {"focus": "PRK", "start_year": "2010", "formats": "html"},
        {"focus": "PRK", "start_year": "2015", "formats": "html"},
        {"focus": "KOR", "start_year": "2010", "formats": "html"},
        {"focus": "KOR", "start_year": "2015", "formats": "html"},
    ]


@pytest.mark.parametrize(
    ("sets", "name", "expected"),
    [
        ([{"focus": "KOR"}, {"focus": "JPN"}], None, ["brief-mng-kor", "brief-mng-jpn"]),
        ([{"focus": "KOR"}, {"focus": "JPN"}], "asia", ["asia-kor", "asia-jpn"]),
        (
            [{"start_year": 2010}, {"start_year": 2015}],
            "w",
            ["w-2010", "w-2015"],
        ),
        ([{"title": "A"}, {"title": "B"}], None, ["brief-mng-prk", "brief-mng-prk-2"]),
        ([{"title": "A"}, {"title": "B"}], "t", ["t", "t-2"]),
        ([{"focus": "KOR", "name": "seoul"}, {"focus": "JPN"}], None, ["seoul", "brief-mng-jpn"]),
    ],
)
def test_plan_sweep_names_every_run(sets, name, expected):
    assert [run.name for run in plan_sweep(sets, name=name)] == expected


@pytest.mark.parametrize(
    ("sets", "message"),
    [
        ([], "no parameter set"),
        ([{"focus": "KOR"}, {"focus": "XYZZY"}], "parameter set 2 of 2: parameter 'focus'"),
        ([{"focus": "KOR"}, ["JPN"]], "parameter set 2 of 2 is a list"),
        ([{"focus": "KOR", "name": "../x"}], "parameter set 1 of 1: run name '../x'"),
    ],
)
def test_plan_sweep_refuses_bad_sets(sets, message):
    with pytest.raises(ParameterError, match=re.escape(message)):
        plan_sweep(sets)


# -- building -----------------------------------------------------------------------------------
def test_build_sweep_builds_each_brief_and_an_index(tmp_path):
    lines: list[str] = []
    result = build_sweep(
        [
            {"corpus": str(TINY_CORPUS), "focus": f, "formats": "html"}
            for f in ("PRK", "KOR", "JPN")
        ],
        name="s",
        reports_dir=tmp_path,
        notebooks=[FIXTURES / "ok.ipynb"],
        progress=lines.append,
        jobs=2,
    )
    assert [r.name for r in result.results] == ["s-prk", "s-kor", "s-jpn"]
    assert [focus_shown(r.directory) for r in result.results] == ["PRK", "KOR", "JPN"]
    assert run_entries(tmp_path) == ["index.html", "s-jpn", "s-kor", "s-prk"]
    for run in ("s-prk", "s-kor", "s-jpn"):
        assert any(line.startswith(f"[{run}] wrote ") for line in lines), run
        manifest = json.loads((tmp_path / run / "manifest.json").read_text())
        assert manifest["shared_corpus"] is True
    assert result.index == tmp_path / "index.html"
    links = re.findall(r'href="([^"]+)"', result.index.read_text())
    assert links == ["s-jpn/brief.html", "s-kor/brief.html", "s-prk/brief.html"]
    assert all((tmp_path / link).is_file() for link in links)


def test_build_sweep_reuses_unchanged_briefs(tmp_path):
    sets = [{"corpus": str(TINY_CORPUS), "focus": f, "formats": "html"} for f in ("KOR", "JPN")]
    common = {"reports_dir": tmp_path, "notebooks": [FIXTURES / "ok.ipynb"], "progress": None}
    first = build_sweep(sets, **common)
    lines: list[str] = []
    second = build_sweep(sets, **{**common, "progress": lines.append})
    assert all(r.reused for r in second.results) and not any(r.reused for r in first.results)
    assert not any("loading the corpus" in line for line in lines)  # nothing to share


def test_sweep_adding_a_format_renders_it_without_loading_the_corpus(tmp_path):
    sets = [{"corpus": str(TINY_CORPUS), "focus": f, "formats": "html"} for f in ("KOR", "JPN")]
    common = {"reports_dir": tmp_path, "notebooks": [FIXTURES / "ok.ipynb"], "progress": None}
    build_sweep(sets, **common)
    lines: list[str] = []
    with_pdf = [{**s, "formats": "html,pdf"} for s in sets]
    second = build_sweep(with_pdf, **{**common, "progress": lines.append})
    assert not any("loading the corpus" in line for line in lines)  # no brief needs it
    for result in second.results:
        assert json.loads((result.directory / "manifest.json").read_text())["reused"] == [
            "tables",
            "ok.ipynb",
            "html",
        ]
        assert result.pdf is not None and result.pdf.read_bytes().startswith(b"%PDF")
    changed = [{**s, "focus": "CHN" if s["focus"] == "KOR" else s["focus"]} for s in with_pdf]
    lines.clear()
    build_sweep(changed, **{**common, "progress": lines.append})
    # the new CHN brief needs the corpus: loaded once by the sweep, shared with the build
    assert sum(line.startswith("sweep: loading the corpus") for line in lines) == 1


def test_failed_brief_does_not_stop_the_others(tmp_path):
    fails_on_kor = notebook(
        tmp_path,
        "kor_fails.ipynb",
        "assert focus != 'KOR', 'no Korea today'",
        "from IPython.display import HTML\nHTML(f'<p>Focus: {focus}</p>')",
    )
    reports = tmp_path / "reports"
    with pytest.raises(BuildError) as failure:
        build_sweep(
            [{"corpus": str(TINY_CORPUS), "focus": f, "formats": "html"} for f in ("JPN", "KOR")],
            reports_dir=reports,
            notebooks=[fails_on_kor],
            progress=None,
        )
    message = str(failure.value)
    assert message.startswith("1 of 2 briefs of the sweep failed (brief-mng-kor-")
    assert "AssertionError: no Korea today" in message and "index.html" in message
    jpn = next(reports.glob("brief-mng-jpn-*"))
    assert focus_shown(jpn) == "JPN"
    assert "brief-mng-jpn" in (reports / "index.html").read_text()
    assert "brief-mng-kor" not in (reports / "index.html").read_text()


def test_kernels_load_the_shared_corpus(tmp_path):
    probe = notebook(
        tmp_path,
        "probe.ipynb",
        "from mongolia_analysis import load_corpus\n"
        "from mongolia_analysis.params import BriefParams\n"
        "brief = BriefParams.from_mapping({'corpus': corpus, 'focus': focus})\n"
        "c = load_corpus(brief.corpus, gazetteer=brief.gazetteer, codebook=brief.codebook)\n"
        "other = load_corpus(brief.corpus, strict=True)\n"
        "print(hasattr(load_corpus, '__wrapped__'), 'events' in vars(c), 'events' in vars(other))",
        "from IPython.display import HTML\nHTML(f'<p>Focus: {focus}</p>')",
    )
    result = build_brief(
        reports_dir=tmp_path / "r",
        notebooks=[probe],
        corpus=str(TINY_CORPUS),
        formats="html",
        progress=None,
    )
    nb = nbformat.read(result.directory / "notebooks" / "probe.ipynb", as_version=4)
    printed = [o["text"] for c in nb.cells for o in c.get("outputs", []) if o.get("name")]
    # wrapped; the shared corpus arrives with its tables computed; other calls load afresh
    assert printed == ["True True False\n"]
    assert result.manifest["shared_corpus"] is True


def outputs(notebook: Path) -> list:
    """Every output of every cell, without papermill's timing metadata."""
    nb = nbformat.read(notebook, as_version=4)
    return [
        [{k: v for k, v in o.items() if k != "metadata"} for o in cell.get("outputs", [])]
        for cell in nb.cells
        if cell.cell_type == "code"
    ]


@pytest.mark.slow
def test_shared_corpus_and_warm_kernels_change_nothing(tmp_path, monkeypatch):
    """One warm kernel running all seven notebooks in turn, on the shared corpus, gives the
    same outputs as a fresh kernel per notebook that loads the corpus itself."""
    common = {"corpus": str(TINY_CORPUS), "formats": "html", "progress": None, "name": "b"}
    warm = build_brief(reports_dir=tmp_path / "warm", workers=1, **common)
    monkeypatch.setattr(build_module, "share_corpus", lambda *args, **kwargs: None)
    cold = build_brief(reports_dir=tmp_path / "cold", reuse_kernels=False, **common)
    assert warm.manifest["shared_corpus"] and warm.manifest["kernel"]["reused"]
    assert not cold.manifest["shared_corpus"] and not cold.manifest["kernel"]["reused"]
    for name in build_module.NOTEBOOKS:
        assert outputs(warm.directory / "notebooks" / name) == outputs(
            cold.directory / "notebooks" / name
        ), name

    def page(result) -> str:
        return re.sub(r"Built \S+", "Built …", result.html.read_text(encoding="utf-8"))

    assert page(warm) == page(cold)


def test_warm_kernel_keeps_one_connected_client(tmp_path):
    """A warm kernel is connected once: every notebook after the first reuses its client (a
    new client would wait for the kernel's output channel to fall quiet each time)."""
    group = kernels.KernelGroup()
    kernel = kernels.WarmKernel(kernels.kernel_manager_class(tmp_path, group))
    try:
        kernel.start(tmp_path)
        first = kernel.prepare(tmp_path)
        second = kernel.prepare(tmp_path)
        assert first == second and first[1] is kernel.kc and kernel.kc.channels_running
    finally:
        kernel.discard()
        group.stop()
    assert kernel.km is None and kernel.kc is None


def test_kernel_pool_serves_one_build_after_another_and_drops_a_failed_ones(tmp_path):
    """A sweep worker's pool: the second brief runs on the first one's kernel (same process,
    a fresh namespace, its own focus); a failed build's kernels are stopped, not kept."""
    pid = notebook(
        tmp_path,
        "a_pid.ipynb",
        "import os\nprint(os.getpid(), 'leftover' in globals(), focus)\nleftover = 1",
    )
    broken = notebook(tmp_path, "b_broken.ipynb", "raise ValueError('broken on purpose')")
    pool = kernels.KernelPool(tmp_path / "kernels")
    (tmp_path / "kernels").mkdir()
    common = {"corpus": str(TINY_CORPUS), "formats": "html", "progress": None, "workers": 1}

    def printed(result) -> list[str]:
        nb = nbformat.read(result.directory / "notebooks" / "a_pid.ipynb", as_version=4)
        return "".join(
            o["text"] for c in nb.cells for o in c.get("outputs", []) if o.get("name") == "stdout"
        ).split()

    try:
        first = build_brief(reports_dir=tmp_path / "r", notebooks=[pid], kernel_pool=pool, **common)
        second = build_brief(
            reports_dir=tmp_path / "r", notebooks=[pid], kernel_pool=pool, focus="KOR", **common
        )
        kernel_pid = int(printed(first)[0])
        assert printed(first) == [str(kernel_pid), "False", "PRK"]
        assert printed(second) == [str(kernel_pid), "False", "KOR"]
        assert [k.pid for k in pool._idle] == [kernel_pid]
        with pytest.raises(BuildError, match="broken on purpose"):
            build_brief(reports_dir=tmp_path / "r", notebooks=[broken], kernel_pool=pool, **common)
        assert pool._idle == [] and kernels._exited(kernel_pid)  # stopped with its build
    finally:
        pool.close()


def test_shared_corpus_installed_twice_wraps_load_corpus_once(tmp_path, monkeypatch):
    import mongolia_analysis

    real = mongolia_analysis.load_corpus
    monkeypatch.setattr(mongolia_analysis, "load_corpus", real)
    kernels.use_shared_corpus(str(tmp_path / "a.pickle"))
    kernels.use_shared_corpus(str(tmp_path / "b.pickle"))  # the next notebook of a warm kernel
    assert mongolia_analysis.load_corpus is not real
    assert mongolia_analysis.load_corpus.unshared is real
    kernels.use_shared_corpus(None)  # a later build of a warm kernel shares no corpus
    assert mongolia_analysis.load_corpus is real


def test_warm_kernel_forgets_the_previous_notebook(tmp_path):
    first = notebook(tmp_path, "a_first.ipynb", "leftover = 42\nimport os\nprint(os.getcwd())")
    second = notebook(
        tmp_path,
        "b_second.ipynb",
        "import os\nprint('leftover' in globals(), os.getcwd())",
        "from IPython.display import HTML\nHTML(f'<p>Focus: {focus}</p>')",
    )
    result = build_brief(
        reports_dir=tmp_path / "r",
        notebooks=[first, second],
        corpus=str(TINY_CORPUS),
        formats="html",
        progress=None,
        workers=1,  # one kernel runs both: a_first, then b_second
    )
    printed = {}
    for name in ("a_first.ipynb", "b_second.ipynb"):
        nb = nbformat.read(result.directory / "notebooks" / name, as_version=4)
        printed[name] = "".join(
            o["text"] for c in nb.cells for o in c.get("outputs", []) if o.get("name") == "stdout"
        ).split()
        assert next(c.execution_count for c in nb.cells if c.cell_type == "code") == 1
    assert printed["b_second.ipynb"][0] == "False"
    assert Path(printed["a_first.ipynb"][0]).name == "cwd-a_first"
    assert Path(printed["b_second.ipynb"][1]).name == "cwd-b_second"
    assert result.manifest["kernel"]["reused"] is True


def test_cli_comma_values_build_a_sweep(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(build_module, "NOTEBOOKS", ("ok.ipynb",))
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", FIXTURES)
    argv = ["build", "-p", "corpus", str(TINY_CORPUS), "-p", "focus", "KOR,JPN"]
    argv += ["-p", "formats", "html", "--reports", str(tmp_path), "--name", "cli"]
    assert main(argv) == 0
    assert run_entries(tmp_path) == ["cli-jpn", "cli-kor", "index.html"]
    assert focus_shown(tmp_path / "cli-kor") == "KOR"
    err = capsys.readouterr().err
    assert "sweep: 2 of 2 briefs written" in err


def test_cli_sweep_file_with_paths_relative_to_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(build_module, "NOTEBOOKS", ("ok.ipynb",))
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", FIXTURES)
    folder = tmp_path / "project"
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "talks.txt").write_text((TINY_CORPUS / "ulaanbaatar_talks.txt").read_text())
    sweep = folder / "sweep.yaml"
    sweep.write_text("- {focus: KOR, name: seoul}\n- focus: JPN\n  start_year: 2010\n")
    params = folder / "params.yaml"
    params.write_text("corpus: docs\nformats: html\n")
    monkeypatch.chdir(tmp_path)  # not the files' folder
    argv = ["build", "--sweep", str(sweep), "-f", str(params), "--reports", str(tmp_path / "r")]
    assert main(argv) == 0, capsys.readouterr().err
    names = run_entries(tmp_path / "r")
    assert names[0] == "brief-mng-jpn-2010-end-" + names[0].rsplit("-", 1)[1]
    assert names[1:] == ["index.html", "seoul"]
    manifest = json.loads((tmp_path / "r" / "seoul" / "manifest.json").read_text())
    assert manifest["parameters"]["corpus"] == str(folder / "docs")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("focus: JPN\n", "not a list of parameter sets"),
        ("- focus: JPN\n- JPN\n", "entry 2 is a str"),
        ("[]\n", "not a list of parameter sets"),
        ("- !!python/object/apply:os.system [echo pwned]\n", "remove the '!!' tag"),
    ],
)
def test_cli_refuses_bad_sweep_file(content, expected, tmp_path, capsys):
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(content)
    assert main(["build", "--sweep", str(sweep), "--reports", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err and str(sweep) in err
    assert not (tmp_path / "r").exists()


def test_cli_refuses_a_bad_set_before_building_any(tmp_path, capsys):
    argv = ["build", "-p", "focus", "KOR,XYZZY", "--reports", str(tmp_path / "r")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "parameter set 2 of 2: parameter 'focus': unknown actor id 'XYZZY'" in err
    assert not (tmp_path / "r").exists()


def test_interrupted_sweep_stops_every_build(tmp_path):
    reports = tmp_path / "reports"
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "mongolia_analysis.cli"]
    sweep = subprocess.Popen(
        [
            *command,
            *("build", "-p", "corpus", str(TINY_CORPUS), "-p", "focus", "KOR,JPN"),
            *("-p", "formats", "html", "--reports", str(reports), "--force"),
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and sweep.poll() is None:
            if len(list(reports.glob(".brief-mng-*.tmp-*"))) == 2:
                break
            time.sleep(0.05)
        time.sleep(2)  # the workers' kernels are running
        sweep.send_signal(signal.SIGTERM)
        _, err = sweep.communicate(timeout=120)
    finally:
        if sweep.poll() is None:
            sweep.kill()
    assert sweep.returncode == 143, err
    assert (
        err.strip()
        .splitlines()[-1]
        .startswith("mongolia-brief: build 'sweep of 2 briefs' stopped by SIGTERM")
    )
    assert "Traceback" not in err
    assert run_entries(reports) == []  # no run folder, no .tmp, lock or index
    leftover = [
        line
        for line in subprocess.run(
            ["ps", "-eo", "args"], capture_output=True, text=True
        ).stdout.splitlines()
        if "ipykernel" in line and str(reports) in line
    ]
    assert leftover == []


def test_sweep_raises_a_dropped_interruption_before_its_builds_end(tmp_path, monkeypatch):
    share_corpora = sweep_module._share_corpora

    def share_then_drop_a_signal(*args):
        shared = share_corpora(*args)
        drop_an_interruption()  # in the main process, inside a __del__: Python drops it
        return shared

    monkeypatch.setattr(sweep_module, "_share_corpora", share_then_drop_a_signal)
    with pytest.raises(BuildInterrupted) as stopped:
        build_sweep(
            [{"corpus": str(TINY_CORPUS), "focus": f, "formats": "html"} for f in ("KOR", "JPN")],
            name="s",
            reports_dir=tmp_path,
            notebooks=[FIXTURES / "ok.ipynb"],
            progress=None,
            jobs=2,
        )
    assert stopped.value.exit_code == 143
    assert not stopped.value.published  # stopped, not finished then reported
    assert run_entries(tmp_path) == []


# -- the index page -----------------------------------------------------------------------------
class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.hrefs += [v for k, v in attrs if k in ("href", "src")]


def test_index_escapes_titles_and_stays_offline(tmp_path):
    run = tmp_path / "x-1"
    run.mkdir()
    (run / "brief.html").write_text("<p>brief</p>")
    manifest = {
        "parameters": {"title": "<script>alert(1)</script> Brief"},
        "non_default_parameters": {"title": "<img src=x onerror=alert(1)>"},
        "built_at": "2024-01-01T00:00:00+00:00",
        "files": ["brief.html", "manifest.json"],
    }
    (run / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / ".hidden.tmp-0").mkdir()
    (tmp_path / "x-1.failed").mkdir()
    page = write_index(tmp_path).read_text()
    parser = _Links()
    parser.feed(page)
    assert "script" not in parser.tags and "img" not in parser.tags
    assert parser.hrefs == ["x-1/brief.html"]
    assert html.escape("<script>alert(1)</script> Brief") in page
    assert "Content-Security-Policy" in page
    assert run_entries(tmp_path) == [
        ".hidden.tmp-0",
        "index.html",
        "x-1",
        "x-1.failed",
    ]


def test_empty_index():
    assert "No report yet." in index_html([])


def test_jobs_must_be_positive(tmp_path):
    with pytest.raises(ParameterError, match="jobs"):
        build_sweep([{"focus": "KOR"}], reports_dir=tmp_path, jobs=0)
    assert os.listdir(tmp_path) == []


def test_sweep_accepts_params_objects(tmp_path):
    runs = plan_sweep([BriefParams(focus="KOR"), BriefParams(focus="JPN")])
    assert [r.params.focus for r in runs] == ["KOR", "JPN"]
    assert kernels.corpus_key(runs[0].params.corpus, None, None)[0] == str(paths.SEEDS_DIR)
