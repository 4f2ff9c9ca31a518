"""The chat UI in a real headless Chromium (Playwright) against a real server and the real assistant,
at a phone's width (390 px) and a desktop's (1280 px).

Skipped with a plain reason when no Chromium is found on a person's machine; under CI=true a missing
browser is a failure, never a skip.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant import Assistant, Settings
from assistant.feedback import FeedbackStore
from assistant.live import LiveAssistant
from assistant.settings import REPO_ROOT
from tests.test_ui import SAME_PARAGRAPH_CANDIDATES, client_for, running_app, with_db

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = REPO_ROOT / "test-artifacts"
ANSWER_TIMEOUT_MS = 60_000
QUESTION_BOX = "#question textarea"
PHONE, DESKTOP = (390, 844), (1280, 900)
WIDTHS = pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["390px", "1280px"])
EMERGENCY = "My daughter is coughing up a lot of blood and can't breathe"


def chromium_path() -> str | None:
    """Debian's chromium (scripts/install-browser.sh), or one on PATH; None when there is none."""
    candidates = [os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium"]
    candidates += [shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
        pytest.fail(f"CI=true and {reason}: the browser tests must run in CI", pytrace=False)
    pytest.skip(reason)


def test_missing_browser_fails_under_ci_and_is_skipped_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true and no Chromium"):
        _missing("no Chromium found")
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception, match="no Chromium found"):
        _missing("no Chromium found")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python is not installed (pip install -e '.[dev]')")
    path = chromium_path()
    if path is None:
        _missing("no Chromium found at /usr/bin/chromium or on PATH (install one with `make browser`)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def ui(
    browser: Any, bot: Assistant, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """The app served on a free port with its own feedback database; yields (url, database path)."""
    db = tmp_path_factory.mktemp("ui-browser") / "feedback.sqlite3"
    with running_app(bot, with_db(settings, db)) as url:
        yield url, db


class Page:
    """A browser tab on the chat, recording every dialog (an alert would mean injected script ran)."""

    def __init__(self, browser: Any, url: str, size: tuple[int, int] = (1100, 900), **context: Any) -> None:
        self.context = browser.new_context(viewport={"width": size[0], "height": size[1]}, **context)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.page.on("dialog", self._on_dialog)
        self.page.goto(url)
        self.page.wait_for_selector(QUESTION_BOX)

    def _on_dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def done(self) -> int:
        return int(self.page.locator("#chat .answer.done").count())

    def send(self, question: str) -> None:
        box = self.page.locator(QUESTION_BOX)
        box.fill(question)
        box.press("Enter")

    def wait_for_answers(self, more_than: int) -> None:
        self.page.wait_for_function(
            "n => document.querySelectorAll('#chat .answer.done').length > n", arg=more_than, timeout=ANSWER_TIMEOUT_MS
        )

    def ask(self, question: str, answers_before: int | None = None) -> Any:
        """Type a question, press Enter, and wait for the final answer (the one with its sources)."""
        done = self.done() if answers_before is None else answers_before
        self.send(question)
        self.wait_for_answers(done)
        self.page.wait_for_timeout(150)  # let the page's scroll to the new answer run
        return self.page.locator("#chat [data-testid=bot]").last

    def box(self, selector: str) -> dict[str, float]:
        """The element's box relative to the viewport."""
        return dict(self.page.locator(selector).last.evaluate("e => e.getBoundingClientRect().toJSON()"))

    def in_view(self, selector: str) -> bool:
        """The element is wholly inside the viewport (no scrolling needed to see it)."""
        rect = self.box(selector)
        height = self.page.viewport_size["height"]
        return bool(rect["top"] >= 0 and rect["bottom"] <= height and rect["height"] > 0)

    def shot(self, name: str, full_page: bool = False) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / name), full_page=full_page)

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def tab(browser: Any, ui: tuple[str, Path]) -> Iterator[Page]:
    page = Page(browser, ui[0])
    yield page
    page.close()


