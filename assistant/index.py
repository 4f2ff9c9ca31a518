"""Index stage: FAISS (dense) and BM25 (lexical) indexes over the chunks, persisted with a manifest.

The manifest records what the index was built from (corpus content hash, model, settings hash,
format version) and a checksum of every stored file, so that a stale index is rebuilt (or refused)
and a truncated or corrupt one is reported clearly instead of failing somewhere deep in FAISS.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import bm25s
import faiss
import numpy as np
import Stemmer
from llama_index.core import StorageContext, VectorStoreIndex, load_index_from_storage
from llama_index.core.schema import BaseNode
from llama_index.retrievers.bm25 import BM25Retriever
from llama_index.vector_stores.faiss import FaissVectorStore

from assistant.chunking import build_chunks, passage_text
from assistant.corpus import DocumentInfo, corpus_hash, load_corpus
from assistant.embeddings import embed_texts, load_embed_model
from assistant.errors import IndexCorruptError, StaleIndexError
from assistant.ingest import ParsedDocument, Passage, parse_corpus, parsed_document_from_dict
from assistant.settings import Settings

logger = logging.getLogger(__name__)

FORMAT_VERSION = 4
MANIFEST = "manifest.json"
EMBEDDING_DIM = 384
STEMMER = Stemmer.Stemmer("english")


@dataclass
class EvidencePassage:
    """A passage with everything retrieval and answering need, in one global list."""

    index: int
    doc: ParsedDocument
    passage: Passage
    text: str  # plain text of the passage (white space folded)
    embed_text: str  # what was embedded: title and section as context, then the text
    match_text: str  # what BM25 matches: the text with its section and citation, not the title


@dataclass
class CorpusIndex:
    """The loaded index: documents, passages with embeddings, a FAISS chunk index and BM25."""

    settings: Settings
    infos: dict[str, DocumentInfo]
    documents: dict[str, ParsedDocument]
    passages: list[EvidencePassage]
    passage_vectors: np.ndarray  # contextual: title, section and text of each passage
    sentence_vectors: np.ndarray  # bare: each sentence piece's own text (see sentence_pieces)
    heading_vectors: np.ndarray  # each document's title, then its distinct headings (see heading_texts)
    vector_index: VectorStoreIndex
    chunk_bm25: BM25Retriever
    manifest: dict[str, object]
    passage_bm25: bm25s.BM25 = field(init=False)
    by_key: dict[tuple[str, int], int] = field(init=False)
    passage_rows: list[list[int]] = field(init=False)
    heading_row: dict[tuple[str, str], int] = field(init=False)
    piece_count: int = field(init=False)

    def __post_init__(self) -> None:
        # Passage-level BM25 is rebuilt on load: it takes milliseconds and needs no file of its own.
        self.passage_bm25 = bm25s.BM25()
        tokens = bm25s.tokenize(
            [p.match_text for p in self.passages], stopwords="en", stemmer=STEMMER, show_progress=False
        )
        self.passage_bm25.index(tokens, show_progress=False)
        self.by_key = {(p.doc.source_id, p.passage.id): p.index for p in self.passages}
        # Rows of sentence_vectors for each passage, laid out as build_index embeds them.
        rows_of_sentence: dict[tuple[str, int], list[int]] = {}
        row = 0
        for doc in self.documents.values():
            for sentence in doc.sentences:
                count = len(sentence_pieces(sentence.plain))
                rows_of_sentence[(doc.source_id, sentence.id)] = list(range(row, row + count))
                row += count
        self.piece_count = row
        self.heading_row = {}
        for doc in self.documents.values():
            for text in heading_texts(doc):
                self.heading_row[(doc.source_id, text)] = len(self.heading_row)
        self.passage_rows = [
            [r for sid in ev.passage.sentence_ids for r in rows_of_sentence[(ev.doc.source_id, sid)]]
            for ev in self.passages
        ]

    def source_path(self, source_id: str) -> Path:
        return self.settings.corpus_dir / self.infos[source_id].file


def sentence_pieces(text: str) -> list[str]:
    """What is embedded for one sentence: the sentence, and for a long one also its clauses.

    A 60-word abstract sentence ("... is reported: a 48-year-old woman presented with ...") embeds
    to a blur; its clauses, embedded on their own, still match a question about one of them.
    """
    pieces = [text]
    if len(text.split()) > 25:
        clauses = [c.strip() for c in re.split(r"[:;]\s", text)]
        if len(clauses) > 1 and all(len(c.split()) >= 4 for c in clauses):
            pieces += clauses
    return pieces


def heading_texts(doc: ParsedDocument) -> list[str]:
    """The document's title followed by its distinct section headings, in order."""
    return list(dict.fromkeys([doc.title, *doc.sections]))


