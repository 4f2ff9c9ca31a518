"""Chat UI (Gradio 6 Blocks): a thin adapter over :class:`assistant.Assistant`.

What a person sees: a chat whose answers arrive whole, each with its ``[n]`` markers and, under it,
its sources (title, section, journal/year/DOI) with every quoted sentence highlighted inside its
paragraph. An emergency gets a call-now alert with tap-to-call links at the top of the reply. Each
answer can be copied as plain text and rated; the whole conversation can be exported as Markdown
(with its citations and quotes) or printed. Title, greeting and example questions come from the
corpus profile (``<corpus>/profile.toml``), so nothing here names a corpus's conditions.

How a turn runs: pressing Ask shows the question and a "Looking in the documents…" bubble at once
(an unqueued event), then a queued event answers every waiting question of that conversation in
order. The conversation lives on the server (one :class:`Conversation` per browser session), so a
second question asked while the first is being answered waits its turn: neither answer is lost, and
both reach the conversation history used for follow-ups.

What a script sees: two stable endpoints for ``gradio_client`` (see docs/ui.md):

* ``/ask`` (question, history, audience) → ``Answer.to_dict()``
* ``/feedback`` (rating, question, answer, citations, comment, audience, key) → ``{"id", "stored", "key"}``

Safety of what is shown: every piece of user or corpus text is HTML-escaped before it reaches the
page, the chatbot renders HTML (not Markdown) through Gradio's sanitizer, and nothing user-supplied
ever becomes markup — so ``<script>`` in a question is shown as the characters ``<script>``.
"""

from __future__ import annotations

import html
import inspect
import json
import logging
import os
import re
import sys
import threading
import typing
import uuid
import weakref
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote as url_quote

import gradio as gr
from bm25s.stopwords import STOPWORDS_EN_PLUS

from assistant import Assistant
from assistant.asset_cache import install as install_asset_cache
from assistant.columns import ColumnText, same_column
from assistant.corpus import HTML_SUFFIXES, html_span_text, read_reader_text
from assistant.errors import InvalidQuestionError
from assistant.feedback import FeedbackStore, InvalidFeedbackError, normalize_rating
from assistant.live import LiveAssistant
from assistant.profile import CorpusProfile
from assistant.safety import contacts
from assistant.schema import Answer, Citation
from assistant.settings import Settings

logger = logging.getLogger(__name__)

AUDIENCE_CHOICES = [
    ("Family or patient: plain words", "family"),
    ("Clinician or nurse: terse, source type named", "clinician"),
]
CONTEXT_CHARS = 450  # at most this much paragraph shown before the first and after the last quote
SHOWN_QUESTION_CHARS = 600  # an over-long question is echoed shortened (it is rejected anyway)
ANSWER_GROUP = "answer"  # chat answers and /ask share one concurrency limit: both are CPU-bound answering

_MARKER_RE = re.compile(r"\[(\d+)\]")
_BOLD_RE = re.compile(r"\*\*(.+?)\*\*", re.S)
# Markup pasted with a question: whole script/style elements, comments, then any tag.
_MARKUP_RE = re.compile(
    r"<(script|style)\b[^>]*>.*?</\1\s*>|<!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>", re.I | re.S
)
_WORD_RE = re.compile(r"[^\W\d_]+")
_ENGLISH_FUNCTION_WORDS = frozenset(STOPWORDS_EN_PLUS)

PENDING_TEXT = "Looking in the documents…"
STOPPED_TEXT = "Stopped. Ask again whenever you like."
FAILED_TEXT = "Sorry, something went wrong while answering. Please try again in a moment."
RELOADING_NOTE = (
    "The documents changed a moment ago and I am re-reading them. If you expected an answer, please ask "
    "again in a few seconds."
)
RELOAD_FAILED_NOTE = "One of the documents cannot be read right now; answers from the others still work."
ENGLISH_ONLY_NOTE = "I can only read questions in English, and the documents are in English. Please ask in English."

# System fonts: nothing is fetched, and every glyph comes from one family (the bundled web font lacks some).
THEME = gr.themes.Default(
    font=["system-ui", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "DejaVu Sans", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "DejaVu Sans Mono", "monospace"],
)

