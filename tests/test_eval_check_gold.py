"""eval/check_gold.py, run as `make test` runs it: a gold file whose facts or passages are not verbatim in
its corpus fails, naming the file, line and field; several corpus folders are checked as one."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from assistant.settings import REPO_ROOT

SCRIPT = REPO_ROOT / "eval" / "check_gold.py"
MINI = Path(__file__).resolve().parent / "fixtures" / "mini-corpus"
MINI_GOLD = MINI / "gold.jsonl"


def check_gold(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True, timeout=60, cwd=REPO_ROOT
    )


def gold_lines() -> list[dict[str, object]]:
    return [json.loads(line) for line in MINI_GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


def write(path: Path, items: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    return path


def test_the_repository_gold_file_passes() -> None:
    proc = check_gold("--quiet")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("OK: ")


def test_a_gold_file_on_its_own_corpus_passes_and_unknown_fields_get_one_warning() -> None:
    proc = check_gold("--corpus", MINI, "--gold", MINI_GOLD)
    assert proc.returncode == 0, proc.stderr
    assert "OK: 5 items" in proc.stdout and "By split" in proc.stdout
    warnings = [line for line in proc.stderr.splitlines() if "unknown field" in line]
    assert len(warnings) == 1 and "'origin'" in warnings[0]


def test_a_fact_or_passage_not_verbatim_in_its_source_fails_naming_line_and_field(tmp_path: Path) -> None:
    items = gold_lines()
    items[0]["facts"] = [["benign"], ["malignant bone tumor"]]  # not what the page says
    items[1]["passages"] = ["The usual treatment is curettage, in which the surgeon scrapes out the tumor."]
    items[3]["facts"] = [["spreads quickly"]]  # an item without passages: checked against its source file
    gold = write(tmp_path / "gold.jsonl", items)
    proc = check_gold("--corpus", MINI, "--gold", gold)
    assert proc.returncode == 1
    assert f"{gold}, line 1, field 'facts[1][0]': 'malignant bone tumor' does not occur" in proc.stderr
    assert f"{gold}, line 2, field 'passages[0]': not a verbatim substring" in proc.stderr
    assert f"{gold}, line 4, field 'facts[0][0]': 'spreads quickly' does not occur in the item's source files" in (
        proc.stderr
    )
    assert "FAILED: " in proc.stderr


def test_missing_required_fields_and_unknown_sources_are_all_reported(tmp_path: Path) -> None:
    items = gold_lines()
    del items[0]["facts"]
    items[2]["sources"] = ["mini-osteoma"]
    items[4]["split"] = ""
    proc = check_gold("--corpus", MINI, "--gold", write(tmp_path / "gold.jsonl", items))
    assert proc.returncode == 1
    assert "line 1, field 'facts': missing required field" in proc.stderr
    assert "line 3, field 'sources[0]': 'mini-osteoma' is not a document of the corpus manifest(s)" in proc.stderr
    assert "line 5, field 'split': wrong type or empty" in proc.stderr


def test_several_corpus_folders_are_one_corpus_and_an_id_clash_is_refused(tmp_path: Path) -> None:
    # The seed corpus and the fixture together: the fixture's gold file checks against both.
    proc = check_gold("--quiet", "--corpus", REPO_ROOT / "corpus", "--corpus", MINI, "--gold", MINI_GOLD)
    assert proc.returncode == 0, proc.stderr
    clash = tmp_path / "clash"
    shutil.copytree(MINI, clash)
    proc = check_gold("--corpus", MINI, "--corpus", clash, "--gold", MINI_GOLD)
    assert proc.returncode == 1
    assert f"document id 'mini-chondroblastoma' is in both {MINI} and {clash}" in proc.stderr
    proc = check_gold("--corpus", tmp_path, "--gold", MINI_GOLD)
    assert proc.returncode == 1 and "no manifest.json" in proc.stderr
