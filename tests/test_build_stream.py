"""The build in bounded memory: files written as the notes are read, vectors
embedded in chunks and reused from disk. Its index must be the one the
simple in-memory writer makes, file for file."""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, FakeEmbedder, write_notes

from index import build as build_mod
from index import embed_queue
from index.build import (
    bm25_index,
    build_index,
    dense_index,
    parse_corpus,
    plan_passages,
    section_hash,
)
from index.config import IndexConfig
from index.corpus import read_corpus
from index.domain import IndexMismatch, ModelUnavailable
from index.engine import Engine
from index.freshness import write_freshness
from index.store import Manifest, current_version, load_index, write_version

NOTES = {
    "README.md": (
        "# Network\n\n## metallb\n\nMetalLB gives bare metal clusters load balancers using BGP. "
        "It announces service addresses from the nodes.\n\n"
        "```sh\n# install it\nkubectl apply -f metallb.yaml\n```\n\n"
        "## ingress\n\nlink: [ingress](./ingress)\n\n"
        "# Security\n\n## vault\n\nVault stores secrets and hands out short-lived credentials.\n"
        "\n- rotate the root token\n- seal it when in doubt\n"
    ),
    "ingress/README.md": "# Ingress\n\nIngress routes HTTP traffic to services by host and path.\n",
    "runbooks/restart.md": "Restart the api pods one at a time.\n\n## Drain\n\nDrain first.\n",
    "db/postgres.md": "# Postgres\n\n## Backups\n\n*Date: 03/04/2021*\n\nBackups run nightly.\n\n"
    "## Replicas\n\nTwo streaming replicas follow the primary. Failover is manual.\n",
}


def in_memory_version(corpus_dir: Path, emb: FakeEmbedder, out: Path) -> None:
    """The index as the simple writer makes it, everything in memory at once."""
    corpus = read_corpus(corpus_dir)
    sections = parse_corpus(corpus)
    plan = plan_passages(sections, emb)
    vecs, spans = emb.embed_passages([p.text for p in plan.passages], plan.spans)
    heads = np.stack([s[0] for s in spans])
    units = np.concatenate([s[1:] for s in spans])
    manifest = Manifest(2, emb.model_id, emb.dim, "", 0.0, "auto", {}, {})
    bm25 = bm25_index(plan.passages, {s.id: s for s in sections})
    out.mkdir()
    write_version(
        out, manifest, sections, plan.passages, plan.units, vecs, heads, units,
        dense_index(vecs, "auto"), bm25,
    )  # fmt: skip
    (out / "section_hashes.json").write_text(json.dumps({s.id: section_hash(s) for s in sections}))
    write_freshness(out, corpus, sections)


def files_of(version: Path) -> dict[str, bytes]:
    return {
        f.relative_to(version).as_posix(): f.read_bytes()
        for f in sorted(version.rglob("*"))
        if f.is_file() and f.name != "manifest.json"
    }


def live_files(index_dir: Path) -> dict[str, bytes]:
    return files_of(index_dir / current_version(index_dir))


