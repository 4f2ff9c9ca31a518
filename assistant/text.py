"""Text helpers shared by query understanding, scoring and the citation gate.

One place decides what a "word" is, how text is normalised for matching (never for quoting), which
words carry no meaning, how words are stemmed, and which words are ordinary English.
"""

from __future__ import annotations

import bisect
import math
import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache

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
    that's who's let's she's he's
    im theres whats thats shes hes dont doesnt isnt wasnt werent arent hasnt havent hadnt didnt wouldnt
    shouldnt couldnt ive youre youve theyre theyve weve whos
    """.split()  # (the last two lines: contractions typed on a phone without their apostrophe, "im", "doesnt")
)


# Letters that decompose into no base letter and accent, spelt as an English keyboard writes them.
_UNACCENTED = str.maketrans(
    {"æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "Oe", "ß": "ss", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L"}
)


def without_accents(text: str) -> str:
    """The text with its letters' accents dropped ("Ibáñez" -> "Ibanez", "Bjørnæs" -> "Bjornaes"): a
    question typed on an English keyboard names what a page writes with them. (Canonical decomposition only:
    "½" and "²" stay as they are.)"""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text.translate(_UNACCENTED))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Typographic quotes, dashes and no-break spaces to plain ASCII ones (lengths unchanged)."""
    return text.translate(_FOLD)


@lru_cache(maxsize=1 << 15)
def normalise(text: str) -> str:
    """Lower case, folded, unaccented, punctuation to single spaces: the form used for matching, never for quotes.

    Decimal numbers keep their point ("0.4%" -> "0.4") and lose thousands separators ("1,000" ->
    "1000"); a full stop ending a sentence does not stay.
    """
    text = _THOUSANDS_RE.sub("", without_accents(fold(text).lower()))
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


@lru_cache(maxsize=1 << 15)
def stems(text: str) -> frozenset[str]:
    """The set of stems of a text's words (what two texts share when they say the same thing).
    Cached: the same passages are matched by question after question."""
    tokens = re.findall(r"[a-z0-9]+", normalise(text))
    # "Noncancerous" speaks of cancer (to say it is not): the word after the prefix is said too.
    tokens += [t[3:] for t in tokens if t.startswith("non") and len(t) >= NON_PREFIX_MIN_CHARS]
    return frozenset(stem_all(tokens))


# Stems of international nonproprietary drug names (WHO INN stems): ...mab, ...tinib, ...platin, ...
DRUG_NAME = (
    r"\b[a-z]+(mab|nib|ciclib|parib|stat|platin|phosphamide|fosfamide|rubicin|mycin|taxel|tecan|citabine|"
    r"trexate|blastine|cristine|poside|mustine|olimus|zomib|lisib|degib|dronate|dronic)\b"
)
# A drug's name: what "which drug" asks for, and what a nurse's letters of one may stand for.
DRUG_NAME_RE = re.compile(DRUG_NAME, re.I)
# A vowel: a word typed without one ("vbl", "hrs") is shorthand, never a word spelt out.
VOWEL_RE = re.compile(r"[aeiouy]", re.I)
# A cytotoxic drug by its international nonproprietary name's stem (WHO INN stems: ...platin, ...rubicin, ...taxel),
# or one of the few whose stem is an antibiotic's (bleomycin): a person on one is having chemotherapy.
CHEMOTHERAPY_DRUG_RE = re.compile(
    r"\b(?:[a-z]+(?:platin|phosphamide|fosfamide|rubicin|taxel|tecan|citabine|trexate|blastine|cristine|poside|"
    r"mustine|trexed)|(?:bleo|mito|dactino|actino)mycin)\b",
    re.I,
)


# "what" typed short on a phone ("wat temp is too high"): read as the question word by the answerer and the router.
PHONE_WHAT = r"\b(?:wat|wut|wht)\b"
NON_PREFIX_MIN_CHARS = 9  # "noncancerous", "nonsurgical", "noninvasive"; not "none", "nonsense", "nonstop"


def stems_related(a: str, b: str, min_shared: int) -> bool:
    """Two stems of one word family: equal, or one a prefix of the other of at least ``min_shared``
    letters. Snowball keeps derivations apart ("treat" / "treatment", "gene" / "genet"); a shared
    start of a real word's length joins them without a lexicon."""
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= min_shared and long_.startswith(short)


