"""Building a brief: validate, execute the notebooks, render HTML/PDF, publish atomically.

:func:`build_brief` is the whole pipeline (``mongolia-brief build`` is a thin wrapper over it):

1. The parameters are validated (:class:`~.params.BriefParams`) and the run name checked
   before any kernel starts; a bad value raises :class:`~.errors.ParameterError` and nothing
   is written.
2. A lock file (``reports/.<run>.lock``, created with ``O_EXCL``) keeps two builds of the same
   name apart.
3. When the notebooks, parameters, input files and library are unchanged since the last good
   build of that name, its result is reused (``--force`` rebuilds).
4. Everything is written into a hidden folder under the reports folder: the corpus tables
   (Parquet and CSV), the executed notebooks (papermill, in parallel, in a temporary working
   directory, on a kernel running this very interpreter), ``brief.html`` and ``brief.pdf``
   (from ``00_brief``) and ``manifest.json``.
5. On success that folder replaces ``reports/<run>/``; on failure it becomes
   ``reports/<run>.failed/`` (the partially executed notebooks are there) and the previous good
   report is left exactly as it was. The :class:`~.errors.BuildError` names the notebook, the
   cell and the error.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import os
import platform
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from . import paths
from .errors import BuildError, MongoliaAnalysisError, ParameterError
from .params import BriefParams

#: The notebooks of a default build, in reading order; the first one renders as the brief.
NOTEBOOKS = (
    "00_brief.ipynb",
    "10_corpus.ipynb",
    "20_timeline.ipynb",
    "30_actors_network.ipynb",
    "40_themes.ipynb",
    "50_figures.ipynb",
    "60_news_pulse.ipynb",
)
KERNEL_NAME = "python3"
#: Packages whose versions the manifest records.
KEY_PACKAGES = (
    "pandas",
    "pyarrow",
    "papermill",
    "nbconvert",
    "nbclient",
    "ipykernel",
    "weasyprint",
    "matplotlib",
)
#: Seconds a single cell may run before the build gives up on it.
CELL_TIMEOUT = 900
MANIFEST = "manifest.json"
LIBRARY_SUFFIXES = (".py", ".yaml", ".yml", ".j2", ".css", ".json")

RE_RUN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
RE_UNSAFE = re.compile(r"[^a-z0-9._-]+")

Progress = Callable[[str], None]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build wrote (or reused): the run folder, its files and its manifest."""

    name: str
    directory: Path
    files: tuple[Path, ...]
    reused: bool
    manifest: Mapping[str, Any] = field(repr=False)

    @property
    def html(self) -> Path | None:
        """``brief.html`` when it was asked for."""
        path = self.directory / "brief.html"
        return path if path in self.files else None

    @property
    def pdf(self) -> Path | None:
        """``brief.pdf`` when it was asked for."""
        path = self.directory / "brief.pdf"
        return path if path in self.files else None


# -- run names ----------------------------------------------------------------------------
def check_run_name(name: str) -> str:
    """Return ``name`` if it is a safe single folder name, else raise ParameterError.

    Example:
        >>> check_run_name("brief-mng-prk")
        'brief-mng-prk'
        >>> check_run_name("../../etc")
        Traceback (most recent call last):
        ...
        mongolia_analysis.errors.ParameterError: run name '../../etc' is not a safe folder name: use 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit and not ending in '.failed' (for example 'brief-mng-prk')
    """  # noqa: E501
    if (
        not isinstance(name, str)
        or not RE_RUN_NAME.match(name)
        or ".." in name
        or name.endswith(".failed")
    ):
        raise ParameterError(
            f"run name {name!r} is not a safe folder name: use 1-100 letters, digits, '.', '_' "
            "or '-', starting with a letter or digit and not ending in '.failed' "
            "(for example 'brief-mng-prk')"
        )
    return name


