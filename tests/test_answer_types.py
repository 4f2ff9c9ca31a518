"""What kind of answer a question asks for (assistant/answer_types.py) and word families (text.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answer_types import (
    ASKS_IF_TREATMENT_NEEDED_RE,
    QUESTION_CUES,
    RECOMMENDATION_RE,
    answer_kind_cues,
    answers_by_shape,
    asked_age_group,
    asks_about_case,
    asks_for_figure,
    defined_term,
    dose_of_another,
    figure_asked,
    figure_gap,
    gloss_pattern,
    holds_asked_answer,
    is_case_narrative,
    is_figure_word,
    span_anchor_share,
    speaks_of_case,
)
from assistant.text import covered_stems, negated_stems, scope_age_group, stem_all, stems, stems_related


@pytest.mark.parametrize(
    ("question", "text", "holds"),
    [
        ("What is the survival rate?", "About 8 in 10 children are alive five years later.", True),
        ("What is the survival rate?", "The outlook depends on the size of the tumor.", False),
        ("What is the five-year survival rate?", "They make up about 0.03% of all tumors.", False),
        ("What is the recurrence rate?", "About 2 in 10 tumors come back.", True),
        ("What is the recurrence rate?", "It came back in 0.4% of cases.", True),
        ("How many cases had been reported before?", "Review found only seven previously reported cases.", True),
        ("How many cases had been reported before?", "A 48-year-old woman presented with pain.", False),
        ("How many vertebrae were removed?", "It was treated by spondylectomy at three vertebral levels.", True),
        ("How many vertebrae were removed?", "It was treated by spondylectomy at three hospitals.", False),
        ("How many weeks does radiation last?", "Radiation is given over 6 weeks.", True),
        ("How many weeks does radiation last?", "Radiation is given in 30 sessions.", False),
        ("How many years passed between the two tumours?", "The first was removed 8 years earlier.", True),
        ("How many years passed between the two tumours?", "The first tumour was removed.", False),
        ("What is the 10-year survival?", "About 8 in 10 are alive after five years.", False),
        ("What is the 10-year survival?", "Ten-year survival is about 70 percent.", True),
        ("ASPS 5-yr survival", "The five-year survival rate is 91 percent.", True),
        ("How old was the patient?", "A 31-year-old man was treated.", True),
        ("How old was the patient?", "A man was treated for the tumour.", False),
        ("At what age is it usually found?", "It usually affects adults between 20 and 40 years old.", True),
        ("At what age is it usually found?", "It is very rare in children.", False),
    ],
)
def test_a_figure_question_needs_that_kind_of_figure(question: str, text: str, holds: bool) -> None:
    assert asks_for_figure(question)
    assert (figure_gap(question, text) is None) is holds
    assert holds_asked_answer(question, text) is holds


@pytest.mark.parametrize(
    "question",
    [
        "What causes it?",
        "Where does it start?",
        "What symptoms does it cause when it is in the lungs?",
        "How common is it?",
        "Can synovial sarcoma cause a cough?",  # what the condition does, not what causes it
        "How were they removed?",  # how something was done, not how the patient is
    ],
)
def test_questions_without_a_narrow_answer_ask_for_none(question: str) -> None:
    assert figure_gap(question, "Nothing with a figure here.") is None
    assert holds_asked_answer(question, "Nothing with a figure here.") is None


def test_how_a_patient_is_doing_is_answered_by_the_reports_last_word_on_them() -> None:
    for question in ("X 2020 outcome", "How was the patient doing at the end of follow-up?", "how did she do?"):
        assert holds_asked_answer(question, "At 30 months she had no evidence of disease.")
        assert holds_asked_answer(question, "She underwent amputation of the fourth ray.") is False
    assert holds_asked_answer("X status at follow-up", "The union was complete without tumor recurrence.")


def test_a_hospital_stay_is_answered_by_a_time_in_hospital() -> None:
    question = "How long will my child be in the hospital after surgery?"
    assert figure_gap(question, "It may take as long as a year to regain full use of a limb.") is not None
    assert figure_gap(question, "Most children go home from the hospital after 5 to 7 days.") is None


@pytest.mark.parametrize(
    "stay",
    [
        "After surgery, children stay 1 to 2 nights in the hospital.",
        "Most children go home from the hospital the same day.",
        "Children stay in the hospital overnight after the procedure.",
        "The hospital stay is usually 48 hours.",
    ],
)
def test_a_short_hospital_stay_is_a_time_in_hospital(stay: str) -> None:
    question = "How long will my daughter stay in the hospital after the procedure?"
    assert figure_gap(question, stay) is None
    assert figure_gap(question, "Children go home from the hospital when they can walk.") is not None


def test_whether_a_thing_causes_the_condition_is_answered_by_what_causes_it() -> None:
    question = "Can radiation cause it?"
    assert holds_asked_answer(question, "Some things raise the risk: radiation given years earlier.")
    assert holds_asked_answer(question, "Radiation is often given after surgery.") is False
    assert holds_asked_answer("Can radiation for breast cancer cause angiosarcoma?", "It is linked to radiation.")


def test_an_age_question_is_answered_by_an_age() -> None:
    assert holds_asked_answer("patient age and sex", "a 48-year-old woman presented with pain") is True
    assert holds_asked_answer("patient age and sex", "the patient presented with pain") is False


BABY = "How old was the baby when treatment started?"
MOST = "How old are most people who get it?"


@pytest.mark.parametrize(
    ("question", "text", "answered"),
    [
        # A baby's age in days, weeks or months ...
        (BABY, "Treatment was started at 3 weeks of age.", True),
        (BABY, "A biopsy was taken from the 5-day-old girl.", True),
        (BABY, "The mass was present at birth.", True),
        (BABY, "A 7 month old boy was seen in clinic.", True),
        (BABY, "Treatment was started 3 weeks after the biopsy.", False),  # a span of time, not an age
        (BABY, "The mass grew for several weeks.", False),
        # ... and an age said as a bound or a range.
        (MOST, "Most people who get it are older than 70.", True),
        (MOST, "It is found mostly between the ages of 20 and 40.", True),
        (MOST, "It is more common than 70 other tumours.", False),
    ],
)
def test_an_age_in_days_weeks_months_or_as_a_bound_is_an_age(question: str, text: str, answered: bool) -> None:
    assert holds_asked_answer(question, text) is answered


def test_how_many_years_later_counts_the_years() -> None:
    question = "How many years later did the tumour come back?"
    assert holds_asked_answer(question, "He presented nine years later with a mass in the axilla.") is True
    # ... also right after another number, whose words it shares.
    assert holds_asked_answer(question, "He was operated on in 2008 and presented nine years later.") is True
    assert holds_asked_answer(question, "He presented later with a mass in the axilla.") is False
    earlier = "How many earlier cases had been reported?"
    assert holds_asked_answer(earlier, "The search found 16 previously reported cases.") is True
    assert holds_asked_answer(earlier, "He presented nine years later.") is False
    # A numbered run counts its units: "Weeks 1–10" is a number of weeks.
    weeks = "how many weeks of chemo before surgery"
    assert holds_asked_answer(weeks, "Chemotherapy before surgery Weeks 1–10 Two cycles of MAP") is True
    assert holds_asked_answer(weeks, "Chemotherapy before surgery shrinks the tumour.") is False
    # Doses that only mark a time ask for no dose.
    monitored = "how long are pts monitored after the first doses"
    assert holds_asked_answer(monitored, "We monitor you overnight, for at least 16 hours.") is True
    assert holds_asked_answer("what dose after surgery", "Surgery comes first.") is False
    # A nurse's list: "number of sessions, interval" counts the sessions; the interval is the next ask.
    listed = "IAC - drug, number of sessions, interval"
    assert holds_asked_answer(listed, "Usually 3 sessions, 4 weeks apart.") is True
    assert holds_asked_answer(listed, "Melphalan is given straight into the artery.") is False


def test_a_span_counted_from_an_event_is_answered_by_text_naming_that_event() -> None:
    """ "How many years after the first tumour ..." counts from the first tumour: the page's "primary tumor removed
    8 years earlier" names it (the lexicon's clinical words), "one year later" does not; "after the surgery" is
    named by "after resection" (a page's word the lexicon reads as surgery)."""
    first = "How many years after the first tumour did the metastasis show up?"
    assert span_anchor_share(first, "It matched the primary cranial tumor removed 8 years earlier.") == 1.0
    assert span_anchor_share(first, "One year later, however, new metastases were present.") == 0.0
    surgery = "how many years after the thigh surgery did she get lung mets"
    assert span_anchor_share(surgery, "A CT 7 years after resection showed nodules, none in the thigh.") == 1.0
    assert span_anchor_share(surgery, "Metastasis came 5 to 16 years after treatment of the primary.") == 0.0
    # A question counting from no event has no anchor.
    assert span_anchor_share("How many years later did it come back?", "Nine years later.") is None


def test_a_statistic_of_a_span_needs_a_number_of_units_of_time() -> None:
    """ "Median survival" is answered by "36 months" (not a share); "longest interval" by "5 to 16 years", not by
    "many years"; "5-year survival" still needs a share."""
    median = "what is the median survival"
    assert figure_gap(median, "The median overall survival was 36 months.") is None
    assert figure_gap(median, "About 80% are alive.")
    longest = "longest reported interval to metastasis"
    assert figure_gap(longest, "The interval ranged from 5 to 16 years.") is None
    assert figure_gap(longest, "It can metastasize many years after treatment.")
    assert figure_gap("what is the 5-year survival", "The median overall survival was 36 months.")


def test_life_expectancy_needs_a_figure_of_living_and_survival_may_be_abbreviated() -> None:
    """ "life expectancy" is not answered by how common a grade is ("About 80 in 100"), nor by no figure; "median
    OS was 31 months" gives a survival figure."""
    life = "life expectancy grade 3 meningioma"
    assert figure_gap(life, "Grade 1 | About 80 in 100 | Grows slowly")
    assert figure_gap(life, "Doctors give meningiomas a grade from 1 to 3.")
    assert figure_gap(life, "About 6 in 10 people are alive 5 years after diagnosis.") is None
    assert figure_gap("median overall survival", "Median OS was 31 months for uLMS.") is None


def test_a_growth_named_with_its_place_says_where() -> None:
    where = "where was the first tumour"
    assert holds_kind(where, "She had a 12 cm liposarcoma in the posterior compartment of the left thigh.")
    assert not holds_kind(where, "She was given trabectedin for two years.")


def holds_kind(question: str, text: str) -> bool:
    return any(cue.search(text) for cue in answer_kind_cues(question))


def test_a_labels_value_counts_nothing_and_a_share_counts_a_population() -> None:
    how_many = "how many glomangiomas are grade 3"
    assert figure_gap(how_many, "Grade 3 glomangiomas behave like a cancer.")
    assert figure_gap(how_many, "Grade 3 | Anaplastic | Fewer than 2 in 100 |") is None
    # ... a population's, not weeks or sessions
    assert figure_gap("How many weeks of radiation does a child need?", "About 8 in 10 children are cured.")


def test_review_figures_in_their_usual_forms_answer() -> None:
    """ "median age" by "the median age at diagnosis was 71 years"; "hazard ratio" by "hazard ratio [HR] 0.61";
    "how long had he had back pain" by "a 7-month history" (but "a 41-year-old man" is an age, no span); "how many
    cases like this" counts the cases."""
    assert figure_gap("median age at diagnosis", "The median age at diagnosis was 71 years (IQR 64-77).") is None
    assert (
        figure_gap("adjusted hazard ratio", "origin was associated with lower risk (hazard ratio [HR] 0.61).") is None
    )
    assert figure_gap("how long had he had back pain", "He had a 7-month history of back pain.") is None
    assert figure_gap("how long had he had back pain", "A 41-year-old man had back pain.")
    assert (
        figure_gap("how many cases like this have been reported", "Including ours, 11 cases have been reported.")
        is None
    )


def test_an_operations_measures_need_their_units() -> None:
    """ "estimated blood loss" is a volume and "operative time" a time: a report's other figures do not give them."""
    blood = "Halvorsen case estimated blood loss"
    assert figure_gap(blood, "Estimated blood loss was 850 mL.") is None
    assert figure_gap(blood, "The lesion measured 3.4 x 2.9 cm with 40% loss of height.")
    time = "operative time in the Halvorsen case"
    assert figure_gap(time, "The operative time was 4 hours 20 minutes.") is None
    assert figure_gap(time, "Fixation from T8 to T12 was performed.")


def test_a_cost_needs_an_amount_of_money_and_a_size_a_measurement() -> None:
    assert figure_gap("How much does the treatment cost?", "It makes up 1 to 2 out of every 100 sarcomas.")
    assert figure_gap("How much does the treatment cost?", "A course costs about $5,000.") is None
    assert figure_gap("How big is it, in centimeters?", "It is usually 2 to 3 centimeters across.") is None
    assert figure_gap("How big is it usually?", "It can grow large over many years.")


def test_a_question_for_the_authors_advice_is_not_about_their_case() -> None:
    assert asks_about_case("What treatment did the patient get?")
    assert not asks_about_case("What did Tanabe et al. recommend?")
    assert not asks_about_case("What did the authors conclude?")


def test_a_question_about_a_reports_case_speaks_of_it_whatever_it_asks_for() -> None:
    assert speaks_of_case("How many years later did the tumour come back in the X case?")
    assert speaks_of_case("How old was the patient?")
    assert not speaks_of_case("What do reviews of earlier cases conclude?")
    assert speaks_of_case("Tanabe case adjuvant tx")  # a nurse's keywords name the case itself
    assert not speaks_of_case("Did we cause it?")  # the asker's own story


def test_a_share_out_of_every_hundred_is_a_figure() -> None:
    assert holds_asked_answer("X incidence", "It makes up about 1 to 2 out of every 100 soft tissue sarcomas.") is True
    assert holds_asked_answer("X incidence", "It makes up a small share of soft tissue sarcomas.") is False


def test_a_span_may_be_spelled_out_past_ten() -> None:
    question = "How long had she had the swelling?"
    assert holds_asked_answer(question, "a swelling that had grown slowly over eleven months")
    assert not holds_asked_answer(question, "a swelling that had grown slowly")


def test_an_age_is_no_span_of_time() -> None:
    assert holds_asked_answer("How long is the drug given?", "The drug was started at 3 weeks of age.") is False
    assert holds_asked_answer("How long is the drug given?", "The drug was given for 6 months.") is True


@pytest.mark.parametrize(
    ("word", "text", "answered"),
    [
        ("age", "most patients are between 15 and 40 years old", True),
        ("age", "it is rare in children", False),
        ("levels", "a tumour from C6 to T2", True),
        ("levels", "a tumour of the cervical spine", False),
        ("proportion", "about 1 in 10 is linked to an inherited condition", True),
        ("incidence", "diagnosed in about 4.2 people per million each year", True),
        ("incidence", "it is very rare", False),
        ("survival", "about 8 in 10 are alive", False),  # a subject, not a shape: the word itself must occur
    ],
)
def test_words_naming_their_answers_shape_are_answered_by_that_shape(word: str, text: str, answered: bool) -> None:
    assert answers_by_shape(word, text) is answered


def test_the_set_lookup_of_word_families_agrees_with_comparing_every_pair() -> None:
    """covered_stems looks families up in a set (and one binary search) instead of comparing every pair: the
    same answer on every pair of the seed pages' words."""
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted((Path(__file__).parents[1] / "corpus").glob("*.txt")))
    vocabulary = sorted(stems(text))
    asked, present = vocabulary[::7], frozenset(vocabulary[::3])
    for min_shared in (4, 5):
        brute = {a for a in asked if any(stems_related(a, p, min_shared) for p in present)}
        assert covered_stems(asked, present, min_shared) == brute