def covered_stems(asked: Iterable[str], present: Iterable[str], min_shared: int) -> set[str]:
    """The stems of ``asked`` that some stem of ``present`` is related to (see :func:`stems_related`)."""
    have = present if isinstance(present, frozenset) else frozenset(present)
    return {a for a in asked if related_in(a, have, min_shared)}


def any_related(asked: Iterable[str], present: frozenset[str], min_shared: int) -> bool:
    """Whether some stem of ``asked`` is related to some stem of ``present`` (see :func:`stems_related`)."""
    return any(related_in(a, present, min_shared) for a in asked)


def related_in(stem: str, present: frozenset[str], min_shared: int) -> bool:
    """Whether ``present`` holds a stem related to ``stem``: itself, one of its prefixes, or a stem it opens.
    Set lookups and one binary search instead of a comparison with every stem (questions are scored
    against dozens of passages, each of dozens of words)."""
    if stem in present:
        return True
    if any(stem[:k] in present for k in range(min_shared, len(stem))):
        return True
    if len(stem) < min_shared:
        return False
    ordered = _ordered(present)
    at = bisect.bisect_left(ordered, stem)
    return at < len(ordered) and ordered[at].startswith(stem)


@lru_cache(maxsize=1 << 12)
def _ordered(present: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(present))


class StemRoots:
    """A set of stems that answers "does any start with this word's root?" by binary search: a loose
    word-family test ("metastatic" / "metastases", "sacrum" / "sacral") for checks that must not
    miss a family member, at any vocabulary size."""

    def __init__(self, stems_: Iterable[str]) -> None:
        self.sorted = sorted(set(stems_))
        self.reversed = sorted(stem[::-1] for stem in self.sorted)  # for compounds: "radiotherapi" ends "therapi"

    def has_compound_of(self, stem: str, min_prefix: int) -> bool:
        """True when some stem is ``stem`` with at least ``min_prefix`` letters before it: a compound
        of it ("radiotherapy", "chemotherapy" for "therapy")."""
        tail = stem[::-1]
        at = bisect.bisect_left(self.reversed, tail)
        while at < len(self.reversed) and self.reversed[at].startswith(tail):
            if len(self.reversed[at]) >= len(tail) + min_prefix:
                return True
            at += 1
        return False

    def has_root_of(self, stem: str, min_chars: int, share: float, names: frozenset[str] = frozenset()) -> bool:
        """True when some stem starts with the first max(min_chars, share × length) letters of ``stem``. A stem
        of ``names`` counts only when it is ``stem`` itself: "protuberans" in a condition's name is no
        form of "proton"."""
        root = stem[: max(min_chars, math.ceil(share * len(stem)))]
        at = bisect.bisect_left(self.sorted, root)
        while at < len(self.sorted) and self.sorted[at].startswith(root):
            if self.sorted[at] == stem or self.sorted[at] not in names:
                return True
            at += 1
        return False


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


# British spellings to the American ones of the word list ("behaviour", "tumour", "haemorrhage",
# "oesophagus", "organise", "centre"): spelling conventions of English, not words of any document.
_BRITISH_TO_AMERICAN = [
    (re.compile(r"our(s|ed|ing|al|ite|ites)?$"), r"or\1"),
    (re.compile(r"is(e|es|ed|ing|ation|ations)$"), r"iz\1"),
    (re.compile(r"(?<=[^aeiou])tre(s)?$"), r"ter\1"),
    (re.compile(r"ae"), "e"),
    (re.compile(r"oe(?=[a-z])"), "e"),
]


def spelling_variants(word: str) -> list[str]:
    """The word and its American spelling(s), when it is spelt the British way."""
    variants = [word]
    for pattern, replacement in _BRITISH_TO_AMERICAN:
        changed = pattern.sub(replacement, word)
        if changed != word:
            variants.append(changed)
    return variants


def is_english(word: str) -> bool:
    """True for a word of the English word list (any frequency), in any case, with a possessive 's,
    or in British spelling."""
    lower = fold(word).lower().removesuffix("'s")
    counts = english_counts()
    return any(v in counts for v in spelling_variants(lower))