def keep_busy(client: Any, count: int = 80) -> list[Any]:
    """Fill the server's answering slots with questions asked with a history (so none is answered from
    memory), and return once most of them have joined the queue."""
    from gradio_client.utils import Status

    lines = (REPO_ROOT / "eval" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines]
    questions = list(dict.fromkeys(i["question"] for i in items if not i.get("history")))[:count]
    history = [{"role": "user", "content": "Hello"}, {"role": "assistant", "content": "Hello! Ask me anything."}]
    jobs = [client.submit(q, history, "family", api_name="/ask") for q in questions]
    joined = Status.ordering(Status.IN_QUEUE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if sum(Status.ordering(job.status().code) >= joined for job in jobs) >= len(jobs) * 3 // 4:
            break
        time.sleep(0.02)
    return jobs


# -- answers, sources, feedback ---------------------------------------------------------------------------
def test_answer_shows_markers_and_the_highlighted_quote(tab: Page, ui: tuple[str, Path]) -> None:
    answer = tab.ask("What does ASPS stand for?")
    assert "[1]" in answer.locator(".answer").inner_text()
    definition = "Alveolar soft part sarcoma (ASPS) is a malignant soft tissue tumor"
    source = answer.locator("li.source", has=tab.page.locator("mark", has_text=definition))
    assert source.count() == 1, "the quote is highlighted"
    assert "ASPS is slow-growing" in source.locator("blockquote").inner_text()  # the quote's own paragraph
    assert "Alveolar Soft Part Sarcoma (ASPS)" in source.locator(".src-head").inner_text()
    tab.shot("ui-answer.png")

    # Clicking a marker brings its quote into view and focuses it.
    answer.locator("a.cite").first.click()
    tab.page.wait_for_function("document.activeElement && document.activeElement.id.startsWith('src-')")
    assert tab.in_view("#chat mark:focus")

    # Thumbs down, then a comment: one row in the database with the question, answer and citations.
    store = FeedbackStore(ui[1])
    before = store.count()
    tab.page.locator("#chat").get_by_role("button", name="Dislike").last.click()
    tab.page.wait_for_selector("#feedback-status :text('is saved')")
    tab.page.get_by_label("Comment on your rating (optional)").fill("Please say what the tumour is.")
    tab.page.get_by_role("button", name="Save comment").click()
    tab.page.wait_for_selector("#feedback-status :text('comment is saved')")
    assert store.count() == before + 1
    record = store.records()[-1]
    assert (record.rating, record.comment) == ("down", "Please say what the tumour is.")
    assert record.question == "What does ASPS stand for?" and "[1]" in record.answer
    assert "dfci-alveolar-soft-part-sarcoma" in {c["source_id"] for c in record.citations}
    assert record.key  # the answer's own key: a retry or a change updates this row

    # Changing to thumbs up updates that row (its comment kept); clicking thumbs up again takes it back.
    tab.page.locator("#chat").get_by_role("button", name="Like", exact=True).last.click()
    tab.page.wait_for_selector("#feedback-status :text('thumbs up for answer 1 is saved')")
    changed = store.get(record.id)
    assert store.count() == before + 1 and changed is not None
    assert (changed.rating, changed.comment) == ("up", "Please say what the tumour is.")
    tab.page.locator("#chat").get_by_role("button", name="Liked", exact=True).last.click()
    tab.page.wait_for_selector("#feedback-status :text('removed')")
    assert store.count() == before


@WIDTHS
def test_two_quotes_from_one_paragraph_show_it_once(browser: Any, ui: tuple[str, Path], size: tuple[int, int]) -> None:
    tab = Page(browser, ui[0], size)
    try:
        for question in SAME_PARAGRAPH_CANDIDATES:
            answer = tab.ask(question)
            if answer.locator("li.source:has(mark + mark), li.source:has(mark ~ mark)").count():
                break
        else:
            pytest.fail("none of the candidate answers quotes one paragraph twice")
        paragraphs = answer.locator("li.source blockquote").all_inner_texts()
        assert len(paragraphs) == len(set(paragraphs)), "a paragraph is shown twice"
        markers = answer.locator(".answer a.cite").count()
        assert answer.locator("mark").count() == markers > len(paragraphs)
        grouped = answer.locator("li.source:has(mark ~ mark)").first
        for mark in grouped.locator("mark").all():  # each marker of the paragraph leads to its own quote
            target = mark.get_attribute("id")
            answer.locator(f'a.cite[href="#{target}"]').click()
            tab.page.wait_for_function("id => document.activeElement && document.activeElement.id === id", arg=target)
        tab.shot(f"ui-same-paragraph-{size[0]}.png")
    finally:
        tab.close()


def test_script_in_a_question_is_shown_as_text_and_runs_nothing(tab: Page) -> None:
    probe = "<img src=x onerror=alert(1)> <script>alert(2)</script>"
    tab.ask(probe)
    tab.page.wait_for_timeout(300)  # give an injected handler the chance to fire
    assert tab.dialogs == []
    assert tab.page.locator("img[src=x]").count() == 0
    assert tab.page.locator("#chat script").count() == 0
    assert tab.page.locator("#chat [data-testid=user]").last.inner_text().strip() == probe
    assert "only HTML markup" in tab.page.locator("#chat .answer.done").last.inner_text()


@WIDTHS
def test_a_question_next_to_markup_is_answered(browser: Any, ui: tuple[str, Path], size: tuple[int, int]) -> None:
    tab = Page(browser, ui[0], size)
    try:
        answer = tab.ask("<b>x</b> what is ASPS?")
        assert tab.page.locator("#chat [data-testid=user]").last.inner_text().strip() == "<b>x</b> what is ASPS?"
        assert answer.locator("mark", has_text="malignant soft tissue tumor").count() == 1
        assert tab.page.locator("#chat b").count() == 0
    finally:
        tab.close()


# -- emergencies ----------------------------------------------------------------------------------------
@WIDTHS
def test_an_emergency_is_a_call_now_alert_in_view_with_tap_to_call_links(
    browser: Any, ui: tuple[str, Path], size: tuple[int, int]
) -> None:
    tab = Page(browser, ui[0], size)
    try:
        tab.ask("What does ASPS stand for?")  # a long answer first, so the page has to scroll to the alert
        message = "I want to kill myself since the diagnosis" if size == PHONE else EMERGENCY
        reply = tab.ask(message)
        alert = reply.get_by_role("alert")
        assert alert.count() == 1
        assert tab.in_view("#chat [role=alert]"), (
            f"the alert is out of view at {size[0]} px: {tab.box('#chat [role=alert]')}"
        )
        assert alert.locator('a[href="tel:911"]').count() >= 1
        if size == PHONE:
            assert alert.locator('a[href="tel:988"]').count() >= 1
            assert alert.get_by_role("link", name="Call or text 988").is_visible()
        assert alert.get_by_role("link", name="Call 911").is_visible()
        text = tab.page.locator("#chat").inner_text()
        assert "**" not in text, "Markdown asterisks shown literally"
        # The alert is the first thing in the reply, and there are no thumbs under it.
        assert reply.evaluate("e => e.querySelector('.answer').firstElementChild.getAttribute('role')") == "alert"
        row = tab.page.locator("#chat .message-row.bot-row").last
        assert (
            row.get_by_role("button", name="Like", exact=True).count() == 0
            or not row.get_by_role("button", name="Like", exact=True).is_visible()
        )
        tab.shot(f"ui-emergency-{size[0]}.png")
    finally:
        tab.close()


def test_no_thumbs_under_errors(tab: Page) -> None:
    tab.ask("What does ASPS stand for?")
    tab.ask("😀😀")
    rows = tab.page.locator("#chat .message-row.bot-row")
    assert rows.first.get_by_role("button", name="Like", exact=True).is_visible()
    like = rows.last.get_by_role("button", name="Like", exact=True)
    assert like.count() == 0 or not like.is_visible()


# -- input that is not a plain English question ------------------------------------------------------------
@WIDTHS
def test_emoji_and_other_languages_get_a_friendly_word(
    browser: Any, ui: tuple[str, Path], size: tuple[int, int]
) -> None:
    tab = Page(browser, ui[0], size)
    try:
        tab.ask("😀😀")
        text = tab.page.locator("#chat .answer.done").last.inner_text()
        assert "only emoji or symbols" in text and "binary" not in text
        assert tab.page.locator(QUESTION_BOX).input_value() == "😀😀", "the text stays in the box"
        tab.page.locator(QUESTION_BOX).fill("")
        tab.ask("¿Cuáles son los síntomas del hemangiopericitoma?")
        assert "only read questions in English" in tab.page.locator("#chat .answer.done").last.inner_text()
    finally:
        tab.close()


# -- conversation flow --------------------------------------------------------------------------------------
@WIDTHS
def test_a_second_question_sent_while_the_first_waits_is_answered_after_it(
    browser: Any, ui: tuple[str, Path], size: tuple[int, int]
) -> None:
    """The server is kept busy (script clients fill the answering slots), so the first question is still
    waiting when the second is sent: both are answered in order, with sources, and both are remembered."""
    tab = Page(browser, ui[0], size)
    client = client_for(ui[0])
    try:
        jobs = keep_busy(client)
        tab.send("What does ASPS stand for?")
        tab.page.wait_for_selector("#chat .answer.pending")
        tab.send("What is its 5-year survival?")  # a follow-up: it needs the first answer in the history
        tab.page.wait_for_function("document.querySelectorAll('#chat .answer.pending').length === 2")
        assert tab.page.locator(QUESTION_BOX).input_value() == "", "the second question was taken at once"
        tab.wait_for_answers(1)
        answers = tab.page.locator("#chat .answer.done")
        assert answers.count() == 2 and tab.page.locator("#chat .answer.pending").count() == 0
        assert tab.page.locator("#chat section.sources").count() == 2
        assert "malignant soft tissue tumor" in answers.nth(0).inner_text()
        assert "91 percent" in answers.nth(1).inner_text()  # the follow-up knew what "its" was
        for job in jobs:
            job.result(timeout=120)
    finally:
        client.close()
        tab.close()


def test_stop_drops_a_waiting_question(tab: Page, ui: tuple[str, Path]) -> None:
    client = client_for(ui[0])
    try:
        jobs = keep_busy(client)
        tab.send("What does ASPS stand for?")
        tab.page.get_by_role("button", name="Stop").click()
        tab.page.wait_for_selector("#chat .answer.stopped")
        for job in jobs:
            job.result(timeout=120)
        tab.page.wait_for_timeout(500)
        assert tab.page.locator("#chat section.sources").count() == 0  # no answer arrived after all
        tab.ask("What does ASPS stand for?")
        assert tab.page.locator("#chat section.sources").count() == 1
    finally:
        client.close()


@WIDTHS
def test_the_view_scrolls_to_the_start_of_each_new_answer(
    browser: Any, ui: tuple[str, Path], size: tuple[int, int]
) -> None:
    tab = Page(browser, ui[0], size)
    try:
        for question in ("What are the symptoms of hemangiopericytoma?", "How is alveolar soft part sarcoma treated?"):
            tab.ask(question)
            start = tab.box("#chat .answer.done")
            assert 0 <= start["top"] <= size[1] / 3, f"the new answer starts at {start['top']} px, not near the top"
        # One scroll (the page's): nothing inside the chat scrolls on its own.
        nested = tab.page.evaluate(
            """[...document.querySelectorAll('#chat, #chat *')].filter(e => {
                 const s = getComputedStyle(e);
                 return /(auto|scroll)/.test(s.overflowY) && e.scrollHeight > e.clientHeight + 1;
               }).map(e => e.className.toString().slice(0, 60))"""
        )
        assert nested == []
        widths = tab.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"page is {widths[0]}px wide in a {widths[1]}px viewport"
        # The question box stays in reach at the bottom of the screen while reading the answer.
        assert tab.in_view("#question textarea")
        tab.shot(f"ui-scrolled-{size[0]}.png")
    finally:
        tab.close()


@WIDTHS
def test_first_screen_shows_the_question_box_and_nothing_covers_the_conversation(
    browser: Any, ui: tuple[str, Path], size: tuple[int, int]
) -> None:
    tab = Page(browser, ui[0], size)
    try:
        assert tab.in_view("#question textarea"), "the question box is below the fold"
        tab.shot(f"ui-first-screen-{size[0]}.png")
        tab.ask("What does ASPS stand for?")
        tab.page.evaluate("window.scrollTo(0, 0)")
        # The first words of each message are what is on top at their spot: no label or button covers them.
        for selector in ("#chat .user-text", "#chat .answer.done"):
            covered = tab.page.locator(selector).first.evaluate(
                """e => { const r = e.getBoundingClientRect();
                          const top = document.elementFromPoint(r.left + 4, r.top + 4);
                          if (top && (e.contains(top) || top.contains(e))) return null;
                          return top ? top.outerHTML.slice(0, 80) : 'nothing'; }"""
            )
            assert covered is None, f"{selector} is covered by {covered}"
        assert tab.page.locator("#chat label[data-testid=block-label]:visible").count() == 0
    finally:
        tab.close()


# -- copy, export, print --------------------------------------------------------------------------------------
@WIDTHS
def test_copy_an_answer_as_plain_text(browser: Any, ui: tuple[str, Path], size: tuple[int, int]) -> None:
    tab = Page(browser, ui[0], size, permissions=["clipboard-read", "clipboard-write"])
    try:
        answer = tab.ask("What does ASPS stand for?")
        answer.get_by_role("button", name="Copy answer").click()
        tab.page.wait_for_function(
            "[...document.querySelectorAll('button.copy-answer')].some(b => b.textContent === 'Copied')"
        )
        copied = tab.page.evaluate("navigator.clipboard.readText()")
        assert copied.startswith("Alveolar soft part sarcoma (ASPS) is a malignant soft tissue tumor")
        assert "[1]" in copied and "Sources" in copied and "“" in copied
        assert "<" not in copied and "source [1]" not in copied
    finally:
        tab.close()


@WIDTHS
def test_export_the_conversation_as_markdown(browser: Any, ui: tuple[str, Path], size: tuple[int, int]) -> None:
    tab = Page(browser, ui[0], size)
    try:
        tab.ask("What does ASPS stand for?")
        tab.ask(EMERGENCY)
        with tab.page.expect_download() as download:
            tab.page.get_by_role("button", name="Export (Markdown)").click()
        assert download.value.suggested_filename == "conversation.md"
        text = Path(download.value.path()).read_text(encoding="utf-8")
        assert "## 1. What does ASPS stand for?" in text and f"## 2. {EMERGENCY}" in text
        assert "**Sources**" in text and "> “Alveolar soft part sarcoma (ASPS) is a malignant soft tissue tumor" in text
        assert "[1] *Alveolar Soft Part Sarcoma (ASPS)*" in text and "call 911" in text
    finally:
        tab.close()


@WIDTHS
def test_print_view_holds_the_whole_conversation(browser: Any, ui: tuple[str, Path], size: tuple[int, int]) -> None:
    tab = Page(browser, ui[0], size)
    try:
        questions = ["What does ASPS stand for?", "What are the symptoms of hemangiopericytoma?", "ASPS 5-yr survival"]
        for question in questions:
            tab.ask(question)
        tab.page.emulate_media(media="print")
        for hidden in ("#ask-row", "#tools", "#audience", "#feedback-box"):
            assert not any(e.is_visible() for e in tab.page.locator(hidden).all()), f"{hidden} is printed"
        assert tab.page.locator("#chat section.sources").count() == 3
        assert tab.page.locator("#chat button:visible").count() == 0
        # The conversation is laid out in full: no part of it is cut off inside a box.
        clipped = tab.page.evaluate(
            """[...document.querySelectorAll('#chat, #chat *')].filter(e => {
                 const s = getComputedStyle(e);
                 return /(auto|scroll|hidden)/.test(s.overflowY) && e.scrollHeight > e.clientHeight + 1
                        && e.clientHeight > 0 && !e.classList.contains('sr-only');
               }).map(e => e.className.toString().slice(0, 60))"""
        )
        assert clipped == []
        ARTIFACTS.mkdir(exist_ok=True)
        pdf = tab.page.pdf(path=str(ARTIFACTS / f"ui-print-{size[0]}.pdf"))
        assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= 2  # more than one page: nothing cut short
        tab.page.emulate_media(media="screen")
    finally:
        tab.close()


# -- the corpus changes under the running server -----------------------------------------------------------
@pytest.fixture(scope="module")
def changing(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, LiveAssistant]]:
    """A server over a private copy of the corpus (with its own index) that the tests may edit."""
    root = tmp_path_factory.mktemp("changing")
    corpus = root / "corpus"
    shutil.copytree(REPO_ROOT / "corpus", corpus)
    settings = Settings(
        corpus_dir=corpus, data_dir=root / "data", feedback_db=root / "fb.sqlite3", corpus_check_interval_s=0
    )
    live = LiveAssistant.load(settings)
    with running_app(live, settings) as url:
        yield url, corpus, live


