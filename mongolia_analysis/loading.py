"""``load_corpus``: read a folder (or files) of documents into a :class:`Corpus`.

The per-file work (:func:`parse_file`) is pure and independent, so large corpora can be
read and parsed in parallel processes; the tables are then assembled in file order, which
makes the result independent of the machine and of the number of workers. Files stream
through: a file's text is dropped once its documents are taken, and rows become table pieces
every :data:`BATCH_CHARS` characters, so loading holds little more than the corpus itself.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from operator import itemgetter
from pathlib import Path

import pandas as pd

from .cache import ResultCache
from .corpus import Corpus, CorpusOptions, SourceTexts, TextStore, text_digest
from .errors import DataFileError, InputError
from .reading import RawDocument, discover_files, read_document
from .schema import TABLES, concat, conform, release_unused_memory
from .segmenting import ParsedDocument, parse_segment, split_file

CATALOG_NAME = "catalog.csv"
CATALOG_FIELDS = ("title", "author", "publisher", "url", "published")
#: Below this many files, reading and parsing stay in this process (a pool costs more than it
#: saves).
PARALLEL_MIN_FILES = 64

PathLike = str | Path


def load_corpus(
    paths: PathLike | Sequence[PathLike],
    *,
    strict: bool = False,
    gazetteer: PathLike | None = None,
    codebook: PathLike | None = None,
    catalog: PathLike | None = None,
    workers: int | None = None,
    progress: bool = False,
    cache: PathLike | ResultCache | None = None,
) -> Corpus:
    """Read documents (``.txt``, ``.md``, ``.html``) into a :class:`Corpus`.

    Args:
        paths: a folder (searched recursively) or a list of files and folders.
        strict: raise on the first unreadable file instead of listing it in
            ``corpus.skipped``.
        gazetteer: a YAML file that extends the shipped actor gazetteer.
        codebook: a YAML codebook that replaces the shipped one.
        catalog: a CSV keyed by ``source_file`` (optional ``part``) whose non-empty title,
            author, publisher, url and published cells override what the text says. By
            default ``catalog.csv`` in the corpus folder is used when present.
        workers: processes for parsing and, later, for the extraction tables (default: all
            cores for large corpora; 1 keeps everything in this process).
        progress: print a progress line per 10 % of files to stderr.
        cache: a folder (or :class:`~.cache.ResultCache`) where each file's parse and each
            document's extraction rows are kept and found again: a file or document
            unchanged since an earlier run is not parsed or extracted again. None: no cache.

    Returns:
        The corpus; its tables are DataFrames with the dtypes of :mod:`.schema`.

    Raises:
        InputError: a path does not exist, no readable document was found, or (strict) a
            file cannot be read.

    >>> corpus = load_corpus(SEEDS_DIR)  # doctest: +SKIP
    """
    files = discover_files(paths if isinstance(paths, str | Path) else list(paths))
    catalog_rows = _catalog(paths, catalog)
    store = ResultCache(Path(cache)) if isinstance(cache, str | Path) else cache
    builder = _TableBuilder(catalog_rows, strict=strict)
    unreadable: list[dict] = []
    pending: InputError | None = None
    for raw, docs in _read_and_parse(files, workers=workers, progress=progress, cache=store):
        if raw.error:
            if strict:
                raise InputError(f"{raw.path}: {raw.error}")
            unreadable.append({"source_file": raw.name, "reason": raw.error})
        elif docs is not None and pending is None:
            try:
                builder.add(raw, docs)
            except InputError as exc:  # (strict) raised once every file is read: an
                pending = exc  # unreadable file later on is reported first
    if pending is not None:
        raise pending
    corpus = builder.finish(unreadable)
    release_unused_memory()  # the tables' pieces, joined and dropped by finish()
    options = CorpusOptions(
        gazetteer=Path(gazetteer) if gazetteer else None,
        codebook=Path(codebook) if codebook else None,
        strict=strict,
        workers=workers,
        cache=store,
    )
    if corpus["documents"].empty:
        where = paths if isinstance(paths, str | Path) else ", ".join(map(str, paths))
        skipped = unreadable + builder.skipped
        reasons = "; ".join(f"{s['source_file']}: {s['reason']}" for s in skipped[:5])
        raise InputError(
            f"no readable document in {where}: put .txt, .md or .html files there"
            + (f" (skipped {reasons})" if reasons else "")
        )
    return Corpus(options=options, **corpus)


def parse_file(text: str) -> list[ParsedDocument]:
    """Parse one file's text into its documents (pure: no disk, no globals); a segment left
    without text once boilerplate is removed is no document."""
    return [doc for doc in map(parse_segment, split_file(text)) if doc.text]


def _read_and_parse_file(
    path: Path, name: str, cache: ResultCache | None = None
) -> tuple[RawDocument, list[ParsedDocument] | None]:
    """One file read and parsed: its record without the text (which the documents now hold),
    and its documents (None when there was no text to parse); from ``cache`` when it holds
    this file's name and bytes."""
    key = _parse_key(path, name, cache)
    if key is not None:
        found = cache.get("parsed", key)
        if found is not None:
            return replace(found[0], path=path), found[1]
    raw = read_document(path, name)
    if raw.text is None:
        return raw, None
    parsed = replace(raw, text=None), parse_file(raw.text)
    if key is not None:
        cache.put("parsed", key, parsed)
    return parsed


