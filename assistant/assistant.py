"""The composition root: wires corpus → index → retrieval → answerer → citation gate into one API.

Everything a person or script touches (CLI, chat UI, eval) goes through :class:`Assistant`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

import torch

from assistant.answer import ExtractiveAnswerer, QueryVectors
from assistant.citations import enforce_citations
from assistant.errors import InvalidQuestionError
from assistant.index import CorpusIndex, load_index
from assistant.query import Vocabulary, build_vocabulary, understand
from assistant.retrieve import HybridRetriever
from assistant.safety import is_injection, route
from assistant.schema import Answer
from assistant.settings import Settings

AUDIENCES = ("family", "clinician")


class Assistant:
    """Answers questions from the corpus; every sentence of an answer is cited and verified."""

    def __init__(self, index: CorpusIndex, settings: Settings) -> None:
        self.index = index
        self.settings = settings
        texts = [s.text for d in index.documents.values() for s in d.sentences]
        topics: dict[str, list[str]] = {}
        for sid, info in index.infos.items():
            for topic in info.topics:
                topics.setdefault(topic, []).append(sid)
        # Case reports are named by their first author ("the Woitzik report"); documents by their kind.
        authors = {}
        kinds: dict[str, list[str]] = {}
        for doc in index.documents.values():
            author = str(doc.metadata.get("first_author", "")).split()
            if author:
                authors[author[-1]] = doc.source_id
            kind = index.infos[doc.source_id].kind.removesuffix(" abstract")
            kinds.setdefault(kind, []).append(doc.source_id)
        self.vocab: Vocabulary = build_vocabulary(texts, topics, authors, kinds)
        self.retriever = HybridRetriever(index)
        self.answerer = ExtractiveAnswerer(index, self.vocab, settings)

    @classmethod
    def load(cls, settings: Settings | None = None, rebuild: bool = False, show_progress: bool = False) -> Assistant:
        """Load the stored index (building it when missing or stale) and wire the pipeline."""
        settings = settings or Settings()
        torch.set_num_threads(settings.torch_threads)
        return cls(load_index(settings, rebuild=rebuild, show_progress=show_progress), settings)

    # -- what the assistant knows -------------------------------------------------------------
    def coverage_summary(self) -> str:
        """One phrase naming what the documents cover, grouped by condition (for messages and the UI)."""
        parts = []
        for topic in sorted({t for i in self.index.infos.values() for t in i.topics}):
            kinds: dict[str, int] = {}
            for info in self.index.infos.values():
                if topic in info.topics:
                    kinds[info.kind] = kinds.get(info.kind, 0) + 1
            described = " and ".join(
                f"{'a' if n == 1 else n} {kind}{'' if n == 1 else 's'}" for kind, n in kinds.items()
            )
            parts.append(f"{topic} ({described})")
        return " and ".join(parts)

    def abstention_text(self) -> str:
        """The fixed, kind message used whenever the documents do not support an answer."""
        return (
            "I'm sorry — the documents I have don't answer that, and I won't guess. "
            f"They cover {self.coverage_summary()}. "
            "You could ask about one of those, or ask your care team."
        )

    def greeting_text(self) -> str:
        """The short friendly reply to greetings, thanks and "what can you do?"."""
        return (
            f"Hello! I answer questions from a few documents about {self.coverage_summary()}, "
            "and I show the source of every sentence. "
            'For example: "What are the symptoms of hemangiopericytoma?" '
            "I give information, not medical advice."
        )

    # -- asking ------------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        history: Sequence[dict[str, str]] | None = None,
        audience: str = "family",
    ) -> Answer:
        """Answer ``question`` from the documents, using ``history`` to resolve follow-ups.

        Raises :class:`InvalidQuestionError` for an empty, over-long or non-text question.
        """
        question = self.validate_question(question)
        history = validate_history(history)
        if audience not in AUDIENCES:
            raise InvalidQuestionError(f"audience must be one of {AUDIENCES}, not {audience!r}")
        safety = route(question, self.settings)
        if safety.label == "chitchat":
            return Answer(
                question=question, text=self.greeting_text(), abstained=True, safety="chitchat", audience=audience
            )
        if safety.label == "emergency":
            # Nothing may delay or dilute the emergency guidance: no document answer follows it.
            text = f"{safety.notice}\n\nWhen everyone is safe, I can answer questions about {self.coverage_summary()}."
            return Answer(
                question=question,
                text=text,
                abstained=True,
                safety="emergency",
                notice=safety.notice,
                audience=audience,
            )
        if is_injection(question):
            return self._abstain(question, audience, safety.label, safety.notice)
        query = understand(question, history, self.vocab)
        vectors = QueryVectors.embed(query)
        chunks = self.retriever.retrieve(query.text, vectors.full, self.settings.retrieve_top_k)
        evidence = self.answerer.select(query, vectors, chunks)
        if evidence.abstain_reason:
            return self._abstain(question, audience, safety.label, safety.notice)
        draft = self.answerer.compose(evidence, audience)
        enforced = enforce_citations(draft.text, draft.citations, self.index.source_path, acronyms=self.vocab.acronyms)
        if not enforced.citations:
            return self._abstain(question, audience, safety.label, safety.notice, enforced.removed)
        text = enforced.text if safety.notice is None else f"{safety.notice}\n\n{enforced.text}"
        return Answer(
            question=question,
            text=text,
            citations=enforced.citations,
            abstained=False,
            safety=safety.label,
            notice=safety.notice,
            audience=audience,
            removed=enforced.removed,
        )

    def _abstain(
        self, question: str, audience: str, label: str | None, notice: str | None, removed: list[str] | None = None
    ) -> Answer:
        text = self.abstention_text() if notice is None else f"{notice}\n\n{self.abstention_text()}"
        return Answer(
            question=question,
            text=text,
            abstained=True,
            safety=label,
            notice=notice,
            audience=audience,
            removed=removed or [],
        )

    def validate_question(self, question: Any) -> str:
        """Return the cleaned question, or raise :class:`InvalidQuestionError` with a clear message."""
        return validate_question(question, self.settings.max_question_chars)


def validate_question(question: Any, max_chars: int) -> str:
    """Return the question with white space folded, or raise :class:`InvalidQuestionError` saying why."""
    if isinstance(question, bytes):
        raise InvalidQuestionError("the question must be text, not bytes")
    if not isinstance(question, str):
        raise InvalidQuestionError(f"the question must be text, not {type(question).__name__}")
    if len(question) > max_chars:
        raise InvalidQuestionError(f"the question is {len(question)} characters long; the limit is {max_chars}")
    if not question.strip():
        raise InvalidQuestionError("the question is empty")
    if not is_readable_text(question):
        raise InvalidQuestionError("the question does not look like text (it is mostly control or binary characters)")
    if not any(ch.isalnum() for ch in question):
        raise InvalidQuestionError(
            "the question has no words in it, only emoji or symbols; please type your question in words"
        )
    return " ".join(question.split())


def is_readable_text(text: str) -> bool:
    """False for binary junk: NUL bytes, or control, private-use or unassigned characters.

    Emoji and symbols are readable (a question of emoji alone is refused for having no words, not as junk).
    """
    if "\x00" in text or "\ufffd" in text:
        return False
    return not any(unicodedata.category(ch) in ("Cc", "Co", "Cn", "Cs") and ch not in "\n\r\t" for ch in text)


def validate_history(history: Sequence[dict[str, str]] | None) -> list[dict[str, str]]:
    """Keep well-formed turns ({'role': 'user'|'assistant', 'content': str}); reject anything else clearly."""
    if history is None:
        return []
    if not isinstance(history, (list, tuple)):
        raise InvalidQuestionError("history must be a list of {'role', 'content'} messages")
    turns = []
    for number, turn in enumerate(history, start=1):
        if not isinstance(turn, dict) or turn.get("role") not in ("user", "assistant"):
            raise InvalidQuestionError(
                f"history message {number} must be {{'role': 'user'|'assistant', 'content': text}}"
            )
        content = turn.get("content")
        if not isinstance(content, str):
            raise InvalidQuestionError(f"history message {number} has no text content")
        turns.append({"role": str(turn["role"]), "content": content})
    return turns[-20:]