@WIDTHS
def test_a_corpus_changed_under_the_server_shows_no_path_and_keeps_answering(
    browser: Any, changing: tuple[str, Path, LiveAssistant], size: tuple[int, int]
) -> None:
    """390 px: a document is edited (it is re-indexed and then answers from its new text);
    1280 px: a document is deleted (answers from the others keep working). No message names a path."""
    url, corpus, live = changing
    tab = Page(browser, url, size)
    try:
        if size == PHONE:
            page = corpus / "dfci-alveolar-soft-part-sarcoma.txt"
            text = page.read_text(encoding="utf-8")
            anchor = "Alveolar soft part sarcoma (ASPS) is a malignant"
            page.write_text(text.replace(anchor, "This page was checked again. " + anchor, 1), encoding="utf-8")
            tab.ask("What does ASPS stand for?")
            assert live.wait(300) and not live.reload_failed
            answer = tab.ask("What does ASPS stand for?")
            assert answer.locator("mark", has_text="malignant soft tissue tumor").count() == 1
            assert "This page was checked again." in answer.locator("li.source").first.inner_text()
        else:
            (corpus / "pubmed-onoki-2018.txt").unlink()  # the manifest still names it
            tab.ask("What did Onoki et al. report?")
            assert live.wait(300) and live.reload_failed
            tab.ask("What did Onoki et al. report?")
            answer = tab.ask("What are the symptoms of hemangiopericytoma?")
            assert answer.locator("section.sources mark").count() >= 1  # the other documents still answer
        shown = tab.page.locator("#chat").inner_text()
        assert str(corpus) not in shown and "Errno" not in shown and "No such file" not in shown
        assert tab.page.locator("#chat .answer.pending").count() == 0, "an answer is stuck"
    finally:
        tab.close()


