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
@click.option("--history", "history_file", type=click.Path(dir_okay=False, path_type=Path),
              help="JSON file with earlier turns: [{'role': 'user'|'assistant', 'content': '...'}].")
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
        where = " › ".join(x for x in (c.title, c.context, c.section) if x)
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


if __name__ == "__main__":
    main()
