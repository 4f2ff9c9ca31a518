"""Ingest stage: clean a captured web page or abstract and recover its structure, keeping offsets.

Nothing here edits the source text. Cleaning decides which *lines* of the file are page chrome and
which are content; structure decides which content lines are headings, paragraphs and bullet lists;
every sentence keeps its ``[start, end)`` offsets into the file so that a quote can always be cut
from, and verified against, the file itself.

Chrome is told from content by general signals, never by a document's own wording:

* shape: link rails ("A | B | C", "Print  Share"), calls to action ("Continue reading…", "Read more
  about …", a trailing "›"), image captions ("Photo: …"), copyright lines, runs of short label lines;
* position: before the page's title (from the manifest) and before the first content, after the
  last content;
* repetition across the pages of one site (same publisher, or same opening lines): a short
  non-sentence line repeated there is the site's template. A full sentence or a list item is never
  dropped only because another page shares it.

What is not chrome but must not be quoted either is kept with a role build_passages skips:
"aside" for promotional cards and patient stories (a block closed by a call to action under a
heading that is not a question about the condition; a section carrying a photo caption), and
"dangling" for a lead with no list, a layout pointer, or an unfinished fragment (a capture cut
mid-sentence).

We write this ourselves rather than use llama-index's readers and node parsers because they drop
character offsets into the original file (they work on cleaned text) and know nothing of captured
page chrome, question-shaped headings or list lead sentences.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.columns import ColumnText, Layout
from assistant.corpus import SourceDocument, blank_out, html_span_text, markdown_span_text, mask_markdown
from assistant.settings import Settings
from assistant.text import is_english, normalise

# --- page chrome ------------------------------------------------------------------------------
# Known interface lines of captured sites (government banners, PubMed's interface labels, cookie
# consent, share and navigation controls). These are a site's interface, not any document's text.
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
        r"^we use cookies\b",
        r"\benable javascript\b|\bjavascript (?:is )?(?:disabled|required|turned off)\b",
        r"callout bg$",
        r"\blogo(?=[A-Z\s]|$)",
        r"^\[[^\]\d][^\]]{2,80}\](?:\s+[a-z]+){0,2}$",  # a form's field and button: "[ Search by name ]  Search"
        r"^[+|=_~*#-]{3}[+|=_~*#\s-]*$",  # a rule or a box's border drawn in characters: "+------+", "======"
    )
]
# An image's own controls ("Enlarge", "View larger image"): the line straight under one is the image's
# caption ("Anatomy of the kidney. Drawing shows ..."), not the page's text.
IMAGE_CONTROL_RE = re.compile(r"^(?:enlarge|zoom in|view larger(?: image)?|click to enlarge|expand image)$", re.I)
IMAGE_CAPTION_MAX_WORDS = 40  # a caption is a line or two; a longer line under the control is text
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
    "conflict of interest statement",
    "associated data",
    "supplementary info",
    "figures",
    # A site's links to its other pages, under the labels sites give them.
    "related pages",
    "related conditions",
    "related topics",
    "related links",
    "related content",
    "related articles",
    "related health topics",
    # An encyclopedia's lists after its text.
    "see also",
    "external links",
    "further reading",
    "bibliography",
    "footnotes",
}
BREADCRUMB_RE = re.compile(r"^(?P<topic>[^|]{2,80}?)\s+\|\s+(?P<section>[^|]{2,80})$")
BULLET_RE = re.compile(r"^(?:[•·▪◦●\-*+–]|\d{1,2}[.)])\s+")
# Separators of a link rail or breadcrumb trail: a spaced pipe, middle dot, chevron or slash, or a wide gap.
RAIL_SEPARATOR_RE = re.compile(r"\s+[|·•›»>/]\s+|\s{2,}")
VISIBLE_SEPARATOR_RE = re.compile(r"\s+[|·•›»>/]\s+")
# A sentence ends with . ! or ? (then perhaps a closing quote or bracket); "…" and "›" do not end one.
# An encyclopedia's reference marks after a sentence ("... vessels.[1]", "[2][3]", "[citation needed]"): they point
# at its reference list, they are no part of what the sentence says, and a sentence ending in one is finished.
REFERENCE_MARK = r"\[(?:\d{1,3}(?:\s?[,–-]\s?\d{1,3})*|[a-z][a-z ]{0,24})\]"
TERMINAL_RE = re.compile(rf"[.!?][\"”’')\]]*(?:{REFERENCE_MARK})*$")
# A teaser's closing words, which send the reader to another page's story or account ("Read how surgery got him
# back ...").
_TEASER = r"read (?:how|why|about)|hear (?:how|from)|watch (?:how|as)"
# Link text: a call to action, generic web vocabulary rather than any site's wording.
CALL_TO_ACTION_RE = re.compile(
    r"^(?:continue reading|read (?:more|the full|the rest)|learn more|see (?:more|all|the full|our)|find out more|"
    r"view (?:more|all|the full)|watch (?:the|our) video|download|request an? |register|sign up|subscribe|"
    r"explore|meet (?:our|the)|discover|book an? |schedule an? |make an appointment|donate|give now|back to top|"
    rf"visit our|find (?:a|an|your) (?:doctor|specialist|provider|location|clinic)|read [\w-]+['’]s|{_TEASER})\b",
    re.IGNORECASE,
)
# A sentence closing a paragraph with a teaser's words is that teaser's link. (Not "Request an appointment if the
# lump grows": a call to act on what the paragraph says is its content.)
TEASER_RE = re.compile(rf"^(?:{_TEASER})\b", re.IGNORECASE)
# A story about one patient, told by the page's link or label for it ("Read Ava's story ›", "Patient story:").
STORY_RE = re.compile(r"\bstor(?:y|ies)\b", re.IGNORECASE)
STORY_LABEL_RE = re.compile(r"^(?:\w+\s+){0,2}stor(?:y|ies)\s*:", re.IGNORECASE)
LINK_GLYPH_RE = re.compile(r"(?:[›»→]|>>)\s*$")
# A telephone number: groups of digits apart, as numbers to call are written ("01632 960418", "555-010-0199",
# "+44 1632 960000"); not a count, a year or a range of years ("between 2010-2015, 97 had").
PHONE_NUMBER = r"(?<![\d.,-])(?:\+\d{1,3}[ -]?)?\(?\d{2,5}\)?[ -]\d{3,4}[ -]?\d{3,4}(?![\d-])"
PHONE_NUMBER_RE = re.compile(PHONE_NUMBER)
# A line that gives a number under its label ("Radiology appointments: 01632 960422"): finished without a full stop.
LABELLED_NUMBER_RE = re.compile(rf":\s*{PHONE_NUMBER}\s*$")
CONTACT_RE = re.compile(r"\b(?:\d{3}[-. ]\d{3,4}(?:[-. ]\d{4})?|https?://|www\.)", re.IGNORECASE)
CAPTION_RE = re.compile(
    r"^(?:\[(?:image|photo|picture|img)\]|(?:photo|image|picture|photograph)(?: credit)?\s*:|credit\s*:|"
    r"fig(?:ure)?\.?\s*\d+[a-z]?(?:[.:|]|$))",
    re.IGNORECASE,
)
LEGAL_RE = re.compile(r"^(?:©|\(c\)\s*(?:19|20)\d{2}|copyright\b)", re.IGNORECASE)
# A site's legal small print anywhere in a line ("... is protected by copyright law", "you agree to the Terms of Use"):
# it speaks of the site, never of a condition.
BOILERPLATE_RE = re.compile(
    r"\bcopyright\b|\bterms of (?:use|service)\b|\bprivacy (?:policy|notice|statement)\b|\bcreative commons\b"
    r"|\ball rights reserved\b",
    re.IGNORECASE,
)
FIRST_PERSON_RE = re.compile(r"\b(?:we|our|ours|us)\b", re.IGNORECASE)
QUOTATION_RE = re.compile(r"[“”]|(?:^|\s)\"\w")
TESTIMONY_RE = re.compile(r"\b(?:I|my|me|we|our|us)\b")  # (case kept: "I", not the "i" of a list)
# A title-shaped line does not end on a word that needs a continuation (a wrapped line does).
CONTINUATION_WORDS = {"a", "an", "the", "of", "and", "or", "to", "in", "for", "with", "on", "at", "by", "from"}

# --- scholarly front matter ----------------------------------------------------------------------
ABSTRACT_PART_RE = re.compile(r"^(?P<label>[A-Z][A-Za-z]+(?:[ /-][A-Za-z]+){0,3})\s*:\s+(?=\S)")
# A line that opens with a short label of its own, then its text: "Surgery: The main treatment is ...".
INLINE_LABEL_RE = re.compile(r"^(?P<label>[A-Z][\w'’-]*(?:[ /&-]+[\w'’-]+){0,4}):\s+(?=[A-Z0-9])")
DOI_RE = re.compile(r"\b(?:doi:\s*|https?://(?:dx\.)?doi\.org/)(?P<doi>10\.\d{4,9}/\S+?)\.?(?=\s|$)", re.I)
PMID_RE = re.compile(r"\bPMID:?\s*(?P<pmid>\d{4,9})\b")
# A bibliographic reference: "et al." or a journal's "year;volume" ("2019;54:100-5").
# A reference list's entry: "et al.", a "2019;54" year-and-volume, or a "12 (3): 201-219" volume, issue and pages.
REFERENCE_RE = re.compile(r"\bet al\.|\b(?:19|20)\d{2};\s*\d+|\b\d{1,4}\s?\(\d{1,4}\)\s?:\s?[A-Za-z]?\d{1,6}\b")
# A wiki's reference entry opens with its back-link caret and letters ("^ a b Smith J (2019). ...").
WIKI_REFERENCE_RE = re.compile(r"^\^(?:\s+[a-z])*\s+\S")
CITATION_RE = re.compile(r"^(?P<author>.+?)\s+et al\.\s+(?P<journal>.+?)\.\s+(?P<year>(?:19|20)\d{2})\b")
# "Ann Test Oncol. 2018 Jul;27(3):386-92", ". 2018 Jul;27(3)...", "Case Rep Rare Oncol 2020;6:211–218"
ISSUE_RE = re.compile(
    r"^(?:(?P<journal>[A-Z][^.;:]*?)\.?\s+|\.\s*)?(?P<year>(?:19|20)\d{2})(?:\s+[A-Z][a-z]{2,8}(?:\s+\d{1,2})?)?"
    r";\s*(?P<issue>[^.;\s][^.;]*?)\s*(?:\.(?=\s|$)|$)"
)
KEYWORDS_RE = re.compile(r"^keywords?\s*:\s*(?P<words>.+)$", re.IGNORECASE)
AFFILIATION_MARK_RE = re.compile(r"^(?:\(?(?:\d{1,2}|[a-z])\)|\d{1,2}\s+(?=[A-Z]))\s*\S")
AUTHOR_SPLIT_RE = re.compile(r"\s*(?:[,;·•]|\band\b|&)\s*")
AUTHOR_MARKER_RE = re.compile(r"(?:\s*(?:\(\w{1,3}(?:,\s*\w{1,3})*\)|\d{1,2}(?:,\d{1,2})*|[*†‡§]+))+$")
INITIALS_RE = re.compile(r"^(?:[A-Z]{1,3}|(?:[A-Z]\.-?){1,3})$")
NAME_WORD_RE = re.compile(r"^[^\W\d_][^\W\d_'’-]*(?:['’-][^\W\d_]+)*$")
NAME_PARTICLES = {"van", "von", "de", "der", "den", "da", "del", "della", "di", "du", "la", "le", "dos", "bin"}
FRONT_MATTER_LABELS = {"affiliations", "author information", "abstract"}
# Roles of sentences that stay in the parsed document (for context) but are never evidence.
UNQUOTABLE_ROLES = ("dangling", "aside")

# --- sentences ----------------------------------------------------------------------------------
_ABBREVIATIONS = {
    "u.s", "e.g", "i.e", "dr", "mr", "mrs", "ms", "prof", "vs", "etc", "al", "no", "nos", "fig", "figs",
    "approx", "st", "jr", "sr", "inc", "ltd", "ph.d", "m.d", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "vol", "pp", "ca",
}  # fmt: skip
# The end of a sentence, or of a line giving a number under its label ("Bookings: 01632 960422" / "Out of hours: ...").
_BOUNDARY_RE = re.compile(
    rf"(?P<stop>[.!?]+[\"”’)\]]*)(?:{REFERENCE_MARK})*(?=\s+[\"“‘(\[]?[A-Z0-9])"
    rf"|:[ \t]*{PHONE_NUMBER}(?=[ \t]*\r?\n[ \t]*[A-Z])"
)
_TRAILING_MARKS_RE = re.compile(rf"(?<=[.!?\"”’)])(?:{REFERENCE_MARK})+$")
_LAST_WORD_RE = re.compile(r"(\S+)$")
NAVIGATIONAL_RE = re.compile(r"\b(below|above|the following|this page|click|see here)\W*$", re.I)
ANAPHOR_RE = re.compile(
    r"^(?:This|These|That|Those|It|They|Such|Its|Their)\b"
    # ... or that counts among people or things named just before: "About 9 in 10 of them survive."
    r"|^(?:\S+\s+){0,4}?(?:of|among|for|in)\s+(?:them|these|those)\b(?!\s+(?:who|that|which|with)\b)"
    # ... or that opens on what was just described: "In this procedure, a doctor ...", "After that surgery, ..."
    # (not the writing itself: "In this article, we report ..." points at the document, not a sentence).
    r"|^(?:In|During|After|Before|With|For|From|By|Through|Following)\s+(?:this|that|these|those)\s+"
    r"(?!(?:article|paper|report|study|review|page|section|chapter|guide|series)\b)[a-z]"
)
MAX_HEADING_WORDS = 14


# A word broken across a line end by a hyphen, as printed text is wrapped ("treat-" / "ment").
_LINE_END_HYPHEN_RE = re.compile(r"\b([a-z]+)-[ \t]*\r?\n\s*([a-z]+)\b")


def reflow(text: str) -> str:
    """Text as a reader reads it: runs of white space folded to one space, and a word a printed page hyphenated
    across a line end joined again when the whole is a word and its second part is none ("treat-" / "ment" ->
    "treatment"). Otherwise the hyphen stays: "long-" / "term" is "long-term", and "re-" / "present" stays
    "re-present", never "represent". What is quoted is still the file's own text; this is how it is shown and
    matched."""

    def joined(match: re.Match[str]) -> str:
        head, tail = match.group(1), match.group(2)
        return head + tail if is_english(head + tail) and not is_english(tail) else f"{head}-{tail}"

    return " ".join(_LINE_END_HYPHEN_RE.sub(joined, text).split())


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
        # Inside brackets that close further on, a stop ends no sentence: "(Monday to Friday, 7 a.m. to 7 p.m.
        # Central time)".
        before = text[start : match.start()]
        if before.count("(") > before.count(")") and ")" in text[match.end() :].split("(", 1)[0]:
            continue
        # (A sentence ends at its stop: reference marks after it are skipped, not quoted.)
        spans.append((offset + start, offset + (match.end("stop") if match.group("stop") else match.end())))
        rest = text[match.end() :]
        start = match.end() + (len(rest) - len(rest.lstrip()))
    tail = text[start:].rstrip()
    if marks := _TRAILING_MARKS_RE.search(tail):
        tail = tail[: marks.start()]
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
    role: str  # "sentence" | "lead" | "item" | "dangling" | "aside" (the last two are never quoted)

    @property
    def plain(self) -> str:
        """The text as read: white space folded, a word hyphenated across a line end joined (for answers, not
        for quotes)."""
        return reflow(self.text)


@dataclass
class Block:
    """A paragraph, or a bullet list together with the sentence that introduces it."""

    id: int
    kind: str  # "paragraph" | "list"
    section: str | None
    context: str | None
    sentence_ids: list[int]
    after_gap: bool  # preceded by 2+ blank lines: a heading was probably lost in capture
    labelled: bool = False  # opens with an inline label ("Surgery: The main treatment is ..."): a part of its section
    items: list[list[int]] = field(default_factory=list)  # for a list: the sentence ids of each bullet
    table: bool = False  # a list that is a table's rows under its header row


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
    # A heading's sub-headings where the layout tells them apart (not question headings: see the answerer).
    subsections: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class _Line:
    start: int  # offset of the first non-blank character
    end: int  # offset after the last non-blank character
    text: str
    indent: int
    blank_before: int = 0
    kind: str = "text"  # text | bullet | heading | group (a label over headings) | chrome | breadcrumb | meta
    call_to_action: bool = False  # link text such as "Read more": chrome, but it closes the block above it
    caption: bool = False  # an image caption: chrome, and it marks its section as a feature
    boilerplate: bool = False  # occurs on many pages of this document's site
    table_header: bool = False  # the header row of a table whose rows follow it as a list
    card_field: bool = False  # a reference card's "Label: value" field: a fact of its own, led by no sentence
    cells: list[str] | None = None  # a printed table's row (or header) read cell by cell by its columns
    layout_row: bool = False  # a printed row whose wide gaps are its columns, not two columns of text read across


def _norm_line(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).lower()


def _repeat_key(text: str) -> str:
    """A line as compared across pages: bullet marker dropped, digits folded (dates and counts vary)."""
    return re.sub(r"\d+", "0", _norm_line(BULLET_RE.sub("", text)))


def _lines(text: str, layout: Layout | None = None) -> list[_Line]:
    """The text's lines in reading order: a two-column region of ``layout`` (a PDF page set in two columns) is read
    down its left column, then its right, each part of a printed line a line of its own."""
    lines: list[_Line] = []
    blanks = 0
    # (offset, part) of the region being read: its left column's and its right column's
    columns: tuple[list[tuple[int, str]], list[tuple[int, str]]] = ([], [])
    offset = 0
    for number, raw in enumerate(text.splitlines(keepends=True)):
        body = raw.rstrip("\r\n")
        region = layout.region_of_line(number) if layout is not None else None
        if region is not None:
            columns[0].append((offset, body[: region.split]))
            columns[1].append((offset + region.split, body[region.split :]))
            if number == region.last:
                for column in columns:
                    for at, part in column:
                        if line := _line_at(at, part, blanks):
                            lines.append(line)
                            blanks = 0
                        else:
                            blanks += 1
                    column.clear()
                    # (A column's text ends at its foot: the next column's first line opens a paragraph, since no
                    # span of the file reads from one column's foot to the other's head.)
                    blanks = 1
        elif line := _line_at(offset, body, blanks):
            lines.append(line)
            blanks = 0
        else:
            blanks += 1
        offset += len(raw)
    return lines


def _line_at(offset: int, body: str, blanks: int) -> _Line | None:
    """The line whose text ``body`` starts at ``offset`` of the file, or None for a blank one."""
    stripped = body.strip()
    if not stripped:
        return None
    lead = len(body) - len(body.lstrip())
    return _Line(offset + lead, offset + lead + len(stripped), stripped, lead, blank_before=blanks)


def _join_wrapped_items(lines: list[_Line]) -> list[_Line]:
    """A list item wrapped onto the next lines, as a PDF or a plain-text capture lays it out ("• a blood
    test for alpha-fetoprotein (AFP), a protein that is raised" / "  in about 9 out of 10 children"): each
    line straight under a bullet, indented past its marker and no bullet itself, continues that item."""
    joined: list[_Line] = []
    for line in lines:
        item = joined[-1] if joined else None
        if (
            item is not None
            and line.blank_before == 0
            and "chrome" not in (item.kind, line.kind)
            and line.cells is None
            and not line.card_field
            and BULLET_RE.match(item.text)
            and not BULLET_RE.match(line.text)
            and (line.indent > item.indent or _item_goes_on(item.text, line.text))
        ):
            item.end, item.text = line.end, f"{item.text} {line.text}"
            continue
        joined.append(line)
    return joined


def _item_goes_on(text: str, line: str) -> bool:
    """Whether ``line``, under an item and no further in, goes on with its sentence: the item stops mid-sentence and
    the line opens in lower case, as ``pdftotext`` (without ``-layout``) wraps a numbered step ("1. ... Most" /
    "people take ..."; "(bisoprolol or pro-" / "pranolol) may be added")."""
    opening = line.lstrip("(")[:1]
    return not text.rstrip().endswith((".", "!", "?", ":")) and opening.isalpha() and opening.islower()


# A rule printed under a table's header or between its parts ("─────", "-----", "=====").
_RULE_LINE_RE = re.compile(r"^[─━═_=-]{5,}$")
# Words with single spaces between them: one cell of a printed row, whose cells are parted by wider gaps.
_PRINTED_CELL_RE = re.compile(r"\S+(?: \S+)*")
# How far a printed cell may start from its column and still be in it (a capture's alignment is not exact).
_COLUMN_SLACK = 1


def _printed_cells(line: _Line) -> list[tuple[int, str]]:
    """A printed line's parts between runs of two or more spaces, each with the column it starts at. (None of a
    line with tabs, whose cells the tabs part: see :func:`_table_cells`.)"""
    if "\t" in line.text:
        return [(line.indent, line.text)]
    return [(line.indent + m.start(), m.group(0)) for m in _PRINTED_CELL_RE.finditer(line.text)]


def _is_printed_label(text: str, settings: Settings) -> bool:
    """A column's name or a field's label: a few words opening with a letter (not a bullet's glyph)."""
    return text[:1].isalpha() and not text.endswith(".") and _is_label(text, settings.ingest_label_max_words)


def _column_of(columns: list[int], at: int) -> int:
    """The column a printed word starting at ``at`` is in: the last one starting at or before it (the first one for
    a word left of every column)."""
    return max(c for c, start in enumerate(columns) if start <= at + _COLUMN_SLACK or c == 0)


def _joined(rows: list[_Line], cells: list[str] | None, columns: list[int]) -> _Line:
    """One line for a printed row laid out over several lines (its cells wrapped under their columns). Its gaps
    part cells (``layout_row``) only when its lines read its cells in order: when a cell wraps under an earlier
    column than the line above ended in ("Nail bed, fingertip, palm,  Top of the thumb," / "wrist   side of
    the hand"), the file interleaves two cells, and the row is no text to quote."""
    first, last = rows[0], rows[-1]
    text = " ".join(row.text for row in rows)
    in_order = all(
        _column_of(columns, _printed_cells(below)[0][0]) >= _column_of(columns, _printed_cells(above)[-1][0])
        for above, below in itertools.pairwise(rows)
    )
    return _Line(first.start, last.end, text, first.indent, first.blank_before, cells=cells, layout_row=in_order)


def _printed_table_at(lines: list[_Line], i: int, settings: Settings) -> tuple[int, list[_Line]] | None:
    """A table printed with spaces (``pdftotext -layout``) whose header is line ``i``: a row of two or more short
    column names (over a column of row labels, perhaps, with its corner left empty), then rows whose cells start
    under them, a cell too long for its column wrapped onto the next lines under it. Returns the index after the
    table and its header and rows, each row one line."""
    header = _printed_cells(lines[i])
    # (Column names: labels without figures. "Zerotinib  150 mg twice daily  days 1-14" is a row.)
    names_only = all(_is_printed_label(name, settings) and not re.search("[0-9]", name) for _, name in header)
    if len(header) < 2 or not names_only or i + 1 >= len(lines):
        return None
    columns = [column for column, _ in header]
    names = [name for _, name in header]
    if lines[i + 1].indent < columns[0] - _COLUMN_SLACK:
        columns = [lines[i + 1].indent, *columns]  # the corner over the row labels: a cell fewer (see _mark_tables)
    rows: list[list[_Line]] = []
    j = i + 1
    while j < len(lines) and lines[j].kind != "chrome" and lines[j].blank_before <= 1:
        line = lines[j]
        if _RULE_LINE_RE.match(line.text):
            j += 1
            continue
        cells = _printed_cells(line)
        opens_row = line.indent < columns[1] - _COLUMN_SLACK
        aligned = sum(1 for at, _ in cells[1:] if any(abs(at - start) <= _COLUMN_SLACK for start in columns[1:]))
        # (A row label goes on in lower case under itself, "Comes back after" / "treatment"; an indented one,
        # "  refractory syndrome", is a row of its own under the one above.)
        label_goes_on = bool(rows) and line.text[:1].islower() and abs(line.indent - columns[0]) <= _COLUMN_SLACK
        if opens_row and len(cells) >= 2 and aligned and not label_goes_on:
            rows.append([line])
        elif rows and line.blank_before == 0 and (not opens_row or label_goes_on):
            rows[-1].append(line)  # a cell wrapped under its column
        else:
            break
        j += 1
    if len(rows) < 2:
        return None
    table = [_joined([lines[i]], names, columns[-len(names) :])]
    for row in rows:
        cells_text: list[list[str]] = [[] for _ in columns]
        for line in row:
            for m in re.finditer(r"\S+", line.text):
                cells_text[_column_of(columns, line.indent + m.start())].append(m.group(0))
        table.append(_joined(row, [" ".join(words) for words in cells_text], columns))
    return j, table


def _printed_fields_at(lines: list[_Line], i: int, settings: Settings) -> tuple[int, list[_Line]] | None:
    """Fields printed as a label, a wide gap and its value (a quick reference's "Dose      250 mg three times
    daily" / "Monitor   Liver function tests"), the value wrapped onto the next lines under itself, and at
    times the label too ("Renal" / "protection"). Two fields or more, their values starting in one column. Each
    field is one line, a fact of its own."""
    if "\t" in lines[i].text:
        return _tabbed_fields_at(lines, i, settings)
    first = _printed_cells(lines[i])
    if len(first) < 2 or not _is_printed_label(first[0][1], settings):
        return None
    label_at, value_at = lines[i].indent, first[1][0]
    fields: list[list[_Line]] = [[lines[i]]]
    j = i + 1
    while j < len(lines) and lines[j].kind != "chrome" and lines[j].blank_before == 0:
        line, cells = lines[j], _printed_cells(lines[j])
        if abs(line.indent - value_at) <= _COLUMN_SLACK:
            fields[-1].append(line)  # the value goes on under itself
        elif (
            abs(line.indent - label_at) <= _COLUMN_SLACK
            and len(cells) >= 2
            and abs(cells[1][0] - value_at) <= _COLUMN_SLACK
            and _is_printed_label(cells[0][1], settings)
        ):
            above = fields[-1][-1].text
            # (A label goes on in lower case: "Radiation" / "precautions".)
            wrapped = above.split()[-1].lower() in CONTINUATION_WORDS or above.endswith("-") or cells[0][1][0].islower()
            if wrapped:
                fields[-1].append(line)  # the label goes on too, beside its value's next line
            else:
                fields.append([line])
        else:
            break
        j += 1
    if len(fields) < 2:
        return None
    joined = []
    for printed in fields:
        cells = [c for line in printed for c in _printed_cells(line)]
        label = " ".join(text for at, text in cells if at < value_at - _COLUMN_SLACK)
        value = " ".join(text for at, text in cells if at >= value_at - _COLUMN_SLACK)
        row = _joined(printed, None, [label_at, value_at])
        row.text, row.kind, row.card_field = f"{label}: {value}", "bullet", True
        joined.append(row)
    return j, joined


def _tabbed_fields_at(lines: list[_Line], i: int, settings: Settings) -> tuple[int, list[_Line]] | None:
    """An infobox's fields captured with tabs ("Specialty<TAB>Oncology, dermatology"), one per line, each a fact of
    its own. Not a table of figures under its header ("Stage<TAB>5-year survival" / "Localized<TAB>76%"), which
    :func:`_mark_tables` reads."""
    run: list[_Line] = []
    for line in lines[i:]:
        cells = line.text.split("\t")
        if line.kind == "chrome" or (run and line.blank_before) or len(cells) != 2 or not cells[1].strip():
            break
        if not _is_printed_label(cells[0].strip(), settings):
            break
        run.append(line)
    figures = sum(1 for line in run[1:] if re.search("[0-9]", line.text.split("\t")[1]))
    if len(run) < 2 or figures * 2 >= len(run) - 1:
        return None
    for line in run:
        line.kind, line.card_field = "bullet", True
    return i + len(run), run


def _join_printed_rows(lines: list[_Line], settings: Settings) -> list[_Line]:
    """A text capture's printed tables and label columns (a PDF saved with ``pdftotext -layout``) as rows: each
    row one line, its cells known by their columns, so that the wide gaps between them are read as cells, not as
    two columns of text read across, and a cell wrapped onto the next line stays in its row. The rules printed
    under a header are dropped."""
    joined: list[_Line] = []
    i = 0
    while i < len(lines):
        found = None
        if lines[i].kind != "chrome":
            found = _printed_table_at(lines, i, settings) or _printed_fields_at(lines, i, settings)
        if found is None:
            joined.append(lines[i])
            i += 1
            continue
        i, rows = found
        joined.extend(rows)
    return joined


def _asks(text: str, max_words: int) -> bool:
    """A heading-shaped question line ("What causes X?")."""
    return text.endswith("?") and _looks_like_heading(text, max_words)


def _separate_elements(lines: list[_Line], settings: Settings, title: str = "") -> bool:
    """Mark where elements begin on a page captured one element per line, with no blank lines at all.

    Many sites' text captures put each heading, paragraph and list item on a line of its own and
    never leave a blank line, while the rest of the parser reads blank lines as the boundaries of
    paragraphs, lists and heading runs. On such a page (almost no blank lines; the share is a
    setting) a finished line (ending like a sentence, a question or a lead's ':') ends an element,
    so the next line is given the blank line the capture left out. Kept tight, as the parser expects:
    the line under a label or heading-shaped line (a heading set straight above its text), a wrapped
    line that goes on in lower case, and the items under a lead ending in ':' up to the first line
    that opens a new section (a question with prose under it, or a label above a question). Returns
    whether the page was read this way.
    """
    max_words = settings.ingest_heading_max_words
    separated = sum(1 for line in lines[1:] if line.blank_before)
    if len(lines) < settings.ingest_dense_min_lines or separated > settings.ingest_dense_max_blank_share * len(lines):
        return False

    def asks(k: int) -> bool:
        return 0 <= k < len(lines) and _asks(lines[k].text, max_words)

    def opens_section(k: int) -> bool:
        """A question with prose under it, or a label right above a question."""
        if asks(k):
            return k + 1 < len(lines) and not _looks_like_heading(lines[k + 1].text, max_words)
        return _is_label(lines[k].text, settings.ingest_label_max_words) and asks(k + 1)

    def heads_text(k: int, in_items: bool) -> bool:
        """A heading set straight above its text ("Tests" / "X-ray: both kinds of cyst show ..."), unless it
        ends a list of items of its own short shape ("Treatments:" / "Surgery" / "Radiation" / then prose)."""
        line, before = lines[k].text, lines[k - 1].text
        following = lines[k + 1].text if k + 1 < len(lines) else ""
        return (
            _norm_line(line) != _norm_line(title)  # (the page's title over its summary heads the page, not a part)
            and _looks_like_heading(line, max_words)
            and _title_shaped(line)
            and following[:1].isupper()
            and not _looks_like_heading(following, max_words)
            and (_is_sentence(following) or following.endswith(":"))
            and not (in_items and _looks_like_heading(before, max_words) and _title_shaped(before))
        )

    def story_end(k: int) -> int | None:
        """The link line closing one patient's story that a label opens ("Patient story" / its lines / "Read
        Ravi's story"), within a few lines: the story is one block, as a page with blank lines would have it."""
        if not (_is_label(lines[k].text, settings.ingest_label_max_words) and STORY_RE.search(lines[k].text)):
            return None
        # The link names the story ("Read Ravi's story", "Read how ..."), and no heading stands before it (a menu's
        # "Patient stories" is followed by the page itself).
        for j in range(k + 1, min(k + 1 + settings.ingest_story_max_lines, len(lines))):
            text = lines[j].text
            if _is_call_to_action(text, max_words) and (STORY_RE.search(text) or TEASER_RE.match(text)):
                return j
            if heads_text(j, False):
                return None
        return None

    in_items = False
    story_until = 0
    for k in range(1, len(lines)):
        before, line = lines[k - 1].text, lines[k].text
        if k <= story_until:
            lines[k].blank_before = 0
            continue
        if (end := story_end(k)) is not None:
            story_until, in_items = end, False
            lines[k].blank_before = max(lines[k].blank_before, 1)
            continue
        if heads_text(k, in_items):
            lines[k].blank_before, in_items = max(lines[k].blank_before, 1), False
            continue
        if in_items and not opens_section(k):
            continue  # an item under the lead: the list stays one run
        if asks(k) and asks(k - 1) and (asks(k - 2) or asks(k + 1)):
            # Questions in a row with no lead ("What questions should I ask?" / "What stage is it?" / "Will
            # ... ?"): the first is the heading, the others the items of a list under it.
            lines[k].kind = "bullet"
            lines[k].blank_before = 0 if asks(k - 2) else 1
            continue
        in_items = before.endswith(":") and len(before.split()) >= 3
        finished = bool(TERMINAL_RE.search(before)) or before.endswith(":")
        opens = line[:1].isupper() or line[:1].isdigit() or bool(BULLET_RE.match(line)) or line[:1] in '"“(['
        if finished and opens:
            lines[k].blank_before = max(lines[k].blank_before, 1)
    return True


_BLOCK_TAGS = r"p|div|h[1-6]|li|ul|ol|br|tr|table|section|article|header|footer|nav|title|blockquote|dd|dt"
_CELL_TAGS = r"td|th"  # a table's cells stay on their row's line, a tab apart (see _mark_tables)
_DROP_ELEMENT_RE = re.compile(r"<(script|style|nav|header|footer|noscript|head)\b.*?</\1\s*>", re.I | re.S)
_HTML_TAG_RE = re.compile(r"<(/?)([a-zA-Z0-9]+)[^>]*>|<!--.*?-->", re.S)
# A list whose every item is one link and nothing else: a site's pointers to its other pages (a sidebar's "Related
# conditions", "Clinical trials"), whose titles are no facts of this page. (A nested list is not one: its items hold
# more than a link.)
_LIST_RE = re.compile(r"<(ul|ol)\b[^>]*>(.*?)</\1\s*>", re.I | re.S)
_LIST_ITEM_RE = re.compile(r"<li\b[^>]*>(.*?)</li\s*>", re.I | re.S)
_ONLY_A_LINK_RE = re.compile(r"\s*<a\b[^>]*>[^<]*</a\s*>\s*", re.I)


def mask_html(raw: str) -> str:
    """Blank out an HTML file's markup without moving any character of its text.

    Tags become spaces (block tags a newline, ``<li>`` a bullet, a table cell a tab) so the line parser sees the text
    laid out as a reader would, while every offset still points into the original file.
    """

    masked = _DROP_ELEMENT_RE.sub(blank_out, raw)

    def links_only(match: re.Match[str]) -> str:
        items = _LIST_ITEM_RE.findall(match.group(2))
        only_links = items and all(_ONLY_A_LINK_RE.fullmatch(item) for item in items)
        return blank_out(match) if only_links else match.group(0)

    masked = _LIST_RE.sub(links_only, masked)

    def tag(match: re.Match[str]) -> str:
        width = len(match.group(0))
        name = (match.group(2) or "").lower()
        if name == "li" and not match.group(1) and width >= 3:
            return "\n• " + " " * (width - 3)
        if re.fullmatch(_BLOCK_TAGS, name) and not (name == "tr" and match.group(1)):
            return "\n" + " " * (width - 1)  # (a row's end is the next row's start: no blank line between rows)
        if re.fullmatch(_CELL_TAGS, name) and not match.group(1):
            return "\t" + " " * (width - 1)
        return " " * width

    return _HTML_TAG_RE.sub(tag, masked)


def _view(doc: SourceDocument) -> str:
    if doc.is_html:
        return mask_html(doc.text)
    # (A text capture's slices read down its printed columns, as a reader reads them; see assistant.columns.)
    return mask_markdown(doc.text) if doc.is_markdown else ColumnText(doc.text)


# --- line shapes --------------------------------------------------------------------------------
def _is_sentence(text: str) -> bool:
    """Ends like a sentence and is long enough to be one (a label such as "Yes." is not)."""
    return bool(TERMINAL_RE.search(text)) and len(text.split()) >= 3


def _is_label(text: str, max_words: int) -> bool:
    """Short and without sentence punctuation: a menu entry, tab, link title or heading."""
    words = text.split()
    return 0 < len(words) <= max_words and not BULLET_RE.match(text) and not re.search(r"[.!?:;,]\W*$", text)


def _is_part_label(lines: list[_Line], i: int, settings: Settings) -> bool:
    """A structured abstract's label on a line of its own, with its prose straight under it ("Background" /
    "Case presentation" / "Conclusions", each then a paragraph): short, capitalised, without sentence
    punctuation (a closing colon aside), and followed with no blank line by a sentence-long text line."""
    text = lines[i].text.strip().removesuffix(":")
    if not text[:1].isupper() or not _is_label(text, settings.ingest_label_max_words) or i + 1 >= len(lines):
        return False
    following = lines[i + 1]
    return (
        following.blank_before == 0
        and following.kind == "text"
        and len(following.text.split()) > settings.ingest_label_max_words
        and _is_sentence(following.text)
    )


def _is_rail(text: str, max_words: int, wide_gaps: bool = True) -> bool:
    """A row of short labels: "Overview | Symptoms | Causes", "Print  Share", "Home › Cancer › X".

    In a masked HTML view inline tags also leave wide gaps, so there only visible separators count.
    """
    separators = RAIL_SEPARATOR_RE if wide_gaps else VISIBLE_SEPARATOR_RE
    parts = [p for p in separators.split(text) if p.strip()]
    return len(parts) >= 2 and all(_is_label(p, max_words) for p in parts)


def _is_contact_line(text: str, max_words: int) -> bool:
    """ "Out of hours: hospital switchboard 01632 960000 – ask for the registrar": a short label, then a number to
    call. Whole without a full stop, and how a family reaches the team, wherever on the page it stands."""
    label, colon, rest = text.partition(":")
    return bool(colon) and _is_label(label, max_words) and bool(PHONE_NUMBER_RE.search(rest))


def _is_call_to_action(text: str, max_words: int) -> bool:
    """Link text: ends in a link arrow, or is a short "Read more …" / "Request an appointment" line,
    or a short "Call 555-…" contact line."""
    words = len(text.split())
    if words > 2 * max_words:
        return False
    if LINK_GLYPH_RE.search(text):
        return True
    if CALL_TO_ACTION_RE.match(text) and not TERMINAL_RE.search(text):
        return True
    return bool(re.match(r"(?:call|phone|text|email|contact|visit)\b", text, re.I) and CONTACT_RE.search(text))


# A page's field of other names for its condition: "Synonym(s):" over a list, "Other names<TAB>X, Y", "Alternative
# Names" over "X; Y", "Also known as: X".
_NAMES_FIELD_RE = re.compile(
    r"^(?:synonyms?(?:\s*\(s\))?|other names?|alternative names?|also known as)\s*[:\t]?\s*(?P<rest>.*)$", re.I
)


def _listed_names(lines: list[_Line], max_words: int) -> list[str]:
    """The other names a page lists for its condition in a names field (see ``_NAMES_FIELD_RE``): the field's own
    value, or the short lines straight under it, each split at commas and semicolons. A reference card or infobox
    gives them as data, not in a sentence ("X, also called Y") the vocabulary learns names from."""
    names: list[str] = []
    for i, line in enumerate(lines):
        field_match = _NAMES_FIELD_RE.match(line.text.strip())
        if field_match is None:
            continue
        items = [field_match.group("rest")] if field_match.group("rest").strip() else []
        for under in lines[i + 1 :] if not items else []:
            if under.blank_before or ":" in under.text or len(under.text.split()) > max_words:
                break
            items.append(under.text)
        for item in items:
            names += [
                n.strip() for n in re.split(r"[;,\t]", item) if len(n.strip()) >= 2 and len(n.split()) <= max_words
            ]
    return list(dict.fromkeys(names))


def _looks_like_heading(text: str, max_words: int) -> bool:
    words = text.split()
    return (
        0 < len(words) <= max_words
        and len(text) <= 100
        and not _TRAILING_MARKS_RE.sub("", text).endswith((".", ",", ";", ":"))  # ("... comes back.[4]" is no title)
        and not BULLET_RE.match(text)
    )


def _title_shaped(text: str) -> bool:
    """Starts with a capital and does not stop on a word that needs more (as a wrapped line does)."""
    words = text.split()
    return bool(words) and text[0].isupper() and words[-1].lower() not in CONTINUATION_WORDS


# A wiki's "[edit]" link beside each of its headings ("Treatment[edit]"): a control, not the section's name.
_EDIT_LINK_RE = re.compile(r"\s*\[edit(?: source)?\]$", re.IGNORECASE)


# A FAQ's labels: "Q: How is it treated?" over "A: Surgery removes ...".
_FAQ_QUESTION_LABEL_RE = re.compile(r"^(?:Q|Question)\s*[:.]\s+(?=\S)")
_FAQ_ANSWER_LABEL_RE = re.compile(r"^\s*(?:A|Answer)\s*:\s+(?=\S)")


def _heading_text(line: _Line) -> str:
    text = _EDIT_LINK_RE.sub("", BULLET_RE.sub("", line.text.lstrip("#").strip()))
    return " ".join(_FAQ_QUESTION_LABEL_RE.sub("", text).split())


# --- sites --------------------------------------------------------------------------------------
def site_groups(documents: Sequence[SourceDocument]) -> list[list[int]]:
    """Documents of one site: the same publisher in the manifest, or the same two opening lines."""
    parent = list(range(len(documents)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_seen: dict[str, int] = {}
    for i, doc in enumerate(documents):
        keys = []
        if doc.info.publisher:
            keys.append("publisher:" + _norm_line(doc.info.publisher))
        opening = [_norm_line(line.text) for line in _lines(_view(doc))[:2]]
        if len(opening) == 2:
            keys.append("opening:" + "\n".join(opening))
        for key in keys:
            if key in first_seen:
                parent[root(i)] = root(first_seen[key])
            else:
                first_seen[key] = i
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(documents)):
        groups[root(i)].append(i)
    return list(groups.values())


def site_boilerplate(documents: Sequence[SourceDocument], settings: Settings) -> dict[str, frozenset[str]]:
    """For each document, the lines (as :func:`_repeat_key`) that recur across the pages of its site.

    A line shared by two unrelated documents says nothing; a line on most pages of one site is that
    site's template (menus, footers, banners). How such a line is treated depends on its shape and
    position (see :func:`_mark_boilerplate`): repetition alone never removes a sentence or list item.
    """
    result: dict[str, frozenset[str]] = {}
    for group in site_groups(documents):
        if len(group) < 2:
            continue
        counts: Counter[str] = Counter()
        for i in group:
            counts.update({_repeat_key(line.text) for line in _lines(_view(documents[i]))})
        need = max(2, math.ceil(settings.ingest_site_repeat_share * len(group)))
        repeated = frozenset(key for key, n in counts.items() if n >= need)
        for i in group:
            result[documents[i].source_id] = repeated
    return result


# --- chrome -------------------------------------------------------------------------------------
_PAGE_NUMBER_RE = re.compile(r"\bpage\s+\d+(?:\s*(?:of|/)\s*\d+)?\b|^\d+$")


def _mark_running_lines(lines: list[_Line], text: str, settings: Settings) -> None:
    """A printed document's running header and footer: on a text converted from PDF, whose pages are split by
    form feeds, the lines at the top and bottom of a page that recur at the top or bottom of other pages, page
    numbers aside ("Patient leaflet – Page 2 of 4", "Ref: ONC-0421 v3"). They are furniture, never a heading
    of the text that runs under them from page to page."""
    breaks = [m.end() for m in re.finditer("\f", text)]
    if not breaks:
        return
    pages: list[list[_Line]] = [[] for _ in range(len(breaks) + 1)]
    for line in lines:
        pages[bisect.bisect_right(breaks, line.start)].append(line)
    reach = settings.ingest_running_line_reach
    edges = [[*page[:reach], *page[-reach:]] for page in pages]

    def key(line: _Line) -> str:
        # (Page numbers aside, the same text: "Cycle 1", "Cycle 2" heading their pages are no running header.)
        return _PAGE_NUMBER_RE.sub("page #", _norm_line(line.text))

    pages_of: dict[str, set[int]] = {}
    for number, edge in enumerate(edges):
        for line in edge:
            pages_of.setdefault(key(line), set()).add(number)
    for edge in edges:
        for line in edge:
            if len(pages_of[key(line)]) >= 2:
                line.kind = "chrome"


def _mark_callout_rail(lines: list[_Line]) -> None:
    """Drop a trailing rail of promotional cards: shallow bullets each followed by one short paragraph.

    On captured pages these are the marketing call-outs after the article.
    """
    body_indent = Counter(ln.indent for ln in lines if not BULLET_RE.match(ln.text)).most_common(1)
    if not body_indent:
        return
    indent = body_indent[0][0]
    cards: list[list[_Line]] = []
    i = len(lines) - 1
    while i >= 1:
        head, body = lines[i - 1], lines[i]
        is_card = BULLET_RE.match(head.text) and head.indent < indent and not BULLET_RE.match(body.text)
        if not is_card or len(body.text.split()) > 60:
            break
        cards.append([head, body])
        i -= 2
    if len(cards) >= 2:
        for card in cards:
            for line in card:
                line.kind = "chrome"


def _mark_shapes(
    lines: list[_Line], settings: Settings, metadata: dict[str, object], wide_gaps: bool, one_per_line: bool = False
) -> None:
    """Chrome told by the shape of a line: known interface lines, rails, calls to action, captions,
    copyright paragraphs, interface sections; keyword and PMID lines become metadata."""
    label_words = settings.ingest_label_max_words
    no_blank_lines = not any(line.blank_before for line in lines[1:])
    legal = False
    interface_section = False
    for i, line in enumerate(lines):
        text, norm = line.text, _norm_line(line.text)
        if line.blank_before:
            legal = False
        if m := KEYWORDS_RE.match(text):
            words = m.group("words")
            separator = ";" if ";" in words else "·" if "·" in words else ","
            metadata["keywords"] = [w.strip(" .") for w in words.split(separator) if w.strip(" .")]
            line.kind = "meta"
            continue
        if (m := PMID_RE.match(text)) and len(text.split()) <= label_words + 2:
            metadata["pmid"] = m.group("pmid")
            line.kind = "meta"
            continue
        if _names_furniture_section(text):
            # (An entry of the page's own navigation list, "Similar articles" straight above or below "References",
            # is a link among links, which opens no section of furniture; the section itself stands among content.)
            line.kind, interface_section = "chrome", not _among_section_links(lines, i)
            if norm == "publication types" and interface_section:
                following = [ln.text for ln in lines[i + 1 : i + 3] if ln.blank_before == 0]
                if following and _is_label(following[0], label_words):
                    metadata.setdefault("publication_type", following[0])
            continue
        if interface_section:
            next_is_blank = i + 1 == len(lines) or lines[i + 1].blank_before > 0
            heading_like = _looks_like_heading(text, settings.ingest_heading_max_words) and next_is_blank
            # (A text saved without blank lines, one element per line, marks no section's end: there, a heading with
            # a paragraph of prose straight under it opens the page's content again, as no list of links has one.)
            prose_under = (
                (no_blank_lines or one_per_line)
                and i + 1 < len(lines)
                and _looks_like_heading(text, settings.ingest_heading_max_words)
                and _is_sentence(lines[i + 1].text)
                and len(lines[i + 1].text.split()) > settings.ingest_heading_max_words
            )
            if prose_under or (
                heading_like and line.blank_before and not BULLET_RE.match(text) and not CAPTION_RE.match(text)
            ):
                interface_section = False
            else:
                line.kind = "chrome"
                continue
        if any(p.search(text) for p in CHROME_LINE_PATTERNS):
            line.kind = "chrome"
        elif IMAGE_CONTROL_RE.match(text):
            line.kind = "chrome"
            under = lines[i + 1] if i + 1 < len(lines) else None
            if under is not None and under.blank_before == 0 and len(under.text.split()) <= IMAGE_CAPTION_MAX_WORDS:
                under.kind = "chrome"
        elif LEGAL_RE.match(text) or BOILERPLATE_RE.search(text) or legal:
            line.kind, legal = "chrome", True
        elif CAPTION_RE.match(text):
            line.kind, line.caption = "chrome", True
        elif (BULLET_RE.match(text) and REFERENCE_RE.search(text)) or WIKI_REFERENCE_RE.match(text):
            line.kind = "chrome"  # an item of a reference list ("1. Choi J, et al. ... 2019;54:100-5.")
        elif BULLET_RE.match(text) or BREADCRUMB_RE.match(text):
            continue
        elif _is_call_to_action(text, label_words):
            line.kind, line.call_to_action = "chrome", True
        elif _is_rail(text, label_words, wide_gaps):
            line.kind = "chrome"
    # The title of a link just above its "Continue reading…" ("From our blog: …") is link text too.
    for before, line in itertools.pairwise(lines):
        linked = line.call_to_action and line.blank_before == 0 and before.kind == "text"
        if linked and not TERMINAL_RE.search(before.text) and not BULLET_RE.match(before.text):
            before.kind = "chrome"
    _mark_tables(lines, from_markup=not wide_gaps, label_words=label_words)
    _mark_unmarked_lists(lines, settings, one_per_line)
    _mark_label_runs(lines, settings)


# "Related summaries:", "Related resources": a site's label for its links to its other pages, whatever it calls them.
_RELATED_LABEL_RE = re.compile(r"related( [a-z]+){1,2}")


def _names_furniture_section(text: str) -> bool:
    """Whether a line is the label of a section of furniture ("Similar articles", "References[edit]", a Markdown
    "## Related pages", "Related summaries:")."""
    label = _EDIT_LINK_RE.sub("", _norm_line(text.lstrip("#"))).rstrip(":").strip()
    return label in CHROME_SECTIONS or bool(_RELATED_LABEL_RE.fullmatch(label))


def _among_section_links(lines: list[_Line], i: int) -> bool:
    """Whether line ``i``, a furniture section's label, sits straight beside another such label: an entry of the
    page's navigation list ("Similar articles" / "References" / "MeSH terms"), not the section it links to."""
    before = lines[i].blank_before == 0 and i > 0 and _names_furniture_section(lines[i - 1].text)
    after = i + 1 < len(lines) and lines[i + 1].blank_before == 0 and _names_furniture_section(lines[i + 1].text)
    return before or after


def _mark_contents(lines: list[_Line]) -> None:
    """A page's own table of contents: a list whose items are, every one and in order, headings further down the
    page ("On this page" / "• Symptoms" / "• Treatment"). Its items are links, not content, and so is a label
    above it (not a question heading, nor a list led by a sentence: "The main signs are:" lists content)."""

    def key(text: str) -> str:
        return normalise(BULLET_RE.sub("", text))

    i = 0
    while i < len(lines):
        if lines[i].kind != "bullet":
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j].kind == "bullet":
            j += 1
        items = [key(line.text) for line in lines[i:j]]
        later = [key(line.text) for line in lines[j:] if line.kind == "heading"]
        above = lines[i - 1] if i else None
        led = above is not None and above.text.endswith(":")
        if len(items) >= 2 and not led and _in_order(items, later):
            for line in lines[i:j]:
                line.kind = "chrome"
            if above is not None and above.kind == "heading" and not above.text.endswith("?"):
                above.kind = "chrome"
        i = j


def _in_order(items: list[str], headings: list[str]) -> bool:
    """Whether every item is one of ``headings``, in their order."""
    at = 0
    for item in items:
        try:
            at = headings.index(item, at) + 1
        except ValueError:
            return False
    return True


def _table_cells(line: _Line) -> list[str]:
    """A row's cells: split at tabs, or at the pipes of a Markdown table ("| Localized | 76% |"); a printed row's
    as its columns gave them."""
    if line.cells is not None:
        return line.cells
    text = line.text
    if "\t" in text:
        return [c.strip() for c in text.split("\t") if c.strip()]
    if text.startswith("|") and text.endswith("|"):
        return [c.strip() for c in text.strip("|").split("|")]
    return []


_MARKDOWN_RULE_ROW = re.compile(r"\|[\s:|-]*-[\s:|-]*")  # "|---|:--:|" under a Markdown table's header


def _mark_tables(lines: list[_Line], from_markup: bool = False, label_words: int = 0) -> None:
    """A table captured as text: a header row, then rows with the same number of cells (tab- or
    pipe-separated) and figures in them ("Localized<TAB>76%"), at most one blank line apart (in HTML, any
    rows of a table as wide as its header, ``from_markup``). Its rows are
    content, a list under the header, never a run of menu labels. A Markdown rule row ("|---|---|")
    is furniture."""
    i = 0
    while i < len(lines):
        if lines[i].card_field:  # (fields read already: see _join_printed_rows)
            i += 1
            continue
        header = len(_table_cells(lines[i]))
        if header < 2:  # (a line of one cell heads no table: no need to read on, which made a long page quadratic)
            i += 1
            continue
        width = len(_table_cells(lines[i + 1])) if i + 1 < len(lines) else 0
        # A header row may leave its corner cell empty, over a column of row labels: one cell fewer.
        if width not in (header, header + 1):
            width = header
        j = i + 1
        # (HTML leaves blank lines between a <thead> and its <tbody>, one between rows at most.)
        while j < len(lines) and lines[j].blank_before <= (3 if j == i + 1 else 1):
            cells = _table_cells(lines[j])
            if len(cells) != width:
                break
            j += 1
        rows = [ln for ln in lines[i + 1 : j] if not _MARKDOWN_RULE_ROW.fullmatch(ln.text)]
        with_figures = sum(1 for ln in rows if any(ch.isdigit() for ch in ln.text))
        # Rows of figures, or a grid comparing things under a header with an empty corner over its row labels
        # (a label and two or more values a row): never a menu, whose header row has no such corner.
        grid = width >= 3 and width == header + 1
        # ... or, in HTML, rows of a <table> as wide as their header: the markup says it is one, and a menu
        # is a list of links, not a table of sentences (text captures lose that: there figures or a corner tell).
        # (A cell says more than a label does: a table of links, "Our doctors | Research", is a menu.)
        # A Markdown table says so too: its header is underlined by a rule row ("|---|---|").
        ruled = i + 1 < len(lines) and bool(_MARKDOWN_RULE_ROW.fullmatch(lines[i + 1].text))
        marked = (
            (from_markup or ruled)
            and width == header
            and any(len(cell.split()) > label_words for row in rows for cell in _table_cells(row))
        )
        if header >= 2 and len(rows) >= 2 and (with_figures * 2 >= len(rows) or grid or marked):
            lines[i].table_header = True
            # (A header's short cells read like a menu's labels, "Phase | How long", yet it heads the rows.)
            lines[i].kind = "text"
            for line in lines[i + 1 : j]:
                line.kind = "bullet" if line in rows else "chrome"
            i = j
        else:
            i += 1


def _mark_unmarked_lists(lines: list[_Line], settings: Settings, one_per_line: bool = False) -> None:
    """List items captured without their bullets: two or more lines straight after a lead sentence
    ending in ':' (one blank line allowed), with no blank line between them, each starting like an item
    (a capital or a digit) and none ending on a word that needs more (which would make them one wrapped
    paragraph). "Signs include:" / "A white color in the pupil" / "Eye redness" / "Eye swelling". On a page
    captured one element per line, where no line is a wrapped one, an item may open in lower case too."""
    i = 0
    while i < len(lines):
        lead = lines[i]
        i += 1
        if lead.kind != "text" or not lead.text.endswith(":") or len(lead.text.split()) < 3:
            continue
        run: list[_Line] = []
        for line in lines[i:]:
            if line.kind != "text" or (run and line.blank_before) or (not run and line.blank_before > 1):
                break
            words = line.text.split()
            wrapped = words[-1].lower() in CONTINUATION_WORDS or line.text.endswith(":")
            first = line.text[:1]
            opens_like_item = first.isupper() or first.isdigit() or (one_per_line and first.islower())
            if BULLET_RE.match(line.text) or not opens_like_item or wrapped:
                break
            if len(words) > settings.ingest_heading_max_words * 3:
                break
            run.append(line)
        if len(run) >= 2:
            for line in run:
                line.kind = "bullet"
            i += len(run)


_CARD_FIELD_RE = re.compile(r"^[A-Z][\w()/.-]*(?: [\w()/.-]+){0,3}\s*:\s+(?!.*\s[|›>]\s)\S.{0,79}$")


def _mark_label_runs(lines: list[_Line], settings: Settings) -> None:
    """Runs of short label lines with no blank line between them are link lists (menus, "Related
    conditions", "On this page"), unless a lead sentence ending in ':' introduces them: then a list."""

    def member(k: int) -> bool:
        line = lines[k]
        if BULLET_RE.match(line.text) or line.kind == "meta":
            return False
        # (Not a line a sentence wraps on from, in lower case: "A zentaroma, also called a" / "glandular
        # mole, ..." is a narrow printed column's prose, whose short lines look like labels.)
        label = _is_label(line.text, settings.ingest_label_max_words) and not _opens_wrapped_sentence(lines, k)
        return line.kind == "chrome" or (line.kind == "text" and label)

    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and member(j) and (j == i or lines[j].blank_before == 0):
            j += 1
        run = [ln for ln in lines[i:j] if ln.kind == "text"]
        if j - i >= settings.ingest_label_run_min_lines and run:
            before = lines[i - 1] if i else None
            led = (
                before is not None
                and before.kind == "text"
                and lines[i].blank_before <= 1
                and before.text.endswith(":")
                and len(before.text.split()) >= 3
            )
            # A reference card's fields ("Prevalence: 1-9 / 1 000 000", "ICD-10: D48.1", "Age of onset: Adult") give
            # facts, each a claim of its own, where a menu's labels give links ("Language: English | Francais").
            fields = [line for line in run if _CARD_FIELD_RE.match(line.text)]
            card = not led and len(fields) >= settings.ingest_label_run_min_lines
            for line in run:
                line.card_field = card and line in fields
                line.kind = "bullet" if led or line.card_field else "chrome"
        i = max(j, i + 1)


def _in_led_list(lines: list[_Line], i: int) -> bool:
    """Whether bullet line ``i`` belongs to a list introduced by a lead sentence ending in ':'."""
    k = i
    while k > 0 and BULLET_RE.match(lines[k].text) and lines[k].blank_before <= 1:
        k -= 1
    return not BULLET_RE.match(lines[k].text) and lines[k].text.endswith(":")


def _next_content(lines: list[_Line], i: int) -> _Line | None:
    return next((ln for ln in lines[i + 1 :] if ln.kind in ("text", "bullet", "heading")), None)


def _has_content_under(lines: list[_Line], i: int, settings: Settings) -> bool:
    """A heading-shaped line keeps its place only if prose or a list follows it, not another heading."""
    following = _next_content(lines, i)
    return following is not None and not _looks_like_heading(following.text, settings.ingest_heading_max_words)


def _title_line(lines: list[_Line], title: str, settings: Settings) -> int | None:
    """Index of the line that shows the manifest's title, if no question heading comes before it."""
    wanted = _norm_line(title).rstrip(".")
    for i, line in enumerate(lines):
        if line.kind != "text":
            continue
        if _norm_line(_heading_text(line)).rstrip(".") == wanted:
            return i
        if line.text.endswith("?") and _looks_like_heading(line.text, settings.ingest_heading_max_words):
            return None
    return None


def _mark_position(lines: list[_Line], title: str, body_from: int, settings: Settings) -> None:
    """Chrome by position: everything above the page's title; in the lead-in (before the first
    content line) and the tail (after the last one), site boilerplate and label-shaped lines.

    A boilerplate *sentence* there is chrome only when page furniture (a chrome line) separates it
    from the content: a site's closing template prose right under the content (the same closing
    paragraph on every condition page) stays, its "Reviewed by ... 2023." under the footer links goes.
    """
    title_at = _title_line(lines, title, settings) if body_from == 0 else None
    start = body_from
    # The title shown near the top: a page whose only matching line is far down (a related-links
    # list) keeps everything above it.
    if title_at is not None and title_at <= len(lines) // 2:
        for line in lines[:title_at]:
            if line.kind == "text":
                line.kind = "chrome"
        start = title_at + 1
    order = list(range(start, len(lines)))
    _mark_edge(lines, order, settings)  # the lead-in, walked down from the top
    _mark_edge(lines, order[::-1], settings, tail=True)  # the tail, walked up from the end


def _mark_edge(lines: list[_Line], walk: list[int], settings: Settings, tail: bool = False) -> None:
    """Walk from an edge of the page toward its content; mark the furniture met before the content."""
    max_words = settings.ingest_heading_max_words

    def edge_shaped(i: int) -> bool | None:
        """Whether a line looks like the page's furniture (None: a list item, which is content)."""
        line = lines[i]
        if line.kind == "bullet" or (BULLET_RE.match(line.text) and _in_led_list(lines, i)):
            return None
        furniture = line.kind != "text" or BREADCRUMB_RE.match(line.text) or line.boilerplate
        # (A lower-case line straight under a line of text goes on with it: "... ask for the on-call" / "radiology
        # registrar" is no label.)
        above = lines[i - 1] if i > 0 else None
        goes_on = _goes_on(line) and above is not None and above.kind == "text"
        # (... nor one a sentence wraps on from: "A zentaroma, also called a" / "glandular mole, ...".)
        wrapped = goes_on or _opens_wrapped_sentence(lines, i)
        label = _is_label(line.text, settings.ingest_label_max_words) and not wrapped
        question = line.text.endswith("?") and _looks_like_heading(line.text, max_words)
        return bool(furniture or label or question)

    region: list[int] = []
    island_run = settings.ingest_edge_island_min_lines
    for n, i in enumerate(walk):
        shaped = edge_shaped(i)
        if shaped is None:
            break  # a list item is content
        if not shaped:
            # A lone line of prose in a page's footer, with page furniture both below it and straight above
            # it ("Advertisement" / "X does not endorse companies or products." / "Policy" / "Ad Choices"), is
            # furniture too. (Not under a heading or label, which may introduce a last paragraph of content;
            # nor a line giving a number to call, which is how a family reaches the team.)
            ahead = walk[n + 1 : n + 1 + island_run]
            contact = bool(CONTACT_RE.search(lines[i].text)) or _is_contact_line(
                lines[i].text, settings.ingest_label_max_words
            )
            if (
                tail
                and region
                and not contact
                and len(ahead) == island_run
                and all(lines[j].kind not in ("text", "bullet") for j in ahead)  # (a list's items are content)
            ):
                lines[i].kind = "chrome"
                region.append(i)
                continue
            break
        region.append(i)
    separated = False  # whether chrome lies between the line and the content
    for i in reversed(region):
        line = lines[i]
        if line.kind == "chrome":
            separated = True
        elif line.kind != "text" or BREADCRUMB_RE.match(line.text):
            continue
        else:
            template = line.boilerplate and (separated or not _is_sentence(line.text))
            bare_label = (
                _is_label(line.text, settings.ingest_label_max_words)
                and not _opens_wrapped_sentence(lines, i)
                and not _has_content_under(lines, i, settings)
            )
            if template or bare_label:
                line.kind, separated = "chrome", True


def _mark_boilerplate(lines: list[_Line], settings: Settings) -> None:
    """Site boilerplate inside the page: a short non-sentence line repeated across the site is chrome,
    unless it heads content of its own ("Care at X" over a paragraph) or is an item of a led list."""
    for i, line in enumerate(lines):
        if line.kind != "text" or not line.boilerplate or _is_sentence(line.text):
            continue
        if BULLET_RE.match(line.text):
            if not _in_led_list(lines, i):
                line.kind = "chrome"
        elif not _has_content_under(lines, i, settings):
            line.kind = "chrome"


# --- scholarly front matter ---------------------------------------------------------------------
ET_AL_END_RE = re.compile(r",?\s+et al\.?\s*$")


def _person_name(part: str) -> str | None:
    """A personal name as written in an author list ("Astrid Lindqvist", "Brennecke AL"), or None."""
    tokens = part.split()
    if not 2 <= len(tokens) <= 4:
        return None
    for token in tokens:
        if token.lower() in NAME_PARTICLES or INITIALS_RE.match(token):
            continue
        if not (NAME_WORD_RE.match(token) and token[0].isupper()):
            return None
    if not any(NAME_WORD_RE.match(t) and any(c.islower() for c in t) for t in tokens):
        return None
    return " ".join(tokens)


def _author_names(text: str) -> list[str]:
    """Names of an author-list line ("A Smith(1), B Jones(2)" or "Smith AL, Jones B.", perhaps cut short with a
    closing "et al."), else []. (A citation, "Smith J, et al. Title. Journal. 2018", goes on after its "et al".)"""
    text = ET_AL_END_RE.sub("", text)
    if ":" in text or " et al" in text:
        return []
    # PubMed ends a comma-separated list with its collective author after a semicolon ("A Smith 1, B Jones 2;
    # ZEN-DUAL Study Group"): a group, not a person the document is known by.
    people, semicolon, _group = text.rpartition(";")
    if semicolon and "," in people and ";" not in people:
        text = people.rstrip()
    parts = [p for p in AUTHOR_SPLIT_RE.split(text.rstrip(".")) if p.strip()]
    marked = any(AUTHOR_MARKER_RE.search(p) for p in parts)
    names = [_person_name(AUTHOR_MARKER_RE.sub("", p).strip()) for p in parts]
    if not names or None in names or not (len(names) >= 3 or (len(names) >= 2 and marked)):
        return []
    return [n for n in names if n]


def _display_name(name: str) -> tuple[str, str]:
    """(name in given-name-first order, surname): "Smith AL" -> ("A. L. Smith", "Smith")."""
    tokens = name.split()
    if len(tokens) >= 2 and INITIALS_RE.match(tokens[-1]) and not INITIALS_RE.match(tokens[0]):
        initials = " ".join(f"{c}." for c in tokens[-1] if c.isalpha())
        surname = " ".join(tokens[:-1])
        return f"{initials} {surname}", surname
    surname = " ".join(t for t in tokens[1:] if t.lower() in NAME_PARTICLES) + " " + tokens[-1]
    return name, surname.strip()


def _scholarly_front_matter(
    lines: list[_Line], doc: SourceDocument, settings: Settings
) -> tuple[int, dict[str, object]]:
    """For a journal abstract page, parse the lines before "Abstract" into bibliographic fields.

    A page is scholarly when it has an "Abstract" heading and bibliographic signals before it (a
    DOI, PMID, citation line or author list) or its manifest entry names a journal or DOI. The lines
    before the abstract are then all front matter: never text to quote. Returns the index of the
    "Abstract" line (-1 when the page is not an abstract page) and the fields.
    """
    # The "Abstract" heading with prose under it (not an "Abstract" tab in a row of tabs).
    abstract_at = next(
        (
            i
            for i, ln in enumerate(lines[:-1])
            if _norm_line(ln.text).rstrip(":") == "abstract"
            and (
                not _is_label(lines[i + 1].text, settings.ingest_label_max_words)
                # ... or its first part's label on a line of its own ("Background", then the prose)
                or _is_part_label(lines, i + 1, settings)
            )
        ),
        -1,
    )
    if abstract_at < 0:
        return -1, {}
    front = lines[:abstract_at]
    signals = any(
        DOI_RE.search(ln.text) or PMID_RE.search(ln.text) or CITATION_RE.match(ln.text) or ISSUE_RE.match(ln.text)
        for ln in front
    ) or any(_author_names(ln.text) for ln in front)
    if not (signals or doc.info.journal or doc.info.doi):
        return -1, {}
    meta: dict[str, object] = {}
    leftovers: list[_Line] = []
    for ln in front:
        text = ln.text
        known = False
        if m := DOI_RE.search(text):
            meta.setdefault("doi", m.group("doi"))
            known = True
        if m := PMID_RE.search(text):
            meta.setdefault("pmid", m.group("pmid"))
            known = True
        if m := CITATION_RE.match(text):
            meta.setdefault("first_author", " ".join(m.group("author").split()).rstrip(","))
            meta.setdefault("journal", m.group("journal").strip())
            meta.setdefault("year", int(m.group("year")))
            known = True
        elif m := ISSUE_RE.match(text):
            meta.setdefault("year", int(m.group("year")))
            meta.setdefault("issue", m.group("issue").strip())
            if m.group("journal"):
                meta.setdefault("journal", m.group("journal").strip())
            known = True
        if known or ln.kind == "meta":
            continue
        if names := _author_names(text):
            meta.setdefault("authors", names)
        elif not AFFILIATION_MARK_RE.match(text) and _norm_line(text) not in FRONT_MATTER_LABELS:
            leftovers.append(ln)
    if "first_author" not in meta and isinstance(authors := meta.get("authors"), list):
        meta["first_author"] = _display_name(authors[0])[0]
    if isinstance(first := meta.get("first_author"), str):
        meta["first_author"], meta["first_author_surname"] = _display_name(first)
    counts = Counter(_norm_line(ln.text) for ln in leftovers)
    wanted = _norm_line(doc.info.title).rstrip(".")
    titled = [ln.text for ln in leftovers if _norm_line(ln.text).rstrip(".") == wanted]
    titles = titled or [
        ln.text
        for ln in leftovers
        if len(ln.text.split()) > 3 and not _is_rail(ln.text, settings.ingest_label_max_words)
    ]
    if titles:
        meta["title"] = max(titles, key=lambda t: (counts[_norm_line(t)], len(t))).rstrip(".")
    # PubMed shows the publication type ("Review", "Case Reports") twice above the title.
    types = [ln.text for ln in leftovers if len(ln.text.split()) <= 3 and counts[_norm_line(ln.text)] >= 2]
    if types:
        meta["publication_type"] = types[0]
    for field_name in ("journal", "year", "doi"):
        if field_name not in meta and getattr(doc.info, field_name):
            meta[field_name] = getattr(doc.info, field_name)
    for ln in front:
        ln.kind = "meta"
    return abstract_at, meta


# --- structure ----------------------------------------------------------------------------------
def _classify(lines: list[_Line], settings: Settings, indents: bool) -> None:
    """Tell headings, breadcrumbs and bullets apart among the content lines.

    ``indents`` says whether indentation is the page's own (a text capture) rather than left by
    masked markup (HTML), where it says nothing.
    """
    max_words = settings.ingest_heading_max_words
    content = [ln for ln in lines if ln.kind in ("text", "bullet")]
    position = {id(ln): i for i, ln in enumerate(lines)}
    # Every occurrence counts, the ones already dropped as furniture too: a line repeated down the page
    # ("Advertisement" between sections) is page furniture wherever it stands.
    occurrences = Counter(_norm_line(ln.text) for ln in lines if ln.kind in ("text", "chrome"))
    for i, line in enumerate(content):
        if line.kind != "text" or line.table_header:
            continue  # a bullet, a table's header row, or a line this loop has already classified
        norm = _norm_line(line.text)
        nxt = content[i + 1] if i + 1 < len(content) else None
        is_bullet = bool(BULLET_RE.match(line.text))
        repeated = occurrences[norm] > 1 and len(line.text.split()) <= max_words and not is_bullet
        if repeated and not _has_content_under(lines, position[id(line)], settings):
            line.kind = "chrome"  # a repeated short line within a page (tabs, repeated titles, ad slots)
            continue
        if run := _heading_run(lines, position[id(line)], settings):
            # A group label and a question heading set directly above their prose, with no blank lines
            # ("Symptoms and Causes" / "What are the symptoms of X?" / "Symptoms depend on ...").
            *groups, last = run
            for k in groups:
                lines[k].kind = "group"
            lines[last].kind = "heading"
            continue
        if line.text.startswith("#"):
            line.kind = "heading"
        elif BREADCRUMB_RE.match(line.text):
            line.kind = "breadcrumb"
        elif is_bullet:
            # A bullet shallower than the text under it is a tab label or page title, not an item.
            bare = BULLET_RE.sub("", line.text)
            shallow = indents and nxt is not None and not BULLET_RE.match(nxt.text) and nxt.indent > line.indent
            # A FAQ's toggle ("+ What causes X?") or a numbered question ("2. How is X treated?") with its answer
            # in prose under it, not among other items: the heading of that answer.
            previous = content[i - 1] if i else None
            over_prose = (
                nxt is not None
                and not BULLET_RE.match(nxt.text)
                and not _looks_like_heading(nxt.text, max_words)
                and (previous is None or not BULLET_RE.match(previous.text))
            )
            toggle = _asks(bare, max_words) and over_prose
            # ... or a numbered section title with prose under it ("1. General Information About X" / blank /
            # "X is a cancer that ..."), not one item of a numbered list.
            numbered_title = (
                over_prose
                and nxt is not None
                and nxt.blank_before > 0
                and bool(re.match(r"\d{1,2}\.\s", line.text))
                and _looks_like_heading(bare, max_words)
                and _title_shaped(bare)
                and not bare.endswith("?")
            )
            heading = (shallow and _looks_like_heading(bare, max_words)) or toggle or numbered_title
            line.kind = "heading" if heading else "bullet"
        elif (
            _looks_like_heading(line.text, max_words)
            and (nxt is None or nxt.blank_before > 0)
            # (not the last line of a wrapped paragraph: "... ask for the on-call" / "radiology registrar")
            and not _goes_on(line)
        ):
            line.kind = "heading" if nxt is not None else "chrome"
        elif (
            _looks_like_heading(line.text, max_words)
            and _title_shaped(line.text)
            and line.blank_before > 0
            and nxt is not None
            and nxt.kind == "text"
            and nxt.text[:1].isupper()
            and (
                not _looks_like_heading(nxt.text, max_words)
                # (over a wrapped paragraph, a heading asks or labels: "Your child will be seen by a surgeon at
                # Seaview" / "Children's Hospital in the hand" / "clinic." is one sentence wrapped)
                or (
                    _wraps_on(content, i + 1)
                    and (line.text.endswith("?") or _is_label(line.text, settings.ingest_label_max_words))
                )
                or bool(LABELLED_NUMBER_RE.search(nxt.text))  # "Contact numbers" / "Bookings: 01632 960422"
                or nxt.table_header  # "How the two compare" over a table's header row
            )
        ):
            # A sub-heading set directly above its paragraph ("Surgery" / "Surgery removes ..."), the paragraph's
            # first line perhaps short of a sentence's end because the capture wraps its lines.
            line.kind = "heading"
        elif (
            _is_label(line.text, settings.ingest_label_max_words)
            and _title_shaped(line.text)
            and line.blank_before > 0
            and nxt is not None
            and nxt.blank_before == 0
            and BULLET_RE.match(nxt.text)
        ):
            # ... or directly above its list ("Chemotherapy" / "• Chemotherapy is given through a port."): a label
            # set apart from the text above, with no colon to lead the items as a sentence does.
            line.kind = "heading"


def _wraps_on(content: list[_Line], k: int) -> bool:
    """Whether content line ``k`` is a wrapped paragraph's first line: the next goes straight on, in lower case."""
    following = content[k + 1] if k + 1 < len(content) else None
    return (
        following is not None
        and following.kind == "text"
        and _goes_on(following)
        and not TERMINAL_RE.search(content[k].text)
    )


def _opens_wrapped_sentence(lines: list[_Line], k: int) -> bool:
    """Whether line ``k`` opens prose wrapped at a narrow width: the next line goes straight on in lower case, and a
    sentence ends before the next blank line ("A zentaroma, also called a" / "glandular mole, is ..." / ...
    "cannot survive."). A title wrapped over two lines ("Zentaroma: treatment with" / "radiofrequency ablation")
    ends no sentence."""
    if not _wraps_on(lines, k):
        return False
    for line in lines[k + 1 :]:
        if line.blank_before or line.kind != "text":
            return False
        if TERMINAL_RE.search(line.text):
            return True
    return False


def _goes_on(line: _Line) -> bool:
    """Whether a line goes on with the one above it, as a wrapped line does: no blank line, a lower-case start."""
    return line.blank_before == 0 and line.text[:1].islower()


def _in_capitals(text: str, min_letters: int = 0) -> bool:
    """A line whose letters, at least ``min_letters`` of them, are all capitals ("SIDE EFFECTS", "WHAT IS X?")."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= min_letters and all(c.isupper() for c in letters)


def _heading_run(lines: list[_Line], i: int, settings: Settings) -> list[int]:
    """Indices of a question heading set straight above its prose, and of the group labels right above it.

    The run starts a block (after a blank line or dropped furniture); every line of it is heading-shaped;
    the labels are title-shaped, the last line asks a question; the line after it is prose. Empty when
    line ``i`` does not start such a run.
    """
    max_words = settings.ingest_heading_max_words
    starts_block = i == 0 or lines[i].blank_before > 0 or lines[i - 1].kind in ("chrome", "meta", "heading")
    if not starts_block:
        return []
    run = [i]
    while True:
        text = lines[run[-1]].text
        if not _looks_like_heading(text, max_words) or BULLET_RE.match(text):
            return []
        # A question, or a label in capitals ("SIDE EFFECTS"): no prose line is written all in capitals.
        if text.endswith("?") or _in_capitals(text, min_letters=4):
            break
        title_case = all(word[:1].isupper() for word in text.split())  # "Living With" ends on "with"
        if not (_title_shaped(text) or title_case) or not _is_label(text, settings.ingest_label_max_words):
            return []
        following = run[-1] + 1
        if following >= len(lines) or lines[following].blank_before or lines[following].kind != "text":
            return []
        run.append(following)
    after = run[-1] + 1
    if after >= len(lines) or lines[after].blank_before > 1 or lines[after].kind != "text":
        return []
    prose = lines[after].text
    # (A short line of prose wrapped at a page's width is no heading: it ends a sentence inside it, or stops
    # on a word that needs more, "... starts in the liver. It is the".)
    wrapped = bool(re.search(r"[.!?]\s+[A-Z]", prose)) or prose.split()[-1].lower() in CONTINUATION_WORDS
    # (Under a heading in capitals, any line in ordinary case is its text.)
    under_capitals = _in_capitals(lines[run[-1]].text) and not prose.isupper()
    looks_like_prose = wrapped or under_capitals or not _looks_like_heading(prose, max_words)
    if not looks_like_prose or not prose[:1].isupper() or BULLET_RE.match(prose):
        return []
    return run


def site_names(publisher: str | None) -> list[str]:
    """The publisher's leading name ("Northfield" of "Northfield Children's Hospital"), for headings
    that advertise the site itself ("Why choose Northfield?")."""
    if not publisher:
        return []
    first = re.split(r"[\s/]+", publisher.strip())[0]
    return [first] if len(first) >= 4 else []


def names_site(text: str, names: list[str]) -> bool:
    """Whether a heading or sentence names the site it was published on."""
    return any(re.search(rf"\b{re.escape(n)}\b", text) for n in names)


def parse_document(
    doc: SourceDocument, boilerplate: frozenset[str] = frozenset(), settings: Settings | None = None
) -> ParsedDocument:
    """Clean and structure one document. ``boilerplate`` comes from :func:`site_boilerplate`."""
    settings = settings or Settings()
    view = _view(doc)
    lines = _lines(view, view.layout if isinstance(view, ColumnText) else None)
    if not doc.is_html:
        # (A page's running lines first, which no row or item goes on into; then rows, whose continuation lines no
        # numbered heading above them takes for its own.)
        _mark_running_lines(lines, view, settings)
        if not doc.is_markdown:
            lines = _join_printed_rows(lines, settings)
        lines = _join_wrapped_items(lines)
    one_per_line = _separate_elements(lines, settings, doc.info.title)
    for line in lines:
        line.boilerplate = _repeat_key(line.text) in boilerplate
    metadata: dict[str, object] = {}
    if not doc.is_html:
        _mark_callout_rail(lines)
    _mark_shapes(lines, settings, metadata, wide_gaps=not doc.is_html, one_per_line=one_per_line)
    abstract_at, front = _scholarly_front_matter(lines, doc, settings)
    metadata.update(front)
    if names := _listed_names(lines, settings.ingest_label_max_words):
        metadata["other_names"] = names
    _mark_position(lines, doc.info.title, abstract_at + 1, settings)
    _mark_boilerplate(lines, settings)
    _classify(lines, settings, indents=not doc.is_html)
    _mark_contents(lines)
    publisher_names = site_names(doc.info.publisher)

    def text_at(start: int, end: int) -> str:
        if doc.is_html:
            return html_span_text(doc.text[start:end])
        return markdown_span_text(view[start:end], doc.text[start:end]) if doc.is_markdown else view[start:end]

    sentences: list[Sentence] = []
    blocks: list[Block] = []
    sections: list[str] = []
    section: str | None = None
    major_section: str | None = None  # the last question-shaped heading: what a sub-heading sits under
    loose_heading: str | None = None  # the last heading set apart from its text by a blank line
    subsections: dict[str, list[str]] = {}
    context: str | None = None
    context_is_group = False  # the context is a group label of the page, not a breadcrumb
    paragraph: list[int] = []  # line indices
    bullets: list[int] = []
    in_abstract = False
    pending_label: str | None = None  # an abstract part's label on its own line, for the paragraph under it
    heading_count = 0  # numbers the headings, so that a block knows which heading it sits under
    heading_of: dict[int, str | None] = {0: None}
    block_heading: dict[int, int] = {}
    block_last_line: dict[int, int] = {}
    featured: set[int] = set()  # headings whose section carries an image caption (a story, a feature)

    def add_sentences(spans: Iterable[tuple[int, int]], block: int, role: str) -> list[int]:
        ids = []
        for start, end in spans:
            sentences.append(
                Sentence(len(sentences), doc.source_id, start, end, text_at(start, end), section, context, block, role)
            )
            ids.append(len(sentences) - 1)
        return ids

    def new_block(kind: str, first_line: int, last_line: int, lead_ids: list[int]) -> Block:
        block = Block(len(blocks), kind, section, context, lead_ids, lines[first_line].blank_before >= 2)
        block_heading[block.id] = heading_count
        block_last_line[block.id] = last_line
        return block

    def flush_paragraph() -> None:
        nonlocal context, pending_label
        if not paragraph:
            return
        start, end = lines[paragraph[0]].start, lines[paragraph[-1]].end
        part = ABSTRACT_PART_RE.match(view[start:end]) if in_abstract else None
        label: str | None = None
        if pending_label is not None:
            # The prose under a label on its own line (see the loop below), which set the context already.
            label, pending_label = pending_label, None
        elif part and not KEYWORDS_RE.match(view[start:end]):
            # "Purpose: ..." inside a structured abstract: the label is the sentence's context.
            label = part.group("label").strip().capitalize()
            context, start = label, start + part.end()
        if label is not None:
            parts = metadata.setdefault("abstract_parts", {})
            assert isinstance(parts, dict)
            parts[label] = " ".join(text_at(start, end).split())
        if label is None and (answer := _FAQ_ANSWER_LABEL_RE.match(view[start:end])):
            start += answer.end()  # a FAQ's "A:" before its answer is a label, not words of the answer
        block = new_block("paragraph", paragraph[0], paragraph[-1], [])
        block.labelled = not in_abstract and bool(INLINE_LABEL_RE.match(lines[paragraph[0]].text))
        block.sentence_ids = add_sentences(split_sentences(view[start:end], start), block.id, "sentence")
        blocks.append(block)
        paragraph.clear()

    def flush_list() -> None:
        if not bullets:
            return
        lead_ids: list[int] = []
        previous = blocks[-1] if blocks else None
        heads_table = previous is not None and lines[block_last_line[previous.id]].table_header
        introduces = previous is not None and (sentences[previous.sentence_ids[-1]].text.endswith(":") or heads_table)
        if previous and previous.kind == "paragraph" and introduces and not lines[bullets[0]].card_field:
            # The list's meaning lives in the sentence that introduces it: move it into the list.
            lead_ids = [previous.sentence_ids.pop()]
            sentences[lead_ids[0]].role = "lead"
            if not previous.sentence_ids:
                blocks.pop()
        block = new_block("list", bullets[0], bullets[-1], lead_ids)
        block.table = heads_table and bool(lead_ids)
        for sid in lead_ids:
            sentences[sid].block = block.id
        for index in bullets:
            item = lines[index]
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
            section, context, in_abstract = "Abstract", None, True
            sections.append(section)
            heading_count += 1
            heading_of[heading_count] = section
            continue
        if in_abstract and line.kind in ("text", "chrome", "heading") and _is_part_label(lines, i, settings):
            # "Case presentation" on its own line, its prose under it: the label is the context of that
            # prose, as "Purpose: ..." on one line is (below), and never text to quote.
            flush_paragraph()
            flush_list()
            context = pending_label = line.text.strip().removesuffix(":").capitalize()
            line.kind = "chrome"
            continue
        if line.kind in ("chrome", "meta"):
            if line.caption:
                # A caption above a heading belongs to the section that heading opens.
                following = _next_content(lines, i)
                featured.add(
                    heading_count + 1 if following is not None and following.kind == "heading" else heading_count
                )
            if line.kind == "meta" or i < abstract_at:
                continue
            flush_paragraph()
            flush_list()
            continue
        if line.kind in ("heading", "breadcrumb", "group"):
            flush_paragraph()
            flush_list()
            if context_is_group and line.blank_before == 0 and i and lines[i - 1].kind == "chrome":
                # The label right above this heading was dropped as furniture ("Outlook / Prognosis" read
                # as a rail): the group label above no longer applies, and this one is unknown.
                context = None
            context_is_group = line.kind == "group" or (context_is_group and context is not None)
            shown = _heading_text(_Line(line.start, line.end, text_at(line.start, line.end), line.indent))
            if line.kind == "group":
                context = shown
            elif line.kind == "breadcrumb":
                crumb = BREADCRUMB_RE.match(line.text)
                context = crumb.group("section").strip() if crumb else None
                context_is_group = False
            else:
                if in_abstract:
                    context = None  # an abstract part's label ends with the abstract
                section, in_abstract = shown, False
                sections.append(section)
                heading_count += 1
                heading_of[heading_count] = section
                if section.endswith("?"):
                    major_section = section
                # A heading set straight above its text, under one set apart by a blank line ("Treatment",
                # then "Chemotherapy" / "Laser therapy" each right above its paragraph), is a part of it.
                tight = i + 1 < len(lines) and lines[i + 1].blank_before == 0
                if section.endswith("?"):
                    loose_heading = None
                elif not tight:
                    loose_heading = section
                elif loose_heading is not None:
                    subsections.setdefault(loose_heading, []).append(section)
            continue
        if line.kind == "bullet":
            flush_paragraph()
            # (In HTML, the blank lines between items are the tags around each <li>, however they are laid out:
            # only a line of text between two items ends a list.)
            if bullets and line.blank_before >= 2 and not doc.is_html:
                flush_list()
            bullets.append(i)
            continue
        flush_list()
        if paragraph and (
            line.blank_before
            or (in_abstract and ABSTRACT_PART_RE.match(line.text))
            # A line opening with its own label ("Radiation therapy: ...") under the one before starts a part.
            or (not in_abstract and INLINE_LABEL_RE.match(line.text))
        ):
            flush_paragraph()
        if line.blank_before >= 2 and major_section and section != major_section and not doc.is_html:
            # Two blank lines where a sub-heading was lost in capture: the text belongs under the
            # enclosing question heading, not under the previous sub-heading. (Not in HTML, whose headings
            # are tags a capture keeps, and whose blank lines are only the tags around each paragraph.)
            section = major_section
        paragraph.append(i)
    flush_paragraph()
    flush_list()

    _mark_unquotable(
        lines,
        blocks,
        sentences,
        publisher_names,
        heading_of,
        block_heading,
        block_last_line,
        featured,
        settings.ingest_label_max_words,
    )
    if not doc.is_html:
        column_gap = re.compile(rf"\S {{{settings.ingest_column_gap_spaces},}}\S")
        # A line with a wide gap inside it is two columns of a printed layout read across ("in the leg or arm
        # <gap> away."): its words are not a sentence of either column. (In HTML, masked tags leave such gaps.)
        # (Not a printed table's row or field: its gaps part its cells.)
        printed = [(line.start, line.end) for line in lines if line.layout_row]
        for sentence in sentences:
            in_row = any(start <= sentence.start and sentence.end <= end for start, end in printed)
            if sentence.role in ("sentence", "lead", "item") and column_gap.search(sentence.text) and not in_row:
                sentence.role = "dangling"

    sections = _qualify_repeated_headings(heading_of, block_heading, blocks, sentences, doc.info.topics) or sections
    title = str(metadata.get("title") or doc.info.title)
    parsed = ParsedDocument(
        source_id=doc.source_id,
        title=doc.info.title or title,
        metadata=metadata,
        sections=sections,
        blocks=blocks,
        sentences=sentences,
        dropped_lines=[ln.text for ln in lines if ln.kind in ("chrome", "breadcrumb")],
        subsections=subsections,
    )
    parsed.passages = build_passages(parsed)
    return parsed


def _mark_unquotable(
    lines: list[_Line],
    blocks: list[Block],
    sentences: list[Sentence],
    publisher_names: list[str],
    heading_of: dict[int, str | None],
    block_heading: dict[int, int],
    block_last_line: dict[int, int],
    featured: set[int],
    label_max_words: int,
) -> None:
    """Give the roles build_passages skips.

    "dangling": a sentence that promises a list ("one or more of the following:") with none after it,
    one that points at the page layout ("We've described ... below."), link text, and a paragraph's
    unfinished fragment (no sentence punctuation at its end: a capture cut mid-sentence, a link title).
    "aside": a promotional card: a block closed by a call to action ("Read more", "… ›") that speaks
    for the site (names it, or says "we" / "our") in its heading or text; and a story: a block under
    a heading that is not a question, in a section carrying a photo caption, that is closed by a call
    to action, speaks for the site or quotes someone.
    """

    def speaks_for_site(text: str) -> bool:
        return bool(FIRST_PERSON_RE.search(text)) or names_site(text, publisher_names)

    for block in blocks:
        ids = block.sentence_ids
        last = sentences[ids[-1]] if ids else None
        if block.kind == "paragraph" and last is not None and last.text.endswith(":"):
            last.role = "dangling"
        for sid in ids:
            sentence = sentences[sid]
            if NAVIGATIONAL_RE.search(sentence.text) and len(sentence.text.split()) <= 15:
                sentence.role = "dangling"
            unfinished = (
                not TERMINAL_RE.search(sentence.text)
                and not sentence.text.endswith(":")
                # A contact line is whole without a full stop: "Bookings: 01632 960422", "Out of hours: switchboard
                # 01632 960000 – ask for the on-call registrar".
                and not (LABELLED_NUMBER_RE.search(sentence.text) or _is_contact_line(sentence.text, label_max_words))
            )
            if sentence.role == "sentence" and (unfinished or LINK_GLYPH_RE.search(sentence.text)):
                sentence.role = "dangling"
        heading = heading_of.get(block_heading[block.id]) or ""
        text = " ".join(sentences[sid].text for sid in ids)
        after = block_last_line[block.id] + 1
        # A paragraph that ends by sending the reader elsewhere ("Read how surgery got him back on the court.")
        # is a teaser of another page; its last sentence is the link (and a link line may follow it).
        teaser = last is not None and len(ids) > 1 and bool(TEASER_RE.match(last.text))
        link_after = after < len(lines) and lines[after].call_to_action and (lines[after].blank_before == 0 or teaser)
        if teaser and last is not None:
            last.role = "dangling"
        closed_by_link = (
            link_after
            or teaser
            or (
                last is not None
                and (
                    bool(LINK_GLYPH_RE.search(last.text))
                    # a link's label left at the end of the paragraph ("... support our mission. Policy")
                    or (last.role == "dangling" and len(ids) > 1 and _is_label(last.text, label_max_words))
                )
            )
        )
        link_text = lines[after].text if link_after else last.text if last is not None else ""
        promotional = speaks_for_site(heading) or speaks_for_site(text)
        # One patient's story, as its link or its label calls it: an anecdote, never what the page says of all.
        told_as_story = (closed_by_link and bool(STORY_RE.search(link_text))) or bool(STORY_LABEL_RE.match(text))
        quotes = bool(QUOTATION_RE.search(text))
        story = (
            told_as_story
            or (
                block_heading[block.id] in featured
                and not heading.endswith("?")
                and (closed_by_link or promotional or quotes)
            )
            # ... or under a heading calling it one ("A parent's story", "Patient stories"), told in someone's own
            # words: a quotation, or a first person ("my mum noticed ...").
            or (
                bool(STORY_RE.search(heading))
                and not heading.endswith("?")
                and (quotes or bool(TESTIMONY_RE.search(text)))
            )
        )
        if (closed_by_link and promotional) or story:
            for sid in ids:
                if sentences[sid].role != "dangling":
                    sentences[sid].role = "aside"


def _qualify_repeated_headings(
    heading_of: dict[int, str | None],
    block_heading: dict[int, int],
    blocks: list[Block],
    sentences: list[Sentence],
    topics: Sequence[str],
) -> list[str]:
    """A page giving each of its conditions a part with the same headings ("Adamantinoma" / "Symptoms" / "How is
    it treated?", then "Osteofibrous dysplasia" / "Symptoms" / ...): each repeated heading is named with the
    title of its part ("Adamantinoma: Symptoms"), so a section is one part's and says whose. The title is the
    last heading above that names one of the page's conditions (from its manifest entry), else the last one
    with no text of its own. Returns the renamed headings in order ([] when none repeats)."""
    numbers = sorted(k for k in heading_of if k)
    names = [heading_of[k] for k in numbers]
    repeated = {name for name in names if name is not None and names.count(name) > 1}
    if not repeated:
        return []
    with_text = {block_heading[block.id] for block in blocks if block.sentence_ids}
    renamed: dict[int, str] = {}
    for at, k in enumerate(numbers):
        name = heading_of[k]
        if name not in repeated:
            continue
        above = [j for j in numbers[:at] if heading_of[j] and heading_of[j] not in repeated]
        naming = [j for j in above if any(t.lower() in str(heading_of[j]).lower() for t in topics)]
        # A part's own title names its condition and has no text of its own ("Adamantinoma" over "What is
        # adamantinoma?"); failing that, the last heading naming it, or the last with no text.
        titled = [j for j in naming if j not in with_text]
        titles = titled or naming or [j for j in above if j not in with_text]
        if titles:
            renamed[k] = f"{heading_of[titles[-1]]}: {name}"
    for block in blocks:
        k = block_heading[block.id]
        if k in renamed and block.section == heading_of[k]:
            block.section = renamed[k]
            for sid in block.sentence_ids:
                if sentences[sid].section == heading_of[k]:
                    sentences[sid].section = renamed[k]
    for k, name in renamed.items():
        heading_of[k] = name
    return [name for k in numbers if (name := heading_of[k]) is not None]


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
        ids = [sid for sid in block.sentence_ids if doc.sentences[sid].role not in UNQUOTABLE_ROLES]
        if not ids:
            continue
        if block.kind == "list" and any(doc.sentences[sid].role == "lead" for sid in ids):
            add(ids, "list")
            # A table's row is also a claim of its own ("Paclitaxel | hair loss, tingling ..."): a question about one
            # row's subject is answered by that row, not by the whole table.
            for row in block.items if block.table else []:
                if rows := [sid for sid in row if doc.sentences[sid].role not in UNQUOTABLE_ROLES]:
                    add(rows, "item")
            continue
        # Each bullet item is a claim of its own; a paragraph is one run of sentences.
        # (An item never quoted stays out too: a printed row that interleaves two cells' lines.)
        quotable = set(ids)
        groups = [[sid for sid in item if sid in quotable] for item in block.items] if block.kind == "list" else [ids]
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


def parse_corpus(documents: Sequence[SourceDocument], settings: Settings | None = None) -> list[ParsedDocument]:
    """Parse every document, with chrome detection informed by the boilerplate of each one's site."""
    settings = settings or Settings()
    boilerplate = site_boilerplate(documents, settings)
    return [parse_document(doc, boilerplate.get(doc.source_id, frozenset()), settings) for doc in documents]


def parsed_document_from_dict(data: dict[str, Any]) -> ParsedDocument:
    """Rebuild a :class:`ParsedDocument` from :meth:`ParsedDocument.to_dict` output (stored indexes)."""
    fields = dict(data)
    fields["blocks"] = [Block(**b) for b in data["blocks"]]
    fields["sentences"] = [Sentence(**s) for s in data["sentences"]]
    fields["passages"] = [Passage(**p) for p in data["passages"]]
    return ParsedDocument(**fields)