# -- phones and keyboards --------------------------------------------------------------------------------------
def test_phone_width_has_no_horizontal_scrolling(browser: Any, ui: tuple[str, Path]) -> None:
    tab = Page(browser, ui[0], PHONE)
    try:
        tab.ask("My son has a lump that doesn't hurt. What could it be?")
        assert tab.page.locator("#chat mark").first.is_visible()
        widths = tab.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"page is {widths[0]}px wide in a {widths[1]}px viewport"
        tab.shot("ui-phone.png", full_page=True)
    finally:
        tab.close()


def test_keyboard_alone_chooses_the_audience_asks_and_follows_a_marker(tab: Page) -> None:
    tab.page.locator("#audience input").first.focus()
    tab.page.keyboard.press("Tab")
    tab.page.keyboard.press("Space")
    assert tab.page.get_by_role("radio", name="Clinician or nurse: terse, source type named").is_checked()
    tab.page.locator(QUESTION_BOX).focus()
    tab.page.keyboard.type("What are the symptoms of hemangiopericytoma?")
    tab.page.keyboard.press("Enter")
    tab.page.wait_for_selector("#chat .answer.done a.cite", timeout=ANSWER_TIMEOUT_MS)
    assert tab.page.locator("#chat .answer.done").inner_text().startswith("Patient page:")
    tab.page.locator("#chat a.cite").first.focus()
    tab.page.keyboard.press("Enter")
    tab.page.wait_for_function("document.activeElement && document.activeElement.id.startsWith('src-')")


