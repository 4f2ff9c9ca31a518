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
    safety: str | None = Field(None, description="None, 'emergency', 'treatment_decision', 'diagnosis' or 'chitchat'.")
    notice: str | None = Field(
        None, description="Fixed guidance placed before the cited text (emergency, care team); not a claim."
    )
    audience: str = "family"
    removed: list[str] = Field(default_factory=list, description="Sentences citation enforcement removed.")
    trace: AnswerTrace | None = Field(None, description="What ask() did, when asked for (ask(..., trace=True)).")

    def to_dict(self, include_trace: bool = False) -> dict[str, Any]:
        """A JSON-serialisable dict of the answer (its trace only when ``include_trace``)."""
        return self.model_dump(mode="json", exclude=None if include_trace else {"trace"})


class ScoredCandidate(BaseModel):
    """One candidate passage as the answerer saw it: where it is and the parts of its score."""

    source_id: str
    passage_id: int
    start: int
    end: int
    section: str | None
    text: str
    fused_rank: int | None = Field(None, description="Rank in the fused dense + BM25 retrieval ranking.")
    dense: float
    lexical: float
    heading: float
    prior: float
    cue: float
    strength: float
    score: float
    asked_about: bool = Field(description="From a document the question is about (False: only a rival).")


class AnswerTrace(BaseModel):
    """What :meth:`assistant.Assistant.ask` did: the understood query, the candidates with their score
    parts, the chosen evidence and the abstention rule. Filled when ``ask(..., trace=True)``."""

    route: str | None = Field(None, description="Safety route taken before retrieval, if any.")
    query_text: str = ""
    lexical_text: str = ""
    topics: list[str] = Field(default_factory=list)
    targets: list[list[str]] = Field(default_factory=list)
    carried_topic: bool = False
    unknown_terms: list[str] = Field(default_factory=list)
    retrieval_mode: str = "hybrid"
    candidates: list[ScoredCandidate] = Field(default_factory=list, description="Scored candidates, best first.")
    retrieved: list[ScoredCandidate] = Field(
        default_factory=list, description="The retrieval ranking (fused rank order), before scoring."
    )
    sections: list[str] = Field(default_factory=list, description="Sections retrieval brought in whole.")
    mode: str | None = Field(None, description="'fact', 'section', 'several' or 'parts' (how the evidence was chosen).")
    asked_section: str | None = Field(None, description="The heading the question restates, when one does.")
    selected: list[int] = Field(default_factory=list, description="Indexes into candidates of the quoted passages.")
    asked_parts: list[str] = Field(
        default_factory=list, description="The message's several questions, when each was answered on its own."
    )
    abstain_rule: str | None = None
    abstain_reason: str | None = None
    removed: list[str] = Field(default_factory=list)
    timings_ms: dict[str, float] = Field(default_factory=dict)


Answer.model_rebuild()
