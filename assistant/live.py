"""The assistant a long-running server answers with, re-indexed in the background when the corpus changes.

A server runs for days while people edit, add or delete documents. On each request (at most every
``corpus_check_interval_s``) it compares the corpus folder's file sizes and modification times with
those it was loaded from; when they differ, a background thread builds a new :class:`Assistant` with
``Assistant.load(settings)`` (which rebuilds the stale index) and swaps it in. Until then the old one
keeps answering: answers from unchanged documents work as before, and a quote from a changed or
deleted file fails citation verification rather than being shown. A corpus that cannot be loaded
(say, the manifest names a deleted file) leaves the old assistant serving; the reason is logged with
its paths for the operator and never shown to the people asking.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.assistant import Assistant
from assistant.corpus import source_span
from assistant.errors import CorpusError
from assistant.profile import CorpusProfile, load_profile
from assistant.schema import Answer
from assistant.settings import Settings

logger = logging.getLogger(__name__)

Signature = tuple[tuple[str, int, int], ...]


def _still_verbatim(bot: Assistant, source_id: str, start: int, end: int, quote: str) -> bool:
    try:
        return source_span(bot.index.source_path(source_id), start, end) == quote
    except (CorpusError, KeyError, OSError):
        return False


def corpus_signature(corpus_dir: Path) -> Signature:
    """Name, size and modification time of every file in the corpus folder: cheap to take on each request."""
    entries = []
    try:
        paths = list(Path(corpus_dir).iterdir())
    except OSError:
        return ()
    for path in paths:
        try:
            stat = path.stat()
        except OSError:  # deleted between listing and stat: the next look sees it gone
            continue
        if path.is_file():
            entries.append((path.name, stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(entries))


class LiveAssistant:
    """Holds the current assistant and corpus profile; swaps in new ones when the corpus files change."""

    def __init__(
        self,
        bot: Assistant,
        settings: Settings,
        profile: CorpusProfile | None = None,
        loader: Callable[[Settings], Assistant] = Assistant.load,
    ) -> None:
        self.settings = settings
        self._loader = loader
        self._bot = bot
        self._profile = profile or load_profile(settings.corpus_dir)
        self._signature = corpus_signature(settings.corpus_dir)
        self._checked_at = time.monotonic()
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None
        self.reload_failed = False  # the newest corpus could not be loaded; the previous one still serves
        self.reloads = 0  # how many times a new assistant was swapped in
        # Answers to first questions (no history), per assistant: the answerer is deterministic, and many
        # people ask the same few things (the example questions above all).
        self._answers: OrderedDict[tuple[str, str], Answer] = OrderedDict()
        self._answers_of: Assistant = bot

    @classmethod
    def load(cls, settings: Settings, show_progress: bool = False) -> LiveAssistant:
        """Load the assistant and profile for ``settings`` (a change made while loading is seen next time)."""
        signature = corpus_signature(settings.corpus_dir)
        profile = load_profile(settings.corpus_dir)  # a bad profile stops the server before it starts
        live = cls(Assistant.load(settings, show_progress=show_progress), settings, profile)
        live._signature = signature
        return live

    @property
    def profile(self) -> CorpusProfile:
        return self._profile

    @property
    def reloading(self) -> bool:
        """True while a new index is being built in the background."""
        worker = self._worker
        return worker is not None and worker.is_alive()

    def current(self) -> Assistant:
        """The assistant to answer this request with (first starting a re-index if the corpus changed)."""
        self.check()
        return self._bot

    def ask(
        self, question: str, history: Sequence[dict[str, str]] | None = None, audience: str = "family"
    ) -> tuple[Assistant, Answer]:
        """Answer with the current assistant; returns it too (the caller renders sources with it).

        A first question asked before is answered from memory, after checking that each of its quotes
        is still verbatim in its file (so an edited document is never quoted from memory).
        """
        bot = self.current()
        size = self.settings.answer_cache_size
        if history or not size:
            return bot, bot.ask(question, history=history, audience=audience)
        question = bot.validate_question(question)  # bad input raises here, as ask() would
        key = (question, audience)
        with self._lock:
            if self._answers_of is not bot:
                self._answers.clear()
                self._answers_of = bot
            cached = self._answers.get(key)
            if cached is not None:
                self._answers.move_to_end(key)
        if cached is not None and all(
            _still_verbatim(bot, c.source_id, c.start, c.end, c.quote) for c in cached.citations
        ):
            return bot, cached.model_copy(update={"question": question})
        answer = bot.ask(question, history=history, audience=audience)
        if any(reason.startswith("quote not verbatim") for reason in answer.removed):
            return bot, answer  # a file changed under this index: not an answer to remember
        with self._lock:
            if self._answers_of is bot:
                self._answers[key] = answer
                while len(self._answers) > size:
                    self._answers.popitem(last=False)
        return bot, answer

    def check(self, force: bool = False) -> bool:
        """Start a background re-index when the corpus changed since the last load; True if one is running."""
        now = time.monotonic()
        if not force and now - self._checked_at < self.settings.corpus_check_interval_s:
            return self.reloading
        with self._lock:
            self._checked_at = now
            if self.reloading:
                return True
            signature = corpus_signature(self.settings.corpus_dir)
            if signature == self._signature:
                return False
            logger.info("the corpus in %s changed; re-indexing in the background", self.settings.corpus_dir)
            self._worker = threading.Thread(target=self._reload, args=(signature,), name="corpus-reload", daemon=True)
            self._worker.start()
            return True

    def _reload(self, signature: Signature) -> None:
        try:
            profile = load_profile(self.settings.corpus_dir)
            bot = self._loader(self.settings)
        except Exception:  # whatever went wrong, the previous assistant keeps serving
            logger.exception(
                "re-indexing the changed corpus in %s failed; still serving the previous index",
                self.settings.corpus_dir,
            )
            with self._lock:
                self._signature = signature  # try again only when the files change again
                self.reload_failed = True
            return
        with self._lock:
            self._bot, self._profile = bot, profile
            self._signature = signature
            self.reload_failed = False
            self.reloads += 1
        logger.info("re-indexed the changed corpus (%d documents)", len(bot.index.documents))

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a running re-index to finish; True when none is running any more."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout)
        return not self.reloading