def test_every_control_is_labelled(tab: Page) -> None:
    tab.ask("What does ASPS stand for?")
    page = tab.page
    for label in ("Your question", "Comment on your rating (optional)"):
        assert page.get_by_label(label).count() == 1
    for name in ("Family or patient: plain words", "Clinician or nurse: terse, source type named"):
        assert page.get_by_role("radio", name=name).count() == 1
    for name in (
        "Ask",
        "New conversation",
        "Export (Markdown)",
        "Print",
        "Save comment",
        "Like",
        "Dislike",
        "Copy answer",
    ):
        assert page.get_by_role("button", name=name).count() >= 1
    unnamed = page.evaluate(
        """[...document.querySelectorAll('button, input, textarea, select, a[href]')]
             .filter(e => e.offsetParent !== null)
             .filter(e => !((e.labels && e.labels.length) || e.getAttribute('aria-label')
                            || e.getAttribute('aria-labelledby') || e.title || e.innerText.trim()))
             .map(e => e.outerHTML.slice(0, 120))"""
    )
    assert unnamed == []
    # Gradio would label each message with its HTML source; the page drops that so the rendered text is read.
    assert page.locator("#chat [data-testid=bot][aria-label], #chat [data-testid=user][aria-label]").count() == 0


def test_audience_and_new_conversation(tab: Page) -> None:
    tab.page.get_by_role("radio", name="Clinician or nurse: terse, source type named").check()
    answer = tab.ask("ASPS 5-yr survival")
    assert answer.locator(".answer").inner_text().startswith("Patient page:")  # clinicians are told the source type
    assert answer.locator("mark", has_text="91 percent").count() == 1
    tab.page.get_by_role("button", name="New conversation").click()
    tab.page.wait_for_function("document.querySelectorAll('#chat .answer').length === 0")
    # A fresh start: the chat and its history are empty, so the next answer is turn 1 again.
    answer = tab.ask("What does ASPS stand for?", answers_before=0)
    assert answer.locator("a.cite").first.get_attribute("href") == "#src-1-1"


def test_the_page_takes_its_words_from_the_corpus_profile(tab: Page, bot: Assistant) -> None:
    from assistant.profile import load_profile

    profile = load_profile(bot.settings.corpus_dir)
    assert tab.page.title() == profile.ui_title
    assert tab.page.locator("#intro h1").inner_text() == profile.ui_title
    assert (profile.greeting or "")[:40] in tab.page.locator("#chat").inner_text()
    examples = tab.page.locator("#examples").inner_text()
    assert all(q in examples for q in profile.example_questions)
