"""Text helpers shared by query understanding, scoring and the citation gate.

One place decides what a "word" is, how text is normalised for matching (never for quoting), which
words carry no meaning, how words are stemmed, and which words are ordinary English.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from functools import cache

import Stemmer

# Typographic quotes and dashes folded to their ASCII forms so "it’s" and "it's" match.
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})

# A word, or a number with its decimal part ("0.4", "5-10" stays two numbers).
WORD_RE = re.compile(r"[a-z][a-z0-9'-]*|\d+(?:\.\d+)?")

# Everything normalise() turns into a space: all but letters, digits, apostrophes, hyphens, and a
# decimal point between two digits (so "0.4%" keeps its "0.4").
_SEPARATOR_RE = re.compile(r"(?:(?<!\d)\.|\.(?!\d)|[^a-z0-9'.\-])+")

# The comma of "1,000" (a digit before, exactly three after).
_THOUSANDS_RE = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")

STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me
    more most my myself no nor not now of off on once only or other our ours out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom why will
    with would you your yours yourself tell please know want wondering explain describe mean means
    say says does did thing things kind sort also get got much many really anything something
    someone there's what's it's i'm can't don't doesn't isn't wasn't weren't aren't hasn't haven't hadn't
    didn't won't wouldn't shouldn't couldn't i've i'd i'll you're you've we're we've they're they've
    that's who's let's
    """.split()
)


def fold(text: str) -> str:
    """Typographic quotes, dashes and no-break spaces to plain ASCII ones (lengths unchanged)."""
    return text.translate(_FOLD)


def normalise(text: str) -> str:
    """Lower case, folded, punctuation to single spaces: the form used for matching, never for quotes.

    Decimal numbers keep their point ("0.4%" -> "0.4") and lose thousands separators ("1,000" ->
    "1000"); a full stop ending a sentence does not stay.
    """
    text = _THOUSANDS_RE.sub("", fold(text).lower())
    return " ".join(_SEPARATOR_RE.sub(" ", text).split())


def words(text: str) -> list[str]:
    """The words and numbers of a text, normalised, possessives dropped ("child's" -> "child")."""
    return [w[:-2] if w.endswith("'s") and w not in STOPWORDS else w for w in WORD_RE.findall(normalise(text))]


def content_words(text: str) -> list[str]:
    """The words of a text that carry meaning (stop words and one-letter tokens dropped)."""
    return [w for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


_local = threading.local()


def stemmer() -> Stemmer.Stemmer:
    """This thread's English Snowball stemmer (a PyStemmer object must not be used by two threads at once)."""
    found: Stemmer.Stemmer | None = getattr(_local, "stemmer", None)
    if found is None:
        found = _local.stemmer = Stemmer.Stemmer("english")
    return found


def stem_all(tokens: Iterable[str]) -> list[str]:
    """Snowball stems of already-normalised tokens, in order."""
    return list(stemmer().stemWords(list(tokens)))


def stems(text: str) -> set[str]:
    """The set of stems of a text's words (what two texts share when they say the same thing)."""
    return set(stem_all(re.findall(r"[a-z0-9]+", normalise(text))))


# A Roman numeral (a stage, grade or list number such as "IV"): a code, never a name.
ROMAN_NUMERAL_RE = re.compile(r"^(?=[mdclxvi]+$)m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")


@cache
def english_counts() -> dict[str, int]:
    """Ordinary English words with their corpus frequencies, from pyspellchecker's bundled English list.

    Used to tell an ordinary word ("diploma", "aroma") from a specialist term or a name, which
    the corpus's own vocabulary cannot do. Loaded on first use (about 0.4 s).
    """
    from spellchecker import SpellChecker  # imported here: its list is only needed once a question arrives

    return dict(SpellChecker(language="en").word_frequency.dictionary)


def is_english(word: str) -> bool:
    """True for a word of the English word list (any frequency), in any case or with a possessive 's."""
    lower = fold(word).lower()
    counts = english_counts()
    return lower in counts or lower.removesuffix("'s") in counts


@cache
def _general_min_count(vocabulary_size: int) -> int:
    counts = sorted(english_counts().values(), reverse=True)
    return counts[min(vocabulary_size, len(counts)) - 1] if counts else 0


def is_general_english(word: str, vocabulary_size: int) -> bool:
    """True for a word among the ``vocabulary_size`` most frequent English words: everyday language,
    not a specialist term ("diploma" is; "osteosarcoma" and "pazopanib" are not)."""
    lower = fold(word).lower().removesuffix("'s")
    return english_counts().get(lower, 0) >= max(_general_min_count(vocabulary_size), 1)


# A number as written: "1,000" (thousands separated), "0.4", "12".
_NUMBER_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


def numbers(text: str) -> set[str]:
    """The numbers a text states, thousands separators dropped ("1,000" -> "1000"; "0.4%" -> "0.4")."""
    return {n.replace(",", "") for n in _NUMBER_RE.findall(fold(text))}
