"""Index stage: one dense store (FAISS) and one lexical store (BM25) over the evidence passages.

The dense store holds three kinds of rows, each a unit-length MiniLM embedding:

* ``passage`` rows: each evidence passage in its context (title, section), which finds the right place;
* ``piece`` rows: each sentence alone, and the clauses of a long one, which tell sentences apart;
* ``heading`` rows: each document's title and section headings, which let a question asked in a
  section's words ("How is X treated?") land on that section.

The lexical store is bm25s over each passage's text with its section. Everything that depends only
on the corpus (row maps, section membership) is computed here, once, so that answering a question
touches only the candidates retrieval returns.

Embeddings are cached by text (``embedding_cache.npz`` beside the index): a rebuild after adding,
changing or removing one document embeds only the texts that are new. The manifest records what the
index was built from (corpus hash, model, settings, code) and a checksum of every stored file, so a
stale index is rebuilt (or refused) and a truncated one is reported clearly.

We use faiss and bm25s directly rather than through llama-index's ``FaissVectorStore`` and
``BM25Retriever``: our rows are passages, sentence pieces and headings mapped back to passages by
arrays, not nodes; the answerer needs the raw scores of its candidates; and importing llama-index's
stores costs seconds of cold start for a thin wrapper. llama-index remains the eval's stock baseline.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import bm25s
import faiss
import numpy as np

from assistant.chunking import passage_text
from assistant.corpus import DocumentInfo, corpus_hash, load_corpus
from assistant.errors import IndexCorruptError, StaleIndexError
from assistant.ingest import ParsedDocument, Passage, parse_corpus, parsed_document_from_dict
from assistant.settings import Settings
from assistant.text import sentence_pieces, stemmer, without_accents  # one PyStemmer object per thread: not thread-safe

logger = logging.getLogger(__name__)

# Raised whenever what is stored changes, ingestion's output included, so an index built by older code is
# rebuilt on load (7: group labels over question headings, inline-labelled parts, lists without bullets, sub-headings).
FORMAT_VERSION = 8  # (bumped when what ingest stores changes: an index parsed by older code is rebuilt)
MANIFEST = "manifest.json"
EMBEDDING_DIM = 384
ROW_KINDS = ("passage", "piece", "heading")


@dataclass
class EvidencePassage:
    """A passage with everything retrieval and answering need, in one global list."""

    index: int
    doc: ParsedDocument
    passage: Passage
    text: str  # plain text of the passage (white space folded)
    embed_text: str  # what was embedded: title and section as context, then the text
    match_text: str  # what BM25 matches: the text with its section and citation, not the title

    @property
    def block(self) -> int:
        """The block (paragraph, or list with its lead) of its document the passage opens in."""
        return self.doc.sentences[self.passage.sentence_ids[0]].block

    @property
    def table_row(self) -> bool:
        """Whether the passage is one row of a table (each row is a claim of its own)."""
        return self.passage.kind == "item" and self.doc.blocks[self.block].table


@dataclass
class CorpusIndex:
    """The loaded index: documents, passages, the dense store and the lexical store, with row maps."""

    settings: Settings
    infos: dict[str, DocumentInfo]
    documents: dict[str, ParsedDocument]
    passages: list[EvidencePassage]
    vectors: np.ndarray  # every dense row: passages, then pieces, then headings
    dense: faiss.Index  # over ``vectors`` (exact or approximate by size: see vector_store)
    lexical: bm25s.BM25  # over passages' match_text
    manifest: dict[str, object]
    # Row layout and maps, derived from the documents on load (see _derive).
    passage_count: int = field(init=False)
    piece_count: int = field(init=False)
    heading_keys: list[tuple[str, str]] = field(init=False)  # heading row -> (source id, heading text)
    heading_row: dict[tuple[str, str], int] = field(init=False)  # (source id, heading) -> global row
    piece_passages: list[list[int]] = field(init=False)  # piece number -> passages holding its sentence
    passage_pieces: list[np.ndarray] = field(init=False)  # passage -> global rows of its pieces
    passage_heading: np.ndarray = field(init=False)  # passage -> global row of its section heading (-1: none)
    doc_heading_rows: dict[str, np.ndarray] = field(init=False)  # source id -> its headings' global rows
    section_passages: dict[tuple[str, str], list[int]] = field(init=False)  # (source id, section) -> passages
    doc_passages: dict[str, list[int]] = field(init=False)
    by_key: dict[tuple[str, int], int] = field(init=False)  # (source id, passage id) -> passage index
    passage_window: list[int] = field(init=False)  # passage -> its window (consecutive passages of a section)

    def __post_init__(self) -> None:
        self._derive()

    def _derive(self) -> None:
        self.passage_count = len(self.passages)
        self.by_key = {(p.doc.source_id, p.passage.id): p.index for p in self.passages}
        self.doc_passages = {}
        self.section_passages = {}
        for ev in self.passages:
            self.doc_passages.setdefault(ev.doc.source_id, []).append(ev.index)
            if ev.passage.section:
                self.section_passages.setdefault((ev.doc.source_id, ev.passage.section), []).append(ev.index)
        # Windows: runs of consecutive passages within one section, up to prior_window_words words.
        self.passage_window = []
        window, words, place = -1, 0, None
        for ev in self.passages:
            size = len(ev.text.split())
            if (ev.doc.source_id, ev.passage.section) != place or words + size > self.settings.prior_window_words:
                window, words, place = window + 1, 0, (ev.doc.source_id, ev.passage.section)
            self.passage_window.append(window)
            words += size
        # Pieces: the sentence-level rows, laid out as build_index embeds them.
        passages_of_sentence: dict[tuple[str, int], list[int]] = {}
        for ev in self.passages:
            for sid in ev.passage.sentence_ids:
                passages_of_sentence.setdefault((ev.doc.source_id, sid), []).append(ev.index)
        rows_of_sentence: dict[tuple[str, int], list[int]] = {}
        self.piece_passages = []
        row = self.passage_count
        for doc in self.documents.values():
            for sentence in doc.sentences:
                count = len(sentence_pieces(sentence.plain))
                rows_of_sentence[(doc.source_id, sentence.id)] = list(range(row, row + count))
                owners = passages_of_sentence.get((doc.source_id, sentence.id), [])
                self.piece_passages += [owners] * count
                row += count
        self.piece_count = row - self.passage_count
        self.passage_pieces = [
            np.array([r for sid in ev.passage.sentence_ids for r in rows_of_sentence[(ev.doc.source_id, sid)]], int)
            for ev in self.passages
        ]
        self.heading_keys = [(doc.source_id, text) for doc in self.documents.values() for text in heading_texts(doc)]
        first_heading = self.passage_count + self.piece_count
        self.heading_row = {key: first_heading + i for i, key in enumerate(self.heading_keys)}
        self.doc_heading_rows = {}
        for key, hrow in self.heading_row.items():
            self.doc_heading_rows.setdefault(key[0], np.array([], int))
            self.doc_heading_rows[key[0]] = np.append(self.doc_heading_rows[key[0]], hrow)
        self.passage_heading = np.array(
            [
                self.heading_row.get((ev.doc.source_id, ev.passage.section or ""), -1)
                if ev.passage.section and ev.passage.section != ev.doc.title
                else -1
                for ev in self.passages
            ],
            int,
        )

    @property
    def passage_vectors(self) -> np.ndarray:
        """The contextual passage rows of the dense store."""
        return self.vectors[: self.passage_count]

    def row_kind(self, row: int) -> str:
        """Which kind of unit a dense row holds: 'passage', 'piece' or 'heading'."""
        if row < self.passage_count:
            return "passage"
        return "piece" if row < self.passage_count + self.piece_count else "heading"

    def source_path(self, source_id: str) -> Path:
        return self.settings.corpus_dir / self.infos[source_id].file


def heading_texts(doc: ParsedDocument) -> list[str]:
    """The document's title followed by its distinct section headings, in order."""
    return list(dict.fromkeys([doc.title, *doc.sections]))


