"""Query understanding: what the corpus teaches about its own words, lay words, spelling and follow-ups.

Everything the expander knows about the documents it learns from them at load time: acronyms such
as "Long Form (LF)", the plain-words glosses a page gives for its terms ("term (plain words)"), the
spelling of every word, which conditions each document is about. The only hand-written knowledge is
a general lay/clinical lexicon kept as data (``assistant/data/lay_terms.toml``, and ``case_terms.toml`` for
how case reports tell their cases), and the English word
list that tells an ordinary word from a specialist term or a name (``assistant.text``).
"""

from __future__ import annotations

import bisect
import itertools
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

from assistant.corpus import DocumentInfo
from assistant.ingest import ParsedDocument
from assistant.settings import Settings
from assistant.text import (
    ADULT_AGE,
    AGE_GROUP_RES,
    DRUG_NAME_RE,
    PHONE_WHAT,
    ROMAN_NUMERAL_RE,
    STOPWORDS,
    VOWEL_RE,
    WORD_RE,
    content_words,
    fold,
    is_english,
    is_general_english,
    misspelt_everyday_word,
    normalise,
    scope_age_group,
    sentence_pieces,
    spelling_key,
    stem_all,
    stems,
    stems_related,
    words,
)

__all__ = [
    "LAY_TERMS",
    "LEXICON",
    "STOPWORDS",
    "WORD_RE",
    "Lexicon",
    "UnderstoodQuery",
    "Vocabulary",
    "build_vocabulary",
    "content_words",
    "correct_spelling",
    "learn_acronyms",
    "learn_glosses",
    "normalise",
    "understand",
    "unknown_terms",
]

# "(ABBR)", two parts joined by a slash or a hyphen, "(AT/RT)", "(LG-ESS)", or capitals after a lower-case letter
# that stands for a qualifying first word, "(uLMS)".
ACRONYM_RE = re.compile(
    r"\(([a-z]?[A-Z][A-Z0-9]{1,7}|[A-Z][A-Z0-9]{0,5}/[A-Z][A-Z0-9]{0,5}|[A-Z][A-Z0-9]{0,4}-[A-Z][A-Z0-9]{1,5})\)"
)


class LexiconError(ValueError):
    """The lexicon file is not a table of phrase = "words" entries."""


