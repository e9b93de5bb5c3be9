"""Building a brief: validate, execute the notebooks, render HTML/PDF, publish atomically.

:func:`build_brief` is the whole pipeline (``mongolia-brief build`` is a thin wrapper over it;
:func:`~mongolia_analysis.sweep.build_sweep` runs several of them in parallel):

1. The parameters are validated (:class:`~.params.BriefParams`), the run name and the reports
   folder checked before any kernel starts; a bad value raises
   :class:`~.errors.ParameterError` and nothing is written.
2. A lock file (``reports/.<run>.lock``, created with ``O_EXCL``) keeps two builds of the same
   name apart; builds of different names run side by side.
3. When the notebooks, parameters, input files and library are unchanged since the last good
   build of that name, its result is reused (``--force`` rebuilds). Otherwise each part is
   rebuilt only if what it depends on changed (:func:`step_keys`): the tables on the input
   files, each notebook on its own file, the inputs and the parameters, ``brief.html`` and
   ``brief.pdf`` on the brief notebook. Edit one notebook and only it runs again; ask for a
   PDF as well and only the PDF is rendered. ``manifest.json`` lists what was reused.
4. Everything is written into a hidden folder under the reports folder: the corpus is loaded
   once (its tables are written as Parquet and CSV, and it is handed to the kernels), the
   notebooks are executed by papermill in parallel worker threads, each worker on one kernel
   that runs this very interpreter, starts while the corpus loads and is reset between
   notebooks (:mod:`.kernels`), then ``brief.html`` and ``brief.pdf`` are rendered from
   ``00_brief`` while the other notebooks run, and ``manifest.json`` lists every file.
   Kernels work in a folder inside the hidden folder (a sweep's, inside the reports folder):
   nothing is written outside the reports folder.
5. On success that folder replaces ``reports/<run>/``; on failure it becomes
   ``reports/<run>.failed/`` (the partially executed notebooks are there) and the previous good
   report is left exactly as it was. The :class:`~.errors.BuildError` names the notebook, the
   cell and the error.
6. SIGINT (Ctrl-C) and SIGTERM stop the build cleanly: every kernel of the build is stopped,
   the hidden folder removed, the lock released, the previous report left as it was, and
   :class:`BuildInterrupted` raised (the command exits with 130 or 143). Publishing itself
   (two renames) is never cut in half: a signal arriving then takes effect once it is done.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ALL_COMPLETED, FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import paths
from .cache import ResultCache, digest_of, installed_versions, library_fingerprint
from .errors import BuildError, MongoliaAnalysisError, ParameterError
from .kernels import (
    KERNEL_NAME,
    KernelGroup,
    KernelPool,
    SharedCorpus,
    WarmKernel,
    kernel_manager_class,
    load_full_corpus,
    share_corpus,
    warm_engine,
)
from .params import BriefParams

if TYPE_CHECKING:
    from .corpus import Corpus

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
#: Seconds between the checks for an interruption while the main thread waits for workers.
POLL_SECONDS = 0.2
MANIFEST = "manifest.json"
#: The file each output format is rendered to, in the run folder.
FORMAT_FILES = {"html": "brief.html", "pdf": "brief.pdf"}
#: The folder, in the reports folder, of the parsed files and extraction rows that builds
#: reuse (:mod:`.cache`); it can be deleted at any time.
RESULT_CACHE_DIR = ".cache"
#: The work folder inside a build's hidden folder (kernels' working directories, connection
#: files, the shared corpus); removed before the report is published.
WORK_DIR = ".work"

RE_RUN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
RE_UNSAFE = re.compile(r"[^a-z0-9._-]+")

Progress = Callable[[str], None]


def print_progress(message: str) -> None:
    """The default progress callback: one line on stderr."""
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
        path = self.directory / FORMAT_FILES["html"]
        return path if path in self.files else None

    @property
    def pdf(self) -> Path | None:
        """``brief.pdf`` when it was asked for."""
        path = self.directory / FORMAT_FILES["pdf"]
        return path if path in self.files else None


# -- interruptions ------------------------------------------------------------------------
class BuildInterrupted(KeyboardInterrupt):
    """The build was stopped by SIGINT (Ctrl-C) or SIGTERM.

    Raised once the build's kernels are stopped, its hidden folder removed and its lock
    released. A :class:`KeyboardInterrupt`, so code that stops on Ctrl-C stops here too.

    Attributes:
        signum: the signal received.
        name: the run name.
        published: True if the signal came while the new report was being published (it
            was completed first); False if the previous report was left as it was.
    """

    def __init__(self, signum: int, name: str = "", published: bool = False) -> None:
        self.signum, self.name, self.published = int(signum), name, published
        super().__init__(signum, name, published)  # picklable (sweep workers send it back)

    def __str__(self) -> str:
        return self.describe()

    @property
    def exit_code(self) -> int:
        """The shell's convention: 128 + the signal number (130 for SIGINT, 143 for SIGTERM)."""
        return 128 + self.signum

    def describe(self) -> str:
        """One line: what stopped the build and what was left behind."""
        which = signal.Signals(self.signum).name
        run = f" {self.name!r}" if self.name else ""
        if self.published:
            return f"build{run} stopped by {which} after its new report was published"
        return (
            f"build{run} stopped by {which}: kernels stopped, temporary files removed, "
            "previous report left as it was"
        )


