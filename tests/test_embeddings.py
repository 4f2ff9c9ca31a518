"""The question encoder (transformers) and the index encoder (sentence-transformers) agree."""

from __future__ import annotations

import numpy as np

from assistant.embeddings import embed_query, embed_texts

TEXTS = [
    "What does the abbreviation stand for?",
    "How is it treated, and what are the side effects of chemotherapy for a child?",
    "Patients with a tumour should be controlled regularly for local recurrence and systemic spread. " * 3,
]


def test_query_and_index_embeddings_are_the_same_vectors() -> None:
    index_side = embed_texts(TEXTS)
    for row, text in zip(index_side, TEXTS, strict=True):
        query_side = embed_query(text)
        assert query_side.shape == (384,)
        assert abs(float(np.linalg.norm(query_side)) - 1.0) < 1e-4
        assert float(query_side @ row) > 0.9999


def test_questions_asked_at_once_are_batched_and_get_their_own_vectors() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from assistant.embeddings import QueryBatcher, load_query_encoder

    batcher = QueryBatcher(load_query_encoder(), max_batch=4)
    alone = [batcher.embed(text) for text in TEXTS]
    questions = TEXTS * 6  # 18 at once: batches of up to 4 form while the model runs
    with ThreadPoolExecutor(max_workers=12) as pool:
        together = list(pool.map(batcher.embed, questions))
    assert batcher.largest_batch > 1
    for text, vector in zip(questions, together, strict=True):
        assert float(vector @ alone[TEXTS.index(text)]) > 0.9999  # padding in a batch changes nothing


def test_a_failed_batch_is_reported_to_every_waiting_question() -> None:
    from assistant.embeddings import QueryBatcher, load_query_encoder

    batcher = QueryBatcher(load_query_encoder(), max_batch=4)
    try:
        batcher.embed(None)  # type: ignore[arg-type]  # the tokenizer refuses it
    except Exception as error:
        assert not isinstance(error, AssertionError)
    else:
        raise AssertionError("a bad input was embedded")
    assert batcher.embed(TEXTS[0]).shape == (384,)  # the model thread lives on


def test_index_embedding_runs_on_a_thread_that_ends_with_it() -> None:
    """A batch embedded on a long-lived thread leaves an OpenMP team behind it that slows every later
    question's embedding (assistant.embeddings.on_a_passing_thread): the model runs elsewhere, and that
    thread is gone when the vectors are back."""
    import threading

    import torch

    threads_before = torch.get_num_threads()
    encoding: list[threading.Thread] = []

    def watch(frame, event, arg):  # type: ignore[no-untyped-def]
        if event == "call" and frame.f_code.co_name == "encode" and "sentence_transformers" in frame.f_code.co_filename:
            encoding.append(threading.current_thread())

    threading.setprofile(watch)  # threads started from now on (not this one)
    try:
        vectors = embed_texts(TEXTS, threads=1)
    finally:
        threading.setprofile(None)  # type: ignore[arg-type]
    assert vectors.shape == (len(TEXTS), 384)
    assert encoding, "the model ran on the caller's own thread"
    assert threading.current_thread() not in encoding
    assert not any(thread.is_alive() for thread in encoding)
    assert torch.get_num_threads() == threads_before  # the build's thread count was for the build alone