@pytest.mark.parametrize(
    ("a", "b", "related"),
    [
        ("treated", "treatments", True),
        ("genetic", "genes", False),
        ("care", "career", False),
        ("spread", "spread", True),
    ],
)
def test_word_families_join_derivations_of_a_real_length(a: str, b: str, related: bool) -> None:
    sa, sb = stem_all([a, b])
    assert stems_related(sa, sb, 5) is related
    assert (covered_stems({sa}, {sb}, 5) == {sa}) is related


@pytest.mark.parametrize(
    ("text", "narrative"),
    [
        ("A 22-year-old woman presented with a painless nodule.", True),
        ("She underwent amputation of the fourth ray.", True),
        ("Carbon ion radiotherapy was then given to the surgical bed.", True),
        ("One year later, however, new metastases were present.", True),
        ("Chordoma is a malignant tumour that tends to recur locally.", False),
        ("Patients should be followed for local recurrence.", False),
        ("The tumour was recognised as a separate entity in 1970.", False),
        ("A search of the literature identified 16 previously reported patients.", False),
    ],
)
def test_a_case_reports_narrative_is_told_from_its_background(text: str, narrative: bool) -> None:
    assert is_case_narrative(text) is narrative


@pytest.mark.parametrize(
    ("question", "about_case"),
    [
        ("How was the patient doing at the end of follow-up?", True),
        ("What radiation did she get after surgery?", True),
        ("What are the symptoms of chordoma?", False),
        ("What follow-up do the two case reports recommend?", False),
        ("How many cases had been reported before?", False),  # a count: found by its shape instead
    ],
)
def test_questions_about_what_happened_in_a_case(question: str, about_case: bool) -> None:
    assert asks_about_case(question) is about_case


