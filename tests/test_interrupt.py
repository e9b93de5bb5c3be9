"""Stopped, failed and concurrent builds: the previous report survives, no kernel outlives it.

A real ``mongolia-brief build`` (the default notebooks on the tiny fixture corpus) is started
in a subprocess, the test waits until its kernels run (ipykernel processes whose parent is the
build, found in /proc), sends SIGTERM or SIGINT and checks: exit code 143 / 130 and a one-line
message, the previous report byte-identical, no temporary folder, no lock, and every kernel
the build started gone. In-process builds check the same through :class:`BuildInterrupted`,
a signal arriving while the report is published, failures, and two builds at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mongolia_analysis import build as build_module
from mongolia_analysis.build import BuildInterrupted, BuildResult, build_brief
from mongolia_analysis.errors import BuildError
from tests.conftest import drop_an_interruption, run_entries

FIXTURES = Path(__file__).parent / "fixtures"
TINY_CORPUS = FIXTURES / "corpus"
SCRIPT = Path(sys.executable).with_name("mongolia-brief")


def snapshot(folder: Path) -> dict[str, str]:
    """Relative path → sha256 of every file under ``folder``."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def processes() -> dict[int, tuple[int, str]]:
    """pid → (parent pid, command line) of every process, read from /proc."""
    out = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] == "Z":  # a zombie has exited already
            continue
        out[int(entry)] = (int(fields[1]), cmdline)
    return out


def kernels_of(pid: int) -> set[int]:
    """ipykernel processes whose parent is ``pid``."""
    return {k for k, (ppid, cmd) in processes().items() if ppid == pid and "ipykernel" in cmd}


def still_running(pids: set[int], *, within: float = 5.0) -> set[int]:
    """The pids among ``pids`` still running after waiting up to ``within`` seconds."""
    deadline = time.monotonic() + within
    alive = set(pids)
    while alive and time.monotonic() < deadline:
        running = processes()
        alive = {pid for pid in alive if pid in running and "ipykernel" in running[pid][1]}
        time.sleep(0.1)
    return alive


def previous_report(reports: Path, name: str = "t") -> dict[str, str]:
    """A good report of ``name`` (a fast fixture build) and its snapshot."""
    result = build_brief(
        reports_dir=reports,
        notebooks=[FIXTURES / "ok.ipynb"],
        corpus=str(TINY_CORPUS),
        name=name,
        formats="html",
        progress=None,
    )
    return snapshot(result.directory)


