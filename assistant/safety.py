"""Medical safety routing: emergencies first, personal treatment decisions to the care team.

Runs before retrieval. The patterns are about how people describe an emergency or a decision, not
about the documents; they err towards routing to emergency services when a message describes a
person in danger now, and leave general questions ("Can it cause coughing blood?") to the answerer.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from assistant.settings import Settings
from assistant.text import CHEMOTHERAPY_DRUG_RE, PHONE_WHAT, fold, is_english


@dataclass(frozen=True)
class EmergencyContacts:
    """Who to call in one country: the emergency number, and a suicide and crisis line if there is one."""

    emergency: str
    crisis: str | None = None
    crisis_name: str | None = None
    crisis_texts: bool = False  # the crisis line also takes text messages


# Public national numbers (facts, not advice). A country not listed can be served by setting
# ASSISTANT_EMERGENCY_NUMBER and ASSISTANT_CRISIS_LINE_NUMBER.
LOCALES: dict[str, EmergencyContacts] = {
    "US": EmergencyContacts("911", "988", "the Suicide & Crisis Lifeline", crisis_texts=True),
    "CA": EmergencyContacts("911", "988", "the Suicide Crisis Helpline", crisis_texts=True),
    "GB": EmergencyContacts("999", "116 123", "Samaritans"),
    "IE": EmergencyContacts("112", "116 123", "Samaritans"),
    "AU": EmergencyContacts("000", "13 11 14", "Lifeline"),
    "NZ": EmergencyContacts("111", "1737", "Need to Talk?", crisis_texts=True),
    "EU": EmergencyContacts("112"),
}

CARE_TEAM_NOTICE = (
    "That is a decision to make together with your (or your child's) care team, who know the whole "
    "picture; please talk it through with them before changing anything."
)


# What follows a notice when the documents do answer (not before a refusal).
ANSWER_LEAD_IN = "Here is what the documents say:"
PROGNOSIS_NOTICE = (
    "No page can tell how one person's illness will go or how long they will live: the figures the documents "
    "give describe groups of people. Your (or your child's) care team knows the whole picture and can talk it "
    "through with you."
)

DIAGNOSIS_NOTICE = (
    "Only a doctor who examines the person can tell what it is, so please have it checked. The documents "
    "describe conditions in general and cannot say what anyone has."
)


def contacts(settings: Settings | None = None) -> EmergencyContacts:
    """The numbers the notices give: the settings' locale, with any number the settings override."""
    settings = settings or _default_settings()
    locale = settings.emergency_locale.strip().upper()
    if locale not in LOCALES and not settings.emergency_number:
        raise ValueError(
            f"emergency_locale {settings.emergency_locale!r} is not one of {', '.join(LOCALES)}; "
            "set ASSISTANT_EMERGENCY_NUMBER (and ASSISTANT_CRISIS_LINE_NUMBER) for another country"
        )
    base = LOCALES.get(locale, EmergencyContacts(settings.emergency_number or ""))
    crisis = settings.crisis_line_number or base.crisis
    return EmergencyContacts(
        emergency=settings.emergency_number or base.emergency,
        crisis=crisis,
        # An overridden crisis number is not the locale's named line: give it no name rather than a wrong one.
        crisis_name=base.crisis_name if crisis == base.crisis else None,
        crisis_texts=base.crisis_texts if crisis == base.crisis else False,
    )


def emergency_notice(settings: Settings | None = None) -> str:
    """The first thing said to someone describing a person in danger now (Markdown: the call is bold)."""
    number = contacts(settings).emergency
    return (
        f"**If this is happening now, call {number} (or your local emergency number) or go to the nearest "
        "emergency department right away.** Don't wait for an online answer."
    )


def self_harm_notice(settings: Settings | None = None) -> str:
    """The first thing said when someone may harm themselves, the writer or a person they tell of (Markdown)."""
    found = contacts(settings)
    if found.crisis:
        how = "call or text" if found.crisis_texts else "call"
        line = f" ({found.crisis_name})" if found.crisis_name else ""
        reach = f"{how} {found.crisis}{line}, call {found.emergency},"
    else:
        reach = f"call {found.emergency}"
    return (
        f"**If you, or someone you are with, may act on thoughts of suicide or self-harm, please {reach} or go to "
        "the nearest emergency department now.** You don't have to face this alone."
    )


@lru_cache(maxsize=1)
def _default_settings() -> Settings:
    """Settings from the environment, read once (route() is called on every question)."""
    return Settings()


# --- the phrase lists, kept as data -----------------------------------------------------------------

