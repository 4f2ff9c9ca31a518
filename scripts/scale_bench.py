"""Scale benchmark: how build, load, memory and latency grow with the corpus. Prints figures; asserts nothing.

Part 1 (corpora): generates corpora of 4, 40 and 400 documents with distinct text per document
(captured-style patient pages and journal abstracts built from templates with generated condition
names, sections, sentences and numbers, plus a manifest.json), and for each prints documents,
passages, build time, the time to add one document to the built index (``Assistant.load`` on the
corpus with one more document: the embedding cache embeds only its texts), load time, peak memory,
one query embedding p50 and warm ``Assistant.ask`` p50/p95 over 30 varied questions, all through
the public API, with the stages of ``ask`` from its trace.

Part 2 (retrieval layer): 100 k and 1 M passages of synthetic unit vectors (clustered, fitted to
real embeddings of this model, see ``clustered_unit_vectors``) and synthetic token texts: query
p50/p95 of the FAISS index the settings choose for that size (``assistant.vector_store``), of
``assistant.retrieve``'s BM25 search and of its whole dense + BM25 + fusion retrieval, and FAISS
recall@10 against exact search, with an efSearch / nprobe sweep; plus one exact search by size.

Every measurement runs in its own subprocess (so peak memory is its own, and a stuck run is
stopped by ``--timeout``); each reports the load average before and after it.

    .venv/bin/python scripts/scale_bench.py [--sizes 4,40,400] [--skip-synthetic] [--skip-corpora]
        [--max-passages 1000000] [--repeats 3] [--sweep auto|64,128] [--timeout 3600]
"""

from __future__ import annotations

import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import click
import numpy as np
from timing import percentile, warm_ask_times  # scripts/timing.py, beside this script

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
DIM = 384  # all-MiniLM-L6-v2
TOP_K = 10


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM) in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# ================================================================================================
# Part 1: synthetic corpora of captured-style documents
# ================================================================================================
ONSETS = "b c d f g k l m n p r s t v z br cr dr gr pl tr st sk ph th ch qu".split()
VOWELS = "a e i o u ae ia io eo y".split()
SUFFIXES = "oma cytoma blastoma sarcoma fibroma chondroma neuroma myxoma lipoma".split()
QUALIFIERS = (
    "Calcifying",
    "Spindle cell",
    "Clear cell",
    "Epithelioid",
    "Myxoid",
    "Desmoplastic",
    "Plexiform",
    "Sclerosing",
    "Papillary",
    "Granular cell",
    "Juvenile",
    "Pleomorphic",
)
TISSUES = (
    "soft tissue",
    "bone",
    "cartilage",
    "the lining of the joints",
    "the sheaths around nerves",
    "the walls of small blood vessels",
    "fatty tissue",
    "the deeper layers of the skin",
    "smooth muscle",
    "the membranes that cover the brain",
    "the tendons",
    "lymph vessels",
)
SITES = (
    "thigh",
    "knee",
    "shoulder",
    "upper arm",
    "forearm",
    "pelvis",
    "jaw",
    "ribs",
    "ankle",
    "wrist",
    "scalp",
    "abdominal wall",
    "chest wall",
    "hip",
    "elbow",
    "neck",
    "lower leg",
    "hand",
    "foot",
    "lower back",
)
GROUPS = ("children", "teenagers", "young adults", "adults over 40", "people in middle age", "infants")
SYMPTOMS = (
    "a painless lump in the {site}",
    "swelling of the {site} that grows over {n} weeks",
    "pain in the {site} that is worse at night",
    "limping or trouble using the {site}",
    "stiffness of the {site} after rest",
    "numbness or tingling below the {site}",
    "fevers that come and go for {n} days at a time",
    "losing weight without trying",
    "feeling tired for more than {n} weeks",
    "a bulge under the skin of the {site}",
    "bruising around the {site} without an injury",
    "a cough that lasts longer than {n} weeks",
    "shortness of breath when climbing {n} flights of stairs",
    "headaches that wake your child at night",
)
TESTS = (
    "an MRI scan",
    "a CT scan",
    "an ultrasound",
    "an X-ray",
    "a bone scan",
    "a PET scan",
    "blood tests",
    "a needle biopsy",
    "an open surgical biopsy",
)
COUNTRIES = ("the United States", "Europe", "Canada", "Japan", "Australia", "the United Kingdom")
FIRST_NAMES = "Anna Marco Yuki Lena Omar Priya Jonas Sofia Tomasz Ines Kwame Mei Lars Elif Rafael Noor".split()
JOURNALS = (
    "J Pediatr Oncol",
    "Clin Sarcoma Res",
    "Eur J Surg Oncol",
    "Skeletal Radiol",
    "Pathol Int",
    "Oncol Lett",
    "BMC Cancer",
    "World J Surg Oncol",
)
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
PUBLISHERS = ("Children's Tumour Centre", "Rare Cancer Foundation", "Bone and Soft Tissue Clinic", "Sarcoma Network")


def made_up_word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(syllables))


def condition_name(rng: random.Random, taken: set[str]) -> tuple[str, str]:
    """A new condition name and its acronym, e.g. ('Myxoid dravelicytoma', 'MD')."""
    while True:
        root = made_up_word(rng, rng.choice((2, 3))) + rng.choice(SUFFIXES)
        if rng.random() < 0.5:
            qualifier = rng.choice(QUALIFIERS)
            name = f"{qualifier} {root}"
        else:
            name = root.capitalize()
        if name.lower() not in taken:
            taken.add(name.lower())
            acronym = "".join(w[0] for w in name.split()).upper()
            return name, acronym if len(acronym) > 1 else name[:3].upper()


def drug_name(rng: random.Random) -> str:
    return made_up_word(rng, 2) + rng.choice(("tinib", "mab", "platin", "rubicin", "mustine"))


