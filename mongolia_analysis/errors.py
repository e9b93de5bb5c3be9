"""One exception hierarchy for the package.

Every message names the file, entry or parameter concerned and says what to do.
"""

from __future__ import annotations


class MongoliaAnalysisError(Exception):
    """Base class of every error the package raises on purpose."""


class InputError(MongoliaAnalysisError):
    """A document or folder given to :func:`load_corpus` cannot be used."""


class DataFileError(MongoliaAnalysisError):
    """A gazetteer, codebook or catalog file is malformed (the message names file and entry)."""


class ParameterError(MongoliaAnalysisError):
    """A build parameter is unknown, of the wrong type or out of range."""


class SchemaError(MongoliaAnalysisError):
    """A table does not meet its declared contract (missing column, duplicate key)."""


class BuildError(MongoliaAnalysisError):
    """A notebook or a rendering step failed during a build."""
