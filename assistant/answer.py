"""Answer stage: choose the evidence that answers a question, or say why the documents do not.

The default answerer is extractive (no LLM exists on this machine). It is three parts:
:class:`~assistant.scoring.PassageScorer` scores the candidates retrieval found, the named rules of
:mod:`assistant.rules` decide whether to abstain, and :class:`~assistant.compose.Composer` writes
the cited answer. This module chooses between them:

* a question asked in the words of a section ("How is X treated?") is answered from that section,
  with the opening passage of each of its parts;
* a question about several documents or conditions gets the best passage of each, cited separately;
* any other question gets its best passage, and further ones only when they score nearly as well
  (a clinician's answer keeps a tighter margin: the fact, not the padding).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

import numpy as np

from assistant.answer_types import (
    AGE_GROUP_RES,
    AGE_WORD_RE,
    ALTERNATIVE_RE,
    ASKS_IF_TREATMENT_NEEDED_RE,
    ASKS_LITERATURE_RE,
    CASE_PERSON_RE,
    COMPARISON_WORD_RE,
    QUESTION_CUES,
    REPORTS_CASE_RE,
    TIME_POINT_RE,
    answer_kind_cues,
    asks_first_site,
    asks_for_figure,
    figure_gap,
    holds_an_asked_part,
    holds_asked_answer,
    is_case_narrative,
    is_figure_word,
    missing_number,
    opens_case_story,
    other_age_group,
    span_anchor_share,
    span_subject,
    speaks_of_case,
)
from assistant.compose import Composer, Draft
from assistant.index import CorpusIndex, EvidencePassage
from assistant.ingest import names_site, site_names
from assistant.query import (
    LEXICON,
    UnderstoodQuery,
    Vocabulary,
    asks_overview,
    is_keyword_question,
    names_a_document,
    topic_name,
)
from assistant.retrieve import Candidates
from assistant.rules import AbstentionRule, RuleInput, default_rules, is_specialist_word, term_coverage
from assistant.scoring import PassageScorer, ScoredPassage, definition_pattern, labels_asked, labels_given
from assistant.settings import Settings
from assistant.text import content_words, covered_stems, scope_age_group, stem_all, stems


@dataclass
class Evidence:
    """What the answerer found: passages in answer order, and why it would abstain (if it would)."""

    selected: list[ScoredPassage]
    ranked: list[ScoredPassage]  # candidates from the documents asked about, best first
    outside: list[ScoredPassage] = field(default_factory=list)  # candidates from other documents
    mode: str = "fact"  # "fact" | "section" | "several" | "parts" (a message's several questions, in its order)
    section: tuple[str, str] | None = None  # (source id, heading) a section answer comes from
    abstain_rule: str | None = None
    abstain_reason: str | None = None
    question: str = ""  # as asked (the composer quotes the clause that holds a narrow answer)
    # When the only fault is a missing figure ("X recurrence rate") and the passages speak of exactly
    # what was asked: they may be shown, after saying that the figure is not given.
    related: list[ScoredPassage] = field(default_factory=list)
    # What the documents lack, said before the related passages when it is not the figure itself ("The figures the
    # documents give are for adults only").
    related_lead: str = ""
    # Asked of every condition with none named ("Is it genetic?"): each part says which condition it is of,
    # even when only one condition's pages speak to it.
    names_conditions: bool = False
    # Parts of one page about two conditions, each under its condition's name (passage index -> name).
    part_labels: dict[int, str] = field(default_factory=dict)


class ExtractiveAnswerer:
    """Score, check and compose: the default, LLM-free answerer."""

    def __init__(self, index: CorpusIndex, vocab: Vocabulary, settings: Settings) -> None:
        self.index = index
        self.settings = settings
        self.scorer = PassageScorer(index, vocab, settings)
        self.rules: list[AbstentionRule] = default_rules(index, vocab, settings)
        self.composer = Composer(index, settings)
        self.vocab = vocab
        # Reports' authors, which a follow-up may carry and no heading asks about (see _asked_of_subject).
        self.author_stems = frozenset(stems(" ".join(vocab.document_aliases)))
        # A passage of a document about several conditions (a review of two) is about the ones it
        # names, when it names any ("For X, ..."); other passages are about what their document is about.
        self.passage_topics: dict[int, frozenset[str]] = {}
        for ev in index.passages:
            own = index.infos[ev.doc.source_id].topics
            if len(own) > 1:
                named = frozenset(vocab.topics_in(ev.text)) & frozenset(own)
                if named:
                    self.passage_topics[ev.index] = named
        # A page that gives each of its conditions a part with the same headings, each named with its part's
        # condition at ingest ("Adamantinoma: Symptoms", "Osteofibrous dysplasia: Symptoms"): each passage's
        # condition by the heading it sits under, when that names one. Only where headings name two or more
        # conditions (another name or acronym of one condition is the same one); a heading naming none ("Are they
        # related?") leaves its passages about the page as a whole.
        self.heading_topics: dict[int, frozenset[str]] = {}
        for source_id, rows in index.doc_passages.items():
            own_topics = frozenset(index.infos[source_id].topics)
            if len(own_topics) < 2:
                continue
            named_by = {
                h: self._conditions(frozenset(vocab.topics_in(h)) & own_topics)
                for h in index.documents[source_id].sections
            }
            one_each = {core for named in named_by.values() if len(core := named - self._acronyms_of(named)) == 1}
            if len(one_each) < 2:
                continue
            for row in rows:
                if named := named_by.get(index.passages[row].passage.section or "", frozenset()):
                    self.heading_topics[row] = named
        # What each heading asks about its subject, as stems (names taken out), once at load.
        self.heading_focus = {
            (doc.source_id, heading): frozenset(stem_all(content_words(vocab.without_names(heading)))) - ASKER_STEMS
            for doc in index.documents.values()
            for heading in doc.sections
        }
        # ... and what a heading's words mean in the lexicon's words ("Standard Therapies": treatment), so a
        # label heading is matched by what it is about, as a question heading is by its words.
        self.heading_words = {
            key: [
                (stem, frozenset(stem_all(content_words(" ".join(LEXICON.expansions(word))))))
                for word in content_words(vocab.without_names(key[1]))
                if (stem := stem_all([word])[0]) in focus
            ]
            for key, focus in self.heading_focus.items()
        }
        # Each document's passages saying whom it is written for ("This leaflet is for adults aged 18 and over"):
        # quoted when a figure it gives is refused for the other age group and nothing it says speaks of the asked one.
        self.scope_passages = {
            source_id: [row for row in rows if scope_age_group(index.passages[row].text)]
            for source_id, rows in index.doc_passages.items()
        }
        # Each document's headings with no text of their own, followed by another heading (corpus-only: once).
        self.empty_headings = {
            doc.source_id: [
                heading
                for heading, _ in zip(doc.sections, doc.sections[1:], strict=False)
                if not index.section_passages.get((doc.source_id, heading))
            ]
            for doc in index.documents.values()
        }

    def select(self, query: UnderstoodQuery, vector: np.ndarray, candidates: Candidates, audience: str) -> Evidence:
        """Choose the passages to quote, or say which rule abstains and why."""
        every = self.scorer.score(query, vector, candidates)
        allowed = set().union(*query.targets) if query.targets else None
        ranked = [r for r in every if allowed is None or r.evidence.doc.source_id in allowed]
        # A page about two conditions answers a question about one with its passages about that one (or about
        # both, or about neither in particular): "does he need chemo?" of X not with Y's symptoms.
        # (By the headings a passage sits under: what a passage names may be another name of the same condition.)
        if query.topics and not query.carried_topic:
            asked = self._conditions(query.topics)
            ranked = [r for r in ranked if not (under := self._heading_topics_of(r)) or under & asked]
        outside = [r for r in every if allowed is not None and r.evidence.doc.source_id not in allowed]
        evidence = Evidence([], ranked, outside, question=query.question)
        inputs = RuleInput(query, ranked, outside)
        for rule in self.rules:
            if not rule.after_selection and (reason := rule.check(inputs)):
                evidence.abstain_rule, evidence.abstain_reason = rule.name, reason
                return evidence
        evidence.selected, evidence.mode, evidence.section = self._choose(query, ranked, audience, vector)
        evidence.names_conditions = evidence.mode == "several" and self._asked_of_each(query)
        if evidence.mode == "several":
            evidence.part_labels = self._condition_labels(query, evidence.selected)
        inputs.selected = evidence.selected
        faults = [(rule.name, reason) for rule in self.rules if rule.after_selection and (reason := rule.check(inputs))]
        if faults:
            evidence.abstain_rule, evidence.abstain_reason = faults[0]
            # "What they do say" is shown when only the figure is missing, and not when the question names
            # a figure the documents do not give: a five-year rate beside "the 10-year survival?" misleads.
            shown = " ".join(r.evidence.text for r in evidence.selected)
            if (
                [name for name, _ in faults] == ["missing_figure"]
                and self._speaks_of_all_else(query, evidence.selected)
                and missing_number(query.question, shown) is None
            ):
                evidence.related = evidence.selected
            elif [name for name, _ in faults] == ["missing_figure"] and (
                groups := other_age_group(query.question, shown, self.vocab.age_group_of(_documents(evidence.selected)))
            ):
                # A figure for the other age group only: what the pages asked about say of the asked group (whom they
                # leave out, or where they send them) is shown instead of their figures.
                said_of, asked_of = groups
                documents = _documents(evidence.selected)
                evidence.related = [
                    r
                    for r in ranked
                    if r.evidence.doc.source_id in documents
                    and AGE_GROUP_RES[asked_of].search(r.evidence.text)
                    and self._speaks_of_the_asked(query, r.evidence.text)
                ][:1]
                if not evidence.related:
                    # ... or, when nothing they say speaks of it, what they say of whom they are written for.
                    rows = [row for source_id in sorted(documents) for row in self.scope_passages.get(source_id, [])]
                    evidence.related = [_unscored(self.index.passages[row]) for row in rows[:1]]
                evidence.related_lead = (
                    f"The figures the documents give are for {said_of} only, and I won't guess. Here is what they say:"
                )
            evidence.selected = []
        return evidence

    def _speaks_of_the_asked(self, query: UnderstoodQuery, text: str) -> bool:
        """Whether ``text`` says one of the question's own words, past its subject's names, its figure's shape and its
        ages: "adults are treated differently" speaks of "treated the same as in children?", "most often found in
        older adults" of no "imatinib dose for a 9 year old"."""
        names = self.vocab.subject_stems(query.topics)
        own = [t for t in query.terms if not is_figure_word(t) and not AGE_WORD_RE.fullmatch(t)]
        return bool((stems(" ".join(own)) - names) & stems(text))

    def _speaks_of_all_else(self, query: UnderstoodQuery, selected: list[ScoredPassage]) -> bool:
        """Whether the passages hold every word of the question but those asking for the figure: "X
        recurrence rate" against passages on X recurrence, not "phone number to book" against any text."""
        rest = [term for term in query.terms if not is_figure_word(term)]
        names = self.vocab.subject_stems(query.topics)
        if not selected or not any(stems(term) - names for term in rest):
            return False  # nothing asked but the figure, of a subject named
        texts = [r.evidence.embed_text for r in selected]
        return term_coverage(replace(query, terms=rest), texts, self.vocab) == 1.0

    def compose(self, evidence: Evidence, audience: str) -> Draft:
        """The cited answer text for the chosen evidence."""
        return self.composer.compose(
            evidence.selected,
            audience,
            as_list=evidence.mode == "section",
            question=evidence.question,
            keep_order=evidence.mode == "parts",
            name_conditions=evidence.names_conditions,
            part_labels=evidence.part_labels,
        )

    # -- choosing ----------------------------------------------------------------------------
    def _choose(
        self, query: UnderstoodQuery, ranked: list[ScoredPassage], audience: str, vector: np.ndarray
    ) -> tuple[list[ScoredPassage], str, tuple[str, str] | None]:
        ranked = self._asked_row_first(query, self._containing_first(ranked))
        if len(query.targets) > 1:
            return self._one_per_target(query, ranked, vector), "several", None
        section = self._asked_section(query, ranked)
        if section is not None:
            parts = self._section_parts(section, ranked, query)
            if len(parts) >= self.settings.section_answer_min_parts:
                return parts, "section", section
            brief = self._brief(query, audience)
            # ("What does benign mean?" wants the page's explanation of the word, wherever it stands.)
            explains = self.scorer.explanation(query.question) is not None
            whole = [] if brief or explains else self._whole_section(section, ranked)
            if whole:
                # A family's question that restates a short section's heading ("What are the side effects of
                # treatment?") is answered by that section, all of it, not by its single best sentence.
                return whole, "fact", section
            # Otherwise the section's best passages answer, as a fact, and only from that section: what else
            # scores nearly as well is padding beside what was asked (a symptom list beside "what tests?").
            inside = [r for r in ranked if (r.evidence.doc.source_id, r.evidence.passage.section or "") == section]
            # (Not for a word's meaning: the page's explanation of it may stand anywhere.)
            ranked = inside if inside and not explains else inside + [r for r in ranked if r not in inside]
        return self._best(query, ranked, audience), "fact", None

    def _brief(self, query: UnderstoodQuery, audience: str) -> bool:
        """Whether the answer is a lookup's: a nurse's, or a terse keyword-style question ("X 5-yr survival",
        "X etiology"), whoever asks, which wants the fact and not what stands around it."""
        return audience == "clinician" or is_keyword_question(query.question, self.settings.keyword_question_max_words)

    def _best(self, query: UnderstoodQuery, ranked: list[ScoredPassage], audience: str) -> list[ScoredPassage]:
        settings = self.settings
        chosen: list[ScoredPassage] = []
        terse = asks_for_figure(query.question)
        clinician_margin = settings.clinician_selection_margin
        limit = settings.answer_max_words
        words = 0
        top = ranked[0].score
        topics = self._topics(ranked[0])
        ranked = self._answer_first(query, ranked, topics)
        span_key = self._span_key(query)
        # A narrow question ("Who gets X?", "How old was she?") whose first passage holds such an answer (its
        # best, or one moved first for holding it) is answered by the passages that hold one: the rest is padding.
        narrow = bool(holds_asked_answer(query.question, ranked[0].evidence.text))
        ranked = self._with_continuation(ranked)
        # A terse, keyword-style question ("X 5-yr survival", "X etiology") is a lookup: it gets the
        # fact, as a nurse would, whoever asks.
        brief = self._brief(query, audience)
        names = self.vocab.subject_stems(query.topics)
        named_things = [t for t in query.terms if stems(t) - names and is_specialist_word(t, self.vocab, settings)]
        if reported := self._what_a_report_reports(query, ranked):
            # "What is the 2003 paper about?", "Summarize the X case": the report's own sentence saying what
            # it reports opens the overview, wherever it scores (a long sentence embeds far from a short
            # question), rather than its advice or a single finding.
            ranked = [reported, *(r for r in ranked if r is not reported)]
        # What the question's type asks for ("role of surgery": a treatment): in a lookup whose first passage
        # holds it, a passage holding none of it is padding ("X is a malignant soft tissue tumor").
        shapes = answer_kind_cues(query.question)
        explains = self.scorer.explanation(query.question)
        if explains is not None:
            # "What does benign mean?": the page's explanation of the word ("usually benign (not cancer)") comes
            # first when it scores nearly as well as a sentence that only uses it ("benign or malignant").
            floor = top - settings.answer_type_margin
            explaining = [r for r in ranked if r.score >= floor and explains.search(r.evidence.text)]
            ranked = explaining + [r for r in ranked if r not in explaining]
        for candidate in ranked:
            # A figure asked for, or an age, is answered by text holding one: the rest is padding. So is a span
            # counted from another event than the first passage's ("how many years after the surgery": not the
            # review's "5 or more years after treatment" beside the case's "7 years after resection").
            if (
                chosen
                and (narrow or terse)
                and (
                    # (Of a question asking several figures, one clause's: "how long ..., will he stay in hospital")
                    not holds_an_asked_part(query.question, candidate.evidence.text)
                    or span_key(candidate) < span_key(chosen[0])
                )
            ):
                continue
            if len(chosen) >= settings.answer_max_sentences:
                break
            if chosen and candidate.score < top - settings.selection_margin:
                break
            # A question that names no condition is answered about the best passage's condition; another
            # condition's page joins only when it answers about as well (adding pages about other
            # conditions must not creep into an answer).
            if (
                chosen
                and not self._shares_topic(candidate, topics)
                and candidate.score < top - settings.other_topic_margin
            ):
                continue
            # A nurse gets the fact (a figure asked for: that alone) and what stands beside it, not
            # nearly-as-good text from elsewhere.
            if (
                chosen
                and brief
                and (terse or (not self._related(candidate, chosen) and candidate.score < top - clinician_margin))
            ):
                continue
            if (
                chosen
                and brief
                and any(shape.search(chosen[0].evidence.text) for shape in shapes)
                and not any(shape.search(candidate.evidence.text) for shape in shapes)
                and not self._related(candidate, chosen)  # (what stands beside the answer explains it)
            ):
                continue
            # A question about a named thing ("What is <drug>?") gets more text only about that thing, or
            # beside what was chosen: not a sentence that merely shares the subject.
            if (
                chosen
                and named_things
                and not self._related(candidate, chosen)
                and term_coverage(replace(query, terms=named_things), [candidate.evidence.text], self.vocab) == 0
            ):
                continue
            # "What does <term> mean?" answered by a page's explanation of it: more text only if it explains
            # the term too, or stands beside the explanation.
            if (
                chosen
                and explains is not None
                and explains.search(chosen[0].evidence.text)
                and not explains.search(candidate.evidence.text)
                and not self._related(candidate, chosen)
            ):
                continue
            size = len(candidate.evidence.text.split())
            if chosen and words + size > limit:
                continue
            if any(
                _overlaps(candidate.evidence, c.evidence) or _repeats(candidate.evidence, c.evidence) for c in chosen
            ):
                continue
            chosen.append(candidate)
            words += size
        if chosen and (narrow or terse):
            chosen += self._next_also_holding(query, chosen, ranked, limit - words)
        return chosen

    def _next_also_holding(
        self, query: UnderstoodQuery, chosen: list[ScoredPassage], ranked: list[ScoredPassage], room: int
    ) -> list[ScoredPassage]:
        """The sentence straight after the answer, in its paragraph, when it gives another value of what was asked
        ("The usual dose for adults is 400mg once a day." / "Some people take 800mg a day."): the page's own
        alternative to the figure, however it scores alone. (Not any next sentence with a figure: "Our patient was
        well 42 months after ..." after a review's longest interval is padding.)"""
        last = chosen[-1].evidence
        following = (last.doc.source_id, last.passage.sentence_ids[-1] + 1)
        for candidate in ranked:
            ev = candidate.evidence
            if (
                (ev.doc.source_id, ev.passage.sentence_ids[0]) == following
                and len(ev.passage.sentence_ids) == 1
                and _paragraph(ev) == _paragraph(last)
                and ALTERNATIVE_RE.match(ev.text)
                and holds_asked_answer(query.question, ev.text)
                and figure_gap(query.question, ev.text) is None
                and len(ev.text.split()) <= room
                and not any(_overlaps(ev, c.evidence) for c in chosen)
            ):
                return [candidate]
        return []

    def _what_a_report_reports(self, query: UnderstoodQuery, ranked: list[ScoredPassage]) -> ScoredPassage | None:
        """For an overview asked of one named case report, its best passage saying what it reports, or, when none
        says it ("we report ..."), the opening of its case's story: who came with what ("A 31-year-old woman
        presented with ..."), which any other of its findings would leave untold."""
        if not (
            query.names_one_document
            and asks_overview(query.question)
            and self.vocab.all_case_reports(query.targets, studies=True)
        ):
            return None
        named = set().union(*query.targets)
        own = [r for r in ranked if r.evidence.doc.source_id in named]
        reports = next((r for r in own if REPORTS_CASE_RE.search(r.evidence.text)), None)
        story = [r for r in own if opens_case_story(r.evidence.text)]
        return reports or min(story, key=lambda r: r.evidence.passage.start, default=None)

    def _answer_first(
        self, query: UnderstoodQuery, ranked: list[ScoredPassage], topics: frozenset[str]
    ) -> list[ScoredPassage]:
        """For a question that asks for a narrow answer (a required figure or an age), put first the
        nearly-as-good passages that hold one when the best does not: "How many cases had been
        reported?" is answered by the sentence with the count, not by the closer one without it.
        Only passages about the best passage's condition qualify; the rest keep their order."""
        question = query.question
        named = {sid for group in query.targets if len(group) == 1 for sid in group}
        # (A report: a patient page that is its condition's only page tells no case, and "he" there is the asker's.)
        top_document = frozenset({ranked[0].evidence.doc.source_id})
        # ... or a time in a report's story the question asks about ("two years after the operation"): the report
        # tells when, and its passage giving that time answers, however it scores.
        in_named = (ranked[0].evidence.doc.source_id in named or bool(TIME_POINT_RE.search(question))) and (
            self.vocab.all_case_reports([top_document], studies=True)
        )
        top_holds = holds_asked_answer(question, ranked[0].evidence.text)
        # "Fairweather: patient age": the best passage's "before the age of 20" is the background's, not the
        # case's; in a named report a question about its case goes on to look for the case's own answer.
        # A nurse's keywords about a named report ("Brennecke 2014: time to metastasis") ask about its case too.
        of_case = speaks_of_case(question) or is_keyword_question(question, self.settings.keyword_question_max_words)
        background = in_named and of_case and not is_case_narrative(ranked[0].evidence.text)

        span_key = self._span_key(query)
        top_share = span_anchor_share(question, ranked[0].evidence.text)
        # (The best passage answers when it counts from the asked event and says all the question names first.)
        counts_from_asked = top_share is None or span_key(ranked[0]) == (len(self._span_subject(query)), 1.0)
        if in_named and asks_first_site(question):
            # "In the X report, where was the first tumour?": a report tells its patient's story in order, so the
            # first passage of it that names a place holds where the disease began (later ones, where it spread).
            document = ranked[0].evidence.doc.source_id
            places = answer_kind_cues(question)
            story = [
                r
                for r in ranked
                if r.evidence.doc.source_id == document
                and CASE_PERSON_RE.search(r.evidence.text)
                and any(place.search(r.evidence.text) for place in places)
            ]
            if story:
                first = min(story, key=lambda r: r.evidence.passage.start)
                return [first, *(r for r in ranked if r is not first)]
        if top_holds is None or (top_holds and not background and counts_from_asked):
            return ranked
        floor = ranked[0].score - self.settings.answer_type_margin
        # A question that names its document ("the 2003 report: which levels?") has said where the answer
        # is: there, the passage holding an answer of the asked shape answers it, however it scores.
        if in_named:
            document = ranked[0].evidence.doc.source_id
            holding = [
                r
                for r in ranked
                if r.evidence.doc.source_id == document and holds_asked_answer(question, r.evidence.text)
            ]
            # "How many years later did it come back in the X case?": of two passages with a number of years, the
            # case's own story answers, not the review of earlier cases beside it (unless that review is what is
            # asked about: "the median interval in the review"); then the one counting from the asked event.
            story_first = of_case and not ASKS_LITERATURE_RE.search(question)
            holding.sort(
                key=lambda r: (story_first and not is_case_narrative(r.evidence.text), *(-v for v in span_key(r)))
            )
            return holding + [r for r in ranked if r not in holding]
        # (A nearly-as-good passage's own paragraph goes on about what it says: "Radiotherapy works well for X. It
        # is often given before surgery. The usual dose is 50 Gy ..." answers "X preop RT dose", however its
        # figure sentence alone scores.)
        paragraphs = {_paragraph(r.evidence) for r in ranked if r.score >= floor}
        holding = [
            r
            for r in ranked
            if (r.score >= floor or _paragraph(r.evidence) in paragraphs)
            and self._shares_topic(r, topics)
            and holds_asked_answer(question, r.evidence.text)
        ]
        holding.sort(key=span_key, reverse=True)
        return holding + [r for r in ranked if r not in holding]

    def _span_subject(self, query: UnderstoodQuery) -> frozenset[str]:
        """The stems of what a question counting a span names first, without its subject's names or a document kind."""
        return span_subject(query.question) - self.vocab.subject_stems(query.topics) - stems(" ".join(self.vocab.kinds))

    def _span_key(self, query: UnderstoodQuery) -> Callable[[ScoredPassage], tuple[int, float]]:
        """How well a passage answers a question counting a span from an event, as a sort key (higher first).
        "How many years after the first tumour did it spread?": the best passage's "5 or more years after
        treatment" of a review counts from another event than the asked one; a passage counting from it answers.
        But of a thing the question names first ("KI blockade how long after the infusion"), a span of something
        else counted from that event ("blood counts ... 4 weeks after the infusion") does not: what the passage
        says of that thing counts first."""
        question, subject = query.question, self._span_subject(query)

        def key(r: ScoredPassage) -> tuple[int, float]:
            return len(subject & stems(r.evidence.text)), span_anchor_share(question, r.evidence.text) or 0.0

        return key

    def _with_continuation(self, ranked: list[ScoredPassage]) -> list[ScoredPassage]:
        """The best passage with the sentence that continues it ("X is a pill. It is used when ..."),
        when that longer passage scores nearly as well: it says the same and what follows of it."""
        if not ranked or ranked[0].evidence.table_row:  # (a table's row says all it says: the rest are other rows)
            return ranked
        best = ranked[0].evidence.passage
        floor = ranked[0].score - self.settings.clinician_selection_margin
        for candidate in ranked[1:]:
            if candidate.score < floor:
                break
            other = candidate.evidence.passage
            if other.source_id == best.source_id and other.start <= best.start and other.end > best.end:
                return [candidate] + [r for r in ranked if r is not candidate]
        return ranked

    def _heading_topics_of(self, scored: ScoredPassage) -> frozenset[str]:
        """The conditions a passage of a page about several is about, by the heading it sits under (empty when
        unknown); their acronyms' long forms included (see ``heading_topics``)."""
        return self.heading_topics.get(scored.evidence.index, frozenset())

    def _acronyms_of(self, topics: frozenset[str]) -> frozenset[str]:
        """Those of ``topics`` that are acronyms of another of them."""
        return frozenset(t for t in topics if self.vocab.acronyms.get(t) in topics)

    def _conditions(self, topics: Iterable[str]) -> frozenset[str]:
        """Topics with what their acronyms stand for, when that is a topic too (a manifest may list both)."""
        out = set(topics)
        out |= {long for t in out if (long := self.vocab.acronyms.get(t)) and long in self.vocab.topics}
        return frozenset(out)

    def _topics(self, scored: ScoredPassage) -> frozenset[str]:
        named = self.passage_topics.get(scored.evidence.index)
        return named if named is not None else frozenset(self.index.infos[scored.evidence.doc.source_id].topics)

    def _shares_topic(self, scored: ScoredPassage, topics: frozenset[str]) -> bool:
        """About one of ``topics`` (a review of two conditions is about each), or, for documents about
        no listed condition, from a document about none either."""
        own = self._topics(scored)
        return bool(own & topics) or own == topics

    def _related(self, candidate: ScoredPassage, chosen: list[ScoredPassage]) -> bool:
        """Whether a passage stands in the same window (neighbouring passages of a section) as a chosen one."""
        window = self.index.passage_window
        return any(window[candidate.evidence.index] == window[c.evidence.index] for c in chosen)

    def _containing_first(self, ranked: list[ScoredPassage]) -> list[ScoredPassage]:
        """Of a passage and one that holds it with its context ("On rare occasions, radiation alone is used
        ..." and the same sentence with "This is sometimes used in conjunction with surgery ..." after it),
        scoring alike, the one that says more goes first. Their order would otherwise be decided by noise
        (another document's word statistics), and the one ranked second could never join the answer,
        overlapping the first. Not a table's row: each row is a claim of its own, and the whole table beside the
        one row asked about is padding."""
        margin = self.settings.containing_tie_margin
        out = list(ranked)
        for i, shorter in enumerate(out):
            p = shorter.evidence.passage
            if shorter.evidence.table_row:
                continue
            for j in range(i + 1, len(out)):
                other = out[j]
                if other.score < shorter.score - margin:
                    break
                q = other.evidence.passage
                if _within(shorter.evidence, other.evidence) and q.end - q.start > p.end - p.start:
                    out[i], out[j] = other, shorter
                    break
        return out

    def _asked_row_first(self, query: UnderstoodQuery, ranked: list[ScoredPassage]) -> list[ScoredPassage]:
        """A table's row giving the very value the question names ("what percent are grade 2": "| Grade 2 |
        Atypical | About 15 to 20 in 100 |") goes before its whole table, however they score: the table beside
        the row asked about is padding (the table wins on what every row shares with the question), and takes its
        table's score."""
        labels = labels_asked(query.question)
        if not labels:
            return ranked
        out = list(ranked)
        for row in [r for r in ranked if r.evidence.table_row]:
            if not all(labels_given(word, row.evidence.text) == {value} for word, value in labels):
                continue
            table = next((r for r in out[: out.index(row)] if _within(row.evidence, r.evidence)), None)
            if table is not None:
                # (The row answers as well as its table does: it is the part of it asked about.)
                out.remove(row)
                out.insert(out.index(table), replace(row, score=table.score))
        return out

    def _one_per_target(
        self, query: UnderstoodQuery, ranked: list[ScoredPassage], vector: np.ndarray
    ) -> list[ScoredPassage]:
        """A question about two conditions or documents: for each, cited separately, what it would get
        alone when asked in a section's words (the opening parts of its section, within an equal share
        of the section budget), else its best passage not already quoted (two conditions of one review)."""
        chosen: list[ScoredPassage] = []
        share = self.settings.section_answer_max_words // len(query.targets)
        compared_only = self._compares_only(query)
        # "Is it more common in boys?" with no condition named is asked of each: a condition whose passages
        # never speak of what is asked gets no part (a named one is answered whatever it gets).
        asked_of_each = self._asked_of_each(query)
        strongest = max((r.strength for r in ranked), default=0.0)
        taken: dict[frozenset[str], int] = {}  # how many of the conditions sharing these documents had a part
        for docs in query.targets:
            own = [r for r in ranked if r.evidence.doc.source_id in docs]
            # Two conditions of one page ("how is it treated?" after a question about both): each gets the
            # passages about it (by the heading they sit under), not the other's.
            sharing = [t for t in query.topics if frozenset(self.vocab.topics.get(t, ())) == docs]
            turn = taken[docs] = taken.get(docs, -1) + 1
            about = sharing[turn] if len(sharing) > 1 and turn < len(sharing) else None
            if about is not None:
                own = [r for r in own if about in self._heading_topics_of(r)] or own
            if asked_of_each and own and not self._speaks_to_it(query, own[0], strongest):
                continue
            # "What is the difference between X and Y?", asking nothing else of them: what each one is.
            defining = [r for r in own if self._defines_its_topic(r)] if compared_only else []
            if defining:
                section, parts, budget = None, defining[:1], 0
            else:
                section = self._asked_section(query, own) or self._heading_asked_in(query, docs, vector)
                parts = self._section_parts(section, own, query) if section is not None else []
                if about is not None and own and about in self._heading_topics_of(own[0]):
                    parts = [p for p in parts if about in self._heading_topics_of(p)]
                budget = share
            if not parts:
                # The best passage alone; for a figure, an age or levels, the best one holding it.
                parts, budget = (self._answer_first(query, own, self._topics(own[0])) if own else own), 0
            words = 0
            for part in parts:
                size = len(part.evidence.text.split())
                if any(_overlaps(part.evidence, c.evidence) or _repeats(part.evidence, c.evidence) for c in chosen):
                    continue
                if words and words + size > budget:
                    break
                chosen.append(part)
                words += size
        return chosen

    def _condition_labels(self, query: UnderstoodQuery, selected: list[ScoredPassage]) -> dict[int, str]:
        """For parts of one page about different conditions asked about, each part's condition name."""
        labels: dict[int, str] = {}
        for source_id in dict.fromkeys(r.evidence.doc.source_id for r in selected):
            parts = [r for r in selected if r.evidence.doc.source_id == source_id]
            about = {r.evidence.index: self._heading_topics_of(r) & set(query.topics) for r in parts}
            if len({frozenset(t) for t in about.values() if len(t) == 1}) > 1:
                labels.update({i: _sentence_case(topic_name(min(t))) for i, t in about.items() if len(t) == 1})
        return labels

    def _asked_of_each(self, query: UnderstoodQuery) -> bool:
        """Whether a question names no condition and is asked of each one of a small collection."""
        return not query.topics and len(query.targets) > 1 and query.targets == self.vocab.every_condition()

    def _speaks_to_it(self, query: UnderstoodQuery, best: ScoredPassage, strongest: float) -> bool:
        """Whether one condition's best passage speaks to a question asked of every condition: it holds all
        of the question's words, or matches it nearly as well as the best condition's does."""
        if term_coverage(query, [best.evidence.embed_text], self.vocab) == 1.0:
            return True
        return best.strength >= strongest - self.settings.each_condition_margin

    def _compares_only(self, query: UnderstoodQuery) -> bool:
        """Whether a question about several subjects only asks how they differ or compare: its words are
        their names and words of comparison ("X vs Y", "the difference between X and Y")."""
        names = self.vocab.subject_stems(query.topics)
        words = [t for t in query.terms if stems(t) - names and not names_a_document(t, self.vocab)]
        return bool(words) and all(COMPARISON_WORD_RE.fullmatch(word) for word in words)

    def _defines_its_topic(self, scored: ScoredPassage) -> bool:
        """Whether a passage says what its condition is ("X is a rare tumor that ...")."""
        text = scored.evidence.text
        return any(definition_pattern(topic_name(topic)).search(text) for topic in self._topics(scored))

    def _asked_section(self, query: UnderstoodQuery, ranked: list[ScoredPassage]) -> tuple[str, str] | None:
        """The section whose heading the question restates ("How is X treated?" under "What are the
        treatments for X?"), if any: the heading is close to the question and holds every word the
        question asks about. A question that asks for a figure, or adds words of its own ("How does
        chemotherapy work?"), is a fact question; so is whether a treatment is a must ("do they have to
        operate?"), which the treatment's own section does not answer; so is what comes after the last answer
        ("what happens next?"), whose words the last question lends it."""
        if (
            not ranked
            or query.said_before
            or asks_for_figure(query.question)
            or ASKS_IF_TREATMENT_NEEDED_RE.search(query.question)
        ):
            return None
        asked = self._asked_of_subject(query)
        if not asked:
            return None
        min_chars = self.settings.related_stem_min_chars
        # The question and a heading ask the same of their subject, word family for word family ("How
        # is X treated?" / "What are the treatments for X?"); names are left out, which would
        # otherwise dominate both vectors. Among such headings, the one retrieval ranks best.
        # Each section once, in the rank order of its best passage (many candidates share a heading).
        keys = dict.fromkeys((r.evidence.doc.source_id, r.evidence.passage.section or "") for r in ranked)
        # ... and a heading with no text of its own ("Treatment", then "Chemotherapy", "Surgery", each a
        # heading set apart like it): its parts are the headings after it, which no candidate names.
        for source_id in dict.fromkeys(source_id for source_id, _ in keys):
            keys.update(dict.fromkeys((source_id, h) for h in self.empty_headings.get(source_id, [])))
        # A heading in the question's very words first ("Treatment"), then a label with a qualifier ("Standard
        # Therapies"): a subsection's "Radiation therapy" must not stand for the whole treatment section.
        for extra_words in dict.fromkeys((0, self.settings.heading_extra_words_max)):
            for key in keys:
                if self._heading_restates(asked, key, min_chars, extra_words):
                    return key
        best = max(ranked, key=lambda r: r.heading_similarity)
        section = best.evidence.passage.section
        if best.heading_similarity < self.settings.section_answer_min_similarity or not section:
            return None
        if covered_stems(asked, stems(section), min_chars) != asked:
            return None
        return (best.evidence.doc.source_id, section)

    def _heading_restates(self, asked: set[str], key: tuple[str, str], min_chars: int, extra_words: int) -> bool:
        """Whether a heading asks what the question asks: every asked word family is in the heading (or what
        its words mean), and the heading adds at most ``extra_words`` words of its own (a label's qualifier:
        "Signs & Symptoms", "Standard Therapies"; not "Treatment side effects")."""
        words = self.heading_words.get(key, [])
        meaning = {stem for stem, _ in words}.union(*(means for _, means in words))
        if not words or covered_stems(asked, meaning, min_chars) != asked:
            return False
        extra = {stem for stem, means in words if not covered_stems({stem, *means}, asked, min_chars)}
        return not extra or (len(words) > len(extra) and len(extra) <= extra_words)

    def _asked_of_subject(self, query: UnderstoodQuery) -> set[str]:
        """The stems of what the question asks of its subject, as a heading would put it."""
        # Who asks and for whom ("our child", "something") is not what a heading asks of its subject; nor is
        # the author of a report a follow-up carried ("how is it treated?" after a quote from one).
        asked = set(stem_all(content_words(query.focus))) - stems(" ".join(query.topics)) - ASKER_STEMS
        asked -= self.author_stems
        # ... nor what the message told before it asked ("my teenager has X in his leg, how is it treated?").
        if query.told:
            asking = query.question.removeprefix(query.told)
            told = stems(" ".join([query.told, *LEXICON.expansions(query.told)]))
            asked -= told - stems(" ".join([asking, *LEXICON.expansions(asking)]))
        # A lay word or shorthand the lexicon expanded ("etiology" -> "causes") is asked in its expansion's words.
        for word in content_words(query.question):
            if word in LEXICON:
                asked -= set(stem_all([word])) - stems(LEXICON.terms.get(word, ""))
        # ... and a lay phrase ("How do doctors know ...?") in its expansion's first word, what it means first
        # of all ("diagnose"): the phrase's own words and the expansion's other words are no heading's.
        phrasings = stems(" ".join(LEXICON.equivalents(query.question)))  # the focus's other ways to say them
        for phrase, expansion in LEXICON.matches(query.question):
            if " " in phrase.strip():
                first = set(stem_all(expansion.split()[:1]))
                asked = (asked - stems(phrase) - stems(expansion) - phrasings) | first
        return asked

    def _heading_asked_in(
        self, query: UnderstoodQuery, documents: frozenset[str], vector: np.ndarray
    ) -> tuple[str, str] | None:
        """Of the headings of a few named documents, the closest one holding all the question asks ("how is it
        treated?" about two conditions: each one's treatment section). A question about several subjects
        matches each one's headings weakly, so retrieval may not have brought their sections in."""
        asked = self._asked_of_subject(query)
        if not asked or asks_for_figure(query.question):
            return None
        min_chars = self.settings.related_stem_min_chars
        index = self.index
        # Only these documents' sections (not every heading of the corpus), in page order across them.
        keys = sorted(
            (
                key
                for key in ((sid, heading) for sid in documents for heading in index.documents[sid].sections)
                if index.section_passages.get(key)
                and covered_stems(asked, self.heading_focus.get(key, frozenset()), min_chars) == asked
            ),
            key=index.heading_row.__getitem__,
        )
        if not keys:
            return None
        return max(keys, key=lambda key: float(index.vectors[index.heading_row[key]] @ vector))

    def _section_parts(
        self, section: tuple[str, str], ranked: list[ScoredPassage], query: UnderstoodQuery
    ) -> list[ScoredPassage]:
        """The opening passage of each part of a section (a part starts after a lost or sub-heading),
        in page order, within the answer's word budget."""
        index = self.index
        doc = index.documents[section[0]]
        members = index.section_passages.get(section, [])
        by_index = {r.evidence.index: r for r in ranked}
        openings: list[EvidencePassage] = []
        previous: EvidencePassage | None = None
        parts = self._subsection_passages(section) if members else self._parts_after_empty_heading(section, query)
        kinds = answer_kind_cues(query.question)
        names_the_kind = bool(kinds) and all(any(k.search(w) for k in kinds) for w in content_words(section[1]))
        if members and not parts and names_the_kind and len({index.passages[m].block for m in members}) == 1:
            # A heading naming the kind of answer asked for ("Treatment"), over one introductory paragraph ("Every
            # child gets chemotherapy. ..."), then its parts under headings a flat capture sets at its own level
            # ("Chemotherapy", "Surgery"): the parts that open with what the question asks for, as after a heading
            # with no text of its own. (Not a heading naming one of them: "Mohs surgery" is a part, not the whole.)
            parts = self._parts_after_empty_heading(section, query)
        for passage_index in sorted(members + parts):
            ev = index.passages[passage_index]
            block = doc.blocks[ev.block]
            # A part starts at the section's first passage, after a lost heading (a gap), or under a sub-heading.
            starts_part = (
                previous is None or block.after_gap or block.labelled or ev.passage.section != previous.passage.section
            )
            same_block = previous is not None and block.id == previous.block
            if same_block and ev.passage.kind != "item":
                starts_part = False  # a paragraph is one part; each item of a list with no lead is one
            if starts_part and not any(_overlaps(ev, o) for o in openings):
                openings.append(ev)
            previous = ev
        openings.sort(key=lambda ev: ev.passage.start)
        chosen: list[ScoredPassage] = []
        words = 0
        for ev in openings:
            size = len(ev.text.split())
            if chosen and words + size > self.settings.section_answer_max_words:
                break
            chosen.append(by_index.get(ev.index) or _unscored(ev))
            words += size
        return chosen

    def _whole_section(self, section: tuple[str, str], ranked: list[ScoredPassage]) -> list[ScoredPassage]:
        """A short section's passages in page order, none overlapping another; empty when the section's
        text does not fit the answer's word budget (a long section is answered by its best passages)."""
        members = [self.index.passages[i] for i in sorted(self.index.section_passages.get(section, []))]
        by_index = {r.evidence.index: r for r in ranked}
        chosen: list[EvidencePassage] = []
        for ev in sorted(members, key=lambda ev: (ev.passage.start, -ev.passage.end)):
            if not any(_overlaps(ev, c) for c in chosen):
                chosen.append(ev)
        if sum(len(ev.text.split()) for ev in chosen) > self.settings.answer_max_words:
            return []
        return [by_index.get(ev.index) or _unscored(ev) for ev in chosen]

    def _parts_after_empty_heading(self, section: tuple[str, str], query: UnderstoodQuery) -> list[int]:
        """The passages under the headings that follow a heading with no text of its own, while each part
        opens with what the question asks for ("How is X treated?": "Chemotherapy is ...", "Most children
        have surgery to remove ...", up to "Outlook"). The page's layout does not say where the empty
        heading's parts end; what they say does."""
        source_id, heading = section
        doc = self.index.documents[source_id]
        if heading not in doc.sections:
            return []
        cues = [cue.holds for cue in QUESTION_CUES if cue.asks.search(query.question)]
        out: list[int] = []
        for sub in doc.sections[doc.sections.index(heading) + 1 :]:
            members = sorted(self.index.section_passages.get((source_id, sub), []))
            opening = f"{sub} {self.index.passages[members[0]].text}" if members else ""
            if not members or not any(cue.search(opening) for cue in cues):
                break
            out += members
        return out

    def _subsection_passages(self, section: tuple[str, str]) -> list[int]:
        """Passages under the headings that follow a question-shaped heading, up to the next one; or under
        the sub-headings the page's layout sets under another heading."""
        source_id, heading = section
        doc = self.index.documents[source_id]
        if not heading.endswith("?"):
            subs = doc.subsections.get(heading, [])
            return [i for sub in subs for i in self.index.section_passages.get((source_id, sub), [])]
        out: list[int] = []
        following = doc.sections[doc.sections.index(heading) + 1 :] if heading in doc.sections else []
        site = site_names(self.index.infos[source_id].publisher)
        for sub in following:
            if sub.endswith("?") or names_site(sub, site):
                break  # the next question, or the site's own block ("Care at <site>"), is not a part
            out += self.index.section_passages.get((source_id, sub), [])
        return out


