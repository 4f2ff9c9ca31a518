"""Chat UI without a browser: the HTML it renders, chat turns, a corpus changing under a running
assistant, and real servers driven by gradio_client (including one killed with SIGKILL)."""

from __future__ import annotations

import html
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import gradio as gr
import httpx
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from assistant import Assistant, Settings
from assistant.corpus import read_source_text
from assistant.feedback import MAX_COMMENT_CHARS, FeedbackStore
from assistant.live import LiveAssistant
from assistant.schema import Answer, Citation
from assistant.settings import REPO_ROOT
from assistant.ui import (
    ENGLISH_ONLY_NOTE,
    ChatService,
    Conversation,
    answer_html,
    answer_plain_text,
    answer_waiting,
    build_app,
    citation_meta,
    conversation_markdown,
    corpus_words,
    launch,
    looks_non_english,
    reply,
    source_groups,
    strip_markup,
    take_question,
    user_html,
)

XSS = ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>"]
# Questions whose answers (today) quote two sentences of one paragraph; a test needs just one of them to.
SAME_PARAGRAPH_CANDIDATES = [
    "What causes hemangiopericytoma?",
    "How is hemangiopericytoma diagnosed?",
    "What is limb sparing surgery",
    "Why does the stage of my child's tumor matter?",
]


# -- helpers shared with the browser tests ------------------------------------------------------------
def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_app(bot: Assistant | LiveAssistant, settings: Settings) -> Iterator[str]:
    """A real Gradio server for the app on a free port; yields its URL and closes it afterwards."""
    app = build_app(bot, settings)
    url = launch(app, "127.0.0.1", free_port(), settings, prevent_thread_lock=True, quiet=True)
    try:
        yield url
    finally:
        app.close()


def client_for(url: str) -> Client:
    """A gradio_client that sends no telemetry (there is no network here)."""
    return Client(url, verbose=False, analytics_enabled=False, download_files=False)


def with_db(settings: Settings, path: Path) -> Settings:
    return settings.model_copy(update={"feedback_db": path})


def service_for(bot: Assistant, settings: Settings | None = None) -> ChatService:
    settings = settings or bot.settings
    return ChatService(LiveAssistant(bot, settings), settings)


def last_reply(chat: list[dict[str, str]]) -> str:
    return chat[-1]["content"]


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


def test_answer_markers_link_to_their_quotes_highlighted_in_their_paragraph(bot: Assistant) -> None:
    answer = bot.ask("What does ASPS stand for?")
    rendered = answer_html(bot, answer, turn=3)
    for c in answer.citations:
        assert f'<a class="cite" href="#src-3-{c.marker}">' in rendered
        assert re.search(rf'<mark id="src-3-{c.marker}" tabindex="-1">', rendered)
    marks = re.findall(r"<mark [^>]*>(.*?)</mark>", rendered, re.S)
    assert len(marks) == len(answer.citations)
    cited = definition(answer)
    paragraph = re.search(rf'<mark id="src-3-{cited.marker}"[^>]*>.*?</blockquote>', rendered, re.S)
    assert paragraph and "ASPS is slow-growing" in paragraph.group(0)  # the rest of the paragraph, for context


def test_the_paragraph_around_a_quote_comes_from_the_source_file(bot: Assistant) -> None:
    for question in ("What are the symptoms of hemangiopericytoma?", "ASPS 5-yr survival"):
        answer = bot.ask(question)
        flat_answer = re.sub(r"<[^>]+>", " ", answer_html(bot, answer, turn=1))
        for group in source_groups(bot, answer):
            flat = " ".join(read_source_text(bot.index.source_path(group.citations[0].source_id)).split())
            shown = re.sub(r"<[^>]+>", "", group.raw[group.lo : group.hi]) if group.raw else ""
            assert " ".join(shown.split()) in flat
            for c in group.citations:
                assert " ".join(c.quote.split()) in " ".join(flat_answer.split())
    survival = bot.ask("ASPS 5-yr survival")
    rendered = answer_html(bot, survival, turn=1)
    assert re.search(r"The outlook for children.*<mark[^>]*>[^<]*91 percent.*Local recurrence", rendered, re.S)


