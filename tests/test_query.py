"""Query understanding on a small vocabulary built from a few texts, and follow-ups on the vocabulary of
the real corpus (parsed only: no index, no model, fast); one end-to-end follow-up on the real assistant."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.corpus import load_corpus, read_manifest
from assistant.ingest import ParsedDocument, parse_corpus
from assistant.profile import load_profile
from assistant.query import (
    LAY_TERMS,
    LEXICON,
    Lexicon,
    LexiconError,
    Vocabulary,
    asks_overview,
    build_vocabulary,
    correct_spelling,
    learn_acronyms,
    learn_glosses,
    sentence_openings,
    spelling_key,
    understand,
    unknown_terms,
    vocabulary_from_corpus,
)
from assistant.settings import Settings
from assistant.text import words

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
        years={"2018": ["onoki-2018"]},
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


def test_how_to_answer_is_not_what_is_asked(vocab: Vocabulary) -> None:
    """ "In simple words" asks for plain words, not about "simple"; "Could you tell me about X?" asks for an
    overview as "Tell me about X" does."""
    plain = understand("What is hemangiopericytoma in simple words?", [], vocab)
    assert "simple" not in plain.focus and "words" not in plain.focus
    assert "child" in understand("What is the usual dose for a child?", [], vocab).focus  # who, not how
    assert asks_overview("Could you tell me about hemangiopericytoma?")


def test_notation_for_little_words_is_read_as_the_words(vocab: Vocabulary) -> None:
    """ "no. of" counts and negates nothing; "w/o" negates."""
    assert understand("HPC spine no. of prior cases", [], vocab).question == "HPC spine number of prior cases"
    assert understand("ASPS # of cases", [], vocab).question == "ASPS number of cases"
    assert understand("HPC w/o radiation", [], vocab).question == "HPC without radiation"
    assert understand("Is there no cure?", [], vocab).question == "Is there no cure?"
    assert understand("HPC w/u for mets", [], vocab).question == "HPC w/u for mets"  # a work-up, not "with u"
    assert understand("ASPS w/x-ray findings", [], vocab).question == "ASPS with x-ray findings"
    assert understand("whats ASPS", [], vocab).question == "what's ASPS"  # (a phone drops the apostrophe)
    # A number typed onto its unit is read as the number and its unit.
    assert understand("ASPS 5yr survival", [], vocab).question == "ASPS 5-yr survival"
    assert understand("ASPS 5 yr survival", [], vocab).question == "ASPS 5 yr survival"


def test_what_a_message_tells_before_a_comma_and_a_question_is_told(vocab: Vocabulary) -> None:
    query = understand("my son has ASPS in his arm, how is it treated", [], vocab)
    assert query.told == "my son has ASPS in his arm"
    # A question, then another, tells nothing; nor does a message that names no subject.
    assert understand("What causes ASPS, is it genetic?", [], vocab).told == ""
    assert understand("my son has a lump, how is it treated", [], vocab).told == ""
    # A condition of the question is no telling: "If it spreads to the lungs, how is it treated?"
    assert understand("If ASPS spreads to the lungs, how is it treated?", [], vocab).told == ""
    # ... but a clause opening "In 2019" that tells of someone is a telling.
    told = understand("In 2019 my son was diagnosed with ASPS, how is it treated?", [], vocab).told
    assert told == "In 2019 my son was diagnosed with ASPS"
    # Typed without capitals, with a word that only frames the question: still told, then asked.
    typed = understand("they found a lump in her arm, doctors think its ASPS. what is that exactly?", [], vocab)
    assert typed.question == "what is that exactly?" and typed.topics == ["alveolar soft part sarcoma (ASPS)"]
    # ... and with no question mark at all.
    unmarked = understand("my dad has a lump that keeps growing, they said ASPS. what is that", [], vocab)
    assert unmarked.question == "what is that" and unmarked.topics == ["alveolar soft part sarcoma (ASPS)"]


def test_what_a_message_tells_after_its_question_is_not_asked(vocab: Vocabulary) -> None:
    """ "Is it genetic? my mum keeps blaming herself": the feeling told after the question asks nothing; what
    it tells of the subject ("How is it treated? My son has ASPS.") is read as told first."""
    query = understand("is ASPS caused by smoking? my mum keeps blaming herself", [], vocab)
    assert query.question == "is ASPS caused by smoking?" and "blaming" not in query.focus
    after = understand("How is it treated? My son has ASPS.", [], vocab)
    before = understand("My son has ASPS. How is it treated?", [], vocab)
    assert (after.question, after.told, after.focus) == (before.question, before.told, before.focus)
    assert after.topics == ["alveolar soft part sarcoma (ASPS)"]
    # What goes on asking after the mark stays asked, with or without a mark of its own.
    assert "painful" in understand("how is ASPS treated? and is it painful for her", [], vocab).focus
    assert "treated" in understand("What is ASPS? my son has a lump in his thigh, how is it treated", [], vocab).text
    # ... and a question typed without its mark, then the feeling: "what are his chances honestly. i cant stop crying".
    unmarked = understand("my son has ASPS. what are his chances honestly. i cant stop crying", [], vocab)
    assert "crying" not in unmarked.focus and "chances" in unmarked.focus


def test_a_names_last_word_cut_short_is_completed_when_it_begins_one_word(vocab: Vocabulary) -> None:
    from assistant.query import correct_name_typos

    assert correct_name_typos("is alveolar soft part sarc genetic", vocab) == "is alveolar soft part sarcoma genetic"
    assert correct_name_typos("is alveolar soft part sa genetic", vocab) == "is alveolar soft part sa genetic"
    two = build_vocabulary(["Pages."], {"infantile fibrosarcoma": ["a"], "infantile fibromatosis": ["b"]})
    assert correct_name_typos("infantile fibro treatment", two) == "infantile fibro treatment"  # which is meant?
    assert correct_name_typos("infantile fibrosa treatment", two) == "infantile fibrosarcoma treatment"


def test_a_follow_up_carries_what_was_asked_before_not_what_was_told(vocab: Vocabulary) -> None:
    """After "my husband was told he has ASPS in his leg, does he need chemo?", "Is it ever used on its own?" carries
    the chemotherapy asked about, not the husband, what he was told, or where."""
    first = "my husband was told he has ASPS in his leg, does he need chemo?"
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": "Chemotherapy ... [1]"}]
    query = understand("Is it ever used on its own?", history, vocab)
    assert "chemo" in query.text
    assert not {"husband", "told", "leg"} & set(query.text.lower().replace(";", " ").replace(")", " ").split())
    # ... nor what the question before told after asking, its mark left out.
    first = "my son has ASPS. what are his chances honestly. i cant stop crying"
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": "About 60 in 100 ... [1]"}]
    query = understand("Is it always like that?", history, vocab)
    assert "chances" in query.text and "crying" not in query.text


def test_a_state_is_matched_as_the_pages_noun_for_it(vocab: Vocabulary) -> None:
    """ "while I was pregnant" is matched to "during pregnancy" (the stems of the two differ)."""
    assert "pregnancy" in understand("Did ASPS come from something I did while I was pregnant?", [], vocab).focus


def test_that_one_stands_for_the_subject_as_it_does(vocab: Vocabulary) -> None:
    """ "How is that one treated?" asks what "how is it treated?" asks: "one" is no word of a heading."""
    history = [{"role": "user", "content": "What is HPC?"}, {"role": "assistant", "content": "A rare tumor. [1]"}]
    query = understand("How is that one treated?", history, vocab)
    assert query.topics == ["hemangiopericytoma"]
    assert "one" not in query.focus.split() and "treated" in query.focus


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
    # A family's "rounds" of chemotherapy are the "cycles" or "courses" a page counts.
    assert "cycles courses" in understand("how many rounds of chemo for ASPS?", [], vocab).focus
    # ... and the oncologist is the doctor or specialist a page speaks of.
    assert "doctor specialist" in understand("the oncologist wants chemo first for ASPS", [], vocab).text


def test_the_lexicon_read_backwards_gives_the_lay_words_for_a_clinical_word() -> None:
    lexicon = Lexicon({"pills": "drugs medicines", "meds": "medicines drugs", "chemo": "chemotherapy"})
    assert set(lexicon.same_meaning("drugs")) == {"pills", "meds", "drugs", "medicines"}
    assert lexicon.same_meaning("surgery") == []


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
    # A medical "-oid" word in a dictionary ("desmoid", "keloid") is still a name the documents lack.
    assert unknown_terms("what are the symptoms of a desmoid tumor", vocab) == ["desmoid"]
    # A condition named after someone, typed in lower case, before its head noun; a known one is no name lacked.
    assert unknown_terms("ewing sarcoma symptoms in kids", vocab) == ["ewing"]
    assert unknown_terms("alveolar soft part sarcoma symptoms in kids", vocab) == []


def test_a_place_asked_about_is_a_name_even_in_lower_case(vocab: Vocabulary) -> None:
    assert unknown_terms("is there an ASPS clinical trial near chicago", vocab) == ["chicago"]
    assert unknown_terms("is there a hospital near me that treats ASPS", vocab) == []
    # A question asking where: "in" or "at" a place.
    assert unknown_terms("where can i get ASPS surgery in manchester", vocab) == ["manchester"]
    assert unknown_terms("where in the body does ASPS start", vocab) == []
    assert unknown_terms("can i get ASPS surgery in manchester", vocab) == []  # (no "where": an everyday word)
    assert unknown_terms("Where does ASPS usually start in grown-ups?", vocab) == []  # people, not a place
    assert unknown_terms("where does it grow in toddlers", vocab) == []


def test_everyday_words_codes_and_numerals_are_not_names(vocab: Vocabulary) -> None:
    assert unknown_terms("I have a diploma in nursing; what is aroma therapy?", vocab) == []
    assert unknown_terms("What does stage IV mean?", vocab) == []
    assert unknown_terms("What did Onoki do at T5-T7?", vocab) == []
    assert unknown_terms("Is ASPS in stage III different?", vocab) == []
    assert unknown_terms("What Does The Doctor Say About Surgery?", vocab) == []
    assert unknown_terms("IS IT GENETIC OR NOT?", vocab) == []
    assert unknown_terms("Is a follow-up visit needed?", vocab) == []
    # An everyday word mistyped is no name ("actualy"); a name one slip from nothing everyday still is.
    assert unknown_terms("what does it actualy mean, is it normaly cured?", vocab) == []
    assert unknown_terms("does keytruda work?", vocab) == ["keytruda"]


def test_who_said_it_is_no_name_the_documents_lack(bot: Assistant) -> None:
    """ "Our GP said ...": the family's doctor, whom pages call a doctor."""
    assert unknown_terms("Our GP said surgery might help", bot.vocab) == []


