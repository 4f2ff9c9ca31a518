"""Passage text: how an evidence passage reads as plain text (the unit retrieval and answers use).

Retrieval works on passages directly (a sentence, a list with its lead, an anaphoric pair), so no
larger chunks are built: the section a passage sits in is its context, embedded with it.
"""

from __future__ import annotations

from assistant.ingest import ParsedDocument, Passage


def passage_text(doc: ParsedDocument, passage: Passage) -> str:
    """A passage's sentences as plain text (white space folded); lists keep one item per line."""
    parts = []
    for sid in passage.sentence_ids:
        sentence = doc.sentences[sid]
        parts.append(("\n- " if sentence.role == "item" and passage.kind == "list" else " ") + sentence.plain)
    return "".join(parts).strip()