CSS = """
/* clip, not hidden: a hidden overflow would make it a scroll box and stop the question row sticking. */
.gradio-container { max-width: 980px !important; margin: 0 auto; overflow: clip !important; }
/* Narrow side margins on a phone, Gradio's 32 px on a desktop. (Gradio scopes rules inside @media to the
   app's content, which this padding is outside of, so the width is handled by clamp() instead.) */
.gradio-container .main.app { padding: 8px clamp(6px, 2.5vw, 32px) !important; }
#intro h1 { font-size: 1.5rem; margin: 0.2rem 0; }
#intro p { margin: 0.2rem 0 0.4rem; }
/* The conversation grows with the page: one scroll (the page's), none nested, and print gets all of it. */
#chat, #chat .bubble-wrap, #chat .panel-wrap, #chat .message-wrap { height: auto !important;
  max-height: none !important; overflow: visible !important; }
/* Whatever is scrolled into view (a focused thumb, a cited quote) stays clear of the sticky question row. */
html { scroll-padding-bottom: 120px; }
#chat .message-row { scroll-margin-top: 8px; }
#chat .placeholder-content { padding: 0.6rem 0.9rem; }
#chat .answer, #chat .user-text, #chat .sources { overflow-wrap: anywhere; }
#chat .notice { font-weight: 600; }
#chat .care-notice { margin: 0 0 0.6rem; padding: 0.4rem 0.7rem; border-left: 4px solid var(--color-accent);
                     background: var(--background-fill-secondary); border-radius: 4px; }
#chat .note { margin: 0 0 0.5rem; padding: 0.4rem 0.6rem; border-radius: 6px;
              background: var(--background-fill-secondary); }
#chat .alert { margin: 0 0 0.75rem; padding: 0.75rem 0.9rem; border-radius: 8px; border: 2px solid #b3261e;
               background: #fdecea; color: #3b0a06; }
#chat .alert p { margin: 0 0 0.5rem; }
#chat .alert a { color: #8c1d18; font-weight: 700; }
#chat .alert .calls { display: flex; flex-wrap: wrap; gap: 0.5rem; margin: 0; }
#chat .alert a.call { display: inline-block; padding: 0.55rem 1rem; border-radius: 999px; background: #b3261e;
                      color: #fff; text-decoration: none; font-size: 1.05rem; }
#chat .alert a.call:focus, #chat .alert a.call:hover { outline: 3px solid #3b0a06; }
#chat a.cite { font-weight: 600; text-decoration: none; padding: 0 1px; border-radius: 3px; }
#chat a.cite:hover, #chat a.cite:focus { text-decoration: underline; outline: 2px solid currentColor; }
#chat .tools { margin-top: 0.5rem; }
#chat button.copy-answer, #chat button.stop-answer { font-size: 0.85rem; padding: 0.2rem 0.7rem; border-radius: 6px;
  border: 1px solid var(--border-color-primary); background: var(--background-fill-primary); cursor: pointer; }
#chat .sources { margin-top: 0.75rem; border-top: 1px solid var(--border-color-primary); padding-top: 0.5rem; }
#chat .sources h4 { margin: 0 0 0.25rem; font-size: 0.95rem; }
#chat .sources ol { margin: 0; padding-left: 0; list-style: none; }
#chat .sources li { margin: 0 0 0.6rem; padding: 0.35rem 0.5rem; border-radius: 6px;
                    border-left: 4px solid var(--color-accent); background: var(--background-fill-secondary); }
#chat mark:focus { outline: 3px solid var(--color-accent); }
#chat mark.flash { animation: flash 1.2s ease-out; }
@keyframes flash { from { box-shadow: 0 0 0 4px var(--color-accent); } to { box-shadow: none; } }
#chat .src-head { font-weight: 600; }
#chat .src-meta { font-size: 0.85rem; opacity: 0.85; }
#chat .src-para { margin: 0.3rem 0 0; padding: 0; border: 0; font-size: 0.92rem; }
#chat mark { background: #ffe066; color: #1a1a1a; padding: 0 2px; border-radius: 2px; }
/* No thumbs under an emergency notice, an error or a stopped question: there is no answer to rate. */
#chat .message-row:has(.no-feedback) .message-buttons { display: none !important; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
/* The question box stays in reach at the bottom of the screen however long the conversation gets. */
#ask-row { position: sticky; bottom: 0; z-index: 20; background: var(--body-background-fill);
           padding: 6px 0; margin: 0; }
#feedback-status p { margin: 0.25rem 0; }
/* Gradio's hover style would make the chosen audience look unchosen while the pointer is over it. */
#audience input:checked:hover { background-color: var(--checkbox-background-color-selected);
                                border-color: var(--checkbox-border-color-selected); }
@media (max-width: 480px) {
  #chat .message-row.panel { padding-left: 12px !important; padding-right: 12px !important; }
  #intro h1 { font-size: 1.2rem; }
  #intro p { font-size: 0.92rem; }
}
@media print {
  #ask-row, #audience, #examples, #tools, #feedback-box, #feedback-status, footer, .message-buttons,
  #chat .tools, #chat button, #chat .top-panel, #chat label[data-testid=block-label] { display: none !important; }
  .gradio-container { max-width: none !important; padding: 0 !important; }
  #chat { border: 0 !important; }
  #chat .sources li, #chat .alert { break-inside: avoid; }
  #chat .message-row { break-inside: auto; }
  #chat a { color: inherit; }
}
"""

# One delegated listener serves every message, including ones added later:
# * a marker ([1]) brings its quote into view and focuses it (keyboard users land there too);
# * "Copy answer" copies the answer's plain text (the hidden .plain copy of it);
# * "Stop" presses the hidden stop button, which drops this conversation's waiting questions;
# * tel: links open the dialler in this tab (Gradio's sanitizer adds target=_blank to every link).
# A mutation observer scrolls each new answer's start into view (not the end of its sources), and
# drops the aria-label Gradio puts on messages (their HTML source) so screen readers read the text.
HEAD = """
<script>
(function () {
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      try { if (document.execCommand("copy")) { resolve(); } else { reject(new Error("refused")); } }
      catch (e) { reject(e); }
      finally { area.remove(); }
    });
  }
  document.addEventListener("click", function (event) {
    var el = event.target && event.target.closest ? event.target : null;
    if (!el) return;
    var copy = el.closest("button.copy-answer");
    if (copy) {
      var holder = copy.closest(".message-content") || document;
      var plain = holder.querySelector(".plain");
      copyText(plain ? plain.textContent : "").then(function () {
        copy.textContent = "Copied";
      }, function () {
        copy.textContent = "Copy failed: select the text instead";
      });
      setTimeout(function () { copy.textContent = "Copy answer"; }, 2500);
      return;
    }
    if (el.closest("button.stop-answer")) {
      var stop = document.querySelector("#stop-answers");
      if (stop) stop.click();
      return;
    }
    var tel = el.closest('a[href^="tel:"]');
    if (tel) {
      event.preventDefault();
      window.location.href = tel.getAttribute("href");
      return;
    }
    var link = el.closest("a.cite");
    if (!link) return;
    var target = document.getElementById((link.getAttribute("href") || "").slice(1));
    if (!target) return;
    event.preventDefault();
    target.scrollIntoView({ behavior: "smooth", block: "center" });
    target.focus({ preventScroll: true });
    target.classList.remove("flash");
    void target.offsetWidth;
    target.classList.add("flash");
  });
  var shown = null;
  var scheduled = false;
  function showNewest() {
    scheduled = false;
    var turns = document.querySelectorAll("#chat .turn");
    var newest = turns[turns.length - 1];
    if (!newest || newest.id === shown) return;
    shown = newest.id;
    var row = newest.closest(".message-row") || newest;
    row.scrollIntoView({ block: newest.classList.contains("pending") ? "nearest" : "start" });
  }
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
    if (!scheduled) { scheduled = true; requestAnimationFrame(showNewest); }
  }).observe(document.documentElement,
             { subtree: true, childList: true, attributes: true, attributeFilter: ["aria-label"] });
})();
</script>
"""

