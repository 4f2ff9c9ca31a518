"""What kind of answer a question asks for, and whether a text holds one.

Two tables of English question shapes and answer shapes, never a corpus's conditions or body sites:

* :data:`QUESTION_CUES`: what a question type looks for (a figure, a time, a place, a cause, a
  definition, a treatment, a test). The scorer gives a small bonus to passages holding it; the
  *narrow* ones (an age, levels) also decide which passage is chosen when one
  nearly as good holds the answer and the best does not.
* :data:`FIGURE_REQUIREMENTS`: questions that can only be answered with a figure of a kind (a rate,
  an age, a count). Evidence without one does not answer them (the ``missing_figure`` rule).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.query import ASKS_CONTACT_RE, LAY_TERMS, LEVEL_WORDS, LEXICON, speaks_of_case
from assistant.text import (
    ADULT_AGE,
    AGE_GROUP_RES,
    DRUG_NAME,
    DRUG_NAME_RE,
    STOPWORDS,
    VOWEL_RE,
    content_words,
    is_english,
    spelling_variants,
    stem_all,
    stems,
    stems_related,
)

# Shared fragments: a number in words, and a proportion ("8 in 10", "2 to 3 in 100", "one in five").
_NUMBER_WORD = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty"
)
_ANY_NUMBER = rf"\d|\b({_NUMBER_WORD}|hundred|dozen|single|percent)\b"
_PROPORTION = (
    rf"\b(\d+|{_NUMBER_WORD})( to \d+)? (in|out of) (every )?"
    r"(\d+|two|three|four|five|six|seven|eight|nine|ten|a hundred)\b"
    # ... or a fraction in words: "a third", "two-thirds", "about half of people", "half the patients".
    r"|\b(a|one|two|three)[- ](third|quarter|fifth)s?\b|\b(about|around|nearly|almost|roughly|over|under) half\b"
    r"|\bhalf (of|the)\b"
)
_UNIT_OF_TIME = r"(seconds?|minutes?|mins?|hours?|nights?|days?|weeks?|months?|years?)"
# A span of time: "a year", "9 to 12 months", "1 to 2 nights", a stay over "the same day" or "overnight", or,
# said of a wait, "a long delay" (a vague span).
_VAGUE_SPAN = r"\blong (delay|time|period|interval)\b"
_DURATION = (
    # ("a 7-month history": the span before a noun is hyphenated.)
    rf"\b(\d+|a|an|one|{_NUMBER_WORD}|several|few|many)( to (\d+|{_NUMBER_WORD}))?[- ]{_UNIT_OF_TIME}\b"
    # ... not an age ("at 3 weeks of age", "3 weeks old", "a 41-year-old man")
    r"(?![- ](of age|old)\b)|\b(the )?same day\b|\bovernight\b|" + _VAGUE_SPAN
)
_SHARE = rf"\d+(\.\d+)?\s*(%|percent)|{_PROPORTION}"
_SCHEDULE = (
    rf"\bevery (\d+ |few |{_NUMBER_WORD} )?{_UNIT_OF_TIME}|\b(once|twice|\d+ times) (a|per|each)\b|"
    r"\b(daily|weekly|monthly|yearly|annually)\b"
)
# A dose: a number with a unit of dose (grays, milligrams, units, becquerels, curies).
_DOSE_RE = re.compile(
    r"\d+(\.\d+)?\s*(c?gy|mg|mcg|µg|g|ml|iu|units?|(centi)?grays?|(milli|micro)?grams?|millilit(er|re)s?|"
    r"[mkµ]?ci|[mkg]?bq|(milli|mega|giga)?(curies?|becquerels?))\b(/\S+)?",
    re.I,
)
# A temperature with its unit: "38°C", "100.4 °F", "39 degrees".
_TEMPERATURE = r"\d\s*°\s*[CF]\b|\b\d+(\.\d+)? degrees\b"
# (North American "555-010-0199", international "+44 ...", or a national number opening with 0: "01632 960418".)
_PHONE = r"\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b|\+\d[\d\s().-]{7,}\d|\b0\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b"
# A level or span of levels in the letter-and-number notation of segments ("below X2", "X6 to Y2").
_LEVEL = r"\b(from|at|below|above|of) [A-Z]\d{1,2}\b|\b[A-Z]\d{1,2}\s*(-|–|to|and)\s*[A-Z]?\d{1,2}\b"
# A statistic of a span of time: "median survival", "mean follow-up", "longest reported interval to metastasis".
_TIME_STATISTIC = (
    r"\b(median|mean|average|longest|shortest|maximum|minimum|max|min)\W+([\w-]+\W+){0,3}?"
    r"(survival|os|pfs|efs|dfs|rfs|interval|time|delay|duration|follow[- ]?up|latency)\b"
)
# A span counted in numbers ("36 months", "from 5 to 16 years", "nine years"), not "many years".
_NUMERIC_DURATION = rf"\b(\d+(\.\d+)?|{_NUMBER_WORD})( ?(to|and|-|–) ?(\d+(\.\d+)?|{_NUMBER_WORD}))? {_UNIT_OF_TIME}\b"
# An age in years, or a baby's in days, weeks or months ("3-month-old", "at 5 days of age", "at birth").
_AGE = (
    r"\b\d+[- ](year|month|week|day)s?[- ]old\b|\baged? \d+|\b\d+ (year|month|week|day)s? (old|of age)\b|"
    r"\bat birth\b|\bin (their|the) (teens|twenties|thirties|forties|\d0s)\b|"
    r"\b(older|younger) than \d+\b|\bages? of \d+|"  # "most are older than 70", "between the ages of 20 and 40"
    r"\bage\b[^.;]{0,40}?\b(was|of|were) \d+ years\b|"  # "the median age at diagnosis was 71 years"
    r"\b\d+ (year|month|week)s? (and|or) (older|younger|over|under|above)\b"  # "children 12 months and older"
)
# An age said with who it is of: "3-year-old boy", "a 71-year-old previously well woman", "woman aged 48".
_PERSON = r"(boy|girl|man|woman|male|female|infant|baby|child|patient)"
_AGE_AND_SEX = rf"\b\d+[- ](year|month|week|day)s?[- ]old( \w+){{0,2}} {_PERSON}\b|\b{_PERSON},? (aged|of) \d+\b"


@dataclass(frozen=True)
class QuestionCue:
    """A question shape (``asks``), the shape of text that answers it (``holds``), and whether the
    answer is narrow (an age, a span of levels: a passage without one does not answer). Times,
    places and figures in general are not narrow: "when it's in the lungs" or "the best chance"
    ask for no time or figure."""

    asks: re.Pattern[str]
    holds: re.Pattern[str]
    narrow: bool = False
    # Whether text without the shape is off the question's kind of answer (padding in a lookup). Not for "What
    # is ...", which opens "What is the outlook for X?" as well as "What is X?".
    kind_of_answer: bool = True


# Whether a treatment is a must: "do they have to operate?", "must she be treated?", "does X always need
# surgery?", "is chemo necessary?".
_TREATMENT_NOUN = r"(surgery|treatment|an operation|an? op|chemo\w*|radiation|radiotherapy)"
ASKS_IF_TREATMENT_NEEDED_RE = re.compile(
    r"\b(have|has|need|needs|needed) to (be )?(operat\w*|treat\w*|remov\w*|cut|"
    rf"(have|do|get|undergo) (it )?({_TREATMENT_NOUN}|it (out|removed)))\b|"
    rf"\b(must|should) (it|they|he|she|we|I) (be )?(operat\w*|treat\w*|remov\w*|have {_TREATMENT_NOUN})\b|"
    rf"\b(does|do|will) ([\w']+ ){{1,2}}(always |definitely |really )?need {_TREATMENT_NOUN}\b|"
    rf"\b(is|are) {_TREATMENT_NOUN} (always |really |definitely )?(necessary|needed|required|a must)\b",
    re.I,
)
# What authors recommend or conclude ("we suggest that imaging be continued for ten years", "in conclusion").
RECOMMENDATION_RE = re.compile(
    r"\b(we (suggest|recommend|advise|propose|conclude)|in conclusion|should (be|therefore|include|continue)|"
    r"must be|is recommended)\b",
    re.I,
)
# What a report says it reports ("we herein present the first case of ...", "a case of ... is reported"): the
# sentence an overview of a case report opens with.
REPORTS_CASE_RE = re.compile(
    r"\bwe (herein |here )?(report|present|describe)\b|\b(is|are) (herein |here )?(reported|presented|described)\b",
    re.I,
)
# A question for the authors' advice or conclusion, not for what was done or found.
ASKS_ADVICE_RE = re.compile(r"\b(recommend\w*|advi[cs]e\w*|suggest\w*|conclu\w*|lessons?|take-?home)\b", re.I)

QUESTION_CUES: list[QuestionCue] = [
    QuestionCue(
        re.compile(r"\b(how old|what age|age of|aged?)\b", re.I),
        re.compile(_AGE, re.I),
        narrow=True,
    ),
    QuestionCue(
        re.compile(r"\b(how many|how much|percent\w*|rate|how old|what age|number|odds|chance)\b", re.I),
        re.compile(_ANY_NUMBER, re.I),
    ),
    # How common: a frequency, in words ("a rare tumor") or figures ("4 per million").
    QuestionCue(
        re.compile(r"\bhow (common|rare|frequent)\b|\b(prevalence|incidence|frequency)\b", re.I),
        re.compile(r"\b(rare|rarer|rarely|uncommon|common|frequent|frequently|per (million|\d+))\b|\d", re.I),
    ),
    QuestionCue(
        re.compile(
            r"\b(how long|when|how soon|how quickly|how fast|duration|interval|timeline)\b|"
            r"\b(years?|months?) (later|after)\b|"  # "come back years after treatment"
            r"\btime (to|until|till|from|between|before)\b",  # "time to lung metastasis", "time from diagnosis"
            re.I,
        ),
        # ... a span or point in time, not an age ("48-year-old") or a survival measure ("5-year").
        re.compile(r"(?<!-)\b(years?|months?|weeks?|days?)\b(?!-)|\b(later|delay|long time)\b", re.I),
    ),
    # "What symptoms did the patient have?": what a case report says its patient came with ("presented
    # with", "complained of"), not a later "the symptoms disappeared". Asked in the past tense: "What
    # symptoms does X cause?" and a nurse's "X presenting sx" ask the condition's page.
    QuestionCue(
        re.compile(
            r"\b(what|which) (symptoms?|complaints?|signs?)\b.*\b(did|had|was|were)\b|"
            r"\bwhat did (he|she|the \w+) present with\b",
            re.I,
        ),
        re.compile(r"\b(presented|presenting|complained|complaining|admitted|referred) (with|of|for|because)\b", re.I),
        narrow=True,
    ),
    # "Who gets it?": who it happens to, said as an age or a group of people ("in a baby", "most often in
    # adults"), not the reader's own child a page addresses throughout ("your child"). Narrow: a passage
    # naming nobody does not answer it.
    QuestionCue(
        re.compile(
            r"\bwho (usually |mostly |typically )?(gets?|is affected|are affected|develops?|is at risk|can get|"
            r"is most likely|are most likely)\b|\b(age groups?|what ages?)\b|"
            # "Can adults get it?", "Do babies get X?": whether a group of people gets it.
            r"\b(can|do|does|could) (adults?|grown-?ups|children|kids|babies|infants|teens|teenagers|older people|"
            r"the elderly|men|women|boys|girls) (get|have|develop)\b",
            re.I,
        ),
        re.compile(
            r"(?<!your )\b(bab(y|ies)|infants?|newborns?|toddlers?|child(ren|hood)?|adolescen\w*|teen\w*|"
            r"young (people|adults?)|adults?|older (people|adults)|elderly|men|women|males?|females?)\b|" + _AGE,
            re.I,
        ),
        narrow=True,
    ),
    QuestionCue(
        re.compile(r"\b(why|cause[sd]?|causing|reason|genetic|inherit\w*|hereditary)\b", re.I),
        re.compile(r"\b(because|caus\w+|genes?|genetic|due to|link\w*|inherit\w*|risk)\b", re.I),
    ),
    # "Can radiation cause it?": whether a thing causes the condition is answered by a sentence saying what causes
    # it or raises its risk, not by one that only names the thing ("radiation is given after surgery"). (Not
    # "Can X cause a cough?", which asks what the condition does.)
    QuestionCue(
        re.compile(
            r"^\W*(can|could|does|do|did|will|might|may)\b.*\b(cause|lead to|trigger|raise the risk of)\s+"
            r"(it|this|that|them|\w*(oma|omas|cancers?|tumou?rs?))\b",
            re.I,
        ),
        re.compile(r"\b(caus\w+|risk\w*|linked?|due to|because|leads? to|trigger\w*)\b", re.I),
        narrow=True,
    ),
    QuestionCue(
        re.compile(
            r"\bwhere\b|\bwhich (\w+ )?(part|parts|bones?|organs?|levels?|sites?|area)\b|\b(locations?|sites)\b", re.I
        ),
        # Where-answers by their shape: a verb of place with a preposition, perhaps with how often between
        # ("found most often in"), or a span of levels ("X6 to Y2").
        re.compile(
            r"\b(found|starts?|started|grows?|located|aris\w+|occur\w*|originat\w+|develop\w*|spread\w*|"
            r"involv\w+)(\s+(most|more|less|usually|often|mostly|mainly|commonly|typically|generally|also|"
            r"sometimes|frequently|rarely|\w+ly)){0,2}\s+(in|from|to|at|into|within|near|on)\b|"
            # ... or a growth named with its place ("a 12 cm sarcoma in the posterior compartment of the thigh", "an
            # adamantinoma of the left tibia").
            r"\b(mass|lump|lesion|tumou?r|nodule|swelling|\w{3,}omas?)\s+(in|of|on|within|involving) the\b|" + _LEVEL,
            re.I,
        ),
    ),
    # What the authors recommend or conclude: their sentence of advice or conclusion (an abstract without
    # a "Conclusions" label says it in words: "we suggest ...", "in conclusion").
    QuestionCue(ASKS_ADVICE_RE, RECOMMENDATION_RE),
    # Which levels or segments: answered by a span of level codes ("X6 to Y2", "X5-X7").
    QuestionCue(
        re.compile(rf"\b({LEVEL_WORDS})\b", re.I),
        re.compile(_LEVEL),
        narrow=True,
    ),
    QuestionCue(
        re.compile(r"^\s*(what('s| is| are)|define|meaning of|what does .* (stand for|mean))\b", re.I),
        re.compile(r"\b(is|are) (a|an|the)\b|\([A-Z]{2,6}\)|\bcalled\b"),
        kind_of_answer=False,
    ),
    QuestionCue(
        re.compile(r"\b(treat\w*|therapy|options?|manage\w*|surgery|cure)\b", re.I),
        # ... or, in a case's story, what was done ("underwent amputation", "was resected").
        re.compile(
            r"\b(treat\w*|therapy|surgery|surgical|removal|radiation|chemotherapy|radiotherapy|underwent|"
            r"amputation|resection|excision|resected|excised|removed|medicines?|drugs?)\b",
            re.I,
        ),
    ),
    # "Do they have to operate?", "Does it need treatment?": whether a treatment is a must is answered by the
    # course the page offers instead ("keeping an eye on it instead of treating it straight away"), not by the
    # treatment's own description, which every such question also matches; the treatment may follow it.
    QuestionCue(
        ASKS_IF_TREATMENT_NEEDED_RE,
        re.compile(
            r"\b(instead of|rather than) (\w+ ){0,2}(treat\w*|surgery|operat\w*|removing|an operation)\b|"
            r"\b(watch(ful)?[- ](and[- ])?wait\w*|active (monitoring|surveillance)|keep(ing)? an eye on)\b|"
            r"\b(may|might|does|do|will) not (always |usually )?need (any )?(treatment|surgery|an operation)\b",
            re.I,
        ),
    ),
    # A named drug's regimen ("X denosumab regimen", "imatinib dosing", "how often is it given"): its doses, days and
    # intervals ("120 mg on days 1, 8, 15 and 29 and every 4 weeks"). (A follow-up "schedule" is of visits.)
    QuestionCue(
        re.compile(
            # (The regimen's word first: the drug names are looked for only in a question that has it.)
            rf"^(?=.*\b(regimens?|dosing|dose schedules?)\b)(?=.*{DRUG_NAME})|"
            r"\bhow often (is|are|was|were) (it|they|\w+) given\b",
            re.I,
        ),
        re.compile(rf"{_DOSE_RE.pattern}|{_SCHEDULE}|\bdays? \d+(, \d+)*( and \d+)?\b", re.I),
        narrow=True,
    ),
    # ... and a regimen of no drug named ("X chemo regimen"): the drugs it is made of, or their doses and days.
    QuestionCue(
        re.compile(rf"^(?=.*\b(regimens?|dosing)\b)(?!.*{DRUG_NAME})", re.I),
        re.compile(rf"{DRUG_NAME}|{_DOSE_RE.pattern}|{_SCHEDULE}", re.I),
        narrow=True,
    ),
    # How a patient was doing, or the outcome: a case report's last word on its patient ("at 30 months she
    # had no evidence of disease").
    QuestionCue(
        re.compile(
            # ("How was she?", "how is he doing now?", "how did she do?"; not "How were they removed?")
            r"\bhow (is|was|are|were) (she|he|they|the patient|the child|the boy|the girl|the woman|the man)"
            r"( doing| now| today| after\w*| at (the )?(last |latest |final |end of )?follow[- ]?up)*\W*$|"
            r"\bhow did (she|he|they|the patient|the child|the boy|the girl|the woman|the man) "
            r"(do|get on|fare|recover)\b|"
            r"\b(outcome|status|doing now|at (the )?(last|latest|final|end of) follow[- ]?up)\b",
            re.I,
        ),
        re.compile(
            r"\b(no evidence of (disease|recurrence)|free of disease|disease[- ]free|alive|was well|is well|"
            r"doing well|died|recurrence[- ]free|without (\w+ )?(recurrence|relapse))\b|\bat \d+ (months|years)\b",
            re.I,
        ),
        narrow=True,
    ),
    # Someone to turn to: a number to call, a line, an address or a person's service ("Our support workers can talk
    # through your worries", "Call 555-0100"), not what the page says of the condition.
    QuestionCue(
        ASKS_CONTACT_RE,
        re.compile(
            rf"{_PHONE}|\b\d{{3}}[-. ]\d{{4}}\b|@|\b(call|ring|phone|e-?mail|help ?line|support line|hotline|"
            r"contact|talk (to|through)|speak to|forum|support workers?)\b",
            re.I,
        ),
        narrow=True,
    ),
    QuestionCue(
        re.compile(r"\b(diagnos\w*|tests?|scans?|imaging|biopsy|detect\w*)\b", re.I),
        re.compile(r"\b(diagnos\w+|biopsy|imaging|x-rays?|mri|scan|examination|tests?)\b", re.I),
    ),
]

# A nurse's terse question for an age: "age/sex", "age and sex", "patient age", "age at diagnosis" (not "does
# age matter?", which asks about age as a factor).
_TERSE_AGE = (
    r"\bage ?(/|and|&) ?(sex|gender)\b|\b(sex|gender) ?(/|and|&) ?age\b|\bpatients?'?s? age\b|"
    r"\bage (at|of) (diagnosis|dx|presentation|onset)\b"
)

# What a dose is asked of: the word before "dose" ("nirogacestat dose", "what vitamin D dose"; past the dose's own
# adjectives, "doxorubicin cumulative dose"), or after "dose of". A treatment's general word ("RT dose", "chemo dose")
# names no one drug.
_DOSED_BEFORE_RE = re.compile(
    r"\b(?P<before>[\w-]+(?: [A-Z0-9]\b)?) (?:(?:usual|daily|total|cumulative|starting|max|maximum|recommended|"
    r"standard|weekly|loading|maintenance|typical) )*(?i:dose|doses|dosage|dosing)\b"
)
_DOSED_AFTER_RE = re.compile(
    r"\b(?i:dose|doses|dosage|dosing) (?:of|for) (?i:(?:the|adjuvant|neoadjuvant|oral|intravenous|iv|maintenance) )*"
    r"(?P<after>[\w-]+(?: [A-Z0-9]\b)?)"
)
_UNCOMMON_WORD_RE = re.compile(r"\b[A-Za-z]{6,}\b")
_GENERAL_TREATMENT_WORDS = frozenset(
    "what which the a usual therapy treatment treatments chemo chemotherapy radiation radiotherapy rt drug drugs "
    "medicine medicines medication pill tablet proton photon "
    # ... nor does a word comparing doses or pointing at one: "the same dose for both", "his dose".
    "same different right correct normal higher lower full both either each every any this that these those his her "
    "their my your its".split()
)
DOSE_NEAR_WORDS = 6  # a dose is written beside its drug: "denosumab 120 mg", "imatinib 400 mg once a day"


_DOSE_COUNT_RE = re.compile(rf"\d+|a|an|one|single|each|every|{_NUMBER_WORD}", re.I)


# A drug listed before another whose dose is asked: "zrtnb + glom doses", "zerotinib and glomatuzumab dose".
_DOSED_LIST_RE = re.compile(r"\b([\w-]+)\s*(?:\+|&|/|,|\band\b)\s*([\w-]+) (?i:dose|doses|dosage|dosing)\b")


def _shortened_name(typed: str) -> str:
    """A pattern for the name ``typed`` begins, or, typed with no vowel, whose letters it gives in order."""
    if VOWEL_RE.search(typed) or not typed.isalpha():
        return rf"\b{re.escape(typed)}\w*"
    return r"\b" + "[a-z]*".join(re.escape(c) for c in typed) + r"[a-z]*"


def dose_of_another(question: str, text: str) -> str | None:
    """Why the doses ``text`` gives do not answer a dose asked of one thing: each stands beside another drug's
    name ("... denosumab 120 mg ..., with daily oral calcium and vitamin D" asked for the vitamin D dose; "| Sorafenib
    | 400 mg once a day |" asked for methotrexate's), or None. A dose beside no drug's name may be the asked one's
    ("It is stopped at a total of 375 mg/m²" after a sentence naming it; "the usual dose for adults is 400 mg")."""
    if not _ASKS_DOSE_RE.search(question):  # ("he can have one dose of X or just checks": no dose asked)
        return None
    # (The first thing named that is no general word: "What dose of adjuvant zerotinib" is zerotinib's.)
    named_things = [m.group("before") for m in _DOSED_BEFORE_RE.finditer(question)]
    named_things += [m.group("after") for m in _DOSED_AFTER_RE.finditer(question)]
    # (Nor a count of doses: "one dose of X" is X's.)
    thing = next(
        (t for t in named_things if t.lower() not in _GENERAL_TREATMENT_WORDS and not _DOSE_COUNT_RE.fullmatch(t)),
        None,
    )
    if thing is None:
        return None
    # (Its name may be cut short, as nurses shorten a drug's: "glom" is glomatuzumab's first letters, "zrtnb" with no
    # vowel zerotinib's letters in order; and a dose asked of two, "zrtnb + glom doses", is either's.)
    listed = [m.group(1) for m in _DOSED_LIST_RE.finditer(question) if m.group(2) == thing]
    named = re.compile("|".join(_shortened_name(t) for t in [thing, *listed]), re.I)
    # (A dose in grays is radiation's, never a drug's: "23.4 Gy to the whole brain" is no dose of zerotinib. Of a thing
    # not named as a drug, "boost dose", it may be.)
    radiation = re.compile(r"c?gy|(centi)?grays?" if DRUG_NAME_RE.fullmatch(thing) else r"(?!)", re.I)
    doses = 0
    # (Each sentence, or table row, on its own; a list stays whole with its lead, "How X is given: - 120 mg ...",
    # and a row with its cells, "| X | 150 mg twice a day |".)
    for part in re.split(r"(?<!\d)\.(?!\d)|;", text):
        things = [len(part[: m.start()].split()) for m in named.finditer(part)]
        drugs = [len(part[: m.start()].split()) for m in DRUG_NAME_RE.finditer(part) if not named.fullmatch(m.group(0))]
        # A drug named by its INN earlier in a sentence that never names the asked one is what its dose is of, however
        # many words stand between: "For MGA, methotrexate is taken by mouth as tablets, 10 mg to 25 mg ...".
        first_drug = min(drugs, default=None) if not things else None
        # ... or a word no English word list has, which names a drug (or what it is given for) by no common suffix:
        # "glomasevel 800 mg" is no dose of zerotinib.
        drugs += [
            len(part[: m.start()].split())
            for m in _UNCOMMON_WORD_RE.finditer(part)
            if not is_english(m.group(0)) and not named.fullmatch(m.group(0))
        ]
        found = list(_DOSE_RE.finditer(part))
        given = [m for m in found if not radiation.fullmatch(m.group(2))]
        doses += len(given) < len(found)
        for dose in (len(part[: m.start()].split()) for m in given):
            doses += 1
            if any(abs(dose - at) <= DOSE_NEAR_WORDS for at in things):
                return None
            if not any(abs(dose - at) <= DOSE_NEAR_WORDS for at in drugs) and not (
                first_drug is not None and first_drug < dose
            ):
                return None
    return f"the doses the evidence gives are of other drugs than {thing}" if doses else None


# A question asking for a dose.
# (Not doses that only mark a time: "how long are they monitored after the first doses?"; nor a count of doses told
# or weighed, "he can have one dose of X", "after two doses": how many, not how much.)
_ASKS_DOSE_RE = re.compile(
    r"^(?!.*\b(after|before|between|following|since|with) (the |each |every |his |her |their |your |my )?"
    r"(first |last |next |later |early |\w+ )?doses?\b)"
    rf"(?!(?:(?!\b(?:dose|doses|dosage|dosing)\b).)*\b(?:one|a|single|{_NUMBER_WORD}|\d+) doses? of\b"
    r"(?!.*\b(?:dose|doses|dosage|dosing)\b))"
    r".*\b(dose|doses|dosage|dosing)\b",
    re.I,
)


# Questions that can only be answered with a figure of a kind: (question pattern, what the evidence
# must then contain).
FIGURE_REQUIREMENTS: list[tuple[re.Pattern[str], re.Pattern[str], str]] = [
    (
        re.compile(
            # (Not a statistic of a span: "median survival" is a number of months, not a share.)
            rf"^(?!.*{_TIME_STATISTIC}).*?(?:"
            r"\b(percent\w*|%|survival|(success|cure|recurrence|death|mortality) rates?|odds|proportions?)\b"
            # ... and survival in a nurse's notation: "5-yr OS", "10-year PFS" (overall, progression-, event-,
            # disease- or recurrence-free survival).
            r"|\b\d+[- ]?(y|yr|year)s?\s+(os|pfs|efs|dfs|rfs)\b)",
            re.I,
        ),
        re.compile(_SHARE, re.I),
        "a figure",
    ),
    # "What fraction of patients": a share. ("How many fractions", "number of fractions", "RT dose and fractions":
    # radiotherapy sessions, counted, not a share.)
    (
        re.compile(
            r"^(?!.*\b(dose|doses|gy|rt|radiation|radiotherapy|proton|sessions?)\b).*(?<!number of )(?<!how many )"
            r"\bfractions?\b",
            re.I,
        ),
        re.compile(_SHARE, re.I),
        "a figure",
    ),
    # A statistic of a span ("median survival", "longest interval to metastasis") is a number of units of time
    # ("36 months", "5 to 16 years"), not "many years".
    (re.compile(_TIME_STATISTIC, re.I), re.compile(_NUMERIC_DURATION, re.I), "a span of time"),
    # Life expectancy is a span of years or a share alive after one ("most live 10 years or more", "8 in 10").
    (
        re.compile(
            r"\blife (expectancy|span)\b|\blifespan\b|\bhow long (will|would|can|do|does) \w+ (live|survive)\b", re.I
        ),
        re.compile(rf"{_NUMERIC_DURATION}|{_SHARE}", re.I),
        "a figure",
    ),
    # An age asked for ("how old", "at what age", "typical age") is a number of years, not "children".
    (
        re.compile(r"\b(how old|what age|typical age|age range|average age|median age)\b|" + _TERSE_AGE, re.I),
        re.compile(_AGE, re.I),
        "an age",
    ),
    # "case age/sex": one patient's age with who they are ("a previously healthy 3-year-old boy"), not another
    # person's age in the same report ("his mother ... at 19 years of age").
    (
        re.compile(r"\b(age|sex|gender) ?(/|and|&) ?(sex|gender|age)\b", re.I),
        re.compile(_AGE_AND_SEX, re.I),
        "an age and sex",
    ),
    (re.compile(r"\b(how many|how much|number of)\b", re.I), re.compile(_ANY_NUMBER, re.I), "a number"),
    # A price is an amount of money, not any number ("1 to 2 out of every 100" is no cost).
    (
        re.compile(r"\b(cost|costs|price|expensive|afford)\b", re.I),
        re.compile(r"[$€£¥]\s?\d|\b\d[\d,.]*\s?(dollars?|euros?|pounds?|usd|eur|gbp)\b", re.I),
        "a cost",
    ),
    # A size is a measurement ("2 to 3 centimeters"), not a count or a word like "large".
    (
        # (... or a question that ends on the size it asks for: "case tumour size", "What was its size?"; not
        # "Does size matter?", "Can it grow in size?", "Is the outlook related to size?")
        re.compile(
            r"\b(how big|how large|what size|centimet(er|re)s?|millimet(er|re)s?|inches)\b"
            # "What was the (tumour's maximum) size?", or a few words with no verb ("case tumour size", "Size?").
            r"|^\W*what(?:'s|s| is| was| were| are)\b[^?]*\b(sizes?|dimensions)\W*$"
            r"|^\W*(?!.*\b(?:does|do|did|can|could|will|would|is|are|was|vary|varies|depends?|reduces?|affects?|"
            r"matters?|related|grows?|shrinks?|changes?|vs|versus|with|by|in|on|to)\b)(?:[\w'’-]+\s+){0,5}"
            r"(sizes?|dimensions)\W*$",
            re.I,
        ),
        re.compile(r"\b\d+(\.\d+)?(\s?(to|-|–)\s?\d+(\.\d+)?)?\s?(cm|mm|centimet\w*|millimet\w*|inch\w*)\b", re.I),
        "a size",
    ),
    # "How long", "how soon": a span of time ("a year", "9 to 12 months"), not "a long time".
    (
        re.compile(
            r"\bhow (long|soon)\b|\b(timeline|time ?frame|time course|interval|duration)s?\b|\btime (to|until|till)\b",
            re.I,
        ),
        re.compile(_DURATION, re.I),
        "a span of time",
    ),
    # "How often": a share of cases ("2 to 3 in 100", "10%") or a schedule ("every 6 months").
    (re.compile(r"\bhow often\b", re.I), re.compile(rf"{_SHARE}|{_SCHEDULE}", re.I), "how often"),
    # "Which drugs": drug names (international nonproprietary names end in their class's stem), not
    # "chemotherapy may be part of treatment".
    (
        # ("What chemo regimen": the drugs it combines, not "surgery, chemotherapy and/or radiotherapy".)
        re.compile(
            r"\b(which|what)( \w+)? (drugs|medicines|medications|agents)\b|^\W*which drugs\b"
            r"|\b(which|what)( \w+){0,2} (regimens?|drug combinations?)\b",
            re.I,
        ),
        DRUG_NAME_RE,
        "drug names",
    ),
    (
        re.compile(
            r"\b(phone|telephone) numbers?\b|\bnumber to (call|book|ring)\b|\bappointments? (phone )?number\b|"
            # "what's the number for the clinic to make an appointment"
            r"\bnumber (for|of) [\w' ]{1,40}? to (call|book|make|schedule|get)\b",
            re.I,
        ),
        re.compile(_PHONE),
        "a phone number",
    ),
    # A hazard or odds ratio is a ratio written with its abbreviation ("HR 2.41; 95% CI 1.32-4.40"), not a share.
    (
        re.compile(r"\b(hazard|odds) ratios?\b|\brelative risks?\b", re.I),
        # (... its abbreviation may stand between in brackets: "hazard ratio [HR] 0.61", "odds ratio (OR), 2.1".)
        re.compile(
            r"\b(a?HR|a?OR|RR|hazard ratio|odds ratio|relative risk)\b\s*([\[(]\s*(a?HR|a?OR|RR)\s*[\])])?"
            r"\s*(of|was|=|:|,)?\s*\d",
            re.I,
        ),
        "a hazard or odds ratio",
    ),
    # What an operation report measures: blood lost is a volume ("about 800 mL"), the operation's length a time
    # ("4 hours 20 minutes"), not the story around them.
    (
        re.compile(r"\b(blood loss|lost blood|how much blood)\b", re.I),
        re.compile(r"\b\d[\d,.]*\s*(ml|mls|millilit(er|re)s?|lit(er|re)s?|l|cc|units?)\b", re.I),
        "an amount of blood",
    ),
    (
        re.compile(r"\b(operative|operating|surgical|anesthesia|anaesthesia) (time|duration)\b", re.I),
        re.compile(_NUMERIC_DURATION, re.I),
        "a span of time",
    ),
    # "What temp is too high?", "how high a fever": a temperature, said with its unit ("100.4°F (38°C)").
    (
        re.compile(
            r"\b(what|which|at what) (temp|temps|temperature|temperatures)\b|\bhow high (a |of a )?(fever|temp\w*)\b"
            # ... or a nurse's keywords for the cut-off: "chemo fever threshold", "fever cut-off temp".
            r"|\b(fever|temp|temperature)s? (threshold|cut-?off|limit)s?\b",
            re.I,
        ),
        re.compile(_TEMPERATURE, re.I),
        "a temperature",
    ),
    # Incidence and prevalence are rates of new and existing cases: figures ("4 per million a year").
    (re.compile(r"\b(incidence|prevalence)\b", re.I), re.compile(_ANY_NUMBER, re.I), "a figure"),
    # A dose is a number with a unit of dose (grays, milligrams, units, becquerels), not any number.
    (
        _ASKS_DOSE_RE,
        _DOSE_RE,
        "a dose",
    ),
]
# A sentence giving another value of what the one before gave ("Some people take 800mg a day.", "A lower dose
# is sometimes used").
ALTERNATIVE_RE = re.compile(
    r"\W*(some|others?|alternatively|otherwise|instead|a (lower|higher|smaller|larger|shorter|longer))\b", re.I
)
# "How many earlier cases ...", "number of prior cases": the counted noun is among the next few words, after any
# adjectives.
HOW_MANY_RE = re.compile(r"\b(?:how many|how much|(?:the )?number of) ((?:[a-z-]+\W+){0,2}[a-z-]+)", re.I)
# (An age, "48-year-old", counts no years.)
_COUNT_RE = re.compile(
    # The words after the number are looked at, not consumed: "in 2008 and presented nine years later" has
    # two numbers, and the second one counts the years.
    rf"\b(\d+|{_NUMBER_WORD}|dozen)\b(?![- ](?:year|month|week|day)s?[- ]old)(?=((?:\W+\w+){{1,3}}))",
    re.I,
)
# A year as a date says so by what stands before it ("to March 2020 for cohort studies", "in 2008 and ..."); "1998
# children" counts children.
_DATE_BEFORE_RE = re.compile(
    r"\b(in|since|from|to|until|till|between|and|by|of|during|before|after|early|late|mid|"
    r"january|february|march|april|may|june|july|august|september|october|november|december)\W*$",
    re.I,
)


def _is_date_year(text: str, match: re.Match[str]) -> bool:
    """Whether a number the count pattern found is a year written as a date, which counts nothing."""
    return bool(re.fullmatch(r"(19|20)\d\d", match.group(1))) and bool(_DATE_BEFORE_RE.search(text[: match.start()]))


# A share's whole says so too: "4 out of every 5 patients", "1 in every 100 children", "per 1,000 people" count no
# patients, children or people; they say how many of them.
_WHOLE_OF_SHARE_RE = re.compile(r"\b(?:out of(?: every)?|in every|every|per)\W*$", re.I)


# A numbered run of units, as a schedule or a phase table writes it: "Weeks 1–10", "cycles 7 to 14".
_NUMBERED_RUN_RE = re.compile(r"\b((?:week|month|day|cycle|course|year)s?)\s+\d+\s*(?:[–-]|to)\s*\d+\b", re.I)


def counts_something(text: str, match: re.Match[str]) -> bool:
    """Whether a number the count pattern found counts the words after it: not a year written as a date, nor the
    whole of a share, nor a label's value ("grade 3 tumours")."""
    return (
        not _is_date_year(text, match)
        and not _WHOLE_OF_SHARE_RE.search(text[: match.start()])
        and not _LABEL_BEFORE_RE.search(text[: match.start()])
    )


_PROPORTION_RE = re.compile(_PROPORTION, re.I)
# "How many X are grade 3", "how many children survive": a share of a population is asked for (not "how many get
# it each year", a count of new cases).
_SHARE_OF_POPULATION_RE = re.compile(
    r"^(?!.*\b(?:(?:each|every|a|per) year|annually|diagnosed)\b).*"
    r"\bhow many (?:[\w-]+ ){0,2}?(?:people|persons|patients|children|kids|adults|men|women|cases|tumou?rs|cancers|"
    # ("how many kids actually respond": an adverb, however spelt, may stand before the verb)
    r"\w+omas)\s+(?:\w+ly\s+)?(?:are|were|have|had|survive|die|respond|recover|relapse|live|do)\b",
    re.I,
)
# A label a number is the value of ("Grade 3 meningiomas", "stage 2 tumours"): the number names, it counts nothing.
_LABEL_BEFORE_RE = re.compile(r"\b(group|stage|type|grade|class|level|phase|step|cycle|day|week|year)\s*$", re.I)


# "How many similar cases were there?", "cases like this": words that liken the counted thing to the one spoken of
# say nothing a figure must be said of ("seven previously reported cases" counts them).
LIKENESS_WORDS = frozenset({"similar", "such", "comparable", "like"})
TIME_ADVERBS = frozenset({"later", "earlier", "ago", "before", "after", "afterwards", "since"})
NUMBER_WORDS = {str(n): w for n, w in enumerate(f"zero {_NUMBER_WORD.replace('|', ' ')}".split())}
DIGITS = {word: digits for digits, word in NUMBER_WORDS.items()}  # "five" -> "5"
UNIT_FORMS = {"y": "(y|yr|year)", "yr": "(yr|year)", "year": "(yr|year)", "%": "(%|percent)", "percent": "(%|percent)"}
# (Not an age the question gives of its person, "my 15 yr old son": who is asked about, not a figure asked for; nor a
# time it tells, "taken out 2 years ago".)
QUESTION_NUMBER_RE = re.compile(
    r"\b(\d+)(?=[- ]?(y|yr|year|month|week|day|percent|%|cm)s?\b)"
    r"(?![- ]?(?:y|yr|year|month|week|day)s?(?:[- ]old| ago)\b)",
    re.I,
)


# A rate of something is a figure said of that thing: a survival figure talks of surviving or being
# alive, a recurrence figure of coming back. (The rate's noun in the question, what its figure must be about.)
RATE_SUBJECTS: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    # (... or its abbreviation: "median OS was 31 months", "5-year PFS"; asked so too: "what was the 5-year OS".)
    (
        re.compile(r"\bsurviv\w*|(?-i:\b(OS|PFS|EFS|DFS|RFS)\b)", re.I),
        re.compile(r"\b(surviv\w*|alive|living|cured?)\b|(?-i:\b(OS|PFS|EFS|DFS|RFS)\b)", re.I),
    ),
    # Life expectancy is how long people live: a figure of living or surviving, not of how common a grade is.
    (
        re.compile(r"\blife ?(expectancy|span)\b|\bhow long (will|would|can|do|does) \w+ live\b", re.I),
        re.compile(r"\b(surviv\w*|alive|living|lives?|die[sd]?|death)\b", re.I),
    ),
    (re.compile(r"\bcure (rate|rates)\b", re.I), re.compile(r"\b(cur(e|ed|es)|surviv\w*|alive)\b", re.I)),
    (
        re.compile(r"\b(recurrence|relapse) rates?\b", re.I),
        re.compile(r"\b(recur\w*|relapse\w*|(come|comes|came|grow|grows|grew) back|return\w*)\b", re.I),
    ),
    # Incidence and prevalence: how many people have or get it, per head or per year, or its share of all
    # tumours of a kind ("0.03% of all tumors").
    (
        re.compile(r"\b(incidence|prevalence)\b", re.I),
        re.compile(
            r"\bper (\d|a |one |hundred|thousand|million)|\b(each|a|per|every) year\b|\bnew cases\b|"
            r"(%|\bpercent) of all\b|\b(out of|in) every \d",  # "1 to 2 out of every 100 sarcomas"
            re.I,
        ),
    ),
    (
        re.compile(r"\b(death|mortality) rates?\b", re.I),
        re.compile(r"\b(die[sd]?|death|dying|mortality|fatal)\b", re.I),
    ),
    # A hospital stay is a time in hospital ("home after 5 days"), not the year a limb takes to recover; or none ("given
    # as a day patient", "as an outpatient").
    (
        re.compile(r"\b(in (the )?hospital|hospital stay|stay in (the )?hospital|length of stay)\b", re.I),
        re.compile(
            r"\b(hospital\w*|discharg\w*|inpatient|outpatients?|day (patients?|case)|overnight|go(es|ing)? home|"
            r"stay)\b",
            re.I,
        ),
    ),
]


