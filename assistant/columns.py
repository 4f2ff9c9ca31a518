"""Two printed columns of a text capture, read down each column.

A leaflet saved with ``pdftotext -layout`` keeps a two-column page side by side: each line of the
file holds a line of the left column, a gap, then a line of the right column. Read across, every
sentence of either column is cut by the other's words. Here such a region is found from the text
alone (each page: the position where most lines start a second run of words after a gap, the lines
compatible with it, enough of them prose on both sides), and read down: the left column's lines,
then the right column's.

Offsets stay the file's: a column's text is the file's span with the other column's characters
blanked (:func:`column_text`). That is what a reader sees of the span in the printed column, and
what a quote of it shows (see :func:`assistant.corpus.source_span`), as HTML's text is a view of its
tags.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import SupportsIndex

# (Tuned on the layout a PDF's two columns take, not on any page: a gutter of at least two spaces, lines of prose a
# few words each, and enough of them that a table or a list of "Label   value" fields is not taken for columns.
# Constants, not settings: a quote is verified against its file by the same reading (corpus.source_span), which must
# not change with a deployment's settings.)
GUTTER_SPACES = 2  # a column's words start after at least this many spaces
RIGHT_INDENT_SLACK = 4  # a right column's line may be indented this far past its column (a bullet's text)
MIN_COLUMN_LINES = 6  # lines with words on both sides that a region needs
MIN_WORDS_A_SIDE = 3.0  # the mean words of each side's parts on those lines: prose, not cells
MIN_LEFT_FILL = 0.6  # the mean share of its width a left part fills: prose wraps near the gutter
MIN_PAGE_SHARE = 0.5  # the share of its page's lines a region holds: a page in two columns, not a box or table on it


@dataclass(frozen=True)
class Region:
    """Lines ``first``..``last`` (0-based, inclusive) of the file, read as two columns split at character ``split``
    of each line (the right column starts there)."""

    first: int
    last: int
    split: int


@dataclass(frozen=True)
class Layout:
    """The two-column regions of a text, with its line starts to find them by offset."""

    line_starts: tuple[int, ...]
    regions: tuple[Region, ...]

    def region_of_line(self, line: int) -> Region | None:
        for region in self.regions:
            if region.first <= line <= region.last:
                return region
        return None

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset) - 1

    def column_at(self, offset: int) -> tuple[Region, bool] | None:
        """The region an offset is in and whether it is in its right column; None outside every region."""
        line = self.line_of(offset)
        region = self.region_of_line(line)
        if region is None:
            return None
        return region, offset - self.line_starts[line] >= region.split


def _right_start(line: str, split: int) -> int | None:
    """Where the right-hand words of ``line`` start, when it is compatible with a split at ``split``: nothing of
    the left side reaches the gutter, and the right side starts at the split (or a little indented). -1 for a line
    with nothing right of the gutter; None for a line that crosses it."""
    right = line[split - GUTTER_SPACES :]
    if not right.strip():
        return -1
    if right[:GUTTER_SPACES].strip():
        return None  # a word runs across the gutter
    start = split - GUTTER_SPACES + len(right) - len(right.lstrip())
    if start < split or start > split + RIGHT_INDENT_SLACK:
        return None
    return start


def _words(text: str) -> int:
    return len(text.split())


def _regions_of_page(lines: list[str], first: int) -> list[Region]:
    """The two-column regions of one page's lines (``first``: the file line number of ``lines[0]``)."""
    starts: dict[int, int] = {}
    for line in lines:
        for gap in re.finditer(rf"\S( {{{GUTTER_SPACES},}})(?=\S)", line):
            at = gap.end()
            starts[at] = starts.get(at, 0) + 1
    regions: list[Region] = []
    for split, _ in sorted(starts.items(), key=lambda kv: -kv[1])[:3]:
        run: list[int] = []
        for k, line in enumerate([*lines, "\x00" * (split + 1)]):  # (a sentinel line that crosses every gutter)
            if k < len(lines) and _right_start(line, split) is not None:
                run.append(k)
                continue
            region = _region_if_columns(lines, run, split, first)
            if region is not None and not any(r.first <= region.last and region.first <= r.last for r in regions):
                regions.append(region)
            run = []
    return sorted(regions, key=lambda r: r.first)