def default_run_name(params: BriefParams) -> str:
    """``brief-<subject>-<focus>[-<years>][-<hash of non-default inputs>]``.

    Example:
        >>> default_run_name(BriefParams(start_year=2010, end_year=2020))
        'brief-mng-prk-2010-2020'
    """
    parts = ["brief", params.subject, params.focus]
    if params.start_year is not None or params.end_year is not None:
        parts.append(f"{params.start_year or 'start'}-{params.end_year or 'end'}")
    if not params.uses_default_inputs():
        inputs = json.dumps([str(params.corpus), str(params.gazetteer), str(params.codebook)])
        parts.append(hashlib.sha256(inputs.encode()).hexdigest()[:8])
    name = RE_UNSAFE.sub("-", "-".join(str(p) for p in parts).lower()).strip("-._")
    return check_run_name(name[:100])


# -- inputs and fingerprints --------------------------------------------------------------
def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def input_hashes(params: BriefParams) -> dict[str, Any]:
    """sha256 of every corpus document file and of the gazetteer/codebook given."""
    from .reading import discover_files

    corpus = {name: _sha256_file(path) for path, name in discover_files(params.corpus)}
    out: dict[str, Any] = {"corpus": {"path": str(params.corpus), "files": corpus}}
    for name in ("gazetteer", "codebook"):
        path = getattr(params, name)
        out[name] = None if path is None else {"path": str(path), "sha256": _sha256_file(path)}
    return out