@lru_cache(maxsize=1 << 14)  # a pure function of its text, asked of the same candidates again and again
def asks_for_figure(question: str) -> bool:
    """True when the question can only be answered with a figure (a rate, an age, a count)."""
    return any(asks.search(question) for asks, _, _ in FIGURE_REQUIREMENTS)


_VAGUE_DURATION = re.compile(_VAGUE_SPAN, re.I)


def vague_duration_sentences(question: str, text: str) -> tuple[list[str], set[str]] | None:
    """For a "how long" question whose only answer in ``text`` is a vague span ("for a long time"): the
    sentences saying it, and the question's words that ask for the span ("how", "long"). None when the
    question asks no span, or ``text`` gives one in numbers ("9 to 12 months")."""
    asks = re.search(r"\bhow (long|soon)\b", question, re.I)
    if not asks:
        return None
    sentences = re.split(r"(?<=[.!?;])\s+", text)
    if any(re.search(_DURATION, s, re.I) and not _VAGUE_DURATION.search(s) for s in sentences):
        return None
    return [s for s in sentences if _VAGUE_DURATION.search(s)], {"how", asks.group(1).lower()}


def figure_asked(question: str) -> str:
    """What kind of figure a question asks for, in words ("an age", "a phone number")."""
    return next((what for asks, _, what in FIGURE_REQUIREMENTS if asks.search(question)), "the figure asked for")


