"""The :class:`Corpus`: every table of a folder of documents, built on demand.

``load_corpus`` reads files (the only disk access, in :mod:`.reading`), splits them into
documents, paragraphs and sentences (:mod:`.segmenting`, :mod:`.sentences`), and returns a
frozen :class:`Corpus`. The extraction tables (mentions, events, figures, citations, codings,
co-mention network) are computed the first time they are asked for and then kept, so a user
who only needs sentences pays only for sentences.

Every row of every table carries ``doc_id`` and, where it comes from text, ``sent_id``,
``start`` and ``end``: character offsets into ``corpus.text(doc_id)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .errors import InputError

if TYPE_CHECKING:
    import networkx as nx

#: Roles of sentences that carry analysable prose (reference lists and notes are kept apart
#: so that cited titles never leak into events, figures or themes).
ANALYSED_ROLES = ("body", "headline")


@dataclass(frozen=True, slots=True)
class CorpusOptions:
    """How the extraction tables are built: which gazetteer and codebook to use."""

    gazetteer: Path | None = None
    codebook: Path | None = None
    strict: bool = False


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
        """The document's text as read from its file, before any cleaning."""
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
        from .mentions import extract_mentions

        return extract_mentions(self.analysed_sentences, self.gazetteer)

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
        from .events import extract_events

        return extract_events(
            self.analysed_sentences, self.mentions, self.documents, headlines=self.headlines
        )

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
        from .figures import extract_figures

        return extract_figures(self.analysed_sentences)

    @cached_property
    def citations(self) -> pd.DataFrame:
        """Works cited in reference lists and footnotes, linked to inline markers."""
        from .citations import extract_citations

        return extract_citations(self.sentences, self.paragraphs, texts=self.texts)

    @cached_property
    def codings(self) -> pd.DataFrame:
        """Thematic codes per sentence, from the codebook."""
        from .themes import code_sentences

        return code_sentences(self.analysed_sentences, self.codebook)

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
