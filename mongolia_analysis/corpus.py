"""The :class:`Corpus`: every table of a folder of documents, built on demand.

``load_corpus`` reads files (the only disk access, in :mod:`.reading`), splits them into
documents, paragraphs and sentences (:mod:`.segmenting`, :mod:`.sentences`), and returns a
frozen :class:`Corpus`. The extraction tables (mentions, events, figures, citations, codings,
co-mention network) are computed the first time they are asked for and then kept, so a user
who only needs sentences pays only for sentences.

Every row of every table carries ``doc_id`` and, where it comes from text, ``sent_id``,
``start`` and ``end``: character offsets into ``corpus.text(doc_id)``.

Documents are independent, so on a large corpus (:data:`PARALLEL_MIN_CHARS` of analysed
text) mentions, events, figures and codings are computed a run of whole documents at a time
(at most :data:`PIECE_CHARS` of text each), in several processes when there are several
cores, and the pieces are joined in document order: the tables are the same whatever the
number of processes or pieces, and no extractor holds the Python objects of more than one
piece at a time.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .errors import InputError
from .schema import concat, release_unused_memory

if TYPE_CHECKING:
    import networkx as nx

    from .cache import ResultCache

#: Roles of sentences that carry analysable prose (reference lists and notes are kept apart
#: so that cited titles never leak into events, figures or themes).
ANALYSED_ROLES = ("body", "headline")
#: Characters of analysed text from which the extractors run in several processes (below
#: it, starting the processes costs more than they save).
PARALLEL_MIN_CHARS = 1_000_000
#: Pieces of the corpus per process: several, so that no process idles at the end while
#: another finishes a long piece.
PIECES_PER_WORKER = 4
#: Characters of analysed text in one piece at most: what bounds the memory an extractor's
#: row objects take before they become a table.
PIECE_CHARS = 4_000_000


@dataclass(frozen=True, slots=True)
class CorpusOptions:
    """How the extraction tables are built: which gazetteer and codebook to use, how many
    processes may share the work (None: every core, for a large corpus), and where results
    are reused from and kept (:mod:`.cache`)."""

    gazetteer: Path | None = None
    codebook: Path | None = None
    strict: bool = False
    workers: int | None = None
    cache: ResultCache | None = None  # where results are reused from (None: nowhere)


class _KeyedTexts(Mapping[str, str]):
    """A read-only mapping of texts whose keys are those of one dict (``_keys``)."""

    __slots__ = ()

    def _keys(self) -> dict[str, Any]:
        raise NotImplementedError

    def __contains__(self, key: object) -> bool:
        return key in self._keys()

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())


class TextStore(_KeyedTexts):
    """doc_id → text, kept as UTF-8: a Python string takes two bytes a character as soon as
    it holds one curly quote or Cyrillic letter, UTF-8 about one for this corpus's texts.
    A text is decoded when it is asked for (the last one is kept for the next question).

    >>> store = TextStore({"d-1": "Улаанбаатар “talks”"})
    >>> store["d-1"], list(store), len(store), store == {"d-1": "Улаанбаатар “talks”"}
    ('Улаанбаатар “talks”', ['d-1'], 1, True)
    """

    __slots__ = ("_encoded", "_last")

    def __init__(self, texts: Mapping[str, str] | None = None) -> None:
        self._encoded: dict[str, bytes] = {}
        self._last: tuple[str, str] | None = None
        for key, text in (texts or {}).items():
            self.add(key, text)

    def add(self, key: str, text: str) -> None:
        """Store ``text`` under ``key`` (while the corpus is being built)."""
        self._encoded[key] = text.encode("utf-8", "surrogatepass")

    def __getitem__(self, key: str) -> str:
        last = self._last
        if last is not None and last[0] == key:
            return last[1]
        text = self._encoded[key].decode("utf-8", "surrogatepass")
        self._last = (key, text)
        return text

    def _keys(self) -> dict[str, Any]:
        return self._encoded

    def __reduce__(self) -> tuple[Any, ...]:
        return (_text_store, (self._encoded,))


def _text_store(encoded: dict[str, bytes]) -> TextStore:
    store = TextStore()
    store._encoded = dict(encoded)
    return store


@dataclass(frozen=True, slots=True)
class SourcePart:
    """Where a document's raw text is: the ``part``-th document of a file, and the digest of
    that text (``documents.sha256``) to know the file is unchanged."""

    path: str  # absolute, so that another process (a kernel) reads the same file
    name: str
    part: int
    sha256: str


class SourceTexts(_KeyedTexts):
    """doc_id → raw text, read again from the document's file when asked for.

    The raw texts are another copy of the corpus and are seldom needed, so they are not kept
    in memory: a document's file is read and split again (the last file's documents are
    kept for the next question), and its digest is checked, so a file changed or removed
    since loading is reported, never answered with other text.
    """

    __slots__ = ("_last", "_parts")

    def __init__(self) -> None:
        self._parts: dict[str, SourcePart] = {}
        self._last: tuple[str, list[str]] | None = None

    def add(self, doc_id: str, path: Path, name: str, part: int, sha256: str) -> None:
        """Record where ``doc_id`` comes from (while the corpus is being built)."""
        self._parts[doc_id] = SourcePart(str(Path(path).absolute()), name, part, sha256)

    def __getitem__(self, doc_id: str) -> str:
        source = self._parts[doc_id]
        raws = self._last[1] if self._last and self._last[0] == source.path else None
        if raws is None:
            raws = _raw_texts_of(source)
            self._last = (source.path, raws)
        raw = raws[source.part - 1] if source.part <= len(raws) else None
        if raw is None or text_digest(raw) != source.sha256:
            raise InputError(
                f"{source.name}: the file has changed since the corpus was loaded, so the "
                f"raw text of {doc_id!r} cannot be read again; load the corpus again"
            )
        return raw

    def _keys(self) -> dict[str, Any]:
        return self._parts

    def __reduce__(self) -> tuple[Any, ...]:
        return (_source_texts, (self._parts,))


def _source_texts(parts: dict[str, SourcePart]) -> SourceTexts:
    texts = SourceTexts()
    texts._parts = dict(parts)
    return texts


def _raw_texts_of(source: SourcePart) -> list[str]:
    """The raw texts of the documents of ``source``'s file, as loading found them."""
    from .loading import parse_file
    from .reading import read_document

    raw = read_document(Path(source.path), source.name)
    if raw.text is None:
        raise InputError(
            f"{source.name}: cannot read the file again ({raw.error}); load the corpus again"
        )
    return [doc.raw for doc in parse_file(raw.text)]


