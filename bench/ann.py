"""Flat vs approximate FAISS indexes on their own, at sizes the notes may grow to.

The end-to-end scaling run stops at ~10k passages (100x the shipped notes);
this measures the vector search alone further out, with the parameters
index/build.py uses (HNSW M=32 over half-precision vectors, efSearch=128; IVF nlist=4*sqrt(n)), on
clustered synthetic unit vectors (like sentence embeddings, unlike uniform
noise, they have neighbourhoods an approximate index can exploit). Recall@10
is against the flat index's exact answer.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from index.build import dense_index

from .metrics import percentile

DIM = 384
LOCAL_DIMS = 12


@dataclass(frozen=True)
class AnnRow:
    n: int
    kind: str
    threads: int  # OpenMP threads faiss may use for the search
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


def _size_mib(index: Any) -> float:
    import faiss

    return len(faiss.serialize_index(index)) / 2**20


def _time_queries(index: Any, q: np.ndarray, passes: int) -> tuple[list[float], np.ndarray]:
    """Per-query search time (ms, median over passes: damps bursts of load from
    other processes) and the top-10 ids of the first pass."""
    index.search(q[:1], 10)  # warm-up
    per_query: list[list[float]] = [[] for _ in q]
    found = []
    for n_pass in range(passes):
        for i, row in enumerate(q):  # one question at a time, as the bot serves them
            t = time.perf_counter()
            _, ids = index.search(row[None, :], 10)
            per_query[i].append((time.perf_counter() - t) * 1000)
            if n_pass == 0:
                found.append(ids[0])
    return [statistics.median(t) for t in per_query], np.array(found)


def run_ann(
    sizes: tuple[int, ...], queries: int = 200, seed: int = 3, passes: int = 3
) -> list[AnnRow]:
    import faiss

    default_threads = faiss.omp_get_max_threads()
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
            faiss.omp_set_num_threads(default_threads)
            t0 = time.perf_counter()
            index = dense_index(x, kind)  # the engine's own parameters
            build = time.perf_counter() - t0
            for threads in sorted({1, default_threads}, reverse=True):
                faiss.omp_set_num_threads(threads)
                times, found = _time_queries(index, q, passes)
                if exact is None:
                    exact = found
                recall = float(
                    np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, exact, strict=True)])
                )
                rows.append(
                    AnnRow(
                        n,
                        kind,
                        threads,
                        build,
                        percentile(times, 50),
                        percentile(times, 95),
                        recall,
                        _size_mib(index),
                    )
                )
            del index
        del x
    return rows


def main() -> None:
    """`python -m bench.ann SIZE...`: JSON rows, in a process of its own so that
    the benchmark's loaded models and thread pools do not weigh on the timings."""
    import argparse
    import dataclasses
    import json

    ap = argparse.ArgumentParser(prog="python -m bench.ann")
    ap.add_argument("sizes", type=int, nargs="+")
    args = ap.parse_args()
    print(json.dumps([dataclasses.asdict(r) for r in run_ann(tuple(args.sizes))]))


if __name__ == "__main__":
    main()