def _contexts(doc: ParsedDocument, passage: Passage, text: str) -> tuple[str, str]:
    """(embed text, match text): the passage with its title and section for embedding, and with its
    section but not its title for BM25 (a title word is in every passage of a document: it says
    which document, not which passage)."""
    # Case reports are asked about by author and year ("the <author> report"), so those go in too.
    author = str(doc.metadata.get("first_author", "")).split()[-1:] or []
    cite = f"{author[0]} et al. {doc.metadata.get('year', '')}".strip() if author else ""
    local = " — ".join(x for x in (cite, passage.context, passage.section) if x)
    return f"{doc.title} — {local}: {text}", f"{local}: {text}"


def evidence_passages(documents: Sequence[ParsedDocument]) -> list[EvidencePassage]:
    """Every passage of every document, numbered in one global list."""
    out: list[EvidencePassage] = []
    for doc in documents:
        for passage in doc.passages:
            text = passage_text(doc, passage)
            out.append(EvidencePassage(len(out), doc, passage, text, *_contexts(doc, passage, text)))
    return out


def dense_texts(documents: Sequence[ParsedDocument], passages: Sequence[EvidencePassage]) -> list[str]:
    """The text of every dense row, in row order: passages, pieces, headings."""
    pieces = [piece for d in documents for s in d.sentences for piece in sentence_pieces(s.plain)]
    headings = [h for d in documents for h in heading_texts(d)]
    return [*(p.embed_text for p in passages), *pieces, *headings]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pipeline_hash() -> str:
    """Hash of the code that shapes a stored index: a change to ingest, chunking or indexing makes it stale."""
    digest = hashlib.sha256()
    for module in ("corpus.py", "columns.py", "ingest.py", "chunking.py", "index.py", "vector_store.py"):
        path = Path(__file__).parent / module
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def index_dir(settings: Settings) -> Path:
    return settings.data_dir / "index"


