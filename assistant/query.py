"""Query understanding: acronyms and vocabulary learned from the corpus, lay words, and follow-ups.

Everything the expander knows about the documents it learns from them at load time (acronyms such
as "Alveolar soft part sarcoma (ASPS)", the spelling of every word, which conditions each document
is about); the only hand-written knowledge is a small general lay-to-clinical lexicon.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*|\d+(?:\.\d+)?")
ACRONYM_RE = re.compile(r"\(([A-Z][A-Z0-9]{1,7})\)")

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
    someone there's what's it's i'm can't don't doesn't isn't
    """.split()
)

# General lay-to-clinical equivalences (not facts about these documents): a lay question and a
# clinical page should meet on the same words.
LAY_TERMS: dict[str, str] = {
    "chemo": "chemotherapy",
    "radiotherapy": "radiation therapy",
    "radiation": "radiation therapy",
    "spread": "metastasis metastatic spread",
    "spreads": "metastasis metastatic spread",
    "spreading": "metastasis metastatic spread",
    "metastasised": "metastasis metastatic spread",
    "metastasized": "metastasis metastatic spread",
    "mets": "metastasis metastases",
    "come back": "recurrence return",
    "comes back": "recurrence return",
    "coming back": "recurrence return",
    "came back": "recurrence return",
    "return": "recurrence",
    "relapse": "recurrence",
    "outlook": "prognosis outlook",
    "survive": "survival rate",
    "survival": "survival rate prognosis",
    "chances": "prognosis survival",
    "lump": "swelling lump",
    "bump": "swelling lump",
    "operation": "surgery",
    "surgeon": "surgery",
    "operate": "surgery",
    "remove": "removal surgery",
    "cut out": "surgical removal",
    "scan": "imaging",
    "scans": "imaging",
    "test": "diagnosed",
    "tests": "diagnosed",
    "diagnose": "diagnosed diagnosis",
    "kid": "child",
    "kids": "children",
    "son": "child",
    "daughter": "child",
    "baby": "infant baby",
    "teen": "adolescent teenager",
    "teenager": "adolescent",
    "cancer": "malignant tumor cancer",
    "cancerous": "malignant",
    "benign": "benign",
    "leg": "limb legs",
    "arm": "limb arms",
    "amputate": "amputation",
    "cause": "causes",
    "why": "causes",
    "common": "rare",
    "how rare": "rare",
    "signs": "symptoms",
    "sign": "symptoms",
    "hurt": "pain",
    "hurts": "pain",
    "painful": "pain",
    "backbone": "spine spinal",
    "spinal cord": "spine spinal",
    "back": "spine",
    "blood sugar": "hypoglycemia",
    "breathing": "breathing",
    "x-ray": "x-rays",
    # Clinical shorthand nurses type.
    "sx": "symptoms",
    "dx": "diagnosis diagnosed",
    "tx": "treatment treated",
    "rx": "treatment",
    "hx": "history",
    "pt": "patient",
    "pts": "patients",
    "yr": "year",
    "yrs": "years",
    "mo": "months",
    "f/u": "follow-up",
    "fu": "follow-up",
    "etiology": "causes",
    "aetiology": "causes",
    "prognosis": "prognosis outlook",
    "workup": "diagnosed tests imaging",
    "frequency": "rare",
    "incidence": "rare diagnosed each year",
    "mgmt": "treatment",
    "resection": "removal surgery",
    "recur": "recurrence return",
    "recurs": "recurrence return",
    "hemoptysis": "cough blood",
    "rt": "radiation therapy radiotherapy",
    "xrt": "radiation therapy radiotherapy",
    "mom": "mother",
    "mum": "mother",
}


