"""Score the extractors against hand-written gold annotations.

Run it as ``python -m mongolia_analysis.evaluate [--gold DIR] [--corpus DIR]``.

The gold files live in ``tests/gold/`` (each explains its annotation rules at the top):

=================  ===============================================================  =========
file               unit of comparison                                                extractor
=================  ===============================================================  =========
countries.yaml     (doc_id, ISO3) pairs: the set of countries each document names   countries
people.yaml        (doc_id, person) pairs: ids or names of the people it names       people
events.yaml        dated events: same doc_id and year, gold quote overlaps the span  events
figures.yaml       figures: same doc_id, value within 0.5 %, surface overlaps span   figures
headlines.yaml     ticker items: rank, source, published and language all right      headlines
documents.yaml     metadata fields (title, author, publisher, published, ...) equal  documents
=================  ===============================================================  =========

Two rows look at attributes rather than at finding things: ``event_flags`` scores the
``hypothetical`` and ``negated`` flags of the matched events (a flag set in gold and
prediction is a true positive), and ``documents`` counts metadata fields (a right field is a
true positive; a wrong or missing one a false negative, and also a false positive when a
wrong value was predicted).

Precision counts predictions in the annotated documents only. Every gold item is matched at
most once (a maximum bipartite matching, so the score doesn't depend on row order). The
scoring functions are pure and take small frames, so they are unit-tested on their own;
:func:`evaluate` wires them to a :class:`~mongolia_analysis.Corpus`, and :func:`main` is
the command line.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from .errors import DataFileError
from .paths import DATA_DIR, PROJECT_DIR, SEEDS_DIR

#: Where the gold files are, unless told otherwise.
DEFAULT_GOLD_DIR = PROJECT_DIR / "tests" / "gold"
#: Relative tolerance when comparing figure values.
VALUE_TOLERANCE = 0.005
COLUMNS = ["extractor", "precision", "recall", "f1", "tp", "fp", "fn"]


@dataclass(frozen=True, slots=True)
class Score:
    """True positives, false positives and false negatives, with the usual ratios."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def row(self, extractor: str) -> dict[str, Any]:
        """One row of the evaluation table."""
        return {
            "extractor": extractor, "precision": round(self.precision, 4),
            "recall": round(self.recall, 4), "f1": round(self.f1, 4),
            "tp": self.tp, "fp": self.fp, "fn": self.fn,
        }  # fmt: skip


# ----------------------------------------------------------------------------------------
# matching
def max_matching(n_gold: int, n_pred: int, compatible: Callable[[int, int], bool]) -> int:
    """Size of a maximum matching between gold and predicted items (Kuhn's algorithm).

    >>> max_matching(2, 2, lambda g, p: p == 0 or (g == 0 and p == 1))
    2
    """
    return len(matching_pairs(n_gold, n_pred, compatible))


def matching_pairs(
    n_gold: int, n_pred: int, compatible: Callable[[int, int], bool]
) -> list[tuple[int, int]]:
    """The (gold, predicted) pairs of a maximum matching, sorted by gold index.

    >>> matching_pairs(2, 2, lambda g, p: p == 0 or (g == 0 and p == 1))
    [(0, 1), (1, 0)]
    """
    edges = [[p for p in range(n_pred) if compatible(g, p)] for g in range(n_gold)]
    owner: list[int | None] = [None] * n_pred

    def augment(g: int, seen: set[int]) -> bool:
        for p in edges[g]:
            if p in seen:
                continue
            seen.add(p)
            if owner[p] is None or augment(owner[p], seen):  # type: ignore[arg-type]
                owner[p] = g
                return True
        return False

    for g in range(n_gold):
        augment(g, set())
    return sorted((g, p) for p, g in enumerate(owner) if g is not None)