def test_the_askers_own_story_is_not_a_case_reports_case() -> None:
    assert not asks_about_case("Did we do something to cause our child's tumour?")
    assert not asks_about_case("My daughter was treated last year; was that right?")


@pytest.mark.parametrize(
    ("question", "text", "holds"),
    [
        ("which drugs?", "The drugs used most often are ifosfamide and doxorubicin.", True),
        ("What chemotherapy drugs are used?", "Chemotherapy may be part of the recommended treatment.", False),
        ("How long is the recovery?", "Recovery of the arm takes about a year.", True),
        ("How long is the recovery?", "Recovery depends on the operation.", False),
        ("How often should it be checked?", "Scans are repeated every 6 months.", True),
        ("How often should it be checked?", "You will need regular checks.", False),
        ("What is the phone number to book?", "Call 617-632-3000 to book a visit.", True),
        ("What is the phone number to book?", "Our program offers comprehensive care.", False),
        # ... also when asked as "the number for the clinic to make an appointment".
        ("whats the number for the clinic to make an appointment", "Schedule an appointment today.", False),
        ("whats the number for the clinic to make an appointment", "Call 617-632-3000 to book a visit.", True),
        ("What is the number of patients with nodal spread?", "About 1 in 3 patients.", True),
        # "number of X" counts X, as "how many X" does: "2 years" counts no cases.
        ("X 2018 number of prior cases", "At 2 years after surgery, the patient had recovered.", False),
        ("X 2018 number of prior cases", "Only 12 cases had been reported before.", True),
    ],
)
def test_other_answers_of_a_required_shape(question: str, text: str, holds: bool) -> None:
    assert (figure_gap(question, text) is None) is holds


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        ("when it hasn't spread", {"spread"}),
        ("whose cancer has not yet spread are cured", {"spread"}),
        ("In children without metastases, the rate is 91 percent", {"metastas"}),
        ("the tumor cannot be removed because it involves nerves", {"remov"}),
        ("When the cancer has spread only to the lungs", set()),
        ("Is it genetic?", set()),
        # a noun phrase is negated whole, up to a little word or a mark
        ("The bone union was complete without tumor recurrence or implant failure.", {"tumor", "recurr"}),
        ("cough (with or without blood)\npain", {"blood"}),
    ],
)
def test_what_a_text_negates(text: str, negated: set[str]) -> None:
    assert set(negated_stems(text)) == negated