class Interruptions:
    """SIGINT/SIGTERM handling for one build (in the main thread; elsewhere a no-op).

    The first signal is recorded; while :meth:`armed` (and not :meth:`deferred`) it raises
    :class:`BuildInterrupted` at once, otherwise it waits for the next armed moment, for
    :meth:`check` or for :meth:`pending`. Further signals are ignored while the build cleans
    up. A SIGINT that was ignored when the build started (a background job, a sweep worker)
    stays ignored.

    A handler runs wherever the main thread happens to be, also inside a weakref callback
    or a ``__del__``, where Python prints an exception and drops it ("Exception ignored
    in …"). Such a dropped interruption is caught by the build's ``sys.unraisablehook``
    (nothing printed) and raised again at the next armed moment or :meth:`check`, so the
    build still stops and exits with 130 or 143.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self, name: str) -> None:
        self.name = name
        self.received: int | None = None
        self.raised = False
        self._armed = False
        self._previous: dict[int, Any] = {}
        self._previous_hook: Callable[[Any], object] | None = None

    def __enter__(self) -> Interruptions:
        if threading.current_thread() is threading.main_thread():
            for signum in self.SIGNALS:
                previous = signal.getsignal(signum)
                if signum == signal.SIGINT and previous is signal.SIG_IGN:
                    continue  # a background job, or a sweep worker (its parent handles Ctrl-C)
                with contextlib.suppress(ValueError):  # not the main interpreter
                    signal.signal(signum, self._handle)
                    self._previous[signum] = previous
            if self._previous:
                self._previous_hook, sys.unraisablehook = sys.unraisablehook, self._unraisable
        return self

    def __exit__(self, *exc_info: object) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._previous.clear()
        if self._previous_hook is not None:
            sys.unraisablehook, self._previous_hook = self._previous_hook, None

    def _unraisable(self, unraisable: Any) -> None:
        """An interruption raised where Python drops exceptions: raise it again later."""
        if isinstance(unraisable.exc_value, BuildInterrupted) and self.received is not None:
            self.raised = False
            return
        (self._previous_hook or sys.__unraisablehook__)(unraisable)

    def _handle(self, signum: int, frame: object) -> None:
        if self.received is not None:
            return
        self.received = signum
        if self._armed:
            self._raise()

    def _raise(self, *, published: bool = False) -> None:
        assert self.received is not None
        self.raised = True
        raise BuildInterrupted(self.received, self.name, published=published)

    def _raise_pending(self) -> None:
        if self.received is not None and not self.raised:
            self._raise()

    def check(self) -> None:
        """Raise the interruption received and not raised yet, if armed (a waiting loop's
        checkpoint)."""
        if self._armed:
            self._raise_pending()

    @contextlib.contextmanager
    def armed(self) -> Iterator[None]:
        """Signals raise at once inside this block (one received before raises on entry)."""
        previous, self._armed = self._armed, True
        try:
            self._raise_pending()
            yield
        finally:
            self._armed = previous

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        """Signals wait until this block is done (publishing, cleaning up)."""
        previous, self._armed = self._armed, False
        try:
            yield
        finally:
            self._armed = previous
        if previous:
            self._raise_pending()

    def pending(self, *, published: bool) -> BuildInterrupted | None:
        """The interruption received but not raised yet, if any."""
        if self.received is None or self.raised:
            return None
        self.raised = True
        return BuildInterrupted(self.received, self.name, published=published)


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
        or not RE_RUN_NAME.fullmatch(name)
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


def package_versions() -> dict[str, str]:
    """Python, this package and the key dependencies' versions."""
    from . import __version__

    versions = installed_versions(KEY_PACKAGES)
    return {"python": versions.pop("python"), "mongolia_analysis": __version__, **versions}


