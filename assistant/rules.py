"""Abstention rules: each a small named unit that says why the documents do not answer, or nothing.

The answerer runs them in order; the first that fires decides, and its name and reason go into the
answer's trace. Each rule reads only the question as understood and the scored candidates.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from assistant.answer_types import (
    AGE_WORD_RE,
    COMPARISON_WORD_RE,
    DRUG_WORDS,
    FIGURE_REQUIREMENTS,
    LIKENESS_WORDS,
    NUMBER_WORDS,
    SHAPE_WORDS,
    TIME_ADVERBS,
    age_group_gap,
    answers_by_shape,
    asks_for_figure,
    asks_yes_or_no,
    defined_term,
    figure_gap,
    gloss_pattern,
    holds_asked_answer,
    is_figure_word,
    vague_duration_sentences,
)
from assistant.index import CorpusIndex, EvidencePassage
from assistant.query import (
    CASE_LEXICON,
    DISEASE_SUFFIXES,
    LAY_TERMS,
    LEXICON,
    OWN_PEOPLE_RE,
    RELATION_VERBS,
    SOURCE_NOUNS,
    UnderstoodQuery,
    Vocabulary,
    is_keyword_question,
    names_a_document,
    names_someones_people,
    normalise,
    told_then_asked,
)
from assistant.scoring import ScoredPassage
from assistant.settings import Settings
from assistant.text import (
    CHEMOTHERAPY_DRUG_RE,
    DRUG_NAME_RE,
    STOPWORDS,
    StemRoots,
    content_words,
    covered_stems,
    is_general_english,
    spelling_variants,
    stem_all,
    stems,
)
from assistant.text import words as word_list


@dataclass
class RuleInput:
    """What a rule may look at."""

    query: UnderstoodQuery
    ranked: list[ScoredPassage]  # candidates from the documents asked about, best first
    outside: list[ScoredPassage]  # candidates from other documents (rivals), best first
    selected: list[ScoredPassage] = field(default_factory=list)  # what would be quoted (after selection)


@dataclass(frozen=True)
class AbstentionRule:
    """A named reason to abstain: ``check`` returns the reason in words, or None."""

    name: str
    check: Callable[[RuleInput], str | None]
    after_selection: bool = False  # runs on the selected passages rather than the ranking


def no_documents_about(inp: RuleInput) -> str | None:
    """The question names documents or conditions, and no candidate comes from them."""
    return "no documents about that topic" if not inp.ranked else None


def which_condition(inp: RuleInput) -> str | None:
    """The question is about one of many conditions without saying which ("could it be one of these
    tumours?" over a dozen): the reader is asked which, rather than answered about one at random."""
    if inp.query.which_condition:
        return "the question is about one of many conditions and does not say which"
    return None


# Who gives care, as a family would name them when choosing one.
_PROVIDER = r"(hospitals?|doctors?|surgeons?|specialists?|oncologists?|cent(?:er|re)s?|clinics?)"
# "What is the best hospital for X?", "Which surgeon should we choose?", "Is <name> a good hospital?": asking the
# documents to rank who gives care. A page's praise of its own programme is no ranking.
_RANKS_PROVIDERS_RE = re.compile(
    # ("the best pediatric brain tumor hospital": a few words of what it treats between)
    rf"\b(best|top|leading|greatest|better|good|right)\b(\s+\w+){{0,3}}\s+{_PROVIDER}\b|"
    rf"\b(which|what)\s+{_PROVIDER}\s+(should|would|do you|is best|is the best)\b|"
    r"\bwhere should (we|i|she|he|they) (go|take)\b|"
    # ... or to find one near the asker ("which hospital near me does X?", "is there a specialist in my area?"),
    # not what doctors near the asker do ("What do doctors near me use to diagnose X?").
    rf"\b(which|find|recommend|any|is there an?|are there)\b(\s+\w+){{0,3}}\s+{_PROVIDER}\b.*"
    r"\b(near (me|us|here|where (i|we) live)|in (my|our) area)\b",
    re.I,
)
# The reason :func:`ranks_providers` gives, which the refusal quotes as what the documents lack.
RANKS_PROVIDERS_REASON = "the documents don't compare or list hospitals or doctors"


def ranks_providers(inp: RuleInput) -> str | None:
    """The question asks which hospital or doctor is best or should be chosen: the documents describe
    conditions and care, and a page's words about its own programme rank nobody."""
    return RANKS_PROVIDERS_REASON if _RANKS_PROVIDERS_RE.search(inp.query.question) else None


def unknown_term(inp: RuleInput) -> str | None:
    """The question names a thing (disease, drug, person) the corpus never mentions."""
    if inp.query.unknown_terms:
        return never_mentioned(", ".join(inp.query.unknown_terms))
    return None


# What a question compares its subject with: "the same as [solitary] fibrous tumor", "worse than [X]".
_COMPARED_WITH = r"same as|than|versus|vs"
# Just before a word where a noun goes: an article, a possessive or a preposition, or the opening verb alone.
_THING_SLOT_RE = re.compile(
    r"(?:\b(?:a|an|the|his|her|my|our|their|your|its|any|some|to|for|of|with|about|through|during|from|in|into|on|at)"
    rf"|\b(?:{_COMPARED_WITH})"
    r"|^(?:is|are|does|do|did|can|could|will|would|should|has|have|was|were)"
    r"|\b(?:cause|causes|caused|affect|affects|affected|lead to|leads to))\s+$"
)
# The object of the action a yes-or-no question asks about, after a modal, a short subject and the verb ("Can
# my son play [football]", "Will she need [braces]"). (Not straight after the subject: "can we [skip]
# radiation" puts a verb there.)
_OBJECT_SLOT_RE = re.compile(
    r"^(?:can|could|will|would|should|may|might|must)\s+"
    r"(?:i|we|you|he|she|they|(?:my|our|your|his|her|their|the)\s+(?:\S+\s+)?\S+)\s+"
    # ... or after the -ing form that a longer phrase ends on ("go back to playing [football]").
    r"(?:[a-z]+|(?:[a-z]+\s+){1,3}[a-z]+ing)\s+$"
)  # (a person is the subject: "Can glomangioma cause a white [nail]" names a sign, not an action's object)
# Where a wh-question names the action it asks about: the verb after a modal and a short subject ("what
# should my son [eat]", "what can we [pack]"). (Not the word after "what": "what happens", "which marker"
# are answered in other words.)
_ASKED_SLOT_RE = re.compile(r"^(?:what|how much|how often)\s+(?:should|can|could|may|must|will)\s+(?:\S+\s+){1,2}$")
# ... and the same action as the question's last word, after a longer subject or a "what <thing>" opening
# ("What foods should a child with X eat?").
_ASKED_LAST_SLOT_RE = re.compile(
    r"^(?:what(?:\s+\w+)?|how much|how often)\s+(?:should|can|could|may|must|will)\s+(?:\S+\s+){1,5}$"
)
# Words of a yes-or-no question that ask nothing of its subject ("Is it OK to ...", "Does he still need ...").
_ASKING_WORDS = frozenset({"still", "ever", "ok", "okay", "really", "actually", "anyway", "yet", "already"})
# ... nor do the words that only pick out a thing ("turn into [another] cancer").
_DETERMINERS = frozenset({"another", "other", "others", "each", "every", "either", "neither", "such", "same"})
# ... nor do the words that say when ("is there anyone I can talk to [tonight]?").
_WHEN_WORDS = frozenset({"tonight", "today", "tomorrow", "yesterday", "now", "overnight", "weekend", "weekends"})


def _only_frames(word: str) -> bool:
    """Whether a word only frames a question ("still", "another", "tonight") or is a verb's form ("linked to getting"):
    never the thing a question asks about."""
    return word in _ASKING_WORDS or word in _DETERMINERS or word in _WHEN_WORDS or word.endswith(("ing", "ed"))


def _never_what_is_asked(word: str, question: str) -> bool:
    """Whether a word of ``question`` only frames it or says whose people it is asked of ("does my [daughter]
    need ..."): the rules that read slots never refuse it as a thing the documents lack."""
    return _only_frames(word) or names_someones_people(word, question)


def never_mentioned(what: str, asked: bool = False) -> str:
    """The reason a rule gives for refusing a word the documents (``asked``: the documents the question is
    about) never use in any form; :func:`never_mentioned_word` reads it back."""
    return f"the documents {'asked about ' if asked else ''}never mention {what}"


_NEVER_MENTIONED_RE = re.compile(r"^the documents (?P<asked>asked about )?never mention (?P<what>[\w' ,-]+)$")


def never_mentioned_word(reason: str | None) -> tuple[str, bool] | None:
    """(the word, whether only the documents asked about lack it) of a :func:`never_mentioned` reason."""
    found = _NEVER_MENTIONED_RE.match(reason or "")
    return (found.group("what").strip(), bool(found.group("asked"))) if found else None


def absent_thing(inp: RuleInput) -> str | None:
    """A yes-or-no question about a thing no document mentions in any form ("Does insurance cover proton
    therapy?", "Can she go to school during chemo?"): the documents can say neither yes nor no. A word
    where a verb goes ("can we skip radiation?") asks what to do, which the documents may still speak to.
    A wh-question about an action no document names ("What should my son eat?") is refused too."""
    for term in inp.query.absent_terms:
        if _asks_about(term, inp.query.question):
            return never_mentioned(term)
    return None


# Just before the object of a preposition ("more common in [boys]", "painful for [babies]").
# ... or a person's own ("Will he lose his [hair]?").
_PREPOSITION_OBJECT_RE = re.compile(
    rf"(?:\b(?:in|for|to|with|among|on|at|from|into|during|after|before|{_COMPARED_WITH})\s+"
    r"(?:(?:the|a|an|his|her|their|my|our|your)\s+)?"
    r"|\b(?:his|her|their|my|our|your)\s+)$"
)


def _asks_about(term: str, question: str) -> bool:
    """Whether a word is what a question asks about, rather than how it is put: in a yes-or-no question, a
    word where a thing goes; in a wh-question, the action its subject would take."""
    word = term.lower()
    if " " in word or _never_what_is_asked(word, question):
        return False
    lowered = normalise(question)
    at = re.search(rf"\b{re.escape(word)}\b", lowered)
    if at is None:
        return False
    yes_or_no = asks_yes_or_no(question)
    before = lowered[: at.start()]
    # Only a word where a thing goes: after an article, a possessive or a preposition ("the flu vaccine",
    # "to school", "an IV"), or straight after the opening verb ("Does insurance cover ..."). Elsewhere
    # an everyday word a small corpus lacks ("can it make a kid limp", "will he lose his leg") is how the
    # question is put, not what it asks about.
    if yes_or_no and (_THING_SLOT_RE.search(before) or _OBJECT_SLOT_RE.search(before)):
        return True
    # A wh-question about the action its subject would take ("What should my son eat ...?"): an action
    # no document names is no answer.
    last = not lowered[at.end() :].strip(" ?.!")
    return not yes_or_no and bool(_ASKED_SLOT_RE.search(before) or (last and _ASKED_LAST_SLOT_RE.search(before)))


def make_weak_evidence(settings: Settings) -> Callable[[RuleInput], str | None]:
    def weak_evidence(inp: RuleInput) -> str | None:
        """The best passages match the question too weakly to answer it."""
        strength = max((r.strength for r in inp.ranked[: settings.strength_depth]), default=0.0)
        if strength < settings.abstain_min_evidence:
            return f"best evidence strength {strength:.2f} is below {settings.abstain_min_evidence:.2f}"
        return None

    return weak_evidence


def make_low_coverage(vocab: Vocabulary, settings: Settings) -> Callable[[RuleInput], str | None]:
    def low_term_coverage(inp: RuleInput) -> str | None:
        """Too few of the question's content words occur in the best passages."""
        passages, rest = inp.ranked[: settings.coverage_depth], inp.ranked[settings.coverage_depth :]
        # A question that names its document and asks for a narrow answer ("which levels ... in the 2003
        # report?") is answered by that document's passage holding one, wherever it ranks (see the
        # answerer's answer-first choice): its words count too.
        if inp.query.names_one_document:
            passages += [r for r in rest if holds_asked_answer(inp.query.question, r.evidence.text)][:1]
            # ... and so is its passage that best matches the question's words, wherever it ranks: whether
            # one document speaks of what was asked should not hang on thousandths of a score.
            if rest and (best := max(rest, key=lambda r: r.lexical)).lexical >= max(
                (r.lexical for r in passages), default=0.0
            ):
                passages.append(best)
        texts = [r.evidence.embed_text for r in passages]
        query = inp.query
        if query.said_before and not query.terms:  # "what happened next?": nothing asked in words of its own
            return None
        if query.names_one_document and not query.carried_topic:
            # "the Halvorsen case": words that say which document to look in are covered by any of its passages.
            # When all else it asks is in words no document uses at all ("what did the erratum ... correct?"),
            # nothing in the documents speaks of it.
            # (A rarer word among them: everyday ones, "how old", may be written otherwise, as "48-year-old".)
            asked = [t for t in query.terms if not names_a_document(t.lower(), vocab)]
            absent = {t.lower() for t in query.absent_terms}
            # (Two words at least: one alone may frame the question, "Summarize the X case".)
            if (
                len(asked) >= settings.absent_words_min
                and all(t.lower() in absent for t in asked)
                and any(not is_general_english(t, settings.general_vocabulary_size) for t in asked)
            ):
                return f"no document speaks of {', '.join(asked)}"
        if len(query.targets) > 1:
            # "X vs Y": the words that set two subjects side by side are no content of either.
            query = replace(query, terms=[t for t in query.terms if not COMPARISON_WORD_RE.fullmatch(t)])
        # (A long message's everyday words count for less: see story_weights.)
        coverage = term_coverage(query, texts, vocab, story_weights(query, settings))
        if coverage < settings.abstain_min_term_coverage:
            return f"the evidence covers only {coverage:.0%} of the question's terms"
        # The subject's name is covered by any passage about it; what a yes-or-no question asks *of* it must
        # be there too: "Is X hereditary?" against passages on X that never speak of heredity can be answered
        # neither yes nor no. (Not for other questions: "X definition", "X incidence" are answered in
        # words other than the frame's.)
        if not asks_yes_or_no(inp.query.question):
            return None
        names = vocab.subject_stems(inp.query.topics)
        # "Does X cause hair loss?", "Does X affect fertility?": the verb only relates the subject to what is
        # asked of it, which a page must speak of ("the cause is unknown" does not speak of hair loss).
        focus = [term for term in inp.query.terms if not stems(term) <= names and term not in RELATION_VERBS]
        # (A follow-up's own words, not those carried from before: "did she smoke?" after a question about her
        # metastasis asks about smoking, which the passages on her metastasis do not speak of.)
        question = normalise(inp.query.question)
        own = [term for term in focus if re.search(rf"\b{re.escape(normalise(term))}\b", question)]
        if inp.query.carried_topic and own:
            focus = own
        if focus and not term_coverage(replace(inp.query, terms=focus), texts, vocab):
            return "the evidence speaks of the subject but of none of what is asked about it"
        # ... and what the verb leads to is one thing, spoken of whole: "blood loss" does not speak of
        # "hair loss", nor "blood vessels" of "low blood sugar" (unless a page's gloss of it is there).
        # Words no document uses are left to the absent-thing rule, which knows where a thing goes: a
        # page may say "a white color in the center of the eye" for a "white pupil".
        absent = {t.lower() for t in inp.query.absent_terms}
        # (Not when it happens, "later on", nor whose it is, "my daughter's hearing".)
        effect = [
            t
            for t in _effect_words(inp.query.question)
            if t in focus
            and t not in absent
            and t not in TIME_ADVERBS
            and not names_someones_people(t, inp.query.question)
        ]
        if effect and not _spoken_of(effect, replace(inp.query, terms=effect), texts, vocab):
            return f"the evidence does not speak of {' '.join(effect)}"
        return None

    return low_term_coverage


# Where a yes-or-no question ends by naming a place or thing something goes to or happens in ("Does X
# spread to the brain?", "Can it come back in the lungs?").
_END_PLACE_RE = re.compile(r"\b(?:to|into|in|on|at)\s+(?:the|a|an|his|her|my|our|their|your|its)\s+([a-z -]+?)\W*$")


def _effect_words(question: str) -> list[str]:
    """The words after a yes-or-no question's relation verb, to the end of its clause ("Does X cause
    hair loss?": "hair", "loss"), or of the place it ends with ("spread to the brain?": "brain")."""
    lowered = normalise(question).split()
    at = next((i for i, w in enumerate(lowered) if w in RELATION_VERBS), None)
    if at is not None:
        return lowered[at + 1 :]
    place = _END_PLACE_RE.search(normalise(question))
    return place.group(1).split() if place else []


def _spoken_of(effect: list[str], query: UnderstoodQuery, texts: Sequence[str], vocab: Vocabulary) -> bool:
    """Whether the texts speak of every word of a thing asked about, of a term a page glosses it as, or of
    a clinical word the lexicon gives for it."""
    if term_coverage(query, texts, vocab) == 1.0:
        return True
    evidence = set().union(*(stems(t) for t in texts)) if texts else set()
    phrase = " ".join(effect)
    if any(stems(term) <= evidence for term in vocab.glossed_terms(phrase)):
        return True
    # ... or in any of the lexicon's clinical words for it ("in the same place": local; "legs": limb).
    return any(stems(expansion) & evidence for expansion in LEXICON.expansions(phrase))


def make_another_document(
    index: CorpusIndex, vocab: Vocabulary, settings: Settings, words: DocumentWords | None = None
) -> Callable[[RuleInput], str | None]:
    document_words = words or DocumentWords(index, settings)

    def another_document_holds_it(inp: RuleInput) -> str | None:
        """A passage from a document the question is not about answers far better: one condition's fact
        asked of another, which the asked-about documents do not give. Not for a question that names
        its document ("in the X report"): the reader chose where to look."""
        if not inp.outside or not inp.ranked:
            return None
        question = f" {normalise(inp.query.question)} "
        if any(f" {alias} " in question for alias in vocab.document_aliases):
            return None
        # ... or names it by its kind ("according to the review"), which picked the documents asked about.
        of_named_kinds = {sid for kind, ids in vocab.kinds.items() if f" the {kind} " in question for sid in ids}
        if inp.query.targets and set().union(*inp.query.targets) <= of_named_kinds:
            return None
        # ... nor for a follow-up about a document the conversation singled out ("Did it come back?" after
        # a question about the X report): it chose where to look too.
        if inp.query.carried_topic and inp.query.targets and all(len(group) == 1 for group in inp.query.targets):
            return None
        # (The asked documents' strongest match among their best passages: the first may be ranked first for the
        # kind of answer it holds, not for its match.)
        rival, best = inp.outside[0], max(inp.ranked[: settings.strength_depth], key=lambda r: r.strength)
        # What the question asks *about* its subject (its focus words) is matched lexically far better
        # elsewhere, while the asked-about documents only match the subject's name.
        scale = max(max(r.lexical_raw for r in inp.ranked), settings.lexical_full_score)
        inside_focus = max(r.lexical_raw for r in inp.ranked[: settings.strength_depth]) / scale
        focus_rival = max(inp.outside[: settings.strength_depth], key=lambda r: r.lexical_raw)
        # ... unless the asked-about documents use those words too, in another form ("genes" for
        # "genetic"): then they may well answer, in their own words.
        asked = {r.evidence.doc.source_id for r in inp.ranked}
        rival_roots = [word_roots(focus_rival.evidence.text)]
        said_here = _meanings_said(inp.query.question, asked, document_words)
        rival_only = [
            w
            for w in content_words(inp.query.focus)
            if w not in said_here
            and w not in JUDGING_WORDS  # "the best surgery": another page's "the best chance" is no rival
            and text_mentions(rival_roots, w, document_words.min_chars, document_words.share)
            and not document_words.mention(asked, w)
        ]
        if (
            rival_only
            and focus_rival.lexical_raw / scale - inside_focus >= settings.rival_focus_gap
            and focus_rival.strength >= best.strength
        ):
            rival = focus_rival
        elif rival.strength - best.strength <= settings.rival_margin:
            return None
        else:
            # ... but not when the asked-about documents' best passages say every word of the question the
            # rival says ("will he need chemo?": "low-dose chemotherapy" on the asked page): they speak of
            # it as well, and the rival is only closer in the model's eyes.
            inside_roots = [word_roots(" ".join(r.evidence.text for r in inp.ranked[: settings.strength_depth]))]
            closer_roots = [word_roots(rival.evidence.text)]
            shared = [
                w
                for w in content_words(inp.query.focus)
                if text_mentions(closer_roots, w, document_words.min_chars, document_words.share)
            ]
            if shared and all(
                text_mentions(inside_roots, w, document_words.min_chars, document_words.share) for w in shared
            ):
                return None
        other = index.infos[rival.evidence.doc.source_id].title
        return f"the closest answer is in another document ({other}), not the one asked about"

    return another_document_holds_it


def _meanings_said(question: str, asked: set[str], document_words: DocumentWords) -> set[str]:
    """The words of each meaning the question uses (its word, the lexicon's clinical words and other
    phrasings for it) that the asked documents put in any of those words. A word and the lexicon's other
    words for the same meaning stand together: "genetic" asked of documents that say "genetic" is not
    asked elsewhere for "inherited" or "runs in families"."""
    said: set[str] = set()
    for phrase, expansion in LEXICON.matches(question):
        lay = LEXICON.said_as(expansion.split()[0])
        group = content_words(" ".join([phrase, expansion, *LEXICON.equivalents(phrase), *lay]))
        if any(document_words.mention(asked, word) for word in group):
            said.update(group)
    # ... and a clinical word the question itself uses ("drugs") with the lay words for it ("pills").
    for word in content_words(question):
        group = [word, *LEXICON.same_meaning(word)]
        if len(group) > 1 and any(document_words.mention(asked, w) for w in group):
            said.update(group)
    return said


# A study's words for whom it left out: "patients ... were excluded", "excluding those with ...".
EXCLUSION_RE = re.compile(r"\b(were|was|are|is|been) excluded\b|\bexcluding\b|\bwere not (included|eligible)\b", re.I)


class DocumentWords:
    """Each document's word stems, indexed once at load, to ask "does any of these documents use any
    form of this word?" with a few binary searches, whatever the corpus's size."""

    def __init__(self, index: CorpusIndex, settings: Settings) -> None:
        self.min_chars, self.share = settings.word_root_min_chars, settings.word_root_share
        # A document's title and headings count: "the X report" is about what its title says.
        self.roots = {
            sid: word_roots(" ".join([index.infos[sid].title, *doc.sections, *(s.plain for s in doc.sentences)]))
            for sid, doc in index.documents.items()
        }
        # The words of the conditions' names, which every page about one repeats: they count as the
        # words they are, never as another word's family ("protuberans" for "proton").
        self.names = frozenset(
            stem_all(w for info in index.infos.values() for topic in info.topics for w in content_words(topic))
        )
        # What a document mentions only as what it leaves out ("patients with X at other sites, including the breast,
        # were excluded"): it says nothing of that.
        self.excluded_only: dict[str, frozenset[str]] = {}
        for sid, doc in index.documents.items():
            leaving_out = [s.plain for s in doc.sentences if EXCLUSION_RE.search(s.plain)]
            if leaving_out:
                rest = [index.infos[sid].title, *doc.sections, *(s.plain for s in doc.sentences)]
                # (Sentence by sentence: each one's stems are cached for other uses; a whole document's would not be.)
                other = frozenset().union(*(stems(text) for text in rest if text not in leaving_out))
                self.excluded_only[sid] = stems(" ".join(leaving_out)) - other

    def mention(self, source_ids: Iterable[str], word: str, share: float | None = None) -> bool:
        """Whether any of the documents uses a word of ``word``'s family (every part of a hyphenated one);
        ``share`` of its stem must open the document's word (default: the setting's)."""
        roots = [self.roots[sid] for sid in source_ids if sid in self.roots]
        return text_mentions(roots, word, self.min_chars, share or self.share, self.names)

    def compound(self, source_ids: Iterable[str], word: str) -> bool:
        """Whether any of the documents uses a compound ending in ``word`` ("radiotherapy" for "therapy")."""
        stems_ = stem_all([word])
        return bool(stems_) and any(
            self.roots[sid].has_compound_of(stems_[0], self.min_chars) for sid in source_ids if sid in self.roots
        )


def word_roots(text: str) -> StemRoots:
    """The stems of a text's words, hyphenated ones also by their parts."""
    return StemRoots(stem_all(part for w in content_words(text) for part in {w, *w.split("-")} if part))


def text_mentions(
    roots: Sequence[StemRoots], word: str, min_chars: int, share: float, names: frozenset[str] = frozenset()
) -> bool:
    """Whether a word of ``word``'s family (every part of a hyphenated one) is among ``roots`` (a word of a
    condition's name, ``names``, only as that very word)."""
    stems_ = stem_all(content_words(word.replace("-", " ")))
    return bool(stems_) and all(any(r.has_root_of(stem, min_chars, share, names) for r in roots) for stem in stems_)


# "<kind word> <kind>": a phrase naming one kind of a treatment, test or other thing a page may list.
# English category nouns, nothing of any document.
_KINDS = (
    r"therapy|therapies|surgery|surgeries|diet|diets|genes?|tests?|scans?|drugs?|"
    r"trials?|number|doses?|injections?|implants?|vaccines?"
)
KIND_PHRASE_RE = re.compile(rf"\b([a-z][a-z-]+) ({_KINDS})\b")
# "What chemotherapy did the patient receive?", "Which drugs was she given?": the kind is what is asked for.
ASKED_KIND_RE = re.compile(rf"^(?:what|which)(?: kinds? of| types? of| sorts? of)? ([a-z-]*(?:{_KINDS}))\b")
# A word naming a kind of treatment or test by its own compound ("chemotherapy", "immunotherapy"): asked of
# one report anywhere in the question ("Did the X patient get chemotherapy?").
COMPOUND_KIND_RE = re.compile(rf"\b([a-z]{{3,}}(?:{_KINDS}))\b")

# Words that ask how long a patient was seen after treatment: the figure asked for is that span.
FOLLOW_UP_WORDS = frozenset({"follow", "followed", "follow-up", "followup", "observed", "monitored"})

# "Did the X patient receive radiation?", "Was she given steroids?": the thing a yes-or-no question about one
# report asks was done, as its last word.
RECEIVED_THING_RE = re.compile(
    r"\b(?:receive|received|undergo|underwent|given|get|got|have|had)\s+(?:an?\s+|any\s+|the\s+)?([a-z][a-z-]{3,})\W*$"
)

# Words that judge or order a kind rather than name one: "the best surgery", "the usual tests", "first scan".
# ("Newest" is left out: whether a treatment is the newest is a claim the pages must make.)
JUDGING_WORDS = frozenset(
    "best better worst worse right wrong main usual standard typical common first second next last other different "
    "safest safer good only preferred recommended possible available".split()
)

# "should we choose surgery", "to have surgery": after a subject pronoun or "to", the word before a kind is a
# verb acting on it, not a kind of it ("proton therapy").
VERB_SLOT_RE = re.compile(r"\b(?:i|we|you|they|he|she|to)\s+$")

# Words named like a disease ("...oma", "...itis", "...osis"): English medical word formation.
DISEASE_NAME_RE = re.compile(rf"^[a-z]{{3,}}({'|'.join(DISEASE_SUFFIXES)})$")


# The reason :func:`make_unexplained_name_word` gives, which the refusal quotes as what the documents lack.
_UNEXPLAINED_RE = re.compile(r"^the documents use “[^”]+” only in the name “[^”]+” and never say what it means$")
# A name's origin said on the page ("named after the doctor who first described it") explains its word.
_NAMED_AFTER_RE = re.compile(r"\bnamed (after|for)\b|\bcomes? from\b", re.I)


def lacking_in_words(reason: str | None) -> str | None:
    """The reason of :func:`make_unexplained_name_word`, :func:`make_excluded` or :func:`ranks_providers`, which a
    refusal says as it is ("the documents don't compare or list hospitals or doctors"), or None for any other."""
    if reason and (_UNEXPLAINED_RE.match(reason) or _EXCLUDED_RE.match(reason) or reason == RANKS_PROVIDERS_REASON):
        return reason
    return None


def make_unexplained_name_word(vocab: Vocabulary) -> Callable[[RuleInput], str | None]:
    def unexplained_name_word(inp: RuleInput) -> str | None:
        """ "What does myxoid mean?" of a word the corpus writes only inside a condition's name, when no
        candidate explains it: quoting what the condition is would answer a question nobody asked, and the
        name itself explains none of its words."""
        term = defined_term(inp.query.question)
        if term is None or term in vocab.topic_aliases or term in vocab.document_aliases or term in vocab.acronyms:
            return None
        parts = term.split()
        if not parts:
            return None
        # "What is fibrous dysplasia?" where "dysplasia" is written only in "osteofibrous dysplasia": a name of
        # several words, one of them only ever part of another condition's name and none of its other words a
        # word of that name, that no passage writes, names some other thing, which the documents never mention.
        # ("myxoid angioma", "metastatic myxoid glomangiomas" share more of the name: that condition.)
        words = normalise(term).split()
        named_elsewhere = [w for w in words if w in vocab.name_only_words]
        if len(words) > 1 and named_elsewhere and len(named_elsewhere) < len(words):
            name = vocab.name_only_words[named_elsewhere[0]]
            shared = stems(" ".join(words)) & stems(name)
            shares_the_name = len(shared) > 1 or bool(
                stems(" ".join(w for w in words if w not in named_elsewhere)) & shared
            )
            texts = (normalise(scored.evidence.text) for scored in (*inp.ranked, *inp.outside))
            phrase = " ".join(words)
            if not shares_the_name and not any(f" {phrase} " in f" {text} " for text in texts):
                return never_mentioned(phrase)
            return None
        if any(part not in vocab.name_only_words for part in parts):
            return None
        explains = gloss_pattern(term)
        for scored in (*inp.ranked, *inp.outside):
            text = scored.evidence.text
            if explains.search(text) or (_NAMED_AFTER_RE.search(text) and term in normalise(text)):
                return None
        name = vocab.name_only_words[parts[0]]
        return f"the documents use “{term}” only in the name “{name}” and never say what it means"

    return unexplained_name_word


def make_no_document_is_about(vocab: Vocabulary) -> Callable[[RuleInput], str | None]:
    topic_stems = set(stem_all(w for alias in vocab.topic_aliases for w in alias.split()))
    # Conditions the documents are about that a word of kind opens ("plexiform zentaroma of bone"): the rest of the
    # name ("zentaroma of bone") after another specialist word names another kind, "spindled zentaroma of bone".
    kinds_of = {
        " ".join(words[1:]): words[0]
        for alias in vocab.topic_aliases
        if len(words := normalise(alias).split()) >= 3 and is_specialist_word(words[0], vocab, vocab.settings)
    }
    other_kind_res = [
        (re.compile(rf"\b([a-z][a-z-]+) {re.escape(head)}\b"), head, own) for head, own in sorted(kinds_of.items())
    ]

    def no_document_is_about(inp: RuleInput) -> str | None:
        """The question is about a condition the documents only mention in passing ("the second most
        common bone cancer after X"): a disease-named word the corpus uses, that no document is about,
        in a question that names none of the conditions the documents are about."""
        if inp.query.targets:
            return None
        question = normalise(inp.query.question)
        for pattern, head, own in other_kind_res:
            for match in pattern.finditer(question):
                kind = match.group(1)
                # (A word of kind is no everyday word, "my thyroid cancer" names none; nor one the documents' sentences
                # use, a state they speak of, "metastatic zentaroma of bone": only a page's link list names "spindled".)
                if (
                    kind != own
                    and kind not in vocab.words
                    and not is_general_english(kind, vocab.settings.general_vocabulary_size)
                    and f"{kind} {head}" not in vocab.topic_aliases
                ):
                    return f"no document is about {kind} {head}; the documents are about {own} {head}"
        for word in inp.query.terms:
            if DISEASE_NAME_RE.match(word) and word in vocab.words and stem_all([word])[0] not in topic_stems:
                # (A type of a condition its page keeps naming, "glomoma" on a zentaroma page, is something
                # the page is about too.)
                if vocab.counts.get(word, 0) >= vocab.settings.subtype_min_mentions:
                    continue
                return f"no document is about {word}; the documents only mention it"
        return None

    return no_document_is_about


_COUNTS = frozenset(NUMBER_WORDS.values())
# What separates the items of a nurse's list of asks: a comma, a semicolon, a slash, a spaced dash or a plus.
_LIST_SEPARATOR_RE = re.compile(r"[,;/+]|\s[-–—]\s")


def make_never_mentioned(
    index: CorpusIndex, vocab: Vocabulary, settings: Settings, words: DocumentWords | None = None
) -> Callable[[RuleInput], str | None]:
    document_words = words or DocumentWords(index, settings)

    def kind_said(kind: str, asked: set[str]) -> bool:
        """Whether the documents say a kind of thing: in its own word or in other words ("removal" or
        "operation" for "surgery"), or, for a kind that is a figure, by its figure ("50 Gy" is a dose)."""
        forms = [kind, *LEXICON.said_as(kind.rstrip("s")), *LEXICON.said_as(kind)]
        return (
            any(document_words.mention(asked, form) for form in forms)
            # ... or as the second half of a compound: "radiotherapy" is a therapy.
            or document_words.compound(asked, kind)
            or _gives_figure_of(kind, asked, index)
        )

    def asked_documents_never_mention(inp: RuleInput) -> str | None:
        """The question names its documents (or condition) and a specialist term ("a drug", "a procedure")
        that the corpus knows from other documents but these never use: "Does drug X work for
        condition Y?" when only another condition's page names X."""
        if not inp.query.targets:
            return None
        asked = set().union(*inp.query.targets)
        # "Is proton therapy used for X?", "a special diet": a kind of treatment, test or thing the
        # documents asked about never name, neither its kind word nor the kind.
        question = normalise(inp.query.question)
        # (Each item of a list apart: "ZR9 - drug, number of sessions" asks for a drug and a number, no "drug number".)
        items = [normalise(part) for part in _LIST_SEPARATOR_RE.split(inp.query.question)]
        for item, match in ((part, m) for part in items for m in KIND_PHRASE_RE.finditer(part)):
            modifier, kind = match.group(1), match.group(2)
            named = modifier in vocab.topic_aliases or modifier in vocab.document_aliases or modifier in vocab.kinds
            # (A count is no kind: "the other two drugs".)
            if modifier in STOPWORDS or named or modifier in SOURCE_NOUNS or modifier.isdigit() or modifier in _COUNTS:
                continue
            if modifier in JUDGING_WORDS or VERB_SLOT_RE.search(item[: match.start()]):
                continue
            # (A figure the phrase names by its shape is said by one: a "phone number" by "call 555-0100".)
            if _gives_figure_of(f"{modifier} {kind}", asked, index):
                continue
            # The modifier may be shorthand the lexicon spells out ("rt dose": a dose of radiation therapy).
            # ... or other words ("radiotherapy" for "radiation").
            modifier_forms = [
                modifier,
                *(w for e in LEXICON.expansions(modifier) for w in e.split()),
                *LEXICON.said_as(modifier),
            ]
            # The modifier names the kind, so it is looked for whole: "proton" is no form of "protein".
            modifier_said = any(document_words.mention(asked, form, share=1.0) for form in modifier_forms)
            if not modifier_said or not kind_said(kind, asked):
                return never_mentioned(f"{modifier} {kind}", asked=True)
        # "What chemotherapy did the X patient receive?" of a report that never mentions chemotherapy in any
        # form: it cannot say which.
        if inp.query.names_one_document:
            asked_kind = ASKED_KIND_RE.match(question)
            kinds = [asked_kind.group(1)] if asked_kind else []
            kinds += [k for k in COMPOUND_KIND_RE.findall(question) if k not in kinds]
            if asks_yes_or_no(inp.query.question) and (received := RECEIVED_THING_RE.search(question)):
                thing = received.group(1)
                if thing not in kinds and thing not in STOPWORDS and thing not in JUDGING_WORDS:
                    kinds.append(thing)
            for kind in kinds:
                # (A compound is said as the lexicon spells it out: "radiotherapy" as "radiation therapy". Not a bare
                # kind, whose lexicon words are only what it leads to: "tests" to a "diagnosis".)
                spelt_out = LEXICON.expansions(kind) if COMPOUND_KIND_RE.fullmatch(kind) else []
                if any(document_words.mention(asked, form) for form in spelt_out):
                    continue
                if kind in vocab.words and not kind_said(kind, asked):
                    return never_mentioned(kind, asked=True)
        question_words = word_list(inp.query.question)
        for word in inp.query.terms:
            if word in vocab.topic_aliases or word in vocab.document_aliases:
                continue
            if only_told(word, inp.query):  # ("the oncologist mentioned ...": who said it, not what is asked)
                continue
            if COMPARISON_WORD_RE.fullmatch(word):  # ("X vs Y": the word sets two things side by side)
                continue
            if not is_specialist_word(word, vocab, settings):
                continue  # an everyday word, or one no document uses (the unknown_term rule's case)
            if _qualifies_an_answered_shape(word, question_words, inp.ranked):
                continue
            # (The lexicon's words for it are a bag of words one meaning is said in, any one of which says it: "OS"
            # is the "survival" or who is "alive" of a page that never writes "overall".)
            alternatives = [alt for alt in (word, vocab.acronyms.get(word)) if alt] + LAY_TERMS.get(word, "").split()
            # (A word naming the shape of its answer is said by one: "which drug" by "trabectedin".)
            if not any(document_words.mention(asked, alt) for alt in alternatives) and not _gives_figure_of(
                word, asked, index
            ):
                return never_mentioned(word, asked=True)
        # "Is it more common in boys?" of pages that never speak of boys (another condition's page may): in a
        # yes-or-no question, the everyday word a preposition asks about, in no form on the pages asked about.
        # (... and so does what it asks, after what it told: "had my lump removed 3 wks ago. how long do i have to keep
        # going to check-ups?" asks how long, though its telling opens on "had".)
        yes_or_no = asks_yes_or_no(inp.query.question) and asks_yes_or_no(told_then_asked(inp.query.question)[1])
        for word in inp.query.terms if yes_or_no else ():
            if word in vocab.topic_aliases or word in vocab.document_aliases or not word.isalpha():
                continue
            if _never_what_is_asked(word, question):
                continue
            at = re.search(rf"\b{re.escape(word)}\b", question)
            if at is None or not _PREPOSITION_OBJECT_RE.search(question[: at.start()]):
                continue
            lay = LAY_TERMS.get(word, "")
            # (The lay term's clinical words without the word itself: "cancer" is said "malignant tumor".)
            clinical = " ".join(w for w in lay.split() if w != word)
            alternatives = [word, *spelling_variants(word), *LEXICON.said_as(word), lay, clinical]
            if not any(document_words.mention(asked, alt) for alt in alternatives if alt):
                return never_mentioned(word, asked=True)
        return None

    return asked_documents_never_mention


def only_told(word: str, query: UnderstoodQuery) -> bool:
    """Whether ``word`` is only in what the message told before it asked ("my mum had X removed. the oncologist
    mentioned immunotherapy. does it help?"): context, not a thing the question asks the pages about."""
    told, asking = (
        (query.told, query.question.removeprefix(query.told)) if query.told else told_then_asked(query.question)
    )
    if not told:
        return False
    word_stems = stems(word)
    return bool(word_stems) and word_stems <= stems(told) and not word_stems & stems(asking)


def make_excluded(vocab: Vocabulary, words: DocumentWords) -> Callable[[RuleInput], str | None]:
    def asked_documents_leave_out(inp: RuleInput) -> str | None:
        """The question asks of something the documents asked about mention only as what they left out
        ("angiosarcoma of the breast" of a cohort of other sites that excluded the breast): they say nothing of it,
        and their figures are of others."""
        if not inp.query.targets:
            return None
        asked = set().union(*inp.query.targets)
        leaving_out = [sid for sid in asked if sid in words.excluded_only]
        for word in inp.query.terms if leaving_out else ():
            word_stems = stems(word)
            if not word_stems or word in vocab.topic_aliases or word in vocab.document_aliases:
                continue
            excluded = [sid for sid in leaving_out if word_stems <= words.excluded_only[sid]]
            if excluded and not any(words.mention([sid], word) for sid in asked if sid not in excluded):
                return excluded_reason(word)
        return None

    return asked_documents_leave_out


def excluded_reason(word: str) -> str:
    """The reason :func:`make_excluded` gives, which a refusal says as it is."""
    return f"the documents you asked about say they leave out “{word}”"


_EXCLUDED_RE = re.compile(r"^the documents you asked about say they leave out “[^”]+”$")


# A condition a question opens with: "if it comes back, what chemo ...", "once she has the operation, can she ...".
_LEADING_CONDITION_RE = re.compile(
    r"^\W*(?:if|once|unless)\s+(?P<condition>[^,?;]+?)(?:,|\s+(?=(?:what|which|how|when|where|who|why|can|could|do|"
    r"does|did|is|are|will|would|should|must)\b))",
    re.I,
)


def make_condition_unanswered(vocab: Vocabulary) -> Callable[[RuleInput], str | None]:
    def condition_unanswered(inp: RuleInput) -> str | None:
        """A question asked under a condition ("if it comes back, what chemo do they give?") is answered by a
        passage that speaks of the condition and of what is asked together: the chemotherapy every child gets
        beside a sentence on watching for it coming back says nothing of chemotherapy for a relapse."""
        found = _LEADING_CONDITION_RE.match(inp.query.question)
        if found is None or not inp.selected:
            return None
        question, condition = inp.query.question, found.group("condition")
        names = vocab.subject_stems(inp.query.topics)

        def asked(term: str) -> bool:
            return bool(stems(term) - names) and not names_someones_people(term, question)

        in_condition = [t for t in inp.query.terms if asked(t) and re.search(rf"\b{re.escape(t)}\b", condition, re.I)]
        rest = [t for t in inp.query.terms if asked(t) and t not in in_condition]
        if not in_condition or not rest:
            return None
        for passage in inp.selected:
            text = [passage.evidence.text]
            if term_coverage(replace(inp.query, terms=in_condition), text, vocab) == 1.0 and term_coverage(
                replace(inp.query, terms=rest), text, vocab
            ):
                return None
        return f"no passage speaks of {', '.join(rest)} if {condition}"

    return condition_unanswered


def _paragraph_opening(ev: EvidencePassage) -> str:
    """The first sentence of the paragraph (or the lead of the list) a passage opens in (see :func:`_paragraph`)."""
    opening = ev.doc.blocks[ev.block].sentence_ids[:1]
    return ev.doc.sentences[opening[0]].plain if opening else ""


_CHEMOTHERAPY_WORDS = frozenset({"chemotherapy", "chemo", "chemotherapies"})


def _gives_figure_of(kind: str, source_ids: set[str], index: CorpusIndex) -> bool:
    """Whether the documents give a figure of the kind a word asks for ("dose": "50 Gy"); bounded by their size."""
    shapes = [holds for asks, holds, _ in FIGURE_REQUIREMENTS if asks.fullmatch(kind)]
    shapes += [holds for asks, holds in SHAPE_WORDS if asks.fullmatch(kind)]
    if kind.lower() in DRUG_WORDS:  # ("which drug": "she was started on doxorubicin" names one)
        shapes.append(DRUG_NAME_RE)
    # ("What chemotherapy did she receive?": a report naming a cytotoxic drug, "etoposide 100 mg/m2", says one.)
    if kind.lower() in _CHEMOTHERAPY_WORDS:
        shapes.append(CHEMOTHERAPY_DRUG_RE)
    return bool(shapes) and any(
        shape.search(index.passages[p].text)
        for sid in source_ids
        for p in index.doc_passages.get(sid, [])
        for shape in shapes
    )


def _qualifies_an_answered_shape(word: str, question_words: list[str], ranked: list[ScoredPassage]) -> bool:
    """ "lobule levels", when a candidate holds levels ("from X6 to Y2"): the word only says what kind of
    levels, which the notation answers without naming it."""
    following = [question_words[i + 1] for i, w in enumerate(question_words[:-1]) if w == word]
    return any(answers_by_shape(shape, r.evidence.text) for shape in following for r in ranked)


def story_weights(query: UnderstoodQuery, settings: Settings) -> dict[str, float] | None:
    """What each term of a long message counts for in its coverage: a family's story around what it asks ("my
    sister keeps saying there's a white glow in my son's eye in her photos ... is that cancer? I don't want to
    overreact") is told in everyday words no page need say, which count for less than the words a page on the
    subject would use. None (each counts 1) for a message of fewer terms."""
    if len(query.terms) < settings.long_message_min_terms:
        return None
    # ("8": an age, a date)
    everyday = [t for t in query.terms if t.isdigit() or is_general_english(t, settings.basic_vocabulary_size)]
    return dict.fromkeys(everyday, settings.everyday_term_weight)


def _names_a_thing(word: str, vocab: Vocabulary, settings: Settings) -> bool:
    """A term of the trade, a code ("zr9", "t5-t7") or an acronym the pages use."""
    coded = any(c.isdigit() for c in word) and any(c.isalpha() for c in word)
    return is_specialist_word(word, vocab, settings) or word in vocab.acronyms or (coded and word in vocab.words)


def make_quotes_miss(vocab: Vocabulary, settings: Settings) -> Callable[[RuleInput], str | None]:
    def quotes_miss_an_unnamed_subject(inp: RuleInput) -> str | None:
        """A short question naming nothing the documents are about, no condition, document or term of the trade ("a
        good recipe for banana bread?"), is answered only when what would be quoted speaks of enough of its words.
        Before selection, coverage counts the best few passages together, where everyday words ("good", "give") are
        found in one or another of them. (Not a long message, a story told around what it asks in words no quote
        need say: see story_weights.)"""
        query = inp.query
        if query.topics or query.targets or query.said_before or not inp.selected:
            return None
        # (A term of the trade, a code or an acronym the pages use names a thing: "What happened two years after the
        # glomectomy?", "KI blockade how long after ZR9 therapy" are answered by a quote of the asked shape.)
        if any(_names_a_thing(term.lower(), vocab, settings) for term in query.terms):
            return None
        if len(query.terms) >= settings.long_message_min_terms:
            return None
        coverage = term_coverage(query, [r.evidence.embed_text for r in inp.selected], vocab)
        if coverage < settings.abstain_min_term_coverage:
            return f"what would be quoted covers only {coverage:.0%} of the question's terms"
        return None

    return quotes_miss_an_unnamed_subject


def make_evidence_never_names(
    index: CorpusIndex, vocab: Vocabulary, settings: Settings
) -> Callable[[RuleInput], str | None]:
    # How many documents use each word, once at load: a specialist thing is named by few of them.
    documents_using: Counter[str] = Counter()
    for doc in index.documents.values():
        documents_using.update({w for s in doc.sentences for w in content_words(s.plain)})
    rare_limit = max(settings.rare_term_min_documents, int(settings.rare_term_document_share * len(index.documents)))
    name_words = {w for alias in [*vocab.topic_aliases, *vocab.document_aliases] for w in alias.split()}
    # Each document's condition names, word by word, once at load.
    names_of: dict[str, set[str]] = {}
    for alias, topic in vocab.topic_aliases.items():
        for source_id in vocab.topics.get(topic, ()):
            names_of.setdefault(source_id, set()).update(alias.split())

    def evidence_never_names(inp: RuleInput) -> str | None:
        """The question names a specialist thing ("nirogacestat", "sacrectomy") that the passages chosen
        to answer it never name in any form: they answer about something else ("side effects" of
        another treatment). Everyday words and the subject's own names are left to the other rules."""
        # A question that names its document describes it in its own words ("the lung metastasis
        # report"): those words say where to look, not what to find.
        if not inp.selected or inp.query.names_one_document:
            return None
        # The paragraphs the quotes come from: "As the swelling decreases ..." is about the amputation the
        # sentence before it names.
        # (And their documents' titles: a review's "meta-analysis" is said in its title, not its sentences.)
        titles = {index.infos[p.evidence.doc.source_id].title for p in inp.selected}
        # (And the closest passage of their document, when an answer of the asked shape was chosen over it: "At 2
        # years after surgery, ..." answers "two years after the resection" that the closest one names.)
        chosen_documents = {p.evidence.doc.source_id for p in inp.selected}
        closest = [r.evidence for r in inp.ranked[:1] if r.evidence.doc.source_id in chosen_documents]
        paragraphs = [*(_paragraph(p.evidence) for p in inp.selected), *(_paragraph(ev) for ev in closest)]
        # (And the headings they sit under: a "Dose" field under "ZEROCAPTIN" is the dose of zerocaptin.)
        headings = {p.evidence.passage.section or "" for p in inp.selected}
        roots = [word_roots(" ".join([*paragraphs, *titles, *headings]))]
        # An abbreviation ("MRI") may be spelled out where it is quoted, in words no rule can link to it.
        abbreviations = {w.lower() for w in re.findall(r"\b[A-Z]{2,6}s?\b", inp.query.question)}
        # The subject's names are said by any passage about it; another condition's are not ("eye melanoma" asked,
        # and the passage is from a page about another eye cancer).
        own_names = set().union(*(names_of.get(source_id, set()) for source_id in chosen_documents))
        for word in inp.query.terms:
            if word in abbreviations or not is_specialist_word(word, vocab, settings):
                continue
            if only_told(word, inp.query):  # ("the oncologist said ...": who said it, not what is asked)
                continue
            if word in name_words and (word in own_names or not own_names):
                continue
            if documents_using[word] > rare_limit:
                continue
            # Said in other words: any word of a lay or long form ("radiation" for "radiotherapy"), or an acronym
            # the word is part of ("RFA" says "radiofrequency ablation").
            alternatives = [
                word,
                *content_words(f"{LAY_TERMS.get(word, '')} {vocab.acronyms.get(word, '')}"),
                *vocab.acronyms_with_word.get(word, ()),
            ]
            if not any(
                text_mentions(roots, alt, settings.word_root_min_chars, settings.word_root_share)
                for alt in alternatives
            ):
                return f"the passages that come closest never mention {word}"
        return None

    return evidence_never_names


def _paragraph(ev: EvidencePassage) -> str:
    """The whole paragraph (or list) a passage is quoted from."""
    doc = ev.doc
    return " ".join(doc.sentences[sid].text for sid in doc.blocks[ev.block].sentence_ids)


def is_specialist_word(word: str, vocab: Vocabulary, settings: Settings) -> bool:
    """A word some document uses that is no everyday English (nor a figure): a drug, a procedure, a
    term of the trade ("denosumab", "sacrectomy"), every part of a hyphenated one counted."""
    if word not in vocab.words or any(c.isdigit() for c in word):
        return False
    return not all(is_general_english(p, settings.general_vocabulary_size) for p in word.split("-") if p)


def make_missing_figure(vocab: Vocabulary) -> Callable[[RuleInput], str | None]:
    def figure_of(query: UnderstoodQuery, names: frozenset[str], leave_out: set[str]) -> list[str]:
        """The question's words a figure must be said of: not the subject's or the document's names, not
        a word for a figure, not the words ``leave_out`` (those asking for it, the asker's people)."""
        return [
            t
            for t in query.terms
            if t.lower() not in leave_out | LIKENESS_WORDS
            and not is_figure_word(t)
            and not names_a_document(t, vocab)
            and stems(t) - names
        ]

    def missing_figure(inp: RuleInput) -> str | None:
        """The question asks for a figure (a rate, an age, a count) that the selected passages do not give.
        A vague span is an answer only when said of what was asked: "how long does chemotherapy last?" is
        not answered by "a tumor may exist for a long time", which speaks of no chemotherapy."""
        question, text = inp.query.question, " ".join(p.evidence.text for p in inp.selected)
        written_for = vocab.age_group_of({p.evidence.doc.source_id for p in inp.selected})
        if gap := figure_gap(question, text) or age_group_gap(question, text, written_for):
            return gap
        names = vocab.subject_stems(inp.query.topics)
        min_chars = vocab.settings.related_stem_min_chars
        # "How long is the wait for X?": a span of the wait, not of the scans every 3 months after X.
        if _WAIT_SPAN_RE.search(question) and inp.selected:
            around = [_paragraph_opening(p.evidence) for p in inp.selected]
            if not term_coverage(replace(inp.query, terms=["wait"]), [text, *around], vocab):
                return "the question asks how long the wait is; the evidence's span is of something else"
        # A figure is an answer only when said of something asked besides the subject: "What percentage of
        # X occur in children?" is not answered by "in up to 4 in 10 patients it eventually spreads".
        # (A whole question only: a nurse's keywords name the figure in the field's shorthand, and an age is
        # always of the person asked about.)
        # (Keywords with a condition of their own, "survival rate if it comes back", ask of that condition.)
        condition = _CONDITION_CLAUSE_RE.search(question)
        whole_question = not is_keyword_question(question, vocab.settings.keyword_question_max_words) or bool(condition)
        if asks_for_figure(question) and inp.selected and whole_question and not AGE_WORD_RE.search(question):
            # The asker's own people ("my son") are who it is asked of, and "how long" asks for the figure.
            own = {m.group(0).split()[-1].lower() for m in OWN_PEOPLE_RE.finditer(question)}
            # ... and what they are on ("my son on chemo"): who the figure is asked for, not what it is of.
            own |= {m.group(1).lower() for m in _PERSON_ON_RE.finditer(question)}
            asking = set(re.findall(r"\bhow ([\w'-]+)", question.lower()))
            # ... and so does the verb of "how long": "how long does radiotherapy take?" asks no figure of taking.
            if "long" in asking:
                asking |= _SPAN_VERBS
            # "How long was the patient followed (up)?" asks for the span of the follow-up itself, which a
            # report gives as when it last saw the patient ("At 2 years after surgery ...").
            asking |= FOLLOW_UP_WORDS
            asked_of = figure_of(inp.query, names, own | asking)
            # (What a figure is of may be said by the opening of its paragraph, which says what the paragraph is
            # about: "Chemotherapy usually comes first. ... The standard combination is MAP: methotrexate,
            # doxorubicin and cisplatin" gives the chemo's drugs.)
            around = [_paragraph_opening(p.evidence) for p in inp.selected]
            if asked_of and not term_coverage(replace(inp.query, terms=asked_of), [text, *around], vocab):
                return f"the figure the evidence gives is not of {', '.join(asked_of)}"
            # A figure asked under a condition ("survival if it comes back") is one said of that condition: a survival
            # rate of everyone does not answer it.
            if condition is not None:
                clause = question[condition.end() :]
                of_clause = [t for t in asked_of if re.search(rf"\b{re.escape(t)}\b", clause, re.I)]
                if of_clause and not term_coverage(replace(inp.query, terms=of_clause), [text], vocab):
                    return f"the figure the evidence gives is not of {', '.join(of_clause)}"
        found = vague_duration_sentences(question, text)
        if found is None:
            return None
        sentences, span_words = found
        things = figure_of(inp.query, names, span_words)
        if not things:
            return None
        if any(covered_stems(stems(thing), stems(sentence), min_chars) for thing in things for sentence in sentences):
            return None
        return f"the question asks how long for {', '.join(things)}; the evidence's span is of something else"

    return missing_figure


# A question for how long a wait is ("how long is the wait for X", "the waiting list"): pages rarely say, and a span
# of something else (scans every 3 months) is no answer. (Only a wait: other things a span is asked of are often
# said in other words, "the diagnostic delay" as "11 months passed before the diagnosis".)
_WAIT_SPAN_RE = re.compile(
    r"\bhow long (?:is|will|would|was) (?:the|a|an|his|her|their|my|our|your) (?:wait|waiting)\b", re.I
)
# The treatment the asker's person is on: "my son (who is) on chemo", "my daughter is having radiotherapy".
_PERSON_ON_RE = re.compile(
    r"\b(?:my|our)\s+[\w'-]+(?:\s+who)?(?:\s+is|\s+was)?\s+(?:on|having|getting|receiving)\s+(\w+)", re.I
)
# The verbs a "how long" question asks the span of its thing with ("how long will the chemo last?").
_SPAN_VERBS = frozenset({"take", "takes", "taking", "took", "last", "lasts", "lasting", "lasted"})
_CONDITION_CLAUSE_RE = re.compile(r"\b(?:if|when|once|unless)\b", re.I)


def term_coverage(
    query: UnderstoodQuery, texts: Sequence[str], vocab: Vocabulary, weights: Mapping[str, float] | None = None
) -> float:
    """Share of the question's content words (or their lay/acronym equivalents) found in ``texts``; with
    ``weights``, each word counts for its weight (1 when it has none)."""
    terms = list(query.terms)
    if not terms:
        return 0.0
    weight = (lambda term: weights.get(term, 1.0)) if weights is not None else (lambda term: 1.0)
    evidence = set().union(*(stems(t) for t in texts)) if texts else set()
    joined = " ".join(texts)
    covered = 0.0
    for term in terms:
        # Words that pick the document asked about ("the Quenby case report", "the 2021 paper") are
        # answered by quoting that document, whatever its passages say.
        if answers_by_shape(term, joined) or (query.names_one_document and names_a_document(term, vocab)):
            covered += weight(term)
            continue
        # ... or as a page may say it in other words ("an operation" for "surgery").
        # A lay gloss or an acronym's long form is a set of words, any of which will do; a phrasing from
        # the lexicon is said whole ("run in families" is not covered by "the vessels run through").
        # (A nurse's shortening, "zero", "zrt", says the word it shortens: tried as if typed in capitals.)
        any_word = [LAY_TERMS.get(term, ""), vocab.acronyms.get(term, ""), vocab.shorthand(term.upper()) or ""]
        # ... and, asked of a case, as a report says it ("what was done?": what was "removed", "performed").
        if query.of_a_case:
            any_word.append(CASE_LEXICON.terms.get(term, ""))
        # ("tumour" is covered by a page's "tumor": one word in two spellings.)
        whole = [*spelling_variants(term), *LEXICON.said_as(term), *LEXICON.equivalents(term)]
        for alt, whole_phrase in [*((a, True) for a in whole), *((a, False) for a in any_word)]:
            if not alt:
                continue
            alt_stems = stems(alt)
            # A derivation counts ("treated" for "treatment"), within the related-stems rule.
            found = covered_stems(alt_stems, evidence, vocab.settings.related_stem_min_chars)
            if (alt_stems and found == alt_stems) or (found and not whole_phrase and " " in normalise(alt)):
                covered += weight(term)
                break
    return covered / sum(weight(term) for term in terms)


def default_rules(index: CorpusIndex, vocab: Vocabulary, settings: Settings) -> list[AbstentionRule]:
    """The rules in the order they are tried."""
    words = DocumentWords(index, settings)
    return [
        AbstentionRule("which_condition", which_condition),
        AbstentionRule("ranks_providers", ranks_providers),
        AbstentionRule("no_documents_about", no_documents_about),
        AbstentionRule("unknown_term", unknown_term),
        AbstentionRule("unexplained_name_word", make_unexplained_name_word(vocab)),
        AbstentionRule("absent_thing", absent_thing),
        AbstentionRule("weak_evidence", make_weak_evidence(settings)),
        AbstentionRule("low_term_coverage", make_low_coverage(vocab, settings)),
        AbstentionRule("no_document_is_about", make_no_document_is_about(vocab)),
        AbstentionRule("asked_documents_never_mention", make_never_mentioned(index, vocab, settings, words)),
        AbstentionRule("asked_documents_leave_out", make_excluded(vocab, words)),
        AbstentionRule("another_document_holds_it", make_another_document(index, vocab, settings, words)),
        AbstentionRule("missing_figure", make_missing_figure(vocab), after_selection=True),
        AbstentionRule("condition_unanswered", make_condition_unanswered(vocab), after_selection=True),
        AbstentionRule("evidence_never_names", make_evidence_never_names(index, vocab, settings), after_selection=True),
        AbstentionRule("quotes_miss_an_unnamed_subject", make_quotes_miss(vocab, settings), after_selection=True),
    ]