@pytest.mark.parametrize(
    ("question", "text", "holds"),
    [
        ("desmoid sites in children", "In children they often grow in the arms and legs.", True),
        ("desmoid sites in children", "Most children go on to lead full, active lives.", False),
        ("Where does it start?", "It usually starts in the thigh.", True),
        ("Where does it grow?", "It is found most often in the pelvis and the thigh bone.", True),
        ("Where does it grow?", "It most often grows near a large joint of the leg.", True),
        ("Where does it grow?", "It grows slowly and is found by chance.", False),
    ],
)
def test_a_where_question_is_answered_by_a_place(question: str, text: str, holds: bool) -> None:
    cues = [cue for cue in QUESTION_CUES if cue.asks.search(question)]
    assert cues and any(cue.holds.search(text) for cue in cues) == holds


def test_a_question_that_speaks_of_years_after_something_looks_for_a_span() -> None:
    """ "Can it come back years after treatment?" is answered by a passage that gives a span ("a long delay
    following resection", "many years after"), not by one that only speaks of coming back."""
    cues = [cue for cue in QUESTION_CUES if cue.asks.search("Can it come back years after treatment?")]
    assert any(cue.holds.search("diagnosed often only after a long delay following resection") for cue in cues)
    assert not any(cue.holds.search("patients should be closely monitored to detect recurrence") for cue in cues)


