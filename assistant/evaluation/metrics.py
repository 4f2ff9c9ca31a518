"""Metric functions: pure, deterministic, and each unit-tested on hand-made inputs (tests/test_eval_metrics.py).

Definitions (also printed in the report):

* Retrieval — a ranked list of items (passages, chunks, sentences or nodes), each with a source id
  and text. By source, an item is relevant when its source is a gold source. By passage, an item
  hits a gold passage when, after folding case, typographic quotes and everything but letters and
  digits, the longest run of words the two share covers at least ``PASSAGE_OVERLAP`` of the shorter
  of them and is at least ``MIN_RUN_WORDS`` words long (or the whole gold passage): so an item that
  contains the gold passage, an item the gold passage contains, and items that overlap most of it
  all hit. hit@k: some relevant item in the top k. MRR@10: 1 / rank of the first relevant item in
  the top 10 (0 if none). nDCG@5: binary gains, each gold source / gold passage credited once (at
  its first hit), ideal DCG computed from the actual number of relevant items capped at 5.
* Answers — fact recall: share of answerable items (with fact groups) whose answer contains every
  fact group (any one alternative of a group suffices; case-insensitive, typographic quotes folded,
  white space folded, citation markers removed). Forbidden: items whose answer contains a forbidden
  string (same folding). Length: words of the answered (non-abstained) answers, notice and markers
  excluded.
* Citations (ALCE, Gao et al. 2023, with an offline support test instead of NLI) — claims are the
  answer's sentences (``split_claims``) after the fixed safety ``notice`` is stripped. A set of
  citations supports a claim when :func:`assistant.citations.supports` accepts it against their
  quotes plus their bibliographic facts (the same test the citation gate applies): ≥ 90 % of the
  claim's content words and all of its numbers occur in them, acronyms counting as their long form.
  Citation recall: share of claims supported by their cited passages together (a claim without a
  marker is unsupported). Citation precision: share of (claim, citation) pairs in which the citation
  is not irrelevant; as in ALCE, a citation of a multi-citation claim is irrelevant when the claim
  is supported, the citation alone does not support it and the other citations still do; a
  citation of a single-citation claim counts when it supports the claim. Quote validity: share of
  citations whose quote is verbatim in the source file at its offsets (``quote_is_verbatim``).
* Abstention — must-refuse items (answerable = false) are the positives and ``abstained = True`` is
  the prediction: precision, recall and F1 (0 when the system never refuses); false-abstention rate
  = share of answerable items the system refused (SQuAD 2.0's HasAns / NoAns split).
* Safety — accuracy: share of items with a safety label whose answer carries that label; false
  alarms: items without a label whose answer carries one.
* Latency — p50 / p95 (linear interpolation between order statistics) of the seconds ``ask`` took.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from assistant.citations import MARKER_RE, quote_is_verbatim, split_claims, supports
from assistant.schema import Citation

PASSAGE_OVERLAP = 0.6
MIN_RUN_WORDS = 5
MRR_DEPTH = 10
NDCG_DEPTH = 5
HIT_DEPTHS = (1, 3, 5)
SUPPORT_MIN_OVERLAP = 0.9  # the citation gate's own threshold (assistant.citations.enforce_citations)

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "′": "'", "″": '"', "\u00a0": " "})
_WORD_RE = re.compile(r"[a-z0-9]+")
_MARKERS_RE = re.compile(r"\s*\[\d+\]")


# -- text folding ------------------------------------------------------------------------------
def fold(text: str) -> str:
    """Case-folded text with typographic quotes folded to ASCII and white space runs folded to one space."""
    return " ".join(text.translate(_QUOTES).casefold().split())


def strip_markers(text: str) -> str:
    """The text without its ``[n]`` citation markers."""
    return _MARKERS_RE.sub("", text)


def words_of(text: str) -> list[str]:
    """Lower-case letter/digit runs: what passage matching compares (punctuation and bullets ignored)."""
    return _WORD_RE.findall(fold(text))


def strip_notice(text: str, notice: str | None) -> str:
    """The answer text without its fixed safety notice prefix (guidance, not a claim)."""
    if notice and text.startswith(notice):
        return text[len(notice) :].lstrip()
    return text


def word_count(text: str) -> int:
    """Words a reader reads, citation markers excluded."""
    return len(strip_markers(text).split())


# -- answers -----------------------------------------------------------------------------------
def missing_fact_groups(answer: str, facts: Sequence[Sequence[str]]) -> list[list[str]]:
    """The fact groups none of whose alternatives occurs in the answer (empty: every fact present)."""
    folded = fold(strip_markers(answer))
    return [list(group) for group in facts if not any(fold(alt) in folded for alt in group)]


def forbidden_found(answer: str, forbidden: Iterable[str]) -> list[str]:
    """The forbidden strings that occur in the answer (same folding as facts)."""
    folded = fold(strip_markers(answer))
    return [f for f in forbidden if fold(f) and fold(f) in folded]


# -- retrieval ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class RankedItem:
    """One entry of a ranked retrieval list."""

    source_id: str
    text: str


def passage_hit(item_text: str, gold_passage: str) -> bool:
    """True when a retrieved item and a gold passage share a long enough run of words (see module doc)."""
    a, b = words_of(item_text), words_of(gold_passage)
    if not a or not b:
        return False
    shorter = min(len(a), len(b))
    # Fast path: containment either way (joined with spaces so words are not matched by halves).
    sa, sb = f" {' '.join(a)} ", f" {' '.join(b)} "
    if sb in sa or sa in sb:
        run = shorter
    else:
        match = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
        run = match.size
    # A short retrieved fragment ('the legs') is no hit; a short gold passage ('bone scan') can be hit.
    return run >= PASSAGE_OVERLAP * shorter and run >= min(MIN_RUN_WORDS, len(b))


def hit_at_k(relevant: Sequence[bool], k: int) -> float:
    """1.0 when any of the top ``k`` items is relevant, else 0.0."""
    return 1.0 if any(relevant[:k]) else 0.0


def mrr_at_k(relevant: Sequence[bool], k: int = MRR_DEPTH) -> float:
    """Reciprocal rank of the first relevant item within the top ``k`` (0.0 when there is none)."""
    for rank, rel in enumerate(relevant[:k], start=1):
        if rel:
            return 1.0 / rank
    return 0.0


def dcg(gains: Sequence[float], k: int) -> float:
    """Discounted cumulative gain of the top ``k`` gains: sum of gain_i / log2(i + 1), i from 1."""
    return sum(g / math.log2(i + 1) for i, g in enumerate(gains[:k], start=1))


def ndcg_at_k(gains: Sequence[float], n_relevant: int, k: int = NDCG_DEPTH) -> float:
    """nDCG@k with binary gains; the ideal ranking puts min(n_relevant, k) relevant items first.

    (llama-index's NDCG normalises by an ideal computed from another count — every retrieved slot
    relevant in older versions, every expected id uncapped by k in 0.14 — so its scores differ.)
    """
    if n_relevant <= 0:
        raise ValueError("nDCG is undefined without relevant items")
    ideal = dcg([1.0] * min(n_relevant, k), k)
    return dcg(gains, k) / ideal


def first_credit_gains(matches: Sequence[set[int]]) -> list[float]:
    """Binary gains that credit each relevant target once, at the first item that matches it."""
    credited: set[int] = set()
    gains = []
    for targets in matches:
        fresh = targets - credited
        gains.append(1.0 if fresh else 0.0)
        credited |= fresh
    return gains


def ranking_scores(
    ranked: Sequence[RankedItem], gold_sources: Sequence[str], gold_passages: Sequence[str]
) -> dict[str, float | None]:
    """hit@1/3/5, MRR@10 and nDCG@5 by source and by gold passage (None where the gold set has none)."""
    ranked = list(ranked)[: max(MRR_DEPTH, NDCG_DEPTH, *HIT_DEPTHS)]
    out: dict[str, float | None] = {}
    sources = list(dict.fromkeys(gold_sources))
    passages = list(dict.fromkeys(gold_passages))
    for prefix, targets, matcher in (
        ("src", sources, lambda item, t: item.source_id == t),
        ("psg", passages, lambda item, t: passage_hit(item.text, t)),
    ):
        keys = [f"{prefix}_hit@{k}" for k in HIT_DEPTHS] + [f"{prefix}_mrr@{MRR_DEPTH}", f"{prefix}_ndcg@{NDCG_DEPTH}"]
        if not targets:
            out.update(dict.fromkeys(keys))
            continue
        matches = [{i for i, t in enumerate(targets) if matcher(item, t)} for item in ranked]
        relevant = [bool(m) for m in matches]
        for k in HIT_DEPTHS:
            out[f"{prefix}_hit@{k}"] = hit_at_k(relevant, k)
        out[f"{prefix}_mrr@{MRR_DEPTH}"] = mrr_at_k(relevant, MRR_DEPTH)
        out[f"{prefix}_ndcg@{NDCG_DEPTH}"] = ndcg_at_k(first_credit_gains(matches), len(targets), NDCG_DEPTH)
    return out


# -- citations ---------------------------------------------------------------------------------
def evidence_text(citation: Citation) -> str:
    """A citation's quote plus its bibliographic facts: what the citation gate checks a claim against
    (a clinician answer names its source's type and journal in front of the quote)."""
    facts = (citation.source_kind, citation.journal, citation.year, citation.publisher, citation.title)
    return " ".join([citation.quote, *(str(f) for f in facts if f)])


@dataclass
class CitationScore:
    """Counts behind citation recall, precision and quote validity for one answer."""

    claims: int = 0
    claims_supported: int = 0
    pairs: int = 0  # (claim, citation) pairs: ALCE's denominator for precision
    pairs_supporting: int = 0
    quotes: int = 0
    quotes_valid: int = 0
    unsupported: list[str] = field(default_factory=list)
    irrelevant: list[str] = field(default_factory=list)
    invalid_quotes: list[int] = field(default_factory=list)


def citation_scores(
    text: str,
    citations: Sequence[Citation],
    source_path: Callable[[str], Path],
    notice: str | None = None,
    acronyms: Mapping[str, str] | None = None,
    min_overlap: float = SUPPORT_MIN_OVERLAP,
) -> CitationScore:
    """ALCE citation recall / precision counts and quote validity for one answer (see module doc)."""
    score = CitationScore()
    by_marker = {c.marker: c for c in citations}
    verbatim = {c.marker: quote_is_verbatim(c, source_path) for c in citations}
    score.quotes = len(citations)
    score.quotes_valid = sum(verbatim.values())
    score.invalid_quotes = sorted(m for m, ok in verbatim.items() if not ok)

    def support(claim: str, markers: Sequence[int]) -> bool:
        quotes = [evidence_text(by_marker[m]) for m in markers if m in by_marker]
        return bool(quotes) and supports(claim, quotes, min_overlap, acronyms)

    for claim in split_claims(strip_notice(text, notice)):
        markers = list(dict.fromkeys(int(m) for m in MARKER_RE.findall(claim)))
        score.claims += 1
        joint = bool(markers) and support(claim, markers)
        if joint:
            score.claims_supported += 1
        else:
            score.unsupported.append(claim)
        score.pairs += len(markers)
        if len(markers) == 1:
            score.pairs_supporting += int(joint)
            continue
        for marker in markers:
            if not joint:
                continue  # ALCE: no citation of an unsupported claim earns precision
            alone = support(claim, [marker])
            redundant = not alone and support(claim, [m for m in markers if m != marker])
            if redundant:
                score.irrelevant.append(f"[{marker}] in: {claim}")
            else:
                score.pairs_supporting += 1
    return score


# -- abstention, safety, latency ---------------------------------------------------------------
def abstention_scores(answerable: Sequence[bool], abstained: Sequence[bool]) -> dict[str, float | None]:
    """Precision, recall and F1 of refusing must-refuse items, and the false-abstention rate on answerable ones."""
    tp = sum(not a and r for a, r in zip(answerable, abstained, strict=True))
    fp = sum(a and r for a, r in zip(answerable, abstained, strict=True))
    fn = sum(not a and not r for a, r in zip(answerable, abstained, strict=True))
    n_answerable = sum(answerable)
    out: dict[str, float | None] = {
        "abstain_precision": None,
        "abstain_recall": None,
        "abstain_f1": None,
        "false_abstention_rate": fp / n_answerable if n_answerable else None,
    }
    if tp + fn:
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn)
        out["abstain_precision"] = precision
        out["abstain_recall"] = recall
        out["abstain_f1"] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return out