@cache
def _general_min_count(vocabulary_size: int) -> int:
    counts = sorted(english_counts().values(), reverse=True)
    return counts[min(vocabulary_size, len(counts)) - 1] if counts else 0


def is_general_english(word: str, vocabulary_size: int) -> bool:
    """True for a word among the ``vocabulary_size`` most frequent English words: everyday language,
    not a specialist term ("diploma" is; "osteosarcoma" and "pazopanib" are not)."""
    lower = fold(word).lower().removesuffix("'s")
    counts = english_counts()
    return max(counts.get(v, 0) for v in spelling_variants(lower)) >= max(_general_min_count(vocabulary_size), 1)


def _one_slip(word: str) -> set[str]:
    """Every string one keying slip from ``word``: a letter dropped, doubled or added, swapped with the next,
    or replaced (Norvig's edits1)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return {
        *(a + b[1:] for a, b in splits if b),
        *(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1),
        *(a + c + b[1:] for a, b in splits if b for c in letters),
        *(a + c + b for a, b in splits for c in letters),
    }


@lru_cache(maxsize=1 << 12)
def misspelt_everyday_word(word: str, vocabulary_size: int, min_length: int) -> str | None:
    """The everyday English word that ``word`` is one slip away from ("actualy": "actually", "normaly":
    "normally"), when ``word`` is at least ``min_length`` letters and no English word itself; else None."""
    lower = word.lower()
    if len(lower) < min_length or not lower.isalpha() or is_english(lower):
        return None
    counts = english_counts()
    count, best = max(((counts.get(c, 0), c) for c in _one_slip(lower)), default=(0, ""))
    return best if best and count >= max(_general_min_count(vocabulary_size), 1) else None


# A number as written: "1,000" (thousands separated), "0.4", "12".
_NUMBER_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


def numbers(text: str) -> set[str]:
    """The numbers a text states, thousands separators dropped ("1,000" -> "1000"; "0.4%" -> "0.4")."""
    return {n.replace(",", "") for n in _NUMBER_RE.findall(fold(text))}


def sentence_pieces(text: str) -> list[str]:
    """What is embedded for one sentence: the sentence, and for a long one also its clauses.

    A 60-word abstract sentence ("... is reported: a 48-year-old woman presented with ...") embeds
    to a blur; its clauses, embedded on their own, still match a question about one of them.
    """
    pieces = [text]
    if len(text.split()) > 25:
        clauses = [c.strip() for c in re.split(r"[:;]\s|,\s(?:and|but|while|whereas|which)\s", text)]
        if len(clauses) > 1 and all(len(c.split()) >= 4 for c in clauses):
            pieces += clauses
    return pieces


# Words that negate what follows them ("has not spread", "without spread", "never came back").
NEGATORS = frozenset({"not", "no", "never", "without", "cannot", "nor"})
# Negators of a noun phrase, whose every word is negated ("without tumor recurrence"), and how far one reaches.
_NEGATED_NOUN_PHRASE_RE = re.compile(r"\b(?:without|no) ([A-Za-z-]+(?: [A-Za-z-]+)*)", re.I)
_NEGATED_PHRASE_MAX_WORDS = 2  # (a compound's head after its modifiers: "no lymph node spread")
# Words that may stand between a negator and what it negates ("has not yet spread").
_NEGATION_FILLERS = frozenset({"yet", "ever", "even", "always", "really", "usually", "often", "further"})


@lru_cache(maxsize=1 << 15)
def negated_stems(text: str, reach: int = 3) -> frozenset[str]:
    """Stems of the content words a text negates: the first word after a negator ("not", "never",
    "without", any "-n't") within ``reach`` words that is not a stop word. "whose cancer has not yet
    spread" negates "spread"; "it has spread" negates nothing."""
    tokens = words(text)
    found: list[str] = []
    for i, token in enumerate(tokens):
        if token in NEGATORS or token.endswith("n't"):
            following = [
                w
                for w in tokens[i + 1 : i + 1 + reach]
                if w not in STOPWORDS and w not in NEGATORS and w not in _NEGATION_FILLERS
            ]
            if following and following[0].isalpha():
                found.append(following[0])
    # "without tumor recurrence", "no lymph node spread": a noun phrase is negated whole, up to the next little word
    # ("or", "and", "of") or mark ("(with or without blood)" / "pain" negates no pain).
    for phrase in _NEGATED_NOUN_PHRASE_RE.finditer(text):
        for word in phrase.group(1).lower().split()[1 : 1 + _NEGATED_PHRASE_MAX_WORDS]:
            if word in STOPWORDS:
                break
            found.append(word)
    return frozenset(stem_all(found))