def patient_page(rng: random.Random, name: str, acronym: str) -> str:
    """A captured-style patient page: question headings, paragraphs, bullet lists, numbers."""
    site, site2 = rng.sample(SITES, 2)
    tissue = rng.choice(TISSUES)
    group = rng.choice(GROUPS)
    n = rng.randint
    symptoms = [s.format(site=rng.choice((site, site2)), n=n(2, 12)) for s in rng.sample(SYMPTOMS, rng.randint(4, 7))]
    tests = rng.sample(TESTS, rng.randint(3, 5))
    drug, drug2 = drug_name(rng), drug_name(rng)
    survival = n(35, 95)
    size_low = n(2, 6)
    parts = [
        "Current Environment:",
        f"What is {name}?",
        f"{name} ({acronym}) is a {rng.choice(('rare', 'very rare', 'uncommon'))} tumor that starts in {tissue}. "
        f"It is found most often in {group}, usually in the {site} or the {site2}. "
        f"Doctors describe {acronym} as {rng.choice(('slow-growing', 'fast-growing', 'locally aggressive'))}, "
        f"and about {n(5, 40)} percent of tumors have spread by the time they are found.",
        f"About {n(20, 900)} people are diagnosed with {name} in {rng.choice(COUNTRIES)} each year.",
        f"{name} | Symptoms & Causes",
        f"What are the symptoms of {name}?",
        f"Because {acronym} grows in {tissue}, it may be present for {n(2, 18)} months before anyone notices it. "
        f"Symptoms depend on where the tumor is and how large it has become. "
        f"Here's a list of some of the symptoms of {acronym}:",
        "\n".join(f"  • {s}" for s in symptoms),
        f"What causes {name}?",
        f"The cause of {name} is not fully known. Studies of {n(12, 300)} tumors found a change in the "
        f"{made_up_word(rng, 2).upper()}{n(1, 9)} gene in {n(20, 90)} percent of them. "
        f"{acronym} is {rng.choice(('not passed down in families', 'sometimes seen in more than one family member'))}.",
        f"{name} | Diagnosis & Treatments",
        f"How is {name} diagnosed?",
        f"Your doctor will begin with a physical exam of the {site} and a medical history. "
        f"The tests used to find {acronym} include " + ", ".join(tests[:-1]) + f" and {tests[-1]}. "
        f"A biopsy is the only test that confirms {acronym}: a pathologist looks at the cells under a microscope "
        f"and checks them for the marker {made_up_word(rng, 1).upper()}-{n(10, 99)}.",
        f"What are the treatments for {name}?",
        f"Surgery to remove the whole tumor with a margin of {n(1, 3)} centimeters of healthy tissue is the main "
        f"treatment for {acronym}. Radiation therapy is given {rng.choice(('before', 'after'))} surgery when the "
        f"margins are close, usually over {n(4, 7)} weeks. Chemotherapy with {drug} is used when {acronym} "
        f"has spread, and a newer medicine, {drug2}, shrank tumors in {n(10, 60)} percent of patients in one trial.",
        f"Recovery after surgery for {acronym} in the {site}",
        f"Most patients go home {n(2, 9)} days after surgery. Physical therapy for {n(3, 12)} months helps "
        f"restore movement of the {site}.",
        f"What is the long-term outlook for {name}?",
        f"The five-year survival rate for {acronym} is about {survival} percent when the tumor has not spread, "
        f"and about {max(5, survival - n(20, 40))} percent when it has. Tumors smaller than {size_low} centimeters "
        f"have a better outlook. {acronym} can come back years later, so follow-up scans continue for "
        f"{n(5, 15)} years.",
        f"{name} | Programs & Services",
    ]
    return "\n\n".join(parts) + "\n"


def abstract_page(
    rng: random.Random, name: str, acronym: str, author: str, journal: str, year: int
) -> tuple[str, str, str]:
    """A captured PubMed-style abstract page; returns (text, title, doi)."""
    site = rng.choice(SITES)
    age = rng.randint(3, 78)
    sex = rng.choice(("man", "woman", "boy", "girl"))
    months = rng.randint(3, 96)
    title = rng.choice(
        (
            f"{name} of the {site}: a case report and review of the literature",
            f"Late recurrence of {name.lower()} in the {site} {months} months after resection",
            f"Imaging and pathology of {name.lower()} arising in the {site}",
        )
    )
    doi = f"10.{rng.randint(1000, 9999)}/{made_up_word(rng, 2)}.{year}.{rng.randint(100, 999)}"
    parts = [
        "Skip to main page content",
        "U.S. flag",
        "An official website of the United States government",
        "Access keys NCBI Homepage MyNCBI Homepage Main Content Main Navigation",
        "Case Reports",
        f". {year} {rng.choice(MONTHS)};{rng.randint(5, 60)}({rng.randint(1, 12)}):{rng.randint(10, 400)}-"
        f"{rng.randint(401, 600)}.\ndoi: {doi}.",
        title,
        "Affiliations",
        "Case Reports",
        title,
        f"{author} et al. {journal}. {year} {rng.choice(MONTHS)}.",
        "Abstract",
        f"Background: {name} ({acronym}) is a rare tumor of {rng.choice(TISSUES)}, with fewer than "
        f"{rng.randint(20, 200)} cases reported. Its behaviour in the {site} is poorly described.",
        f"Case presentation: A {age}-year-old {sex} presented with {rng.choice(SYMPTOMS).format(site=site, n=months)}. "
        f"{rng.choice(TESTS).capitalize()} showed a {rng.randint(2, 14)} cm mass. "
        f"The tumor was removed and {rng.choice(('radiotherapy', 'chemotherapy with ' + drug_name(rng)))} followed. "
        f"At {rng.randint(6, 60)} months of follow-up there was {rng.choice(('no recurrence', 'a local recurrence'))}.",
        f"Conclusions: Complete resection is the best treatment for {acronym} of the {site}; "
        f"patients should be followed for at least {rng.randint(3, 10)} years.",
        f"Keywords: {name}; {site.capitalize()}; Case report.",
        "PubMed Disclaimer",
        "Similar articles",
        "Cited by",
    ]
    return "\n\n".join(parts) + "\n", title, doi


