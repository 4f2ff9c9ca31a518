"""Chat UI (Gradio 6 Blocks): a thin adapter over :class:`assistant.Assistant`.

What a person sees: a chat whose answers stream in with their ``[n]`` markers, and under each answer
its sources — title, section, journal/year/DOI — with the quoted sentence highlighted inside its
paragraph, so the claim can be checked at a glance. A marker is a link to its source. Thumbs up /
down on an answer (with an optional comment) go to :class:`assistant.feedback.FeedbackStore`.

What a script sees: two stable endpoints for ``gradio_client`` (see docs/ui.md):

* ``/ask`` (question, history, audience) → ``Answer.to_dict()``
* ``/feedback`` (rating, question, answer, citations, comment, audience) → ``{"id": ..., "stored": true}``

Safety of what is shown: every piece of user or corpus text is HTML-escaped before it reaches the
page, the chatbot renders HTML (not Markdown) through Gradio's sanitizer, and nothing user-supplied
ever becomes markup — so ``<script>`` in a question is shown as the characters ``<script>``.
"""

from __future__ import annotations

import html
import json
import re
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote as url_quote

import gradio as gr

from assistant import Assistant
from assistant.corpus import html_span_text, read_source_text
from assistant.errors import InvalidQuestionError
from assistant.feedback import FeedbackStore, InvalidFeedbackError, normalize_rating
from assistant.schema import Answer, Citation
from assistant.settings import Settings

TITLE = "Rare tumour documents assistant"
EXAMPLES = [
    "What does ASPS stand for?",
    "What are the symptoms of hemangiopericytoma?",
    "How is alveolar soft part sarcoma treated?",
    "My son has a lump that doesn't hurt. What could it be?",
]
AUDIENCE_CHOICES = [
    ("Family or patient: plain words", "family"),
    ("Clinician or nurse: terse, source type named", "clinician"),
]
# Several people can chat at once: each answer is ~0.2-1 s of CPU and the Assistant is read-only after
# load, so a handful of events run side by side instead of queueing behind one another.
CONCURRENCY = 4
STREAM_WORDS = 3  # words added per streamed update
STREAM_DELAY_S = 0.015
CONTEXT_CHARS = 450  # at most this much paragraph shown on each side of a quote
SHOWN_QUESTION_CHARS = 600  # an over-long question is echoed shortened (it is rejected anyway)

_MARKER_RE = re.compile(r"\[(\d+)\]")
# System fonts: nothing is fetched, and every glyph comes from one family (the bundled web font lacks some).
THEME = gr.themes.Default(
    font=["system-ui", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "DejaVu Sans", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "DejaVu Sans Mono", "monospace"],
)

CSS = """
.gradio-container { max-width: 980px !important; margin: 0 auto; }
#intro h1 { font-size: 1.5rem; margin: 0.2rem 0; }
#intro p { margin: 0.2rem 0 0.6rem; }
#chat .answer, #chat .user-text, #chat .sources { overflow-wrap: anywhere; }
#chat .notice { font-weight: 600; }
#chat a.cite { font-weight: 600; text-decoration: none; padding: 0 1px; border-radius: 3px; }
#chat a.cite:hover, #chat a.cite:focus { text-decoration: underline; outline: 2px solid currentColor; }
#chat .sources { margin-top: 0.75rem; border-top: 1px solid var(--border-color-primary); padding-top: 0.5rem; }
#chat .sources h4 { margin: 0 0 0.25rem; font-size: 0.95rem; }
#chat .sources ol { margin: 0; padding-left: 0; list-style: none; }
#chat .sources li { margin: 0 0 0.6rem; padding: 0.35rem 0.5rem; border-radius: 6px;
                    border-left: 4px solid var(--color-accent); background: var(--background-fill-secondary); }
#chat .sources li:focus { outline: 3px solid var(--color-accent); }
#chat .sources li.flash { animation: flash 1.2s ease-out; }
@keyframes flash { from { box-shadow: 0 0 0 4px var(--color-accent); } to { box-shadow: none; } }
#chat .src-head { font-weight: 600; }
#chat .src-meta { font-size: 0.85rem; opacity: 0.85; }
#chat .src-para { margin: 0.3rem 0 0; padding: 0; border: 0; font-size: 0.92rem; }
#chat mark { background: #ffe066; color: #1a1a1a; padding: 0 2px; border-radius: 2px; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
#feedback-status p { margin: 0.25rem 0; }
/* Gradio's hover style would make the chosen audience look unchosen while the pointer is over it. */
#audience input:checked:hover { background-color: var(--checkbox-background-color-selected);
                                border-color: var(--checkbox-border-color-selected); }
@media (max-width: 480px) {
  .gradio-container { padding: 0 6px !important; }
  #intro h1 { font-size: 1.25rem; }
}
"""