def step_keys(
    params: BriefParams, notebooks: Sequence[Path], inputs: Mapping, versions: Mapping
) -> dict[str, str]:
    """The key of each part of a build, in build order: the digest of what it depends on.

    ``tables`` depends on the input files (:func:`input_hashes`); each notebook (by file
    name) on its own file, the inputs and the notebook parameters; each format (``html``,
    ``pdf``) on the brief notebook, the first one. All of them depend on the package's code
    and data and on the versions of the key packages.
    """
    common = {"inputs": inputs, "library": library_fingerprint(), "versions": versions}
    keys = {"tables": digest_of(common)}
    parameters = params.notebook_parameters()
    for nb in notebooks:
        keys[nb.name] = digest_of({**common, "parameters": parameters, "file": _sha256_file(nb)})
    brief = {"notebook": notebooks[0].name, "key": keys[notebooks[0].name]}
    keys.update({fmt: digest_of({"brief": brief, "format": fmt}) for fmt in params.formats})
    return keys


def _cache_key(params: BriefParams, keys: Mapping[str, str]) -> str:
    """The key of the whole build: its parameters and every part's key."""
    return digest_of({"parameters": params.to_mapping(), "steps": keys})


def _part_of(file: str) -> str | None:
    """The part of a build that wrote ``file`` (relative to the run folder), if any."""
    top, _, rest = file.partition("/")
    if top in ("tables", "notebooks") and rest:
        return "tables" if top == "tables" else rest
    return next((fmt for fmt, name in FORMAT_FILES.items() if name == file), None)


def reusable_parts(final: Path, keys: Mapping[str, str], brief: str) -> dict[str, list[str]]:
    """The parts of the report in ``final`` that a build with ``keys`` can keep, with their
    files: those whose key is unchanged and whose files are all still there. A format is
    kept only with the brief notebook (``brief``) it was rendered from."""
    manifest = _read_manifest(final)
    before = manifest.get("steps") if manifest else None
    files = manifest.get("files") if manifest else None
    if not isinstance(before, dict) or not isinstance(files, list):
        return {}
    owned: dict[str, list[str]] = {}  # part -> its files (none outside the run folder)
    for file in files:
        if isinstance(file, str) and not Path(file).is_absolute() and ".." not in Path(file).parts:
            part = _part_of(file)
            if part is not None:
                owned.setdefault(part, []).append(file)
    kept = {
        step: owned[step]
        for step, key in keys.items()
        if before.get(step) == key
        and step in owned
        and all((final / f).is_file() for f in owned[step])
    }
    if brief not in kept:
        for fmt in FORMAT_FILES:
            kept.pop(fmt, None)
    return kept


