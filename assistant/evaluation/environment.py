"""What one eval run runs on: settings overridden for the run (``--set``) and the corpus (``--corpus``).

Several corpus folders are combined into one temporary corpus (files copied, manifests concatenated).
The index of an eval corpus lives in a data folder keyed by the corpus content and the settings that
shape the index, so a repeated run finds it built and a run with other settings does not overwrite it.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assistant.evaluation.items import EvalInputError
from assistant.settings import Settings

MANIFEST_NAME = "manifest.json"
EVAL_DATA_FOLDER = "eval-corpora"


def parse_assignments(values: Sequence[str]) -> dict[str, str]:
    """``["answer_max_words=80", ...]`` as a mapping; a value without ``=`` or a repeated field is refused."""
    out: dict[str, str] = {}
    for value in values:
        name, sep, setting = value.partition("=")
        name = name.strip()
        if not sep or not name:
            raise EvalInputError(f"--set expects FIELD=VALUE, got {value!r}")
        if name in out:
            raise EvalInputError(f"--set {name} is given twice")
        out[name] = setting.strip()
    return out


def override_settings(base: Settings, overrides: Mapping[str, Any]) -> Settings:
    """``base`` with some fields replaced, validated by the Settings model itself.

    An unknown field name or a value the field does not accept raises :class:`EvalInputError`
    naming the field and the reason (with the closest field names for a misspelt one).
    """
    if not overrides:
        return base
    fields = list(Settings.model_fields)
    problems = []
    for name in overrides:
        if name not in fields:
            close = difflib.get_close_matches(name, fields, n=3)
            hint = f"; did you mean {' or '.join(close)}?" if close else "; see assistant/settings.py for the fields"
            problems.append(f"--set {name}: Settings has no field {name!r}{hint}")
    if problems:
        raise EvalInputError("\n".join(problems))
    try:
        # model_validate (not Settings(...)) so that nothing but these values and ``base`` is read.
        return Settings.model_validate({**base.model_dump(), **overrides})
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = ".".join(str(p) for p in error["loc"])
            lines.append(f"--set {name}={overrides.get(name)!r}: {error['msg']}")
        raise EvalInputError("\n".join(lines)) from exc


def _manifest(folder: Path) -> dict[str, Any]:
    from assistant.corpus import read_manifest
    from assistant.errors import CorpusError

    if not folder.is_dir():
        raise EvalInputError(f"--corpus {folder}: not a folder")
    try:
        read_manifest(folder)  # validates every entry, naming the file and entry
    except CorpusError as exc:
        raise EvalInputError(f"--corpus {folder}: {exc}") from exc
    data: dict[str, Any] = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    return data


def combine_corpora(folders: Sequence[Path], target: Path) -> Path:
    """Copy the documents of every folder into ``target`` with one manifest listing them all, in order.

    Only the files the manifests name are copied (a gold file beside them is not a document). A
    document id or file name found in two folders is refused, naming both.
    """
    if not folders:
        raise EvalInputError("no corpus folder given")
    resolved = [f.resolve() for f in folders]
    repeated = sorted({str(f) for f in resolved if resolved.count(f) > 1})
    if repeated:
        raise EvalInputError(f"--corpus {repeated[0]} is given twice")
    target.mkdir(parents=True, exist_ok=True)
    combined: dict[str, Any] = {}
    entries: list[dict[str, Any]] = []
    id_home: dict[str, Path] = {}
    file_home: dict[str, Path] = {}
    problems: list[str] = []
    for folder in folders:
        manifest = _manifest(folder)
        # Top-level keys other than "documents" are taken from the first folder that has them.
        for key, value in manifest.items():
            if key != "documents":
                combined.setdefault(key, value)
        for entry in manifest["documents"]:
            doc_id, name = entry["id"], entry["file"]
            if doc_id in id_home:
                problems.append(f"document id {doc_id!r} is in both {id_home[doc_id]} and {folder}")
                continue
            if name in file_home:
                problems.append(f"file name {name!r} is in both {file_home[name]} and {folder}")
                continue
            id_home[doc_id], file_home[name] = folder, folder
            source = folder / name
            if source.is_file():  # a missing file is reported by the corpus loader, naming the entry
                shutil.copy2(source, target / name)
            entries.append(entry)
    if problems:
        raise EvalInputError("the corpus folders cannot be combined:\n" + "\n".join(problems))
    combined["documents"] = entries
    (target / MANIFEST_NAME).write_text(json.dumps(combined, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target


def _content_key(settings: Settings) -> str:
    from assistant.corpus import corpus_hash

    payload = f"{corpus_hash(settings.corpus_dir)}:{settings.index_fingerprint()}"
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _share_embedding_cache(base: Settings, settings: Settings, root: Path) -> None:
    """Start a new eval data folder with the embeddings already made: the base data folder's cache and
    those of the other eval corpora under ``root`` built with the same index settings.

    The cache is keyed by text, so documents the corpora share are not embedded again (the seed plus
    the extra corpus reuses both the seed's and the extra corpus's embeddings).
    """
    from assistant.index import cache_path, read_embedding_cache, write_embedding_cache

    target = cache_path(settings)
    if target.exists():
        return
    merged: dict[str, Any] = {}  # text key -> vector, the first cache to hold a text wins
    for source in [cache_path(base), *sorted(root.glob(f"*/{target.name}"))]:
        for key, vector in read_embedding_cache(source).items():
            merged.setdefault(key, vector)
    if merged:
        write_embedding_cache(target, merged)


@contextmanager
def eval_settings(
    base: Settings,
    corpus_dirs: Sequence[Path] = (),
    overrides: Mapping[str, Any] | None = None,
    data_root: Path | None = None,
) -> Iterator[Settings]:
    """Settings for one eval run: ``base`` with ``overrides``, over ``corpus_dirs`` when given.

    With corpus folders, the run's corpus is their combination in a temporary folder (removed on exit,
    so everything that reads source files must happen inside the ``with`` block) and its index is
    kept in ``data_root`` (default: ``<data_dir>/eval-corpora``) under a key of the corpus content and
    the index settings. Without corpus folders the configured corpus is used; its index moves to such
    a keyed folder only when an override changes how the index is built.
    """
    settings = override_settings(base, overrides or {})
    root = data_root or base.data_dir / EVAL_DATA_FOLDER
    if not corpus_dirs:
        if settings.index_fingerprint() != base.index_fingerprint() and settings.data_dir == base.data_dir:
            settings = settings.model_copy(update={"data_dir": root / _content_key(settings)})
        yield settings
        return
    with tempfile.TemporaryDirectory(prefix="eval-corpus-") as folder:
        corpus = combine_corpora(corpus_dirs, Path(folder) / "corpus")
        settings = settings.model_copy(update={"corpus_dir": corpus})
        settings = settings.model_copy(update={"data_dir": root / _content_key(settings)})
        _share_embedding_cache(base, settings, root)
        yield settings