def test_an_acronym_spelled_out_only_in_a_heading_is_learned() -> None:
    texts = ["KHE is a rare tumour of blood vessel cells.", "KHE traps platelets."]
    headings = {"khe-page": ["Kaposiform hemangioendothelioma (KHE): questions families ask", "Is KHE a cancer?"]}
    vocab = build_vocabulary(
        texts, {"kaposiform hemangioendothelioma": ["khe-page"]}, settings=Settings(), headings=headings
    )
    assert vocab.topic_aliases["khe"] == "kaposiform hemangioendothelioma"
    # ... and the words of a condition's name are known, even where only headings use them.
    assert unknown_terms("Will kaposiform hemangioendothelioma spread?", vocab) == []


def test_a_two_word_name_is_found_with_one_word_mistyped_into_no_word() -> None:
    """ "infantil fibrosarcoma" names infantile fibrosarcoma; a message telling of it, then asking, tells of it."""
    texts = ["Infantile fibrosarcoma is a tumour of babies.", "Bone cysts are holes in a bone."]
    topics = {"infantile fibrosarcoma": ["if-page"], "bone cyst": ["bc-page"]}
    vocab = build_vocabulary(texts, topics, settings=Settings())
    query = understand("the doctors think its infantil fibrosarcoma, what tests will she need", [], vocab)
    assert query.topics == ["infantile fibrosarcoma"]
    assert query.told == "the doctors think its infantil fibrosarcoma"
    # ... but an English word is no typo of a two-word name's word ("bone cost" is not "bone cyst").
    assert understand("what does a bone cost", [], vocab).topics == []


def test_other_names_the_corpus_gives_become_aliases() -> None:
    text = "Hemangiopericytoma, also called solitary fibrous tumor, is rare. Surgery, also called an operation."
    vocab = build_vocabulary([text], {"hemangiopericytoma": ["hpc-page"]}, settings=Settings())
    assert vocab.topic_aliases["solitary fibrous tumor"] == "hemangiopericytoma"
    assert vocab.targets_in("Are solitary fibrous tumors dangerous?") == [frozenset({"hpc-page"})]
    assert "operation" not in vocab.topic_aliases  # what follows an unknown name teaches nothing


def test_an_other_name_wrapped_over_two_printed_lines_is_one_name() -> None:
    """ "A zentaroma, also called a" / "glandular mole, ..." (a printed page's line break, with a column's padding): the
    other name is "glandular mole", never the article before the break."""
    text = "A zentaroma, also called a              \n   glandular mole, is a growth that does not develop normally."
    vocab = build_vocabulary([text], {"zentaroma": ["z-page"]}, settings=Settings())
    assert vocab.topic_aliases.get("glandular mole") == "zentaroma"
    assert "a" not in vocab.topic_aliases


def test_the_focus_drops_subject_names_in_any_form(vocab: Vocabulary) -> None:
    query = understand("What is the HPC's outlook in the Onoki case report?", [], vocab)
    assert query.focus.startswith("What is the outlook in the ?")
    assert "hpc" not in query.focus.lower() and "onoki" not in query.focus.lower()
    # A report's year of publication names it, as its author's name does.
    keywords = understand("Onoki 2018 presenting symptoms", [], vocab)
    assert "2018" not in keywords.focus and "symptoms" in keywords.focus


def test_the_focus_spells_out_acronyms_that_name_no_subject(vocab: Vocabulary) -> None:
    report = "A man had back pain. Computed tomography (CT) showed a mass. Magnetic resonance imaging showed it too."
    vocab = build_vocabulary([HPC_PAGE, report], {"hemangiopericytoma (HPC)": ["hpc-page"]}, settings=Settings())
    ct = understand("What did the CT show in HPC?", [], vocab)
    assert "computed tomography" in ct.focus and "hemangiopericytoma" not in ct.focus
    # Shorthand the lexicon knows, for what the pages say in full, is no unknown name either.
    mri = understand("What did the MRI show?", [], vocab)
    assert "magnetic resonance imaging" in mri.focus and mri.unknown_terms == []


def test_a_long_form_asked_is_matched_by_the_acronym_the_page_writes() -> None:
    """ "median overall survival" of a page writing "median OS was 31 months": the lexical match sees "OS" too."""
    review = "Lymphadenectomy did not improve overall survival (OS). Median OS was 31 months for uterine sarcoma."
    vocab = build_vocabulary([review], {"uterine sarcoma": ["review"]}, settings=Settings())
    query = understand("median overall survival uterine sarcoma", [], vocab)
    assert re.search(r"\bos\b", query.focus.lower())


