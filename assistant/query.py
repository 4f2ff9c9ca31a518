"""Query understanding: what the corpus teaches about its own words, lay words, spelling and follow-ups.

Everything the expander knows about the documents it learns from them at load time: acronyms such
as "Long Form (LF)", the plain-words glosses a page gives for its terms ("term (plain words)"), the
spelling of every word, which conditions each document is about. The only hand-written knowledge is
a general lay/clinical lexicon kept as data (``assistant/data/lay_terms.toml``), and the English word
list that tells an ordinary word from a specialist term or a name (``assistant.text``).
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from assistant.settings import Settings
from assistant.text import (
    ROMAN_NUMERAL_RE,
    STOPWORDS,
    WORD_RE,
    content_words,
    fold,
    is_english,
    is_general_english,
    normalise,
    stem_all,
    stems,
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

ACRONYM_RE = re.compile(r"\(([A-Z][A-Z0-9]{1,7})\)")


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
                raise LexiconError(f"lexicon {source}: [{table}] must be a table of phrase = \"words\" entries")
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


def _lexicon_tokens(text: str) -> list[str]:
    """Words as the lexicon matches them: hyphenated parts apart ("5-yr"), possessives dropped ("daughter's")."""
    return [t.removesuffix("'s") for t in normalise(text).replace("-", " ").split()]


LEXICON = Lexicon.from_toml(resources.files("assistant") / "data" / "lay_terms.toml")
# The lexicon as a plain mapping (normalised phrase -> clinical words), for callers that look up one term.
LAY_TERMS: dict[str, str] = LEXICON.terms


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


# ", also called Y" / "(also known as Y or Z)": other names the text gives for what it just named.
OTHER_NAMES_RE = re.compile(
    r"[,(]\s*(?:also|sometimes|formerly|previously|once)\s+(?:called|known as|named|termed|referred to as)\s+"
    r"([^,;:.()\n]+)",
    re.I,
)
OTHER_NAME_MAX_WORDS = 6  # a name, not a clause
OTHER_NAME_CONTEXT = 120  # characters before ", also called" searched for the name it follows


def learn_other_names(texts: Iterable[str], aliases: Mapping[str, str]) -> dict[str, str]:
    """Other names → topic, where the text gives them right after a name it already knows:
    "X, also called Y" teaches that a question about Y is about X's topic."""
    known = PhraseTable(aliases)
    learned: dict[str, str] = {}
    for text in texts:
        for match in OTHER_NAMES_RE.finditer(text):
            tail = text[max(0, match.start() - OTHER_NAME_CONTEXT) : match.start()].rstrip(" ,(")
            before = known.spans(tail)
            if not before or before[-1][1] != len(tail):
                continue  # the words just before are not a name the corpus knows
            topic = aliases[before[-1][2]]
            for name in re.split(r"\s+(?:or|and)\s+", match.group(1)):
                plain = normalise(re.sub(r"^(?:an?|the)\s+", "", name.strip(), flags=re.I))
                if plain and len(plain.split()) <= OTHER_NAME_MAX_WORDS and plain not in aliases:
                    learned.setdefault(plain, topic)
    return learned


@dataclass
class Vocabulary:
    """What the expander learns from the corpus."""

    words: frozenset[str] = field(repr=False)
    acronyms: dict[str, str]  # "lf" -> "long form"
    topics: dict[str, list[str]]  # topic phrase -> source ids about it
    topic_aliases: dict[str, str] = field(default_factory=dict)  # alias (acronym, long form) -> topic
    document_aliases: dict[str, str] = field(default_factory=dict)  # first author -> source id
    kinds: dict[str, list[str]] = field(default_factory=dict)  # "case report" -> its source ids
    glosses: dict[str, str] = field(default_factory=dict)  # "low blood sugar" -> "hypoglycemia"
    counts: dict[str, int] = field(default_factory=dict, repr=False)  # corpus word -> occurrences (spelling ties)
    settings: Settings = field(default_factory=Settings, repr=False)

    @cached_property
    def word_stems(self) -> frozenset[str]:
        """Stems of every corpus word: an inflection of a corpus word ("reported") is not a typo."""
        return frozenset(stem_all(sorted(self.words)))

    @cached_property
    def speller(self) -> Any:
        """A SymSpell deletion index over the corpus words, built on first need: seconds at 100 k words
        (scripts/bench_query.py), after which a lookup costs well under a millisecond whatever the
        vocabulary's size. Touch it at load time to keep that cost off the first misspelt question."""
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

    def targets_in(self, text: str) -> list[frozenset[str]]:
        """What a text asks about, as groups of source ids: each named document, each document of a
        kind named in the plural ("the case reports"), each named condition's documents."""
        lowered = f" {normalise(text)} "
        targets: list[frozenset[str]] = []
        for _, _, alias in self._author_names.spans(text):
            if frozenset({self.document_aliases[alias]}) not in targets:
                targets.append(frozenset({self.document_aliases[alias]}))
        for kind, source_ids in self.kinds.items():  # a handful of document kinds, whatever the corpus size
            if re.search(rf" (both|two|all|each|the) (\w+ )?{re.escape(kind)}s ", lowered) and len(source_ids) > 1:
                targets += [frozenset({sid}) for sid in source_ids if frozenset({sid}) not in targets]
        named = set().union(*targets) if targets else set()
        for topic in self.topics_in(text):
            docs = frozenset(self.topics.get(topic, []))
            if docs and not docs & named:
                targets.append(docs)
        return targets

    def topics_in(self, text: str) -> list[str]:
        """Topics a text names, by full name or acronym (or their plural), in order of first mention."""
        return list(dict.fromkeys(self.topic_aliases[alias] for _, _, alias in self._topic_names.spans(text)))

    def without_names(self, text: str) -> str:
        """The text with every subject name taken out (what it asks *about* its subject)."""
        kept, at = [], 0
        for start, end, _ in self._names.spans(text):
            kept.append(text[at:start])
            at = end
        return " ".join(" ".join([*kept, text[at:]]).split())