def _carry(previous: Path, staging: Path, files: Sequence[str]) -> None:
    """Put ``files`` of the previous report into ``staging``: hard links where the file
    system allows (the previous report is replaced, never changed), else copies."""
    for name in files:
        source, target = previous / name, staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            try:
                shutil.copy2(source, target)
            except OSError as exc:
                raise _StepFailure(
                    f"keeping {name} of the previous report failed ({exc.strerror}); "
                    "free some space or rebuild with --force"
                ) from None


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
    """A kernel manager that starts ipykernel with this interpreter (Jupyter's defaults)."""
    return kernel_manager_class()


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


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def execute_notebook(
    source: Path,
    target: Path,
    parameters: Mapping[str, Any],
    *,
    cwd: Path,
    kernel_manager: type,
    kernel: WarmKernel | None = None,
    shared: SharedCorpus | None = None,
) -> None:
    """Execute ``source`` with papermill into ``target``.

    Args:
        source: the notebook.
        target: where the executed notebook is written (also when a cell fails).
        parameters: injected into the notebook's ``parameters`` cell.
        cwd: the kernel's working directory.
        kernel_manager: the kernel manager class for a fresh kernel.
        kernel: run on this warm kernel instead (reset first) of a fresh one.
        shared: the build's shared corpus, installed in the warm kernel (a fresh kernel gets
            it from ``kernel_manager``).

    Raises:
        _CellFailure: a cell raised; ``target`` holds the partially executed notebook.
    """
    import papermill as pm

    # The kernel's working directory goes through ``resources`` (or the warm kernel's reset),
    # not papermill's ``cwd=``: that chdir()s the whole process, which would race between
    # notebooks executed in parallel threads.
    options: dict[str, Any] = {"resources": {"metadata": {"path": str(cwd)}}}
    try:
        if kernel is not None:
            km, kc = kernel.prepare(cwd, shared)
            options.update(km=km, warm_client=kc, engine_name=warm_engine())
        else:
            options.update(kernel_manager_class=kernel_manager)
        pm.execute_notebook(
            str(source),
            str(target),
            parameters=dict(parameters),
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            log_output=False,
            execution_timeout=CELL_TIMEOUT,
            **options,
        )
    except pm.PapermillExecutionError as exc:
        number, n_cells = _source_cell_number(source, exc)
        detail = f"{exc.ename}: {_one_line(exc.evalue)}" if exc.evalue else exc.ename
        raise _CellFailure(source.name, number, n_cells, exc.source, detail) from None
    except Exception as exc:  # kernel died, timeout, unreadable notebook
        if kernel is not None:
            kernel.discard()  # whatever state it is in, the next notebook gets a fresh one
        detail = f"{type(exc).__name__}: {_one_line(exc)}"
        raise _CellFailure(source.name, None, 0, "", detail) from None


def write_tables(corpus: Corpus, directory: Path) -> list[Path]:
    """The corpus tables as Parquet and CSV in ``directory``."""
    return [*corpus.to_parquet(directory), *corpus.to_csv(directory)]


# -- the build ----------------------------------------------------------------------------
def resolve_params(params: BriefParams | None, overrides: Mapping[str, Any]) -> BriefParams:
    """Validated parameters from an object and/or keyword overrides."""
    if params is None:
        return BriefParams.from_mapping(overrides)
    if overrides:
        return BriefParams.from_mapping({**params.to_mapping(), **overrides})
    return params.validated()


def check_reports_dir(reports_dir: str | Path | None, params: BriefParams) -> Path:
    """The absolute reports folder, refused if it is a file or lies inside the corpus folder.

    Raises:
        ParameterError: naming the folder and what to choose instead.

    Example:
        >>> check_reports_dir("/tmp/reports", BriefParams()).as_posix()
        '/tmp/reports'
    """
    if reports_dir is not None and "\x00" in str(reports_dir):
        raise ParameterError(
            f"reports folder {str(reports_dir)!r} contains a NUL character; give a folder path"
        )
    reports = Path(reports_dir or paths.REPORTS_DIR).expanduser().resolve()
    if reports.exists() and not reports.is_dir():
        raise ParameterError(
            f"reports folder {str(reports)!r} is a file, not a folder; give a folder for the "
            "run folders (it is created if missing)"
        )
    corpus = params.corpus
    if corpus.is_dir() and (reports == corpus or corpus in reports.parents):
        raise ParameterError(
            f"reports folder {str(reports)!r} is inside the corpus folder {str(corpus)!r}: the "
            "next build would read the briefs as documents; choose a folder outside the corpus"
        )
    return reports