def score_sets(predicted: Mapping[str, Iterable[str]], gold: Mapping[str, Iterable[str]]) -> Score:
    """Micro-averaged score of per-document sets, over the documents of ``gold``.

    >>> s = score_sets({"a": ["MNG", "KOR"], "b": ["JPN"], "z": ["USA"]},
    ...                {"a": ["MNG", "PRK"], "b": ["JPN"]})
    >>> (s.tp, s.fp, s.fn)
    (2, 1, 1)
    """
    tp = fp = fn = 0
    for doc_id, expected in gold.items():
        want = {_fold(x) for x in expected}
        got = {_fold(x) for x in predicted.get(doc_id, ())}
        tp += len(want & got)
        fp += len(got - want)
        fn += len(want - got)
    return Score(tp, fp, fn)


def score_people(predicted: pd.DataFrame, gold: Mapping[str, Iterable[str]]) -> Score:
    """Score person mentions per document: a gold item matches a person by id or by name.

    ``predicted`` has columns doc_id, entity_id, name (one row per person and document).

    >>> pred = pd.DataFrame({"doc_id": ["a", "a"], "entity_id": ["P_OBAMA", "P_X"],
    ...                      "name": ["Barack Obama", "X"]})
    >>> s = score_people(pred, {"a": ["Barack Obama", "P_KIM"]})
    >>> (s.tp, s.fp, s.fn)
    (1, 1, 1)
    """
    tp = fp = fn = 0
    for doc_id, expected in gold.items():
        want = [_fold(x) for x in expected]
        rows = predicted[predicted["doc_id"] == doc_id].drop_duplicates("entity_id")
        people = [
            {_fold(r["entity_id"]), _fold(r.get("name") or "")} for r in rows.to_dict("records")
        ]
        matched = max_matching(
            len(want), len(people), lambda g, p, want=want, people=people: want[g] in people[p]
        )
        tp += matched
        fn += len(want) - matched
        fp += len(people) - matched
    return Score(tp, fp, fn)


def locate(text: str, quote: str, occurrence: int = 1) -> tuple[int, int] | None:
    """Offsets of the ``occurrence``-th exact occurrence of ``quote`` in ``text``.

    >>> locate("a b a b", "a b", 2)
    (4, 7)
    """
    start = -1
    for _ in range(max(1, occurrence)):
        start = text.find(quote, start + 1)
        if start < 0:
            return None
    return (start, start + len(quote))


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score_spans(
    predicted: pd.DataFrame,
    gold: pd.DataFrame,
    *,
    same: Callable[[Mapping[str, Any], Mapping[str, Any]], bool],
    documents: Iterable[str] | None = None,
) -> Score:
    """Match predicted rows to gold rows of the same document with overlapping spans.

    Both frames have doc_id, start, end; ``same(gold_row, predicted_row)`` adds the other
    conditions (same year, same value). Predictions count only in ``documents`` (default: the
    documents of ``gold``).

    >>> g = pd.DataFrame({"doc_id": ["d"], "start": [10], "end": [20], "year": [2014]})
    >>> p = pd.DataFrame({"doc_id": ["d", "d"], "start": [0, 0], "end": [15, 15],
    ...                   "year": [2014, 2012]})
    >>> s = score_spans(p, g, same=lambda a, b: a["year"] == b["year"])
    >>> (s.tp, s.fp, s.fn)
    (1, 1, 0)
    """
    docs = set(documents) if documents is not None else set(gold["doc_id"])
    tp = fp = fn = 0
    for doc_id in sorted(docs):
        want = gold[gold["doc_id"] == doc_id].to_dict("records")
        got = predicted[predicted["doc_id"] == doc_id].to_dict("records")

        def compatible(g: int, p: int, want: list = want, got: list = got) -> bool:
            a, b = want[g], got[p]
            if a.get("start") is None or pd.isna(a.get("start")):
                return False
            return _overlap(
                (int(a["start"]), int(a["end"])), (int(b["start"]), int(b["end"]))
            ) and same(a, b)

        matched = max_matching(len(want), len(got), compatible)
        tp += matched
        fn += len(want) - matched
        fp += len(got) - matched
    return Score(tp, fp, fn)


def same_year(gold_row: Mapping[str, Any], predicted_row: Mapping[str, Any]) -> bool:
    """Events match on year."""
    g, p = gold_row.get("year"), predicted_row.get("year")
    return not _missing(g) and not _missing(p) and int(g) == int(p)