PHRASES_FILE = resources.files("assistant") / "data" / "safety_phrases.toml"
_ENTRY_RE = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*")


class SafetyPhrasesError(ValueError):
    """The safety phrase file is missing a list, or an entry is not in the router's normal form."""


class _PhraseModel(BaseModel):
    """Lists of phrases, each checked to be in the router's normal form so that it can ever match."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="after")
    def _entries_are_normal(self) -> _PhraseModel:
        for name, entries in self:
            if not entries:
                raise ValueError(f"{name}: the list is empty")
            for entry in entries:
                if not _ENTRY_RE.fullmatch(entry) or _normal_form(entry) != entry:
                    raise ValueError(
                        f"{name}: {entry!r} is not in normal form (lower case letters and digits, single spaces, "
                        f"contractions spelt out: {_normal_form(entry)!r})"
                    )
            duplicates = sorted({e for e in entries if entries.count(e) > 1})
            if duplicates:
                raise ValueError(f"{name}: {', '.join(map(repr, duplicates))} given twice")
        return self


class PeoplePhrases(_PhraseModel):
    relations: tuple[str, ...]


class EmergencyPhrases(_PhraseModel):
    signs: tuple[str, ...]
    lost_functions: tuple[str, ...]
    lost_functions_of_a_part: tuple[str, ...]
    body_parts: tuple[str, ...]
    lost_functions_when_sudden: tuple[str, ...]
    sudden_signs: tuple[str, ...]
    onset: tuple[str, ...]
    infection_signs: tuple[str, ...]
    infection_contexts: tuple[str, ...]
    ingest_verbs: tuple[str, ...]
    all_at_once: tuple[str, ...]
    overdose_amounts: tuple[str, ...]
    medicines: tuple[str, ...]
    poisons: tuple[str, ...]
    disease_nouns: tuple[str, ...]
    not_now: tuple[str, ...]
    general_words: tuple[str, ...]
    hedges: tuple[str, ...]
    asked_sign_openers: tuple[str, ...]


class SelfHarmPhrases(_PhraseModel):
    phrases: tuple[str, ...]
    not_followed_by: tuple[str, ...]


class DecisionPhrases(_PhraseModel):
    treatments: tuple[str, ...]
    treatment_suffixes: tuple[str, ...]
    choosing_verbs: tuple[str, ...]
    deferring_verbs: tuple[str, ...]
    deliberation: tuple[str, ...]
    refusal: tuple[str, ...]
    judgements: tuple[str, ...]
    general_question_openers: tuple[str, ...]
    asks_for_advice: tuple[str, ...]
    disagreement: tuple[str, ...]


class DiagnosisPhrases(_PhraseModel):
    conditions: tuple[str, ...]
    condition_suffixes: tuple[str, ...]
    noticed: tuple[str, ...]
    own_growths: tuple[str, ...]
    not_followed_by: tuple[str, ...]


class PrognosisPhrases(_PhraseModel):
    outcomes: tuple[str, ...]
    outcomes_alone: tuple[str, ...]
    time_left: tuple[str, ...]
    own_odds: tuple[str, ...]


class ChitchatPhrases(_PhraseModel):
    greetings: tuple[str, ...]
    thanks: tuple[str, ...]
    praise: tuple[str, ...]
    goodbyes: tuple[str, ...]
    about_the_assistant: tuple[str, ...]
    fillers: tuple[str, ...]


class SafetyPhrases(BaseModel):
    """Every phrase list the router uses (see the comments in ``data/safety_phrases.toml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    people: PeoplePhrases
    emergency: EmergencyPhrases
    self_harm: SelfHarmPhrases
    decision: DecisionPhrases
    diagnosis: DiagnosisPhrases
    prognosis: PrognosisPhrases
    chitchat: ChitchatPhrases

    def words(self) -> set[str]:
        """Every word of every list: what the spelling tolerance corrects towards."""
        found: set[str] = set()
        for _, group in self:
            for _, entries in group:
                for entry in entries:
                    found.update(entry.split())
        return found


def load_phrases(source: Traversable | Path = PHRASES_FILE) -> SafetyPhrases:
    """Read and validate a safety phrase file; a bad file is refused with its name and the entry at fault."""
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
        return SafetyPhrases.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"[{'.'.join(map(str, e['loc']))}] {e['msg']}" for e in exc.errors())
        raise SafetyPhrasesError(f"safety phrases {source}: {problems}") from exc
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SafetyPhrasesError(f"safety phrases {source}: {exc}") from exc


# --- normal form: what every rule matches against ---------------------------------------------------