class Lexicon:
    """Phrase → clinical words, matched on whole words, longest phrase first.

    A word inside a matched phrase is not matched again on its own, so "come back" never also
    fires an entry for "back".
    """

    def __init__(self, terms: Mapping[str, str]) -> None:
        self.terms: dict[str, str] = {}
        for phrase, expansion in terms.items():
            key = " ".join(_lexicon_tokens(phrase))
            if not key or not isinstance(expansion, str) or not expansion.strip():
                raise LexiconError(f"lexicon entry {phrase!r} needs a phrase and a non-empty string of words")
            self.terms[key] = expansion.strip()
        self.longest = max((len(k.split()) for k in self.terms), default=0)
        self._said_as: dict[str, list[str]] = {}
        self._phrases_meaning: dict[str, list[str]] = {}  # expansion -> its phrases of several words
        self._stem_key: dict[str, frozenset[str]] = {}  # phrase -> the stems of its content words
        self._used_by: dict[str, list[str]] = {}  # a clinical word -> the phrases whose expansion uses it
        for phrase, expansion in self.terms.items():
            self._said_as.setdefault(expansion.split()[0], []).append(phrase)
            for word in expansion.split():
                self._used_by.setdefault(word, []).append(phrase)
            self._stem_key[phrase] = frozenset(stem_all(content_words(phrase)))
            if " " in phrase:
                self._phrases_meaning.setdefault(expansion, []).append(phrase)

    @classmethod
    def from_toml(cls, source: Path | Any) -> Lexicon:
        """Read a lexicon file: any number of tables, each of ``"phrase" = "clinical words"``."""
        try:
            data = tomllib.loads(source.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise LexiconError(f"cannot read lexicon {source}: {exc}") from exc
        merged: dict[str, str] = {}
        for table, entries in data.items():
            if not isinstance(entries, dict):
                raise LexiconError(f'lexicon {source}: [{table}] must be a table of phrase = "words" entries')
            for phrase, expansion in entries.items():
                key = " ".join(_lexicon_tokens(phrase))
                if key in merged:
                    raise LexiconError(f"lexicon {source}: {phrase!r} is given twice")
                merged[key] = expansion
        return cls(merged)

    def matches(self, text: str) -> list[tuple[str, str]]:
        """(phrase, expansion) for each entry the text uses, in order, longest phrase first at each word."""
        tokens = _lexicon_tokens(text)
        found: list[tuple[str, str]] = []
        i = 0
        while i < len(tokens):
            for size in range(min(self.longest, len(tokens) - i), 0, -1):
                phrase = " ".join(tokens[i : i + size])
                if phrase in self.terms:
                    found.append((phrase, self.terms[phrase]))
                    i += size
                    break
            else:
                i += 1
        return found

    def expansions(self, text: str) -> list[str]:
        """The clinical words for the lay words and phrases of a text, each once."""
        return list(dict.fromkeys(expansion for _, expansion in self.matches(text)))

    def __contains__(self, phrase: object) -> bool:
        return isinstance(phrase, str) and " ".join(_lexicon_tokens(phrase)) in self.terms

    def equivalents(self, text: str) -> list[str]:
        """Other phrasings the lexicon gives the same meaning as a term the text uses, as a page in
        plain words may put it: "inherited" is also "passed down" and "runs in families". Only
        phrases of several words: a single lay word is already in the expansion's own words."""
        used = self.matches(text)
        # A phrasing counts once, and not when it is only an inflection of what was said ("came back"
        # for "comes back"): those the lexical match finds by their stems already.
        seen = {self._stem_key[phrase] for phrase, _ in used}
        found = []
        for meaning in dict.fromkeys(expansion for _, expansion in used):
            for phrase in self._phrases_meaning.get(meaning, []):
                if (key := self._stem_key[phrase]) and key not in seen:
                    seen.add(key)
                    found.append(phrase)
        return found

    def same_meaning(self, word: str) -> list[str]:
        """The lay phrases whose clinical words include ``word``, and those words: "drugs" is also said
        "medicines", "meds", "pills" (the lexicon read backwards)."""
        phrases = self._used_by.get(word, [])
        return list(dict.fromkeys([*phrases, *(w for p in phrases for w in self.terms[p].split())]))

    def said_as(self, word: str) -> list[str]:
        """The lay words and phrases that mean ``word`` first of all ("operation" for "surgery"; not
        "workup", whose tests are one of its meanings): other ways a page may say it."""
        return self._said_as.get(word, [])


def _lexicon_tokens(text: str) -> list[str]:
    """Words as the lexicon matches them: hyphenated parts apart ("5-yr"), possessives dropped ("daughter's")."""
    return [t.removesuffix("'s") for t in normalise(text).replace("-", " ").split()]


def topic_name(topic: str) -> str:
    """A topic without its acronym: "myxoid glomangioma (MGA)" -> "myxoid glomangioma"."""
    return re.sub(r"\s*\([^)]*\)", "", topic).strip()


LEXICON = Lexicon.from_toml(resources.files("assistant") / "data" / "lay_terms.toml")
# How case reports say what the question asks of their case ("underwent" for "treated"): used only for a
# question about the case of a case report, since a patient page says "treated" itself.
CASE_LEXICON = Lexicon.from_toml(resources.files("assistant") / "data" / "case_terms.toml")
# A question about what happened in a case: in the past tense, or about the patient.
CASE_QUESTION_RE = re.compile(r"\b(was|were|did|had|she|he|her|his|patient|woman|man|girl|boy|case)\b", re.I)
FIRST_PERSON_RE = re.compile(r"\b(i|we|my|our|me|us|i'm|we're|i've|we've)\b", re.I)
# A request to the assistant ("Tell me about ...", "Can you show us ..."): no story of the asker's own.
REQUEST_RE = re.compile(r"\b(?:tell|show|give|explain to|remind) (?:me|us)\b|\blet (?:me|us) know\b", re.I)
CASE_REPORT_KIND = "case report"
# Verbs that relate a question's subject to what it asks of it ("Does X cause / affect Y?").
RELATION_VERBS = frozenset(
    "cause causes caused affect affects affected lead leads increase increases raise raises lower lowers "
    "reduce reduces change changes".split()
)
_SUBJECT_PRONOUN_BEFORE_VERB_RE = re.compile(r"\b(?:it|this|they|these)\s+$", re.I)
# A relation verb after its subject ("Can X cause Y?", "What symptoms does X cause?") asks what X leads
# to, not what causes X ("What causes X?", "What can cause X?" have no subject between).
_RELATION_USE_RE = re.compile(
    rf"\b(?:do|does|did|can|could|will|would|may|might)\s+(?:\S+\s+)+?({'|'.join(sorted(RELATION_VERBS))})\b", re.I
)


def speaks_of_case(question: str) -> bool:
    """Whether a question speaks of a report's case ("did", "was", "the patient"), whatever it asks for;
    not "Did we cause it?" or "my daughter was ...", the asker's own story."""
    return bool(CASE_QUESTION_RE.search(question)) and not FIRST_PERSON_RE.search(REQUEST_RE.sub(" ", question))


QUESTION_OPENING_RE = re.compile(
    r"^\s*(what|whats|what's|which|who|whom|whose|when|where|why|how|is|are|was|were|do|does|did|can|could|"
    r"should|would|will|may|might|has|have|had|my|our|i|we|please|tell|explain)\b",
    re.I,
)


def is_keyword_question(question: str, max_words: int) -> bool:
    """A lookup typed as keywords ("X 5-yr survival", "X etiology"): short, no question mark, and not
    opening like an English question or a sentence about someone."""
    return "?" not in question and len(question.split()) <= max_words and not QUESTION_OPENING_RE.match(question)


# The lexicon as a plain mapping (normalised phrase -> clinical words), for callers that look up one term.
LAY_TERMS: dict[str, str] = LEXICON.terms


BRAND_NAME_RE = re.compile(r"\b([A-Za-z][a-z-]{3,})\s*\(([A-Z][A-Za-z0-9-]{2,})\s*[®™]\s*\)")


def learn_acronyms(texts: Iterable[str]) -> dict[str, str]:
    """Acronyms defined in the text, "long form (ABBR)", found with the Schwartz–Hearst rule.

    The long form is the shortest run of preceding words in which the acronym's letters occur in
    order, the first letter starting a word.
    """
    acronyms: dict[str, str] = {}
    for text in texts:
        for match in ACRONYM_RE.finditer(text):
            abbr = match.group(1)
            preceding = text[: match.start()].split()[-(len(abbr) + 5) :]
            letters = [c.lower() for c in abbr if c.isalpha()]
            for size in range(1, len(preceding) + 1):
                candidate = [w.strip(",;:") for w in preceding[-size:]]
                phrase = " ".join(candidate).lower()
                if candidate[0][:1].lower() == letters[0] and _letters_in_order(letters, phrase):
                    acronyms.setdefault(abbr.lower(), phrase)
                    # A lower-case first letter stands for a qualifying first word ("uterine leiomyosarcoma
                    # (uLMS)", "pediatric low-grade glioma (pLGG)"): the capitals alone are the rest of the name.
                    rest, remainder = abbr[1:], " ".join(phrase.split()[1:])
                    if abbr[0].islower() and rest.isupper() and len(rest) >= 2 and remainder not in ("", rest.lower()):
                        acronyms.setdefault(rest.lower(), remainder)
                    break
    return acronyms


def _letters_in_order(letters: Sequence[str], phrase: str) -> bool:
    position = 0
    for letter in letters:
        position = phrase.find(letter, position)
        if position < 0:
            return False
        position += 1
    return True


# The words a question asks for a level by ("which levels"). (What a level is of, an organ's segments, is a corpus's
# own word, learned below: naming one here would tune the rules to one document's site.)
LEVEL_WORDS = r"levels?|segments?"
# A level code, or a span of them, and the word a page writes after it: "at the X5-X7 lobules", "the X3 lobular
# wall" (the letter-and-number notation of an organ's segments; which organ is the corpus's).
_AFTER_LEVEL_CODE_RE = re.compile(r"\b[A-Z]\d{1,2}(?:\s*(?:-|–|to|and|through)\s*[A-Z]?\d{1,2})?\s+([a-z]{4,})\b")
# "which lobules", "what lobular level": the thing a question asks which of (at most one word between).
_WHICH_THING_RE = re.compile(r"\b(which|what)\s+((?:[a-z-]+\s+)?[a-z-]{4,})\b", re.I)


def learn_level_words(texts: Iterable[str], counts: Mapping[str, int], settings: Settings) -> frozenset[str]:
    """Stems of the words the corpus writes after level codes ("X5-X7 lobules"): a specialist word whenever it
    does, an everyday one ("lobules", "signal") when enough of its uses do (Settings.level_word_min_share)."""
    after = Counter(m.group(1) for text in texts for m in _AFTER_LEVEL_CODE_RE.finditer(text))
    learned = [
        word
        for word, n in after.items()
        if word not in STOPWORDS
        and (
            not is_general_english(word, settings.general_vocabulary_size)
            or n / max(counts.get(word, n), 1) >= settings.level_word_min_share
        )
    ]
    return frozenset(stem_all(learned))


# "term (plain words)": a word followed by two to six lower-case words in brackets.
GLOSS_RE = re.compile(r"\b([A-Za-z][A-Za-z-]{3,})\s\(([a-z][a-z'-]*(?:\s[a-z][a-z'-]*){1,5})\)")
# A bracket that opens with one of these qualifies or lists ("cough (with or without blood)"): not a gloss.
NOT_A_GLOSS = frozenset(
    "with without for or and including includes such e eg like as especially mainly mostly usually often "
    "sometimes also called known see which if when where that from in on at".split()
)


def learn_glosses(texts: Iterable[str], general_vocabulary_size: int) -> dict[str, str]:
    """Plain words → the specialist term the corpus explains with them: "hypoglycemia (low blood
    sugar)" teaches that a question about "low blood sugar" is about hypoglycemia.

    Only a specialist term (not an everyday word) glossed in everyday words counts: "tissue (the
    lining tissue of joints)" qualifies a word, it does not define it.
    """
    glosses: dict[str, str] = {}
    for text in texts:
        for match in GLOSS_RE.finditer(fold(text)):
            term, gloss = match.group(1).lower(), match.group(2)
            plain = content_words(gloss)
            if (
                gloss.split()[0] in NOT_A_GLOSS
                or len(plain) < 2
                or term in plain
                or is_general_english(term, general_vocabulary_size)
                or not all(is_general_english(w, general_vocabulary_size) for w in plain)
            ):
                continue
            glosses.setdefault(" ".join(plain), term)
    return glosses


# ", also called Y" / "(also known as Y or Z)" / "(often shortened to Y)": other names the text gives for what it
# just named.
OTHER_NAMES_RE = re.compile(
    r"(?:[,(]\s*|\s(?:is|are|was|were|used to be|has been|have been|had been)\s+)"
    r"(?:(?:also|sometimes|formerly|previously|once|often|usually|commonly)\s+)?"
    r"(?:called|known as|named(?!\s+(?:after|for|by)\b)|termed|referred to as|shortened to|abbreviated(?: to| as)?)"
    # ... the name, and its initials after it ("pigmented villonodular synovitis, or PVNS")
    r"\s+([^,;:.()\n]+(?:,\s*or\s+[A-Z][A-Z0-9-]+\b)?)",
    re.I,
)
# "In a baby, this condition is called Y": a page naming its own subject by a general noun.
SELF_REFERENCE_RE = re.compile(r"\b(this (condition|disease|disorder|illness|tumou?rs?|cancer)|it)$", re.I)
OTHER_NAME_MAX_WORDS = 6  # a name, not a clause
TITLE_NAME_MAX_WORDS = 4  # a title that is a name with a qualifier ("Pediatric Low-Grade Glioma"), not a headline
OTHER_NAME_CONTEXT = 120  # characters before ", also called" searched for the name it follows


def learn_other_names(
    texts: Iterable[str],
    aliases: Mapping[str, str],
    own_topics: Mapping[str, str] | None = None,
    spelled_out: dict[str, str] | None = None,
) -> dict[str, str]:
    """Other names → topic, where the text gives them right after a name it already knows:
    "X, also called Y" or "Xs are also called Y" teaches that a question about Y is about X's topic.
    ``own_topics`` (text -> the one topic of the page it is from) also reads "this condition is called Y".
    An other name in capitals ("X (often shortened to ABC)") is an acronym: ``spelled_out`` gets "abc" -> X."""
    known = PhraseTable(aliases)
    learned: dict[str, str] = {}
    for text in texts:
        # (Read as one line: a name a printed page wraps, "also called a" / "glandular mole", is one name.)
        flat = " ".join(text.split())
        for match in OTHER_NAMES_RE.finditer(flat):
            tail = flat[max(0, match.start() - OTHER_NAME_CONTEXT) : match.start()].rstrip(" ,(")
            before = known.spans(tail)
            named = ""
            if before and before[-1][1] == len(tail):
                topic = aliases[before[-1][2]]
                named = before[-1][2]
            elif own_topics and text in own_topics and SELF_REFERENCE_RE.search(tail):
                topic = own_topics[text]
            else:
                continue  # the words just before are not a name the corpus knows
            for name in re.split(r",?\s+(?:or|and)\s+", match.group(1)):
                plain = normalise(re.sub(r"^(?:an?|the)\s+", "", name.strip(), flags=re.I))
                named_so = plain and plain not in STOPWORDS and len(plain.split()) <= OTHER_NAME_MAX_WORDS
                if named_so and plain not in aliases:
                    learned.setdefault(plain, topic)
                    if spelled_out is not None and named and ACRONYM_RE.fullmatch(f"({name.strip()})"):
                        spelled_out.setdefault(plain, named)
    return learned


@dataclass
class Vocabulary:
    """What the expander learns from the corpus."""

    words: frozenset[str] = field(repr=False)
    acronyms: dict[str, str]  # "lf" -> "long form"
    topics: dict[str, list[str]]  # topic phrase -> source ids about it
    topic_aliases: dict[str, str] = field(default_factory=dict)  # alias (acronym, long form) -> topic
    document_aliases: dict[str, str] = field(default_factory=dict)  # first author (or study, publisher) -> source id
    publisher_aliases: frozenset[str] = frozenset()  # the document aliases that are a page's publisher, no report's
    kinds: dict[str, list[str]] = field(default_factory=dict)  # "case report" -> its source ids
    years: dict[str, list[str]] = field(default_factory=dict)  # "2003" -> source ids published that year
    patients: dict[str, list[str]] = field(default_factory=dict)  # "woman" -> case reports of such a patient
    # Whom each document is written for, when it says so or is one patient's case: source id -> "children"/"adults".
    age_groups: dict[str, str] = field(default_factory=dict)
    # Initials of a phrase the pages use often that no other phrase shares ("sv": "sentinel vessel"; phrase_shorthand).
    phrase_initials: dict[str, str] = field(default_factory=dict, repr=False)
    # Documents of a case report's kind that tell no one's case (a cohort study's, a trial's abstract: nobody is "she"
    # or "a 48-year-old"): their sentences are findings about groups, not a patient's story.
    studies: frozenset[str] = frozenset()
    title_stems: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)  # source id -> its title's stems
    glosses: dict[str, str] = field(default_factory=dict)  # "low blood sugar" -> "hypoglycemia"
    counts: dict[str, int] = field(default_factory=dict, repr=False)  # corpus word -> occurrences (spelling ties)
    # The first QUOTE_KEY_WORDS words of each corpus sentence -> (its length in words, a hash of its
    # words, its source id): finds what an earlier answer quoted from its text alone (history is text).
    openings: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict, repr=False)
    # Stems of what the corpus's question-shaped headings ask about a subject ("symptoms", "treated",
    # "outlook"): a follow-up with one of them asks a new thing of the same subject.
    aspects: frozenset[str] = field(default_factory=frozenset, repr=False)
    # Words the corpus writes only inside a condition's name ("myxoid" of "myxoid glomangioma"), with
    # that name: asked what such a word means, the documents have the name to show, which explains no word of it.
    name_only_words: dict[str, str] = field(default_factory=dict, repr=False)
    # Stems of the words the corpus writes after a level code ("at the X5-X7 lobules"): what a question asks for
    # when it asks "which lobules" is a level.
    level_words: frozenset[str] = field(default_factory=frozenset, repr=False)
    # The words a patient page's title names its subject by beside its condition: the treatment or test a leaflet is
    # about ("ZR9 therapy for X: information for parents"), which nearly every question about the page repeats.
    page_subjects: frozenset[str] = field(default_factory=frozenset, repr=False)
    settings: Settings = field(default_factory=Settings, repr=False)

    def naming_levels(self, question: str) -> str:
        """The question with "levels" said after a word the corpus writes after level codes, when it asks which
        ("which lobules was it at" asks "which lobules levels"): what it asks for is a level."""
        if not self.level_words:
            return question

        def said(match: re.Match[str]) -> str:
            asked = match.group(2).split()
            if any(re.fullmatch(LEVEL_WORDS, word, re.I) for word in asked):
                return match.group(0)
            for i, stem in enumerate(stem_all([word.lower() for word in asked])):
                if any(stems_related(stem, s, self.settings.related_stem_min_chars) for s in self.level_words):
                    return " ".join([match.group(1), *asked[: i + 1], "levels", *asked[i + 1 :]])
            return match.group(0)

        return _WHICH_THING_RE.sub(said, question)

    @cached_property
    def _specialist_words(self) -> tuple[str, ...]:
        """The corpus's long words that are no everyday English (drugs, procedures, terms of the trade), sorted."""
        size = self.settings.general_vocabulary_size
        return tuple(
            sorted(
                w
                for w in self.words
                if w.isalpha() and len(w) >= SHORTHAND_MIN_TARGET and not is_general_english(w, size)
            )
        )

    @cached_property
    def _shorthands(self) -> dict[str, str | None]:
        return {}  # word as typed -> what it shortens (see shorthand); filled as questions ask

    def shorthand(self, word: str) -> str | None:
        """The one specialist word of the corpus that ``word`` shortens, as nurses shorten drug names: its first
        letters ("zero", "glom": zerotinib, glomatuzumab), or, written in capitals, letters of it in order ("ZRT":
        zerotinib). None when the word is known, too short, or shortens none or several."""
        if word not in self._shorthands:
            self._shorthands[word] = self._shortened(word)
        return self._shorthands[word]

    def _shortened(self, word: str) -> str | None:
        lower = word.lower()
        if len(lower) < SHORTHAND_MIN_LETTERS or not lower.isalpha() or _is_known(lower, self):
            return None
        if is_general_english(lower, self.settings.general_vocabulary_size):
            return None  # an everyday word ("aroma") is itself, not a shortening of "aromatase"
        words = self._specialist_words
        at = bisect.bisect_left(words, lower)
        prefixed = set(itertools.takewhile(lambda w: w.startswith(lower), words[at:]))
        found = {w for w in prefixed if len(w) >= len(lower) + SHORTHAND_MIN_TARGET - SHORTHAND_MIN_LETTERS}
        # (Letters in order: of any word when typed in capitals, "ZRT"; of a drug's name when typed in lower case with
        # no vowel, as a nurse shortens one, "zrtnb" for zerotinib, which no chat shorthand, "hrs" or "pls", is.)
        vowelless = not VOWEL_RE.search(lower)
        if not found and (word.isupper() or vowelless):
            first = bisect.bisect_left(words, lower[0])
            same_letter = itertools.takewhile(lambda w: w.startswith(lower[0]), words[first:])
            found = {w for w in same_letter if _letters_in_order(lower, w)}  # (each begins with its first letter)
            if not word.isupper():
                found = {w for w in found if DRUG_NAME_RE.fullmatch(w)}
        # (Inflections of one word are one word: "zerotinib", "zerotinibs".)
        stems_found = {stem_all([w])[0] for w in found}
        return min(found, key=len) if len(stems_found) == 1 else None

    def condition_shorthand(self, token: str) -> str | None:
        """The one condition a nurse's capitals shorten, by its name's first letter and then letters of it in order
        ("MGA": myxoid glomangioma, "ZS": zentaroma sarcoma), as a name of it. None when the token is a word the corpus,
        the lexicon or everyday English knows, or shortens no condition or several, or one the pages shorten."""
        if token not in self._condition_shorthands:  # (one pass over the names per token, as questions ask)
            self._condition_shorthands[token] = self._condition_shortened(token)
        return self._condition_shorthands[token]

    @cached_property
    def _condition_shorthands(self) -> dict[str, str | None]:
        return {}

    def _condition_shortened(self, token: str) -> str | None:
        lower = token.lower()
        if not (token.isupper() and token.isalpha() and 2 <= len(token) <= CONDITION_SHORTHAND_MAX_LETTERS):
            return None
        if _is_known(lower, self) or is_general_english(lower, self.settings.general_vocabulary_size):
            return None
        found = {
            topic: alias
            for alias, topic in self.topic_aliases.items()
            if alias[:1] == lower[0] and _letters_in_order(lower[1:], alias.replace(" ", "")[1:])
        }
        # (A condition the pages shorten themselves, "ZGT", is shortened so by a nurse too: "ZT" is something else.)
        if len(found) != 1 or next(iter(found)) in self._shortened_topics:
            return None
        return next(iter(found.values()))

    def phrase_shorthand(self, token: str) -> str | None:
        """The phrase a nurse's capitals stand for, its words' initials ("SV": sentinel vessel), when the pages use that
        phrase often and no other with those initials; None for a token the corpus, the lexicon or everyday English
        knows, or a condition's shorthand (see :meth:`condition_shorthand`)."""
        lower = token.lower()
        if not (token.isupper() and token.isalpha() and 2 <= len(token) <= 3):
            return None
        if _is_known(lower, self) or is_general_english(lower, self.settings.general_vocabulary_size):
            return None
        return self.phrase_initials.get(lower)

    def condition_word_begun(self, word: str) -> str | None:
        """The word of a condition's name that ``word`` begins, as a family shortens a long one ("glomang" for
        glomangioma; a "zentar"): the one name word of the conditions it begins, at least
        CONDITION_PREFIX_MIN_LETTERS long and CONDITION_PREFIX_MIN_REST letters short of it. None for an everyday word
        or a word of no name, or one beginning several."""
        lower = word.lower()
        if word not in self._condition_words_begun:
            usable = (
                lower.isalpha()
                and len(lower) >= CONDITION_PREFIX_MIN_LETTERS
                and lower not in self.topic_words
                and not is_general_english(lower, self.settings.general_vocabulary_size)
            )
            found = {
                w
                for w in (self.topic_words if usable else ())
                if w.startswith(lower) and len(w) >= len(lower) + CONDITION_PREFIX_MIN_REST and w.isalpha()
            }
            self._condition_words_begun[word] = next(iter(found)) if len(found) == 1 else None
        return self._condition_words_begun[word]

    @cached_property
    def _condition_words_begun(self) -> dict[str, str | None]:
        return {}

    @cached_property
    def _shortened_topics(self) -> frozenset[str]:
        """The conditions the pages give an acronym of their own ("ZGT")."""
        return frozenset(topic for alias, topic in self.topic_aliases.items() if alias in self.acronyms)

    def asks_aspect(self, text: str) -> bool:
        """Whether a text asks one of the things the corpus's headings ask about a subject (a stem, or a
        stem that begins another: "treat" and "treatment")."""
        for stem in stem_all(content_words(self.without_names(text))):
            for aspect in self.aspects:
                shorter, longer = sorted((stem, aspect), key=len)
                if len(shorter) >= ASPECT_MIN_STEM and longer.startswith(shorter):
                    return True
        return False

    @cached_property
    def topic_words(self) -> frozenset[str]:
        """The words of the conditions' names and their aliases ("kaposiform", "hemangioendothelioma")."""
        return frozenset(w for alias in self.topic_aliases for w in alias.split())

    @cached_property
    def name_stems(self) -> frozenset[str]:
        """The stems of every condition's names: what a question says of its subject, not what it asks."""
        return stems(" ".join(self.topic_aliases))

    def age_group_of(self, source_ids: Iterable[str]) -> str | None:
        """The age group the documents are all written for ("children" or "adults"), or None when one says none."""
        groups = {self.age_groups.get(source_id) for source_id in source_ids}
        return groups.pop() if len(groups) == 1 else None

    def subject_stems(self, topics: Iterable[str]) -> frozenset[str]:
        """The stems of every condition's names and of ``topics``: the words that name a question's
        subject, not what it asks of it."""
        return self.name_stems | stems(" ".join(topics))

    @cached_property
    def kind_words(self) -> frozenset[str]:
        """The words of the document kinds ("case", "report"), which pick a document rather than ask of it."""
        return frozenset(w for kind in self.kinds for w in kind.split())

    def all_case_reports(self, targets: Sequence[frozenset[str]], studies: bool = False) -> bool:
        """Whether a question asks only of case reports (and of some document): their cases are told as what
        a patient presented with, underwent and received. (``studies``: or of abstracts of that kind that tell no
        one's case, a cohort's or a trial's, which are reports all the same.)"""
        reports = frozenset(self.kinds.get(CASE_REPORT_KIND, ()))
        if not studies:
            reports -= self.studies
        return bool(targets) and all(group <= reports for group in targets)

    @cached_property
    def report_ids(self) -> frozenset[str]:
        """Documents named by their first author (case reports): "she" or "the patient" is theirs."""
        return frozenset(sid for alias, sid in self.document_aliases.items() if alias not in self.publisher_aliases)

    @cached_property
    def _document_topics(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for topic, source_ids in self.topics.items():
            for sid in source_ids:
                found.setdefault(sid, []).append(topic)
        return found

    def quoted_sources(self, text: str) -> tuple[list[str], str]:
        """The documents whose sentences a text quotes (an earlier answer, with labels and markers
        around its quotes), in order of first quote, and the text's own words: what is left (normalised)
        once the quoted sentences are taken out. A sentence several documents share says nothing about
        which one was quoted, so it counts only when nothing else is found."""
        tokens = normalise(text).split()
        kept = [True] * len(tokens)
        unique: dict[str, None] = {}
        shared: dict[str, None] = {}
        quote_end = 0  # the end of the last whole sentence found: what lies inside it opens no other quote
        for i in range(len(tokens) - QUOTE_KEY_WORDS + 1):
            entries = self.openings.get(" ".join(tokens[i : i + QUOTE_KEY_WORDS]), []) if i >= quote_end else []
            source_ids = {sid for _, _, sid in entries}
            for sid in sorted(source_ids):
                (unique if len(source_ids) == 1 else shared).setdefault(sid)
            quoted = [size for size, digest, _ in entries if hash(" ".join(tokens[i : i + size])) == digest]
            if entries:
                size = max(quoted, default=QUOTE_KEY_WORDS)
                kept[i : i + size] = [False] * len(kept[i : i + size])
                if quoted:
                    quote_end = i + size
        return list(unique or shared), " ".join(t for t, keep in zip(tokens, kept, strict=True) if keep)

    def subjects_of(self, source_ids: Sequence[str]) -> tuple[list[str], list[frozenset[str]]]:
        """The conditions some documents are about, and those documents grouped by condition, one target
        per condition (a document about none is its own target)."""
        topics: list[str] = []
        groups: dict[str, set[str]] = {}
        for sid in source_ids:
            for topic in self._document_topics.get(sid, []):
                if topic not in topics:
                    topics.append(topic)
                groups.setdefault(topic, set()).add(sid)
            if sid not in self._document_topics:
                groups[sid] = {sid}
        targets: list[frozenset[str]] = []
        for group in groups.values():
            if frozenset(group) not in targets:
                targets.append(frozenset(group))
        return topics, targets

    @cached_property
    def word_stems(self) -> frozenset[str]:
        """Stems of every corpus word: an inflection of a corpus word ("reported") is not a typo."""
        return frozenset(stem_all(sorted(self.words)))

    @cached_property
    def words_by_stem(self) -> dict[str, str]:
        """A corpus word for each stem, its most used form ("ovarian" for "ovarian")."""
        by_stem: dict[str, str] = {}
        ordered = sorted(self.words)
        for word, stem in zip(ordered, stem_all(ordered), strict=True):
            if word.isalpha() and self.counts.get(word, 0) >= self.counts.get(by_stem.get(stem, ""), 0):
                by_stem[stem] = word
        return by_stem

    def adjective_of(self, word: str) -> str | None:
        """The corpus's adjective of a noun it never uses ("ovarian" for "ovaries"; see ADJECTIVE_ENDINGS)."""
        stem = stem_all([word.lower()])[0]
        if len(stem) < self.settings.related_stem_min_chars or stem in self.word_stems:
            return None
        return next((self.words_by_stem[stem + e] for e in ADJECTIVE_ENDINGS if stem + e in self.words_by_stem), None)

    @cached_property
    def sorted_word_stems(self) -> tuple[str, ...]:
        """The corpus words' stems in order, to find the ones a stem begins (a word's derivations)."""
        return tuple(sorted(self.word_stems))

    def derives(self, stem: str) -> bool:
        """Whether a corpus word derives from ``stem``: "granulomatous" from "granuloma"."""
        at = bisect.bisect_left(self.sorted_word_stems, stem)
        return at < len(self.sorted_word_stems) and self.sorted_word_stems[at].startswith(stem)

    @cached_property
    def speller(self) -> Any:
        """A SymSpell deletion index over the corpus words, built once (the assistant builds it at load):
        seconds at 100 k words (scripts/bench_query.py), after which a lookup costs well under a
        millisecond whatever the vocabulary's size."""
        from symspellpy import SymSpell  # imported here: most questions need no correction

        settings = self.settings
        speller = SymSpell(max_dictionary_edit_distance=settings.spelling_max_edits)
        shortest = settings.spelling_min_word_length - settings.spelling_max_edits  # nothing shorter is reachable
        for word in self.words:
            if word.isalpha() and len(word) >= shortest:
                speller.create_dictionary_entry(word, self.counts.get(word, 1))
        return speller

    @cached_property
    def _names(self) -> PhraseTable:
        """Every name of a subject (condition, document author, document kind), for lookup by phrase."""
        return PhraseTable([*self.topic_aliases, *self.document_aliases, *self.kinds, *SOURCE_NOUNS])

    @cached_property
    def acronyms_with_word(self) -> dict[str, tuple[str, ...]]:
        """Each word of an acronym's long form -> the acronyms it is part of ("ablation" -> ("rfa",))."""
        found: dict[str, list[str]] = {}
        for acronym, long_form in self.acronyms.items():
            for word in set(long_form.split()):
                found.setdefault(word, []).append(acronym)
        return {word: tuple(acronyms) for word, acronyms in found.items()}

    @cached_property
    def codes(self) -> dict[str, str]:
        """The corpus's words of letters and digits, by their form without hyphens ("cd34" -> "cd34", "ki67" ->
        "ki-67"): a code is found whichever way it is hyphenated."""
        return {w.replace("-", ""): w for w in sorted(self.words) if any(ch.isdigit() for ch in w)}

    @cached_property
    def one_word_names(self) -> tuple[str, ...]:
        """The names of one word (a condition's own: "rhabdomyosarcoma"), in order, to find one typed cut short."""
        return tuple(sorted(alias for alias in self.topic_aliases if alias.isalpha()))

    @cached_property
    def long_names_by_word(self) -> dict[str, list[tuple[str, ...]]]:
        """Each word of a name of two or more words -> those names, as word tuples: a question that
        has all of such a name's words but one finds it from any of the others."""
        index: dict[str, list[tuple[str, ...]]] = {}
        for alias in self.topic_aliases:
            parts = tuple(alias.split())
            if len(parts) >= 2:
                for part in set(parts):
                    index.setdefault(part, []).append(parts)
        return index

    @cached_property
    def _topic_names(self) -> PhraseTable:
        return PhraseTable(self.topic_aliases)

    @cached_property
    def _author_names(self) -> PhraseTable:
        return PhraseTable(self.document_aliases)

    @cached_property
    def _gloss_index(self) -> dict[str, list[tuple[frozenset[str], str]]]:
        """Each gloss under one of its stems: a question is checked only against glosses it could hold."""
        index: dict[str, list[tuple[frozenset[str], str]]] = {}
        for plain, term in self.glosses.items():
            needed = frozenset(stems(plain))
            if needed:
                index.setdefault(min(needed), []).append((needed, term))
        return index

    def glossed_terms(self, text: str) -> list[str]:
        """Terms whose corpus gloss the text uses in plain words ("low blood sugar" -> "hypoglycemia")."""
        said = stems(text)
        return [term for stem in sorted(said) for needed, term in self._gloss_index.get(stem, []) if needed <= said]

    def targets_in(self, text: str, every_condition: bool = True) -> list[frozenset[str]]:
        """What a text asks about, as groups of source ids: each named document, each document of a
        kind named in the plural ("the case reports"), each named condition's documents, and with
        ``every_condition`` each condition of a small collection for "one of these tumours"."""
        lowered = f" {normalise(text)} "
        targets: list[frozenset[str]] = []
        for _, _, alias in self._author_names.spans(text):
            if frozenset({self.document_aliases[alias]}) not in targets:
                targets.append(frozenset({self.document_aliases[alias]}))

        def add_unless_named(group: Iterable[str]) -> None:
            """A group of documents, unless one of them is named already."""
            found = frozenset(group)
            if found and not any(found & t for t in targets):
                targets.append(found)

        # "the delayed metastasis report", "the wrist glomangioma case report": words of one document's title, with
        # a noun for a publication, name that document.
        for described in TITLE_WORDS_RE.finditer(lowered):
            words = stems(" ".join(w for w in described.group(1).split() if w not in STOPWORDS))
            titled = [sid for sid, title in self.title_stems.items() if words and words <= title]
            if len(titled) == 1:
                add_unless_named(titled)
        # "the 2003 report": a year of publication, with a noun for a publication, names its documents.
        if any(f" {noun} " in lowered or f" {noun}s " in lowered for noun in (*SOURCE_NOUNS, *self.kinds)):
            for year in YEAR_RE.findall(lowered):
                add_unless_named(self.years.get(year, ()))
        # "the woman in the report", "the young man": the case reports whose patient that is.
        for match in NAMED_PATIENT_RE.finditer(lowered):
            add_unless_named(self.patients.get(PERSON_KINDS[match.group(1)], ()))
        # "a 44 year old woman whose cancer came back": the case report whose patient is that age.
        for match in _AGED_PATIENT_RE.finditer(lowered):
            add_unless_named(self.patients.get(f"{match.group(1)} {PERSON_KINDS[match.group(2).lower()]}", ()))
        for kind, source_ids in self.kinds.items():  # a handful of document kinds, whatever the corpus size
            if re.search(rf" (both|two|all|each|the) (\w+ )?{re.escape(kind)}s ", lowered) and len(source_ids) > 1:
                targets += [frozenset({sid}) for sid in source_ids if frozenset({sid}) not in targets]
        named = set().union(*targets) if targets else set()
        # "Could it be one of these tumours?": each condition of a small collection, when none is named.
        if every_condition and not targets and EVERY_CONDITION_RE.search(lowered) and not self.topics_in(text):
            return self.every_condition()
        for topic in self.topics_in(text):
            docs = frozenset(self.topics.get(topic, []))
            # "According to the review, how is X treated?": X's documents of the kind the question names.
            of_kind = [
                docs & frozenset(source_ids)
                for kind, source_ids in self.kinds.items()
                if f" the {kind} " in lowered and docs & frozenset(source_ids)
            ]
            if len(of_kind) == 1:
                docs = of_kind[0]
            if docs and not docs & named:
                targets.append(docs)
        return targets

    def every_condition(self) -> list[frozenset[str]]:
        """Each condition's documents, when the collection is small enough to answer for each (see
        ``Settings.collection_max_topics``); else none."""
        if 1 < len(self.topics) <= self.settings.collection_max_topics:
            return [frozenset(source_ids) for source_ids in self.topics.values()]
        return []

    def topics_in(self, text: str) -> list[str]:
        """Topics a text names, by full name or acronym (or their plural), in order of first mention."""
        return list(dict.fromkeys(self.topic_aliases[alias] for _, _, alias in self._topic_names.spans(text)))

    def name_spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, name) of each subject name in the text, in order."""
        return self._names.spans(text)

    def without_names(self, text: str) -> str:
        """The text with every subject name taken out (what it asks *about* its subject)."""
        kept, at = [], 0
        for start, end, _ in self._names.spans(text):
            kept.append(text[at:start])
            at = end
        return " ".join(" ".join([*kept, text[at:]]).split())


ASPECT_MIN_DOCUMENTS = 2  # a word of question-shaped headings in this many documents is an aspect
ASPECT_MIN_STEM = 4  # stems that share a beginning shorter than this ("us", "car") need not be related

# Words of a sentence's opening that identify it when an answer quotes it: enough that two different
# sentences rarely share them, few enough that most list items and short sentences have them.
QUOTE_KEY_WORDS = 6


def sentence_openings(sentences: Mapping[str, Iterable[str]]) -> dict[str, list[tuple[int, int, str]]]:
    """The first QUOTE_KEY_WORDS normalised words of each sentence, and of each clause an answer may
    quote alone (see :func:`sentence_pieces`) -> (its length in words, a hash of its normalised words,
    its source id) for each that opens so."""
    found: dict[str, list[tuple[int, int, str]]] = {}
    for source_id, texts in sentences.items():
        for text in (piece for sentence in texts for piece in sentence_pieces(sentence)):
            tokens = normalise(text).split()
            if len(tokens) >= QUOTE_KEY_WORDS:
                entry = (len(tokens), hash(" ".join(tokens)), source_id)
                entries = found.setdefault(" ".join(tokens[:QUOTE_KEY_WORDS]), [])
                if entry not in entries:
                    entries.append(entry)
    return found


# Nouns that name a source rather than say anything about its subject.
SOURCE_NOUNS = ("report", "case", "study", "article", "paper")
# "the <a few words> report": a publication described by words of its title.
TITLE_WORDS_RE = re.compile(r" (?:the|that|this) ((?:[a-z][\w-]* ){1,4}?)(?:case report|report|paper|study|article) ")
AUTHOR_COMPANY_WORDS = frozenset({"et", "al", "colleagues", "coworkers", "co-workers", "coauthors", "co-authors"})
# A case report's patient as a question names them ("the woman", "this young man"), and their kind.
PERSON_KINDS = {"woman": "woman", "lady": "woman", "girl": "girl", "man": "man", "boy": "boy"}
NAMED_PATIENT_RE = re.compile(r" (?:the|this|that) (?:\w+ )?(woman|lady|girl|man|boy)(?:'s|s)? ")
# A study's name in a title: a hyphenated code of capitals and digits ("KEYNOTE-045", "ZEN-DUAL").
_TITLE_CODE_RE = re.compile(r"\b[A-Z][A-Z0-9]+(?:-[A-Z0-9]+)+\b")
# Shorthand of a specialist word: at least this many letters ("ipi", "MTX"), for a word of at least
# SHORTHAND_MIN_TARGET letters (a shortening leaves letters out: "nivo" of "nivolumab").
SHORTHAND_MIN_LETTERS = 3
# The longest capitals read as a condition's shorthand: a nurse's two to four letters ("MB", "DSRC"), not a code.
CONDITION_SHORTHAND_MAX_LETTERS = 4
PHRASE_WORD_MIN_LETTERS = 3  # a phrase's words are words of the trade ("posterior fossa"), not "of the", "is a"
SHORTHAND_MIN_TARGET = 7
# A family's start of a long condition name ("glomang", "zentar"): at least this many letters, and this many fewer than
# the name's word (a real word's ending, "tumou", is no shortening).
CONDITION_PREFIX_MIN_LETTERS = 5
CONDITION_PREFIX_MIN_REST = 3
# Someone whose case a report tells: "she", "the patient", "a 48-year-old" (a study of many names no one so).
_CASE_TOLD_RE = re.compile(r"\b(?:she|he|the patient|our patient|\d+[- ](?:year|month)s?[- ]old)\b", re.I)
# How a case report names its patient ("a 48-year-old woman presented ...").
# A patient by age and kind, as a report writes it ("a 44-year-old woman") or a reader retells it ("44 year old").
_AGED_PATIENT_RE = re.compile(r"\b(\d+)[- ]?(?:year|yr)s?[- ]?old (woman|lady|girl|man|boy)\b", re.I)
_PATIENT_AGE_RE = re.compile(r"\b(\d+)[- ](year|month)s?[- ]old (?:woman|lady|girl|man|boy)\b", re.I)
REPORT_PATIENT_RE = re.compile(r"\b\d+[- ](?:year|month)s?[- ]old (woman|girl|man|boy)\b", re.I)
YEAR_RE = re.compile(r"\b((?:19|20)\d\d)\b")
# "One of these tumours", "both conditions": every condition the documents are about, in general words.
EVERY_CONDITION_RE = re.compile(
    r" (?:these|those|both|both of the|the two|each of the|either of the|any of the|all the|all of the|all these|"
    r"each|either) (?:\w+ )?(?:tumou?rs?|cancers?|conditions?|diseases?|illness(?:es)?|disorders?) "
)
# The general nouns a condition's name may end in: "X tumor" is often called "X" alone.
CONDITION_HEADS = frozenset({"tumor", "tumour", "sarcoma", "cancer", "carcinoma", "disease", "syndrome", "disorder"})
_TOKEN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")


@lru_cache(maxsize=1 << 16)
def _token_key(token: str) -> str:
    """A token as phrases are looked up: normalised, without a possessive 's (cached: questions repeat words)."""
    return normalise(token).removesuffix("'s")


