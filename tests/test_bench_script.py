"""`scripts/bench` writes to a results folder unless the docs are asked for,
and never runs without one of its question sets."""

from __future__ import annotations

import importlib.machinery
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    loader = importlib.machinery.SourceFileLoader("bench_script", str(ROOT / "scripts" / "bench"))
    spec = importlib.util.spec_from_loader("bench_script", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_a_run_writes_to_the_results_folder_not_the_docs(bench: ModuleType) -> None:
    args = bench.parse_args([])
    assert args.out == ROOT / "bench" / "results" / "benchmarks.md"
    assert args.plot == ROOT / "bench" / "results" / "benchmarks.png"
    assert "bench/results/" in (ROOT / ".gitignore").read_text().splitlines()


def test_the_docs_are_rewritten_only_when_asked(bench: ModuleType) -> None:
    args = bench.parse_args(["--docs"])
    assert (args.out, args.plot) == (
        ROOT / "docs" / "benchmarks.md",
        ROOT / "docs" / "benchmarks.png",
    )
    with pytest.raises(SystemExit):
        bench.parse_args(["--docs", "--quick"])


def test_every_default_question_set_ships_with_the_project(bench: ModuleType) -> None:
    args = bench.parse_args([])
    names = [p.name for p in args.questions]
    assert names == [
        "dev.jsonl",
        "tune.jsonl",
        "holdout.jsonl",
        "need-tune.jsonl",
        "need.jsonl",
        "shipped-need.jsonl",
    ]
    assert all(p.is_relative_to(ROOT) and p.is_file() for p in args.questions)


def test_a_missing_question_file_stops_the_run(bench: ModuleType, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        bench.parse_args(["--questions", str(tmp_path / "gone.jsonl")])
    assert exc.value.code == 2