def same_value(gold_row: Mapping[str, Any], predicted_row: Mapping[str, Any]) -> bool:
    """Figures match on value within :data:`VALUE_TOLERANCE` (or both unknown).

    >>> same_value({"value": 13.84e9}, {"value": 13.8e9}), same_value({"value": None},
    ...            {"value": float("nan")})
    (True, True)
    """
    g, p = gold_row.get("value"), predicted_row.get("value")
    if _missing(g) or _missing(p):
        return _missing(g) and _missing(p)
    g, p = float(g), float(p)
    return abs(g - p) <= VALUE_TOLERANCE * max(abs(g), abs(p), 1e-12)


FLAGS = ("hypothetical", "negated")


def score_flags(
    predicted: pd.DataFrame,
    gold: pd.DataFrame,
    *,
    same: Callable[[Mapping[str, Any], Mapping[str, Any]], bool] = same_year,
    flags: Sequence[str] = FLAGS,
) -> Score:
    """Score boolean flags (default hypothetical, negated) on the matched events.

    Events are matched as in :func:`score_spans`; for each matched pair and flag, a flag set
    in both is a true positive, set only in the prediction a false positive, set only in gold
    a false negative (a missing gold flag is false).

    >>> g = pd.DataFrame({"doc_id": ["d", "d"], "start": [0, 10], "end": [5, 15],
    ...                   "year": [2014, 2015], "hypothetical": [True, None]})
    >>> p = pd.DataFrame({"doc_id": ["d", "d"], "start": [0, 10], "end": [5, 15],
    ...     "year": [2014, 2015], "hypothetical": [True, True], "negated": [False, False]})
    >>> s = score_flags(p, g)
    >>> (s.tp, s.fp, s.fn)
    (1, 1, 0)
    """
    tp = fp = fn = 0
    for doc_id in sorted(set(gold["doc_id"])):
        want = gold[gold["doc_id"] == doc_id].to_dict("records")
        got = predicted[predicted["doc_id"] == doc_id].to_dict("records")

        def compatible(g: int, p: int, want: list = want, got: list = got) -> bool:
            a, b = want[g], got[p]
            return _overlap(
                (int(a["start"]), int(a["end"])), (int(b["start"]), int(b["end"]))
            ) and same(a, b)

        def agree(g: int, p: int, want: list = want, got: list = got) -> bool:
            return compatible(g, p) and all(
                _truthy(want[g].get(f)) == _truthy(got[p].get(f)) for f in flags
            )

        # pairs whose flags agree first (a clause may hold several events of one year), then
        # the other matched pairs, whose flags disagree
        first = matching_pairs(len(want), len(got), agree)
        left_g = [g for g in range(len(want)) if g not in {g for g, _ in first}]
        left_p = [p for p in range(len(got)) if p not in {p for _, p in first}]

        def rest(g: int, p: int, left_g: list = left_g, left_p: list = left_p) -> bool:
            return compatible(left_g[g], left_p[p])

        second = [(left_g[g], left_p[p]) for g, p in matching_pairs(len(left_g), len(left_p), rest)]
        for g, p in first + second:
            for flag in flags:
                expected, found = _truthy(want[g].get(flag)), _truthy(got[p].get(flag))
                tp += expected and found
                fp += found and not expected
                fn += expected and not found
    return Score(tp, fp, fn)


def _truthy(value: Any) -> bool:
    return False if _missing(value) else bool(value)


DOCUMENT_FIELDS = ("title", "author", "publisher", "published", "language", "kind")