# Runs in the browser after the server built the Markdown: saves it as a file (nothing is written server-side).
DOWNLOAD_JS = """
(text) => {
  if (!text) return;
  var blob = new Blob([text], { type: "text/markdown;charset=utf-8" });
  var link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = "conversation.md";
  document.body.appendChild(link);
  link.click();
  setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
}
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


def strip_markup(text: str) -> str:
    """The words of a question pasted with HTML: tags, comments, scripts and styles removed.

    The chat shows what was typed (escaped); only the words are asked, so ``<b>x</b> what is ...?``
    is answered rather than refused.
    """
    return _MARKUP_RE.sub(" ", text) if isinstance(text, str) and "<" in text else text


_WORDS_OF: weakref.WeakKeyDictionary[Assistant, frozenset[str]] = weakref.WeakKeyDictionary()


def corpus_words(bot: Assistant) -> frozenset[str]:
    """Every word of the indexed documents, lower-cased (computed once per loaded assistant)."""
    words = _WORDS_OF.get(bot)
    if words is None:
        text = " ".join(s.text for d in bot.index.documents.values() for s in d.sentences)
        words = _WORDS_OF[bot] = frozenset(_WORD_RE.findall(text.lower()))
    return words


def looks_non_english(question: str, known_words: frozenset[str], min_known_share: float) -> bool:
    """A cheap guess that a question is not in English: mostly non-Latin letters, or (3+ words) few of
    its words are English function words or words of the documents."""
    letters = [ch for ch in question if ch.isalpha()]
    if not letters:
        return False
    if sum(ch.isascii() or "\u00c0" <= ch <= "\u024f" for ch in letters) < len(letters) / 2:
        return True  # another script (Cyrillic, Greek, Arabic, CJK ...)
    words = _WORD_RE.findall(question.lower())
    if len(words) < 3:
        return False
    known = sum(w in _ENGLISH_FUNCTION_WORDS or w in known_words for w in words)
    return known / len(words) < min_known_share


def notice_html(notice: str, settings: Settings) -> str:
    """A safety notice: ``**bold**`` as bold, and each emergency or crisis number as a tel: link."""
    text = _BOLD_RE.sub(lambda m: f"\x00{m.group(1)}\x01", notice)
    rendered = esc(text).replace("\x00", "<strong>").replace("\x01", "</strong>")
    found = contacts(settings)
    for number in dict.fromkeys(n for n in (found.crisis, found.emergency) if n):
        link = f'<a href="tel:{_dial(number)}">{esc(number)}</a>'
        rendered = re.sub(rf"(?<![\d\w]){re.escape(esc(number))}(?![\d\w])", link, rendered)
    return rendered


def _dial(number: str) -> str:
    return re.sub(r"[^\d+]", "", number)


def emergency_html(notice: str, settings: Settings) -> str:
    """The call-now alert at the top of an emergency reply: the notice, then big tap-to-call buttons."""
    found = contacts(settings)
    calls = [f'<a class="call" href="tel:{_dial(found.emergency)}">Call {esc(found.emergency)}</a>']
    if found.crisis and found.crisis in notice:
        how = "Call or text" if found.crisis_texts else "Call"
        calls.insert(0, f'<a class="call" href="tel:{_dial(found.crisis)}">{how} {esc(found.crisis)}</a>')
    return (
        f'<div class="alert" role="alert"><p>{notice_html(notice, settings)}</p>'
        f'<p class="calls">{" ".join(calls)}</p></div>'
    )


def answer_text_html(text: str, turn: int, markers: set[int]) -> str:
    """The answer text, escaped, with each known ``[n]`` marker turned into a link to its quote."""

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


def paragraph_range(bot: Assistant, citation: Citation, raw: str) -> tuple[int, int]:
    """Offsets of the paragraph a quote belongs to: the parsed block(s) of its sentences (a list comes
    with the sentence that introduces it), or else the blank-line-separated paragraph around it."""
    start, end = citation.start, citation.end
    doc = bot.index.documents.get(citation.source_id)
    # (A page printed in two columns: a sentence of the other column overlaps the quote in the file, not on the page.)
    columns = isinstance(raw, ColumnText)
    blocks = (
        {
            s.block
            for s in doc.sentences
            if s.start < end and s.end > start and (not columns or same_column(raw, s.start, start))
        }
        if doc
        else set()
    )
    if doc and blocks:
        lo, hi = start, end
        for sentence in doc.sentences:
            if sentence.block in blocks:
                lo, hi = min(lo, sentence.start), max(hi, sentence.end)
        return lo, hi
    gap = raw.rfind("\n\n", 0, start)
    lo = 0 if gap < 0 else gap + 2
    gap = raw.find("\n\n", end)
    return lo, len(raw) if gap < 0 else gap


@dataclass
class SourceGroup:
    """One paragraph of one document shown under an answer, with every citation quoting it."""

    citations: list[Citation]
    raw: str | None  # the source file's text (None when it cannot be read any more)
    lo: int
    hi: int
    is_html: bool


def source_groups(bot: Assistant, answer: Answer) -> list[SourceGroup]:
    """The answer's citations grouped by paragraph, in marker order: two quotes from one paragraph
    show that paragraph once, with both highlighted."""
    groups: list[SourceGroup] = []
    for citation in sorted(answer.citations, key=lambda c: c.marker):
        try:
            path = bot.index.source_path(citation.source_id)
            raw = read_reader_text(path)  # a Markdown file as a reader sees it, every offset in place
            if not 0 <= citation.start < citation.end <= len(raw):
                raise ValueError("offsets outside the file")
            lo, hi = paragraph_range(bot, citation, raw)
        except (OSError, KeyError, ValueError):  # the file changed or went away: the verified quote alone helps
            groups.append(SourceGroup([citation], None, citation.start, citation.end, False))
            continue
        same = next(
            (
                g
                for g in groups
                if g.raw is not None and g.citations[0].source_id == citation.source_id and lo < g.hi and g.lo < hi
            ),
            None,
        )
        if same is None:
            groups.append(SourceGroup([citation], raw, lo, hi, path.suffix.lower() in HTML_SUFFIXES))
        else:
            same.citations.append(citation)
            same.lo, same.hi = min(same.lo, lo), max(same.hi, hi)
    return groups


def _trim_before(text: str) -> str:
    return "…" + text[-CONTEXT_CHARS:].split(" ", 1)[-1] if len(text) > CONTEXT_CHARS else text


def _trim_after(text: str) -> str:
    return text[:CONTEXT_CHARS].rsplit(" ", 1)[0] + "…" if len(text) > CONTEXT_CHARS else text


def paragraph_html(group: SourceGroup, turn: int) -> str:
    """The group's paragraph with each quote in a ``<mark id="src-<turn>-<n>">`` (what marker n links to)."""
    if group.raw is None:
        c = group.citations[0]
        return f'<mark id="src-{turn}-{c.marker}" tabindex="-1">{_text_html(c.quote)}</mark>'
    # Quotes in file order; overlapping quotes share one highlight.
    spans: list[list[Any]] = []
    for c in sorted(group.citations, key=lambda c: (c.start, c.end)):
        if spans and c.start < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], c.end)
            spans[-1][2].append(c)
        else:
            spans.append([c.start, c.end, [c]])
    parts: list[str] = []
    cursor = group.lo
    for number, (start, end, cited) in enumerate(spans):
        gap = _tidy(group.raw[cursor:start], group.is_html)
        if number == 0:
            gap = _trim_before(gap.lstrip())
        parts.append(_text_html(gap))
        if gap and not gap[-1].isspace():
            parts.append(" ")
        quote = _tidy(group.raw[start:end], group.is_html).strip() or cited[0].quote
        extra = "".join(f'<span id="src-{turn}-{c.marker}" tabindex="-1"></span>' for c in cited[1:])
        parts.append(f'{extra}<mark id="src-{turn}-{cited[0].marker}" tabindex="-1">{_text_html(quote)}</mark>')
        cursor = end
    after = _trim_after(_tidy(group.raw[cursor : group.hi], group.is_html).rstrip())
    if after and not after[0].isspace():
        parts.append(" ")
    parts.append(_text_html(after))
    return "".join(parts)


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
        pieces.append(f'DOI: <a href="{esc(_doi_url(citation.doi))}">{esc(citation.doi)}</a>')
    return pieces