def _region_if_columns(lines: list[str], run: list[int], split: int, first: int) -> Region | None:
    """The run of compatible lines as a region, when enough of them are prose on both sides of the split."""
    both = [(lines[k][:split].strip(), lines[k][split:].strip()) for k in run]
    both = [(left, right) for left, right in both if left and right]
    if len(both) < MIN_COLUMN_LINES:
        return None
    if sum(_words(left) for left, _ in both) / len(both) < MIN_WORDS_A_SIDE:
        return None
    if sum(_words(right) for _, right in both) / len(both) < MIN_WORDS_A_SIDE:
        return None
    width = split - GUTTER_SPACES
    fill = sum(
        len(lines[k][:split].rstrip()) / width for k in run if lines[k][:split].strip() and lines[k][split:].strip()
    )
    if fill / len(both) < MIN_LEFT_FILL:
        return None
    # (Not a table: its cells leave wide gaps inside the left part too, "What is inside      Blood, in many ...".)
    if sum(bool(re.search(r"\S {3,}\S", left)) for left, _ in both) > len(both) / 2:
        return None
    # (The run's blank lines at either end belong to no column.)
    used = [k for k in run if lines[k].strip()]
    if len(used) < MIN_PAGE_SHARE * sum(1 for line in lines if line.strip()):
        return None
    return Region(first + used[0], first + used[-1], split)


@lru_cache(maxsize=64)
def layout_of(text: str) -> Layout:
    """The two-column regions of a text capture, page by page (a form feed ends a page)."""
    line_starts: list[int] = []
    regions: list[Region] = []
    page: list[str] = []
    page_first = 0
    offset = 0
    raw_lines = text.splitlines(keepends=True)  # (str.splitlines ends a line at a form feed too)
    for number, raw in enumerate(raw_lines):
        line_starts.append(offset)
        offset += len(raw)
        page.append(raw.rstrip("\r\n\f"))
        if raw.endswith("\f") or number == len(raw_lines) - 1:
            regions += _regions_of_page(page, page_first)
            page, page_first = [], number + 1
    return Layout(tuple(line_starts), tuple(regions))


class ColumnText(str):
    """A text capture whose slices read down its printed columns: ``text[a:b]`` is :func:`column_text` (the other
    column's characters blanked on a two-column region's lines). Every other use is the plain string's, so offsets,
    searches and lengths are the file's."""

    @cached_property
    def layout(self) -> Layout:
        """The text's two-column regions, found once (a parser slices a long text thousands of times)."""
        return layout_of(str(self))

    def __getitem__(self, key: SupportsIndex | slice) -> str:
        if isinstance(key, slice) and key.step is None:
            start, stop, _ = key.indices(len(self))
            return _read_down(self, self.layout, start, stop) if start < stop else ""
        return str.__getitem__(self, key)


def _layout(text: str) -> Layout:
    return text.layout if isinstance(text, ColumnText) else layout_of(text)


def same_column(text: str, first: int, second: int) -> bool:
    """Whether two offsets of a text capture are in the same printed column (or both outside every two-column
    region): offsets of the two columns interleave, so spans overlap in the file without touching on the page."""
    layout = _layout(text)
    return layout.column_at(first) == layout.column_at(second)


def column_text(text: str, start: int, end: int) -> str:
    """``text[start:end]`` as a reader sees it: when the span starts in a column of a two-column region, the other
    column's characters on its lines are blanked (same length, so offsets stay the file's)."""
    return _read_down(text, _layout(text), start, end)


def _read_down(text: str, layout: Layout, start: int, end: int) -> str:
    """:func:`column_text` with the text's layout at hand."""
    span = str.__getitem__(text, slice(start, end))
    where = layout.column_at(start)
    if where is None:
        return span
    region, right = where
    out = list(span)
    line = layout.line_of(start)
    while line < len(layout.line_starts) and layout.line_starts[line] < end and line <= region.last:
        line_start = layout.line_starts[line]
        line_end = layout.line_starts[line + 1] if line + 1 < len(layout.line_starts) else len(text)
        cut = line_start + region.split
        hide = (max(line_start, start), min(cut, line_end)) if right else (max(cut, start), line_end)
        for k in range(max(hide[0], start), min(hide[1], end)):
            if span[k - start] not in "\r\n":
                out[k - start] = " "
        line += 1
    return "".join(out)