def _loose_key(phrase: str) -> str:
    """A phrase as it may be written otherwise: British spelling, or a hyphen as a space ("low grade X" is
    "low-grade X")."""
    return spelling_key(phrase.replace("-", " "))


class PhraseTable:
    """Normalised phrases found in a text by whole words, longest first, a plural "s" and British
    spelling allowed: the cost of a lookup grows with the text, not with the number of phrases."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self.phrases = {normalise(p) for p in phrases if normalise(p)}
        self.spellings = {_loose_key(p): p for p in sorted(self.phrases)}
        self.longest = max((len(p.replace("-", " ").split()) for p in self.phrases), default=0)
        # A question's text is looked up several times (its topics, its names taken out): once is enough.
        self._cached_spans = lru_cache(maxsize=1 << 12)(self._find_spans)

    def _key(self, phrase: str) -> str | None:
        if phrase in self.phrases:
            return phrase
        singular = phrase.removesuffix("s")
        if singular != phrase and singular in self.phrases:
            return singular
        return self.spellings.get(_loose_key(phrase)) or self.spellings.get(_loose_key(singular))

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, phrase) of each phrase in the text, in order, not overlapping."""
        return list(self._cached_spans(text))

    def _find_spans(self, text: str) -> tuple[tuple[int, int, str], ...]:
        tokens = [(m.start(), m.end(), _token_key(m.group())) for m in _TOKEN_RE.finditer(text)]
        found: list[tuple[int, int, str]] = []
        i = 0
        while i < len(tokens):
            for size in range(min(self.longest, len(tokens) - i), 0, -1):
                key = self._key(" ".join(t[2] for t in tokens[i : i + size]))
                if key is not None:
                    found.append((tokens[i][0], tokens[i + size - 1][1], key))
                    i += size
                    break
            else:
                i += 1
        return tuple(found)


