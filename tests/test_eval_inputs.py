"""What an evaluator brings to the eval: their own gold file (documented shape, optional split and category,
unknown fields kept), their own corpus (--corpus, several combined), settings for one run (--set), an
earlier run to compare with (--compare); and the report's shape for such a file.

Runs that need answers use the real model and index (the fixture corpus in tests/fixtures/mini-corpus,
written for these tests); the rest scores predictions files, which needs no model.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant import Assistant, Settings
from assistant.cli import main
from assistant.evaluation.environment import combine_corpora, eval_settings, override_settings, parse_assignments
from assistant.evaluation.items import EvalInputError, read_gold
from assistant.index import ensure_index
from assistant.settings import REPO_ROOT

CORPUS = REPO_ROOT / "corpus"
MINI = Path(__file__).resolve().parent / "fixtures" / "mini-corpus"
MINI_GOLD = MINI / "gold.jsonl"
ASPS = "dfci-alveolar-soft-part-sarcoma"
DEFINITION = (
    "Alveolar soft part sarcoma (ASPS) is a malignant soft tissue tumor, which is a tumor that starts in the soft "
    "connective tissues of the body such as fat, muscles, or nerves."
)
# The evaluator file: the documented required fields, no split or category, a field of their own.
EVALUATOR_ITEMS: list[dict[str, object]] = [
    {"id": "q1", "question": "What does ASPS stand for?", "answerable": True,
     "facts": [["alveolar soft part sarcoma"]], "sources": [ASPS], "origin": "nurse survey"},
    {"id": "q2", "question": "What is the capital of France?", "answerable": False, "facts": [], "sources": [],
     "forbidden": ["Paris"], "origin": "made up"},
]  # fmt: skip


def write_jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def citation(quote: str) -> dict[str, object]:
    start = (CORPUS / f"{ASPS}.txt").read_text(encoding="utf-8").index(quote)
    return {"marker": 1, "source_id": ASPS, "title": "ASPS", "quote": quote, "start": start, "end": start + len(quote)}


GOOD = {"id": "q1", "text": f"{DEFINITION} [1]", "citations": [citation(DEFINITION)], "abstained": False}
REFUSED = {"id": "q2", "text": "The documents do not say.", "abstained": True}


# -- gold files --------------------------------------------------------------------------------
def test_an_evaluators_file_in_the_documented_shape_is_accepted(tmp_path: Path) -> None:
    gold = read_gold(write_jsonl(tmp_path / "mine.jsonl", EVALUATOR_ITEMS))
    assert [i.id for i in gold.items] == ["q1", "q2"]
    assert gold.items[0].split is None and gold.items[0].category is None and gold.items[0].passages == []
    assert gold.items[0].extra_fields == {"origin": "nurse survey"}
    assert gold.warnings == [
        f"{tmp_path / 'mine.jsonl'}: unknown field(s) kept in results.jsonl and otherwise ignored: 'origin' (lines 1-2)"
    ]
    # Without splits in the file, every split's run is every item.
    assert [i.id for i in gold.select("test")] == ["q1", "q2"]


def test_items_without_a_split_are_in_every_split_and_a_split_is_any_name(tmp_path: Path) -> None:
    rows = [
        {**EVALUATOR_ITEMS[0], "split": "extra"},
        {**EVALUATOR_ITEMS[1], "split": "test"},
        {**EVALUATOR_ITEMS[0], "id": "q3"},
    ]
    gold = read_gold(write_jsonl(tmp_path / "gold.jsonl", rows))
    assert gold.splits == ["extra", "test"]
    assert [i.id for i in gold.select("extra")] == ["q1", "q3"]
    assert [i.id for i in gold.select("test")] == ["q2", "q3"]
    assert [i.id for i in gold.select("all")] == ["q1", "q2", "q3"]
    with pytest.raises(EvalInputError, match=r"no item has split 'tset'; its splits are extra, test"):
        gold.select("tset")


def test_every_problem_of_a_file_is_reported_together_with_line_and_field(tmp_path: Path) -> None:
    no_facts = {k: v for k, v in EVALUATOR_ITEMS[0].items() if k != "facts"}
    rows: list[object] = [
        {**no_facts, "id": "a"},
        "{broken",
        {**EVALUATOR_ITEMS[1], "answerable": "maybe", "split": ""},
        {**EVALUATOR_ITEMS[0], "id": "a"},
        {**no_facts, "id": "b", "sources": "not a list"},
        ["a list"],
    ]
    path = write_jsonl(tmp_path / "gold.jsonl", rows)
    with pytest.raises(EvalInputError) as error:
        read_gold(path)
    lines = str(error.value).splitlines()
    assert lines[0] == f"{path}: 7 problems"
    assert lines[1:] == [
        f"{path}, lines 1, 5, field 'facts': Field required",
        f"{path}, line 2: not valid JSON (Expecting property name enclosed in double quotes at column 2)",
        f"{path}, line 3, field 'answerable': Input should be a valid boolean, unable to interpret input",
        f"{path}, line 3, field 'split': String should have at least 1 character",
        f"{path}, line 4, field 'id': 'a' already used on line 1",
        f"{path}, line 5, field 'sources': Input should be a valid list",
        f"{path}, line 6: expected a JSON object, got list",
    ]


# -- settings for one run ----------------------------------------------------------------------
def test_set_overrides_a_setting_validated_by_the_settings_model() -> None:
    base = Settings()
    changed = override_settings(base, parse_assignments(["answer_max_words=80", "selection_margin = 0.3"]))
    assert changed.answer_max_words == 80 and changed.selection_margin == 0.3
    assert changed.corpus_dir == base.corpus_dir and base.answer_max_words != 80
    with pytest.raises(EvalInputError, match=r"--set answer_max_word: Settings has no field 'answer_max_word'; "
                                             r"did you mean answer_max_words"):  # fmt: skip
        override_settings(base, {"answer_max_word": "80"})
    with pytest.raises(EvalInputError, match=r"--set answer_max_words='many': Input should be a valid integer"):
        override_settings(base, {"answer_max_words": "many"})
    with pytest.raises(EvalInputError, match=r"--set answer_max_words='5': Input should be greater than or equal"):
        override_settings(base, {"answer_max_words": "5"})
    with pytest.raises(EvalInputError, match=r"--set expects FIELD=VALUE, got 'answer_max_words'"):
        parse_assignments(["answer_max_words"])
    with pytest.raises(EvalInputError, match=r"--set rrf_k is given twice"):
        parse_assignments(["rrf_k=1", "rrf_k=2"])


# -- corpora -----------------------------------------------------------------------------------
def test_corpus_folders_combine_into_one_manifest_and_clashes_are_refused(tmp_path: Path) -> None:
    combined = combine_corpora([CORPUS, MINI], tmp_path / "combined")
    manifest = json.loads((combined / "manifest.json").read_text(encoding="utf-8"))
    seed_ids = [d["id"] for d in json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))["documents"]]
    assert [d["id"] for d in manifest["documents"]] == [*seed_ids, "mini-chondroblastoma", "mini-desmoid-tumour"]
    copied = {p.name for p in combined.iterdir()}
    assert copied == {"manifest.json", *(d["file"] for d in manifest["documents"])}  # gold.jsonl is no document
    assert (combined / "chondroblastoma.txt").read_bytes() == (MINI / "chondroblastoma.txt").read_bytes()
    clash = tmp_path / "clash"
    shutil.copytree(MINI, clash)
    with pytest.raises(EvalInputError) as error:
        combine_corpora([MINI, clash], tmp_path / "c2")
    assert f"document id 'mini-chondroblastoma' is in both {MINI} and {clash}" in str(error.value)
    assert f"document id 'mini-desmoid-tumour' is in both {MINI} and {clash}" in str(error.value)
    with pytest.raises(EvalInputError, match="is given twice"):
        combine_corpora([MINI, MINI], tmp_path / "c3")
    with pytest.raises(EvalInputError, match="not a folder"):
        combine_corpora([tmp_path / "nowhere"], tmp_path / "c4")
    with pytest.raises(EvalInputError, match="manifest is missing"):
        combine_corpora([tmp_path / "c4"], tmp_path / "c5")


def test_an_eval_corpus_gets_a_data_folder_keyed_by_its_content(tmp_path: Path) -> None:
    base = Settings(data_dir=tmp_path / "data")
    with eval_settings(base, [MINI]) as first:
        corpus = first.corpus_dir
        assert (corpus / "manifest.json").is_file()
        assert first.data_dir.parent == tmp_path / "data" / "eval-corpora"
    assert not corpus.exists()  # the combined copy is temporary
    with eval_settings(base, [MINI]) as again, eval_settings(base, [MINI, CORPUS]) as both:
        assert again.data_dir == first.data_dir and both.data_dir != first.data_dir
    with eval_settings(base, [MINI], {"faiss_exact_max": "10"}) as other_index:
        assert other_index.data_dir not in (first.data_dir, both.data_dir)
    # Without --corpus the configured corpus and data folder are used, unless the index would differ.
    with eval_settings(base, [], {"answer_max_words": "80"}) as same_index:
        assert same_index.corpus_dir == base.corpus_dir and same_index.data_dir == base.data_dir
    with eval_settings(base, [], {"faiss_exact_max": "10"}) as own_index:
        assert (
            own_index.corpus_dir == base.corpus_dir and own_index.data_dir.parent == tmp_path / "data" / "eval-corpora"
        )


# -- the CLI, scoring predictions (no model) ---------------------------------------------------
def run_cli(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["eval", *args], env={"ASSISTANT_CORPUS_DIR": str(CORPUS), **(env or {})})
    return result.exit_code, result.stdout, result.stderr


def test_an_evaluators_file_is_scored_with_one_warning_and_unknown_fields_in_results(tmp_path: Path) -> None:
    gold = write_jsonl(tmp_path / "mine.jsonl", EVALUATOR_ITEMS)
    predictions = write_jsonl(tmp_path / "predictions.jsonl", [GOOD, REFUSED])
    code, out, err = run_cli(["--gold", str(gold), "--predictions", str(predictions), "--out", str(tmp_path / "o")])
    assert code == 0, out + err
    assert err.count("unknown field") == 1 and "'origin' (lines 1-2)" in err
    results = [json.loads(line) for line in (tmp_path / "o" / "results.jsonl").read_text().splitlines()]
    assert [r["extra_fields"] for r in results] == [{"origin": "nurse survey"}, {"origin": "made up"}]
    assert [r["passed"] for r in results] == [True, True]
    report = (tmp_path / "o" / "report.md").read_text()
    assert "2 items (2 of them without a split, so in every split's run)" in report
    # Rows and sections with no data for this file are left out.
    assert "n/a" not in report.split("## Side by side")[1].split("\n## ")[0]
    assert "hit@1" not in report and "latency" not in report and "## By category" not in report
    assert "## By document (gold source)" in report and "| fact recall | 1.000 |" in report


def test_set_is_recorded_in_the_report_and_a_bad_one_exits_with_a_message(tmp_path: Path) -> None:
    gold = write_jsonl(tmp_path / "mine.jsonl", EVALUATOR_ITEMS)
    predictions = write_jsonl(tmp_path / "predictions.jsonl", [GOOD, REFUSED])
    base = ["--gold", str(gold), "--predictions", str(predictions), "--out", str(tmp_path / "o")]
    code, out, err = run_cli([*base, "--set", "answer_max_words=80", "--set", "rrf_k=10"])
    assert code == 0, out + err
    report = (tmp_path / "o" / "report.md").read_text()
    assert "Settings overridden for this run: answer_max_words=80, rrf_k=10" in report
    assert "--set answer_max_words=80 --set rrf_k=10" in report  # in the command that reproduces the run
    code, out, err = run_cli([*base, "--set", "answer_max_word=80"])
    assert code == 2 and "Settings has no field 'answer_max_word'; did you mean answer_max_words" in err
    code, out, err = run_cli([*base, "--set", "rrf_k=soon"])
    assert code == 2 and "--set rrf_k='soon': Input should be a valid integer" in err and "Traceback" not in err


def test_compare_lists_the_items_whose_verdict_changed_with_both_answers(tmp_path: Path) -> None:
    gold = write_jsonl(tmp_path / "mine.jsonl", EVALUATOR_ITEMS)
    before = write_jsonl(tmp_path / "before.jsonl", [GOOD, REFUSED])
    wrong = {"id": "q2", "text": "Paris is the capital of France.", "abstained": False}
    after = write_jsonl(tmp_path / "after.jsonl", [GOOD, wrong])
    code, out, err = run_cli(["--gold", str(gold), "--predictions", str(before), "--out", str(tmp_path / "one")])
    assert code == 0, out + err
    code, out, err = run_cli(
        ["--gold", str(gold), "--predictions", str(after), "--out", str(tmp_path / "two"),
         "--compare", str(tmp_path / "one")]
    )  # fmt: skip
    assert code == 0, out + err
    summary = f"2 (item, system) pairs compared with {tmp_path / 'one'}: 0 now pass, 1 now fail."
    assert summary in out
    report = (tmp_path / "two" / "report.md").read_text()
    section = report.split("## Changed since the earlier run")[1].split("\n## ")[0]
    rows = [line for line in section.splitlines() if line.startswith("| q")]
    assert len(rows) == 1
    cells = [c.strip() for c in rows[0].strip("|").split(" | ")]
    assert cells[0] == "q2: What is the capital of France?" and cells[1] == "predictions"
    assert cells[2] == "pass" and cells[3].startswith("fail: answered a must-refuse item")
    assert cells[4] == "The documents do not say." and cells[5] == "Paris is the capital of France."
    assert "Paris is the capital of France." in (tmp_path / "two" / "report.html").read_text()
    code, out, err = run_cli(["--gold", str(gold), "--predictions", str(after), "--compare", str(tmp_path / "nope")])
    assert code == 2 and f"{tmp_path / 'nope'}: file not found" in err


def test_bad_split_and_config_options_exit_with_a_message(tmp_path: Path) -> None:
    gold = write_jsonl(tmp_path / "gold.jsonl", [{**EVALUATOR_ITEMS[0], "split": "extra"}])
    predictions = write_jsonl(tmp_path / "predictions.jsonl", [GOOD])
    code, _, err = run_cli(["--gold", str(gold), "--predictions", str(predictions), "--split", "test"])
    assert code == 2 and "no item has split 'test'; its splits are extra" in err
    code, _, err = run_cli(["--config", "nope", "--systems", "full"])
    assert code == 2 and "has no configuration 'nope'; it has seed, extra, seed-on-combined" in err
    code, _, err = run_cli(["--config", "seed", "--gold", str(gold), "--systems", "full"])
    assert code == 2 and "do not combine it with --corpus, --gold or --split" in err


# -- the CLI on another corpus (real model and index) -----------------------------------------
def test_eval_runs_on_combined_corpus_folders_and_reuses_their_index(
    tmp_path: Path, settings: Settings, bot: Assistant
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for cache in settings.data_dir.glob("embedding_cache-*.npz"):  # the seed texts need no new embedding
        shutil.copy2(cache, data / cache.name)
    # The fixture's questions without gold passages or categories: only source-level retrieval is scored.
    rows = [json.loads(line) for line in MINI_GOLD.read_text(encoding="utf-8").splitlines()]
    bare = [{k: v for k, v in row.items() if k not in ("passages", "category")} for row in rows]
    gold = write_jsonl(tmp_path / "gold.jsonl", bare)
    args = ["--corpus", str(CORPUS), "--corpus", str(MINI), "--gold", str(gold), "--split", "mini", "--systems", "full"]
    code, out, err = run_cli([*args, "--out", str(tmp_path / "one")], env={"ASSISTANT_DATA_DIR": str(data)})
    assert code == 0, out + err
    indexes = list((data / "eval-corpora").glob("*/index/manifest.json"))
    assert len(indexes) == 1
    built = json.loads(indexes[0].read_text())
    assert built["counts"]["documents"] == 6
    results = [json.loads(line) for line in (tmp_path / "one" / "results.jsonl").read_text().splitlines()]
    by_id = {r["id"]: r for r in results}
    assert set(by_id) == {r["id"] for r in rows}
    cited = {c["source_id"] for r in results for c in r["citations"]}
    assert {"mini-chondroblastoma", "mini-desmoid-tumour"} <= cited
    report = (tmp_path / "one" / "report.md").read_text()
    assert f"Corpus: {CORPUS} + {MINI}" in report
    assert "hit@1 (source)" in report and "(passage)" not in report and "## By category" not in report
    # A second run finds the index built, and compares itself with the first: nothing changed.
    code, out, err = run_cli(
        [*args, "--out", str(tmp_path / "two"), "--compare", str(tmp_path / "one")],
        env={"ASSISTANT_DATA_DIR": str(data)},
    )
    assert code == 0, out + err
    assert json.loads(indexes[0].read_text())["built_at"] == built["built_at"]
    assert f"{len(rows)} (item, system) pairs compared with {tmp_path / 'one'}: 0 now pass, 0 now fail." in out


def test_a_combined_eval_corpus_reuses_the_embeddings_of_corpora_built_before_it(
    tmp_path: Path, settings: Settings
) -> None:
    """The seed plus another corpus, after that corpus was evaluated alone: every text is embedded already
    (the seed's in the base data folder, the other's in its own eval folder), so none is embedded again."""
    root = tmp_path / "eval-corpora"
    with eval_settings(settings, [MINI], data_root=root) as alone:
        first = ensure_index(alone)
    assert first["counts"]["embedded_now"] > 0
    with eval_settings(settings, [CORPUS, MINI], data_root=root) as both:
        combined = ensure_index(both)
    assert combined["counts"]["documents"] == first["counts"]["documents"] + len(list(CORPUS.glob("*.txt")))
    assert combined["counts"]["embedded_now"] == 0


def test_a_run_matching_a_gate_configuration_is_gated(tmp_path: Path, bot: Assistant) -> None:
    thresholds = tmp_path / "thresholds.toml"
    thresholds.write_text(
        f'[mini]\ncorpus = ["{MINI}"]\ngold = "{MINI_GOLD}"\nsplit = "mini"\n'
        "[mini.min]\nquote_validity = 1.0\n[mini.max]\nwords_p90 = 1\n",  # no answer is that short
        encoding="utf-8",
    )
    env = {"ASSISTANT_DATA_DIR": str(tmp_path / "data")}
    common = ["--thresholds", str(thresholds), "--systems", "full", "--out", str(tmp_path / "out")]
    code, out, err = run_cli(["--config", "mini", *common], env=env)
    assert code == 1, out + err
    assert "configuration mini (corpus: " in out and "words_p90 = " in out and "is above the maximum 1" in out
    assert "quote_validity" in out and "GATE FAILED" in (tmp_path / "out" / "report.md").read_text()
    # The same corpus, gold file and split given one by one: the run is that configuration's.
    matching = ["--corpus", str(MINI), "--gold", str(MINI_GOLD), "--split", "mini"]
    code, out, err = run_cli([*matching, *common], env=env)
    assert code == 1 and "configuration mini (corpus: " in out
    code, out, err = run_cli([*matching, "--split", "all", *common], env=env)
    assert code == 0 and "Gate not applied: no configuration of" in out
    code, out, err = run_cli([*matching, *common, "--no-gate"], env=env)
    assert code == 0 and "Gate" not in out
