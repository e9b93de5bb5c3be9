"""The Jupyter kernels of a build: where they run, what they share, how they are stopped.

The notebooks of a build run on ipykernel kernels started through the kernel manager class
that :func:`kernel_manager_class` makes for that build:

* a kernel runs this very interpreter (the virtual environment's ``python``), with its
  connection file, IPython directory and working directory inside the build's hidden work
  folder (``reports/.<run>.tmp-…/.work/``), so a build writes nothing outside the reports
  folder, and no IPython profile of the user's changes what a notebook computes;
* it is registered in a :class:`KernelGroup`, which stops every kernel of the build at once
  (SIGTERM to the kernel's process group, then SIGKILL) when the build ends, fails or is
  interrupted, and refuses to start new ones from then on, so no kernel outlives its build;
* each worker thread of a build keeps one :class:`WarmKernel` and runs its notebooks on it in
  turn, resetting the namespace and working directory between notebooks: starting a kernel
  and importing pandas, matplotlib and the library costs more than most notebooks compute;
* when the build has loaded the corpus already (:func:`share_corpus`), the kernel starts with
  :func:`use_shared_corpus`: ``load_corpus(...)`` called with the build's own corpus, gazetteer
  and codebook then returns a copy of that corpus (unpickled, its tables computed) instead of
  parsing the same files again. The notebooks stay unchanged; any other call is passed on to
  the real :func:`~mongolia_analysis.load_corpus`.

``tests/test_sweep.py`` checks that a warm kernel on the shared corpus gives the same outputs
as a fresh kernel per notebook that loads the corpus itself.
"""

from __future__ import annotations

import contextlib
import copyreg
import functools
import json
import os
import pickle
import signal
import sys
import threading
import time
import types
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cache import ResultCache
    from .corpus import Corpus
    from .params import BriefParams

KERNEL_NAME = "python3"
#: Seconds a kernel gets to exit after SIGTERM before it is killed.
STOP_GRACE = 3.0
#: Seconds between checks that a warm kernel being reset is still alive.
ALIVE_POLL = 0.25
SHARED_CORPUS_FILE = "corpus.pickle"
#: Modules a build's kernel imports as it starts: what every notebook of the brief imports.
PRELOAD = ("mongolia_analysis.report",)
#: The call, in a kernel, that installs a shared corpus (see :func:`use_shared_corpus`).
_USE_SHARED = "__import__('mongolia_analysis.kernels', fromlist=['_']).use_shared_corpus"


# -- the shared corpus --------------------------------------------------------------------
def corpus_key(
    corpus: str | Path, gazetteer: str | Path | None, codebook: str | Path | None
) -> tuple[str, str, str]:
    """What identifies a loaded corpus: its resolved input paths ('' for the package's own).

    Example:
        >>> corpus_key("/data/x", None, None)
        ('/data/x', '', '')
    """

    def resolved(path: str | Path | None) -> str:
        return str(Path(path).expanduser().resolve()) if path not in (None, "") else ""

    return resolved(corpus), resolved(gazetteer), resolved(codebook)


@dataclass(frozen=True, slots=True)
class SharedCorpus:
    """A corpus loaded once, its tables computed, pickled for the kernels of one or more builds.

    ``key`` is :func:`corpus_key` of its inputs; ``files`` the sha256 of each corpus file at
    load time (a build whose inputs no longer match does not use it).
    """

    path: Path
    key: tuple[str, str, str]
    files: dict[str, str]

    def matches(self, params: BriefParams, files: dict[str, str]) -> bool:
        """True when this corpus was loaded from the inputs ``params`` name, as they are now."""
        key = corpus_key(params.corpus, params.gazetteer, params.codebook)
        return key == self.key and files == self.files and self.path.is_file()

    def load(self) -> Corpus:
        """The corpus (a fresh unpickled copy)."""
        return _read_shared(self.path)[1]


def _mappingproxy(mapping: dict) -> types.MappingProxyType:
    return types.MappingProxyType(mapping)


def _reduce_mappingproxy(proxy: types.MappingProxyType) -> tuple:
    return _mappingproxy, (dict(proxy),)


def load_full_corpus(params: BriefParams, *, cache: ResultCache | None = None) -> Corpus:
    """``load_corpus`` for ``params`` with every table computed (what the notebooks read),
    reusing what ``cache`` holds of it."""
    from . import load_corpus

    corpus = load_corpus(
        params.corpus, gazetteer=params.gazetteer, codebook=params.codebook, cache=cache
    )
    corpus.tables()
    return corpus


