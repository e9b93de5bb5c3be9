"""Parameter sweeps: several briefs from one command, built in parallel, and an index page.

``mongolia-brief build -p focus PRK,KOR,JPN`` (comma-separated values for a parameter that
takes one value, see :func:`~.params.expand_sweep`) or ``--sweep sweep.yaml`` (a list of
parameter sets) calls :func:`build_sweep`, which

1. validates every parameter set and names every run before anything is written (a bad set
   raises :class:`~.errors.ParameterError` naming the set);
2. loads each distinct corpus once, computes its tables and pickles it into a hidden folder of
   the reports folder (:mod:`.kernels`), so that no brief of the sweep parses the documents
   again;
3. runs the builds in parallel worker processes (one per core by default), each an ordinary
   :func:`~.build.build_brief` into its own run folder, with the same locking, reuse and
   atomic publishing; each worker keeps its warm kernels from one brief to the next
   (:class:`~.kernels.KernelPool`), so kernels start and import the library once per worker;
   the progress lines of all runs come back prefixed with the run name;
4. writes ``reports/index.html``, an offline page linking every report in the folder.

A failed brief does not stop the others; :class:`~.errors.BuildError` lists the failures at
the end. SIGINT or SIGTERM stops every worker's build cleanly (kernels stopped, hidden folders
removed, previous reports left as they were) and raises
:class:`~.build.BuildInterrupted`.
"""

from __future__ import annotations

import html
import json
import multiprocessing
import multiprocessing.util
import os
import secrets
import shutil
import signal
import threading
import time
import urllib.parse
from collections.abc import Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import paths
from .build import (
    FORMAT_FILES,
    MANIFEST,
    POLL_SECONDS,
    BuildInterrupted,
    BuildResult,
    Interruptions,
    Progress,
    build_brief,
    check_reports_dir,
    check_run_name,
    default_run_name,
    input_hashes,
    make_reports_dir,
    notebook_paths,
    parts_to_build,
    print_progress,
    result_cache,
)
from .errors import BuildError, MongoliaAnalysisError, ParameterError
from .kernels import KernelPool, SharedCorpus, corpus_key, load_full_corpus, share_corpus
from .params import BriefParams
from .render import CSP

INDEX = "index.html"
#: Seconds the workers of an interrupted sweep get to stop their builds before being killed.
STOP_TIMEOUT = 60.0
#: A sweep entry may name its run with this key (it is not a parameter).
NAME_KEY = "name"


@dataclass(frozen=True, slots=True)
class SweepRun:
    """One brief of a sweep: its run name and validated parameters."""

    name: str
    params: BriefParams


@dataclass(frozen=True, slots=True)
class SweepResult:
    """What a sweep wrote: the briefs (in the order given) and the index page."""

    results: tuple[BuildResult, ...]
    index: Path


# -- planning ---------------------------------------------------------------------------------
def plan_sweep(
    param_sets: Sequence[Mapping[str, Any] | BriefParams], *, name: str | None = None
) -> list[SweepRun]:
    """Validate every parameter set and give each run a distinct, safe name.

    Run names are the default ones (``brief-mng-kor``…) or, with ``name``, ``<name>-<the
    values that differ between the sets>``; a set may carry its own ``name``. Names that would
    clash get ``-2``, ``-3``….

    Raises:
        ParameterError: no set, a set that is not a mapping, an invalid parameter (the message
            says which set) or an unsafe name.

    Example:
        >>> [run.name for run in plan_sweep([{"focus": "KOR"}, {"focus": "JPN"}], name="asia")]
        ['asia-kor', 'asia-jpn']
    """
    if not param_sets:
        raise ParameterError("sweep: no parameter set given; give at least one")
    if name is not None:
        check_run_name(name)
    total = len(param_sets)
    planned: list[tuple[str | None, BriefParams]] = []
    for number, values in enumerate(param_sets, 1):
        if isinstance(values, BriefParams):
            own, params = None, _validated(values.validated, number, total)
        elif isinstance(values, Mapping):
            values = dict(values)
            own = values.pop(NAME_KEY, None)
            params = _validated(lambda v=values: BriefParams.from_mapping(v), number, total)
            if own is not None:
                own = _checked_name(str(own), number, total)
        else:
            raise ParameterError(
                f"sweep: parameter set {number} of {total} is a {type(values).__name__}, not a "
                "mapping; give 'name: value' pairs such as {focus: JPN}"
            )
        planned.append((own, params))
    varying = _varying([p for _, p in planned])
    names: list[str] = []
    for own, params in planned:
        if own is not None:
            base = own
        elif name is not None:
            base = _prefixed_name(name, params, varying)
        else:
            base = default_run_name(params)
        names.append(_unique(base, names))
    return [SweepRun(n, p) for n, (_, p) in zip(names, planned, strict=True)]


