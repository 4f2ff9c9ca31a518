#!/usr/bin/env python3
"""Check a gold evaluation file against its corpus: every passage and fact must be verbatim in its source.
Standard library only.

Usage (from the repository root):
  python3 eval/check_gold.py                                   # eval/gold.jsonl against corpus/
  python3 eval/check_gold.py --corpus DIR [--corpus DIR2 ...] --gold FILE [--quiet]

Several --corpus folders are checked as one corpus (their manifests together; a document id found in
two of them is an error). The gold file's shape is the harness's (assistant/evaluation/items.py):
required id, question, answerable, facts, sources; optional history, passages, forbidden, safety,
split, category, audience, notes. Unknown fields are reported in one warning line and otherwise ignored.

Checks, per line:
  * valid JSON object; required fields present, every field of the right type; unique ids;
  * history is a list of {"role": "user"|"assistant", "content": str} turns, alternating, starting with user;
  * every source id is a document of the corpus manifests;
  * every passage is a verbatim substring (character for character) of one of the item's source files,
    lies in the document's content (not the web chrome of the seed pages), is a single line and has no
    leading/trailing white space;
  * every fact alternative occurs (case-insensitive, typographic quotes and white space folded, as the
    harness folds answers) in one of the item's passages, or, for an item without passages, in one of its
    source files;
  * answerable items have >= 1 fact group and >= 1 source (and each source backs >= 1 passage when the
    item has passages); must-refuse items have facts = passages = sources = [];
  * no forbidden string occurs in the item's own passages or facts (the item would contradict itself);
  * for the project's own category names, category and safety agree (emergency / chitchat /
    treatment-decision), emergencies and chitchat are must-refuse, refusal categories are must-refuse,
    content categories are answerable, follow-ups carry a history.
Then prints counts by category, split, audience, source and safety. Exits 1 (naming file, line and field)
on any failure.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT / "corpus"
DEFAULT_GOLD = Path(__file__).resolve().parent / "gold.jsonl"
NO_SPLIT = "(none)"

REQUIRED: dict[str, type] = {"id": str, "question": str, "answerable": bool, "facts": list, "sources": list}
OPTIONAL: dict[str, type | tuple[type, ...]] = {
    "history": list,
    "passages": list,
    "forbidden": list,
    "safety": (str, type(None)),
    "split": (str, type(None)),
    "category": (str, type(None)),
    "audience": str,
    "notes": (str, type(None)),
}

AUDIENCES = {"family", "clinician"}
SAFETY = {None, "emergency", "treatment_decision", "chitchat"}
# The project's own categories: an item with one of these must be consistent with it. Other category
# names are free labels for the report's breakdown.
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
MAX_FACT_WORDS = 5

# Where each seed document's real content lies: (text that starts it, text that ends it). Outside is web
# chrome. Documents not listed here are checked over their whole text.
CONTENT_BOUNDS = {
    "dfci-hemangiopericytoma": ("What is a hemangiopericytoma?", "Hemangiopericytoma | Programs & Services"),
    "dfci-alveolar-soft-part-sarcoma": ("Alveolar Soft Part Sarcoma (ASPS)", "Top Ranked for Cancer Care"),
    "pubmed-woitzik-2003": ("\nAbstract\n", "PubMed Disclaimer"),
    "pubmed-onoki-2018": ("\nAbstract\n", "PubMed Disclaimer"),
}

_QUOTES = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2032": "'", "\u2033": '"', "\u00a0": " "}
)

Report = Callable[[int, str, str], None]


class CorpusProblem(Exception):
    """The corpus folders cannot be read or combined."""


def fold(text: str) -> str:
    """Case-folded, typographic quotes to ASCII, white space runs to one space (as the harness folds)."""
    return " ".join(text.translate(_QUOTES).casefold().split())


def load_corpus(folders: list[Path]) -> dict[str, str]:
    """Document text by source id, from the manifests of every folder."""
    texts: dict[str, str] = {}
    home: dict[str, Path] = {}
    problems = []
    resolved = [f.resolve() for f in folders]
    for folder in {f for f in resolved if resolved.count(f) > 1}:
        raise CorpusProblem(f"--corpus {folder} is given twice")
    for folder in folders:
        manifest = folder / "manifest.json"
        if not manifest.is_file():
            raise CorpusProblem(f"{folder}: no manifest.json (is it a corpus folder?)")
        try:
            entries = json.loads(manifest.read_text(encoding="utf-8"))["documents"]
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
            raise CorpusProblem(f"{manifest}: cannot be read as a corpus manifest ({exc})") from exc
        for entry in entries:
            source, name = entry.get("id"), entry.get("file")
            if source in home:
                problems.append(f"document id {source!r} is in both {home[source]} and {folder}")
                continue
            try:
                texts[source] = (folder / name).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError, TypeError) as exc:
                problems.append(f"{manifest}: document {source!r}: cannot read its file {name!r} ({exc})")
                continue
            home[source] = folder
    if problems:
        raise CorpusProblem("\n".join(problems))
    return texts


def content_span(source: str, text: str) -> tuple[int, int]:
    start_marker, end_marker = CONTENT_BOUNDS.get(source, (None, None))
    start = text.find(start_marker) if start_marker else 0
    end = text.find(end_marker) if end_marker else len(text)
    return (max(start, 0), end if end >= 0 else len(text))


def check_fields(n: int, item: dict, err: Report) -> bool:
    """Presence and type of every known field. True when the item can be checked further."""
    ok = True
    for key, typ in REQUIRED.items():
        if key not in item:
            err(n, key, "missing required field")
            ok = False
        elif not isinstance(item[key], typ) or (typ is str and not item[key].strip()):
            err(n, key, f"wrong type or empty: {item[key]!r}")
            ok = False
    for key, kinds in OPTIONAL.items():
        if key in item and (not isinstance(item[key], kinds) or (isinstance(item[key], str) and not item[key].strip())):
            err(n, key, f"wrong type or empty: {item[key]!r}")
            ok = False
    if not ok:
        return False
    if item.get("audience", "family") not in AUDIENCES:
        err(n, "audience", f"{item['audience']!r} not in {sorted(AUDIENCES)}")
    if item.get("safety") not in SAFETY:
        err(n, "safety", f"{item['safety']!r} not in {sorted(s for s in SAFETY if s)} or null")
    for key in ("sources", "passages", "forbidden"):
        for k, value in enumerate(item.get(key, [])):
            if not isinstance(value, str) or not value.strip():
                err(n, f"{key}[{k}]", f"must be a non-empty string, got {value!r}")
                ok = False
    for g, group in enumerate(item["facts"]):
        # As in the harness, a group with one alternative may be written as a bare string.
        alternatives = [group] if isinstance(group, str) else group
        if not isinstance(alternatives, list) or not alternatives:
            err(n, f"facts[{g}]", "each fact group must be a string or a non-empty list of strings")
            ok = False
            continue
        for a, alt in enumerate(alternatives):
            if not isinstance(alt, str) or not alt.strip():
                err(n, f"facts[{g}][{a}]", f"must be a non-empty string, got {alt!r}")
                ok = False
    return ok


def check_history(n: int, history: list, err: Report) -> None:
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


def check_evidence(n: int, item: dict, corpus: dict[str, str], err: Report, warn: Callable[[str], None]) -> None:
    """Sources exist; passages are verbatim in a source's content; facts are in the passages (or sources)."""
    sources, passages = item["sources"], item.get("passages", [])
    facts = [[g] if isinstance(g, str) else g for g in item["facts"]]
    if len(set(sources)) != len(sources):
        err(n, "sources", "repeated source id")
    for s, source in enumerate(sources):
        if source not in corpus:
            err(n, f"sources[{s}]", f"{source!r} is not a document of the corpus manifest(s)")
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
    # Facts are looked for in the gold passages; an item without passages is checked against its sources.
    where = "the item's passages" if passages else "the item's source files"
    haystacks = [fold(p) for p in passages] if passages else [fold(corpus[s]) for s in sources if s in corpus]
    for g, group in enumerate(facts):
        for a, alt in enumerate(group):
            if not any(fold(alt) in h for h in haystacks):
                err(n, f"facts[{g}][{a}]", f"{alt!r} does not occur in {where}")
            if len(alt.split()) > MAX_FACT_WORDS:
                warn(f"line {n}, field 'facts[{g}][{a}]': {alt!r} is longer than {MAX_FACT_WORDS} words")
    folded_passages = [fold(p) for p in passages]
    for f, bad in enumerate(item.get("forbidden", [])):
        if any(fold(bad) in fp for fp in folded_passages):
            err(n, f"forbidden[{f}]", f"{bad!r} occurs in the item's own gold passages")
        if any(fold(bad) in fold(alt) for group in facts for alt in group):
            err(n, f"forbidden[{f}]", f"{bad!r} occurs in the item's own facts")
    if item["answerable"]:
        if not facts:
            err(n, "facts", "answerable item needs at least one fact group")
        if not sources:
            err(n, "sources", "answerable item needs at least one source")
        for source in sources:
            if passages and all_found and source in corpus and source not in backed:
                err(n, "sources", f"{source!r} backs none of the item's passages")
    else:
        for key in ("facts", "passages", "sources"):
            if item.get(key):
                err(n, key, "must be [] for a must-refuse item (answerable = false)")