def write_document(corpus: Path, number: int, rng: random.Random, taken: set[str]) -> dict[str, Any]:
    """Write document ``number`` into ``corpus`` and return its manifest entry (3 in 4 are patient pages)."""
    name, acronym = condition_name(rng, taken)
    if number % 4 == 3:
        last = made_up_word(rng, 2).capitalize()
        author = f"{rng.choice(FIRST_NAMES)} {last}"
        year = rng.randint(1995, 2025)
        journal = rng.choice(JOURNALS)
        text, title, doi = abstract_page(rng, name, acronym, author, journal, year)
        doc_id = f"case-{last.lower()}-{year}-{number}"
        entry: dict[str, Any] = {
            "id": doc_id,
            "file": f"{doc_id}.txt",
            "title": title,
            "publisher": None,
            "journal": journal,
            "year": year,
            "doi": doi,
            "kind": "case report abstract",
            "audience": "clinician",
            "topics": [name.lower()],
        }
    else:
        text = patient_page(rng, name, acronym)
        doc_id = f"page-{'-'.join(name.lower().split())}-{number}"
        entry = {
            "id": doc_id,
            "file": f"{doc_id}.txt",
            "title": f"{name} ({acronym})",
            "publisher": rng.choice(PUBLISHERS),
            "journal": None,
            "year": None,
            "doi": None,
            "kind": "patient page",
            "audience": "family",
            "topics": [f"{name.lower()} ({acronym})"],
        }
    (corpus / entry["file"]).write_text(text, encoding="utf-8")
    return entry


def write_corpus(corpus: Path, documents: int, seed: int = 7) -> list[dict[str, Any]]:
    corpus.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    taken: set[str] = set()
    entries = [write_document(corpus, i, rng, taken) for i in range(documents)]
    (corpus / "manifest.json").write_text(json.dumps({"documents": entries}, indent=2), encoding="utf-8")
    return entries


def add_document(corpus: Path, entries: list[dict[str, Any]], seed: int = 99) -> None:
    rng = random.Random(seed)
    taken = {e["topics"][0].split(" (")[0] for e in entries}
    entries.append(write_document(corpus, len(entries), rng, taken))
    (corpus / "manifest.json").write_text(json.dumps({"documents": entries}, indent=2), encoding="utf-8")


def questions_for(entries: list[dict[str, Any]], count: int = 30, seed: int = 3) -> list[str]:
    """Varied questions about the generated corpus: facts, case reports, lay wording, typos, off-topic."""
    rng = random.Random(seed)
    pages = [e for e in entries if e["kind"] == "patient page"]
    cases = [e for e in entries if e["kind"] != "patient page"]
    asked: list[str] = []
    templates = (
        "What are the symptoms of {c}?",
        "How is {c} diagnosed?",
        "What causes {c}?",
        "What is the treatment for {c}?",
        "What is the survival rate for {c}?",
        "How many people get {c} each year?",
        "Is {c} inherited?",
        "How long is recovery after surgery for {c}?",
    )
    for template in templates * 2:
        asked.append(template.format(c=rng.choice(pages)["topics"][0].split(" (")[0]))
    for _ in range(4):
        if cases:
            last = cases[rng.randrange(len(cases))]["id"].split("-")[1].capitalize()
            asked.append(
                rng.choice(("How old was the patient in the {a} report?", "What did {a} et al. find?")).format(a=last)
            )
    while len(asked) < count - 4:
        name = rng.choice(pages)["topics"][0].split(" (")[0]
        cut = rng.randrange(1, len(name) - 1)
        asked.append(f"wat are the simptoms of {name[:cut] + name[cut + 1 :]}")
        asked.append(f"my son has a lump on his {rng.choice(SITES)}, could it be {name}?")
    asked += [
        "What is the capital of France?",
        "How do I renew a passport?",
        "What should a marathon runner eat?",
        "Should I stop my chemotherapy?",
    ]
    return asked[:count]