def _validated(make: Any, number: int, total: int) -> BriefParams:
    try:
        return make()
    except ParameterError as exc:
        raise ParameterError(f"sweep: parameter set {number} of {total}: {exc}") from None


def _checked_name(name: str, number: int, total: int) -> str:
    try:
        return check_run_name(name)
    except ParameterError as exc:
        raise ParameterError(f"sweep: parameter set {number} of {total}: {exc}") from None


def _varying(params: list[BriefParams]) -> list[str]:
    """Names of the parameters whose values differ between the sets (declaration order)."""
    mappings = [p.to_mapping() for p in params]
    return [k for k in mappings[0] if len({json.dumps(m[k]) for m in mappings}) > 1]


def _prefixed_name(prefix: str, params: BriefParams, varying: list[str]) -> str:
    from .build import RE_UNSAFE

    values = params.to_mapping()
    parts = [
        Path(values[k]).name if k in ("corpus", "gazetteer", "codebook") else str(values[k])
        for k in varying
        if k != "title" and values[k] is not None
    ]
    slug = RE_UNSAFE.sub("-", "-".join([prefix, *parts]).lower()).strip("-._")
    return check_run_name(slug[:100].rstrip("-._") or prefix)


def _unique(base: str, taken: list[str]) -> str:
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        suffix = f"-{n}"
        candidate = base[: 100 - len(suffix)] + suffix
    return candidate


# -- running ----------------------------------------------------------------------------------
def default_jobs(n_runs: int) -> int:
    """Briefs built at once: one per core, at most one per brief."""
    return max(1, min(os.cpu_count() or 1, n_runs))


