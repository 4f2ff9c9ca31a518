"""The composition root: wires corpus → index → retrieval → answerer → citation gate into one API.

Everything a person or script touches (CLI, chat UI, eval) goes through :class:`Assistant`.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from assistant.answer import Evidence, ExtractiveAnswerer
from assistant.answer_types import figure_asked
from assistant.asked_parts import asked_parts
from assistant.citations import Enforced, enforce_citations
from assistant.embeddings import submit_query
from assistant.errors import InvalidQuestionError
from assistant.index import CorpusIndex, load_index
from assistant.profile import load_profile
from assistant.query import UnderstoodQuery, Vocabulary, topic_name, understand, vocabulary_from_corpus
from assistant.retrieve import CandidateRetriever, Candidates
from assistant.rules import lacking_in_words, never_mentioned_word
from assistant.safety import ANSWER_LEAD_IN, SafetyRoute, is_injection, normal_form, route, small_talk_kind
from assistant.schema import Answer, AnswerTrace, ScoredCandidate
from assistant.scoring import ScoredPassage
from assistant.settings import Settings

AUDIENCES = ("family", "clinician")


class Assistant:
    """Answers questions from the corpus; every sentence of an answer is cited and verified."""

    def __init__(self, index: CorpusIndex, settings: Settings) -> None:
        self.index = index
        self.settings = settings
        self.vocab: Vocabulary = vocabulary_from_corpus(index.documents.values(), index.infos, settings)
        # The spelling index is built at load, not on the first misspelt question (seconds at 100 k words).
        _ = self.vocab.speller
        self.profile = load_profile(settings.corpus_dir, settings.coverage_max_names)
        self.retriever = CandidateRetriever(index, settings.retrieval_mode)
        self.answerer = ExtractiveAnswerer(index, self.vocab, settings)
        # What the documents call their conditions, for the safety router ("does my son have X?").
        self.condition_names = tuple(sorted(normal_form(alias) for alias in self.vocab.topic_aliases))

    @classmethod
    def load(cls, settings: Settings | None = None, rebuild: bool = False, show_progress: bool = False) -> Assistant:
        """Load the stored index (building it when missing or stale) and wire the pipeline."""
        import torch

        settings = settings or Settings()
        torch.set_num_threads(settings.torch_threads)
        return cls(load_index(settings, rebuild=rebuild, show_progress=show_progress), settings)

    # -- what the assistant knows -------------------------------------------------------------
    def coverage_summary(self) -> str:
        """A short phrase naming what the documents cover (the corpus profile's, or derived from the manifest)."""
        return self.profile.coverage or "the documents in this collection"

    def abstention_text(self, lacking: str | None = None) -> str:
        """The kind message used whenever the documents do not support an answer; ``lacking`` says what they
        do not mention, when a rule found that ("the pages on X don't mention proton therapy")."""
        opening = (
            f"I'm sorry — {lacking}, so I can't answer that, and I won't guess. "
            if lacking
            else "I'm sorry — the documents I have don't answer that, and I won't guess. "
        )
        closing = "You could ask about one of those, or ask your care team."
        return f"{opening}They cover {self.coverage_summary()}. {closing}"

    def small_talk_reply(self, kind: str) -> str:
        """The short reply to small talk: thanks get a "you're welcome", goodbyes a kind farewell, the rest
        the greeting."""
        if kind == "thanks":
            return f"You're welcome. Ask me anything else about {self.coverage_summary()}."
        if kind == "goodbye":
            return "Take care. I'm here if you have more questions."
        return self.greeting_text()

    def which_condition_text(self) -> str:
        """The reply to a question about one of many conditions that does not say which."""
        return (
            f"Which condition do you mean? The documents cover {self.coverage_summary()}. "
            "Ask about one by name, and I'll show what its pages say."
        )

    def greeting_text(self) -> str:
        """The short friendly reply to greetings and "what can you do?" (from the corpus profile)."""
        return self.profile.greeting or f"Hello! I answer questions about {self.coverage_summary()}."

    # -- asking ------------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        history: Sequence[dict[str, str]] | None = None,
        audience: str = "family",
        trace: bool = False,
    ) -> Answer:
        """Answer ``question`` from the documents, using ``history`` to resolve follow-ups.

        With ``trace=True`` the answer carries an :class:`~assistant.schema.AnswerTrace`: the understood
        query, the candidates with their score parts, the chosen evidence and any abstention rule.
        Raises :class:`InvalidQuestionError` for an empty, over-long or non-text question.
        """
        question = self.validate_question(question)
        history = validate_history(history)
        if audience not in AUDIENCES:
            raise InvalidQuestionError(f"audience must be one of {AUDIENCES}, not {audience!r}")
        record = AnswerTrace(retrieval_mode=self.retriever.mode) if trace else None
        safety = route(question, self.settings, self.condition_names)
        if record is not None:
            record.route = safety.label
        if safety.label == "chitchat":
            return Answer(
                question=question,
                text=self.small_talk_reply(small_talk_kind(question, self.settings)),
                abstained=True,
                safety="chitchat",
                audience=audience,
                trace=record,
            )
        if safety.label == "emergency":
            # Nothing may delay or dilute the emergency guidance: no document answer follows it.
            text = f"{safety.notice}\n\nWhen everyone is safe, I can answer questions about {self.coverage_summary()}."
            return Answer(
                question=question,
                text=text,
                abstained=True,
                safety="emergency",
                notice=safety.notice,
                audience=audience,
                trace=record,
            )
        if is_injection(question):
            if record is not None:
                record.abstain_rule, record.abstain_reason = "injection", "the message tries to change the rules"
            return self._abstain(question, audience, safety.label, safety.notice, trace=record)
        clock = time.perf_counter()
        # The refusal and greeting name everything the documents cover: an earlier one is about nothing.
        stock = (self.coverage_summary(), self.greeting_text(), self.which_condition_text())
        query = understand(question, history, self.vocab, stock)
        # The model embeds the question on its own thread, outside the GIL; BM25 needs no vector and
        # scores meanwhile. (The safety route comes first: an emergency must not wait for, nor leave
        # behind, a forward pass of the model.)
        vector_of = submit_query(query.text, self.settings.query_batch_max)
        candidates, evidence, embedded, retrieved = self._evidence(query, vector_of, audience)
        # (A personal decision between options is one question however it is put, "should he have A or B? which
        # would you pick?": the page's comparison of the options answers it.)
        if not evidence.abstain_reason and evidence.mode == "fact" and safety.label != "treatment_decision":
            evidence = self._answered_by_part(question, history, query, audience, stock, evidence, record)
        if record is not None:
            self._record(record, query, candidates, evidence)
            record.timings_ms = {
                "understand_embed": round((embedded - clock) * 1000, 2),
                "retrieve": round((retrieved - embedded) * 1000, 2),
                "score_and_rules": round((time.perf_counter() - retrieved) * 1000, 2),
            }
        if evidence.abstain_reason:
            if evidence.related and (partial := self._figure_not_given(question, evidence, audience, safety, record)):
                return partial
            return self._abstain(
                question,
                audience,
                safety.label,
                safety.notice,
                trace=record,
                rule=evidence.abstain_rule,
                lacking=_lacking(evidence.abstain_reason, query),
            )
        enforced = self._cited(evidence, audience)
        if record is not None:
            record.removed = enforced.removed
        if not enforced.citations:
            if record is not None:
                record.abstain_rule, record.abstain_reason = "citation_gate", "no sentence survived the citation gate"
            return self._abstain(question, audience, safety.label, safety.notice, enforced.removed, record)
        notice = None if safety.notice is None else f"{safety.notice} {ANSWER_LEAD_IN}"
        return _cited_answer(question, enforced, notice, False, safety.label, audience, record)

    def _evidence(
        self, query: UnderstoodQuery, vector_of: Callable[[], np.ndarray], audience: str
    ) -> tuple[Candidates, Evidence, float, float]:
        """The candidates and the chosen evidence for an understood question whose embedding ``vector_of`` is under
        way (BM25 needs no vector and scores meanwhile), with when the vector came and when retrieval ended (the
        trace's timings)."""
        lexical = self.retriever.lexical_scores(query.focus) if self.retriever.mode != "dense" else None
        vector = vector_of()
        embedded = time.perf_counter()
        named = set().union(*query.targets) if query.targets else None
        candidates = self.retriever.retrieve(query.text, vector, query.focus, named, lexical_scores=lexical)
        retrieved = time.perf_counter()
        return candidates, self.answerer.select(query, vector, candidates, audience), embedded, retrieved

    def _answered_by_part(
        self,
        question: str,
        history: Sequence[dict[str, str]],
        query: UnderstoodQuery,
        audience: str,
        stock: tuple[str, ...],
        evidence: Evidence,
        record: AnswerTrace | None,
    ) -> Evidence:
        """``evidence``, or for a message asking several questions ("will she lose the finger? is it because I drank?
        does her brother need checking?") each question's own answer, in the order asked: scored as one text, the
        message gets the passages nearest its strongest question only. Each question is understood as a follow-up
        to the message (its subject and whom it tells of carry), retrieved and selected on its own; one that finds
        no answer is left out, and unless two do, the message's own evidence stands."""
        settings = self.settings
        parts = asked_parts(question, settings.asked_part_min_words, settings.asked_parts_max)
        if not parts:
            return evidence
        # The message as the turn before each question: what it told (the subject, the person) carries.
        context = [*history, {"role": "user", "content": question}, {"role": "assistant", "content": ""}]
        understood = [
            replace(understand(part, context, self.vocab, stock), topics=query.topics, targets=query.targets)
            for part in parts
        ]
        vectors_of = [submit_query(part.text, settings.query_batch_max) for part in understood]  # one forward pass
        chosen: list[ScoredPassage] = []
        quoted: set[int] = set()
        answered = 0
        for part, vector_of in zip(understood, vectors_of, strict=True):
            _, found, _, _ = self._evidence(part, vector_of, audience)
            # (A question whose best answer an earlier one's already gives adds nothing: not its lesser passages.)
            if (
                found.abstain_reason
                or found.mode != "fact"
                or not found.selected
                or found.selected[0].evidence.index in quoted
            ):
                continue
            new = [r for r in found.selected if r.evidence.index not in quoted][: settings.asked_part_max_passages]
            quoted |= {r.evidence.index for r in new}
            answered += 1
            chosen += new
        if answered < 2:
            return evidence
        if record is not None:
            record.asked_parts = parts
        return Evidence(chosen, evidence.ranked, evidence.outside, mode="parts")

    def _cited(self, evidence: Evidence, audience: str) -> Enforced:
        """The composed answer for ``evidence``, through the citation gate."""
        draft = self.answerer.compose(evidence, audience)
        return enforce_citations(draft.text, draft.citations, self.index.source_path, acronyms=self.vocab.acronyms)

    def _figure_not_given(
        self, question: str, evidence: Evidence, audience: str, safety: SafetyRoute, record: AnswerTrace | None
    ) -> Answer | None:
        """A refusal of the figure asked for, then what the documents do say of exactly that ("X recurrence
        rate": no rate is given; here is what they say of recurrence). Still an abstention: the question
        asked for a figure, and none is given."""
        enforced = self._cited(Evidence(evidence.related, evidence.ranked, question=evidence.question), audience)
        if not enforced.citations:
            return None
        said = evidence.related_lead or (
            f"The documents don't give {figure_asked(question)} for that, and I won't guess. Here is what they do say:"
        )
        notice = said if safety.notice is None else f"{safety.notice}\n\n{said}"
        return _cited_answer(question, enforced, notice, True, safety.label, audience, record)

    def _record(self, record: AnswerTrace, query: UnderstoodQuery, candidates: Candidates, evidence: Evidence) -> None:
        """Fill the trace from what the pipeline did (never recomputes a step)."""
        record.query_text, record.lexical_text = query.text, query.focus
        record.topics, record.targets = list(query.topics), [sorted(t) for t in query.targets]
        record.carried_topic, record.unknown_terms = query.carried_topic, list(query.unknown_terms)
        asked = {id(r) for r in evidence.ranked}
        scored = sorted([*evidence.ranked, *evidence.outside], key=lambda r: -r.score)
        record.candidates = [self._candidate(r, candidates, id(r) in asked) for r in scored]
        by_passage = {r.evidence.index: r for r in scored}
        record.retrieved = [
            self._candidate(by_passage[p], candidates, id(by_passage[p]) in asked)
            for p in sorted(candidates.fused_rank, key=lambda p: candidates.fused_rank[p])
            if p in by_passage
        ]
        record.sections = [heading for _, heading in candidates.sections]
        position = {r.evidence.index: i for i, r in enumerate(scored)}
        for chosen in evidence.selected:
            if chosen.evidence.index not in position:  # found for one of a message's questions (see _answered_by_part)
                position[chosen.evidence.index] = len(record.candidates)
                record.candidates.append(self._candidate(chosen, candidates, True))
        record.selected = [position[r.evidence.index] for r in evidence.selected]
        record.mode = evidence.mode
        record.asked_section = evidence.section[1] if evidence.section else None
        record.abstain_rule, record.abstain_reason = evidence.abstain_rule, evidence.abstain_reason

    @staticmethod
    def _candidate(scored: ScoredPassage, candidates: Candidates, asked_about: bool) -> ScoredCandidate:
        ev = scored.evidence
        return ScoredCandidate(
            source_id=ev.doc.source_id,
            passage_id=ev.passage.id,
            start=ev.passage.start,
            end=ev.passage.end,
            section=ev.passage.section,
            text=ev.text,
            fused_rank=candidates.fused_rank.get(ev.index),
            dense=round(scored.dense, 4),
            lexical=round(scored.lexical, 4),
            heading=round(scored.heading, 4),
            prior=round(scored.prior, 4),
            cue=round(scored.cue, 4),
            strength=round(scored.strength, 4),
            score=round(scored.score, 4),
            asked_about=asked_about,
        )

    def _abstain(
        self,
        question: str,
        audience: str,
        label: str | None,
        notice: str | None,
        removed: list[str] | None = None,
        trace: AnswerTrace | None = None,
        rule: str | None = None,
        lacking: str | None = None,
    ) -> Answer:
        reply = self.which_condition_text() if rule == "which_condition" else self.abstention_text(lacking)
        text = reply if notice is None else f"{notice}\n\n{reply}"
        return Answer(
            question=question,
            text=text,
            abstained=True,
            safety=label,
            notice=notice,
            audience=audience,
            removed=removed or [],
            trace=trace,
        )

    def validate_question(self, question: Any) -> str:
        """Return the cleaned question, or raise :class:`InvalidQuestionError` with a clear message."""
        return validate_question(question, self.settings.max_question_chars)