def _doi_url(doi: str) -> str:
    return "https://doi.org/" + url_quote(doi, safe="/:;()._-")


def _where(citation: Citation) -> list[str]:
    """Page area and section of a quote, without repeating the title."""
    return [x for x in dict.fromkeys((citation.context, citation.section)) if x and x != citation.title]


def sources_html(bot: Assistant, answer: Answer, turn: int) -> str:
    """The answer's sources, one item per paragraph; marker n links to ``src-<turn>-<n>``, its quote."""
    if not answer.citations:
        return ""
    items = []
    for group in source_groups(bot, answer):
        first = group.citations[0]
        markers = " ".join(f"[{c.marker}]" for c in sorted(group.citations, key=lambda c: c.marker))
        where = " › ".join(esc(x) for x in _where(first))
        meta = " · ".join(citation_meta(first))
        items.append(
            '<li class="source">'
            f'<div class="src-head">{markers} {esc(first.title)}</div>'
            + (f'<div class="src-meta">{where}</div>' if where else "")
            + (f'<div class="src-meta">{meta}</div>' if meta else "")
            + f'<blockquote class="src-para">{paragraph_html(group, turn)}</blockquote></li>'
        )
    return f'<section class="sources"><h4>Sources</h4><ol>{"".join(items)}</ol></section>'


def _plain(text: str) -> str:
    """Answer text without Markdown emphasis (for plain-text copies)."""
    return _BOLD_RE.sub(r"\1", text)


def answer_plain_text(answer: Answer) -> str:
    """The answer as plain text, its sources and quotes listed under it (what "Copy answer" copies)."""
    lines = [_plain(answer.text)]
    if answer.citations:
        lines += ["", "Sources"]
        for c in answer.citations:
            facts = [c.title, *_where(c)]
            bib = [x for x in (c.source_kind, c.publisher, c.journal, str(c.year) if c.year else None) if x]
            if c.doi:
                bib.append(_doi_url(c.doi))
            lines.append(f"[{c.marker}] {' › '.join(facts)}" + (f" ({', '.join(bib)})" if bib else ""))
            lines.append(f"    “{' '.join(c.quote.split())}”")
    return "\n".join(lines)


