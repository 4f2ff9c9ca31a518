"""Dense vector store: a FAISS index whose type follows the number of vectors.

Below ``settings.faiss_exact_max`` vectors the index is exact: a brute-force scan is fast enough
there and has no recall loss (``IndexFlatIP``, or rows stored as float16 with
``settings.faiss_exact_encoding``, half the memory a scan reads). Above it the index is approximate, HNSW or IVF
(``settings.faiss_ann``), with its knobs taken from the settings. Vectors are unit-length float32,
so inner product is cosine similarity. Search results are row numbers into the array the index was
built from, so callers keep their own row → passage table.
"""

from __future__ import annotations

import math
import os

import faiss
import numpy as np

from assistant.settings import Settings

# How far a vector's length may stray from 1 before it is refused: float32 embeddings that were
# normalised come out within ~1e-6; anything further off was not normalised at all.
UNIT_LENGTH_TOLERANCE = 1e-3


def _as_matrix(vectors: np.ndarray, name: str) -> np.ndarray:
    """A C-contiguous float32 2-D view of ``vectors`` (one row for a single 1-D vector)."""
    matrix = np.ascontiguousarray(np.atleast_2d(vectors), dtype="float32")
    if matrix.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (rows × dimensions), got shape {vectors.shape}")
    return matrix


def _check_unit_length(vectors: np.ndarray) -> None:
    if len(vectors) == 0:
        return
    norms = np.linalg.norm(vectors, axis=1)
    worst = int(np.argmax(np.abs(norms - 1.0)))
    if abs(norms[worst] - 1.0) > UNIT_LENGTH_TOLERANCE:
        raise ValueError(
            f"vectors must be unit length (cosine = inner product); row {worst} has length {norms[worst]:.4f}"
        )


def ivf_list_count(count: int, settings: Settings) -> int:
    """Number of IVF lists for ``count`` vectors: ``faiss_ivf_lists_per_sqrt`` × √count, at least 1."""
    return max(1, round(settings.faiss_ivf_lists_per_sqrt * math.sqrt(count)))


def index_description(count: int, settings: Settings) -> str:
    """The ``faiss.index_factory`` string used for ``count`` vectors under ``settings``."""
    if count <= settings.faiss_exact_max:
        return "Flat" if settings.faiss_exact_encoding == "fp32" else "SQfp16"
    if settings.faiss_ann == "hnsw":
        return f"HNSW{settings.faiss_hnsw_m},Flat"
    return f"IVF{ivf_list_count(count, settings)},Flat"


def build_faiss_index(vectors: np.ndarray, settings: Settings) -> faiss.Index:
    """An inner-product FAISS index over ``vectors`` (unit-length rows); ids are row numbers."""
    data = _as_matrix(vectors, "vectors")
    _check_unit_length(data)
    description = index_description(len(data), settings)
    # Building is batch work: every core this process may run on.
    faiss.omp_set_num_threads(len(os.sched_getaffinity(0)))
    if description == "Flat":
        index: faiss.Index = faiss.IndexFlatIP(data.shape[1])
    else:
        index = faiss.index_factory(data.shape[1], description, faiss.METRIC_INNER_PRODUCT)
    if isinstance(index, faiss.IndexScalarQuantizer):
        index.train(data)  # fp16 needs no statistics; the call only marks the index trained
    if isinstance(index, faiss.IndexHNSW):
        index.hnsw.efConstruction = settings.faiss_hnsw_ef_construction
        index.hnsw.efSearch = settings.faiss_hnsw_ef_search
    ivf = faiss.try_extract_index_ivf(index) if description.startswith("IVF") else None
    if ivf is not None:
        # k-means on a sample: faiss's default (256 points per list) costs minutes at a million
        # vectors on two cores and buys no measurable recall over the setting's smaller sample.
        ivf.cp.max_points_per_centroid = settings.faiss_ivf_train_per_list
        ivf.nprobe = settings.faiss_ivf_nprobe
        index.train(data)
    index.add(data)
    return index


def search(
    index: faiss.Index, queries: np.ndarray, k: int, settings: Settings | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best rows for each query: (scores, row ids), both of shape (queries, k), best first.

    ``settings`` supplies efSearch (HNSW) or nprobe (IVF) and the thread count for this call;
    without it the values set when the index was built apply. ``k`` is capped at the number of
    vectors. An approximate index may still find fewer than ``k`` rows for a query; those places
    hold id -1.
    """
    matrix = _as_matrix(queries, "queries")
    k = min(k, index.ntotal)
    if k <= 0:
        return np.empty((len(matrix), 0), dtype="float32"), np.empty((len(matrix), 0), dtype="int64")
    params: faiss.SearchParameters | None = None
    if settings is not None:
        faiss.omp_set_num_threads(settings.faiss_search_threads)
        # Per-call parameters rather than setting the index's own fields: searches may run in parallel.
        if isinstance(index, faiss.IndexHNSW):
            hnsw = faiss.SearchParametersHNSW()  # type: ignore[attr-defined]  # absent from faiss's stubs
            hnsw.efSearch = max(settings.faiss_hnsw_ef_search, k)  # HNSW returns at most efSearch rows
            params = hnsw
        elif faiss.try_extract_index_ivf(index) is not None:
            ivf = faiss.SearchParametersIVF()
            ivf.nprobe = settings.faiss_ivf_nprobe
            params = ivf
    scores, ids = index.search(matrix, k, params=params)
    return scores, ids


def exact_recall_at_k(vectors: np.ndarray, queries: np.ndarray, found_ids: np.ndarray, k: int) -> float:
    """Share of each query's exact top-``k`` rows (brute force, inner product) that ``found_ids`` holds.

    ``found_ids`` is the (queries, ≥k) id array an approximate search returned; the mean over
    queries is returned (1.0 means the approximate search found every true neighbour).
    """
    data = _as_matrix(vectors, "vectors")
    matrix = _as_matrix(queries, "queries")
    k = min(k, len(data))
    if k == 0 or len(matrix) == 0:
        return 1.0
    _, exact = faiss.knn(matrix, data, k, metric=faiss.METRIC_INNER_PRODUCT)
    hits = [len(set(truth.tolist()) & set(found[:k].tolist())) for truth, found in zip(exact, found_ids, strict=True)]
    return float(np.mean(hits)) / k