@pytest.mark.parametrize("chunk", [512, 3])
def test_the_streamed_index_is_the_in_memory_one_file_for_file(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(embed_queue, "EMBED_CHUNK", chunk)  # 3: many chunks, shortest first
    corpus = write_notes(tmp_path / "notes", NOTES)
    build_index(IndexConfig(corpus, tmp_path / "index"), FakeEmbedder())
    in_memory_version(corpus, FakeEmbedder(), tmp_path / "reference")
    streamed, reference = live_files(tmp_path / "index"), files_of(tmp_path / "reference")
    assert sorted(streamed) == sorted(reference)
    assert "unit_vectors.npy" in streamed and "bm25/vocab.index.json" in streamed
    for name in reference:
        assert streamed[name] == reference[name], name
    manifest = json.loads((tmp_path / "index" / current_version(tmp_path / "index") /
                           "manifest.json").read_text())  # fmt: skip
    assert not any(name.startswith(".") for name in manifest["checksums"])  # no spool left


def test_vectors_reused_from_disk_land_on_their_new_rows(tmp_path):
    corpus = write_notes(tmp_path / "notes", NOTES)
    config = IndexConfig(corpus, tmp_path / "index")
    emb = FakeEmbedder()
    build_index(config, emb)
    # A new note sorted first shifts every row; an edit re-embeds one passage.
    write_notes(corpus, {"a-first.md": "# First\n\nA note that sorts before all others.\n"})
    readme = corpus / "README.md"
    readme.write_text(readme.read_text().replace("using BGP", "using BGP or ARP"))
    before = emb.embedded
    report = build_index(config, emb)
    assert 0 < report.embedded == emb.embedded - before < report.passages
    in_memory_version(corpus, FakeEmbedder(), tmp_path / "reference")
    assert live_files(config.index_dir) == files_of(tmp_path / "reference")


@pytest.mark.parametrize(
    "heading",
    ["## topic {n}\n\n", "topic {n}\n--------\n\n"],  # counted before parsing, or only after
)
def test_a_note_over_the_section_limit_is_cut_and_says_so(tmp_path, monkeypatch, caplog, heading):
    monkeypatch.setattr(build_mod, "MAX_NOTE_SECTIONS", 40)
    big = "".join(heading.format(n=n) + f"about topic {n}\n\n" for n in range(100))
    corpus = write_notes(tmp_path / "notes", {"big.md": big, "small.md": "# Small\n\nfine\n"})
    config = IndexConfig(corpus, tmp_path / "index")
    with caplog.at_level(logging.WARNING):
        report = build_index(config, FakeEmbedder())
    said = [s for s in report.skipped if s.startswith("big.md")]
    assert said == ["big.md: the sections after the first 40 (of 100; the limit per note)"]
    assert f"skipped {said[0]}" in caplog.text
    assert report.sections == 40 + 1
    loaded = load_index(config.index_dir, None)
    assert said[0] in loaded.manifest.skipped
    titles = {s.title for s in loaded.sections}
    assert "topic 39" in titles and "topic 40" not in titles and "Small" in titles
    assert said[0] in build_index(config, FakeEmbedder()).skipped  # said again when unchanged


class _Walks(list):
    """A list that counts how often it is walked."""

    walks = 0

    def __iter__(self):
        type(self).walks += 1
        return super().__iter__()


@pytest.mark.parametrize("headings", [4_000])
def test_headings_get_their_contents_in_one_walk_however_many(tmp_path, headings):
    note = "# Catalog\n\n" + "".join(f"## item {n}\n\ntext {n}\n\n" for n in range(headings))
    corpus = write_notes(tmp_path / "notes", {"catalog.md": note})
    sections = parse_corpus(read_corpus(corpus))
    assert len(sections) == headings + 1
    catalog = sections[0]
    assert catalog.blocks[0].kind == "contents"
    listed = catalog.blocks[0].text.removeprefix("Catalog: ").removesuffix(".").split(", ")
    assert listed == [f"item {n}" for n in range(headings)]
    # The work does not grow with the headings: the sections are walked twice,
    # not once per bare heading (20,000 headings once took 40 s this way).
    for n in (10, 1000):
        bare = _Walks(
            build_mod.parse_note("x.md", "".join(f"# h{k}\n\n## c{k}\n\n" for k in range(n)))
        )
        _Walks.walks = 0
        build_mod._with_contents(bare)
        assert _Walks.walks <= 2, n


def test_the_manifest_records_the_precision_and_another_asks_for_a_rebuild(tmp_path):
    corpus = write_notes(tmp_path / "notes", NOTES)
    config = IndexConfig(corpus, tmp_path / "index")
    fp32 = FakeEmbedder()
    first = build_index(config, fp32)
    assert load_index(config.index_dir, None).manifest.precision == "fp32"

    int8 = FakeEmbedder()
    int8.precision = "int8"
    with pytest.raises(
        IndexMismatch, match=r"fp32 model, not int8; rebuild it with `notesbot index`"
    ):
        Engine.open(config, int8)
    with pytest.raises(IndexMismatch, match="rebuild"):
        load_index(config.index_dir, None, expect_precision="int8")
    engine = Engine.open(config, fp32)

    again = build_index(config, int8)  # the notes did not change, the precision did
    assert not again.unchanged and again.embedded == first.passages == int8.embedded
    assert load_index(config.index_dir, None).manifest.precision == "int8"
    assert not engine.reload_if_changed()  # an fp32 engine does not mix in int8 vectors
    assert "rebuild" in (engine.last_reload_error or "")
    assert build_index(config, int8).unchanged


def test_progress_on_a_terminal_and_silence_elsewhere(tmp_path, capsys):
    corpus = write_notes(tmp_path / "notes", NOTES)
    build_index(IndexConfig(corpus, tmp_path / "quiet"), FakeEmbedder())
    assert capsys.readouterr().err == ""
    report = build_index(IndexConfig(corpus, tmp_path / "shown"), FakeEmbedder(), progress=True)
    err = capsys.readouterr().err
    assert "reading notes 4/4" in err
    assert f"embedding {report.passages} passages" in err
    assert err.endswith("\r\x1b[K")  # the line is cleared for what the command prints next


class _FailsOnThirdChunk(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def embed_passages(self, texts, spans, **kw):
        self.calls += 1
        if self.calls == 3:
            raise ModelUnavailable("the model's files went missing")
        return super().embed_passages(texts, spans, **kw)


def test_a_failure_while_embedding_behind_the_cutting_fails_the_build_cleanly(
    tmp_path, monkeypatch
):
    """Passages are embedded on another thread while notes are cut: its error
    is the build's, and nothing half-made is left or published."""
    monkeypatch.setattr(embed_queue, "EMBED_CHUNK", 2)
    corpus = write_notes(tmp_path / "notes", NOTES)
    config = IndexConfig(corpus, tmp_path / "index")
    build_index(config, FakeEmbedder())
    live = current_version(config.index_dir)
    write_notes(corpus, {f"more/{n}.md": f"# Note {n}\n\nAbout topic {n}.\n" for n in range(30)})
    threads = threading.active_count()
    with pytest.raises(ModelUnavailable, match="went missing"):
        build_index(config, _FailsOnThirdChunk())
    assert threading.active_count() == threads
    assert current_version(config.index_dir) == live
    assert not list(config.index_dir.glob(".tmp-*"))
    assert build_index(config, FakeEmbedder()).embedded >= 30  # and the next build goes on


# --------------------------------------------------------------------------- the real model


@pytest.mark.model
def test_changing_the_precision_rebuilds_and_answers(shipped_index, model_cache, tmp_path):
    """NOTESBOT_MODEL_PRECISION changed over an index: the next `notesbot
    index` re-embeds every passage, and questions are encoded the same way."""
    import os
    import shutil
    import subprocess
    import sys

    from conftest import CORPUS, ROOT

    from index.config import DEFAULT_PRECISION

    index = tmp_path / "index"
    shutil.copytree(shipped_index.index_dir, index)
    before = load_index(index, None).manifest
    assert before.precision == DEFAULT_PRECISION == "fp32"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "NOTESBOT_CORPUS": str(CORPUS),
        "NOTESBOT_INDEX": str(index),
        "NOTESBOT_MODEL_CACHE": str(model_cache),
        "NOTESBOT_MODEL_PRECISION": "int8",
    }

    def notesbot(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot.cli", *args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={**env, **extra},
            timeout=600,
        )

    r = notesbot("index")
    assert r.returncode == 0, r.stderr
    assert f"{before.counts['passages']} passages embedded" in r.stdout  # all of them again
    assert "\r" not in r.stderr and "embedding" not in r.stderr  # not a terminal: no progress
    assert len(r.stdout.splitlines()) == 1  # one summary line, as cron mails it
    assert load_index(index, None).manifest.precision == "int8"
    r = notesbot("ask", "--json", "what replaces service-loadbalancer?")
    assert r.returncode == 0, r.stderr
    answer = json.loads(r.stdout)
    assert answer["citations"][0]["title"] == "(deprecated) service-loadbalancer"
    assert "ingress" in answer["answer"]
    assert notesbot("index").stdout.startswith("index unchanged")

    r = notesbot("index", NOTESBOT_MODEL_PRECISION="int4")
    assert r.returncode == 2 and "NOTESBOT_MODEL_PRECISION" in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


@pytest.mark.model
def test_a_real_build_lets_go_of_its_threads_and_can_embed_again(real_embedder, tmp_path):
    """A server that rebuilds keeps no batch threads (nor the memory the
    runtime keeps for each) between builds."""
    from conftest import CORPUS

    build_index(IndexConfig(CORPUS, tmp_path / "first"), real_embedder)
    before = {t.ident for t in threading.enumerate()}  # libraries' own, made once
    report = build_index(IndexConfig(CORPUS, tmp_path / "second"), real_embedder)
    assert report.embedded == report.passages > 0
    assert [t.name for t in threading.enumerate() if t.ident not in before] == []
    assert not [t.name for t in threading.enumerate() if t.name.startswith("embed")]
    vecs, _ = real_embedder.embed_passages(["Vault stores secrets."], [[(0, 21)]])
    assert vecs.shape == (1, real_embedder.dim)


@pytest.mark.model
def test_the_int8_model_stays_close_to_fp32(model_cache):
    """Per-channel int8 weights: passages and their sentences within a few
    degrees of fp32's (per-tensor weights drifted to 0.95 and changed answers)."""
    from index.embed import load_embedder

    fp32 = load_embedder("all-MiniLM-L6-v2", model_cache, "fp32")
    int8 = load_embedder("all-MiniLM-L6-v2", model_cache, "int8")
    assert int8.precision == "int8" and int8.export_dir == fp32.export_dir
    plan = plan_passages(parse_corpus(read_corpus(ROOT / "corpus")), fp32)
    texts, spans = [p.text for p in plan.passages], plan.spans
    a, a_spans = fp32.embed_passages(texts, spans)
    b, b_spans = int8.embed_passages(texts, spans)
    passages = np.sum(a * b, axis=1)
    units = np.concatenate([np.sum(x * y, axis=1) for x, y in zip(a_spans, b_spans, strict=True)])
    assert passages.mean() > 0.99 and passages.min() > 0.97
    assert units.mean() > 0.98 and np.quantile(units, 0.01) > 0.95


@pytest.mark.model
def test_a_fresh_export_holds_the_model_at_both_precisions(tmp_path):
    """Made where torch and onnx are (`notesbot model`, the image's build
    stage), so that a runtime install can serve either."""
    from index.embed import load_embedder, prepare_model

    export_dir = prepare_model("all-MiniLM-L6-v2", tmp_path / "models", "fp32")
    assert (export_dir / "model.onnx").is_file() and (export_dir / "model.int8.onnx").is_file()
    assert (export_dir / "openvino" / "model.xml").is_file()  # builds in bfloat16 need no writes
    assert not [p.name for p in export_dir.iterdir() if "tmp" in p.name]
    int8 = load_embedder("all-MiniLM-L6-v2", tmp_path / "models", "int8")
    fp32 = load_embedder("all-MiniLM-L6-v2", tmp_path / "models", "fp32")
    q = "what replaces service-loadbalancer?"
    assert float(int8.embed_query(q) @ fp32.embed_query(q)) > 0.98
