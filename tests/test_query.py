"""Query understanding on a small vocabulary built from a few texts (no index, no model: fast)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.query import (
    LAY_TERMS,
    LEXICON,
    Lexicon,
    LexiconError,
    Vocabulary,
    build_vocabulary,
    correct_spelling,
    learn_acronyms,
    learn_glosses,
    understand,
    unknown_terms,
)
from assistant.settings import Settings

HPC_PAGE = """What is hemangiopericytoma (HPC)?
Hemangiopericytoma is a rare tumor that grows in the soft tissue. It can develop anywhere in the body.
How is hemangiopericytoma treated? Surgery is the main treatment, sometimes with radiation therapy.
A low level of sugar in the blood, hypoglycemia (low blood sugar), may occur.
The tumor can come back years later; recurrence is common. Patients reported pain."""

ASPS_PAGE = """Alveolar soft part sarcoma (ASPS) is a rare sarcoma of the soft tissue in children.
ASPS is typically unresponsive to chemotherapy. Symptoms include a painless swelling.
Swelling of the synovium (the lining tissue of joints) can occur, with a cough (with or without blood).
Therapy is given after a diploma of care is agreed in stage IV disease."""

REPORT = """Onoki T, Hayashi H. Recurrent primary osseous tumour treated with en bloc spondylectomy at T5-T7."""

TOPICS = {
    "hemangiopericytoma": ["hpc-page", "onoki-2018"],
    "alveolar soft part sarcoma (ASPS)": ["asps-page"],
}


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return build_vocabulary(
        [HPC_PAGE, ASPS_PAGE, REPORT],
        TOPICS,
        document_aliases={"Onoki": "onoki-2018"},
        kinds={"case report": ["onoki-2018"]},
        settings=Settings(),
    )


HPC = frozenset({"hpc-page", "onoki-2018"})
ASPS = frozenset({"asps-page"})


def test_acronyms_are_learned_from_the_text(vocab: Vocabulary) -> None:
    assert learn_acronyms([ASPS_PAGE])["asps"] == "alveolar soft part sarcoma"
    assert vocab.acronyms["hpc"] == "hemangiopericytoma"
    assert vocab.topic_aliases["asps"] == "alveolar soft part sarcoma (ASPS)"
    query = understand("Does chemo work for ASPS?", [], vocab)
    assert query.topics == ["alveolar soft part sarcoma (ASPS)"] and query.targets == [ASPS]
    assert "alveolar soft part sarcoma" in query.text and "chemotherapy" in query.text
    assert not query.carried_topic and not query.unknown_terms


def test_a_follow_up_carries_the_conversation_topic(vocab: Vocabulary) -> None:
    history = [{"role": "user", "content": "What is HPC?"}, {"role": "assistant", "content": "A rare tumor. [1]"}]
    query = understand("What are its symptoms?", history, vocab)
    assert query.carried_topic and query.topics == ["hemangiopericytoma"] and query.targets == [HPC]
    assert "hemangiopericytoma" in query.text
    # The focus names what is asked about the topic, not the topic.
    assert "hemangiopericytoma" not in query.focus.lower() and "symptoms" in query.focus


def test_an_elliptic_follow_up_continues_the_previous_question(vocab: Vocabulary) -> None:
    history = [{"role": "user", "content": "How is HPC treated?"}, {"role": "assistant", "content": "Surgery. [1]"}]
    query = understand("And if it has spread?", history, vocab)
    assert "How is HPC treated?" in query.text and "metastasis" in query.text
    assert query.targets == [HPC]


def test_it_after_an_answer_about_two_conditions_targets_both(vocab: Vocabulary) -> None:
    history = [
        {"role": "user", "content": "My daughter has a lump on her arm that doesn't hurt, could it be one of these?"},
        {
            "role": "assistant",
            "content": "Hemangiopericytoma may appear as a painless lump. [1] "
            "Alveolar soft part sarcoma may appear as a painless swelling. [2]",
        },
    ]
    query = understand("How is it treated?", history, vocab)
    assert query.carried_topic
    assert set(query.targets) == {HPC, ASPS}
    assert set(query.topics) == set(TOPICS)


def test_the_question_of_an_exchange_outranks_its_answer(vocab: Vocabulary) -> None:
    history = [
        {"role": "user", "content": "What is HPC?"},
        {"role": "assistant", "content": "A tumor; unlike alveolar soft part sarcoma it grows in adults. [1]"},
    ]
    query = understand("Is it treated with surgery?", history, vocab)
    assert query.targets == [HPC]


def test_a_later_exchange_outranks_an_earlier_one(vocab: Vocabulary) -> None:
    history = [
        {"role": "user", "content": "What is HPC?"},
        {"role": "assistant", "content": "A rare tumor. [1]"},
        {"role": "user", "content": "What about ASPS?"},
        {"role": "assistant", "content": "A rare sarcoma. [1]"},
    ]
    assert understand("How is it treated?", history, vocab).targets == [ASPS]


def test_phrases_match_before_their_words() -> None:
    lexicon = Lexicon({"back": "spine", "come back": "recurrence", "cut out": "removal"})
    assert lexicon.expansions("Will it come back after they cut it out?") == ["recurrence"]
    assert lexicon.expansions("Will it come back after they cut out the lump?") == ["recurrence", "removal"]
    assert lexicon.expansions("My back hurts") == ["spine"]
    assert lexicon.expansions("Does it come  BACK?") == ["recurrence"]


def test_the_lexicon_is_general_medical_english_read_from_its_data_file(vocab: Vocabulary) -> None:
    assert LAY_TERMS["chemo"] == "chemotherapy" and "come back" in LEXICON
    # Entries that only fit one corpus, or fire on unrelated words, are gone.
    for entry in ("common", "how rare", "frequency", "incidence", "back", "backbone", "blood sugar"):
        assert entry not in LAY_TERMS, entry
    query = understand("Will it come back?", [], vocab)
    assert "recurrence" in query.text and "spine" not in query.text
    # Possessives and hyphenated shorthand still meet their entries.
    assert "child" in understand("my daughter's arm", [], vocab).text
    assert "year" in understand("HPC 5-yr survival", [], vocab).text


def test_a_bad_lexicon_file_is_refused_with_its_name(tmp_path: Path) -> None:
    bad = tmp_path / "lay.toml"
    bad.write_text('[lay]\n"chemo" = ""\n', encoding="utf-8")
    with pytest.raises(LexiconError, match="chemo"):
        Lexicon.from_toml(bad)
    bad.write_text('[lay]\n"chemo" = "chemotherapy"\n[shorthand]\n"Chemo" = "x"\n', encoding="utf-8")
    with pytest.raises(LexiconError, match=r"lay\.toml.*twice"):
        Lexicon.from_toml(bad)
    bad.write_text("[lay\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="cannot read"):
        Lexicon.from_toml(bad)


def test_glosses_the_corpus_gives_are_learned(vocab: Vocabulary) -> None:
    assert vocab.glosses == {"low blood sugar": "hypoglycemia", "lining tissue joints": "synovium"}
    # An everyday word qualified in brackets, or a bracket that lists or qualifies, is not a gloss.
    assert learn_glosses(["tissue (the lining tissue of joints)", "cough (with or without blood)"], 20000) == {}
    query = understand("Can it cause low blood sugar?", [], vocab)
    assert "hypoglycemia" in query.text and "hypoglycemia" in query.focus
    assert "hypoglycemia" not in understand("Is blood sugar checked?", [], vocab).text


def test_misspelt_corpus_words_are_corrected(vocab: Vocabulary) -> None:
    assert correct_spelling("How is hemangioperictoma treated?", vocab) == "How is hemangiopericytoma treated?"
    assert correct_spelling("Hemangiopericitoma", vocab) == "Hemangiopericytoma"
    query = understand("how is hemangioperictoma treated", [], vocab)
    assert query.topics == ["hemangiopericytoma"] and not query.unknown_terms


def test_real_words_are_never_turned_into_corpus_words(vocab: Vocabulary) -> None:
    assert correct_spelling("Does aroma therapy help?", vocab) == "Does aroma therapy help?"
    assert correct_spelling("I have a diploma", vocab) == "I have a diploma"
    # An inflection of a corpus word is not a typo.
    assert correct_spelling("hemangiopericytomas reporting", vocab) == "hemangiopericytomas reporting"
    # Short words are left alone: too many real words lie one edit apart.
    assert correct_spelling("tumr", vocab) == "tumr"
    assert correct_spelling("tumer", vocab) == "tumor"


def test_unknown_names_are_found(vocab: Vocabulary) -> None:
    assert unknown_terms("Is osteosarcoma the same thing?", vocab) == ["osteosarcoma"]
    assert unknown_terms("Does pazopanib work?", vocab) == ["pazopanib"]
    assert unknown_terms("Is it like Ewing sarcoma?", vocab) == ["Ewing"]
    assert unknown_terms("Is an MRI needed?", vocab) == ["MRI"]


def test_everyday_words_codes_and_numerals_are_not_names(vocab: Vocabulary) -> None:
    assert unknown_terms("I have a diploma in nursing; what is aroma therapy?", vocab) == []
    assert unknown_terms("What does stage IV mean?", vocab) == []
    assert unknown_terms("What did Onoki do at T5-T7?", vocab) == []
    assert unknown_terms("Is ASPS in stage III different?", vocab) == []
    assert unknown_terms("What Does The Doctor Say About Surgery?", vocab) == []
    assert unknown_terms("IS IT GENETIC OR NOT?", vocab) == []
    assert unknown_terms("Is a follow-up visit needed?", vocab) == []


def test_other_names_the_corpus_gives_become_aliases() -> None:
    text = "Hemangiopericytoma, also called solitary fibrous tumor, is rare. Surgery, also called an operation."
    vocab = build_vocabulary([text], {"hemangiopericytoma": ["hpc-page"]}, settings=Settings())
    assert vocab.topic_aliases["solitary fibrous tumor"] == "hemangiopericytoma"
    assert vocab.targets_in("Are solitary fibrous tumors dangerous?") == [frozenset({"hpc-page"})]
    assert "operation" not in vocab.topic_aliases  # what follows an unknown name teaches nothing


def test_the_focus_drops_subject_names_in_any_form(vocab: Vocabulary) -> None:
    query = understand("What is the HPC's outlook in the Onoki case report?", [], vocab)
    assert query.focus.startswith("What is the outlook in the ?")
    assert "hpc" not in query.focus.lower() and "onoki" not in query.focus.lower()


def test_compounds_of_known_words_are_not_names(vocab: Vocabulary) -> None:
    assert unknown_terms("ASPS chemosensitivity", vocab) == []
    assert unknown_terms("post-op care after surgery", vocab) == []
    assert unknown_terms("Is acute lymphoblastic disease treated?", vocab) == ["lymphoblastic"]
    assert unknown_terms("is keytruda used", vocab) == ["keytruda"]


def test_plurals_of_corpus_words_and_title_abbreviations_are_not_names(vocab: Vocabulary) -> None:
    assert unknown_terms("Do HPCs come back?", vocab) == []
    assert unknown_terms("Is Dr. Onoki still working?", vocab) == []


def test_words_no_document_uses_are_reported(vocab: Vocabulary) -> None:
    query = understand("Can a special diet help shrink my daughter's HPC?", [], vocab)
    assert query.absent_terms == ["special", "diet", "help", "shrink"]
    assert understand("Is surgery the main treatment for HPC?", [], vocab).absent_terms == []
