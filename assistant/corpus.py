"""Corpus stage: read the manifest and the document files it names, and verify quotes against them.

A document is a ``.txt``, ``.md`` or ``.html`` file in the corpus folder with an entry in
``manifest.json``. Everything downstream refers to a document by its ``source_id`` and to a piece
of it by character offsets into the file's decoded text, so :func:`source_span` is the single place
that turns offsets back into the quote a person sees.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import re
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from assistant.columns import ColumnText, column_text
from assistant.errors import CorpusError

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm")
HTML_SUFFIXES = (".html", ".htm")
MARKDOWN_SUFFIXES = (".md",)
MANIFEST_NAME = "manifest.json"
logger = logging.getLogger(__name__)


class DocumentInfo(BaseModel):
    """One manifest entry: the bibliographic facts of a document, as given by its publisher."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Stable source id used in citations.")
    file: str = Field(description="File name inside the corpus folder.")
    title: str
    publisher: str | None = None
    journal: str | None = None
    year: int | None = None
    doi: str | None = None
    kind: str = Field(description="'patient page' or 'case report abstract'.")
    audience: str = Field(description="'family' or 'clinician'.")
    topics: list[str] = Field(default_factory=list, description="Conditions the document is about.")


class SourceDocument(BaseModel):
    """A manifest entry with its file's decoded text."""

    info: DocumentInfo
    path: Path
    text: str

    @property
    def source_id(self) -> str:
        return self.info.id

    @property
    def is_html(self) -> bool:
        return self.path.suffix.lower() in HTML_SUFFIXES

    @property
    def is_markdown(self) -> bool:
        return self.path.suffix.lower() in MARKDOWN_SUFFIXES


def read_manifest(corpus_dir: Path) -> list[DocumentInfo]:
    """Parse ``manifest.json``; a malformed manifest raises :class:`CorpusError` naming the entry."""
    manifest_path = corpus_dir / MANIFEST_NAME
    if not manifest_path.is_file():
        raise CorpusError(f"{manifest_path}: the corpus manifest is missing")
    try:
        raw = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorpusError(f"{manifest_path}: not valid UTF-8 JSON ({exc})") from exc
    entries = raw.get("documents") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise CorpusError(f"{manifest_path}: expected an object with a 'documents' list")
    infos: list[DocumentInfo] = []
    for number, entry in enumerate(entries, start=1):
        try:
            infos.append(DocumentInfo.model_validate(entry))
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"])
            raise CorpusError(f"{manifest_path}: entry {number}, field '{field}': {first['msg']}") from exc
    ids = [info.id for info in infos]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CorpusError(f"{manifest_path}: duplicate document ids {duplicates}")
    return infos


def load_corpus(corpus_dir: Path) -> list[SourceDocument]:
    """Load every manifest document; refuse unsupported, missing, unreadable or non-UTF-8 files."""
    documents = []
    infos = read_manifest(corpus_dir)
    for info in infos:
        path = corpus_dir / info.file
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            raise CorpusError(
                f"{path}: unsupported file type '{path.suffix}' (accepted: {', '.join(SUPPORTED_SUFFIXES)})"
            )
        if not path.is_file():
            raise CorpusError(f"{path}: manifest entry '{info.id}' names a file that does not exist")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CorpusError(f"{path}: cannot be read ({exc.strerror})") from exc
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CorpusError(f"{path}: not UTF-8 text (byte {exc.start} is invalid)") from exc
        if "\x00" in text:
            raise CorpusError(f"{path}: contains NUL bytes; it looks binary, not text")
        if not text.strip():
            raise CorpusError(f"{path}: the file is empty")
        documents.append(SourceDocument(info=info, path=path, text=text))
    listed = {info.file for info in infos} | {MANIFEST_NAME}
    for stray in sorted(p for p in corpus_dir.iterdir() if p.is_file() and p.name not in listed):
        logger.warning("%s: not in %s, so it is not indexed", stray, MANIFEST_NAME)
    return documents


def corpus_hash(corpus_dir: Path) -> str:
    """Content hash of the manifest and every file it names (what an index was built from)."""
    digest = hashlib.sha256((corpus_dir / MANIFEST_NAME).read_bytes())
    for info in read_manifest(corpus_dir):
        path = corpus_dir / info.file
        digest.update(info.file.encode())
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    return digest.hexdigest()


_TAG_RE = re.compile(r"<[^>]*>")
_WS_RE = re.compile(r"\s+")


def html_span_text(raw: str) -> str:
    """What a person reads for a slice of an HTML file: tags dropped, entities decoded, spaces folded."""
    return _WS_RE.sub(" ", html.unescape(_TAG_RE.sub(" ", raw))).strip()