def learn_page_subjects(
    titles: Mapping[str, str], kinds: Mapping[str, list[str]], aliases: Mapping[str, str], settings: Settings
) -> frozenset[str]:
    """The specialist words of patient pages' titles that name no condition: what a leaflet is about beside its
    condition ("ZR9" of "ZR9 therapy for X"). A report's title is not counted: its words are its findings."""
    reports = {sid for kind, ids in kinds.items() if CASE_REPORT_KIND in kind for sid in ids}
    named = {w for alias in aliases for w in alias.split()}
    return frozenset(
        part
        for sid, title in titles.items()
        if sid not in reports
        for word in content_words(title)
        for part in word.split("-")
        if len(part) > 1
        and part.isalnum()
        and not part.isdigit()
        and part not in named
        and not is_general_english(part, settings.general_vocabulary_size)
    )


def build_vocabulary(
    texts: Sequence[str],
    topics: dict[str, list[str]],
    document_aliases: dict[str, str] | None = None,
    kinds: dict[str, list[str]] | None = None,
    settings: Settings | None = None,
    sentences: Mapping[str, Iterable[str]] | None = None,
    headings: Mapping[str, Iterable[str]] | None = None,
    years: Mapping[str, list[str]] | None = None,
    patients: Mapping[str, list[str]] | None = None,
    listed_names: Mapping[str, list[str]] | None = None,
    titles: Mapping[str, str] | None = None,
    publishers: Mapping[str, str] | None = None,
) -> Vocabulary:
    """Learn words, acronyms, glosses and topic aliases from the corpus texts and the manifest's topics
    (``sentences``, source id -> its sentences, lets follow-ups find what an earlier answer quoted;
    ``headings``, source id -> its section headings, what questions ask about a subject; ``years``,
    year -> documents published then; ``patients``, "woman"/"man"/... -> case reports of such a patient;
    ``listed_names``, topic -> the other names its page lists in a names field)."""
    settings = settings or Settings()
    tokenized = [words(text) for text in texts]  # (once: the word counts and the phrases' initials read them)
    counts = Counter(w for tokens in tokenized for w in tokens)
    # A page may spell its acronym out only in its title or a heading ("Kaposiform hemangioendothelioma (KHE):
    # questions families ask") and use the acronym alone in its text.
    acronyms = learn_acronyms([*texts, *(h for page in (headings or {}).values() for h in page)])
    # A medicine's brand name, which a page gives beside its generic one ("imatinib (Gleevec®)"): a question naming the
    # brand is about the medicine the pages name by its generic name.
    for text in texts:
        for brand in BRAND_NAME_RE.finditer(text):
            acronyms.setdefault(brand.group(2).lower(), brand.group(1).lower())
    aliases: dict[str, str] = {}
    for topic in topics:
        plain = normalise(topic_name(topic))
        aliases[plain] = topic
        for abbr, long_form in acronyms.items():
            if normalise(long_form).endswith(plain) or plain.endswith(normalise(long_form)):
                aliases[normalise(abbr)] = topic  # ("at/rt" is matched as "at rt", as every name is)
        for abbr in ACRONYM_RE.findall(topic):
            aliases[normalise(abbr)] = topic
    # A sentence of a page about one condition may name it "this condition".
    page_topics: dict[str, list[str]] = {}
    for topic, source_ids in topics.items():
        for sid in source_ids:
            page_topics.setdefault(sid, []).append(topic)
    own_topics = {
        text: page_topics[sid][0]
        for sid, page in (sentences or {}).items()
        if len(page_topics.get(sid, [])) == 1
        for text in page
    }
    for alias, topic in learn_other_names(texts, aliases, own_topics, acronyms).items():
        aliases.setdefault(alias, topic)
    # ... and a page's short title that qualifies its one condition's name ("Pediatric Low-Grade Glioma" for
    # "low-grade glioma"): a fuller name of it, whose initials ("pLGG") the rule below learns too.
    for sid, title in (titles or {}).items():
        own = page_topics.get(sid, [])
        plain_title = normalise(title)
        short = len(plain_title.split()) <= TITLE_NAME_MAX_WORDS
        if len(own) == 1 and short and plain_title.endswith(" " + normalise(topic_name(own[0]))):
            aliases.setdefault(plain_title, own[0])
    # ... and the names a page lists in a field of its own ("Synonym(s):" / "PVNS"), for the one condition it is about.
    for topic, names in (listed_names or {}).items():
        for name in names:
            plain = normalise(name)
            if plain and len(plain.split()) <= OTHER_NAME_MAX_WORDS:
                aliases.setdefault(plain, topic)
                if re.fullmatch(
                    r"[A-Z][A-Z0-9-]*[A-Z0-9]", name.strip()
                ):  # an acronym ("PVNS") spells out as the topic
                    acronyms.setdefault(plain, normalise(topic_name(topic)))
    # "X tumor" is often called "X" alone: a two-word name ending in a general noun for a condition
    # gives its first word as a name, when that word is no common English word and, outside the
    # condition's own pages, the corpus only ever writes it as part of the full name.
    own_pages = {topic: set(sids) for topic, sids in topics.items()}
    short_names: dict[str, list[str]] = {}  # the word -> the conditions it may stand for, in order
    for alias, topic in aliases.items():
        parts = alias.split()
        if len(parts) != 2 or parts[1] not in CONDITION_HEADS or parts[0] in aliases:
            continue
        if not is_general_english(parts[0], settings.general_vocabulary_size) and parts[0] in counts:
            short_names.setdefault(parts[0], []).append(topic)
    if short_names:
        # Where each such word stands alone (not before a condition noun), in one pass over the corpus.
        alone = re.compile(rf"\b({'|'.join(map(re.escape, short_names))})\b(?! ({'|'.join(CONDITION_HEADS)})s?\b)")
        pages_alone: dict[str, set[str]] = {}
        for sid, page in (sentences or {}).items():
            for text in page:
                for match in alone.finditer(normalise(text)):
                    pages_alone.setdefault(match.group(1), set()).add(sid)
        for word, candidates in short_names.items():
            for topic in candidates:
                if pages_alone.get(word, set()) <= own_pages.get(topic, set()):
                    aliases.setdefault(word, topic)
                    break
    # A long name is often said without its qualifier or one of its everyday words: "giant cell tumor" for
    # "giant cell tumor of bone", "unicameral cyst" for "unicameral bone cyst". Such a shorter name is learned
    # when it stands for one condition only, and (one word left out) keeps a word no everyday English has.
    shortened: dict[str, set[str]] = {}
    for alias, topic in list(aliases.items()):
        parts = alias.split()
        if len(parts) < 3:
            continue
        shorter = [parts[: parts.index("of", 2)]] if "of" in parts[2:] else []
        for i in range(1, len(parts) - 1):
            without = parts[:i] + parts[i + 1 :]
            if (
                parts[i] not in STOPWORDS
                and is_general_english(parts[i], settings.general_vocabulary_size)
                and not all(is_general_english(w, settings.general_vocabulary_size) for w in without)
            ):
                shorter.append(without)
        for kept in shorter:
            if len(kept) >= 2 and kept[-1] not in STOPWORDS:
                shortened.setdefault(" ".join(kept), set()).add(topic)
    for name, meant in shortened.items():
        if len(meant) == 1 and name not in aliases:
            aliases[name] = next(iter(meant))
    # A carcinoma is the cancer a family names it by ("myxoid glomus cancer"), where no other condition is named so.
    lay_named: dict[str, set[str]] = {}
    for alias, topic in aliases.items():
        if alias.endswith(" carcinoma"):
            lay_named.setdefault(alias.removesuffix("carcinoma") + "cancer", set()).add(topic)
    for name, meant in lay_named.items():
        if len(meant) == 1 and name not in aliases:
            aliases[name] = next(iter(meant))
    # A name of three or more words is often written as its initials ("giant cell tumor of bone" ->
    # "GCTB"), even where the pages never do: learn the initials unless they are a word already.
    for alias, topic in list(aliases.items()):
        # (A hyphenated word gives an initial per part: "low-grade glioma" is "LGG".)
        initials = "".join(w[0] for w in alias.replace("-", " ").split() if w not in STOPWORDS)
        if (
            len(alias.split()) >= settings.topic_initials_min_words
            and initials.isalpha()
            and initials not in aliases
            and initials not in counts
            and not is_english(initials)
        ):
            aliases[initials] = topic
            acronyms.setdefault(initials, alias)
    # The words of the headings are the corpus's too: the drug a section is headed by ("ZEROCAPTIN", over its "Dose"
    # and "Monitor" fields) may be in no sentence. (Not counted above: a heading's "GCTB" is no reason to drop the
    # initials the name gives.)
    heading_words = {w for page in (headings or {}).values() for heading in page for w in words(heading)}
    vocab = Vocabulary(
        words=frozenset(counts) | heading_words,
        acronyms=acronyms,
        topics=topics,
        topic_aliases=aliases,
        document_aliases={normalise(k): v for k, v in {**(publishers or {}), **(document_aliases or {})}.items()},
        publisher_aliases=frozenset(normalise(k) for k in publishers or {} if k not in (document_aliases or {})),
        kinds={normalise(k): v for k, v in (kinds or {}).items()},
        years=dict(years or {}),
        patients=dict(patients or {}),
        studies=frozenset(
            sid
            for sid in (kinds or {}).get(CASE_REPORT_KIND, ())
            if sentences is not None and not any(_CASE_TOLD_RE.search(s) for s in sentences.get(sid, ()))
        ),
        title_stems={sid: stems(title) for sid, title in (titles or {}).items()},
        glosses=learn_glosses(texts, settings.general_vocabulary_size),
        level_words=learn_level_words(texts, counts, settings),
        page_subjects=learn_page_subjects(titles or {}, kinds or {}, aliases, settings),
        counts=dict(counts),
        openings=sentence_openings(sentences or {}),
        settings=settings,
    )
    # What question-shaped headings ask, in the words several documents share ("symptoms", "treated"):
    # a word in one page's headings only ("why choose <site>?") says nothing about questions in general.
    documents = Counter(
        stem
        for texts in (headings or {}).values()
        for stem in {
            stem
            for text in texts
            if text.rstrip().endswith("?")
            for stem in stem_all(w for w in content_words(vocab.without_names(text)) if w.isalpha())
        }
    )
    shared = min(ASPECT_MIN_DOCUMENTS, len(headings or {}))
    vocab.aspects = frozenset(stem for stem, count in documents.items() if count >= shared)
    vocab.name_only_words = _name_only_words(texts, aliases, counts)
    vocab.phrase_initials = learn_phrase_initials(tokenized, settings)
    return vocab


def learn_phrase_initials(tokenized: Iterable[list[str]], settings: Settings) -> dict[str, str]:
    """Initials -> the one phrase of two or three content words the texts (as their words) use at least
    ``settings.phrase_initials_min_mentions`` times with those initials ("sv" -> "sentinel vessel"). Initials that two
    such phrases share stand for neither."""
    counts: Counter[str] = Counter()
    for tokens in tokenized:
        usable = [len(w) >= PHRASE_WORD_MIN_LETTERS and w.isalpha() and w not in STOPWORDS for w in tokens]
        for size in (2, 3):
            for start in range(len(tokens) - size + 1):
                if all(usable[start : start + size]):
                    counts[" ".join(tokens[start : start + size])] += 1
    by_initials: dict[str, list[str]] = {}
    for phrase, count in counts.items():
        if count >= settings.phrase_initials_min_mentions:
            by_initials.setdefault("".join(w[0] for w in phrase.split()), []).append(phrase)
    return {initials: phrases[0] for initials, phrases in by_initials.items() if len(phrases) == 1}


def _name_only_words(texts: Sequence[str], aliases: Mapping[str, str], counts: Mapping[str, int]) -> dict[str, str]:
    """The words of conditions' several-word names that the corpus never writes outside such a name, each
    with the name it is part of (in one pass over the texts that hold any of them)."""
    names = sorted((alias for alias in aliases if len(alias.split()) > 1), key=len, reverse=True)
    owner = {
        word: name
        for name in reversed(names)  # (the shortest name holding a word is the one shown)
        for word in name.split()
        if word.isalpha() and word not in STOPWORDS and word not in CONDITION_HEADS
    }
    if not owner:
        return {}
    any_word = re.compile(rf"\b({'|'.join(map(re.escape, owner))})\b", re.I)
    in_a_name = re.compile(rf"\b({'|'.join(map(re.escape, names))})\b")
    inside: Counter[str] = Counter()
    for text in texts:
        if any_word.search(text):
            inside.update(w for match in in_a_name.finditer(normalise(text)) for w in match.group().split())
    return {word: name for word, name in owner.items() if counts.get(word, 0) and inside[word] >= counts[word]}


def vocabulary_from_corpus(
    documents: Iterable[ParsedDocument], infos: Mapping[str, DocumentInfo], settings: Settings | None = None
) -> Vocabulary:
    """The vocabulary of parsed documents and their manifest entries: their sentences, the conditions
    each is about, case reports by their first author ("the Smith report"), documents by their kind."""
    sentences: dict[str, list[str]] = {}
    headings: dict[str, list[str]] = {}
    topics: dict[str, list[str]] = {}
    authors: dict[str, str] = {}
    kinds: dict[str, list[str]] = {}
    years: dict[str, list[str]] = {}
    patients: dict[str, list[str]] = {}
    age_groups: dict[str, str] = {}
    listed_names: dict[str, list[str]] = {}
    study_names: dict[str, set[str]] = {}
    for doc in documents:
        info = infos[doc.source_id]
        listed = doc.metadata.get("other_names")
        if isinstance(listed, list) and len(info.topics) == 1:  # (a page about several: whose names they are is unsaid)
            listed_names.setdefault(info.topics[0], []).extend(str(name) for name in listed)
        sentences[doc.source_id] = [s.text for s in doc.sentences]
        headings[doc.source_id] = doc.sections
        for topic in info.topics:
            topics.setdefault(topic, []).append(doc.source_id)
        author = str(doc.metadata.get("first_author", "")).split()
        if author:
            authors[author[-1]] = doc.source_id
        # ... and a study's own name in its title ("... glomangioma (ZEN-DUAL): a randomised trial"), which names it
        # as its author does: a hyphenated code of capitals ("KEYNOTE-045"), not a condition's acronym.
        for code in _TITLE_CODE_RE.findall(str(info.title)):
            study_names.setdefault(code, set()).add(doc.source_id)
        kinds.setdefault(info.kind.removesuffix(" abstract"), []).append(doc.source_id)
        year = info.year or doc.metadata.get("year")
        if year:
            years.setdefault(str(year), []).append(doc.source_id)
        if CASE_REPORT_KIND in info.kind:
            found = {m.group(1).lower() for s in doc.sentences for m in REPORT_PATIENT_RE.finditer(s.text)}
            if len(found) == 1:  # one patient (a report of several is not "the woman's" report)
                kind = found.pop()
                patients.setdefault(kind, []).append(doc.source_id)
                # ... and by her age, as a reader retells the case ("I read about a 44 year old woman whose ...").
                for age in {m.group(1) for s in doc.sentences for m in _AGED_PATIENT_RE.finditer(s.text)}:
                    patients.setdefault(f"{age} {kind}", []).append(doc.source_id)
        # Whom it is written for: what it says of itself ("This leaflet is for adults aged 18 and over"), or a case
        # report's patients' ages ("A 9-year-old boy presented ...": a child's doses are no adult's).
        scopes = {group for s in doc.sentences if (group := scope_age_group(s.text))}
        if not scopes and CASE_REPORT_KIND in info.kind:
            scopes = {
                "children" if m.group(2).lower() == "month" or int(m.group(1)) < ADULT_AGE else "adults"
                for s in doc.sentences
                for m in _PATIENT_AGE_RE.finditer(s.text)
            }
        if len(scopes) == 1:
            age_groups[doc.source_id] = scopes.pop()
    condition_names = " ".join(normalise(t) for info in infos.values() for t in info.topics)
    # ... and a page by its publisher's own name ("On the Ashford page, ..."), when it published no other document:
    # the first word of the name that no English word list has ("Ashford Children's Hospital").
    published: dict[str, list[str]] = {}
    for source_id in sentences:  # (every document read, in order)
        if publisher := infos[source_id].publisher:
            published.setdefault(publisher, []).append(source_id)
    publishers: dict[str, str] = {}
    for publisher, published_ids in published.items():
        own = next((w for w in re.findall(r"[A-Za-z][A-Za-z-]+", publisher) if not is_english(w)), None)
        if len(published_ids) == 1 and own and normalise(own) not in condition_names:
            publishers[own] = published_ids[0]
    for code, ids in study_names.items():
        if len(ids) == 1 and normalise(code) not in condition_names:  # (one document's own name, no condition's)
            authors.setdefault(code, next(iter(ids)))
    # ... and the documents' titles: a word a title uses ("a systematic review and meta-analysis") is one the
    # documents know, though no sentence repeats it.
    titles = {source_id: str(infos[source_id].title) for source_id in sentences}
    texts = [text for texts in sentences.values() for text in texts] + list(titles.values())
    vocab = build_vocabulary(
        texts, topics, authors, kinds, settings, sentences, headings, years, patients, listed_names, titles, publishers
    )
    vocab.age_groups = age_groups
    return vocab


