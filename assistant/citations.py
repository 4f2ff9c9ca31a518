"""Citation enforcement: the gate every answerer's output goes through before anyone sees it.

Rules, applied claim by claim (a claim is a sentence or a list line of the answer text):
1. it ends with at least one ``[n]`` marker;
2. every marker points to a citation of the answer;
3. every cited quote is verbatim in its source file at its recorded offsets;
4. the cited quotes support the claim: its content words (and every number) occur in them;
5. for an extractive answerer (``extractive=True``), the claim is verbatim text of its quotes
   (:func:`is_verbatim_extract`): nothing from another passage is inserted inside a quoted sentence.
A claim that fails is removed, unused citations are dropped and markers renumbered 1..n; an
answer with nothing left is turned into an abstention by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from assistant.corpus import source_span
from assistant.errors import CorpusError
from assistant.ingest import reflow, split_sentences
from assistant.schema import Citation
from assistant.text import content_words, normalise, numbers

MARKER_RE = re.compile(r"\[(\d+)\]")
TRAILING_MARKERS_RE = re.compile(r"(?:\s*\[\d+\])+\s*$")
# A fixed label the composer may put before an extract ("Treatment: ..."): a few words and a colon.
LABEL_RE = re.compile(r"^[^\s:][^:\n]{0,80}?:\s+")
LABEL_MAX_WORDS = 8  # a label is a name or heading, never a sentence (which could carry a claim of its own)
# A list's bullet at the start of a line of a quote: rendering an item drops it.
BULLET_RE = re.compile(r"^[ \t]*(?:[•·▪◦‣●○*\-–]|\d{1,2}[.)])[ \t]+", re.M)


@dataclass
class Enforced:
    """The answer text and citations that survived, and what was removed with the reason."""

    text: str
    citations: list[Citation]
    removed: list[str] = field(default_factory=list)


def split_claims(text: str) -> list[str]:
    """Claims of an answer: lines, then sentences, with each sentence's trailing markers kept on it."""
    return [claim for _, claim in split_claims_by_line(text)]


def split_claims_by_line(text: str) -> list[tuple[int, str]]:
    """Claims of an answer with the number of the line each stands on."""
    numbered: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines()):
        claims: list[str] = []
        line = line.strip()
        if not line:
            continue
        pieces = [line[a:b] for a, b in split_sentences(line)]
        for piece in pieces:
            lead = re.match(r"^((?:\[\d+\]\s*)+)(.*)$", piece, re.S)
            if lead and claims:
                # The splitter cut between a sentence's full stop and its marker: give it back.
                claims[-1] = f"{claims[-1]} {lead.group(1).strip()}"
                piece = lead.group(2).strip()
            if piece:
                claims.append(piece)
        numbered += [(number, claim) for claim in claims]
    return numbered


def quote_is_verbatim(citation: Citation, source_path: Callable[[str], Path]) -> bool:
    """True when the citation's quote is exactly the source file's text at its offsets."""
    try:
        return source_span(source_path(citation.source_id), citation.start, citation.end) == citation.quote
    except (CorpusError, KeyError, OSError):
        return False


def claim_body(claim: str) -> str:
    """The claim without its citation markers."""
    return " ".join(MARKER_RE.sub(" ", claim).split())


def supports(
    claim: str, quotes: list[str], min_overlap: float = 0.9, acronyms: Mapping[str, str] | None = None
) -> bool:
    """Offline support test: the claim's content words (≥ min_overlap) and all its numbers are in the quotes.

    Words and numbers are compared as whole tokens ("4" is not found in "14"; "0.4" keeps its decimal
    point). An acronym and its long form count as the same words (``acronyms``: "lf" -> "long form").
    """
    body = claim_body(claim)
    evidence = f" {normalise(' '.join(reflow(q) for q in quotes))} "  # ("slight-" / "ly" read as "slightly")
    evidence_words = set(content_words(evidence))
    for short, long_form in (acronyms or {}).items():
        if f" {long_form} " in evidence:
            evidence_words.add(short)
        if short in evidence_words:
            evidence_words.update(long_form.split())
    claim_words = content_words(body)
    if not claim_words:
        return False
    numbers_ok = numbers(body) <= numbers(" ".join(quotes))
    return numbers_ok and sum(w in evidence_words for w in claim_words) / len(claim_words) >= min_overlap