def test_an_age_is_no_count_of_years_nor_a_time() -> None:
    question = "How many years after the first tumour did the metastasis show up?"
    assert holds_asked_answer(question, "a 48-year-old woman presented with a mass") is False
    assert holds_asked_answer(question, "the tumour was removed 8 years earlier") is True
    (time_cue,) = [cue for cue in QUESTION_CUES if cue.asks.search("When did it come back?")]
    assert not time_cue.holds.search("a 48-year-old woman presented")
    assert time_cue.holds.search("One year later, new metastases were present.")


def test_incidence_is_a_rate_per_head_or_a_share_of_all_tumours() -> None:
    assert figure_gap("desmoid incidence %", "they make up about 0.03% of all tumors") is None
    assert figure_gap("desmoid incidence", "the fusion is found in 90% of cases") is not None


@pytest.mark.parametrize(
    ("question", "text", "holds"),
    [
        ("How was the patient doing at the end of follow-up?", "At 30 months she had no evidence of disease.", True),
        ("How was she at follow-up?", "Our patient was well and free of disease 42 months after surgery.", True),
        ("How was the patient doing at the end of follow-up?", "She underwent amputation of the ray.", False),
    ],
)
def test_an_outcome_question_is_answered_by_the_patients_state(question: str, text: str, holds: bool) -> None:
    cues = [cue for cue in QUESTION_CUES if cue.asks.search(question) and "evidence of" in cue.holds.pattern]
    assert cues and bool(cues[0].holds.search(text)) == holds


def test_what_a_report_recommends_is_not_its_case() -> None:
    assert not is_case_narrative(
        "Because lung spread may appear late, we suggest that chest imaging be continued for ten years after treatment."
    )
    assert is_case_narrative("Nine years later, nodules were found on a routine chest radiograph.")


@pytest.mark.parametrize(
    ("question", "asks_an_age"),
    [
        ("Onoki case: age/sex", True),
        ("Woitzik 2003 case: patient age and sex", True),
        ("sex and age of the patient", True),
        ("age at diagnosis of ASPS", True),
        ("synovial sarcoma age at dx", True),
        ("Does age matter for the outlook?", False),
        ("What does the stage mean?", False),
    ],
)
def test_a_terse_question_for_an_age_asks_for_one(question: str, asks_an_age: bool) -> None:
    assert (figure_asked(question) == "an age") is asks_an_age


@pytest.mark.parametrize("question", ["retinoblastoma heritable fraction", "desmoid: proportion FAP-associated"])
def test_a_proportion_or_fraction_asks_for_a_figure(question: str) -> None:
    assert figure_asked(question) == "a figure"
    assert holds_asked_answer(question, "In about 1 in 3 children the gene change is inherited.") is True
    assert holds_asked_answer(question, "Retinoblastoma is an eye cancer of young children.") is False


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("What does metastatic mean?", "metastatic"),
        ("what is arterial embolization", "arterial embolization"),
        ("What is a prosthesis?", "prosthesis"),
        ("meaning of localized", "localized"),
        ("rotationplasty definition", "rotationplasty"),
        ("What are the symptoms of X?", None),
        ("How is it treated?", None),
    ],
)
def test_the_term_a_question_asks_to_be_explained(question: str, term: str | None) -> None:
    assert defined_term(question) == term


@pytest.mark.parametrize(
    ("term", "text", "explains"),
    [
        ("metastatic", "or metastatic, meaning it has spread to the lungs", True),
        ("metastatic", "whether it is localized or metastatic (spread to other parts of the body)", True),
        ("embolization", "a radiologist may perform a procedure called arterial embolization.", True),
        ("rotationplasty", "Rotationplasty is a surgery that keeps the lower leg.", True),
        ("biopsy", "the surest test is a biopsy — a small tissue sample taken from the tumor", True),
        ("cryoablation", "the usual treatment is cryoablation. In this procedure, a probe freezes the tumor.", True),
        ("cryoablation", "the usual treatment is cryoablation. In this hospital, most children go home.", False),
        ("metastatic", "Imatinib helps about half of patients with metastatic DFSP.", False),
        ("sarcoma", "alveolar soft part sarcoma (ASPS) is rare", False),
    ],
)
def test_a_pages_own_explanation_of_a_term(term: str, text: str, explains: bool) -> None:
    assert bool(gloss_pattern(term).search(text)) is explains


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("Halloran: time to lung metastasis", "a span of time"),
        ("time until the first recurrence?", "a span of time"),
        ("How long did the follow-up last?", "a span of time"),
    ],
)
def test_time_to_an_event_asks_for_a_span(question: str, asked: str) -> None:
    assert figure_asked(question) == asked