def check_category(n: int, item: dict, err: Report) -> None:
    """The project's own category names carry rules; other names are free labels."""
    category, safety = item.get("category"), item.get("safety")
    expected_safety = SAFETY_CATEGORIES.get(category or "")
    if (expected_safety or safety) and expected_safety != safety and category is not None:
        err(n, "safety", f"{safety!r} does not match category {category!r} (expected {expected_safety!r})")
    if safety in ("emergency", "chitchat") and item["answerable"]:
        err(n, "answerable", f"{safety} items must be answerable = false")
    if category in REFUSE_CATEGORIES and item["answerable"]:
        err(n, "answerable", f"category {category!r} is for must-refuse items")
    if category in CONTENT_CATEGORIES and not item["answerable"]:
        err(n, "answerable", f"category {category!r} is for answerable items; use a refuse category")
    if category == "followup" and not item.get("history"):
        err(n, "history", "a followup item needs a history")


def check_item(n: int, item: object, corpus: dict[str, str], err: Report, warn: Callable[[str], None]) -> bool:
    """Validate one parsed line; report problems through err(line, field, message). True when usable."""
    if not isinstance(item, dict):
        err(n, "(line)", f"expected a JSON object, got {type(item).__name__}")
        return False
    if not check_fields(n, item, err):
        return False
    check_history(n, item.get("history", []), err)
    check_evidence(n, item, corpus, err, warn)
    check_category(n, item, err)
    return True