def _lacking(reason: str | None, query: UnderstoodQuery) -> str | None:
    """What the refusal can tell the asker the documents lack: "the documents I have don't mention X", or
    for a word other pages use, "the pages on <the condition asked about> don't mention X". None when the
    rule found something else (weak evidence, another document's answer), which a phrase would misstate."""
    found = never_mentioned_word(reason)
    if found is None:
        return lacking_in_words(reason)  # "the documents use “X” only in the name “X Y” and never say ..."
    word, only_asked = found
    what = f"“{word}”"  # the asker's own word, quoted: "don't mention “eat”"
    if not only_asked:
        return f"the documents I have don't mention {what}"
    if query.topics:
        return f"the pages on {' and '.join(topic_name(t) for t in query.topics)} don't mention {what}"
    return f"the document you asked about doesn't mention {what}"


def _cited_answer(
    question: str,
    enforced: Enforced,
    notice: str | None,
    abstained: bool,
    safety: str | None,
    audience: str,
    trace: AnswerTrace | None,
) -> Answer:
    """The answer for gated, cited text, after any fixed notice."""
    return Answer(
        question=question,
        text=enforced.text if notice is None else f"{notice}\n\n{enforced.text}",
        citations=enforced.citations,
        abstained=abstained,
        safety=safety,
        notice=notice,
        audience=audience,
        removed=enforced.removed,
        trace=trace,
    )


