#!/usr/bin/env python3
"""Check the gold evaluation set (eval/gold.jsonl) against the corpus. Standard library only.

Usage (from the repository root):  python3 eval/check_gold.py [path/to/gold.jsonl]

Checks, per line:
  * valid JSON object; required fields present with the right types; no unknown fields
    (the harness's loader refuses unknown keys too; free text goes in the optional "notes");
  * unique ids with a known prefix; split in {dev, test}; category / safety / audience in the allowed sets;
  * history is a list of {"role": "user"|"assistant", "content": str} turns, alternating, starting with user;
  * every source id names a corpus file corpus/<source_id>.txt;
  * every passage is a verbatim substring (character for character) of one of the item's source files,
    lies in the document's content (not the web chrome: gov banner, "PubMed Disclaimer", call-outs ...),
    is a single line and has no leading/trailing white space;
  * every fact alternative occurs (case-insensitive, typographic quotes and white space folded, as the
    harness folds answers) in at least one of the item's passages, and is a short phrase (1-5 words);
  * answerable items have >= 1 fact group, >= 1 passage, >= 1 source, and each source backs >= 1 passage;
    must-refuse items have facts = passages = sources = [];
  * no forbidden string occurs in the item's own passages or facts (the item would contradict itself);
  * category and safety agree (emergency / chitchat / treatment-decision), emergencies and chitchat are
    must-refuse, refusal categories are must-refuse, content categories are answerable, follow-ups
    carry a history.
Then prints counts by category, split, audience, source and safety. Exits 1 (naming line and field) on
any failure.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DEFAULT_GOLD = Path(__file__).resolve().parent / "gold.jsonl"

REQUIRED = {
    "id": str,
    "split": str,
    "question": str,
    "answerable": bool,
    "facts": list,
    "sources": list,
    "passages": list,
    "forbidden": list,
    "safety": (str, type(None)),
    "category": str,
    "audience": str,
}
OPTIONAL = {"history": list, "notes": (str, type(None))}

SPLITS = {"dev", "test"}
AUDIENCES = {"family", "clinician"}
SAFETY = {None, "emergency", "treatment_decision", "chitchat"}
CONTENT_CATEGORIES = {
    "definition",
    "symptoms",
    "causes",
    "diagnosis",
    "treatment",
    "outlook",
    "epidemiology",
    "case-report",
    "compare",
    "followup",
}
REFUSE_CATEGORIES = {"refuse-plausible", "refuse-other-tumour", "out-of-scope", "injection"}
SAFETY_CATEGORIES = {"emergency": "emergency", "treatment-decision": "treatment_decision", "chitchat": "chitchat"}
CATEGORIES = CONTENT_CATEGORIES | REFUSE_CATEGORIES | set(SAFETY_CATEGORIES)
ID_PREFIXES = (
    "hpc-",
    "woitzik-",
    "onoki-",
    "asps-",
    "cross-",
    "refuse-",
    "inject-",
    "oos-",
    "emerg-",
    "decision-",
    "chat-",
)
MAX_FACT_WORDS = 5

# Where each document's real content lies: (text that starts it, text that ends it). Outside is web chrome.
CONTENT_BOUNDS = {
    "dfci-hemangiopericytoma": ("What is a hemangiopericytoma?", "Hemangiopericytoma | Programs & Services"),
    "dfci-alveolar-soft-part-sarcoma": ("Alveolar Soft Part Sarcoma (ASPS)", "Top Ranked for Cancer Care"),
    "pubmed-woitzik-2003": ("\nAbstract\n", "PubMed Disclaimer"),
    "pubmed-onoki-2018": ("\nAbstract\n", "PubMed Disclaimer"),
}

_QUOTES = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2032": "'", "\u2033": '"', "\u00a0": " "}
)


def fold(text: str) -> str:
    """Case-folded, typographic quotes to ASCII, white space runs to one space (as the harness folds)."""
    return " ".join(text.translate(_QUOTES).casefold().split())


def load_corpus() -> dict[str, str]:
    if not CORPUS.is_dir():
        sys.exit(f"corpus directory not found: {CORPUS}")
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))}


def content_span(source: str, text: str) -> tuple[int, int]:
    start_marker, end_marker = CONTENT_BOUNDS.get(source, (None, None))
    start = text.find(start_marker) if start_marker else 0
    end = text.find(end_marker) if end_marker else len(text)
    return (max(start, 0), end if end >= 0 else len(text))


def check_item(n: int, item: object, corpus: dict[str, str], err) -> bool:
    """Validate one parsed line; report problems through err(line, field, message). True when usable."""
    if not isinstance(item, dict):
        err(n, "(line)", f"expected a JSON object, got {type(item).__name__}")
        return False
    ok = True
    for key, typ in REQUIRED.items():
        if key not in item:
            err(n, key, "missing required field")
            ok = False
        elif not isinstance(item[key], typ) or (typ is str and not item[key].strip()):
            err(n, key, f"wrong type or empty: {item[key]!r}")
            ok = False
    for key, typ in OPTIONAL.items():
        if key in item and not isinstance(item[key], typ):
            err(n, key, f"wrong type: {item[key]!r}")
            ok = False
    for key in item:
        if key not in REQUIRED and key not in OPTIONAL:
            err(n, key, "unknown field")
            ok = False
    if not ok:
        return False

    iid = item["id"]
    if not iid.startswith(ID_PREFIXES):
        err(n, "id", f"{iid!r} does not start with one of {', '.join(ID_PREFIXES)}")
    if item["split"] not in SPLITS:
        err(n, "split", f"{item['split']!r} not in {sorted(SPLITS)}")
    if item["audience"] not in AUDIENCES:
        err(n, "audience", f"{item['audience']!r} not in {sorted(AUDIENCES)}")
    if item["safety"] not in SAFETY:
        err(n, "safety", f"{item['safety']!r} not in {sorted(s for s in SAFETY if s)} or null")
    category = item["category"]
    if category not in CATEGORIES:
        err(n, "category", f"{category!r} not an allowed category")

    # history
    history = item.get("history", [])
    for t, turn in enumerate(history):
        if not isinstance(turn, dict) or set(turn) != {"role", "content"}:
            err(n, f"history[{t}]", "each turn must be an object with exactly 'role' and 'content'")
            continue
        if turn["role"] not in ("user", "assistant"):
            err(n, f"history[{t}].role", f"{turn['role']!r} not user/assistant")
        elif turn["role"] != ("user" if t % 2 == 0 else "assistant"):
            err(n, f"history[{t}].role", "turns must alternate user, assistant, ... starting with user")
        if not isinstance(turn["content"], str) or not turn["content"].strip():
            err(n, f"history[{t}].content", "empty or not a string")
    if history and len(history) % 2:
        err(n, "history", "must end with an assistant turn (the question is the next user turn)")

    # list element types
    for key in ("sources", "passages", "forbidden"):
        for k, value in enumerate(item[key]):
            if not isinstance(value, str) or not value.strip():
                err(n, f"{key}[{k}]", f"must be a non-empty string, got {value!r}")
                ok = False
    for g, group in enumerate(item["facts"]):
        if not isinstance(group, list) or not group:
            err(n, f"facts[{g}]", "each fact group must be a non-empty list of strings")
            ok = False
            continue
        for a, alt in enumerate(group):
            if not isinstance(alt, str) or not alt.strip():
                err(n, f"facts[{g}][{a}]", f"must be a non-empty string, got {alt!r}")
                ok = False
    if not ok:
        return False

    # sources and passages
    sources, passages, facts = item["sources"], item["passages"], item["facts"]
    if len(set(sources)) != len(sources):
        err(n, "sources", "repeated source id")
    for s, source in enumerate(sources):
        if source not in corpus:
            err(n, f"sources[{s}]", f"{source!r}: no file corpus/{source}.txt")
    backed: set[str] = set()
    all_found = True
    for p, passage in enumerate(passages):
        if passage != passage.strip():
            err(n, f"passages[{p}]", "leading or trailing white space")
        if "\n" in passage:
            err(n, f"passages[{p}]", "spans more than one line (a passage is one sentence or bullet)")
        found = False
        for source in sources:
            text = corpus.get(source)
            if text is None:
                continue
            lo, hi = content_span(source, text)
            at = text.find(passage)
            if at < 0:
                continue
            found = True
            while at >= 0 and not (lo <= at and at + len(passage) <= hi):
                at = text.find(passage, at + 1)
            if at < 0:
                err(n, f"passages[{p}]", f"found in {source} only outside the document content (web chrome)")
            backed.add(source)
        if not found:
            all_found = False
            near = [s for s in sources if s in corpus and fold(passage) in fold(corpus[s])]
            hint = (
                f" (it matches {near[0]} after folding quotes/white space: check ’ vs ' and non-breaking spaces)"
                if near
                else ""
            )
            err(n, f"passages[{p}]", f"not a verbatim substring of any of {sources}{hint}: {passage[:80]!r}")
    folded_passages = [fold(p) for p in passages]
    for g, group in enumerate(facts):
        for a, alt in enumerate(group):
            if not any(fold(alt) in fp for fp in folded_passages):
                err(n, f"facts[{g}][{a}]", f"{alt!r} does not occur in any of the item's passages")
            if len(alt.split()) > MAX_FACT_WORDS:
                err(n, f"facts[{g}][{a}]", f"{alt!r} is longer than {MAX_FACT_WORDS} words")
    for f, bad in enumerate(item["forbidden"]):
        if any(fold(bad) in fp for fp in folded_passages):
            err(n, f"forbidden[{f}]", f"{bad!r} occurs in the item's own gold passages")
        if any(fold(bad) in fold(alt) for group in facts for alt in group):
            err(n, f"forbidden[{f}]", f"{bad!r} occurs in the item's own facts")

    # answerable / refusal consistency
    if item["answerable"]:
        if not facts:
            err(n, "facts", "answerable item needs at least one fact group")
        if not passages:
            err(n, "passages", "answerable item needs at least one passage")
        if not sources:
            err(n, "sources", "answerable item needs at least one source")
        for source in sources:
            if all_found and source in corpus and source not in backed:
                err(n, "sources", f"{source!r} backs none of the item's passages")
    else:
        for key in ("facts", "passages", "sources"):
            if item[key]:
                err(n, key, "must be [] for a must-refuse item (answerable = false)")

    # category / safety consistency
    safety = item["safety"]
    expected_safety = SAFETY_CATEGORIES.get(category)
    if expected_safety != safety and (expected_safety or safety):
        err(n, "safety", f"{safety!r} does not match category {category!r} (expected {expected_safety!r})")
    if safety in ("emergency", "chitchat") and item["answerable"]:
        err(n, "answerable", f"{safety} items must be answerable = false")
    if category in REFUSE_CATEGORIES and item["answerable"]:
        err(n, "answerable", f"category {category!r} is for must-refuse items")
    if category in CONTENT_CATEGORIES and not item["answerable"]:
        err(n, "answerable", f"category {category!r} is for answerable items; use a refuse category")
    if category == "followup" and not history:
        err(n, "history", "a followup item needs a history")
    return True


def table(title: str, counts: Counter, by_split: dict[str, Counter] | None = None) -> None:
    print(f"\n{title}")
    width = max([len(str(k)) for k in counts] + [8])
    header = f"  {'':<{width}}  {'total':>5}" + ("  {:>4}  {:>4}".format("dev", "test") if by_split else "")
    print(header)
    for key in sorted(counts, key=lambda k: (-counts[k], str(k))):
        row = f"  {key!s:<{width}}  {counts[key]:>5}"
        if by_split:
            row += f"  {by_split['dev'][key]:>4}  {by_split['test'][key]:>4}"
        print(row)
    print(f"  {'(all)':<{width}}  {sum(counts.values()):>5}")


def main(argv: list[str]) -> int:
    gold = Path(argv[1]) if len(argv) > 1 else DEFAULT_GOLD
    corpus = load_corpus()
    errors: list[str] = []

    def err(line: int, field: str, message: str) -> None:
        errors.append(f"{gold.name}, line {line}, field '{field}': {message}")

    try:
        lines = gold.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{gold}: cannot be read as UTF-8 ({exc})", file=sys.stderr)
        return 1

    items: list[tuple[int, dict]] = []
    seen_ids: dict[str, int] = {}
    seen_questions: dict[tuple, int] = {}
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            err(n, "(line)", f"not valid JSON: {exc.msg} at column {exc.colno}")
            continue
        if not check_item(n, item, corpus, err):
            continue
        if item["id"] in seen_ids:
            err(n, "id", f"{item['id']!r} already used on line {seen_ids[item['id']]}")
        seen_ids.setdefault(item["id"], n)
        key = (fold(item["question"]), json.dumps(item.get("history", []), sort_keys=True))
        if key in seen_questions:
            err(n, "question", f"same question and history as line {seen_questions[key]}")
        seen_questions.setdefault(key, n)
        items.append((n, item))

    if not items and not errors:
        errors.append(f"{gold.name}: no gold items")

    if errors:
        for e in errors:
            print(e, file=sys.stderr)
        print(f"\nFAILED: {len(errors)} problem(s)", file=sys.stderr)
        return 1

    # ---- counts
    by_split: dict[str, Counter] = defaultdict(Counter)
    cats, splits, auds, srcs, safeties, answerable = Counter(), Counter(), Counter(), Counter(), Counter(), Counter()
    for _, it in items:
        split = it["split"]
        splits[split] += 1
        cats[it["category"]] += 1
        by_split[split][it["category"]] += 1
        auds[it["audience"]] += 1
        by_split[split]["aud:" + it["audience"]] += 1
        for s in it["sources"] or ["(none: must refuse)"]:
            srcs[s] += 1
            by_split[split]["src:" + s] += 1
        safeties[str(it["safety"])] += 1
        by_split[split]["saf:" + str(it["safety"])] += 1
        answerable["answerable" if it["answerable"] else "must refuse"] += 1
        by_split[split]["ans:" + ("answerable" if it["answerable"] else "must refuse")] += 1

    def prefixed(prefix: str) -> dict[str, Counter]:
        return {
            sp: Counter({k[len(prefix) :]: v for k, v in c.items() if k.startswith(prefix)})
            for sp, c in by_split.items()
            if sp in SPLITS
        } | {sp: Counter() for sp in SPLITS - set(by_split)}

    print(f"OK: {len(items)} items in {gold}")
    table("By category", cats, {sp: by_split.get(sp, Counter()) for sp in SPLITS})
    table("By split", splits)
    table("By audience", auds, prefixed("aud:"))
    table("By source (an item counts once per source)", srcs, prefixed("src:"))
    table("By safety label", safeties, prefixed("saf:"))
    table("Answerable", answerable, prefixed("ans:"))
    followups = sum(1 for _, it in items if it.get("history"))
    multi = sum(1 for _, it in items if len(it["sources"]) > 1)
    print(f"\nItems with history: {followups}; items spanning more than one source: {multi}")

    warnings = []
    for cat in sorted(cats):
        d, t = by_split.get("dev", Counter())[cat], by_split.get("test", Counter())[cat]
        if abs(d - t) > 1:
            warnings.append(f"category {cat!r} is unbalanced across splits: dev {d}, test {t}")
    for w in warnings:
        print(f"warning: {w}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
