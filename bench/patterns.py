"""Which regular expressions cost the time: a diagnostic run in a fresh process.

The profile shows that most extraction time is spent inside ``re`` (``Pattern.search`` in
the segmenter, ``finditer`` loops in the date and event finders), which cProfile cannot split
by pattern. This times each pattern alone, the way the package applies it, over the texts of
a small generated corpus:

- ``data/segmenting.yaml`` rules (``segmenting.load_rules()``): ``search`` on every
  paragraph (what ``segmenting.classify`` does);
- ``dates.PATTERNS``: ``finditer`` over every analysed sentence;
- the event triggers (``events.load_event_lexicon().triggers``): ``finditer`` over every
  analysed sentence.

A group the package no longer exposes under that name is reported as unavailable, not as an
error. Prints one JSON object.

    python bench/patterns.py --corpus bench/out/corpus/0.3mb
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path


def time_patterns(
    named: Iterable[tuple[str, re.Pattern[str]]], texts: list[str], apply: Callable
) -> list[dict]:
    rows = []
    for name, pattern in named:
        began = time.process_time()
        for text in texts:
            apply(pattern, text)
        rows.append(
            {"pattern": name, "regex": pattern.pattern[:120], "cpu_s": time.process_time() - began}
        )
    return sorted(rows, key=lambda r: -r["cpu_s"])


def search(pattern: re.Pattern[str], text: str) -> None:
    pattern.search(text)


def find_all(pattern: re.Pattern[str], text: str) -> None:
    for _ in pattern.finditer(text):
        pass


def segmenting_patterns() -> list[tuple[str, re.Pattern[str]]]:
    from mongolia_analysis.segmenting import load_rules

    rules = load_rules()
    named = []
    for category in ("drop", "footer", "tail_drop", "meta", "reference_headings"):
        for i, pattern in enumerate(getattr(rules, category, ()) or ()):
            named.append((f"segmenting.yaml {category}[{i}]", pattern))
    return named


def date_patterns() -> list[tuple[str, re.Pattern[str]]]:
    from mongolia_analysis import dates

    names = {id(v): k for k, v in vars(dates).items() if isinstance(v, re.Pattern)}
    return [
        (f"dates.{names.get(id(p), f'PATTERNS[{i}]')}", p)
        for i, (p, _) in enumerate(dates.PATTERNS)
    ]


def trigger_patterns() -> list[tuple[str, re.Pattern[str]]]:
    from mongolia_analysis.events import load_event_lexicon

    lexicon = load_event_lexicon()
    return [
        (f"event trigger {t.event_type} {t.pattern.pattern[:40]!r}", t.pattern)
        for t in lexicon.triggers
    ]


def measure(path: Path, top: int) -> dict:
    import mongolia_analysis

    corpus = mongolia_analysis.load_corpus(path, workers=1)
    paragraphs = corpus.paragraphs["text"].astype(str).tolist()
    sentences = corpus.analysed_sentences["text"].astype(str).tolist()
    nbytes = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    groups = {}
    for label, collect, texts, apply in (
        ("segmenting rules (search per paragraph)", segmenting_patterns, paragraphs, search),
        ("date patterns (finditer per sentence)", date_patterns, sentences, find_all),
        ("event triggers (finditer per sentence)", trigger_patterns, sentences, find_all),
    ):
        try:
            named = collect()
        except Exception as exc:  # the package changed: report, do not fail the benchmark
            groups[label] = {"unavailable": f"{type(exc).__name__}: {exc}"[:200]}
            continue
        rows = time_patterns(named, texts, apply)
        total = sum(r["cpu_s"] for r in rows)
        for r in rows:
            r["share_of_group"] = r["cpu_s"] / total if total else 0.0
        groups[label] = {
            "n_patterns": len(rows),
            "n_texts": len(texts),
            "cpu_s": total,
            "cpu_s_per_mb": total / (nbytes / 1e6),
            "top": rows[:top],
        }
    return {"corpus": str(path), "bytes": nbytes, "groups": groups}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="time the package's regexes one by one")
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--top", type=int, default=6)
    args = parser.parse_args(argv)
    json.dump(measure(args.corpus, args.top), sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