# Contractions and chat spellings spelt out, so one rule covers "can't", "cant", "can not" and "cannot".
# Those whose bare form is another English word ("we're"/"were", "he'll"/"hell") need their apostrophe.
_CONTRACTIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\bcan'?t\b|\bcan not\b", "cannot"),
        (r"\bwon'?t\b", "will not"),
        (r"\bain'?t\b", "is not"),
        (r"\b(could|would|should|must|need|is|are|was|were|does|do|did|has|have|had)n'?t\b", r"\1 not"),
        (r"\bi'?m\b", "i am"),
        (r"\b(he|she|it|that|what|there|who|where|here)'s\b|\b(he|she|that|what|there)s\b", r"\1\2 is"),
        (r"\b(we|they|you|who)'re\b|\b(they|you)re\b", r"\1\2 are"),
        (r"\b(i|we|they|you|who|should|would|could|must)'?ve\b", r"\1 have"),
        (r"\b(i|we|they|you|he|she|it|that)'ll\b", r"\1 will"),
        (r"\b(i|we|they|you|he|she)'d\b", r"\1 would"),
        (r"\blet'?s\b", "let us"),
        (r"\bgonna\b", "going to"),
        (r"\bwanna\b", "want to"),
        (r"\bu\b", "you"),
        (r"\bur\b", "your"),
        (PHONE_WHAT, "what"),
    )
)
# Where a message splits into clauses: sentence and clause punctuation (not a decimal point) and dashes.
_CLAUSE_BREAK = re.compile(r"[!?;:()\n]+|[.,](?!\d)|(?<!\d)[.,]|\s-+\s|\s-+$|^-+\s")


def _normal_form(text: str) -> str:
    """Lower case, quotes folded, contractions spelt out, possessive 's dropped, anything else a space."""
    text = fold(text).lower()
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    text = re.sub(r"'s\b", "", text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def normal_form(text: str) -> str:
    """The form the router matches messages and phrases in (see ``data/safety_phrases.toml``)."""
    return _normal_form(text)


def _alt(phrases: Iterable[str]) -> str:
    """A regex alternation of whole phrases, longest first (so "a whole" wins over "a")."""
    return "(?:" + "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True)) + ")"