def library_fingerprint() -> str:
    """sha256 over the package's code, data files and templates (a cache-busting version)."""
    digest = hashlib.sha256()
    for path in sorted(paths.PACKAGE_DIR.rglob("*")):
        if path.suffix in LIBRARY_SUFFIXES and "__pycache__" not in path.parts:
            digest.update(path.relative_to(paths.PACKAGE_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def package_versions() -> dict[str, str]:
    """Python, this package and the key dependencies' versions."""
    from . import __version__

    versions = {"python": platform.python_version(), "mongolia_analysis": __version__}
    for name in KEY_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _cache_key(params: BriefParams, notebooks: Sequence[Path], inputs: Mapping, versions) -> str:
    payload = {
        "parameters": params.to_mapping(),
        "notebooks": {nb.name: _sha256_file(nb) for nb in notebooks},
        "inputs": inputs,
        "library": library_fingerprint(),
        "versions": versions,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


# -- locking and publishing ---------------------------------------------------------------
@contextlib.contextmanager
def run_lock(reports_dir: Path, name: str) -> Iterator[Path]:
    """Hold ``reports/.<name>.lock`` for the build; refuse when another build holds it.

    A lock left by a process that no longer exists is taken over.
    """
    lock = reports_dir / f".{name}.lock"
    for attempt in (1, 2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            pid = _lock_owner(lock)
            if attempt == 1 and pid is not None and not _process_alive(pid):
                lock.unlink(missing_ok=True)
                continue
            raise BuildError(
                f"another build of {name!r} is running (pid {pid or 'unknown'}; lock file "
                f"{lock}); wait for it to finish, or delete the lock file if no build is running"
            ) from None
        with os.fdopen(fd, "w") as handle:
            handle.write(f"{os.getpid()}\n")
        break
    try:
        yield lock
    finally:
        lock.unlink(missing_ok=True)


def _lock_owner(lock: Path) -> int | None:
    try:
        return int(lock.read_text().strip() or "0") or None
    except (OSError, ValueError):
        return None


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _publish(staging: Path, final: Path) -> None:
    """Put ``staging`` in place of ``final``; the old ``final`` survives any failure here."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{secrets.token_hex(4)}")
        os.rename(final, old)
    try:
        os.rename(staging, final)
    except OSError:
        if old is not None:
            os.rename(old, final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _remove_leftovers(reports: Path, name: str) -> None:
    """Staging folders of builds of ``name`` that were killed (we hold the lock now)."""
    for pattern in (f".{name}.tmp-*", f".{name}.old-*"):
        for leftover in reports.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)


def _keep_failed(staging: Path, failed: Path) -> None:
    if failed.exists():
        shutil.rmtree(failed)
    os.rename(staging, failed)


# -- execution ----------------------------------------------------------------------------
def _kernel_manager_class() -> type:
    """A kernel manager that starts ipykernel with this interpreter (the venv's python)."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    from jupyter_client.manager import AsyncKernelManager

    try:
        KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:  # pragma: no cover - ipykernel provides python3 natively
        import subprocess

        subprocess.run(
            [sys.executable, "-m", "ipykernel", "install", "--sys-prefix"],
            check=True,
            capture_output=True,
        )

    class SameInterpreterKernelManager(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
            cmd = super().format_kernel_cmd(extra_arguments)
            if any(part.startswith("ipykernel") for part in cmd[1:3]):
                # This interpreter. The kernel's own log stays out of the build log (cell
                # errors reach the build through the notebook; shutdown interrupts are noise).
                cmd = [sys.executable, "-Xfrozen_modules=off", *cmd[1:], "--log-level=CRITICAL"]
            return cmd

    return SameInterpreterKernelManager


class _CellFailure(Exception):
    """A notebook cell failed (turned into a BuildError once the partial output is kept)."""

    def __init__(self, notebook: str, cell: int | None, n_cells: int, source: str, error: str):
        super().__init__(notebook, cell, error)
        self.notebook, self.cell, self.n_cells = notebook, cell, n_cells
        self.source, self.error = source, error

    def describe(self, kept: Path) -> str:
        where = f"cell {self.cell} of {self.n_cells}" if self.cell else "a cell"
        first = self.source.strip().splitlines()[0][:80] if self.source.strip() else ""
        code = f" ({first!r})" if first else ""
        return (
            f"notebook {self.notebook} failed at {where}{code}: {self.error}; "
            f"partially executed notebook kept at {kept}"
        )


def _source_cell_number(source_nb: Path, exc: Any) -> tuple[int | None, int]:
    """1-based position of the failing cell in the source notebook, and its cell count."""
    import nbformat

    cells = nbformat.read(source_nb, as_version=4).cells
    for i, cell in enumerate(cells, 1):
        if cell.cell_type == "code" and cell.source == exc.source:
            return i, len(cells)
    return None, len(cells)


def execute_notebook(
    source: Path, target: Path, parameters: Mapping[str, Any], *, cwd: Path, kernel_manager: type
) -> None:
    """Execute ``source`` with papermill into ``target``.

    Raises:
        _CellFailure: a cell raised; ``target`` holds the partially executed notebook.
    """
    import papermill as pm

    try:
        pm.execute_notebook(
            str(source),
            str(target),
            parameters=dict(parameters),
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            log_output=False,
            execution_timeout=CELL_TIMEOUT,
            kernel_manager_class=kernel_manager,
            # The kernel's working directory. Not papermill's ``cwd=``: that chdir()s the whole
            # process, which would race between notebooks executed in parallel threads.
            resources={"metadata": {"path": str(cwd)}},
        )
    except pm.PapermillExecutionError as exc:
        number, n_cells = _source_cell_number(source, exc)
        detail = f"{exc.ename}: {exc.evalue}" if exc.evalue else exc.ename
        raise _CellFailure(source.name, number, n_cells, exc.source, detail) from None
    except Exception as exc:  # kernel died, timeout, unreadable notebook
        raise _CellFailure(source.name, None, 0, "", f"{type(exc).__name__}: {exc}") from None


def write_tables(params: BriefParams, directory: Path) -> list[Path]:
    """The corpus tables as Parquet and CSV in ``directory``."""
    from . import load_corpus

    corpus = load_corpus(params.corpus, gazetteer=params.gazetteer, codebook=params.codebook)
    return [*corpus.to_parquet(directory), *corpus.to_csv(directory)]


# -- the build ----------------------------------------------------------------------------
def resolve_params(params: BriefParams | None, overrides: Mapping[str, Any]) -> BriefParams:
    """Validated parameters from an object and/or keyword overrides."""
    if params is None:
        return BriefParams.from_mapping(overrides)
    if overrides:
        return BriefParams.from_mapping({**params.to_mapping(), **overrides})
    return params.validated()


def build_brief(
    params: BriefParams | None = None,
    *,
    name: str | None = None,
    reports_dir: str | Path | None = None,
    force: bool = False,
    notebooks: Sequence[str | Path] | None = None,
    progress: Progress | None = _stderr,
    **overrides: Any,
) -> BuildResult:
    """Build the brief into ``reports_dir/<run name>/`` and return what was written.

    Args:
        params: the parameters; ``None`` for the defaults.
        name: the run name (a safe folder name); default derived from the parameters.
        reports_dir: where run folders go; default ``paths.REPORTS_DIR``.
        force: rebuild even when the previous result could be reused.
        notebooks: notebooks to execute (default :data:`NOTEBOOKS` in ``paths.NOTEBOOKS_DIR``);
            the first one is rendered as the brief.
        progress: called with one line per step (default: print to stderr; ``None``: quiet).
        **overrides: parameter values (as for :meth:`BriefParams.from_mapping`).

    Raises:
        ParameterError: a parameter or the run name is invalid (nothing is written).
        BuildError: a notebook cell or a rendering step failed, or another build of the same
            name is running; the previous report of that name is left untouched.
    """
    say = progress or (lambda message: None)
    started = time.perf_counter()
    params = resolve_params(params, overrides)
    run_name = check_run_name(name) if name is not None else default_run_name(params)
    sources = _notebook_paths(notebooks)
    reports = Path(reports_dir or paths.REPORTS_DIR).expanduser().resolve()
    reports.mkdir(parents=True, exist_ok=True)
    final, failed = reports / run_name, reports / f"{run_name}.failed"

    with run_lock(reports, run_name):
        versions = package_versions()
        inputs = input_hashes(params)
        key = _cache_key(params, sources, inputs, versions)
        if not force:
            reused = _reuse(final, key, say)
            if reused is not None:
                return reused
        _remove_leftovers(reports, run_name)
        staging = reports / f".{run_name}.tmp-{secrets.token_hex(4)}"
        staging.mkdir()  # hidden (run names never start with '.'), normal permissions
        try:
            manifest = _run(params, sources, staging, say)
            manifest.update(
                name=run_name,
                built_at=_now(),
                cache_key=key,
                reused=[],
                inputs=inputs,
                versions=versions,
                parameters=params.to_mapping(),
                non_default_parameters=params.non_defaults(),
            )
            manifest["timings"]["total"] = round(time.perf_counter() - started, 3)
            files = _finish(staging, manifest)
            _publish(staging, final)
        except _CellFailure as failure:
            _keep_failed(staging, failed)
            kept = failed / "notebooks" / failure.notebook
            raise BuildError(failure.describe(kept)) from None
        except _StepFailure as failure:
            _keep_failed(staging, failed)
            raise BuildError(f"{failure}; partial output kept in {failed}") from None
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        shutil.rmtree(failed, ignore_errors=True)
    result = BuildResult(run_name, final, tuple(final / f for f in files), False, manifest)
    say(_summary(result, manifest["timings"]["total"]))
    return result


class _StepFailure(MongoliaAnalysisError):
    """A non-notebook step (tables, HTML, PDF) failed."""


def _notebook_paths(notebooks: Sequence[str | Path] | None) -> list[Path]:
    chosen = [paths.NOTEBOOKS_DIR / nb for nb in NOTEBOOKS] if notebooks is None else notebooks
    out = [Path(nb).expanduser().resolve() for nb in chosen]
    missing = [str(nb) for nb in out if not nb.is_file()]
    if missing or not out:
        raise ParameterError(
            f"notebooks: {', '.join(missing) or 'none given'} not found; give existing .ipynb "
            f"files (the default build uses {', '.join(NOTEBOOKS)} in {paths.NOTEBOOKS_DIR})"
        )
    return out


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def _run(params: BriefParams, sources: list[Path], staging: Path, say: Progress) -> dict:
    """Every step into ``staging``; returns the manifest's build part (timings, notebooks)."""
    n_steps = 1 + len(sources) + len(params.formats)
    step = iter(range(1, n_steps + 1))
    timings: dict[str, float] = {}
    lock = threading.Lock()
    executed = staging / "notebooks"
    executed.mkdir()
    kernel_manager = _kernel_manager_class()
    parameters = params.notebook_parameters()

    def timed(key: str, label: str, work: Callable[[], Any]) -> Any:
        with lock:
            say(f"[{next(step)}/{n_steps}] {label} …")
        began = time.perf_counter()
        try:
            return work()
        finally:
            with lock:
                timings[key] = round(time.perf_counter() - began, 3)

    def run_notebook(source: Path) -> None:
        with tempfile.TemporaryDirectory(prefix="mongolia-brief-") as cwd:
            timed(
                source.name,
                f"executing {source.name}",
                lambda: execute_notebook(
                    source,
                    executed / source.name,
                    parameters,
                    cwd=Path(cwd),
                    kernel_manager=kernel_manager,
                ),
            )

    def tables() -> None:
        try:
            target = staging / "tables"
            timed("tables", "writing tables/ (Parquet, CSV)", lambda: write_tables(params, target))
        except MongoliaAnalysisError as exc:
            raise _StepFailure(f"corpus tables failed: {exc}") from None
        except Exception as exc:
            raise _StepFailure(f"corpus tables failed: {type(exc).__name__}: {exc}") from None

    workers = max(1, min(2, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="brief") as pool:
        brief_future = pool.submit(run_notebook, sources[0])
        futures: list[Future] = [brief_future, pool.submit(tables)]
        futures += [pool.submit(run_notebook, nb) for nb in sources[1:]]
        try:
            brief_future.result()
            _render(params, executed / sources[0].name, staging, timed)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        first_error: BaseException | None = None
        for future in futures:
            if future.cancelled():
                continue
            error = future.exception()
            if error is not None and first_error is None:
                first_error = error
                for other in futures:
                    other.cancel()
        if first_error is not None:
            raise first_error
    return {
        "timings": timings,
        "notebooks": {
            nb.name: {
                "source": str(nb),
                "sha256": _sha256_file(nb),
                "output": f"notebooks/{nb.name}",
            }
            for nb in sources
        },
        "kernel": {"name": KERNEL_NAME, "python": sys.executable},
    }


def _render(params: BriefParams, notebook: Path, staging: Path, timed: Callable) -> None:
    """``brief.html`` and/or ``brief.pdf`` from the executed brief notebook."""
    from . import render

    colophon = f"Built {_now()} by mongolia_analysis from {params.corpus.name}/."

    def to_html() -> str:
        nb = _read_notebook(notebook)
        return render.notebook_to_html(nb, title=params.title, colophon=colophon)

    try:
        if "html" in params.formats:
            markup = timed("brief.html", "rendering brief.html", to_html)
            (staging / "brief.html").write_text(markup, encoding="utf-8")
        else:
            markup = to_html()
        if "pdf" in params.formats:
            target = staging / "brief.pdf"
            timed("brief.pdf", "rendering brief.pdf", lambda: render.html_to_pdf(markup, target))
    except Exception as exc:
        raise _StepFailure(f"rendering failed: {type(exc).__name__}: {exc}") from None


def _read_notebook(path: Path):
    import nbformat

    return nbformat.read(path, as_version=4)


def _finish(staging: Path, manifest: dict) -> list[str]:
    """Write the manifest (listing every file) into ``staging``; return relative file names."""
    files = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file())
    manifest["files"] = [*files, MANIFEST]
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest["files"]


def _reuse(final: Path, key: str, say: Progress) -> BuildResult | None:
    """The previous result when its cache key matches and all its files are still there."""
    try:
        manifest = json.loads((final / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = manifest.get("files") or []
    if manifest.get("cache_key") != key or not all((final / f).is_file() for f in files):
        return None
    formats = (manifest.get("parameters") or {}).get("formats") or []
    manifest["reused"] = [*manifest.get("notebooks", {}), "tables", *formats]
    manifest["reused_at"] = _now()
    tmp = final / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, final / MANIFEST)
    result = BuildResult(final.name, final, tuple(final / f for f in files), True, manifest)
    say(f"unchanged since {manifest.get('built_at')} (use --force to rebuild)")
    say(_summary(result, 0.0))
    return result


def _summary(result: BuildResult, seconds: float) -> str:
    top = sorted({f.relative_to(result.directory).parts[0] for f in result.files})
    shown = [
        f"{t}/ ({sum(1 for f in result.files if f.relative_to(result.directory).parts[0] == t)})"
        if (result.directory / t).is_dir()
        else t
        for t in top
    ]
    if result.reused:
        return f"reused {result.directory}: {', '.join(shown)}"
    return f"wrote {result.directory} in {seconds:.1f} s: {', '.join(shown)}"