@dataclass
class Vocabulary:
    """What the expander learns from the corpus."""

    words: frozenset[str]
    acronyms: dict[str, str]  # "asps" -> "alveolar soft part sarcoma"
    topics: dict[str, list[str]]  # topic phrase -> source ids about it
    topic_aliases: dict[str, str] = field(default_factory=dict)  # alias (acronym, long form) -> topic
    document_aliases: dict[str, str] = field(default_factory=dict)  # "onoki" -> "pubmed-onoki-2018"
    kinds: dict[str, list[str]] = field(default_factory=dict)  # "case report" -> its source ids

    def targets_in(self, text: str) -> list[frozenset[str]]:
        """What a text asks about, as groups of source ids: each named document, each document of a
        kind named in the plural ("the case reports"), each named condition's documents."""
        lowered = f" {normalise(text)} "
        targets: list[frozenset[str]] = []
        for alias, source_id in self.document_aliases.items():
            if f" {alias} " in lowered:
                targets.append(frozenset({source_id}))
        for kind, source_ids in self.kinds.items():
            if re.search(rf" (both|two|all|each|the) (\w+ )?{re.escape(kind)}s ", lowered) and len(source_ids) > 1:
                targets += [frozenset({sid}) for sid in source_ids if frozenset({sid}) not in targets]
        named = set().union(*targets) if targets else set()
        for topic in self.topics_in(text):
            docs = frozenset(self.topics.get(topic, []))
            if docs and not docs & named:
                targets.append(docs)
        return targets

    def topics_in(self, text: str) -> list[str]:
        """Topics a text names, by full name or acronym, in order of first mention."""
        lowered = f" {normalise(text)} "
        found: list[tuple[int, str]] = []
        for alias, topic in self.topic_aliases.items():
            for form in (alias, alias + "s"):
                at = lowered.find(f" {form} ")
                if at >= 0:
                    found.append((at, topic))
        ordered: list[str] = []
        for _, topic in sorted(found):
            if topic not in ordered:
                ordered.append(topic)
        return ordered


