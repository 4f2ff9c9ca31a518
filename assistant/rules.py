"""Abstention rules: each a small named unit that says why the documents do not answer, or nothing.

The answerer runs them in order; the first that fires decides, and its name and reason go into the
answer's trace. Each rule reads only the question as understood and the scored candidates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from assistant.index import CorpusIndex
from assistant.query import LAY_TERMS, UnderstoodQuery, Vocabulary, normalise
from assistant.scoring import ScoredPassage
from assistant.settings import Settings
from assistant.text import stems

# Questions that can only be answered with a figure of a kind: (question pattern, what the evidence
# must then contain). English question shapes, nothing about any document.
FIGURE_REQUIREMENTS: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    (
        re.compile(r"\b(percent\w*|%|survival|(success|cure|recurrence|death|mortality) rates?|odds)\b", re.I),
        # A rate as a percentage or as a proportion ("8 in 10", "2 to 3 in 100", "one in five").
        re.compile(
            r"\d+(\.\d+)?\s*(%|percent)|\b(\d+|one|two|three|four|five|six|seven|eight|nine)"
            r"( to \d+)? (in|out of) (\d+|two|three|four|five|six|seven|eight|nine|ten|a hundred)\b",
            re.I,
        ),
    ),
    (
        re.compile(r"\bhow old\b", re.I),
        re.compile(r"\b\d+-year-old\b|\baged? \d+|\b\d+ years? old\b", re.I),
    ),
    (
        re.compile(r"\b(how many|how much|number of|dose|doses|dosage|cost)\b", re.I),
        re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|hundred|dozen|single)\b", re.I),
    ),
]
HOW_MANY_RE = re.compile(r"\bhow many ([a-z]+)", re.I)
NUMBER_WORDS = {str(n): w for n, w in enumerate("zero one two three four five six seven eight nine ten".split())}
QUESTION_NUMBER_RE = re.compile(r"\b(\d+)(?=[- ]?(yr|year|month|week|day|percent|%|cm)s?\b)", re.I)


@dataclass
class RuleInput:
    """What a rule may look at."""

    query: UnderstoodQuery
    ranked: list[ScoredPassage]  # candidates from the documents asked about, best first
    outside: list[ScoredPassage]  # candidates from other documents (rivals), best first
    selected: list[ScoredPassage] = field(default_factory=list)  # what would be quoted (after selection)


@dataclass(frozen=True)
class AbstentionRule:
    """A named reason to abstain: ``check`` returns the reason in words, or None."""

    name: str
    check: Callable[[RuleInput], str | None]
    after_selection: bool = False  # runs on the selected passages rather than the ranking


def no_documents_about(inp: RuleInput) -> str | None:
    """The question names documents or conditions, and no candidate comes from them."""
    return "no documents about that topic" if not inp.ranked else None


def unknown_term(inp: RuleInput) -> str | None:
    """The question names a thing (disease, drug, person) the corpus never mentions."""
    if inp.query.unknown_terms:
        return f"the documents never mention {', '.join(inp.query.unknown_terms)}"
    return None


def make_weak_evidence(settings: Settings) -> Callable[[RuleInput], str | None]:
    def weak_evidence(inp: RuleInput) -> str | None:
        """The best passages match the question too weakly to answer it."""
        strength = max((r.strength for r in inp.ranked[: settings.strength_depth]), default=0.0)
        if strength < settings.abstain_min_evidence:
            return f"best evidence strength {strength:.2f} is below {settings.abstain_min_evidence:.2f}"
        return None

    return weak_evidence


def make_low_coverage(vocab: Vocabulary, settings: Settings) -> Callable[[RuleInput], str | None]:
    def low_term_coverage(inp: RuleInput) -> str | None:
        """Too few of the question's content words occur in the best passages."""
        coverage = term_coverage(
            inp.query, [r.evidence.embed_text for r in inp.ranked[: settings.coverage_depth]], vocab
        )
        if coverage < settings.abstain_min_term_coverage:
            return f"the evidence covers only {coverage:.0%} of the question's terms"
        return None

    return low_term_coverage