# How a figure compares with a limit ("what temp is too high"): words of the figure asked for, not things it is of.
THRESHOLD_WORDS = frozenset({"high", "higher", "highest", "low", "lower", "lowest"})
# "Which drugs": the kind of figure asked for (drug names), not a thing the names must be said of.
DRUG_WORDS = frozenset({"drug", "drugs", "medicine", "medicines", "medication", "medications", "agent", "agents"})


def is_figure_word(word: str) -> bool:
    """A question word that asks for a figure's shape ("rate", "percent", "5", "yr"), not for a thing
    ("survival", "dose" and "cost" are things a passage must speak of)."""
    return (
        word[:1].isdigit()
        or word.lower() in THRESHOLD_WORDS
        or word.lower() in DRUG_WORDS
        or word in UNIT_FORMS
        or bool(re.fullmatch(_UNIT_OF_TIME, word, re.I))  # "how many months": the figure's unit, no thing
        or any(asks.fullmatch(word) for asks, _ in SHAPE_WORDS)
    )


# Two forms of the counted word share at least this many first letters of their stems ("how many ovarian
# sites" is counted by "both ovaries": "ovarian" / "ovari"); the same reach as Settings.related_stem_min_chars.
COUNTED_STEM_MIN_SHARED = 5


def _counts(things: set[str], counted: str) -> bool:
    """Whether the words after a number (``counted``) are a form of the thing asked to be counted."""
    return any(stems_related(a, b, COUNTED_STEM_MIN_SHARED) for a in things for b in stems(counted))


