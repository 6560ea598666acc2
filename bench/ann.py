"""Flat vs approximate FAISS indexes on their own, at sizes the notes may grow to.

The end-to-end scaling run stops at ~10k passages (100x the shipped notes);
this measures the vector search alone further out, with the parameters
index/build.py uses (HNSW M=32, efSearch=128; IVF nlist=4*sqrt(n)), on
clustered synthetic unit vectors (like sentence embeddings, unlike uniform
noise, they have neighbourhoods an approximate index can exploit). Recall@10
is against the flat index's exact answer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from .metrics import percentile

DIM = 384
LOCAL_DIMS = 12


@dataclass(frozen=True)
class AnnRow:
    n: int
    kind: str
    build_s: float
    p50_ms: float
    p95_ms: float
    recall10: float
    mib: float


def clustered_vectors(n: int, rng: np.random.Generator, centers: int = 512) -> np.ndarray:
    # Topics (centers), each spread along a few directions of its own, plus a
    # little isotropic noise: low intrinsic dimension, like sentence embeddings.
    c = rng.standard_normal((centers, DIM)).astype(np.float32)
    c /= np.linalg.norm(c, axis=1, keepdims=True)
    spread = rng.standard_normal((centers, LOCAL_DIMS, DIM)).astype(np.float32) * 0.08
    topic = rng.integers(0, centers, n)
    z = rng.standard_normal((n, LOCAL_DIMS)).astype(np.float32)
    x = c[topic] + np.einsum("nk,nkd->nd", z, spread[topic])
    x += 0.01 * rng.standard_normal((n, DIM)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def _make(kind: str, x: np.ndarray) -> Any:
    import faiss

    n = x.shape[0]
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(DIM, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = 128
    elif kind == "ivf":
        nlist = int(4 * np.sqrt(n))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(DIM), DIM, nlist, faiss.METRIC_INNER_PRODUCT)
        index.train(x)
        index.nprobe = max(8, nlist // 8)
    else:
        index = faiss.IndexFlatIP(DIM)
    index.add(x)
    return index


def _size_mib(index: Any) -> float:
    import faiss

    return len(faiss.serialize_index(index)) / 2**20


def run_ann(sizes: tuple[int, ...], queries: int = 200, seed: int = 3) -> list[AnnRow]:
    import faiss

    rng = np.random.default_rng(seed)
    rows = []
    for n in sizes:
        x = clustered_vectors(n, rng)
        q = x[rng.integers(0, n, queries)] + 0.02 * rng.standard_normal((queries, DIM)).astype(
            np.float32
        )
        q /= np.linalg.norm(q, axis=1, keepdims=True)
        exact = None
        for kind in ("flat", "hnsw", "ivf"):
            t0 = time.perf_counter()
            index = _make(kind, x)
            build = time.perf_counter() - t0
            times, found = [], []
            for row in q:  # one question at a time, as the bot serves them
                t = time.perf_counter()
                _, ids = index.search(row[None, :], 10)
                times.append((time.perf_counter() - t) * 1000)
                found.append(ids[0])
            found_arr = np.array(found)
            if exact is None:
                exact = found_arr
            recall = float(
                np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found_arr, exact, strict=True)])
            )
            rows.append(
                AnnRow(
                    n,
                    kind,
                    build,
                    percentile(times, 50),
                    percentile(times, 95),
                    recall,
                    _size_mib(index),
                )
            )
            del index
        del x
    faiss.omp_set_num_threads(faiss.omp_get_max_threads())
    return rows
