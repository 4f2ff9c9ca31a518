"""Score stage: how well each candidate passage answers the question, with the parts of its score.

Only the candidates retrieval returned are scored, with numpy over their rows: the cost of a
question depends on the candidates, not on the size of the corpus. The parts:

* dense: the passage in context (title, section) mixed with its best single sentence or clause —
  context finds the right place, the bare sentence tells sentences of one section apart;
* lexical: BM25 on the question's focus, scaled by the best match (never inflating weak ones);
* heading: how much better the passage's section heading matches the question than the
  document's headings typically do ("What causes ...?" lifts the paragraph under that heading);
* prior: the passage's rank in the fused retrieval ranking;
* cue: what the question type asks for (a figure, a time, a place, a definition) is in the passage.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from assistant.answer_types import (
    ASKS_ADVICE_RE,
    LITERATURE_RE,
    QUESTION_CUES,
    RECOMMENDATION_RE,
    asks_about_case,
    asks_for_figure,
    asks_yes_or_no,
    defined_term,
    gloss_pattern,
    holds_asked_answer,
    is_case_narrative,
)
from assistant.index import CorpusIndex, EvidencePassage
from assistant.query import (
    CASE_REPORT_KIND,
    LEXICON,
    UnderstoodQuery,
    Vocabulary,
    asks_overview,
    is_keyword_question,
    topic_name,
)
from assistant.retrieve import Candidates
from assistant.settings import Settings
from assistant.text import (
    NEGATORS,
    STOPWORDS,
    any_related,
    content_words,
    negated_stems,
    normalise,
    stem_all,
    stems,
)

DEFINES_CONDITION_RE = re.compile(r"\b(definition|define|defined|what is|what's|what are)\b", re.I)
# The words of a question asking what something is, besides its name ("What does X stand for?", "X definition").
DEFINITION_FRAME_WORDS = frozenset(
    "stand stands mean means meaning define definition defined exactly actually called term word abbreviation "
    "acronym short".split()
)
# A label and its value: "group E", "stage IV", "type 2", "grade III".
# ... or several values of it: "stage III and IVA", "grades 2-3".
_VALUE = r"(?:[A-E]|[IV]{1,4}[A-C]?|\d{1,2}[a-c]?)"
_VALUE_JOINER = r"\s*(?:,|\band\b|\bor\b|\bto\b|/|-|–)\s*"
_LABEL_VALUE_RE = re.compile(
    rf"\b(group|stage|type|grade|class|level|phase)s?\s+({_VALUE}(?:{_VALUE_JOINER}{_VALUE})*)\b", re.I
)
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
_ROMAN_WITH_LETTER_RE = re.compile(r"([iv]+)([a-c]?)")


def _label_value(value: str) -> str:
    """A label's value as compared: lower case, a Roman numeral as its number ("III" is "3", "IVA" is "4a")."""
    lower = value.lower()
    roman = _ROMAN_WITH_LETTER_RE.fullmatch(lower)
    return _ROMAN[roman.group(1)] + roman.group(2) if roman and roman.group(1) in _ROMAN else lower


def _label_values(match: re.Match[str]) -> list[str]:
    return [_label_value(v) for v in re.split(_VALUE_JOINER, match.group(2)) if v]


def labels_asked(question: str) -> list[tuple[str, str]]:
    """The labels with their values a question names: "grade 2" -> [("grade", "2")]."""
    return [(m.group(1).lower(), v) for m in _LABEL_VALUE_RE.finditer(question) for v in _label_values(m)]


def label_mentions(word: str, text: str) -> list[list[str]]:
    """The values of each time a text names a label ("Stage I: ...; Stage II: ..." twice, "Stage III and IVA" once,
    with two values)."""
    return [_label_values(m) for m in _LABEL_VALUE_RE.finditer(text) if m.group(1).lower() == word]


def labels_given(word: str, text: str) -> set[str]:
    """The values a text gives a label ("| Grade 2 | Atypical |" gives grade "2"; "Stage III and IVA" gives "3" and
    "4a")."""
    return {v for values in label_mentions(word, text) for v in values}