def answer_html(
    bot: Assistant,
    answer: Answer,
    turn: int,
    settings: Settings | None = None,
    key: str | None = None,
    note: str | None = None,
) -> str:
    """One assistant message: any alert or note, the answer text with linked markers, its sources, and a
    copy button. ``done`` tells the page (and its tests) that the answer is final."""
    settings = settings or bot.settings
    key = key or uuid.uuid4().hex
    text = answer.text
    head = ""
    rateable = True
    if answer.notice and text.startswith(answer.notice):
        text = text[len(answer.notice) :].lstrip("\n")
        if answer.safety == "emergency":
            head = emergency_html(answer.notice, settings)
            rateable = False  # thumbs under "call 911" would ask people to grade a call to safety
        else:
            head = f'<p class="care-notice">{notice_html(answer.notice, settings)}</p>'
    if note:
        head += f'<p class="note">{esc(note)}</p>'
    markers = {c.marker for c in answer.citations}
    classes = "answer done turn" + ("" if rateable else " no-feedback")
    body = answer_text_html(text, turn, markers) if text else ""
    return (
        f'<div class="{classes}" id="answer-{key}">{head}{body}</div>'
        + sources_html(bot, answer, turn)
        + '<div class="tools"><button type="button" class="copy-answer">Copy answer</button></div>'
        + f'<div class="plain" hidden>{esc(answer_plain_text(answer))}</div>'
    )


def error_html(message: str, key: str | None = None) -> str:
    """A clear, kind message in the chat for a question the assistant cannot take (no thumbs under it)."""
    key = key or uuid.uuid4().hex
    return (
        f'<div class="answer notice done turn no-feedback" id="answer-{key}">'
        f"Sorry, I can't use that message: {esc(message)}.</div>"
    )


def status_message_html(text: str, key: str, classes: str = "") -> str:
    """A short reply that is not an answer (stopped, failed): no thumbs, no sources."""
    return f'<div class="answer done turn no-feedback {classes}" id="answer-{key}">{esc(text)}</div>'


def pending_html(key: str) -> str:
    """The bubble shown while a question waits for its answer, with a Stop button."""
    return (
        f'<div class="answer pending turn no-feedback" id="pending-{key}"><em>{esc(PENDING_TEXT)}</em> '
        '<button type="button" class="stop-answer">Stop</button></div>'
    )


def header_html(profile: CorpusProfile) -> str:
    """Title, what the assistant answers from, and that it is information, not medical advice."""
    return (
        f"<h1>{esc(profile.ui_title)}</h1>"
        f"<p>{esc(profile.ui_description or '')} "
        "<strong>This is information, not medical advice</strong>: talk to your care team about decisions, "
        "and call emergency services in an emergency.</p>"
    )


def status_html(message: str) -> str:
    """A short feedback status line (escaped)."""
    return f"<p>{esc(message)}</p>" if message else ""


def conversation_markdown(records: list[dict[str, Any]], title: str, when: datetime | None = None) -> str:
    """The conversation as Markdown to show a care team: each question, the answer with its [n] markers,
    and each source with its quote. Text from people and documents is HTML-escaped so a Markdown viewer
    shows it rather than running it."""

    def safe(text: str) -> str:
        return html.escape(text, quote=False)

    when = when or datetime.now(UTC)
    lines = [
        f"# {safe(title)}: conversation",
        "",
        f"Exported {when.strftime('%Y-%m-%d %H:%M')} UTC. Every sentence of an answer is quoted from the "
        "document its [n] marker points to. This is information, not medical advice.",
    ]
    for number, record in enumerate(records, start=1):
        question = " ".join(record["question"].split())
        lines += ["", f"## {number}. {safe(question)}", "", safe(record["answer"])]
        if record.get("note"):
            lines += ["", f"*{safe(record['note'])}*"]
        citations = record.get("citations") or []
        if citations:
            lines += ["", "**Sources**", ""]
            for c in citations:
                where = " › ".join(
                    safe(x) for x in dict.fromkeys((c.get("context"), c.get("section"))) if x and x != c.get("title")
                )
                bib = [
                    x
                    for x in (
                        c.get("source_kind"),
                        c.get("publisher"),
                        c.get("journal"),
                        str(c["year"]) if c.get("year") else None,
                    )
                    if x
                ]
                if c.get("doi"):
                    bib.append(_doi_url(c["doi"]))
                head = f"[{c['marker']}] *{safe(c['title'])}*" + (f", {where}" if where else "")
                lines.append(head + (f" ({safe(', '.join(bib))})" if bib else ""))
                lines.append(f"> “{safe(' '.join(c['quote'].split()))}”")
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"


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


# -- one conversation --------------------------------------------------------------------------------
@dataclass
class Job:
    """A question waiting for its answer."""

    key: str
    question: str
    audience: str
    index: int  # position of its reply in the chat
    generation: int
    stopped: bool = False


