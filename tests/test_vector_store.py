"""The FAISS vector store: exact below the size threshold, approximate above, ids are input rows."""

from __future__ import annotations

import faiss
import numpy as np
import pytest

from assistant.settings import Settings
from assistant.vector_store import build_faiss_index, exact_recall_at_k, index_description, search

DIM = 384


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype("float32")


def clustered(count: int, clusters: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(vectors, queries): unit vectors around ``clusters`` centres; queries are new points."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, DIM))

    def draw(n: int) -> np.ndarray:
        return unit(centres[rng.integers(0, clusters, n)] + 0.9 * rng.standard_normal((n, DIM)))

    return draw(count), draw(200)


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    return clustered(4000, 40, seed=1)


def test_below_threshold_the_index_is_exact(data: tuple[np.ndarray, np.ndarray]) -> None:
    vectors, queries = data
    settings = Settings(faiss_exact_max=len(vectors), faiss_exact_encoding="fp32")
    index = build_faiss_index(vectors, settings)
    assert isinstance(index, faiss.IndexFlatIP)
    scores, ids = search(index, queries, 10, settings)
    truth_scores, truth_ids = faiss.knn(queries, vectors, 10, metric=faiss.METRIC_INNER_PRODUCT)
    assert np.array_equal(ids, truth_ids)
    np.testing.assert_allclose(scores, truth_scores, rtol=1e-5)
    np.testing.assert_allclose(scores[:, 0], np.einsum("ij,ij->i", queries, vectors[ids[:, 0]]), rtol=1e-5)


def test_the_exact_index_in_half_precision_finds_the_same_rows(data: tuple[np.ndarray, np.ndarray]) -> None:
    vectors, queries = data
    settings = Settings(faiss_exact_max=len(vectors), faiss_exact_encoding="fp16")
    index = build_faiss_index(vectors, settings)
    assert isinstance(index, faiss.IndexScalarQuantizer)
    assert index.sa_code_size() == 2 * vectors.shape[1]  # two bytes a dimension: half of float32
    scores, ids = search(index, queries, 10, settings)
    truth_scores, _ = faiss.knn(queries, vectors, 10, metric=faiss.METRIC_INNER_PRODUCT)
    assert exact_recall_at_k(vectors, queries, ids, 10) >= 0.99
    np.testing.assert_allclose(scores, truth_scores, atol=1e-3)


@pytest.mark.parametrize("ann", ["ivf", "hnsw"])
def test_above_threshold_the_index_is_approximate_with_recall_against_exact(
    data: tuple[np.ndarray, np.ndarray], ann: str
) -> None:
    vectors, queries = data
    settings = Settings(faiss_exact_max=1000, faiss_ann=ann)
    index = build_faiss_index(vectors, settings)
    if ann == "ivf":
        assert faiss.try_extract_index_ivf(index) is not None
        assert index_description(len(vectors), settings).startswith("IVF")
    else:
        assert isinstance(index, faiss.IndexHNSW)
    _, ids = search(index, queries, 10, settings)
    assert exact_recall_at_k(vectors, queries, ids, 10) >= 0.95


@pytest.mark.parametrize("ann", ["flat", "ivf", "hnsw"])
def test_search_results_are_rows_of_the_input_array(data: tuple[np.ndarray, np.ndarray], ann: str) -> None:
    vectors, _ = data
    order = np.random.default_rng(2).permutation(len(vectors))
    shuffled = vectors[order]
    settings = Settings(faiss_exact_max=10**9 if ann == "flat" else 1000, faiss_ann="ivf" if ann == "flat" else ann)
    index = build_faiss_index(shuffled, settings)
    picked = np.arange(0, len(shuffled), 97)
    _, ids = search(index, shuffled[picked], 1, settings)
    assert ids[:, 0].tolist() == picked.tolist()  # each vector finds itself: its own row
    assert order[ids[:, 0]].tolist() == order[picked].tolist()


def test_search_settings_change_how_much_of_an_ivf_index_is_scanned() -> None:
    rng = np.random.default_rng(3)
    vectors, queries = unit(rng.standard_normal((3000, DIM))), unit(rng.standard_normal((50, DIM)))
    settings = Settings(faiss_exact_max=1000, faiss_ann="ivf")
    index = build_faiss_index(vectors, settings)
    lists = faiss.try_extract_index_ivf(index).nlist
    _, narrow = search(index, queries, 10, settings.model_copy(update={"faiss_ivf_nprobe": 1}))
    _, everything = search(index, queries, 10, settings.model_copy(update={"faiss_ivf_nprobe": lists}))
    assert exact_recall_at_k(vectors, queries, everything, 10) == 1.0
    assert exact_recall_at_k(vectors, queries, narrow, 10) < 0.9


def test_one_query_and_k_beyond_the_index(data: tuple[np.ndarray, np.ndarray]) -> None:
    vectors, queries = data
    index = build_faiss_index(vectors[:5], Settings())
    scores, ids = search(index, queries[0], 10)
    assert ids.shape == scores.shape == (1, 5)
    assert sorted(ids[0].tolist()) == [0, 1, 2, 3, 4]
    assert np.all(np.diff(scores[0]) <= 0)  # best first


def test_an_empty_index_returns_no_rows() -> None:
    index = build_faiss_index(np.empty((0, DIM), dtype="float32"), Settings())
    scores, ids = search(index, np.ones((2, DIM), dtype="float32") / np.sqrt(DIM), 10)
    assert ids.shape == scores.shape == (2, 0)


def test_vectors_that_are_not_unit_length_are_refused() -> None:
    vectors = np.ones((3, DIM), dtype="float32")
    with pytest.raises(ValueError, match=r"unit length.*row 0"):
        build_faiss_index(vectors, Settings())


def test_recall_helper_counts_missed_neighbours(data: tuple[np.ndarray, np.ndarray]) -> None:
    vectors, queries = data
    _, truth = faiss.knn(queries, vectors, 10, metric=faiss.METRIC_INNER_PRODUCT)
    assert exact_recall_at_k(vectors, queries, truth, 10) == 1.0
    half_wrong = truth.copy()
    half_wrong[:, 5:] = -1
    assert exact_recall_at_k(vectors, queries, half_wrong, 10) == pytest.approx(0.5)