@pytest.mark.parametrize(
    ("text", "advises"),
    [
        ("We suggest that chest imaging be continued for ten years.", True),
        ("In conclusion, surgery remains the main treatment.", True),
        ("We conclude that wide excision is needed.", True),
        ("Patients should be controlled regularly.", True),
        ("The nodules were removed by wedge resection.", False),
    ],
)
def test_what_authors_recommend_or_conclude(text: str, advises: bool) -> None:
    assert bool(RECOMMENDATION_RE.search(text)) is advises


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("infantile fibrosarcoma 5-yr OS", "a figure"),  # survival in a nurse's notation
        ("X 10-year PFS", "a figure"),
        ("adult X 5y OS", "a figure"),
        ("spine case f/u duration", "a span of time"),
    ],
)
def test_a_nurses_notation_for_survival_or_a_duration_asks_for_a_figure(question: str, asked: str) -> None:
    assert figure_asked(question) == asked
    assert not asks_for_figure("is the OS good")  # no span of years: no figure asked


def test_a_question_ending_on_a_size_asks_for_a_measurement() -> None:
    assert figure_asked("pleural SFT case tumour size") == "a size"
    assert figure_asked("What was the size?") == "a size"
    assert not asks_for_figure("Does tumour size matter for treatment?")
    assert figure_asked("What was the tumor's maximum size?") == "a size" and figure_asked("Size?") == "a size"
    for question in (
        "Is X prognosis related to size?",
        "Can the lump grow in size?",
        "Does it depend on the size?",
        "Does prognosis vary with tumour size?",
        "Can radiotherapy reduce the tumour size?",
        "Prognosis vs tumour size",
    ):
        assert figure_asked(question) != "a size"


def test_a_unit_of_time_asked_for_is_the_figures_shape_not_a_thing_it_is_of() -> None:
    """ "how many months ... larotrectinib": a schedule "every 3 months" gives months, but not of larotrectinib."""
    assert is_figure_word("months") and is_figure_word("weeks") and is_figure_word("year")
    assert not is_figure_word("larotrectinib") and not is_figure_word("survival")


def test_age_and_sex_ask_for_the_patients_age_with_who_they_are() -> None:
    """ "case age/sex": "a previously healthy 3-year-old boy" answers; "his mother ... at 19 years of age" and
    "at 11 months of age" give an age of no one asked about."""
    from assistant.answer_types import figure_gap

    assert figure_gap("case age/sex", "We describe a previously healthy 3-year-old boy who presented.") is None
    assert figure_gap("Halvorsen age and sex", "A 71-year-old woman was admitted.") is None
    assert figure_gap("case age/sex", "His mother had a thyroidectomy at 19 years of age.") is not None
    assert figure_gap("case age/sex", "A cyst was seen at 11 months of age.") is not None


def test_a_temperature_and_minutes_are_figures_of_their_kind() -> None:
    from assistant.answer_types import figure_gap

    question = "what temp does the needle get to and for how long"
    assert figure_gap(question, "Its tip is heated to about 90°C and held there for about 6 minutes.") is None
    assert figure_gap("how long is the probe held there", "It is held there for 6 minutes.") is None


def test_a_year_counts_nothing() -> None:
    """ "how many studies": "from inception to March 2020 for cohort studies" counts no studies; "Forty-eight
    cohort studies" does."""
    from assistant.answer_types import figure_gap

    assert figure_gap("how many studies were included", "We searched to March 2020 for cohort studies.") is not None
    assert figure_gap("how many studies were included", "Forty-eight cohort studies were eligible.") is None


def test_how_much_of_a_thing_is_a_figure_of_that_thing() -> None:
    """ "how much radiation does the CT scan give" is not answered by "a cut only 2 to 3 mm long"."""
    from assistant.answer_types import figure_gap

    assert figure_gap("how much radiation does the CT scan give", "A cut in the skin only 2 to 3 mm long.") is not None
    assert figure_gap("how much radiation is given", "It is given as 50 Gy in 25 doses of radiation.") is None


def test_a_year_written_as_a_date_counts_nothing_but_a_number_before_a_noun_counts_it() -> None:
    from assistant.answer_types import figure_gap

    assert figure_gap("How many children were included?", "We included 1998 children from 43 cohort studies.") is None


def test_a_dose_in_words_is_a_dose_and_radiotherapy_fractions_are_counted_treatments() -> None:
    """ "The usual dose is 400 milligrams (mg) a day" gives a dose, spelled out; "number of fractions" counts a
    course's treatments ("30 Gy in 20 daily treatments"), it asks for no share."""
    from assistant.answer_types import figure_gap

    assert figure_gap("what is the usual dose", "The usual dose is 400 milligrams (mg) a day.") is None
    assert figure_gap("what is the usual dose", "Take it once a day with food.") is not None
    course = "A typical course delivers a total dose of 30 Gy in 20 daily treatments over about 4 weeks."
    assert figure_gap("radiation dose and number of fractions", course) is None
    assert figure_gap("how many fractions of radiation", "Radiation is given after surgery.") is not None


def test_a_hazard_ratio_and_the_levels_are_answered_by_their_shapes() -> None:
    """ "What was the hazard ratio for X" is answered by "HR 2.41; 95% CI ...", not by "29 patients (34.5%) had X";
    "which levels" by a span of levels ("T7-T8")."""
    ratio = "what was the hazard ratio for metastasis at diagnosis"
    assert holds_asked_answer(ratio, "Metastasis at diagnosis (HR 2.41; 95% CI 1.32-4.40) predicted worse OS.")
    assert not holds_asked_answer(ratio, "Twenty-nine patients (34.5%) had distant metastases at diagnosis.")
    levels = "which levels was the tumour at"
    assert holds_asked_answer(levels, "She underwent a T7-T8 laminectomy.")
    assert not holds_asked_answer(levels, "Spinal tumours usually arise inside the canal.")