@dataclass
class UnderstoodQuery:
    """A question made ready for retrieval."""

    question: str  # as asked; an elliptic "And X?" as the question it asks (see _renamed)
    text: str  # spelling-corrected and expanded: what is embedded and matched
    topics: list[str]  # conditions the question is about (its own, or carried from history)
    carried_topic: bool  # True when the topic came from the conversation, not the question
    targets: list[frozenset[str]]  # groups of source ids the question asks about (see Vocabulary.targets_in)
    terms: list[str]  # content words of the question after correction (for evidence coverage)
    focus: str = ""  # the question without its topic's name: what it asks *about* the topic
    unknown_terms: list[str] = field(default_factory=list)  # names of things the corpus never mentions
    absent_terms: list[str] = field(default_factory=list)  # everyday content words no document uses ("diet")
    # About one of many conditions without saying which: "could it be one of these tumours?" over a dozen,
    # or "how is it treated?" when nothing said before has a subject.
    which_condition: bool = False
    # Asked of a case report's patient ("what was done?"): a report's own words for it count (CASE_LEXICON).
    of_a_case: bool = False
    # What the message told before it asked, when that named its subject ("my son has X in his leg, how is it
    # treated?"): who has it and where, not what a heading would ask of it.
    told: str = ""
    # A follow-up asking what comes after what the last answer said ("how long after that is the surgery?"):
    # that answer's text, whose passages are then no answer again, and the text following them on their page is.
    said_before: str = ""
    # A follow-up that carries words of the question before and asks a new thing of them (not an elliptic "and with
    # mets?", nor one pointing back at what was said, "which of those ...?"): the last answer's text, whose
    # passages the reader has just read.
    last_answer: str = ""

    @property
    def names_one_document(self) -> bool:
        """Whether the question singles out a document ("the Quenby report", "the 2021 paper")."""
        return any(len(group) == 1 for group in self.targets)


def _is_known(lower: str, vocab: Vocabulary) -> bool:
    """A word the corpus, the lexicon or the question's grammar accounts for."""
    return (
        lower in vocab.words
        or lower in STOPWORDS
        or lower in LEXICON
        or lower in vocab.acronyms
        or lower in vocab.document_aliases
        or lower.removesuffix("'s") in vocab.words
        or (lower.endswith("s") and lower[:-1] in vocab.words)  # "MRIs": the stemmer keeps a plural after a vowel
        or bool(lower.isalpha() and stem_all([lower])[0] in vocab.word_stems)
        # ... or a name a page uses only in a derived form ("granuloma" of a page saying "granulomatous"); a long
        # stem only, so that a short one does not open half the vocabulary.
        or bool(
            lower.isalpha()
            and len(stem := stem_all([lower])[0]) >= vocab.settings.unknown_term_min_length
            and vocab.derives(stem)
        )
        # ... or a shorter one a page uses as its adjective ("ovaries" of a page saying "ovarian"): an English
        # adjective ending on the word's stem, not any longer word that starts with it.
        or bool(lower.isalpha() and vocab.adjective_of(lower))
    )


# English endings that make an adjective of a noun's stem ("ovari-an", "spin-al", "tumor-ous").
ADJECTIVE_ENDINGS = ("an", "al", "ic", "ous", "ar")


def correct_spelling(text: str, vocab: Vocabulary) -> str:
    """Replace a misspelt word by the closest corpus word ("recurrance" -> "recurrence").

    Only a word that is neither a corpus word (nor an inflection of one) nor an English word is
    corrected, so a real word is never turned into a corpus word ("aroma therapy" stays). A word may
    be one edit from its correction per ``spelling_letters_per_edit`` letters, at most
    ``spelling_max_edits``; ties go to the word the corpus uses most.
    """
    from symspellpy import Verbosity

    settings = vocab.settings

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        lower = fold(word).lower()
        if len(lower) < settings.spelling_min_word_length or _is_known(lower, vocab) or is_english(lower):
            return word
        edits = min(settings.spelling_max_edits, len(lower) // settings.spelling_letters_per_edit)
        found = vocab.speller.lookup(lower, Verbosity.CLOSEST, max_edit_distance=edits) if edits else []
        if not found:
            # Spelt as it sounds ("kordoma", "fosfamide"): one English sound-spelling swap, then the same edits.
            for variant in sound_alike_spellings(lower):
                found = vocab.speller.lookup(variant, Verbosity.CLOSEST, max_edit_distance=edits)
                if found:
                    break
        if not found:
            return word
        fixed: str = found[0].term
        return fixed.capitalize() if word[0].isupper() else fixed

    return re.sub(r"[A-Za-z][A-Za-z'’-]+", fix, text)


NAME_TYPO_MIN_WORDS = 3  # a name this long is recognised with one of its words mistyped into an English word
NAME_TYPO_MIN_LETTERS = 3  # shorter words ("of") are too alike to correct even inside a name


def join_split_names(text: str, vocab: Vocabulary) -> str:
    """Two words that together spell an author's name the corpus writes as one ("van Tongeren" for
    "Vantongeren", "De Luca" for "Deluca"): surnames with a particle are written both ways."""
    tokens = list(re.finditer(r"[A-Za-z][A-Za-z'’-]*", text))
    for first, second in reversed(list(pairwise(tokens))):
        joined = f"{first.group(0)}{second.group(0)}".lower()
        if joined in vocab.document_aliases and text[first.end() : second.start()] == " ":
            text = f"{text[: first.start()]}{first.group(0)}{second.group(0).lower()}{text[second.end() :]}"
    return text


def correct_name_typos(text: str, vocab: Vocabulary) -> str:
    """Correct a mistyped word inside a name of several words ("myxoid glomangoima"), even when
    the typo is an English word ("prat") in a name of three or more: the other words of the name, in order,
    say which word was meant. One word per name, within ``spelling_max_edits`` (transpositions count one).
    A name's last word cut short ("myxoid lipo") is completed when it begins that one name's word only."""
    from symspellpy.editdistance import DistanceAlgorithm, EditDistance

    tokens = list(re.finditer(r"[A-Za-z][A-Za-z'’-]*", text))
    lowered = [fold(t.group(0)).lower() for t in tokens]
    fixes: dict[int, str] = {}
    clipped: dict[int, set[str]] = {}  # a last word cut short -> the names' words it begins
    distance = EditDistance(DistanceAlgorithm.DAMERAU_OSA)
    limit = vocab.settings.spelling_max_edits
    clip_min = vocab.settings.name_clip_min_letters
    for position, word in enumerate(lowered):
        for name in vocab.long_names_by_word.get(word, []):
            for offset in (i for i, part in enumerate(name) if part == word):
                start = position - offset
                window = lowered[start : start + len(name)] if start >= 0 else []
                if len(window) != len(name):
                    continue
                wrong = [i for i, (got, want) in enumerate(zip(window, name, strict=True)) if got != want]
                if len(wrong) != 1:
                    continue
                got, want = window[wrong[0]], name[wrong[0]]
                if wrong[0] == len(name) - 1 and len(got) >= clip_min and want.startswith(got):
                    clipped.setdefault(start + wrong[0], set()).add(want)
                    continue
                # In a two-word name, the other word says less: only a typo that is no word at all ("infantil
                # fibrosarcoma"), never an English or corpus word ("bone cost").
                if len(name) < NAME_TYPO_MIN_WORDS and (is_english(got) or got in vocab.words):
                    continue
                if len(got) >= NAME_TYPO_MIN_LETTERS and 0 < distance.compare(got, want, limit) <= limit:
                    fixes[start + wrong[0]] = want
    # ("infantile fibro" begins "fibrosarcoma" and "fibromatosis": which is meant is not said.)
    fixes |= {at: next(iter(wants)) for at, wants in clipped.items() if len(wants) == 1 and at not in fixes}
    # ... and a name of one word cut short ("rhabdo" for "rhabdomyosarcoma"), no word of its own, when it begins the
    # names of one condition only.
    lone_min = vocab.settings.lone_name_clip_min_letters
    for position, word in enumerate(lowered):
        if position in fixes or len(word) < lone_min or not word.isalpha() or word in vocab.words or is_english(word):
            continue
        at = bisect.bisect_left(vocab.one_word_names, word)
        begun = []
        while at < len(vocab.one_word_names) and vocab.one_word_names[at].startswith(word):
            begun.append(vocab.one_word_names[at])
            at += 1
        if begun and len({vocab.topic_aliases[name] for name in begun}) == 1:
            fixes[position] = begun[0]
    if not fixes:
        return text
    out, at = [], 0
    for i, token in enumerate(tokens):
        if i in fixes:
            out += [text[at : token.start()], fixes[i]]
            at = token.end()
    return "".join([*out, text[at:]])


# Letters English spells one sound with (a writer who hears the word may pick either).
SOUND_SPELLINGS = [("k", "ch"), ("k", "c"), ("c", "k"), ("f", "ph"), ("s", "c"), ("z", "s"), ("i", "y"), ("y", "i")]


def sound_alike_spellings(word: str) -> list[str]:
    """The word with one of its letters swapped for another spelling of the same sound."""
    variants = []
    for heard, spelt in SOUND_SPELLINGS:
        start = word.find(heard)
        while start >= 0:
            variants.append(word[:start] + spelt + word[start + len(heard) :])
            start = word.find(heard, start + 1)
    return variants


# Word shapes that name a disease, drug or procedure ("osteosarcoma", "pazopanib", "immunotherapy").
MEDICAL_SHAPE_RE = re.compile(
    r"(oma|omas|itis|ectomy|ectomies|osis|emia|aemia|plasty|scopy|therapy|therapies|mab|nib|platin|"
    r"mycin|cillin|azole|statin|vir|profen|amol|phen|oid|oids)$"
)


COMPOUND_PART_MIN_LETTERS = 4  # "chemo|sensitivity": shorter pieces would split almost any word in two


def _is_word(part: str, vocab: Vocabulary) -> bool:
    """A word of English, of the corpus or of the lexicon, an abbreviation of one or two letters
    ("op"), or a compound of two such words ("chemosensitivity")."""
    if len(part) <= 2 or is_english(part) or _is_known(part, vocab):
        return True
    return any(
        (is_english(head) or _is_known(head, vocab)) and (is_english(tail) or _is_known(tail, vocab))
        for head, tail in _two_parts(part)
    )


def _two_parts(word: str) -> Iterable[tuple[str, str]]:
    """Each way to cut a word in two parts of at least COMPOUND_PART_MIN_LETTERS letters, shortest head first."""
    shortest = COMPOUND_PART_MIN_LETTERS
    for cut in range(shortest, len(word) - shortest + 1):
        yield word[:cut], word[cut:]


def compound_parts(word: str, vocab: Vocabulary) -> list[str]:
    """The two words a compound the corpus never uses is made of, when the first is a corpus or lexicon
    word ("chemosensitivity" -> "chemo", "sensitivity"): the documents may say it in two words."""
    if word in vocab.words or "-" in word or is_english(word):
        return []
    for head, tail in _two_parts(word):
        if (head in vocab.words or head in LEXICON) and (is_english(tail) or _is_known(tail, vocab)):
            return [head, tail]
    return []


def _shorthand_for_nothing_here(lower: str, vocab: Vocabulary) -> bool:
    """Lexicon shorthand ("MRI") for what no document says, in its own or the long form."""
    return (
        lower in LEXICON
        and lower not in vocab.words
        and lower not in vocab.acronyms
        and not any(w in vocab.words for e in LEXICON.expansions(lower) for w in e.split())
    )


# A code of two or more letters, then digits ("ki-67", "her2", "ca-125"); one letter is a level ("t5").
_CODE = r"[A-Za-z]{2,}-?\d"
_MARKER_RE = re.compile(_CODE)
# The words before a place: "near", "close to", "around".
_PLACE_BEFORE_RE = re.compile(r"\b(?:near|nearby|close to|around)\s+$", re.I)
# ... and, in a question asking where, "in" or "at" ("where can I get it done in manchester").
_WHERE_RE = re.compile(r"\bwhere\b", re.I)
_IN_PLACE_BEFORE_RE = re.compile(r"\b(?:in|at)\s+$", re.I)
# Words for groups of people, who are no place: "in toddlers", "in grown-ups".
_PEOPLE_RE = re.compile(
    r"(?:bab(?:y|ies)|infants?|newborns?|toddlers?|kids?|child(?:ren)?|teens?|teenagers?|adolescents?|youngsters?|"
    r"adults?|grown-?ups?|elderly|seniors?|men|women|boys?|girls?|males?|females?|people|patients?)",
    re.I,
)


def unknown_terms(question: str, vocab: Vocabulary) -> list[str]:
    """Names in the question that the corpus never uses. The documents cannot say anything about a
    thing they never name.

    A name is a specialist word by its shape ("osteosarcoma", "pazopanib"), a word of no English
    word list that is not a compound of known words ("keytruda", but not "chemosensitivity"), or a
    capitalised or upper-case word in mid-question ("Ewing", "MRI").
    Never a name: an everyday English word ("diploma"), a code or number ("T5-T7", "C6"), a Roman
    numeral ("IV"), or any word the corpus or the lexicon knows.
    """
    settings = vocab.settings
    letters = [c for c in question if c.isalpha()]
    shouting = bool(letters) and sum(c.isupper() for c in letters) > len(letters) / 2
    found = []
    for match in re.finditer(r"[A-Za-z][A-Za-z0-9'’-]*", question):
        word = match.group(0).rstrip("'’-")
        lower = fold(word).lower().removesuffix("'s")
        if any(ch.isdigit() for ch in lower) and _MARKER_RE.match(lower):
            # A named marker, gene or test of letters and digits ("Ki-67", "HER2", "CA-125") that no page
            # writes, in any hyphenation: a name the documents lack. (Not a level or stage: "T5-T7", "C6".)
            # (A fusion of two known names, "col1a1-pdgfb", is known: each part is.)
            parts = lower.split("-")
            known_part = [p in vocab.codes or p in vocab.words or p.isdigit() for p in parts]
            if lower.replace("-", "") not in vocab.codes and not (len(parts) > 1 and all(known_part)):
                found.append(word)
            continue
        if len(lower) < 2 or any(ch.isdigit() for ch in lower) or ROMAN_NUMERAL_RE.match(lower):
            continue
        if lower in vocab.topic_words:
            continue  # a word of a condition's name, which the manifest gives even where the text does not
        if word.islower() and misspelt_everyday_word(lower, settings.general_vocabulary_size, settings.typo_min_length):
            continue  # an everyday word mistyped ("actualy"), not a name the documents lack
        # A place asked about ("a trial near chicago"), typed in lower case, is a name the documents lack
        # however everyday the word.
        preceding = question[: match.start()]
        if (
            not _is_known(lower, vocab)
            and not _PEOPLE_RE.fullmatch(lower)  # ("where does it start in grown-ups?": people, not a place)
            and (
                _PLACE_BEFORE_RE.search(preceding)
                or (_WHERE_RE.search(question) and _IN_PLACE_BEFORE_RE.search(preceding))
            )
        ):
            found.append(word)
            continue
        parts = [lower] if _is_known(lower, vocab) else [p for p in lower.split("-") if p]
        # Shorthand the lexicon knows is a name after all when no page says what it stands for: "Is an
        # MRI needed?" of pages that never mention one.
        if all(
            (_is_known(p, vocab) and not _shorthand_for_nothing_here(p, vocab))
            or is_general_english(p, settings.general_vocabulary_size)
            for p in parts
        ):
            continue  # every part known or everyday ("follow-up", "diploma")
        # ... or a nurse's shortening of a word the pages use, perhaps with a two-letter qualifier ("HD-ZRT").
        typed_parts = [p for p in word.split("-") if p]
        if any(vocab.shorthand(p) for p in typed_parts) and all(
            vocab.shorthand(p) or len(p) <= 2 or _is_known(p.lower(), vocab) for p in typed_parts
        ):
            continue
        long_enough = len(lower) >= settings.unknown_term_min_length
        shaped = long_enough and bool(MEDICAL_SHAPE_RE.search(lower))
        foreign = long_enough and not all(_is_word(p, vocab) for p in parts)
        before = question[: match.start()].rstrip()
        starts_sentence = not before or before.endswith((".", "?", "!", ":", '"', "“", "(", "-"))
        abbreviation = question[match.end() : match.end() + 1] == "." and len(word) <= 3  # "Dr.", "St."
        named = (
            not shouting
            and not abbreviation
            and ((word[0].isupper() and not starts_sentence) or (word.isupper() and len(word) >= 2))
        )
        # ... or a condition named after someone, in lower case ("ewing sarcoma", "wilms tumor"): a word no page uses
        # before a condition's head noun.
        eponym = bool(_BEFORE_CONDITION_HEAD_RE.match(question[match.end() :]))
        if shaped or foreign or named or eponym:
            found.append(word)
    return found


_BEFORE_CONDITION_HEAD_RE = re.compile(rf"(?:['’]s)?\s+(?:{'|'.join(sorted(CONDITION_HEADS))})s?\b", re.I)


# How an elliptic follow-up opens: a connective ("and with mets?"), "what about ..." or a condition
# ("what if it has spread?"). English question shapes, nothing about any corpus.
CONNECTIVE_RE = re.compile(r"^\s*(?:(?:and|or|but|also|so|then|ok|okay|well)\b[\s,]*)+", re.I)
WHAT_ABOUT_RE = re.compile(r"^\s*(?:what|how)\s+about\b", re.I)
CONDITION_RE = re.compile(r"^\s*(?:what\s+)?if\b", re.I)
# What follows the opening when it only qualifies the previous question ("with mets", "for adults", "if
# it has spread") or points back at its subject ("the one in the leg"): the previous question goes on.
QUALIFIER_RE = re.compile(
    r"^(?:what\s+if|if|when|with|without|for|in|at|on|after|before|during|since|by|from|versus|vs|compared|"
    r"instead|than|as|the\s+(?:one|ones|other|others|same)|that|this|those|these|it|they|them)\b",
    re.I,
)
# "she", "his", "the patient": a person, the patient of a case report discussed before, unless the
# asker spoke of their own people ("my daughter"), whom the pronoun then means.
PERSON_RE = re.compile(r"\b(?:she|he|her|him|his|hers|the (?:patient|woman|man|girl|boy|lady))\b", re.I)
_PEOPLE_NOUNS = (
    r"(?:daughter|son|child|kid|baby|boy|girl|wife|husband|partner|mother|father|mom|mum|dad|sister|brother|"
    r"friend|niece|nephew|grandson|granddaughter|grandchild|patient|sibling|twin)s?"
)
OWN_PEOPLE_RE = re.compile(rf"\b(?:my|our)\s+(?:[\w'-]+\s+){{0,2}}?{_PEOPLE_NOUNS}\b", re.I)
# Someone's people, the asker's or another's: "my daughter", "his big sister", "their kids".
SOMEONES_PEOPLE_RE = re.compile(rf"\b(?:my|our|his|her|their|your)\s+(?:[\w'-]+\s+){{0,2}}?{_PEOPLE_NOUNS}\b", re.I)


def names_someones_people(word: str, question: str) -> bool:
    """Whether a word of a question only says whose people it is asked of ("does my [daughter] need ...", "can
    his [big] sister catch it"): who asks, never what. Not when the people end the question ("Can X harm her
    baby?"), where they are what is asked about."""
    lowered = word.lower()
    return any(
        lowered in m.group(0).lower().split() and re.match(r"\s*[\w'-]", question[m.end() :])
        for m in SOMEONES_PEOPLE_RE.finditer(question)
    )


# Pronouns by which a follow-up speaks of its subject without naming it.
SUBJECT_PRONOUN_RE = re.compile(
    r"\b(?:(?:that|this|the other|which) one|it|its|itself|they|them|their|she|he|her|him|his)\b(?!')", re.I
)
# "it" for a subject not yet named ("Is it genetic?" as a first question).
UNSAID_IT_RE = re.compile(r"\b(?:it|its|itself)\b(?!')", re.I)
# "Is it normal to ...?", "it is safe for him to ...", "how long does it take?": an "it" that stands for what
# follows, or for nothing, not for a condition.
EXPLETIVE_IT_RE = re.compile(
    r"\b(?:is it|it is|it's|was it|it was)\s+(?:\w+\s+){1,2}?(?:to|that|for|if|when)\b|\bit (?:take|takes|took)\b", re.I
)
# A follow-up that asks for something other than what was just discussed ("what else", "instead").
CONTRAST_RE = re.compile(r"\b(?:instead|else|other|others|alternatives?|besides|apart from)\b", re.I)
# A question for someone to turn to: a person to talk to, a line to call ("is there anyone I can talk to tonight?",
# "who do we ring?", "is there a helpline?"). It asks a new thing of a conversation's subject, never what was asked
# before it.
ASKS_CONTACT_RE = re.compile(
    r"\b(?:anyone|anybody|someone|somebody|who)\b[\w' ]{0,30}?\b(?:talk|speak|call|ring|phone|contact|turn to)\b|"
    r"\b(?:help ?lines?|support lines?|hotlines?|contact (?:details|numbers?)|(?:phone|telephone) numbers?|"
    r"numbers? to (?:call|ring))\b",
    re.I,
)
PATIENT_WORD = "patient"  # what case reports call the person a pronoun stands for


@dataclass
class Referent:
    """What an earlier turn was about: conditions, groups of documents, or a name the corpus never uses."""

    topics: list[str] = field(default_factory=list)
    targets: list[frozenset[str]] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)  # case reports singled out (by author, or quoted)
    unknown: list[str] = field(default_factory=list)  # names the corpus never mentions
    person: bool = False  # the follow-up's pronoun stands for a case report's patient

    def __bool__(self) -> bool:
        return bool(self.topics or self.targets or self.unknown)

    def authors(self, vocab: Vocabulary) -> list[str]:
        """The author names of the case reports it singles out."""
        return [
            alias
            for alias, sid in vocab.document_aliases.items()
            if sid in self.reports and alias not in vocab.publisher_aliases
        ]