def test_an_acronym_with_a_lower_case_first_letter_names_the_rest_of_its_name() -> None:
    """ "uterine leiomyosarcoma (uLMS)": "LMS" is the leiomyosarcoma, and "LG-ESS" is an acronym too, so a question
    about "uterine LMS" names no unknown thing."""
    review = (
        "Uterine leiomyosarcoma (uLMS) and low-grade endometrial stromal sarcoma (LG-ESS) differ. Adjuvant chemo in "
        "stage I uLMS did not improve overall survival (OS)."
    )
    acronyms = learn_acronyms([review])
    assert acronyms["ulms"] == "uterine leiomyosarcoma" and acronyms["lms"] == "leiomyosarcoma"
    assert acronyms["lg-ess"] == "low-grade endometrial stromal sarcoma"
    assert "rna" not in learn_acronyms(["It is read from messenger RNA (mRNA)."])  # the capitals are the name
    topics = {"uterine leiomyosarcoma": ["review"], "low-grade endometrial stromal sarcoma": ["review"]}
    vocab = build_vocabulary([review], topics, settings=Settings())
    assert understand("adjuvant chemo stage I uterine LMS, any OS benefit?", [], vocab).unknown_terms == []


def test_a_follow_up_naming_a_thing_of_its_own_does_not_carry_what_was_asked_before() -> None:
    """ "does taking the ovaries out help with it?" after a survival question asks about the ovaries (matched by the
    page's "ovarian"); "Is it ever used on its own?" still carries what was asked, and so does "which of those"."""
    review = (
        "Ovarian preservation raised recurrence of uterine sarcoma. Median survival was 31 months. Radiation is used."
    )
    vocab = build_vocabulary([review], {"uterine sarcoma": ["r"]}, settings=Settings())
    before = [{"role": "user", "content": "uterine sarcoma median survival"}, {"role": "assistant", "content": "..."}]
    ovaries = understand("does taking the ovaries out help with it?", before, vocab)
    assert "survival" not in ovaries.focus and "ovarian" in ovaries.focus
    radiation = [
        {"role": "user", "content": "role of radiation in uterine sarcoma"},
        {"role": "assistant", "content": "."},
    ]
    assert "radiation" in understand("Is it ever used on its own?", radiation, vocab).focus
    assert "radiation" in understand("which of those is definitive?", radiation, vocab).focus
    # ... and a rarer word said of "that", the previous answer's thing: "was heterogeneity high for that?"
    assert "survival" in understand("was heterogeneity high for that?", before, vocab).focus


def test_a_one_word_name_cut_short_names_its_condition_when_it_begins_one_only() -> None:
    """ "rhabdo" is "rhabdomyosarcoma" when no other condition's name begins so; "glom" is too short a cut, and a
    cut that begins two conditions' names names neither."""
    texts = ["Rhabdomyosarcoma is a tumour of muscle cells.", "Glomangioma and glomangiomatosis are rare."]
    topics = {"rhabdomyosarcoma": ["r"], "glomangioma": ["g"], "glomangiomatosis": ["h"]}
    vocab = build_vocabulary(texts, topics, settings=Settings())
    assert understand("rhabdo chemo fever threshold", [], vocab).topics == ["rhabdomyosarcoma"]
    assert understand("glomang chemo", [], vocab).topics == []


def test_the_word_a_page_writes_after_level_codes_asks_for_a_level() -> None:
    """A report writing "at the X5-X7 lobules" teaches that "which lobules" asks for a level; a word that follows a
    code once in many uses ("posterior") does not."""
    report = (
        "A man had a mass at the X5-X7 lobules. The posterior approach was used. The posterior wall was thin. "
        "A posterior graft was placed. The X6 posterior rim was intact. Posterior fixation held."
    )
    vocab = build_vocabulary([report], {"lobuloma": ["r"]}, settings=Settings())
    assert understand("which lobules were involved?", [], vocab).question == "which lobules levels were involved?"
    assert understand("which lobule was it at?", [], vocab).question == "which lobule levels was it at?"
    assert understand("which lobule levels?", [], vocab).question == "which lobule levels?"
    assert understand("which posterior parts?", [], vocab).question == "which posterior parts?"


def test_a_word_a_page_uses_only_as_its_adjective_is_known() -> None:
    """ "ovaries" of a page that says "ovarian preservation": not a thing the documents never mention."""
    vocab = build_vocabulary(["Ovarian preservation raised the risk of recurrence."], {"x": ["p"]}, settings=Settings())
    assert "ovaries" not in understand("does taking the ovaries out help?", [], vocab).absent_terms
    assert "kidneys" in understand("does taking the kidneys out help?", [], vocab).absent_terms


def test_a_question_about_a_reports_case_is_matched_in_a_case_reports_words(vocab: Vocabulary) -> None:
    """A report says what its patient "underwent"; a patient page says how a condition is "treated"."""
    assert "underwent" in understand("How was the Onoki patient treated?", [], vocab).focus
    assert "presented" in understand("What symptoms did the patient in the Onoki report have?", [], vocab).focus
    assert "underwent" not in understand("How is HPC treated?", [], vocab).focus
    assert "underwent" not in understand("How was my daughter treated in the Onoki way?", [], vocab).focus
    # "Tell me about the Onoki case" is a request, not the asker's own story.
    assert "presented" in understand("Tell me what symptoms the Onoki patient had", [], vocab).focus
    # A nurse's keywords about one named report ask about its case too, shorthand included ("tx": treatment).
    assert "presented" in understand("Onoki 2018 presenting symptoms", [], vocab).focus
    assert "underwent" in understand("Onoki 2018 tx", [], vocab).focus


def test_a_relation_verb_after_the_subject_asks_what_it_leads_to_not_what_causes_it(vocab: Vocabulary) -> None:
    """ "Does HPC cause pain?" asks about pain, not "the cause of HPC"; "What causes HPC?" and "Did we do
    something to cause HPC?" ask what causes it."""
    assert "cause" not in understand("Does HPC cause pain?", [], vocab).focus
    assert "cause" not in understand("What symptoms does it cause?", [], vocab).focus
    assert "causes" in understand("What can cause HPC?", [], vocab).focus
    assert "cause" in understand("Did we do something to cause HPC?", [], vocab).focus


def test_a_surname_with_a_particle_is_found_written_either_way(vocab: Vocabulary) -> None:
    """ "the van Tongeren review" names the document the corpus credits to "Vantongeren"."""
    report = "Ines Vantongeren et al. Pediatr Sarcoma Rev. 2021 Mar. Desmoid tumour is treated by watching."
    vocab = build_vocabulary(
        [report], {"desmoid tumour": ["vt-2021"]}, document_aliases={"Vantongeren": "vt-2021"}, settings=Settings()
    )
    query = understand("What does the van Tongeren review say?", [], vocab)
    assert query.targets == [frozenset({"vt-2021"})] and query.unknown_terms == []


def test_the_kind_of_document_a_question_names_narrows_its_condition_to_it(vocab: Vocabulary) -> None:
    """ "According to the case report, how is HPC treated?": HPC's documents of that kind."""
    assert vocab.targets_in("According to the case report, how is HPC treated?") == [frozenset({"onoki-2018"})]
    assert vocab.targets_in("How is HPC treated?") == [HPC]


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
    # ("shrink" is said as a "reduction" or "decrease", which the pages use.)
    assert query.absent_terms == ["special", "diet", "help"]
    assert understand("Is surgery the main treatment for HPC?", [], vocab).absent_terms == []


# -- follow-ups on the real corpus -------------------------------------------------------------------
# The vocabulary the assistant builds, from the real seed corpus (parsed, no index or model needed).

REAL_CORPUS = Path(__file__).resolve().parent.parent / "corpus"
HPC_PAGE_ID, ASPS_PAGE_ID = "dfci-hemangiopericytoma", "dfci-alveolar-soft-part-sarcoma"
WOITZIK_ID = "pubmed-woitzik-2003"