def build_sweep(
    param_sets: Sequence[Mapping[str, Any] | BriefParams],
    *,
    name: str | None = None,
    reports_dir: str | Path | None = None,
    force: bool = False,
    notebooks: Sequence[str | Path] | None = None,
    progress: Progress | None = print_progress,
    jobs: int | None = None,
    workers: int | None = None,
) -> SweepResult:
    """Build one brief per parameter set, in parallel, and write ``reports/index.html``.

    Args:
        param_sets: parameter mappings (as for :meth:`BriefParams.from_mapping`, optionally
            with a ``name``) or :class:`BriefParams` objects.
        name: prefix of the run names (default: each run's default name).
        reports_dir: where the run folders and the index go; default ``paths.REPORTS_DIR``.
        force: rebuild even the briefs that could be reused.
        notebooks: as for :func:`~.build.build_brief`.
        progress: called with every progress line of every run, prefixed ``[<run name>]``.
        jobs: briefs built at once (default :func:`default_jobs`).
        workers: notebooks each build executes at once (default: ``cores // jobs``, at
            least 1).

    Raises:
        ParameterError: a parameter set, a run name or the reports folder is invalid
            (nothing is written).
        BuildError: one or more briefs failed (the others are written; the message lists
            the failures).
        BuildInterrupted: SIGINT or SIGTERM stopped the sweep.

    The workers are new processes (``spawn``): in a script, call this under
    ``if __name__ == "__main__":``, as any code using :mod:`multiprocessing`.
    """
    say = progress or (lambda message: None)
    runs = plan_sweep(param_sets, name=name)
    sources = notebook_paths(notebooks)
    reports = check_reports_dir(reports_dir, runs[0].params)
    for run in runs[1:]:
        check_reports_dir(reports, run.params)
    n_jobs = jobs if jobs is not None else default_jobs(len(runs))
    if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs < 1:
        raise ParameterError(f"jobs: {jobs!r} is not a positive whole number")
    n_jobs = min(n_jobs, len(runs))
    if workers is None:  # one kernel per core: measured faster than two per brief, even
        workers = max(1, (os.cpu_count() or 1) // n_jobs)  # for three briefs on two cores
    elif not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
        raise ParameterError(f"workers: {workers!r} is not a positive whole number")
    make_reports_dir(reports)
    say(f"sweep: {len(runs)} briefs ({', '.join(r.name for r in runs)}), {n_jobs} at a time")

    work = reports / f".sweep-{secrets.token_hex(4)}.tmp"
    outcomes: dict[str, BuildResult | str] = {}
    with Interruptions(f"sweep of {len(runs)} briefs") as interrupts:
        try:
            with interrupts.armed():
                work.mkdir()
                _run_pool(
                    runs, reports, sources, force, n_jobs, workers, work, say, outcomes, interrupts
                )
        finally:
            with interrupts.deferred():
                shutil.rmtree(work, ignore_errors=True)
    late = interrupts.pending(published=True)
    index = write_index(reports)
    if late is not None:
        raise late
    failures = [(n, o) for n, o in outcomes.items() if isinstance(o, str)]
    say(f"sweep: {len(runs) - len(failures)} of {len(runs)} briefs written; index {index}")
    if failures:
        listed = "; ".join(f"{n}: {message}" for n, message in failures)
        raise BuildError(
            f"{len(failures)} of {len(runs)} briefs of the sweep failed ({listed}); the "
            f"others are listed in {index}"
        )
    results = tuple(o for r in runs if isinstance(o := outcomes[r.name], BuildResult))
    return SweepResult(results, index)


def _share_corpora(
    runs: list[SweepRun],
    reports: Path,
    sources: list[Path],
    force: bool,
    work: Path,
    say: Progress,
) -> dict[tuple[str, str, str], SharedCorpus]:
    """Load each distinct corpus that a run will build from, once; pickle it into ``work``."""
    shared: dict[tuple[str, str, str], SharedCorpus] = {}
    for run in runs:
        p = run.params
        key = corpus_key(p.corpus, p.gazetteer, p.codebook)
        if key in shared:
            continue
        if not force and all(  # nothing that reads the corpus is made again
            part in FORMAT_FILES
            for part in parts_to_build(p, run.name, reports_dir=reports, notebooks=sources)
        ):
            continue
        folder = work / f"corpus-{len(shared) + 1}"
        folder.mkdir()
        say(f"sweep: loading the corpus {p.corpus} once for every brief that reads it …")
        try:
            corpus = load_full_corpus(p, cache=result_cache(reports, force=force))
        except MongoliaAnalysisError:
            continue  # each build reports it in its own words
        made = share_corpus(corpus, p, input_hashes(p)["corpus"]["files"], folder)
        if made is not None:
            shared[key] = made
    return shared


def _run_pool(
    runs: list[SweepRun],
    reports: Path,
    sources: list[Path],
    force: bool,
    jobs: int,
    workers: int,
    work: Path,
    say: Progress,
    outcomes: dict[str, BuildResult | str],
    interrupts: Interruptions,
) -> None:
    """Start the workers, share the corpora meanwhile, build every run; record outcomes.

    The wait for the workers checks ``interrupts`` every :data:`POLL_SECONDS` (a signal whose
    exception Python dropped is raised there)."""
    context = multiprocessing.get_context("spawn")
    lines = context.SimpleQueue()
    stop = context.Event()
    relay = threading.Thread(target=_relay, args=(lines, say), daemon=True)
    relay.start()
    pool = ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_init_worker, initargs=(lines, stop)
    )
    futures: dict[Future, str] = {}
    try:
        for _ in range(jobs):  # the workers start (and import) while the corpus loads here
            pool.submit(_ready)
        shared = _share_corpora(runs, reports, sources, force, work, say)
        for run in runs:
            p = run.params
            job = _Job(
                run.name,
                p,
                str(reports),
                [str(s) for s in sources],
                force,
                workers,
                shared.get(corpus_key(p.corpus, p.gazetteer, p.codebook)),
                str(work),
            )
            futures[pool.submit(_build_one, job)] = run.name
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
            interrupts.check()
            for future in done:
                error = future.exception()
                if error is None:
                    outcomes[futures[future]] = future.result()
                elif isinstance(error, MongoliaAnalysisError | KeyboardInterrupt):
                    outcomes[futures[future]] = str(error)  # a worker stopped on its own
                else:
                    outcomes[futures[future]] = f"{type(error).__name__}: {error}"
    except BaseException:
        _stop_workers(pool, stop)
        raise
    else:
        pool.shutdown(wait=True)
    finally:
        lines.put(None)
        relay.join(timeout=5)


