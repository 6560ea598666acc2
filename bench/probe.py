"""Measurements that need a process of their own (peak memory is per process).

    python -m bench.probe serve --system notesbot --corpus DIR --index DIR Q.jsonl...
    python -m bench.probe build --corpus DIR --index DIR [--index-type hnsw] [--precision int8]
    python -m bench.probe floor --corpus DIR [--sample 3200]
    python -m bench.probe eval --corpus DIR --index DIR [--precision int8] Q.jsonl
    python -m bench.probe parse --headings 20000

`serve` opens one system, answers every question and prints JSON: peak RSS,
time to open, and the latency/quality summary. `build` runs one notesbot
index build and prints its report, wall time and peak RSS. `floor` times the
fp32 model encoding the notes' passages as builds used to (bench/floor.py).
`eval` scores a question file on a built index as `notesbot eval` does.
`parse` times the sections of one note of that many bare headings.

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
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from index.config import DEFAULT_PRECISION, IndexConfig

from .systems import System

ROOT = Path(__file__).resolve().parent.parent


def run_probe(*args: str | Path) -> dict:
    """Run `python -m bench.probe ...` in a process of its own; its JSON line."""
    cmd = [sys.executable, "-m", "bench.probe", *map(str, args)]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{shlex.join(cmd)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def peak_rss_mib() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB; not Linux


def index_config(
    corpus: Path,
    index: Path,
    index_type: str = "auto",
    model_cache: Path | None = None,
    precision: str = DEFAULT_PRECISION,
) -> IndexConfig:
    return IndexConfig(
        corpus_dir=corpus,
        index_dir=index,
        index_type=index_type,
        model_cache=model_cache,
        precision=precision,
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

    config = index_config(
        args.corpus, args.index, args.index_type, args.model_cache, args.precision
    )
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    report = build_index(config)
    return {
        "load_before": load,
        "wall_s": time.perf_counter() - t0,
        "peak_rss_mib": peak_rss_mib(),
        **{k: v for k, v in dataclasses.asdict(report).items() if k != "skipped"},
    }


def floor(args: argparse.Namespace) -> dict:
    from .floor import fp32_floor

    load = os.getloadavg()[0]
    return {"load_before": load, **fp32_floor(args.corpus, args.model_cache, args.sample)}


def evaluate(args: argparse.Namespace) -> dict:
    """`notesbot eval`'s figures for a question file on a built index."""
    from index.engine import Engine
    from index.evaluate import evaluate as score
    from index.evaluate import load_questions

    config = index_config(
        args.corpus, args.index, args.index_type, args.model_cache, args.precision
    )
    engine = Engine.open(config)
    report = score(load_questions(args.questions), lambda q: engine.ask(q, 3))
    return {**report.summary(), "failed": [o.question.question for o in report.failures()]}


def parse(args: argparse.Namespace) -> dict:
    """Sections of one note of `headings` bare `## hN` headings, timed."""
    from index import build
    from index.corpus import read_corpus

    if args.no_limit:  # all of them: how the parsing itself grows
        build.MAX_NOTE_SECTIONS = args.headings + 1
    with tempfile.TemporaryDirectory() as tmp:
        note = Path(tmp) / "headings.md"
        note.write_text("".join(f"## h{n}\n\n" for n in range(args.headings)))
        corpus = read_corpus(Path(tmp))
        t0 = time.perf_counter()
        sections = build.parse_corpus(corpus)
        seconds = time.perf_counter() - t0
    return {
        "headings": args.headings,
        "bytes": len(corpus.files[0].text),
        "sections": len(sections),
        "seconds": seconds,
        "limit": not args.no_limit,
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.probe")
    sub = ap.add_subparsers(dest="what", required=True)
    for name in ("serve", "build", "floor", "eval"):
        p = sub.add_parser(name)
        p.add_argument("--corpus", type=Path, required=True)
        p.add_argument("--index", type=Path)
        p.add_argument("--index-type", default="auto")
        p.add_argument("--model-cache", type=Path)
        p.add_argument("--precision", default=DEFAULT_PRECISION)
        if name == "serve":
            p.add_argument("--system", default="notesbot", choices=["notesbot", "bm25", "dense"])
            p.add_argument("--passes", type=int, default=3, help="timed passes over the set")
            p.add_argument("questions", type=Path, nargs="+")
        if name == "eval":
            p.add_argument("questions", type=Path)
        if name == "floor":
            p.add_argument("--sample", type=int, default=3200, help="passages to encode, at most")
    p = sub.add_parser("parse")
    p.add_argument("--headings", type=int, default=20_000)
    p.add_argument("--no-limit", action="store_true", help="parse past MAX_NOTE_SECTIONS")
    args = ap.parse_args(argv)
    probes = {"serve": serve, "build": build, "floor": floor, "eval": evaluate, "parse": parse}
    result = probes[args.what](args)
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
