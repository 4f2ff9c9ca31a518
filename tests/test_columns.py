"""A text capture's two printed columns, read down each column (assistant.columns), from ingest to a verified quote."""

from __future__ import annotations

import json
from pathlib import Path

from assistant import Assistant, Settings
from assistant.citations import quote_is_verbatim
from assistant.columns import column_text, layout_of
from assistant.corpus import source_span
from assistant.ingest import reflow
from assistant.ui import paragraph_html, source_groups

LEFT = [
    "What is zentaroma?",
    "",
    "Zentaroma is a rare growth of the",
    "small glands in the lining of the",
    "womb. It is not a cancer, and it is",
    "found in about 1 in every 800",
    "pregnancies in the UK.",
    "",
    "Nothing you did caused it, and",
    "nothing you did or did not do could",
    "have prevented it.",
]
RIGHT = [
    "How is it treated?",
    "",
    "Most women need only a small oper-",
    "ation to remove it. A few need a",
    "course of zerocaptin, given as an",
    "injection of 40 mg into the thigh",
    "muscle every other day for 8 days.",
    "",
    "After treatment you will send us a",
    "urine sample every 2 weeks until",
    "your levels are normal.",
]


def two_column_page(left: list[str], right: list[str], gutter: int = 42) -> str:
    """A page as ``pdftotext -layout`` writes two columns: each line the left column's, padded, then the right's."""
    rows = [f"   {a}".ljust(gutter) + b if b else f"   {a}" for a, b in zip(left, right, strict=True)]
    return "\n".join(["   Zentaroma: your follow-up                                    Testville Hospital", "", *rows])


def test_a_page_in_two_columns_is_read_down_each_column() -> None:
    footer = "   Leaflet ZT-01 · Version 2 · Review 2027                            Page 1 of 1"
    text = f"{two_column_page(LEFT, RIGHT)}\n\n{footer}\n"
    layout = layout_of(text)
    assert len(layout.regions) == 1 and layout.regions[0].split == 42
    start = text.index("Zentaroma is a rare")
    end = text.index("pregnancies in the UK.") + len("pregnancies in the UK.")
    shown = column_text(text, start, end)
    assert len(shown) == end - start  # the file's offsets
    assert reflow(shown) == (
        "Zentaroma is a rare growth of the small glands in the lining of the womb. It is not a cancer, and it is "
        "found in about 1 in every 800 pregnancies in the UK."
    )
    right_start = text.index("Most women need")
    right_end = text.index("muscle every other day for 8 days.") + len("muscle every other day for 8 days.")
    assert "operation to remove it" in reflow(column_text(text, right_start, right_end))
    assert "zerocaptin" not in reflow(column_text(text, start, end))


def test_a_table_a_box_or_a_single_column_is_no_two_column_page() -> None:
    table = "\n".join(
        f"{label:<26}{a:<33}{b}"
        for label, a, b in [
            ("What is inside", "Blood, in many small chambers", "Clear yellow fluid, one chamber"),
            ("Usual age", "10 to 20 years", "5 to 15 years"),
            ("Common places", "Leg bones, upper arm, spine,", "Top of upper arm bone,"),
            ("", "pelvis", "top of thigh bone"),
            ("How it grows", "Can grow fast and bulge", "Grows slowly, stays inside"),
            ("", "the bone outwards", "the bone"),
            ("Usual first sign", "Pain and swelling", "A break after a small fall"),
        ]
    )
    assert layout_of(table).regions == ()
    prose = "\n".join(["Zentaroma is a rare growth of the small glands in the lining of the womb."] * 12)
    assert layout_of(prose).regions == ()
    assert layout_of("").regions == () and column_text("", 0, 0) == ""
    # A box beside a page's text that fills less than half the page is left as it is.
    page = "\n".join([*(f"   Line {n} of a long page of prose that runs across the whole width." for n in range(30))])
    boxed = page + "\n" + two_column_page(LEFT[:8], RIGHT[:8])
    assert layout_of(boxed).regions == ()


def test_a_two_column_leaflet_answers_with_quotes_from_one_column(tmp_path: Path) -> None:
    """A leaflet saved with ``pdftotext -layout`` in two columns: its sentences are found and quoted down their column,
    each quote verbatim at its offsets (the other column's characters blanked), none with the other column's words."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = two_column_page(LEFT, RIGHT) + "\n"
    (corpus / "leaflet.txt").write_text(text, encoding="utf-8")
    entry = {"id": "test-zentaroma", "file": "leaflet.txt", "title": "Zentaroma: your follow-up",
             "publisher": "Testville Hospital", "kind": "patient page", "audience": "family",
             "topics": ["zentaroma"]}  # fmt: skip
    (corpus / "manifest.json").write_text(json.dumps({"documents": [entry]}))
    bot = Assistant.load(Settings(corpus_dir=corpus, data_dir=tmp_path / "data"))
    common = bot.ask("how common is zentaroma")
    assert not common.abstained and "1 in every 800" in common.text
    dose = bot.ask("zerocaptin dose for zentaroma?", audience="clinician")
    assert not dose.abstained and "40 mg into the thigh muscle" in dose.text
    for answer in (common, dose):
        for citation in answer.citations:
            assert quote_is_verbatim(citation, bot.index.source_path)
            assert citation.quote == source_span(corpus / "leaflet.txt", citation.start, citation.end)
        mixed = [c.quote for c in answer.citations if "zerocaptin" in c.quote and "pregnancies" in c.quote]
        assert not mixed
    # The chat shows the quote inside its paragraph as printed in its column, not read across both.
    shown = " ".join(paragraph_html(group, 0) for group in source_groups(bot, dose))
    assert "40 mg into the thigh" in shown and "pregnancies in the UK" not in shown and "rare growth" not in shown