def start_cli_build(reports: Path, name: str = "t", *extra: str) -> subprocess.Popen:
    """``mongolia-brief build`` of the default notebooks on the tiny corpus, in a subprocess."""
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "mongolia_analysis.cli"]
    return subprocess.Popen(
        [
            *command,
            "build",
            "--name",
            name,
            "--reports",
            str(reports),
            "--force",
            "-p",
            "corpus",
            str(TINY_CORPUS),
            "-p",
            "formats",
            "html",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A test run as a background job may ignore SIGINT; the build must get it as a user's
        # Ctrl-C would deliver it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


class Lines:
    """The stderr lines of a running build, read in a thread."""

    def __init__(self, build: subprocess.Popen) -> None:
        self.lines: list[str] = []
        self.thread = threading.Thread(target=self._read, args=(build,), daemon=True)
        self.thread.start()

    def _read(self, build: subprocess.Popen) -> None:
        for line in build.stderr:
            self.lines.append(line)

    def seen(self, text: str) -> bool:
        return any(text in line for line in self.lines)

    def text(self) -> str:
        self.thread.join(timeout=30)
        return "".join(self.lines)


def wait_for_kernels(build: subprocess.Popen, lines: Lines, *, after: str = "", timeout=90) -> set:
    """The build's kernels, once one runs (and the progress line ``after`` was printed)."""
    seen: set[int] = set()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and build.poll() is None:
        seen |= kernels_of(build.pid)
        if seen and lines.seen(after):
            return seen
        time.sleep(0.05)
    raise AssertionError(f"the build started {len(seen)} kernels (rc {build.poll()})")


@pytest.mark.parametrize(
    ("signum", "code", "after"),
    [
        (signal.SIGTERM, 143, ""),
        (signal.SIGINT, 130, ""),
        (signal.SIGTERM, 143, "executing 40_themes.ipynb"),  # later: brief rendered, kernels warm
    ],
    ids=["SIGTERM-first-kernel", "SIGINT-first-kernel", "SIGTERM-later"],
)
def test_stopped_build_leaves_previous_report_and_no_kernel(tmp_path, signum, code, after):
    reports = tmp_path / "reports"
    before = previous_report(reports)
    build = start_cli_build(reports)
    lines = Lines(build)
    try:
        seen = wait_for_kernels(build, lines, after=after)
        time.sleep(0.3)
        seen |= kernels_of(build.pid)
        build.send_signal(signum)
        build.wait(timeout=90)
    finally:
        if build.poll() is None:
            build.kill()
    err = lines.text()
    assert build.returncode == code, err
    last = err.strip().splitlines()[-1]
    name = signal.Signals(signum).name
    assert last == (
        f"mongolia-brief: build 't' stopped by {name}: kernels stopped, temporary files "
        "removed, previous report left as it was"
    )
    assert "Traceback" not in err and "Error occurred" not in err
    assert snapshot(reports / "t") == before  # byte-identical
    assert run_entries(reports) == ["t"]  # no .tmp, no lock, no .failed
    assert seen and still_running(seen) == set()


def test_interrupted_api_build_raises_and_cleans_up(tmp_path):
    reports = tmp_path / "reports"
    before = previous_report(reports)
    handler_before = signal.getsignal(signal.SIGTERM)
    started: list[int] = []

    def stop_once_a_kernel_runs() -> None:
        deadline = time.monotonic() + 60
        while not kernels_of(os.getpid()) and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.2)
        if signal.getsignal(signal.SIGTERM) is not handler_before:  # the build's handler
            os.kill(os.getpid(), signal.SIGTERM)

    def progress(line: str) -> None:
        if "executing" in line and not started:
            started.append(1)
            threading.Thread(target=stop_once_a_kernel_runs, daemon=True).start()

    with pytest.raises(BuildInterrupted) as stopped:
        build_brief(
            reports_dir=reports,
            notebooks=[FIXTURES / "interpreter.ipynb", FIXTURES / "ok.ipynb"],
            corpus=str(TINY_CORPUS),
            name="t",
            formats="html",
            force=True,
            progress=progress,
            workers=2,
        )
    assert stopped.value.exit_code == 143 and not stopped.value.published
    assert "\n" not in str(stopped.value)
    assert snapshot(reports / "t") == before
    assert run_entries(reports) == ["t"]
    assert still_running(kernels_of(os.getpid())) == set()
    assert signal.getsignal(signal.SIGTERM) == handler_before  # handlers restored


def test_signal_while_publishing_completes_the_new_report_first(tmp_path, monkeypatch):
    reports = tmp_path / "reports"
    before = previous_report(reports)
    publish = build_module._publish

    def publish_while_signalled(staging: Path, final: Path) -> None:
        os.kill(os.getpid(), signal.SIGTERM)  # arrives between the two renames
        time.sleep(0.05)
        publish(staging, final)

    monkeypatch.setattr(build_module, "_publish", publish_while_signalled)
    with pytest.raises(BuildInterrupted) as stopped:
        build_brief(
            reports_dir=reports,
            notebooks=[FIXTURES / "ok.ipynb"],
            corpus=str(TINY_CORPUS),
            name="t",
            formats="html",
            force=True,
            progress=None,
        )
    assert stopped.value.published
    assert "after its new report was published" in str(stopped.value)
    after = snapshot(reports / "t")
    assert after != before  # the new report, complete
    manifest = json.loads((reports / "t" / "manifest.json").read_text())
    assert sorted(manifest["files"]) == sorted(after)
    assert run_entries(reports) == ["t"]


def test_failed_build_stops_every_kernel(tmp_path):
    reports = tmp_path / "reports"
    before = previous_report(reports)
    with pytest.raises(BuildError, match=r"broken\.ipynb"):
        build_brief(
            reports_dir=reports,
            notebooks=[FIXTURES / "broken.ipynb", FIXTURES / "interpreter.ipynb"],
            corpus=str(TINY_CORPUS),
            name="t",
            formats="html",
            force=True,
            progress=None,
            workers=2,
        )
    assert snapshot(reports / "t") == before
    assert run_entries(reports) == ["t", "t.failed"]
    assert not list((reports / "t.failed").glob(".work*"))  # no kernel files kept
    assert still_running(kernels_of(os.getpid())) == set()


def test_build_writes_nothing_outside_the_reports_folder(tmp_path, monkeypatch):
    """Kernel working folders, connection files and IPython's folder stay in the build's."""
    import tempfile

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    ipython = tmp_path / "ipython"
    monkeypatch.setenv("IPYTHONDIR", str(ipython))
    build_brief(
        reports_dir=tmp_path / "reports",
        notebooks=[FIXTURES / "ok.ipynb"],
        corpus=str(TINY_CORPUS),
        name="t",
        formats="html",
        progress=None,
    )
    assert list(scratch.iterdir()) == []
    assert not ipython.exists() or list(ipython.iterdir()) == []  # no profile, no history
    assert run_entries(tmp_path / "reports") == ["t"]
    assert not list((tmp_path / "reports" / "t").rglob("kernel-*.json"))


def test_two_builds_with_different_names_run_side_by_side(tmp_path):
    reports = tmp_path / "reports"
    outcomes: dict[str, object] = {}

    def run(name: str) -> None:
        try:
            outcomes[name] = build_brief(
                reports_dir=reports,
                notebooks=[FIXTURES / "ok.ipynb"],
                corpus=str(TINY_CORPUS),
                name=name,
                formats="html",
                progress=None,
            )
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            outcomes[name] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(isinstance(o, BuildResult) for o in outcomes.values()), outcomes
    assert run_entries(reports) == ["a", "b"]
    for name in ("a", "b"):
        manifest = json.loads((reports / name / "manifest.json").read_text())
        assert manifest["name"] == name
        assert sorted(manifest["files"]) == sorted(snapshot(reports / name))


def test_second_build_of_a_running_name_is_refused_naming_the_lock(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    running = start_cli_build(reports)
    try:
        lock = reports / ".t.lock"
        deadline = time.monotonic() + 60
        while not lock.exists() and time.monotonic() < deadline and running.poll() is None:
            time.sleep(0.05)
        assert lock.exists()
        with pytest.raises(BuildError) as refused:
            build_brief(
                reports_dir=reports,
                notebooks=[FIXTURES / "ok.ipynb"],
                corpus=str(TINY_CORPUS),
                name="t",
                formats="html",
                progress=None,
            )
        message = str(refused.value)
        assert "another build of 't' is running" in message
        assert f"pid {running.pid}" in message and str(lock) in message
        _, err = running.communicate(timeout=300)
    finally:
        if running.poll() is None:
            running.kill()
    assert running.returncode == 0, err
    manifest = json.loads((reports / "t" / "manifest.json").read_text())
    assert sorted(manifest["files"]) == sorted(snapshot(reports / "t"))  # not corrupted
    assert run_entries(reports) == ["t"]


@pytest.mark.parametrize(
    "checkpoint",
    ["check", "armed again", "end of the build"],
)
def test_interruption_dropped_by_python_is_raised_again(capsys, checkpoint):
    handler_before = signal.getsignal(signal.SIGTERM)
    interrupts = build_module.Interruptions("t")
    with interrupts, pytest.raises(BuildInterrupted) as stopped:
        with interrupts.armed():
            drop_an_interruption()  # raised in __del__, dropped there
            assert interrupts.received == signal.SIGTERM
            if checkpoint == "check":
                interrupts.check()
                pytest.fail("check() did not raise the dropped interruption")
        if checkpoint == "armed again":
            with interrupts.armed():
                pytest.fail("armed() did not raise the dropped interruption")
        late = interrupts.pending(published=True)
        assert late is not None
        raise late
    assert stopped.value.exit_code == 143
    assert stopped.value.published == (checkpoint == "end of the build")
    assert "Exception ignored" not in capsys.readouterr().err  # the hook kept it quiet
    assert signal.getsignal(signal.SIGTERM) == handler_before


def test_other_unraisable_exceptions_still_reach_the_previous_hook(monkeypatch):
    seen: list[type] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: seen.append(u.exc_type))

    class Faulty:
        def __del__(self) -> None:
            raise ValueError("not an interruption")

    with build_module.Interruptions("t") as interrupts, interrupts.armed():
        Faulty()
    assert seen == [ValueError]
    assert interrupts.received is None


def test_waiting_for_notebooks_raises_a_dropped_interruption_before_they_end():
    from concurrent.futures import ThreadPoolExecutor

    release = threading.Event()
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(release.wait, 30)
        with build_module.Interruptions("t") as interrupts:
            try:
                with pytest.raises(BuildInterrupted), interrupts.armed():
                    drop_an_interruption()
                    build_module._wait([future], interrupts, poll=0.05)
                assert not future.done()  # raised while the notebook still ran
            finally:
                release.set()