def make_another_document(
    index: CorpusIndex, vocab: Vocabulary, settings: Settings
) -> Callable[[RuleInput], str | None]:
    def another_document_holds_it(inp: RuleInput) -> str | None:
        """A passage from a document the question is not about answers far better: one condition's fact
        asked of another, which the asked-about documents do not give."""
        if not inp.outside or not inp.ranked:
            return None
        rival, best = inp.outside[0], inp.ranked[0]
        # What the question asks *about* its subject (its focus words) is matched lexically far better
        # elsewhere, while the asked-about documents only match the subject's name.
        scale = max(max(r.lexical_raw for r in inp.ranked), settings.lexical_full_score)
        inside_focus = max(r.lexical_raw for r in inp.ranked[: settings.strength_depth]) / scale
        focus_rival = max(inp.outside[: settings.strength_depth], key=lambda r: r.lexical_raw)
        # Not for a question that names its document: the reader chose where to look.
        question = f" {normalise(inp.query.question)} "
        names_document = any(f" {alias} " in question for alias in vocab.document_aliases)
        if (
            not names_document
            and focus_rival.lexical_raw / scale - inside_focus >= settings.rival_focus_gap
            and focus_rival.strength >= best.strength
        ):
            rival = focus_rival
        elif rival.strength - best.strength <= settings.rival_margin:
            return None
        other = index.infos[rival.evidence.doc.source_id].title
        return f"the closest answer is in another document ({other}), not the one asked about"

    return another_document_holds_it


def missing_figure(inp: RuleInput) -> str | None:
    """The question asks for a figure (a rate, an age, a count) that the selected passages do not give."""
    question = inp.query.question
    text = " ".join(p.evidence.text for p in inp.selected)
    for asks, needs in FIGURE_REQUIREMENTS:
        if asks.search(question) and not needs.search(text):
            return "the question asks for a figure the evidence does not give"
    # "How many weeks/cycles/cases ...": a number must count that very thing in the evidence.
    if counted := HOW_MANY_RE.search(question):
        thing = stems(counted.group(1))
        counts = re.finditer(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|dozen)\b((?:\W+\w+){1,3})", text)
        if not any(thing & stems(match.group(2)) for match in counts):
            return f"the question asks how many {counted.group(1)}; the evidence counts none"
    if any(asks.search(question) for asks, _ in FIGURE_REQUIREMENTS):
        for number, unit in QUESTION_NUMBER_RE.findall(question):
            word = NUMBER_WORDS.get(number, number)
            if not re.search(rf"\b({number}|{word})\b", text, re.I):
                return f"the question asks about {number} {unit}s; the evidence does not mention it"
    return None


def asks_for_figure(question: str) -> bool:
    """True when the question can only be answered with a figure (a rate, an age, a count)."""
    return any(asks.search(question) for asks, _ in FIGURE_REQUIREMENTS)


def term_coverage(query: UnderstoodQuery, texts: Sequence[str], vocab: Vocabulary) -> float:
    """Share of the question's content words (or their lay/acronym equivalents) found in ``texts``."""
    if not query.terms:
        return 0.0
    evidence = set().union(*(stems(t) for t in texts)) if texts else set()
    covered = 0
    for term in query.terms:
        alternatives = [term, LAY_TERMS.get(term, ""), vocab.acronyms.get(term, "")]
        for alt in filter(None, alternatives):
            alt_stems = stems(alt)
            if (alt_stems and alt_stems <= evidence) or (alt_stems & evidence and " " in normalise(alt)):
                covered += 1
                break
    return covered / len(query.terms)


def default_rules(index: CorpusIndex, vocab: Vocabulary, settings: Settings) -> list[AbstentionRule]:
    """The rules in the order they are tried."""
    return [
        AbstentionRule("no_documents_about", no_documents_about),
        AbstentionRule("unknown_term", unknown_term),
        AbstentionRule("weak_evidence", make_weak_evidence(settings)),
        AbstentionRule("low_term_coverage", make_low_coverage(vocab, settings)),
        AbstentionRule("another_document_holds_it", make_another_document(index, vocab, settings)),
        AbstentionRule("missing_figure", missing_figure, after_selection=True),
    ]
