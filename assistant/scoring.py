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
from dataclasses import dataclass

import numpy as np

from assistant.index import CorpusIndex, EvidencePassage
from assistant.query import UnderstoodQuery, Vocabulary
from assistant.retrieve import Candidates
from assistant.settings import Settings

# Question-type cues: (what the question asks for, what a passage that answers it contains). They
# describe English question shapes and answer shapes, never a corpus's conditions or body sites.
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
        re.compile(r"\b(why|cause[sd]?|causing|reason|genetic|inherit\w*|hereditary)\b", re.I),
        re.compile(r"\b(because|caus\w+|genes?|genetic|due to|link\w*|inherit\w*|risk)\b", re.I),
    ),
    (
        re.compile(r"\bwhere\b|\bwhich (part|parts|bones?|organs?|levels?|sites?|area)\b|\blocation\b", re.I),
        # Where-answers by their shape: a verb of place with a preposition, or a span of levels ("X6 to Y2").
        re.compile(
            r"\b(found|starts?|started|grows?|located|aris\w+|occur\w*|originat\w+|develop\w*|spread\w*|"
            r"involv\w+)\s+(in|from|to|at|into|within)\b|"
            r"\bfrom [A-Z]\d{1,2}\b|\b[A-Z]\d{1,2}\s*(-|–|to)\s*[A-Z]?\d{1,2}\b",
            re.I,
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
DEFINITION_RE = re.compile(
    r"\b(stand for|stands for|mean|means|what is|what's|what are|define|definition|defined)\b|^\s*\w+\s*\?*$", re.I
)


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
        prior = self._window_prior(ids, candidates)
        cue = self._cues(query, [index.passages[p] for p in ids.tolist()])
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

    def _window_prior(self, ids: np.ndarray, candidates: Candidates) -> np.ndarray:
        """1/rank of each passage's window (a run of neighbouring passages of one section) among windows
        ordered by their best fused retrieval rank: retrieval's verdict on *where* the answer is,
        shared by the neighbours of a strong match."""
        window_of = self.index.passage_window
        window_rank: dict[int, int] = {}
        for passage in sorted(candidates.fused_rank, key=lambda p: candidates.fused_rank[p]):
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
        docs = {index.passages[p].doc.source_id for p in ids.tolist()}
        median = {d: float(np.median(index.vectors[index.doc_heading_rows[d]] @ vector)) for d in docs}
        baseline = np.array([median[index.passages[p].doc.source_id] for p in ids.tolist()])
        lift = np.where(rows >= 0, np.maximum(0.0, similarity - baseline), 0.0)
        return similarity, lift

    def _cues(self, query: UnderstoodQuery, passages: list[EvidencePassage]) -> np.ndarray:
        s = self.settings
        cues = [answer_re for ask_re, answer_re in QUESTION_CUES if ask_re.search(query.question)]
        # "What does XYZ stand for?": the sentence that spells the acronym out answers it.
        asked = [a for a in self.vocab.acronyms if re.search(rf"\b{re.escape(a)}\b", query.question, re.I)]
        asks_definition = bool(DEFINITION_RE.search(query.question))
        # "What is X?" / "X definition": a sentence saying what the condition *is* answers it.
        names = {re.sub(r"\s*\([^)]*\)", "", topic) for topic in query.topics}
        defines = (
            [re.compile(rf"^(an? |the )?{re.escape(n)}( \([A-Z]+\))? (is|are) (an?|the)\b", re.I) for n in names]
            if asks_definition
            else []
        )
        out = np.zeros(len(passages))
        for i, ev in enumerate(passages):
            cue = s.cue_bonus * sum(bool(c.search(ev.text)) for c in cues) / max(len(cues), 1)
            if asked and asks_definition and any(f"({a.upper()})" in ev.text for a in asked):
                cue += s.definition_bonus
            if any(d.search(ev.text) for d in defines):
                cue += s.definition_bonus
            out[i] = cue
        return out