# Nouns that name a source rather than say anything about its subject.
SOURCE_NOUNS = ("report", "case", "study", "article")
_TOKEN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")


class PhraseTable:
    """Normalised phrases found in a text by whole words, longest first, a plural "s" allowed: the
    cost of a lookup grows with the text, not with the number of phrases."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self.phrases = {normalise(p) for p in phrases if normalise(p)}
        self.longest = max((len(p.split()) for p in self.phrases), default=0)

    def _key(self, phrase: str) -> str | None:
        if phrase in self.phrases:
            return phrase
        singular = phrase.removesuffix("s")
        return singular if singular != phrase and singular in self.phrases else None

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, phrase) of each phrase in the text, in order, not overlapping."""
        tokens = [(m.start(), m.end(), normalise(m.group()).removesuffix("'s")) for m in _TOKEN_RE.finditer(text)]
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
        return found


def build_vocabulary(
    texts: Sequence[str],
    topics: dict[str, list[str]],
    document_aliases: dict[str, str] | None = None,
    kinds: dict[str, list[str]] | None = None,
    settings: Settings | None = None,
) -> Vocabulary:
    """Learn words, acronyms, glosses and topic aliases from the corpus texts and the manifest's topics."""
    settings = settings or Settings()
    counts = Counter(w for text in texts for w in words(text))
    acronyms = learn_acronyms(texts)
    aliases: dict[str, str] = {}
    for topic in topics:
        plain = normalise(re.sub(r"\([^)]*\)", "", topic))
        aliases[plain] = topic
        for abbr, long_form in acronyms.items():
            if normalise(long_form).endswith(plain) or plain.endswith(normalise(long_form)):
                aliases[abbr] = topic
        for abbr in ACRONYM_RE.findall(topic):
            aliases[abbr.lower()] = topic
    for alias, topic in learn_other_names(texts, aliases).items():
        aliases.setdefault(alias, topic)
    return Vocabulary(
        words=frozenset(counts),
        acronyms=acronyms,
        topics=topics,
        topic_aliases=aliases,
        document_aliases={normalise(k): v for k, v in (document_aliases or {}).items()},
        kinds={normalise(k): v for k, v in (kinds or {}).items()},
        glosses=learn_glosses(texts, settings.general_vocabulary_size),
        counts=dict(counts),
        settings=settings,
    )


@dataclass
class UnderstoodQuery:
    """A question made ready for retrieval."""

    question: str  # as asked
    text: str  # spelling-corrected and expanded: what is embedded and matched
    topics: list[str]  # conditions the question is about (its own, or carried from history)
    carried_topic: bool  # True when the topic came from the conversation, not the question
    targets: list[frozenset[str]]  # groups of source ids the question asks about (see Vocabulary.targets_in)
    terms: list[str]  # content words of the question after correction (for evidence coverage)
    focus: str = ""  # the question without its topic's name: what it asks *about* the topic
    unknown_terms: list[str] = field(default_factory=list)  # names of things the corpus never mentions
    absent_terms: list[str] = field(default_factory=list)  # everyday content words no document uses ("diet")


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
    )


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
            return word
        fixed: str = found[0].term
        return fixed.capitalize() if word[0].isupper() else fixed

    return re.sub(r"[A-Za-z][A-Za-z'’-]+", fix, text)


ELLIPTIC_RE = re.compile(r"^\s*(and|or|but|also|what about|how about|what if|if|so|then)\b", re.I)

# Word shapes that name a disease, drug or procedure ("osteosarcoma", "pazopanib", "immunotherapy").
MEDICAL_SHAPE_RE = re.compile(
    r"(oma|omas|itis|ectomy|ectomies|osis|emia|aemia|plasty|scopy|therapy|therapies|mab|nib|platin|"
    r"mycin|cillin|azole|statin|vir|profen|amol|phen)$"
)


