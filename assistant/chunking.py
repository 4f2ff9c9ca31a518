"""Chunk stage: section-aware chunks for retrieval, built from the ingest stage's evidence passages.

A chunk never crosses a section and never splits a passage (so a list stays with its lead). The
document title and section go into what is embedded, as llama-index metadata, not into any quote.
"""

from __future__ import annotations

from llama_index.core.schema import TextNode

from assistant.ingest import ParsedDocument, Passage


def passage_text(doc: ParsedDocument, passage: Passage) -> str:
    """A passage's sentences as plain text (white space folded); lists keep one item per line."""
    parts = []
    for sid in passage.sentence_ids:
        sentence = doc.sentences[sid]
        parts.append(("\n- " if sentence.role == "item" and passage.kind == "list" else " ") + sentence.plain)
    return "".join(parts).strip()


def build_chunks(doc: ParsedDocument, max_words: int) -> list[TextNode]:
    """Group a document's passages, section by section, into chunks of at most ``max_words`` words."""
    chunks: list[TextNode] = []
    current: list[Passage] = []

    def flush() -> None:
        if not current:
            return
        # Overlapping passages (an anaphoric sentence with its neighbour) would repeat text; keep
        # each sentence once, in document order.
        seen: set[int] = set()
        texts = []
        for passage in current:
            fresh = [sid for sid in passage.sentence_ids if sid not in seen]
            seen.update(fresh)
            if fresh:
                texts.append(" ".join(doc.sentences[sid].plain for sid in fresh))
        section = current[0].section
        chunks.append(
            TextNode(
                id_=f"{doc.source_id}#{len(chunks)}",
                text="\n".join(texts),
                metadata={
                    "title": doc.title,
                    "section": section or "",
                    "source_id": doc.source_id,
                    "passage_ids": [p.id for p in current],
                },
                excluded_embed_metadata_keys=["source_id", "passage_ids"],
                excluded_llm_metadata_keys=["passage_ids"],
            )
        )
        current.clear()

    words = 0
    for passage in doc.passages:
        size = len(passage_text(doc, passage).split())
        if current and (passage.section != current[0].section or words + size > max_words):
            flush()
            words = 0
        current.append(passage)
        words += size
    flush()
    return chunks