def text_digest(raw: str) -> str:
    """The digest of a document's raw text that ``documents.sha256`` holds (whitespace runs
    count as one space, so a re-wrapped copy of a text is known as a duplicate)."""
    return hashlib.sha256(" ".join(raw.split()).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Corpus:
    """All tables of one corpus. Build it with :func:`load_corpus`, never by hand."""

    documents: pd.DataFrame
    paragraphs: pd.DataFrame
    sentences: pd.DataFrame
    headlines: pd.DataFrame
    skipped: pd.DataFrame
    texts: Mapping[str, str] = field(repr=False)
    raw_texts: Mapping[str, str] = field(repr=False)
    options: CorpusOptions = CorpusOptions()

    # -- text access -------------------------------------------------------------------
    def text(self, doc_id: str) -> str:
        """The clean text of ``doc_id``; every ``start``/``end`` offset points into it."""
        try:
            return self.texts[doc_id]
        except KeyError:
            raise InputError(
                f"unknown doc_id {doc_id!r}; known: {', '.join(sorted(self.texts)) or 'none'}"
            ) from None

    def raw_text(self, doc_id: str) -> str:
        """The document's text as read from its file, before any cleaning (read again from
        the file: :class:`InputError` if it has changed since loading)."""
        self.text(doc_id)
        return self.raw_texts[doc_id]

    @property
    def analysed_sentences(self) -> pd.DataFrame:
        """Sentences of body text and headlines: the input of every extractor."""
        return self.sentences[self.sentences["role"].isin(ANALYSED_ROLES)].reset_index(drop=True)

    # -- extraction tables (computed once, on first use) -----------------------------------
    @cached_property
    def gazetteer(self):  # -> Gazetteer
        from .gazetteer import load_gazetteer

        return load_gazetteer(self.options.gazetteer)

    @cached_property
    def codebook(self):  # -> Codebook
        from .themes import load_codebook

        return load_codebook(self.options.codebook)

    @cached_property
    def mentions(self) -> pd.DataFrame:
        """Actor mentions: countries, people, organisations, forums, places."""
        return self._extracted("mentions", ordered_by_id=True)

    @cached_property
    def cooccurrence(self) -> pd.DataFrame:
        """Actor co-mention edges within a sentence: source, target, n_sentences, n_documents."""
        from .network import build_cooccurrence

        return build_cooccurrence(self.mentions)

    def graph(self) -> nx.Graph:
        """The co-mention network as a networkx graph (edge weight = n_sentences)."""
        from .network import to_graph

        return to_graph(self.cooccurrence, self.mentions)

    @cached_property
    def events(self) -> pd.DataFrame:
        """Dated, coded events (CAMEO and PLOVER) for the timeline."""
        return self._extracted(
            "events", ordered_by_id=True,
            mentions=self.mentions, documents=self.documents, headlines=self.headlines,
        )  # fmt: skip

    @cached_property
    def event_clusters(self) -> pd.DataFrame:
        """Events grouped across documents: one row per real happening, with n_sources."""
        from .events import cluster_events

        people = self.gazetteer.to_frame().dropna(subset=["nationality"])
        nationality = dict(zip(people["entity_id"], people["nationality"], strict=True))
        return cluster_events(self.events, nationality=nationality)

    @cached_property
    def figures(self) -> pd.DataFrame:
        """Quantities: money, percentages, counts, ranks, energy."""
        return self._extracted("figures", ordered_by_id=False)

    @cached_property
    def citations(self) -> pd.DataFrame:
        """Works cited in reference lists and footnotes, linked to inline markers."""
        from .citations import extract_citations

        return extract_citations(self.sentences, self.paragraphs, texts=self.texts)

    @cached_property
    def codings(self) -> pd.DataFrame:
        """Thematic codes per sentence, from the codebook."""
        return self._extracted("codings", ordered_by_id=True)

    @cached_property
    def code_matrix(self) -> pd.DataFrame:
        """Code × document counts of coded sentences."""
        from .themes import code_document_matrix

        return code_document_matrix(self.codings, self.documents, codebook=self.codebook)

    @cached_property
    def code_cooccurrence(self) -> pd.DataFrame:
        """Code × code co-occurrence (same sentence) with counts and the c-coefficient."""
        from .themes import code_cooccurrence

        return code_cooccurrence(self.codings)

    # -- extraction, a piece at a time --------------------------------------------------------
    def _extracted(self, task: str, *, ordered_by_id: bool, **tables: pd.DataFrame) -> pd.DataFrame:
        """``task``'s table over the analysed sentences (and ``tables``): each document's rows
        from the result cache when there is one and it has them, the others computed."""
        sentences = self.analysed_sentences
        if self.options.cache is None or not _in_blocks(sentences):
            table = self._computed(task, sentences, ordered_by_id=ordered_by_id, **tables)
        else:
            table = self._reused(task, sentences, ordered_by_id=ordered_by_id, **tables)
        release_unused_memory()  # what the pieces and rows took
        return table

    def _computed(
        self, task: str, sentences: pd.DataFrame, *, ordered_by_id: bool, **tables: pd.DataFrame
    ) -> pd.DataFrame:
        """``task``'s table over ``sentences`` (and ``tables``), in pieces when they are many
        (:meth:`_in_pieces`)."""
        table = self._in_pieces(task, sentences, ordered_by_id=ordered_by_id, **tables)
        if table is None:
            table = _extract(task, {"sentences": sentences, **tables}, **self._tools(task))
        return table

    def _reused(
        self, task: str, sentences: pd.DataFrame, *, ordered_by_id: bool, **tables: pd.DataFrame
    ) -> pd.DataFrame:
        """:meth:`_computed` a document at a time: rows the cache holds for a document's
        content are taken, the other documents' computed (all at once) and kept there.

        Every extractor treats documents independently and gives a document's rows together,
        so joining the documents' rows in the extractor's order (by doc_id, or the table's)
        gives the table computed at once."""
        store = self.options.cache
        assert store is not None
        order = list(dict.fromkeys(sentences["doc_id"].tolist()))
        if ordered_by_id:
            order.sort()
        keys = self._result_keys(store, task)
        found = {doc: store.get(task, keys[doc]) for doc in order}
        missing = [doc for doc, rows in found.items() if rows is None]
        if missing:
            subset = {"sentences": sentences, **tables}
            if len(missing) < len(order):
                subset = {name: rows[rows["doc_id"].isin(missing)] for name, rows in subset.items()}
            fresh = self._computed(task, ordered_by_id=ordered_by_id, **subset)
            for doc, rows in _by_document(fresh, missing).items():
                store.put(task, keys[doc], rows)
                found[doc] = rows
        return _joined([found[doc] for doc in order])

    def _result_keys(self, store: Any, task: str) -> dict[str, str]:
        """doc_id → the cache key of ``task``'s rows for that document as it is now."""
        from .cache import file_digest

        tools = [file_digest(self.options.gazetteer), file_digest(self.options.codebook)]
        return {doc: store.key(task, tools, content) for doc, content in self._contents.items()}

    @cached_property
    def _contents(self) -> dict[str, str]:
        """doc_id → sha256 of all an extractor reads of the document: its analysed sentences,
        its ``documents`` row and its headlines."""
        digests: dict[str, Any] = {}
        frames = (self.analysed_sentences, self.documents, self.headlines)
        for label, frame in zip(("sentences", "document", "headlines"), frames, strict=True):
            columns = [frame[name].tolist() for name in frame.columns]
            for row in zip(*columns, strict=True):
                digest = digests.get(row[0])
                if digest is None:
                    digest = digests[row[0]] = hashlib.sha256()
                digest.update(f"{label}{row!r}\n".encode("utf-8", "surrogatepass"))
        return {doc: digest.hexdigest() for doc, digest in digests.items()}

    def _tools(self, task: str) -> dict[str, Any]:
        """The gazetteer or codebook that ``task`` needs (loaded only then)."""
        if task == "mentions":
            return {"gazetteer": self.gazetteer}
        return {"codebook": self.codebook} if task == "codings" else {}

    def _in_pieces(
        self, task: str, sentences: pd.DataFrame, *, ordered_by_id: bool, **tables: pd.DataFrame
    ) -> pd.DataFrame | None:
        """``task``'s table computed a piece at a time, or None when one piece is best.

        The documents are cut into runs (in doc_id order when the extractor sorts its rows
        by doc_id, else in table order) of at most :data:`PIECE_CHARS` characters, and at
        least :data:`PIECES_PER_WORKER` per process; each piece holds the rows of
        ``sentences`` and of ``tables`` of one run, the pieces are extracted one after another
        (one process) or in a process pool, and their tables are joined in run order. Every
        extractor treats documents independently, so the result is the one-piece table.
        """
        workers = self.options.workers or os.cpu_count() or 1
        if len(sentences) == 0 or sentences["doc_id"].isna().any():
            return None
        chars = int(sentences["text"].str.len().sum())
        if chars < PARALLEL_MIN_CHARS:
            return None
        n_runs = -(-chars // PIECE_CHARS)
        if workers > 1:
            n_runs = max(n_runs, workers * PIECES_PER_WORKER)
        runs = _document_runs(sentences, n_runs, by_id=ordered_by_id)
        if len(runs) < 2:
            return None
        pieces = (
            {
                name: frame[frame["doc_id"].isin(run)]
                for name, frame in {"sentences": sentences, **tables}.items()
            }
            for run in runs
        )
        if workers <= 1:
            tools = self._tools(task)
            return _joined([_extract(task, piece, **tools) for piece in pieces])
        _prepare(task)
        context = _fork_context()
        # under fork the workers inherit the loaded gazetteer or codebook; otherwise each
        # worker reads it again from the options
        forked = context is not None
        if forked and task == "mentions":
            self.gazetteer.matcher.name_gate  # noqa: B018 (computed once, then inherited)
        shared = (
            self.gazetteer if forked and task == "mentions" else None,
            self.codebook if forked and task == "codings" else None,
        )
        with ProcessPoolExecutor(
            max_workers=min(workers, len(runs)), mp_context=context,
            initializer=_start_worker, initargs=(self.options, *shared),
        ) as pool:  # fmt: skip
            return _joined(list(pool.map(_extract_piece, [task] * len(runs), pieces)))

    # -- export ------------------------------------------------------------------------
    TABLE_NAMES = (
        "documents",
        "paragraphs",
        "sentences",
        "headlines",
        "skipped",
        "mentions",
        "events",
        "event_clusters",
        "figures",
        "citations",
        "codings",
        "cooccurrence",
    )

    def tables(self, names: Iterable[str] | None = None) -> dict[str, pd.DataFrame]:
        """Every table (or the named ones) by name."""
        return {name: getattr(self, name) for name in (names or self.TABLE_NAMES)}

    def to_parquet(self, directory: str | Path) -> list[Path]:
        """Write every table as ``<name>.parquet`` into ``directory``; return the paths."""
        from .exporting import write_tables

        return write_tables(self.tables(), Path(directory), fmt="parquet")

    def to_csv(self, directory: str | Path) -> list[Path]:
        """Write every table as ``<name>.csv`` into ``directory``; return the paths."""
        from .exporting import write_tables

        return write_tables(self.tables(), Path(directory), fmt="csv")

    def __repr__(self) -> str:
        kinds = self.documents["kind"].value_counts().to_dict() if len(self.documents) else {}
        years = self.documents["year"].dropna()
        span = f"{int(years.min())}–{int(years.max())}" if len(years) else "undated"
        return (
            f"<Corpus {len(self.documents)} documents "
            f"({', '.join(f'{n} {k}' for k, n in sorted(kinds.items())) or 'none'}), "
            f"{len(self.paragraphs)} paragraphs, {len(self.sentences)} sentences, "
            f"{len(self.headlines)} headlines, published {span}, "
            f"{len(self.skipped)} skipped>"
        )


# -- extraction in several processes (module level: the workers import these) -----------------
def _document_runs(sentences: pd.DataFrame, n_runs: int, *, by_id: bool) -> list[list[str]]:
    """Consecutive documents in about ``n_runs`` runs of similar amounts of text (sorted by
    doc_id, or in table order; none if a document's rows are scattered in the table)."""
    sizes: dict[str, int] = {}
    previous, blocks = None, 0
    for doc_id, text in zip(sentences["doc_id"].tolist(), sentences["text"].tolist(), strict=True):
        sizes[doc_id] = sizes.get(doc_id, 0) + (len(text) if isinstance(text, str) else 0)
        blocks += doc_id != previous
        previous = doc_id
    if not by_id and blocks != len(sizes):
        return []  # a document's rows are not together: the table order cannot be kept
    doc_ids = sorted(sizes) if by_id else list(sizes)
    target = max(1, sum(sizes.values()) // max(1, n_runs))
    runs: list[list[str]] = [[]]
    filled = 0
    for doc_id in doc_ids:
        if filled >= target and runs[-1]:
            runs.append([])
            filled = 0
        runs[-1].append(doc_id)
        filled += sizes[doc_id]
    return runs


def _fork_context() -> Any:
    """The fork start method where there is one (workers then share the parent's data)."""
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None  # pragma: no cover - Windows, or a platform without fork


def _prepare(task: str) -> None:
    """Load in this process what ``task``'s workers need, so that forked workers inherit it."""
    from .dates import find_dates

    find_dates("")  # compiles the date patterns' prefilter
    if task == "events":
        from .events import load_event_lexicon

        lexicon = load_event_lexicon()
        lexicon.gate, lexicon.hypothetical_gate  # noqa: B018 (computed once, then cached)
    elif task == "figures":
        from .figures import load_vocabulary

        load_vocabulary().core_gate  # noqa: B018 (computed once, cached on the vocabulary)


_WORKER: dict[str, Any] = {}


def _start_worker(options: CorpusOptions, gazetteer: Any, codebook: Any) -> None:
    """Initialise an extraction worker with the corpus's gazetteer and codebook."""
    _WORKER.clear()
    _WORKER.update(options=options, gazetteer=gazetteer, codebook=codebook)


def _worker_tool(name: str, load: Callable[[Path | None], Any]) -> Any:
    if _WORKER.get(name) is None:
        _WORKER[name] = load(getattr(_WORKER["options"], name))
    return _WORKER[name]


def _in_blocks(sentences: pd.DataFrame) -> bool:
    """True when every document's rows are together in ``sentences`` (and none lacks a
    doc_id): the condition for taking a table a document at a time."""
    if sentences["doc_id"].isna().any():
        return False
    ids = sentences["doc_id"].tolist()
    starts = sum(doc != previous for previous, doc in zip([None, *ids], ids, strict=False))
    return starts == len(set(ids))


def _by_document(table: pd.DataFrame, doc_ids: list[str]) -> dict[str, pd.DataFrame]:
    """The rows of each of ``doc_ids`` in ``table`` (whose documents' rows are together),
    an empty frame for a document without any."""
    ids = table["doc_id"].tolist()
    bounds: dict[str, tuple[int, int]] = {}
    for index, doc in enumerate(ids):
        first = bounds.get(doc)
        if first is None:
            bounds[doc] = (index, index + 1)
        elif first[1] == index:
            bounds[doc] = (first[0], index + 1)
        else:
            raise ValueError(f"the rows of document {doc!r} are not together")
    none = table.iloc[0:0]
    return {
        doc: table.iloc[slice(*bounds[doc])].reset_index(drop=True) if doc in bounds else none
        for doc in doc_ids
    }


def _joined(results: list[pd.DataFrame]) -> pd.DataFrame:
    """The pieces' tables as one, in their order (the first one's attrs)."""
    found = [frame for frame in results if len(frame)]
    joined = concat(found) if found else results[0]
    joined.attrs = dict(results[0].attrs)
    return joined


def _extract_piece(task: str, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """In a worker: ``task``'s table for one run of documents."""
    from .gazetteer import load_gazetteer
    from .themes import load_codebook

    if task == "mentions":
        return _extract(task, tables, gazetteer=_worker_tool("gazetteer", load_gazetteer))
    if task == "codings":
        return _extract(task, tables, codebook=_worker_tool("codebook", load_codebook))
    return _extract(task, tables)


def _extract(
    task: str, tables: dict[str, pd.DataFrame], *, gazetteer: Any = None, codebook: Any = None
) -> pd.DataFrame:
    """``task``'s table for one run of documents (``tables``: its rows of each input)."""
    sentences = tables["sentences"]
    if task == "mentions":
        from .mentions import extract_mentions

        return extract_mentions(sentences, gazetteer)
    if task == "events":
        from .events import extract_events

        return extract_events(
            sentences, tables["mentions"], tables["documents"], headlines=tables["headlines"]
        )
    if task == "figures":
        from .figures import extract_figures

        return extract_figures(sentences)
    if task == "codings":
        from .themes import code_sentences

        return code_sentences(sentences, codebook)
    raise ValueError(f"unknown extraction task {task!r}")