def score_documents(predicted: pd.DataFrame, gold: Mapping[str, Mapping[str, Any]]) -> Score:
    """Score document metadata: each field listed for a gold document must be equal.

    Titles and names are compared case- and space-insensitively, ignoring edge punctuation;
    a gold ``null`` wants a missing value. A right field is a true positive; a wrong one is a
    false negative, and also a false positive when something (wrong) was predicted.

    >>> pred = pd.DataFrame({"doc_id": ["a-1"], "title": ["Talks in UB"], "author": [None],
    ...                      "published": ["2019-02-01"]})
    >>> s = score_documents(pred, {"a-1": {"title": "talks in UB.", "author": "X Y",
    ...                                    "published": "2019-02-02"}})
    >>> (s.tp, s.fp, s.fn)
    (1, 1, 2)
    """
    rows = {str(r["doc_id"]): r for r in predicted.to_dict("records")}
    tp = fp = fn = 0
    for doc_id, fields in gold.items():
        row = rows.get(str(doc_id), {})
        for key, expected in fields.items():
            found = row.get(key)
            if _same_field(expected, found):
                tp += 1
                continue
            fn += 1
            fp += not _missing(found)
    return Score(tp, fp, fn)


def score_headlines(predicted: pd.DataFrame, gold: Sequence[Mapping[str, Any]]) -> Score:
    """Score ticker items: a gold item is found by its title, then all fields must agree.

    >>> pred = pd.DataFrame({"title": ["“ORANO MINING”-ИЙН ГЭРЭЭ"], "rank": [pd.NA],
    ...     "source": ["bloombergtv.mn"], "published": ["2024-12-20"], "language": ["mn"]})
    >>> gold = [{"title": "ORANO MINING", "rank": None, "source": "bloombergtv.mn",
    ...          "published": "2024-12-20", "language": "mn"}]
    >>> s = score_headlines(pred, gold)
    >>> (s.tp, s.fp, s.fn)
    (1, 0, 0)
    """
    items = predicted.to_dict("records")
    titles = [_fold(str(item.get("title") or "")) for item in items]
    used: set[int] = set()
    tp = 0
    for entry in gold:
        want = _fold(str(entry["title"]))
        index = next((i for i, t in enumerate(titles) if i not in used and want in t), None)
        if index is None:
            continue
        used.add(index)
        item = items[index]
        if all(
            _same_field(entry.get(k), item.get(k))
            for k in ("rank", "source", "published", "language")
        ):
            tp += 1
    return Score(tp, len(items) - tp, len(gold) - tp)


def _same_field(gold: Any, predicted: Any) -> bool:
    if _missing(gold) or _missing(predicted):
        return _missing(gold) and _missing(predicted)
    if isinstance(gold, int | float) or isinstance(predicted, int | float):
        try:
            return int(gold) == int(predicted)
        except (TypeError, ValueError):
            return False
    return _fold(str(gold)) == _fold(str(predicted))


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


RE_FOLD_EDGES = re.compile(r"^[\W_]+|[\W_]+$")


def _fold(value: Any) -> str:
    text = unicodedata.normalize("NFC", str(value)).casefold()
    return RE_FOLD_EDGES.sub("", " ".join(text.split()))