def _stop_workers(pool: ProcessPoolExecutor, stop: Any) -> None:
    """Set ``stop``, SIGTERM every worker (a busy one stops its build cleanly), then close the
    pool.

    Idle workers ignore SIGTERM (see :func:`_init_worker`), and a job they take after it
    finds ``stop`` set and builds nothing; every worker then leaves when the pool shuts
    down. One still running after :data:`STOP_TIMEOUT` seconds is killed.
    """
    stop.set()  # before the signals: a worker that missed one (idle) sees it
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        if process.is_alive():
            os.kill(process.pid, signal.SIGTERM)
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + STOP_TIMEOUT
    for process in processes:
        process.join(timeout=max(0.0, deadline - time.monotonic()))
        if process.is_alive():  # pragma: no cover - a build that ignores SIGTERM
            process.kill()
            process.join()


@dataclass(frozen=True, slots=True)
class _Job:
    name: str
    params: BriefParams
    reports: str
    notebooks: list[str]
    force: bool
    workers: int
    shared: SharedCorpus | None
    work: str  # the sweep's hidden folder: the workers' kernels keep their files there


_LINES: Any = None
_STOP: Any = None  # the sweep's stop event (multiprocessing.Event)
_BUSY = False  # a job is running in this worker
_KERNELS: KernelPool | None = None


def _init_worker(lines: Any, stop: Any) -> None:
    """In a worker: signals are the parent's to handle; it stops the workers with SIGTERM.

    SIGINT (a Ctrl-C reaches the whole process group) is ignored. SIGTERM is ignored while the
    worker is idle, handled by :func:`~.build.build_brief` while it builds, and raised as
    :class:`~.build.BuildInterrupted` around the build (:func:`_on_sigterm`); a job taken
    once the parent has set ``stop`` builds nothing.
    """
    global _LINES, _STOP
    _LINES, _STOP = lines, stop
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm)
    # What every build imports, while the parent is still loading the corpus.
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401
    import weasyprint  # noqa: F401

    from . import corpus, render  # noqa: F401


def _ready() -> None:
    """A no-op task: submitted first, it makes the pool start its workers."""


def _kernel_pool(work: str) -> KernelPool:
    """This worker's warm kernels, kept from one brief to the next (stopped when it exits)."""
    global _KERNELS
    if _KERNELS is None:
        folder = Path(work) / f"kernels-{os.getpid()}"
        folder.mkdir(exist_ok=True)
        _KERNELS = KernelPool(folder)
        multiprocessing.util.Finalize(_KERNELS, _KERNELS.close, exitpriority=10)
    return _KERNELS


def _on_sigterm(signum: int, frame: object) -> None:
    """A worker's SIGTERM outside the build's own handler: ignored while idle, raised while a
    job starts (before the build handles signals) or ends."""
    if _BUSY:
        raise BuildInterrupted(signum)