def share_corpus(
    corpus: Corpus, params: BriefParams, files: dict[str, str], directory: Path
) -> SharedCorpus | None:
    """Pickle ``corpus`` into ``directory`` for the kernels; None if it cannot be pickled.

    A corpus that cannot be pickled (a table holding an unpicklable object) is not an error:
    the notebooks then load the corpus themselves, as they do outside a build.
    """
    key = corpus_key(params.corpus, params.gazetteer, params.codebook)
    path = directory / SHARED_CORPUS_FILE
    try:
        with path.open("wb") as handle:
            pickler = pickle.Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL)
            pickler.dispatch_table = copyreg.dispatch_table.copy()
            pickler.dispatch_table[types.MappingProxyType] = _reduce_mappingproxy
            pickler.dump(key)  # read first: a kernel checks it before loading the corpus
            pickler.clear_memo()  # two pickles, each readable on its own
            pickler.dump(corpus)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        path.unlink(missing_ok=True)
        return None
    return SharedCorpus(path, key, dict(files))


def _read_shared(path: str | Path, key: tuple[str, str, str] | None = None) -> tuple[Any, Any]:
    """The key and (unless it differs from ``key``) the corpus of a shared-corpus file."""
    with open(path, "rb") as handle:
        found = tuple(pickle.load(handle))
        if key is not None and found != key:
            return found, None
        return found, pickle.load(handle)


def use_shared_corpus(path: str | None) -> None:
    """In a build's kernel: let ``load_corpus`` of the build's inputs return the shared corpus.

    Called by the kernel at start-up (``IPKernelApp.exec_lines``) or by a warm kernel's reset;
    it defines no name in the notebook's namespace. ``mongolia_analysis.load_corpus`` is
    wrapped: a call with the shared corpus's paths (and no ``strict``/``catalog`` option)
    returns a fresh unpickled copy of the corpus (so that no notebook sees another's changes
    to it); every other call goes to the real function. ``None`` puts the real function back
    (a warm kernel's next build may share no corpus).
    """
    import mongolia_analysis

    # the real function, also when a warm kernel installs the shared corpus a second time
    original = getattr(mongolia_analysis.load_corpus, "unshared", mongolia_analysis.load_corpus)
    if path is None:
        mongolia_analysis.load_corpus = original
        return

    @functools.wraps(original)
    def load_corpus(paths: Any, **options: Any) -> Any:
        gazetteer, codebook = options.get("gazetteer"), options.get("codebook")
        plain = not set(options) - {"gazetteer", "codebook", "workers", "progress"}
        if plain and isinstance(paths, str | Path):
            _, corpus = _read_shared(path, corpus_key(paths, gazetteer, codebook))
            if corpus is not None:
                return corpus
        return original(paths, **options)

    load_corpus.unshared = original  # type: ignore[attr-defined]
    mongolia_analysis.load_corpus = load_corpus


# -- the kernels of one build -------------------------------------------------------------
class KernelGroup:
    """The kernels started for one build; :meth:`stop` ends them all and refuses new ones."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pids: set[int] = set()
        self.stopping = False

    def check_open(self) -> None:
        """Raise RuntimeError once the group is stopping (no kernel may start any more)."""
        if self.stopping:
            raise RuntimeError("the build is stopping; no new kernel is started")

    def add(self, pid: int) -> None:
        """Register a started kernel (stopped at once if the group is already stopping)."""
        with self._lock:
            self._pids.add(pid)
            late = self.stopping
        if late:
            _terminate([pid], grace=STOP_GRACE)

    @property
    def pids(self) -> frozenset[int]:
        """Process ids of the kernels started so far (running or not)."""
        with self._lock:
            return frozenset(self._pids)

    def release(self, pid: int) -> None:
        """Let the kernel ``pid`` outlive the group (a warm kernel going back to its pool)."""
        with self._lock:
            self._pids.discard(pid)

    def stop(self, *, grace: float = STOP_GRACE) -> None:
        """Stop every kernel of the group: SIGTERM, then SIGKILL after ``grace`` seconds."""
        with self._lock:
            self.stopping = True
            pids = sorted(self._pids)
        _terminate(pids, grace=grace)


def _signal_kernel(pid: int, signum: int) -> None:
    """Signal a kernel and its children (a kernel leads its own process group)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if os.getpgid(pid) == pid:
            os.killpg(pid, signum)
        else:  # pragma: no cover - jupyter_client starts kernels in a new session
            os.kill(pid, signum)


