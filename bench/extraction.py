"""One extraction measurement, run in a fresh process (so memory and lazy caches start clean).

Imports the package and reads its data files (gazetteer, codebook: a fixed cost, timed apart),
then loads a corpus with ``load_corpus(path, workers=N)`` and touches every extraction table
of :class:`~mongolia_analysis.Corpus` in dependency order, timing each step (wall and CPU
seconds, the CPU of the parsing pool's workers included). Prints one JSON object: seconds per
step, totals, corpus bytes, row counts, and memory: resident set size when the interpreter
started (before any import), after the imports, and the peak (``resource.getrusage``
``ru_maxrss``; the pool workers' peak separately); after each step the resident set size and
its high-water mark (``VmRSS``, ``VmHWM``), to see which step holds the memory.
``--profile`` runs the timed part under cProfile and writes the pstats file; ``--cache DIR``
gives load_corpus a result cache.

    python bench/extraction.py --corpus bench/out/corpus/10mb --workers 1 [--profile FILE]
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path


def rss_kib(field: str = "VmRSS") -> int:
    """Resident set size in KiB from /proc/self/status: ``VmRSS`` now, ``VmHWM`` the peak."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    return 0


RSS_AT_START = rss_kib()  # before anything is imported: "the interpreter's start"

import argparse  # noqa: E402
import json  # noqa: E402

#: Every lazy extraction table of Corpus, in an order that respects their dependencies.
TABLES = (
    "mentions",
    "cooccurrence",
    "events",
    "event_clusters",
    "figures",
    "citations",
    "codings",
    "code_matrix",
    "code_cooccurrence",
)


def corpus_bytes(path: Path) -> int:
    """Bytes of the document files under ``path`` (what load_corpus reads)."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def prepare() -> tuple[float, int]:
    """Import the package and read its data files (a fixed cost, timed apart)."""
    began = time.perf_counter()
    import mongolia_analysis  # noqa: F401
    from mongolia_analysis.gazetteer import load_gazetteer
    from mongolia_analysis.themes import load_codebook

    load_gazetteer(None)
    load_codebook(None)
    for module in ("mentions", "network", "events", "figures", "citations", "themes"):
        __import__(f"mongolia_analysis.{module}")
    return time.perf_counter() - began, rss_kib()


def cpu_s() -> float:
    """CPU seconds of this process and its reaped children (the parsing pool's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def extract(path: Path, workers: int, load_only: bool = False, cache: Path | None = None) -> dict:
    """Time load_corpus and each table (wall and CPU seconds); ``cache``: the result cache
    folder given to load_corpus."""
    import mongolia_analysis

    wall: dict[str, float] = {}
    cpu: dict[str, float] = {}
    rss: dict[str, tuple[int, int]] = {}  # step -> (RSS after it, peak RSS so far), KiB
    rows: dict[str, int] = {}
    errors: dict[str, str] = {}
    w0, c0 = time.perf_counter(), cpu_s()
    corpus = mongolia_analysis.load_corpus(path, workers=workers, cache=cache)
    wall["load_corpus"], cpu["load_corpus"] = time.perf_counter() - w0, cpu_s() - c0
    rss["load_corpus"] = (rss_kib(), rss_kib("VmHWM"))
    rows["documents"] = len(corpus.documents)
    rows["sentences"] = len(corpus.sentences)
    for name in () if load_only else TABLES:
        w0, c0 = time.perf_counter(), cpu_s()
        try:
            rows[name] = len(getattr(corpus, name))
        except Exception as exc:  # an unfinished extractor must not hide the others' figures
            errors[name] = f"{type(exc).__name__}: {exc}"[:300]
        wall[name], cpu[name] = time.perf_counter() - w0, cpu_s() - c0
        rss[name] = (rss_kib(), rss_kib("VmHWM"))
    return {
        "steps_s": wall,
        "steps_cpu_s": cpu,
        "steps_rss_kib": rss,
        "total_s": sum(wall.values()),
        "cpu_s": sum(cpu.values()),
        "rows": rows,
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="time load_corpus and every extractor")
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--profile", type=Path, help="write cProfile stats (pstats) here")
    parser.add_argument(
        "--load-only", action="store_true", help="time load_corpus only, no extraction table"
    )
    parser.add_argument("--cache", type=Path, help="result cache folder for load_corpus")
    args = parser.parse_args(argv)
    setup_s, rss_after_imports = prepare()
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        result = profiler.runcall(extract, args.corpus, args.workers, args.load_only, args.cache)
        profiler.dump_stats(str(args.profile))
    else:
        result = extract(args.corpus, args.workers, args.load_only, args.cache)
    result.update(
        corpus=str(args.corpus),
        bytes=corpus_bytes(args.corpus),
        files=sum(1 for p in args.corpus.rglob("*") if p.is_file()),
        workers=args.workers,
        load_only=args.load_only,
        cache=str(args.cache) if args.cache else None,
        profiled=bool(args.profile),
        imports_and_data_files_s=setup_s,
        rss_start_kib=RSS_AT_START,
        rss_after_imports_kib=rss_after_imports,
        maxrss_kib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        children_maxrss_kib=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    json.dump(result, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
