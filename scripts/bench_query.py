"""Query understanding at scale: vocabulary build, spelling-index build and per-question cost.

A synthetic vocabulary (English words plus made-up specialist words, as a large corpus would have)
of --words words; questions with a typo, with everyday words only, and follow-ups. Prints figures.

    python scripts/bench_query.py --words 100000
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from assistant.query import build_vocabulary, correct_spelling, understand
from assistant.text import english_counts

QUESTIONS = [
    "How is {w} treated?",
    "How is {typo} treated?",
    "Does aroma therapy help with {w}?",
    "I have a diploma; is stage IV {w} curable?",
    "my daughter's arm hurts, will the {typo} come back?",
    "What about pazopanib for {w}?",
]


def made_up_words(count: int, rng: random.Random) -> list[str]:
    syllables = "an gio per cy to ma sar co lei myo fib ro ost eo neu ral".split()
    found: set[str] = set()
    while len(found) < count:
        found.add("".join(rng.choice(syllables) for _ in range(rng.randint(3, 6))))
    return sorted(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--words", type=int, default=100_000, help="vocabulary size")
    parser.add_argument("--repeat", type=int, default=50, help="passes over the questions")
    args = parser.parse_args()
    rng = random.Random(7)
    english = sorted(english_counts(), key=english_counts().get, reverse=True)[: args.words // 2]
    specialist = made_up_words(args.words - len(english), rng)
    texts = [" ".join(english[i : i + 200]) for i in range(0, len(english), 200)]
    texts += [" ".join(specialist[i : i + 200]) for i in range(0, len(specialist), 200)]

    started = time.perf_counter()
    vocab = build_vocabulary(texts, {specialist[0]: ["doc-0"], specialist[1]: ["doc-1"]})
    built = time.perf_counter() - started
    started = time.perf_counter()
    _ = vocab.word_stems
    stemmed = time.perf_counter() - started
    started = time.perf_counter()
    _ = vocab.speller
    spell_index = time.perf_counter() - started

    long_words = [w for w in specialist if len(w) >= 10]
    per_question: list[float] = []
    per_correction: list[float] = []
    fixed = 0
    for _ in range(args.repeat):
        for template in QUESTIONS:
            word = rng.choice(long_words)
            at = rng.randrange(1, len(word) - 1)
            typo = word[:at] + word[at + 1 :]  # one letter dropped
            question = template.format(w=word, typo=typo)
            history = [{"role": "user", "content": f"What is {specialist[0]}?"}]
            started = time.perf_counter()
            understand(question, history, vocab)
            per_question.append(time.perf_counter() - started)
            started = time.perf_counter()
            fixed += word in correct_spelling(typo, vocab)
            per_correction.append(time.perf_counter() - started)

    def ms(values: list[float], q: float) -> str:
        return f"{statistics.quantiles(values, n=100)[int(q) - 1] * 1000:.2f} ms"

    print(f"vocabulary words          {len(vocab.words):>10,}")
    print(f"build_vocabulary          {built:>10.2f} s")
    print(f"stems of the vocabulary   {stemmed:>10.2f} s (once, on first question)")
    print(f"SymSpell index            {spell_index:>10.2f} s (once, on first unknown word)")
    print(f"understand() p50 / p95    {ms(per_question, 50):>10} / {ms(per_question, 95)}  ({len(per_question)} asked)")
    print(f"one correction p50 / p95  {ms(per_correction, 50):>10} / {ms(per_correction, 95)}")
    print(f"typos back to their word  {fixed}/{len(per_correction)} (a miss: a tie with another made-up word)")


if __name__ == "__main__":
    main()
