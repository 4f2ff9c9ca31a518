"""The separate questions of a message that asks several.

A family's message often asks two or three things at once: "will she lose the finger?? is this because
I drank before I knew I was pregnant. and does our 3 year old son need checking too". Retrieved and
scored as one text, such a message gets the passages nearest its strongest question only (or nearest
the story around them). Each question found here is answered on its own, among the passages of the
conversation's subject (see :meth:`assistant.Assistant.ask`).

A question is told by English grammar only: a question word, or an auxiliary verb before its subject
("will she", "does our son", "is this"), at the start of a sentence or after a comma. Keyword lookups
("BEP doses? cycles?") are no English questions: a nurse's shorthand is answered as one lookup.
"""

from __future__ import annotations

import re

from assistant.query import spell_out_notation
from assistant.text import content_words

_AUXILIARY = r"(?:is|are|was|were|can|could|will|would|should|shall|does|do|did|has|have|may|might)"
# What follows an auxiliary that opens a question: its subject ("will she", "is a desmoid ...", "can the op ...").
_SUBJECT = (
    r"(?:a|an|the|this|that|these|those|it|its|he|she|i|we|they|you|my|our|his|her|their|there|your|someone|"
    r"anyone|people|kids|children)"
)
# "when"/"where" open a question only before an auxiliary: "when i searched ..." tells, "when does she ..." asks.
_OPENING = (
    rf"(?:how|what|whats|what's|why|which|who|(?:when|where)\s+{_AUXILIARY}|{_AUXILIARY}\s+(?:not\s+)?{_SUBJECT})"
)
_JOINERS = r"(?:(?:and|also|so|but|ok|okay|then|plus)\b[\s,]*)*"
# A question opening a sentence or a clause, after words that only join it on ("and does ...", "also, will ...") ...
_ASKS_RE = re.compile(rf"(?:^|,)\s*{_JOINERS}{_OPENING}\b", re.I)
# ... or a sentence with its question mark opening on an auxiliary before a name ("can MGA spread?").
_ASKS_OF_A_NAME_RE = re.compile(rf"^\s*{_JOINERS}{_AUXILIARY}\s+\w.*\?$", re.I | re.S)
# Where one sentence ends and the next begins: after a question or exclamation mark (however many), or a full stop
# after a word (not a decimal point, nor an abbreviation's: "Lindqvist et al. review", "Dr. Ames", "e.g. pain").
_SENTENCE_BREAK_RE = re.compile(
    r"(?<=[?!])\s*|(?<!\bal\.)(?<!\bdr\.)(?<!\bmr\.)(?<!\bms\.)(?<!\bmrs\.)(?<!\bvs\.)(?<!\bno\.)(?<!\b[a-z]\.[a-z]\.)(?<=\w\.)\s+",
    re.I,
)
# "will he be ok to go and can he have a drink": a second question joined on with "and" inside one sentence.
_JOINED_QUESTION_RE = re.compile(
    rf"(?:,\s*|\s+)(?:and|or|also|but)\s+(?={_AUXILIARY}\s+(?:he|she|i|we|they|it|you|my|our|his|her|their|the|this|"
    r"that|there)\b)",
    re.I,
)


def asked_parts(message: str, min_words: int, most: int) -> list[str]:
    """The questions a message asks, in its order, when it asks two or more with at least ``min_words`` content
    words each ("why is that?" only points back); ``[]`` for a message asking one thing. At most ``most``: a
    longer list is more likely a message's sentences misread than its questions."""
    text = spell_out_notation(message)
    pieces = [
        piece.strip()
        for sentence in _SENTENCE_BREAK_RE.split(text)
        for piece in _JOINED_QUESTION_RE.split(sentence)
        if piece and piece.strip()
    ]
    parts = [
        piece
        for piece in pieces
        if (_ASKS_RE.search(piece) or _ASKS_OF_A_NAME_RE.match(piece)) and len(content_words(piece)) >= min_words
    ]
    return parts if 2 <= len(parts) <= most else []