def corpus_worker(documents: int, repeats: int) -> dict[str, Any]:
    from assistant import Assistant, Settings
    from assistant.embeddings import embed_query, load_embed_model

    figures: dict[str, Any] = {"documents": documents, "load_before": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as tmp:
        corpus, data = Path(tmp) / "corpus", Path(tmp) / "data"
        entries = write_corpus(corpus, documents)
        settings = Settings(corpus_dir=corpus, data_dir=data, feedback_db=Path(tmp) / "feedback.sqlite3")
        # Loading the models is in no figure here (cold start is scripts/bench.py's): both encoders warm.
        load_embed_model()
        embed_query("warm up")
        figures["rss_model_mb"] = rss_mb()

        started = time.perf_counter()
        bot = Assistant.load(settings)  # index absent: parse, embed everything, build, then load
        figures["build_s"] = time.perf_counter() - started
        counts = bot.index.manifest["counts"]
        assert isinstance(counts, dict)
        figures["passages"] = len(bot.index.passages)
        figures["dense_rows"] = counts["dense_rows"]
        figures["build_texts_per_s"] = counts["embedded_now"] / float(str(bot.index.manifest["build_seconds"]))
        del bot
        started = time.perf_counter()
        bot = Assistant.load(settings)
        figures["load_s"] = time.perf_counter() - started  # index present, models warm

        # One more document and its manifest entry: the text-keyed embedding cache embeds only its texts.
        add_document(corpus, entries)
        del bot
        started = time.perf_counter()
        bot = Assistant.load(settings)
        figures["add_one_s"] = time.perf_counter() - started  # rebuild from the cache + load
        counts = bot.index.manifest["counts"]
        assert isinstance(counts, dict)
        figures["add_one_embedded"] = counts["embedded_now"]

        questions = questions_for(entries)
        embed_times, ask_times = warm_ask_times(bot, questions, repeats)
        figures["embed_ms_p50"] = statistics.median(embed_times) * 1000
        figures["ask_ms_p50"] = statistics.median(ask_times) * 1000
        figures["ask_ms_p95"] = percentile(ask_times, 0.95) * 1000
        figures["asks"] = len(ask_times)
        # Where the time goes: the stages ask records in its trace (one more pass).
        stages: dict[str, list[float]] = {}
        abstained = 0
        for question in questions:
            answer = bot.ask(question, trace=True)
            abstained += answer.abstained
            for stage, ms in (answer.trace.timings_ms if answer.trace else {}).items():
                stages.setdefault(stage, []).append(ms)
        figures["stages_ms"] = {s: [statistics.median(v), percentile(v, 0.95)] for s, v in stages.items()}
        figures["abstained"] = abstained
        figures["questions"] = len(questions)
    figures["peak_rss_mb"] = peak_rss_mb()
    figures["load_after"] = os.getloadavg()[0]
    return figures


# ================================================================================================
# Part 2: retrieval layer on synthetic vectors and token texts
# ================================================================================================
# Shares of variance of each component of a synthetic passage vector, and the rank of its
# continuous "meaning" part, fitted by hand (docs/scaling.md) so that the
# synthetic set matches 4,755 real English sentences embedded by all-MiniLM-L6-v2 on what decides
# ANN difficulty: mean pair cosine 0.10 (real 0.11), mean 10th-neighbour cosine 0.49 (0.50), local
# intrinsic dimensionality (Levina-Bickel MLE, k=20) 15.6 (15.5), and within-document cosine 0.27
# against 0.20 across documents of a topic (seed corpus: 0.26 against 0.19).
CALIBRATED = {"shared": 0.06, "topic": 0.12, "document": 0.07, "facet": 0.30, "meaning": 0.20, "noise": 0.25}
# The same without facets: no tight groups of near-paraphrases, so neighbours are spread (LID ≈ 25):
# a harder set, to see how recall holds when real data clusters less than assumed.
HARD = {"shared": 0.06, "topic": 0.13, "document": 0.07, "facet": 0.0, "meaning": 0.56, "noise": 0.18}
MEANING_RANK = {"calibrated": 24, "hard": 16}
PASSAGES_PER_DOC, DOCS_PER_TOPIC, FACETS_PER_TOPIC = 25, 20, 20


def clustered_unit_vectors(
    count: int, queries: int, shares: dict[str, float], rank: int, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """(passages, queries): unit float32 vectors from a topic → document → passage hierarchy.

    A passage is a shared direction (embeddings are anisotropic), its topic's centre, its
    document's centre, one of its topic's facets (a group of passages saying much the same thing,
    across documents), a low-rank "meaning" part and isotropic noise, mixed by ``shares``. Queries
    are drawn the same way from random documents, so they are new points, not copies of passages.
    """
    rng = np.random.default_rng(seed)
    docs = -(-count // PASSAGES_PER_DOC)
    topics = -(-docs // DOCS_PER_TOPIC)
    shared = rng.standard_normal(DIM, dtype=np.float32)
    shared /= np.linalg.norm(shared)
    topic_centres = rng.standard_normal((topics, DIM), dtype=np.float32) / np.sqrt(DIM)
    doc_centres = rng.standard_normal((docs, DIM), dtype=np.float32) / np.sqrt(DIM)
    facets = rng.standard_normal((topics * FACETS_PER_TOPIC, DIM), dtype=np.float32) / np.sqrt(DIM)
    meaning_basis = rng.standard_normal((rank, DIM), dtype=np.float32) / np.sqrt(DIM * rank)
    w = {k: np.float32(math.sqrt(v)) for k, v in shares.items()}

    def draw(doc_ids: np.ndarray) -> np.ndarray:
        topic_ids = doc_ids // DOCS_PER_TOPIC
        out = rng.standard_normal((len(doc_ids), DIM), dtype=np.float32) * (w["noise"] / np.sqrt(DIM))
        out += w["shared"] * shared
        out += w["topic"] * topic_centres[topic_ids]
        out += w["document"] * doc_centres[doc_ids]
        if w["facet"]:
            out += w["facet"] * facets[topic_ids * FACETS_PER_TOPIC + rng.integers(0, FACETS_PER_TOPIC, len(doc_ids))]
        out += w["meaning"] * (rng.standard_normal((len(doc_ids), rank), dtype=np.float32) @ meaning_basis)
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out

    passages = np.empty((count, DIM), dtype=np.float32)
    step = 100_000
    for start in range(0, count, step):
        rows = np.arange(start, min(count, start + step))
        passages[start : start + len(rows)] = draw(rows // PASSAGES_PER_DOC)
    return passages, draw(rng.integers(0, docs, queries))


def neighbourhood_stats(vectors: np.ndarray, queries: np.ndarray, k: int = 20) -> dict[str, float]:
    """Mean pair cosine, mean 1st/10th-neighbour cosine and median LID (Levina-Bickel MLE) of queries."""
    import faiss

    scores, _ = faiss.knn(queries, vectors, k + 1, metric=faiss.METRIC_INNER_PRODUCT)
    if np.allclose(scores[:, 0], 1.0, atol=1e-4):  # queries taken from the vectors: drop each one itself
        scores = scores[:, 1:]
    scores = scores[:, :k]
    distances = np.sqrt(np.maximum(2 - 2 * scores, 1e-12))
    lid = -1 / np.mean(np.log(distances[:, :-1] / distances[:, -1:]), axis=1)
    sample = vectors[:2000]
    pairs = sample @ sample.T
    return {
        "pair_cos": float((pairs.sum() - np.trace(pairs)) / (len(sample) * (len(sample) - 1))),
        "top1_cos": float(scores[:, 0].mean()),
        "top10_cos": float(scores[:, 9].mean()),
        "lid": float(np.median(lid)),
    }


def synthetic_tokens(
    count: int, queries: int, seed: int = 1
) -> tuple[list[list[int]], dict[str, int], list[list[str]]]:
    """(passage token ids, vocabulary, query tokens): Zipf background words plus topic and document words."""
    rng = np.random.default_rng(seed)
    vocabulary, topic_words, doc_words = 100_000, 300, 20
    docs = -(-count // PASSAGES_PER_DOC)
    topics = -(-docs // DOCS_PER_TOPIC)
    zipf = 1 / np.arange(1, vocabulary + 1) ** 1.07
    zipf /= zipf.sum()
    by_topic = rng.integers(0, vocabulary, (topics, topic_words))
    by_doc = rng.integers(0, vocabulary, (docs, doc_words))
    doc_ids = np.arange(count) // PASSAGES_PER_DOC
    ids = np.concatenate(
        [
            rng.choice(vocabulary, size=(count, 24), p=zipf),
            by_topic[(doc_ids // DOCS_PER_TOPIC)[:, None], rng.integers(0, topic_words, (count, 12))],
            by_doc[doc_ids[:, None], rng.integers(0, doc_words, (count, 4))],
        ],
        axis=1,
    )
    vocab = {f"w{i}": i for i in range(vocabulary)}
    asked = []
    for doc in rng.integers(0, docs, queries):
        words = np.concatenate(
            [
                by_topic[doc // DOCS_PER_TOPIC][rng.integers(0, topic_words, 2)],
                by_doc[doc][rng.integers(0, doc_words, 2)],
                rng.choice(vocabulary, 1, p=zipf),
            ]
        )
        asked.append([f"w{w}" for w in words])
    return ids.tolist(), vocab, asked


def time_each(function: Any, inputs: list[Any], repeats: int) -> tuple[list[float], list[Any]]:
    """Per-call wall times (ms) of ``function`` over ``inputs`` × ``repeats``, and the first pass's results."""
    times, results = [], []
    for round_number in range(repeats):
        for item in inputs:
            t = time.perf_counter()
            result = function(item)
            times.append((time.perf_counter() - t) * 1000)
            if round_number == 0:
                results.append(result)
    return times, results


def synthetic_set(kind: str, passages: int, queries: int) -> tuple[np.ndarray, np.ndarray]:
    return clustered_unit_vectors(passages, queries, CALIBRATED if kind == "calibrated" else HARD, MEANING_RANK[kind])


@dataclass
class SyntheticIndex:
    """What ``assistant.retrieve.CandidateRetriever`` reads of a ``CorpusIndex``, over synthetic stores.

    Every dense row is a passage (no sentence pieces or headings), so retrieval runs its own code
    unchanged: one FAISS search of ``dense_depth`` rows, bm25s scores with its top ``lexical_depth``,
    reciprocal-rank fusion.
    """

    settings: Any
    dense: Any
    lexical: Any
    passage_count: int
    piece_count: int = 0
    piece_passages: list[list[int]] = field(default_factory=list)
    heading_keys: list[tuple[str, str]] = field(default_factory=list)
    section_passages: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    doc_passages: dict[str, list[int]] = field(default_factory=dict)


def retriever_over(index: Any, lexical: Any, settings: Any, mode: str) -> Any:
    from assistant.retrieve import CandidateRetriever

    stores = SyntheticIndex(settings=settings, dense=index, lexical=lexical, passage_count=index.ntotal)
    return CandidateRetriever(cast(Any, stores), mode)


def ann_figures(
    vectors: np.ndarray, asked: np.ndarray, texts: list[str], lexical: Any, repeats: int, sweep: list[int] | None
) -> dict[str, Any]:
    """Build the size-chosen FAISS index over ``vectors``; latency, recall and build figures for ``asked``.

    The dense search asks for ``dense_depth`` rows as retrieval does; recall@10 is of its first 10.
    The layer figure is ``CandidateRetriever.retrieve`` (dense + BM25 + fusion) with ``texts`` as the
    questions' words over ``lexical``.
    """
    import faiss

    from assistant.settings import Settings
    from assistant.vector_store import build_faiss_index, exact_recall_at_k, index_description, search

    settings = Settings()
    depth = settings.dense_depth
    out: dict[str, Any] = {"stats": neighbourhood_stats(vectors, asked[:300]), "load_before": os.getloadavg()[0]}
    started = time.perf_counter()
    index = build_faiss_index(vectors, settings)
    out["build_s"] = time.perf_counter() - started
    out["index"] = index_description(len(vectors), settings)
    out["index_mb"] = len(faiss.serialize_index(index)) / 2**20
    rows = [asked[i : i + 1] for i in range(len(asked))]

    pairs = list(zip(texts, rows, strict=True))

    def measure(tuned: Settings) -> dict[str, float]:
        times, results = time_each(lambda q: search(index, q, depth, tuned)[1][0], rows, repeats)
        found = np.stack(results)
        # The whole retrieval layer as assistant/retrieve.py runs it: dense + BM25 + fusion, one question at a time.
        hybrid = retriever_over(index, lexical, tuned, "hybrid")
        layer, _ = time_each(lambda pair: hybrid.retrieve(pair[0], pair[1]), pairs, repeats)
        return {
            "p50_ms": statistics.median(times),
            "p95_ms": percentile(times, 0.95),
            "recall": exact_recall_at_k(vectors, asked, found[:, :TOP_K], TOP_K),
            f"recall_at_{depth}": exact_recall_at_k(vectors, asked, found, depth),
            "layer_p50_ms": statistics.median(layer),
            "layer_p95_ms": percentile(layer, 0.95),
        }

    out.update(measure(settings))
    out["depth"] = depth
    # The exact scan the index replaces, on a few queries (slow at this size), one thread as served.
    faiss.omp_set_num_threads(settings.faiss_search_threads)
    exact_times, _ = time_each(lambda q: faiss.knn(q, vectors, depth, metric=faiss.METRIC_INNER_PRODUCT), rows[:30], 1)
    out["exact_p50_ms"], out["exact_p95_ms"] = statistics.median(exact_times), percentile(exact_times, 0.95)
    knob = "faiss_hnsw_ef_search" if out["index"].startswith("HNSW") else "faiss_ivf_nprobe"
    if sweep is None:
        sweep = [128, 256, 512, 1024] if knob == "faiss_hnsw_ef_search" else [64, 128, 256, 512]
    out["sweep"] = []
    for value in sweep if not out["index"].startswith("Flat") else []:
        tuned = settings.model_copy(update={knob: value})
        out["sweep"].append({knob: value, **measure(tuned)})
    out["load_after"] = os.getloadavg()[0]
    return out


def bm25_figures(passages: int, queries: int, repeats: int) -> tuple[dict[str, Any], Any, list[str]]:
    """bm25s over synthetic token texts: (figures, the index, the questions as text)."""
    import bm25s
    from bm25s.tokenization import Tokenized

    from assistant.retrieve import CandidateRetriever
    from assistant.settings import Settings

    ids, vocab, asked = synthetic_tokens(passages, queries)
    started = time.perf_counter()
    lexical = bm25s.BM25()
    lexical.index(Tokenized(ids=ids, vocab=vocab), show_progress=False)
    out: dict[str, Any] = {"build_s": time.perf_counter() - started}
    out["index_mb"] = sum(a.nbytes for a in lexical.scores.values() if isinstance(a, np.ndarray)) / 2**20
    del ids
    texts = [" ".join(words) for words in asked]
    # assistant/retrieve.py's lexical search: tokenise, get_scores, top lexical_depth by argpartition(-scores).
    settings = Settings()
    lexical_only = CandidateRetriever(cast(Any, SyntheticIndex(settings, None, lexical, passages)), "bm25")
    times, _ = time_each(lexical_only.lexical_search, texts, repeats)
    out["p50_ms"], out["p95_ms"] = statistics.median(times), percentile(times, 0.95)
    out["depth"] = settings.lexical_depth
    # For reference, bm25s's own retrieve on a few queries: its numpy top-k, np.argpartition(scores, -k),
    # is slow on score arrays that are mostly zeros, which is why retrieve.py selects from -scores.
    times, _ = time_each(
        lambda words: lexical.retrieve([words], k=settings.lexical_depth, show_progress=False), asked[:50], 1
    )
    out["retrieve_p50_ms"], out["retrieve_p95_ms"] = statistics.median(times), percentile(times, 0.95)
    return out, lexical, texts


def flat_worker(sizes: list[int], queries: int, repeats: int) -> dict[str, Any]:
    """One exact search (IndexFlatIP, one thread, dense_depth rows) at each size: what faiss_exact_max trades."""
    import faiss

    from assistant.settings import Settings
    from assistant.vector_store import search

    settings = Settings()
    vectors, asked = synthetic_set("calibrated", max(sizes), queries)
    rows = [asked[i : i + 1] for i in range(len(asked))]
    out: dict[str, Any] = {"flat": [], "load_before": os.getloadavg()[0]}
    for size in sorted(sizes):
        index = faiss.IndexFlatIP(DIM)
        index.add(vectors[:size])
        times, _ = time_each(lambda q, i=index: search(i, q, settings.dense_depth, settings), rows, repeats)
        out["flat"].append({"rows": size, "p50_ms": statistics.median(times), "p95_ms": percentile(times, 0.95)})
    out["load_after"] = os.getloadavg()[0]
    return out


REAL_QUERIES = 300  # the last rows of a --real-vectors file are its queries


def real_worker(path: Path, repeats: int, sweep: list[int] | None) -> dict[str, Any]:
    """The ANN figures on real embeddings (dense only: they have no texts for BM25)."""
    data = np.load(path).astype("float32")
    vectors, asked = data[:-REAL_QUERIES], data[-REAL_QUERIES:]
    texts, lexical = real_lexical(len(vectors), len(asked))
    return {
        "passages": len(vectors),
        "real": ann_figures(vectors, asked, texts, lexical, repeats, sweep),
        "peak_rss_mb": peak_rss_mb(),
    }


def real_lexical(passages: int, queries: int) -> tuple[list[str], Any]:
    """A synthetic lexical store of the same size, so the layer figure of real vectors is complete."""
    _, lexical, texts = bm25_figures(passages, queries, 1)
    return texts, lexical


def make_real_vectors_file(path: Path, count: int) -> None:
    """Embed ``count`` real English sentences (docstrings of the installed Python packages) into ``path``.

    Real text embedded by the real model: the yardstick the synthetic sets were calibrated on.
    """
    import ast
    import re
    import sysconfig

    from assistant.embeddings import embed_texts

    sentences: set[str] = set()
    files = sorted(Path(sysconfig.get_paths()["stdlib"]).rglob("*.py")) + sorted(
        Path(sysconfig.get_paths()["purelib"]).rglob("*.py")
    )
    random.Random(0).shuffle(files)
    for file in files:
        try:
            tree = ast.parse(file.read_text(encoding="utf-8", errors="ignore"))
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                for paragraph in re.split(r"\n\s*\n", ast.get_docstring(node) or ""):
                    for sentence in re.split(r"(?<=[.?!])\s+(?=[A-Z])", " ".join(paragraph.split())):
                        words = sentence.split()
                        letters = sum(c.isalpha() or c == " " for c in sentence)
                        if 8 <= len(words) <= 60 and letters > 0.85 * len(sentence):
                            sentences.add(sentence)
        if len(sentences) >= count:
            break
    chosen = sorted(sentences)
    random.Random(0).shuffle(chosen)
    started = time.perf_counter()
    vectors = embed_texts(chosen[:count], batch_size=32, threads=len(os.sched_getaffinity(0)))
    np.save(path, vectors)
    click.echo(f"{len(vectors)} sentences embedded in {time.perf_counter() - started:.0f} s into {path}")


def synthetic_worker(passages: int, repeats: int, queries: int, sweep: list[int] | None, hard: bool) -> dict[str, Any]:
    figures: dict[str, Any] = {"passages": passages, "load_before": os.getloadavg()[0]}
    figures["bm25"], lexical, texts = bm25_figures(passages, queries, repeats)
    for kind in ("calibrated", "hard") if hard else ("calibrated",):
        started = time.perf_counter()
        vectors, asked = synthetic_set(kind, passages, queries)
        generate_s = time.perf_counter() - started
        figures[kind] = {"generate_s": generate_s, **ann_figures(vectors, asked, texts, lexical, repeats, sweep)}
        del vectors
    figures["peak_rss_mb"] = peak_rss_mb()
    figures["load_after"] = os.getloadavg()[0]
    return figures


# ================================================================================================
# Orchestration
# ================================================================================================
def run_worker(args: list[str], timeout: float) -> dict[str, Any] | None:
    """Run one measurement in a fresh process; its last stdout line is its JSON figures."""
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--worker", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        click.echo(f"  {' '.join(args)}: stopped after {timeout:.0f} s (--timeout)", err=True)
        return None
    if done.returncode != 0:
        click.echo(f"  {' '.join(args)} failed:\n{done.stderr[-3000:]}", err=True)
        return None
    return cast(dict[str, Any], json.loads(done.stdout.strip().splitlines()[-1]))


def load_range(figures: dict[str, Any]) -> str:
    return f"{figures['load_before']:.1f}–{figures['load_after']:.1f}"


def print_corpora(rows: list[dict[str, Any]]) -> None:
    click.echo("\n## Corpora (public API: Assistant.load / ask; models warm, in-process)\n")
    click.echo(
        "| documents | passages | dense rows | build s (texts/s) | add one doc s (texts embedded) | load s "
        "| peak RSS MiB (models alone) | query embedding p50 ms | ask p50 ms | ask p95 ms | p95 / embedding "
        "| abstained | load avg |"
    )
    click.echo("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        click.echo(
            f"| {r['documents']} | {r['passages']:,} | {r['dense_rows']:,} "
            f"| {r['build_s']:.1f} ({r['build_texts_per_s']:.0f}) | {r['add_one_s']:.1f} ({r['add_one_embedded']}) "
            f"| {r['load_s']:.2f} | {r['peak_rss_mb']:.0f} ({r['rss_model_mb']:.0f}) | {r['embed_ms_p50']:.1f} "
            f"| {r['ask_ms_p50']:.1f} | {r['ask_ms_p95']:.1f} | {r['ask_ms_p95'] / r['embed_ms_p50']:.2f}x "
            f"| {r['abstained']}/{r['questions']} | {load_range(r)} |"
        )
    stages = sorted({s for r in rows for s in r["stages_ms"]})
    if stages:
        click.echo("\nStages of ask from its trace (p50 / p95 ms):\n")
        click.echo("| documents | " + " | ".join(stages) + " |")
        click.echo("| ---: |" + " ---: |" * len(stages))
        for r in rows:
            cells = ["{:.1f} / {:.1f}".format(*r["stages_ms"][s]) if s in r["stages_ms"] else "–" for s in stages]
            click.echo(f"| {r['documents']} | " + " | ".join(cells) + " |")


SETS = ("real", "calibrated", "hard")


def print_synthetic(rows: list[dict[str, Any]], flat: dict[str, Any] | None) -> None:
    click.echo(
        "\n## Retrieval layer (one question at a time; FAISS index type chosen by size from the settings;"
        " dense search of dense_depth rows, recall@10 of its first 10 against exact search)\n"
    )
    click.echo(
        "| passages | set | FAISS index | build s | index MiB | dense p50 / p95 ms | recall@10 | recall@depth "
        "| exact scan p50 / p95 ms | layer (dense + BM25 + fusion) p50 / p95 ms | load avg |"
    )
    click.echo("| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        for kind in (k for k in SETS if k in r):
            f = r[kind]
            click.echo(
                f"| {r['passages']:,} | {kind} | {f['index']} | {f['build_s']:.1f} | {f['index_mb']:.0f} "
                f"| {f['p50_ms']:.2f} / {f['p95_ms']:.2f} | {f['recall']:.3f} "
                f"| {f['recall_at_' + str(f['depth'])]:.3f} (@{f['depth']}) "
                f"| {f['exact_p50_ms']:.1f} / {f['exact_p95_ms']:.1f} "
                f"| {f['layer_p50_ms']:.2f} / {f['layer_p95_ms']:.2f} | {load_range(f)} |"
            )
    sweeps = [(r["passages"], kind, r[kind], s) for r in rows for kind in SETS if kind in r for s in r[kind]["sweep"]]
    if sweeps:
        click.echo("\n| passages | set | knob | dense p50 / p95 ms | recall@10 | recall@depth | layer p50 / p95 ms |")
        click.echo("| ---: | --- | --- | ---: | ---: | ---: | ---: |")
        for passages, kind, f, s in sweeps:
            knob = next(k for k in s if k.startswith("faiss_"))
            click.echo(
                f"| {passages:,} | {kind} | {knob}={s[knob]} | {s['p50_ms']:.2f} / {s['p95_ms']:.2f} "
                f"| {s['recall']:.3f} | {s['recall_at_' + str(f['depth'])]:.3f} "
                f"| {s['layer_p50_ms']:.2f} / {s['layer_p95_ms']:.2f} |"
            )
    bm25_rows = [r for r in rows if "bm25" in r]
    if bm25_rows:
        click.echo(
            "\n| passages | bm25s build s | bm25s index MiB | retrieve.py lexical search (get_scores + "
            "argpartition(-scores)) p50 / p95 ms | bm25s.retrieve, same k (not used) p50 / p95 ms "
            "| worker peak RSS MiB | load avg |"
        )
        click.echo("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for r in bm25_rows:
            b = r["bm25"]
            click.echo(
                f"| {r['passages']:,} | {b['build_s']:.1f} | {b['index_mb']:.0f} "
                f"| {b['p50_ms']:.2f} / {b['p95_ms']:.2f} | {b['retrieve_p50_ms']:.2f} / {b['retrieve_p95_ms']:.2f} "
                f"| {r['peak_rss_mb']:.0f} | {load_range(r)} |"
            )
    if flat:
        click.echo(f"\nExact search (IndexFlatIP, one thread), load avg {load_range(flat)}:\n")
        click.echo("| dense rows | p50 ms | p95 ms |")
        click.echo("| ---: | ---: | ---: |")
        for f in flat["flat"]:
            click.echo(f"| {f['rows']:,} | {f['p50_ms']:.2f} | {f['p95_ms']:.2f} |")
    click.echo("")
    for r in rows:
        for kind in (k for k in SETS if k in r):
            s = r[kind]["stats"]
            click.echo(
                f"neighbourhoods, {kind} set at {r['passages']:,}: pair cosine {s['pair_cos']:.3f}, "
                f"1st / 10th neighbour cosine {s['top1_cos']:.3f} / {s['top10_cos']:.3f}, LID {s['lid']:.1f}"
            )


def numbers(text: str) -> list[int]:
    return [int(v) for v in text.split(",") if v.strip() and int(v) > 0]


@click.command()
@click.option("--sizes", default="4,40,400", show_default=True, help="Corpus sizes in documents.")
@click.option("--synthetic-sizes", default="100000,1000000", show_default=True, help="Synthetic passage counts.")
@click.option("--max-passages", default=1_000_000, show_default=True, help="Skip synthetic sizes above this.")
@click.option(
    "--flat-sizes",
    default="25000,50000,100000,200000,400000",
    show_default=True,
    help="Dense row counts at which one exact search is timed (empty: skip).",
)
@click.option("--skip-synthetic", is_flag=True, help="Only the generated corpora.")
@click.option("--skip-corpora", is_flag=True, help="Only the synthetic retrieval layer.")
@click.option("--repeats", default=3, show_default=True, help="Passes over the questions / queries.")
@click.option("--queries", default=200, show_default=True, help="Synthetic queries per size.")
@click.option(
    "--sweep",
    default="auto",
    show_default=True,
    help="efSearch (HNSW) or nprobe (IVF) values measured on each approximate index, e.g. 64,128,256 "
    "('auto': 128,256,512,1024 for HNSW, 64,128,256,512 for IVF; empty: none).",
)
@click.option("--no-hard", is_flag=True, help="Skip the harder (less clustered) synthetic vector set.")
@click.option(
    "--timeout",
    default=7200.0,
    show_default=True,
    help="Seconds before one measurement is stopped (1M passages, two HNSW builds: ~40 min on two idle cores).",
)
@click.option(
    "--real-vectors",
    type=click.Path(path_type=Path),
    help="Also measure this .npy of real embeddings (its last 300 rows are the queries).",
)
@click.option(
    "--make-real-vectors",
    type=click.Path(path_type=Path),
    help="Embed --real-count docstring sentences of the installed Python into this .npy, then stop.",
)
@click.option("--real-count", default=100_000, show_default=True, help="Sentences for --make-real-vectors.")
@click.option("--as-json", "as_json", is_flag=True, help="Print the figures as JSON as well.")
@click.option("--worker", hidden=True, default="")
@click.option("--size", hidden=True, default=0)
def main(
    sizes: str,
    synthetic_sizes: str,
    max_passages: int,
    flat_sizes: str,
    skip_synthetic: bool,
    skip_corpora: bool,
    repeats: int,
    queries: int,
    sweep: str,
    no_hard: bool,
    timeout: float,
    real_vectors: Path | None,
    make_real_vectors: Path | None,
    real_count: int,
    as_json: bool,
    worker: str,
    size: int,
) -> None:
    """Measure how build, load, memory and query latency grow with the corpus (approximate-index
    settings come from the environment as usual, e.g. ASSISTANT_FAISS_ANN=ivf)."""
    sweep_values = None if sweep == "auto" else numbers(sweep)
    if make_real_vectors:
        make_real_vectors_file(make_real_vectors, real_count)
        return
    if worker:
        jobs = {
            "real": lambda: real_worker(cast(Path, real_vectors), repeats, sweep_values),
            "corpus": lambda: corpus_worker(size, repeats),
            "synthetic": lambda: synthetic_worker(size, repeats, queries, sweep_values, not no_hard),
            "flat": lambda: flat_worker(numbers(flat_sizes), queries, repeats),
        }
        click.echo(json.dumps(jobs[worker]()))
        return
    figures: dict[str, Any] = {"corpora": [], "synthetic": [], "flat": None}
    click.echo(
        f"cores {len(os.sched_getaffinity(0))}, load average (1 min) at start {os.getloadavg()[0]:.2f}; "
        "each row gives the load average before / after its measurement (other processes widen p95)"
    )
    if not skip_corpora:
        for documents in numbers(sizes):
            click.echo(f"corpus of {documents} documents ...", err=True)
            result = run_worker(["corpus", "--size", str(documents), "--repeats", str(repeats)], timeout)
            if result:
                figures["corpora"].append(result)
        print_corpora(figures["corpora"])
    if not skip_synthetic:
        common = ["--repeats", str(repeats), "--queries", str(queries), "--sweep", sweep]
        if flat_sizes.strip():
            click.echo("exact search by size ...", err=True)
            figures["flat"] = run_worker(["flat", "--flat-sizes", flat_sizes, *common], timeout)
        for passages in numbers(synthetic_sizes):
            if passages > max_passages:
                continue
            click.echo(f"synthetic retrieval at {passages:,} passages ...", err=True)
            args = ["synthetic", "--size", str(passages), *common, *(["--no-hard"] if no_hard else [])]
            result = run_worker(args, timeout)
            if result:
                figures["synthetic"].append(result)
        if real_vectors:
            click.echo(f"real vectors from {real_vectors} ...", err=True)
            result = run_worker(["real", "--real-vectors", str(real_vectors), *common], timeout)
            if result:
                figures["synthetic"].append(result)
        print_synthetic(figures["synthetic"], figures["flat"])
    click.echo(f"\nload average (1 min) at end {os.getloadavg()[0]:.2f}")
    if as_json:
        click.echo(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