def _exchanges(history: Sequence[dict[str, str]]) -> list[tuple[str, str]]:
    """(question, answer) pairs of the conversation, latest first."""
    pairs: list[tuple[str, str]] = []
    answer = ""
    for turn in reversed(history):
        content = str(turn.get("content", ""))
        if turn.get("role") == "user":
            pairs.append((content, answer))
            answer = ""
        else:
            answer = f"{content} {answer}".strip()
    if answer:
        pairs.append(("", answer))
    return pairs


def _named(text: str, vocab: Vocabulary) -> Referent:
    """The subjects a text names: conditions, documents by author or kind."""
    if not text:
        return Referent()
    # "Could it be one of these tumours?" names no subject: the answer's quotes say which ones it was about.
    targets = vocab.targets_in(text, every_condition=False)
    reports = [sid for group in targets if len(group) == 1 for sid in group if sid in vocab.report_ids]
    return Referent(vocab.topics_in(text), targets, reports)


def _subject(asked: str, answer: str, vocab: Vocabulary, stock_replies: Sequence[str]) -> Referent:
    """What one exchange was about: what its question names; failing that, a name its question used
    that the corpus never does (a follow-up about it cannot be answered either); failing that, the
    documents its answer quoted, or the subjects the answer names. The assistant's stock replies (its
    refusal, its greeting) name everything it covers and so are about nothing. An answer is about the
    documents it quoted and what its own words (labels, paraphrase) name."""
    # (Read as the question was: "RB" a nurse used for a condition is that condition, not a name the corpus lacks.)
    asked = _spelling_corrected(asked, vocab) if asked else ""
    if found := _named(asked, vocab):
        return found
    if asked and (unknown := unknown_terms(asked, vocab)):
        return Referent(unknown=unknown)
    for stock in stock_replies:
        if stock:
            answer = answer.replace(stock, " ")
    quoted, own_words = vocab.quoted_sources(answer)
    topics, targets = vocab.subjects_of(quoted)
    # A general page quoted speaks for its condition: a follow-up ("can it come back?") is asked of the
    # condition, any of whose documents may answer it, as when the question names it. (A case report
    # quoted alone stays the subject: "how was she treated?" asks of its patient.)
    # Of a review about two conditions quoted beside a page about one, the one both are about.
    if any(sid not in vocab.report_ids for sid in quoted):
        per_document = [set(vocab.subjects_of([sid])[0]) for sid in quoted]
        topics = [t for t in topics if all(t in d for d in per_document if d)] or topics
        conditions = [frozenset(vocab.topics[t]) for t in topics if t in vocab.topics]
        targets = conditions + [g for g in targets if not any(g <= c for c in conditions)]
    named = _named(correct_spelling(own_words, vocab) if own_words else "", vocab)
    # What the answer's own words name joins what it quoted, unless a quote already stands for it.
    targets += [t for t in named.targets if t not in targets and not any(t & q for q in targets)]
    topics += [t for t in named.topics if t not in topics]
    reports = [sid for sid in quoted if sid in vocab.report_ids]
    return Referent(topics, targets, reports + [sid for sid in named.reports if sid not in reports])


def _referent(
    question: str, history: Sequence[dict[str, str]], vocab: Vocabulary, stock_replies: Sequence[str] = ()
) -> Referent:
    """What a follow-up without a subject refers to: the latest exchange that has one (see
    :func:`_subject`). Every subject of that exchange is kept: after an answer about two conditions,
    "it" could mean either, and the answerer answers for each or asks which. A person ("she", "the
    patient") is the patient of the latest case report singled out, unless the asker spoke of their own
    people first."""
    person = bool(PERSON_RE.search(question)) and not OWN_PEOPLE_RE.search(question)
    if OTHER_ONE_RE.search(question):
        return _the_other_one(history, vocab, stock_replies)
    if BOTH_RE.search(question) and (both := _the_last_two(history, vocab, stock_replies)):
        return both
    first: Referent | None = None
    for asked, answer in _exchanges(history):
        found = _subject(asked, answer, vocab, stock_replies)
        if person and OWN_PEOPLE_RE.search(asked):
            person = False
        if person and found.reports:
            return Referent([], [frozenset({sid}) for sid in found.reports], found.reports, person=True)
        if first is None and found:
            first = found
        if first is not None and not person:
            return _narrowed(first, history, vocab)
    return _narrowed(first, history, vocab) if first else Referent()


def _narrowed(found: Referent, history: Sequence[dict[str, str]], vocab: Vocabulary) -> Referent:
    """Of the conditions a page about several was quoted for, the one the asker last named: "my daughter has a
    simple bone cyst" / "will it heal?" / "what if it breaks again?" is still about the simple bone cyst, though
    the page quoted covers two. (A question that named both keeps both.)"""
    if len(found.topics) < 2:
        return found
    for asked, _ in _exchanges(history):
        named = _named(correct_spelling(asked, vocab) if asked else "", vocab)
        if named.topics:
            return named if set(named.topics) < set(found.topics) else found
    return found


# "What about the other one?": the subject talked about before the latest one.
OTHER_ONE_RE = re.compile(r"\bthe other (?:one|condition|tumou?r|disease|cancer|sarcoma)\b|\bthe other\s*\??\s*$", re.I)


# "Which one is more common?", "what's the difference between them?": the last two subjects, together.
BOTH_RE = re.compile(
    r"\bwhich (?:one|of (?:them|the two|both))\b|\bwhich is (?:more|less|better|worse)\b|"
    r"\b(?:both|either|each) of (?:them|these|those)\b|\bcompare (?:them|the two)\b|\bbetween (?:them|the two)\b",
    re.I,
)


def _the_last_two(history: Sequence[dict[str, str]], vocab: Vocabulary, stock_replies: Sequence[str]) -> Referent:
    """The two latest subjects of the conversation together (each answered and cited apart), or nothing
    when it had fewer than two."""
    found_two: list[Referent] = []
    for asked, answer in _exchanges(history):
        found = _subject(asked, answer, vocab, stock_replies)
        if found.topics and all(set(found.topics) != set(f.topics) for f in found_two):
            found_two.append(found)
        if len(found_two) == 2:
            latest, earlier = found_two
            topics, targets = [*earlier.topics, *latest.topics], [*earlier.targets, *latest.targets]
            return Referent(topics, targets, [*earlier.reports, *latest.reports])
    return Referent()


def _the_other_one(history: Sequence[dict[str, str]], vocab: Vocabulary, stock_replies: Sequence[str]) -> Referent:
    """The subject "the other one" means: the latest one the conversation had before its latest subject;
    with no such turn, the other condition of a corpus about two. Otherwise nothing (the answerer then
    says which conditions it can answer about rather than guess)."""
    latest: Referent | None = None
    for asked, answer in _exchanges(history):
        found = _subject(asked, answer, vocab, stock_replies)
        if not found.topics:
            continue
        if latest is None:
            latest = found
        elif set(found.topics) != set(latest.topics):
            return found
    conditions = list(vocab.topics)
    if latest is not None and len(conditions) == 2 and len(latest.topics) == 1:
        other = next(t for t in conditions if t not in latest.topics)
        return Referent([other], [frozenset(vocab.topics[other])])
    return Referent()


def _continuation(question: str, previous: str, vocab: Vocabulary) -> str:
    """What an elliptic follow-up carries of the previous question: all of it when it only qualifies
    that question ("and with mets?", "what if it has spread?", "why?"), its words without its subject
    when it only names a new subject ("what about X?"), and nothing when it asks something of its own
    ("what about treatment?", "and what's the outlook?": the subject alone is carried, by the referent)."""
    if not previous:
        return ""
    if not content_words(question):
        return previous
    rest, opened = _elliptic_opening(question)
    if not opened and not CONDITION_RE.match(rest):
        return ""  # not elliptic
    rest = rest.strip(" ?.!,;:")
    if not rest or QUALIFIER_RE.match(rest):
        return previous
    if _only_names(rest, vocab):
        return vocab.without_names(previous)
    return ""


def _elliptic_opening(question: str) -> tuple[str, bool]:
    """The question after an elliptic opening ("and", "what about"), and whether it had one."""
    connective = CONNECTIVE_RE.match(question)
    rest = question[connective.end() :] if connective else question
    if about := WHAT_ABOUT_RE.match(rest):
        return rest[about.end() :], True
    return rest, bool(connective)


def _complete(question: str, previous: str, vocab: Vocabulary) -> tuple[str, str]:
    """A follow-up as asked in full: the question (renamed, for "And X?") and what it carries of the
    previous one."""
    if renamed := _renamed(question, previous, vocab) or _asked_of_another_group(question, previous):
        return renamed, ""
    return question, _continuation(question, previous, vocab)


def _asked_of_another_group(question: str, previous: str) -> str | None:
    """An elliptic follow-up that only names an age group ("and for kids?", "what about adults?") asks the previous
    question of that group: "X dose?" then "and for kids?" asks "X dose for kids?" (whose figures a page written for
    adults does not give). None for any other question."""
    rest, opened = _elliptic_opening(question)
    asked = content_words(rest)
    if not opened or not asked or not all(any(p.fullmatch(w) for p in AGE_GROUP_RES.values()) for w in asked):
        return None
    return f"{previous.strip().rstrip('?.!').strip()} {rest.strip(' ?.!,;:')}?"