def make_reports_dir(reports: Path) -> None:
    """Create the reports folder (and its parents) if missing.

    Raises:
        ParameterError: it cannot be created (permissions, a file in the way).
    """
    try:
        reports.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ParameterError(
            f"reports folder {str(reports)!r} cannot be created ({exc.strerror}); give a "
            "writable folder"
        ) from None


def default_workers(n_notebooks: int) -> int:
    """Notebooks executed at once: one per core, at most one per notebook."""
    return max(1, min(os.cpu_count() or 1, n_notebooks))


def build_brief(
    params: BriefParams | None = None,
    *,
    name: str | None = None,
    reports_dir: str | Path | None = None,
    force: bool = False,
    notebooks: Sequence[str | Path] | None = None,
    progress: Progress | None = print_progress,
    workers: int | None = None,
    shared_corpus: SharedCorpus | None = None,
    reuse_kernels: bool = True,
    kernel_pool: KernelPool | None = None,
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
        workers: notebooks executed at once (default: :func:`default_workers`).
        shared_corpus: a corpus already loaded and pickled (by a sweep); used when it was
            loaded from this build's inputs as they are now, else the corpus is loaded again.
        reuse_kernels: run the notebooks of each worker on one kernel, reset between
            notebooks (:class:`~.kernels.WarmKernel`); False: a fresh kernel per notebook.
        kernel_pool: take the warm kernels from this pool and give them back after a good
            build (a sweep's worker keeps its kernels from one brief to the next); None:
            the build starts its own.
        **overrides: parameter values (as for :meth:`BriefParams.from_mapping`).

    Raises:
        ParameterError: a parameter, the run name or the reports folder is invalid (nothing
            is written).
        BuildError: a notebook cell or a rendering step failed, or another build of the same
            name is running; the previous report of that name is left untouched.
        BuildInterrupted: SIGINT or SIGTERM stopped the build (see the module docstring).
    """
    say = progress or (lambda message: None)
    started = time.perf_counter()
    params = resolve_params(params, overrides)
    run_name = check_run_name(name) if name is not None else default_run_name(params)
    sources = notebook_paths(notebooks)
    reports = check_reports_dir(reports_dir, params)
    n_workers = workers if workers is not None else default_workers(len(sources))
    if not isinstance(n_workers, int) or isinstance(n_workers, bool) or n_workers < 1:
        raise ParameterError(f"workers: {workers!r} is not a positive whole number")
    make_reports_dir(reports)
    final = reports / run_name

    with Interruptions(run_name) as interrupts, run_lock(reports, run_name):
        with interrupts.armed():
            versions = package_versions()
            inputs = input_hashes(params)
            keys = step_keys(params, sources, inputs, versions)
            key = _cache_key(params, keys)
        result = None if force else _reuse(final, key, say)
        if result is None:
            _remove_leftovers(reports, run_name)
            kept = {} if force else reusable_parts(final, keys, sources[0].name)
            manifest = {
                "name": run_name,
                "cache_key": key,
                "steps": keys,
                "inputs": inputs,
                "versions": versions,
                "parameters": params.to_mapping(),
                "non_default_parameters": params.non_defaults(),
            }
            result = _build_and_publish(
                params,
                sources,
                final,
                manifest,
                say,
                interrupts=interrupts,
                workers=n_workers,
                shared=shared_corpus,
                reuse_kernels=reuse_kernels,
                kernel_pool=kernel_pool,
                cache=result_cache(reports, force=force),
                kept=kept,
                started=started,
            )
    late = interrupts.pending(published=True)
    if not result.reused:
        say(_summary(result, result.manifest["timings"]["total"]))
    if late is not None:
        raise late
    return result


def _build_and_publish(
    params: BriefParams,
    sources: list[Path],
    final: Path,
    manifest: dict[str, Any],
    say: Progress,
    *,
    interrupts: Interruptions,
    workers: int,
    shared: SharedCorpus | None,
    reuse_kernels: bool,
    kernel_pool: KernelPool | None,
    cache: ResultCache,
    kept: Mapping[str, Sequence[str]],
    started: float,
) -> BuildResult:
    """Build into a hidden folder next to ``final``, then put it in place of ``final``.

    ``kept``: the parts of ``final`` to keep (:func:`reusable_parts`), with their files.
    On failure the hidden folder becomes ``<final>.failed`` (a cell or step failed) or is
    removed (interrupted, or a bug); ``final`` is never touched.
    """
    reports, run_name = final.parent, final.name
    failed = reports / f"{run_name}.failed"
    staging = reports / f".{run_name}.tmp-{secrets.token_hex(4)}"
    staging.mkdir()  # hidden (run names never start with '.'), normal permissions
    try:
        with interrupts.armed():
            built = _run(
                params,
                sources,
                staging,
                say,
                interrupts=interrupts,
                workers=workers,
                files=manifest["inputs"]["corpus"]["files"],
                shared=shared,
                reuse_kernels=reuse_kernels,
                kernel_pool=kernel_pool,
                cache=cache,
                kept=kept,
                previous=final,
            )
        manifest = {**manifest, **built, "built_at": _now(), "reused": list(kept)}
        manifest["timings"]["total"] = round(time.perf_counter() - started, 3)
        with interrupts.deferred():
            files = _finish(staging, manifest)
            _publish(staging, final)
            shutil.rmtree(failed, ignore_errors=True)
    except _CellFailure as failure:
        with interrupts.deferred():
            _keep_failed(staging, failed)
        kept = failed / "notebooks" / failure.notebook
        raise BuildError(failure.describe(kept)) from None
    except _StepFailure as failure:
        with interrupts.deferred():
            _keep_failed(staging, failed)
        raise BuildError(f"{failure}; partial output kept in {failed}") from None
    except BaseException:
        with interrupts.deferred():
            shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildResult(run_name, final, tuple(final / f for f in files), False, manifest)


class _StepFailure(MongoliaAnalysisError):
    """A non-notebook step (corpus, tables, HTML, PDF) failed."""


def notebook_paths(notebooks: Sequence[str | Path] | None) -> list[Path]:
    """The notebooks to execute as absolute paths (default: :data:`NOTEBOOKS`).

    Raises:
        ParameterError: a notebook does not exist, or none is given.
    """
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


@contextlib.contextmanager
def _quiet_papermill() -> Iterator[None]:
    """Silence papermill's log while stopped kernels make their notebooks fail (noise)."""
    logger = logging.getLogger("papermill")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(level)


def result_cache(reports: Path, *, force: bool) -> ResultCache:
    """The result cache of the builds in ``reports`` (``force``: refreshed, not read)."""
    return ResultCache(reports / RESULT_CACHE_DIR, refresh=force)


def _load_corpus(
    params: BriefParams,
    files: dict[str, str],
    work: Path,
    shared: SharedCorpus | None,
    cache: ResultCache | None,
) -> tuple[Corpus, SharedCorpus | None]:
    """The corpus with all its tables, and its pickled copy for the kernels (if picklable)."""
    try:
        if shared is not None and shared.matches(params, files):
            return shared.load(), shared
        corpus = load_full_corpus(params, cache=cache)
    except MongoliaAnalysisError as exc:
        raise _StepFailure(f"loading the corpus failed: {_one_line(exc)}") from None
    except Exception as exc:
        raise _StepFailure(
            f"loading the corpus failed: {type(exc).__name__}: {_one_line(exc)}"
        ) from None
    return corpus, share_corpus(corpus, params, files, work)


def _run(
    params: BriefParams,
    sources: list[Path],
    staging: Path,
    say: Progress,
    *,
    interrupts: Interruptions,
    workers: int,
    files: dict[str, str],
    shared: SharedCorpus | None,
    reuse_kernels: bool = True,
    kernel_pool: KernelPool | None = None,
    cache: ResultCache | None = None,
    kept: Mapping[str, Sequence[str]] | None = None,
    previous: Path | None = None,
) -> dict:
    """Every step into ``staging``, except the parts ``kept`` (step → files), which are
    taken from the ``previous`` report; returns the manifest's build part (timings,
    notebooks)."""
    kept = kept or {}
    to_run = [nb for nb in sources if nb.name not in kept]
    write = "tables" not in kept
    formats = [fmt for fmt in params.formats if fmt not in kept]
    needs_corpus = write or bool(to_run)
    n_steps = needs_corpus + len(to_run) + write + len(formats)
    step = iter(range(1, n_steps + 1))
    timings: dict[str, float] = {}
    lock = threading.Lock()
    executed = staging / "notebooks"
    executed.mkdir()
    work = staging / WORK_DIR
    work.mkdir()
    parameters = params.notebook_parameters()
    if kept and previous is not None:
        say(f"reusing {', '.join(kept)} from the previous build (unchanged)")
        for part_files in kept.values():
            _carry(previous, staging, part_files)

    def timed(key: str, label: str, work: Callable[[], Any]) -> Any:
        with lock:
            say(f"[{next(step)}/{n_steps}] {label} …")
        began = time.perf_counter()
        try:
            return work()
        finally:
            with lock:
                timings[key] = round(time.perf_counter() - began, 3)

    kernels = KernelGroup()
    warm: list[WarmKernel] = []
    per_thread = threading.local()
    # (corpus, shared corpus, kernel manager class) once the corpus is loaded: the notebooks'
    # threads start their warm kernels first
    loaded: Future = Future()
    if kernel_pool is not None:
        kernel_pool.group = kernels  # the kernels it starts for this build are the build's
    warm_manager = kernel_pool.manager if kernel_pool else kernel_manager_class(work, kernels)

    def warm_kernel() -> WarmKernel:
        """This thread's warm kernel; a new one is started at once, while the corpus loads
        (if it fails to, the notebook's own attempt reports why)."""
        kernel = getattr(per_thread, "kernel", None)
        if kernel is None:
            kernel = kernel_pool.take() if kernel_pool else WarmKernel(warm_manager)
            per_thread.kernel = kernel
            with lock:
                warm.append(kernel)
            with contextlib.suppress(Exception):
                kernel.start(work)
        return kernel

    def run_notebook(source: Path) -> None:
        cwd = work / f"cwd-{source.stem}"
        cwd.mkdir()
        kernel = warm_kernel() if reuse_kernels else None
        _, shared_corpus, manager = loaded.result()
        timed(
            source.name,
            f"executing {source.name}",
            lambda: execute_notebook(
                source,
                executed / source.name,
                parameters,
                cwd=cwd,
                kernel_manager=manager,
                kernel=kernel,
                shared=shared_corpus,
            ),
        )

    def tables() -> None:
        corpus, _, _ = loaded.result()
        try:
            target = staging / "tables"
            timed("tables", "writing tables/ (Parquet, CSV)", lambda: write_tables(corpus, target))
        except Exception as exc:
            detail = f"{type(exc).__name__}: {_one_line(exc)}"
            raise _StepFailure(f"writing the corpus tables failed: {detail}") from None

    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="brief")
    futures: list[Future] = []
    try:
        # the notebooks first: their threads start the kernels while the corpus loads
        futures = [pool.submit(run_notebook, nb) for nb in to_run]
        if needs_corpus:
            try:
                corpus, shared = timed(
                    "corpus",
                    "loading the corpus",
                    lambda: _load_corpus(params, files, work, shared, cache),
                )
                # fresh kernels (no reuse) get the shared corpus when they start
                manager = (
                    warm_manager if reuse_kernels else kernel_manager_class(work, kernels, shared)
                )
                loaded.set_result((corpus, shared, manager))
            except BaseException as exc:
                loaded.set_exception(exc)  # the waiting threads give up too
                raise
        from . import render

        # while the first notebook runs (in this thread, not beside the PDF: they would
        # share one interpreter's lock on the critical path)
        render.import_renderers(formats)
        if write:
            tables()
        if to_run and to_run[0] == sources[0]:
            _wait(futures[:1], interrupts)
            futures[0].result()
        _render(params, executed / sources[0].name, staging, timed, formats)
        _wait(futures, interrupts, return_when=FIRST_EXCEPTION)
        for future in futures:  # the first failure in submission order
            if future.done() and future.exception() is not None:
                raise future.exception()  # type: ignore[misc]
        _wait(futures, interrupts)
        for future in futures:
            future.result()
        if kernel_pool is not None:  # a good build: its kernels serve the next one
            for kernel in warm:
                kernel_pool.give_back(kernel)
            warm.clear()
    except BaseException:
        # Stop the other notebooks' kernels at once (interruption or failure), then wait
        # for their threads, which end as soon as their kernel is gone.
        with interrupts.deferred(), _quiet_papermill():
            kernels.stop()
            for future in futures:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)
            kernels.stop()  # any kernel started while the first stop was under way
        raise
    finally:
        with interrupts.deferred():
            pool.shutdown(wait=True)
            kernels.stop()  # the warm kernels, done with
            for kernel in warm:
                kernel.discard()
            shutil.rmtree(work, ignore_errors=True)
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
        "kernel": {"name": KERNEL_NAME, "python": sys.executable, "reused": reuse_kernels},
        "shared_corpus": needs_corpus and shared is not None,
    }


