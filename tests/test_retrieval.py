"""The right document comes first: one question per document section, through the real hybrid funnel."""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.embeddings import embed_query
from assistant.retrieve import lexical_tokens, reciprocal_rank_fusion, spelling_forms

HPC, ASPS = "dfci-hemangiopericytoma", "dfci-alveolar-soft-part-sarcoma"
WOITZIK, ONOKI = "pubmed-woitzik-2003", "pubmed-onoki-2018"

QUESTIONS = [
    ("What is a hemangiopericytoma?", HPC),
    ("How does Dana-Farber care for children with hemangiopericytoma?", HPC),
    ("What are the symptoms of hemangiopericytoma?", HPC),
    ("What causes hemangiopericytoma?", HPC),
    ("How is hemangiopericytoma diagnosed?", HPC),
    ("What are the treatments for a hemangiopericytoma?", HPC),
    ("How long until my child can use the limb again after limb-sparing surgery?", HPC),
    ("What is the long-term outlook for a child with hemangiopericytoma?", HPC),
    ("How long after the primary tumor can spinal metastases of hemangiopericytoma appear?", WOITZIK),
    ("What did the MRI show in the 48-year-old woman with cervicothoracic metastasis?", WOITZIK),
    ("Why was preoperative embolization performed before the spondylectomy?", ONOKI),
    ("What happened two years after the total spondylectomy at T5-T7?", ONOKI),
    ("Is primary osseous HPC of the spine common?", ONOKI),
    ("What does ASPS stand for?", ASPS),
    ("Where is ASPS treated at Dana-Farber/Boston Children's?", ASPS),
    ("What are alveolar soft part sarcoma symptoms?", ASPS),
    ("How is alveolar soft part sarcoma diagnosed?", ASPS),
    ("What is rotationplasty?", ASPS),
    ("What does radiation therapy do for ASPS?", ASPS),
    ("What is arterial embolization?", ASPS),
    ("What is the five-year survival rate for ASPS?", ASPS),
]


@pytest.mark.parametrize(("question", "source"), QUESTIONS)
def test_the_right_document_comes_first(bot: Assistant, question: str, source: str) -> None:
    candidates = bot.retriever.retrieve(question, embed_query(question))
    first = bot.index.passages[candidates.passages[0]]
    assert first.doc.source_id == source
    answer = bot.ask(question)
    assert not answer.abstained
    assert answer.citations[0].source_id == source


def test_both_halves_of_hybrid_retrieval_contribute(bot: Assistant) -> None:
    question = "T5-T7 spondylectomy"
    candidates = bot.retriever.retrieve(question, embed_query(question))
    first = candidates.passages[0]
    assert bot.index.passages[first].doc.source_id == ONOKI
    assert first in candidates.lexical  # BM25 found it ...
    dense_ranking, _ = bot.retriever.dense_search(embed_query(question))
    assert first in dense_ranking[:10]  # ... and so did FAISS


def test_the_funnel_is_bounded_by_settings_not_by_the_corpus(bot: Assistant) -> None:
    question = "What are the symptoms?"
    candidates = bot.retriever.retrieve(question, embed_query(question))
    settings = bot.settings
    bound = settings.candidate_limit + settings.section_limit * settings.section_max_passages
    assert 0 < len(candidates.passages) <= bound
    assert len(candidates.passages) < len(bot.index.passages)  # later stages never see the whole corpus


def test_a_question_in_a_sections_words_brings_that_section_in(bot: Assistant) -> None:
    question = "How is hemangiopericytoma treated?"
    candidates = bot.retriever.retrieve(question, embed_query(question))
    assert candidates.sections[0] == (HPC, "What are the treatments for a hemangiopericytoma?")


def test_reciprocal_rank_fusion_on_known_rankings() -> None:
    scores = reciprocal_rank_fusion([["a", "b", "c"], ["b", "c"]], k=60)
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert scores["a"] == pytest.approx(1 / 61)
    assert sorted(scores, key=lambda key: -scores[key]) == ["b", "c", "a"]


def test_british_and_american_spellings_find_each_other(bot: Assistant) -> None:
    """A page written "tumor" is found by a question written "tumour", and the other way round; a page's
    British "hypoglycaemia" by an American "hypoglycemia" as well as the reverse."""
    forms = spelling_forms(["tumour", "hypoglycaemia", "hypoglycemia", "sarcoma"])
    assert forms["tumor"] == ("tumour",)
    assert forms["hypoglycemia"] == ("hypoglycaemia", "hypoglycemia")
    assert "sarcoma" not in forms
    retriever = bot.retriever
    british = retriever.lexical_scores("haemangiopericytoma tumour")
    american = retriever.lexical_scores("hemangiopericytoma tumor")
    assert british is not None and american is not None
    assert int(british.argmax()) == int(american.argmax())


@pytest.mark.parametrize(
    ("question", "tokens"),
    [
        ("How do I make an appointment?", ["make", "appoint"]),
        ("What does ASPS stand for?", ["asp", "stand"]),
        ("Which has better survival when it hasn't spread?", ["better", "surviv", "hasn", "spread"]),
        ("how long after surgery did it come back", ["long", "after", "surgeri", "come", "back"]),
    ],
)
def test_bm25_does_not_match_the_words_that_make_a_question(question: str, tokens: list[str]) -> None:
    """ "how", "do", "I", "what" are in every question and say nothing of its subject; BM25 matched them in
    passages ("do a physical exam"). Words that carry meaning ("after", "not", "long") stay."""
    assert lexical_tokens(question) == tokens
