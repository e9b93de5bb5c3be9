"""The brief's sections, one module per concern; :mod:`mongolia_analysis.report` is the entry.

:mod:`.context` holds the state (:class:`BriefContext`, :class:`Section`) and the only reads
(``data/report.yaml``, the evaluation's accuracy file); :mod:`.common` the HTML helpers.
"""
