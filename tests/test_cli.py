"""The CLI is a thin adapter: its JSON has the API's shape; bad input exits non-zero with a message."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant import Assistant, Settings
from assistant.cli import main


@pytest.fixture()
def env(settings: Settings, bot: Assistant) -> dict[str, str]:
    """Point the CLI at the session's already-built index."""
    return {"ASSISTANT_CORPUS_DIR": str(settings.corpus_dir), "ASSISTANT_DATA_DIR": str(settings.data_dir)}


def test_ask_json_has_the_api_shape(bot: Assistant, env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["ask", "What does ASPS stand for?", "--json"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    expected = bot.ask("What does ASPS stand for?").to_dict()
    assert set(data) == set(expected)
    assert data["text"] == expected["text"] and data["citations"] == expected["citations"]


def test_ask_prints_answer_and_quotes(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["ask", "Does chemo work for ASPS?"], env=env)
    assert result.exit_code == 0, result.output
    assert "unresponsive to chemotherapy. [1]" in result.output
    assert "[1] Alveolar Soft Part Sarcoma (ASPS)" in result.output


def test_ask_with_history_file(env: dict[str, str], tmp_path: Path) -> None:
    history = tmp_path / "history.json"
    history.write_text(json.dumps([{"role": "user", "content": "Tell me about alveolar soft part sarcoma"}]))
    result = CliRunner().invoke(main, ["ask", "What are its symptoms?", "--history", str(history), "--json"], env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["citations"][0]["source_id"] == "dfci-alveolar-soft-part-sarcoma"
    history.write_text("{broken")
    result = CliRunner().invoke(main, ["ask", "What are its symptoms?", "--history", str(history)], env=env)
    assert result.exit_code == 2 and "cannot read the history" in result.output


@pytest.mark.parametrize(
    ("question", "message"),
    [("", "empty"), ("   ", "empty"), ("why " * 1000, "limit"), ("\x01\x02\x03", "does not look like text")],
)
def test_bad_questions_exit_non_zero_with_a_message(env: dict[str, str], question: str, message: str) -> None:
    result = CliRunner().invoke(main, ["ask", question], env=env)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_binary_junk_in_a_real_process_gives_no_traceback(env: dict[str, str]) -> None:
    junk = os.fsdecode(b"\xff\xfe\x00junk"[:2] + b"junk")  # undecodable bytes, as a shell would pass them
    proc = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", junk],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )
    assert proc.returncode == 2
    assert "Error:" in proc.stderr and "Traceback" not in proc.stderr


def test_abstention_through_the_cli(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["ask", "What is the capital of France?", "--json"], env=env)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["abstained"] is True and data["citations"] == []


HEAVY_LIBRARIES = ("torch", "llama_index", "gradio", "transformers", "sentence_transformers", "faiss")


@pytest.mark.parametrize("command", [["--help"], ["feedback", "export", "--format", "jsonl"]])
def test_help_and_feedback_export_load_no_model_search_or_ui_library(tmp_path: Path, command: list[str]) -> None:
    from assistant.feedback import FeedbackStore

    db = tmp_path / "feedback.sqlite3"
    FeedbackStore(db).add("up", "What is it?", "It is a tumour. [1]", [], comment="", audience="family")
    if command[0] == "feedback":
        command = [*command, "--db", str(db)]
    # A fresh interpreter: this test process has already imported everything.
    code = (
        "import json, sys\n"
        "from click.testing import CliRunner\n"
        "from assistant.cli import main\n"
        "result = CliRunner().invoke(main, json.loads(sys.argv[1]))\n"
        "heavy = [m for m in json.loads(sys.argv[2]) if m in sys.modules]\n"
        "print(json.dumps({'exit': result.exit_code, 'output': result.output, 'heavy': heavy}))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, json.dumps(command), json.dumps(HEAVY_LIBRARIES)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.splitlines()[-1])
    assert report["exit"] == 0, report["output"]
    assert report["heavy"] == [], f"`assistant {' '.join(command)}` imported {report['heavy']}"
    expected = "Usage:" if command[0] == "--help" else "It is a tumour."
    assert expected in report["output"]


def test_an_emergency_in_a_real_process_exits_cleanly(env: dict[str, str]) -> None:
    """The emergency reply leaves no model work running behind it (which aborted the process at exit)."""
    proc = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", "My daughter is not breathing"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-500:]
    assert "911" in proc.stdout and "terminate called" not in proc.stderr
