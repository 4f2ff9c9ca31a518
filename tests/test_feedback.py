"""Feedback storage: real SQLite files, real threads, the real CLI (no model needed)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.feedback import MAX_COMMENT_CHARS, FeedbackStore, InvalidFeedbackError

CITATIONS = [
    {
        "marker": 1,
        "source_id": "dfci-alveolar-soft-part-sarcoma",
        "title": "Alveolar Soft Part Sarcoma (ASPS)",
        "quote": "Alveolar soft part sarcoma (ASPS) is a malignant soft tissue tumor",
        "start": 41,
        "end": 108,
    }
]


def _add(store: FeedbackStore, rating: str = "up", comment: str = "") -> int:
    return store.add(
        rating,
        "What does ASPS stand for?",
        "Alveolar soft part sarcoma (ASPS) ... [1]",
        CITATIONS,
        comment=comment,
        audience="family",
    )


def test_rating_is_stored_with_time_question_answer_and_citations(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    feedback_id = _add(store, "down", "  too short  ")
    record = store.get(feedback_id)
    assert record is not None
    assert (record.rating, record.comment, record.audience) == ("down", "too short", "family")
    assert record.question == "What does ASPS stand for?"
    assert record.citations == CITATIONS
    assert record.created_at.endswith("+00:00")
    # WAL is set on the file itself, so every later connection (and process) uses it.
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_widget_spellings_of_a_rating_are_accepted(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    ratings = [store.get(_add(store, r)).rating for r in ("Like", "Dislike", "UP", " down ")]  # type: ignore[union-attr]
    assert ratings == ["up", "down", "up", "down"]
    assert store.get(store.add(True, "q", "a")).rating == "up"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rating": "sideways"}, "the rating must be 'up' or 'down'"),
        ({"rating": 5}, "the rating must be 'up' or 'down'"),
        ({"comment": "x" * (MAX_COMMENT_CHARS + 1)}, f"the limit is {MAX_COMMENT_CHARS}"),
        ({"comment": 42}, "the comment must be text"),
        ({"citations": "{not json"}, "the citations are not valid JSON"),
        ({"citations": ["a string"]}, "citation 1 must be an object"),
        ({"question": None}, "the question must be text"),
    ],
)
def test_bad_feedback_is_refused_clearly_and_stores_nothing(tmp_path: Path, kwargs: dict, message: str) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    args = {"rating": "up", "question": "q", "answer": "a", "citations": CITATIONS, "comment": ""} | kwargs
    with pytest.raises(InvalidFeedbackError, match=message):
        store.add(**args)
    assert store.count() == 0


def test_update_and_delete(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    feedback_id = _add(store)
    assert store.update(feedback_id, rating="Dislike", comment="the quote is from the wrong section")
    record = store.get(feedback_id)
    assert record is not None and (record.rating, record.comment) == ("down", "the quote is from the wrong section")
    with pytest.raises(InvalidFeedbackError):
        store.update(feedback_id, comment="x" * (MAX_COMMENT_CHARS + 1))
    assert store.get(feedback_id).comment == "the quote is from the wrong section"  # type: ignore[union-attr]
    assert store.delete(feedback_id) and store.count() == 0
    assert not store.update(feedback_id, rating="up")


def test_feedback_survives_a_new_store_on_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "fb.sqlite3"
    first = _add(FeedbackStore(path), comment="kept")
    reopened = FeedbackStore(path)
    assert [r.comment for r in reopened.records()] == ["kept"]
    assert _add(reopened) == first + 1


def test_concurrent_writes_lose_nothing(tmp_path: Path) -> None:
    """20 threads, each with its own store object (as separate server workers would have), 5 writes each."""
    path = tmp_path / "fb.sqlite3"
    FeedbackStore(path)
    errors: list[BaseException] = []
    start = threading.Barrier(20)

    def write(worker: int) -> None:
        try:
            store = FeedbackStore(path)
            start.wait()
            for n in range(5):
                _add(store, "up" if n % 2 else "down", comment=f"worker {worker} write {n}")
        except BaseException as exc:  # collected: an exception in a thread would otherwise vanish
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    comments = [r.comment for r in FeedbackStore(path).records()]
    assert sorted(comments) == sorted(f"worker {w} write {n}" for w in range(20) for n in range(5))


def test_export_csv_and_jsonl_through_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "fb.sqlite3"
    store = FeedbackStore(path)
    _add(store, "up", 'commas, "quotes" and\na new line')
    _add(store, "down", "ünïcode ✓")
    runner = CliRunner()

    out = tmp_path / "feedback.csv"
    result = runner.invoke(main, ["feedback", "export", "--format", "csv", "--out", str(out), "--db", str(path)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["comment"] for r in rows] == ['commas, "quotes" and\na new line', "ünïcode ✓"]
    assert [r["rating"] for r in rows] == ["up", "down"]
    assert json.loads(rows[0]["citations"]) == CITATIONS
    assert rows[0]["question"] == "What does ASPS stand for?" and rows[0]["created_at"]

    result = runner.invoke(main, ["feedback", "export", "--format", "jsonl", "--db", str(path)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines == [r.to_dict() for r in store.records()]
    assert lines[1]["comment"] == "ünïcode ✓" and lines[1]["citations"] == CITATIONS


def test_export_uses_the_settings_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "fb.sqlite3"
    _add(FeedbackStore(path))
    monkeypatch.setenv("ASSISTANT_FEEDBACK_DB", str(path))
    result = CliRunner().invoke(main, ["feedback", "export", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rating"] == "up"


def test_export_without_a_database_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["feedback", "export", "--db", str(tmp_path / "none.sqlite3")])
    assert result.exit_code == 2
    assert "no feedback database yet" in result.output


def test_a_key_makes_a_retry_update_the_row_instead_of_adding_one(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    first = store.add("up", "q", "a [1]", CITATIONS, comment="clear", key="answer-1")
    retried = store.add("up", "q", "a [1]", CITATIONS, key="answer-1")  # a retry without the comment keeps it
    changed = store.add("down", "q", "a [1]", CITATIONS, comment="on reflection", key="answer-1")
    other = store.add("up", "q", "a [1]", CITATIONS, key="answer-2")
    unkeyed = [store.add("up", "q", "a"), store.add("up", "q", "a")]  # no key: every call is a new rating
    assert first == retried == changed and other != first and len(set(unkeyed)) == 2
    assert store.count() == 4
    record = store.get_by_key("answer-1")
    assert record is not None and (record.rating, record.comment, record.key) == ("down", "on reflection", "answer-1")
    assert store.delete_key("answer-1") and store.get_by_key("answer-1") is None and store.count() == 3
    with sqlite3.connect(store.path) as conn:
        indexes = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'feedback_key'"
        ).fetchone()
    assert "UNIQUE" in indexes[0]


@pytest.mark.parametrize("key", ["has space", "x" * 101, 42, "semi;colon"])
def test_a_malformed_key_is_refused_clearly(tmp_path: Path, key: object) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    with pytest.raises(InvalidFeedbackError, match="the feedback key must be"):
        store.add("up", "q", "a", key=key)
    assert store.count() == 0


def test_a_database_from_before_keys_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL,"
            " rating TEXT NOT NULL, comment TEXT NOT NULL DEFAULT '', question TEXT NOT NULL, answer TEXT NOT NULL,"
            " citations TEXT NOT NULL DEFAULT '[]', audience TEXT)"
        )
        conn.execute(
            "INSERT INTO feedback (created_at, rating, question, answer) VALUES ('2024-01-01', 'up', 'q', 'a')"
        )
    store = FeedbackStore(path)
    assert [r.key for r in store.records()] == [None]
    store.add("down", "q2", "a2", key="k")
    store.add("up", "q2", "a2", key="k")
    assert [(r.rating, r.key) for r in store.records()] == [("up", None), ("up", "k")]


def test_concurrent_retries_with_one_key_leave_one_row(tmp_path: Path) -> None:
    """20 threads send the same keyed rating at once (as retries after a timeout would): one row."""
    path = tmp_path / "fb.sqlite3"
    FeedbackStore(path)
    errors: list[BaseException] = []
    ids: list[int] = []
    start = threading.Barrier(20)

    def retry() -> None:
        try:
            store = FeedbackStore(path)
            start.wait()
            ids.append(store.add("up", "q", "a", key="same-answer"))
        except BaseException as exc:  # collected: an exception in a thread would otherwise vanish
            errors.append(exc)

    threads = [threading.Thread(target=retry) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(set(ids)) == 1 and FeedbackStore(path).count() == 1
