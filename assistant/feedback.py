"""Feedback storage: thumbs up / down with an optional comment on an answer, kept in one SQLite file.

Each rating is one row with the time, the question, the answer text and its citations (as JSON), so
a reviewer can see exactly what a person rated without re-running the assistant. The chat UI writes
here; ``assistant feedback export`` reads it back as CSV or JSONL.

Several people may rate answers at the same moment (the UI runs events on several threads, and a
second server process may share the file), so every operation opens its own short-lived connection
with a busy timeout, and the database runs in WAL mode: writers queue behind SQLite's lock instead of
failing, and readers never block them.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from assistant.errors import AssistantError

RATINGS = ("up", "down")
MAX_COMMENT_CHARS = 2000
# Long enough to hold a full answer with its quotes, short enough that one request cannot fill the disk.
MAX_TEXT_CHARS = 50_000
BUSY_TIMEOUT_S = 30.0
EXPORT_FORMATS = ("csv", "jsonl")
FIELDS = ("id", "created_at", "rating", "comment", "question", "answer", "citations", "audience", "key")
# A key is chosen by the client (the chat uses a UUID per answer): short, and safe to log and export.
KEY_RE = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,                              -- ISO 8601, UTC
    rating     TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment    TEXT NOT NULL DEFAULT '',
    question   TEXT NOT NULL,
    answer     TEXT NOT NULL,
    citations  TEXT NOT NULL DEFAULT '[]',                 -- JSON list of Citation dicts
    audience   TEXT,
    key        TEXT                                        -- idempotency key, one per rated answer
)
"""
# NULL keys (ratings sent without one) never collide: SQLite treats NULLs as distinct in a UNIQUE index.
_KEY_INDEX = "CREATE UNIQUE INDEX IF NOT EXISTS feedback_key ON feedback (key)"


class InvalidFeedbackError(AssistantError, ValueError):
    """The rating, comment or answer given with a piece of feedback cannot be stored; the message says why."""