def _wait(
    futures: Sequence[Future],
    interrupts: Interruptions,
    *,
    return_when: str = ALL_COMPLETED,
    poll: float = POLL_SECONDS,
) -> None:
    """Wait for ``futures`` as :func:`concurrent.futures.wait` does, checking for an
    interruption every ``poll`` seconds (one the handler could not raise at once)."""
    while wait(futures, timeout=poll, return_when=return_when).not_done:
        if return_when == FIRST_EXCEPTION and any(
            f.done() and not f.cancelled() and f.exception() is not None for f in futures
        ):
            return
        interrupts.check()
    interrupts.check()


def _render(
    params: BriefParams, notebook: Path, staging: Path, timed: Callable, formats: Sequence[str]
) -> None:
    """``formats`` (``brief.html`` and/or ``brief.pdf``) from the executed brief notebook;
    a PDF is made from the ``brief.html`` already in ``staging`` when there is one."""
    from . import render

    if not formats:
        return
    colophon = f"Built {_now()} by mongolia_analysis from {params.corpus.name}/."
    html_file, pdf_file = (staging / FORMAT_FILES[fmt] for fmt in ("html", "pdf"))

    def to_html() -> str:
        nb = _read_notebook(notebook)
        return render.notebook_to_html(nb, title=params.title, colophon=colophon)

    try:
        if "html" in formats:
            markup = timed(html_file.name, f"rendering {html_file.name}", to_html)
            html_file.write_text(markup, encoding="utf-8")
        elif html_file.is_file():  # kept from the previous build: the PDF says the same
            markup = html_file.read_text(encoding="utf-8")
        else:
            markup = to_html()
        if "pdf" in formats:
            timed(
                pdf_file.name,
                f"rendering {pdf_file.name}",
                lambda: render.html_to_pdf(markup, pdf_file),
            )
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


