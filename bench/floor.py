"""The fp32 encode floor that first builds are measured against.

The model as exported (fp32), encoding a collection's passages the way builds
encoded them before issue 12: batches of 16 passages of like length, one batch
at a time on every core, each passage's sentences pooled from its tokens.
What a build did besides encoding (reading, cutting, writing) came on top of
it; a build faster than the floor had to make the encoding itself faster.

Large collections are sampled: the passages of notes taken in a seeded random
order, up to `sample` passages, so the rate is that of the collection's mix.
"""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path
from typing import Any

import numpy as np

from index.build import note_sections, plan_passages
from index.config import DEFAULT_MODEL, IndexConfig
from index.corpus import read_corpus
from index.embed import _normalize, _pool_spans, load_embedder

OLD_BATCH = 16


def fp32_floor(corpus_dir: Path, model_cache: Path | None, sample: int) -> dict[str, Any]:
    cache = model_cache or IndexConfig(corpus_dir, corpus_dir).model_cache_dir
    embedder = load_embedder(DEFAULT_MODEL, cache, "fp32")
    corpus = read_corpus(corpus_dir)
    rels = corpus.rels()
    notes = list(corpus.files)
    random.Random(12).shuffle(notes)
    texts: list[str] = []
    spans: list[list[tuple[int, int]]] = []
    used = 0
    for note in notes:
        plan = plan_passages(note_sections(note, corpus.root.name, rels)[0], embedder)
        texts += [p.text for p in plan.passages]
        spans += plan.spans
        used += 1
        if len(texts) >= sample:
            break
    texts, spans = texts[:sample], spans[:sample]
    seconds = encode_as_before(embedder.export_dir, texts, spans)
    return {
        "passages": len(texts),
        "notes": used,
        "notes_total": len(corpus.files),
        "seconds": seconds,
        "passages_per_s": len(texts) / seconds if seconds else float("nan"),
    }


def encode_as_before(
    export_dir: Path, texts: list[str], spans: list[list[tuple[int, int]]]
) -> float:
    """Seconds to encode `texts` as index/embed.py did before issue 12."""
    import onnxruntime as ort
    from tokenizers import Tokenizer

    meta = json.loads((export_dir / "meta.json").read_text())
    tok = Tokenizer.from_file(str(export_dir / "tokenizer.json"))
    tok.enable_truncation(meta["max_seq_length"])
    tok.no_padding()
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = max(1, min(4, os.cpu_count() or 1))
    opts.log_severity_level = 3
    session = ort.InferenceSession(
        str(export_dir / "model.onnx"), opts, providers=["CPUExecutionProvider"]
    )
    session.run(None, _feeds(meta, np.ones((1, 4), np.int64), np.ones((1, 4), np.int64)))
    t0 = time.perf_counter()
    encs = tok.encode_batch(texts)
    order = sorted(range(len(texts)), key=lambda i: len(encs[i].ids))
    for start in range(0, len(texts), OLD_BATCH):
        idx = order[start : start + OLD_BATCH]
        width = max(len(encs[i].ids) for i in idx)
        ids = np.zeros((len(idx), width), dtype=np.int64)
        mask = np.zeros((len(idx), width), dtype=np.int64)
        for row, i in enumerate(idx):
            ids[row, : len(encs[i].ids)] = encs[i].ids
            mask[row, : len(encs[i].ids)] = 1
        sentence, tokens = session.run(None, _feeds(meta, ids, mask))
        _normalize(sentence)
        for row, i in enumerate(idx):
            _pool_spans(tokens[row], encs[i].offsets, encs[i].ids, spans[i])
    return time.perf_counter() - t0


def _feeds(meta: dict[str, Any], ids: np.ndarray, mask: np.ndarray) -> dict[str, np.ndarray]:
    feeds = {"input_ids": ids, "attention_mask": mask}
    if "token_type_ids" in meta["inputs"]:
        feeds["token_type_ids"] = np.zeros_like(ids)
    return feeds
