"""Benchmark: index build time, cold start (process start to first answer), warm ask p50/p95, and
the time of one query embedding measured in the same run. Prints figures; asserts nothing.

    .venv/bin/python scripts/bench.py [--repeats 5] [--json]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click
from timing import percentile, warm_ask_times  # scripts/timing.py, beside this script

os.environ.setdefault("HF_HUB_OFFLINE", "1")

QUESTIONS = [
    "What does ASPS stand for?",
    "What are the symptoms of hemangiopericytoma?",
    "What causes hemangiopericytoma?",
    "How is hemangiopericytoma diagnosed?",
    "Does chemo work for ASPS?",
    "What is the five-year survival rate for ASPS?",
    "my son has a lump that doesn't hurt",
    "HPC dx procedure",
    "What did Onoki et al. do at T5-T7?",
    "How long after the primary tumor did the spinal metastasis appear?",
    "How long does it take to recover from limb-sparing surgery?",
    "What is the capital of France?",
    "Is radiation used for hemangiopericytoma?",
    "What is rotationplasty?",
    "What is arterial embolization?",
]

COLD_START = (
    "import time, sys; t0 = float(sys.argv[1]);"
    "from assistant import Assistant; bot = Assistant.load(); bot.ask('What does ASPS stand for?');"
    "print(time.time() - t0)"
)


@click.command()
@click.option("--repeats", default=5, show_default=True, help="Times each question is asked warm.")
@click.option("--as-json", "as_json", is_flag=True, help="Print the figures as JSON.")
def main(repeats: int, as_json: bool) -> None:
    """Measure build, cold start and warm latency of the default (extractive) assistant."""
    from assistant import Assistant, Settings
    from assistant.embeddings import load_embed_model
    from assistant.index import build_index

    figures: dict[str, float] = {}
    started = time.perf_counter()
    load_embed_model()
    figures["model_load_s"] = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data")
        started = time.perf_counter()
        build_index(settings, show_progress=False)
        figures["index_build_s"] = time.perf_counter() - started  # model already loaded

        env = {**os.environ, "ASSISTANT_DATA_DIR": str(settings.data_dir)}
        cold = []
        for _ in range(2):
            out = subprocess.run(
                [sys.executable, "-c", COLD_START, repr(time.time())],
                capture_output=True,
                text=True,
                env=env,
                check=True,
            )
            cold.append(float(out.stdout.strip().splitlines()[-1]))
        figures["cold_start_s"] = min(cold)

        bot = Assistant.load(settings)
        embed_times, ask_times = warm_ask_times(bot, QUESTIONS, repeats)
    figures["query_embedding_ms_p50"] = statistics.median(embed_times) * 1000
    figures["ask_ms_p50"] = statistics.median(ask_times) * 1000
    figures["ask_ms_p95"] = percentile(ask_times, 0.95) * 1000
    figures["ask_p95_over_embedding"] = figures["ask_ms_p95"] / figures["query_embedding_ms_p50"]
    figures["asks"] = len(ask_times)
    if as_json:
        click.echo(json.dumps({k: round(v, 3) for k, v in figures.items()}, indent=2))
        return
    click.echo(f"embedding model load      {figures['model_load_s']:8.2f} s")
    click.echo(f"index build (model warm)  {figures['index_build_s']:8.2f} s")
    click.echo(f"cold start to 1st answer  {figures['cold_start_s']:8.2f} s  (new process, index built)")
    click.echo(f"one query embedding p50   {figures['query_embedding_ms_p50']:8.2f} ms")
    click.echo(f"warm ask p50              {figures['ask_ms_p50']:8.2f} ms")
    click.echo(
        f"warm ask p95              {figures['ask_ms_p95']:8.2f} ms  "
        f"({figures['ask_p95_over_embedding']:.2f}x one query embedding, {int(figures['asks'])} asks)"
    )


if __name__ == "__main__":
    main()
