"""The benchmark suite (``make bench``): extraction throughput, build time, caching, sweeps.

Every figure is measured in a fresh subprocess and compared with a baseline measured in the
same run (these machines are shared and noisy), or is a median of several runs:

1. Extraction: synthetic corpora (bench/corpus_gen.py, 0.1 to 100 MB) through
   ``load_corpus`` + every lazy table (bench/extraction.py), one core (``workers=1``) and all
   cores; baseline: spaCy's blank English pipeline with the gazetteer's aliases in an
   EntityRuler plus the sentencizer (bench/baseline_spacy.py) over the same files. Throughput,
   linearity (log-log slope), peak memory; a cProfile of the 10 MB run (or of the largest
   size that fits the time budget).
2. Build: the default ``mongolia-brief build`` on the seeds against a floor (one trivial
   papermill execution + one nbconvert HTML export + one WeasyPrint PDF, bench/build_floor.py).
3. Cached rebuild: the same build again, not forced.
4. Sweep: ``build -p focus PRK,KOR,JPN,CHN,RUS,USA`` against six sequential builds.

A time budget (``BENCH_BUDGET_S``, default 1110 s) keeps ``make bench`` under ~20 minutes:
sizes whose projected run time does not fit are skipped and reported with the projection.
Writes bench/out/results.json (raw figures) and bench/RESULTS.md.

    .venv/bin/python bench/run.py [--budget SECONDS] [--sizes 0.3,1,10,100]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import hashlib
import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
PY = sys.executable
CLI = str(Path(sys.executable).with_name("mongolia-brief"))
MB = 1_000_000  # a megabyte here is 10**6 bytes

#: Corpus sizes (MB) and their generator seeds; the larger ones are the ones the brief asks
#: for, the two small ones give cheap extra points for the linearity fit.
SIZES = {0.1: 101, 0.3: 103, 1.0: 1, 10.0: 10, 100.0: 100}
DEFAULT_SIZES = (0.3, 1.0, 10.0, 100.0)  # 0.1 MB on request (--sizes): mostly fixed costs
REPEATS_SMALL = 3  # runs per size up to 1 MB (median reported)
BUILD_REPEATS = 5  # pairs of a floor run and a forced full build (medians reported)
SWEEP_FOCUS = ("PRK", "KOR", "JPN", "CHN", "RUS", "USA")
TARGETS = {
    "ratio_to_spacy": 20.0,
    "mb_per_s": 20.0,
    "memory_x_corpus": 4.0,
    "build_x_floor": 2.0,
    "cached_build_s": 1.0,
    "sweep_speedup": 1.6,
}
VERSIONS = (
    "mongolia_analysis", "pandas", "numpy", "pyarrow", "pyahocorasick", "pyyaml", "spacy",
    "papermill", "nbconvert", "nbclient", "ipykernel", "weasyprint",
)  # fmt: skip


# -- running subprocesses -----------------------------------------------------------------
@dataclass
class Budget:
    """Seconds left for the whole run; ``fits`` says whether a projected step may start."""

    total: float
    started: float = field(default_factory=time.perf_counter)

    def left(self) -> float:
        return self.total - (time.perf_counter() - self.started)

    def fits(self, seconds: float, *, reserve: float = 0.0) -> bool:
        return seconds <= self.left() - reserve


@dataclass
class Run:
    returncode: int | None
    wall_s: float
    stdout: str
    stderr: str
    timed_out: bool = False

    def json(self) -> dict | None:
        lines = [line for line in self.stdout.splitlines() if line.startswith("{")]
        return json.loads(lines[-1]) if lines else None


def run(cmd: list[str], *, timeout: float | None = None, cwd: Path = ROOT) -> Run:
    """Run ``cmd`` in its own session; on timeout kill that session (only what we started)."""
    began = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        out, err = proc.communicate(timeout=timeout)
        return Run(proc.returncode, time.perf_counter() - began, out, err)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        return Run(None, time.perf_counter() - began, out, err, timed_out=True)


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- the machine ---------------------------------------------------------------------------
def machine() -> dict:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kib = 0
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    versions = {"python": platform.python_version()}
    for name in VERSIONS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    git = run(["git", "rev-parse", "--short", "HEAD"]).stdout.strip() or "unknown"
    dirty = run(["git", "status", "--porcelain", "--", "mongolia_analysis", "notebooks"])
    return {
        "nproc": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gib": round(mem_kib / 2**20, 1),
        "platform": platform.platform(),
        "versions": versions,
        "git_head": git,
        "uncommitted_library_files": len(dirty.stdout.splitlines()),
        "library_sha256": library_snapshot()["_all"][:16],
        "loadavg_start": os.getloadavg(),
    }


def library_snapshot() -> dict[str, str]:
    """sha256 of every package source/data file and notebook (to explain cache misses)."""
    files: dict[str, str] = {}
    for folder in (ROOT / "mongolia_analysis", ROOT / "notebooks"):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                files[path.relative_to(ROOT).as_posix()] = hashlib.sha256(
                    path.read_bytes()
                ).hexdigest()
    files["_all"] = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()
    return files


def changed_files(before: dict[str, str], after: dict[str, str]) -> list[str]:
    keys = (set(before) | set(after)) - {"_all"}
    return sorted(k for k in keys if before.get(k) != after.get(k))


# -- 1. extraction -------------------------------------------------------------------------
def generate_corpora(sizes: list[float]) -> dict[float, dict]:
    sys.path.insert(0, str(BENCH))
    import corpus_gen

    corpora = {}
    for size in sizes:
        began = time.perf_counter()
        folder = OUT / "corpus" / f"{size:g}mb"
        manifest = corpus_gen.generate(folder, megabytes=size, seed=SIZES[size])
        corpora[size] = {**manifest, "path": str(folder), "seconds": time.perf_counter() - began}
        say(f"corpus {size:g} MB: {manifest['files']} files, {manifest['bytes']:,} bytes")
    return corpora


def extraction_run(
    path: str,
    workers: int,
    *,
    timeout: float,
    profile: Path | None = None,
    load_only=False,
    cache: Path | None = None,
):
    cmd = [PY, str(BENCH / "extraction.py"), "--corpus", path, "--workers", str(workers)]
    if profile:
        cmd += ["--profile", str(profile)]
    if cache:
        cmd += ["--cache", str(cache)]
    if load_only:
        cmd.append("--load-only")
    library = library_snapshot()["_all"][:16]
    result = run(cmd, timeout=timeout)
    data = result.json()
    if data is None:
        tail = (result.stderr or "").strip().splitlines()[-3:]
        detail = " | ".join(tail)
        return {
            "failed": True,
            "timed_out": result.timed_out,
            "wall_s": result.wall_s,
            "stderr": detail,
        }
    data["process_wall_s"] = result.wall_s
    data["library"] = library
    RUN_LOG.append({"what": f"extraction {Path(path).name} workers={workers}", "library": library})
    return data


#: Which package version each measurement ran against (the package changes under the bench).
RUN_LOG: list[dict] = []


def spacy_run(path: str, *, timeout: float) -> dict:
    result = run([PY, str(BENCH / "baseline_spacy.py"), "--corpus", path], timeout=timeout)
    data = result.json()
    if data is None:
        tail = (result.stderr or "").strip().splitlines()[-3:]
        return {"failed": True, "timed_out": result.timed_out, "stderr": " | ".join(tail)}
    return data


def median_of(runs: list[dict], key: str) -> float | None:
    values = [r[key] for r in runs if not r.get("failed") and r.get(key) is not None]
    return statistics.median(values) if values else None


def summarise(size: float, runs: list[dict]) -> dict:
    """Median wall/CPU seconds of the runs of one size and the figures derived from them."""
    ok = [r for r in runs if not r.get("failed")]
    if not ok:
        return {"size_mb": size, "runs": runs, "failed": True}
    nbytes = ok[0]["bytes"]
    wall, cpu = median_of(ok, "total_s"), median_of(ok, "cpu_s")
    steps = {k: statistics.median(r["steps_s"][k] for r in ok) for k in ok[0]["steps_s"]}
    steps_cpu = {
        k: statistics.median(r["steps_cpu_s"][k] for r in ok) for k in ok[0]["steps_cpu_s"]
    }
    peak = max(r["maxrss_kib"] for r in ok) * 1024
    start = min(r["rss_start_kib"] for r in ok) * 1024
    imports = min(r["rss_after_imports_kib"] for r in ok) * 1024
    children = max(r.get("children_maxrss_kib", 0) for r in ok) * 1024
    return {
        "size_mb": size,
        "bytes": nbytes,
        "files": ok[0]["files"],
        "workers": ok[0]["workers"],
        "n_runs": len(ok),
        "wall_s": wall,
        "cpu_s": cpu,
        "mb_per_s": nbytes / MB / wall if wall else None,
        "mb_per_cpu_s": nbytes / MB / cpu if cpu else None,
        "all_wall_s": [round(r["total_s"], 3) for r in ok],
        "steps_s": steps,
        "steps_cpu_s": steps_cpu,
        "steps_rss_kib": ok[-1].get("steps_rss_kib", {}),
        "rss_after_imports_kib": ok[-1]["rss_after_imports_kib"],
        "imports_and_data_files_s": median_of(ok, "imports_and_data_files_s"),
        "peak_above_start_bytes": peak - start,
        "peak_above_imports_bytes": peak - imports,
        "memory_x_corpus": (peak - start) / nbytes,
        "memory_above_imports_x_corpus": (peak - imports) / nbytes,
        "children_peak_bytes": children,
        "rows": ok[-1]["rows"],
        "errors": ok[-1]["errors"],
    }


def loglog_slope(points: list[tuple[float, float]]) -> float | None:
    """Exponent b of time = a * size**b, least squares on logs (1.0 = linear)."""
    pts = [(math.log(s), math.log(t)) for s, t in points if s > 0 and t and t > 0]
    if len(pts) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / sxx if sxx else None


def bench_extraction(corpora: dict[float, dict], budget: Budget, *, reserve: float) -> dict:
    nproc = os.cpu_count() or 1
    results: dict = {"one_core": {}, "all_core": {}, "spacy": {}, "skipped": [], "nproc": nproc}
    per_mb_wall: float | None = None  # seconds per MB, from the largest size measured so far

    def project(size: float) -> float:
        return (per_mb_wall or 30.0) * size * 1.25 + 5

    for size in sorted(corpora):
        path = corpora[size]["path"]
        repeats = REPEATS_SMALL if size <= 1 else 1
        # spaCy first, so that the package and its baseline see the same machine load; at
        # sizes the package cannot reach in the budget only the 10 MB baseline is kept.
        package_fits = budget.fits(project(size), reserve=reserve)
        if size >= 1 and (package_fits or size == 10):
            spacy_runs = []
            for _ in range(repeats):
                if not budget.fits(size * 3 + 10, reserve=reserve):
                    break
                spacy_runs.append(spacy_run(path, timeout=max(60.0, budget.left() - reserve)))
            if spacy_runs:
                results["spacy"][size] = spacy_summary(size, spacy_runs)
                say(f"spaCy {size:g} MB: {results['spacy'][size].get('mb_per_s') or 0:.2f} MB/s")
        runs = []
        for index in range(repeats):
            projected = project(size)
            if not budget.fits(projected, reserve=reserve):
                if index == 0:
                    results["skipped"].append(
                        {"size_mb": size, "workers": 1, "projected_s": round(projected)}
                    )
                    say(f"skip {size:g} MB one-core: projected {projected:.0f} s > budget")
                break
            timeout = max(30.0, budget.left() - reserve)
            runs.append(extraction_run(path, 1, timeout=timeout))
            if runs[-1].get("failed"):
                break
        if runs:
            summary = summarise(size, runs)
            results["one_core"][size] = summary
            if not summary.get("failed"):
                per_mb_wall = summary["wall_s"] / size
                say(
                    f"extraction {size:g} MB one-core: {summary['wall_s']:.1f} s wall, "
                    f"{summary['mb_per_s']:.3f} MB/s"
                )
        # All cores: the pool is used only from PARALLEL_MIN_FILES files.
        if nproc > 1 and corpora[size]["files"] >= 64 and runs:
            bound = amdahl({size: results["one_core"][size]}, nproc)
            speedup = (bound or {}).get("max_speedup") or 1.0
            projected = project(size) / speedup
            one_core = results["one_core"][size]
            load_projected = one_core.get("steps_s", {}).get("load_corpus", 0) / nproc * 1.5 + 5
            timeout = max(30.0, budget.left() - reserve)
            if budget.fits(projected, reserve=reserve):
                results["all_core"][size] = summarise(
                    size, [extraction_run(path, nproc, timeout=timeout)]
                )
            elif not one_core.get("failed") and budget.fits(load_projected, reserve=reserve):
                # Too long to measure whole: time load_corpus with all cores and add the
                # one-core extractor times measured above (an upper bound on the time).
                load = extraction_run(path, nproc, timeout=timeout, load_only=True)
                results["all_core"][size] = composite(size, load, one_core)
            else:
                results["skipped"].append(
                    {"size_mb": size, "workers": nproc, "projected_s": round(projected)}
                )
    one = results["one_core"]
    points = [(s, r["wall_s"]) for s, r in one.items() if not r.get("failed")]
    results["loglog_slope_wall"] = loglog_slope(points)
    results["loglog_slope_cpu"] = loglog_slope(
        [(s, r["cpu_s"]) for s, r in one.items() if not r.get("failed")]
    )
    results["step_slopes"] = step_slopes(one)
    results["per_mb_wall_s"] = per_mb_wall
    results["all_core_projection"] = amdahl(one, nproc)
    return results


#: The corpus size of the result-cache runs, and the share of its files changed for the last.
CACHE_SIZE = 10.0
CACHE_CHANGED_EVERY = 100
CACHE_NEW_PARAGRAPH = "\n\nUlaanbaatar hosted talks between the two Koreas in 2031.\n"


def bench_cache(corpora: dict[float, dict], budget: Budget) -> dict:
    """The extraction with a result cache: empty (what keeping the results costs), full (an
    unchanged corpus again), and with one file in CACHE_CHANGED_EVERY changed (a day's news
    added to a long series), each in a fresh process, one core."""
    if CACHE_SIZE not in corpora or not budget.fits(60):
        return {"skipped": True}
    say(f"result cache ({CACHE_SIZE:g} MB: empty, full, 1 % of files changed)")
    source = Path(corpora[CACHE_SIZE]["path"])
    cache, changed = OUT / "cache", OUT / "cache-corpus"
    for folder in (cache, changed):
        shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(source, changed)
    files = sorted(p for p in changed.rglob("*") if p.is_file())
    for path in files[::CACHE_CHANGED_EVERY]:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(CACHE_NEW_PARAGRAPH)
    out = {
        "size_mb": CACHE_SIZE,
        "cold": summarise(CACHE_SIZE, [extraction_run(str(source), 1, timeout=300, cache=cache)]),
        "warm": summarise(CACHE_SIZE, [extraction_run(str(source), 1, timeout=300, cache=cache)]),
        "changed_files": len(files[::CACHE_CHANGED_EVERY]),
        "files": len(files),
    }
    out["changed"] = summarise(
        CACHE_SIZE, [extraction_run(str(changed), 1, timeout=300, cache=cache)]
    )
    out["cache_bytes"] = sum(p.stat().st_size for p in cache.rglob("*") if p.is_file())
    shutil.rmtree(changed, ignore_errors=True)
    return out


def report_cache(cache: dict, ex: dict) -> list[str]:
    if not cache or cache.get("skipped"):
        return []
    size = cache["size_mb"]
    plain = ex.get("one_core", {}).get(size) or ex.get("one_core", {}).get(str(size)) or {}
    base = plain.get("wall_s")
    lines = [
        "",
        "## 1b. Result cache (no target)",
        "",
        f"`python bench/extraction.py --corpus bench/out/corpus/{size:g}mb --workers 1 --cache "
        "bench/out/cache`: `load_corpus(path, cache=...)` and every table, as in section 1, "
        "with the result cache that builds keep in `reports/.cache` (each file's parse and "
        "each document's rows of mentions, events, figures and codings). Empty cache, then the "
        f"same corpus again, then a copy with one file in {CACHE_CHANGED_EVERY} changed "
        f"({cache['changed_files']} of {cache['files']}: a paragraph appended). One core, "
        "one run each.",
        "",
        "| run | wall s | CPU s | vs no cache (section 1) |",
        "|---|---|---|---|",
    ]
    labels = {
        "cold": "empty cache (results kept)",
        "warm": "unchanged corpus again",
        "changed": f"{cache['changed_files']} files changed",
    }
    for key, label in labels.items():
        run = cache.get(key) or {}
        if run.get("failed"):
            lines.append(f"| {label} | failed | — | — |")
            continue
        wall = run.get("wall_s")
        ratio = f"{wall / base:.2f}× the time" if base and wall else "—"
        lines.append(f"| {label} | {fmt(wall)} | {fmt(run.get('cpu_s'))} | {ratio} |")
    lines += [
        "",
        f"Cache on disk: {cache['cache_bytes'] / MB:,.0f} MB for {size:g} MB of documents. "
        "What a warm run still does: reading the entries, joining the tables, and the "
        "tables computed from the whole corpus (citations, co-occurrence, event clusters, "
        "code tables).",
        "",
    ]
    return lines


def step_slopes(one_core: dict) -> dict[str, float | None]:
    """Log-log slope of each step's CPU time over the sizes of at least 1 MB.

    Tiny corpora are left out: there fixed costs (the per-corpus gazetteer load) hide the
    growth. A slope well above 1 is a step whose cost grows faster than the corpus.
    """
    ok = {s: r for s, r in one_core.items() if not r.get("failed") and s >= 1}
    if len(ok) < 2:
        ok = {s: r for s, r in one_core.items() if not r.get("failed")}
    steps = next(iter(ok.values()))["steps_cpu_s"] if ok else {}
    return {
        step: loglog_slope([(s, r["steps_cpu_s"].get(step)) for s, r in ok.items()])
        for step in steps
    }


#: The steps that use the process pool on a large corpus: parsing, and the extractors that
#: Corpus computes a piece of documents at a time (the other tables stay in one process).
POOLED_STEPS = ("load_corpus", "mentions", "events", "figures", "codings")
#: Corpus's frames between a lazy table and its extractor (100 % of the step by construction).
PIECE_PLUMBING = ("_extracted", "_computed", "_in_pieces", "_extract", "<listcomp>")


def amdahl(one_core: dict, nproc: int) -> dict | None:
    """What all cores could give at most, from the one-core step times (labelled a projection).

    Only the :data:`POOLED_STEPS` run in the process pool; the other steps stay in one process.
    """
    ok = {s: r for s, r in one_core.items() if not r.get("failed")}
    if not ok or nproc < 2:
        return None
    size = max(ok)
    steps = ok[size]["steps_s"]
    total = sum(steps.values())
    parallel = sum(steps.get(step, 0.0) for step in POOLED_STEPS)
    best = total - parallel + parallel / nproc
    return {
        "size_mb": size,
        "parallel_share": parallel / total if total else 0.0,
        "max_speedup": total / best if best else None,
        "max_mb_per_s": ok[size]["bytes"] / MB / best if best else None,
    }


def composite(size: float, load: dict, one_core: dict) -> dict:
    """All-core figures from a measured all-core load_corpus + the one-core extractor times."""
    if load.get("failed"):
        return {"size_mb": size, "failed": True, "runs": [load]}
    steps = {**one_core["steps_s"], "load_corpus": load["steps_s"]["load_corpus"]}
    steps_cpu = {**one_core["steps_cpu_s"], "load_corpus": load["steps_cpu_s"]["load_corpus"]}
    wall, cpu = sum(steps.values()), sum(steps_cpu.values())
    nbytes = load["bytes"]
    return {
        **one_core,
        "composite": True,
        "workers": load["workers"],
        "n_runs": 1,
        "load_corpus_s": load["steps_s"]["load_corpus"],
        "load_corpus_one_core_s": one_core["steps_s"]["load_corpus"],
        "wall_s": wall,
        "cpu_s": cpu,
        "mb_per_s": nbytes / MB / wall,
        "mb_per_cpu_s": nbytes / MB / cpu,
        "all_wall_s": [round(wall, 3)],
        "steps_s": steps,
        "steps_cpu_s": steps_cpu,
        "children_peak_bytes": load.get("children_maxrss_kib", 0) * 1024,
        "load_peak_above_start_bytes": (load["maxrss_kib"] - load["rss_start_kib"]) * 1024,
    }


def spacy_summary(size: float, runs: list[dict]) -> dict:
    ok = [r for r in runs if not r.get("failed")]
    if not ok:
        return {"failed": True, "runs": runs}
    wall, cpu = median_of(ok, "total_s"), median_of(ok, "cpu_s")
    return {
        "size_mb": size,
        "bytes": ok[0]["bytes"],
        "n_runs": len(ok),
        "wall_s": wall,
        "cpu_s": cpu,
        "mb_per_s": ok[0]["bytes"] / MB / wall,
        "mb_per_cpu_s": ok[0]["bytes"] / MB / cpu,
        "setup_s": median_of(ok, "setup_s"),
        "entities": ok[0]["entities"],
        "sentences": ok[0]["sentences"],
        "patterns": ok[0]["patterns"],
        "spacy": ok[0]["spacy"],
    }


def bench_profile(corpora: dict[float, dict], extraction: dict, budget: Budget) -> dict:
    """cProfile the one-core run on 10 MB, or on the largest size that fits the budget."""
    per_mb = extraction.get("per_mb_wall_s") or 30.0
    candidates = [s for s in sorted(corpora, reverse=True) if s <= 10]
    for size in candidates:
        projected = per_mb * size * 1.6 + 10
        if budget.fits(projected):
            stats_path = OUT / f"profile_{size:g}mb.pstats"
            data = extraction_run(
                corpora[size]["path"], 1, timeout=max(30.0, budget.left()), profile=stats_path
            )
            if data.get("failed"):
                return {"size_mb": size, "failed": True, "detail": data}
            say(f"profiled {size:g} MB")
            return {"size_mb": size, **profile_tables(stats_path), "wall_s": data["total_s"]}
    return {"failed": True, "detail": "no size fits the remaining budget"}


def profile_tables(stats_path: Path, top: int = 10) -> dict:
    import pstats

    stats = pstats.Stats(str(stats_path))
    raw = stats.stats  # type: ignore[attr-defined]
    total = max(ct for (_, _, _, ct, _) in raw.values())  # (cc, nc, tt, ct, callers)

    def name(key: tuple) -> str:
        filename, line, func = key
        short = filename.replace(str(ROOT) + "/", "")
        if "site-packages/" in short:
            short = short.split("site-packages/", 1)[1]
        return f"{short}:{line}({func})" if line else func

    def wrapper(key: tuple) -> bool:
        """The benchmark's own frame and the lazy-property plumbing: 100 % by construction."""
        filename, _, func = key
        return (
            "bench/" in filename
            or func in ("<built-in method builtins.getattr>", "<built-in method builtins.exec>")
            or (filename.endswith("functools.py") and func == "__get__")
            or (filename.endswith("mongolia_analysis/corpus.py") and func in PIECE_PLUMBING)
        )

    def table(index: int) -> list[dict]:
        ranked = sorted(
            ((k, v) for k, v in raw.items() if not wrapper(k)),
            key=lambda kv: kv[1][index],
            reverse=True,
        )[:top]
        return [
            {
                "function": name(k),
                "calls": v[1],
                "tottime_s": v[2],
                "cumtime_s": v[3],
                "share": v[index] / total,
            }
            for k, v in ranked
        ]

    own = [(k, v) for k, v in raw.items() if "mongolia_analysis/" in k[0] and "bench/" not in k[0]]
    by_cum = sorted(own, key=lambda kv: kv[1][3], reverse=True)
    package = [
        {
            "function": name(k),
            "calls": v[1],
            "tottime_s": v[2],
            "cumtime_s": v[3],
            "share": v[3] / total,
        }
        for k, v in by_cum
        if not k[2].startswith("<") and k[2] not in ("extract",)
    ][: top * 2]
    (OUT / f"{stats_path.stem}.txt").write_text(_pstats_text(stats_path))
    return {
        "total_s": total,
        "top_cumulative": table(3),
        "top_self": table(2),
        "package_cumulative": package,
    }