# Clicking a marker brings its source into view and moves focus there (keyboard users land on it too).
# One delegated listener covers every answer, including ones streamed in later.
HEAD = """
<script>
document.addEventListener("click", function (event) {
  var link = event.target && event.target.closest ? event.target.closest("a.cite") : null;
  if (!link) return;
  var target = document.getElementById((link.getAttribute("href") || "").slice(1));
  if (!target) return;
  event.preventDefault();
  target.scrollIntoView({ behavior: "smooth", block: "nearest" });
  target.focus({ preventScroll: true });
  target.classList.remove("flash");
  void target.offsetWidth;
  target.classList.add("flash");
});
// Gradio labels each chat message with its raw content, which here is HTML source; screen readers
// should read the rendered message instead, so that label is dropped whenever it is set.
new MutationObserver(function (mutations) {
  mutations.forEach(function (m) {
    var nodes = m.type === "attributes" ? [m.target] : Array.prototype.slice.call(m.addedNodes);
    nodes.forEach(function (node) {
      if (!node.querySelectorAll) return;
      var found = Array.prototype.slice.call(node.querySelectorAll("[data-testid=bot], [data-testid=user]"));
      if (node.matches && node.matches("[data-testid=bot], [data-testid=user]")) found.push(node);
      found.forEach(function (el) { if (el.hasAttribute("aria-label")) el.removeAttribute("aria-label"); });
    });
  });
}).observe(document.documentElement,
           { subtree: true, childList: true, attributes: true, attributeFilter: ["aria-label"] });
</script>
"""


# -- rendering (everything here returns HTML in which all text is escaped) -------------------------
def esc(text: str) -> str:
    """HTML-escape text (quotes too) so it is always shown literally, never run."""
    return html.escape(text, quote=True)


def _text_html(text: str) -> str:
    """Escaped text with line breaks kept (the chatbot renders HTML, where newlines would collapse)."""
    return "<br>".join(esc(line) for line in text.split("\n"))


def user_html(question: str) -> str:
    """A person's question as the chat shows it: literal text, shortened if it is far over the limit."""
    shown = " ".join(question.split()) if isinstance(question, str) else ""
    if not shown:
        return '<div class="user-text"><em>(empty message)</em></div>'
    if len(shown) > SHOWN_QUESTION_CHARS:
        shown = f"{shown[:SHOWN_QUESTION_CHARS]}… ({len(question)} characters)"
    return f'<div class="user-text">{esc(shown)}</div>'