def test_the_whole_of_a_share_counts_nothing() -> None:
    """ "How many cases a year" is not answered by "4 out of every 5 patients are male": 5 is the share's whole, not a
    count of patients; "About 500 children are diagnosed each year" counts them."""
    from assistant.answer_types import figure_gap

    question = "how many cases are diagnosed every year"
    assert figure_gap(question, "About 4 out of every 5 patients are male.") is not None
    assert figure_gap(question, "It affects 1 in every 100 patients.") is not None
    assert figure_gap(question, "About 500 cases are diagnosed each year.") is None


def test_a_fraction_in_words_is_a_share() -> None:
    """ "About half of people survive", "two-thirds of patients" give a rate as a page in plain words says it."""
    from assistant.answer_types import figure_gap

    assert figure_gap("what is the survival rate", "About half of people survive 5 years.") is None
    assert figure_gap("what percentage recur", "It comes back in two-thirds of patients.") is None
    assert figure_gap("what is the survival rate", "Most people do well after surgery.") is not None


def test_a_time_ahead_the_question_asks_about_must_be_the_evidences() -> None:
    """ "Is she still ok 5 years later?" is not answered by a report that ends at 24 months; "two years later" is
    answered by "at 24 months" (the same span in months); an age ("5 years old") or a time gone by ("2 years ago")
    asks about no time ahead."""
    from assistant.answer_types import missing_number

    report = "Follow-up MRI at 24 months showed no recurrence."
    assert missing_number("is she still ok 5 years later?", report) is not None
    assert missing_number("How was she doing two years later?", report) is None
    assert missing_number("will it come back after ten years", "It can come back after 10 years.") is None
    assert missing_number("my son is 5 years old, can he get it", "Children get it.") is None
    # A time the question tells is no figure it asks for.
    told = "my mum had it taken out 2 years ago, so for how long does she need yearly blood tests?"
    assert missing_number(told, "You will have a blood test once a year for at least 10 years.") is None
    assert missing_number("i had surgery 2 years ago, can it come back", "It can come back.") is None


def test_a_regimen_asked_for_is_named_by_its_drugs() -> None:
    """ "What chemo regimen did they get?" is not answered by "treated with surgery, chemotherapy and/or
    radiotherapy"; it is by "a regimen called IVADo (ifosfamide, vincristine, ...)"."""
    from assistant.answer_types import figure_gap

    question = "what chemo regimen did the patients get"
    assert figure_gap(question, "Treatment combined surgery, chemotherapy and/or radiotherapy.") is not None
    assert figure_gap(question, "Most got a regimen called IVADo (ifosfamide, vincristine and doxorubicin).") is None


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("do they have to operate??", True),
        ("does a glomangioma always need surgery", True),
        ("is chemo really necessary for her", True),
        ("do we have to do chemo", True),
        ("will she need an operation", True),
        ("How is glomangioma treated?", False),
        ("what surgery is needed", False),
        ("how long do they need to stay in hospital after surgery", False),
    ],
)
def test_whether_a_treatment_is_a_must_is_told_from_what_it_involves(question: str, asks: bool) -> None:
    assert bool(ASKS_IF_TREATMENT_NEEDED_RE.search(question)) is asks


@pytest.mark.parametrize(
    ("question", "group"),
    [
        ("whats the imatinib dose for a 9 year old", "children"),
        ("my mum is 79, what are her chances", "adults"),
        ("im 27 and have a lump", "adults"),
        ("5 year survival for kids with X", "children"),
        ("is it the same for adults?", "adults"),
        ("the tumour is 5 cm, what is the survival", None),
        ("my son has X, what is the survival", None),  # a son may be any age
        ("survival in children and adults", None),
        ("my son is 16, is his treatment the same as for adults?", "children"),  # his age, not the comparison
    ],
)
def test_the_age_group_a_question_asks_of(question: str, group: str | None) -> None:
    assert asked_age_group(question) == group


def test_a_figure_for_the_other_age_group_is_no_answer_even_when_both_are_named() -> None:
    """ "Is X in adults treated as in children, and what is the 5-year survival for adults?": the clause asking for the
    figure names the adults, so a survival figure of children does not answer it."""
    from assistant.answer_types import age_group_gap

    children = "As a guide, for children aged 3 and over, about 8 in 10 children are alive 5 years after diagnosis."
    both = "Is X in adults treated the same as in children, and what is the 5-year survival for adults?"
    assert age_group_gap(both, children) == "the figure the evidence gives is for children, not adults"
    assert age_group_gap("what is the 5-year survival for children and adults?", children) is None
    assert age_group_gap("what is the 5-year survival for children?", children) is None


REGIMEN = (
    "She received denosumab 120 mg subcutaneously on days 1, 8, 15 and 29 and every 4 weeks thereafter, a total of"
    " nine doses over 6 months, with daily oral calcium and vitamin D supplementation."
)
DRUG_TABLE = (
    "| Zerotinib | Tablets, 150 mg twice a day | Growing tumours |; | Sorafenib | Tablet, 400 mg once a day | Painful"
    " tumours |; | Low-dose chemotherapy | Methotrexate with vinblastine, given weekly | Younger people |"
)