def _parse_key(path: Path, name: str, cache: ResultCache | None) -> str | None:
    """The cache key of ``path``'s documents (None: no cache, or the file cannot be read,
    which :func:`read_document` then reports)."""
    if cache is None:
        return None
    try:
        return cache.key("parsed", name, hashlib.sha256(path.read_bytes()).hexdigest())
    except OSError:
        return None


def _read_and_parse(
    files: list[tuple[Path, str]], *, workers: int | None, progress: bool, cache: ResultCache | None
) -> Iterator[tuple[RawDocument, list[ParsedDocument] | None]]:
    """Every file read and parsed, in file order, one at a time: a file's text is dropped
    once its documents are taken, so the whole corpus is never held twice."""
    workers = workers or (os.cpu_count() or 1)
    if workers > 1 and len(files) >= PARALLEL_MIN_FILES:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            chunk = max(1, len(files) // (workers * 8))
            paths, names = zip(*files, strict=True)
            caches = [cache] * len(files)
            yield from pool.map(_read_and_parse_file, paths, names, caches, chunksize=chunk)
        return
    step = max(1, len(files) // 10)
    for index, (path, name) in enumerate(files, 1):
        yield _read_and_parse_file(path, name, cache)
        if progress and (index % step == 0 or index == len(files)):
            print(f"parsed {index}/{len(files)} files", file=sys.stderr)


#: Rows gathered before they become a piece of the paragraphs and sentences tables (in
#: characters of document text): a bound on the memory that plain rows take while loading.
BATCH_CHARS = 1_000_000


class _TableBuilder:
    """The corpus tables, built document by document in file order."""

    def __init__(
        self, catalog: dict[tuple[str, int | None], dict[str, str]], *, strict: bool
    ) -> None:
        self.catalog, self.strict = catalog, strict
        self.documents: list[dict] = []
        self.headlines: list[dict] = []
        self.rows: dict[str, list[dict]] = {"paragraphs": [], "sentences": []}
        self.row_ids: dict[str, list[str]] = {"paragraphs": [], "sentences": []}  # doc_id
        self.pieces: dict[str, list[pd.DataFrame]] = {"paragraphs": [], "sentences": []}
        self.batch = 0
        self.skipped: list[dict] = []
        self.texts, self.raw_texts = TextStore(), SourceTexts()
        self.seen: dict[str, str] = {}
        self.owners: dict[str, str] = {}  # doc_id -> source file

    def add(self, raw: RawDocument, docs: list[ParsedDocument]) -> None:
        """Add one file's documents (or say why it gives none)."""
        if not docs:
            reason = "no document text after removing boilerplate"
            if self.strict:
                raise InputError(f"{raw.path}: {reason}")
            self.skipped.append({"source_file": raw.name, "reason": reason})
            return
        stem = re.sub(r"\.[^./]+$", "", raw.name)
        for part, doc in enumerate(docs, 1):
            doc_id = f"{stem}-{part}"
            if doc_id in self.owners:
                self.skipped.append(
                    {
                        "source_file": raw.name,
                        "reason": (
                            f"its document id {doc_id!r} is taken by {self.owners[doc_id]} "
                            "(same name without the suffix): rename one of the two files"
                        ),
                    }
                )
                continue
            digest = text_digest(doc.raw)
            if digest in self.seen:
                self.skipped.append(
                    {
                        "source_file": raw.name,
                        "reason": f"duplicate of {self.seen[digest]} (same text)",
                    }
                )
                continue
            self.seen[digest], self.owners[doc_id] = doc_id, raw.name
            self.texts.add(doc_id, doc.text)
            self.raw_texts.add(doc_id, raw.path, raw.name, part, digest)
            self.documents.append(_document_row(raw, doc, doc_id, part, digest, self.catalog))
            for table, rows in (("paragraphs", doc.paragraphs), ("sentences", doc.sentences)):
                self.rows[table] += rows
                self.row_ids[table] += [doc_id] * len(rows)
            self.headlines += [{"doc_id": doc_id, **row} for row in doc.headlines]
            self.batch += len(doc.text)
            if self.batch >= BATCH_CHARS:
                self._flush()

    def _flush(self) -> None:
        for table, rows in self.rows.items():
            if rows:
                frame = _frame_of_rows(table, self.row_ids[table], rows)
                self.pieces[table].append(conform(frame, table))
                rows.clear()
                self.row_ids[table].clear()
        self.batch = 0

    def finish(self, unreadable: list[dict]) -> dict:
        """The tables, ``unreadable`` files listed first among the skipped ones."""
        self._flush()
        tables = {}
        for table, pieces in self.pieces.items():
            tables[table] = concat(pieces) if pieces else conform([], table)
            pieces.clear()
        return {
            "documents": conform(self.documents, "documents"),
            "paragraphs": tables["paragraphs"],
            "sentences": tables["sentences"],
            "headlines": conform(self.headlines, "headlines"),
            "skipped": conform(unreadable + self.skipped, "skipped"),
            "texts": self.texts,
            "raw_texts": self.raw_texts,
        }


def _frame_of_rows(table: str, doc_ids: list[str], rows: list[dict]) -> pd.DataFrame:
    """Rows of ``table`` that share their keys, each with its ``doc_id``, as a frame built a
    column at a time in the declared dtypes (the frame :func:`.schema.conform` makes of the
    rows with their ``doc_id``, without a record-by-record conversion)."""
    spec = TABLES[table]
    columns = {"doc_id": doc_ids} | {name: list(map(itemgetter(name), rows)) for name in rows[0]}
    return pd.DataFrame(
        {
            name: pd.array(values, dtype=spec[name]) if name in spec else values
            for name, values in columns.items()
        }
    )


def _document_row(
    raw: RawDocument,
    doc: ParsedDocument,
    doc_id: str,
    part: int,
    digest: str,
    catalog: dict[tuple[str, int | None], dict[str, str]],
) -> dict:
    row = {
        "doc_id": doc_id,
        "source_file": raw.name,
        "part": part,
        "title": doc.title or raw.title,
        "author": doc.author or raw.author,
        "publisher": doc.publisher or raw.publisher,
        "url": doc.url or raw.url,
        "published": doc.published,
        "date_precision": doc.date_precision,
        "language": doc.language,
        "kind": doc.kind,
        "n_words": doc.n_words,
        "n_chars": len(doc.text),
        "sha256": digest,
    }
    if row["published"] is None and raw.published:
        row["published"], row["date_precision"] = _normalise_date(raw.published)
    overrides = catalog.get((raw.name, part)) or catalog.get((raw.name, None)) or {}
    for key, value in overrides.items():
        row[key] = value
        if key == "published":
            row["published"], row["date_precision"] = _normalise_date(value)
    row["year"] = int(row["published"][:4]) if row["published"] else None
    return row


def _normalise_date(value: str) -> tuple[str | None, str | None]:
    value = value.strip()
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?(?:[T ].*)?", value)
    if not match:
        from .metadata import parse_date

        found = parse_date(value)
        return found if found else (None, None)
    year, month, day = match.groups()
    if day:
        return f"{year}-{int(month):02d}-{int(day):02d}", "day"
    if month:
        return f"{year}-{int(month):02d}", "month"
    return year, "year"


def _catalog(
    paths: PathLike | Sequence[PathLike], catalog: PathLike | None
) -> dict[tuple[str, int | None], dict[str, str]]:
    """Read the optional catalog: (source_file, part) → fields that override the text."""
    if catalog is None:
        if not isinstance(paths, str | Path) or not Path(paths).is_dir():
            return {}
        candidate = Path(paths) / CATALOG_NAME
        if not candidate.exists():
            return {}
        catalog = candidate
    path = Path(catalog)
    if not path.exists():
        raise InputError(f"catalog {str(path)!r} does not exist: give a CSV file or omit it")
    try:
        return _read_catalog(path)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise DataFileError(
            f"{path}: not a readable CSV file ({exc}); save it as a UTF-8 CSV file"
        ) from None


def _read_catalog(path: Path) -> dict[tuple[str, int | None], dict[str, str]]:
    rows: dict[tuple[str, int | None], dict[str, str]] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "source_file" not in reader.fieldnames:
            raise DataFileError(f"{path}: the catalog needs a 'source_file' column")
        unknown = set(reader.fieldnames) - {"source_file", "part", *CATALOG_FIELDS}
        if unknown:
            raise DataFileError(
                f"{path}: unknown column(s) {sorted(unknown)}; allowed: source_file, part, "
                + ", ".join(CATALOG_FIELDS)
            )
        for line, record in enumerate(reader, 2):
            part = (record.get("part") or "").strip()
            if part and not part.isdecimal():
                raise DataFileError(f"{path}, line {line}: part must be a whole number")
            values = {
                key: value.strip()
                for key, value in record.items()
                if key in CATALOG_FIELDS and isinstance(value, str) and value.strip()
            }
            source = (record.get("source_file") or "").strip()
            if not source:
                if values:
                    raise DataFileError(f"{path}, line {line}: source_file is empty")
                continue
            rows[(source, int(part) if part else None)] = values
    return rows
