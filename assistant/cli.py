"""Command line: a thin click adapter over the Python API (``assistant --help``)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from assistant.errors import AssistantError
from assistant.settings import Settings


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


@click.group()
@click.version_option(package_name="rare-tumour-assistant")
def main() -> None:
    """Ask a small set of documents about rare tumours; every sentence of an answer is cited.

    Settings come from ASSISTANT_* environment variables (see README).
    """


@main.command()
@click.option("--rebuild", is_flag=True, help="Rebuild even if the stored index is current (mends a corrupt one).")
def index(rebuild: bool) -> None:
    """Build the FAISS + BM25 index of the corpus (only if missing or stale, unless --rebuild)."""
    from assistant.index import build_index, index_dir, load_index, read_manifest, stale_reasons

    settings = Settings()
    try:
        manifest = None if rebuild else read_manifest(settings)
        if manifest is not None and not stale_reasons(settings, manifest):
            load_index(settings)  # verifies every stored file
            click.echo(f"Index in {index_dir(settings)} is up to date ({manifest['counts']}).")
            return
        started = time.perf_counter()
        manifest = build_index(settings, show_progress=True)
    except AssistantError as exc:
        _fail(str(exc))
        return
    click.echo(
        f"Built the index in {index_dir(settings)} in {time.perf_counter() - started:.1f} s: {manifest['counts']}"
    )


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON (the API's Answer.to_dict()).")
@click.option(
    "--audience",
    type=click.Choice(["family", "clinician"]),
    default="family",
    show_default=True,
    help="Plain, kind answers for families; terse, fact-first answers for clinicians.",
)
@click.option(
    "--history",
    "history_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="JSON file with earlier turns: [{'role': 'user'|'assistant', 'content': '...'}].",
)
def ask(question: str, as_json: bool, audience: str, history_file: Path | None) -> None:
    """Answer QUESTION from the documents, with numbered citations and verbatim quotes."""
    from assistant import Assistant
    from assistant.assistant import validate_question

    history = []
    try:
        validate_question(question, Settings().max_question_chars)  # fail fast, before loading the model
        if history_file is not None:
            try:
                history = json.loads(history_file.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                _fail(f"{history_file}: cannot read the history ({exc})")
        bot = Assistant.load()
        answer = bot.ask(question, history=history, audience=audience)
    except AssistantError as exc:
        _fail(str(exc))
        return
    if as_json:
        click.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(answer.text)
    for c in answer.citations:
        where = " › ".join(dict.fromkeys(x for x in (c.title, c.context, c.section) if x))
        click.echo(f"\n[{c.marker}] {where} ({c.source_id}, characters {c.start}-{c.end})")
        click.echo("    “" + " ".join(c.quote.split()) + "”")


@main.command()
@click.option("--host", default=None, help="Interface to bind (default: settings, 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port to listen on (default: settings, 7860).")
def serve(host: str | None, port: int | None) -> None:
    """Serve the chat UI (Gradio) on HOST:PORT."""
    from assistant.ui import serve as serve_ui

    settings = Settings()
    try:
        serve_ui(settings, host=host or settings.host, port=port or settings.port)
    except AssistantError as exc:
        _fail(str(exc))


@main.command("eval")
@click.option(
    "--gold",
    "gold_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Gold JSONL file (default: eval/gold.jsonl). Its shape is described in the README.",
)
@click.option(
    "--split",
    default=None,
    help="Which gold items to run: a split name of the file (dev, test, ...) or 'all'; items without a "
    "split are in every run. Default: test.",
)
@click.option(
    "--corpus",
    "corpus_dirs",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Run on this corpus folder (repeat to combine several) instead of the configured one; its index "
    "is kept under data/eval-corpora/, keyed by the corpus content.",
)
@click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="FIELD=VALUE",
    help="Override a setting for this run (repeatable), e.g. --set answer_max_words=80; recorded in the report.",
)
@click.option(
    "--compare",
    "compare_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="An earlier run's folder (or its results.jsonl): the report lists the items whose pass/fail changed.",
)
@click.option(
    "--config",
    "config_name",
    default=None,
    help="Run a configuration of the thresholds file (its corpus, gold file and split) and gate it.",
)
@click.option(
    "--systems",
    default=None,
    help="Comma-separated: full,bm25,dense,naive,llamaindex (default: all of them; none with --predictions).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for report.md, report.html and results.jsonl (default: eval/out).",
)
@click.option(
    "--predictions",
    "predictions_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="JSONL of another system's answers (id, text, citations, abstained) to score the same way.",
)
@click.option(
    "--thresholds",
    "thresholds_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Gate configurations (default: eval/thresholds.toml).",
)
@click.option(
    "--gate/--no-gate",
    default=True,
    show_default=True,
    help="Exit 1 when the full system misses the bounds of the thresholds configuration this run matches.",
)
def eval_command(
    gold_path: Path | None,
    split: str | None,
    corpus_dirs: tuple[Path, ...],
    assignments: tuple[str, ...],
    compare_dir: Path | None,
    config_name: str | None,
    systems: str | None,
    out_dir: Path | None,
    predictions_path: Path | None,
    thresholds_path: Path | None,
    gate: bool,
) -> None:
    """Score the assistant and baselines on a gold set; write report.md, report.html and results.jsonl."""
    from tqdm import tqdm

    from assistant import Assistant
    from assistant.evaluation import GOLD_PATH, OUT_DIR, THRESHOLDS_PATH, evaluate, find_config, load_configs
    from assistant.evaluation import gate as check_gate
    from assistant.evaluation.compare import compare_runs
    from assistant.evaluation.environment import eval_settings, override_settings, parse_assignments
    from assistant.evaluation.gate import GateResult, not_applied
    from assistant.evaluation.items import load_predictions, load_results, read_gold
    from assistant.evaluation.report import comparison_table, markdown_table, write_report
    from assistant.evaluation.systems import SYSTEM_NAMES

    out_dir = out_dir or OUT_DIR
    thresholds_path = thresholds_path or THRESHOLDS_PATH
    if systems is None:
        systems = "" if predictions_path else ",".join(SYSTEM_NAMES)
    names = [n.strip() for n in systems.split(",") if n.strip()]
    unknown = [n for n in names if n not in SYSTEM_NAMES]
    if unknown:
        _fail(f"unknown system(s) {', '.join(unknown)}; choose from {', '.join(SYSTEM_NAMES)}")
    if not names and predictions_path is None:
        _fail("nothing to evaluate: give --systems and/or --predictions")
    try:
        overrides = parse_assignments(assignments)
        base = Settings()
        configured = override_settings(base, overrides)  # a bad --set fails here, before anything loads
        configs = load_configs(thresholds_path) if (gate and "full" in names) or config_name else {}
        config = None
        if config_name is not None:
            if gold_path or split or corpus_dirs:
                _fail(
                    "--config sets the corpus, gold file and split; do not combine it with --corpus, --gold or --split"
                )
            if config_name not in configs:
                _fail(f"{thresholds_path} has no configuration {config_name!r}; it has {', '.join(configs)}")
            config = configs[config_name]
            corpus_dirs, gold_path, split = tuple(config.corpus), config.gold, config.split
        gold_path = gold_path or GOLD_PATH
        split = split or "test"
        gold = read_gold(gold_path)
        for warning in gold.warnings:
            click.echo(f"Warning: {warning}", err=True)
        items = gold.select(split)
        if not items:
            _fail(f"{gold_path}: no items in the {split} split")
        predictions = None
        if predictions_path is not None:
            predictions = load_predictions(predictions_path, {i.id for i in gold.items})
        earlier = load_results(compare_dir) if compare_dir is not None else None
        run_corpus = list(corpus_dirs) or [configured.corpus_dir]
        if config is None and gate and "full" in names:
            config = find_config(configs, run_corpus, gold_path, split)
        with eval_settings(base, corpus_dirs, overrides) as settings:
            bot = Assistant.load(settings, show_progress=True) if names else None
            total = len(items) * (len(names) + (predictions is not None))
            with tqdm(total=total, desc="eval", unit="item") as bar:

                def advance(system: str, item: object) -> None:
                    bar.set_postfix_str(system)
                    bar.update()

                run = evaluate(bot, items, names, predictions, split, gold_path, advance, settings)
    except AssistantError as exc:
        _fail(str(exc))
        return
    run.corpus = [str(d) for d in corpus_dirs]
    run.overrides = overrides
    if earlier is not None and compare_dir is not None:
        run.comparison = compare_runs(run.results, earlier, str(compare_dir))
    command = ["assistant eval"]
    command += [f"--config {config_name}"] if config_name else [f"--gold {gold_path}", f"--split {split}"]
    command += [f"--corpus {d}" for d in corpus_dirs] if not config_name else []
    command += [f"--set {k}={v}" for k, v in overrides.items()]
    command += [f"--systems {','.join(names)}"] if names else []
    command += [f"--predictions {predictions_path}"] if predictions_path else []
    run.notes.insert(0, "reproduce: " + " ".join(command))
    verdict: GateResult | None = None
    if gate and "full" in names:
        if config is not None:
            verdict = check_gate(run.summaries, config)
        else:
            verdict = not_applied(f"no configuration of {thresholds_path} has this corpus, gold file and split")
    paths = write_report(run, out_dir, verdict)
    header, rows = comparison_table(run)
    click.echo(markdown_table(header, rows))
    if run.comparison is not None:
        click.echo(f"\n{run.comparison.summary()}")
    click.echo(f"\nWrote {paths['md']}, {paths['html']} and {paths['jsonl']} ({run.seconds:.1f} s).")
    if verdict is not None:
        click.echo(verdict.message)
        if not verdict.passed:
            sys.exit(1)


@main.group()
def feedback() -> None:
    """Ratings people gave answers in the chat UI (stored in the SQLite file ASSISTANT_FEEDBACK_DB)."""


@feedback.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl"]),
    default="csv",
    show_default=True,
    help="CSV (citations as a JSON column) or JSON Lines (one object per rating).",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: standard output).",
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Feedback database (default: settings, data/feedback.sqlite3).",
)
def feedback_export(fmt: str, out_path: Path | None, db_path: Path | None) -> None:
    """Write every stored rating with its time, question, answer, comment and citations."""
    import sqlite3

    from assistant.feedback import FeedbackStore

    db_path = db_path or Settings().feedback_db
    if not db_path.is_file():
        _fail(f"{db_path}: no feedback database yet (it is created when the first answer is rated)")
    try:
        store = FeedbackStore(db_path)
        if out_path is None:
            count = store.export(fmt, sys.stdout)
        else:
            # newline="" lets the csv module write its own line endings unchanged.
            with out_path.open("w", encoding="utf-8", newline="") as out:
                count = store.export(fmt, out)
    except (AssistantError, OSError, sqlite3.DatabaseError) as exc:
        _fail(f"{db_path}: {exc}")
        return
    if out_path is not None:
        click.echo(f"Wrote {count} rating(s) to {out_path}.", err=True)


if __name__ == "__main__":
    main()