class Conversation:
    """One browser session's chat, kept on the server so concurrent events never overwrite each other.

    ``messages`` is what the chat shows; ``history`` the plain-text turns used for follow-ups;
    ``records`` what each answer was (for ratings and export), by its index in ``messages``.
    (A plain class, not a dataclass: Gradio would try to serialise a dataclass State, lock and all.)
    """

    def __init__(self) -> None:
        self.messages: list[dict[str, str]] = []
        self.history: list[dict[str, str]] = []
        self.records: dict[int, dict[str, Any]] = {}
        self.waiting: deque[Job] = deque()
        self.active: Job | None = None
        self.answering = False  # one event at a time works through ``waiting``
        self.generation = 0  # bumped by "New conversation": answers to older questions are dropped
        self.rated: dict[int, int] = {}  # message index -> feedback row id
        self.last_rated: int | None = None
        self.lock = threading.Lock()

    def __deepcopy__(self, memo: dict[int, Any]) -> Conversation:
        # Gradio copies a State's default value for each new session: each gets a fresh conversation.
        return Conversation()

    def render(self) -> list[dict[str, str]]:
        with self.lock:
            return [dict(m) for m in self.messages]

    def reset(self) -> None:
        with self.lock:
            self.messages.clear()
            self.history.clear()
            self.records.clear()
            self.waiting.clear()
            self.rated.clear()
            self.last_rated = None
            self.generation += 1

    def add_question(self, message: str, question: str, audience: str) -> Job:
        """Show a question and its "looking" bubble; queue it for answering."""
        with self.lock:
            self.messages.append({"role": "user", "content": user_html(message)})
            job = Job(uuid.uuid4().hex, question, audience, len(self.messages), self.generation)
            self.messages.append({"role": "assistant", "content": pending_html(job.key)})
            self.waiting.append(job)
            return job

    def add_refusal(self, message: str, reason: str) -> None:
        with self.lock:
            self.messages.append({"role": "user", "content": user_html(message)})
            self.messages.append({"role": "assistant", "content": error_html(reason)})

    def stop(self) -> int:
        """Stop every question still waiting (and the one being answered); returns how many."""
        with self.lock:
            jobs = list(self.waiting) + ([self.active] if self.active else [])
            self.waiting.clear()
            for job in jobs:
                job.stopped = True
                self._set(job, status_message_html(STOPPED_TEXT, job.key, "stopped"))
            return len(jobs)

    def _set(self, job: Job, content: str) -> None:
        if job.generation == self.generation and job.index < len(self.messages):
            self.messages[job.index] = {"role": "assistant", "content": content}

    def next_job(self) -> Job | None:
        with self.lock:
            self.active = self.waiting.popleft() if self.waiting else None
            if self.active is None:
                self.answering = False
            return self.active

    def claim(self) -> bool:
        """True for the one event that should work through the waiting questions."""
        with self.lock:
            if self.answering or not self.waiting:
                return False
            self.answering = True
            return True

    def finish(self, job: Job, content: str, answer: Answer | None, record: dict[str, Any] | None) -> None:
        with self.lock:
            if job.stopped or job.generation != self.generation:
                return
            self._set(job, content)
            if answer is not None and record is not None:
                self.history += [
                    {"role": "user", "content": answer.question},
                    {"role": "assistant", "content": answer.text},
                ]
                self.records[job.index] = record


class ChatService:
    """What the chat events share: the (live) assistant, the feedback store and the settings."""

    def __init__(self, live: LiveAssistant, settings: Settings) -> None:
        self.live = live
        self.settings = settings
        self.store = FeedbackStore(settings.feedback_db)

    def answer(self, job: Job, history: list[dict[str, str]]) -> tuple[str, Answer | None, dict[str, Any] | None]:
        """Answer one question: the message to show, and the answer and its record (None on failure)."""
        try:
            bot, answer = self.live.ask(job.question, history=history, audience=job.audience)
        except InvalidQuestionError as exc:
            return error_html(str(exc), job.key), None, None
        except Exception:  # never show a server path or a traceback; the log has the details
            logger.exception("answering %r failed", job.question[:200])
            self.live.check(force=True)  # a document may have changed or gone: re-index if so
            return status_message_html(FAILED_TEXT, job.key, "failed"), None, None
        note = self._note(bot, job.question, answer)
        record = {
            "question": answer.question,
            "answer": answer.text,
            "citations": [c.model_dump(mode="json") for c in answer.citations],
            "audience": answer.audience,
            "safety": answer.safety,
            "key": job.key,
            "note": note,
            "rateable": answer.safety != "emergency",
        }
        return answer_html(bot, answer, job.index, self.settings, job.key, note), answer, record

    def _note(self, bot: Assistant, question: str, answer: Answer) -> str | None:
        """Why an answer was refused, when it is not the documents' silence: the language, or a corpus change."""
        if not answer.abstained or answer.safety in ("emergency", "chitchat"):
            return None
        if any(r.startswith("quote not verbatim") for r in answer.removed):
            self.live.check(force=True)  # a quoted file changed since it was indexed
        if self.live.reloading:
            return RELOADING_NOTE
        if self.live.reload_failed:
            return RELOAD_FAILED_NOTE
        if looks_non_english(question, corpus_words(bot), self.settings.english_min_known_share):
            return ENGLISH_ONLY_NOTE
        return None


def take_question(service: ChatService, conv: Conversation, message: str, audience: str) -> tuple[Any, ...]:
    """Show a question at once (with a "looking" bubble) and queue it; an unusable one gets a clear
    message and stays in the box to be fixed. Returns (question box, chat)."""
    question = strip_markup(message)
    try:
        service.live.current().validate_question(question)
    except InvalidQuestionError as exc:
        reason = str(exc)
        if question != message and "empty" in reason:
            reason = "it has only HTML markup in it; please type your question in words"
        conv.add_refusal(message, reason)
        return message, conv.render()
    conv.add_question(message, question, audience)
    return "", conv.render()


def answer_waiting(service: ChatService, conv: Conversation) -> Iterator[Any]:
    """Answer this conversation's waiting questions in order, showing each answer whole when it is ready.

    Only one event per conversation does this at a time; another returns at once (the first one will
    answer its question too), so two answers never race to overwrite the chat.
    """
    if not conv.claim():
        yield gr.skip()
        return
    while (job := conv.next_job()) is not None:
        with conv.lock:
            history = list(conv.history)
        content, answer, record = service.answer(job, history)
        conv.finish(job, content, answer, record)
        yield conv.render()


def reply(
    service: ChatService, conv: Conversation, message: str, audience: str = "family"
) -> tuple[Any, list[dict[str, str]]]:
    """One whole chat turn without a browser (tests, scripts): take the question, answer it; returns the
    question box and the chat as the page would show them."""
    box, _ = take_question(service, conv, message, audience)
    for _ in answer_waiting(service, conv):
        pass
    return box, conv.render()


