"""Medical safety routing: emergencies first, personal treatment decisions to the care team.

Runs before retrieval. The patterns are about how people describe an emergency or a decision, not
about the documents; they err towards routing to emergency services when a message describes a
person in danger now, and leave general questions ("Can it cause coughing blood?") to the answerer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.settings import Settings


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
    "picture; please talk it through with them before changing anything. Here is what the documents say:"
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
    """The first thing said to someone who may harm themselves (Markdown: the call is bold)."""
    found = contacts(settings)
    if found.crisis:
        how = "call or text" if found.crisis_texts else "call"
        line = f" ({found.crisis_name})" if found.crisis_name else ""
        reach = f"{how} {found.crisis}{line}, call {found.emergency},"
    else:
        reach = f"call {found.emergency}"
    return (
        f"**If you are thinking about harming yourself, please {reach} or go to the nearest emergency "
        "department now.** You don't have to face this alone."
    )


@lru_cache(maxsize=1)
def _default_settings() -> Settings:
    """Settings from the environment, read once (route() is called on every question)."""
    return Settings()


_SELF_HARM = re.compile(
    r"\b(kill(ing)? (myself|me)|end(ing)? (my|it all|my own) life|suicid\w*|self[- ]harm|hurt(ing)? myself|"
    r"don'?t want to (live|be alive|wake up)|better off dead|take my (own )?life)\b",
    re.I,
)
_DANGER = re.compile(
    r"\b(cough(ing|s|ed)? (up )?(a lot of |lots of )?blood|spitting (up )?blood|vomiting blood|"
    r"can'?t breathe|cannot breathe|can not breathe|unable to breathe|not breathing|stopped breathing|"
    r"struggling to breathe|gasping|choking|turning blue|lips are blue|"
    r"unconscious|passed out|fainted|collapsed|won'?t wake( up)?|can'?t wake (him|her|them)|not waking|"
    r"unresponsive and|is unresponsive|became unresponsive|"
    r"seizure|seizing|convuls\w+|fitting|"
    r"bleeding (heavily|a lot|badly|won'?t stop)|won'?t stop bleeding|heavy bleeding|"
    r"chest pain|crushing pain|severe pain|overdos\w+|anaphyla\w+|hemoptysis|haemoptysis|"
    r"sats? (are |is )?(dropping|falling|low)|oxygen (is |level )?(dropping|falling)|"
    r"bleeding\b.{0,40}\bwon'?t stop|swallowed (a |the )?(whole )?(bottle|pack|handful|box)|too many (pills|tablets)|"
    r"can'?t move (his|her|my|their) (legs?|arms?)|suddenly (paralys\w+|numb|can'?t walk)|paralys\w+ suddenly|"
    r"can'?t (do this|go on) anymore)\b",
    re.I,
)
# A person, now: "my son", "she is", "I'm", "he just" ... (a general question has none of these).
_SUBJECT_NOW = re.compile(
    r"\b(i|i'm|im|i am|my|me|we|we're|our|he|he's|she|she's|they're|him|her|"
    r"son|daughter|child|kid|baby|husband|wife|partner|mom|mum|dad|brother|sister|friend|patient|pt|"
    r"teen|teenager|toddler|grandson|granddaughter|right now|now)\b",
    re.I,
)
# A question about a condition in general, recognised by its shape, never by a condition's name: a
# yes/no question whose subject is not a person ("Can it cause ...", "Is difficulty breathing a symptom
# ..."), or one about symptoms, signs or causes.
_PERSON_WORDS = r"i|i'm|im|my|me|we|we're|our|us|you|your|he|he's|she|she's|they|they're|him|her|his|their|them"
_GENERAL_QUESTION = re.compile(
    rf"^\s*(can|could|does|do|is|are|will|would|may|might)\s+(?!({_PERSON_WORDS})\b)\w+|"
    r"\bsymptoms?\b|\bsigns?\b|\bcause[sd]?\b|\bcausing\b",
    re.I,
)
# ... unless the clause still tells of a person now: "Is it normal that my son can't breathe?"
_PERSON_NOW = re.compile(
    r"\b((my|our|his|her|their) \w+|i|he|she|we|they)('s| is| are| am| has| have| just| keeps| started| can'?t|"
    r" cannot| won'?t| isn'?t)\b",
    re.I,
)
_DECISION = re.compile(
    # "should we ..." is a decision only with a verb of choosing or acting ("what should we look for?" is not).
    r"\b((should|shall) (i|we|he|she|they|my \w+)( \w+){0,2} (have|get|do|start|stop|try|agree|give|take|skip|"
    r"choose|refuse|delay|go|continue|keep|switch|change|use|accept|decline|consent|let)\b|"
    r"do (i|we) (have to|need to)|"
    r"is it (ok|okay|safe|wise|better) (to|for (me|us|him|her|my \w+) to)|"
    r"(stop|quit|skip|refuse|delay|decline|postpone|start|try)( (her|his|my|our|their|the))?( \w+)?( \w+)? "
    r"(chemo\w*|treatment|therapy|radiation|radiotherapy|surgery|operation|amputation|meds|medication|"
    r"follow-up|visits|appointments|scans)|"
    r"which (treatment|option|surgery|therapy) (should|is best for|would you)|"
    r"would you (recommend|choose|do)|what would you do)\b",
    re.I,
)
_CHITCHAT_PHRASE = re.compile(
    r"(hi|hello|hey|hiya|howdy|good (morning|afternoon|evening)|(ok(ay)? )?(thanks?|thank you|thx|ty|cheers)"
    r"( you)?( so much| a lot| very much)?( for (your|the|all the) help)?|ok(ay)?|bye|goodbye|see you|great|cool|"
    r"(ok(ay)? )?bye|what can you do|what do you (do|know)|who are you|what are you|help|how does this work|"
    r"what can i ask( you)?|what (topics|documents) do you (cover|have))( there)?",
    re.I,
)


@dataclass(frozen=True)
class SafetyRoute:
    """How a message is routed before retrieval: its label and the notice that must come first."""

    label: str | None  # None | "emergency" | "treatment_decision" | "chitchat"
    notice: str | None


def _clauses(message: str) -> list[str]:
    return [c.strip() for c in re.split(r"[,.!?;]+", message) if c.strip()]


def _describes_danger_now(clause: str) -> bool:
    """A clause naming a danger sign that is not a general question about it."""
    return bool(_DANGER.search(clause)) and (not _GENERAL_QUESTION.search(clause) or bool(_PERSON_NOW.search(clause)))


def route(message: str, settings: Settings | None = None) -> SafetyRoute:
    """Classify a message: an emergency now, a personal treatment decision, small talk, or a question.

    The notices give the numbers of ``settings.emergency_locale`` (default: settings from the environment).
    """
    if _SELF_HARM.search(message):
        return SafetyRoute("emergency", self_harm_notice(settings))
    if _SUBJECT_NOW.search(message) and any(_describes_danger_now(c) for c in _clauses(message)):
        return SafetyRoute("emergency", emergency_notice(settings))
    if _DECISION.search(message):
        return SafetyRoute("treatment_decision", CARE_TEAM_NOTICE)
    clauses = _clauses(message)
    if clauses and all(_CHITCHAT_PHRASE.fullmatch(c) for c in clauses):
        return SafetyRoute("chitchat", None)
    return SafetyRoute(None, None)


_INJECTION = re.compile(
    r"\b(ignore|disregard|forget|override) (all |any |your |the |previous |prior |above )*"
    r"(instructions?|rules?|prompts?|guidelines?|documents?)|system prompt|developer mode|jailbreak|"
    r"pretend (that |the |you )|you are now|act as (a|an|my)|role-?play|"
    r"(say|confirm|state|claim) that .*(cures?|guaranteed)|reveal your|print your (instructions|prompt)\b",
    re.I,
)


def is_injection(message: str) -> bool:
    """A message that tries to change the assistant's rules rather than ask the documents something."""
    return bool(_INJECTION.search(message))
