"""Metamorphic test: adding other documents must not change an answer to a seed question unless the
new answer answers it better, and no seed answer may gain text from a new document.

A seed question here is one that names its subject (a seed condition or document, itself or through
its history). A question that names none ("Did the woman's pain get better after the operation?")
is ambiguous once the corpus holds other conditions, and may fairly be answered from them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Answer, Assistant, Settings
from assistant.evaluation.items import load_gold
from assistant.evaluation.metrics import missing_fact_groups, strip_notice
from assistant.settings import REPO_ROOT
from assistant.text import normalise
from tests.conftest import eval_corpus_bot

EXTRA = REPO_ROOT / "eval" / "extra-corpus"
# Until the second corpus exists, a small fixture corpus of other conditions stands in for it.
OTHER = EXTRA if (EXTRA / "manifest.json").exists() else REPO_ROOT / "tests" / "fixtures" / "mini-corpus"
SEED_GOLD = REPO_ROOT / "eval" / "gold.jsonl"
# Measured: no seed answer loses a fact group when the extra corpus joins (was 6, then 4); none borrows text.
WORSE_BUDGET = 0


def names_subject(bot: Assistant, question: str, answer: Answer) -> bool:
    """Whether the question (or its history) names a seed condition or a seed document by its author;
    "the two case reports" names a kind, which a larger corpus holds more of."""
    if answer.trace is None:
        return False
    words = f" {normalise(question)} "
    return bool(answer.trace.topics) or any(f" {alias} " in words for alias in bot.vocab.document_aliases)


@pytest.fixture(scope="module")
def combined_bot(settings: Settings, eval_data_root: Path) -> Iterator[Assistant]:
    """The seeds plus the other corpus, the same index the eval gate's seed-on-combined run uses (built once)."""
    with eval_corpus_bot(settings, [settings.corpus_dir, OTHER], eval_data_root) as combined:
        yield combined


def test_new_documents_never_make_a_seed_answer_worse_or_borrow_their_text(
    bot: Assistant, combined_bot: Assistant
) -> None:
    new_sources = set(combined_bot.index.infos) - set(bot.index.infos)
    assert new_sources, "the combined corpus must add documents"
    worse: list[str] = []
    borrowed: list[str] = []
    changed = 0
    for item in load_gold(SEED_GOLD):
        history = item.history_dicts()
        alone = bot.ask(item.question, history=history, audience=item.audience, trace=True)
        together = combined_bot.ask(item.question, history=history, audience=item.audience)
        if together.text == alone.text or not names_subject(bot, item.question, alone):
            continue
        changed += 1
        if {c.source_id for c in together.citations} & new_sources:
            borrowed.append(f"{item.id}: {together.text[:160]}")
        before = len(missing_fact_groups(strip_notice(alone.text, alone.notice), item.facts))
        after = len(missing_fact_groups(strip_notice(together.text, together.notice), item.facts))
        refused_right = not item.answerable and together.abstained
        if not refused_right and (after > before or (not item.answerable and alone.abstained)):
            worse.append(f"{item.id}: missing {before} -> {after} fact groups; now: {together.text[:160]}")
    assert not borrowed, "seed answers quote new documents:\n" + "\n".join(borrowed)
    # Measured budget (issue 9), now zero: no seed answer loses a fact group when the extra corpus is added.
    assert len(worse) <= WORSE_BUDGET, f"{len(worse)} of {changed} changed seed answers are worse:\n" + "\n".join(worse)
