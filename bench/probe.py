"""Measurements that need a process of their own (peak memory is per process).

    python -m bench.probe serve --system notesbot --corpus DIR --index DIR Q.jsonl...
    python -m bench.probe build --corpus DIR --index DIR [--index-type hnsw]

`serve` opens one system, answers every question and prints JSON: peak RSS,
time to open, and the latency/quality summary. `build` runs one notesbot
index build and prints its report, wall time and peak RSS.

Peak RSS is VmHWM from /proc/self/status, the high-water mark of this
process's own address space. ru_maxrss would be the obvious call, but Linux
carries the parent's high-water mark over fork+exec into it, so a probe
started by a big benchmark process would report the benchmark's memory.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

from index.config import IndexConfig

from .systems import System


def peak_rss_mib() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB; not Linux


def index_config(
    corpus: Path, index: Path, index_type: str = "auto", model_cache: Path | None = None
) -> IndexConfig:

    return IndexConfig(
        corpus_dir=corpus, index_dir=index, index_type=index_type, model_cache=model_cache
    )


def open_system(args: argparse.Namespace) -> System:
    if args.system == "notesbot":
        from .systems import NotesbotSystem

        if args.index is None:
            raise SystemExit("--index is required for notesbot")
        return NotesbotSystem.open(
            index_config(args.corpus, args.index, args.index_type, args.model_cache)
        )
    from .baselines import BM25Baseline, DenseBaseline

    return {"bm25": BM25Baseline, "dense": DenseBaseline}[args.system].from_dir(args.corpus)


def serve(args: argparse.Namespace) -> dict:
    from .metrics import hit_at, summarize
    from .questions import load_questions
    from .runner import run_questions

    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    system = open_system(args)
    opened = time.perf_counter() - t0
    questions = [q for path in args.questions for q in load_questions(path)]
    results = run_questions(system, questions, passes=args.passes)
    out = {
        "peak_rss_mib": peak_rss_mib(),
        "open_s": opened,
        "load_before": load,
        **dataclasses.asdict(summarize(results)),
    }
    for kind in sorted({r.question.kind for r in results if r.question.found}):
        picked = [r for r in results if r.question.kind == kind and r.question.found]
        out[f"hit1_{kind}"] = sum(hit_at(r.question, r.ranking, 1) for r in picked) / len(picked)
    # Where a notesbot question's time goes (the engine reports its stages).
    stages = getattr(system, "timings", None)
    if stages:
        for stage in stages[0]:
            out[f"{stage}_ms"] = statistics.median(t.get(stage, 0.0) for t in stages)
    return out


def build(args: argparse.Namespace) -> dict:
    from index.build import build_index

    t0 = time.perf_counter()
    report = build_index(index_config(args.corpus, args.index, args.index_type, args.model_cache))
    return {
        "wall_s": time.perf_counter() - t0,
        "peak_rss_mib": peak_rss_mib(),
        **{k: v for k, v in dataclasses.asdict(report).items() if k != "skipped"},
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.probe")
    sub = ap.add_subparsers(dest="what", required=True)
    for name in ("serve", "build"):
        p = sub.add_parser(name)
        p.add_argument("--corpus", type=Path, required=True)
        p.add_argument("--index", type=Path)
        p.add_argument("--index-type", default="auto")
        p.add_argument("--model-cache", type=Path)
        if name == "serve":
            p.add_argument("--system", default="notesbot", choices=["notesbot", "bm25", "dense"])
            p.add_argument("--passes", type=int, default=3, help="timed passes over the set")
            p.add_argument("questions", type=Path, nargs="+")
    args = ap.parse_args(argv)
    result = serve(args) if args.what == "serve" else build(args)
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