# A negator and the few words it negates ("without metastases", "has not yet spread").
_NEGATED_PHRASE_RE = re.compile(rf"\b(?:{'|'.join(sorted(NEGATORS))}|\w+n't)\b(?:\W+\w+){{1,3}}", re.I)
# A state given to the question's subject: "with round cells", "has spread", "had metastases".
_STATE_RE = re.compile(r"\b(?:with|has|have|had)\s+(?:(?:a|an|the|some|many|lots of|already)\s+)?([a-z]+)", re.I)
# ... and the event a where/when/how question takes as given: "where did the tumour recur?" (it did recur).
_PRESUPPOSED_RE = re.compile(
    r"\b(?:where|when|how)\b(?:\s+\w+)?\s+(?:did|does|do|has|have)\s+(?:the\s+\w+|it|they|he|she)\s+([a-z]+)", re.I
)
DEFINITION_RE = re.compile(
    r"\b(stand for|stands for|mean|means|what is|what's|what are|define|definition|defined)\b|^\s*\w+\s*\?*$", re.I
)


# "role of surgery", "the purpose of radiotherapy", "point of the biopsy": what a thing does is asked.
_ROLE_OF_RE = re.compile(r"\b(?:role|purpose|point|aim|goal) of (?:the |a |an )?(?P<thing>[a-z][a-z-]{2,})\b", re.I)


@lru_cache(maxsize=1 << 10)
def definition_pattern(name: str) -> re.Pattern[str]:
    """A sentence saying what a condition *is*: "X (XYZ) is a ...", "An X is the ..."."""
    return re.compile(rf"^(an? |the )?{re.escape(name)}( \([A-Z]+\))? (is|are) (an?|the)\b", re.I)


def _concludes(ev: EvidencePassage) -> bool:
    """Whether a passage is in an abstract's part labelled as its conclusion ("Conclusions:")."""
    return (ev.passage.context or "").strip().lower().startswith("conclu")


# A sentence that opens by restricting itself to a group: "In patients with tumour rupture, ...", "Among the 38 with
# exon 9 mutations, ...", "For children whose cancer has spread, ...".
_SUBGROUP_OPENING_RE = re.compile(
    r"^\W*(?:in|among|for) (?:the )?(?:\d+ )?(?:patients|people|children|adults|those|cases|women|men|participants|"
    r"persons|subjects|tumou?rs)\b(?P<group>[^,;:]{3,80})[,;:]",
    re.I,
)

# A study's statement of what it set out to do: "Background: We assessed how ...", "This study aimed to ...", "The aim
# of this review was to ...".
_AIMS_RE = re.compile(
    r"^\W*(?:(?:background|objectives?|aims?|purpose|introduction)\s*:\s*)?"
    r"(?:we|this (?:study|review|analysis|trial)|the (?:aim|purpose|objective) of (?:this|our) \w+)\b[^.]{0,40}?"
    r"\b(?:assess|aim|sought|seek|investigat|evaluat|examin|explor|determin|hypothes|set out)\w*",
    re.I,
)


def _quoted_whole(answer: str, passages: list[EvidencePassage]) -> list[int]:
    """The indexes of ``passages`` whose whole text an earlier answer's text (its citation marks removed) says."""
    said = f" {normalise(answer)} "
    return [i for i, ev in enumerate(passages) if f" {normalise(ev.text)} " in said]


@dataclass
class ScoredPassage:
    """A candidate passage with the parts of its score (kept in the trace and the eval report)."""

    evidence: EvidencePassage
    dense: float
    lexical: float
    prior: float
    cue: float
    heading: float
    heading_similarity: float  # raw cosine of the question with the passage's section heading
    lexical_raw: float  # raw BM25 score (the rival rule compares these across documents)
    score: float = 0.0  # the weighted sum that ranks passages
    strength: float = 0.0  # how well the passage itself matches the question (decides abstention)


