"""A cited, extractive question-answering assistant over a small corpus of documents.

>>> from assistant import Assistant
>>> bot = Assistant.load()
>>> bot.ask("What is this about?").citations

The names below are imported on first use (PEP 562 module ``__getattr__``): ``import assistant.cli``
must not load the index, retrieval and model stack, so that ``assistant --help`` starts at once.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.assistant import Assistant
    from assistant.errors import AssistantError, CorpusError, IndexCorruptError, InvalidQuestionError, StaleIndexError
    from assistant.schema import Answer, Citation
    from assistant.settings import Settings

_HOMES = {
    "Answer": "assistant.schema",
    "Assistant": "assistant.assistant",
    "AssistantError": "assistant.errors",
    "Citation": "assistant.schema",
    "CorpusError": "assistant.errors",
    "IndexCorruptError": "assistant.errors",
    "InvalidQuestionError": "assistant.errors",
    "Settings": "assistant.settings",
    "StaleIndexError": "assistant.errors",
}

__all__ = [
    "Answer",
    "Assistant",
    "AssistantError",
    "Citation",
    "CorpusError",
    "IndexCorruptError",
    "InvalidQuestionError",
    "Settings",
    "StaleIndexError",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'assistant' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