@pytest.fixture(scope="module")
def documents() -> list[ParsedDocument]:
    return parse_corpus(load_corpus(REAL_CORPUS))


@pytest.fixture(scope="module")
def real(documents: list[ParsedDocument]) -> Vocabulary:
    return vocabulary_from_corpus(documents, {info.id: info for info in read_manifest(REAL_CORPUS)})


@pytest.fixture(scope="module")
def stock_replies() -> tuple[str, str]:
    """What the assistant says whatever the question: the coverage its refusals name, and its greeting."""
    profile = load_profile(REAL_CORPUS)
    assert profile.coverage and profile.greeting
    return profile.coverage, profile.greeting


def quote(documents: list[ParsedDocument], source_id: str, fragment: str) -> str:
    """The corpus sentence of a document that holds a fragment (what an answer quotes verbatim)."""
    doc = next(d for d in documents if d.source_id == source_id)
    return next(s.text for s in doc.sentences if fragment in s.text)


def refusal(coverage: str) -> str:
    return f"I'm sorry — the documents I have don't answer that, and I won't guess. They cover {coverage}."


def turns(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [t for q, a in pairs for t in ({"role": "user", "content": q}, {"role": "assistant", "content": a})]


def test_an_answer_is_traced_to_the_documents_it_quoted(real: Vocabulary, documents: list[ParsedDocument]) -> None:
    lead = quote(documents, HPC_PAGE_ID, "symptoms your child may be experiencing")
    report = quote(documents, WOITZIK_ID, "new metastases")
    answer = f"Patient page: {lead} a painless swelling or lump; pain or soreness. [1] Case report: {report} [2]"
    quoted, own_words = real.quoted_sources(answer)
    assert quoted == [HPC_PAGE_ID, WOITZIK_ID]
    # What is left is the answer's own words: labels, markers and the short list items.
    assert own_words.startswith("patient page") and "metastases" not in own_words
    paraphrase = "A paraphrase that quotes nothing at all from any page."
    assert real.quoted_sources(paraphrase) == ([], "a paraphrase that quotes nothing at all from any page")


def test_a_sentence_opening_inside_a_whole_quote_is_not_another_quote(real: Vocabulary) -> None:
    """ "Radiation therapy: Radiation is often given after surgery ..." quotes page A whole; page B's
    sentence that opens "Radiation is often given after surgery" is not quoted by it."""
    vocab = replace(
        real,
        openings=sentence_openings(
            {
                "page-a": ["Radiation therapy: Radiation is often given after surgery to destroy cells left behind."],
                "page-b": ["Radiation is often given after surgery when the margins are not clear."],
            }
        ),
    )
    answer = "- Radiation therapy: Radiation is often given after surgery to destroy cells left behind. [1]"
    assert vocab.quoted_sources(answer)[0] == ["page-a"]
    assert vocab.quoted_sources("Radiation is often given after surgery when the margins are not clear.")[0] == [
        "page-b"
    ]


def test_it_after_an_answer_quoting_one_page_means_that_pages_condition(
    real: Vocabulary, documents: list[ParsedDocument]
) -> None:
    lead = quote(documents, HPC_PAGE_ID, "symptoms your child may be experiencing")
    history = turns(
        ("My daughter has a lump on her arm that doesn't hurt, could it be one of these tumours?", f"{lead} [1]")
    )
    query = understand("how is it treated?", history, real)
    assert query.carried_topic and query.topics == ["hemangiopericytoma"]
    assert query.targets == [condition_of(real, HPC_PAGE_ID)]
    # Carried as if named: "how is hemangiopericytoma treated?" has the same terms.
    assert query.terms == ["treated", "hemangiopericytoma"] and "hemangiopericytoma" in query.text
    assert " it " not in f" {query.focus} "


def test_it_after_an_answer_quoting_two_conditions_targets_each(
    real: Vocabulary, documents: list[ParsedDocument]
) -> None:
    hpc = quote(documents, HPC_PAGE_ID, "symptoms your child may be experiencing")
    asps = quote(documents, ASPS_PAGE_ID, "most common alveolar soft part sarcoma symptoms")
    history = turns(
        (
            "My son has a lump, could it be one of these?",
            f"Hemangiopericytoma: {hpc} [1] Alveolar Soft Part Sarcoma (ASPS): {asps} [2]",
        )
    )
    query = understand("How is it treated?", history, real)
    assert query.targets == [condition_of(real, HPC_PAGE_ID), condition_of(real, ASPS_PAGE_ID)]
    assert query.topics == ["hemangiopericytoma", "alveolar soft part sarcoma (ASPS)"]


def test_a_refusal_names_nothing_so_the_earlier_subject_stays(real: Vocabulary, stock_replies: tuple[str, str]) -> None:
    coverage = stock_replies[0]
    history = turns(
        ("What is alveolar soft part sarcoma?", "A malignant soft tissue tumor. [1]"),
        ("is it genetic?", refusal(coverage)),
    )
    query = understand("what about treatment?", history, real, stock_replies)
    assert query.targets == [frozenset({ASPS_PAGE_ID})] and query.carried_topic
    # An answer aspect of its own: the refused question is not carried along.
    assert "genetic" not in query.text and "treatment" in query.terms
    # A greeting names everything too.
    history = turns(("What is alveolar soft part sarcoma?", "A tumor. [1]"), ("hello!", stock_replies[1]))
    assert understand("how is it treated?", history, real, stock_replies).targets == [frozenset({ASPS_PAGE_ID})]


def test_a_name_the_corpus_never_uses_stays_unknown_in_a_follow_up(
    real: Vocabulary, stock_replies: tuple[str, str]
) -> None:
    history = turns(("What is HPC?", "A rare tumor. [1]"), ("What is Ewing sarcoma?", refusal(stock_replies[0])))
    query = understand("Is it genetic?", history, real, stock_replies)
    assert query.unknown_terms == ["Ewing"] and not query.targets


def test_she_is_the_patient_of_the_case_report_discussed_before(
    real: Vocabulary, documents: list[ParsedDocument]
) -> None:
    page = quote(documents, HPC_PAGE_ID, "rare tumor that grows")
    history = turns(
        ("Summarize the Woitzik 2003 case.", "A metastasis years after the first tumour. [1]"),
        ("What is HPC?", f"{page} [1]"),
    )
    query = understand("How was she treated?", history, real)
    assert query.targets == [frozenset({WOITZIK_ID})] and "patient" in query.terms
    assert "woitzik" in query.text and "patient" in query.focus
    # After the asker speaks of their own daughter, "she" is the daughter: the latest subject holds, the
    # condition the quoted page is about (not the report's patient).
    history += turns(("My daughter has it, what now?", f"{page} [1]"))
    assert understand("How will she be treated?", history, real).targets == [condition_of(real, HPC_PAGE_ID)]


def condition_of(vocab: Vocabulary, source_id: str) -> frozenset[str]:
    """Every document about the condition a document is about."""
    return next(frozenset(ids) for ids in vocab.topics.values() if source_id in ids)


def test_a_quoted_general_page_makes_its_condition_the_referent(
    real: Vocabulary, documents: list[ParsedDocument]
) -> None:
    """ "Can it come back?" after answers quoting only the condition's page is asked of the condition, whose
    reports may say what the page does not."""
    page = quote(documents, HPC_PAGE_ID, "rare tumor that grows")
    history = turns(("What is HPC?", f"{page} [1]"), ("Where in the body does it grow?", f"{page} [1]"))
    hpc = condition_of(real, HPC_PAGE_ID)
    assert len(hpc) > 1 and understand("Can it come back?", history, real).targets == [hpc]


def test_a_quoted_case_report_stays_the_referent(real: Vocabulary, documents: list[ParsedDocument]) -> None:
    treated = quote(documents, WOITZIK_ID, "two-staged total removal")
    history = turns(("Summarize the Woitzik 2003 case.", "A case. [1]"), ("How was she treated?", f"{treated} [1]"))
    assert understand("Did it come back?", history, real).targets == [frozenset({WOITZIK_ID})]


def test_an_elliptic_follow_up_carries_what_it_qualifies(real: Vocabulary) -> None:
    history = turns(("ASPS 5-yr survival without metastases?", "91 percent. [1]"))
    assert "survival" in understand("and with mets?", history, real).text
    # "What about X?" keeps the question and swaps the subject; a qualifier then carries both along.
    history = turns(("How is HPC treated?", "Surgery. [1]"))
    swapped = understand("What about ASPS?", history, real)
    assert swapped.targets == [frozenset({ASPS_PAGE_ID})] and "treated" in swapped.text
    assert "hemangiopericytoma" not in swapped.text.lower()
    history += turns(("What about ASPS?", "Surgery and radiation. [1]"))
    chained = understand("and for children?", history, real)
    assert "treated" in chained.text and chained.targets == [frozenset({ASPS_PAGE_ID})]
    # A follow-up that asks something of its own carries only the subject.
    assert "treated" not in understand("and what's the outlook?", history, real).text


def test_a_follow_up_asking_what_comes_next_carries_the_last_answer(real: Vocabulary) -> None:
    """ "what happened next?" asks what follows the last answer's passages: it carries that answer (without its
    citation marks), and its own frame words are no terms a passage must say."""
    history = turns(("Summarize the Woitzik 2003 case.", "She had an operation. [1] It went well. [2]"))
    for question in ("what happened next?", "how long after that is the surgery?", "and then?", "then what happened"):
        understood = understand(question, history, real)
        assert understood.said_before == "She had an operation. It went well.", question
        assert not {"happened", "next", "after", "then"} & set(understood.terms), question
    assert understand("how long after that is the surgery?", history, real).terms == ["long", "surgery"]
    # Not a "this" said of the question's own event, nor with no answer before it.
    assert not understand("how long after this surgery does it come back?", history, real).said_before
    assert not understand("what happened next?", history[:1], real).said_before


def test_how_it_is_found_asks_how_it_is_diagnosed(real: Vocabulary) -> None:
    """ "how is it found?" after "Is it common in teens?" asks about diagnosis, not about teens again."""
    history = turns(("What is ASPS?", "A sarcoma. [1]"), ("Is it common in teens?", "Rare in children. [1]"))
    found = understand("how is it found?", history, real)
    assert "diagnosis" in words(found.text) and "teens" not in words(found.text)


def test_a_case_follow_up_in_the_reports_own_words_carries_only_its_subject(real: Vocabulary) -> None:
    """ "what was done?" after "how old was she?" asks what was performed, not her age."""
    history = turns(("What did Woitzik report?", "A case. [1]"), ("how old was she?", "48. [1]"))
    done = understand("what was done?", history, real)
    assert done.targets == [frozenset({WOITZIK_ID})] and "old" not in words(done.text)
    history += turns(("what was done?", "Removal. [1]"))
    assert "done" not in words(understand("how did she do afterwards?", history, real).text)


def test_a_follow_up_that_only_names_a_new_subject_asks_the_previous_question_of_it(real: Vocabulary) -> None:
    """ "What is HPC?" then "And ASPS?" asks "What is ASPS?", and is read as that question (its cues, the
    figure it asks for), with nothing of the old subject left."""
    history = turns(("What is hemangiopericytoma?", "A rare tumor. [1]"))
    for follow_up in ("And ASPS?", "what about alveolar soft part sarcoma?"):
        query = understand(follow_up, history, real)
        assert query.question.startswith("What is ") and query.targets == [frozenset({ASPS_PAGE_ID})]
        assert "hemangiopericytoma" not in query.question.lower()
    # A follow-up with words of its own is not a renamed question.
    assert understand("And ASPS treatment?", history, real).question == "And ASPS treatment?"


def test_it_is_the_thing_the_previous_question_asked_about(real: Vocabulary) -> None:
    history = turns(("What is arterial embolization for ASPS?", "Blocking the tumor's blood supply. [1]"))
    query = understand("How do they check it's safe to do?", history, real)
    assert {"arterial", "embolization"} <= set(query.terms) and "embolization" in query.focus
    # Unless the follow-up asks a new thing of the subject (an aspect the pages' headings ask about),
    # or something other than that thing.
    history = turns(("What are the symptoms of ASPS?", "A painless lump. [1]"))
    assert "symptoms" not in understand("How is it treated?", history, real).text
    history = turns(("Does chemo work for ASPS?", "Typically unresponsive. [1]"))
    assert "chemo" not in understand("So what do they use instead?", history, real).text
    assert "chemo" in understand("which drugs were tried?", history, real).text


def test_british_spellings_meet_topic_names(real: Vocabulary) -> None:
    assert real.topics_in("Is haemangiopericytoma a cancer?") == ["hemangiopericytoma"]
    assert spelling_key("desmoid tumours") == spelling_key("desmoid tumors")


def test_a_lexicon_phrase_is_one_term(real: Vocabulary) -> None:
    assert understand("Did it come back?", [], real).terms == ["come back"]


def test_the_assistant_reads_its_own_refusal_as_about_nothing(bot: Assistant) -> None:
    """End to end: after a refused follow-up, the conversation is still about its one condition."""
    first = bot.ask("What is alveolar soft part sarcoma?")
    history = turns(("What is alveolar soft part sarcoma?", first.text), ("is it contagious?", bot.abstention_text()))
    answer = bot.ask("what about treatment?", history=history, trace=True)
    assert answer.trace is not None and answer.trace.targets == [[ASPS_PAGE_ID]]
    assert not answer.abstained and {c.source_id for c in answer.citations} == {ASPS_PAGE_ID}


def test_other_names_are_learned_from_how_a_page_names_its_subject() -> None:
    sentences = {
        "fibro-page": [
            "Fibroid lumps are also called nodular fibrosis.",
            "It is named after the fibres it grows from.",
        ],
        "baby-page": ["In a baby, this condition is called infant nodulosis, and it goes away."],
        "joint-page": ["It used to be called pigmented joint growth, or PJG, and you may still see that name."],
    }
    texts = [t for page in sentences.values() for t in page]
    vocab = build_vocabulary(
        texts,
        {"fibroid lump": ["fibro-page"], "baby lump disorder": ["baby-page"], "synovial growth": ["joint-page"]},
        sentences=sentences,
    )
    # "It used to be called Y, or ABBR": a former name and its initials.
    assert vocab.topic_aliases["pigmented joint growth"] == vocab.topic_aliases["pjg"] == "synovial growth"
    assert vocab.topic_aliases["nodular fibrosis"] == "fibroid lump"  # "Xs are also called Y"
    assert vocab.topic_aliases["infant nodulosis"] == "baby lump disorder"  # "this condition is called Y"
    assert not any(alias.startswith("after") for alias in vocab.topic_aliases)  # "named after" names nothing
    # A name of three or more words is also known by its initials, which then name the condition.
    assert vocab.topic_aliases["bld"] == "baby lump disorder"
    assert vocab.targets_in("What causes BLD?") == [frozenset({"baby-page"})]


def test_a_word_spelt_as_it_sounds_is_corrected() -> None:
    vocab = build_vocabulary(["Chordoma grows slowly in the bones of the skull."], {"chordoma": ["page"]})
    assert correct_spelling("Do children get kordoma?", vocab) == "Do children get chordoma?"
    assert correct_spelling("Can aroma therapy help?", vocab) == "Can aroma therapy help?"  # real words stay


def test_a_year_with_a_publication_noun_names_that_years_documents() -> None:
    vocab = build_vocabulary(
        [HPC_PAGE, REPORT],
        TOPICS,
        document_aliases={"Onoki": "onoki-2018"},
        kinds={"case report": ["onoki-2018"]},
        years={"2018": ["onoki-2018"]},
    )
    assert vocab.targets_in("Which levels were resected in the 2018 report?") == [frozenset({"onoki-2018"})]
    assert vocab.targets_in("What happened in 2018?") == []  # a year alone names no publication
    assert vocab.targets_in("the 1999 paper") == []  # no document of that year


def test_a_two_word_condition_is_also_called_by_its_distinctive_word() -> None:
    texts = {
        "desmoid-page": ["A desmoid tumor is a growth of fibrous tissue.", "Most desmoids are found in young adults."],
        "other-page": ["Unlike a desmoid tumor, this cancer spreads.", "A giant tumor is rare."],
    }
    topics = {"desmoid tumor": ["desmoid-page"], "giant tumor": ["other-page"]}
    vocab = build_vocabulary([t for page in texts.values() for t in page], topics, sentences=texts)
    assert vocab.topic_aliases["desmoid"] == "desmoid tumor"  # other pages write it only with "tumor"
    assert "giant" not in vocab.topic_aliases  # an everyday English word is no name


def test_lexicon_phrases_that_mean_a_word_first_of_all() -> None:
    assert "operation" in LEXICON.said_as("surgery")
    assert "workup" not in LEXICON.said_as("tests")  # tests are one of its meanings, not the first


def test_a_mistyped_word_inside_a_long_name_is_corrected(vocab: Vocabulary) -> None:
    from assistant.query import correct_name_typos

    # "prat" is an English word, so only the name around it says it was meant as "part".
    assert correct_name_typos("does alveolar soft prat sarcoma grow fast?", vocab) == (
        "does alveolar soft part sarcoma grow fast?"
    )
    assert correct_name_typos("a soft part of the arm", vocab) == "a soft part of the arm"
    assert understand("alveolar soft prat sarcoma", [], vocab).topics == ["alveolar soft part sarcoma (ASPS)"]


def test_a_compound_the_corpus_never_uses_is_looked_up_by_its_parts(vocab: Vocabulary) -> None:
    from assistant.query import compound_parts

    assert compound_parts("chemosensitivity", vocab) == ["chemo", "sensitivity"]
    assert compound_parts("chemotherapy", vocab) == []  # a corpus word stays whole
    assert "chemotherapy" in understand("ASPS chemosensitivity", [], vocab).text


def test_the_patient_a_question_describes_names_that_case_report() -> None:
    vocab = build_vocabulary(
        [HPC_PAGE, REPORT],
        TOPICS,
        kinds={"case report": ["onoki-2018"]},
        patients={"woman": ["woitzik-2003"], "man": ["onoki-2018"]},
    )
    assert vocab.targets_in("Did the woman's pain get better after the operation?") == [frozenset({"woitzik-2003"})]
    assert vocab.targets_in("How was the young man treated?") == [frozenset({"onoki-2018"})]
    assert vocab.targets_in("My daughter is a young woman; is it common?") == []  # the asker's family, not a report


def test_case_reports_are_known_by_their_patient(bot: Assistant) -> None:
    assert bot.vocab.patients.get("woman") == ["pubmed-woitzik-2003"]


def test_the_other_one_is_the_subject_before_the_latest(vocab: Vocabulary) -> None:
    asps_then_hpc = [
        {"role": "user", "content": "What is alveolar soft part sarcoma?"},
        {"role": "assistant", "content": "It is a rare sarcoma."},
        {"role": "user", "content": "And hemangiopericytoma?"},
        {"role": "assistant", "content": "It is a rare tumor."},
    ]
    assert understand("What about the other one?", asps_then_hpc, vocab).topics == ["alveolar soft part sarcoma (ASPS)"]
    # With one subject so far, in a corpus about two conditions, it is the other condition.
    assert understand("what about the other one?", asps_then_hpc[:2], vocab).topics == ["hemangiopericytoma"]


def test_lexicon_equivalents_are_other_phrasings_of_the_same_meaning() -> None:
    found = LEXICON.equivalents("Is it hereditary?")
    assert "passed down" in found and "run in families" in found
    # An inflection of what was said is no other phrasing: stems find it already.
    assert "runs in families" not in found and "comes back" not in LEXICON.equivalents("did it come back?")
    assert LEXICON.equivalents("how big is it?") == []


def test_a_page_in_plain_words_is_matched_from_the_clinical_word(vocab) -> None:
    query = understand("Is it inherited?", [], vocab)
    assert "passed down" in query.focus and "passed down" not in query.text


def test_one_of_these_tumours_means_each_condition_of_a_small_collection(vocab: Vocabulary) -> None:
    both = [frozenset(TOPICS["hemangiopericytoma"]), frozenset(TOPICS["alveolar soft part sarcoma (ASPS)"])]
    assert sorted(vocab.targets_in("Could it be one of these tumours?"), key=sorted) == sorted(both, key=sorted)
    assert sorted(vocab.targets_in("how are both conditions treated?"), key=sorted) == sorted(both, key=sorted)
    assert vocab.targets_in("Is this tumour painful?") == []  # one tumour: the one being talked about
    # With more conditions than an answer can take one by one, the question names none.
    crowded = build_vocabulary([HPC_PAGE, ASPS_PAGE], TOPICS, settings=Settings(collection_max_topics=1))
    assert crowded.targets_in("Could it be one of these tumours?") == []


def test_it_with_nothing_said_before_may_be_any_condition(vocab: Vocabulary) -> None:
    query = understand("Is it genetic?", [], vocab)
    assert sorted(query.targets, key=sorted) == sorted(
        [frozenset(TOPICS["hemangiopericytoma"]), frozenset(TOPICS["alveolar soft part sarcoma (ASPS)"])], key=sorted
    )
    # After a question that named one, "it" is that one.
    history = turns(("What is alveolar soft part sarcoma?", "It is a rare sarcoma. [1]"))
    asps = frozenset(TOPICS["alveolar soft part sarcoma (ASPS)"])
    assert understand("Is it genetic?", history, vocab).targets == [asps]


def test_one_of_many_conditions_unnamed_asks_which() -> None:
    crowded = build_vocabulary([HPC_PAGE, ASPS_PAGE], TOPICS, settings=Settings(collection_max_topics=1))
    assert understand("Could it be one of these tumours?", [], crowded).which_condition
    # A first question's "it" that stands for no condition ("how long does it take?", "is it normal to ...?")
    # is English idiom: answered from the best page. Any other "it" nothing named is asked back.
    assert not understand("How long does it take to heal?", [], crowded).which_condition
    assert not understand("Is it normal to feel tired?", [], crowded).which_condition
    assert understand("Is it contagious?", [], crowded).which_condition
    assert not understand("Why is it called a giant cell tumor?", [], crowded).which_condition
    history = turns(("Hello", "Hello! I answer questions about two conditions."))
    assert understand("How is it treated?", history, crowded).which_condition
    assert not understand("How is ASPS treated?", history, crowded).which_condition


def test_what_a_paper_concluded_is_looked_for_in_its_conclusions(real: Vocabulary) -> None:
    """A structured abstract labels its last part "Conclusions" (a review's, "Summary"): the question's
    verb is not the label's stem, so the lexicon gives the labels."""
    expanded = " ".join(expansion for _, expansion in LEXICON.matches("What did the authors conclude?"))
    assert {"conclusions", "summary"} <= set(expanded.split())


def test_which_one_after_two_subjects_means_both(real: Vocabulary) -> None:
    """ "Which one is more common?" after questions about two conditions asks of each (answered and cited
    apart); after one condition it is that condition."""
    history = turns(("What is hemangiopericytoma?", "A rare tumor. [1]"), ("And ASPS?", "A rare sarcoma. [1]"))
    both = understand("Which one is more common?", history, real)
    assert len(both.targets) == 2 and {HPC_PAGE_ID, ASPS_PAGE_ID} <= set().union(*both.targets)
    one = understand("Which one is more common?", history[:2], real)
    assert len(one.targets) == 1 and HPC_PAGE_ID in one.targets[0] and ASPS_PAGE_ID not in one.targets[0]


@pytest.mark.parametrize(
    ("question", "overview"),
    [
        ("Tell me about chordoma", True),
        ("Please tell me more about ASPS", True),
        ("information on hemangiopericytoma", True),
        ("HPC overview", True),
        ("my son has ASPS", True),
        ("our daughter was just diagnosed with hemangiopericytoma", True),
        ("my son has ASPS, what should we do?", False),
        ("my son has ASPS. Can it spread?", False),
        ("What is ASPS?", False),
        ("How is HPC treated?", False),
    ],
)
def test_a_request_for_an_overview(question: str, overview: bool) -> None:
    assert asks_overview(question) is overview


def test_a_nurses_shortening_of_a_word_the_pages_use_is_that_word(bot: Assistant) -> None:
    """ "spondy" shortens the one specialist word the pages begin so; in capitals, "SPDL" its letters in order ("MTX"
    for methotrexate). Not in lower case, not an everyday word ("aroma" is no "aromatase"), not a known word."""
    vocab = bot.vocab
    assert vocab.shorthand("spondy") == "spondylectomy"
    assert vocab.shorthand("SPDL") == "spondylectomy"
    assert vocab.shorthand("spdl") is None
    assert vocab.shorthand("aroma") is None and vocab.shorthand("surgery") is None and vocab.shorthand("xyzq") is None
    understood = understand("Onoki SPDL levels", [], vocab)
    assert "spondylectomy" in understood.text and not understood.unknown_terms
    assert unknown_terms("Onoki XYZQ levels", vocab) == ["XYZQ"]
    # A carcinoma is the cancer a family names it by, where no other condition is named so.
    named = build_vocabulary(["Pages."], {"myxoid glomus carcinoma": ["a"]}, settings=Settings())
    assert named.topics_in("my dad has myxoid glomus cancer") == ["myxoid glomus carcinoma"]
    # ... and a family cuts a long name short ("her glomang"): the one name word it begins, five letters or more.
    begun = build_vocabulary(["Pages."], {"glomangioma": ["a"], "myxoid zentaroma": ["b"]}, settings=Settings())
    assert begun.condition_word_begun("glomang") == "glomangioma"
    assert begun.condition_word_begun("myxo") is None and begun.condition_word_begun("myxoid") is None
    assert understand("my mum had her glomang removed, what now", [], begun).topics == ["glomangioma"]
    # In lower case with no vowel, a nurse's letters of a drug's name ("vbl + pred doses"); not chat shorthand.
    drugs = build_vocabulary(
        ["Induction uses vinblastine and vincristine weekly, with hours of monitoring."],
        {"myxoid glomangioma": ["a"]},
        settings=Settings(),
    )
    assert drugs.shorthand("vbl") == "vinblastine" and drugs.shorthand("vcr") == "vincristine"
    assert drugs.shorthand("hrs") is None and drugs.shorthand("vn") is None


def test_a_nurses_capitals_for_a_condition_the_pages_never_shorten_so_name_it(bot: Assistant) -> None:
    """ "MGA" shortens one condition's name, its first letter then letters of it in order ("MB": medulloblastoma):
    asked about by that name. Not in lower case, not a word known otherwise ("OS"), not when two names fit, not
    a condition the pages give an acronym of their own ("HPC": "HMP" is something else)."""
    import dataclasses

    topic = "myxoid glomangioma"
    vocab = dataclasses.replace(bot.vocab, topic_aliases={**bot.vocab.topic_aliases, topic: topic})
    assert vocab.condition_shorthand("MGA") == topic
    assert vocab.condition_shorthand("mga") is None and vocab.condition_shorthand("OS") is None
    assert vocab.condition_shorthand("XQ") is None and vocab.condition_shorthand("MYXOIDGLO") is None
    assert vocab.condition_shorthand("HMP") is None  # hemangiopericytoma, which the pages call "HPC"
    two = dataclasses.replace(vocab, topic_aliases={**vocab.topic_aliases, "myoid gliosarcoma": "myoid gliosarcoma"})
    assert two.condition_shorthand("MGA") is None
    assert bot.vocab.condition_shorthand("HMP") is None


def test_an_overview_of_one_condition_is_asked_as_what_it_is(bot: Assistant) -> None:
    assert understand("my son has ASPS", [], bot.vocab).question == "What is alveolar soft part sarcoma?"
    assert understand("Tell me about hemangiopericytoma", [], bot.vocab).question == "What is hemangiopericytoma?"
    # Two conditions, or none: left as asked.
    assert understand("Tell me about HPC and ASPS", [], bot.vocab).question == "Tell me about HPC and ASPS"
    assert understand("my son has a lump", [], bot.vocab).question == "my son has a lump"
    # An overview of a case, named by its condition and what was done, is of that report, not of the condition.
    case = "Can you summarise the hemangiopericytoma case treated with spondylectomy?"
    assert understand(case, [], bot.vocab).question == case


def test_a_translocation_is_said_in_plain_words_as_chromosomes_swapping() -> None:
    assert "chromosome" in " ".join(LEXICON.expansions("ewing translocation"))


def test_a_parents_words_for_what_a_body_does_find_the_pages_words(bot: Assistant) -> None:
    """ "peeing all the time and always thirsty" is matched as a page says it: passing urine, thirst; a nurse's
    RFA and IHC by what they stand for."""
    focus = understand("Is peeing all the time and always thirsty part of it?", [], bot.vocab).focus
    assert "urine" in focus and "thirst" in focus
    assert "radiofrequency ablation" in understand("RFA outcome", [], bot.vocab).focus
    assert "immunohistochemistry" in understand("IHC markers", [], bot.vocab).focus
    assert "lymph node" in understand("nodal spread rate", [], bot.vocab).focus
    assert "overall survival" in understand("HPC 5-yr OS", [], bot.vocab).focus


def test_a_long_name_is_known_without_its_qualifier_or_an_everyday_word() -> None:
    """ "giant cell tumor" names "giant cell tumor of bone"; "unicameral cyst" names "unicameral bone cyst"; a
    shorter name two conditions share ("bone cyst") names neither; and "(often shortened to ABC)" is an acronym
    spelled out in the question."""
    page = (
        "A giant cell tumor of bone grows at the end of a long bone. An aneurysmal bone cyst (often shortened to "
        "ABC) is filled with blood. A simple bone cyst is also called a unicameral bone cyst."
    )
    topics = {"giant cell tumor of bone": ["gctb"], "aneurysmal bone cyst": ["cysts"], "simple bone cyst": ["cysts"]}
    vocab = build_vocabulary([page], topics, settings=Settings())
    assert vocab.topics_in("how is giant cell tumor treated") == ["giant cell tumor of bone"]
    assert vocab.topics_in("xray showed a unicameral cyst") == ["simple bone cyst"]
    assert vocab.topics_in("is an aneurysmal cyst cancer") == ["aneurysmal bone cyst"]
    assert vocab.topics_in("what is a bone cyst") == []
    assert vocab.topics_in("ABC sclerotherapy") == ["aneurysmal bone cyst"]
    assert "aneurysmal bone cyst" in understand("ABC sclerotherapy", [], vocab).text


def test_a_hyphen_in_a_name_may_be_written_as_a_space() -> None:
    vocab = build_vocabulary(["Low-grade fibromyxoid sarcoma is rare."], {"low-grade fibromyxoid sarcoma": ["p"]})
    assert vocab.topics_in("can low grade fibromyxoid sarcoma come back") == ["low-grade fibromyxoid sarcoma"]
    assert vocab.topics_in("is low-grade fibromyxoid sarcoma rare") == ["low-grade fibromyxoid sarcoma"]


def test_a_marker_no_page_writes_is_a_name_the_documents_lack() -> None:
    """ "Ki-67", "HER2": codes of letters and digits the pages never write are unknown names; a code the pages
    write is known however hyphenated ("CD-34" for "CD34"), as is a fusion of two known names; a level is no code."""
    page = "The cells carry CD34 and a COL1A1-PDGFB fusion. Surgery at T5-T7 is described."
    vocab = build_vocabulary([page], {"dermatofibrosarcoma protuberans (DFSP)": ["p"]}, settings=Settings())
    assert unknown_terms("Ki-67 index in DFSP", vocab) == ["Ki-67"]
    assert unknown_terms("HER2 status in DFSP", vocab) == ["HER2"]
    assert unknown_terms("is DFSP CD-34 positive", vocab) == []
    assert unknown_terms("DFSP col1a1-pdgfb", vocab) == []
    assert unknown_terms("DFSP at T5-T7 or C6", vocab) == []
    assert "CD34" in understand("is DFSP CD-34 positive", [], vocab).text


def test_a_wrong_diagnosis_is_looked_for_as_pages_tell_it() -> None:
    """ "What was it first misdiagnosed as?": a report says "reported as a myxoma", a page "mistaken for"."""
    found = " ".join(LEXICON.expansions("what was the tumour first misdiagnosed as"))
    assert "mistaken" in found and "reported" in found


def test_that_of_it_asks_about_what_the_message_told(vocab: Vocabulary) -> None:
    """ "my son has X and he's drinking loads of water, is that part of it": "it" is X, "that" is what was told, so
    the question is about the thirst, not "What is X?"."""
    query = understand("my son has ASPS and hes drinking loads of water and peeing alot, is that part of it", [], vocab)
    assert not query.question.startswith("What is") and "thirst" in query.text and "urine" in query.text
    assert understand("My daughter was just diagnosed with ASPS. What is it?", [], vocab).question == "What is it?"


def test_recovery_is_looked_for_as_pages_tell_it() -> None:
    """ "How long is the recovery?": pages say when a child is "back at school" or to "usual activities"."""
    found = " ".join(LEXICON.expansions("how long is the recovery"))
    assert "back" in found and "school" in found and "activities" in found


def test_the_authors_company_names_the_document_not_a_thing_asked(vocab: Vocabulary) -> None:
    """ "Onoki and colleagues", like "Onoki et al.", is who wrote the report: no word a passage must cover."""
    from assistant.query import names_a_document

    assert names_a_document("colleagues", vocab) and names_a_document("al", vocab)
    assert not names_a_document("lungs", vocab)


def test_a_medicines_brand_name_stands_for_its_generic_name() -> None:
    """ "Imatinib (Gleevec®)": a question about Gleevec is about imatinib, and names nothing the pages lack."""
    vocab = build_vocabulary(["Imatinib (Gleevec®) is the first medicine most people take."], {"glomangioma": ["g"]})
    assert vocab.acronyms["gleevec"] == "imatinib"
    assert unknown_terms("can I drink grapefruit juice on Gleevec?", vocab) == []
    assert understand("can I drink grapefruit juice on gleevec", [], vocab).text.endswith("(imatinib)")


def test_a_name_a_page_uses_only_in_a_derived_form_is_known() -> None:
    """ "granuloma" of a page that says "granulomatous inflammation" is a word the documents use; a long name no
    page uses in any form ("pazopanib") is still unknown."""
    vocab = build_vocabulary(["The biopsy showed a necrotizing granulomatous inflammation."], {"glomangioma": ["g"]})
    assert unknown_terms("the doctors said it was a granuloma, could it be glomangioma?", vocab) == []
    assert unknown_terms("does pazopanib work for glomangioma?", vocab) == ["pazopanib"]


def test_a_report_described_by_words_of_its_title_is_named() -> None:
    """ "the delayed metastasis report" names the one document whose title has those words; words two titles
    share ("the spine report") name neither, and words of no title name nothing."""
    titles = {
        "a-2003": "Delayed manifestation of spinal metastasis: a special feature of glomangioma",
        "b-2018": "Recurrent glomangioma of the spine treated by spondylectomy",
        "c-2020": "Glomangioma of the spine in a child",
    }
    vocab = build_vocabulary(["Glomangioma is rare."], {"glomangioma": list(titles)}, titles=titles)
    assert vocab.targets_in("what was the primary site in the delayed metastasis report") == [frozenset({"a-2003"})]
    assert frozenset({"b-2018"}) not in vocab.targets_in("what did the spine report find")
    assert vocab.targets_in("what did the forearm report find") == []


def test_a_short_title_qualifying_the_condition_is_a_name_with_its_initials() -> None:
    """A page titled "Pediatric Low-Grade Glioma" about "low-grade glioma": "pLGG" (a hyphenated word gives an
    initial per part) names that condition; a long headline title names nothing."""
    titles = {
        "lgg-page": "Pediatric Low-Grade Glioma",
        "report": "Late lung spread of a low-grade glioma: a case report",
    }
    vocab = build_vocabulary(
        ["Low-grade glioma grows slowly."], {"low-grade glioma": ["lgg-page", "report"]}, titles=titles
    )
    assert vocab.topic_aliases["pediatric low-grade glioma"] == "low-grade glioma"
    assert vocab.topics_in("pLGG first line chemo") == ["low-grade glioma"]
    assert not any(alias.startswith("late lung") for alias in vocab.topic_aliases)


def test_contractions_typed_without_their_apostrophe_are_no_words_asked(vocab: Vocabulary) -> None:
    """ "im", "theres", "doesnt": a phone's contractions ask about nothing, as "I'm" and "doesn't" do."""
    query = understand("im 27 and theres a lump near my knee, it doesnt hurt. is it HPC?", [], vocab)
    assert not {"im", "theres", "doesnt"} & set(query.terms)
    assert "lump" in query.terms


def test_a_nurses_initials_for_a_phrase_the_pages_use_often_name_it() -> None:
    """ "SV" stands for "sentinel vessel" when the pages say it often and no other phrase with those initials is said as
    often; a token the corpus or everyday English knows, or initials two phrases share, stand for nothing."""
    text = (
        "The sentinel vessel is tied first. Bleeding from the sentinel vessel is rare. "
        "Check the sentinel vessel daily. A silver vein may show on the scan. Nurses check the wound every hour."
    )
    vocab = build_vocabulary([text], {"zentaroma": ["z-page"]}, settings=Settings())
    assert vocab.phrase_shorthand("SV") == "sentinel vessel"
    assert understand("SV check freq after zentaroma surgery", [], vocab).text.startswith("sentinel vessel check")
    assert vocab.phrase_shorthand("sv") is None and vocab.phrase_shorthand("CW") is None
    shared = build_vocabulary(
        [text + " The silver vein ... silver vein ... silver vein."], {"zentaroma": ["z"]}, settings=Settings()
    )
    assert shared.phrase_shorthand("SV") is None


def test_going_home_is_said_as_discharge(vocab: Vocabulary) -> None:
    """ "When she went home" is what a page calls her discharge (general medical English, from the lexicon)."""
    assert "discharge" in understand("how much zerotinib was she on when she went home", [], vocab).text