def test_two_quotes_from_one_paragraph_show_that_paragraph_once_with_both_highlighted(bot: Assistant) -> None:
    grouped = None
    for question in SAME_PARAGRAPH_CANDIDATES:
        answer = bot.ask(question)
        groups = source_groups(bot, answer)
        grouped = next((g for g in groups if len(g.citations) > 1), None)
        if grouped:
            break
    assert grouped is not None, "none of the candidate answers quotes one paragraph twice"
    rendered = answer_html(bot, answer, turn=5)
    items = re.findall(r'<li class="source">.*?</li>', rendered, re.S)
    assert len(items) == len(groups) < len(answer.citations)
    item = next(i for i in items if all(f'id="src-5-{c.marker}"' in i for c in grouped.citations))
    assert len(re.findall(r"<mark ", item)) == len(grouped.citations)
    head = re.search(r'<div class="src-head">(.*?)</div>', item)
    assert head and all(f"[{c.marker}]" in head.group(1) for c in grouped.citations)
    # Every paragraph appears once: no two items quote the same text.
    texts = [re.sub(r"<[^>]+>", "", re.search(r"<blockquote.*?</blockquote>", i, re.S).group(0)) for i in items]  # type: ignore[union-attr]
    assert len(set(texts)) == len(texts)


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


# -- emergencies --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("locale", "numbers"),
    [("US", ["911"]), ("GB", ["999"]), ("AU", ["000"])],
)
def test_emergency_reply_is_an_alert_with_tap_to_call_numbers_of_the_locale(
    bot: Assistant, locale: str, numbers: list[str]
) -> None:
    settings = bot.settings.model_copy(update={"emergency_locale": locale})
    local = Assistant(bot.index, settings)
    answer = local.ask("My daughter is coughing up a lot of blood and can't breathe")
    rendered = answer_html(local, answer, turn=1, settings=settings)
    assert rendered.index('role="alert"') < rendered.index("When everyone is safe")  # the alert comes first
    for number in numbers:
        assert f'href="tel:{number}"' in rendered and f"Call {number}" in rendered
    assert "**" not in rendered and "<strong>If this is happening now" in rendered
    assert "no-feedback" in rendered  # no thumbs under the call to emergency services
    assert "**If this is happening now" in answer.text  # the API and CLI keep their Markdown


def test_self_harm_gets_the_crisis_line_and_emergency_number(bot: Assistant) -> None:
    answer = bot.ask("I want to kill myself since the diagnosis")
    rendered = answer_html(bot, answer, turn=1)
    assert 'href="tel:988"' in rendered and 'href="tel:911"' in rendered
    assert "Call or text 988" in rendered


def test_crisis_numbers_can_be_set_for_a_country_not_in_the_table(bot: Assistant) -> None:
    settings = bot.settings.model_copy(
        update={"emergency_locale": "XX", "emergency_number": "123", "crisis_line_number": "4567"}
    )
    answer = Assistant(bot.index, settings).ask("I want to end my life")
    assert "call 4567, call 123" in answer.text
    assert 'href="tel:4567"' in answer_html(bot, answer, turn=1, settings=settings)


# -- chat turns ---------------------------------------------------------------------------------------
def test_a_turn_shows_the_question_at_once_then_the_whole_answer_with_its_sources(bot: Assistant) -> None:
    service, conv = service_for(bot), Conversation()
    box, chat = take_question(service, conv, "What does ASPS stand for?", "family")
    assert box == "", "the question box is cleared as soon as the question is taken"
    assert "What does ASPS stand for?" in chat[0]["content"] and "Looking in the documents" in chat[1]["content"]
    renders = list(answer_waiting(service, conv))
    assert len(renders) == 1, "the answer is sent whole, not in pieces"
    final = last_reply(renders[0])
    assert 'href="#src-1-1"' in final and "<mark " in final and "answer done" in final
    assert conv.history[0] == {"role": "user", "content": "What does ASPS stand for?"}
    assert "<" not in conv.history[1]["content"], "the history used for follow-ups is plain text"
    assert "dfci-alveolar-soft-part-sarcoma" in {c["source_id"] for c in conv.records[1]["citations"]}

    # A follow-up carries the conversation through the plain-text history.
    _, chat = reply(service, conv, "How is it treated?", "clinician")
    assert len(conv.history) == 4 and 3 in conv.records
    assert 'id="src-3-1"' in last_reply(chat)