def _read_manifest(final: Path) -> dict | None:
    """The manifest of the report in ``final``; None if absent or unreadable."""
    try:
        manifest = json.loads((final / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def _current_manifest(final: Path, key: str) -> dict | None:
    """The manifest of ``final`` when its cache key is ``key`` and all its files are there."""
    manifest = _read_manifest(final)
    if manifest is None or manifest.get("cache_key") != key:
        return None
    files = manifest.get("files") or []
    return manifest if all((final / f).is_file() for f in files) else None


def parts_to_build(
    params: BriefParams,
    name: str,
    *,
    reports_dir: str | Path | None = None,
    notebooks: Sequence[str | Path] | None = None,
) -> list[str]:
    """The parts (``tables``, notebook file names, formats) that ``build_brief`` would make
    again for the report ``name`` now; the others it would keep (:func:`reusable_parts`)."""
    reports = Path(reports_dir or paths.REPORTS_DIR).expanduser().resolve()
    sources = notebook_paths(notebooks)
    keys = step_keys(params, sources, input_hashes(params), package_versions())
    kept = reusable_parts(reports / name, keys, sources[0].name)
    return [part for part in keys if part not in kept]


def _reuse(final: Path, key: str, say: Progress) -> BuildResult | None:
    """The previous result when its cache key matches and all its files are still there."""
    manifest = _current_manifest(final, key)
    if manifest is None:
        return None
    files = manifest.get("files") or []
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