def _only_names(text: str, vocab: Vocabulary) -> bool:
    """Whether the text says nothing but the names of subjects ("desmoid tumors", "the Quenby report")."""
    return not content_words(vocab.without_names(text)) and bool(vocab.topics_in(text) or vocab.targets_in(text))


def _renamed(question: str, previous: str, vocab: Vocabulary) -> str | None:
    """An elliptic follow-up that only names a new subject ("And X?", "What about X?") asks the previous
    question of it: "What is Y?" then "And X?" asks "What is X?". The previous question with its subject's
    name replaced, when it named one; else None."""
    rest, opened = _elliptic_opening(question)
    if not opened:
        return None
    rest = rest.strip(" ?.!,;:")
    spans = vocab.name_spans(previous)
    if not rest or not spans or not _only_names(rest, vocab):
        return None
    (start, end, _), *others = spans
    renamed = previous[:start] + rest + previous[end:]
    # Other names of the previous subject go ("... of MGA (myxoid glomangioma)"), right to left.
    shift = len(rest) - (end - start)
    for other_start, other_end, _ in sorted(others, reverse=True):
        renamed = renamed[: other_start + shift] + renamed[other_end + shift :]
    return " ".join(re.sub(r"\(\s*\)", " ", renamed).split())


def _asked(history: Sequence[dict[str, str]], vocab: Vocabulary) -> list[str]:
    """The user's questions, spelling corrected, each elliptic one completed by the one before it."""
    asked: list[str] = []
    for turn in history:
        if turn.get("role") == "user":
            question = correct_spelling(str(turn.get("content", "")), vocab)
            completed, carried = _complete(question, asked[-1], vocab) if asked else (question, "")
            asked.append(f"{completed} {carried}".strip())
    return asked


def _terms(text: str) -> list[str]:
    """The content words of a question, a phrase of the lexicon counting as one term ("come back")."""
    phrases = [phrase for phrase, _ in LEXICON.matches(text) if " " in phrase]
    inside = {word for phrase in phrases for word in phrase.split()}
    return list(dict.fromkeys([w for w in content_words(text) if w not in inside] + phrases))


# "Tell me about X", "X overview", "info on X", and the asker's bare statement "my son has X" / "she was just
# diagnosed with X": a request for what X is, as "What is X?" asks.
OVERVIEW_RE = re.compile(
    r"^\W*(please\W+)?((can|could|would) you\W+)?"
    r"(tell me (a bit |more |something )?about|(an? |give me an? )?overview of|"
    r"(some )?info(rmation)? (on|about)|explain|describe|what do you know about|i want to (know|learn) about|"
    r"summari[sz]e|(give me )?(a |the )?summary of)\b|"
    r"\boverview\W*$|"
    r"^\W*what('s| is| was) (the|this|that) [\w .-]{1,60} about\W*$|"  # "What is the 2003 paper about?"
    r"^\W*what happened (in|with) (the|this|that) [\w .-]{0,60}\b(case|report|paper|study)\W*$",  # "... in the X case?"
    re.I,
)
_STATEMENT_OF_ILLNESS_RE = re.compile(
    r"^\W*(my|our)\s+(\w+\s+){0,3}?(has|had|have|was|is|got|just got)\s+(just\s+|recently\s+)?"
    r"(been\s+)?(diagnosed\s+with\s+|found\s+to\s+have\s+)?",
    re.I,
)

# A word that makes a statement a question ("my son has X, what should we do").
_ASKS_RE = re.compile(
    r"\b(what|how|why|when|where|which|who|can|could|should|will|would|does|do|"
    r"is (it|that|this|there|he|she)|are (they|these|those|there))\b",
    re.I,
)


def asks_overview(question: str) -> bool:
    """Whether a question asks for an overview of its subject ("Tell me about X", "my son has X")."""
    if OVERVIEW_RE.search(question):
        return True
    # A statement, not a question: no question mark and no question word after the opening.
    return "?" not in question and bool(_STATEMENT_OF_ILLNESS_RE.match(question)) and not _ASKS_RE.search(question)


def _as_definition_question(question: str, vocab: Vocabulary) -> str | None:
    """ "Tell me about X" / "my son has X", of one condition, asked as "What is X?" (its words and cues)."""
    if not asks_overview(question):
        return None
    # ("Summarise the X case treated with Y": an overview of that report, not of X.)
    if any(names_a_document(word, vocab) for word in content_words(question)):
        return None
    topics = vocab.topics_in(question)
    if len(topics) != 1:
        return None
    return f"What is {topic_name(topics[0])}?"


def _spelling_corrected(text: str, vocab: Vocabulary) -> str:
    """A text with split names joined, misspelt words and mistyped words of names corrected, and codes
    hyphenated as the pages write them."""
    text = _condition_shorthand_spelt_out(_codes_as_written(text, vocab), vocab)
    return correct_name_typos(correct_spelling(join_split_names(text, vocab), vocab), vocab)


_CAPITALS_RE = re.compile(r"\b[A-Z]{2,}\b")
_HYPHENATED_RE = re.compile(r"[\w]+(?:-[\w]+)*")


def _condition_shorthand_spelt_out(text: str, vocab: Vocabulary) -> str:
    """ "MGA nail bed dose" read as "myxoid glomangioma nail bed dose": a condition a nurse shortens to capitals
    the pages never write (see :meth:`Vocabulary.condition_shorthand`) is asked about by its name; so is one a family
    cuts short ("her glomang": see :meth:`Vocabulary.condition_word_begun`)."""
    # (Not the capitals of a hyphenated name the pages write: "ZGT-CO" is a regimen, whatever "ZGT" could shorten.)
    text = _HYPHENATED_RE.sub(
        lambda m: (
            m.group(0)
            if m.group(0).lower() in vocab.words
            else _CAPITALS_RE.sub(lambda c: vocab.condition_shorthand(c.group(0)) or c.group(0), m.group(0))
        ),
        text,
    )
    # ... and a phrase of the pages a nurse shortens to its initials: "SV" for "sentinel vessel".
    text = _CAPITALS_RE.sub(lambda c: vocab.phrase_shorthand(c.group(0)) or c.group(0), text)
    return _LOWER_WORD_RE.sub(lambda m: vocab.condition_word_begun(m.group(0)) or m.group(0), text)


_LOWER_WORD_RE = re.compile(rf"\b[a-z]{{{CONDITION_PREFIX_MIN_LETTERS},}}\b")


_CODE_TOKEN_RE = re.compile(rf"\b{_CODE}[A-Za-z0-9-]*\b")


def _codes_as_written(text: str, vocab: Vocabulary) -> str:
    """ "CD-34" written "CD34" where the pages write it so (case kept): a marker is one word, found as one."""

    def as_written(match: re.Match[str]) -> str:
        token = match.group(0)
        written = vocab.codes.get(token.lower().replace("-", ""))
        if written is None or written == token.lower():
            return token
        return written.upper() if token.isupper() or token[:2].isupper() else written

    return _CODE_TOKEN_RE.sub(as_written, text)


def understand(
    question: str, history: Sequence[dict[str, str]], vocab: Vocabulary, stock_replies: Sequence[str] = ()
) -> UnderstoodQuery:
    """Correct and expand a question. A follow-up that names no subject takes the conversation's (see
    :func:`_referent`; ``stock_replies`` are what the assistant says whatever the question); an elliptic
    one ("And if it has spread?") also carries the previous question it continues."""
    # "My daughter was just diagnosed with MGA. What is it?": what the message tells comes first, as a turn
    # of the conversation would, and the question asks about it ("it" is MGA, "diagnosed" is no word asked).
    # Only when what it tells names the subject and the question asks nothing else of it ("What is it?"): what
    # a message tells is often what it asks about ("My son has a lump that doesn't hurt. Could it be one of
    # these?", "It's been 3 years since his MGA was removed. Can we stop the visits?").
    # "in simple words", "in plain English": how to answer, not what is asked ("simple" matched a "simple
    # surgical procedure").
    question = _FRAMING_RE.sub(" ", question).replace(" ?", "?").strip() or question
    question = vocab.naming_levels(spell_out_notation(question))
    # "Is X caused by being fat? my mum keeps blaming herself": what follows the question tells how they feel,
    # and asks nothing; what it tells of the subject ("How is it treated? My son has X.") is read as told first.
    asked_first, after = _asked_then_told(question)
    if after:
        names = vocab.topics_in(after) or vocab.targets_in(after)
        question = f"{after} {asked_first}" if names else asked_first
    told, asking = told_then_asked(question)
    told_corrected = _spelling_corrected(told, vocab) if told else ""
    names_subject = bool(told) and bool(vocab.topics_in(told_corrected) or vocab.targets_in(told_corrected))
    asked_words = content_words(SUBJECT_PRONOUN_RE.sub(" ", asking))
    bare = not [w for w in asked_words if w not in ("this", "that") and w not in _FRAME_ADVERBS]
    # "my son has X and he's drinking loads of water, is that part of it": with "it" for the subject, "that" is
    # what the message told, and is what it asks about.
    asks_of_told = bool(_THAT_OF_IT_RE.search(asking))
    # What the message tells of the person ("my teenager has X in his leg") is not what it asks of X.
    telling = told if names_subject and not asks_of_told else ""
    if names_subject and bare and not asks_of_told:
        question = asking
    else:
        told = ""
    # (A referent, not a question to continue: "What is it?" after it is no elliptic "What is <that>?".)
    referent_history = [*history, {"role": "user", "content": told}] if told else history
    corrected = _spelling_corrected(question, vocab)
    asked = _asked(history, vocab)
    # "And X?" after "What is Y?" is asked as "What is X?", and read so (what it asks for, its cues).
    completed, continued = _complete(corrected, asked[-1], vocab) if asked else (corrected, "")
    if completed != corrected:
        question = corrected = completed
    elif overview := _as_definition_question(corrected, vocab):
        question = corrected = overview
    base = f"{corrected} {continued}".strip()
    lowered = f" {normalise(base)} "
    # What the question asks about, for the lexicon and the lexical focus: without a relation verb after
    # its subject, which would match "the cause of X is unknown" against "Does X cause hair loss?".
    asked_text = base
    relation = _RELATION_USE_RE.search(base)
    # ... when the subject before the verb is the condition ("Did we do something to cause X?" asks what
    # causes X).
    subject = base[relation.start() : relation.start(1)] if relation else ""
    if relation and (vocab.topics_in(subject) or _SUBJECT_PRONOUN_BEFORE_VERB_RE.search(subject)):
        asked_text = f"{base[: relation.start(1)]}{base[relation.end(1) :]}"
    expansions: list[str] = []
    spelled_out: list[str] = []  # long forms of acronyms that are no subject's name ("MRI")
    # (An acronym of two parts, "AT/RT", is two words of the normal form.)
    joined = [a for a in vocab.acronyms if not a.isalnum() and f" {normalise(a)} " in lowered]
    for token in dict.fromkeys([*lowered.split(), *joined]):
        long_form = vocab.acronyms.get(token)
        if long_form and f" {long_form} " not in lowered:
            expansions.append(long_form)
            if normalise(token) not in vocab.topic_aliases:
                spelled_out.append(long_form)
    # ... and a nurse's shortening of a word the pages use ("zero + glom", "ZRT levels"), as typed (capitals count).
    for typed in dict.fromkeys(re.findall(r"[A-Za-z]+", base)):
        if (full := vocab.shorthand(typed)) and f" {full} " not in lowered:
            expansions.append(full)
            spelled_out.append(full)
    # "chemosensitivity": its parts, and what the lexicon says of them ("chemotherapy sensitivity").
    parts = [p for w in dict.fromkeys(lowered.split()) if w.isalpha() for p in compound_parts(w, vocab)]
    # (Not of the words of a subject's name: the "RT" of "AT/RT" is no radiotherapy.)
    lay = LEXICON.expansions(f"{vocab.without_names(asked_text)} {' '.join(parts)}") + [
        p for p in parts if p not in LEXICON
    ]
    # Said another way on the page ("passed down" for "inherited"): for the lexical match only, since
    # several phrasings of one meaning would pull the embedded question towards none of them.
    phrasings = [p for p in LEXICON.equivalents(asked_text) if f" {p} " not in lowered]
    # ... and the adjective a page uses for a noun it never writes ("ovarian preservation" for "the ovaries").
    phrasings += [
        a for w in lowered.split() if w.isalpha() and (a := vocab.adjective_of(w)) and f" {a} " not in lowered
    ]
    # ... and the acronym a page writes for a long form the question spells out ("median overall survival" of a
    # page saying "median OS was 31 months"). (Not a subject's acronym: that is a name, which leaves the focus.)
    phrasings += dict.fromkeys(
        acronym
        for word in dict.fromkeys(lowered.split())
        for acronym in vocab.acronyms_with_word.get(word, ())
        if f" {vocab.acronyms[acronym]} " in lowered
        and f" {acronym} " not in lowered
        and normalise(acronym) not in vocab.topic_aliases
    )
    learned = vocab.glossed_terms(base)
    expansions += lay + [t for t in learned if f" {t} " not in lowered]
    topics = vocab.topics_in(corrected)
    targets = vocab.targets_in(corrected)
    referent = Referent()
    if not topics and not targets:
        # "What are its symptoms?": the subject is the one the conversation was about.
        referent = _referent(corrected, referent_history, vocab, stock_replies)
        topics, targets = referent.topics, referent.targets
        # "Is it genetic?" with nothing said before: "it" may be any of the conditions, so a small
        # collection is answered for each, cited separately.
        if not referent and UNSAID_IT_RE.search(corrected):
            targets = vocab.every_condition()
    # ... and over more conditions than that, the reader is asked which: when the question says "one of
    # these", or a conversation's "it" has nothing to stand for (a first question's "it" may be idiom).
    unsaid = not topics and not targets and not referent
    too_many = len(vocab.topics) > vocab.settings.collection_max_topics
    which_condition = (
        unsaid
        and too_many
        and (
            bool(EVERY_CONDITION_RE.search(f" {normalise(corrected)} "))
            or (bool(history) and bool(UNSAID_IT_RE.search(corrected)))
            # ... or a first question asks what each condition's pages answer in their own way ("When should
            # we see a doctor?", "How is it treated?"): which page answers would be a guess.
            # (Not when it names something, known or not: "How is Wilms tumor treated?" asks of a condition
            # the documents may lack, and is refused for it.)
            or (
                not history
                and (
                    vocab.asks_aspect(_PERSON_WORDS_RE.sub(" ", corrected))
                    # ... or asks something of an "it" nothing has named ("Is it genetic?", "Can it come
                    # back?"), not the "it" of an English idiom ("Is it normal to feel tired?")
                    # (nor one that names a condition the documents call otherwise: "Why is it called a
                    # giant cell tumor?")
                    or (
                        bool(UNSAID_IT_RE.search(corrected))
                        and not EXPLETIVE_IT_RE.search(corrected)
                        and not CONDITION_HEADS & set(content_words(corrected))
                    )
                )
                and not unknown_terms(corrected, vocab)
                and not _DISEASE_WORD_RE.search(corrected)
                and all(
                    is_general_english(w, vocab.settings.general_vocabulary_size) or w in LEXICON
                    for w in content_words(corrected)
                )  # ... nor a drug or procedure only some pages name ("nirogacestat")
            )
        )
    )
    carried = bool(topics or targets) and bool(referent)
    # "How was the patient treated?" of case reports: said there as what the patient "underwent".
    # ... and so is a nurse's keywords about one named report ("Quenby 2021 presenting symptoms").
    one_report = len(targets) == 1 and len(targets[0]) == 1
    keywords = one_report and is_keyword_question(corrected, vocab.settings.keyword_question_max_words)
    of_case = speaks_of_case(corrected) or keywords
    of_a_case = vocab.all_case_reports(targets) and of_case
    # A nurse's keywords name the asked thing bare ("Quenby surgery"): each is asked as "what surgery".
    asked_as = " ".join(f"what {w}" for w in content_words(base)) if keywords else base
    # (Shorthand first: "tx" is "treatment", which a case report says as "underwent".)
    case_words = CASE_LEXICON.expansions(f"{asked_as} {' '.join(LEXICON.expansions(base))}") if of_a_case else []
    # "Is it ever used on its own?" after "Role of radiation in X?": "it" is what the previous question
    # asked about, unless the follow-up asks a new thing of the subject ("how is it treated?", "did it
    # come back?") or something other than that thing ("what do they use instead?").
    # ... or, of a case, what a report says in its own words ("what was done?": what was performed).
    # ... or names a thing of its own in a word rarer than basic English ("does taking the ovaries out help with
    # it?" after a question about survival asks about the ovaries, not survival).
    # (Not one that points back at what was said: "Which of those gives the definitive answer?")
    own_thing = not _POINTS_BACK_RE.search(corrected) and any(
        not is_general_english(w, vocab.settings.basic_vocabulary_size)
        for w in content_words(vocab.without_names(corrected))
        if w.isalpha()
    )
    new_thing = (
        vocab.asks_aspect(corrected)
        or bool(lay)
        or bool(case_words)
        or bool(CONTRAST_RE.search(corrected))
        or bool(ASKS_CONTACT_RE.search(corrected))
        or own_thing
    )
    if carried and asked and not continued and not new_thing:
        # What the previous question asked, not what it told ("my husband was told he has X in his shin, does he
        # need chemo?" asked about chemo), nor whose people it asked of.
        # (Nor what it told after asking: "what are his chances? i cant stop crying".)
        question_before = _asked_then_told(asked[-1])[0]
        told_before, asked_before = told_then_asked(question_before)
        previous = content_words(vocab.without_names(asked_before if told_before else question_before))
        context = [
            w
            for w in previous
            if w.isalpha() and len(w) > 2 and f" {w} " not in lowered and not names_someones_people(w, asked[-1])
        ]
    else:
        context = []
    # Name what was carried, so retrieval and matching see it too ("she" is the report's "patient").
    person = [PATIENT_WORD] if referent.person else []
    names = referent.authors(vocab) + person
    carried_topics = [topic_name(t) for t in topics if carried]
    # "Quenby 2021 treatment": a document named by its author is about its condition, which the
    # embedded text then names (the model knows the condition, not the author); so is a document a
    # follow-up carries ("what levels?" after a question about the Quenby case).
    named_documents = set().union(*targets) if targets and not topics else set()
    document_topics = [
        topic_name(topic)
        for topic, source_ids in vocab.topics.items()
        if named_documents & set(source_ids) and named_documents <= set(source_ids)
    ]
    expansions += names + carried_topics + document_topics + context
    # The embedded text: the question and what it adds, without the words the question already says
    # (the encoder's time follows the number of tokens; a repeated word adds time, not meaning).
    said = set(lowered.split())
    added = [" ".join(w for w in e.split() if w.lower() not in said) for e in dict.fromkeys(expansions)]
    added = [e for e in added if e]
    text = base if not added else f"{base} ({'; '.join(dict.fromkeys(added))})"
    # The focus is what the question asks *about* its subject: drop the names of the subject
    # (condition, document author, document kind), which match every passage of that document.
    focus = vocab.without_names(asked_text)
    # ... and a document's year of publication, which names the document as its author's name does ("Quenby
    # 2021 presenting symptoms" asks about symptoms; "2021" matches every passage of the report's citation).
    focus = " ".join(w for w in focus.split() if w.strip("().,:;?!") not in vocab.years)
    if carried:  # and the pronouns that stand for the subject: "how is it treated?" asks "how is X treated?"
        focus = " ".join(SUBJECT_PRONOUN_RE.sub(" ", focus).split())
    # ... and the subject a patient page's title names beside its condition ("ZR9 therapy"), which matches every
    # passage that merely names it, when the question asks another thing of it ("why a catheter for ZR9 therapy?").
    # (Not a nurse's keywords, "ZR9 success rate": the subject and what is asked of it are all they say, and the
    # answer's sentence names its subject, often in no other word of the question.)
    asks_of_it = [w for w in focus.split() if normalise(w) not in vocab.page_subjects]
    lookup = is_keyword_question(question, vocab.settings.keyword_question_max_words)
    if len(asks_of_it) < len(focus.split()) and content_words(" ".join(asks_of_it)) and not lookup:
        focus = " ".join(asks_of_it)
    # A report that writes "magnetic resonance imaging" answers "what did the MRI show?": the lexical
    # match sees the long form too (a subject's acronym is a name, and names leave the focus).
    plain_words = list(dict.fromkeys(spelled_out + lay + case_words + phrasings + learned + names + context))
    if plain_words:
        focus = f"{focus} ({'; '.join(plain_words)})"
    # A follow-up's terms hold what it refers to, as if it had named it ("how is it treated?" after a
    # question about X asks what "how is X treated?" asks).
    own_terms = _terms(base) + carried_topics + person
    terms = list(dict.fromkeys(own_terms + context))
    said_before = _said_before(corrected, history)
    if said_before:
        # "What happened after that?" asks what the page says next, in no word of its own; the words carried from
        # the question before find where that is, and are no words the next passage must say again.
        terms = [t for t in dict.fromkeys(own_terms) if t not in _FOLLOW_ON_WORDS]
        # (Nor are they words to match: "after" would find every "after a long delay".)
        focus = " ".join(w for w in focus.split() if normalise(w) not in _FOLLOW_ON_WORDS)
    return UnderstoodQuery(
        question,
        text,
        topics,
        carried,
        targets,
        terms,
        focus or text,
        # (A name the corpus lacks is carried to a follow-up about it, not to one naming a thing of its own: "what
        # about dabrafenib?" after a question about a drug the pages never name.)
        list(dict.fromkeys(unknown_terms(corrected, vocab) + ([] if own_thing else referent.unknown))),
        absent_terms(terms, vocab),
        which_condition,
        of_a_case,
        telling,
        said_before,
        # (Only when it carries words of the question before, which pull the passages that answered it up again.)
        _last_answer(history) if context and not continued and not _POINTS_BACK_RE.search(corrected) else "",
    )


