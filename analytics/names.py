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


MAX_NAME_LENGTH = 200
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def name_problem(name: str) -> str | None:
    """Why a new metric name cannot be accepted (control characters, direction overrides that
    make text display differently from what it is, absurd lengths), or None."""
    if len(name) > MAX_NAME_LENGTH:
        return f"the name is {len(name)} characters long; at most {MAX_NAME_LENGTH} are allowed"
    if any(ch in _BIDI for ch in name):
        return "the name contains right-to-left or other direction control characters"
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs") and ch not in _BIDI for ch in name):
        return "the name contains control or invisible characters"
    return None