def test_a_second_question_asked_before_the_first_is_answered_waits_its_turn(bot: Assistant) -> None:
    """Two questions taken before either is answered: both are answered, in order, with their sources,
    and both reach the history (the second was asked while the first was still waiting)."""
    service, conv = service_for(bot), Conversation()
    take_question(service, conv, "What does ASPS stand for?", "family")
    take_question(service, conv, "What are the symptoms of hemangiopericytoma?", "family")
    assert sum("Looking in the documents" in m["content"] for m in conv.messages) == 2
    # Two answering events start: one works through both questions, the other steps aside.
    first, second = answer_waiting(service, conv), answer_waiting(service, conv)
    first_render = next(first)
    assert list(second) == [gr.skip()], "only one event answers a conversation at a time"
    chat = [first_render, *first][-1]
    answers = [m["content"] for m in chat if m["role"] == "assistant"]
    assert all("answer done" in a and '<section class="sources">' in a for a in answers)
    assert [t["content"] for t in conv.history if t["role"] == "user"] == [
        "What does ASPS stand for?",
        "What are the symptoms of hemangiopericytoma?",
    ]
    assert sorted(conv.records) == [1, 3]


def test_stop_drops_waiting_questions_and_their_answers(bot: Assistant) -> None:
    service, conv = service_for(bot), Conversation()
    take_question(service, conv, "What does ASPS stand for?", "family")
    assert conv.stop() == 1
    assert list(answer_waiting(service, conv)) == [gr.skip()]  # nothing left to answer
    assert "Stopped" in conv.messages[-1]["content"] and conv.history == [] and conv.records == {}


@pytest.mark.parametrize("message", ["", "   ", "x" * 2001])
def test_unusable_question_gets_a_clear_message_in_the_chat(bot: Assistant, message: str) -> None:
    box, chat = reply(service_for(bot), conv := Conversation(), message)
    text = last_reply(chat)
    assert "Sorry, I can't use that message" in text and "no-feedback" in text
    assert ("is empty" in text) if len(message) < 2000 else ("the limit is 2000" in text)
    assert box == message, "the question stays in the box to be fixed"
    assert conv.history == [] and conv.records == {}


def test_emoji_alone_gets_a_friendly_message_not_binary_junk(bot: Assistant) -> None:
    _, chat = reply(service_for(bot), Conversation(), "😀😀👍")
    text = last_reply(chat)
    assert "only emoji or symbols" in text and "please type your question in words" in text
    assert "binary" not in text and "control" not in text


def test_a_question_next_to_markup_is_answered_and_shown_as_typed(bot: Assistant) -> None:
    assert strip_markup("<b>x</b> what is <i>ASPS</i>?").split() == ["x", "what", "is", "ASPS", "?"]
    assert strip_markup("<script>alert(1)</script>What is ASPS?").strip() == "What is ASPS?"
    conv = Conversation()
    _, chat = reply(service_for(bot), conv, "<b>x</b> what is ASPS?")
    assert "&lt;b&gt;x&lt;/b&gt; what is ASPS?" in chat[-2]["content"]  # the question as typed, escaped
    assert "malignant soft tissue tumor" in last_reply(chat) and conv.records
    _, chat = reply(service_for(bot), conv, XSS[1])
    assert "only HTML markup" in last_reply(chat)


def test_a_question_in_another_language_is_told_only_english_is_read(bot: Assistant) -> None:
    words = corpus_words(bot)
    for question in (
        "¿Cuáles son los síntomas del hemangiopericitoma?",
        "Quels sont les traitements possibles?",
        "Что такое саркома?",
    ):
        assert looks_non_english(question, words, 0.4), question
    for question in ("What are the symptoms of hemangiopericytoma?", "wat r the simptoms of hpc", "ASPS 5-yr survival"):
        assert not looks_non_english(question, words, 0.4), question
    _, chat = reply(service_for(bot), Conversation(), "¿Cuáles son los síntomas del hemangiopericitoma?")
    assert ENGLISH_ONLY_NOTE in last_reply(chat)
    _, chat = reply(service_for(bot), Conversation(), "What is the capital of France?")
    assert ENGLISH_ONLY_NOTE not in last_reply(chat)