def _contexts(doc: ParsedDocument, passage: Passage, text: str) -> tuple[str, str]:
    """(embed text, match text): the passage with its title and section for embedding, and with its
    section but not its title for BM25 (a title word is in every passage of a document: it says
    which document, not which passage)."""
    # Case reports are asked about by author and year ("the Woitzik report"), so those go in too.
    author = str(doc.metadata.get("first_author", "")).split()[-1:] or []
    cite = f"{author[0]} et al. {doc.metadata.get('year', '')}".strip() if author else ""
    local = " — ".join(x for x in (cite, passage.context, passage.section) if x)
    return f"{doc.title} — {local}: {text}", f"{local}: {text}"


def _evidence(documents: list[ParsedDocument]) -> list[EvidencePassage]:
    out: list[EvidencePassage] = []
    for doc in documents:
        for passage in doc.passages:
            text = passage_text(doc, passage)
            out.append(EvidencePassage(len(out), doc, passage, text, *_contexts(doc, passage, text)))
    return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pipeline_hash() -> str:
    """Hash of the code that shapes a stored index: a change to ingest, chunking or indexing makes it stale."""
    digest = hashlib.sha256()
    for module in ("ingest.py", "chunking.py", "index.py"):
        digest.update((Path(__file__).parent / module).read_bytes())
    return digest.hexdigest()[:16]


def index_dir(settings: Settings) -> Path:
    return settings.data_dir / "index"


