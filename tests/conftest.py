"""Shared fixtures: the real embedding model (loaded once per session) and a real index in a temp folder."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from filelock import FileLock

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant import Assistant, Settings
from assistant.evaluation.environment import eval_settings
from assistant.index import ensure_index
from assistant.settings import REPO_ROOT

CORPUS = REPO_ROOT / "corpus"


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("assistant")


def run_dir_of(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The folder all pytest-xdist workers of this test run share (each worker's own temp folder's parent)."""
    return tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent


@pytest.fixture(scope="session")
def eval_data_root(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """Where the indexes of eval corpora (the extra corpus, seeds plus extra) are built, once per test run:
    the eval gate and the metamorphic test need the same combined index, often on two workers."""
    root = run_dir_of(tmp_path_factory, worker_id) / "eval-corpora"
    root.mkdir(exist_ok=True)
    return root


@contextmanager
def eval_corpus_bot(settings: Settings, corpus_dirs: list[Path], root: Path) -> Iterator[Assistant]:
    """A real assistant over the combination of ``corpus_dirs``, its index built by the first worker that
    needs it while any other waits on a file lock (the sources stay readable until the block ends).

    The lock is taken before the eval folder is set up, which starts from the embeddings other eval corpora
    have made: a worker that waited then embeds only what the other's build did not (the extra corpus's
    documents once, not once per worker)."""
    with ExitStack() as stack:
        with FileLock(str(root / "build.lock")):
            own = stack.enter_context(eval_settings(settings, corpus_dirs, data_root=root))
            assistant = Assistant.load(own)
        yield assistant


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The seed corpus's index, built once per test run: under pytest-xdist the first worker builds it (with
    every core) while the others wait on a file lock, instead of each building its own at the same time."""
    run_dir = run_dir_of(tmp_path_factory, worker_id)
    data = run_dir / "seed-index-data"
    with FileLock(str(run_dir / "seed-index.lock")):
        if not data.exists():
            staging = run_dir / "seed-index-staging"
            shutil.rmtree(staging, ignore_errors=True)
            ensure_index(Settings(corpus_dir=CORPUS, data_dir=staging, feedback_db=run_dir / "unused.sqlite3"))
            staging.rename(data)
    return data


@pytest.fixture(scope="session")
def settings(session_dir: Path, built_index: Path) -> Settings:
    """Settings for the real corpus with a copy of the run's built index and a feedback database in this
    session's temp folder."""
    shutil.copytree(built_index, session_dir / "data", ignore=shutil.ignore_patterns("*.sqlite3*"))
    return Settings(corpus_dir=CORPUS, data_dir=session_dir / "data", feedback_db=session_dir / "feedback.sqlite3")


@pytest.fixture(scope="session")
def bot(settings: Settings) -> Assistant:
    """One real assistant (real MiniLM, real FAISS and BM25 indexes) shared by the session."""
    return Assistant.load(settings)


@pytest.fixture()
def corpus_copy(tmp_path: Path) -> Path:
    """A private copy of the corpus that a test may change."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture()
def private_settings(corpus_copy: Path, tmp_path: Path, bot: Assistant, settings: Settings) -> Settings:
    """Settings over a private corpus copy with a private copy of the session's built index (and its
    embedding cache): a test may change either without rebuilding from scratch."""
    data = tmp_path / "data"
    shutil.copytree(settings.data_dir, data, ignore=shutil.ignore_patterns("*.sqlite3*"))
    copied = Settings(corpus_dir=corpus_copy, data_dir=data, feedback_db=tmp_path / "feedback.sqlite3")
    # The copied index was built from an identical corpus in another folder; its manifest stays valid.
    return copied
