"""Run systems over gold items in one process, score every answer, and summarise overall and by group."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.evaluation.compare import Comparison
from assistant.evaluation.items import GoldItem
from assistant.evaluation.metrics import (
    ItemScore,
    citation_scores,
    failure_reasons,
    forbidden_found,
    missing_fact_groups,
    ranking_scores,
    strip_notice,
    summarise,
    word_count,
)
from assistant.evaluation.systems import EvalSystem, SystemOutput

BREAKDOWNS = ("category", "document", "audience")
NO_SOURCE = "(no source)"
NO_CATEGORY = "(no category)"
RANKED_TEXT_CHARS = 240


@dataclass
class ItemResult:
    """One system's output for one gold item, its scores and why it fails (if it does)."""

    item: GoldItem
    system: str
    output: SystemOutput
    score: ItemScore
    reasons: list[str]

    def to_json(self) -> dict[str, Any]:
        """The results.jsonl line: the answer, its citations, every metric and the pass/fail reasons."""
        s, out = self.score, self.output
        metrics: dict[str, Any] = {
            "facts_ok": s.facts_ok,
            "missing_facts": s.missing_facts,
            "forbidden": s.forbidden,
            "abstained": s.abstained,
            "safety": s.safety,
            "words": s.words,
            "latency_s": s.latency_s,
            "retrieval": s.retrieval,
        }
        if s.citations is not None:
            c = s.citations
            metrics["citations"] = {
                "claims": c.claims,
                "claims_supported": c.claims_supported,
                "citation_recall": c.claims_supported / c.claims if c.claims else None,
                "pairs": c.pairs,
                "pairs_supporting": c.pairs_supporting,
                "citation_precision": c.pairs_supporting / c.pairs if c.pairs else None,
                "quotes": c.quotes,
                "quotes_valid": c.quotes_valid,
            }
        return {
            "id": self.item.id,
            "system": self.system,
            "split": self.item.split,
            "category": self.item.category,
            "audience": self.item.audience,
            "sources": self.item.sources,
            "question": self.item.question,
            "answerable": self.item.answerable,
            "gold_safety": self.item.safety,
            "text": out.text,
            "citations": [c.model_dump(mode="json") for c in out.citations],
            "rankings": {
                name: [{"source_id": r.source_id, "text": _clip(r.text)} for r in ranked]
                for name, ranked in out.rankings.items()
            },
            "error": out.error,
            "metrics": metrics,
            "passed": not self.reasons,
            "reasons": self.reasons,
            # The gold line's own fields the harness does not know, kept for the evaluator's analysis.
            "extra_fields": self.item.extra_fields,
        }


def _clip(text: str, limit: int = RANKED_TEXT_CHARS) -> str:
    # Ranked texts are for a person checking a miss; a whole llama-index node would swamp the file.
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def score_output(
    item: GoldItem,
    output: SystemOutput,
    answers: bool,
    source_path: Callable[[str], Path],
    acronyms: Mapping[str, str] | None = None,
) -> ItemScore:
    """Score one output against its gold item (pure apart from reading the cited source files)."""
    score = ItemScore(
        answerable=item.answerable,
        gold_safety=item.safety,
        answered_by_system=answers,
        error=output.error,
        has_facts=bool(item.facts),
    )
    score.retrieval = {
        name: ranking_scores(ranked, item.sources, item.passages) for name, ranked in output.rankings.items()
    }
    if not answers or output.error is not None or output.text is None:
        return score
    score.abstained = bool(output.abstained)
    score.safety = output.safety
    score.latency_s = output.latency_s
    body = strip_notice(output.text, output.notice)
    # Facts and forbidden strings are checked against everything the reader sees, notice included
    # (an emergency item's gold facts may be the notice's "911").
    score.missing_facts = missing_fact_groups(output.text, item.facts)
    score.forbidden = forbidden_found(output.text, item.forbidden)
    if not score.abstained:
        score.words = word_count(body)
        score.citations = citation_scores(output.text, output.citations, source_path, output.notice, acronyms)
    return score


