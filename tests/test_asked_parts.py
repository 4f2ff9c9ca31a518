"""The separate questions of a message that asks several (assistant.asked_parts)."""

from __future__ import annotations

import pytest

from assistant.asked_parts import asked_parts
from assistant.settings import Settings

SETTINGS = Settings()


def parts_of(message: str) -> list[str]:
    return asked_parts(message, SETTINGS.asked_part_min_words, SETTINGS.asked_parts_max)


def test_a_family_message_is_split_into_its_questions_in_order() -> None:
    message = (
        "our girl is 6 and they found MGA on her thumb. will she lose the thumb?? is this because i drank coffee "
        "when i was pregnant. and does her brother need tests too, im shaking"
    )
    assert parts_of(message) == [
        "will she lose the thumb?",
        "is this because i drank coffee when i was pregnant.",
        "and does her brother need tests too, im shaking",
    ]


def test_a_second_question_joined_on_with_and_is_its_own() -> None:
    assert parts_of("his best mates wedding is saturday, will he be ok to go and can he have a drink at the party") == [
        "his best mates wedding is saturday, will he be ok to go",
        "can he have a drink at the party",
    ]


@pytest.mark.parametrize(
    "message",
    [
        "What is myxoid glomangioma?",
        # One question, however long the story around it.
        "my son is 9 and had his MGA removed last year, the scar is fine. how often does he need scans now?",
        # A nurse's keywords are one lookup, not English questions.
        "MGA adj zerotinib dose? duration? premeds?",
        "BEP doses + cycles, good prog?",
        # "is it genetic?" has one content word: it only adds to the question before it.
        "What causes MGA, is it genetic?",
        # "when" before no auxiliary tells ("when I searched ..."): one question asked.
        "when i searched hand lumps your pages came up. what treatment will he get?",
        # One question with two things asked of one subject.
        "In the Ibáñez report, what dose of zerotinib was given and for how long?",
        # An abbreviation's full stop ends no sentence.
        "How many earlier cases did Quillbrook et al. review, and how long was the diagnostic delay?",
    ],
)
def test_a_message_asking_one_thing_is_not_split(message: str) -> None:
    assert parts_of(message) == []


def test_a_message_with_more_questions_than_the_most_is_not_split() -> None:
    message = "what causes MGA? how is MGA treated? can MGA spread? will MGA come back? does MGA cause pain?"
    assert parts_of(message) == []
    assert len(asked_parts(message, SETTINGS.asked_part_min_words, 5)) == 5


@pytest.mark.parametrize("message", ["", "   ", "??", "?" * 10_000, "and? is? what?", "<script>alert(1)</script>?"])
def test_empty_or_odd_messages_give_no_parts(message: str) -> None:
    assert parts_of(message) == []