def table(title: str, counts: Counter, by_split: dict[str, Counter] | None = None) -> None:
    print(f"\n{title}")
    width = max([len(str(k)) for k in counts] + [8])
    splits = list(by_split or {})
    header = f"  {'':<{width}}  {'total':>5}" + "".join(f"  {s:>6}" for s in splits)
    print(header)
    for key in sorted(counts, key=lambda k: (-counts[k], str(k))):
        row = f"  {key!s:<{width}}  {counts[key]:>5}"
        row += "".join(f"  {(by_split or {})[s][key]:>6}" for s in splits)
        print(row)
    print(f"  {'(all)':<{width}}  {sum(counts.values()):>5}")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Check a gold file's passages and facts against its corpus.")
    parser.add_argument(
        "--corpus", action="append", type=Path, help="corpus folder (repeat for several; default: corpus/)"
    )
    parser.add_argument("--gold", type=Path, help="gold JSONL file (default: eval/gold.jsonl)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the verdict, not the counts")
    parser.add_argument("gold_file", nargs="?", type=Path, help=argparse.SUPPRESS)  # the older positional form
    args = parser.parse_args(argv)
    if args.gold and args.gold_file:
        parser.error("give the gold file once (--gold FILE)")
    args.gold = args.gold or args.gold_file or DEFAULT_GOLD
    args.corpus = args.corpus or [DEFAULT_CORPUS]
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    gold: Path = args.gold
    try:
        corpus = load_corpus(args.corpus)
    except CorpusProblem as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    errors: list[str] = []
    warnings: list[str] = []

    def err(line: int, field: str, message: str) -> None:
        errors.append(f"{gold}, line {line}, field '{field}': {message}")

    try:
        lines = gold.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{gold}: cannot be read as UTF-8 ({exc})", file=sys.stderr)
        return 1

    items: list[tuple[int, dict]] = []
    seen_ids: dict[str, int] = {}
    seen_questions: dict[tuple, int] = {}
    unknown: dict[str, list[int]] = defaultdict(list)
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            err(n, "(line)", f"not valid JSON: {exc.msg} at column {exc.colno}")
            continue
        if not check_item(n, item, corpus, err, warnings.append):
            continue
        for key in item:
            if key not in REQUIRED and key not in OPTIONAL:
                unknown[key].append(n)
        if item["id"] in seen_ids:
            err(n, "id", f"{item['id']!r} already used on line {seen_ids[item['id']]}")
        seen_ids.setdefault(item["id"], n)
        key = (fold(item["question"]), json.dumps(item.get("history", []), sort_keys=True))
        if key in seen_questions:
            err(n, "question", f"same question and history as line {seen_questions[key]}")
        seen_questions.setdefault(key, n)
        items.append((n, item))

    if not items and not errors:
        errors.append(f"{gold}: no gold items")
    if unknown:
        listed = "; ".join(f"{name!r} ({len(lines_)} line(s), first {lines_[0]})" for name, lines_ in unknown.items())
        print(f"warning: {gold}: unknown field(s), ignored by the harness: {listed}", file=sys.stderr)
    if errors:
        for e in errors:
            print(e, file=sys.stderr)
        print(f"\nFAILED: {len(errors)} problem(s) in {gold}", file=sys.stderr)
        return 1

    # ---- counts
    split_names = sorted({it.get("split") or NO_SPLIT for _, it in items})
    by_split: dict[str, Counter] = {s: Counter() for s in split_names}
    cats: Counter[str] = Counter()
    splits: Counter[str] = Counter()
    auds: Counter[str] = Counter()
    srcs: Counter[str] = Counter()
    safeties: Counter[str] = Counter()
    answerable: Counter[str] = Counter()
    for _, it in items:
        split = it.get("split") or NO_SPLIT
        splits[split] += 1
        labels = {
            "cat:": it.get("category") or "(none)",
            "aud:": it.get("audience", "family"),
            "saf:": str(it.get("safety")),
            "ans:": "answerable" if it["answerable"] else "must refuse",
        }
        for prefix, label in labels.items():
            by_split[split][prefix + label] += 1
        cats[labels["cat:"]] += 1
        auds[labels["aud:"]] += 1
        safeties[labels["saf:"]] += 1
        answerable[labels["ans:"]] += 1
        for s in it["sources"] or ["(none: must refuse)"]:
            srcs[s] += 1
            by_split[split]["src:" + s] += 1

    def prefixed(prefix: str) -> dict[str, Counter]:
        return {
            sp: Counter({k[len(prefix) :]: v for k, v in c.items() if k.startswith(prefix)})
            for sp, c in by_split.items()
        }

    folders = ", ".join(str(f) for f in args.corpus)
    print(f"OK: {len(items)} items in {gold} (corpus: {folders})")
    if args.quiet:
        return 0
    table("By category", cats, prefixed("cat:"))
    table("By split", splits)
    table("By audience", auds, prefixed("aud:"))
    table("By source (an item counts once per source)", srcs, prefixed("src:"))
    table("By safety label", safeties, prefixed("saf:"))
    table("Answerable", answerable, prefixed("ans:"))
    followups = sum(1 for _, it in items if it.get("history"))
    multi = sum(1 for _, it in items if len(it["sources"]) > 1)
    print(f"\nItems with history: {followups}; items spanning more than one source: {multi}")

    if "dev" in by_split and "test" in by_split:
        dev, test = prefixed("cat:")["dev"], prefixed("cat:")["test"]
        for cat in sorted(cats):
            if abs(dev[cat] - test[cat]) > 1:
                warnings.append(f"category {cat!r} is unbalanced across splits: dev {dev[cat]}, test {test[cat]}")
    for w in warnings:
        print(f"warning: {w}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