@dataclass
class EvalRun:
    """Everything one eval run produced: per-item results, and summaries overall and by group."""

    split: str
    gold_path: str
    systems: list[str]
    descriptions: dict[str, str]
    answering: dict[str, bool]
    results: list[ItemResult]
    summaries: dict[str, dict[str, float | int | None]] = field(default_factory=dict)
    breakdowns: dict[str, dict[str, dict[str, dict[str, float | int | None]]]] = field(default_factory=dict)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    unsplit: int = 0  # items without a split, which every split's run includes
    corpus: list[str] = field(default_factory=list)  # the corpus folders, when not the configured one
    overrides: dict[str, str] = field(default_factory=dict)  # settings changed for this run (--set)
    comparison: Comparison | None = None  # pass/fail changes against an earlier run (--compare)

    def results_of(self, system: str) -> list[ItemResult]:
        """The results of one system, in gold order."""
        return [r for r in self.results if r.system == system]


def groups_of(item: GoldItem, dimension: str) -> list[str]:
    """The groups an item belongs to in a breakdown (an item with several sources counts for each)."""
    if dimension == "category":
        return [item.category or NO_CATEGORY]
    if dimension == "audience":
        return [item.audience]
    if dimension == "document":
        return list(dict.fromkeys(item.sources)) or [NO_SOURCE]
    raise ValueError(f"unknown breakdown {dimension!r}")


def summarise_run(run: EvalRun) -> None:
    """Fill ``run.summaries`` and ``run.breakdowns`` from ``run.results``."""
    for system in run.systems:
        results = run.results_of(system)
        run.summaries[system] = summarise([r.score for r in results])
        by_dimension: dict[str, dict[str, dict[str, float | int | None]]] = {}
        for dimension in BREAKDOWNS:
            grouped: dict[str, list[ItemScore]] = {}
            for r in results:
                for group in groups_of(r.item, dimension):
                    grouped.setdefault(group, []).append(r.score)
            by_dimension[dimension] = {g: summarise(scores) for g, scores in sorted(grouped.items())}
        run.breakdowns[system] = by_dimension


def run_eval(
    items: Sequence[GoldItem],
    systems: Sequence[EvalSystem],
    source_path: Callable[[str], Path],
    acronyms: Mapping[str, str] | None = None,
    split: str = "all",
    gold_path: str = "",
    progress: Callable[[str, GoldItem], None] | None = None,
) -> EvalRun:
    """Run every system on every item (each system warmed up first) and score the outputs.

    ``progress`` is called after each (system, item); an exception while answering an item is
    recorded as that item's failure and the run goes on.
    """
    started = time.perf_counter()
    run = EvalRun(
        split=split,
        gold_path=gold_path,
        systems=[s.name for s in systems],
        descriptions={s.name: s.description for s in systems},
        answering={s.name: s.answers for s in systems},
        results=[],
        unsplit=sum(item.split is None for item in items),
    )
    for system in systems:
        # A warm-up failure shows up again, per item, where it is recorded.
        with contextlib.suppress(Exception):
            system.warm_up()
    per_system: dict[str, list[ItemResult]] = {s.name: [] for s in systems}
    # Item by item, every system in turn: whatever else loads the machine meanwhile lands on all
    # systems alike, so their latencies stay comparable.
    for item in items:
        for system in systems:
            try:
                output = system.run(item)
            except Exception as exc:  # systems record their own failures; this is the last line of defence
                output = SystemOutput(error=f"{type(exc).__name__}: {exc}")
            try:
                score = score_output(item, output, system.answers, source_path, acronyms)
            except Exception as exc:
                output.error = f"scoring: {type(exc).__name__}: {exc}"
                score = ItemScore(item.answerable, item.safety, system.answers, error=output.error)
            per_system[system.name].append(ItemResult(item, system.name, output, score, failure_reasons(score)))
            if progress is not None:
                progress(system.name, item)
    run.results = [r for s in systems for r in per_system[s.name]]
    summarise_run(run)
    run.seconds = time.perf_counter() - started
    return run
