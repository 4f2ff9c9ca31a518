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
    parser.add_argument("--documents", type=int, default=1000, help="documents, each with a topic and an author")
    args = parser.parse_args()
    rng = random.Random(7)
    english = sorted(english_counts(), key=english_counts().get, reverse=True)[: args.words // 2]
    specialist = made_up_words(args.words - len(english), rng)
    texts = [" ".join(english[i : i + 200]) for i in range(0, len(english), 200)]
    texts += [" ".join(specialist[i : i + 200]) for i in range(0, len(specialist), 200)]

    started = time.perf_counter()
    topics = {f"{specialist[i]} {specialist[i + 1]}": [f"doc-{i}"] for i in range(0, 2 * args.documents, 2)}
    authors = {english[-i - 1].capitalize(): f"doc-{i}" for i in range(args.documents)}
    # Definitions and glosses as a corpus has them: "long form (LF)", "term (plain words)".
    texts += [f"{topic} ({''.join(w[0] for w in topic.split()).upper()}X)" for topic in topics]
    texts += [f"{specialist[-i - 1]} (the {english[i + 300]} {english[i + 600]})" for i in range(args.documents)]
    vocab = build_vocabulary(texts, topics, authors, {"case report": [f"doc-{i}" for i in range(10)]})
    built = time.perf_counter() - started
    started = time.perf_counter()
    _ = vocab.word_stems
    stemmed = time.perf_counter() - started
    started = time.perf_counter()
    _ = vocab.speller
    spell_index = time.perf_counter() - started

    started = time.perf_counter()
    understand(f"What about the {english[5]} of {english[9]}?", [], vocab)  # builds the phrase tables
    first = time.perf_counter() - started
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
            history = [{"role": "user", "content": f"What is {rng.choice(list(topics))}?"}]
            started = time.perf_counter()
            understand(question, history, vocab)
            per_question.append(time.perf_counter() - started)
            started = time.perf_counter()
            fixed += word in correct_spelling(typo, vocab)
            per_correction.append(time.perf_counter() - started)

    def ms(values: list[float], q: float) -> str:
        return f"{statistics.quantiles(values, n=100)[int(q) - 1] * 1000:.2f} ms"

    print(f"vocabulary words          {len(vocab.words):>10,}")
    print(f"topic names / authors     {len(vocab.topic_aliases):>10,} / {len(vocab.document_aliases):,}")
    print(f"learned glosses           {len(vocab.glosses):>10,}")
    print(f"build_vocabulary          {built:>10.2f} s")
    print(f"stems of the vocabulary   {stemmed:>10.2f} s (once, on first question)")
    print(f"SymSpell index            {spell_index:>10.2f} s (once, on first unknown word)")
    print(f"first understand()        {first * 1000:>10.1f} ms (phrase tables built)")
    print(f"understand() p50 / p95    {ms(per_question, 50):>10} / {ms(per_question, 95)}  ({len(per_question)} asked)")
    print(f"one correction p50 / p95  {ms(per_correction, 50):>10} / {ms(per_correction, 95)}")
    print(f"typos back to their word  {fixed}/{len(per_correction)} (a miss: a tie with another made-up word)")


if __name__ == "__main__":
    main()