@lru_cache(maxsize=1 << 14)  # a pure function of its text, asked of the same candidates again and again
def figure_gap(question: str, text: str) -> str | None:
    """Why ``text`` lacks the figure ``question`` asks for, or None when it holds it (or none is asked)."""
    for asks, needs, what in FIGURE_REQUIREMENTS:
        if asks.search(question) and not needs.search(text):
            return f"the question asks for {what}; the evidence gives none"
    if gap := dose_of_another(question, text):
        return gap
    for rate, subject in RATE_SUBJECTS:
        if (asked := rate.search(question)) and not subject.search(text):
            return f"the question asks for a {asked.group(0)} figure; the evidence's is of something else"
    # "How many weeks/cycles/cases ...": a number must count that very thing. ("How much zerocaptin was she on" asks an
    # amount, which a dose gives: "zerocaptin 100 micrograms".)
    counted = HOW_MANY_RE.search(question)
    if counted and counted.group(0).lower().startswith("how much") and _DOSE_RE.search(text):
        counted = None
    if counted:
        # The counted thing is the head of the noun phrase: its last word before a function word
        # ("how many earlier cases of ...", "how many X patients has ...").
        phrase: list[str] = []
        for typed in counted.group(1).lower().split():
            word = typed.rstrip(",;:")
            # "how many years later", "how many years passed": the years are counted ("how many earlier
            # cases": the cases)
            if (
                word in STOPWORDS
                or (phrase and word in LIKENESS_WORDS)  # ("cases like this": the cases)
                or (phrase and (word in TIME_ADVERBS or re.fullmatch(_UNIT_OF_TIME, phrase[-1])))
            ):
                break
            phrase.append(word)
            if word != typed:  # (the list's next item is another ask: "number of sessions, interval")
                break
        head = phrase[-1] if phrase else ""
        things = set(stem_all([head])) | set(stem_all(content_words(LAY_TERMS.get(head, "")))) if head else set()
        counts = [m for m in _COUNT_RE.finditer(text) if counts_something(text, m)]
        # (A proportion counts a share of a population asked about: "how many meningiomas are grade 3": "fewer than
        # 2 in 100"; not weeks or sessions.)
        share = bool(_SHARE_OF_POPULATION_RE.search(question)) and bool(_PROPORTION_RE.search(text))
        # (A numbered run counts its units too: "Weeks 1–10" is ten weeks, "cycles 7–14" eight cycles.)
        numbered = any(_counts(things, run.group(1)) for run in _NUMBERED_RUN_RE.finditer(text))
        if things and not any(_counts(things, match.group(2)) for match in counts) and not share and not numbered:
            return f"the question asks how many {' '.join(phrase)}; the evidence counts none"
    return missing_number(question, text)