def test_copy_and_export_carry_the_answer_its_citations_and_quotes(bot: Assistant) -> None:
    conv = Conversation()
    service = service_for(bot)
    reply(service, conv, "What does ASPS stand for?")
    reply(service, conv, "My son passed out and is unconscious")
    records = [conv.records[i] for i in sorted(conv.records)]
    answer = bot.ask("What does ASPS stand for?")
    plain = answer_plain_text(answer)
    assert "<" not in plain and "**" not in plain and "[1]" in plain and "Sources" in plain
    assert f"“{' '.join(definition(answer).quote.split())}”" in plain
    markdown = conversation_markdown(records, "Title <x>")
    assert markdown.startswith("# Title &lt;x&gt;: conversation")
    assert "## 1. What does ASPS stand for?" in markdown and "## 2. My son passed out" in markdown
    assert f"> “{' '.join(definition(answer).quote.split())}”" in markdown
    assert "**If this is happening now, call 911" in markdown  # Markdown keeps the emergency notice bold


# -- the corpus changes while the assistant serves ----------------------------------------------------
def _insert_before(path: Path, anchor: str, sentence: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert anchor in text
    path.write_text(text.replace(anchor, sentence + " " + anchor, 1), encoding="utf-8")


def _live_service(corpus_dir: Path, tmp_path: Path) -> tuple[LiveAssistant, ChatService]:
    """A live assistant over ``corpus_dir`` that checks the corpus before every question, and its chat."""
    settings = Settings(
        corpus_dir=corpus_dir,
        data_dir=tmp_path / "data",
        feedback_db=tmp_path / "fb.sqlite3",
        corpus_check_interval_s=0,
    )
    live = LiveAssistant(Assistant.load(settings), settings)
    return live, ChatService(live, settings)


def test_an_edited_document_is_reindexed_in_the_background_while_others_keep_answering(
    bot: Assistant, corpus_copy: Path, tmp_path: Path
) -> None:
    live, service = _live_service(corpus_copy, tmp_path)
    _, first = live.ask("What does ASPS stand for?")
    _, again = live.ask("What does ASPS stand for?")
    assert again == first and again is not first  # a repeat is answered from memory
    before = definition(first)
    inserted = "This page was reviewed again this year."
    page = corpus_copy / "dfci-alveolar-soft-part-sarcoma.txt"
    _insert_before(page, before.quote, inserted)
    # The remembered answer's quote is no longer at its offsets: it is not served from memory.
    _, stale = live.ask("What does ASPS stand for?")
    assert all(read_source_text(page)[c.start : c.end] == c.quote for c in stale.citations)

    # Right after the edit: a re-index starts; other documents still answer with verified quotes.
    _, chat = reply(service, Conversation(), "What are the symptoms of hemangiopericytoma?")
    assert live.reloading or live.reloads == 1
    assert "<mark " in last_reply(chat) and "dfci-hemangiopericytoma" in json.dumps(
        service.live.current().ask("What are the symptoms of hemangiopericytoma?").to_dict()
    )
    assert live.wait(timeout=300) and live.reloads == 1 and not live.reload_failed
    after = definition(live.current().ask("What does ASPS stand for?"))
    assert after.quote == before.quote and after.start == before.start + len(inserted) + 1
    assert read_source_text(corpus_copy / "dfci-alveolar-soft-part-sarcoma.txt")[after.start : after.end] == after.quote


def test_a_deleted_document_never_shows_a_path_and_the_others_keep_answering(
    bot: Assistant, corpus_copy: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    live, service = _live_service(corpus_copy, tmp_path)
    (corpus_copy / "dfci-hemangiopericytoma.txt").unlink()  # still named by the manifest
    conv = Conversation()
    reply(service, conv, "What are the symptoms of hemangiopericytoma?")
    assert live.wait(timeout=300) and live.reload_failed and live.reloads == 0
    assert "dfci-hemangiopericytoma.txt" in caplog.text  # the operator's log names the file
    _, chat = reply(service, conv, "What are the symptoms of hemangiopericytoma?")
    _, chat = reply(service, conv, "What does ASPS stand for?")
    shown = json.dumps(conv.messages)
    assert str(corpus_copy) not in shown and "Errno" not in shown and "No such file" not in shown
    assert "malignant soft tissue tumor" in last_reply(chat)  # another document still answers
    assert all("Looking in the documents" not in m["content"] for m in conv.messages)  # nothing stuck


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
    marked = client.predict("<b>x</b> what is ASPS?", None, "family", api_name="/ask")
    assert not marked["abstained"] and "<b>" not in marked["question"]


def test_the_page_s_frontend_files_are_compressed_once_and_kept_by_the_browser(server: tuple[str, Path]) -> None:
    import brotli

    url = server[0]
    page = httpx.get(url)
    assert "immutable" not in page.headers.get("cache-control", "")  # the page itself is never replayed
    assets = sorted(set(re.findall(r"(assets/[\w.-]+\.(?:js|css))", page.text)))
    assert assets, "the page names no frontend files"
    served = (Path(gr.__file__).parent / "templates" / "frontend" / assets[0]).read_bytes()

    def fetch(coding: str) -> tuple[httpx.Headers, bytes]:
        with httpx.stream("GET", url + assets[0], headers={"Accept-Encoding": coding}) as response:
            assert response.status_code == 200
            return response.headers, b"".join(response.iter_raw())

    for coding, decode in (("br", brotli.decompress), ("identity", bytes)):
        (first_headers, first), (headers, body) = fetch(coding), fetch(coding)
        assert body == first and headers["cache-control"] == first_headers["cache-control"]
        assert "immutable" in headers["cache-control"] and headers["content-length"] == str(len(body))
        assert headers.get("content-encoding", "identity") == coding
        assert decode(body) == served


def test_api_says_clearly_what_is_wrong_with_a_question(client: Client) -> None:
    with pytest.raises(AppError, match="the question is empty"):
        client.predict("  ", None, "family", api_name="/ask")
    with pytest.raises(AppError, match="the limit is 2000"):
        client.predict("x" * 2001, None, "family", api_name="/ask")
    with pytest.raises(AppError, match="history is not valid JSON"):
        client.predict("What is ASPS?", "[{", "family", api_name="/ask")
    with pytest.raises(AppError, match="only emoji or symbols"):
        client.predict("🙂", None, "family", api_name="/ask")


def _feedback_args(answer: dict[str, Any], rating: str = "up", comment: str = "", key: str | None = None) -> tuple:
    return rating, answer["question"], answer["text"], answer["citations"], comment, answer["audience"], key


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


def test_a_retried_rating_with_its_key_updates_the_row_instead_of_adding_one(
    client: Client, server: tuple[str, Path]
) -> None:
    store = FeedbackStore(server[1])
    before = store.count()
    answer = {"question": "q", "text": "a [1]", "citations": [], "audience": "family"}
    key = uuid.uuid4().hex
    first = client.predict(*_feedback_args(answer, "up", "", key), api_name="/feedback")
    again = client.predict(*_feedback_args(answer, "up", "", key), api_name="/feedback")
    changed = client.predict(*_feedback_args(answer, "down", "on reflection", key), api_name="/feedback")
    assert first["id"] == again["id"] == changed["id"] and store.count() == before + 1
    record = store.get_by_key(key)
    assert record is not None and (record.rating, record.comment) == ("down", "on reflection")
    with pytest.raises(AppError, match="the feedback key must be"):
        client.predict(*_feedback_args(answer, "up", "", "not a key!"), api_name="/feedback")


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
            None,
            api_name="/feedback",
        )
        c.close()
    with running_app(bot, with_db(settings, db)) as url:
        c = client_for(url)
        second = c.predict("down", "q", "a", None, "", None, None, api_name="/feedback")
        c.close()
    records = FeedbackStore(db).records()
    assert [r.id for r in records] == [first["id"], second["id"]]
    assert (records[0].comment, records[0].rating) == ("kept", "up")


# -- a real server process, killed with SIGKILL --------------------------------------------------------
def _start_server(settings: Settings, db: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        PYTHONPATH=str(REPO_ROOT),
        HF_HUB_OFFLINE="1",
        ASSISTANT_DATA_DIR=str(settings.data_dir),
        ASSISTANT_CORPUS_DIR=str(settings.corpus_dir),
        ASSISTANT_FEEDBACK_DB=str(db),
    )
    command = [sys.executable, "-m", "assistant.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def _wait_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the server exited: {log.read_text()[-2000:]}"
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"the server did not come up: {log.read_text()[-2000:]}")


def test_no_rating_is_lost_or_duplicated_when_the_server_is_killed_and_clients_retry(
    bot: Assistant, settings: Settings, tmp_path: Path
) -> None:
    """40 ratings, each with its key. The server is killed with SIGKILL while ratings are in flight;
    every client that heard no answer (and a few that did) retries after the restart with the same key.
    Every acknowledged rating survived the kill, and in the end each key has exactly one row."""
    db, log = tmp_path / "feedback.sqlite3", tmp_path / "server.log"
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    keys = [f"answer-{n}-{uuid.uuid4().hex[:8]}" for n in range(40)]
    acked: dict[str, int] = {}
    lock = threading.Lock()

    def post(key: str, rating: str, shared: Any = None) -> None:
        try:
            c = shared or client_for(url)
            result = c.predict(rating, f"question {key}", "answer [1]", "[]", "", "family", key, api_name="/feedback")
            if shared is None:
                c.close()
        except Exception:  # the server was killed under it: this client will retry
            return
        with lock:
            acked[key] = result["id"]

    process = _start_server(settings, db, port, log)
    try:
        _wait_up(url, process, log)
        first = client_for(url)  # one client for the ratings sent one after another
        for key in keys[:15]:
            post(key, "up", first)
        threads = [threading.Thread(target=post, args=(key, "up")) for key in keys[15:]]
        for t in threads:
            t.start()
        time.sleep(0.3)
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        for t in threads:
            t.join(60)
        survived = {r.key for r in FeedbackStore(db).records()}
        assert set(acked) <= survived, "an acknowledged rating was lost"
        assert len(acked) >= 15

        process = _start_server(settings, db, port, log)
        _wait_up(url, process, log)
        unsure = [k for k in keys if k not in acked] + keys[:5]  # no answer heard, or the client is not sure
        again = client_for(url)
        for key in unsure:
            post(key, "down", again)
        again.close()
        assert set(acked) == set(keys)
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(30)
    records = FeedbackStore(db).records()
    assert sorted(r.key for r in records) == sorted(keys), "a rating was lost or duplicated"
    assert {r.key: r.rating for r in records if r.key in unsure} == dict.fromkeys(unsure, "down")


# -- the load test script ------------------------------------------------------------------------------
def test_the_load_test_only_loads_this_machine() -> None:
    import importlib.util

    from click.testing import CliRunner

    spec = importlib.util.spec_from_file_location("load_test", REPO_ROOT / "scripts" / "load_test.py")
    assert spec and spec.loader
    load_test = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(load_test)
    for url in ("http://127.0.0.1:7860/", "http://localhost:8080/", "http://[::1]:7860/", "http://127.1.2.3/"):
        assert load_test.is_loopback(url), url
    for url in ("http://example.org/", "http://10.0.0.5:7860/", "http://192.168.1.2/", "http://0.0.0.0:7860/"):
        assert not load_test.is_loopback(url), url
    result = CliRunner().invoke(load_test.main, ["--url", "http://10.0.0.5:7860/"])
    assert result.exit_code == 2 and "not a loopback address" in result.output
    result = CliRunner().invoke(load_test.main, ["--users", "500"])
    assert result.exit_code == 2 and "users must be 1-200" in result.output


@pytest.mark.parametrize(
    ("question", "note"),
    [
        ("My daughter has a lump on her arm, could it be one of these tumours?", "Only a doctor"),
        ("HPC recurrence rate", "don't give a figure"),
    ],
)
def test_a_doctor_or_missing_figure_note_opens_the_reply_above_its_cited_sources(
    bot: Assistant, question: str, note: str
) -> None:
    answer = bot.ask(question, audience="clinician" if "rate" in question else "family")
    rendered = html.unescape(answer_html(bot, answer, turn=1))
    head = rendered.split('class="care-notice"', 1)
    assert len(head) == 2 and note in head[1].split("</p>", 1)[0]
    # ... and its sources with their quotes below it.
    assert answer.citations and answer.citations[0].quote[:40] in head[1]
