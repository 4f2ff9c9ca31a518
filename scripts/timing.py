"""Timing helpers the benchmark scripts share (scripts/bench.py, scripts/scale_bench.py)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any


def percentile(values: list[float], q: float) -> float:
    """The value at quantile ``q`` (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def warm_ask_times(bot: Any, questions: Sequence[str], repeats: int) -> tuple[list[float], list[float]]:
    """Seconds of one query embedding and of one warm ``ask``, per question and repeat (after a warm-up pass)."""
    from assistant.embeddings import embed_query

    for question in questions:  # warm-up pass: model, caches, spelling index
        bot.ask(question)
    embed_times, ask_times = [], []
    for _ in range(repeats):
        for question in questions:
            start = time.perf_counter()
            embed_query(question)
            embed_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            bot.ask(question)
            ask_times.append(time.perf_counter() - start)
    return embed_times, ask_times
