"""``load_corpus``: read a folder (or files) of documents into a :class:`Corpus`.

The per-file work (:func:`parse_file`) is pure and independent, so large corpora can be
parsed in parallel processes; the tables are then assembled in file order, which makes the
result independent of the machine and of the number of workers.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .corpus import Corpus, CorpusOptions
from .errors import DataFileError, InputError
from .reading import RawDocument, discover_files, read_document
from .schema import conform
from .segmenting import ParsedDocument, parse_segment, split_file

CATALOG_NAME = "catalog.csv"
CATALOG_FIELDS = ("title", "author", "publisher", "url", "published")
#: Below this many files, parsing stays in this process (a pool costs more than it saves).
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
        workers: processes for parsing (default: all cores for large corpora).
        progress: print a progress line per 10 % of files to stderr.

    Returns:
        The corpus; its tables are DataFrames with the dtypes of :mod:`.schema`.

    Raises:
        InputError: a path does not exist, no readable document was found, or (strict) a
            file cannot be read.

    >>> corpus = load_corpus(SEEDS_DIR)  # doctest: +SKIP
    """
    files = discover_files(paths if isinstance(paths, str | Path) else list(paths))
    catalog_rows = _catalog(paths, catalog)
    raws = [read_document(path, name) for path, name in files]
    skipped: list[dict] = []
    for raw in raws:
        if raw.error:
            if strict:
                raise InputError(f"{raw.path}: {raw.error}")
            skipped.append({"source_file": raw.name, "reason": raw.error})
    readable = [raw for raw in raws if raw.text is not None]
    parsed = _parse_all(readable, workers=workers, progress=progress)
    corpus = assemble(readable, parsed, skipped, catalog_rows, strict=strict)
    options = CorpusOptions(
        gazetteer=Path(gazetteer) if gazetteer else None,
        codebook=Path(codebook) if codebook else None,
        strict=strict,
    )
    if corpus["documents"].empty:
        where = paths if isinstance(paths, str | Path) else ", ".join(map(str, paths))
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


def _parse_all(
    raws: list[RawDocument], *, workers: int | None, progress: bool
) -> list[list[ParsedDocument]]:
    texts = [raw.text or "" for raw in raws]
    workers = workers or (os.cpu_count() or 1)
    if workers > 1 and len(texts) >= PARALLEL_MIN_FILES:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            chunk = max(1, len(texts) // (workers * 8))
            results = list(pool.map(parse_file, texts, chunksize=chunk))
    else:
        results = []
        step = max(1, len(texts) // 10)
        for index, text in enumerate(texts, 1):
            results.append(parse_file(text))
            if progress and (index % step == 0 or index == len(texts)):
                print(f"parsed {index}/{len(texts)} files", file=sys.stderr)
    return results


def assemble(
    raws: list[RawDocument],
    parsed: list[list[ParsedDocument]],
    skipped: list[dict],
    catalog: dict[tuple[str, int | None], dict[str, str]],
    *,
    strict: bool = False,
) -> dict:
    """Build the tables from parsed files (in file order)."""
    documents, paragraphs, sentences, headlines = [], [], [], []
    texts: dict[str, str] = {}
    raw_texts: dict[str, str] = {}
    seen: dict[str, str] = {}
    owners: dict[str, str] = {}  # doc_id -> source file
    for raw, docs in zip(raws, parsed, strict=True):
        if not docs:
            reason = "no document text after removing boilerplate"
            if strict:
                raise InputError(f"{raw.path}: {reason}")
            skipped.append({"source_file": raw.name, "reason": reason})
            continue
        stem = re.sub(r"\.[^./]+$", "", raw.name)
        for part, doc in enumerate(docs, 1):
            doc_id = f"{stem}-{part}"
            if doc_id in owners:
                skipped.append(
                    {
                        "source_file": raw.name,
                        "reason": (
                            f"its document id {doc_id!r} is taken by {owners[doc_id]} "
                            "(same name without the suffix): rename one of the two files"
                        ),
                    }
                )
                continue
            digest = hashlib.sha256(" ".join(doc.raw.split()).encode("utf-8")).hexdigest()
            if digest in seen:
                skipped.append(
                    {"source_file": raw.name, "reason": f"duplicate of {seen[digest]} (same text)"}
                )
                continue
            seen[digest], owners[doc_id] = doc_id, raw.name
            texts[doc_id], raw_texts[doc_id] = doc.text, doc.raw
            documents.append(_document_row(raw, doc, doc_id, part, digest, catalog))
            paragraphs += [{"doc_id": doc_id, **row} for row in doc.paragraphs]
            sentences += [{"doc_id": doc_id, **row} for row in doc.sentences]
            headlines += [{"doc_id": doc_id, **row} for row in doc.headlines]
    return {
        "documents": conform(documents, "documents"),
        "paragraphs": conform(paragraphs, "paragraphs"),
        "sentences": conform(sentences, "sentences"),
        "headlines": conform(headlines, "headlines"),
        "skipped": conform(skipped, "skipped"),
        "texts": texts,
        "raw_texts": raw_texts,
    }


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