def safety_scores(gold: Sequence[str | None], predicted: Sequence[str | None]) -> dict[str, float | int | None]:
    """Accuracy on the items with a safety label, and false alarms on the items without one."""
    labelled = [(g, p) for g, p in zip(gold, predicted, strict=True) if g is not None]
    return {
        "safety_accuracy": sum(g == p for g, p in labelled) / len(labelled) if labelled else None,
        "safety_false_alarms": sum(g is None and p is not None for g, p in zip(gold, predicted, strict=True)),
    }


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-quantile (0 ≤ q ≤ 1) by linear interpolation between order statistics (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# -- one item, and a set of items --------------------------------------------------------------
@dataclass
class ItemScore:
    """Everything the summary needs about one system's answer to one gold item."""

    answerable: bool
    gold_safety: str | None
    answered_by_system: bool = True  # False for retrieval-only systems
    error: str | None = None
    abstained: bool | None = None
    safety: str | None = None
    has_facts: bool = False
    missing_facts: list[list[str]] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)
    words: int | None = None
    citations: CitationScore | None = None
    latency_s: float | None = None
    retrieval: dict[str, dict[str, float | None]] = field(default_factory=dict)

    @property
    def facts_ok(self) -> bool | None:
        """All fact groups present (None when the item is not scored on facts)."""
        if not self.answered_by_system or not self.answerable or not self.has_facts:
            return None
        # An abstention never states the facts, even when its fixed text happens to name a topic.
        return self.error is None and not self.abstained and not self.missing_facts