_CHILD_GROUP_RE, _ADULT_GROUP_RE = AGE_GROUP_RES["children"], AGE_GROUP_RES["adults"]
# A word asking of age ("how old", "older adults"): of the person, not a thing a passage must speak of.
AGE_WORD_RE = re.compile(r"\b(?:age|ages|aged|old|older|younger)\b", re.I)
_SENTENCE_OR_LINE_RE = re.compile(r"(?<=[.!?])\s+|\n")
_ANY_NUMBER_RE = re.compile(_ANY_NUMBER, re.I)
# An age given of a person: "a 9 year old", "my 15-yr-old", "I'm 27", "my mum is 79" (not "the tumour is 5 cm").
_PERSON_AGE_RE = re.compile(
    r"\b(\d{1,3})[- ]?(?:y|yrs?|years?)[- ]old\b|"
    r"\b(?:i'?m|i am|(?:he|she|son|daughter|child|kid|boy|girl|mum|mom|mother|dad|father|wife|husband|partner) is) "
    r"(\d{1,3})\b(?![.,]?\d|\s*(?:cm|mm|%|percent|kg|mg|weeks?|days?|months?))",
    re.I,
)
# A question about how a person's illness will go: "what are his chances", "her outlook", "the prognosis".
_ASKS_OUTLOOK_RE = re.compile(r"\b(chances|odds|outlook|prognosis)\b", re.I)