def _pstats_text(stats_path: Path) -> str:
    import io
    import pstats

    buffer = io.StringIO()
    stats = pstats.Stats(str(stats_path), stream=buffer)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)
    return buffer.getvalue()


def bench_patterns(corpora: dict[float, dict], budget: Budget) -> dict:
    """Per-regex CPU time on the smallest corpus of at least 0.3 MB (bench/patterns.py)."""
    sizes = [s for s in sorted(corpora) if s >= 0.3] or sorted(corpora)
    if not sizes or not budget.fits(60):
        return {"failed": True, "detail": "skipped: no time left in the budget"}
    result = run(
        [PY, str(BENCH / "patterns.py"), "--corpus", corpora[sizes[0]]["path"]],
        timeout=max(30.0, budget.left()),
    )
    data = result.json()
    if data is None:
        return {"failed": True, "detail": (result.stderr or "")[-300:]}
    say("timed regexes one by one")
    return data


# -- 2.–4. builds ----------------------------------------------------------------------------
def floor_run() -> dict:
    """One run of the floor (a fresh process); ``failed`` with its stderr if it failed."""
    result = run([PY, str(BENCH / "build_floor.py"), "--out", str(OUT / "floor")], timeout=300)
    data = result.json()
    if data is None:
        return {"failed": True, "stderr": result.stderr[-500:]}
    return {**data, "process_wall_s": result.wall_s}


