"""Retrieve stage: the funnel's first cut. Dense (FAISS) and lexical (BM25) search return candidate
passages; only these reach the answerer.

One FAISS search over all dense rows finds passages in context, single sentences or clauses, and
section headings; one BM25 search finds passages by their words. The two passage rankings are fused
by reciprocal rank (Cormack et al. 2009). A heading that matches the question brings its section's
passages in (a question asked in a section's words is answered from that section), and documents
the question names bring in theirs, each bounded by the size of a section or document, never the
corpus. Either half can run alone (``mode``) for the eval's ablations.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_EN

from assistant.index import CorpusIndex
from assistant.text import spelling_key, stemmer, without_accents
from assistant.vector_store import search

MODES = ("hybrid", "dense", "bm25")


@dataclass
class Candidates:
    """What retrieval found for one question: candidate passages with their retrieval evidence."""

    passages: list[int]  # passage indexes, best fused rank first
    fused_rank: dict[int, int]  # passage -> 1-based rank in the fused ranking (absent: brought in by section/doc)
    lexical: dict[int, float]  # passage -> raw BM25 score (absent: no lexical match)
    headings: dict[int, float] = field(default_factory=dict)  # heading row -> cosine, for rows the search found
    sections: list[tuple[str, str]] = field(default_factory=list)  # sections brought in whole, best first


def reciprocal_rank_fusion(rankings: list[list[int]], k: int) -> dict[int, float]:
    """Cormack et al. (2009): score = sum over rankings of 1 / (k + rank), rank starting at 1."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, key in enumerate(ranking, start=1):
            scores[key] = scores.get(key, 0.0) + 1.0 / (k + rank)
    return scores


# Words that make a sentence a question, and the asker's pronouns: they are in every question and say
# nothing of its subject, yet BM25 matches them in passages ("do" in "do a physical exam", "how" in a
# heading "How is X treated?"). Left out of the query only; the passages' index keeps its words.
QUESTION_FUNCTION_WORDS = frozenset(
    """how what when where which who whom whose why do does did doing done can could would should shall may
    might must i me my mine myself you your yours we us our ours he him his she her hers they them their
    theirs its am have has had having""".split()
)
_QUERY_STOPWORDS = sorted(set(STOPWORDS_EN) | QUESTION_FUNCTION_WORDS)


def lexical_tokens(text: str) -> list[str]:
    """The BM25 tokens of a query: English stop words and question words out, Snowball stems."""
    tokens = bm25s.tokenize(
        [without_accents(text)], stopwords=_QUERY_STOPWORDS, stemmer=stemmer(), show_progress=False, return_ids=False
    )
    return list(tokens[0]) if tokens else []


def spelling_forms(vocabulary: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The BM25 tokens of a corpus grouped by spelling ("tumour" and "tumor", "hypoglycaemia" and
    "hypoglycemia" share a key): a question in one spelling must find pages written in the other, in
    either direction. Learned from the pages' own words, so only forms a page uses are searched."""
    forms: dict[str, list[str]] = {}
    for token in vocabulary:
        forms.setdefault(spelling_key(token), []).append(token)
    # (A word with no other spelling, written as its key, needs no entry: the key itself is the form.)
    return {key: tuple(sorted(group)) for key, group in forms.items() if group != [key]}


@lru_cache(maxsize=1)
def _lexical_pool() -> ThreadPoolExecutor:
    """Threads that score BM25 beside a FAISS search (one per core the two searches can share)."""
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="bm25")