def asked_age_group(question: str) -> str | None:
    """ "children" or "adults" when the question asks of one age group only, by its words or a person's age."""
    # A person's own age says whom the question is of; group words beside it may be a comparison ("my son is 16, is
    # his treatment the same as for adults?").
    ages = {
        "children" if int(m.group(1) or m.group(2)) < ADULT_AGE else "adults" for m in _PERSON_AGE_RE.finditer(question)
    }
    if len(ages) == 1:
        return ages.pop()
    groups = set()
    if _CHILD_GROUP_RE.search(question):
        groups.add("children")
    if _ADULT_GROUP_RE.search(question):
        groups.add("adults")
    return groups.pop() if len(groups) == 1 else None


# Where a question's clauses part: "..., and what is ...", "...; how long ...".
_CLAUSE_SPLIT_RE = re.compile(r"[,;]\s*(?:and\s+|but\s+)?|\?\s*|\s+and\s+(?=what|how|which|when|is|are|does|do)\b")


def other_age_group(question: str, text: str, written_for: str | None = None) -> tuple[str, str] | None:
    """(the group ``text`` gives figures for, the group asked of) when they differ: "the usual dose for adults" asked
    for a 9-year-old; survival "of children and teens" asked of adults; or, when its figures name no group, the one
    its documents are ``written_for`` ("0.1 mg/kg" of a children's guideline, asked for an adult). ("What are his
    chances?" asks for the figures of his outlook too.)"""
    if not asks_for_figure(question) and not _ASKS_OUTLOOK_RE.search(question):
        return None
    asked = asked_age_group(question)
    if asked is None:
        # ... or the clause asking for the figure does: "is it treated as in children, and what is the 5-year survival
        # for adults?" asks the survival of adults.
        figure_clauses = [c for c in _CLAUSE_SPLIT_RE.split(question) if asks_for_figure(c)]
        groups = {group for c in figure_clauses if (group := asked_age_group(c))}
        asked = groups.pop() if len(groups) == 1 else None
    if asked is None:
        return None
    # Whom the figures are of: the sentences giving them, when some do ("5-year survival for adults: 64%" beside "it
    # can also occur in teenagers, but this page does not cover them").
    figures = [line for line in _SENTENCE_OR_LINE_RE.split(text) if _ANY_NUMBER_RE.search(line)]
    of = " ".join(figures) or text
    said = {group for group in AGE_GROUP_RES if AGE_GROUP_RES[group].search(of)}
    if not said and written_for:
        said = {written_for}
    return (said.pop(), asked) if said and asked not in said else None