@pytest.mark.parametrize(
    ("question", "text", "gap"),
    [
        ("what vitamin D dose did they give with the denosumab", REGIMEN, True),  # named, but no dose beside it
        ("denosumab dose", REGIMEN, False),
        ("zerotinib dose", DRUG_TABLE, False),  # its row gives it
        ("methotrexate vinblastine dose", DRUG_TABLE, True),  # its row gives none
        ("vinblastine dose", "| Sorafenib | Tablet, 400 mg once a day |", True),  # another drug's dose
        ("imatinib dose", "The usual dose for adults is 400 mg once a day.", False),  # a dose of no named drug
        ("denosumab dose", "How denosumab is given:\n- 120 mg under the skin every 4 weeks", False),
        ("RT dose and fractions", "The usual course is 50 Gy in 25 daily treatments.", False),
        # "What dose of (adjuvant) X": X's, not the question word's; a word no word list has names another drug.
        ("What dose of adjuvant zerotinib was she offered?", "She was given glomasevel 800 mg with meals.", True),
        ("What dose of adjuvant zerotinib was she offered?", "She was offered zerotinib 150 mg twice a day.", False),
        # A dose in grays is radiation's: no drug's dose (but it may be a "boost" dose's).
        ("weekly vincristine dose during RT?", "Standard risk have 23.4 Gy; most have vincristine once a week.", True),
        ("boost dose?", "Standard risk have 23.4 Gy; the boost brings the total to 54 Gy.", False),
        ("vincristine dose?", "Vincristine 1.5 mg/m2 once a week during the 54 Gy.", False),
        ("vbl + pred doses?", "Prednisolone 40 mg/m2/day in 3 divided doses", False),  # its name cut short
        # ... or either of two asked, one typed as its letters with no vowel.
        ("zrtnb + glom doses?", "Zerotinib 6 mg/m2 IV once a week", False),
        ("zrtnb + glom doses?", "Sorafenib 400 mg once a day", True),
        # A count of doses told is no dose asked: "he can have one dose of carboplatin or checks".
        ("he can have one dose of zerotinib or checks. which one?", "Glomasevel 800 mg with meals.", False),
    ],
)
def test_a_dose_asked_of_one_drug_is_the_one_beside_it(question: str, text: str, gap: bool) -> None:
    assert (dose_of_another(question, text) is not None) is gap


@pytest.mark.parametrize(
    ("question", "text", "holds"),
    [
        ("glomangioma chemo regimen", "Lower-stage tumours get two medicines: vincristine and dactinomycin.", True),
        ("glomangioma chemo regimen", "Most children get chemotherapy after surgery.", False),
        ("zerotinib regimen", "She received zerotinib 120 mg on days 1, 8 and 15.", True),
        ("zerotinib regimen", "Zerotinib was not continued after surgery.", False),
    ],
)
def test_a_regimen_is_its_drugs_or_a_named_drugs_doses_and_days(question: str, text: str, holds: bool) -> None:
    assert holds_asked_answer(question, text) is holds


def test_a_survival_figure_asked_by_its_abbreviation_is_one_of_surviving() -> None:
    """ "What was the 5-year OS": the 5-year figure of local recurrence beside it is of something else."""
    question = "in the review what was the 5-year OS"
    assert holds_asked_answer(question, "The 5-year cumulative incidence of local recurrence was 56%.") is False
    assert holds_asked_answer(question, "Median OS was 28 months and 5-year OS was 24%.") is True


@pytest.mark.parametrize(
    ("sentence", "group"),
    [
        ("This page is written for adults aged 16 and over who are treated by our skin team.", "adults"),
        ("This guide is for men aged 16 and over with zentaroma, and for their families.", "adults"),
        ("This guideline applies to children and young people aged 0 to 17 years with zentaroma.", "children"),
        ("This page is about glomangioma in babies and children.", "children"),
        ("This guide is for parents and carers of **children**.", "children"),
        ("This guide is for nurses in shared care centres caring for children under 18 with zentaroma.", "children"),
        ("Doses are for children and young people covered by this guideline only.", "children"),
        # The group the page does not cover is named: it is for the other.
        ("Zentaroma can happen in adults, but adults are treated differently and this guide does not cover them.",
         "children"),
        ("Children with zentaroma are seen at the children's hospital, and this page does not cover their care.",
         "adults"),
        # Not about whom it is for.
        ("This page is for general information and does not replace the advice of your child's care team.", None),
        ("This guide is for information only and does not replace advice from your child's medical team.", None),
        ("Children usually recover well after surgery.", None),
        ("Adults and children are treated the same way; this page covers both.", None),
        ("", None),
    ],
)  # fmt: skip
def test_a_documents_own_words_say_whom_it_is_written_for(sentence: str, group: str | None) -> None:
    assert scope_age_group(sentence) == group


def test_how_much_of_a_drug_asks_an_amount_a_dose_gives() -> None:
    """ "How much zerocaptin was she on" asks an amount: a dose with its unit answers it, where a count would be
    asked by "how many"."""
    text = "At discharge she was taking zerocaptin 100 micrograms in the morning and 50 micrograms at night."
    assert figure_gap("how much zerocaptin was she on when she went home", text) is None
    assert figure_gap("how much zerocaptin was she on", "She was started on zerocaptin after surgery.") is not None
    assert figure_gap("how many zerocaptin tablets did she take", text) is not None
