"""Medical safety routing: emergencies first, personal treatment decisions to the care team.

Runs before retrieval. The patterns are about how people describe an emergency or a decision, not
about the documents; they err towards routing to emergency services when a message describes a
person in danger now, and leave general questions ("Can it cause coughing blood?") to the answerer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EMERGENCY_NOTICE = (
    "**If this is happening now, call 911 (or your local emergency number) or go to the nearest "
    "emergency department right away.** Don't wait for an online answer."
)
SELF_HARM_NOTICE = (
    "**If you are thinking about harming yourself, please call or text 988 (the Suicide & Crisis Lifeline "
    "in the U.S.), call 911, or go to the nearest emergency department now.** You don't have to face this alone."
)
CARE_TEAM_NOTICE = (
    "That is a decision to make together with your (or your child's) care team, who know the whole "
    "picture; please talk it through with them before changing anything. Here is what the documents say:"
)

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
_GENERAL_QUESTION = re.compile(
    r"^\s*(can|could|does|do|is|are|will|would)\s+(hpc|asps|it|this|hemangiopericytoma|alveolar|"
    r"the (tumou?r|cancer|disease)|these tumou?rs|sarcoma)\b|\bsymptoms?\b|\bsigns?\b|\bcause\b",
    re.I,
)
_DECISION = re.compile(
    r"\b(should (i|we|he|she|they|my \w+)|shall (i|we)|do (i|we) (have to|need to)|"
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


def route(message: str) -> SafetyRoute:
    """Classify a message: an emergency now, a personal treatment decision, small talk, or a question."""
    if _SELF_HARM.search(message):
        return SafetyRoute("emergency", SELF_HARM_NOTICE)
    if _DANGER.search(message) and _SUBJECT_NOW.search(message) and not _GENERAL_QUESTION.search(message):
        return SafetyRoute("emergency", EMERGENCY_NOTICE)
    if _DECISION.search(message):
        return SafetyRoute("treatment_decision", CARE_TEAM_NOTICE)
    clauses = [c.strip() for c in re.split(r"[,.!?;]+", message) if c.strip()]
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