def build_index(settings: Settings, show_progress: bool = True) -> dict[str, object]:
    """Parse the corpus, embed chunks and passages, and write the index atomically. Returns the manifest."""
    started = time.perf_counter()
    sources = load_corpus(settings.corpus_dir)
    documents = parse_corpus(sources)
    nodes: list[BaseNode] = [n for d in documents for n in build_chunks(d, settings.chunk_max_words)]
    evidence = _evidence(documents)
    target = index_dir(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".index-", dir=target.parent))
    try:
        embed_model = load_embed_model(settings.embed_batch_size)
        vector_store = FaissVectorStore(faiss_index=faiss.IndexFlatIP(EMBEDDING_DIM))
        storage = StorageContext.from_defaults(vector_store=vector_store)
        VectorStoreIndex(nodes, storage_context=storage, embed_model=embed_model, show_progress=show_progress)
        storage.persist(persist_dir=str(staging / "vector"))
        BM25Retriever.from_defaults(nodes=nodes, stemmer=STEMMER, language="en").persist(str(staging / "bm25"))
        vectors = embed_texts([e.embed_text for e in evidence], settings.embed_batch_size, show_progress)
        np.save(staging / "passage_vectors.npy", vectors)
        sentences = [piece for d in documents for s in d.sentences for piece in sentence_pieces(s.plain)]
        np.save(staging / "sentence_vectors.npy", embed_texts(sentences, settings.embed_batch_size, show_progress))
        headings = [h for d in documents for h in heading_texts(d)]
        np.save(staging / "heading_vectors.npy", embed_texts(headings, settings.embed_batch_size, show_progress))
        (staging / "documents.json").write_text(
            json.dumps(
                {"infos": [s.info.model_dump() for s in sources], "documents": [d.to_dict() for d in documents]},
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        files = {str(p.relative_to(staging)): _sha256(p) for p in sorted(staging.rglob("*")) if p.is_file()}
        manifest: dict[str, object] = {
            "format_version": FORMAT_VERSION,
            "corpus_hash": corpus_hash(settings.corpus_dir),
            "embedding_model": settings.embedding_model,
            "settings_hash": settings.index_fingerprint(),
            "pipeline_hash": pipeline_hash(),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "build_seconds": round(time.perf_counter() - started, 2),
            "counts": {"documents": len(documents), "chunks": len(nodes), "passages": len(evidence)},
            "files": files,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return manifest


def read_manifest(settings: Settings) -> dict[str, object] | None:
    """The stored index manifest, or None when there is no index."""
    path = index_dir(settings) / MANIFEST
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IndexCorruptError(f"{path} is corrupt ({exc}); run `assistant index --rebuild`") from exc
    if not isinstance(data, dict):
        raise IndexCorruptError(f"{path} is corrupt (not an object); run `assistant index --rebuild`")
    return data


def stale_reasons(settings: Settings, manifest: dict[str, object]) -> list[str]:
    """Why a stored index no longer matches the corpus and settings (empty when it is current)."""
    reasons = []
    if manifest.get("format_version") != FORMAT_VERSION:
        reasons.append(f"index format {manifest.get('format_version')} != {FORMAT_VERSION}")
    if manifest.get("corpus_hash") != corpus_hash(settings.corpus_dir):
        reasons.append("the corpus changed since the index was built")
    if manifest.get("embedding_model") != settings.embedding_model:
        reasons.append("the embedding model changed")
    if manifest.get("settings_hash") != settings.index_fingerprint():
        reasons.append("index settings changed")
    if manifest.get("pipeline_hash") != pipeline_hash():
        reasons.append("the ingest or index code changed")
    return reasons


def verify_files(settings: Settings, manifest: dict[str, object]) -> None:
    """Raise :class:`IndexCorruptError` naming the first stored file that is missing or altered."""
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        raise IndexCorruptError(f"{index_dir(settings) / MANIFEST} lists no files; run `assistant index --rebuild`")
    for name, digest in files.items():
        path = index_dir(settings) / name
        if not path.is_file():
            raise IndexCorruptError(f"index file {path} is missing; run `assistant index --rebuild`")
        if _sha256(path) != digest:
            raise IndexCorruptError(
                f"index file {path} is corrupt or truncated (checksum mismatch); run `assistant index --rebuild`"
            )


def load_index(settings: Settings, rebuild: bool = False, show_progress: bool = False) -> CorpusIndex:
    """Load the stored index, building it when missing or stale (``on_stale_index='fail'`` refuses)."""
    manifest = None if rebuild else read_manifest(settings)
    if manifest is None:
        logger.info("building the index in %s", index_dir(settings))
        manifest = build_index(settings, show_progress=show_progress)
    elif reasons := stale_reasons(settings, manifest):
        if settings.on_stale_index == "fail":
            raise StaleIndexError(
                f"the index in {index_dir(settings)} is stale ({'; '.join(reasons)}); run `assistant index`"
            )
        logger.info("rebuilding the index: %s", "; ".join(reasons))
        manifest = build_index(settings, show_progress=show_progress)
    verify_files(settings, manifest)
    root = index_dir(settings)
    try:
        stored = json.loads((root / "documents.json").read_text(encoding="utf-8"))
        infos = {i["id"]: DocumentInfo.model_validate(i) for i in stored["infos"]}
        documents = [parsed_document_from_dict(d) for d in stored["documents"]]
        vectors = np.load(root / "passage_vectors.npy")
        sentence_vectors = np.load(root / "sentence_vectors.npy")
        heading_vectors = np.load(root / "heading_vectors.npy")
        vector_store = FaissVectorStore.from_persist_dir(str(root / "vector"))
        storage = StorageContext.from_defaults(vector_store=vector_store, persist_dir=str(root / "vector"))
        vector_index = load_index_from_storage(storage, embed_model=load_embed_model(settings.embed_batch_size))
        with contextlib.redirect_stderr(io.StringIO()):  # bm25s shows a progress bar on every load
            chunk_bm25 = BM25Retriever.from_persist_dir(str(root / "bm25"))
    except Exception as exc:  # any failure to read a stored file means the index cannot be used
        raise IndexCorruptError(f"the index in {root} cannot be read ({exc}); run `assistant index --rebuild`") from exc
    evidence = _evidence(documents)
    if vectors.shape != (len(evidence), EMBEDDING_DIM):
        raise IndexCorruptError(
            f"{root / 'passage_vectors.npy'} does not match the passages; run `assistant index --rebuild`"
        )
    assert isinstance(vector_index, VectorStoreIndex)
    loaded = CorpusIndex(
        settings=settings,
        infos=infos,
        documents={d.source_id: d for d in documents},
        passages=evidence,
        passage_vectors=vectors,
        sentence_vectors=sentence_vectors,
        heading_vectors=heading_vectors,
        vector_index=vector_index,
        chunk_bm25=chunk_bm25,
        manifest=manifest,
    )
    if heading_vectors.shape != (len(loaded.heading_row), EMBEDDING_DIM):
        raise IndexCorruptError(
            f"{root / 'heading_vectors.npy'} does not match the headings; run `assistant index --rebuild`"
        )
    if sentence_vectors.shape != (loaded.piece_count, EMBEDDING_DIM):
        raise IndexCorruptError(
            f"{root / 'sentence_vectors.npy'} does not match the sentences; run `assistant index --rebuild`"
        )
    return loaded