# A follow-up asking what comes after what was just said: "how long after that is the surgery?", "what happens
# next?", "and then?". (Not "after this surgery", where "this" is said of the follow-up's own event.)
FOLLOWS_ON_RE = re.compile(
    r"\b(after|following) (that|this)(?=\W*$|\s*[?,.;!]|\s+(is|are|was|were|do|does|did|will|would|can|could|should|"
    r"has|have|happens?|comes?)\b)|\bwhat (happens|happened|comes|came) (next|then|after)\b|\bwhat('s| is) next\b|"
    r"^\W*(and|but|so)? ?then( what( happens| happened)?)?\W*$|\bnext steps?\b",
    re.I,
)
# ... and the words that ask it, which say nothing a page must ("what happened next?").
_FOLLOW_ON_WORDS = frozenset(
    {"happen", "happens", "happened", "happening", "next", "then", "after", "afterwards", "steps"}
)
_CITATION_MARK_RE = re.compile(r"\s*\[\d+\]")


def _last_answer(history: Sequence[dict[str, str]]) -> str:
    """The last answer's text, without its citation marks ("" when the conversation does not end with one)."""
    if not history or history[-1].get("role") != "assistant":
        return ""
    return _CITATION_MARK_RE.sub("", str(history[-1].get("content", "")))


def _said_before(question: str, history: Sequence[dict[str, str]]) -> str:
    """The last answer's text, without its citation marks, when ``question`` asks what comes after it."""
    return _last_answer(history) if FOLLOWS_ON_RE.search(question) else ""


# Who a question is about or who asks: a heading may name them ("the outlook for children with X"), but they
# are no aspect of a condition.
_PERSON_WORDS_RE = re.compile(
    r"\b(?:child|children|kids?|sons?|daughters?|bab(?:y|ies)|teens?|teenagers?|people|persons?|patients?|"
    r"adults?|care team|family|families)\b",
    re.I,
)
# The endings of words named like a disease ("osteosarcoma", "arthritis", "fibrosis"): English medical word
# formation, shared with the rule that refuses a condition the documents only mention.
DISEASE_SUFFIXES = ("oma", "omas", "itis", "osis")
# ... and in a question, blood diseases too ("leukemia").
_DISEASE_WORD_RE = re.compile(rf"\b\w{{3,}}(?:{'|'.join(DISEASE_SUFFIXES)}|emia|aemia)\b", re.I)
_FRAMING_RE = re.compile(
    r",?\s*\b(?:in (?:simple|plain|easy|everyday|layman'?s?) (?:words|terms|english|language)|simply put|"
    r"in a nutshell|for a (?:layman|layperson|beginner))\b",  # (not "for a child": "the dose for a child")
    re.I,
)
_SENTENCE_END_RE = re.compile(r"(?<=[.!])\s+(?=[A-Z\"“(])")
# ... or one ending before a question typed in lower case.
_QUESTION_SENTENCE_RE = re.compile(
    r"(?<=[\w)][.!])\s+(?=(?:what|how|why|when|where|which|who|is|are|can|could|will|would|should|does|do)\b)"
)
# How an English question opens: a question word or an auxiliary verb.
_QUESTION_WORDS = (
    r"(?:how|what|whats|what's|when|where|why|which|who|is|are|was|were|can|could|will|would|should|shall|"
    r"does|do|did|has|have|may|might)"
)
_QUESTION_OPENING_RE = re.compile(rf"\s*{_QUESTION_WORDS}\b", re.I)
_SUBORDINATE_OPENING_RE = re.compile(
    r"\s*(?:if|when|whenever|after|before|once|while|since|because|although|though|unless|until|without|besides|"
    r"for|in|during|instead of|apart from)\b",
    re.I,
)
# Adverbs that only frame a question ("what is that exactly?", "what actually is it?").
_FRAME_ADVERBS = frozenset("exactly actually really basically even again please".split())
# A question about "that" (or "this") and "it": "is that part of it?", "could this be caused by it?".
_THAT_OF_IT_RE = re.compile(r"\b(?:that|this|these|those)\b.*\b(?:it|its)\b|\b(?:it|its)\b.*\b(?:that|this)\b", re.I)
# ... unless it tells of someone ("In 2019 my son was diagnosed with X, how is it treated?").
_PERSON_IN_CLAUSE_RE = re.compile(r"\b(?:my|our|his|her|their|i|he|she|we)\b", re.I)
# What goes on with the question after its mark ("... ? and is it painful", "? or should we wait").
_CONTINUED_RE = re.compile(r"\s*(?:and|or|but|also|plus|if|what|how)\b", re.I)
_CLAUSE_THEN_QUESTION_RE = re.compile(rf",\s*(?={_QUESTION_WORDS}\b)", re.I)


# Written notation for little words, in a nurse's notes: "no. of cases" is no negation, "w/o" is one.
_NOTATION = (
    (re.compile(r"(?:\bnos?\.|#)\s*(?=of\b)", re.I), "number "),
    (re.compile(r"\bw/o\b", re.I), "without"),
    (re.compile(r"\bw/(?![a-z](?![\w-]))(?=\s*\w)", re.I), "with "),  # (not "w/u", a work-up; "w/x-ray" is)
    # A question word's contraction typed on a phone without its apostrophe ("whats X" asks what X is).
    (re.compile(r"\b(what|where|who|how)s\b", re.I), r"\1's"),
    # ... or the question word itself typed short ("wat temp is too high").
    (re.compile(PHONE_WHAT, re.I), "what"),
    # A number typed onto its unit ("5yr RFS"): one token no page writes, where "5-yr" reads as "5-year".
    (re.compile(r"\b(\d+)(yrs?|y)\b", re.I), r"\1-\2"),
)


def spell_out_notation(question: str) -> str:
    """The question with notation for little words written out ("no. of prior cases" -> "number of prior
    cases", "whats" -> "what's"), so that what reads negation, a count or a question reads them as meant."""
    for pattern, written_out in _NOTATION:
        question = pattern.sub(written_out, question)
    return " ".join(question.split()) if question.strip() else question


# Words that point back at what the previous answer said: "which of those", "them", "that one", "was heterogeneity
# high for that?", "is that true?".
_POINTS_BACK_RE = re.compile(
    r"\b(those|these|them|that one|this one|which of|either|both)\b"
    r"|\b(for|of|about|in|with|is|was|does|did) (that|this)\W*($|\btrue\b|\b(high|low|common|normal|right)\b)",
    re.I,
)


def told_then_asked(message: str) -> tuple[str, str]:
    """A message that tells something and then asks ("My son has MGA. Will he need chemo?", or typed on a
    phone: "my son has MGA, how is it treated"): (what it tells, what it asks); ("", message) for a message
    that only asks, or asks first."""
    message = message.strip()
    parts = _SENTENCE_END_RE.split(message)
    if len(parts) < 2:  # typed without capitals: "doctors think its X. what is that exactly?"
        parts = _QUESTION_SENTENCE_RE.split(message)
    # (The question may lack its mark, typed on a phone: "they said angiosarcoma. what is that".)
    asks_last = parts[-1].rstrip().endswith("?") or bool(_QUESTION_OPENING_RE.match(parts[-1]))
    if len(parts) >= 2 and asks_last and not any(p.rstrip().endswith("?") for p in parts[:-1]):
        return " ".join(parts[:-1]), parts[-1]
    # ... or a clause that tells, then a comma and a question ("What causes X, is it genetic?" asks twice).
    clause = next(reversed(list(_CLAUSE_THEN_QUESTION_RE.finditer(message))), None)  # the last: what it asks
    # (A clause opening "if", "when", "after" ... is a condition of the question, not something told:
    # "If it spreads to the lungs, how is it treated?")
    if (
        clause
        and "?" not in message[: clause.start()]
        and not _QUESTION_OPENING_RE.match(message)
        and not (_SUBORDINATE_OPENING_RE.match(message) and not _PERSON_IN_CLAUSE_RE.search(message[: clause.start()]))
    ):
        return message[: clause.start()].strip(), message[clause.end() :].strip()
    return "", message


def _asked_then_told(message: str) -> tuple[str, str]:
    """A message that asks, then tells of someone ("Is it genetic? my mum keeps blaming herself"): (what it
    asks, what it tells after); (message, "") for any other message."""
    asked, mark, after = message.rpartition("?")
    if not mark:
        # ... or a question typed without its mark, then what the asker tells: "what are his chances honestly. i
        # cant stop crying".
        head, stop, tail = message.rpartition(". ")
        if stop and _QUESTION_OPENING_RE.match(head.rpartition(". ")[2]):
            asked, mark, after = head, "?", tail
    after = after.strip()
    if (
        not mark
        or not after
        or _QUESTION_OPENING_RE.match(after)
        or _CONTINUED_RE.match(after)
        or not _PERSON_IN_CLAUSE_RE.search(after)
        or _ASKS_RE.search(after)  # a second question typed without its mark ("... how is it treated")
    ):
        return message, ""
    return f"{asked}?", after


def names_a_document(word: str, vocab: Vocabulary) -> bool:
    """An author's name, a year of publication, or a word for a kind of document ("case", "report")."""
    return (
        word in vocab.document_aliases
        or word in vocab.years
        or word.removesuffix("s") in SOURCE_NOUNS
        or word.removesuffix("s") in vocab.kind_words
        or word in AUTHOR_COMPANY_WORDS  # "Smith et al.", "Smith and colleagues": the authors, not a thing asked
    )


def absent_terms(terms: Sequence[str], vocab: Vocabulary) -> list[str]:
    """Content words that no document uses in any form (nor the lexicon knows): "Can a special diet
    help?" asks about diet, which a corpus that never says "diet" cannot answer. Everyday words,
    unlike unknown names, are a signal for the answerer to weigh, not a reason to refuse alone."""
    return [
        t
        for t in terms
        if not t[0].isdigit()
        and not _is_known(t.lower(), vocab)
        and t.lower() not in vocab.topic_aliases
        and t.lower() not in vocab.topic_words
    ]