def summarise_floor(runs: list[dict]) -> dict:
    """The floor's median over ``runs`` (of :func:`floor_run`), or the first failure."""
    failed = next((r for r in runs if r.get("failed")), None)
    if failed is not None or not runs:
        return failed or {"failed": True, "stderr": "no run"}
    return {
        "n_runs": len(runs),
        "wall_s": statistics.median(r["process_wall_s"] for r in runs),
        "all_wall_s": [round(r["process_wall_s"], 3) for r in runs],
        "steps_s": {
            k: statistics.median(r["steps_s"][k] for r in runs) for k in runs[0]["steps_s"]
        },
    }


def build_cmd(*extra: str, name: str = "bench", force: bool = True) -> list[str]:
    cmd = [CLI, "build", *extra, "--name", name, "--reports", str(OUT / "reports")]
    return [*cmd, "--force"] if force else cmd


def profile_cached_build() -> dict:
    """The cached rebuild under cProfile: what a reused build still spends its time on."""
    stats_path = OUT / "cached_build.pstats"
    cmd = [PY, "-m", "cProfile", "-o", str(stats_path), "-m", "mongolia_analysis.cli"]
    result = run([*cmd, "build", "--name", "bench", "--reports", str(OUT / "reports")], timeout=120)
    if result.returncode != 0 or not stats_path.exists():
        return {"failed": True, "detail": result.stderr[-300:]}
    import pstats

    raw = pstats.Stats(str(stats_path)).stats  # type: ignore[attr-defined]
    total = max(v[3] for v in raw.values())

    def cumulative(predicate) -> float:
        return max((v[3] for k, v in raw.items() if predicate(k)), default=0.0)

    parts = {
        "imports (all)": cumulative(lambda k: k[2] == "_find_and_load"),
        "import pandas": cumulative(lambda k: k[0].endswith("pandas/__init__.py")),
        "load_gazetteer (parameter check)": cumulative(lambda k: k[2] == "load_gazetteer"),
        "yaml.safe_load": cumulative(lambda k: k[2] == "safe_load" and "yaml" in k[0]),
        "build_brief (cache key, reuse)": cumulative(lambda k: k[2] == "build_brief"),
    }
    reused = "reusing" in result.stderr or "reused" in result.stderr
    return {"total_s": total, "parts_s": parts, "reused": reused, "wall_s": result.wall_s}


