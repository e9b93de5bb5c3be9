"""The throughput baseline, run in a fresh process: spaCy's blank English pipeline.

``spacy.blank("en")`` + ``sentencizer`` + an ``entity_ruler`` holding every alias of the
package gazetteer (``load_gazetteer().aliases``: alias -> entity ids) as a phrase pattern
labelled with the entity type, matched on lower-cased tokens (``phrase_matcher_attr="LOWER"``,
since the package also matches ALL-CAPS headlines and Cyrillic in any case). It reads the same
files as ``load_corpus`` and runs ``nlp.pipe`` over their texts in batches; entities and
sentences of every doc are iterated so that nothing is left lazy. Prints one JSON object.

    python bench/baseline_spacy.py --corpus bench/out/corpus/10mb
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path


def build_pipeline():
    """The blank pipeline with the sentencizer and the gazetteer's aliases."""
    import spacy

    from mongolia_analysis.gazetteer import load_gazetteer

    gazetteer = load_gazetteer()
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    patterns = [
        {"label": gazetteer.type(ids[0]).upper(), "pattern": alias, "id": ids[0]}
        for alias, ids in sorted(gazetteer.aliases.items())
    ]
    ruler.add_patterns(patterns)
    return nlp, len(patterns)


def measure(path: Path, *, batch_size: int) -> dict:
    began = time.perf_counter()
    nlp, n_patterns = build_pipeline()
    setup = time.perf_counter() - began
    files = sorted(p for p in path.rglob("*.txt") if p.is_file())
    wall0, cpu0 = time.perf_counter(), time.process_time()
    texts = [p.read_text(encoding="utf-8") for p in files]
    n_ents = n_sents = n_tokens = 0
    for doc in nlp.pipe(texts, batch_size=batch_size):
        n_tokens += len(doc)
        n_ents += len(doc.ents)
        n_sents += sum(1 for _ in doc.sents)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    import spacy

    return {
        "corpus": str(path),
        "bytes": sum(p.stat().st_size for p in files),
        "files": len(files),
        "spacy": spacy.__version__,
        "patterns": n_patterns,
        "setup_s": setup,
        "total_s": wall,
        "cpu_s": cpu,
        "tokens": n_tokens,
        "entities": n_ents,
        "sentences": n_sents,
        "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="spaCy blank-English baseline throughput")
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args(argv)
    json.dump(measure(args.corpus, batch_size=args.batch_size), sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
