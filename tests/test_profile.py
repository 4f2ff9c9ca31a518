"""The corpus profile: the words the chat shows for a corpus, from its profile.toml or its manifest."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from assistant.corpus import read_manifest
from assistant.errors import CorpusError
from assistant.profile import MAX_EXAMPLES, PROFILE_NAME, CorpusProfile, load_profile
from assistant.settings import REPO_ROOT


@pytest.fixture()
def manifest_only(tmp_path: Path) -> Path:
    """A corpus folder with the seed manifest and no profile."""
    shutil.copy(REPO_ROOT / "corpus" / "manifest.json", tmp_path / "manifest.json")
    return tmp_path


def test_the_seed_corpus_profile_loads() -> None:
    profile = load_profile(REPO_ROOT / "corpus")
    assert profile.ui_title and profile.greeting and profile.coverage and profile.ui_description
    assert 1 <= len(profile.example_questions) <= MAX_EXAMPLES


def test_without_a_profile_everything_is_derived_from_the_manifest(manifest_only: Path) -> None:
    profile = load_profile(manifest_only)
    topics = [t for info in read_manifest(manifest_only) for t in info.topics]
    assert profile.ui_title == "Documents assistant"
    names = [re.sub(r"\s*\([^)]*\)", "", t).strip() for t in topics]  # conditions, without their aliases
    assert all(name in (profile.coverage or "") for name in names)
    assert f"{len(read_manifest(manifest_only))} documents" in (profile.greeting or "")
    assert profile.example_questions and all(any(topic in q for topic in topics) for q in profile.example_questions)


def test_a_profile_sets_only_what_it_names(manifest_only: Path) -> None:
    (manifest_only / PROFILE_NAME).write_text('ui_title = "Our clinic library"\n', encoding="utf-8")
    profile = load_profile(manifest_only)
    assert profile.ui_title == "Our clinic library"
    assert profile.example_questions == CorpusProfile.derived(read_manifest(manifest_only)).example_questions


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ('ui_titel = "x"', "ui_titel", "Extra inputs are not permitted"),
        ('example_questions = "What?"', "example_questions", "valid list"),
        ('example_questions = [""]', "example_questions.0", "at least 1 character"),
        (f"example_questions = {['q?'] * (MAX_EXAMPLES + 1)!r}", "example_questions", "at most"),
        ("greeting = 3", "greeting", "valid string"),
    ],
)
def test_a_bad_profile_is_refused_naming_the_file_and_the_field(
    manifest_only: Path, text: str, field: str, message: str
) -> None:
    path = manifest_only / PROFILE_NAME
    path.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(CorpusError) as caught:
        load_profile(manifest_only)
    assert str(path) in str(caught.value) and f"field '{field}'" in str(caught.value) and message in str(caught.value)


def test_a_profile_that_is_not_toml_is_refused_naming_the_file(manifest_only: Path) -> None:
    (manifest_only / PROFILE_NAME).write_text("ui_title = \n", encoding="utf-8")
    with pytest.raises(CorpusError, match=rf"{PROFILE_NAME}: not valid TOML"):
        load_profile(manifest_only)
