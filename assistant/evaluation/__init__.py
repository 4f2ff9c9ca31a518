"""The evaluation harness: gold items, metrics, the systems compared, the runner, the report and the gate.

>>> from assistant import Assistant
>>> from assistant.evaluation import evaluate, load_gold
>>> run = evaluate(Assistant.load(), load_gold(GOLD_PATH, "test"), ["full", "naive"], split="test")
>>> run.summaries["full"]["fact_recall"]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.evaluation.gate import GateConfig, GateResult, Thresholds, find_config, gate, load_configs
from assistant.evaluation.items import (
    EvalInputError,
    GoldItem,
    GoldSet,
    Prediction,
    load_gold,
    load_predictions,
    load_results,
    read_gold,
)
from assistant.evaluation.runner import EvalRun, run_eval
from assistant.settings import REPO_ROOT, Settings

if TYPE_CHECKING:
    from assistant.assistant import Assistant

GOLD_PATH = REPO_ROOT / "eval" / "gold.jsonl"
THRESHOLDS_PATH = REPO_ROOT / "eval" / "thresholds.toml"
OUT_DIR = REPO_ROOT / "eval" / "out"

__all__ = [
    "GOLD_PATH",
    "OUT_DIR",
    "THRESHOLDS_PATH",
    "EvalInputError",
    "EvalRun",
    "GateConfig",
    "GateResult",
    "GoldItem",
    "GoldSet",
    "Prediction",
    "Thresholds",
    "evaluate",
    "find_config",
    "gate",
    "load_configs",
    "load_gold",
    "load_predictions",
    "load_results",
    "read_gold",
    "run_eval",
    "scoring_context",
]


def scoring_context(settings: Settings) -> tuple[Callable[[str], Path], dict[str, str]]:
    """Source-file lookup and corpus acronyms from the corpus alone (no model, no index): enough to
    score a predictions file."""
    from assistant.corpus import load_corpus
    from assistant.query import learn_acronyms

    documents = load_corpus(settings.corpus_dir)
    files = {d.source_id: d.path for d in documents}

    def source_path(source_id: str) -> Path:
        return files[source_id]  # an unknown source id raises KeyError: its quotes count as not verbatim

    return source_path, learn_acronyms(d.text for d in documents)


def evaluate(
    bot: Assistant | None,
    items: Sequence[GoldItem],
    systems: Sequence[str],
    predictions: dict[str, Prediction] | None = None,
    split: str = "all",
    gold_path: Path | str = GOLD_PATH,
    progress: Callable[[str, GoldItem], None] | None = None,
    settings: Settings | None = None,
) -> EvalRun:
    """Run the named systems (see :data:`assistant.evaluation.systems.SYSTEM_NAMES`) over one loaded
    assistant, and the answers of a predictions file if given, on the same ``items``.

    Without systems, ``bot`` may be None: predictions are then scored against the corpus in
    ``settings`` without loading the model.
    """
    from assistant.evaluation.systems import EvalSystem, PredictionsSystem, build_systems

    built: list[EvalSystem] = []
    if systems:
        if bot is None:
            raise ValueError("running systems needs a loaded Assistant")
        built = build_systems(list(systems), bot)
    if predictions is not None:
        built.append(PredictionsSystem(predictions))
    source_path: Callable[[str], Path]
    if bot is not None:
        source_path, acronyms = bot.index.source_path, dict(bot.vocab.acronyms)
    else:
        source_path, acronyms = scoring_context(settings or Settings())
    run = run_eval(items, built, source_path, acronyms, split, str(gold_path), progress)
    for system in built:
        node_count = getattr(system, "node_count", None)
        if node_count is not None:
            run.notes.append(
                f"llama-index's default node parser made {node_count} nodes of the corpus files: its hit@5 spans "
                f"{min(5, node_count)} of them, so compare it by hit@1 and MRR"
            )
    return run
