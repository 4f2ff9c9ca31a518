"""Cleaning and structure on the real corpus, on fixture pages of other sites and layouts
(tests/fixtures/ingest, written for these tests), and on a tiny stub corpus of HTML and Markdown."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from assistant.corpus import SourceDocument, load_corpus, source_span
from assistant.ingest import ANAPHOR_RE, ParsedDocument, parse_corpus, reflow, site_groups, split_sentences
from tests.conftest import CORPUS

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"

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


@pytest.mark.parametrize(
    ("sentence", "points_back"),
    [
        ("In this procedure, a doctor guides a needle into the tumor.", True),
        ("After that surgery, most children walk within weeks.", True),
        ("During these visits, the doctor checks the scar.", True),
        ("In this article, we report a rare case.", False),  # the writing itself, not a sentence before
        ("In the lungs, it may cause a cough.", False),
    ],
)
def test_a_sentence_opening_on_what_was_just_described_points_back(sentence: str, points_back: bool) -> None:
    assert bool(ANAPHOR_RE.match(sentence)) is points_back


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
        # (a stop inside brackets that close further on ends no sentence)
        ("Call 555-0174 (Monday to Friday, 7 a.m. to 7 p.m. Central time) or write. Then more.", 2),
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
        "<h3>Laser <em>therapy</em></h3><p>Laser light can shrink a small one.</p>"
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


def parse_one_page(folder: Path, file: str, text: str, **entry: str) -> tuple[ParsedDocument, Path]:
    """A corpus of one glomangioma page written for the test (``entry``: manifest fields to add), parsed."""
    folder.mkdir()
    page = folder / file
    page.write_text(text, encoding="utf-8")
    info = {
        "id": page.stem,
        "file": file,
        "title": "Glomangioma",
        "kind": "patient page",
        "audience": "family",
        "topics": ["glomangioma"],
        **entry,
    }
    (folder / "manifest.json").write_text(json.dumps({"documents": [info]}), encoding="utf-8")
    return parse_corpus(load_corpus(folder))[0], page


def test_markdown_marks_are_not_quoted_and_offsets_still_hold(tmp_path: Path) -> None:
    """A Markdown page's bold, italic, code, link and blockquote marks are what a reader never sees: the quoted
    sentences leave them out, and each quote is still what ``source_span`` reads at its offsets."""
    doc, page = parse_one_page(
        tmp_path / "md",
        "marked.md",
        "[Home](/) › [Conditions](/conditions)\n\n# Glomangioma\n\n"
        "> **Key points**\n>\n> - Glomangioma is a *rare* tumor of the skin.\n"
        "> - Most are removed in one visit.\n\n"
        "## How is it treated?\n\nTreatment depends on its size:\n\n"
        "- **Small ones:** a [laser](https://example.org/laser) can shrink them.\n"
        "- **Large ones:** surgery removes the tumor, and the `PTEN` test is not needed.\n"
        "- Drugs known as **MAP**: **M**ethotrexate and a **P**latinum drug.\n",
    )
    texts = [s.text for s in doc.sentences]
    # (A mark inside a word leaves no gap in it: "**M**ethotrexate" reads "Methotrexate".)
    assert "Drugs known as MAP: Methotrexate and a Platinum drug." in texts
    assert "Glomangioma is a rare tumor of the skin." in texts
    assert "Small ones: a laser can shrink them." in texts
    assert "Large ones: surgery removes the tumor, and the PTEN test is not needed." in texts
    assert not any(mark in text for text in texts for mark in ("*", "[", "](", "`", "> "))
    for sentence in doc.sentences:
        assert source_span(page, sentence.start, sentence.end) == sentence.text


def test_a_footer_notice_between_page_furniture_is_not_content(tmp_path: Path) -> None:
    """A site's advertising notice in the footer, between its interface lines, is furniture; a last paragraph
    of content under its heading, above the footer links, is not."""
    doc, _ = parse_one_page(
        tmp_path / "footer",
        "page.txt",
        "Glomangioma\n\nOverview\nA glomangioma is a rare tumor of the skin. It grows slowly.\n\n"
        "Symptoms\nThe main sign is a small blue lump that hurts in the cold.\n\n"
        "Outlook\nMost people are cured by surgery.\n\n"
        "By Hillcrest Clinic Staff\nPrint\nShow references\nRequest an appointment\nAdvertisement\n"
        "Hillcrest Clinic does not endorse companies or products. Advertising revenue supports our mission.\n"
        "Policy\nOpportunities\nAd Choices\n",
        publisher="Hillcrest Clinic",
    )
    texts = [s.text for s in doc.sentences]
    assert "Most people are cured by surgery." in texts
    assert not any("endorse" in t or "Advertising revenue" in t for t in texts)


def test_stories_teasers_and_search_forms_are_not_content(tmp_path: Path) -> None:
    """One patient's story, as its label or its link calls it, is an anecdote; a paragraph closed by a line
    sending the reader to another page is a teaser; a search box is a form. None is quoted; the page's
    own sentences around them are."""
    doc, _ = parse_one_page(
        tmp_path / "teasers",
        "page.txt",
        "Glomangioma\n\nHow is glomangioma treated?\nSurgery removes the lump. Most people need nothing more.\n\n"
        "Meet Lena\nLena had a painful blue spot under her nail for years. After 20 minutes of surgery she was "
        "free of pain. Read Lena’s story ›\n\n"
        "Patient story: Tom, 12, had a cold-sensitive lump on his thumb. Read how a short operation fixed it.\n\n"
        "Find a doctor\nFind a doctor who treats glomangioma\n[ Search by name or ZIP code ]  Search\n"
        "Or call 555-0142 to make an appointment.\nRelated conditions\nNail tumors\nSkin lumps\nPrint\nPrivacy\n",
    )
    texts = [s.text for s in doc.sentences if s.role not in ("aside", "dangling")]
    assert "Surgery removes the lump." in texts
    # (A number to call, amid the page's furniture, is how a family reaches the team: kept.)
    assert "Or call 555-0142 to make an appointment." in texts
    assert not any("Lena" in t or "Tom" in t or "Read how" in t or "Search" in t or "Nail" in t for t in texts)


def test_lists_of_links_and_related_labels_are_not_content(tmp_path: Path) -> None:
    """A list whose every item is a link (a sidebar's "Clinical trials", a Markdown "Related pages") and the list
    under a "Related ..." label point to other pages: their titles are no facts of this one. A list of the page's
    own words stays, and so does a one-element-per-line page's text after such a list."""
    html, _ = parse_one_page(
        tmp_path / "html",
        "page.html",
        "<main><h1>Glomangioma</h1><h2>Symptoms</h2><p>The most common signs are:</p>"
        "<ul><li>Pain in the cold</li><li>A small <a href='/blue'>blue spot</a> under a nail</li></ul></main>"
        "<aside><h2>Clinical trials</h2><ul><li><a href='/t'>Zerotinib for advanced glomangioma (enrolling)</a></li>"
        "<li> <a href='/u'>Cold therapy versus surgery</a> </li></ul></aside>",
    )
    texts = " ".join(s.text for s in html.sentences)
    assert "Pain in the cold" in texts and "blue spot" in texts
    assert "Zerotinib" not in texts and "Cold therapy" not in texts
    markdown, _ = parse_one_page(
        tmp_path / "md",
        "page.md",
        "# Glomangioma\n\nSurgery removes the lump. Most people need nothing more after it.\n\n## Related pages\n\n"
        "- [Glomangioma in adults](/adults)\n- [Fundraise for us](/fundraise)\n\n"
        "## Living with it\n\n- Keep the hand warm in winter\n- [Our helpline](/help) answers questions\n",
    )
    texts = " ".join(s.text for s in markdown.sentences)
    assert "Surgery removes the lump." in texts and "Keep the hand warm" in texts and "Our helpline" in texts
    assert "Glomangioma in adults" not in texts and "Fundraise" not in texts
    listed, _ = parse_one_page(
        tmp_path / "txt",
        "page.txt",
        "Glomangioma\nOverview\nA glomangioma is a small, painful lump that grows from the cells that control the "
        "warmth of the skin.\nTreatment\nSurgery removes the lump, and most people need nothing more after it.\n"
        "Related summaries:\n- Nail tumor treatment\n- Skin lumps in children\n",
    )
    texts = " ".join(s.text for s in listed.sentences)
    assert "Surgery removes the lump" in texts and "Nail tumor" not in texts and "Skin lumps" not in texts
    one_per_line, _ = parse_one_page(
        tmp_path / "lines",
        "page.txt",
        "Glomangioma\nPrint this page | Email\nRelated fact sheets\nNail tumors\nSkin lumps\nCold hands\nOverview\n"
        "A glomangioma is a small, painful lump that grows from the cells that control the warmth of the skin.\n"
        "Treatment\nSurgery removes the lump, and most people need nothing more after the operation.\n",
    )
    texts = " ".join(s.text for s in one_per_line.sentences)
    assert "A glomangioma is a small, painful lump" in texts and "Surgery removes the lump" in texts
    assert "Nail tumors" not in texts and "Cold hands" not in texts


def test_a_story_under_a_heading_calling_it_one_is_an_aside(tmp_path: Path) -> None:
    """A section headed as someone's story ("A parent's story"), told in their own words, is an anecdote: never
    quoted as what the page says of everyone. The page's own sections, in its "you" and "we", stay."""
    doc, _ = parse_one_page(
        tmp_path / "story",
        "page.md",
        "# Glomangioma\n\n## Treatment\n\nSurgery removes the lump. We see most children again after six weeks.\n\n"
        "## A parent's story\n\n> \"Lena was 9 when my husband noticed a blue spot under her nail. The surgeon "
        'removed it the next month and she was back at school in a week."\n\n'
        "## Our team's story\n\nThe clinic opened in 2010 and has grown every year since.\n",
    )
    role = {s.text: s.role for s in doc.sentences}
    assert role["Surgery removes the lump."] == "sentence"
    assert all(r == "aside" for t, r in role.items() if "Lena" in t or "surgeon removed" in t)
    assert any("Lena" in t for t in role)
    # (A heading with "story" over text in no one's own words is not a testimony.)
    assert role["The clinic opened in 2010 and has grown every year since."] == "sentence"


def test_an_html_page_of_two_conditions_keeps_each_heading_its_own_text(tmp_path: Path) -> None:
    """Each HTML heading heads the text under it (the blank lines left by tags are no lost sub-heading); the
    page's table of contents (its items are its own headings further down) is not content; a comparison
    table whose corner cell is empty is read as a table, its rows as items, not as headings."""
    page = Path(__file__).parent / "fixtures" / "pages" / "two-conditions.html"
    doc, _ = parse_one_page(tmp_path / "two", "page.html", page.read_text(encoding="utf-8"))
    section_of = {s.text: s.section for s in doc.sentences}
    # Each condition's part repeats the headings ("Symptoms", "How is it treated?"): each is named with its part.
    assert (
        section_of["Chondroblastoma usually causes joint pain that has lasted for months."]
        == "Chondroblastoma: Symptoms"
    )
    assert section_of["It comes back in about 1 in 10 people."] == "Chondroblastoma: How is it treated?"
    assert section_of["Chondromyxoid fibroma often causes a dull ache or no symptoms at all."] == (
        "Chondromyxoid fibroma: Symptoms"
    )
    assert not any(s.text in ("Chondroblastoma", "How do they compare?") for s in doc.sentences)
    rows = [" ".join(s.text.split()) for s in doc.sentences if s.role == "item"]
    assert "Usual age Teenagers Young adults" in rows
    assert not any(h.startswith("Usual") for h in doc.sections)


def test_lists_that_only_look_like_contents_or_menus_stay_content(tmp_path: Path) -> None:
    """A led list ("Options include:") whose items later head their own sections is content; so is a list
    with an item no heading has; a call to act on what a paragraph says ends it as content; a three-column
    row of links under a full header row is no comparison table."""
    doc, _ = parse_one_page(
        tmp_path / "lists",
        "page.txt",
        "Glomangioma\n\nHow is glomangioma treated?\nOptions include:\n- Surgery\n- Laser therapy\n\n"
        "Treatments\n- Surgery\n- Sclerotherapy\n\n"
        "Surgery\nA surgeon removes the lump.\n\nLaser therapy\nA laser shrinks the lump.\n\n"
        "When to see a doctor\nMost lumps are harmless. Request an urgent appointment if the lump grows quickly.\n\n"
        "About us\tCareers\tNewsroom\nPrivacy policy\tTerms\tAccessibility\nContact\tDonate\tVolunteer\n",
    )
    texts = [" ".join(s.text.split()) for s in doc.sentences if s.role not in ("aside", "dangling")]
    assert "Laser therapy" in texts and "Sclerotherapy" in texts
    assert "Request an urgent appointment if the lump grows quickly." in texts
    assert not any("Careers" in t or "Accessibility" in t for t in texts)


def test_a_leaflet_captured_from_a_pdf_keeps_its_headings_and_wrapped_items(tmp_path: Path) -> None:
    """A leaflet captured from a PDF wraps list items with a hanging indent: the indented lines continue the
    item above them (a quote of the item is whole), and each item is still an item of its list."""
    doc, page = parse_one_page(
        tmp_path / "leaflet",
        "leaflet.txt",
        "Glomangioma\n\nWHAT IS GLOMANGIOMA?\nGlomangioma is a rare tumour of the skin. It grows from the\n"
        "glomus body, which keeps the skin warm.\n\nSIDE EFFECTS\nSurgery can leave a small scar on the finger\n"
        "that fades with time.\n\nHow is it diagnosed?\n\nYour child will usually have:\n"
        "• an ultrasound scan of the lump, followed by an MRI scan of the\n  whole hand\n"
        "• a biopsy, where a small sample of the lump is looked at under a\n  microscope\n",
    )
    items = [" ".join(s.text.split()) for s in doc.sentences if s.role == "item"]
    assert items == [
        "an ultrasound scan of the lump, followed by an MRI scan of the whole hand",
        "a biopsy, where a small sample of the lump is looked at under a microscope",
    ]
    assert "microscope" not in doc.sections
    # A capitals heading set straight above prose wrapped at the page's width is a heading, not a quote.
    assert "WHAT IS GLOMANGIOMA?" in doc.sections
    assert "WHAT IS GLOMANGIOMA?" not in [s.text for s in doc.sentences]
    assert "SIDE EFFECTS" in doc.sections and not any("SIDE EFFECTS" in s.text for s in doc.sentences)
    for sentence in doc.sentences:
        assert source_span(page, sentence.start, sentence.end) == sentence.text


def test_a_numbered_step_wrapped_without_an_indent_goes_on_in_lower_case(tmp_path: Path) -> None:
    """``pdftotext`` without ``-layout`` wraps a numbered step at the page's width with no hanging indent: a line in
    lower case under a step that stops mid-sentence goes on with it ("(zerotinib or glo-" / "masevel) may be
    added"); a line opening a new sentence does not."""
    doc, page = parse_one_page(
        tmp_path / "leaflet",
        "leaflet.txt",
        "Glomangioma\n\nYOUR COUNTDOWN TO SURGERY\n"
        "1. At least 14 days before surgery: start the tablets. Most\npeople take zerotinib, starting at 2 mg a day.\n"
        "2. If your pulse stays fast, a second tablet (zerotinib or glo-\nmasevel) may be added.\n"
        "Feeling dizzy when you stand up is common.\n",
    )
    items = [" ".join(s.text.split()) for s in doc.sentences if s.role == "item"]
    assert "Most people take zerotinib, starting at 2 mg a day." in items
    assert "If your pulse stays fast, a second tablet (zerotinib or glo- masevel) may be added." in items
    assert "Feeling dizzy when you stand up is common." not in items
    for sentence in doc.sentences:
        assert source_span(page, sentence.start, sentence.end) == sentence.text


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
    # Inline tags leave wide gaps in the masked view: a heading with one is still a heading.
    assert "Laser therapy" in page.sections
    assert [s.section for s in page.sentences if s.text.startswith("Laser light")] == ["Laser therapy"]
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


# --- other sites and layouts ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def fixture_sources() -> list[SourceDocument]:
    return load_corpus(FIXTURES)


@pytest.fixture(scope="module")
def fixtures(fixture_sources: list[SourceDocument]) -> dict[str, ParsedDocument]:
    return {d.source_id: d for d in parse_corpus(fixture_sources)}


def passage_texts(doc: ParsedDocument) -> list[str]:
    return [" ".join(doc.sentences[i].text for i in p.sentence_ids) for p in doc.passages]


def assert_headings_not_quoted(doc: ParsedDocument, asked: list[str], labels: list[str]) -> None:
    """The page's question headings are its sections, and neither they nor its labels are ever quoted."""
    assert set(asked) <= set(doc.sections)
    text = quoted(doc)
    for heading in [*asked, *labels]:
        assert heading not in text


def quoted(doc: ParsedDocument) -> str:
    """Everything an answer could quote from the document."""
    return "\n".join(passage_texts(doc))


def test_fixture_offsets_round_trip_to_the_file(fixtures: dict[str, ParsedDocument]) -> None:
    for doc in fixtures.values():
        path = next(FIXTURES.glob(f"{doc.source_id}.*"))
        raw = path.read_text(encoding="utf-8")
        assert doc.sentences
        for s in doc.sentences:
            assert raw[s.start : s.end] == s.text == source_span(path, s.start, s.end)


def test_pages_of_one_site_are_grouped_by_publisher_or_opening_lines(fixture_sources: list[SourceDocument]) -> None:
    ids = [doc.source_id for doc in fixture_sources]
    groups = sorted(sorted(ids[i] for i in group) for group in site_groups(fixture_sources))
    assert groups == [
        ["crestview-wilms-tumor"],
        ["harbor-glomus-tumor", "harbor-lipoblastoma"],
        ["lakeside-pilomatrixoma"],
        ["legacy-okafor-2016"],
        ["pubmed-fairweather-2016", "pubmed-quintero-2011"],
        ["summit-nodular-fasciitis"],
    ]


def test_a_site_alert_banner_navigation_and_footer_are_never_quoted(fixtures: dict[str, ParsedDocument]) -> None:
    for source_id in ("harbor-glomus-tumor", "harbor-lipoblastoma"):
        doc = fixtures[source_id]
        text = "\n".join(s.text for s in doc.sentences)
        for chrome in (
            "Garage B is closed",  # the alert banner above the title
            "Parking details",
            "Find a Specialist",  # navigation
            "Signs  |  Testing",  # tab rail
            "Ask a Nurse",  # a label repeated on every page of the site
            "Was this page helpful",  # footer
            "All rights reserved",
            "Page reviewed by the Hand and Skin Program",  # a footer sentence repeated on the site
        ):
            assert chrome not in text, (source_id, chrome)
        assert any("Garage B is closed" in line for line in doc.dropped_lines)
    first = fixtures["harbor-glomus-tumor"].passages[0]
    assert first.section == "What is a glomus tumor?"


def test_a_cookie_banner_link_list_and_read_more_link_are_dropped(fixtures: dict[str, ParsedDocument]) -> None:
    doc = fixtures["lakeside-pilomatrixoma"]
    text = "\n".join(s.text for s in doc.sentences)
    for chrome in ("cookies", "In this article", "Read more about skin biopsies", "Last updated"):
        assert chrome not in text
    assert doc.sections == ["Pilomatrixoma in children", "Signs", "Treatment"]
    assert "Pilomatrixomas rarely come back once they are fully removed." in quoted(doc)


def test_a_bullet_shared_by_pages_stays_in_every_list(fixtures: dict[str, ParsedDocument]) -> None:
    """Two pages of one site and a page of another share a symptom bullet: each list keeps it, whole."""
    shared = "A small lump that does not hurt"
    leads = {
        "harbor-glomus-tumor": "Parents may notice:",
        "harbor-lipoblastoma": "Signs can include:",
        "lakeside-pilomatrixoma": "Look for:",
    }
    for source_id, lead in leads.items():
        doc = fixtures[source_id]
        lists = [p for p in doc.passages if p.kind == "list"]
        assert len(lists) == 1, source_id
        texts = [doc.sentences[i].text for i in lists[0].sentence_ids]
        assert texts[0] == lead and texts[1] == shared, (source_id, texts)
        assert len(texts) >= 4


def test_a_sentence_shared_by_two_pages_of_one_site_is_kept_in_both(fixtures: dict[str, ParsedDocument]) -> None:
    for source_id in ("harbor-glomus-tumor", "harbor-lipoblastoma"):
        assert "Most children recover fully after surgery." in passage_texts(fixtures[source_id])


def test_continue_reading_links_and_promotional_cards_are_not_quoted(fixtures: dict[str, ParsedDocument]) -> None:
    doc = fixtures["harbor-glomus-tumor"]
    assert "Continue reading" not in "\n".join(s.text for s in doc.sentences)
    # Content above a "Continue reading…" link under a question heading is still evidence.
    assert "An ultrasound or MRI can show the size of the tumor before surgery." in passage_texts(doc)
    # A card that speaks for the site and ends in a link ("Book a visit ›") is an aside, never evidence.
    card = [s for s in doc.sentences if s.section == "Why families choose Harbor Point"]
    assert card and {s.role for s in card} == {"aside"}
    assert "same-week visits" not in quoted(doc)


def test_a_patient_story_with_a_photo_caption_is_not_quoted(fixtures: dict[str, ParsedDocument]) -> None:
    doc = fixtures["harbor-glomus-tumor"]
    assert any(line.startswith("Photo: Ava") for line in doc.dropped_lines)
    story = [s for s in doc.sentences if s.section == "Ava's story"]
    assert story and {s.role for s in story} == {"aside"}
    assert "snowmen" not in quoted(doc) and "Photo:" not in quoted(doc)


def test_a_sub_heading_set_directly_above_its_paragraph_is_a_heading(fixtures: dict[str, ParsedDocument]) -> None:
    doc = fixtures["harbor-glomus-tumor"]
    assert {"Surgery", "Laser treatment"} <= set(doc.sections)
    surgery = next(s for s in doc.sentences if s.text.startswith("The surgeon removes"))
    assert surgery.section == "Surgery" and surgery.text == "The surgeon removes the whole tumor through a small cut."


def test_a_group_label_and_a_question_heading_set_straight_above_their_prose_are_headings(
    fixtures: dict[str, ParsedDocument],
) -> None:
    """ "Symptoms and Causes" / "What are the symptoms of X?" / prose, with no blank lines between: the label
    is the section's context, the question its heading, and neither is quoted as a sentence."""
    doc = fixtures["summit-nodular-fasciitis"]
    asked = [
        "What are the symptoms of nodular fasciitis?",
        "How is nodular fasciitis diagnosed?",
        "What is the outlook for nodular fasciitis?",
        "When should I see my healthcare provider?",
    ]
    assert_headings_not_quoted(
        doc, asked, ["Symptoms and Causes", "Diagnosis and Tests", "Living With", "Advertisement"]
    )
    lump = next(s for s in doc.sentences if s.text.startswith("Most people notice"))
    assert (lump.section, lump.context) == ("What are the symptoms of nodular fasciitis?", "Symptoms and Causes")
    sample = next(s for s in doc.sentences if s.text.startswith("A provider takes"))
    assert (sample.section, sample.context) == ("How is nodular fasciitis diagnosed?", "Diagnosis and Tests")
    # The label over the outlook was dropped as furniture ("Outlook / Prognosis"): no stale label remains.
    outlook = next(s for s in doc.sentences if s.text.startswith("The outlook is excellent"))
    assert (outlook.section, outlook.context) == ("What is the outlook for nodular fasciitis?", None)
    # A line opening with its own label ("Surgery: A surgeon removes ...") is a part of its section.
    treated = [b for b in doc.blocks if b.section == "How is nodular fasciitis treated?"]
    assert [b.labelled for b in treated] == [False, True, True, True]
    assert [doc.sentences[b.sentence_ids[0]].text.split(":")[0] for b in treated[1:]] == [
        "Watchful waiting",
        "Surgery",
        "Steroid shot",
    ]
    # List items captured without their bullets, under a lead ending in ':', are the lead's list ...
    call = next(b for b in doc.blocks if b.section == "When should I see my healthcare provider?")
    assert call.kind == "list" and [len(item) for item in call.items] == [1, 1, 1]
    assert [doc.sentences[item[0]].text for item in call.items][1] == "Is larger than 5 centimeters"
    # ... but lines wrapped mid-sentence under such a lead are one paragraph, not a list.
    wrapped = next(s for s in doc.sentences if "whether the cells" in " ".join(s.text.split()))
    assert wrapped.role != "item"
    # "Advertisement" between two sections is a slot of the page, not a heading.
    assert "Advertisement" not in doc.sections and doc.dropped_lines.count("Advertisement") == 3


def test_the_unfinished_end_of_a_cut_capture_is_never_quoted(fixtures: dict[str, ParsedDocument]) -> None:
    doc = fixtures["harbor-lipoblastoma"]
    last = doc.sentences[-1]
    assert last.text.endswith("every six months during the") and last.role == "dangling"
    assert "every six months" not in quoted(doc)
    assert "so your child will have check-ups for a few years." in quoted(doc)


def test_a_pubmed_page_without_a_doi_line_has_its_front_matter_parsed_not_quoted(
    fixtures: dict[str, ParsedDocument],
) -> None:
    doc = fixtures["pubmed-quintero-2011"]
    meta = doc.metadata
    assert (meta["first_author"], meta["first_author_surname"], meta["journal"], meta["year"]) == (
        "Marta Quintero",
        "Quintero",
        "J Rare Pediatr Surg",
        2011,
    )
    assert meta["title"] == "Lipoblastoma of the neck compressing the airway in a 14-month-old boy"
    assert meta["publication_type"] == "Case Reports" and meta["issue"] == "14(2):88-91"
    assert "doi" not in meta
    text = quoted(doc)
    for front in ("Quintero et al", "2011 Feb", "Case Reports", "compressing the airway in a 14-month-old"):
        assert front not in text
    assert doc.sections == ["Abstract"]
    assert passage_texts(doc)[0].startswith("We describe a 14-month-old boy")


def test_a_capitals_labelled_abstract_of_another_layout(fixtures: dict[str, ParsedDocument]) -> None:
    doc = fixtures["legacy-okafor-2016"]
    meta = doc.metadata
    assert meta["authors"] == ["Okafor CN", "Lindgren P", "Ruiz-Ortega M"]
    assert (meta["first_author"], meta["first_author_surname"]) == ("C. N. Okafor", "Okafor")
    assert (meta["journal"], meta["year"], meta["issue"], meta["pmid"]) == (
        "J Hand Tumor Surg",
        2016,
        "8(4):201-4",
        "27654321",
    )
    assert meta["title"] == "Subungual glomus tumour misdiagnosed as a wart for six years: case report"
    assert meta["keywords"] == ["Cold sensitivity", "Glomus tumour", "Nail bed"]
    assert meta["publication_type"] == "Case Reports"
    parts = meta["abstract_parts"]
    assert isinstance(parts, dict) and list(parts) == ["Background", "Case presentation", "Conclusions"]
    presentation = [s.text for s in doc.sentences if s.context == "Case presentation"]
    assert presentation[0].startswith("A 34-year-old woman")  # the label is not part of the quote
    text = quoted(doc)
    for front in ("Okafor CN", "Department of Hand Surgery", "Copyright", "PMID", "KEYWORDS", "Humans"):
        assert front not in text


def test_a_new_page_of_a_seed_site_changes_no_seed_passage(tmp_path: Path, parsed: dict[str, ParsedDocument]) -> None:
    """Metamorphic: a sibling page of the same publisher that repeats a seed page's symptom bullet, a
    sentence and its closing list and paragraph (site template prose) leaves every seed passage as
    it was, and keeps those lines itself."""
    root = tmp_path / "grown"
    shutil.copytree(CORPUS, root)
    seed = next(d for d in load_corpus(CORPUS) if d.info.publisher and d.info.kind == "patient page")
    seed_doc = parsed[seed.source_id]
    bullet_line = next(line for line in seed.text.splitlines() if line.strip().startswith("•"))
    shared_sentence = next(
        seed_doc.sentences[p.sentence_ids[0]].text for p in seed_doc.passages if p.kind == "sentence"
    )
    seed_lines = seed.text.rstrip().splitlines()
    last_lead = max(i for i, line in enumerate(seed_lines) if line.rstrip().endswith(":"))
    closing = "\n".join(seed_lines[last_lead:])  # the seed's last list and whatever follows it
    sibling = "\n\n".join(
        [
            "What is a spindle cell tumor?",
            "A spindle cell tumor is a growth made of long, thin cells. Most are found in the arms and legs.",
            "What are the symptoms of a spindle cell tumor?",
            "Children may have:\n" + bullet_line + "\n  • a swelling that grows slowly",
            "How is it treated?",
            shared_sentence,
            "What is the outlook?",
            closing,
        ]
    )
    (root / "sibling.txt").write_text(sibling + "\n", encoding="utf-8")
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    manifest["documents"].append(
        {**seed.info.model_dump(), "id": "sibling", "file": "sibling.txt", "title": "Spindle cell tumor"}
    )
    (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    grown = {d.source_id: d for d in parse_corpus(load_corpus(root))}
    for source_id, before in parsed.items():
        assert passage_texts(grown[source_id]) == passage_texts(before), source_id
    sibling_doc = grown["sibling"]
    listed = next(p for p in sibling_doc.passages if p.kind == "list")
    items = [sibling_doc.sentences[i].text for i in listed.sentence_ids]
    assert items == ["Children may have:", bullet_line.strip().lstrip("• "), "a swelling that grows slowly"]
    assert shared_sentence in passage_texts(sibling_doc)
    closing_passages = [p for p in sibling_doc.passages if p.section == "What is the outlook?"]
    assert closing_passages and closing_passages[0].kind == "list"


def test_a_structured_abstract_with_its_labels_on_lines_of_their_own(fixtures: dict[str, ParsedDocument]) -> None:
    """ "Abstract" / "Background" / prose / "Case presentation" / prose, with no blank lines: each label is
    the context of the prose under it and is never quoted; the title, authors and numbered affiliations
    above the abstract are front matter, not sentences."""
    doc = fixtures["pubmed-fairweather-2016"]
    text = quoted(doc)
    for front in ("Ines Fairweather", "Department of Pathology", "a case report", "Case presentation", "Background"):
        assert front not in text
    contexts = {s.context for s in doc.sentences}
    assert contexts == {"Background", "Case presentation", "Conclusions"}
    girl = next(s for s in doc.sentences if s.text.startswith("A 15-year-old girl"))
    assert (girl.section, girl.context) == ("Abstract", "Case presentation")
    assert doc.metadata["first_author_surname"] == "Fairweather"
    assert doc.metadata["pmid"] == "99030517"
    assert list(doc.metadata["abstract_parts"]) == ["Background", "Case presentation", "Conclusions"]


def test_a_page_captured_one_element_per_line_without_blank_lines(fixtures: dict[str, ParsedDocument]) -> None:
    """Every heading, paragraph and list item on a line of its own and no blank line anywhere: each
    question heading still opens its section, a lead's items are its list up to the next heading, a run of
    questions under a question heading is that heading's list, and an advertising block ending in its
    "Policy" link is not quoted."""
    doc = fixtures["crestview-wilms-tumor"]
    asked = [
        "What is Wilms tumor?",
        "Who does Wilms tumor affect?",
        "What are the symptoms of Wilms tumor?",
        "What causes Wilms tumor?",
        "How is Wilms tumor diagnosed?",
        "How is Wilms tumor treated?",
        "What questions should I ask my doctor?",
    ]
    assert_headings_not_quoted(doc, asked, ["Symptoms and Causes", "Living With", "Policy"])
    text = quoted(doc)
    assert "endorse" not in text and "Advertising on our site" not in text
    affects = next(s for s in doc.sentences if s.text.startswith("It most often affects"))
    assert affects.section == "Who does Wilms tumor affect?"
    signs = next(b for b in doc.blocks if b.section == "What are the symptoms of Wilms tumor?" and b.kind == "list")
    items = [doc.sentences[item[0]].text for item in signs.items]
    assert items == [
        "A swelling or lump in the belly.",
        "Belly pain.",
        "Blood in the urine.",
        "Fever without a clear reason.",
    ]
    assert doc.sentences[signs.sentence_ids[0]].text == "Signs can include:"
    cause = next(s for s in doc.sentences if s.text.startswith("Doctors usually do not know"))
    assert cause.section == "What causes Wilms tumor?" and cause.role == "sentence"
    questions = next(b for b in doc.blocks if b.section == "What questions should I ask my doctor?")
    assert questions.kind == "list" and len(questions.items) == 3
    # "About 9 in 10 of them ..." is quoted with the sentence that says who "them" are.
    counted = [t for t in passage_texts(doc) if "9 in 10 of them" in t]
    assert counted and all(t.startswith("Most children with Wilms tumor do well.") for t in counted)


def test_pages_with_blank_lines_are_not_read_as_one_element_per_line() -> None:
    """The seed pages leave blank lines between their paragraphs, which the parser reads as they are; only
    a page with (almost) none is read one element per line."""
    from assistant.ingest import _lines, _separate_elements
    from assistant.settings import Settings

    for source in load_corpus(CORPUS):
        assert not _separate_elements(_lines(source.text), Settings()), source.source_id
    dense = next(d for d in load_corpus(FIXTURES) if d.source_id == "crestview-wilms-tumor")
    assert _separate_elements(_lines(dense.text), Settings())


DENSE_PAGE = "\n".join(
    [
        "Seaview Children's Hospital",
        "Home",
        "Our services",
        "Glomangioma",
        "Overview",
        "A glomangioma is a small growth made of blood vessels and glomus cells. It is not a cancer.",
        "Patient story",
        '"Back on the pitch" - Nine-year-old Ravi had a sore lump on his finger for a year.',
        "The scan showed a glomangioma.",
        "Read how Ravi and his family got through surgery.",
        "Read Ravi's story",
        "Signs and symptoms",
        "A glomangioma often causes:",
        "pain when the lump is touched",
        "pain in the cold",
        "a blue or pink spot under the nail",
        "Tests",
        "Ultrasound: shows a small lump with a good blood supply.",
        "MRI scan: shows how deep the lump goes.",
        "Treatment",
        "Surgery: the surgeon removes the whole lump through a small cut. Most children need only one operation.",
        "Laser: sometimes used for small lumps close to the skin.",
        "After treatment",
        "The pain usually stops within a few days of surgery.",
        "Contact us",
        "Call 555-0100 to book an appointment.",
    ]
)


def test_a_page_without_blank_lines_keeps_headings_set_over_their_text(tmp_path: Path) -> None:
    """One element per line and no blank lines: a heading straight above a sentence or a lead ("Tests" over
    "Ultrasound: shows ...") opens its section even after a list item or a link, and one patient's story,
    closed by a teaser and a "Read Ravi's story" link, is not quoted."""
    doc, _ = parse_one_page(tmp_path / "dense", "glomangioma.txt", DENSE_PAGE)
    section_of = {s.text: s.section for s in doc.sentences}
    assert section_of["Ultrasound: shows a small lump with a good blood supply."] == "Tests"
    assert section_of["Laser: sometimes used for small lumps close to the skin."] == "Treatment"
    assert section_of["The pain usually stops within a few days of surgery."] == "After treatment"
    assert section_of["A glomangioma often causes:"] == "Signs and symptoms"
    text = quoted(doc)
    assert "The scan showed a glomangioma." not in text and "Ravi" not in text
    assert "Tests" not in text.split() and "Signs and symptoms" not in text


def test_an_author_list_cut_short_with_et_al_names_the_first_author(tmp_path: Path) -> None:
    """ "Ingrid M Halvorsen 1, Tobias Aanerud 1, Sadia Qureshi-Mbeki 2, et al." is the report's author list: "the
    Halvorsen case" is known. A citation line ("Smith J, et al. Title. Journal. 2018") is still no author list."""
    from assistant.ingest import _author_names

    page = (
        "Case Reports\nPediatr Thorac Case Rep\n. 2019 Aug;5(3):187-191.\n\n"
        "Glomangioma of the lung in a 3-year-old boy\n\n"
        "Ingrid M Halvorsen 1, Tobias Aanerud 1, Sadia Qureshi-Mbeki 2, et al.\n"
        "Affiliations\n1 Department of Paediatric Surgery, Fjordvik, Norway.\nPMID: 31402258\n\n"
        "Abstract\nGlomangioma is rare. We describe a previously healthy 3-year-old boy with a lung cyst. "
        "He is well after surgery.\n"
    )
    doc, _ = parse_one_page(tmp_path / "pm", "pubmed-halvorsen-2019.txt", page, kind="case report abstract")
    assert doc.metadata["first_author_surname"] == "Halvorsen"
    assert _author_names("Smith J, Jones K, et al. Cystic lung lesions in infancy. J Pediatr. 2018") == []


def test_an_author_list_ending_in_a_collective_author_names_its_people() -> None:
    """PubMed lists a study group after the people, past a semicolon: the list is still the authors'."""
    from assistant.ingest import _author_names

    line = "Mei-Ling Tsai 1, Astrid Berg 2, Rebecca M Hale 1; Glomangioma Registry Collaborative Group"
    assert _author_names(line) == ["Mei-Ling Tsai", "Astrid Berg", "Rebecca M Hale"]
    spaced = "Ana Ruiz 1 , Bo Lind 2 , Cy Dunn 1 ; Northern Glomangioma Outcomes Collaborative"  # as PubMed pastes it
    assert _author_names(spaced) == ["Ana Ruiz", "Bo Lind", "Cy Dunn"]
    assert _author_names("Smith AL; Jones B; Brown C") == ["Smith AL", "Jones B", "Brown C"]
    assert _author_names("Contact us; Opening times") == []


def row_passages_by_word(doc: ParsedDocument, word: int) -> list[str]:
    """The passages of a document that are one item (a table's rows), each named by its ``word``-th word."""
    return [doc.sentences[p.sentence_ids[0]].plain.split()[word] for p in doc.passages if p.kind == "item"]


def test_an_html_table_without_figures_is_a_table_whose_rows_are_claims(tmp_path: Path) -> None:
    """A <table> of words (no figures, no empty corner) is still a table in HTML: its header leads its rows, and
    each row is a passage of its own, so "paclitaxel side effects" can be answered by the Paclitaxel row."""
    page = (
        "<html><body><h1>Glomangioma</h1><h2>Side effects</h2><p>The table lists common side effects.</p>"
        "<table><thead><tr><th>Treatment</th><th>Common side effects</th><th>What can help</th></tr></thead>"
        "<tbody><tr><td>Surgery</td><td>Pain and numbness around the scar</td><td>Painkillers</td></tr>"
        "<tr><td>Paclitaxel</td><td>Hair loss and tingling in the hands</td><td>Report tingling early</td></tr>"
        "</tbody></table></body></html>"
    )
    doc, _ = parse_one_page(tmp_path / "html", "glomangioma.html", page)
    table = next(b for b in doc.blocks if b.kind == "list")
    assert table.table and len(table.items) == 2
    assert row_passages_by_word(doc, 0) == ["Surgery", "Paclitaxel"]


LEAFLET_PAGE = (
    "Seaview Hospital                    Department of Radiology\n"
    "Patient leaflet – Glomangioma – Page 1 of 2\n\n"
    "What is a glomangioma?\n"
    "A glomangioma is a small growth of blood vessels. It is usually treated\n"
    "by surgery, and the treat-\n"
    "ment takes about an hour. It is slight-\n"
    "ly more common in women.\n\n"
    "Ref: RAD-0101 v2          Issued: May 2023\n"
    "Seaview Hospital – caring for you\n"
    "\fSeaview Hospital                    Department of Radiology\n"
    "Patient leaflet – Glomangioma – Page 2 of 2\n\n"
    "Why have I been offered surgery?\n"
    "Many patients find that the pain keeps coming back when they stop taking\n"
    "painkillers. Surgery aims to stop the pain for good.\n\n"
    "When to call us\n"
    "A fever above 38°C,          Ring the nurses during the\n"
    "or a red wound               day.\n\n"
    "Contact numbers\n"
    "Radiology nurses (Monday to Friday): 01632 960418\n"
    "Out of hours: hospital switchboard 01632 960000 – ask for the on-call\n"
    "radiology registrar\n\n"
    "Ref: RAD-0101 v2          Issued: May 2023\n"
    "Seaview Hospital – caring for you\n"
)


def test_a_leaflet_converted_from_pdf_is_read_as_printed(tmp_path: Path) -> None:
    """A PDF leaflet's text: its running header and footer (recurring at the top and bottom of the pages a form feed
    splits) are furniture, never a section; a question heading over a wrapped paragraph heads it; a word hyphenated
    across a line end reads whole ("treatment") while its quote stays the file's own; "Label: number" contact lines
    are whole; two columns read across a line are never quoted."""
    doc, page = parse_one_page(tmp_path / "pdf", "glomangioma.txt", LEAFLET_PAGE)
    assert not any("Page" in section or "Ref" in section for section in doc.sections)
    section_of = {s.plain: s.section for s in doc.sentences if s.role != "dangling"}
    assert section_of["Surgery aims to stop the pain for good."] == "Why have I been offered surgery?"
    assert "by surgery, and the treatment takes about an hour." in " ".join(section_of)
    assert "It is slightly more common in women." in section_of
    treatment = next(s for s in doc.sentences if "treat-" in s.text)
    assert "treat-\nment" in page.read_text(encoding="utf-8")[treatment.start : treatment.end]
    assert section_of["Radiology nurses (Monday to Friday): 01632 960418"] == "Contact numbers"
    assert any(t.startswith("Out of hours: hospital switchboard 01632 960000") for t in section_of)
    text = quoted(doc)
    assert "Ring the nurses" not in text and "Department of Radiology" not in text and "RAD-0101" not in text


def test_printed_page_rules_do_not_misread_ordinary_text(tmp_path: Path) -> None:
    """What the PDF and dense-page rules must leave alone: a capture cut after a range of years is still unfinished
    ("between 2010-2015" is no number to call); a wrapped paragraph whose second line opens with a name keeps its
    sentence whole (its first line is no heading); headings that differ only by number ("Cycle 1", "Cycle 2") at
    the top of pages are no running header."""
    wrapped = (
        "Glomangioma\n\nAbout the clinic\n"
        "Your child will be seen by a surgeon at Seaview\nChildren's Hospital in the hand\n"
        "clinic. The visit takes about an hour.\n\n"
        "Outcome: of 120 children treated here between 2010-2015, 97 had no further pain, and the\n"
    )
    doc, _ = parse_one_page(tmp_path / "wrapped", "glomangioma.txt", wrapped)
    visit = next(s for s in doc.sentences if s.plain.startswith("Your child will be seen"))
    assert visit.plain.endswith("in the hand clinic.") and not any(h.startswith("Your child") for h in doc.sections)
    outcome = next(s for s in doc.sentences if s.plain.startswith("Outcome:"))
    assert outcome.role == "dangling"
    cycles = "Glomangioma: your treatment\n\n" + "\f".join(
        f"Cycle {n}\nOn day {n} your child has a dose of the medicine by a drip. It takes about "
        f"an hour.\n\nWhat to bring\nBring a drink and a book.\n"
        for n in (1, 2, 3)
    )
    doc, _ = parse_one_page(tmp_path / "cycles", "glomangioma.txt", cycles)
    assert {"Cycle 1", "Cycle 2", "Cycle 3"} <= set(doc.sections)


def test_a_menu_label_naming_stories_does_not_swallow_the_page(tmp_path: Path) -> None:
    """On a page without blank lines, a menu's "Patient stories" followed, after the page's own text, by a
    "Download our leaflet" link is no story: the heading under it still heads its text."""
    lines = [
        "Seaview Children's Hospital",
        "Home",
        "Patient stories",
        "Signs and symptoms",
        "The main sign is a small, very painful spot under the nail.",
        "Pain gets worse in the cold.",
        "Download our glomangioma leaflet",
        *[f"Line {n} of the page footer text." for n in range(20)],
    ]
    doc, _ = parse_one_page(tmp_path / "menu", "glomangioma.txt", "\n".join(lines))
    sign = next(s for s in doc.sentences if s.plain.startswith("The main sign"))
    assert sign.section == "Signs and symptoms" and sign.role == "sentence"


def test_a_markdown_table_of_words_is_a_table_under_its_header(tmp_path: Path) -> None:
    """A Markdown table says it is one by the rule row under its header ("|---|---|"), figures or not: its header
    (short cells, like a menu's labels) leads its rows, and each row is a passage of its own, read as a rendered
    table shows it, without the pipes between its cells (and so quoted)."""
    page = (
        "# Glomangioma\n\n## How is it treated?\n\nTreatment happens in three phases:\n\n"
        "| Phase | What happens | How long |\n|---|:---|---|\n"
        "| Induction | Medicine is given to shrink the growth before surgery | About ten weeks |\n"
        "| Local control | Surgery removes the growth with a margin of healthy tissue | One or two weeks |\n\n"
        "Most children finish treatment within a year.\n"
    )
    doc, _ = parse_one_page(tmp_path / "md", "glomangioma.md", page)
    table = next(b for b in doc.blocks if b.kind == "list")
    assert table.table and len(table.items) == 2
    assert doc.sentences[table.sentence_ids[0]].plain.split() == ["Phase", "What", "happens", "How", "long"]
    assert row_passages_by_word(doc, 0) == ["Induction", "Local"]
    row = doc.sentences[table.items[0][0]]
    assert row.plain == "Induction Medicine is given to shrink the growth before surgery About ten weeks"
    assert source_span(tmp_path / "md" / "glomangioma.md", row.start, row.end) == row.plain


WIKI_PAGE = (
    "Jump to content\nMain menu\nSearch\n\nGlomangioma\nFrom the free medical encyclopedia\n\n"
    "Glomangioma is a rare growth of blood vessels and glomus cells.[1] It most often appears under a nail.[2][3] "
    "It is almost never cancer.[citation needed]\n\n"
    "Treatment[edit]\nSurgery removes the growth, and it rarely comes back.[4]\n\n"
    "References[edit]\n"
    '^ a b Smith J, Jones K (2019). "Glomus tumours of the hand". Journal of Hand Tumours. 12 (3): 201-219.\n'
    '^ Patel R (2020). "Nail bed growths". Skin Review. 8 (2): 45-58.\n\n'
    "This page was last edited on 3 May 2024.\n"
    "Text is available under a Creative Commons licence; by using this site, you agree to the Terms of Use.\n"
)


def test_an_encyclopedia_page_reads_its_sentences_without_their_reference_marks(tmp_path: Path) -> None:
    """A wiki capture: a sentence ends at its stop, its reference marks ("[1]", "[2][3]", "[citation needed]")
    neither glue it to the next one nor leave it unfinished, and are not quoted; "[edit]" is no part of a section's
    name; the reference list under "References[edit]" ("^ a b Smith J (2019). ...") and the licence line are not
    content."""
    doc, _ = parse_one_page(tmp_path / "wiki", "glomangioma.txt", WIKI_PAGE)
    said = {s.plain: s for s in doc.sentences if s.role == "sentence"}
    assert {
        "Glomangioma is a rare growth of blood vessels and glomus cells.",
        "It most often appears under a nail.",
        "It is almost never cancer.",
    } <= set(said)
    assert said["Surgery removes the growth, and it rarely comes back."].section == "Treatment"
    text = quoted(doc)
    assert "[1]" not in text and "Smith J" not in text and "Glomus tumours of the hand" not in text
    assert "Creative Commons" not in text


def test_a_sentence_after_a_list_at_the_foot_of_a_page_is_content(tmp_path: Path) -> None:
    """The last sentence of a page's text, under a list and over its footer ("These may be signs of ..."), is
    content: a list's items above it are no page furniture. The footer's small print is."""
    page = (
        "Glomangioma\n\nWhen to call\nCall 911 right away if you have:\n\nA sudden, severe headache\n"
        "Chest pain or pressure\nA very fast heartbeat\n\nThese may be signs of a crisis.\n\n"
        "Images\nHand anatomy\nNail bed\n\nReferences\nSmith J. Glomus tumours. J Hand. 2019;12:201-9.\n\n"
        "The information on this page is for general education only. Copyright 1997-2024 Health Content, Inc.\n"
        "To use the sharing features on this page, please enable JavaScript.\n"
    )
    doc, _ = parse_one_page(tmp_path / "foot", "glomangioma.txt", page)
    text = quoted(doc)
    assert "These may be signs of a crisis." in text
    assert "general education" not in text and "JavaScript" not in text


def test_a_pages_names_field_lists_its_other_names(tmp_path: Path) -> None:
    """A reference card's "Synonym(s):" over a list, an infobox's "Other names<TAB>X, Y" and an encyclopedia's
    "Alternative Names" over "X; Y" give the page's other names as data; a line of prose under them does not."""
    card = "Glomangioma\n\nORPHA:1234\nSynonym(s):\nGlomuvenous growth\nGVG\nPrevalence: 1-9 / 1 000 000\n\nText.\n"
    infobox = "Glomangioma\n\nOther names\tGlomus growth, GG\nSpecialty\tDermatology\n\nText.\n"
    alternative = "Glomangioma\n\nAlternative Names\nGlomus growth; Blue nail growth\n\nImages\nNail\n"
    found = [
        parse_one_page(tmp_path / name, "glomangioma.txt", page)[0].metadata.get("other_names")
        for name, page in (("card", card), ("infobox", infobox), ("alternative", alternative))
    ]
    assert found == [["Glomuvenous growth", "GVG"], ["Glomus growth", "GG"], ["Glomus growth", "Blue nail growth"]]
    prose = "Glomangioma\n\nOther names\nThe growth has been given many names over the years by different doctors.\n"
    assert "other_names" not in parse_one_page(tmp_path / "prose", "glomangioma.txt", prose)[0].metadata


def test_a_faqs_question_and_answer_labels_are_not_text(tmp_path: Path) -> None:
    """ "Q: Did an injury cause it?" over "A: There is no evidence ...": the question heads its answer without its
    "Q:", and the answer is quoted without its "A:"."""
    page = (
        "Glomangioma\n\nFrequently asked questions\n\nQ: Did an injury cause my tumor?\n"
        "A: There is no evidence that injuries cause it. Most people remember a knock.\n\n"
        "Q: Can it come back?\nA: Yes, in about 1 in 10 people.\n"
    )
    doc, _ = parse_one_page(tmp_path / "faq", "glomangioma.txt", page)
    said = {s.plain: s.section for s in doc.sentences if s.role == "sentence"}
    assert said["There is no evidence that injuries cause it."] == "Did an injury cause my tumor?"
    assert said["Yes, in about 1 in 10 people."] == "Can it come back?"


def test_a_reference_cards_fields_are_facts_and_a_menus_labels_are_not(tmp_path: Path) -> None:
    """A reference card's run of "Label: value" fields ("Inheritance: Not applicable", "ICD-10: D48.1") gives a fact
    per line, led by no sentence above it; a menu's "Language: English | Francais" run stays furniture."""
    page = (
        "Glomangioma\n\nORPHA:1234\nSynonym(s):\nGlomus growth\nInheritance: Not applicable\n"
        "Age of onset: Adult\nICD-10: D48.1\n\nDisease definition\nGlomangioma is a rare growth of the skin.\n"
    )
    doc, _ = parse_one_page(tmp_path / "card", "glomangioma.txt", page)
    items = [s.plain for s in doc.sentences if s.role == "item"]
    assert items == ["Inheritance: Not applicable", "Age of onset: Adult", "ICD-10: D48.1"]
    assert not any(s.role == "lead" for s in doc.sentences)
    menu = (
        "Glomangioma\n\nLanguage: English | Francais | Espanol\nRegion: Europe | Asia | Africa\n"
        "Site: Main | Mobile | Print\n\nDisease definition\nGlomangioma is a rare growth of the skin.\n"
    )
    doc, _ = parse_one_page(tmp_path / "menu", "glomangioma.txt", menu)
    assert "English" not in quoted(doc)


def test_a_pubmed_pages_own_navigation_list_opens_no_furniture(tmp_path: Path) -> None:
    """A PubMed capture with its "Page navigation" list ("Abstract", "Similar articles", "References", ...) above the
    abstract and no blank lines anywhere: the list's entries name sections further down and are links, so the
    abstract after them is still read; the real "Similar articles" at the foot is furniture."""
    lines = [
        "Full text links",
        "Page navigation",
        "Title & authors",
        "Abstract",
        "Similar articles",
        "References",
        "MeSH terms",
        "Case Reports",
        "Pediatr Spine Case Rep",
        ". 2023 Feb 10;11(1):e0042.",
        "Glomangioma of the neck in an adolescent: a case report",
        "Paula Reyes 1, James Whitford 2",
        "PMID: 36842219",
        "Abstract",
        "Background",
        "Glomangioma is a rare benign tumor of the skin that rarely affects the neck.",
        "Case",
        "A 14-year-old boy presented with a 6-month history of neck pain.",
        "Similar articles",
        "Glomus tumours of the neck: a review. Smith J, et al. J Neck. 2019;4:1-9.",
        "References",
        "MeSH terms",
    ]
    doc, _ = parse_one_page(tmp_path / "nav", "glomangioma.txt", "\n".join(lines), kind="case report abstract")
    said = [s.plain for s in doc.sentences if s.role == "sentence"]
    assert said == [
        "Glomangioma is a rare benign tumor of the skin that rarely affects the neck.",
        "A 14-year-old boy presented with a 6-month history of neck pain.",
    ]
    # ... and where the navigation list comes after the content, the real "Similar articles" above it is furniture.
    footer = [
        *lines[7:16],
        "Similar articles",
        "Sunitinib in advanced glomangioma: a retrospective series.",
        "Page navigation",
        "Similar articles",
        "Cited by",
        "MeSH terms",
    ]
    doc, _ = parse_one_page(tmp_path / "foot", "glomangioma.txt", "\n".join(footer), kind="case report abstract")
    assert "Sunitinib" not in quoted(doc) and "Glomangioma is a rare benign tumor" in quoted(doc)


def test_a_label_set_apart_over_its_list_is_a_heading(tmp_path: Path) -> None:
    """ "Chemotherapy" with a blank line above it and its bullets straight under it heads them; the items are its
    section's, not the section above's, and the label is no dangling sentence."""
    page = (
        "Glomangioma\n\nTreatment\nEvery child gets surgery. Some also get medicine.\n\nChemotherapy\n"
        "• Medicine is given through a port in the chest.\n• Most children need four cycles.\n\nSurgery\n"
        "• The surgeon removes the growth with a margin.\n"
    )
    doc, _ = parse_one_page(tmp_path / "labels", "glomangioma.txt", page)
    section_of = {s.plain: s.section for s in doc.sentences}
    assert section_of["Medicine is given through a port in the chest."] == "Chemotherapy"
    assert section_of["The surgeon removes the growth with a margin."] == "Surgery"
    assert "Chemotherapy" not in section_of


def test_an_html_table_of_links_is_no_table(tmp_path: Path) -> None:
    page = (
        "<html><body><table><tr><th>Our doctors</th><th>Research</th></tr><tr><td>Donate</td><td>Careers</td></tr>"
        "<tr><td>Contact</td><td>News</td></tr></table><h1>Glomangioma</h1><p>Glomangioma is a rare growth.</p>"
        "</body></html>"
    )
    doc, _ = parse_one_page(tmp_path / "nav", "glomangioma.html", page)
    assert not any(b.table for b in doc.blocks) and not [p for p in doc.passages if p.kind == "item"]


def test_an_html_list_laid_out_one_item_per_line_is_one_list(tmp_path: Path) -> None:
    """ "<p>... may be offered if:</p>" over "<ul>" with each "<li>" indented on its own line: the tags leave two
    blank lines between items, which end no list; the lead and all three items are one list."""
    page = (
        "<html><body><h1>Glomangioma</h1><h2>Imatinib</h2>\n<p>It's taken as a tablet and may be offered if:</p>\n"
        "<ul>\n  <li>the cancer cannot be removed with surgery</li>\n  <li>the cancer has spread</li>\n"
        "  <li>a large cancer needs to be made smaller before surgery</li>\n</ul>\n"
        "<p>The usual dose for adults is 400mg once a day.</p></body></html>"
    )
    doc, _ = parse_one_page(tmp_path / "ul", "glomangioma.html", page)
    lists = [b for b in doc.blocks if b.kind == "list"]
    assert len(lists) == 1 and len(lists[0].items) == 3
    assert doc.sentences[lists[0].sentence_ids[0]].role == "lead"


def test_a_box_border_is_furniture_and_a_numbered_title_over_prose_is_a_heading(tmp_path: Path) -> None:
    """A summary's "+------+" box border is no heading of what follows, and "1. General Information About X" set
    over prose (a blank line between) heads it; a numbered list of items stays a list."""
    page = (
        "Glomangioma Summary\n\n+----------------------------------+\n| KEY POINTS                       |\n"
        "+----------------------------------+\n\n1. General Information About Glomangioma\n\n"
        "Glomangioma is a rare growth of the skin.\n\nIt is usually painful.\n\n2. Treatment Option Overview\n\n"
        "Surgery is the main treatment. The steps are:\n\n1. numbing the finger\n2. removing the lump\n"
        "3. closing the wound\n"
    )
    doc, _ = parse_one_page(tmp_path / "pdq", "glomangioma.txt", page)
    section_of = {s.plain: s.section for s in doc.sentences}
    assert section_of["Glomangioma is a rare growth of the skin."] == "General Information About Glomangioma"
    assert section_of["Surgery is the main treatment."] == "Treatment Option Overview"
    assert not any(set(h) <= set("+-=| ") for h in doc.sections)
    steps = next(b for b in doc.blocks if b.kind == "list")
    assert len(steps.items) == 3


# A PDF quick reference saved with ``pdftotext -layout``: a dose table, label columns, a comparison table, contacts.
PRINTED_REFERENCE = (Path(__file__).parent / "fixtures" / "printed-reference.txt").read_text(encoding="utf-8")


def test_a_printed_table_and_its_label_columns_are_read_as_rows(tmp_path: Path) -> None:
    """A PDF reference saved with ``pdftotext -layout``: a table's rows under their header, each row one quote
    with its wrapped cell; "Dose      250 mg ..." fields, one fact each; a comparison table with its corner left
    empty. A row whose lines interleave two wrapped cells is never quoted; bullets stay bullets."""
    doc, _ = parse_one_page(tmp_path / "ref", "zrt-reference.txt", PRINTED_REFERENCE)

    def role_of(start: str) -> str:
        return next(s.role for s in doc.sentences if " ".join(s.text.split()).startswith(start))

    quoted = [" ".join(s.text.split()) for s in doc.sentences if s.role not in ("dangling", "aside")]
    assert "Drug Dose Route Interval" in quoted  # the header leads its rows
    assert "Glomatuzumab 120 mg deep SC every 28 days, or as directed" in quoted  # a cell wrapped under itself
    assert "refractory 30 mg deep IM every 3 weeks (off-label)" in quoted
    assert role_of("Zenplatin") == "dangling"  # "orally" / "once" wraps under an earlier column: interleaved
    assert role_of("Dose 250 mg") == "item" and role_of("Monitor") == "item"
    assert role_of("Renal") == "dangling"  # the label wraps beside its value: interleaved
    assert role_of("Usual rash") == "item" and role_of("Given to") == "item"
    assert role_of("Comes back after") == "dangling"
    assert role_of("Zentaroma nurses") == "item" and role_of("Pharmacist") == "item"
    assert role_of("Phone the nurses first") == "item" and role_of("Out of hours") == "item"
    assert not any("──" in s.text for s in doc.sentences) and "──" not in " ".join(doc.sections)
    sections = {s.section for s in doc.sentences if s.text.startswith("Dose")}
    assert sections == {"ZEROCAPTIN"}


def test_an_infobox_captured_with_tabs_is_read_field_by_field(tmp_path: Path) -> None:
    """An encyclopedia's infobox saved as text ("Specialty<TAB>Dermatology"): each field a fact of its own, none the
    header of a table made of the fields under it. A table of figures under its header stays a table."""
    page = (
        "Glomangioma\n\nGlomangioma\nOther names\tMGA\nA glomangioma on a finger (photo)\n"
        "Specialty\tDermatology\nSymptoms\tA small, painful blue lump\nCauses\tMostly unknown\n"
        "Treatment\tSurgery, laser therapy\nPrognosis\tAbout 9 in 10 never come back\n\n"
        "Glomangioma is a rare tumour of the fingers.\n\nSurvival\n\n"
        "Stage\t5-year survival\nLocalized\t99%\nSpread\t80%\n"
    )
    doc, _ = parse_one_page(tmp_path / "wiki", "glomangioma.txt", page)
    roles = {s.text.split("\t")[0]: s.role for s in doc.sentences}
    for label in ("Specialty", "Symptoms", "Causes", "Treatment", "Prognosis", "Localized", "Spread"):
        assert roles[label] == "item", label
    assert roles["Stage"] == "lead"


def test_a_narrow_columns_short_lines_are_prose_not_labels(tmp_path: Path) -> None:
    """Prose wrapped at a narrow column's width has lines as short as a menu's ("A zentaroma, also called a"), but
    each goes on in lower case on the next: the paragraph is read whole, its first line too, under its heading."""
    text = (
        "Zentaroma: your follow-up\n\nWhat is a zentaroma?\n\n"
        "A zentaroma, also called a\nglandular mole, is a growth\nthat does not develop normally.\n"
        "The cells that would form\nthe lining grow too much.\n\nHow is it found?\n\n"
        "Most are found on a scan\nin the first weeks of pregnancy.\n"
    )
    doc, _ = parse_one_page(tmp_path / "z", "zentaroma.txt", text, title="Zentaroma: your follow-up")
    sentences = [reflow(s.text) for s in doc.sentences if s.role == "sentence"]
    assert "A zentaroma, also called a glandular mole, is a growth that does not develop normally." in sentences
    assert "The cells that would form the lining grow too much." in sentences
    first = next(s for s in doc.sentences if s.text.startswith("A zentaroma"))
    assert first.section == "What is a zentaroma?"