def build_once(cmd: list[str], budget: Budget, name: str = "bench") -> dict:
    result = run(cmd, timeout=max(60.0, min(900.0, budget.left())))
    manifest = {}
    with contextlib.suppress(OSError, ValueError):
        manifest = json.loads((OUT / "reports" / name / "manifest.json").read_text())
    return {
        "command": " ".join(_display(c) for c in cmd),
        "returncode": result.returncode,
        "timed_out": result.timed_out,
        "wall_s": result.wall_s,
        # the whole previous result reused (a build that kept some parts writes a new
        # manifest, without reused_at, listing the parts in "reused")
        "reused": bool(manifest.get("reused_at")),
        "parts_reused": list(manifest.get("reused") or []),
        "shared_corpus": manifest.get("shared_corpus"),
        "manifest_timings": manifest.get("timings", {}),
        "stderr_tail": "\n".join(result.stderr.strip().splitlines()[-3:]),
    }


def _display(part: str) -> str:
    return part.replace(str(ROOT) + "/", "").replace(str(Path(PY).parent) + "/", ".venv/bin/")


def bench_builds(budget: Budget, *, measure_sequential: bool = False) -> dict:
    out: dict = {}
    out["help_has_flags"] = all(
        flag in run([CLI, "build", "--help"]).stdout for flag in ("--name", "--reports", "--force")
    )
    if not out["help_has_flags"]:
        out["not_ready"] = "mongolia-brief build lacks --name/--reports/--force"
        return out
    # the floor and the full build alternate, so that a slow spell of the shared machine
    # falls on both sides of a pair; the target is the median of the pairs' ratios
    say(f"build floor and full build (forced), alternately: {BUILD_REPEATS} pairs")
    floors, fulls = [], []
    for _ in range(BUILD_REPEATS):
        floors.append(floor_run())
        before = library_snapshot()
        fulls.append(build_once(build_cmd(), budget))
    out["floor"] = summarise_floor(floors)
    out["pair_ratios"] = [
        round(b["wall_s"] / f["process_wall_s"], 2)
        for f, b in zip(floors, fulls, strict=True)
        if not f.get("failed") and b["returncode"] == 0
    ]
    ok = [b for b in fulls if b["returncode"] == 0]
    median = statistics.median_low([b["wall_s"] for b in ok]) if ok else None
    out["full"] = next((b for b in ok if b["wall_s"] == median), fulls[-1])
    out["full"]["all_wall_s"] = [round(b["wall_s"], 2) for b in fulls]
    # 3. cached: the same command without --force; retried once when the library changed
    # underneath (other engineers edit the package while this runs).
    attempts = []
    for _ in range(2):
        snap = library_snapshot()
        attempt = build_once(build_cmd(force=False), budget)
        attempt["library_changed_since_previous_build"] = changed_files(before, snap)
        attempts.append(attempt)
        before = snap  # the next build's key is compared with this one's
        if attempt["reused"] or not attempt["library_changed_since_previous_build"]:
            break
    out["cached_attempts"] = attempts
    out["cached"] = attempts[-1]
    if attempts[-1]["reused"]:
        out["cached_profile"] = profile_cached_build()
    # a partial rebuild: an HTML-only build, then the default formats (the PDF added): only
    # the PDF is made, from the kept HTML
    say("partial rebuild (PDF added to an HTML build)")
    build_once(build_cmd("-p", "formats", "html", name="bench-partial"), budget, "bench-partial")
    out["partial"] = build_once(
        build_cmd(name="bench-partial", force=False), budget, "bench-partial"
    )
    # What the build repeats: every notebook (and the tables step) loads the seeds and
    # computes its tables in a fresh kernel; and the PDF step alone, profiled.
    say("seeds extraction (3 runs) and PDF diagnostic")
    seeds = [extraction_run(str(ROOT / "seeds"), 1, timeout=300) for _ in range(3)]
    out["seeds_extraction"] = summarise(0.0, seeds)
    html = OUT / "reports" / "bench" / "brief.html"
    if html.exists():
        result = run(
            [PY, str(BENCH / "pdf_render.py"), "--html", str(html), "--out", str(OUT / "pdf")],
            timeout=300,
        )
        out["pdf"] = result.json() or {"failed": True, "detail": result.stderr[-300:]}
    # 4. the sweep
    focus = ",".join(SWEEP_FOCUS)
    sweep_cmd = build_cmd("-p", "focus", focus, name="bench-sweep")
    say("sweep")
    sweep = build_once(sweep_cmd, budget, name="bench-sweep")
    sweep["supported"] = sweep["returncode"] == 0
    out["sweep"] = sweep
    if sweep["supported"]:
        sequential = []
        projected = (out["full"]["wall_s"] or 60) * len(SWEEP_FOCUS)
        if measure_sequential and budget.fits(projected * 1.2):
            for actor in SWEEP_FOCUS:
                cmd = build_cmd("-p", "focus", actor, name=f"bench-focus-{actor.lower()}")
                sequential.append(build_once(cmd, budget, name=f"bench-focus-{actor.lower()}"))
            out["sequential_s"] = sum(r["wall_s"] for r in sequential)
            out["sequential"] = sequential
        else:
            out["sequential_s"] = projected
            out["sequential_estimated"] = True
        out["sweep_speedup"] = out["sequential_s"] / sweep["wall_s"]
    return out


