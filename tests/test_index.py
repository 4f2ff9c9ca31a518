"""The index persists, notices a changed corpus, and reports a corrupt file clearly."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assistant import Settings
from assistant.cli import main
from assistant.errors import IndexCorruptError, StaleIndexError
from assistant.index import index_dir, load_index, read_manifest


def test_index_persists_with_a_manifest_and_loads_without_rebuilding(private_settings: Settings) -> None:
    first = load_index(private_settings)
    manifest = read_manifest(private_settings)
    assert manifest is not None
    assert manifest["embedding_model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert {"format_version", "corpus_hash", "settings_hash", "files"} <= set(manifest)
    assert first.passage_vectors.shape[1] == 384
    assert abs(float((first.passage_vectors**2).sum(axis=1).mean()) - 1.0) < 1e-3  # normalised
    second = load_index(private_settings)
    assert second.manifest["built_at"] == manifest["built_at"]  # loaded, not rebuilt


def _add_document(settings: Settings, source_id: str, text: str) -> None:
    (settings.corpus_dir / f"{source_id}.txt").write_text(text, encoding="utf-8")
    manifest_path = settings.corpus_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["documents"].append(
        {"id": source_id, "file": f"{source_id}.txt", "title": "Test page", "kind": "patient page",
         "audience": "family", "topics": ["test condition"]}
    )  # fmt: skip
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")


def test_adding_or_removing_a_document_embeds_only_what_is_new(private_settings: Settings) -> None:
    before = load_index(private_settings)
    _add_document(
        private_settings,
        "test-page",
        "What is the test condition?\n\nThe test condition is a made-up illness used to check the index.\n",
    )
    added = load_index(private_settings)
    counts = added.manifest["counts"]
    assert isinstance(counts, dict)
    new_rows = counts["dense_rows"] - before.vectors.shape[0]
    assert 0 < counts["embedded_now"] <= new_rows  # only the new page's texts were embedded
    assert "test-page" in added.documents
    # The old rows are the very same vectors (taken from the cache, not re-embedded).
    assert (added.vectors[: before.passage_count] == before.vectors[: before.passage_count]).all()
    manifest_path = private_settings.corpus_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["documents"] = [d for d in manifest["documents"] if d["id"] != "test-page"]
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    removed = load_index(private_settings)
    assert "test-page" not in removed.documents
    assert removed.manifest["counts"]["embedded_now"] == 0  # type: ignore[index]


def test_a_changed_corpus_is_detected_and_rebuilt(private_settings: Settings) -> None:
    load_index(private_settings)
    before = read_manifest(private_settings)
    assert before is not None
    page = private_settings.corpus_dir / "pubmed-woitzik-2003.txt"
    text = page.read_text(encoding="utf-8")
    anchor = "new metastases were present."
    page.write_text(text.replace(anchor, anchor + " A new closing sentence was added."), encoding="utf-8")
    strict = private_settings.model_copy(update={"on_stale_index": "fail"})
    with pytest.raises(StaleIndexError, match="corpus changed"):
        load_index(strict)
    rebuilt = load_index(private_settings)
    assert rebuilt.manifest["corpus_hash"] != before["corpus_hash"]
    texts = [s.text for s in rebuilt.documents["pubmed-woitzik-2003"].sentences]
    assert "A new closing sentence was added." in texts


def test_changed_index_settings_make_the_index_stale(private_settings: Settings) -> None:
    load_index(private_settings)
    other = private_settings.model_copy(update={"faiss_exact_max": 10, "on_stale_index": "fail"})
    with pytest.raises(StaleIndexError, match="settings changed"):
        load_index(other)


@pytest.mark.parametrize("victim", ["dense.faiss", "vectors.npy", "documents.json"])
def test_a_truncated_index_file_gives_a_clear_error_and_rebuild_mends_it(
    private_settings: Settings, victim: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_index(private_settings)
    path = index_dir(private_settings) / victim
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    with pytest.raises(IndexCorruptError, match=r"corrupt or truncated.*assistant index --rebuild"):
        load_index(private_settings)
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(private_settings.corpus_dir))
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(private_settings.data_dir))
    result = CliRunner().invoke(main, ["index"])
    assert result.exit_code == 2 and "assistant index --rebuild" in result.output
    result = CliRunner().invoke(main, ["index", "--rebuild"])
    assert result.exit_code == 0, result.output
    assert load_index(private_settings).passage_vectors.shape[1] == 384


def test_a_garbled_manifest_is_reported(private_settings: Settings) -> None:
    load_index(private_settings)
    (index_dir(private_settings) / "manifest.json").write_text("{garbage", encoding="utf-8")
    with pytest.raises(IndexCorruptError, match=r"manifest\.json is corrupt"):
        load_index(private_settings)
