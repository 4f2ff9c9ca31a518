"""Ingest stage: clean a captured web page or abstract and recover its structure, keeping offsets.

Nothing here edits the source text. Cleaning decides which *lines* of the file are page chrome and
which are content; structure decides which content lines are headings, paragraphs and bullet lists;
every sentence keeps its ``[start, end)`` offsets into the file so that a quote can always be cut
from, and verified against, the file itself.

We write this ourselves rather than use llama-index's readers and node parsers because they drop
character offsets into the original file (they work on cleaned text) and know nothing of captured
page chrome, question-shaped headings or list lead sentences.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.corpus import SourceDocument, html_span_text

# --- page chrome ------------------------------------------------------------------------------
# Generic chrome of captured web pages (government banners, PubMed's interface labels, share and
# navigation controls). These are the captured *site's* interface, not any document's sentences.
CHROME_LINE_PATTERNS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^skip to (the )?(main )?(page )?content$",
        r"^an official website of the united states government$",
        r"^here.?s how you know$",
        r"^(u\.s\. flag|dot gov|https|lock|locked padlock)$",
        r"^the \.gov means it.s official\.?$",
        r"^federal government websites often end in \.gov",
        r"^the site is secure\.?$",
        r"^the https:// ensures",
        r"^access keys\b",
        r"^current environment:?$",
        r"^pubmed disclaimer$",
        r"^linkout\b",
        r"^(full text links|actions|cite|share|permalink|copy|print|email|back to top|menu)$",
        r"callout bg$",
        r"\blogo(?=[A-Z\s]|$)",
    )
]
# Headings of interface sections whose whole content is chrome (lists of links, references).
CHROME_SECTIONS = {
    "similar articles",
    "cited by",
    "references",
    "publication types",
    "mesh terms",
    "linkout - more resources",
    "related information",
    "grants and funding",
    "substances",
    "comment in",
    "erratum in",
    "supplementary concepts",
    "full text sources",
}
BREADCRUMB_RE = re.compile(r"^(?P<topic>[^|]{2,80}?)\s+\|\s+(?P<section>[^|]{2,80})$")
BULLET_RE = re.compile(r"^(?:[•·▪◦●\-*+–]|\d{1,2}[.)])\s+")
ABSTRACT_PART_RE = re.compile(
    r"^(?P<label>Background|Purpose|Objectives?|Aims?|Introduction|Methods?|Materials and methods|"
    r"Results?|Conclusions?|Case (?:presentation|report|description)|Discussion)\s*:\s*",
    re.IGNORECASE,
)
DOI_RE = re.compile(r"\bdoi:\s*(?P<doi>10\.\d{4,9}/\S+?)\.?(?=\s|$)", re.IGNORECASE)
CITATION_RE = re.compile(r"^(?P<author>.+?)\s+et al\.\s+(?P<journal>.+?)\.\s+(?P<year>(?:19|20)\d{2})\b")
ISSUE_RE = re.compile(r"^\.?\s*(?P<year>(?:19|20)\d{2})\s+\w+;(?P<issue>[^.]+)")
KEYWORDS_RE = re.compile(r"^keywords\s*:\s*(?P<words>.+)$", re.IGNORECASE)

# --- sentences ----------------------------------------------------------------------------------
_ABBREVIATIONS = {
    "u.s", "e.g", "i.e", "dr", "mr", "mrs", "ms", "prof", "vs", "etc", "al", "no", "nos", "fig", "figs",
    "approx", "st", "jr", "sr", "inc", "ltd", "ph.d", "m.d", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "vol", "pp", "ca",
}  # fmt: skip
_BOUNDARY_RE = re.compile(r"[.!?]+[\"”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")
_LAST_WORD_RE = re.compile(r"(\S+)$")
NAVIGATIONAL_RE = re.compile(r"\b(below|above|the following|this page|click|see here)\W*$", re.I)
ANAPHOR_RE = re.compile(r"^(This|These|That|Those|It|They|Such|Its|Their)\b")
MAX_HEADING_WORDS = 14


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentence spans in ``text`` as ``(start, end)`` offsets shifted by ``offset``.

    A small rule-based splitter instead of a library one because we need exact offsets into the
    file (NBSP and newlines included) and abbreviations such as "U.S." and "et al." to hold.
    """
    spans: list[tuple[int, int]] = []
    start = len(text) - len(text.lstrip())
    for match in _BOUNDARY_RE.finditer(text):
        if match.start() < start:
            continue
        last_word = _LAST_WORD_RE.search(text[start : match.start()])
        word = last_word.group(1).lower().lstrip('("“') if last_word else ""
        if word in _ABBREVIATIONS or re.fullmatch(r"[a-z]", word):
            continue
        spans.append((offset + start, offset + match.end()))
        rest = text[match.end() :]
        start = match.end() + (len(rest) - len(rest.lstrip()))
    tail = text[start:].rstrip()
    if tail:
        spans.append((offset + start, offset + start + len(tail)))
    return spans