# -- report ----------------------------------------------------------------------------------
def fmt(value, digits: int = 2, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{digits}f}{unit}"
    return f"{value}{unit}"


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**missed**")


def write_report(results: dict) -> str:
    m, ex, bd = results["machine"], results["extraction"], results["builds"]
    lines = [
        "# Benchmark results",
        "",
        f"Generated by `make bench` (`.venv/bin/python bench/run.py`) on {results['finished']}"
        f" in {results['elapsed_s'] / 60:.1f} min (budget {results['budget_s'] / 60:.0f} min).",
        "Do not edit by hand: rerun `make bench`. Raw figures: `bench/out/results.json`;",
        "profile dumps: `bench/out/profile_*.txt`. A megabyte (MB) is 10^6 bytes of UTF-8 files.",
        "",
        "## Machine",
        "",
        f"- nproc {m['nproc']}, CPU `{m['cpu_model']}`, memory {m['memory_gib']} GiB, "
        f"{m['platform']}",
        f"- load average at start {', '.join(f'{x:.2f}' for x in m['loadavg_start'])}, at end "
        f"{', '.join(f'{x:.2f}' for x in results['loadavg_end'])} (the machine is shared: wall "
        "times are noisy, so CPU seconds are reported beside them and every target is a ratio "
        "to a baseline from the same run, or a median)",
        "- versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()),
        f"- code: git HEAD `{m['git_head']}` + {m['uncommitted_library_files']} uncommitted "
        f"package/notebook files; package+notebooks sha256 `{m['library_sha256']}`",
        "",
    ]
    changed = results.get("library_changed_during_run") or []
    if changed:
        versions = sorted({r["library"] for r in results.get("run_log", [])})
        lines += [
            "> **The package changed while this ran** (other engineers were editing: "
            f"{', '.join(changed)}). Extraction runs used {len(versions)} package version(s) "
            f"({', '.join(versions)}; `run_log` in results.json says which run used which), so "
            "figures from different versions are not comparable. Rerun `make bench` when the "
            "code is still.",
            "",
        ]
    lines += report_targets(results)
    lines += report_extraction(results["corpora"], ex, results.get("profile", {}))
    lines += report_patterns(results.get("patterns", {}))
    lines += report_cache(results.get("cache", {}), ex)
    lines += report_builds(bd)
    notes = BENCH / "NOTES.md"
    if notes.exists():
        lines += ["", notes.read_text(encoding="utf-8").rstrip(), ""]
    return "\n".join(lines) + "\n"


def _largest(table: dict) -> tuple[float | None, dict | None]:
    ok = {s: r for s, r in table.items() if not r.get("failed")}
    if not ok:
        return None, None
    size = max(ok)
    return size, ok[size]


def report_targets(results: dict) -> list[str]:
    ex, bd = results["extraction"], results["builds"]
    size, one = _largest(ex["one_core"])
    _, allc = _largest(ex["all_core"])
    spacy = ex["spacy"].get(size) if size is not None else None
    rows = [
        "## Targets",
        "",
        "| figure | measured | baseline / reference | target | verdict |",
        "|---|---|---|---|---|",
    ]
    if one and spacy:
        ratio = one["mb_per_s"] / spacy["mb_per_s"]
        ratio_cpu = one["mb_per_cpu_s"] / spacy["mb_per_cpu_s"]
        rows.append(
            f"| extraction throughput vs spaCy ({size:g} MB, one core) | "
            f"{ratio:.3f}× (CPU: {ratio_cpu:.3f}×) | spaCy blank en + EntityRuler + sentencizer "
            f"{spacy['mb_per_s']:.2f} MB/s | ≥ 20× | {verdict(ratio >= 20)}"
            f" (short by {20 / ratio:,.0f}×) |"
            if ratio < 20
            else f"| extraction throughput vs spaCy ({size:g} MB) | {ratio:.1f}× | "
            f"{spacy['mb_per_s']:.2f} MB/s | ≥ 20× | met |"
        )
    if one:
        mbps = one["mb_per_s"]
        rows.append(
            f"| extraction MB/s, one core ({size:g} MB) | {mbps:.3f} MB/s (CPU: "
            f"{one['mb_per_cpu_s']:.3f}) | — | ≥ 20 MB/s | {verdict(mbps >= 20)}"
            + (f" (short by {20 / mbps:,.0f}×) |" if mbps < 20 else " |")
        )
        mem = one["memory_x_corpus"]
        rows.append(
            f"| peak memory above interpreter start ({size:g} MB) | "
            f"{one['peak_above_start_bytes'] / MB:,.0f} MB = {mem:.1f}× corpus "
            f"(above imports: {one['memory_above_imports_x_corpus']:.1f}×) | corpus "
            f"{one['bytes'] / MB:.1f} MB | ≤ 4× | {verdict(mem <= 4)} |"
        )
    if allc:
        how = "; load_corpus measured, extractors from the one-core run"
        rows.append(
            f"| extraction MB/s, all {ex['nproc']} cores ({allc['size_mb']:g} MB"
            f"{how if allc.get('composite') else ''}) | "
            f"{allc['mb_per_s']:.3f} MB/s | one core "
            f"{ex['one_core'][allc['size_mb']]['mb_per_s']:.3f} MB/s | ≥ 20 MB/s | "
            f"{verdict(allc['mb_per_s'] >= 20)} |"
        )
    slope = ex.get("loglog_slope_cpu")
    if slope is not None:
        sizes = ", ".join(
            f"{s:g}" for s, r in sorted(ex["one_core"].items()) if not r.get("failed")
        )
        slopes = {k: v for k, v in ex.get("step_slopes", {}).items() if v is not None}
        worst = max(slopes.items(), key=lambda kv: kv[1], default=None)
        rows.append(
            f"| linearity: log-log slope of CPU time vs size ({sizes} MB) | {slope:.2f} (wall: "
            f"{fmt(ex.get('loglog_slope_wall'))}"
            + (f"; steepest step: {worst[0]} {worst[1]:.2f}" if worst else "")
            + f") | 1.00 = linear | ≤ 1.10 | {verdict(slope <= 1.10)} |"
        )
    floor = bd.get("floor", {})
    full = bd.get("full")
    pairs = bd.get("pair_ratios")
    if full and floor.get("wall_s") and full["returncode"] == 0:
        ratio = statistics.median(pairs) if pairs else full["wall_s"] / floor["wall_s"]
        how = f"median of {len(pairs)} pairs {pairs}" if pairs else "medians' ratio"
        rows.append(
            f"| full default build on the seeds | {full['wall_s']:.1f} s; {ratio:.1f}× floor "
            f"({how}) | floor {floor['wall_s']:.1f} s | ≤ 2× | {verdict(ratio <= 2)} |"
        )
    elif bd.get("not_ready") or (full and full["returncode"] != 0):
        rows.append(
            "| full default build | not measured (build failed or not ready) | | ≤ 2× | — |"
        )
    cached = bd.get("cached")
    if cached and cached["returncode"] == 0:
        rows.append(
            f"| cached identical rebuild | {cached['wall_s']:.2f} s "
            f"({'reused' if cached['reused'] else 'NOT reused: rebuilt'}) | full build "
            f"{full['wall_s']:.1f} s | < 1 s | {verdict(cached['wall_s'] < 1)} |"
        )
    partial = bd.get("partial")
    if partial and partial["returncode"] == 0 and full:
        rows.append(
            f"| rebuild after a change: PDF added to an HTML build | {partial['wall_s']:.2f} s "
            f"(reused: {', '.join(partial['parts_reused']) or 'nothing'}) | full build "
            f"{full['wall_s']:.1f} s | rebuilds what depends on the change | "
            f"{verdict(set(partial['manifest_timings']) == {'brief.pdf', 'total'})} |"
        )
    sweep = bd.get("sweep")
    if sweep:
        if sweep["supported"]:
            rows.append(
                f"| sweep of {len(SWEEP_FOCUS)} focus values | {bd['sweep_speedup']:.2f}× "
                f"({sweep['wall_s']:.1f} s) | sequential {bd['sequential_s']:.1f} s"
                f"{' (estimated)' if bd.get('sequential_estimated') else ''} | ≥ 1.6× | "
                f"{verdict(bd['sweep_speedup'] >= 1.6)} |"
            )
        else:
            rows.append(
                f"| sweep `-p focus {','.join(SWEEP_FOCUS)}` | unsupported (exit "
                f"{sweep['returncode']}) | | ≥ 1.6× | not measurable |"
            )
    return [*rows, ""]


