"""Safe, fast YAML parsing for the data files (gazetteer, codebook, lexicons, rules).

``yaml.safe_load`` parses in pure Python: the shipped gazetteer and codebook take about half
a second. libyaml's ``CSafeLoader`` builds the same data with the same safe constructor
(plain scalars, lists and mappings; no tags that build objects) several times faster. When
the C parser rejects a text, the pure-Python parser reads it again, so the error a user sees
(with its line and a snippet) is the one ``yaml.safe_load`` gives.
"""

from __future__ import annotations

from typing import Any

import yaml

#: libyaml's safe loader when PyYAML was built with it, else the pure-Python one.
FAST_SAFE_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """Parse ``text`` as ``yaml.safe_load`` does (same data, same errors), with libyaml.

    >>> safe_load("codes: [A, B]\\nn: 3")
    {'codes': ['A', 'B'], 'n': 3}
    """
    try:
        return yaml.load(text, Loader=FAST_SAFE_LOADER)
    except yaml.YAMLError:
        return yaml.safe_load(text)  # raises with the pure-Python parser's message
