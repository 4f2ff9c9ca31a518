"""Cleaning and structure on the real corpus and on a tiny stub corpus of HTML and Markdown files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.corpus import load_corpus, source_span
from assistant.ingest import ParsedDocument, parse_corpus, split_sentences
from tests.conftest import CORPUS

CHROME = [
    "Skip to main page content",
    "An official website of the United States government",
    "PubMed Disclaimer",
    "Similar articles",
    "Cited by",
    "LinkOut - more resources",
    "Current Environment:",
    "Top Ranked for Cancer Care",
    "callout bg",
    "Hemangiopericytoma | Symptoms & Causes",
    "Access keys NCBI Homepage",
    "J Neurosurg Spine",
]


@pytest.fixture(scope="module")
def parsed() -> dict[str, ParsedDocument]:
    return {d.source_id: d for d in parse_corpus(load_corpus(CORPUS))}


def all_text(doc: ParsedDocument) -> str:
    return "\n".join(s.text for s in doc.sentences)


def test_page_chrome_is_removed_and_content_kept(parsed: dict[str, ParsedDocument]) -> None:
    for doc in parsed.values():
        text = all_text(doc)
        for chrome in CHROME:
            assert chrome not in text, (doc.source_id, chrome)
    woitzik = all_text(parsed["pubmed-woitzik-2003"])
    assert "Review of the literature identified only seven previously reported cases." in woitzik
    assert "complete tumor removal followed by postoperative radiotherapy" in woitzik
    asps = all_text(parsed["dfci-alveolar-soft-part-sarcoma"])
    assert "Alveolar soft part sarcoma is typically unresponsive to chemotherapy." in asps
    assert "five-year survival rate is 91 percent" in asps
    dropped = " | ".join(parsed["dfci-alveolar-soft-part-sarcoma"].dropped_lines)
    assert "Top Ranked for Cancer Care" in dropped and "Solid Tumor Clinical Trials" in dropped


def test_headings_are_section_metadata_not_answer_text(parsed: dict[str, ParsedDocument]) -> None:
    hpc = parsed["dfci-hemangiopericytoma"]
    assert "What causes hemangiopericytoma?" in hpc.sections
    causes = [s for s in hpc.sentences if s.section == "What causes hemangiopericytoma?"]
    assert causes and causes[0].text.startswith("We don’t know exactly")
    headings = {h for d in parsed.values() for h in d.sections}
    for doc in parsed.values():
        assert not [s.text for s in doc.sentences if s.plain in headings]
    # A breadcrumb line keeps what it says as section context.
    assert causes[0].context == "Symptoms & Causes"


def test_a_paragraph_after_a_lost_sub_heading_goes_back_under_the_question_heading(
    parsed: dict[str, ParsedDocument],
) -> None:
    radiation = next(
        s for s in parsed["dfci-hemangiopericytoma"].sentences if s.text.startswith("This is sometimes used")
    )
    assert radiation.section == "What are the treatments for a hemangiopericytoma?"


def test_lists_stay_with_their_lead_sentence(parsed: dict[str, ParsedDocument]) -> None:
    hpc = parsed["dfci-hemangiopericytoma"]
    lists = [b for b in hpc.blocks if b.kind == "list"]
    first = [hpc.sentences[i] for i in lists[0].sentence_ids]
    assert (
        first[0].role == "lead"
        and first[0].text == "Here’s a list of some of the symptoms your child may be experiencing:"
    )
    assert [s.text for s in first[1:]] == [
        "a painless swelling or lump",
        "pain or soreness",
        "limping or other difficulty using her legs or feet",
        "hypoglycemia (low blood sugar)",
    ]
    passage = next(p for p in hpc.passages if p.kind == "list")
    assert passage.sentence_ids == lists[0].sentence_ids


def test_a_lead_with_no_list_after_it_and_layout_pointers_are_never_evidence(
    parsed: dict[str, ParsedDocument],
) -> None:
    hpc = parsed["dfci-hemangiopericytoma"]
    dangling = [s for s in hpc.sentences if s.role == "dangling"]
    assert [s.text for s in dangling] == [
        "Your child will likely have various imaging studies that will include one or more of the following:",
        "We've described some of your treatment options below.",
    ]
    evidence_ids = {sid for p in hpc.passages for sid in p.sentence_ids}
    assert not {s.id for s in dangling} & evidence_ids


def test_an_anaphoric_sentence_travels_with_its_neighbour(parsed: dict[str, ParsedDocument]) -> None:
    hpc = parsed["dfci-hemangiopericytoma"]
    this = next(s for s in hpc.sentences if s.text.startswith("This is sometimes used"))
    passage = next(p for p in hpc.passages if p.sentence_ids[0] == this.id)
    assert [hpc.sentences[i].text for i in passage.sentence_ids][1].startswith("On rare occasions, radiation alone")


def test_offsets_round_trip_to_the_file(parsed: dict[str, ParsedDocument]) -> None:
    for doc in parsed.values():
        path = CORPUS / f"{doc.source_id}.txt"
        raw = path.read_text(encoding="utf-8")
        for s in doc.sentences:
            assert raw[s.start : s.end] == s.text == source_span(path, s.start, s.end)
        for p in doc.passages:
            assert raw[p.start : p.end].startswith(doc.sentences[p.sentence_ids[0]].text)


def test_pubmed_fields_are_extracted(parsed: dict[str, ParsedDocument]) -> None:
    onoki = parsed["pubmed-onoki-2018"].metadata
    assert onoki["title"] == (
        "Recurrent primary osseous hemangiopericytoma in the thoracic spine: a case report and literature review"
    )
    assert onoki["first_author"] == "Takahiro Onoki"
    assert onoki["journal"] == "Eur Spine J"
    assert onoki["year"] == 2018
    assert onoki["doi"] == "10.1007/s00586-017-5322-1"
    parts = onoki["abstract_parts"]
    assert isinstance(parts, dict) and list(parts) == ["Purpose", "Methods", "Results", "Conclusions"]
    assert parts["Results"].startswith("At 2 years after surgery")
    woitzik = parsed["pubmed-woitzik-2003"].metadata
    assert (woitzik["first_author"], woitzik["journal"], woitzik["year"], woitzik["doi"]) == (
        "Johannes Woitzik",
        "Clin Neurol Neurosurg",
        2003,
        "10.1016/s0303-8467(02)00140-3",
    )
    methods = [s for s in parsed["pubmed-onoki-2018"].sentences if s.context == "Methods"]
    assert methods[0].text.startswith("We performed a two-stage operation")  # the "Methods:" label is not text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("About 900 children are diagnosed in the U.S. each year. Next one.", 2),
        ("Johannes Woitzik et al. Clin Neurol Neurosurg. 2003 Jul.", 2),
        ("First sentence.\u00a0Second sentence after a no-break space.", 2),
        ("Dr. Smith saw 2.5 cm. It grew.", 2),
        ("No full stop at the end", 1),
        ("", 0),
    ],
)
def test_split_sentences(text: str, expected: int) -> None:
    spans = split_sentences(text)
    assert len(spans) == expected
    for start, end in spans:
        assert text[start:end] == text[start:end].strip()


def write_stub_corpus(root: Path) -> Path:
    """A tiny real corpus: one HTML page and one Markdown page captured like the seeds."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "stub-page.html").write_text(
        "<html><head><title>x</title><script>var chrome = 1;</script></head><body>"
        "<nav>Skip to main page content</nav>"
        "<h2>What is glomangioma?</h2>"
        "<p>Glomangioma is a <b>very rare</b> tumor &amp; it grows slowly. It is usually benign.</p>"
        "<p>Common signs include:</p><ul><li>a small blue lump</li><li>pain in the cold</li></ul>"
        "<p>PubMed Disclaimer</p></body></html>",
        encoding="utf-8",
    )
    (root / "stub-notes.md").write_text(
        "# Glomangioma notes\n\n## How is it treated?\n\nSurgery removes the tumor.\n\n"
        "Options include:\n\n- surgery\n- laser therapy\n\nSimilar articles\n",
        encoding="utf-8",
    )
    manifest = {
        "documents": [
            {
                "id": "stub-page",
                "file": "stub-page.html",
                "title": "Glomangioma",
                "kind": "patient page",
                "audience": "family",
                "topics": ["glomangioma"],
            },
            {
                "id": "stub-notes",
                "file": "stub-notes.md",
                "title": "Glomangioma notes",
                "kind": "patient page",
                "audience": "family",
                "topics": ["glomangioma"],
            },
        ]
    }
    (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return root


def test_html_and_markdown_documents_are_cleaned_with_offsets(tmp_path: Path) -> None:
    root = write_stub_corpus(tmp_path / "stub")
    docs = {d.source_id: d for d in parse_corpus(load_corpus(root))}
    page = docs["stub-page"]
    texts = [s.text for s in page.sentences]
    assert texts[:2] == ["Glomangioma is a very rare tumor & it grows slowly.", "It is usually benign."]
    assert "var chrome" not in " ".join(texts) and "PubMed Disclaimer" not in " ".join(texts)
    assert page.sentences[0].section == "What is glomangioma?"
    listed = next(b for b in page.blocks if b.kind == "list")
    assert [page.sentences[i].text for i in listed.sentence_ids] == [
        "Common signs include:",
        "a small blue lump",
        "pain in the cold",
    ]
    for s in page.sentences:
        assert source_span(root / "stub-page.html", s.start, s.end) == s.text
    notes = docs["stub-notes"]
    assert notes.sections == ["Glomangioma notes", "How is it treated?"]
    assert [s.text for s in notes.sentences] == [
        "Surgery removes the tumor.",
        "Options include:",
        "surgery",
        "laser therapy",
    ]