def _build_one(job: _Job) -> BuildResult:
    global _BUSY

    def progress(message: str) -> None:
        if _LINES is not None:
            _LINES.put(f"[{job.name}] {message}")

    _BUSY = True  # from here a SIGTERM raises: set before ``stop`` is read, so none is missed
    try:
        if _STOP is not None and _STOP.is_set():
            raise BuildInterrupted(signal.SIGTERM, job.name)
        return build_brief(
            job.params,
            name=job.name,
            reports_dir=job.reports,
            force=job.force,
            notebooks=job.notebooks,
            progress=progress,
            workers=job.workers,
            shared_corpus=job.shared,
            kernel_pool=_kernel_pool(job.work),
        )
    finally:
        _BUSY = False


def _relay(lines: Any, say: Progress) -> None:
    while True:
        line = lines.get()
        if line is None:
            return
        say(line)


# -- the index page ---------------------------------------------------------------------------
INDEX_CSS = """
body { font-family: system-ui, "DejaVu Sans", sans-serif; max-width: 60rem; margin: 2rem auto;
  padding: 0 1rem; color: #1d1f21; line-height: 1.5; }
table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
th, td { text-align: left; vertical-align: top; padding: 0.35rem 0.6rem;
  border-bottom: 1px solid #d5d9de; }
th { background: #f4f6f8; }
code { font-size: 0.85rem; }
"""


def index_entries(reports: Path) -> list[dict[str, Any]]:
    """Every report in ``reports`` (a run folder with a readable manifest), by run name."""
    entries = []
    for folder in sorted(reports.iterdir()) if reports.is_dir() else []:
        if folder.name.startswith(".") or folder.name.endswith(".failed"):
            continue
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(manifest, dict):
            continue
        files = set(manifest.get("files") or [])
        entries.append(
            {
                "name": folder.name,
                "title": (manifest.get("parameters") or {}).get("title") or folder.name,
                "parameters": manifest.get("non_default_parameters") or {},
                "built_at": manifest.get("built_at") or "",
                "formats": [f for f in ("brief.html", "brief.pdf") if f in files],
            }
        )
    return entries


def index_html(entries: list[dict[str, Any]]) -> str:
    """The index page: one row per report, every value escaped, nothing fetched.

    Example:
        >>> page = index_html([{"name": "r", "title": "<b>", "parameters": {},
        ...                     "built_at": "", "formats": ["brief.html"]}])
        >>> "&lt;b&gt;" in page and 'href="r/brief.html"' in page
        True
    """
    rows = []
    for entry in entries:
        folder = urllib.parse.quote(entry["name"])
        links = " · ".join(
            f'<a href="{html.escape(folder)}/{f}">{f.split(".")[1].upper()}</a>'
            for f in entry["formats"]
        )
        params = "; ".join(f"{k} = {v}" for k, v in sorted(entry["parameters"].items()))
        rows.append(
            "<tr>"
            f"<td>{html.escape(str(entry['title']))}</td>"
            f"<td>{links or '—'}</td>"
            f"<td><code>{html.escape(entry['name'])}</code></td>"
            f"<td>{html.escape(params) or 'defaults'}</td>"
            f"<td>{html.escape(str(entry['built_at']))}</td>"
            "</tr>"
        )
    body = "".join(rows) or '<tr><td colspan="5">No report yet.</td></tr>'
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Briefs</title><style>{INDEX_CSS}</style></head><body>"
        f"<h1>Briefs</h1><p>{len(entries)} report{'s' if len(entries) != 1 else ''} in this "
        "folder.</p><table><thead><tr><th>Title</th><th>Brief</th><th>Run</th>"
        f"<th>Parameters</th><th>Built (UTC)</th></tr></thead><tbody>{body}</tbody></table>"
        "</body></html>\n"
    )


def write_index(reports_dir: str | Path | None = None) -> Path:
    """Write ``index.html`` into the reports folder (atomically); return its path."""
    reports = Path(reports_dir or paths.REPORTS_DIR).expanduser().resolve()
    target = reports / INDEX
    tmp = reports / f".{INDEX}.tmp-{secrets.token_hex(4)}"
    tmp.write_text(index_html(index_entries(reports)), encoding="utf-8")
    os.replace(tmp, target)
    return target
