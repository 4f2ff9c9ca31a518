"""A cited, extractive question-answering assistant over a small corpus about rare tumours.

>>> from assistant import Assistant
>>> bot = Assistant.load()
>>> bot.ask("What does ASPS stand for?").citations[0].quote
"""

from assistant.assistant import Assistant
from assistant.errors import AssistantError, CorpusError, IndexCorruptError, InvalidQuestionError, StaleIndexError
from assistant.schema import Answer, Citation
from assistant.settings import Settings

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
