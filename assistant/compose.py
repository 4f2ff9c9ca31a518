"""Compose stage: turn the chosen passages into answer text with one citation per passage.

Every sentence of the answer is verbatim text of its own cited quote, apart from fixed labels (the
page's title when an answer draws on pages about different conditions; the source type for
clinicians). A list is rendered as its lead and items. Nothing from one passage is ever inserted into
another's sentence: a plain-words gloss the page itself gives comes as its own cited sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer_types import REPORTS_CASE_RE, holds_asked_answer, opens_case_story, span_anchor_share
from assistant.corpus import HTML_SUFFIXES, MARKDOWN_SUFFIXES, source_span
from assistant.index import CorpusIndex, EvidencePassage
from assistant.ingest import reflow, split_sentences
from assistant.query import asks_overview
from assistant.schema import Citation
from assistant.scoring import ScoredPassage
from assistant.settings import Settings
from assistant.text import content_words, sentence_pieces, stems

# "term (plain words)": a gloss the page gives for its own term. Words that open a parenthetical
# aside rather than a gloss are excluded.
GLOSS_RE = re.compile(r"\b([A-Za-z][a-z-]{5,})\s\(([a-z]+(?: [a-z]+){1,4})\)")
NOT_A_GLOSS = ("with", "without", "for", "or", "and", "including", "such", "e.g", "which", "if")
LEADING_REFERENCE_RE = re.compile(r"^(?:\S+\s+){0,5}?(this|these|that|those|it|its|they)\b", re.I)


@dataclass
class Draft:
    """An answer before citation enforcement."""

    text: str
    citations: list[Citation]


def learn_glossary(passages: list[EvidencePassage]) -> dict[str, dict[str, EvidencePassage]]:
    """Plain-words glosses each document gives for its own terms: source id -> term -> the glossing passage."""
    glossary: dict[str, dict[str, EvidencePassage]] = {}
    for ev in passages:
        for match in GLOSS_RE.finditer(ev.text):
            term, gloss = match.group(1).lower(), match.group(2)
            if not gloss.startswith(NOT_A_GLOSS):
                glossary.setdefault(ev.doc.source_id, {}).setdefault(term, ev)
    return glossary


def plainness_cost(text: str) -> float:
    """Higher for harder prose: long sentences and long words (a rough, language-agnostic readability)."""
    words = re.findall(r"[A-Za-z]+", text)
    if not words:
        return 0.0
    long_words = sum(len(w) >= 10 for w in words) / len(words)
    sentences = max(1, len(split_sentences(text)))
    return len(words) / sentences / 20 + 3 * long_words


def render_passage(ev: EvidencePassage) -> str:
    """A passage as answer prose: a list becomes its lead followed by its items, separated by semicolons."""
    sentences = [ev.doc.sentences[sid] for sid in ev.passage.sentence_ids]
    if ev.passage.kind == "list":
        lead = " ".join(s.plain for s in sentences if s.role == "lead")
        items = [s.plain.rstrip(".;") for s in sentences if s.role == "item"]
        return f"{lead} {'; '.join(items)}.".strip()
    return " ".join(s.plain for s in sentences)


def sentences_of(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


class Composer:
    """Family answers lead with a plainer passage and add the page's own glosses as cited sentences;
    clinician answers keep score order and name the source type."""

    def __init__(self, index: CorpusIndex, settings: Settings) -> None:
        self.index = index
        self.settings = settings
        self.glossary = learn_glossary(index.passages)

    def compose(
        self,
        selected: list[ScoredPassage],
        audience: str,
        as_list: bool = False,
        question: str = "",
        name_conditions: bool = False,
        part_labels: dict[int, str] | None = None,
        keep_order: bool = False,
    ) -> Draft:
        """The answer text for ``selected`` passages; ``as_list`` renders one passage per line (a section's parts).
        A long sentence whose one clause holds the narrow answer ``question`` asks for (an age, a figure)
        is quoted as that clause: the fact, not the sentence around it. ``name_conditions``: each passage says
        which page it is from, as when they are about different conditions; ``part_labels``: the condition a
        passage of a page about several is about, said instead of the page's title; ``keep_order``: the passages
        answer a message's questions in the order asked, and no plainer one leads."""
        part_labels = part_labels or {}
        selected = list(selected)
        if audience == "family" and len(selected) > 1 and not as_list and not part_labels and not keep_order:
            selected = self._plain_lead(selected, question)
        citations: list[Citation] = []
        parts: list[str] = []
        labelled = labelled_condition = None
        # An answer drawn from pages about different conditions says which is which.
        several_topics = (
            name_conditions or len({tuple(self.index.infos[p.evidence.doc.source_id].topics) for p in selected}) > 1
        )
        for scored in selected:
            ev = scored.evidence
            marker = len(citations) + 1
            clause = self._answering_clause(ev, question) if question and not as_list else None
            citations.append(self.citation(ev, marker, clause))
            # (A clause is quoted as the file writes it, line breaks and all; the answer reads it as one line.)
            sentences = [reflow(clause[2])] if clause else sentences_of(render_passage(ev)) or [render_passage(ev)]
            condition = part_labels.get(ev.index)
            if condition is not None and condition != labelled_condition:
                sentences[0] = f"{condition}: {sentences[0]}"
                labelled_condition = condition
            if audience == "clinician" and labelled != ev.doc.source_id:
                sentences[0] = f"{self.source_label(ev)}: {sentences[0]}"
                labelled = ev.doc.source_id
            elif several_topics and condition is None and labelled != ev.doc.source_id:
                sentences[0] = f"{self.index.infos[ev.doc.source_id].title}: {sentences[0]}"
                labelled = ev.doc.source_id
            rendered = " ".join(f"{sentence} [{marker}]" for sentence in sentences)
            parts.append(f"- {rendered}" if as_list else rendered)
        if audience == "family":
            for gloss in self._glosses(selected):
                marker = len(citations) + 1
                citations.append(self.citation(gloss, marker))
                line = " ".join(f"{sentence} [{marker}]" for sentence in sentences_of(render_passage(gloss)))
                parts.append(f"- {line}" if as_list else line)
        return Draft(("\n" if as_list else " ").join(parts), citations)

    def _plain_lead(self, selected: list[ScoredPassage], question: str) -> list[ScoredPassage]:
        """Lead with a clearly plainer passage that answers about as well and makes sense on its own; not
        over a report's own words for what it reports, or, asked for an overview, the opening of its case's
        story ("A 31-year-old woman presented with ..."), which open an overview of it, nor over a lead that
        holds the narrow answer asked for (an age, a presentation) when the plainer one does not."""
        lead = selected[0].evidence.text
        story_opening = asks_overview(question) and opens_case_story(lead)
        if REPORTS_CASE_RE.search(lead) or story_opening:
            return selected
        close = [p for p in selected if p.score >= selected[0].score - self.settings.plain_lead_margin]
        plainest = min(close, key=lambda p: plainness_cost(p.evidence.text))
        if (
            question
            and holds_asked_answer(question, selected[0].evidence.text)
            and not (holds_asked_answer(question, plainest.evidence.text))
        ):
            return selected
        if plainness_cost(plainest.evidence.text) < 0.75 * plainness_cost(selected[0].evidence.text) and not (
            LEADING_REFERENCE_RE.search(plainest.evidence.text)
        ):
            selected.remove(plainest)
            selected.insert(0, plainest)
        return selected

    def _glosses(self, selected: list[ScoredPassage]) -> list[EvidencePassage]:
        """Short passages of the same page that gloss a term the answer uses without explaining it."""
        chosen = {p.evidence.index for p in selected}
        found: list[EvidencePassage] = []
        for scored in selected:
            ev = scored.evidence
            for term, source in self.glossary.get(ev.doc.source_id, {}).items():
                if source.index in chosen or source in found:
                    continue
                short = len(source.text.split()) <= self.settings.gloss_max_words
                if short and re.search(rf"\b{re.escape(term)}\b", ev.text, re.I):
                    found.append(source)
        return found

    def source_label(self, ev: EvidencePassage) -> str:
        """'Case report (Ann Test Oncol 2018)' or 'Patient page': the source type, from the citation's own facts."""
        info = self.index.infos[ev.doc.source_id]
        kind = info.kind.removesuffix(" abstract").capitalize()
        return f"{kind} ({info.journal} {info.year})" if info.journal and info.year else kind

    def _answering_clause(self, ev: EvidencePassage, question: str) -> tuple[int, int, str] | None:
        """(start, end, text) in the source of the one clause of a long single-sentence passage that holds
        the narrow answer the question asks for; None when the answer is not in exactly one clause."""
        passage = ev.passage
        if passage.kind == "list" or len(passage.sentence_ids) != 1:
            return None
        sentence = ev.doc.sentences[passage.sentence_ids[0]].plain
        if len(sentence.split()) < self.settings.clause_quote_min_words or not holds_asked_answer(question, sentence):
            return None
        pieces = sentence_pieces(sentence)[1:]
        holding = [c for c in pieces if holds_asked_answer(question, c)]
        if len(holding) > 1:
            # Of several clauses with a span of the asked unit, the one counting from the asked event ("how many
            # years after the first operation": "until 9 years after the first operation", not "after five years
            # of surveillance"), when only it does.
            shares = [span_anchor_share(question, c) or 0.0 for c in holding]
            best, second = sorted(shares, reverse=True)[:2]
            if best > second:
                holding = [holding[shares.index(best)]]
        path = self.index.source_path(ev.doc.source_id)
        if len(holding) != 1 or path.suffix.lower() in (*HTML_SUFFIXES, *MARKDOWN_SUFFIXES):
            return None  # the answer spans clauses (quote the sentence), or offsets would not be the text's
        if holding[0].count("(") != holding[0].count(")") or holding[0].count("[") != holding[0].count("]"):
            return None  # cut inside brackets ("32% (95% CI 27-38%; I2 = 58%)"): the clause is no clause
        # What else the question asks of the figure, said in the clause after it that goes on about it ("5-yr OS
        # en bloc vs intralesional": "... survival was 51%, and it was 68% after en bloc resection compared with
        # 33% ..."), is part of the answer: quote the sentence.
        after = pieces[pieces.index(holding[0]) + 1 :]
        asked = stems(" ".join(content_words(question)))
        if after and _GOES_ON_RE.match(after[0]) and (asked & stems(after[0])) - stems(holding[0]):
            return None
        # The clause as the source writes it (white space may differ from the parsed sentence's).
        span = source_span(path, passage.start, passage.end)
        found = re.search(r"\s+".join(re.escape(w) for w in holding[0].split()), span)
        if found is None:
            return None
        return passage.start + found.start(), passage.start + found.end(), found.group(0)

    def citation(self, ev: EvidencePassage, marker: int, clause: tuple[int, int, str] | None = None) -> Citation:
        """The citation for a passage (or the clause of it that is quoted), its quote cut from the source file."""
        passage = ev.passage
        start, end = (clause[0], clause[1]) if clause else (passage.start, passage.end)
        return make_citation(
            self.index, ev.doc.source_id, marker, start, end, section=passage.section, context=passage.context
        )


# A clause that goes on about what the clause before it said ("and it was 68% after ...").
_GOES_ON_RE = re.compile(r"^(?:it|they|this|these|that)\b", re.I)  # (sentence_pieces drops the "and" before it)


def make_citation(
    index: CorpusIndex, source_id: str, marker: int, start: int, end: int, **extra: str | None
) -> Citation:
    """A citation of ``[start, end)`` of a source: its quote cut from the file itself, the source's facts
    from the manifest (``extra``: section, context)."""
    info = index.infos[source_id]
    return Citation(
        marker=marker,
        source_id=source_id,
        title=info.title,
        quote=source_span(index.source_path(source_id), start, end),
        start=start,
        end=end,
        source_kind=info.kind,
        publisher=info.publisher,
        journal=info.journal,
        year=info.year,
        doi=info.doi,
        **extra,
    )