class _Speller:
    """Tolerance for typos: a word that is not English is read as the phrase-list word one or two edits away.

    Only the router's own words are targets, so "siezure" becomes "seizure" and "unconcious"
    "unconscious", while an unknown medical word is left alone; the edit limits are the answerer's
    spelling settings.
    """

    def __init__(self, words: set[str], settings: Settings) -> None:
        from symspellpy import SymSpell  # imported here: SymSpell is only built once a message arrives

        self.settings = settings
        self.words = words
        self.speller = SymSpell(max_dictionary_edit_distance=settings.spelling_max_edits)
        for word in words:
            if len(word) >= settings.spelling_min_word_length - settings.spelling_max_edits:
                self.speller.create_dictionary_entry(word, 1)

    def correct(self, clause: str) -> str:
        from symspellpy import Verbosity

        out = []
        for word in clause.split():
            if len(word) >= self.settings.spelling_min_word_length and word not in self.words and not is_english(word):
                edits = min(self.settings.spelling_max_edits, len(word) // self.settings.spelling_letters_per_edit)
                found = self.speller.lookup(word, Verbosity.CLOSEST, max_edit_distance=edits) if edits else []
                if len(found) == 1:  # two equally close words: no guess
                    word = found[0].term
            out.append(word)
        return " ".join(out)


# --- the grammar: how the phrase lists combine --------------------------------------------------------

_PRONOUN_SUBJECT = r"(?:i|he|she|we|they)"
_POSSESSIVE = r"(?:my|our|his|her|their)"
# Words that make a message about a person ("my son", "she", "I") rather than about a condition.
_PERSON_WORDS = r"(?:i|me|my|we|us|our|he|him|his|she|her|they|them|their)"
_QUESTION_AUX = r"(?:can|could|does|do|did|is|are|was|were|will|would|may|might|has|have|should|must)"
# A lost function: "cannot", "unable to", "can no longer" ... before the verb.
_CANNOT = (
    r"(?:cannot|could not|can no longer|can barely|can hardly|could barely|unable to|not able to|no longer able to|"
    r"lost the ability to|will not|would not|does not|did not|is not able to)"
)
_DETERMINERS = r"(?:(?:his|her|my|their|your|the|both|either|one|of|left|right|lower|upper|whole) )*"


class _Grammar:
    """The router's compiled rules: the phrase lists joined by English grammar, and gaps of a set size."""

    def __init__(self, phrases: SafetyPhrases, settings: Settings) -> None:
        em, de, people = phrases.emergency, phrases.decision, phrases.people
        gap = f"(?:\\w+ ){{0,{settings.safety_max_gap_words}}}?"
        short_gap = f"(?:\\w+ ){{0,{max(1, settings.safety_max_gap_words // 2)}}}?"
        relation = _alt(people.relations)
        treatment = _alt(de.treatments)
        suffixes = "|".join(de.treatment_suffixes)
        self.treatment = re.compile(rf"\b(?:{treatment}|\w+(?:{suffixes}))\b")
        self.person = re.compile(rf"\b(?:{_PERSON_WORDS}|{relation}|right now|now)\b")
        self.personal_reference = re.compile(rf"\b(?:{_PERSON_WORDS}|the patient|pt)\b")
        subject = rf"(?:{_PRONOUN_SUBJECT}|{_POSSESSIVE} (?:\w+ ){{0,2}}?{relation}|{_POSSESSIVE} \w+|the patient|pt)"
        # A person doing or undergoing something now: "my son is", "she just", "I cannot".
        self.person_now = re.compile(
            rf"\b(?:{_PRONOUN_SUBJECT}|(?:{_POSSESSIVE}|the) (?:\w+ ){{0,2}}?{relation}|{_POSSESSIVE} \w+|pt)"
            r" (?:\w+ )?(?:is|are|am|was|were|has|have|had|just|keeps|kept|started|starts|began|cannot|could not|"
            r"will not|did not|does not|is not|got|gets|became|becomes|went|goes|seems|looks|feels|felt|suddenly|"
            r"still|be having|swallowed|took)\b"
        )
        # A question about signs in general: a yes/no question whose subject is not a person ("Can it cause
        # ...?"), one asking what may happen ("Will he get ...?"), a wh-question naming nobody, or one about
        # symptoms, causes or risks.
        self.general_question = re.compile(
            rf"^{_QUESTION_AUX} (?!{_PERSON_WORDS}\b)\w+|^(?:will|would|could|might|may|can)\b|"
            rf"\b{_alt(em.general_words)}\b"
        )
        self.wh_question = re.compile(r"^(?:what|how|why|when|which|where|who)\b")
        self.not_now = re.compile(rf"\b{_alt(em.not_now)}\b")
        self.hedged = re.compile(rf"\b{_alt(em.hedges)} {gap}$")
        self.asked_sign = re.compile(rf"\b{_alt(em.asked_sign_openers)} $")
        not_to_a_treatment = rf"(?! to (?:the |his |her |their |my )?{treatment}\b)"
        # "The tumour is unresponsive": said of a disease, not of a person.
        self.about_a_disease = re.compile(rf"\b{_alt(em.disease_nouns)} (?:\w+ )?(?:unresponsive|not responding)\b")
        body = _alt(em.body_parts)
        medicine = _alt(em.medicines)
        ingest = _alt(em.ingest_verbs)
        self.signs = re.compile(
            "|".join(
                (
                    rf"\b{_alt(em.signs)}\b",
                    # "unresponsive" of a person, not to a treatment (of a tumour: see ``about_a_disease``).
                    rf"\bunresponsive\b{not_to_a_treatment}",
                    rf"\b{_CANNOT} {_alt(em.lost_functions)}\b",
                    rf"\b{_CANNOT} {_alt(em.lost_functions_of_a_part)}(?: (?:or|and) \w+)? {_DETERMINERS}{body}\b",
                    rf"\b{_CANNOT} move(?: at all)?$",
                    rf"\b(?:no |lost (?:all )?(?:the )?|losing (?:the )?)(?:feeling|sensation|movement|strength|use|"
                    rf"control)(?: in| of)? {_DETERMINERS}{body}\b",
                    rf"\b{body} (?:just )?(?:gave|give|gives|giving|have given|has given|keep giving) (?:out|way)\b",
                    # bleeding that will not stop
                    rf"\b(?:bleeding|blood)\b {gap}(?:will not|does not|would not|is not going to|cannot) stop\b",
                    # overdose: a past intake of an unusual amount, or the whole supply at once, or twice
                    rf"\b{ingest} {short_gap}{_alt(em.overdose_amounts)} {gap}{medicine}\b",
                    rf"\b{ingest} {short_gap}(?:[1-9]\d+|dozens of|a dozen) {gap}{medicine}\b",
                    rf"\bswallowed {short_gap}(?:all|every) {gap}{medicine}\b",
                    rf"\b{ingest} {short_gap}(?:all|every) {gap}{medicine} {short_gap}{_alt(em.all_at_once)}\b",
                    rf"\b{ingest} {gap}{medicine} {short_gap}(?:twice|two times|three times|by mistake|by accident)\b",
                    rf"\bgot into {short_gap}{medicine}\b",
                    rf"\b(?:swallowed|swallowing|drank|drunk|drinking|ate|eaten|eating|got into|licked) "
                    rf"{short_gap}{_alt(em.poisons)}\b",
                )
            )
        )
        self.onset = re.compile(rf"\b{_alt(em.onset)}\b")
        self.sudden_signs = re.compile(
            rf"\b(?:{_CANNOT} {_alt(em.lost_functions_when_sudden)}|{_alt(em.sudden_signs)})\b"
        )
        self.infection_signs = re.compile(rf"\b{_alt(em.infection_signs)}\b")
        self.infection_context = re.compile(rf"\b{_alt(em.infection_contexts)}\b")
        self.self_harm = re.compile(
            rf"\b{_alt(phrases.self_harm.phrases)}\b(?! {_alt(phrases.self_harm.not_followed_by)}\b)"
        )

        # Decisions. "Should we X ...", unless the question asks when, where or how in general.
        self.should = re.compile(rf"\b(?:should|shall|must|ought to) {subject} {gap}{_alt(de.choosing_verbs)}\b")
        self.general_opener = re.compile(rf"^{_alt(de.general_question_openers)}\b")
        self.choice = re.compile(r"\b(?:or|instead|rather than|between|hold off|wait and see|wait and watch)\b")
        self.is_it_ok = re.compile(
            rf"\b(?:is it|would it be|will it be|is that|would that be)(?: really)? {_alt(de.judgements)}"
            rf"(?: to| for {subject} to| if {subject})\b"
        )
        self.better_for = re.compile(
            r"\b(?:better|best|safer|right|the right choice|the best option|a better option|the better option) "
            rf"(?:for|with) (?:me|us|him|her|them|{subject})\b"
        )
        deferring = _alt(de.deferring_verbs)
        self.can_we_defer = re.compile(
            rf"\b(?:can|could|may|do|does|must) {subject} (?:still |just |really |simply )?{deferring}\b"
        )
        self.have_to = re.compile(
            rf"\b(?:do|does|must) {subject} (?:really )?(?:have to|need to) {_alt(de.choosing_verbs)}\b"
        )
        self.deliberating = re.compile(
            rf"\b(?:{_alt(de.deliberation)}) {short_gap}{deferring}\b|\bif {subject} {short_gap}{deferring}\b"
        )
        self.refusing = re.compile(rf"\b{subject} (?:\w+ )?{_alt(de.refusal)}\b")
        # "Can my wife have radiation instead ...": two searches, not one ".*" pattern that backtracks.
        self.may_we = re.compile(rf"\b(?:can|could|may|should) {subject}\b")
        self.instead = re.compile(r"\b(?:instead|rather than)\b")
        self.asks_for_advice = re.compile(rf"\b{_alt(de.asks_for_advice)}\b")
        self.disagreement = re.compile(rf"\b{_alt(de.disagreement)}\b")
        self.choose_between = re.compile(
            r"\b(?:choose|choosing|chose|pick|picking|decide|deciding|decision|torn|undecided) between\b|"
            r"\bwhich (?:one |option |treatment |surgery |therapy |approach |procedure |way )?"
            rf"(?:should {subject}|would you|do you recommend|do you suggest|do you advise)\b"
        )

        # How one person's illness will end: "will my son survive?", "how long does he have?", "his chances". One
        # person, the asker's or the asker themself: not a generic "they" ("how long do they live with X?").
        px = phrases.prognosis
        one = rf"(?:he|she|i|we|(?:my|our|his|her) (?:\w+ ){{0,2}}?{relation})"
        # ("Will he be ok though?", "... in the end?": what only ends a clause may have these after it.)
        end = r"(?: (?:though|in the end|after all|now))?$"
        adverb = r"(?:(?:really|ever|still|actually|even|definitely|probably|likely to) )?"
        self.personal_outcome = re.compile(
            rf"\b(?:will|would|is|are|does|do|can|could) {one} {adverb}(?:(?:going to|gonna) )?"
            rf"(?:{_alt(px.outcomes)}\b|{_alt(px.outcomes_alone)}{end})"
            rf"|\bhow (?:long|much time|much longer) (?:does|do|will|has|have|is|can) {one} {adverb}"
            rf"(?:(?:(?:have|got) to )?live\b|{_alt(px.time_left)}(?:$| left\b(?! (?:on|of|in|for)\b)| with\b))"
            # "his chances", "my son's chances" (not "my chances of getting pregnant", "her age affect survival")
            rf"|\b(?:my|our|his|her) (?:{relation} (?:s )?)?{_alt(px.own_odds)}\b(?! of (?:getting|having|being)\b)"
        )

        # Whether a person has a condition: "could it be one of these?", "does my son have cancer?".
        dx = phrases.diagnosis
        condition = (
            rf"(?:{_alt(dx.conditions)}|\w+(?:{'|'.join(dx.condition_suffixes)}))\b(?! {_alt(dx.not_followed_by)}\b)"
        )
        thing = (
            rf"(?:it|this|that|these|those|(?:this|that|the|{_POSSESSIVE}) (?:\w+ ){{0,2}}?{_alt(dx.noticed)}|"
            # "Is my son's tumor cancerous?": a person's own growth (not "the tumor", which is the condition's).
            rf"{_POSSESSIVE} (?:\w+ ){{0,2}}?{_alt(dx.own_growths)})"
        )
        self.could_it_be = re.compile(
            rf"\b(?:could|might|may|can|would|is|are|was) {thing} (?:(?:on|in|under|near|at|by) (?:\w+ ){{1,2}}?)?"
            rf"(?:really |possibly |actually |just )?(?:be )?"
            rf"{condition}"
        )
        has_someone = rf"\b(?:does|do|did|could|might|may|can|would) {subject} (?:\w+ )?(?:have|has|had|got) "
        # (Not a perfect tense: "could we have prevented it?", "did he have it checked" asks no diagnosis.)
        self.has_condition = re.compile(rf"{has_someone}(?:(?!\w+ed\b)\w+ ){{0,2}}?{condition}")
        # ... and with a condition the documents name ("does my son have MGA?", "could his pain be X?").
        self.has_someone = has_someone
        # ("... have X removed" is a treatment; "is that an X symptom?" asks what X's symptoms are.)
        self.not_a_treatment = rf"(?! {_alt((*dx.not_followed_by, 'symptom', 'symptoms', 'sign', 'signs'))}\b)"
        someone_or_thing = rf"(?:{thing}|{_POSSESSIVE} (?:\w+ ){{0,3}}?\w+) (?:really |possibly |actually |just )?"
        self.could_be = rf"\b(?:could|might|may|can|would) {someone_or_thing}be |\b(?:is|was) {someone_or_thing}"
        self.noticed = re.compile(rf"\b(?:this|that|the|{_POSSESSIVE}) (?:\w+ ){{0,2}}?{_alt(dx.noticed)}\b")
        # "My son has a lump that doesn't hurt": a person's own sign, told without asking what it is, asks it.
        self.own_sign = re.compile(
            rf"\b{subject} (?:has|have|had|got|has got|noticed|found|feels?|felt) (?:a |an |some |this |that )?"
            rf"(?:\w+ ){{0,2}}?{_alt(dx.noticed)}\b(?! {_alt(dx.not_followed_by)}\b)"
        )

        ch = phrases.chitchat
        self.chitchat = re.compile(
            rf"\b{_alt((*ch.greetings, *ch.thanks, *ch.praise, *ch.goodbyes, *ch.about_the_assistant))}\b"
        )
        self.thanks = re.compile(rf"\b{_alt((*ch.thanks, *ch.praise))}\b")
        self.goodbye = re.compile(rf"\b{_alt(ch.goodbyes)}\b")
        self.about_the_assistant = re.compile(rf"\b{_alt(ch.about_the_assistant)}\b")
        self.fillers = frozenset(word for phrase in ch.fillers for word in phrase.split())
        self.question_start = re.compile(rf"^{_QUESTION_AUX}\b")


@dataclass(frozen=True)
class _Router:
    phrases: SafetyPhrases
    grammar: _Grammar
    speller: _Speller


def _router(settings: Settings) -> _Router:
    """The compiled router for these settings (built once per distinct value of the settings it reads)."""
    return _built_router(
        settings.safety_max_gap_words,
        settings.spelling_min_word_length,
        settings.spelling_letters_per_edit,
        settings.spelling_max_edits,
    )


@lru_cache(maxsize=4)
def _built_router(gap: int, min_length: int, letters_per_edit: int, max_edits: int) -> _Router:
    settings = Settings(
        safety_max_gap_words=gap,
        spelling_min_word_length=min_length,
        spelling_letters_per_edit=letters_per_edit,
        spelling_max_edits=max_edits,
    )
    phrases = load_phrases()
    return _Router(phrases, _Grammar(phrases, settings), _Speller(phrases.words(), settings))


# --- routing -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SafetyRoute:
    """How a message is routed before retrieval: its label and the notice that must come first."""

    label: str | None  # None | "emergency" | "treatment_decision" | "prognosis" | "diagnosis" | "chitchat"
    notice: str | None


def clauses(message: str, settings: Settings | None = None) -> list[str]:
    """The message's clauses in the router's normal form, typos of its phrase words corrected."""
    speller = _router(settings or _default_settings()).speller
    parts = (_normal_form(part) for part in _CLAUSE_BREAK.split(fold(message).lower()))
    return [speller.correct(part) for part in parts if part]


def _asserted_signs(clause: str, grammar: _Grammar, infection_context: bool) -> bool:
    """A danger sign said of a person now in this clause, not asked about in general or hedged."""
    if grammar.not_now.search(clause):
        return False  # a sign in the past or a long-standing one ("had a seizure as a baby")
    clause = grammar.about_a_disease.sub("", clause)
    found = list(grammar.signs.finditer(clause))
    if grammar.onset.search(clause):
        found += grammar.sudden_signs.finditer(clause)
    if infection_context:
        found += grammar.infection_signs.finditer(clause)
    # ("at risk of paralysis"; "what temp is too high": the sign's value asked for, not a sign said of anyone)
    found = [
        m
        for m in found
        if not grammar.hedged.search(clause[: m.start()]) and not grammar.asked_sign.search(clause[: m.start()])
    ]
    if not found:
        return False
    general = bool(grammar.general_question.search(clause)) or (
        bool(grammar.wh_question.search(clause)) and not grammar.personal_reference.search(clause)
    )
    return not general or bool(grammar.person_now.search(clause))


def _is_emergency(
    parts: list[str], grammar: _Grammar, asks: bool, fragment_max_words: int, conditions: tuple[str, ...]
) -> bool:
    if not any(grammar.person.search(part) for part in parts):
        # Nobody is described: a question or a statement about signs in general; but a few words of danger
        # signs that ask nothing ("cant breathe help", "chest pain, can't breathe") are someone in trouble now.
        # (Not a nurse's keywords naming a condition: "X coughing up blood" looks the sign up.)
        text = f" {' '.join(parts)} "
        asked = asks or any(grammar.question_start.search(p) or grammar.wh_question.search(p) for p in parts)
        names_condition = _names_a_condition(text, conditions)
        if asked or names_condition or len(text.split()) > fragment_max_words:
            return False
    infection_context = any(
        grammar.infection_context.search(part) or CHEMOTHERAPY_DRUG_RE.search(part) for part in parts
    )
    return any(_asserted_signs(part, grammar, infection_context) for part in parts)


def _is_decision(parts: list[str], grammar: _Grammar) -> bool:
    text = " ".join(parts)
    about_treatment = bool(grammar.treatment.search(text))
    for part in parts:
        if grammar.asks_for_advice.search(part) or grammar.choose_between.search(part):
            return True
        if about_treatment and grammar.disagreement.search(part):
            return True
        if grammar.is_it_ok.search(part) or grammar.better_for.search(part):
            return True
        if grammar.should.search(part):
            general = grammar.general_opener.search(part) and not (about_treatment and " or " in f" {part} ")
            if not general and (about_treatment or grammar.choice.search(part)):
                return True
        in_part = bool(grammar.treatment.search(part))
        if in_part and (
            grammar.refusing.search(part)
            or grammar.can_we_defer.search(part)
            or grammar.have_to.search(part)
            or grammar.deliberating.search(part)
            or (grammar.instead.search(part) and grammar.may_we.search(part))
        ):
            return True
    return False


@lru_cache(maxsize=16)
def _named_diagnosis(openings: str, names: tuple[str, ...], after: str) -> re.Pattern[str] | None:
    """An opening ("does my son have", "could it be") before a condition the documents name, compiled
    once per corpus."""
    if not names:
        return None
    return re.compile(rf"(?:{openings})(?:a |an |the )?{_alt(names)}\b{after}")


_ASKS_WHY_RE = re.compile(r"^\W*(?:why|how come)\b", re.I)


def _is_diagnosis(parts: list[str], grammar: _Grammar, names: tuple[str, ...] = ()) -> bool:
    """Whether someone asks if a person has a condition. "Is it cancer?" alone may ask about a condition
    just named; with a person ("my daughter") or what was noticed ("this lump") it asks about someone.
    "Why does my son have X?" asks what causes it, of someone known to have it."""
    parts = [part for part in parts if not _ASKS_WHY_RE.match(part)]
    text = " ".join(parts)
    if any(grammar.has_condition.search(part) for part in parts):
        return True
    has_named = _named_diagnosis(grammar.has_someone, names, grammar.not_a_treatment)
    if has_named is not None and any(has_named.search(part) for part in parts):
        return True
    personal = bool(grammar.personal_reference.search(text) or grammar.noticed.search(text))
    could_be_named = _named_diagnosis(grammar.could_be, names, grammar.not_a_treatment)
    # "They found X in his foot. Is it cancer?": once a condition the documents cover is named as the
    # person's, "it" is that condition, and whether it is cancer is what its pages say.
    names_theirs = _names_a_condition(text, names)
    if not names_theirs and any(grammar.own_sign.search(part) for part in parts):
        return True
    return personal and any(
        (grammar.could_it_be.search(part) and not names_theirs)
        or (could_be_named is not None and could_be_named.search(part))
        for part in parts
    )


def _names_a_condition(text: str, names: tuple[str, ...]) -> bool:
    """Whether a message names one of the conditions the documents cover, both in the router's normal form (words
    of letters and digits, one space apart): a name is a run of whole words. (No pattern per name: a corpus of
    hundreds of conditions would compile hundreds per message.)"""
    padded = f" {text} "
    return any(f" {name} " in padded for name in names)


def _is_chitchat(parts: list[str], grammar: _Grammar) -> bool:
    """Every clause is greetings, thanks, praise, goodbyes or a question about the assistant, and nothing else."""
    if not parts:
        return False
    for part in parts:
        rest = grammar.chitchat.sub(" ", part).split()
        if rest == part.split() or any(word not in grammar.fillers for word in rest):
            return False
        if grammar.question_start.search(part) and rest and part.startswith(rest[0]):
            return False  # "is that clear?" asks something; "that is clear" does not
    return True


def route(message: str, settings: Settings | None = None, conditions: tuple[str, ...] = ()) -> SafetyRoute:
    """Classify a message: an emergency now, a personal treatment decision, whether a person has a
    condition, small talk, or a question.

    The notices give the numbers of ``settings.emergency_locale`` (default: settings from the environment).
    ``conditions`` are the names the documents give their conditions, in the router's normal form: "does my
    son have <one of them>?" asks for a diagnosis too.
    """
    settings = settings or _default_settings()
    grammar = _router(settings).grammar
    parts = clauses(message, settings)
    if any(grammar.self_harm.search(part) for part in parts):
        return SafetyRoute("emergency", self_harm_notice(settings))
    if _is_emergency(parts, grammar, "?" in message, settings.emergency_fragment_max_words, conditions):
        return SafetyRoute("emergency", emergency_notice(settings))
    if _is_decision(parts, grammar):
        return SafetyRoute("treatment_decision", CARE_TEAM_NOTICE)
    if _is_diagnosis(parts, grammar, conditions):
        return SafetyRoute("diagnosis", DIAGNOSIS_NOTICE)
    if any(grammar.personal_outcome.search(part) for part in parts):
        return SafetyRoute("prognosis", PROGNOSIS_NOTICE)
    if _is_chitchat(parts, grammar):
        return SafetyRoute("chitchat", None)
    return SafetyRoute(None, None)


_INJECTION = re.compile(
    r"\b(ignore|disregard|forget|override) (all |any |your |the |previous |prior |above )*"
    r"(instructions?|rules?|prompts?|guidelines?|documents?)|system prompt|developer mode|jailbreak|"
    r"pretend (that |the |you )|you are now|act as (a|an|my)|role-?play|"
    r"(say|confirm|state|claim) that .*(cures?|guaranteed)|reveal your|print your (instructions|prompt)\b",
    re.I,
)


def small_talk_kind(message: str, settings: Settings | None = None) -> str:
    """What a small-talk message does: "thanks" (or praise), "goodbye", or "greeting" (hello, or "what can
    you do?"), so that a thank-you is not answered with a hello."""
    grammar = _router(settings or _default_settings()).grammar
    text = " ".join(clauses(message, settings))
    if grammar.about_the_assistant.search(text):
        return "greeting"
    if grammar.thanks.search(text):
        return "thanks"
    return "goodbye" if grammar.goodbye.search(text) else "greeting"


def is_injection(message: str) -> bool:
    """A message that tries to change the assistant's rules rather than ask the documents something."""
    return bool(_INJECTION.search(message))
