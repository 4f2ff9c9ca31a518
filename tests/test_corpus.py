"""Adding documents: accepted types load; anything else is refused with a message naming the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.corpus import load_corpus, read_manifest
from assistant.errors import CorpusError


def add_entry(corpus: Path, file: str, doc_id: str = "new-doc") -> None:
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    manifest["documents"].append(
        {"id": doc_id, "file": file, "title": "New", "kind": "patient page", "audience": "family", "topics": []}
    )
    (corpus / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_the_real_manifest_describes_every_document() -> None:
    from tests.conftest import CORPUS

    infos = {i.id: i for i in read_manifest(CORPUS)}
    assert set(infos) == {
        "dfci-hemangiopericytoma",
        "pubmed-woitzik-2003",
        "pubmed-onoki-2018",
        "dfci-alveolar-soft-part-sarcoma",
    }
    assert infos["pubmed-onoki-2018"].doi == "10.1007/s00586-017-5322-1"
    assert infos["pubmed-woitzik-2003"].kind == "case report abstract"
    assert infos["dfci-alveolar-soft-part-sarcoma"].audience == "family"
    assert len(load_corpus(CORPUS)) == 4


def test_a_new_markdown_document_is_accepted(corpus_copy: Path) -> None:
    (corpus_copy / "new-doc.md").write_text("# New\n\nA sentence.\n", encoding="utf-8")
    add_entry(corpus_copy, "new-doc.md")
    assert [d.source_id for d in load_corpus(corpus_copy)][-1] == "new-doc"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("new-doc.pdf", b"%PDF-1.4 binary", "unsupported file type"),
        ("new-doc.txt", b"caf\xe9 latin-1", "not UTF-8"),
        ("new-doc.txt", b"", "empty"),
        ("new-doc.txt", b"text\x00with NUL", "binary"),
    ],
)
def test_bad_documents_are_refused_naming_the_file(corpus_copy: Path, name: str, content: bytes, message: str) -> None:
    (corpus_copy / name).write_bytes(content)
    add_entry(corpus_copy, name)
    with pytest.raises(CorpusError, match=message) as err:
        load_corpus(corpus_copy)
    assert name in str(err.value)


def test_a_manifest_entry_without_a_file_is_refused(corpus_copy: Path) -> None:
    add_entry(corpus_copy, "missing.txt")
    with pytest.raises(CorpusError, match=r"missing\.txt.*does not exist|does not exist"):
        load_corpus(corpus_copy)


def test_a_malformed_manifest_names_the_entry_and_field(corpus_copy: Path) -> None:
    manifest = json.loads((corpus_copy / "manifest.json").read_text(encoding="utf-8"))
    del manifest["documents"][1]["title"]
    (corpus_copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(CorpusError, match=r"entry 2, field 'title'"):
        read_manifest(corpus_copy)
    (corpus_copy / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"manifest\.json"):
        read_manifest(corpus_copy)
