"""Text helpers shared by query understanding, scoring and the citation gate."""

from __future__ import annotations

import re

import Stemmer

from assistant.query import normalise

STEMMER = Stemmer.Stemmer("english")


def stems(text: str) -> set[str]:
    """Snowball stems of a text's words (for matching, never for quotes)."""
    return set(STEMMER.stemWords(re.findall(r"[a-z0-9]+", normalise(text))))