# -- the app ---------------------------------------------------------------------------------------
def build_app(bot: Assistant | LiveAssistant, settings: Settings | None = None) -> gr.Blocks:
    """The chat app for a loaded assistant, with its queue configured (launch with :func:`launch`).

    Given a plain :class:`Assistant`, the app still watches its corpus and re-indexes on a change.
    """
    live = bot if isinstance(bot, LiveAssistant) else LiveAssistant(bot, settings or bot.settings)
    settings = settings or live.settings
    service = ChatService(live, settings)
    profile = live.profile

    def take(message: str, audience: str, conv: Conversation) -> tuple[Any, ...]:
        return take_question(service, conv, message, audience)

    def answer(conv: Conversation) -> Iterator[Any]:
        yield from answer_waiting(service, conv)

    def stop(conv: Conversation) -> Any:
        return conv.render() if conv.stop() else gr.skip()

    def rate(conv: Conversation, data: gr.LikeData) -> str:
        """Thumbs on an answer: one row per answer, keyed by it (a change updates it; un-clicking removes it)."""
        index = data.index if isinstance(data.index, int) else data.index[0]
        with conv.lock:
            record = conv.records.get(index)
            answers = sorted(i for i, r in conv.records.items() if r["rateable"])
        if record is None or not record["rateable"]:
            return status_html("Only answers can be rated.")
        number = answers.index(index) + 1
        try:
            if data.liked == "":  # the same thumb clicked again: the person took the rating back
                service.store.delete_key(record["key"])
                with conv.lock:
                    conv.rated.pop(index, None)
                return status_html(f"Rating of answer {number} removed.")
            rating = normalize_rating(data.liked)
            feedback_id = service.store.add(
                rating,
                record["question"],
                record["answer"],
                record["citations"],
                audience=record["audience"],
                key=record["key"],
            )
        except InvalidFeedbackError as exc:
            return status_html(f"Sorry, that feedback could not be saved: {exc}.")
        with conv.lock:
            conv.rated[index] = feedback_id
            conv.last_rated = index
        thumb = "thumbs up" if rating == "up" else "thumbs down"
        return status_html(f"Thanks: your {thumb} for answer {number} is saved. You can add a comment below.")

    def save_comment(comment: str, conv: Conversation) -> tuple[str, Any]:
        """Attach the comment to the answer rated most recently."""
        with conv.lock:
            feedback_id = conv.rated.get(conv.last_rated) if conv.last_rated is not None else None
        if feedback_id is None:
            return status_html("Rate an answer with thumbs up or down first, then add your comment."), gr.skip()
        try:
            service.store.update(feedback_id, comment=comment)
        except InvalidFeedbackError as exc:
            return status_html(f"Sorry, the comment was not saved: {exc}"), gr.skip()
        return status_html("Thanks: your comment is saved."), ""

    def new_conversation(conv: Conversation) -> tuple[Any, ...]:
        conv.reset()
        return [], "", ""

    def export(conv: Conversation) -> tuple[str, str]:
        with conv.lock:
            records = [conv.records[i] for i in sorted(conv.records)]
        if not records:
            return "", status_html("There is nothing to export yet: ask a question first.")
        return conversation_markdown(records, live.profile.ui_title), status_html(
            f"Exported {len(records)} answer{'s' if len(records) != 1 else ''} as conversation.md."
        )

    def ask(question: str, history: list[dict[str, str]] | str | None = None, audience: str = "family") -> dict:
        """Answer a question from the documents; returns Answer.to_dict() (text with [n] markers, citations).

        history: earlier turns as [{"role": "user"|"assistant", "content": "..."}] (a list or a JSON string).
        audience: "family" (plain words) or "clinician" (terse).
        """
        try:
            _, answer = live.ask(strip_markup(question), history=parse_history(history), audience=audience)
            return answer.to_dict()
        except InvalidQuestionError as exc:
            raise gr.Error(str(exc)) from exc
        except Exception as exc:  # never a server path or traceback to a client; the log has the details
            logger.exception("/ask failed for %r", str(question)[:200])
            live.check(force=True)
            raise gr.Error(FAILED_TEXT) from exc

    def feedback(
        rating: str,
        question: str,
        answer: str,
        citations: list[dict[str, Any]] | str | None = None,
        comment: str = "",
        audience: str | None = None,
        key: str | None = None,
    ) -> dict:
        """Store a rating ("up" or "down") of an answer, with an optional comment; returns {"id", "stored", "key"}.

        citations: the answer's citations (a list of dicts or a JSON string), as /ask returned them.
        key: one id per rated answer (e.g. a UUID). Sending the same key again (a retry, or a changed
        rating) updates that row instead of adding another.
        """
        try:
            feedback_id = service.store.add(
                rating, question, answer, citations, comment=comment, audience=audience, key=key
            )
        except InvalidFeedbackError as exc:
            raise gr.Error(str(exc)) from exc
        return {"id": feedback_id, "stored": True, "key": key or None}

    with gr.Blocks(title=profile.ui_title, analytics_enabled=False) as app:
        gr.HTML(header_html(profile), elem_id="intro", js_on_load=None)
        conv = gr.State(Conversation())
        chatbot = gr.Chatbot(
            label="Conversation",
            show_label=False,  # a floating label would cover the first line of the conversation
            elem_id="chat",
            height=None,  # the conversation grows with the page: no scroll area inside the page
            min_height=160,
            autoscroll=False,  # the page scrolls to the start of each new answer instead (see HEAD)
            # HTML (not Markdown) through Gradio's sanitizer: we escape all text ourselves, and corpus
            # characters such as * or _ are never taken as formatting.
            render_markdown=False,
            sanitize_html=True,
            allow_tags=False,
            latex_delimiters=[],
            feedback_options=("Like", "Dislike"),
            group_consecutive_messages=False,
            layout="panel",
            # Gradio's copy button would copy the message's HTML source: each answer has its own instead.
            buttons=[],
            placeholder=esc(profile.greeting or ""),
        )
        with gr.Row(equal_height=True, elem_id="ask-row"):
            question = gr.Textbox(
                label="Your question",
                placeholder="Type your question",
                lines=1,
                max_lines=4,
                scale=4,
                elem_id="question",
            )
            send = gr.Button("Ask", variant="primary", scale=0, min_width=80, elem_id="ask")
        audience = gr.Radio(AUDIENCE_CHOICES, value="family", label="Who is asking?", elem_id="audience")
        if profile.example_questions:
            gr.Examples(profile.example_questions, inputs=question, label="Example questions", elem_id="examples")
        with gr.Row(elem_id="tools"):
            new = gr.Button("New conversation", variant="secondary", elem_id="new-conversation", min_width=120)
            export_btn = gr.Button("Export (Markdown)", variant="secondary", elem_id="export", min_width=120)
            print_btn = gr.Button("Print", variant="secondary", elem_id="print", min_width=80)
        with gr.Group(elem_id="feedback-box"):
            comment = gr.Textbox(
                label="Comment on your rating (optional)",
                placeholder="Rate an answer with the thumbs under it, then tell us why",
                lines=2,
                elem_id="comment",
            )
            comment_btn = gr.Button("Save comment", elem_id="save-comment")
        status = gr.HTML("", elem_id="feedback-status", js_on_load=None)
        stop_btn = gr.Button("Stop answering", visible="hidden", elem_id="stop-answers")
        exported = gr.Textbox(visible="hidden", elem_id="exported", label="Exported conversation")

        # Taking the question is instant and unqueued, so it shows at once even when the server is busy;
        # answering is queued with /ask under one concurrency limit (see Settings.ui_concurrency).
        gr.on(
            [question.submit, send.click],
            take,
            [question, audience, conv],
            [question, chatbot],
            queue=False,
            api_visibility="private",  # scripts use /ask, which returns data rather than HTML
            trigger_mode="multiple",  # a second question is queued behind the first, never dropped
        ).then(
            answer,
            [conv],
            [chatbot],
            api_visibility="private",
            concurrency_id=ANSWER_GROUP,
            show_progress="hidden",  # the "looking" bubble already says an answer is on its way
            trigger_mode="multiple",
        )
        stop_btn.click(stop, [conv], [chatbot], queue=False, api_visibility="private")
        for clear_event in (new.click, chatbot.clear):  # the chatbot's own Clear forgets the conversation too
            clear_event(new_conversation, [conv], [chatbot, status, question], queue=False, api_visibility="private")
        chatbot.like(rate, [conv], [status], api_visibility="private")
        comment_btn.click(save_comment, [comment, conv], [status, comment], api_visibility="private")
        export_btn.click(export, [conv], [exported, status], queue=False, api_visibility="private").then(
            None, [exported], None, js=DOWNLOAD_JS, api_visibility="private"
        )
        print_btn.click(None, None, None, js="() => { window.print(); }", api_visibility="private")
        gr.api(ask, api_name="ask", concurrency_id=ANSWER_GROUP)
        gr.api(feedback, api_name="feedback")
    # Gradio recomputes its monitoring summary (a pandas table of up to 10,000 past events) after every
    # event, even with monitoring off: 8 ms of CPU per answer at first, more as the server ages. These
    # are the environment knobs it reads when the queue is made; an operator's own values win.
    os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", str(10**9))
    os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "1")
    app.queue(default_concurrency_limit=settings.ui_concurrency, status_update_rate=settings.ui_status_update_s)
    _resolve_annotations(app)
    return app