def answer_text_html(text: str, turn: int, markers: set[int]) -> str:
    """The answer text, escaped, with each known ``[n]`` marker turned into a link to its source."""

    def link(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if n not in markers:
            return match.group(0)
        return f'<a class="cite" href="#src-{turn}-{n}"><span class="sr-only">source </span>[{n}]</a>'

    return _MARKER_RE.sub(link, _text_html(text))


def _tidy(text: str, is_html: bool) -> str:
    """Source text as a reader sees it: HTML tags dropped; runs of spaces and blank lines folded."""
    if is_html:
        return html_span_text(text)
    text = re.sub(r"[ \t]*\n\s*", "\n", text)
    return re.sub(r"[ \t]+", " ", text)


def source_paragraph(bot: Assistant, citation: Citation) -> tuple[str, str, str]:
    """The quote's surrounding paragraph as (text before, quote, text after), read from the source file.

    The paragraph is the parsed block(s) the quoted sentences belong to (a list comes with the sentence
    that introduces it); for a quote outside any block, the blank-line-separated paragraph around it.
    """
    path = bot.index.source_path(citation.source_id)
    raw = read_source_text(path)
    start, end = citation.start, citation.end
    lo, hi = start, end
    doc = bot.index.documents.get(citation.source_id)
    blocks = {s.block for s in doc.sentences if s.start < end and s.end > start} if doc else set()
    if doc and blocks:
        for sentence in doc.sentences:
            if sentence.block in blocks:
                lo, hi = min(lo, sentence.start), max(hi, sentence.end)
    else:
        gap = raw.rfind("\n\n", 0, start)
        lo = 0 if gap < 0 else gap + 2
        gap = raw.find("\n\n", end)
        hi = len(raw) if gap < 0 else gap
    is_html = path.suffix.lower() in (".html", ".htm")
    before = _tidy(raw[lo:start], is_html).lstrip()
    after = _tidy(raw[end:hi], is_html).rstrip()
    quote = _tidy(raw[start:end], is_html).strip() or citation.quote
    if len(before) > CONTEXT_CHARS:
        before = "…" + before[-CONTEXT_CHARS:].split(" ", 1)[-1]
    if len(after) > CONTEXT_CHARS:
        after = after[:CONTEXT_CHARS].rsplit(" ", 1)[0] + "…"
    if before and not before[-1].isspace():
        before += " "
    if after and not after[0].isspace():
        after = " " + after
    return before, quote, after


def citation_meta(citation: Citation) -> list[str]:
    """Escaped HTML pieces naming where a quote comes from: kind, publisher, journal and year, DOI link."""
    pieces = []
    if citation.source_kind:
        pieces.append(esc(citation.source_kind.capitalize()))
    if citation.publisher:
        pieces.append(esc(citation.publisher))
    journal = " ".join(x for x in (citation.journal, str(citation.year) if citation.year else None) if x)
    if journal:
        pieces.append(esc(journal))
    if citation.doi:
        href = "https://doi.org/" + url_quote(citation.doi, safe="/:;()._-")
        pieces.append(f'DOI: <a href="{esc(href)}">{esc(citation.doi)}</a>')
    return pieces


def sources_html(bot: Assistant, answer: Answer, turn: int) -> str:
    """The list of an answer's sources; element ids ``src-<turn>-<n>`` are what the markers link to."""
    if not answer.citations:
        return ""
    items = []
    for c in answer.citations:
        where = " › ".join(esc(x) for x in (c.context, c.section) if x and x != c.title)
        try:
            before, quote, after = source_paragraph(bot, c)
        except (OSError, KeyError):  # the file went away after indexing: the verified quote alone still helps
            before, quote, after = "", c.quote, ""
        meta = " · ".join(citation_meta(c))
        items.append(
            f'<li id="src-{turn}-{c.marker}" tabindex="-1">'
            f'<div class="src-head">[{c.marker}] {esc(c.title)}</div>'
            + (f'<div class="src-meta">{where}</div>' if where else "")
            + (f'<div class="src-meta">{meta}</div>' if meta else "")
            + f'<blockquote class="src-para">{_text_html(before)}<mark>{_text_html(quote)}</mark>'
            f"{_text_html(after)}</blockquote></li>"
        )
    return f'<section class="sources"><h4>Sources</h4><ol>{"".join(items)}</ol></section>'


def answer_html(bot: Assistant, answer: Answer, turn: int) -> str:
    """One assistant message: the answer text with linked markers, then its sources."""
    markers = {c.marker for c in answer.citations}
    # "done" tells the page (and its tests) that the answer is final, not a streamed part.
    text = answer_text_html(answer.text, turn, markers)
    return f'<div class="answer done">{text}</div>' + sources_html(bot, answer, turn)


def error_html(message: str) -> str:
    """A clear, kind message in the chat for a question the assistant cannot take."""
    return f'<div class="answer notice done">Sorry, I can\'t use that message: {esc(message)}.</div>'


def header_html(bot: Assistant) -> str:
    """Title and the one line saying what the assistant knows and that it is not medical advice."""
    count = len(bot.index.documents)
    return (
        f"<h1>{esc(TITLE)}</h1>"
        f"<p>I answer only from {count} documents about {esc(bot.coverage_summary())}, "
        "quoting them and citing every sentence [n]. "
        "<strong>This is information, not medical advice</strong>: please talk to your care team about "
        "decisions, and call emergency services in an emergency.</p>"
    )


def status_html(message: str) -> str:
    """A short feedback status line (escaped)."""
    return f"<p>{esc(message)}</p>" if message else ""


# -- plain-data helpers shared by the UI and the API -----------------------------------------------
def parse_history(history: Any) -> list[dict[str, str]] | None:
    """History from the API: a list of {'role', 'content'} messages, or the same as a JSON string."""
    if history is None or history == "":
        return None
    if isinstance(history, str):
        try:
            history = json.loads(history)
        except json.JSONDecodeError as exc:
            raise InvalidQuestionError(f"history is not valid JSON ({exc.msg})") from exc
    return history  # Assistant.ask validates the shape and says clearly what is wrong


def _stream_steps(text: str) -> Iterator[str]:
    """Progressively longer prefixes of ``text``, a few words at a time, ending with all of it."""
    words = re.split(r"(\s+)", text)
    for end in range(STREAM_WORDS * 2, len(words), STREAM_WORDS * 2):
        yield "".join(words[:end])
    yield text


def reply(
    bot: Assistant,
    message: str,
    audience: str,
    chat: list[dict[str, Any]] | None,
    history: list[dict[str, str]] | None,
    records: dict[int, dict[str, Any]] | None,
) -> Iterator[tuple[Any, ...]]:
    """One chat turn, as successive UI states (question box, chat, plain history, answer records).

    Shows the question at once, streams the answer a few words at a time with its [n] markers, then
    replaces it with the final message: markers linked to the sources listed under the answer. An
    unusable question (empty, too long) gets a clear message in the chat instead.
    """
    chat = list(chat or [])
    history = list(history or [])
    records = dict(records or {})
    chat.append({"role": "user", "content": user_html(message)})
    turn = len(chat)  # index the answer will have: unique per conversation, so anchor ids never clash
    try:
        bot.validate_question(message)  # cheap; an unusable question stays in the box to be fixed
    except InvalidQuestionError as exc:
        chat.append({"role": "assistant", "content": error_html(str(exc))})
        yield message, chat, history, records
        return
    pending = '<div class="answer pending"><em>Looking in the documents…</em></div>'
    chat.append({"role": "assistant", "content": pending})
    yield "", chat, history, records
    try:
        answer = bot.ask(message, history=history, audience=audience)
    except InvalidQuestionError as exc:
        chat[-1] = {"role": "assistant", "content": error_html(str(exc))}
        yield gr.skip(), chat, history, records
        return
    for partial in _stream_steps(answer.text):
        chat[-1] = {"role": "assistant", "content": f'<div class="answer streaming">{_text_html(partial)}</div>'}
        yield gr.skip(), chat, gr.skip(), gr.skip()
        time.sleep(STREAM_DELAY_S)
    chat[-1] = {"role": "assistant", "content": answer_html(bot, answer, turn)}
    history += [{"role": "user", "content": answer.question}, {"role": "assistant", "content": answer.text}]
    records[turn] = {
        "question": answer.question,
        "answer": answer.text,
        "citations": [c.model_dump(mode="json") for c in answer.citations],
        "audience": answer.audience,
    }
    yield gr.skip(), chat, history, records


# -- the app ---------------------------------------------------------------------------------------
def build_app(bot: Assistant, settings: Settings | None = None) -> gr.Blocks:
    """The chat app for an already-loaded assistant, with its queue configured (launch with :func:`launch`)."""
    settings = settings or bot.settings
    store = FeedbackStore(settings.feedback_db)

    def respond(
        message: str,
        audience: str,
        chat: list[dict[str, Any]] | None,
        history: list[dict[str, str]] | None,
        records: dict[int, dict[str, Any]] | None,
    ) -> Iterator[tuple[Any, ...]]:
        yield from reply(bot, message, audience, chat, history, records)

    def rate(
        records: dict[int, dict[str, Any]] | None,
        rated: dict[int, int] | None,
        data: gr.LikeData,
    ) -> tuple[str, dict[int, int], int | None]:
        """Thumbs on an answer: store it (one row per answer; a second click changes it, un-clicking removes it)."""
        records, rated = records or {}, dict(rated or {})
        index = data.index if isinstance(data.index, int) else data.index[0]
        record = records.get(index)
        if record is None:
            return status_html("Only answers can be rated."), rated, None
        number = sorted(records).index(index) + 1
        try:
            if data.liked == "":  # the same thumb clicked again: the person took the rating back
                if index in rated:
                    store.delete(rated.pop(index))
                return status_html(f"Rating of answer {number} removed."), rated, None
            rating = normalize_rating(data.liked)
            if index in rated and store.update(rated[index], rating=rating):
                pass
            else:
                rated[index] = store.add(
                    rating, record["question"], record["answer"], record["citations"], audience=record["audience"]
                )
        except InvalidFeedbackError as exc:
            return status_html(f"Sorry, that feedback could not be saved: {exc}."), rated, None
        thumb = "thumbs up" if rating == "up" else "thumbs down"
        return (
            status_html(f"Thanks: your {thumb} for answer {number} is saved. You can add a comment below."),
            rated,
            index,
        )

    def save_comment(comment: str, rated: dict[int, int] | None, last: int | None) -> tuple[str, Any]:
        """Attach the comment to the answer rated most recently."""
        rated = rated or {}
        if last is None or last not in rated:
            return status_html("Rate an answer with thumbs up or down first, then add your comment."), gr.skip()
        try:
            store.update(rated[last], comment=comment)
        except InvalidFeedbackError as exc:
            return status_html(f"Sorry, the comment was not saved: {exc}"), gr.skip()
        return status_html("Thanks: your comment is saved."), ""

    def new_conversation() -> tuple[Any, ...]:
        return [], [], {}, {}, None, "", ""

    def ask(question: str, history: list[dict[str, str]] | str | None = None, audience: str = "family") -> dict:
        """Answer a question from the documents; returns Answer.to_dict() (text with [n] markers, citations).

        history: earlier turns as [{"role": "user"|"assistant", "content": "..."}] (a list or a JSON string).
        audience: "family" (plain words) or "clinician" (terse).
        """
        try:
            return bot.ask(question, history=parse_history(history), audience=audience).to_dict()
        except InvalidQuestionError as exc:
            raise gr.Error(str(exc)) from exc

    def feedback(
        rating: str,
        question: str,
        answer: str,
        citations: list[dict[str, Any]] | str | None = None,
        comment: str = "",
        audience: str | None = None,
    ) -> dict:
        """Store a rating ("up" or "down") of an answer, with an optional comment; returns {"id", "stored"}.

        citations: the answer's citations (a list of dicts or a JSON string), as /ask returned them.
        """
        try:
            feedback_id = store.add(rating, question, answer, citations, comment=comment, audience=audience)
        except InvalidFeedbackError as exc:
            raise gr.Error(str(exc)) from exc
        return {"id": feedback_id, "stored": True}

    with gr.Blocks(title=TITLE, analytics_enabled=False) as app:
        gr.HTML(header_html(bot), elem_id="intro", js_on_load=None)
        audience = gr.Radio(AUDIENCE_CHOICES, value="family", label="Who is asking?", elem_id="audience")
        chatbot = gr.Chatbot(
            label="Conversation",
            elem_id="chat",
            height="62vh",
            min_height=320,
            # HTML (not Markdown) through Gradio's sanitizer: we escape all text ourselves, and corpus
            # characters such as * or _ are never taken as formatting.
            render_markdown=False,
            sanitize_html=True,
            allow_tags=False,
            latex_delimiters=[],
            feedback_options=("Like", "Dislike"),
            group_consecutive_messages=False,
            layout="panel",
            # The copy buttons would copy this message's HTML source, not its text: selecting text works.
            buttons=[],
            placeholder="Ask a question about the documents, or pick an example below.",
        )
        with gr.Row(equal_height=True):
            question = gr.Textbox(
                label="Your question",
                placeholder="Type your question",
                lines=1,
                max_lines=4,
                scale=4,
                elem_id="question",
            )
            send = gr.Button("Ask", variant="primary", scale=0, min_width=90, elem_id="ask")
        gr.Examples(EXAMPLES, inputs=question, label="Example questions")
        new = gr.Button("New conversation", variant="secondary", elem_id="new-conversation")
        with gr.Group():
            comment = gr.Textbox(
                label="Comment on your rating (optional)",
                placeholder="Rate an answer with the thumbs under it, then tell us why",
                lines=2,
                elem_id="comment",
            )
            comment_btn = gr.Button("Save comment", elem_id="save-comment")
        status = gr.HTML("", elem_id="feedback-status", js_on_load=None)

        history = gr.State([])
        records = gr.State({})
        rated = gr.State({})
        last_rated = gr.State(None)

        chat_io: dict[str, Any] = {
            "fn": respond,
            "inputs": [question, audience, chatbot, history, records],
            "outputs": [question, chatbot, history, records],
            "api_visibility": "private",  # scripts use /ask, which returns data rather than HTML
            "show_progress": "minimal",
        }
        question.submit(**chat_io)
        send.click(**chat_io)
        new.click(
            new_conversation,
            outputs=[chatbot, history, records, rated, last_rated, status, question],
            api_visibility="private",
            queue=False,
        )
        # The chatbot's own Clear button must forget the conversation too, not only hide it.
        chatbot.clear(
            new_conversation,
            outputs=[chatbot, history, records, rated, last_rated, status, question],
            api_visibility="private",
            queue=False,
        )
        chatbot.like(rate, [records, rated], [status, rated, last_rated], api_visibility="private")
        comment_btn.click(save_comment, [comment, rated, last_rated], [status, comment], api_visibility="private")
        gr.api(ask, api_name="ask")
        gr.api(feedback, api_name="feedback")
    app.queue(default_concurrency_limit=CONCURRENCY)
    return app


def launch(app: gr.Blocks, host: str = "127.0.0.1", port: int | None = None, **kwargs: Any) -> str:
    """Start the server with the page's CSS and script; returns the local URL.

    Extra keyword arguments go to :meth:`gradio.Blocks.launch` (tests pass ``prevent_thread_lock=True``).
    """
    _, url, _ = app.launch(
        server_name=host,
        server_port=port,
        css=CSS,
        head=HEAD,
        theme=THEME,
        footer_links=["api"],  # the API page documents /ask and /feedback for people who script
        run_history=False,  # questions about someone's health stay out of the browser's storage
        show_error=True,
        **kwargs,
    )
    return str(url)


def serve(settings: Settings, host: str, port: int) -> None:
    """Load the assistant and serve the chat on host:port until interrupted."""
    bot = Assistant.load(settings, show_progress=True)
    launch(build_app(bot, settings), host, port)