COMPOUND_PART_MIN_LETTERS = 4  # "chemo|sensitivity": shorter pieces would split almost any word in two


def _is_word(part: str, vocab: Vocabulary) -> bool:
    """A word of English, of the corpus or of the lexicon, an abbreviation of one or two letters
    ("op"), or a compound of two such words ("chemosensitivity")."""
    if len(part) <= 2 or is_english(part) or _is_known(part, vocab):
        return True
    shortest = COMPOUND_PART_MIN_LETTERS
    return any(
        (is_english(part[:cut]) or _is_known(part[:cut], vocab))
        and (is_english(part[cut:]) or _is_known(part[cut:], vocab))
        for cut in range(shortest, len(part) - shortest + 1)
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
        if len(lower) < 2 or any(ch.isdigit() for ch in lower) or ROMAN_NUMERAL_RE.match(lower):
            continue
        parts = [lower] if _is_known(lower, vocab) else [p for p in lower.split("-") if p]
        if all(_is_known(p, vocab) or is_general_english(p, settings.general_vocabulary_size) for p in parts):
            continue  # every part known or everyday ("follow-up", "diploma")
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
        if shaped or foreign or named:
            found.append(word)
    return found


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


def _referent(
    history: Sequence[dict[str, str]], vocab: Vocabulary
) -> tuple[list[str], list[frozenset[str]], list[str]]:
    """What a follow-up without a subject refers to: the latest exchange that names one, its question
    before its answer. Every topic of that turn is kept: after an answer about two conditions, "it"
    could mean either, and the answerer answers for each or asks which."""
    for question, answer in _exchanges(history):
        for turn in (question, answer):
            if not turn:
                continue
            turn = correct_spelling(turn, vocab)
            topics, targets = vocab.topics_in(turn), vocab.targets_in(turn)
            if topics or targets:
                said = f" {normalise(turn)} "
                authors = [alias for alias in vocab.document_aliases if f" {alias} " in said]
                return topics, targets, authors
    return [], [], []


def understand(question: str, history: Sequence[dict[str, str]], vocab: Vocabulary) -> UnderstoodQuery:
    """Correct and expand a question; a follow-up takes the conversation's topic and, when elliptic
    ("And if it has spread?"), the previous question it continues."""
    corrected = correct_spelling(question, vocab)
    previous = [str(t.get("content", "")) for t in reversed(history) if t.get("role") == "user"]
    continued = ""
    if previous and (ELLIPTIC_RE.match(corrected) or not content_words(corrected)):
        # An elliptic follow-up means "the previous question, but ...": carry that question along.
        continued = correct_spelling(previous[0], vocab)
    base = f"{corrected} {continued}".strip()
    lowered = f" {normalise(base)} "
    expansions: list[str] = []
    for token in dict.fromkeys(lowered.split()):
        long_form = vocab.acronyms.get(token)
        if long_form and f" {long_form} " not in lowered:
            expansions.append(long_form)
    lay = LEXICON.expansions(base)
    learned = vocab.glossed_terms(base)
    expansions += lay + [t for t in learned if f" {t} " not in lowered]
    topics = vocab.topics_in(corrected)
    targets = vocab.targets_in(corrected)
    carried = False
    authors: list[str] = []
    if not topics and not targets:
        # "What are its symptoms?": the subject is the one the conversation named last.
        topics, targets, authors = _referent(history, vocab)
        carried = bool(topics or targets)
        # Name what was carried, so retrieval and matching see it too.
        expansions += authors + [re.sub(r"\([^)]*\)", "", t).strip() for t in topics]
    text = base if not expansions else f"{base} ({'; '.join(dict.fromkeys(expansions))})"
    # The focus is what the question asks *about* its subject: drop the names of the subject
    # (condition, document author, document kind), which match every passage of that document.
    focus = vocab.without_names(base)
    plain_words = list(dict.fromkeys(lay + learned + (authors if carried else [])))
    if plain_words:
        focus = f"{focus} ({'; '.join(plain_words)})"
    terms = content_words(base)
    return UnderstoodQuery(
        question,
        text,
        topics,
        carried,
        targets,
        terms,
        focus or text,
        unknown_terms(corrected, vocab),
        absent_terms(terms, vocab),
    )


def absent_terms(terms: Sequence[str], vocab: Vocabulary) -> list[str]:
    """Content words that no document uses in any form (nor the lexicon knows): "Can a special diet
    help?" asks about diet, which a corpus that never says "diet" cannot answer. Everyday words,
    unlike unknown names, are a signal for the answerer to weigh, not a reason to refuse alone."""
    return [t for t in terms if not t[0].isdigit() and not _is_known(t, vocab) and t not in vocab.topic_aliases]
