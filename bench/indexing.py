"""First builds of the index: time, passages a second and peak memory,
against the fp32 encode floor measured in the same run (bench/floor.py).

Collections: the shipped notes, ../shared/corpora/til, and a synthetic tree
of about 100,000 passages (bench/synth.py). Each round measures the floor,
then a first build at each precision (an empty index folder; the model
already exported), each in a process of its own (bench/probe.py), so that a
build and the floor it is held against see about the same load on this
shared machine. Rounds are repeated; the report gives min and median.
"""

from __future__ import annotations

import shutil
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .probe import run_probe
from .synth import generate_tree

# Passages per 1x of bench/synth.py's trees (11,286 at 100x): to size a tree
# by the passages it makes.
SYNTH_PASSAGES_PER_FACTOR = 112.9


@dataclass(frozen=True)
class Collection:
    name: str
    notes: Path
    rounds: int
    precisions: list[str]
    questions: Path | None = None  # dev questions: each precision's answers scored once


def run(
    collections: list[Collection], work: Path, floor_sample: int, log: Callable[[str], None]
) -> dict[str, Any]:
    models = work / "models"
    _prepare_models(models, work, {p for c in collections for p in c.precisions})
    log("parsing a note of 20,000 bare headings")
    parse = [
        run_probe("parse", "--headings", "20000", *flag)
        for flag in ([], ["--no-limit"])
        for _ in range(3)
    ]
    rows = []
    for c in collections:
        runs, quality = [], {}
        for n in range(c.rounds):
            log(f"{c.name}: fp32 floor, round {n + 1}/{c.rounds}")
            floor = run_probe(
                "floor", "--corpus", c.notes, "--model-cache", models, "--sample", str(floor_sample)
            )
            for precision in c.precisions:
                log(f"{c.name}: first build at {precision}, round {n + 1}/{c.rounds}")
                index = work / "index"
                shutil.rmtree(index, ignore_errors=True)
                where = ("--corpus", c.notes, "--index", index, "--model-cache", models)
                b = run_probe("build", *where, "--precision", precision)
                if n == 0 and c.questions is not None:
                    log(f"{c.name}: dev questions at {precision}")
                    quality[precision] = run_probe(
                        "eval", *where, "--precision", precision, c.questions
                    )
                runs.append(
                    {
                        "round": n,
                        "precision": precision,
                        "build_s": b["seconds"],
                        "peak_rss_mib": b["peak_rss_mib"],
                        "files": b["files"],
                        "passages": b["passages"],
                        "embedded": b["embedded"],
                        "encoder": b.get("encoder", ""),
                        "load_before": b["load_before"],
                        "floor_pps": floor["passages_per_s"],
                        "floor_passages": floor["passages"],
                        "floor_load_before": floor["load_before"],
                    }
                )
                shutil.rmtree(index, ignore_errors=True)
        rows.append({"collection": c.name, "runs": runs, "quality": quality})
    return {"parse": parse, "rows": rows}


def synthetic_tree(root: Path, passages: int, shipped_readme: Path) -> Path:
    """A bench/synth.py tree of about `passages` passages (made once per root)."""
    if not root.exists():
        factor = passages / SYNTH_PASSAGES_PER_FACTOR
        generate_tree(root, factor, shipped_readme.read_text(encoding="utf-8"))
    return root


def _prepare_models(models: Path, work: Path, precisions: set[str]) -> None:
    """Export (and quantize) the model before anything is timed."""
    notes = work / "warm-notes"
    notes.mkdir(parents=True, exist_ok=True)
    (notes / "note.md").write_text("# Warm up\n\nA note to export the model with.\n")
    for precision in sorted(precisions):
        index = work / f"warm-index-{precision}"
        run_probe(
            "build", "--corpus", notes, "--index", index, "--model-cache", models,
            "--precision", precision,
        )  # fmt: skip
        shutil.rmtree(index, ignore_errors=True)


def summarize(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per collection and precision: min/median build time, passages a second,
    the floor, and the build against the floor of its own round."""
    out = []
    for row in rows:
        for precision in dict.fromkeys(r["precision"] for r in row["runs"]):
            runs = [r for r in row["runs"] if r["precision"] == precision]
            passages = runs[0]["passages"]
            # floor seconds for the whole collection / build seconds, round by round
            ratios = [passages / r["floor_pps"] / r["build_s"] for r in runs]
            out.append(
                {
                    "collection": row["collection"],
                    "precision": precision,
                    # what embedded the passages (fp32: OpenVINO in bf16 where the CPU has it)
                    "encoder": ", ".join(dict.fromkeys(r.get("encoder", "") for r in runs)),
                    "files": runs[0]["files"],
                    "passages": passages,
                    "rounds": len(runs),
                    "build_s_min": min(r["build_s"] for r in runs),
                    "build_s_median": statistics.median(r["build_s"] for r in runs),
                    "pps_median": statistics.median(passages / r["build_s"] for r in runs),
                    "floor_pps_median": statistics.median(r["floor_pps"] for r in runs),
                    "floor_passages": runs[0]["floor_passages"],
                    "vs_floor_min": min(ratios),
                    "vs_floor_median": statistics.median(ratios),
                    "peak_rss_mib_max": max(r["peak_rss_mib"] for r in runs),
                    "load_median": statistics.median(r["load_before"] for r in runs),
                }
            )
    return out
