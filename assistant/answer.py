"""Answer stage: choose the evidence passages that answer a question and compose a cited answer.

The default answerer is extractive (no LLM exists on this machine): it scores every evidence
passage (a sentence, a list with its lead, or an anaphoric sentence with its referent; never a
heading) by dense cosine, lexical BM25 and the hybrid chunk ranking, nudged by question-type cues,
and quotes the best few. It abstains when the best evidence is too weak to answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import bm25s
import numpy as np

from assistant.embeddings import embed_query
from assistant.index import STEMMER, CorpusIndex, EvidencePassage
from assistant.ingest import split_sentences
from assistant.query import LAY_TERMS, UnderstoodQuery, Vocabulary, normalise
from assistant.retrieve import RetrievedChunk
from assistant.schema import Citation
from assistant.settings import Settings

# Question-type cues: (what the question asks for, what a passage that answers it contains).
QUESTION_CUES: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    (
        re.compile(r"\b(how old|what age|age of|aged?)\b", re.I),
        re.compile(
            r"\b\d+-year-old\b|\baged? \d+|\b\d+ years? old\b|\b(infant|baby|child|adolescen\w+|teen\w*|adult)s?\b",
            re.I,
        ),
    ),
    (
        re.compile(r"\b(how many|how much|how common|percent\w*|rate|how old|what age|number|odds|chance)\b", re.I),
        re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|hundred|percent)\b", re.I),
    ),
    (
        re.compile(r"\b(how long|when|how soon|how quickly|how fast|duration|years? later)\b", re.I),
        re.compile(r"\b(years?|months?|weeks?|days?|later|delay|long time)\b", re.I),
    ),
    (
        re.compile(r"\b(why|cause[sd]?|causing|reason|genetic)\b", re.I),
        re.compile(r"\b(because|caus\w+|genes?|genetic|due to|link)\b", re.I),
    ),
    (
        re.compile(r"\bwhere\b|\bwhich (part|bones?|vertebra\w*|levels?)\b", re.I),
        re.compile(
            r"\b(found in|starts? in|in the (legs|arms|head|neck|lungs|bones|spine)|from [CT]\d|[CT]\d+-[CT]\d+)\b"
        ),
    ),
    (
        re.compile(r"^\s*(what('s| is| are)|define|meaning of|what does .* (stand for|mean))\b", re.I),
        re.compile(r"\b(is|are) (a|an|the)\b|\([A-Z]{2,6}\)|\bcalled\b"),
    ),
    (
        re.compile(r"\b(treat\w*|therapy|options?|manage\w*|surgery|cure)\b", re.I),
        re.compile(r"\b(treat\w*|therapy|surgery|surgical|removal|radiation|chemotherapy|radiotherapy)\b", re.I),
    ),
    (
        re.compile(r"\b(diagnos\w*|tests?|scans?|imaging|biopsy|detect\w*)\b", re.I),
        re.compile(r"\b(diagnos\w+|biopsy|imaging|x-rays?|mri|scan|examination|tests?)\b", re.I),
    ),
]
LEXICAL_FULL_SCORE = 2.0
# Questions that can only be answered with a number of a kind: (question pattern, what the
# evidence must then contain). Without it in the evidence, the documents do not answer.
NUMBER_REQUIREMENTS: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    (
        re.compile(r"\b(percent\w*|%|survival|(success|cure|recurrence|death|mortality) rates?|odds)\b", re.I),
        re.compile(r"\d+(\.\d+)?\s*(%|percent)", re.I),
    ),
    (
        re.compile(r"\bhow old\b", re.I),
        re.compile(r"\b\d+-year-old\b|\baged? \d+|\b\d+ years? old\b", re.I),
    ),
    (
        re.compile(r"\b(how many|how much|number of|dose|doses|dosage|cost)\b", re.I),
        re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|hundred)\b", re.I),
    ),
]
NUMBER_WORDS = {str(n): w for n, w in enumerate("zero one two three four five six seven eight nine ten".split())}
QUESTION_NUMBER_RE = re.compile(r"\b(\d+)(?=[- ]?(yr|year|month|week|day|percent|%|cm)s?\b)", re.I)
ACRONYM_DEFINITION_BONUS = 0.1


DEFINITION_RE = re.compile(
    r"\b(stand for|stands for|mean|means|what is|what's|what are|define|definition|defined)\b|^\s*\w+\s*\?*$", re.I
)


@dataclass(frozen=True)
class QueryVectors:
    """The question's embedding (one model call per question: the latency budget).

    We tried embedding the question's focus (its text minus the tumour's name) beside it: on these
    documents it matched worse than the whole question, so only lexical matching uses the focus.
    """

    full: np.ndarray

    @classmethod
    def embed(cls, query: UnderstoodQuery) -> QueryVectors:
        return cls(embed_query(query.text))


@dataclass
class ScoredPassage:
    """A passage with the parts of its score (kept for diagnostics and the eval report)."""

    evidence: EvidencePassage
    dense: float
    lexical: float
    prior: float
    cue: float
    heading: float
    score: float = 0.0  # the weighted sum that ranks passages
    strength: float = 0.0  # how well the passage itself matches the question (decides abstention)


@dataclass
class Evidence:
    """What the answerer found: passages in answer order, and why it would abstain (if it would)."""

    selected: list[ScoredPassage]
    ranked: list[ScoredPassage]
    best_strength: float
    term_coverage: float
    abstain_reason: str | None = None
    diagnostics: dict[str, object] = field(default_factory=dict)


@dataclass
class Draft:
    """An answer before citation enforcement."""

    text: str
    citations: list[Citation]


def _stems(text: str) -> set[str]:
    return set(STEMMER.stemWords(re.findall(r"[a-z0-9]+", normalise(text))))


class ExtractiveAnswerer:
    """Select and quote evidence passages; the default, LLM-free answerer."""

    def __init__(self, index: CorpusIndex, vocab: Vocabulary, settings: Settings) -> None:
        self.index = index
        self.vocab = vocab
        self.settings = settings
        self.glossary = learn_glossary(index.passages)

    # -- selection ---------------------------------------------------------------------------
    def score(self, query: UnderstoodQuery, vectors: QueryVectors, chunks: list[RetrievedChunk]) -> list[ScoredPassage]:
        """Every passage scored for the question, best first (select() keeps the asked-about documents)."""
        index, s = self.index, self.settings
        # Dense evidence = the passage in its context (title, section) mixed with its best single
        # sentence alone: context finds the right place, the bare sentence tells the sentences apart.
        contextual = index.passage_vectors @ vectors.full
        bare = index.sentence_vectors @ vectors.full
        dense = np.array(
            [
                s.weight_context * contextual[ev.index]
                + (1 - s.weight_context) * bare[index.passage_rows[ev.index]].max()
                for ev in index.passages
            ]
        )
        tokens = bm25s.tokenize([query.focus], stopwords="en", stemmer=STEMMER, show_progress=False, return_ids=False)
        # The heading is context, not answer: a heading that matches the question better than the
        # document's headings typically do lifts the sentences under it ("What causes ...?" -> its paragraph).
        headings = index.heading_vectors @ vectors.full
        heading_median = {
            sid: float(np.median([headings[row] for (doc_id, _), row in index.heading_row.items() if doc_id == sid]))
            for sid in index.documents
        }
        lexical = index.passage_bm25.get_scores(tokens[0]) if tokens and tokens[0] else np.zeros(len(dense))
        # Scale by the best match, but never inflate weak matches: a best BM25 score below
        # LEXICAL_FULL_SCORE means no passage shares much with the question at all.
        lexical = lexical / max(float(lexical.max()), LEXICAL_FULL_SCORE)
        # The hybrid chunk ranking as a prior, by rank: fused RRF scores are too flat to use directly.
        prior: dict[int, float] = {}
        for rank, chunk in enumerate(chunks, start=1):
            for pid in chunk.passage_ids:
                key = index.by_key[(chunk.source_id, pid)]
                prior[key] = max(prior.get(key, 0.0), 1.0 / rank)
        cues = [answer_re for ask_re, answer_re in QUESTION_CUES if ask_re.search(query.question)]
        # "What does ASPS stand for?": the sentence that spells the acronym out answers it.
        asked = [a for a in self.vocab.acronyms if re.search(rf"\b{a}\b", query.question, re.I)]
        definitional = bool(asked) and bool(DEFINITION_RE.search(query.question))
        # "What is HPC?" / "HPC definition": a sentence saying what the condition *is* answers it.
        names = {re.sub(r"\s*\([^)]*\)", "", topic) for topic in query.topics}
        defines = (
            [re.compile(rf"^(an? |the )?{re.escape(n)}( \([A-Z]+\))? (is|are) (an?|the)\b", re.I) for n in names]
            if DEFINITION_RE.search(query.question)
            else []
        )
        scored = []
        for ev in index.passages:
            cue = s.cue_bonus * sum(bool(c.search(ev.text)) for c in cues) / max(len(cues), 1)
            if definitional and any(f"({a.upper()})" in ev.text for a in asked):
                cue += ACRONYM_DEFINITION_BONUS
            if any(d.search(ev.text) for d in defines):
                cue += ACRONYM_DEFINITION_BONUS
            heading = 0.0
            if ev.passage.section and ev.passage.section != ev.doc.title:
                sim = headings[index.heading_row[(ev.doc.source_id, ev.passage.section)]]
                heading = max(0.0, float(sim - heading_median[ev.doc.source_id]))
            item = ScoredPassage(
                ev, float(dense[ev.index]), float(lexical[ev.index]), prior.get(ev.index, 0.0), cue, heading
            )
            item.strength = item.dense + s.weight_lexical * item.lexical + s.weight_heading * item.heading
            item.score = item.strength + s.weight_chunk_prior * item.prior + item.cue
            scored.append(item)
        scored.sort(key=lambda s: -s.score)
        return scored

    def _allowed_sources(self, query: UnderstoodQuery) -> set[str] | None:
        """Documents the question names or is about (so one tumour's facts never answer for another)."""
        if not query.targets:
            return None
        return set().union(*query.targets)

    def select(self, query: UnderstoodQuery, vectors: QueryVectors, chunks: list[RetrievedChunk]) -> Evidence:
        """Choose the passages to quote, or say why the documents do not answer."""
        # Score every passage once; those outside the documents asked about only serve as rivals.
        every = self.score(query, vectors, chunks)
        allowed = self._allowed_sources(query)
        ranked = [r for r in every if allowed is None or r.evidence.doc.source_id in allowed]
        outside = [r for r in every if allowed is not None and r.evidence.doc.source_id not in allowed]
        if not ranked:
            return Evidence([], [], 0.0, 0.0, "no documents about that topic")
        coverage = self.term_coverage(query, [r.evidence for r in ranked[:3]])
        strength = max(r.strength for r in ranked[:5])
        evidence = Evidence([], ranked, strength, coverage)
        if query.unknown_terms:
            evidence.abstain_reason = f"the documents never mention {', '.join(query.unknown_terms)}"
            return evidence
        if strength < self.settings.abstain_min_evidence:
            evidence.abstain_reason = f"best evidence strength {strength:.2f} is below the threshold"
            return evidence
        if coverage < self.settings.abstain_min_term_coverage:
            evidence.abstain_reason = f"the evidence covers only {coverage:.0%} of the question's terms"
            return evidence
        if rival := self.rival_answer(ranked, outside):
            evidence.abstain_reason = rival
            return evidence
        evidence.selected = self._choose(query, ranked)
        if reason := missing_number(query.question, [p.evidence.text for p in evidence.selected]):
            evidence.abstain_reason = reason
            evidence.selected = []
        return evidence

    def rival_answer(self, ranked: list[ScoredPassage], outside: list[ScoredPassage]) -> str | None:
        """Why another document, not the one asked about, holds the answer (or None).

        "What lung symptoms does ASPS cause?": the lung symptoms are on the hemangiopericytoma page.
        When the best passage outside the documents the question is about beats the best inside
        by more than ``rival_margin``, the asked-about documents do not give that fact.
        """
        if outside and outside[0].strength - ranked[0].strength > self.settings.rival_margin:
            other = self.index.infos[outside[0].evidence.doc.source_id].title
            return f"the closest answer is in another document ({other}), not the one asked about"
        return None

    def term_coverage(self, query: UnderstoodQuery, passages: list[EvidencePassage]) -> float:
        """Share of the question's content words (or their lay/acronym equivalents) found in the evidence."""
        if not query.terms:
            return 0.0
        evidence_stems = set().union(*(_stems(p.embed_text) for p in passages)) if passages else set()
        covered = 0
        for term in query.terms:
            alternatives = [term, LAY_TERMS.get(term, ""), self.vocab.acronyms.get(term, "")]
            if any(
                (_stems(alt) and _stems(alt) <= evidence_stems) or (_stems(alt) & evidence_stems and " " in alt)
                for alt in alternatives
                if alt
            ):
                covered += 1
        return covered / len(query.terms)

    def _choose(self, query: UnderstoodQuery, ranked: list[ScoredPassage]) -> list[ScoredPassage]:
        settings = self.settings
        chosen: list[ScoredPassage] = []
        words = 0
        # A question about two conditions or documents gets the best passage for each, cited separately.
        if len(query.targets) > 1:
            for docs in query.targets:
                best = next((r for r in ranked if r.evidence.doc.source_id in docs), None)
                if best is not None and best not in chosen:
                    chosen.append(best)
                    words += len(best.evidence.text.split())
        top = ranked[0].score
        for candidate in ranked:
            if len(chosen) >= settings.answer_max_sentences:
                break
            if chosen and candidate.score < top - settings.selection_margin:
                break
            size = len(candidate.evidence.text.split())
            if chosen and words + size > settings.answer_max_words:
                continue
            if any(_overlaps(candidate, c) for c in chosen):
                continue
            chosen.append(candidate)
            words += size
        return chosen

    # -- composition -------------------------------------------------------------------------
    def compose(self, evidence: Evidence, audience: str = "family") -> Draft:
        """One citation per passage; each sentence of the answer ends with its passage's marker.

        Both audiences only reorganise cited text. Family answers lead with the plainest passage and
        gloss a medical term with the corpus's own parenthetical ("hypoglycemia (low blood sugar)"),
        citing where the gloss comes from; clinician answers keep score order, stay shorter and name
        the source type (patient page or case report) in front of each passage.
        """
        selected = list(evidence.selected)
        if audience == "family" and len(selected) > 1:
            # Lead with a clearly plainer passage, if it makes sense on its own (no "this condition").
            close = [p for p in selected if p.score >= selected[0].score - PLAIN_LEAD_MARGIN]
            plainest = min(close, key=lambda p: plainness_cost(p.evidence.text))
            if plainness_cost(plainest.evidence.text) < 0.75 * plainness_cost(selected[0].evidence.text) and not (
                LEADING_REFERENCE_RE.search(plainest.evidence.text)
            ):
                selected.remove(plainest)
                selected.insert(0, plainest)
        if audience == "clinician":
            selected = _within_words(selected, CLINICIAN_MAX_WORDS)
        citations: list[Citation] = []
        parts: list[str] = []
        labelled = None
        # An answer drawn from pages about different conditions says which is which.
        several_topics = len({tuple(self.index.infos[p.evidence.doc.source_id].topics) for p in selected}) > 1
        for scored in selected:
            ev = scored.evidence
            marker = len(citations) + 1
            citations.append(self.citation(ev, marker))
            sentences = _sentences(render_passage(ev))
            if audience == "clinician" and labelled != ev.doc.source_id:
                sentences[0] = f"{self.source_label(ev)}: {sentences[0]}"
                labelled = ev.doc.source_id
            elif audience == "family" and several_topics and labelled != ev.doc.source_id:
                sentences[0] = f"{self.index.infos[ev.doc.source_id].title}: {sentences[0]}"
                labelled = ev.doc.source_id
            rendered = []
            for sentence in sentences:
                markers = [marker]
                if audience == "family":
                    sentence, glosses = self._gloss(sentence, ev)
                    for gloss_source in glosses:
                        existing = next(
                            (
                                c.marker
                                for c in citations
                                if (c.source_id, c.start) == (gloss_source.doc.source_id, gloss_source.passage.start)
                            ),
                            None,
                        )
                        if existing is None:
                            existing = len(citations) + 1
                            citations.append(self.citation(gloss_source, existing))
                        markers.append(existing)
                rendered.append(f"{sentence} " + "".join(f"[{m}]" for m in dict.fromkeys(markers)))
            parts.append(" ".join(rendered))
        return Draft(" ".join(parts), citations)

    def _gloss(self, sentence: str, ev: EvidencePassage) -> tuple[str, list[EvidencePassage]]:
        """Add the corpus's own plain-words gloss after a medical term the sentence leaves unexplained."""
        used: list[EvidencePassage] = []
        for term, (gloss, source) in self.glossary.items():
            if source.index == ev.index or gloss in sentence.lower():
                continue
            match = re.search(rf"\b{re.escape(term)}\b", sentence, re.I)
            if match:
                sentence = f"{sentence[: match.end()]} ({gloss}){sentence[match.end() :]}"
                used.append(source)
        return sentence, used

    def source_label(self, ev: EvidencePassage) -> str:
        """'Case report (Eur Spine J 2018)' or 'Patient page': the source type, from the citation's own facts."""
        info = self.index.infos[ev.doc.source_id]
        kind = info.kind.removesuffix(" abstract").capitalize()
        return f"{kind} ({info.journal} {info.year})" if info.journal and info.year else kind

    def citation(self, ev: EvidencePassage, marker: int) -> Citation:
        """The citation for a passage, its quote cut from the source file itself."""
        from assistant.corpus import source_span

        info = self.index.infos[ev.doc.source_id]
        passage = ev.passage
        return Citation(
            marker=marker,
            source_id=ev.doc.source_id,
            title=info.title,
            section=passage.section,
            quote=source_span(self.index.source_path(ev.doc.source_id), passage.start, passage.end),
            start=passage.start,
            end=passage.end,
            context=passage.context,
            source_kind=info.kind,
            publisher=info.publisher,
            journal=info.journal,
            year=info.year,
            doi=info.doi,
        )


GLOSS_RE = re.compile(r"\b([A-Za-z][a-z-]{5,})\s\(([a-z]+(?: [a-z]+){1,4})\)")
NOT_A_GLOSS = ("with", "without", "for", "or", "and", "including", "such", "e.g", "which", "if")
CLINICIAN_MAX_WORDS = 80
PLAIN_LEAD_MARGIN = 0.05  # a plainer passage leads only if it answers about as well as the best
LEADING_REFERENCE_RE = re.compile(r"^(?:\S+\s+){0,5}?(this|these|that|those|it|its|they)\b", re.I)


def learn_glossary(passages: list[EvidencePassage]) -> dict[str, tuple[str, EvidencePassage]]:
    """Plain-words glosses the corpus gives for its own terms: "hypoglycemia (low blood sugar)"."""
    glossary: dict[str, tuple[str, EvidencePassage]] = {}
    for ev in passages:
        for match in GLOSS_RE.finditer(ev.text):
            term, gloss = match.group(1).lower(), match.group(2)
            if not gloss.startswith(NOT_A_GLOSS):
                glossary.setdefault(term, (gloss, ev))
    return glossary


def plainness_cost(text: str) -> float:
    """Higher for harder prose: long sentences and long words (a rough, language-agnostic readability)."""
    words = re.findall(r"[A-Za-z]+", text)
    if not words:
        return 0.0
    long_words = sum(len(w) >= 10 for w in words) / len(words)
    sentences = max(1, len(split_sentences(text)))
    return len(words) / sentences / 20 + 3 * long_words


def _within_words(selected: list[ScoredPassage], limit: int) -> list[ScoredPassage]:
    kept: list[ScoredPassage] = []
    words = 0
    for scored in selected:
        size = len(scored.evidence.text.split())
        if kept and words + size > limit:
            break
        kept.append(scored)
        words += size
    return kept


def missing_number(question: str, evidence: list[str]) -> str | None:
    """Why the evidence cannot answer a question that asks for a number, or None when it can."""
    text = " ".join(evidence)
    for asks, needs in NUMBER_REQUIREMENTS:
        if asks.search(question) and not needs.search(text):
            return "the question asks for a figure the evidence does not give"
    if any(asks.search(question) for asks, _ in NUMBER_REQUIREMENTS):
        for number in QUESTION_NUMBER_RE.findall(question):
            word = NUMBER_WORDS.get(number[0], number[0])
            if not re.search(rf"\b({number[0]}|{word})\b", text, re.I):
                return f"the question asks about {number[0]} {number[1]}s; the evidence does not mention it"
    return None


def _overlaps(a: ScoredPassage, b: ScoredPassage) -> bool:
    pa, pb = a.evidence.passage, b.evidence.passage
    return pa.source_id == pb.source_id and pa.start < pb.end and pb.start < pa.end


def render_passage(ev: EvidencePassage) -> str:
    """A passage as answer prose: a list becomes its lead followed by its items, separated by semicolons."""
    sentences = [ev.doc.sentences[sid] for sid in ev.passage.sentence_ids]
    if ev.passage.kind == "list":
        lead = " ".join(s.plain for s in sentences if s.role == "lead")
        items = [s.plain.rstrip(".;") for s in sentences if s.role == "item"]
        return f"{lead} {'; '.join(items)}."
    return " ".join(s.plain for s in sentences)


def _sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]