@lru_cache(maxsize=1 << 16)
def spelling_key(phrase: str) -> str:
    """A normalised phrase with British spellings folded to American ones ("desmoid tumours" and
    "desmoid tumors", "haemangioma" and "hemangioma" meet): for matching names, never for quoting."""
    return " ".join(_BRITISH_OUR_RE.sub(r"or\1", word).replace("ae", "e").replace("oe", "e") for word in phrase.split())


_BRITISH_OUR_RE = re.compile(r"our(s?)$")  # tumour(s), colour, behaviour


# Who a figure is of, by age group: children (a child's own words, or an age under 18) or adults. ("son" and
# "daughter" say nothing of age: a son may be 27.)
AGE_GROUP_RES = {
    "children": re.compile(
        r"\b(child|children|childhood|kids?|bab(y|ies)|infants?|toddlers?|teens?|teenagers?|adolescents?|p(a)?ediatric|"
        r"boys?|girls?)\b",
        re.I,
    ),
    "adults": re.compile(r"\b(adults?|grown-?ups?)\b", re.I),
}
ADULT_AGE = 18
# A document saying whom it is written for, in English: "This leaflet is for adults aged 18 and over", "This
# guideline covers children and young people up to 16 years", "this guide does not cover them".
_SELF_REFERENCE_RE = re.compile(
    r"\b(?:this|our) (?:page|guide|guideline|leaflet|booklet|factsheet|fact sheet|information|document|website)\b", re.I
)
_SCOPE_GROUPS = {
    "children": r"child|children|kids?|bab(?:y|ies)|infants?|toddlers?|teens?|teenagers?|adolescents?|young people|"
    r"boys?|girls?",
    "adults": r"adults?|grown-?ups?|men|women",
}
_WRITTEN_FOR_RE = re.compile(
    r"\b(?:for|about|applies to|apply to|covers)\s+(?:[\w'-]+\s+){0,4}?\**"
    rf"(?:(?P<children>{_SCOPE_GROUPS['children']})|(?P<adults>{_SCOPE_GROUPS['adults']}))\b",
    re.I,
)
_NOT_COVERED_RE = re.compile(r"\b(?:does not|doesn't|do not|don't) (?:cover|apply to|include)\b", re.I)
# An age range said of whom: "aged 0 to 17", "under 18" (children); "aged 16 and over", "18 or older" (adults).
_AGES_UP_TO_RE = re.compile(r"\b(?:aged \d{1,2} to|under) (\d{1,2})\b", re.I)
_AGES_FROM_RE = re.compile(r"\b(\d{1,2}) (?:years )?(?:and|or) (?:over|older|above)\b", re.I)


def scope_age_group(sentence: str) -> str | None:
    """The age group ("children" or "adults") a document's sentence about itself says it is written for, or None:
    "This leaflet is for adults aged 18 and over", "... and this guide does not cover them" (said of adults: for
    children). Only a sentence naming the document itself ("this page", "this guideline") speaks of its scope."""
    if not _SELF_REFERENCE_RE.search(sentence):
        return None
    said = {group for match in _WRITTEN_FOR_RE.finditer(sentence) for group in _SCOPE_GROUPS if match.group(group)}
    said |= {"children" for m in _AGES_UP_TO_RE.finditer(sentence) if int(m.group(1)) <= ADULT_AGE}
    said |= {"adults" for m in _AGES_FROM_RE.finditer(sentence) if int(m.group(1)) >= ADULT_AGE - 2}
    if not said and _NOT_COVERED_RE.search(sentence):
        # ("Adults are treated differently and this guide does not cover them": the group not covered is named.)
        named = {group for group, pattern in AGE_GROUP_RES.items() if pattern.search(sentence)}
        said = {"children", "adults"} - named if len(named) == 1 else set()
    return said.pop() if len(said) == 1 else None