def _resolve_annotations(app: gr.Blocks) -> None:
    """Evaluate each event function's annotations once, here.

    Gradio calls ``typing.get_type_hints`` on an event's function at every call (to find a ``gr.Request``
    parameter), and under postponed annotations (this module's ``from __future__ import annotations``)
    that evaluates every annotation string again: 11% of the server's interpreter time under 50 users.
    """
    for block_fn in app.fns.values():
        if inspect.isfunction(block_fn.fn):
            block_fn.fn.__annotations__ = typing.get_type_hints(block_fn.fn)


def launch(
    app: gr.Blocks, host: str = "127.0.0.1", port: int | None = None, settings: Settings | None = None, **kwargs: Any
) -> str:
    """Start the server with the page's CSS and script; returns the local URL.

    Extra keyword arguments go to :meth:`gradio.Blocks.launch` (tests pass ``prevent_thread_lock=True``).
    """
    settings = settings or Settings()
    kwargs.setdefault("max_threads", settings.ui_max_threads)
    hold = not kwargs.pop("prevent_thread_lock", False)
    _warm_matplotlib()
    _, url, _ = app.launch(
        prevent_thread_lock=True,  # the asset cache goes in front of the started app, then we hold
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
    install_asset_cache(app.server_app, settings.ui_asset_cache_mb * 2**20)
    if hold:
        app.block_thread()
    return str(url)


def _warm_matplotlib() -> None:
    """Gradio switches matplotlib's backend around every event, and the first switch imports pyplot
    (1-2 s). Done here, before serving, so it does not stall the first question and the event loop
    (every page load) with it."""
    try:
        import matplotlib
    except ImportError:
        return
    matplotlib.get_backend()


def serve(settings: Settings, host: str, port: int) -> None:
    """Load the assistant and serve the chat on host:port until interrupted."""
    sys.setswitchinterval(settings.ui_switch_interval_s)  # the whole process serves: see the setting
    live = LiveAssistant.load(settings, show_progress=True)
    launch(build_app(live, settings), host, port, settings)
