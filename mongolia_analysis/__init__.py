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

import importlib
from typing import TYPE_CHECKING, Any

from .errors import (
    BuildError,
    DataFileError,
    InputError,
    MongoliaAnalysisError,
    ParameterError,
    SchemaError,
)

if TYPE_CHECKING:
    from .corpus import Corpus, CorpusOptions
    from .loading import load_corpus

__version__ = "0.1.0"

#: Names imported on first use (they import pandas): ``mongolia-brief`` answers a reused
#: build, ``params`` or an error without paying for it.
_LAZY = {"Corpus": ".corpus", "CorpusOptions": ".corpus", "load_corpus": ".loading"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