@dataclass
class Sentence:
    """One sentence (or bullet item) of a document with its offsets in the file."""

    id: int
    source_id: str
    start: int
    end: int
    text: str  # what a reader sees at [start, end): the verbatim slice (HTML: tags dropped)
    section: str | None
    context: str | None  # enclosing breadcrumb or abstract label, e.g. "Symptoms & Causes"
    block: int
    role: str  # "sentence" | "lead" | "item" | "dangling"

    @property
    def plain(self) -> str:
        """The text with runs of white space folded to one space (for answers, not for quotes)."""
        return " ".join(self.text.split())


@dataclass
class Block:
    """A paragraph, or a bullet list together with the sentence that introduces it."""

    id: int
    kind: str  # "paragraph" | "list"
    section: str | None
    context: str | None
    sentence_ids: list[int]
    after_gap: bool  # preceded by 2+ blank lines: a heading was probably lost in capture
    items: list[list[int]] = field(default_factory=list)  # for a list: the sentence ids of each bullet


@dataclass
class Passage:
    """An evidence unit an answer can quote: a sentence, a list with its lead, or an anaphoric pair."""

    id: int
    source_id: str
    sentence_ids: list[int]
    start: int
    end: int
    section: str | None
    context: str | None
    kind: str  # "sentence" | "list" | "item"


@dataclass
class ParsedDocument:
    """A cleaned, structured document: headings as section metadata, sentences with offsets."""

    source_id: str
    title: str
    metadata: dict[str, object]
    sections: list[str]
    blocks: list[Block]
    sentences: list[Sentence]
    passages: list[Passage] = field(default_factory=list)
    dropped_lines: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class _Line:
    start: int  # offset of the first non-blank character
    end: int  # offset after the last non-blank character
    text: str
    indent: int
    blank_before: int = 0
    kind: str = "text"  # text | bullet | heading | chrome | breadcrumb | meta


def _norm_line(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).lower()


def _lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    offset = 0
    blanks = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        stripped = body.strip()
        if stripped:
            lead = len(body) - len(body.lstrip())
            lines.append(_Line(offset + lead, offset + lead + len(stripped), stripped, lead, blank_before=blanks))
            blanks = 0
        else:
            blanks += 1
        offset += len(raw)
    return lines


_BLOCK_TAGS = r"p|div|h[1-6]|li|ul|ol|br|tr|td|th|table|section|article|header|footer|nav|title|blockquote|dd|dt"
_DROP_ELEMENT_RE = re.compile(r"<(script|style|nav|header|footer|noscript|head)\b.*?</\1\s*>", re.I | re.S)
_HTML_TAG_RE = re.compile(r"<(/?)([a-zA-Z0-9]+)[^>]*>|<!--.*?-->", re.S)


def mask_html(raw: str) -> str:
    """Blank out an HTML file's markup without moving any character of its text.

    Tags become spaces (block tags a newline, ``<li>`` a bullet) so the line parser sees the text
    laid out as a reader would, while every offset still points into the original file.
    """

    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    masked = _DROP_ELEMENT_RE.sub(blank, raw)

    def tag(match: re.Match[str]) -> str:
        width = len(match.group(0))
        name = (match.group(2) or "").lower()
        if name == "li" and not match.group(1) and width >= 3:
            return "\n• " + " " * (width - 3)
        if re.fullmatch(_BLOCK_TAGS, name):
            return "\n" + " " * (width - 1)
        return " " * width

    return _HTML_TAG_RE.sub(tag, masked)


def repeated_lines(documents: Sequence[SourceDocument]) -> frozenset[str]:
    """Lines that occur in two or more documents: in a corpus of distinct documents, that is chrome."""
    counts: Counter[str] = Counter()
    for doc in documents:
        text = mask_html(doc.text) if doc.is_html else doc.text
        counts.update({_norm_line(line.text) for line in _lines(text)})
    return frozenset(line for line, n in counts.items() if n >= 2)