def cache_path(settings: Settings) -> Path:
    """The text-keyed embedding cache: kept across rebuilds so unchanged documents are not re-embedded."""
    return settings.data_dir / f"embedding_cache-{settings.index_fingerprint()}.npz"


def _text_key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def embed_with_cache(texts: list[str], settings: Settings, show_progress: bool = False) -> tuple[np.ndarray, int]:
    """Embeddings of ``texts``, taking known ones from the cache; returns the vectors and how many were new."""
    from assistant.embeddings import embed_texts

    path = cache_path(settings)
    cached = read_embedding_cache(path)
    keys = [_text_key(t) for t in texts]
    missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in cached}.items())
    if missing:
        fresh = embed_texts([t for _, t in missing], settings.embed_batch_size, show_progress, settings.build_threads)
        cached.update({k: v for (k, _), v in zip(missing, fresh, strict=True)})
    vectors = np.stack([cached[k] for k in keys]).astype("float32") if keys else np.zeros((0, EMBEDDING_DIM), "float32")
    if missing:
        # Keep only what the current corpus uses, so the cache does not grow without bound.
        write_embedding_cache(path, {k: cached[k] for k in dict.fromkeys(keys)})
    return vectors, len(missing)


def read_embedding_cache(path: Path) -> dict[str, np.ndarray]:
    """A text-keyed embedding cache file as {text key: vector}; empty when missing or unreadable (a
    broken cache only costs time: its texts are embedded again)."""
    if not path.exists():
        return {}
    try:
        with np.load(path) as stored:
            return dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))
    except Exception as exc:
        logger.warning("ignoring the embedding cache %s (%s)", path, exc)
        return {}


def write_embedding_cache(path: Path, cached: dict[str, np.ndarray]) -> None:
    """Write an embedding cache file whole, or not at all (staged, then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_suffix(".tmp.npz")
    np.savez(staging, keys=np.array(list(cached)), vectors=np.stack(list(cached.values())))
    os.replace(staging, path)


def build_lexical(passages: Sequence[EvidencePassage]) -> bm25s.BM25:
    """bm25s over each passage's match text (English stop words, Snowball stems)."""
    lexical = bm25s.BM25()
    texts = [without_accents(p.match_text) for p in passages]  # as questions are typed (retrieve.lexical_tokens)
    tokens = bm25s.tokenize(texts, stopwords="en", stemmer=stemmer(), show_progress=False)
    lexical.index(tokens, show_progress=False)
    return lexical