def validate_question(question: Any, max_chars: int) -> str:
    """Return the question with white space folded, or raise :class:`InvalidQuestionError` saying why."""
    if isinstance(question, bytes):
        raise InvalidQuestionError("the question must be text, not bytes")
    if not isinstance(question, str):
        raise InvalidQuestionError(f"the question must be text, not {type(question).__name__}")
    if len(question) > max_chars:
        raise InvalidQuestionError(f"the question is {len(question)} characters long; the limit is {max_chars}")
    if not question.strip():
        raise InvalidQuestionError("the question is empty")
    if not is_readable_text(question):
        raise InvalidQuestionError("the question does not look like text (it is mostly control or binary characters)")
    if not any(ch.isalnum() for ch in question):
        raise InvalidQuestionError(
            "the question has no words in it, only emoji or symbols; please type your question in words"
        )
    return " ".join(question.split())


def is_readable_text(text: str) -> bool:
    """False for binary junk: NUL bytes, or control, private-use or unassigned characters.

    Emoji and symbols are readable (a question of emoji alone is refused for having no words, not as junk).
    """
    if "\x00" in text or "\ufffd" in text:
        return False
    return not any(unicodedata.category(ch) in ("Cc", "Co", "Cn", "Cs") and ch not in "\n\r\t" for ch in text)


def validate_history(history: Sequence[dict[str, str]] | None) -> list[dict[str, str]]:
    """Keep well-formed turns ({'role': 'user'|'assistant', 'content': str}); reject anything else clearly."""
    if history is None:
        return []
    if not isinstance(history, (list, tuple)):
        raise InvalidQuestionError("history must be a list of {'role', 'content'} messages")
    turns = []
    for number, turn in enumerate(history, start=1):
        if not isinstance(turn, dict) or turn.get("role") not in ("user", "assistant"):
            raise InvalidQuestionError(
                f"history message {number} must be {{'role': 'user'|'assistant', 'content': text}}"
            )
        content = turn.get("content")
        if not isinstance(content, str):
            raise InvalidQuestionError(f"history message {number} has no text content")
        turns.append({"role": str(turn["role"]), "content": content})
    return turns[-20:]