def _extract_in(body: str, quote: str) -> bool:
    """True when ``body`` is contiguous text of ``quote``, or the quote's list rendered as "lead item;
    item.": each "; "-separated piece found in order, a closing full stop or semicolon allowed."""
    if body in quote:
        return True
    position = 0
    pieces = body.split("; ")
    for i, piece in enumerate(pieces):
        forms = [piece]
        if i == len(pieces) - 1 and piece.endswith("."):
            forms.append(piece[:-1])  # the rendering closes the list with a full stop
        found = next(((quote.find(f, position), f) for f in forms if f and quote.find(f, position) >= 0), None)
        if found is None:
            return False
        position = found[0] + len(found[1])
    return True


def is_verbatim_extract(claim: str, quotes: list[str]) -> bool:
    """True when the claim (markers stripped) is made only of text found contiguously in one of its
    quotes, white space folded: the whole claim, or a list rendered as "lead item; item." in the
    quote's order, optionally after a short label ("Treatment: "). Nothing from another passage
    can then sit inside a quoted sentence."""
    body = reflow(claim_body(claim))
    if not body:
        return False
    texts = [reflow(BULLET_RE.sub("", q)) for q in quotes]
    candidates = [body]
    label = LABEL_RE.match(body)
    if label and len(label.group(0).split()) <= LABEL_MAX_WORDS:
        candidates.append(body[label.end() :])
    return any(_extract_in(candidate, text) for candidate in candidates if candidate for text in texts)


def _evidence_text(citation: Citation) -> str:
    """The quote, plus the citation's own bibliographic facts (a claim may name its source's type)."""
    facts = (citation.source_kind, citation.journal, citation.year, citation.publisher, citation.title)
    return " ".join([citation.quote, *(str(f) for f in facts if f)])


def enforce_citations(
    text: str,
    citations: list[Citation],
    source_path: Callable[[str], Path],
    min_overlap: float = 0.9,
    acronyms: Mapping[str, str] | None = None,
    extractive: bool = False,
) -> Enforced:
    """Keep only the claims that pass every rule; renumber the surviving citations 1..n.

    ``extractive``: the answerer only quotes, so every claim must also be verbatim text of its quotes.
    """
    by_marker = {c.marker: c for c in citations}
    verbatim = {c.marker: quote_is_verbatim(c, source_path) for c in citations}
    kept: list[tuple[str, list[int], int]] = []
    removed: list[str] = []
    for line, claim in split_claims_by_line(text):
        trailing = TRAILING_MARKERS_RE.search(claim)
        markers = [int(m) for m in MARKER_RE.findall(claim)]
        if not trailing or not markers:
            removed.append(f"no citation marker: {claim}")
        elif any(m not in by_marker for m in markers):
            removed.append(f"marker without a citation: {claim}")
        elif not all(verbatim[m] for m in markers):
            removed.append(f"quote not verbatim in its source: {claim}")
        elif not supports(claim, [_evidence_text(by_marker[m]) for m in markers], min_overlap, acronyms):
            removed.append(f"not supported by its quote: {claim}")
        elif extractive and not is_verbatim_extract(claim, [by_marker[m].quote for m in markers]):
            removed.append(f"not verbatim text of its quote: {claim}")
        else:
            kept.append((claim, markers, line))
    renumber: dict[int, int] = {}
    for _, markers, _ in kept:
        for m in markers:
            renumber.setdefault(m, len(renumber) + 1)
    lines: dict[int, list[str]] = {}
    for claim, _, line in kept:
        lines.setdefault(line, []).append(MARKER_RE.sub(lambda m: f"[{renumber[int(m.group(1))]}]", claim))
    surviving = [
        by_marker[old].model_copy(update={"marker": new}) for old, new in sorted(renumber.items(), key=lambda x: x[1])
    ]
    # A list answer (one claim per line) keeps its lines; prose stays one paragraph.
    return Enforced(
        ("\n" if "\n" in text.strip() else " ").join(" ".join(c) for c in lines.values()), surviving, removed
    )