# ----------------------------------------------------------------------------------------
# gold files
def read_gold(path: Path) -> Any:
    """Parse one gold YAML file (raises :class:`DataFileError` naming it when malformed)."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"{path}: cannot read gold annotations: {exc}") from exc


def gold_sets(data: Any, *, key: str, source: str) -> dict[str, list[str]]:
    """``doc_id → list`` from the accepted layouts of countries.yaml / people.yaml.

    Accepted: ``{doc_id: [..]}``, ``{documents: {doc_id: [..]}}``, or a list of
    ``{doc_id: .., <key>: [..]}`` records.

    >>> gold_sets({"documents": {"d-1": ["MNG"]}}, key="countries", source="x")
    {'d-1': ['MNG']}
    >>> gold_sets([{"doc_id": "d-1", "countries": ["MNG", "KOR"]}], key="countries", source="x")
    {'d-1': ['MNG', 'KOR']}
    """
    if isinstance(data, Mapping):
        for wrapper in ("documents", key, "gold"):
            if isinstance(data.get(wrapper), Mapping | list):
                return gold_sets(data[wrapper], key=key, source=source)
        out = {}
        for doc_id, values in data.items():
            if isinstance(values, Mapping):  # {doc_id: {countries: [...]}}
                values = values.get(key) or values.get("ids") or []
            out[str(doc_id)] = _as_strings(values, source, str(doc_id))
        return out
    if isinstance(data, list):
        out = {}
        for record in data:
            if not isinstance(record, Mapping) or "doc_id" not in record:
                raise DataFileError(f"{source}: each entry needs a doc_id: {record!r}")
            out[str(record["doc_id"])] = _as_strings(
                record.get(key) or record.get("ids") or [], source, str(record["doc_id"])
            )
        return out
    raise DataFileError(f"{source}: expected a mapping of doc_id to a list")


def _as_strings(values: Any, source: str, entry: str) -> list[str]:
    if values is None:
        return []
    if not isinstance(values, list):
        raise DataFileError(f"{source}: entry {entry!r} must be a list")
    out = []
    for value in values:
        if isinstance(value, Mapping):  # {id: .., name: ..}
            value = value.get("id") or value.get("entity_id") or value.get("name")
        out.append(str(value))
    return out


def gold_spans(
    texts: Mapping[str, str], entries: Sequence[Mapping[str, Any]], *, quote_key: str, source: str
) -> pd.DataFrame:
    """Gold entries with the offsets of their quote in the document text.

    Raises:
        DataFileError: when a quote is not an exact substring of its document.
    """
    rows = []
    for entry in entries:
        doc_id = str(entry.get("doc_id"))
        quote = entry.get(quote_key)
        if doc_id not in texts or not isinstance(quote, str):
            raise DataFileError(f"{source}: entry {entry!r}: unknown doc_id or no {quote_key}")
        span = locate(texts[doc_id], quote, int(entry.get("occurrence") or 1))
        if span is None:
            raise DataFileError(f"{source}: {quote_key} {quote!r} is not in {doc_id}")
        rows.append({**entry, "doc_id": doc_id, "start": span[0], "end": span[1]})
    return pd.DataFrame(
        rows, columns=sorted({"doc_id", "start", "end", *(k for r in rows for k in r)})
    )


# ----------------------------------------------------------------------------------------
# the evaluation
def evaluate(corpus: Any, gold_dir: str | Path | None = None) -> pd.DataFrame:
    """Score the corpus's extractors against the gold files found in ``gold_dir``.

    Args:
        corpus: a :class:`~mongolia_analysis.Corpus`.
        gold_dir: folder of gold YAML files (default ``tests/gold`` of the project).

    Returns:
        One row per extractor with a gold file: extractor, precision, recall, f1, tp, fp, fn.
    """
    gold_dir = Path(gold_dir) if gold_dir is not None else DEFAULT_GOLD_DIR
    texts = {doc_id: corpus.text(doc_id) for doc_id in corpus.documents["doc_id"]}
    rows: list[dict[str, Any]] = []

    path = gold_dir / "countries.yaml"
    if path.exists():
        gold = gold_sets(read_gold(path), key="countries", source=str(path))
        mentions = corpus.mentions
        countries = mentions[mentions["entity_type"] == "country"]
        predicted = countries.groupby("doc_id")["entity_id"].agg(lambda s: sorted(set(s))).to_dict()
        rows.append(score_sets(predicted, gold).row("countries"))

    path = gold_dir / "people.yaml"
    if path.exists():
        gold = gold_sets(read_gold(path), key="people", source=str(path))
        mentions = corpus.mentions
        people = mentions[mentions["entity_type"] == "person"][["doc_id", "entity_id", "name"]]
        rows.append(score_people(people, gold).row("people"))

    path = gold_dir / "events.yaml"
    if path.exists():
        data = read_gold(path) or {}
        gold = gold_spans(texts, data.get("events") or [], quote_key="quote", source=str(path))
        rows.append(
            score_spans(corpus.events, gold, same=same_year, documents=_documents(data, gold)).row(
                "events"
            )
        )
        if len(gold):
            rows.append(score_flags(corpus.events, gold).row("event_flags"))

    path = gold_dir / "figures.yaml"
    if path.exists():
        data = read_gold(path) or {}
        gold = gold_spans(texts, data.get("figures") or [], quote_key="surface", source=str(path))
        rows.append(
            score_spans(
                corpus.figures, gold, same=same_value, documents=_documents(data, gold)
            ).row("figures")
        )

    path = gold_dir / "headlines.yaml"
    if path.exists():
        data = read_gold(path) or {}
        tickers = data.get("tickers") or [data]  # one ticker at the top level, or a list
        total = Score(0, 0, 0)
        for ticker in tickers:
            doc_id = ticker.get("doc_id")
            predicted = corpus.headlines
            if doc_id:
                predicted = predicted[predicted["doc_id"] == doc_id]
            score = score_headlines(predicted, ticker.get("headlines") or [])
            total = Score(total.tp + score.tp, total.fp + score.fp, total.fn + score.fn)
        rows.append(total.row("headlines"))

    path = gold_dir / "documents.yaml"
    if path.exists():
        data = read_gold(path) or {}
        gold_docs = data.get("documents") if isinstance(data.get("documents"), Mapping) else data
        if not isinstance(gold_docs, Mapping) or not all(
            isinstance(v, Mapping) for v in gold_docs.values()
        ):
            raise DataFileError(f"{path}: expected 'documents: {{doc_id: {{field: value}}}}'")
        unknown = {k for v in gold_docs.values() for k in v} - set(DOCUMENT_FIELDS)
        if unknown:
            raise DataFileError(f"{path}: unknown field(s) {sorted(unknown)}")
        rows.append(score_documents(corpus.documents, gold_docs).row("documents"))

    return pd.DataFrame(rows, columns=COLUMNS)


def _documents(data: Mapping[str, Any], gold: pd.DataFrame) -> list[str]:
    listed = data.get("documents")
    return [str(d) for d in listed] if listed else sorted(set(gold["doc_id"]))


#: The evaluations the project keeps: (label, corpus folder, gold folder).
STANDARD_RUNS = (
    ("seeds", SEEDS_DIR, DEFAULT_GOLD_DIR),
    ("dev corpus", PROJECT_DIR / "tests" / "dev_corpus", PROJECT_DIR / "tests" / "dev_gold"),
)
#: Where the brief reads the accuracy figures from (regenerated by ``make evaluate``).
ACCURACY_FILE = DATA_DIR / "evaluation.csv"


def evaluate_standard() -> pd.DataFrame:
    """Score every extractor on the seeds and on the held-out development corpus.

    Returns:
        One row per corpus and extractor: corpus, extractor, precision, recall, f1, tp,
        fp, fn (rounded to 4 decimals, so the written file is stable).
    """
    from . import load_corpus

    frames = []
    for label, corpus_dir, gold_dir in STANDARD_RUNS:
        if not corpus_dir.is_dir() or not gold_dir.is_dir():
            continue
        table = evaluate(load_corpus(corpus_dir), gold_dir)
        frames.append(table.assign(corpus=label))
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    out = out[["corpus", *[c for c in out.columns if c != "corpus"]]]
    for column in ("precision", "recall", "f1"):
        out[column] = out[column].astype(float).round(4)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: score the extractors against hand-written gold and print the table."""
    parser = argparse.ArgumentParser(
        prog="python -m mongolia_analysis.evaluate",
        description="Score the extractors on a corpus against hand-written gold annotations. "
        "Without --corpus/--gold: the seeds and the held-out development corpus.",
    )
    parser.add_argument("--gold", type=Path, default=None, help="gold folder")
    parser.add_argument("--corpus", type=Path, default=None, help="corpus folder")
    parser.add_argument(
        "--write",
        type=Path,
        default=None,
        metavar="CSV",
        help=f"also write the table as CSV (the brief reads {ACCURACY_FILE.name} in the package)",
    )
    args = parser.parse_args(argv)
    from . import load_corpus

    if args.corpus is None and args.gold is None:
        table = evaluate_standard()
    else:
        table = evaluate(load_corpus(args.corpus or SEEDS_DIR), args.gold or DEFAULT_GOLD_DIR)
    if table.empty:
        print(f"no gold files in {args.gold or DEFAULT_GOLD_DIR}", file=sys.stderr)
        return 1
    print(table.to_string(index=False))
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        table.to_csv(args.write, index=False)
        print(f"wrote {args.write}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
