"""Chat UI without a browser: the HTML it renders, one chat turn, and a real server driven by gradio_client."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from assistant import Assistant, Settings
from assistant.feedback import MAX_COMMENT_CHARS, FeedbackStore
from assistant.schema import Answer, Citation
from assistant.ui import (
    CONCURRENCY,
    answer_html,
    build_app,
    citation_meta,
    launch,
    reply,
    source_paragraph,
    user_html,
)

XSS = ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>"]


# -- helpers shared with the browser tests ------------------------------------------------------------
def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_app(bot: Assistant, settings: Settings) -> Iterator[str]:
    """A real Gradio server for the app on a free port; yields its URL and closes it afterwards."""
    app = build_app(bot, settings)
    url = launch(app, "127.0.0.1", free_port(), prevent_thread_lock=True, quiet=True)
    try:
        yield url
    finally:
        app.close()


def client_for(url: str) -> Client:
    """A gradio_client that sends no telemetry (there is no network here)."""
    return Client(url, verbose=False, analytics_enabled=False, download_files=False)


def with_db(settings: Settings, path: Path) -> Settings:
    return settings.model_copy(update={"feedback_db": path})


# -- rendering ----------------------------------------------------------------------------------------
def test_user_text_is_escaped_never_markup() -> None:
    for probe in XSS:
        shown = user_html(probe)
        assert "<img" not in shown and "<script" not in shown
        assert "&lt;" in shown
    assert "(empty message)" in user_html("   ")
    assert "(5000 characters)" in user_html("x" * 5000)


def definition(answer: Answer) -> Citation:
    """The citation quoting the ASPS definition (the answer may quote more around it)."""
    found = [c for c in answer.citations if "malignant soft tissue tumor" in c.quote]
    assert found, f"no citation quotes the ASPS definition: {[c.quote for c in answer.citations]}"
    return found[0]


def test_answer_markers_link_to_sources_with_the_quote_highlighted_in_its_paragraph(bot: Assistant) -> None:
    answer = bot.ask("What does ASPS stand for?")
    rendered = answer_html(bot, answer, turn=3)
    for c in answer.citations:
        assert f'<a class="cite" href="#src-3-{c.marker}">' in rendered
        assert f'id="src-3-{c.marker}"' in rendered
    assert len(re.findall(r"<mark>(.*?)</mark>", rendered, re.S)) == len(answer.citations)
    cited = definition(answer)
    _, quote, after = source_paragraph(bot, cited)
    assert quote == cited.quote
    assert "ASPS is slow-growing" in after  # the rest of the paragraph, so the quote is read in context


def test_the_paragraph_around_a_quote_comes_from_the_source_file(bot: Assistant) -> None:
    from assistant.corpus import read_source_text

    for question in ("What are the symptoms of hemangiopericytoma?", "ASPS 5-yr survival"):
        for c in bot.ask(question).citations:
            before, quote, after = source_paragraph(bot, c)
            assert " ".join(quote.split()) == " ".join(c.quote.split())
            flat = " ".join(read_source_text(bot.index.source_path(c.source_id)).split())
            for part in (before, quote, after):
                assert " ".join(part.strip("…").split()) in flat
    survival = [c for c in bot.ask("ASPS 5-yr survival").citations if "91 percent" in c.quote]
    before, _, after = source_paragraph(bot, survival[0])
    assert "The outlook for children" in before and "Local recurrence" in after


def test_corpus_text_is_escaped(bot: Assistant) -> None:
    """Whatever a document says is shown as text: markup in an answer or citation is escaped."""
    real = bot.ask("What does ASPS stand for?").citations[0]
    citation = real.model_copy(update={"title": "<b>bold</b>", "section": XSS[0], "journal": XSS[1]})
    answer = Answer(question="q", text=f"{XSS[1]} claim [1] and [7]", citations=[citation])
    rendered = answer_html(bot, answer, turn=1)
    assert "<script" not in rendered and "<img" not in rendered and "<b>" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert "[7]" in rendered and "#src-1-7" not in rendered  # only markers with a source become links


def test_journal_year_and_doi_are_shown_for_articles() -> None:
    citation = Citation(
        marker=1,
        source_id="pubmed-woitzik-2003",
        title="Delayed manifestation",
        quote="q",
        start=0,
        end=1,
        source_kind="case report abstract",
        journal="Clin Neurol Neurosurg",
        year=2003,
        doi="10.1016/s0303-8467(02)00140-3",
    )
    meta = " · ".join(citation_meta(citation))
    assert "Case report abstract" in meta and "Clin Neurol Neurosurg 2003" in meta
    assert 'href="https://doi.org/10.1016/s0303-8467(02)00140-3"' in meta


# -- one chat turn ------------------------------------------------------------------------------------
def test_a_turn_streams_the_answer_then_shows_its_sources(bot: Assistant) -> None:
    states = list(reply(bot, "What does ASPS stand for?", "family", [], [], {}))
    shown = [s[1][-1]["content"] for s in states]
    streamed = shown[1:-1]
    assert len(streamed) >= 3, "the answer should arrive in several steps"
    assert [len(s) for s in streamed] == sorted(len(s) for s in streamed)
    assert "[1]" in streamed[-1]
    _, chat, history, records = states[-1]
    assert 'href="#src-1-1"' in chat[-1]["content"] and "<mark>" in chat[-1]["content"]
    assert states[0][0] == ""  # the question box is cleared as soon as the question is taken
    assert history[0] == {"role": "user", "content": "What does ASPS stand for?"}
    assert "<" not in history[1]["content"], "history sent back to the API is plain text"
    assert "dfci-alveolar-soft-part-sarcoma" in {c["source_id"] for c in records[1]["citations"]}

    # A follow-up carries the conversation through the plain-text history.
    follow = list(reply(bot, "How is it treated?", "clinician", chat, history, records))[-1]
    assert len(follow[2]) == 4 and 3 in follow[3]
    assert 'id="src-3-1"' in follow[1][-1]["content"]


@pytest.mark.parametrize("message", ["", "   ", "x" * 2001])
def test_unusable_question_gets_a_clear_message_in_the_chat(bot: Assistant, message: str) -> None:
    states = list(reply(bot, message, "family", [], [], {}))
    question_box, chat, history, records = states[-1]
    text = chat[-1]["content"]
    assert "Sorry, I can't use that message" in text
    assert ("is empty" in text) if len(message) < 2000 else ("the limit is 2000" in text)
    assert question_box == message, "the question stays in the box to be fixed"
    assert history == [] and records == {}


# -- a real server -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server(bot: Assistant, settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    db = tmp_path_factory.mktemp("ui") / "feedback.sqlite3"
    with running_app(bot, with_db(settings, db)) as url:
        yield url, db


@pytest.fixture(scope="module")
def client(server: tuple[str, Path]) -> Iterator[Client]:
    c = client_for(server[0])
    yield c
    c.close()


def test_gradio_client_gets_a_cited_answer(client: Client) -> None:
    answer = client.predict("What does ASPS stand for?", None, "family", api_name="/ask")
    assert "[1]" in answer["text"]
    assert "dfci-alveolar-soft-part-sarcoma" in {c["source_id"] for c in answer["citations"]}
    history = [{"role": "user", "content": answer["question"]}, {"role": "assistant", "content": answer["text"]}]
    follow = client.predict("What is its 5-year survival?", history, "clinician", api_name="/ask")
    assert "91 percent" in follow["text"] and follow["audience"] == "clinician"


def test_api_says_clearly_what_is_wrong_with_a_question(client: Client) -> None:
    with pytest.raises(AppError, match="the question is empty"):
        client.predict("  ", None, "family", api_name="/ask")
    with pytest.raises(AppError, match="the limit is 2000"):
        client.predict("x" * 2001, None, "family", api_name="/ask")
    with pytest.raises(AppError, match="history is not valid JSON"):
        client.predict("What is ASPS?", "[{", "family", api_name="/ask")


def test_several_people_can_ask_at_once(client: Client, bot: Assistant) -> None:
    questions = [
        "What does ASPS stand for?",
        "What are the symptoms of hemangiopericytoma?",
        "How is alveolar soft part sarcoma treated?",
        "ASPS 5-yr survival",
    ] * 2
    jobs = [client.submit(q, None, "family", api_name="/ask") for q in questions]
    answers = [job.result(timeout=120) for job in jobs]
    assert [a["text"] for a in answers] == [bot.ask(q).text for q in questions]
    # The queue runs several events of each kind at once (Gradio's own default is one at a time).
    app = build_app(bot, bot.settings)
    assert app._queue.default_concurrency_limit == CONCURRENCY > 1


def _feedback_args(answer: dict[str, Any], rating: str = "up", comment: str = "") -> tuple[Any, ...]:
    return rating, answer["question"], answer["text"], answer["citations"], comment, answer["audience"]


def test_feedback_posted_through_the_api_lands_in_sqlite(client: Client, server: tuple[str, Path]) -> None:
    store = FeedbackStore(server[1])
    before = store.count()
    answer = client.predict("What does ASPS stand for?", None, "family", api_name="/ask")
    result = client.predict(*_feedback_args(answer, "down", "wanted survival figures"), api_name="/feedback")
    assert result["stored"] is True
    record = store.get(result["id"])
    assert record is not None and store.count() == before + 1
    assert (record.rating, record.comment, record.question) == ("down", "wanted survival figures", answer["question"])
    assert record.citations == answer["citations"]


def test_bad_feedback_gets_a_clear_error_and_stores_nothing(client: Client, server: tuple[str, Path]) -> None:
    store = FeedbackStore(server[1])
    before = store.count()
    answer = {"question": "q", "text": "a [1]", "citations": [], "audience": "family"}
    with pytest.raises(AppError, match="the rating must be 'up' or 'down'"):
        client.predict(*_feedback_args(answer, "meh"), api_name="/feedback")
    with pytest.raises(AppError, match=f"the limit is {MAX_COMMENT_CHARS}"):
        client.predict(*_feedback_args(answer, "up", "x" * (MAX_COMMENT_CHARS + 1)), api_name="/feedback")
    assert store.count() == before


def test_concurrent_feedback_through_the_api_loses_nothing(client: Client, server: tuple[str, Path]) -> None:
    store = FeedbackStore(server[1])
    before = store.count()
    answer = {"question": "What does ASPS stand for?", "text": "a [1]", "citations": [], "audience": "family"}
    results: list[Any] = []
    errors: list[BaseException] = []
    start = threading.Barrier(20)

    def post(n: int) -> None:
        try:
            start.wait()
            results.append(client.predict(*_feedback_args(answer, "up", f"thread {n}"), api_name="/feedback"))
        except BaseException as exc:  # collected: an exception in a thread would otherwise vanish
            errors.append(exc)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.count() == before + 20
    stored = {r.comment for r in store.records()}
    assert {f"thread {n}" for n in range(20)} <= stored


def test_feedback_survives_a_server_restart(bot: Assistant, settings: Settings, tmp_path: Path) -> None:
    db = tmp_path / "restart.sqlite3"
    with running_app(bot, with_db(settings, db)) as url:
        c = client_for(url)
        first = c.predict(
            "up",
            "What does ASPS stand for?",
            "Alveolar soft part sarcoma [1]",
            "[]",
            "kept",
            "family",
            api_name="/feedback",
        )
        c.close()
    with running_app(bot, with_db(settings, db)) as url:
        c = client_for(url)
        second = c.predict("down", "q", "a", None, "", None, api_name="/feedback")
        c.close()
    records = FeedbackStore(db).records()
    assert [r.id for r in records] == [first["id"], second["id"]]
    assert (records[0].comment, records[0].rating) == ("kept", "up")
