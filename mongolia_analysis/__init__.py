"""mongolia_analysis: documents on Mongolia's soft-power mediation into tables and a brief.

Data flows one way. :mod:`.reading` is the only module that opens input files: it decodes
bytes (charset detection) and reduces HTML to article text. :mod:`.segmenting` splits a file
into documents (a headline ticker and an article can share a file), drops web boilerplate and
finds titles, bylines and dates (:mod:`.metadata`), headline items (:mod:`.headlines`),
paragraphs and sentences (:mod:`.sentences`). :func:`load_corpus` assembles these into a frozen
:class:`Corpus` whose tables are pandas DataFrames with declared dtypes (:mod:`.schema`).
Extractors are pure DataFrame → DataFrame functions computed on demand: actor mentions from a
YAML gazetteer (:mod:`.gazetteer`, :mod:`.mentions`), the co-mention network (:mod:`.network`),
dated CAMEO/PLOVER events (:mod:`.events`), figures (:mod:`.figures`), cited works
(:mod:`.citations`) and codebook themes (:mod:`.themes`). Every row carries ``doc_id``,
``sent_id``, ``start`` and ``end`` into ``corpus.text(doc_id)``, so a claim in the brief can be
traced to its sentence. Parameterised notebooks, executed by papermill through
:func:`build_brief` (also the ``mongolia-brief`` command), turn the tables into the brief.
"""

from __future__ import annotations

from .corpus import Corpus, CorpusOptions
from .errors import (
    BuildError,
    DataFileError,
    InputError,
    MongoliaAnalysisError,
    ParameterError,
    SchemaError,
)
from .loading import load_corpus

__version__ = "0.1.0"

__all__ = [
    "BuildError",
    "Corpus",
    "CorpusOptions",
    "DataFileError",
    "InputError",
    "MongoliaAnalysisError",
    "ParameterError",
    "SchemaError",
    "load_corpus",
]
