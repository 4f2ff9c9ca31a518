"""The citation gate's checks on their own: support (words and numbers) and verbatim extracts.

Quotes here are written for the test (no index needed); the gate reads them from a real file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.citations import enforce_citations, is_verbatim_extract, supports
from assistant.schema import Citation
from assistant.text import normalise, numbers

FIGURE = "Metastases were found in 0.4% of patients, and 12 of 1,000 needed a second operation."
ITEMS = "Common signs include:\n• a painless swelling\n• tiredness\n• weight loss"
OTHER = "A second passage about treatment says radiation is used after surgery."


def test_decimal_numbers_keep_their_point() -> None:
    assert "0.4" in normalise("in 0.4% of patients.").split()
    assert numbers("0.4% and 1,000 people, 12 of them") == {"0.4", "1000", "12"}
    # A sentence's closing full stop is punctuation, not a decimal point.
    assert normalise("It ended in 2018.") == "it ended in 2018"


def test_a_figure_with_a_decimal_point_is_supported_by_its_quote() -> None:
    assert supports("Metastases were found in 0.4% of patients. [1]", [FIGURE])
    assert not supports("Metastases were found in 0.5% of patients. [1]", [FIGURE])
    # "4" alone is not in the quote: "0.4" and "14"-like tokens do not contain it.
    assert not supports("Metastases were found in 4% of patients. [1]", [FIGURE])
    assert supports("12 of 1000 needed a second operation. [1]", [FIGURE])


def test_support_compares_whole_words() -> None:
    quote = "The tumour was removed completely."
    # "move" is inside "removed", but is not a word of the quote.
    assert not supports("The tumour can move. [1]", [quote], min_overlap=1.0)
    assert supports("The tumour was removed. [1]", [quote], min_overlap=1.0)


def test_verbatim_extract_accepts_quoted_text_labels_and_rendered_lists() -> None:
    assert is_verbatim_extract("Metastases were found in 0.4% of patients, [1]", [FIGURE])
    assert is_verbatim_extract("Metastases   were found\nin 0.4% of patients [1]", [FIGURE])  # white space folded
    assert is_verbatim_extract("Figures: Metastases were found in 0.4% of patients [1]", [FIGURE])
    assert is_verbatim_extract("Common signs include: a painless swelling; tiredness; weight loss. [1]", [ITEMS])
    assert is_verbatim_extract("a painless swelling; weight loss. [1][2]", [OTHER, ITEMS])


def test_verbatim_extract_refuses_text_from_elsewhere() -> None:
    # A gloss from another passage inserted inside a quoted sentence.
    assert not is_verbatim_extract(
        "Metastases were found in 0.4% of patients (radiation is used after surgery) [1][2]", [FIGURE, OTHER]
    )
    # Two passages joined into one sentence.
    assert not is_verbatim_extract(
        "Metastases were found in 0.4% of patients, radiation is used after surgery. [1][2]", [FIGURE, OTHER]
    )
    # Items out of the list's order, an item the list does not have, or a changed word.
    assert not is_verbatim_extract("tiredness; a painless swelling. [1]", [ITEMS])
    assert not is_verbatim_extract("a painless swelling; fever. [1]", [ITEMS])
    assert not is_verbatim_extract("Metastases were found in 0.5% of patients [1]", [FIGURE])
    # A "label" that is really a sentence of its own.
    assert not is_verbatim_extract(
        "Radiation is always used after surgery in every single patient we saw: tiredness [1]", [ITEMS]
    )
    assert not is_verbatim_extract("[1]", [FIGURE])


@pytest.fixture
def source(tmp_path: Path) -> tuple[Path, list[Citation]]:
    text = f"{FIGURE}\n\n{OTHER}\n"
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    citations = []
    for marker, quote in ((1, FIGURE), (2, OTHER)):
        start = text.index(quote)
        citations.append(
            Citation(marker=marker, source_id="doc", title="Doc", quote=quote, start=start, end=start + len(quote))
        )
    return path, citations


def test_gate_keeps_a_decimal_figure_and_removes_inserted_text(source: tuple[Path, list[Citation]]) -> None:
    path, citations = source
    answer = (
        "Metastases were found in 0.4% of patients. [1] "
        "Radiation is used after surgery, and metastases were found in 0.4% of patients. [1][2]"
    )
    plain = enforce_citations(answer, citations, lambda _: path)
    assert "0.4%" in plain.text and len(plain.removed) == 0  # both claims are supported word for word
    strict = enforce_citations(answer, citations, lambda _: path, extractive=True)
    assert strict.text == "Metastases were found in 0.4% of patients. [1]"
    assert [r.split(":")[0] for r in strict.removed] == ["not verbatim text of its quote"]
    assert [c.marker for c in strict.citations] == [1]


def test_a_word_hyphenated_across_a_line_end_reads_whole_in_the_gate() -> None:
    """A printed page's "treat-" / "ment" is the word "treatment": a claim that reads it so is verbatim text of the
    quote and supported by it; a true compound broken at a line end ("long-" / "term") keeps its hyphen."""
    quote = "It is slight-\nly more common in women, and the treat-\n  ment is long-\nterm."
    claim = "It is slightly more common in women, and the treatment is long-term. [1]"
    assert is_verbatim_extract(claim, [quote]) and supports(claim, [quote])
    assert not is_verbatim_extract("It is slightly more common in men. [1]", [quote])


def test_a_prefix_hyphenated_at_a_line_end_is_never_joined_into_another_word() -> None:
    """ "re-" / "present" is no "represent", nor "re-" / "cover" "recover": a second part that is a word of its own
    keeps the hyphen, so a claim saying the other word is not verbatim text of the quote."""
    from assistant.ingest import reflow

    quote = "If this happens, re-\npresent to the clinic. The nurse will then re-\ncover the wound."
    assert reflow(quote) == "If this happens, re-present to the clinic. The nurse will then re-cover the wound."
    assert not is_verbatim_extract("If this happens, represent to the clinic. [1]", [quote])
    assert not is_verbatim_extract("The nurse will then recover the wound. [1]", [quote])