def age_group_gap(question: str, text: str, written_for: str | None = None) -> str | None:
    """Why a figure ``text`` gives is not the one asked: it is said of the other age group only (or its documents are
    written for it), or None."""
    if groups := other_age_group(question, text, written_for):
        return f"the figure the evidence gives is for {groups[0]}, not {groups[1]}"
    return None


# A time ahead a question asks about: "is she still ok 5 years later?", "after ten years", "in 2 years' time".
TIME_POINT_RE = re.compile(
    rf"\b(?P<n>\d+|{_NUMBER_WORD})[- ](?P<unit>year|month)s?\W*\s+(?:later|after|from now|on)\b"
    rf"|\b(?:in|after) (?P<n2>\d+|{_NUMBER_WORD}) (?P<unit2>year|month)s?\b",
    re.I,
)


def missing_number(question: str, text: str) -> str | None:
    """Why ``text`` lacks the number a figure question names ("the 10-year survival": "10 years" or "ten-year",
    not "8 in 10 ... five years"), or a time ahead the question asks about ("still ok 5 years later?": a report
    that ends at 24 months does not say), or None."""
    asked = [(n, unit) for n, unit in QUESTION_NUMBER_RE.findall(question)] if asks_for_figure(question) else []
    for point in TIME_POINT_RE.finditer(question):
        number = (point.group("n") or point.group("n2")).lower()
        asked.append((DIGITS.get(number, number), point.group("unit") or point.group("unit2")))
    for number, unit in asked:
        if not any(re.search(form, text, re.I) for form in _span_forms(number, unit)):
            return f"the question asks about {number} {unit}s; the evidence does not mention it"
    return None


# The event a span of time is counted from: "how many years after the first tumour did it spread", "how long after
# surgery did it come back", "how many months since the operation" (the words up to the question's next verb).
SPAN_ANCHOR_RE = re.compile(
    rf"\bhow (?:many (?:\w+ )?{_UNIT_OF_TIME}|long) (?:after|since|following|from) (?P<anchor>.+?)"
    r"(?=\s+(?:did|does|do|was|were|is|are|has|have|had|until|when|before|that|it|he|she|they)\b|\s*[?.,;!]|$)",
    re.I,
)


@lru_cache(maxsize=1 << 14)  # a pure function of its texts, asked of the same candidates again and again
def span_anchor_share(question: str, text: str) -> float | None:
    """For a question counting a span from an event ("how many years after the first tumour ..."), the share of
    the event's words ``text`` says, in its own words or the lexicon's ("the primary tumor removed 8 years
    earlier"; "7 years after resection" for "after the surgery"); None when the question counts from no event.
    Of two passages with a number of years, the one that counts from the asked event answers."""
    found = SPAN_ANCHOR_RE.search(question)
    asked = content_words(found.group("anchor")) if found else []
    if not found or not asked:
        return None
    phrases = LEXICON.matches(found.group("anchor"))
    said = set(stems(text))
    for word in content_words(text):
        said.update(stem_all(content_words(LAY_TERMS.get(word, ""))))
    hits = 0
    for word in asked:
        forms = set(stem_all(spelling_variants(word))) | set(stem_all(content_words(LAY_TERMS.get(word, ""))))
        for phrase, clinical in phrases:
            if word in phrase.split():
                forms.update(stem_all(content_words(clinical)))
        hits += bool(forms & said)
    return hits / len(asked)


def span_subject(question: str) -> frozenset[str]:
    """For a question counting a span from an event, the stems of what it asks the span of when it says that
    first ("KI blockade how long after the infusion": ki, blockad); empty when it says nothing before."""
    found = SPAN_ANCHOR_RE.search(question)
    return frozenset(stem_all(content_words(question[: found.start()]))) if found else frozenset()