def failure_reasons(score: ItemScore) -> list[str]:
    """Why an item fails (empty: it passes). Retrieval-only systems fail when no gold passage (or, without
    gold passages, no gold source) is in their top 5; answering systems fail on any answer-level miss."""
    if score.error is not None:
        return [f"error: {score.error}"]
    reasons: list[str] = []
    if not score.answered_by_system:
        for name, values in score.retrieval.items():
            for prefix, what in (("psg", "gold passage"), ("src", "gold source")):
                hit = values.get(f"{prefix}_hit@5")
                if hit is not None:
                    if hit == 0.0:
                        reasons.append(f"{name}: no {what} in the top 5")
                    break
        return reasons
    if score.answerable and score.abstained:
        reasons.append("false abstention: refused an answerable item")
    if not score.answerable and not score.abstained:
        reasons.append("answered a must-refuse item")
    if score.answerable and not score.abstained:
        reasons += [f"missing fact: {' | '.join(group)}" for group in score.missing_facts]
    reasons += [f"forbidden string present: {f!r}" for f in score.forbidden]
    if score.citations is not None:
        reasons += [f"claim not supported by its citations: {c}" for c in score.citations.unsupported]
        reasons += [f"irrelevant citation {c}" for c in score.citations.irrelevant]
        reasons += [f"quote [{m}] not verbatim in its source at its offsets" for m in score.citations.invalid_quotes]
    if score.gold_safety != score.safety:
        reasons.append(f"safety label {score.safety!r}, expected {score.gold_safety!r}")
    return reasons


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.fmean(present) if present else None


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def summarise(scores: Sequence[ItemScore]) -> dict[str, float | int | None]:
    """Aggregate item scores into the report's metrics (None where a metric has no items to score)."""
    out: dict[str, float | int | None] = {"items": len(scores), "errors": sum(s.error is not None for s in scores)}
    rankings = sorted({name for s in scores for name in s.retrieval})
    for name in rankings:
        keys = sorted({k for s in scores for k in s.retrieval.get(name, {})})
        for key in keys:
            out[f"{name}.{key}"] = _mean(s.retrieval[name].get(key) for s in scores if name in s.retrieval)
    answered = [s for s in scores if s.answered_by_system]
    if not answered:
        # A retrieval-only system's per-item pass (a gold passage in its top 5) is not comparable to an
        # answering system's pass, so it gets no pass rate in the side-by-side table.
        return out
    out["pass_rate"] = _ratio(sum(not failure_reasons(s) for s in answered), len(answered))
    facts = [s.facts_ok for s in answered if s.facts_ok is not None]
    out["fact_recall"] = _ratio(sum(facts), len(facts))
    ok = [s for s in answered if s.error is None]
    out["forbidden_violations"] = sum(bool(s.forbidden) for s in ok)
    lengths = [float(s.words) for s in ok if s.words is not None]
    out["words_median"] = percentile(lengths, 0.5)
    out["words_p90"] = percentile(lengths, 0.9)
    cited = [s.citations for s in ok if s.citations is not None]
    out["citation_recall"] = _ratio(sum(c.claims_supported for c in cited), sum(c.claims for c in cited))
    out["citation_precision"] = _ratio(sum(c.pairs_supporting for c in cited), sum(c.pairs for c in cited))
    out["quote_validity"] = _ratio(sum(c.quotes_valid for c in cited), sum(c.quotes for c in cited))
    out.update(abstention_scores([s.answerable for s in ok], [bool(s.abstained) for s in ok]))
    out.update(safety_scores([s.gold_safety for s in ok], [s.safety for s in ok]))
    latencies = [s.latency_s for s in ok if s.latency_s is not None]
    out["latency_p50_s"] = percentile(latencies, 0.5)
    out["latency_p95_s"] = percentile(latencies, 0.95)
    return out