def build_index(settings: Settings, show_progress: bool = True) -> dict[str, object]:
    """Parse the corpus, embed what is new, and write the index atomically. Returns the manifest."""
    from assistant.vector_store import build_faiss_index

    started = time.perf_counter()
    sources = load_corpus(settings.corpus_dir)
    documents = parse_corpus(sources, settings)
    evidence = evidence_passages(documents)
    vectors, embedded = embed_with_cache(dense_texts(documents, evidence), settings, show_progress)
    target = index_dir(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".index-", dir=target.parent))
    try:
        np.save(staging / "vectors.npy", vectors)
        faiss.write_index(build_faiss_index(vectors, settings), str(staging / "dense.faiss"))
        with contextlib.redirect_stderr(io.StringIO()):
            build_lexical(evidence).save(str(staging / "lexical"))
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
            "document_hashes": {s.source_id: hashlib.sha256(s.text.encode()).hexdigest() for s in sources},
            "embedding_model": settings.embedding_model,
            "settings_hash": settings.index_fingerprint(),
            "pipeline_hash": pipeline_hash(),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "build_seconds": round(time.perf_counter() - started, 2),
            "counts": {
                "documents": len(documents),
                "passages": len(evidence),
                "dense_rows": int(vectors.shape[0]),
                "embedded_now": embedded,
            },
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


def ensure_index(settings: Settings, rebuild: bool = False, show_progress: bool = False) -> dict[str, object]:
    """The manifest of a current index, building it when missing, stale or asked to."""
    manifest = None if rebuild else read_manifest(settings)
    if manifest is None:
        logger.info("building the index in %s", index_dir(settings))
        return build_index(settings, show_progress=show_progress)
    if reasons := stale_reasons(settings, manifest):
        if settings.on_stale_index == "fail":
            raise StaleIndexError(
                f"the index in {index_dir(settings)} is stale ({'; '.join(reasons)}); run `assistant index`"
            )
        logger.info("rebuilding the index: %s", "; ".join(reasons))
        return build_index(settings, show_progress=show_progress)
    return manifest


def load_index(settings: Settings, rebuild: bool = False, show_progress: bool = False) -> CorpusIndex:
    """Load the stored index, building it when missing or stale (``on_stale_index='fail'`` refuses)."""
    manifest = ensure_index(settings, rebuild, show_progress)
    verify_files(settings, manifest)
    root = index_dir(settings)
    try:
        stored = json.loads((root / "documents.json").read_text(encoding="utf-8"))
        infos = {i["id"]: DocumentInfo.model_validate(i) for i in stored["infos"]}
        documents = [parsed_document_from_dict(d) for d in stored["documents"]]
        vectors = np.load(root / "vectors.npy")
        dense = faiss.read_index(str(root / "dense.faiss"))
        with contextlib.redirect_stderr(io.StringIO()):  # bm25s shows a progress bar on every load
            lexical = bm25s.BM25.load(str(root / "lexical"))
    except Exception as exc:  # any failure to read a stored file means the index cannot be used
        raise IndexCorruptError(f"the index in {root} cannot be read ({exc}); run `assistant index --rebuild`") from exc
    evidence = evidence_passages(documents)
    if len(dense_texts(documents, evidence)) != vectors.shape[0] or dense.ntotal != vectors.shape[0]:
        raise IndexCorruptError(f"{root / 'vectors.npy'} does not match the documents; run `assistant index --rebuild`")
    return CorpusIndex(
        settings=settings,
        infos=infos,
        documents={d.source_id: d for d in documents},
        passages=evidence,
        vectors=vectors,
        dense=dense,
        lexical=lexical,
        manifest=manifest,
    )