class PassageScorer:
    """Scores candidate passages for a question (see the module docstring for the parts)."""

    def __init__(self, index: CorpusIndex, vocab: Vocabulary, settings: Settings) -> None:
        self.index = index
        self.vocab = vocab
        self.settings = settings
        self._narrative: dict[int, bool] = {}  # passage -> tells its case's story (filled as candidates come)
        self._shapes: dict[tuple[str, int], bool] = {}  # (answer shape, passage) -> passage holds it

    def score(self, query: UnderstoodQuery, vector: np.ndarray, candidates: Candidates) -> list[ScoredPassage]:
        """The candidates scored for the question, best first."""
        index, s = self.index, self.settings
        ids = np.array(candidates.passages, dtype=int)
        if not len(ids):
            return []
        contextual = index.vectors[ids] @ vector
        # Best single sentence or clause of each passage: one gather over the candidates' piece rows.
        piece_rows = [index.passage_pieces[p] for p in ids]
        sizes = np.array([len(r) for r in piece_rows])
        piece_scores = index.vectors[np.concatenate(piece_rows)] @ vector
        bare = np.maximum.reduceat(piece_scores, np.concatenate([[0], np.cumsum(sizes)[:-1]]))
        dense = s.weight_context * contextual + (1 - s.weight_context) * bare
        lexical_raw = np.array([candidates.lexical.get(int(p), 0.0) for p in ids])
        # Scale by the best match, but never inflate weak matches: a best BM25 score below
        # lexical_full_score means no passage shares much with the question at all.
        # The scale is the best match among the asked-about documents: other documents added to the
        # corpus must not shrink the lexical evidence of the ones the question is about.
        allowed = set().union(*query.targets) if query.targets else None
        inside = [
            lexical_raw[i]
            for i, p in enumerate(ids.tolist())
            if allowed is None or index.passages[p].doc.source_id in allowed
        ]
        scale = max(max(inside, default=0.0), s.lexical_full_score)
        lexical = np.minimum(lexical_raw / scale, 1.0)
        heading_sim, heading_lift = self._headings(ids, vector)
        prior = self._window_prior(ids, candidates, allowed)
        passages = [index.passages[p] for p in ids.tolist()]
        cue = self._cues(query, passages) + self._figure_fit(query, passages)
        cue += self._continuation(query, passages) + self._repeated(query, passages)
        strength = dense + s.weight_lexical * lexical + s.weight_heading * heading_lift
        score = strength + s.weight_chunk_prior * prior + cue
        scored = [
            ScoredPassage(
                index.passages[p],
                float(dense[i]),
                float(lexical[i]),
                float(prior[i]),
                float(cue[i]),
                float(heading_lift[i]),
                float(heading_sim[i]),
                float(lexical_raw[i]),
                float(score[i]),
                float(strength[i]),
            )
            for i, p in enumerate(ids.tolist())
        ]
        scored.sort(key=lambda item: -item.score)
        return scored

    def _window_prior(self, ids: np.ndarray, candidates: Candidates, allowed: set[str] | None) -> np.ndarray:
        """1/rank of each passage's window (a run of neighbouring passages of one section) among windows
        ordered by their best fused retrieval rank: retrieval's verdict on *where* the answer is,
        shared by the neighbours of a strong match. When the question names its documents, windows
        rank among theirs only: pages about other things must not push the answer's place down."""
        window_of = self.index.passage_window
        passages = self.index.passages
        window_rank: dict[int, int] = {}
        for passage in sorted(candidates.fused_rank, key=lambda p: candidates.fused_rank[p]):
            if allowed is not None and passages[passage].doc.source_id not in allowed:
                continue
            window_rank.setdefault(window_of[passage], len(window_rank) + 1)
        prior = np.zeros(len(ids))
        for i, p in enumerate(ids.tolist()):
            rank = window_rank.get(window_of[p])
            if rank is not None and rank <= self.settings.prior_depth:
                prior[i] = 1.0 / rank
        return prior

    def _headings(self, ids: np.ndarray, vector: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each candidate's heading cosine, and its lift over its document's median heading cosine."""
        index = self.index
        rows = index.passage_heading[ids]
        similarity = np.where(rows >= 0, index.vectors[np.maximum(rows, 0)] @ vector, 0.0)
        sources = [index.passages[p].doc.source_id for p in ids.tolist()]
        docs = list(dict.fromkeys(sources))
        # Every heading of these documents in one product; each document's median over its own (a
        # handful of values each: Python's median of a short list costs less than numpy's call).
        heading_rows = [index.doc_heading_rows[d] for d in docs]
        cosines = (index.vectors[np.concatenate(heading_rows)] @ vector).tolist() if docs else []
        median: dict[str, float] = {}
        at = 0
        for doc, doc_rows in zip(docs, heading_rows, strict=True):
            values = cosines[at : at + len(doc_rows)]
            median[doc] = statistics.median(values) if values else 0.0
            at += len(doc_rows)
        baseline = np.array([median[source] for source in sources])
        lift = np.where(rows >= 0, np.maximum(0.0, similarity - baseline), 0.0)
        return similarity, lift

    def _figure_fit(self, query: UnderstoodQuery, passages: list[EvidencePassage]) -> np.ndarray:
        """For a figure question: minus ``subgroup_penalty`` for a figure given of a group the question does not name
        ("In patients with tumour rupture, 5-year RFS was 31.9%" asked "5-year RFS by duration": the figure of everyone
        answers), and minus ``aims_penalty`` for a study's statement of its aims ("We assessed how the duration of X
        relates to RFS"), which restates such a question in its words and gives no figure."""
        out = np.zeros(len(passages))
        if not asks_for_figure(query.question):
            return out
        # (The subject's own name is no group: "patients with X" of a page on X names everyone it speaks of.)
        names = self.vocab.subject_stems(query.topics)
        asked = stems(query.text) - names
        for i, ev in enumerate(passages):
            opening = _SUBGROUP_OPENING_RE.match(ev.text)
            if opening and not (stems(opening.group("group")) - names) & asked:
                out[i] -= self.settings.subgroup_penalty
            elif _AIMS_RE.match(ev.text) and not holds_asked_answer(query.question, ev.text):
                out[i] -= self.settings.aims_penalty
        return out

    def _continuation(self, query: UnderstoodQuery, passages: list[EvidencePassage]) -> np.ndarray:
        """For a follow-up asking what comes after the last answer ("how long after that is the surgery?"): minus
        the bonus for a passage that answer quoted whole, plus it for the sentence that follows one on its page, in
        the same section. A page tells a course in order; what it says next is what happens next."""
        out = np.zeros(len(passages))
        if not query.said_before:
            return out
        said = _quoted_whole(query.said_before, passages)
        out[said] -= self.settings.continuation_bonus
        following = {(passages[i].doc.source_id, passages[i].passage.sentence_ids[-1] + 1) for i in said}
        for i, ev in enumerate(passages):
            first = ev.passage.sentence_ids[0]
            sentences = ev.doc.sentences
            if (ev.doc.source_id, first) in following and sentences[first].section == sentences[first - 1].section:
                out[i] += self.settings.continuation_bonus
        return out

    def _repeated(self, query: UnderstoodQuery, passages: list[EvidencePassage]) -> np.ndarray:
        """For any other follow-up that carries the last question's words and asks a new thing of them: minus
        ``repeat_penalty`` for a passage the last answer quoted whole (the carried words pull it up again, and the
        reader has just read it)."""
        out = np.zeros(len(passages))
        if query.last_answer and not query.said_before:
            out[_quoted_whole(query.last_answer, passages)] -= self.settings.repeat_penalty
        return out

    def _cues(self, query: UnderstoodQuery, passages: list[EvidencePassage]) -> np.ndarray:
        s = self.settings
        # A nurse's keywords ask in shorthand ("X tx", "X dx"): the kind of answer is read from what it stands for.
        spelled = query.question
        if is_keyword_question(query.question, s.keyword_question_max_words):
            spelled = " ".join([query.question, *LEXICON.expansions(query.question)])
        cues = [cue.holds for cue in QUESTION_CUES if cue.asks.search(spelled)]
        # "What does XYZ stand for?": the sentence that spells the acronym out answers it.
        # (A substring test first: hundreds of acronyms must not each compile a pattern per question.)
        lowered = query.question.lower()
        asked = [a for a in self.vocab.acronyms if a in lowered and re.search(rf"\b{re.escape(a)}\b", lowered)]
        asks_definition = (
            bool(DEFINITION_RE.search(query.question)) and self._asks_only_what_it_is(query, asked)
        ) or asks_overview(query.question)
        # "What does XYZ stand for?" (not "XYZ definition", which asks what the condition is).
        asks_spelled_out = asks_definition and not (DEFINES_CONDITION_RE.search(query.question) and query.topics)
        # "What is X?" / "X definition": a sentence saying what the condition *is* answers it.
        names = {topic_name(topic) for topic in query.topics}
        defines = [definition_pattern(n) for n in names] if asks_definition else []
        # "Role of surgery in X": a sentence about surgery says it first ("Surgery is often a first step ..."), not in
        # passing ("before you decide on surgery, a radiologist may ...").
        if role := _ROLE_OF_RE.search(query.question):
            defines.append(re.compile(rf"^\W*(the )?{re.escape(role.group('thing'))}\b", re.I))
        explains = self.explanation(query.question)
        # What happened to one patient answers a question about that case; asked of the condition in
        # general ("symptoms of X"), it is an anecdote, not the answer.
        # A nurse's keywords about one named case report ("Quenby 2021 tx") ask about its case as well.
        keywords_of_a_report = (
            query.names_one_document
            and self.vocab.all_case_reports(query.targets)
            and is_keyword_question(query.question, s.keyword_question_max_words)
            and not asks_for_figure(query.question)
            and not ASKS_ADVICE_RE.search(query.question)  # "Quenby conclusion": the authors', not the case's
        )
        about_case = asks_about_case(query.question) or keywords_of_a_report
        case_weight = (
            s.case_narrative_bonus if about_case else 0.0 if query.names_one_document else -s.case_narrative_bonus
        )
        # "What did X et al. conclude / recommend?" of a report: its authors' advice answers, as its story
        # answers a question about its case.
        asks_advice = query.names_one_document and bool(ASKS_ADVICE_RE.search(query.question))
        negated = self._negated(query.question)
        # A state the question gives its subject ("X with round cells", "now that it has spread") is not answered
        # by what the page says of its absence ("few or no round cells"). (Not asked yes or no: "Has it spread?"
        # is answered by "it has not spread".)
        states = None if negated or asks_yes_or_no(query.question) else self._states(query)
        # "group E", "stage IV", "type II": a label with its value is answered by text giving that value, not a
        # neighbouring one ("Group C: ..."), which the words alone cannot tell apart.
        labels = labels_asked(query.question)
        out = np.zeros(len(passages))
        for i, ev in enumerate(passages):
            if case_weight and self._tells_case(ev):
                out[i] += case_weight
            elif about_case and (self._advises(ev) or self._reviews_literature(ev)):
                # What the authors advise in general, or found of earlier cases, is not their case.
                out[i] -= s.case_narrative_bonus
            elif asks_advice and (self._advises(ev) or _concludes(ev)):
                out[i] += s.case_narrative_bonus
            if negated:
                out[i] += s.polarity_bonus * self._polarity(negated, ev.text)
            elif states and self._denies_only(states, ev.text):
                out[i] -= s.polarity_bonus
            for word, value in labels:
                mentions = label_mentions(word, ev.text)
                given = {v for values in mentions for v in values}
                # (Text giving every value, a table of all the stages, holds the answer among the others: no lift. One
                # mention of a few values together, "Stage III and IVA: ...", speaks of the asked one.)
                if given == {value} or (value in given and len(mentions) == 1):
                    out[i] += s.cue_bonus
                elif given and value not in given:
                    out[i] -= s.cue_bonus
            cue = s.cue_bonus * sum(self._holds(c, ev) for c in cues) / max(len(cues), 1)
            if asked and asks_spelled_out and any(f"({a.upper()})" in ev.text for a in asked):
                cue += s.definition_bonus
            if any(d.search(ev.text) for d in defines) or (explains is not None and explains.search(ev.text)):
                cue += s.definition_bonus
            out[i] += cue
        return out

    def _asks_only_what_it_is(self, query: UnderstoodQuery, acronyms: list[str]) -> bool:
        """Whether a "what is / what are" question asks nothing of its subject but what it is ("What is X?",
        "What does X stand for?"); not "What are the symptoms of X?", which only opens the same way."""
        # (The lexical focus: the question as understood, spelling corrected, without its subject's names and
        # without the lexicon's additions in parentheses.)
        asked = content_words(re.sub(r"\([^)]*\)", " ", query.focus))
        names = self.vocab.subject_stems(query.topics)
        return all(w in DEFINITION_FRAME_WORDS or w in acronyms or stems(w) <= names for w in asked)

    def explanation(self, question: str) -> re.Pattern[str] | None:
        """For "What does <term> mean?" of a word that is no condition, document or acronym: the shape of
        the page's own explanation of it ("metastatic, meaning it has spread"). What a *condition* is
        comes from its definition instead (``defines`` in :meth:`_cues`)."""
        term = defined_term(question)
        vocab = self.vocab
        if term is None or term in vocab.topic_aliases or term in vocab.document_aliases:
            return None
        return None if term in vocab.acronyms else gloss_pattern(term)  # acronyms are kept in lower case

    @staticmethod
    def _negated(question: str) -> frozenset[str]:
        """What the question negates, with the lexicon's words for it ("hasn't spread": metastasis too)."""
        negated = set(negated_stems(question))
        for phrase, expansion in LEXICON.matches(question):
            if stem_all(phrase.split()[:1])[0] in negated:
                negated |= stems(expansion)
        return frozenset(negated)

    def _states(self, query: UnderstoodQuery) -> tuple[frozenset[str], frozenset[str]] | None:
        """The states the question gives its subject, once per question: the word after "with", "has", "have" or
        "had" ("with round cells", "has spread"), not a subject's name nor a little word ("has she got"). As
        (their stems, their stems with the lexicon's other words for them), or None when it gives none."""
        names = self.vocab.subject_stems(query.topics)
        found = [m.group(1).lower() for rule in (_STATE_RE, _PRESUPPOSED_RE) for m in rule.finditer(query.question)]
        affirmed = [w for w in found if w not in STOPWORDS and stem_all([w])[0] not in names]
        if not affirmed:
            return None
        # (The lexicon's other words for a state count as saying it: "metastases" is said as "spread". A Greek
        # plural is looked up as its singular: "-ses" as "-sis".)
        forms = [*affirmed, *(re.sub(r"ses$", "sis", w) for w in affirmed)]
        other = [*LEXICON.expansions(" ".join(affirmed)), *(said for w in forms for said in LEXICON.said_as(w))]
        return frozenset(stem_all(affirmed)), frozenset(stems(" ".join([*affirmed, *other])))

    def _denies_only(self, states: tuple[frozenset[str], frozenset[str]], text: str) -> bool:
        """Whether a passage negates a state the question gives ("without metastases") and nowhere says it holds
        ("... falls to around 60 percent if the disease has spread" says it does, in the lexicon's word)."""
        related = self.settings.related_stem_min_chars
        affirmed, said_otherwise = states
        if not any_related(affirmed, negated_stems(text), related):
            return False
        return not any_related(said_otherwise, stems(_NEGATED_PHRASE_RE.sub(" ", text)), related)

    def _polarity(self, negated: frozenset[str], text: str) -> int:
        """+1 when a passage negates what the question negates, -1 when it only affirms it, else 0."""
        related = self.settings.related_stem_min_chars
        if any_related(negated, negated_stems(text), related):
            return 1
        return -1 if any_related(negated, stems(text), related) else 0

    def _holds(self, shape: re.Pattern[str], ev: EvidencePassage) -> bool:
        """Whether a passage holds an answer shape, remembered: the same passages come back question after
        question, and the shapes are a fixed table."""
        key = (shape.pattern, ev.index)
        found = self._shapes.get(key)
        if found is None:
            found = self._shapes[key] = bool(shape.search(ev.text))
        return found

    def _in_case_report(self, ev: EvidencePassage) -> bool:
        source_id = ev.doc.source_id
        return CASE_REPORT_KIND in self.index.infos[source_id].kind and source_id not in self.vocab.studies

    def _advises(self, ev: EvidencePassage) -> bool:
        """Whether a passage of a case report is its authors' advice ("follow-up is recommended")."""
        return self._in_case_report(ev) and bool(RECOMMENDATION_RE.search(ev.text))

    def _reviews_literature(self, ev: EvidencePassage) -> bool:
        """Whether a passage of a case report tells what earlier reports found ("16 previously reported")."""
        return self._in_case_report(ev) and bool(LITERATURE_RE.search(ev.text))

    def _tells_case(self, ev: EvidencePassage) -> bool:
        """Whether a passage of a case report tells what happened in its case."""
        if ev.index not in self._narrative:
            self._narrative[ev.index] = self._in_case_report(ev) and is_case_narrative(ev.text)
        return self._narrative[ev.index]