def _span_forms(number: str, unit: str) -> list[str]:
    """How a page may write a number of a unit: "2 years", "two-year", and the same span in the other unit
    ("24 months" for 2 years; "1 year" for 12 months)."""
    spans = [(number, unit.lower())]
    if number.isdigit() and unit.lower() in ("year", "yr", "y"):
        spans.append((str(int(number) * 12), "month"))
    elif number.isdigit() and unit.lower() == "month" and int(number) % 12 == 0:
        spans.append((str(int(number) // 12), "year"))
    return [rf"\b({n}|{NUMBER_WORDS.get(n, n)})[- ]?{UNIT_FORMS.get(u, re.escape(u))}" for n, u in spans]


# Question words that name the shape of their answer, not a thing the answer says: "typical age" is
# answered by "between 20 and 40 years old", "which levels" by "X6 to Y2", "what proportion" by "1 in 10".
SHAPE_WORDS: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    (re.compile(r"ages?", re.I), re.compile(_AGE, re.I)),
    (re.compile(LEVEL_WORDS, re.I), re.compile(_LEVEL)),
    (re.compile(r"rates?|percent\w*|proportions?|fractions?|share", re.I), re.compile(_SHARE, re.I)),
    (re.compile(r"number|incidence|prevalence|count", re.I), re.compile(_ANY_NUMBER, re.I)),
    # "what temp": a temperature is said by its unit ("heated to about 90°C").
    (re.compile(r"temps?|temperatures?", re.I), re.compile(_TEMPERATURE, re.I)),
]


def answers_by_shape(word: str, text: str) -> bool:
    """Whether ``word`` names the shape of its answer (see :data:`SHAPE_WORDS`) and ``text`` holds one; a
    report's "conclusion" or "recommendation" is what its authors advise ("patients should be ...")."""
    if ASKS_ADVICE_RE.fullmatch(word) and RECOMMENDATION_RE.search(text):
        return True
    return any(asks.fullmatch(word) and holds.search(text) for asks, holds in SHAPE_WORDS)


@lru_cache(maxsize=1 << 12)  # a pure function of the question, asked of every candidate of it
def narrow_cues(question: str) -> tuple[re.Pattern[str], ...]:
    """The answer shapes of the narrow question types ``question`` is of (see :class:`QuestionCue`)."""
    return tuple(cue.holds for cue in QUESTION_CUES if cue.narrow and cue.asks.search(question))


def answer_kind_cues(question: str) -> list[re.Pattern[str]]:
    """The answer shapes of the question types ``question`` is of that type its kind of answer (a treatment, a
    cause, a time; not "What is ...", see :attr:`QuestionCue.kind_of_answer`)."""
    return [cue.holds for cue in QUESTION_CUES if cue.kind_of_answer and cue.asks.search(question)]


@lru_cache(maxsize=1 << 14)  # a pure function of its text, asked of the same candidates again and again
def _asks_figure_of_any_kind(question: str) -> bool:
    return asks_for_figure(question) or bool(HOW_MANY_RE.search(question)) or bool(TIME_POINT_RE.search(question))


@lru_cache(maxsize=1 << 14)  # a pure function of its texts, asked by the chooser and the rules of the same candidates
def holds_asked_answer(question: str, text: str) -> bool | None:
    """Whether ``text`` holds the narrow answer ``question`` asks for: a required figure when one is
    asked, else any narrow cue's shape. None when the question asks for nothing narrow."""
    if _asks_figure_of_any_kind(question):
        return figure_gap(question, text) is None
    cues = narrow_cues(question)
    if not cues:
        return None
    return any(cue.search(text) for cue in cues)


def holds_an_asked_part(question: str, text: str) -> bool | None:
    """:func:`holds_asked_answer`, or, of a question asking for figures in several clauses ("how long does the
    treatment go on for, will he have to stay in hospital"), whether ``text`` holds one clause's: such a question is
    answered part by part."""
    if holds := holds_asked_answer(question, text):
        return holds
    clauses = [c for c in _CLAUSE_SPLIT_RE.split(question) if c and c.strip()]
    if holds is None or len(clauses) < 2:
        return holds
    return any(figure_gap(c, text) is None for c in clauses if _asks_figure_of_any_kind(c))


YES_NO_OPENING_RE = re.compile(
    r"^\s*(?:(?:and|so|but|also|ok|okay)\b[\s,]*)*(is|are|was|were|do|does|did|can|could|will|would|may|might|"
    r"has|have|had)\b",
    re.I,
)


def asks_yes_or_no(question: str) -> bool:
    """A question answered by yes or no ("Is X hereditary?", "Can it spread?"): English word order."""
    return bool(YES_NO_OPENING_RE.match(question))


# A case report tells what happened to its patient in the past tense, with the person or what was
# done and found: English case-report narrative, nothing of any one report.
_CASE_PERSON = (
    r"\b(she|he|her|his|the patient|our patient|this patient|a \d+-year-old|\d+-year-old "
    r"(man|woman|girl|boy|child|patient))\b"
)
_CASE_EVENT = (
    r"\b(presented|underwent|revealed|showed|disappeared|developed|received|remained|recovered|returned|"
    r"died|improved|complained|noticed|(was|were) (then |later |subsequently |also |first )?(given|performed|"
    r"treated|removed|resected|excised|found|detected|discovered|diagnosed|admitted|referred|started|stopped|"
    r"seen|noted|operated|amputated|irradiated|discharged|present|absent|free|well|alive))\b"
)
CASE_NARRATIVE_RE = re.compile(rf"{_CASE_PERSON}|{_CASE_EVENT}|\b\w+ (months?|years?) (later|earlier|after)\b", re.I)
# What a report says of the literature it reviewed is not its case ("a search of the literature found ..."),
# nor is what it recommends (RECOMMENDATION_RE, above).
LITERATURE_RE = re.compile(r"\b(literature|our review|previously reported|published (cases|series))\b", re.I)
# A question about the earlier cases a report reviewed ("the median interval in the review", "how many
# earlier cases"): a statistic of many cases, which no single case has.
ASKS_LITERATURE_RE = re.compile(
    r"\b(literature|review|reviewed|previously reported|(earlier|other|prior|previous|similar|reported) cases|series|"
    r"median|mean|average)\b"
    # ... or the extreme of the reported cases ("longest reported interval", "the reported range").
    r"|\b(longest|shortest|largest|smallest|highest|lowest|maximum|minimum) (reported|published|described|known)\b"
    r"|\breported (intervals?|times?|delays?|latency|range)\b",
    re.I,
)


def asks_about_case(question: str) -> bool:
    """Whether a question about a case report asks what happened in its case (the patient, what was
    done and found), not what the report says of the condition in general or recommends. A figure
    asked for is found by its shape instead (see :func:`holds_asked_answer`)."""
    # Not "what did the authors recommend?": their advice, not their case.
    return (
        speaks_of_case(question)
        and not ASKS_ADVICE_RE.search(question)
        and not asks_for_figure(question)
        and not HOW_MANY_RE.search(question)
    )


# Where the tumour a disease began as was: "where was the first tumour", "where was the primary tumor?"
_FIRST_SITE_RE = re.compile(
    r"\bwhere\b.*\b(first|primary|original|initial)\s+(tumou?rs?|cancers?|mass|lesion|growth|site)\b", re.I
)


def asks_first_site(question: str) -> bool:
    """Whether a question asks where the tumour a disease began as was ("where was her first tumour?")."""
    return bool(_FIRST_SITE_RE.search(question))


# The patient a report's story is about ("she", "the patient", "a 46-year-old woman").
CASE_PERSON_RE = re.compile(_CASE_PERSON, re.I)


def is_case_narrative(text: str) -> bool:
    """Whether a passage tells what happened in a case (see :data:`CASE_NARRATIVE_RE`)."""
    return (
        bool(CASE_NARRATIVE_RE.search(text)) and not LITERATURE_RE.search(text) and not RECOMMENDATION_RE.search(text)
    )


def opens_case_story(text: str) -> bool:
    """Whether a passage of a report tells its case's story of its person ("A 31-year-old woman presented with ..."):
    what an overview of the report opens with."""
    return bool(CASE_PERSON_RE.search(text)) and is_case_narrative(text)


# "What does X mean?", "What is an X?", "meaning of X", "define X", "X definition": the thing asked to be
# explained (a few words at most: a longer "what is ..." asks something else of its subject).
_DEFINED_TERM_RES = [
    re.compile(r"^\W*what does (?:an? |the )?(?P<term>[\w -]{3,40}?) mean\W*$", re.I),
    re.compile(r"^\W*what(?: is|'s| are) (?:an? |the )?(?P<term>[\w-]+(?: [\w-]+){0,2})\W*$", re.I),
    re.compile(r"\b(?:meaning of|define|definition of) (?:an? |the )?(?P<term>[\w-]+(?: [\w-]+){0,2})\W*$", re.I),
    re.compile(r"^\W*(?P<term>[\w-]+(?: [\w-]+){0,2}) (?:definition|meaning)\W*$", re.I),
]


def defined_term(question: str) -> str | None:
    """The term a question asks to be explained ("What does metastatic mean?": "metastatic"), if any."""
    for pattern in _DEFINED_TERM_RES:
        if match := pattern.search(question.strip()):
            term = match.group("term").strip().lower()
            # "What are the symptoms of X?" asks a property of X, not what a word means.
            return None if {"of", "for", "in", "with"} & set(term.split()) else term
    return None


@lru_cache(maxsize=1 << 10)
def gloss_pattern(term: str) -> re.Pattern[str]:
    """Text that explains ``term`` in the page's own words: "metastatic, meaning it has spread",
    "metastatic (spread to other parts)", "X is a ...", "X — a ...", "X means", "X refers to", "a procedure
    called X", "... X. In this procedure, ..."."""
    name = re.escape(term).replace(r"\ ", r"\s+")
    return re.compile(
        rf"\b{name}\w*(?:,? meaning\b|,? (?:which|that) (?:is|are|means)\b|\s\((?!\s*[A-Z]{{2,6}}\s*\))|"
        # "a biopsy — a single tissue sample taken from the tumor"
        rf"\s?[—–]\s?(?:an?|the)\b|"
        rf" (?:is|are) (?:an?|the)\b| means?\b| refers? to\b|,? (?:also |or )(?:called|known as)\b|"
        # "... is radiofrequency ablation. In this procedure, a doctor ...": the next sentence tells what it is.
        rf"\.\s+(?:In|During|With|For) (?:this|that|such an?) (?:procedure|treatment|test|operation|surgery|"
        rf"therapy|technique|method|exam|scan)\b)|"
        rf"\b(?:called|known as) (?:an? )?(?:\w+ )?{name}\b",
        re.I,
    )


# Words that only ask for two things to be set side by side ("the difference between X and Y", "X vs Y").
COMPARISON_WORD_RE = re.compile(
    r"(differences?|differ|different|compared?|comparison|comparing|versus|vs|contrast|similar|alike|same)", re.I
)