@dataclass(frozen=True)
class FeedbackRecord:
    """One stored rating, as exported (``citations`` is the parsed JSON list)."""

    id: int
    created_at: str
    rating: str
    comment: str
    question: str
    answer: str
    citations: list[dict[str, Any]]
    audience: str | None
    key: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict of the record."""
        return asdict(self)


def normalize_rating(rating: Any) -> str:
    """Return ``'up'`` or ``'down'`` for the spellings people and widgets use, or raise InvalidFeedbackError."""
    aliases = {"up": "up", "down": "down", "like": "up", "dislike": "down", "👍": "up", "👎": "down"}
    if isinstance(rating, bool):  # the chat widget reports True for 👍 and False for 👎
        return "up" if rating else "down"
    if isinstance(rating, str) and rating.strip().lower() in aliases:
        return aliases[rating.strip().lower()]
    raise InvalidFeedbackError(f"the rating must be 'up' or 'down', not {rating!r}")


def validate_comment(comment: Any) -> str:
    """Return the trimmed comment ('' for none), or raise InvalidFeedbackError when it is not text or too long."""
    if comment is None:
        return ""
    if not isinstance(comment, str):
        raise InvalidFeedbackError(f"the comment must be text, not {type(comment).__name__}")
    comment = comment.strip()
    if len(comment) > MAX_COMMENT_CHARS:
        raise InvalidFeedbackError(
            f"the comment is {len(comment)} characters long; the limit is {MAX_COMMENT_CHARS}. Please shorten it."
        )
    if "\x00" in comment:
        raise InvalidFeedbackError("the comment contains a NUL character; please send plain text")
    return comment


def validate_key(key: Any) -> str | None:
    """Return the idempotency key (None for none), or raise InvalidFeedbackError when it is malformed."""
    if key is None or key == "":
        return None
    if not isinstance(key, str) or not KEY_RE.fullmatch(key):
        raise InvalidFeedbackError(
            f"the feedback key must be 1-100 letters, digits or . _ : - (for example a UUID), not {key!r}"
        )
    return key


def _validate_text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidFeedbackError(f"the {name} must be text, not {type(value).__name__}")
    if len(value) > MAX_TEXT_CHARS:
        raise InvalidFeedbackError(f"the {name} is {len(value)} characters long; the limit is {MAX_TEXT_CHARS}")
    return value


def _citations_json(citations: Any) -> str:
    """Citations as a JSON list: accepts a list of dicts (or pydantic models) or a JSON string of one."""
    if citations is None:
        return "[]"
    if isinstance(citations, str):
        try:
            citations = json.loads(citations) if citations.strip() else []
        except json.JSONDecodeError as exc:
            raise InvalidFeedbackError(f"the citations are not valid JSON ({exc})") from exc
    if not isinstance(citations, (list, tuple)):
        raise InvalidFeedbackError("the citations must be a list of citation objects")
    items = []
    for number, item in enumerate(citations, start=1):
        if hasattr(item, "model_dump"):
            item = item.model_dump(mode="json")
        if not isinstance(item, Mapping):
            raise InvalidFeedbackError(f"citation {number} must be an object, not {type(item).__name__}")
        items.append(dict(item))
    text = json.dumps(items, ensure_ascii=False)
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidFeedbackError(f"the citations are {len(text)} characters of JSON; the limit is {MAX_TEXT_CHARS}")
    return text


class FeedbackStore:
    """Ratings of answers in a SQLite file (created on first use); safe to share between threads and processes."""

    def __init__(self, path: Path, busy_timeout_s: float = BUSY_TIMEOUT_S) -> None:
        self.path = Path(path)
        self.busy_timeout_s = busy_timeout_s
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            # WAL is a property of the file: set once, every later connection inherits it.
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(_SCHEMA)
            columns = {row[1] for row in conn.execute("PRAGMA table_info(feedback)")}
            if "key" not in columns:  # a database made before ratings had keys
                conn.execute("ALTER TABLE feedback ADD COLUMN key TEXT")
            conn.execute(_KEY_INDEX)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A fresh connection for one operation, committed on success and always closed."""
        with closing(sqlite3.connect(self.path, timeout=self.busy_timeout_s)) as conn:
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_s * 1000)}")
            # WAL's default (NORMAL) may lose the last commits if the machine, not just the process, dies.
            conn.execute("PRAGMA synchronous = FULL")
            with conn:  # one transaction: commit, or roll back on error
                yield conn

    def add(
        self,
        rating: Any,
        question: Any,
        answer: Any,
        citations: Any = None,
        comment: Any = "",
        audience: str | None = None,
        key: Any = None,
    ) -> int:
        """Store one rating and return its id; raises InvalidFeedbackError (storing nothing) on bad input.

        With a ``key`` already stored, that row is updated instead (its rating, and its comment unless
        the new one is empty): a retried or changed rating of the same answer never adds a second row.
        """
        row = (
            datetime.now(UTC).isoformat(timespec="milliseconds"),
            normalize_rating(rating),
            validate_comment(comment),
            _validate_text("question", question),
            _validate_text("answer", answer),
            _citations_json(citations),
            audience if audience is None else _validate_text("audience", audience)[:40],
            validate_key(key),
        )
        with self._connect() as conn:
            cursor = conn.execute(
                "INSERT INTO feedback (created_at, rating, comment, question, answer, citations, audience, key)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET rating = excluded.rating,"
                " comment = CASE WHEN excluded.comment = '' THEN feedback.comment ELSE excluded.comment END"
                " RETURNING id",
                row,
            )
            return int(cursor.fetchone()[0])

    def update(self, feedback_id: int, rating: Any = None, comment: Any = None) -> bool:
        """Change the rating and/or comment of a stored row; False when no such row exists."""
        changes: dict[str, str] = {}
        if rating is not None:
            changes["rating"] = normalize_rating(rating)
        if comment is not None:
            changes["comment"] = validate_comment(comment)
        if not changes:
            return self.get(feedback_id) is not None
        assignments = ", ".join(f"{column} = ?" for column in changes)  # column names come from the code above
        with self._connect() as conn:
            cursor = conn.execute(f"UPDATE feedback SET {assignments} WHERE id = ?", (*changes.values(), feedback_id))
            return cursor.rowcount == 1

    def delete(self, feedback_id: int) -> bool:
        """Remove a row (a person took their rating back); False when no such row exists."""
        with self._connect() as conn:
            return conn.execute("DELETE FROM feedback WHERE id = ?", (feedback_id,)).rowcount == 1

    def delete_key(self, key: Any) -> bool:
        """Remove the row stored under an idempotency key; False when there is none."""
        with self._connect() as conn:
            return conn.execute("DELETE FROM feedback WHERE key = ?", (validate_key(key),)).rowcount == 1

    def get(self, feedback_id: int) -> FeedbackRecord | None:
        """The stored row with this id, or None."""
        records = self._select("WHERE id = ?", (feedback_id,))
        return records[0] if records else None

    def get_by_key(self, key: Any) -> FeedbackRecord | None:
        """The stored row with this idempotency key, or None."""
        records = self._select("WHERE key = ?", (validate_key(key),))
        return records[0] if records else None

    def records(self) -> list[FeedbackRecord]:
        """Every stored rating, oldest first."""
        return self._select("", ())

    def count(self) -> int:
        """How many ratings are stored."""
        with self._connect() as conn:
            return int(conn.execute("SELECT COUNT(*) FROM feedback").fetchone()[0])

    def _select(self, where: str, params: Sequence[Any]) -> list[FeedbackRecord]:
        with self._connect() as conn:
            rows = conn.execute(f"SELECT {', '.join(FIELDS)} FROM feedback {where} ORDER BY id", params).fetchall()
        return [
            FeedbackRecord(
                id=r[0],
                created_at=r[1],
                rating=r[2],
                comment=r[3],
                question=r[4],
                answer=r[5],
                citations=json.loads(r[6]),
                audience=r[7],
                key=r[8],
            )
            for r in rows
        ]

    def export(self, fmt: str, out: TextIO) -> int:
        """Write every rating to ``out`` as ``csv`` (citations as a JSON column) or ``jsonl``; return the count."""
        if fmt not in EXPORT_FORMATS:
            raise InvalidFeedbackError(f"the export format must be one of {', '.join(EXPORT_FORMATS)}, not {fmt!r}")
        records = self.records()
        if fmt == "jsonl":
            for record in records:
                out.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
        else:
            writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
            writer.writeheader()
            for record in records:
                row = record.to_dict()
                row["citations"] = json.dumps(row["citations"], ensure_ascii=False)
                writer.writerow(row)
        return len(records)