# Markdown's inline marks, which a reader of the rendered page never sees: blockquote markers at a line's
# start, an image whole, a link's brackets and address (its text stays), bold, italic and code marks. (A
# bullet's "* " is a list item, left to the line parser; a lone "_" may be part of a name, left alone.)
_MARKDOWN_MARKS_RE = re.compile(
    r"^[ \t]{0,3}(?:>[ \t]?)+"
    r"|!\[[^\]\n]*\]\([^)\n]*\)"
    r"|\]\([^)\n]*\)|\[(?=[^\]\n]*\]\()"
    r"|\*\*|__|(?<![\w*])\*(?=[^\s*])|(?<=[^\s*])\*(?![\w*])|`",
    re.M,
)


# A list of links and nothing else ("- [Other page](/other)" line after line): a site's pointers to its other pages,
# whose titles are no facts of this one ("Related pages", "Clinical trials", a sidebar's "Patient stories").
_LINK_LIST_RE = re.compile(r"(?:^[ \t]*[-*+][ \t]+\[[^\]\n]*\]\([^)\n]*\)[ \t]*(?:\n|$))+", re.M)


def blank_out(match: re.Match[str]) -> str:
    """A matched span as spaces, its line breaks kept: masked text whose other characters stay where they were."""
    return re.sub(r"[^\n]", " ", match.group(0))


# A Markdown table: its header row, the rule row under it ("|---|:--:|"), then its body rows.
_MARKDOWN_TABLE_RE = re.compile(
    r"^(?P<header>[^\n]*\|[^\n]*)\n(?P<rule>[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)+\|?[ \t]*)\n"
    r"(?P<body>(?:[^\n]*\|[^\n]*(?:\n|$))*)",
    re.M,
)


def _cells_apart(match: re.Match[str]) -> str:
    """A table's header and body rows with their pipes as tabs: a rendered table shows cells, not the pipes
    between them (an HTML table's cells are a tab apart too); the rule row stays, furniture that says the rows
    above and below are a table."""
    return f"{match['header'].replace('|', chr(9))}\n{match['rule']}\n{match['body'].replace('|', chr(9))}"


def mask_markdown(text: str) -> str:
    """A Markdown file's text with its inline marks blanked out, its lists made only of links too, and its tables'
    pipes made tabs, every other character where it was (so offsets still point into the file)."""
    text = _MARKDOWN_TABLE_RE.sub(_cells_apart, _LINK_LIST_RE.sub(blank_out, text))
    return _MARKDOWN_MARKS_RE.sub(blank_out, text)


def markdown_span_text(masked: str, raw: str | None = None) -> str:
    """What a person reads for a slice of a masked Markdown file: spaces folded, and (given the file's ``raw`` slice)
    the blanks where marks were gone, as a rendered page shows no trace of them ("**M**ethotrexate" reads
    "Methotrexate", "**MAP**:" reads "MAP:"; the spaces the file has between words stay)."""
    if raw is not None and len(raw) == len(masked):
        masked = "".join(c for c, r in zip(masked, raw, strict=True) if c != " " or r == " " or r.isspace())
    return _WS_RE.sub(" ", masked).strip()


@lru_cache(maxsize=64)
def _masked_markdown(path: str, mtime_ns: int, size: int) -> str:
    return mask_markdown(_file_text(path, mtime_ns, size))


def read_reader_text(path: Path) -> str:
    """The file's text with offsets unchanged, as a reader sees it: a Markdown file's marks blanked out (cached
    until the file changes, like :func:`read_source_text`); a text capture's slices read down its printed columns
    (:class:`~assistant.columns.ColumnText`); an HTML file as it is."""
    suffix = path.suffix.lower()
    if suffix not in MARKDOWN_SUFFIXES:
        text = read_source_text(path)
        return text if suffix in HTML_SUFFIXES else ColumnText(text)
    stat = path.stat()
    return _masked_markdown(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _file_text(path: str, mtime_ns: int, size: int) -> str:
    return Path(path).read_text(encoding="utf-8")


def read_source_text(path: Path) -> str:
    """The file's text, cached until the file changes (quotes are verified on every answer)."""
    stat = path.stat()
    return _file_text(str(path), stat.st_mtime_ns, stat.st_size)


def source_span(path: Path, start: int, end: int) -> str:
    """The verbatim text at ``[start, end)`` of a source file (for HTML: the text a reader sees there)."""
    text = read_source_text(path)
    if not 0 <= start < end <= len(text):
        raise CorpusError(f"{path}: offsets {start}-{end} are outside the file ({len(text)} characters)")
    suffix = path.suffix.lower()
    if suffix in MARKDOWN_SUFFIXES:
        return markdown_span_text(read_reader_text(path)[start:end], read_source_text(path)[start:end])
    if suffix in HTML_SUFFIXES:
        return html_span_text(text[start:end])
    return column_text(text, start, end)  # (a text capture: down a printed column, where it has two)
