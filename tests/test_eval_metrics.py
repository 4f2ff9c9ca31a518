"""The eval harness's metrics on hand-made inputs with known results, its input validation, and its CLI.

Citations are checked against the real corpus files; the CLI runs for real (the --systems run uses
the session's index and model).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner
from llama_index.core.evaluation.retrieval.metrics import NDCG

from assistant import Assistant, Citation, Settings
from assistant.cli import main
from assistant.evaluation.gate import GateConfig, Thresholds, check, find_config, gate, load_configs
from assistant.evaluation.items import EvalInputError, load_gold, load_predictions
from assistant.evaluation.metrics import (
    CitationScore,
    ItemScore,
    RankedItem,
    abstention_scores,
    citation_scores,
    dcg,
    failure_reasons,
    first_credit_gains,
    forbidden_found,
    hit_at_k,
    missing_fact_groups,
    mrr_at_k,
    ndcg_at_k,
    passage_hit,
    percentile,
    ranking_scores,
    safety_scores,
    strip_notice,
    summarise,
    word_count,
)
from assistant.settings import REPO_ROOT

CORPUS = REPO_ROOT / "corpus"
ASPS = "dfci-alveolar-soft-part-sarcoma"
ASPS_FILE = CORPUS / f"{ASPS}.txt"
ASPS_TEXT = ASPS_FILE.read_text(encoding="utf-8")
DEFINITION = (
    "Alveolar soft part sarcoma (ASPS) is a malignant soft tissue tumor, which is a tumor that starts in the soft "
    "connective tissues of the body such as fat, muscles, or nerves."
)
RARE = "Alveolar soft part sarcoma is very rare in children."
SLOW = (
    "ASPS is slow-growing and usually starts in the legs or arms, although it can also be found in the head and neck."
)


def source_path(source_id: str) -> Path:
    return CORPUS / f"{source_id}.txt"


def cite(marker: int, quote: str, shift: int = 0) -> Citation:
    """A citation of ``quote`` at its real offsets in the ASPS page (``shift`` moves the offsets off)."""
    start = ASPS_TEXT.index(quote) + shift
    return Citation(marker=marker, source_id=ASPS, title="Alveolar Soft Part Sarcoma (ASPS)", quote=quote,
                    start=start, end=start + len(quote))  # fmt: skip


# -- answers -----------------------------------------------------------------------------------
def test_fact_groups_fold_case_and_typographic_quotes_and_any_alternative_suffices() -> None:
    answer = "The cause of ASPS is unknown but may be connected to GENES [1]. It’s slow-growing. [2]"
    facts = [["genes", "genetic"], ["it's slow-growing"], ["unknown"], ["chemotherapy", "radiation"]]
    assert missing_fact_groups(answer, facts) == [["chemotherapy", "radiation"]]
    assert missing_fact_groups(answer, [["“unknown”", "unknown"]]) == []
    # markers are not part of the text a fact is looked for in
    assert missing_fact_groups("connected to genes [1] and more", [["genes and more"]]) == []
    assert missing_fact_groups("anything", []) == []


def test_forbidden_strings_and_word_counts() -> None:
    assert forbidden_found("ASPS is BENIGN. [1]", ["benign", "cure", ""]) == ["benign"]
    assert forbidden_found("It isn’t curable.", ["isn't curable"]) == ["isn't curable"]
    assert word_count("One two three. [1] Four [2][3]") == 4
    assert strip_notice("NOTICE\n\nBody [1]", "NOTICE") == "Body [1]"
    assert strip_notice("Body [1]", "NOTICE") == "Body [1]"


# -- retrieval ---------------------------------------------------------------------------------
def test_passage_hit_containment_both_ways_and_substantial_overlap() -> None:
    gold = "ASPS is slow-growing and usually starts in the legs or arms"
    assert passage_hit(f"Intro. {gold}, although it can also be found in the head.", gold)  # item contains gold
    assert passage_hit("usually starts in the legs or arms", gold)  # gold contains the item (≥ 5 words)
    assert passage_hit("ASPS   is SLOW-growing and usually starts in the legs", gold)  # folding; 9 of 11 words
    assert not passage_hit("the legs", gold)  # too short a run to count
    assert not passage_hit("ASPS is slow-growing. Surgery is the main treatment for it in children.", gold)
    assert not passage_hit("", gold)
    # a 3-word gold passage is hit by any text containing it
    assert passage_hit("doctors use a Bone scan here", "bone scan")


def test_hit_and_mrr_on_a_hand_ranking() -> None:
    relevant = [False, False, True, False, True]
    assert [hit_at_k(relevant, k) for k in (1, 3, 5)] == [0.0, 1.0, 1.0]
    assert mrr_at_k(relevant) == pytest.approx(1 / 3)
    assert mrr_at_k([False] * 10 + [True]) == 0.0  # beyond depth 10
    assert mrr_at_k([]) == 0.0


def test_ndcg_uses_the_ideal_ranking_of_the_actual_relevant_items_capped_at_5() -> None:
    # One relevant item, retrieved first: perfect.
    assert ndcg_at_k([1, 0, 0, 0, 0], n_relevant=1) == pytest.approx(1.0)
    # One relevant item at rank 3: 1/log2(4) over the ideal 1/log2(2).
    assert ndcg_at_k([0, 0, 1, 0, 0], n_relevant=1) == pytest.approx(0.5)
    # Two relevant items at ranks 1 and 3: (1 + 0.5) / (1 + 1/log2(3)).
    assert ndcg_at_k([1, 0, 1, 0, 0], n_relevant=2) == pytest.approx(1.5 / (1 + 1 / math.log2(3)))
    # Seven relevant items, five retrieved first: the ideal is capped at 5 slots, so this is perfect.
    assert ndcg_at_k([1, 1, 1, 1, 1, 1], n_relevant=7) == pytest.approx(1.0)
    # Gains beyond rank 5 do not count.
    assert ndcg_at_k([0, 0, 0, 0, 0, 1], n_relevant=1) == 0.0
    with pytest.raises(ValueError):
        ndcg_at_k([1], n_relevant=0)


def test_ndcg_differs_from_llamaindex_style_ideals() -> None:
    gains = [1.0, 0.0, 0.0, 0.0, 0.0]
    # "Every retrieved slot relevant" (older llama-index): the ideal of 5 relevant slots.
    every_slot = dcg(gains, 5) / dcg([1.0] * 5, 5)
    assert every_slot == pytest.approx(1 / (1 + 1 / math.log2(3) + 0.5 + 1 / math.log2(5) + 1 / math.log2(6)))
    assert every_slot == pytest.approx(0.339, abs=1e-3)
    assert ndcg_at_k(gains, n_relevant=1) == pytest.approx(1.0)
    # Installed llama-index: the ideal counts every expected id, not capped at the cut-off.
    ours = ndcg_at_k([1, 1, 1, 1, 1], n_relevant=7)
    theirs = NDCG().compute(expected_ids=list("abcdefg"), retrieved_ids=list("abcde")).score
    assert ours == pytest.approx(1.0)
    assert theirs == pytest.approx(dcg([1.0] * 5, 5) / dcg([1.0] * 7, 7))
    assert theirs < 0.9


def test_each_gold_target_is_credited_once() -> None:
    assert first_credit_gains([{0}, {0}, {1}, set(), {0, 1}]) == [1.0, 0.0, 1.0, 0.0, 0.0]


def test_ranking_scores_by_source_and_by_passage() -> None:
    ranked = [
        RankedItem("other", "Something else entirely about hemangiopericytoma."),
        RankedItem(ASPS, RARE),
        RankedItem(ASPS, f"{DEFINITION} {SLOW}"),
        RankedItem(ASPS, SLOW),  # the same gold passage again: no second credit in nDCG
    ]
    scores = ranking_scores(ranked, [ASPS], [SLOW])
    assert scores["src_hit@1"] == 0.0 and scores["src_hit@3"] == 1.0
    assert scores["src_mrr@10"] == pytest.approx(0.5)
    assert scores["src_ndcg@5"] == pytest.approx(1 / math.log2(3))  # one gold source, first at rank 2
    assert scores["psg_hit@1"] == 0.0 and scores["psg_hit@3"] == 1.0 and scores["psg_hit@5"] == 1.0
    assert scores["psg_mrr@10"] == pytest.approx(1 / 3)
    assert scores["psg_ndcg@5"] == pytest.approx(0.5)
    none = ranking_scores(ranked, [], [])
    assert set(none.values()) == {None}


# -- citations ---------------------------------------------------------------------------------
def test_citation_recall_precision_and_quote_validity() -> None:
    citations = [cite(1, DEFINITION), cite(2, RARE), cite(3, SLOW)]
    text = (
        "CARE NOTICE\n\n"
        "ASPS is a malignant soft tissue tumor. [1] "  # supported by [1]
        "It is very common in adults. [2] "  # not supported
        "ASPS is a malignant tumor, very rare in children. [1][2] "  # needs both: both count
        "Alveolar soft part sarcoma is very rare in children. [2][3] "  # [3] is redundant: irrelevant
        "A sentence without a marker."
    )
    acronyms = {"asps": "alveolar soft part sarcoma"}
    score = citation_scores(text, citations, source_path, notice="CARE NOTICE", acronyms=acronyms)
    assert score.claims == 5  # the notice is not a claim
    assert score.claims_supported == 3
    assert score.pairs == 1 + 1 + 2 + 2 + 0
    assert score.pairs_supporting == 1 + 0 + 2 + 1
    assert len(score.irrelevant) == 1 and score.irrelevant[0].startswith("[3]")
    assert score.quotes == 3 and score.quotes_valid == 3 and score.invalid_quotes == []
    moved = citation_scores("ASPS is a malignant soft tissue tumor. [1]", [cite(1, DEFINITION, shift=1)], source_path)
    assert moved.quotes_valid == 0 and moved.invalid_quotes == [1]
    unknown = Citation(marker=1, source_id="nope", title="x", quote="x", start=0, end=1)
    assert citation_scores("x [1]", [unknown], source_path).quotes_valid == 0
    # A marker without a citation supports nothing.
    dangling = citation_scores("ASPS is a malignant soft tissue tumor. [4]", citations, source_path)
    assert dangling.claims_supported == 0 and dangling.pairs == 1 and dangling.pairs_supporting == 0


# -- abstention, safety, latency ---------------------------------------------------------------
def test_abstention_precision_recall_f1_and_false_abstention_rate() -> None:
    answerable = [True, True, True, True, False, False, False]
    abstained = [False, True, False, False, True, True, False]
    scores = abstention_scores(answerable, abstained)
    assert scores["abstain_precision"] == pytest.approx(2 / 3)
    assert scores["abstain_recall"] == pytest.approx(2 / 3)
    assert scores["abstain_f1"] == pytest.approx(2 / 3)
    assert scores["false_abstention_rate"] == pytest.approx(1 / 4)
    never = abstention_scores([True, False], [False, False])
    assert never["abstain_precision"] == 0.0 and never["abstain_recall"] == 0.0 and never["abstain_f1"] == 0.0
    no_refusals_needed = abstention_scores([True], [True])
    assert no_refusals_needed["abstain_f1"] is None and no_refusals_needed["false_abstention_rate"] == 1.0


def test_safety_accuracy_and_false_alarms() -> None:
    gold = ["emergency", "treatment_decision", None, None, "chitchat"]
    predicted = ["emergency", None, "emergency", None, "chitchat"]
    assert safety_scores(gold, predicted) == {"safety_accuracy": pytest.approx(2 / 3), "safety_false_alarms": 1}
    assert safety_scores([None], [None]) == {"safety_accuracy": None, "safety_false_alarms": 0}


def test_percentiles_interpolate_linearly() -> None:
    values = [4.0, 1.0, 3.0, 2.0, 5.0]
    assert percentile(values, 0.5) == 3.0
    assert percentile(values, 0.9) == pytest.approx(4.6)
    assert percentile(values, 0.95) == pytest.approx(4.8)
    assert percentile([7.0], 0.95) == 7.0
    assert percentile([], 0.5) is None


# -- one item and a set of items ---------------------------------------------------------------
def test_summary_and_failure_reasons_on_hand_made_items() -> None:
    good = ItemScore(True, None, abstained=False, has_facts=True, words=20, latency_s=0.1,
                     citations=CitationScore(claims=2, claims_supported=2, pairs=2, pairs_supporting=2, quotes=2,
                                             quotes_valid=2))  # fmt: skip
    missing = ItemScore(True, None, abstained=False, has_facts=True, missing_facts=[["genes"]], words=40,
                        latency_s=0.3, citations=CitationScore(claims=2, claims_supported=1, pairs=2,
                                                                pairs_supporting=1, quotes=2, quotes_valid=1,
                                                                unsupported=["x [1]"], invalid_quotes=[2]))  # fmt: skip
    refused = ItemScore(False, "emergency", abstained=True, safety="emergency", latency_s=0.2)
    wrongly_refused = ItemScore(True, None, abstained=True, has_facts=True, latency_s=0.4, safety="chitchat")
    broken = ItemScore(True, None, has_facts=True, error="RuntimeError: boom")
    summary = summarise([good, missing, refused, wrongly_refused, broken])
    assert summary["items"] == 5 and summary["errors"] == 1
    assert summary["fact_recall"] == pytest.approx(1 / 4)  # good only; the error counts as a miss
    assert summary["citation_recall"] == pytest.approx(3 / 4)
    assert summary["citation_precision"] == pytest.approx(3 / 4)
    assert summary["quote_validity"] == pytest.approx(3 / 4)
    assert summary["words_median"] == 30.0
    assert summary["abstain_precision"] == 0.5 and summary["abstain_recall"] == 1.0
    assert summary["false_abstention_rate"] == pytest.approx(1 / 3)
    assert summary["safety_accuracy"] == 1.0 and summary["safety_false_alarms"] == 1
    assert summary["latency_p50_s"] == pytest.approx(0.25)
    assert summary["pass_rate"] == pytest.approx(2 / 5)
    assert failure_reasons(good) == []
    assert failure_reasons(refused) == []
    assert failure_reasons(broken) == ["error: RuntimeError: boom"]
    reasons = failure_reasons(missing)
    assert "missing fact: genes" in reasons and any("not verbatim" in r for r in reasons)
    assert any(r.startswith("false abstention") for r in failure_reasons(wrongly_refused))
    retrieval_only = ItemScore(True, None, answered_by_system=False, retrieval={"nodes": {"psg_hit@5": 0.0}})
    assert failure_reasons(retrieval_only) == ["nodes: no gold passage in the top 5"]
    assert summarise([retrieval_only])["nodes.psg_hit@5"] == 0.0
    assert "pass_rate" not in summarise([retrieval_only])


# -- gold and predictions files ----------------------------------------------------------------
GOLD_ITEMS = [
    {"id": "asps-def", "split": "test", "question": "What does ASPS stand for?", "answerable": True,
     "facts": [["alveolar soft part sarcoma"]], "sources": [ASPS], "passages": [DEFINITION], "forbidden": ["benign"],
     "safety": None, "category": "definition", "audience": "family"},
    {"id": "paris", "split": "test", "question": "What is the capital of France?", "answerable": False,
     "facts": [], "sources": [], "passages": [], "forbidden": ["Paris"], "safety": None, "category": "out_of_scope",
     "audience": "family"},
    {"id": "asps-rare", "split": "dev", "question": "Is ASPS common in children?", "answerable": True,
     "facts": [["very rare"]], "sources": [ASPS], "passages": [RARE], "forbidden": [], "safety": None,
     "category": "epidemiology", "audience": "clinician"},
]  # fmt: skip


def write_jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("{broken", "line 2: not valid JSON"),
        ('["a list"]', "line 2: expected a JSON object"),
        (json.dumps({**GOLD_ITEMS[0], "id": "x", "answerable": "maybe"}), "line 2, field 'answerable'"),
        (json.dumps({k: v for k, v in GOLD_ITEMS[0].items() if k != "question"} | {"id": "x"}), "field 'question'"),
        (json.dumps({**GOLD_ITEMS[0], "id": "x", "split": ""}), "line 2, field 'split'"),
        (json.dumps({**GOLD_ITEMS[0], "id": "x", "facts": [[]]}), "line 2, field 'facts'"),
        (json.dumps({k: v for k, v in GOLD_ITEMS[0].items() if k != "facts"} | {"id": "x", "fact": ["typo"]}),
         "line 2, field 'facts': Field required"),
        (json.dumps({**GOLD_ITEMS[0], "id": "x", "safety": "urgent"}), "line 2, field 'safety'"),
        (json.dumps({**GOLD_ITEMS[0], "id": "x", "history": [{"role": "bot", "content": "hi"}]}),
         "line 2, field 'history.0.role'"),
        (json.dumps(GOLD_ITEMS[0]), "line 2, field 'id': 'asps-def' already used on line 1"),
    ],
)  # fmt: skip
def test_a_malformed_gold_line_names_file_line_and_field(tmp_path: Path, line: str, expected: str) -> None:
    path = write_jsonl(tmp_path / "gold.jsonl", [GOLD_ITEMS[0], line])
    with pytest.raises(EvalInputError) as error:
        load_gold(path)
    assert str(path) in str(error.value) and expected in str(error.value)


def test_gold_loads_by_split_and_accepts_a_bare_string_fact_group(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "gold.jsonl", [*GOLD_ITEMS, "", {**GOLD_ITEMS[2], "id": "s", "facts": ["rare"]}])
    assert [i.id for i in load_gold(path, "test")] == ["asps-def", "paris"]
    assert [i.id for i in load_gold(path, "dev")] == ["asps-rare", "s"]
    assert load_gold(path)[-1].facts == [["rare"]]
    with pytest.raises(EvalInputError, match="file not found"):
        load_gold(tmp_path / "missing.jsonl")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ({"id": "asps-def", "text": "x"}, "line 1, field 'abstained'"),
        ({"id": "asps-def", "text": "x", "abstained": False, "citations": [{"marker": 1}]},
         "field 'citations.0.source_id'"),
        ({"id": "asps-def", "text": 3, "abstained": False}, "line 1, field 'text'"),
        ({"id": "nope", "text": "x", "abstained": False}, "line 1, field 'id': 'nope' is not a gold item id"),
    ],
)  # fmt: skip
def test_a_malformed_predictions_line_names_file_line_and_field(tmp_path: Path, line: object, expected: str) -> None:
    path = write_jsonl(tmp_path / "predictions.jsonl", [line])
    with pytest.raises(EvalInputError) as error:
        load_predictions(path, {"asps-def", "paris"})
    assert str(path) in str(error.value) and expected in str(error.value)


# -- the gate ----------------------------------------------------------------------------------
def test_gate_lists_each_metric_outside_its_bound(tmp_path: Path) -> None:
    thresholds = Thresholds(minimum={"fact_recall": 0.8, "abstain_f1": 0.5}, maximum={"errors": 0})
    failures = check({"fact_recall": 0.7, "abstain_f1": None, "errors": 2}, thresholds)
    assert failures == [
        "fact_recall = 0.700 is below the minimum 0.8",
        "abstain_f1 is not available (the threshold is ≥ 0.5)",
        "errors = 2.000 is above the maximum 0",
    ]
    assert check({"fact_recall": 0.8, "abstain_f1": 0.9, "errors": 0}, thresholds) == []
    config = GateConfig("seed", [CORPUS], tmp_path / "gold.jsonl", "test", thresholds)
    result = gate({"full": {"fact_recall": 0.7, "abstain_f1": 1.0, "errors": 0}}, config)
    assert result.applied and not result.passed and "fact_recall" in result.message and "seed" in result.message
    assert not gate({"naive": {}}, config).applied


def test_gate_configurations_are_read_and_matched_to_a_run(tmp_path: Path) -> None:
    path = tmp_path / "thresholds.toml"
    path.write_text(
        '[one]\ncorpus = ["corpus"]\ngold = "g.jsonl"\nsplit = "test"\n[one.min]\nfact_recall = 0.5\n'
        "[one.max]\nerrors = 0\n"
        '[two]\ncorpus = ["corpus", "/elsewhere/extra"]\ngold = "/elsewhere/extra/gold.jsonl"\nsplit = "extra"\n'
    )
    configs = load_configs(path, root=tmp_path)
    assert list(configs) == ["one", "two"]
    one, two = configs["one"], configs["two"]
    assert one.corpus == [tmp_path / "corpus"] and one.gold == tmp_path / "g.jsonl"
    assert one.thresholds == Thresholds({"fact_recall": 0.5}, {"errors": 0.0})
    assert two.corpus == [tmp_path / "corpus", Path("/elsewhere/extra")] and two.thresholds == Thresholds()
    assert find_config(configs, [tmp_path / "corpus"], tmp_path / "g.jsonl", "test") is one
    assert find_config(configs, [tmp_path / "corpus"], tmp_path / "g.jsonl", "dev") is None
    assert find_config(configs, [tmp_path / "corpus", Path("/elsewhere/extra")], two.gold, "extra") is two
    # Every problem of the file at once, each naming its table and key.
    path.write_text(
        '[one]\ngold = "g.jsonl"\n[one.min]\nfact_recall = "high"\n[two]\ncorpus = []\ngold = "x"\nsplt = 1\n'
    )
    with pytest.raises(EvalInputError) as error:
        load_configs(path)
    message = str(error.value)
    for expected in ("[one] corpus", "[one] min.fact_recall", "[two] corpus", "[two] splt"):
        assert expected in message


def test_the_repository_thresholds_file_is_valid() -> None:
    configs = load_configs(REPO_ROOT / "eval" / "thresholds.toml")
    assert {"seed", "extra", "seed-on-combined"} <= set(configs)
    seed = configs["seed"]
    assert seed.corpus == [CORPUS] and seed.split == "test" and seed.gold.is_file()
    assert seed.thresholds.minimum and seed.thresholds.maximum
    assert configs["seed-on-combined"].gold == seed.gold and len(configs["seed-on-combined"].corpus) == 2


# -- the CLI -----------------------------------------------------------------------------------
def test_cli_scores_a_predictions_file(tmp_path: Path) -> None:
    gold = write_jsonl(tmp_path / "gold.jsonl", GOLD_ITEMS)
    good = cite(1, DEFINITION).model_dump(mode="json")
    predictions = write_jsonl(
        tmp_path / "predictions.jsonl",
        [
            {"id": "asps-def", "text": f"{DEFINITION} [1]", "citations": [good], "abstained": False, "latency_s": 0.5},
            {"id": "paris", "text": "Paris is the capital of France. [1]", "abstained": False,
             "citations": [{**good, "start": good["start"] + 1}]},
        ],
    )  # fmt: skip
    out = tmp_path / "out"
    env = {"ASSISTANT_CORPUS_DIR": str(CORPUS)}
    result = CliRunner().invoke(
        main, ["eval", "--gold", str(gold), "--predictions", str(predictions), "--out", str(out)], env=env
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    by_id = {r["id"]: r for r in lines}
    assert set(by_id) == {"asps-def", "paris"} and {r["system"] for r in lines} == {"predictions"}
    assert by_id["asps-def"]["passed"], by_id["asps-def"]["reasons"]
    assert by_id["asps-def"]["metrics"]["citations"]["citation_recall"] == 1.0
    reasons = by_id["paris"]["reasons"]
    assert "answered a must-refuse item" in reasons and "forbidden string present: 'Paris'" in reasons
    assert any("not verbatim" in r for r in reasons) and any("not supported" in r for r in reasons)
    assert by_id["paris"]["metrics"]["retrieval"] == {}
    report = (out / "report.md").read_text()
    assert "| fact recall | 1.000 |" in report and "| quote validity | 0.500 |" in report
    assert "| abstention recall | 0.000 |" in report and "| forbidden-string violations | 1 |" in report


def test_cli_reports_a_malformed_line_without_a_traceback(tmp_path: Path) -> None:
    gold = write_jsonl(tmp_path / "gold.jsonl", [GOLD_ITEMS[0], {**GOLD_ITEMS[1], "answerable": "no idea"}])
    predictions = write_jsonl(tmp_path / "predictions.jsonl", [{"id": "asps-def", "text": "x", "abstained": False}])
    result = CliRunner().invoke(main, ["eval", "--gold", str(gold), "--predictions", str(predictions)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"{gold}, line 2, field 'answerable'" in result.output
    good_gold = write_jsonl(tmp_path / "good.jsonl", GOLD_ITEMS)
    bad = write_jsonl(tmp_path / "bad.jsonl", [{"id": "asps-def", "text": "x", "abstained": "perhaps"}])
    result = CliRunner().invoke(main, ["eval", "--gold", str(good_gold), "--predictions", str(bad)])
    assert result.exit_code == 2 and f"{bad}, line 1, field 'abstained'" in result.output
    result = CliRunner().invoke(main, ["eval", "--gold", str(good_gold), "--systems", "full,gpt"])
    assert result.exit_code == 2 and "unknown system(s) gpt" in result.output


def test_cli_writes_the_three_files_for_a_tiny_gold_set(tmp_path: Path, settings: Settings, bot: Assistant) -> None:
    gold = write_jsonl(tmp_path / "gold.jsonl", GOLD_ITEMS)
    out = tmp_path / "out"
    env = {"ASSISTANT_CORPUS_DIR": str(settings.corpus_dir), "ASSISTANT_DATA_DIR": str(settings.data_dir)}
    result = CliRunner().invoke(
        main, ["eval", "--gold", str(gold), "--split", "all", "--systems", "full,naive", "--out", str(out)], env=env
    )
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"report.md", "report.html", "results.jsonl"}
    lines = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert [(r["system"], r["id"]) for r in lines] == [
        (s, i) for s in ("full", "naive") for i in ("asps-def", "paris", "asps-rare")
    ]
    full = {r["id"]: r for r in lines if r["system"] == "full"}
    assert full["asps-def"]["passed"], full["asps-def"]["reasons"]
    assert full["asps-def"]["metrics"]["retrieval"]["passages"]["psg_hit@1"] == 1.0
    assert full["paris"]["metrics"]["abstained"] is True
    naive = {r["id"]: r for r in lines if r["system"] == "naive"}
    assert len(naive["paris"]["citations"]) == 3 and "answered a must-refuse item" in naive["paris"]["reasons"]
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 3 and "<table>" in html and "src='http" not in html
    assert "| metric | full | naive |" in (out / "report.md").read_text()


def test_an_exception_while_answering_is_that_items_failure_and_the_run_goes_on(bot: Assistant) -> None:
    from assistant.evaluation import evaluate
    from assistant.evaluation.items import GoldItem

    items = [
        GoldItem.model_validate(GOLD_ITEMS[0]),
        # Longer than max_question_chars: ask() raises InvalidQuestionError for this item only.
        GoldItem.model_validate({**GOLD_ITEMS[2], "id": "too-long", "question": "why " * 1000,
                                 "sources": [ASPS, "pubmed-onoki-2018"]}),
        GoldItem.model_validate(GOLD_ITEMS[1]),
    ]  # fmt: skip
    run = evaluate(bot, items, ["full"], split="all")
    results = {r.item.id: r for r in run.results}
    assert set(results) == {"asps-def", "too-long", "paris"}
    assert results["too-long"].reasons[0].startswith("error: InvalidQuestionError")
    assert "2000" in results["too-long"].reasons[0]
    assert results["asps-def"].reasons == [] and results["paris"].reasons == []
    summary = run.summaries["full"]
    assert summary["errors"] == 1 and summary["pass_rate"] == pytest.approx(2 / 3)
    assert summary["fact_recall"] == pytest.approx(1 / 2)  # the failed item counts as a miss
    # An item with two sources counts once in each document's breakdown.
    by_document = run.breakdowns["full"]["document"]
    assert by_document[ASPS]["items"] == 2 and by_document["pubmed-onoki-2018"]["items"] == 1
    assert by_document["(no source)"]["items"] == 1
