"""A build's batches in bfloat16 (index/bf16.py): the same vectors as fp32
in all but rounding where it is used, ONNX Runtime where it is not."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import numpy as np
import pytest

from index import bf16
from index.build import parse_corpus, plan_passages
from index.corpus import read_corpus

ROOT = Path(__file__).resolve().parent.parent


def _native_bf16() -> bool:
    try:
        import openvino as ov

        return "BF16" in ov.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES")
    except Exception:
        return False


needs_bf16 = pytest.mark.skipif(
    not _native_bf16(), reason="this CPU has no native bfloat16 (or OpenVINO is absent)"
)


def _fresh(model_cache: Path, monkeypatch: pytest.MonkeyPatch, on: bool):
    """An embedder of its own (not the process's shared one)."""
    from index.embed import OnnxEmbedder, prepare_model

    monkeypatch.setenv("NOTESBOT_BF16", "1" if on else "0")
    return OnnxEmbedder(prepare_model("all-MiniLM-L6-v2", model_cache), "fresh", "fp32")


def _shipped_passages(embedder) -> tuple[list[str], list]:
    plan = plan_passages(parse_corpus(read_corpus(ROOT / "corpus")), embedder)
    return [p.text for p in plan.passages], plan.spans


@pytest.mark.model
def test_turned_off_a_build_runs_on_onnx_runtime(model_cache, monkeypatch):
    embedder = _fresh(model_cache, monkeypatch, on=False)
    embedder.embed_passages(["Calico routes pod traffic with BGP."], [[(0, 6)]])
    assert embedder.batch_runtime == "ONNX Runtime fp32"


@pytest.mark.model
@needs_bf16
def test_bf16_batches_give_the_fp32_vectors_in_all_but_rounding(model_cache, monkeypatch):
    """Every passage of the shipped notes (padded to OpenVINO's widths) and
    every sentence pooled from it, against ONNX Runtime at fp32."""
    fast = _fresh(model_cache, monkeypatch, on=True)
    texts, spans = _shipped_passages(fast)
    a, a_spans = fast.embed_passages(texts, spans)
    assert fast.batch_runtime.startswith("OpenVINO") and fast.batch_runtime.endswith("bf16")
    slow = _fresh(model_cache, monkeypatch, on=False)
    b, b_spans = slow.embed_passages(texts, spans)
    passages = np.sum(a * b, axis=1)
    units = np.concatenate([np.sum(x * y, axis=1) for x, y in zip(a_spans, b_spans, strict=True)])
    assert passages.min() > 0.9999
    assert units.min() > 0.999
    # The release after a build gives OpenVINO's memory back; the next build compiles again.
    fast.release()
    monkeypatch.setenv("NOTESBOT_BF16", "1")
    again, _ = fast.embed_passages(texts[:3], spans[:3])
    assert fast.batch_runtime.startswith("OpenVINO")
    assert np.sum(again * b[:3], axis=1).min() > 0.9999


@pytest.mark.model
@needs_bf16
def test_vectors_off_fp32_are_refused_and_the_verdict_kept(
    model_cache, monkeypatch, tmp_path, caplog
):
    """A runtime whose vectors drift (another OpenVINO, another CPU) is not
    used: the build runs on ONNX Runtime, and says why once."""
    from index.embed import OnnxEmbedder, prepare_model

    export = prepare_model("all-MiniLM-L6-v2", model_cache)
    copy = tmp_path / "export"
    copy.mkdir()
    for f in ("meta.json", "tokenizer.json", "model.onnx"):
        os.symlink(export / f, copy / f)
    checks = []

    def drifting(runner, reference, feeds):
        checks.append(1)
        return {"sentence": 0.99, "token": 0.95}

    monkeypatch.setattr(bf16, "parity", drifting)
    monkeypatch.setenv("NOTESBOT_BF16", "1")
    with caplog.at_level(logging.WARNING, logger="index.bf16"):
        for _ in range(2):
            embedder = OnnxEmbedder(copy, "copy", "fp32")
            embedder.embed_passages(["Calico routes pod traffic with BGP."], [[(0, 6)]])
            assert embedder.batch_runtime == "ONNX Runtime fp32"
    assert len(checks) == 1  # remembered beside the export
    kept = json.loads((copy / "bf16-check.json").read_text())
    assert list(kept.values()) == [{"sentence": 0.99, "token": 0.95}]
    assert "not close enough to fp32" in caplog.text


def test_parity_is_the_worst_probe():
    def reference(feeds):
        n = feeds["input_ids"].shape[1]
        return np.ones((1, 4)), np.ones((1, n, 4))

    def off_on_long_texts(feeds):
        s, t = reference(feeds)
        if feeds["input_ids"].shape[1] > 10:
            t = t.copy()
            t[0, -1] = [1.0, -1.0, 1.0, -1.0]  # one token at cosine 0
        return s, t

    def feeds(text):
        ids = np.ones((1, len(text.split())), np.int64)
        return {"input_ids": ids, "attention_mask": ids}

    assert bf16.parity(reference, reference, feeds) == {"sentence": 1.0, "token": 1.0}
    assert bf16.parity(off_on_long_texts, reference, feeds) == {"sentence": 1.0, "token": 0.0}
