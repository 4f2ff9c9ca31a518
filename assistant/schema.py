"""The shapes the API returns: an answer and its citations (other tools rely on these exactly)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Citation(BaseModel):
    """One source an answer cites: the verbatim quote and where it sits in the source file."""

    marker: int = Field(description="The n of the [n] marker in the answer text.")
    source_id: str
    title: str
    section: str | None = Field(None, description="Heading the quote sits under, if any.")
    quote: str = Field(description="Verbatim text of the source file at [start, end).")
    start: int = Field(description="Character offset of the quote in the source file.")
    end: int
    context: str | None = Field(None, description="Page area or abstract part (e.g. 'Methods').")
    source_kind: str | None = Field(None, description="'patient page' or 'case report abstract'.")
    publisher: str | None = None
    journal: str | None = None
    year: int | None = None
    doi: str | None = None


class Answer(BaseModel):
    """What :meth:`assistant.Assistant.ask` returns."""

    question: str
    text: str = Field(description="Markdown; every sentence of document content ends with [n].")
    citations: list[Citation] = Field(default_factory=list)
    abstained: bool = Field(False, description="True when the documents do not support an answer.")
    safety: str | None = Field(None, description="None, 'emergency', 'treatment_decision' or 'chitchat'.")
    notice: str | None = Field(
        None, description="Fixed guidance placed before the cited text (emergency, care team); not a claim."
    )
    audience: str = "family"
    removed: list[str] = Field(default_factory=list, description="Sentences citation enforcement removed.")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict of the answer."""
        return self.model_dump(mode="json")