def report_extraction(corpora: dict, ex: dict, prof: dict) -> list[str]:
    lines = [
        "## 1. Extraction throughput",
        "",
        "Corpora: `python bench/corpus_gen.py --megabytes N --seed S --out "
        "bench/out/corpus/<N>mb` (seeded; paragraphs of all seeds shuffled and recombined, "
        "country/person names swapped, years shifted, figures scaled, ticker items re-ranked "
        "and re-dated):",
        "",
        "| size | seed | files | bytes | generated in |",
        "|---|---|---|---|---|",
    ]
    for size, c in sorted(corpora.items()):
        made = "reused (same seed and generator)" if c.get("reused") else f"{c['seconds']:.1f} s"
        lines.append(f"| {size:g} MB | {c['seed']} | {c['files']:,} | {c['bytes']:,} | {made} |")
    lines += [
        "",
        "Measured: `python bench/extraction.py --corpus bench/out/corpus/<N>mb --workers W` in a "
        "fresh process: `load_corpus(path, workers=W)` then every lazy table (mentions, "
        "cooccurrence, events, event_clusters, figures, citations, codings, code_matrix, "
        "code_cooccurrence). Imports and the gazetteer/codebook load are a fixed cost, timed "
        "apart and not counted in MB/s. Median of the runs shown.",
        "",
        "| size | workers | runs (wall s) | wall s | CPU s | MB/s (wall) | MB/s (CPU) | "
        "s per MB | peak RSS above start | × corpus | above imports × corpus |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, table in (("one_core", ex["one_core"]), ("all_core", ex["all_core"])):
        for size, r in sorted(table.items()):
            if r.get("failed"):
                lines.append(f"| {size:g} MB | {label} | failed: {r.get('runs')} |")
                continue
            if r.get("composite"):
                lines.append(
                    f"| {size:g} MB | {r['workers']}: load_corpus measured "
                    f"({r['load_corpus_s']:.1f} s vs {r['load_corpus_one_core_s']:.1f} s on one "
                    f"core) + the one-core extractor times | — | {r['wall_s']:.2f} | "
                    f"{r['cpu_s']:.2f} | {r['mb_per_s']:.3f} | {r['mb_per_cpu_s']:.3f} | "
                    f"{r['wall_s'] / (r['bytes'] / MB):.1f} | loading: "
                    f"{r['load_peak_above_start_bytes'] / MB:,.0f} MB + largest worker "
                    f"{r['children_peak_bytes'] / MB:,.0f} MB | — | — |"
                )
                continue
            lines.append(
                f"| {size:g} MB | {r['workers']} | {', '.join(map(str, r['all_wall_s']))} | "
                f"{r['wall_s']:.2f} | {r['cpu_s']:.2f} | {r['mb_per_s']:.3f} | "
                f"{r['mb_per_cpu_s']:.3f} | {r['wall_s'] / (r['bytes'] / MB):.1f} | "
                f"{r['peak_above_start_bytes'] / MB:,.0f} MB | {r['memory_x_corpus']:.1f} | "
                f"{r['memory_above_imports_x_corpus']:.1f} |"
            )
    for skip in ex["skipped"]:
        lines.append(
            f"| {skip['size_mb']:g} MB | {skip['workers']} | **not measured**: projected "
            f"{skip['projected_s']:,} s at the measured s/MB does not fit the time budget | | | | "
            "| | | | |"
        )
    if ex.get("loglog_slope_wall") is not None:
        lines += [
            "",
            f"Linearity: time ∝ size^b with b = {ex['loglog_slope_wall']:.2f} (wall), "
            f"{fmt(ex.get('loglog_slope_cpu'))} (CPU), least squares over the one-core sizes.",
        ]
    all_core_note = (
        "All cores: `load_corpus(workers=N)` parses the files in a process pool (from 64 "
        "files, PARALLEL_MIN_FILES), and mentions, events, figures and codings are computed "
        "a piece of documents at a time in the pool (from 1 M characters of analysed text, "
        "PARALLEL_MIN_CHARS); citations, clusters, co-occurrence and the code tables stay in "
        "one process. Corpora under 64 files (≤ 1 MB here) have no all-core figure."
    )
    lines += ["", all_core_note]
    proj = ex.get("all_core_projection")
    if proj:
        lines += [
            "",
            f"Projection (not a measurement), from the one-core step times at "
            f"{proj['size_mb']:g} MB: the steps that use the pool ({', '.join(POOLED_STEPS)}) "
            f"are {proj['parallel_share']:.0%} of the time, so {ex['nproc']} cores can give at "
            f"most {fmt(proj['max_speedup'])}× ({fmt(proj['max_mb_per_s'], 3)} MB/s).",
        ]
    lines.append("")
    size, one = _largest(ex["one_core"])
    if one:
        total = sum(one["steps_s"].values())
        lines += [
            f"Per step ({size:g} MB, one core): share of the wall time; growth = log-log slope "
            "of the step's CPU time over the sizes ≥ 1 MB (1 = linear, 2 = quadratic); memory "
            "= resident set after the step and the rise of the peak during it, in MB above the "
            "RSS after the imports.",
            "",
            "| step | wall s | CPU s | share | growth | RSS after | peak rise | rows |",
            "|---|---|---|---|---|---|---|---|",
        ]
        base = one.get("rss_after_imports_kib", 0)
        rise, previous_peak = {}, base  # the peak's rise per step, in execution order
        for step, (_, peak) in one.get("steps_rss_kib", {}).items():
            rise[step], previous_peak = max(0, peak - previous_peak), max(peak, previous_peak)
        slopes = ex.get("step_slopes", {})
        for step, seconds in sorted(one["steps_s"].items(), key=lambda kv: -kv[1]):
            rows = one["rows"].get(step, "")
            if step == "load_corpus":
                rows = f"{one['rows']['documents']} documents, {one['rows']['sentences']} sentences"
            err = f" — error: {one['errors'][step]}" if step in one["errors"] else ""
            rss_after, _ = one.get("steps_rss_kib", {}).get(step, (None, None))
            memory = "— | —"
            if rss_after is not None:
                memory = f"{(rss_after - base) * 1024 / MB:,.0f} | {rise[step] * 1024 / MB:,.0f}"
            lines.append(
                f"| {step} | {seconds:.2f} | {one['steps_cpu_s'].get(step, 0):.2f} | "
                f"{seconds / total:.1%} | {fmt(slopes.get(step))} | {memory} | {rows}{err} |"
            )
        lines.append("")
    lines += ["### Baseline: spaCy", ""]
    lines += [
        "`python bench/baseline_spacy.py --corpus bench/out/corpus/<N>mb`: `spacy.blank('en')` "
        "+ `sentencizer` + `entity_ruler` (phrase patterns: every alias in "
        "`load_gazetteer().aliases`, label = entity type, `phrase_matcher_attr='LOWER'`), "
        "`nlp.pipe(texts, batch_size=64)` over the same files, one process; every doc's "
        "entities and sentences iterated. Pipeline set-up timed apart.",
        "",
        "| size | runs | wall s | CPU s | MB/s (wall) | MB/s (CPU) | entities | sentences | "
        "package ÷ spaCy (wall) | package ÷ spaCy (CPU) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for size, s in sorted(ex["spacy"].items()):
        if s.get("failed"):
            lines.append(f"| {size:g} MB | failed | | | | | | | | |")
            continue
        one_s = ex["one_core"].get(size)
        ratio = ratio_cpu = "not measured"
        if one_s and not one_s.get("failed"):
            ratio = f"{one_s['mb_per_s'] / s['mb_per_s']:.3f}×"
            ratio_cpu = f"{one_s['mb_per_cpu_s'] / s['mb_per_cpu_s']:.3f}×"
        lines.append(
            f"| {size:g} MB | {s['n_runs']} | {s['wall_s']:.2f} | {s['cpu_s']:.2f} | "
            f"{s['mb_per_s']:.2f} | {s['mb_per_cpu_s']:.2f} | {s['entities']:,} | "
            f"{s['sentences']:,} | {ratio} | {ratio_cpu} |"
        )
    lines += ["", *report_profile(prof)]
    return lines


def report_profile(prof: dict) -> list[str]:
    if not prof or prof.get("failed"):
        return ["### Profile", "", f"Not profiled: {prof.get('detail', 'skipped')}", ""]
    size = prof["size_mb"]
    head = [
        f"### Profile (cProfile, one core, {size:g} MB)",
        "",
        f"`python bench/extraction.py --corpus bench/out/corpus/{size:g}mb --workers 1 --profile "
        f"bench/out/profile_{size:g}mb.pstats` (timed part only; {prof['total_s']:.1f} s under "
        "the profiler). Share = time / total profiled time. The benchmark's own frame and the "
        "lazy-property plumbing (`getattr`, `functools.cached_property.__get__`, "
        "`Corpus._extracted`, `_computed`, `_in_pieces`, `_extract`) are left out."
        + (
            ""
            if size >= 10
            else " The 10 MB run did not fit the time budget at the current speed, so the "
            "profile is of a smaller corpus; time is linear in size, so the shares carry over."
        ),
        "",
    ]

    def table(rows: list[dict], key: str) -> list[str]:
        out = ["| function | calls | self s | cumulative s | share |", "|---|---|---|---|---|"]
        out += [
            f"| `{r['function']}` | {r['calls']:,} | {r['tottime_s']:.2f} | "
            f"{r['cumtime_s']:.2f} | {r['share']:.1%} |"
            for r in rows
        ]
        return out

    return [
        *head,
        "Top 10 by cumulative time:",
        "",
        *table(prof["top_cumulative"], "cumtime_s"),
        "",
        "Top 10 by own (self) time:",
        "",
        *table(prof["top_self"], "tottime_s"),
        "",
        "Package functions by cumulative time (the owners' view):",
        "",
        *table(prof["package_cumulative"], "cumtime_s"),
        "",
    ]


def report_patterns(pat: dict) -> list[str]:
    lines = ["### Regexes one by one", ""]
    if not pat or pat.get("failed"):
        return [*lines, f"Not measured: {pat.get('detail', 'skipped')}", ""]
    lines += [
        f"`python bench/patterns.py --corpus {pat['corpus']}` ({pat['bytes'] / MB:.1f} MB): "
        "each pattern applied alone to every text, CPU seconds: its raw cost, since cProfile "
        "cannot split time inside `re` by pattern (the package may skip a pattern on a text "
        "with its prefilter gate, so its own cost can be lower).",
        "",
        "| group | patterns | texts | CPU s | CPU s per MB | costliest patterns (share of group) |",
        "|---|---|---|---|---|---|",
    ]
    for label, g in pat["groups"].items():
        if "unavailable" in g:
            lines.append(f"| {label} | unavailable: {g['unavailable']} | | | | |")
            continue
        top = "; ".join(
            f"`{r['pattern']}` `{r['regex'][:60].replace('|', '&#124;')}` {r['share_of_group']:.0%}"
            for r in g["top"][:3]
        )
        lines.append(
            f"| {label} | {g['n_patterns']} | {g['n_texts']:,} | {g['cpu_s']:.2f} | "
            f"{g['cpu_s_per_mb']:.2f} | {top} |"
        )
    return [*lines, ""]


def build_breakdown(bd: dict) -> list[str]:
    """Where the full build's time goes: notebooks, repeated corpus work, the PDF."""
    full, floor = bd.get("full") or {}, bd.get("floor") or {}
    timings = full.get("manifest_timings") or {}
    if not timings or full.get("returncode") != 0:
        return []
    notebooks = {k: v for k, v in timings.items() if k.endswith(".ipynb")}
    lines = ["Where the full build's time goes:", ""]
    if notebooks:
        lines.append(
            f"- {len(notebooks)} notebooks, {sum(notebooks.values()):.1f} s of kernel time in "
            f"all (each {min(notebooks.values()):.1f}–{max(notebooks.values()):.1f} s, two at a "
            f"time), against {floor.get('steps_s', {}).get('papermill_one_cell', 0):.1f} s for "
            "the trivial notebook."
        )
    seeds = bd.get("seeds_extraction") or {}
    if seeds and not seeds.get("failed"):
        once = seeds["wall_s"] + (seeds["imports_and_data_files_s"] or 0)
        line = (
            f"- Loading the seeds with every table in a fresh process (`python "
            f"bench/extraction.py --corpus seeds --workers 1`) takes {seeds['wall_s']:.1f} s "
            f"wall ({seeds['cpu_s']:.1f} s CPU, median of {seeds['n_runs']}) plus "
            f"{fmt(seeds['imports_and_data_files_s'], 1)} s of imports and data files."
        )
        if full.get("shared_corpus"):
            line += (
                " The build loads it once and shares it with the kernels (manifest: "
                f"shared_corpus = true; its corpus step took {fmt(timings.get('corpus'), 1)} s)."
            )
        else:
            n_loads = len(notebooks) + 1
            line += (
                f" The build does not share the loaded corpus (manifest: shared_corpus = "
                f"{full.get('shared_corpus')}): if every notebook and the tables step load it "
                f"again, that is about {n_loads} × {once:.1f} ≈ {n_loads * once:.0f} s of work."
            )
        lines.append(line)
    pdf = bd.get("pdf") or {}
    if "brief.pdf" in timings:
        line = (
            f"- brief.pdf: {timings['brief.pdf']:.1f} s in the build (the floor's trivial PDF: "
            f"{floor.get('steps_s', {}).get('weasyprint_pdf', 0):.2f} s)."
        )
        if pdf and not pdf.get("failed"):
            phases = pdf.get("phases_s", {})
            shown = ", ".join(
                f"{name} {sec:.1f} s" for name, sec in sorted(phases.items(), key=lambda kv: -kv[1])
            )
            line += (
                f" Rendered alone under cProfile (`python bench/pdf_render.py --html "
                f"bench/out/reports/bench/brief.html --out bench/out/pdf`): "
                f"{pdf['render_s_profiled']:.1f} s for {pdf['html_bytes'] / MB:.1f} MB of HTML, "
                f"{pdf['tables']} tables, {pdf['images']} images; phases (cumulative, nested): "
                f"{shown}."
            )
        lines.append(line)
    return [*lines, ""]


def report_builds(bd: dict) -> list[str]:
    lines = ["## 2.–4. Build, cached rebuild, sweep", ""]
    if not bd:
        return [*lines, "Not run (`--skip-builds`).", ""]
    if bd.get("not_ready"):
        return [*lines, f"Not measured: {bd['not_ready']}.", ""]
    floor = bd["floor"]
    if floor.get("failed"):
        lines.append(f"Floor failed: {floor.get('stderr')}")
    else:
        steps = ", ".join(f"{k} {v:.2f} s" for k, v in floor["steps_s"].items())
        lines += [
            f"Floor: `python bench/build_floor.py --out bench/out/floor` (fresh process, imports "
            f"included): median {floor['wall_s']:.2f} s of {floor['all_wall_s']} "
            f"(steps: {steps}).",
            "",
        ]
    for key, label in (
        ("full", "Full build"),
        ("cached", "Cached rebuild"),
        ("partial", "Partial rebuild (after an HTML-only build, the default formats)"),
    ):
        b = bd.get(key)
        if not b:
            continue
        timings = ", ".join(f"{k} {v}" for k, v in b["manifest_timings"].items())
        lines += [
            f"{label}: `{b['command']}`: exit {b['returncode']}, {b['wall_s']:.2f} s wall"
            + (f" (median of {b['all_wall_s']})" if len(b.get("all_wall_s", [])) > 1 else "")
            + f"{', reused the previous result' if b['reused'] else ''}."
            + (f" Build's own timings (s): {timings}." if timings and not b["reused"] else "")
            + (
                f" Kept from the previous build: {', '.join(b['parts_reused'])}."
                if b.get("parts_reused") and not b["reused"]
                else ""
            ),
            "",
        ]
        if b["returncode"] != 0:
            lines += ["```", b["stderr_tail"], "```", ""]
    lines += build_breakdown(bd)
    attempts = bd.get("cached_attempts", [])
    if attempts and not attempts[-1]["reused"]:
        changed = attempts[-1]["library_changed_since_previous_build"]
        lines += [
            "The identical rebuild was NOT served from the cache. "
            + (
                f"The package or notebooks changed between the builds ({', '.join(changed)}: "
                "other engineers were editing), which rightly changes the cache key."
                if changed
                else "Nothing in the package or notebooks changed between the builds, so the "
                "cache key is not stable (or there is no cache)."
            ),
            "",
        ]
    elif len(attempts) > 1:
        lines += [
            "The first identical rebuild missed the cache because the package changed under "
            f"it ({', '.join(attempts[0]['library_changed_since_previous_build'])}); the "
            "second one, figure above, hit it.",
            "",
        ]
    prof = bd.get("cached_profile") or {}
    if prof and not prof.get("failed") and prof.get("reused"):
        parts = ", ".join(f"{k} {v:.2f} s" for k, v in prof["parts_s"].items())
        lines += [
            f"The cached rebuild under cProfile (`python -m cProfile -m mongolia_analysis.cli "
            f"build --name bench --reports bench/out/reports`): {prof['total_s']:.2f} s in all "
            f"(cumulative, nested): {parts}.",
            "",
        ]
    sweep = bd.get("sweep")
    if sweep:
        if sweep["supported"]:
            how = (
                f" (estimated: {len(SWEEP_FOCUS)} × the forced full build of this run; "
                "`--measure-sequential` runs the six builds instead)"
                if bd.get("sequential_estimated")
                else " (six forced builds, one per focus)"
            )
            lines += [
                f"Sweep: `{sweep['command']}`: {sweep['wall_s']:.1f} s; sequential "
                f"{bd['sequential_s']:.1f} s{how}; speed-up {bd['sweep_speedup']:.2f}×.",
                "",
            ]
        else:
            lines += [
                f"Sweep: `{sweep['command']}` is not supported (exit {sweep['returncode']}):",
                "",
                "```",
                sweep["stderr_tail"],
                "```",
                "",
            ]
    return lines


def load_results(path: Path) -> dict:
    """results.json back into the in-memory shape (JSON turned the float size keys to text)."""
    results = json.loads(path.read_text())

    def floats(table: dict) -> dict:
        return {float(k): v for k, v in table.items()}

    results["corpora"] = floats(results["corpora"])
    ex = results["extraction"]
    for key in ("one_core", "all_core", "spacy"):
        ex[key] = floats(ex[key])
    return results


# -- main ------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--budget", type=float, default=float(os.environ.get("BENCH_BUDGET_S", 1110))
    )
    parser.add_argument("--sizes", default=",".join(f"{s:g}" for s in DEFAULT_SIZES))
    parser.add_argument("--skip-builds", action="store_true")
    parser.add_argument(
        "--measure-sequential",
        action="store_true",
        help="time six sequential builds for the sweep baseline (default: 6 × one build)",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="rewrite RESULTS.md from bench/out/results.json (e.g. after editing NOTES.md)",
    )
    args = parser.parse_args(argv)
    if args.report_only:
        results = load_results(OUT / "results.json")
        (BENCH / "RESULTS.md").write_text(write_report(results), encoding="utf-8")
        return 0
    sizes = [float(s) for s in args.sizes.split(",")]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"sizes must be among {', '.join(f'{s:g}' for s in SIZES)}")
    budget = Budget(args.budget)
    OUT.mkdir(parents=True, exist_ok=True)
    start_snapshot = library_snapshot()
    results: dict = {"budget_s": args.budget, "machine": machine()}
    say(f"machine: {results['machine']['nproc']} cores, {results['machine']['cpu_model']}")
    results["corpora"] = generate_corpora(sizes)
    results["builds"] = (
        {} if args.skip_builds else bench_builds(budget, measure_sequential=args.measure_sequential)
    )
    # keep ~8 % of what is left (at least 75 s) for the profile and the regex timings
    reserve = max(75.0, 0.08 * budget.left())
    results["extraction"] = bench_extraction(results["corpora"], budget, reserve=reserve)
    results["profile"] = bench_profile(results["corpora"], results["extraction"], budget)
    results["patterns"] = bench_patterns(results["corpora"], budget)
    results["cache"] = bench_cache(results["corpora"], budget)
    results["loadavg_end"] = os.getloadavg()
    end = library_snapshot()
    results["library_changed_during_run"] = changed_files(start_snapshot, end)
    results["run_log"] = RUN_LOG
    results["elapsed_s"] = time.perf_counter() - budget.started
    results["finished"] = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    (OUT / "results.json").write_text(json.dumps(results, indent=2, default=str))
    (BENCH / "RESULTS.md").write_text(write_report(results), encoding="utf-8")
    say(f"wrote {BENCH / 'RESULTS.md'} in {results['elapsed_s'] / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