def _exited(pid: int) -> bool:
    """True once ``pid`` is gone (our child: reaped here if it is a zombie)."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:  # not our child, or reaped already by its Popen
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:  # pragma: no cover
            return False
        return _is_zombie(pid)
    return done == pid


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] in ("Z", "X")


def _terminate(pids: list[int], *, grace: float) -> None:
    live = [pid for pid in pids if not _exited(pid)]
    for pid in live:
        _signal_kernel(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while live and time.monotonic() < deadline:
        time.sleep(0.05)
        live = [pid for pid in live if not _exited(pid)]
    for pid in live:
        _signal_kernel(pid, signal.SIGKILL)
    for pid in live:
        _exited(pid)


def kernel_manager_class(
    workdir: Path | None = None,
    group: KernelGroup | KernelPool | None = None,
    shared: SharedCorpus | None = None,
) -> type:
    """A kernel manager class for one build (see the module docstring).

    Args:
        workdir: the build's work folder: connection files and the IPython directory go here
            (None: Jupyter's defaults, as when a notebook is run by hand).
        group: where started kernels are registered (and which stops them); None: a new one;
            a :class:`KernelPool`: the group of the build using the pool.
        shared: the corpus the kernels should use instead of loading it again.
    """
    group = group if group is not None else KernelGroup()
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

    # Imported at start-up (a started kernel waits for its first notebook while the build
    # loads the corpus); no name is bound in the notebook's namespace.
    exec_lines = [f"__import__({module!r})" for module in PRELOAD]
    if shared is not None:
        exec_lines.append(f"{_USE_SHARED}({str(shared.path)!r})")

    class BuildKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            if workdir is not None:
                self.connection_file = str(workdir / f"kernel-{uuid.uuid4().hex}.json")

        def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
            cmd = super().format_kernel_cmd(extra_arguments)
            if any(part.startswith("ipykernel") for part in cmd[1:3]):
                # This interpreter. The kernel's own log stays out of the build log (cell
                # errors reach the build through the notebook; shutdown interrupts are noise).
                cmd = [sys.executable, "-Xfrozen_modules=off", *cmd[1:], "--log-level=CRITICAL"]
                cmd.append("--HistoryManager.enabled=False")
                if exec_lines:
                    cmd.append(f"--IPKernelApp.exec_lines={json.dumps(exec_lines)}")
            return cmd

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            group.check_open()
            if workdir is not None:
                kw["env"] = {
                    **(kw.get("env") or os.environ),
                    "IPYTHONDIR": str(workdir / "ipython"),
                }
            await super()._async_launch_kernel(kernel_cmd, **kw)
            process = getattr(self.provisioner, "process", None)
            if process is not None:
                group.add(process.pid)

    return BuildKernelManager


# -- warm kernels ---------------------------------------------------------------------------
#: Run in a warm kernel before each notebook: a fresh namespace (modules stay imported, which
#: is the point), no figure left open, and the notebook's own working directory.
RESET_CODE = """\
import os as _os, sys as _sys
_os.chdir({cwd!r})
if "matplotlib.pyplot" in _sys.modules:
    _sys.modules["matplotlib.pyplot"].close("all")
get_ipython().reset(new_session=True, aggressive=False)
"""
WARM_ENGINE = "mongolia-warm-kernel"


class WarmKernel:
    """One kernel that executes several notebooks in turn (used by one thread at a time).

    Starting a kernel and importing pandas, matplotlib and the library costs more than most of
    the brief's notebooks compute, so a build gives each of its worker threads one kernel,
    started (:meth:`start`) while the build still loads the corpus. The kernel keeps one
    client, connected once: a new client waits 0.2 s for the kernel's output channel to fall
    quiet, which would cost every notebook that much. Before each notebook the kernel's
    namespace is reset (:data:`RESET_CODE`: variables, execution count and open figures go;
    imported modules stay), its working directory set to the notebook's own and, in a build
    that shares its corpus, :func:`use_shared_corpus` installed. A kernel that died or timed
    out is replaced by a fresh one.
    """

    def __init__(self, manager_class: type, *, startup_timeout: float = 60) -> None:
        self.manager_class = manager_class
        self.startup_timeout = startup_timeout
        self.km: Any = None
        self.kc: Any = None

    def start(self, cwd: Path) -> None:
        """Start the kernel (in ``cwd``) and connect its client, unless it is running."""
        from jupyter_core.utils import run_sync

        if self.km is not None and not run_sync(self.km.is_alive)():
            self.discard()
        if self.km is not None:
            return
        self.km = self.manager_class(kernel_name=KERNEL_NAME)
        try:
            run_sync(self.km.start_kernel)(cwd=str(cwd))
            self.kc = run_sync(self._connect)()
        except BaseException:
            self.discard()
            raise

    def prepare(self, cwd: Path, shared: SharedCorpus | None = None) -> tuple[Any, Any]:
        """A running kernel with an empty namespace in ``cwd``, using ``shared`` if given;
        returns its kernel manager and its connected client."""
        from jupyter_core.utils import run_sync

        self.start(cwd)
        path = str(shared.path) if shared is not None else None
        run_sync(self._run_code)(RESET_CODE.format(cwd=str(cwd)) + f"{_USE_SHARED}({path!r})\n")
        return self.km, self.kc

    @property
    def pid(self) -> int | None:
        """The kernel's process id while it runs (None before it starts and once discarded)."""
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        return None if process is None else process.pid

    async def _connect(self) -> Any:
        kc = self.km.client()
        kc.start_channels()
        await kc.wait_for_ready(timeout=self.startup_timeout)
        kc.allow_stdin = False
        return kc

    async def _run_code(self, code: str) -> None:
        """Run ``code`` silently; raise RuntimeError if it fails or the kernel dies meanwhile
        (a build being stopped kills its kernels: waiting for a reply would never end)."""
        import asyncio

        reply_task = asyncio.ensure_future(
            self.kc.execute_interactive(
                code,
                silent=True,
                store_history=False,
                timeout=self.startup_timeout,
                output_hook=lambda message: None,
            )
        )
        while not reply_task.done():
            await asyncio.wait({reply_task}, timeout=ALIVE_POLL)
            if not reply_task.done() and not await self.km.is_alive():
                reply_task.cancel()
                raise RuntimeError("the kernel stopped while it was being reset")
        content = reply_task.result().get("content", {})
        if content.get("status") != "ok":
            raise RuntimeError(
                f"resetting the kernel failed: {content.get('ename')}: {content.get('evalue')}"
            )

    def discard(self) -> None:
        """Stop this kernel (a fresh one is started for the next notebook)."""
        pid = self.pid
        km, self.km = self.km, None
        kc, self.kc = self.kc, None
        if kc is not None:
            kc.stop_channels()
        if km is None:
            return
        if pid is not None:
            _terminate([pid], grace=STOP_GRACE)
        # Its sockets, at once: open ones would hold up the interpreter's exit.
        context = getattr(km, "context", None)
        if context is not None and getattr(km, "_created_context", False):
            context.destroy(linger=0)


class KernelPool:
    """Warm kernels kept between the builds of one process (a sweep's worker builds several
    briefs in turn): starting a kernel and importing the library is then paid once per
    kernel, not once per brief.

    A build takes its kernels from the pool (:meth:`take`) and, when it succeeded, gives them
    back (:meth:`give_back`); a failed or interrupted build stops them like its own. While a
    build uses the pool, the kernels it starts belong to that build's :class:`KernelGroup`
    (:attr:`group`), so stopping the build stops them. Their connection files and IPython
    directory are in ``workdir``, which must outlive the pool; :meth:`close` stops them all.
    """

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.group = KernelGroup()  # the group of the build using the pool
        self.manager = kernel_manager_class(workdir, self)
        self._idle: list[WarmKernel] = []
        self._lock = threading.Lock()

    # the KernelGroup interface the kernel manager class uses: the current build's group
    def check_open(self) -> None:
        """As :meth:`KernelGroup.check_open` of the build using the pool."""
        self.group.check_open()

    def add(self, pid: int) -> None:
        """As :meth:`KernelGroup.add` of the build using the pool."""
        self.group.add(pid)

    def take(self) -> WarmKernel:
        """An idle kernel (running, or to be started) for the build using the pool."""
        with self._lock:
            kernel = self._idle.pop() if self._idle else WarmKernel(self.manager)
        if kernel.pid is not None:
            self.group.add(kernel.pid)
        return kernel

    def give_back(self, kernel: WarmKernel) -> None:
        """Keep ``kernel`` for the next build (a stopped one is dropped)."""
        pid = kernel.pid
        if pid is None:
            return
        self.group.release(pid)
        with self._lock:
            self._idle.append(kernel)

    def close(self) -> None:
        """Stop every idle kernel of the pool."""
        with self._lock:
            idle, self._idle = self._idle, []
        for kernel in idle:
            kernel.discard()


@functools.cache
def warm_engine() -> str:
    """The name of papermill's engine for :class:`WarmKernel` (registered on first use).

    papermill's own nbclient engine, except that it runs the notebook through the warm
    kernel's own client (``warm_client``, connected once) and leaves kernel and client
    running: the :class:`WarmKernel` owns both.
    """
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger

    class WarmKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man: Any,
            kernel_name: str,
            log_output: bool = False,
            stdout_file: Any = None,
            stderr_file: Any = None,
            start_timeout: int = 60,
            execution_timeout: int | None = None,
            **kwargs: Any,
        ) -> Any:
            for unused in ("input_path", "timeout", "startup_timeout"):
                kwargs.pop(unused, None)
            kc = kwargs.pop("warm_client")
            client = PapermillNotebookClient(
                nb_man,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                **kwargs,
            )
            client.kc = kc  # connected once by the warm kernel, which keeps it
            return client.execute()

    try:
        papermill_engines.get_engine(WARM_ENGINE)
    except Exception:
        papermill_engines.register(WARM_ENGINE, WarmKernelEngine)
    return WARM_ENGINE
