"""Retrieve stage: hybrid retrieval of chunks (FAISS dense + BM25 lexical) fused by reciprocal rank.

We fuse the two rankings ourselves (a few lines) rather than with llama-index's
``QueryFusionRetriever`` because that one re-embeds the query inside an event loop, and the
answerer needs the very same query embedding again to score passages: one embedding per question
is the latency budget.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from llama_index.core.schema import QueryBundle

from assistant.index import CorpusIndex


@dataclass
class RetrievedChunk:
    """A chunk with its fused score and its rank in each retriever (None when it missed)."""

    node_id: str
    source_id: str
    section: str
    passage_ids: list[int]
    score: float
    dense_rank: int | None
    lexical_rank: int | None
    dense_score: float


def reciprocal_rank_fusion(rankings: list[list[str]], k: int) -> dict[str, float]:
    """Cormack et al. (2009): score = sum over rankings of 1 / (k + rank), rank starting at 1."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, key in enumerate(ranking, start=1):
            scores[key] = scores.get(key, 0.0) + 1.0 / (k + rank)
    return scores


class HybridRetriever:
    """Dense + BM25 chunk retrieval over a :class:`CorpusIndex`, with either half usable alone."""

    def __init__(self, index: CorpusIndex, mode: str = "hybrid") -> None:
        if mode not in ("hybrid", "dense", "bm25"):
            raise ValueError(f"unknown retrieval mode {mode!r}")
        self.index = index
        self.mode = mode

    def retrieve(self, query: str, query_vector: np.ndarray, top_k: int) -> list[RetrievedChunk]:
        """The ``top_k`` chunks for a query whose embedding is already computed."""
        settings = self.index.settings
        depth = max(top_k * 2, 10)
        dense_nodes = []
        if self.mode in ("hybrid", "dense"):
            retriever = self.index.vector_index.as_retriever(similarity_top_k=depth)
            dense_nodes = retriever.retrieve(QueryBundle(query, embedding=query_vector.tolist()))
        lexical_nodes = []
        if self.mode in ("hybrid", "bm25"):
            bm25 = self.index.chunk_bm25
            bm25.similarity_top_k = min(depth, len(bm25.corpus) if bm25.corpus else depth)
            lexical_nodes = [n for n in bm25.retrieve(query) if (n.score or 0) > 0]
        dense_ids = [n.node.node_id for n in dense_nodes]
        lexical_ids = [n.node.node_id for n in lexical_nodes]
        fused = reciprocal_rank_fusion([r for r in (dense_ids, lexical_ids) if r], settings.rrf_k)
        nodes = {n.node.node_id: n for n in [*lexical_nodes, *dense_nodes]}
        dense_scores = {n.node.node_id: float(n.score or 0.0) for n in dense_nodes}
        ranked = sorted(fused, key=lambda key: -fused[key])[:top_k]
        out = []
        for key in ranked:
            meta = nodes[key].node.metadata
            out.append(
                RetrievedChunk(
                    node_id=key,
                    source_id=str(meta["source_id"]),
                    section=str(meta.get("section", "")),
                    passage_ids=list(meta.get("passage_ids", [])),
                    score=fused[key],
                    dense_rank=dense_ids.index(key) + 1 if key in dense_ids else None,
                    lexical_rank=lexical_ids.index(key) + 1 if key in lexical_ids else None,
                    dense_score=dense_scores.get(key, 0.0),
                )
            )
        return out
