"""Placeholder: the FAISS index factory (exact by default). Replaced by the vector-store module of issue 8."""

from __future__ import annotations

import faiss
import numpy as np

from assistant.settings import Settings


def build_faiss_index(vectors: np.ndarray, settings: Settings) -> faiss.Index:
    """An exact inner-product index over unit vectors."""
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors, dtype="float32"))
    return index


def search(index: faiss.Index, queries: np.ndarray, k: int, settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """(scores, row ids) of the ``k`` nearest rows for each query."""
    return index.search(np.ascontiguousarray(queries, dtype="float32").reshape(-1, index.d), k)
