"""Name matching: the same metric is written many ways in process owners' files.

Names match after Unicode NFKC normalisation (full-width letters and digits become ASCII),
case-folding and trimming; runs of white space count as one space.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def name_key(name: object) -> str:
    """The key two spellings of one name share: NFKC, case-folded, trimmed, spaces folded."""
    text = unicodedata.normalize("NFKC", str(name))
    return _SPACES.sub(" ", text).strip().casefold()