class CandidateRetriever:
    """Dense + BM25 candidate retrieval over a :class:`CorpusIndex`, with either half usable alone."""

    def __init__(self, index: CorpusIndex, mode: str = "hybrid") -> None:
        if mode not in MODES:
            raise ValueError(f"unknown retrieval mode {mode!r}; choose one of {MODES}")
        self.index = index
        self.mode = mode
        self.spellings = spelling_forms(index.lexical.vocab_dict)

    def _spelt_as(self, token: str) -> tuple[str, ...]:
        """The corpus's tokens spelt like ``token`` (its own spelling among them when a page uses it)."""
        key = spelling_key(token)
        if key in self.spellings:
            return self.spellings[key]
        return (key,) if key in self.index.lexical.vocab_dict else ()

    def dense_search(self, vector: np.ndarray) -> tuple[list[int], dict[int, float]]:
        """Passages ranked by their best dense row (context, sentence or clause), and heading rows found."""
        index, settings = self.index, self.index.settings
        depth = min(settings.dense_depth, index.dense.ntotal)
        scores, rows = search(index.dense, vector, depth, settings)
        best: dict[int, float] = {}
        headings: dict[int, float] = {}
        first_heading = index.passage_count + index.piece_count
        for score, row in zip(scores[0].tolist(), rows[0].tolist(), strict=True):
            if row < 0:
                continue
            if row < index.passage_count:
                owners = [row]
            elif row < first_heading:
                owners = index.piece_passages[row - index.passage_count]
            else:
                headings[row] = score
                continue
            for passage in owners:
                best.setdefault(passage, score)  # rows come best first
        return sorted(best, key=lambda p: -best[p]), headings

    def lexical_scores(self, text: str) -> np.ndarray | None:
        """Every passage's raw BM25 score for ``text`` (None when it has no searchable word)."""
        tokens = lexical_tokens(text)
        tokens += [v for t in tokens for v in self._spelt_as(t) if v not in tokens]
        return self.index.lexical.get_scores(tokens) if tokens else None

    def lexical_search(self, text: str, scores: np.ndarray | None = None) -> dict[int, float]:
        """Passages with a BM25 match for ``text``, top ``lexical_depth``, with their raw scores."""
        scores = self.lexical_scores(text) if scores is None else scores
        if scores is None:
            return {}
        depth = min(self.index.settings.lexical_depth, len(scores))
        top = np.argpartition(-scores, depth - 1)[:depth] if depth < len(scores) else np.arange(len(scores))
        return {int(p): float(scores[p]) for p in top if scores[p] > 0}

    def _scored_and_top(
        self, text: str, scores: np.ndarray | None = None
    ) -> tuple[np.ndarray | None, dict[int, float]]:
        """Every passage's BM25 score (``scores`` when already scored) and the top ones: the part of
        retrieval that needs no vector."""
        scores = self.lexical_scores(text) if scores is None else scores
        return scores, self.lexical_search(text, scores)

    def retrieve(
        self,
        text: str,
        vector: np.ndarray,
        lexical_text: str | None = None,
        documents: set[str] | None = None,
        lexical_scores: np.ndarray | None = None,
    ) -> Candidates:
        """Candidates for a question: ``text`` is what is matched densely (already embedded as ``vector``),
        ``lexical_text`` what BM25 matches (default ``text``; ``lexical_scores`` when already scored),
        ``documents`` the ones it names."""
        index, settings = self.index, self.index.settings
        dense_ranking: list[int] = []
        headings: dict[int, float] = {}
        # BM25 scores on another thread while FAISS searches (both leave the GIL for most of their work),
        # unless the caller scored them already (ask does, while the question is embedded).
        pending = None
        if (
            self.mode == "hybrid"
            and lexical_scores is None
            and index.passage_count >= settings.parallel_lexical_min_passages
        ):
            pending = _lexical_pool().submit(self._scored_and_top, lexical_text or text)
        if self.mode in ("hybrid", "dense"):
            dense_ranking, headings = self.dense_search(vector)
        lexical: dict[int, float] = {}
        all_scores: np.ndarray | None = None
        if self.mode in ("hybrid", "bm25"):
            if pending is not None:
                all_scores, lexical = pending.result()
            else:
                all_scores, lexical = self._scored_and_top(lexical_text or text, lexical_scores)
        lexical_ranking = sorted(lexical, key=lambda p: -lexical[p])
        fused = reciprocal_rank_fusion([r for r in (dense_ranking, lexical_ranking) if r], settings.rrf_k)
        ranked = sorted(fused, key=lambda p: -fused[p])[: settings.candidate_limit]
        fused_rank = {p: rank for rank, p in enumerate(ranked, start=1)}
        chosen = list(ranked)
        # A heading that matches the question well brings in its whole section (bounded by its size).
        sections: list[tuple[str, str]] = []
        for row, score in sorted(headings.items(), key=lambda x: -x[1]):
            key = index.heading_keys[row - index.passage_count - index.piece_count]
            members = index.section_passages.get(key, [])
            if score < settings.section_heading_min or not members or len(sections) >= settings.section_limit:
                continue
            sections.append(key)
            chosen += members[: settings.section_max_passages]
        # Documents the question names: their passages compete even when they rank low corpus-wide,
        # so that "X of document D" is answered from D or refused, never from a lookalike.
        for source_id in sorted(documents or ()):
            members = index.doc_passages.get(source_id, [])
            if len(members) <= settings.named_document_max_passages:
                chosen += members
                # ... with their own lexical match, which passages of other documents may have pushed
                # out of the corpus-wide top (BM25 already scored every passage: no extra search).
                if all_scores is not None:
                    lexical.update({p: float(all_scores[p]) for p in members if all_scores[p] > 0})
        return Candidates(list(dict.fromkeys(chosen)), fused_rank, lexical, headings, sections)