def _is_chrome(text: str) -> bool:
    return any(p.search(text) for p in CHROME_LINE_PATTERNS)


def _looks_like_heading(text: str) -> bool:
    words = text.split()
    return (
        0 < len(words) <= MAX_HEADING_WORDS
        and len(text) <= 100
        and not text.endswith((".", ",", ";", ":"))
        and not BULLET_RE.match(text)
    )


def _mark_chrome(lines: list[_Line], shared: frozenset[str]) -> None:
    """Mark chrome lines: known interface lines, interface sections, and lines shared across documents."""
    in_chrome_section = False
    for i, line in enumerate(lines):
        norm = _norm_line(line.text)
        heading_like = _looks_like_heading(line.text) and (i + 1 == len(lines) or lines[i + 1].blank_before > 0)
        if norm in CHROME_SECTIONS:
            line.kind, in_chrome_section = "chrome", True
            continue
        if in_chrome_section:
            if heading_like and not BULLET_RE.match(line.text) and line.blank_before:
                in_chrome_section = False
            else:
                line.kind = "chrome"
                continue
        if _is_chrome(line.text) or (norm in shared and not heading_like):
            line.kind = "chrome"
    # A heading shared with other documents is chrome unless it still has content under it
    # (PubMed's "Abstract" does; the banner's "Dot gov" does not once its text is gone).
    for i, line in enumerate(lines):
        if line.kind == "text" and _norm_line(line.text) in shared and _looks_like_heading(line.text):
            following = [ln for ln in lines[i + 1 :] if ln.kind != "chrome"]
            if not following or _looks_like_heading(following[0].text):
                line.kind = "chrome"


def _mark_callout_rail(lines: list[_Line]) -> None:
    """Drop a trailing rail of promotional cards: shallow bullets each followed by one short paragraph.

    On captured pages these are the marketing call-outs after the article ("Top Ranked for ...").
    """
    content = lines
    body_indent = Counter(ln.indent for ln in content if not BULLET_RE.match(ln.text)).most_common(1)
    if not body_indent:
        return
    indent = body_indent[0][0]
    cards: list[list[_Line]] = []
    i = len(content) - 1
    while i >= 1:
        head, body = content[i - 1], content[i]
        is_card = BULLET_RE.match(head.text) and head.indent < indent and not BULLET_RE.match(body.text)
        if not is_card or len(body.text.split()) > 60:
            break
        cards.append([head, body])
        i -= 2
    if len(cards) >= 2:
        for card in cards:
            for line in card:
                line.kind = "chrome"


def _scholarly_front_matter(lines: list[_Line]) -> tuple[int, dict[str, object]]:
    """For a journal abstract page, parse the lines before "Abstract" into bibliographic fields.

    Returns the index of the "Abstract" heading (or -1 if the page is not an abstract) and the fields.
    """
    abstract_at = next((i for i, ln in enumerate(lines) if _norm_line(ln.text) == "abstract"), -1)
    front = [ln for ln in lines[: max(abstract_at, 0)] if ln.kind == "text"]
    if abstract_at < 0 or not any(DOI_RE.search(ln.text) for ln in front):
        return -1, {}
    meta: dict[str, object] = {}
    counts = Counter(_norm_line(ln.text) for ln in front)
    leftovers = []
    for ln in front:
        if m := DOI_RE.search(ln.text):
            meta.setdefault("doi", m.group("doi"))
        elif m := CITATION_RE.match(ln.text):
            meta.setdefault("first_author", " ".join(m.group("author").split()))
            meta.setdefault("journal", m.group("journal").strip())
            meta.setdefault("year", int(m.group("year")))
        elif m := ISSUE_RE.match(ln.text):
            meta.setdefault("year", int(m.group("year")))
            meta.setdefault("issue", m.group("issue").strip())
        elif _norm_line(ln.text) != "affiliations":
            leftovers.append(ln)
    titles = [ln.text for ln in leftovers if len(ln.text.split()) > 3]
    if titles:
        meta["title"] = max(titles, key=lambda t: (counts[_norm_line(t)], len(t)))
    types = [ln.text for ln in leftovers if len(ln.text.split()) <= 3]
    if types:
        meta["publication_type"] = types[0]
    for ln in front:
        ln.kind = "meta"
    return abstract_at, meta


