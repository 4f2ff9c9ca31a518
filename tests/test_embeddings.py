"""The question encoder (transformers) and the index encoder (sentence-transformers) agree."""

from __future__ import annotations

import numpy as np

from assistant.embeddings import embed_query, embed_texts

TEXTS = [
    "What does the abbreviation stand for?",
    "How is it treated, and what are the side effects of chemotherapy for a child?",
    "Patients with a tumour should be controlled regularly for local recurrence and systemic spread. " * 3,
]


def test_query_and_index_embeddings_are_the_same_vectors() -> None:
    index_side = embed_texts(TEXTS)
    for row, text in zip(index_side, TEXTS, strict=True):
        query_side = embed_query(text)
        assert query_side.shape == (384,)
        assert abs(float(np.linalg.norm(query_side)) - 1.0) < 1e-4
        assert float(query_side @ row) > 0.9999