# Words for the person asked about or for an unnamed thing: a family's question has them, a heading does not;
# and words that only frame what is asked ("what treatment options are there" asks for the treatments).
ASKER_STEMS = frozenset(
    stem_all(
        [
            *("child", "children", "kid", "kids", "son", "daughter", "baby", "teen", "teenager", "something"),
            *("toddler", "toddlers", "infant", "infants", "babies", "boy", "girl", "teens", "teenagers"),
            *("anything", "option", "options", "choice", "choices", "type", "types", "kind", "kinds", "available"),
            # ... and words that only judge what is asked for ("the best treatment" asks for the treatments)
            *("best", "better", "good", "ideal", "usual", "standard", "main"),
            # ... and verbs of having what is asked for ("what tests will she need?" asks for the tests)
            *("need", "needs", "needed", "get", "gets", "have", "has", "undergo"),
            # ... and the occasion of asking ("what should I ask at my appointment?" asks what to ask)
            *("appointment", "appointments", "visit", "consultation"),
        ]
    )
)


def _sentence_case(name: str) -> str:
    """A name as a label opens ("Non-Hodgkin lymphoma" stays so; "osteofibrous dysplasia" gets its capital)."""
    return name[:1].upper() + name[1:]


def _unscored(ev: EvidencePassage) -> ScoredPassage:
    """A passage quoted for what it is, not for how it matched the question (every score part zero)."""
    return ScoredPassage(ev, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


def _repeats(a: EvidencePassage, b: EvidencePassage) -> bool:
    """The same words as a passage already chosen: a page that repeats a sentence (a "Key points" list
    whose points come again as the openings of its paragraphs) is quoted once."""
    return a.text.casefold() == b.text.casefold()


def _within(inner: EvidencePassage, outer: EvidencePassage) -> bool:
    """Whether a passage's text lies inside another's (a sentence in its paragraph, a row in its table)."""
    pi, po = inner.passage, outer.passage
    return pi.source_id == po.source_id and po.start <= pi.start and pi.end <= po.end


def _overlaps(a: EvidencePassage, b: EvidencePassage) -> bool:
    pa, pb = a.passage, b.passage
    return pa.source_id == pb.source_id and pa.start < pb.end and pb.start < pa.end


def _paragraph(passage: EvidencePassage) -> tuple[str, int]:
    """The document and block (paragraph, or list with its lead) a passage opens in."""
    return passage.doc.source_id, passage.block


def _documents(passages: list[ScoredPassage]) -> set[str]:
    """The source ids of ``passages``."""
    return {r.evidence.doc.source_id for r in passages}