def _classify(lines: list[_Line]) -> None:
    """Tell headings, breadcrumbs and bullets apart among the content lines."""
    content = [ln for ln in lines if ln.kind == "text"]
    seen: set[str] = set()
    for i, line in enumerate(content):
        norm = _norm_line(line.text)
        nxt = content[i + 1] if i + 1 < len(content) else None
        if norm in seen and len(line.text.split()) <= MAX_HEADING_WORDS:
            line.kind = "chrome"  # a repeated short line within a page (tabs, repeated titles)
            continue
        seen.add(norm)
        if line.text.startswith("#"):
            line.kind = "heading"
        elif BREADCRUMB_RE.match(line.text):
            line.kind = "breadcrumb"
        elif BULLET_RE.match(line.text):
            # A bullet shallower than the text under it is a tab label or page title, not an item.
            shallow = nxt is not None and not BULLET_RE.match(nxt.text) and nxt.indent > line.indent
            line.kind = "heading" if shallow and _looks_like_heading(BULLET_RE.sub("", line.text)) else "bullet"
        elif _looks_like_heading(line.text) and (nxt is None or nxt.blank_before > 0):
            line.kind = "heading" if nxt is not None else "chrome"


def _heading_text(line: _Line) -> str:
    return BULLET_RE.sub("", line.text.lstrip("#").strip()).strip()


def parse_document(doc: SourceDocument, shared_lines: frozenset[str] = frozenset()) -> ParsedDocument:
    """Clean and structure one document. ``shared_lines`` comes from :func:`repeated_lines`."""
    view = mask_html(doc.text) if doc.is_html else doc.text
    lines = _lines(view)
    _mark_callout_rail(lines)
    _mark_chrome(lines, shared_lines)
    abstract_at, metadata = _scholarly_front_matter(lines)
    _classify(lines)

    def text_at(start: int, end: int) -> str:
        return html_span_text(doc.text[start:end]) if doc.is_html else doc.text[start:end]

    sentences: list[Sentence] = []
    blocks: list[Block] = []
    sections: list[str] = []
    section: str | None = None
    major_section: str | None = None  # the last question-shaped heading: what a sub-heading sits under
    context: str | None = None
    paragraph: list[_Line] = []
    bullets: list[_Line] = []

    def add_sentences(spans: Iterable[tuple[int, int]], block: int, role: str) -> list[int]:
        ids = []
        for start, end in spans:
            sentences.append(
                Sentence(len(sentences), doc.source_id, start, end, text_at(start, end), section, context, block, role)
            )
            ids.append(len(sentences) - 1)
        return ids

    def flush_paragraph() -> None:
        nonlocal context
        if not paragraph:
            return
        start, end = paragraph[0].start, paragraph[-1].end
        part = ABSTRACT_PART_RE.match(view[start:end]) if abstract_at >= 0 else None
        if part:
            # "Purpose: ..." inside a structured abstract: the label is the sentence's section.
            label = part.group("label").strip().capitalize()
            parts = metadata.setdefault("abstract_parts", {})
            assert isinstance(parts, dict)
            parts[label] = " ".join(text_at(start + part.end(), end).split())
            context, start = label, start + part.end()
        block = Block(len(blocks), "paragraph", section, context, [], paragraph[0].blank_before >= 2)
        block.sentence_ids = add_sentences(split_sentences(view[start:end], start), block.id, "sentence")
        blocks.append(block)
        paragraph.clear()

    def flush_list() -> None:
        if not bullets:
            return
        lead_ids: list[int] = []
        previous = blocks[-1] if blocks else None
        if previous and previous.kind == "paragraph" and sentences[previous.sentence_ids[-1]].text.endswith(":"):
            # The list's meaning lives in the sentence that introduces it: move it into the list.
            lead_ids = [previous.sentence_ids.pop()]
            sentences[lead_ids[0]].role = "lead"
            if not previous.sentence_ids:
                blocks.pop()
        block = Block(len(blocks), "list", section, context, lead_ids, bullets[0].blank_before >= 2)
        for sid in lead_ids:
            sentences[sid].block = block.id
        for item in bullets:
            marker = BULLET_RE.match(item.text)
            start = item.start + (marker.end() if marker else 0)
            item_ids = add_sentences(split_sentences(view[start : item.end], start), block.id, "item")
            block.items.append(item_ids)
            block.sentence_ids += item_ids
        blocks.append(block)
        bullets.clear()

    for i, line in enumerate(lines):
        if i == abstract_at:
            flush_paragraph()
            flush_list()
            section, context = "Abstract", None
            sections.append(section)
            continue
        if line.kind in ("chrome", "meta"):
            if line.kind == "meta" or i < abstract_at:
                continue
            flush_paragraph()
            flush_list()
            continue
        if line.kind == "text" and (m := KEYWORDS_RE.match(line.text)):
            metadata["keywords"] = [w.strip(" .") for w in m.group("words").split(";") if w.strip(" .")]
            continue
        if line.kind in ("heading", "breadcrumb"):
            flush_paragraph()
            flush_list()
            if line.kind == "breadcrumb":
                crumb = BREADCRUMB_RE.match(line.text)
                context = crumb.group("section").strip() if crumb else None
            else:
                section = _heading_text(line)
                sections.append(section)
                if section.endswith("?"):
                    major_section = section
            continue
        if line.kind == "bullet":
            flush_paragraph()
            if bullets and line.blank_before >= 2:
                flush_list()
            bullets.append(line)
            continue
        flush_list()
        if paragraph and line.blank_before:
            flush_paragraph()
        if line.blank_before >= 2 and major_section and section != major_section:
            # Two blank lines where a sub-heading was lost in capture: the text belongs under the
            # enclosing question heading, not under the previous sub-heading.
            section = major_section
        paragraph.append(line)
    flush_paragraph()
    flush_list()

    # A sentence that promises a list ("one or more of the following:") with none after it, or that
    # points at the page layout ("We've described ... below."), says nothing on its own.
    for block in blocks:
        last = sentences[block.sentence_ids[-1]] if block.sentence_ids else None
        if block.kind == "paragraph" and last is not None and last.text.endswith(":"):
            last.role = "dangling"
        for sid in block.sentence_ids:
            if NAVIGATIONAL_RE.search(sentences[sid].text) and len(sentences[sid].text.split()) <= 15:
                sentences[sid].role = "dangling"

    title = str(metadata.get("title") or doc.info.title)
    parsed = ParsedDocument(
        source_id=doc.source_id,
        title=doc.info.title or title,
        metadata=metadata,
        sections=sections,
        blocks=blocks,
        sentences=sentences,
        dropped_lines=[ln.text for ln in lines if ln.kind in ("chrome", "breadcrumb")],
    )
    parsed.passages = build_passages(parsed)
    return parsed