def normalise(text: str) -> str:
    """Lower case, typographic quotes folded, punctuation to spaces (for matching, never for quotes)."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').lower()
    return " ".join(re.sub(r"[^a-z0-9'\-]+", " ", text).split())


def content_words(text: str) -> list[str]:
    """The words of a text that carry meaning (stop words and one-letter tokens dropped)."""
    return [w for w in WORD_RE.findall(normalise(text)) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


def learn_acronyms(texts: Iterable[str]) -> dict[str, str]:
    """Acronyms defined in the text, "long form (ABBR)", found with the Schwartz–Hearst rule.

    The long form is the shortest run of preceding words in which the acronym's letters occur in
    order, the first letter starting a word.
    """
    acronyms: dict[str, str] = {}
    for text in texts:
        for match in ACRONYM_RE.finditer(text):
            abbr = match.group(1)
            words = text[: match.start()].split()[-(len(abbr) + 5) :]
            letters = [c.lower() for c in abbr if c.isalpha()]
            for size in range(1, len(words) + 1):
                candidate = [w.strip(",;:") for w in words[-size:]]
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


def build_vocabulary(
    texts: Sequence[str],
    topics: dict[str, list[str]],
    document_aliases: dict[str, str] | None = None,
    kinds: dict[str, list[str]] | None = None,
) -> Vocabulary:
    """Learn words, acronyms and topic aliases from the corpus texts and the manifest's topics."""
    words = frozenset(w for text in texts for w in WORD_RE.findall(normalise(text)))
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
    return Vocabulary(
        words=words,
        acronyms=acronyms,
        topics=topics,
        topic_aliases=aliases,
        document_aliases={normalise(k): v for k, v in (document_aliases or {}).items()},
        kinds={normalise(k): v for k, v in (kinds or {}).items()},
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


def correct_spelling(text: str, vocab: Vocabulary) -> str:
    """Replace words the corpus does not know by a close corpus word ("hemangioperictoma")."""

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        lower = word.lower()
        if len(lower) < 5 or lower in vocab.words or lower in STOPWORDS or lower in LAY_TERMS:
            return word
        close = difflib.get_close_matches(lower, vocab.words, n=1, cutoff=0.82)
        if not close or close[0].startswith(lower[:-1]) or lower.startswith(close[0]):
            return word  # an inflection of a corpus word ("report" / "reported") is not a typo
        return close[0]

    return re.sub(r"[A-Za-z][A-Za-z'-]+", fix, text)


ELLIPTIC_RE = re.compile(r"^\s*(and|or|but|also|what about|how about|what if|if|so|then)\b", re.I)


# Word shapes that name a disease, drug or procedure ("osteosarcoma", "pazopanib", "immunotherapy").
MEDICAL_SHAPE_RE = re.compile(
    r"(oma|omas|itis|ectomy|ectomies|osis|emia|aemia|plasty|scopy|therapy|therapies|mab|nib|platin|"
    r"mycin|cillin|azole|statin|vir|profen|amol|phen)$"
)
COMMON_CAPITALS = {"us", "usa", "uk", "i", "ok", "dr", "mr", "mrs", "ms"}


def unknown_terms(question: str, vocab: Vocabulary) -> list[str]:
    """Names in the question that the corpus never uses: a disease, drug or procedure by its shape
    ("osteosarcoma", "sunitinib"), or a proper name or acronym ("Ewing", "WHO"). The documents
    cannot say anything about a thing they never name."""
    found = []
    for match in re.finditer(r"[A-Za-z][A-Za-z0-9'-]*", question):
        word = match.group(0)
        lower = word.lower().strip("'-")
        if len(lower) < 2 or any(ch.isdigit() for ch in lower):
            continue  # codes such as "T5-T7" or "C6" are not names
        if lower in vocab.words or lower in STOPWORDS or lower in LAY_TERMS or lower in COMMON_CAPITALS:
            continue
        if lower.rstrip("s") in vocab.words or lower in vocab.acronyms or lower in vocab.document_aliases:
            continue
        shaped = bool(MEDICAL_SHAPE_RE.search(lower)) and len(lower) > 6
        before = question[: match.start()].rstrip()
        starts_sentence = not before or before.endswith((".", "?", "!", ":", '"', "“"))
        named = (word[0].isupper() and not starts_sentence) or (word.isupper() and len(word) >= 2)
        if shaped or named:
            found.append(word)
    return found


def _previous_user_turns(history: Sequence[dict[str, str]]) -> list[str]:
    return [str(t.get("content", "")) for t in reversed(history) if t.get("role") == "user"]


def understand(question: str, history: Sequence[dict[str, str]], vocab: Vocabulary) -> UnderstoodQuery:
    """Correct and expand a question; a follow-up takes the conversation's topic and, when elliptic
    ("And if it has spread?"), the previous question it continues."""
    corrected = correct_spelling(question, vocab)
    previous = _previous_user_turns(history)
    own_words = content_words(corrected)
    continued = ""
    if previous and (ELLIPTIC_RE.match(corrected) or not own_words):
        # An elliptic follow-up means "the previous question, but ...": carry that question along.
        continued = correct_spelling(previous[0], vocab)
    lowered = f" {normalise(corrected + ' ' + continued)} "
    expansions: list[str] = []
    for abbr, long_form in vocab.acronyms.items():
        if f" {abbr} " in lowered and long_form not in lowered:
            expansions.append(long_form)
    for lay, clinical in LAY_TERMS.items():
        if f" {lay} " in lowered:
            expansions.append(clinical)
    topics = vocab.topics_in(corrected)
    targets = vocab.targets_in(corrected)
    carried = False
    if not topics and not targets:
        # "What are its symptoms?": the topic is the latest one the conversation named.
        for turn in [*previous, *(str(t.get("content", "")) for t in reversed(history) if t.get("role") != "user")]:
            turn = correct_spelling(turn, vocab)
            topics, targets = vocab.topics_in(turn)[:1], vocab.targets_in(turn)
            if topics or targets:
                carried = True
                # Name what was carried, so retrieval and matching see it too.
                turn_words = f" {normalise(turn)} "
                expansions += [alias for alias in vocab.document_aliases if f" {alias} " in turn_words]
                break
        if topics:
            expansions.append(re.sub(r"\([^)]*\)", "", topics[0]).strip())
    base = f"{corrected} {continued}".strip()
    text = base if not expansions else f"{base} ({'; '.join(expansions)})"
    focus = base
    # The focus is what the question asks *about* its subject: drop the names of the subject
    # (condition, document author, document kind), which match every passage of that document.
    names = [*vocab.topic_aliases, *vocab.document_aliases, *vocab.kinds, "report", "case", "study", "article"]
    for alias in sorted(names, key=len, reverse=True):
        focus = re.sub(rf"\b{re.escape(alias)}s?\b", " ", focus, flags=re.I)
    lay_words = [e for e in expansions if e not in vocab.acronyms.values() and e not in vocab.topic_aliases]
    focus = " ".join(focus.split())
    if lay_words:
        focus = f"{focus} ({'; '.join(lay_words)})"
    return UnderstoodQuery(
        question, text, topics, carried, targets, content_words(base), focus or text, unknown_terms(corrected, vocab)
    )