def build_passages(doc: ParsedDocument) -> list[Passage]:
    """Evidence units: each sentence; a list with its lead as one unit; an anaphoric sentence with its referent.

    A list item that is a full sentence and has no lead stands alone. A sentence that opens with a
    reference ("This is sometimes used ...") takes the sentence before it in the same block, or, when
    it opens the block, the one after it, so that the quote can be understood on its own.
    """
    passages: list[Passage] = []

    def add(ids: list[int], kind: str) -> None:
        first, last = doc.sentences[ids[0]], doc.sentences[ids[-1]]
        passages.append(
            Passage(len(passages), doc.source_id, ids, first.start, last.end, first.section, first.context, kind)
        )

    for block in doc.blocks:
        ids = [sid for sid in block.sentence_ids if doc.sentences[sid].role != "dangling"]
        if not ids:
            continue
        if block.kind == "list" and any(doc.sentences[sid].role == "lead" for sid in ids):
            add(ids, "list")
            continue
        # Each bullet item is a claim of its own; a paragraph is one run of sentences.
        groups = block.items if block.kind == "list" else [ids]
        for group in groups:
            for pos, sid in enumerate(group):
                unit = [sid]
                if ANAPHOR_RE.match(doc.sentences[sid].plain):
                    back = pos
                    while back > 0 and pos - back < 2 and ANAPHOR_RE.match(doc.sentences[group[back]].plain):
                        back -= 1
                    if back < pos:
                        unit = group[back : pos + 1]
                    elif pos + 1 < len(group):
                        unit = [sid, group[pos + 1]]
                add(unit, "item" if block.kind == "list" else "sentence")
    return passages


def parse_corpus(documents: Sequence[SourceDocument]) -> list[ParsedDocument]:
    """Parse every document, with chrome detection informed by lines the documents share."""
    shared = repeated_lines(documents)
    return [parse_document(doc, shared) for doc in documents]


def parsed_document_from_dict(data: dict[str, Any]) -> ParsedDocument:
    """Rebuild a :class:`ParsedDocument` from :meth:`ParsedDocument.to_dict` output (stored indexes)."""
    fields = dict(data)
    fields["blocks"] = [Block(**b) for b in data["blocks"]]
    fields["sentences"] = [Sentence(**s) for s in data["sentences"]]
    fields["passages"] = [Passage(**p) for p in data["passages"]]
    return ParsedDocument(**fields)
