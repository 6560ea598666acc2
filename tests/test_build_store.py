"""The index on disk: incremental, atomic, locked, refusing what it can't read.

These use the fake embedder: they are about files and versions, not search.
"""

from __future__ import annotations

import json
import threading
import time

import numpy as np
import pytest
from conftest import write_notes

from index import build as build_mod
from index.build import build_index
from index.config import IndexConfig
from index.domain import IndexCorrupt, IndexLocked, IndexMismatch, IndexNotFound
from index.engine import Engine
from index.store import build_lock, current_version, load_index

NOTES = {
    "README.md": (
        "# Network\n\n## metallb\n\nMetalLB gives bare metal clusters load balancers using BGP.\n\n"
        "## ingress\n\nlink: [ingress](./ingress)\n\n"
        "# Security\n\n## vault\n\nVault stores secrets and hands out short-lived credentials.\n"
    ),
    "ingress/README.md": "# Ingress\n\nIngress routes HTTP traffic to services by host and path.\n",
    "runbooks/restart.md": "Restart the api server pods one node at a time.\n",
}


@pytest.fixture
def setup(tmp_path, fake_embedder):
    corpus = write_notes(tmp_path / "notes", NOTES)
    config = IndexConfig(corpus, tmp_path / "index")
    return config, fake_embedder


def test_first_build_then_unchanged_rebuild_embeds_nothing(setup):
    config, emb = setup
    first = build_index(config, emb)
    assert not first.unchanged and first.files == 3 and first.added == first.sections
    assert emb.embedded == first.passages > 0
    t0 = time.perf_counter()
    again = build_index(config, emb)
    assert again.unchanged and again.embedded == 0 and again.version == first.version
    assert emb.embedded == first.passages
    assert time.perf_counter() - t0 < 1.0


def test_editing_one_note_reembeds_only_what_changed(setup):
    config, emb = setup
    first = build_index(config, emb)
    before = emb.embedded
    path = config.corpus_dir / "README.md"
    path.write_text(path.read_text().replace("using BGP", "using BGP or layer 2 ARP"))
    report = build_index(config, emb)
    assert report.changed == 1 and report.added == 0 and report.removed == 0
    assert 1 <= report.embedded < first.passages
    assert emb.embedded - before == report.embedded
    loaded = load_index(config.index_dir, emb.model_id)
    assert any("layer 2 ARP" in p.text for p in loaded.passages)


def test_a_deleted_note_disappears_from_the_index_and_answers(setup):
    config, emb = setup
    build_index(config, emb)
    engine = Engine.open(config, emb)
    assert engine.ask("restart the api server pods").citations[0].source == "runbooks/restart.md"
    (config.corpus_dir / "runbooks" / "restart.md").unlink()
    report = build_index(config, emb)
    assert report.removed == 1 and report.files == 2
    assert engine.reload_if_changed()
    answer = engine.ask("restart the api server pods")
    assert all(c.source != "runbooks/restart.md" for c in answer.citations)


def test_a_build_that_dies_midway_leaves_the_last_good_index(setup, monkeypatch):
    config, emb = setup
    good = build_index(config, emb)
    (config.corpus_dir / "new.md").write_text("# New\n\nsomething new\n")

    def crash(tmp, *args, **kwargs):
        (tmp / "sections.jsonl").write_text("half")
        raise KeyboardInterrupt  # like a kill between two files

    monkeypatch.setattr(build_mod, "write_manifest", crash)
    with pytest.raises(KeyboardInterrupt):
        build_index(config, emb)
    assert current_version(config.index_dir) == good.version
    assert load_index(config.index_dir, emb.model_id).manifest.counts["files"] == 3
    monkeypatch.undo()
    report = build_index(config, emb)
    assert not report.unchanged and report.files == 4
    assert not list(config.index_dir.glob(".tmp-*"))  # leftovers cleaned up


def test_a_second_build_waits_for_or_refuses_the_lock(setup):
    config, emb = setup
    build_index(config, emb)
    (config.corpus_dir / "new.md").write_text("# New\n\nmore\n")
    held = threading.Event()
    release = threading.Event()

    def holder():
        with build_lock(config.index_dir):
            held.set()
            release.wait(5)

    t = threading.Thread(target=holder)
    t.start()
    held.wait(5)
    try:
        with pytest.raises(IndexLocked, match="another build"):
            build_index(config, emb)
        threading.Timer(0.3, release.set).start()
        report = build_index(config, emb, wait=5)  # waits, then builds
        assert report.files == 4
    finally:
        release.set()
        t.join()


def test_old_versions_are_pruned(setup):
    config, emb = setup
    for n in range(4):
        (config.corpus_dir / f"extra{n}.md").write_text(f"# Extra {n}\n\ntext {n}\n")
        build_index(config, emb)
    versions = [p for p in config.index_dir.glob("v-*") if p.is_dir()]
    assert len(versions) == 2
    assert current_version(config.index_dir) in {p.name for p in versions}


def test_no_index_mismatched_model_and_format_are_refused(setup, tmp_path):
    config, emb = setup
    with pytest.raises(IndexNotFound, match="notesbot index"):
        load_index(tmp_path / "nothing", None)
    build_index(config, emb)
    with pytest.raises(IndexMismatch, match="rebuild"):
        load_index(config.index_dir, "sentence-transformers/other-model")
    manifest = config.index_dir / current_version(config.index_dir) / "manifest.json"
    data = json.loads(manifest.read_text())
    data["format"] = 999
    manifest.write_text(json.dumps(data))
    with pytest.raises(IndexMismatch, match="format"):
        load_index(config.index_dir, emb.model_id)
    # A build replaces an index it cannot read.
    assert not build_index(config, emb).unchanged
    load_index(config.index_dir, emb.model_id)


@pytest.mark.parametrize("damage", ["truncate-vectors", "garbage-manifest", "missing-version"])
def test_a_damaged_index_is_reported_and_repaired_by_the_next_build(setup, damage):
    config, emb = setup
    build_index(config, emb)
    version_dir = config.index_dir / current_version(config.index_dir)
    if damage == "truncate-vectors":
        data = (version_dir / "passage_vectors.npy").read_bytes()
        (version_dir / "passage_vectors.npy").write_bytes(data[: len(data) // 2])
    elif damage == "garbage-manifest":
        (version_dir / "manifest.json").write_text("{not json")
    else:
        (config.index_dir / "CURRENT").write_text("v-does-not-exist\n")
    with pytest.raises(IndexCorrupt, match="notesbot index"):
        load_index(config.index_dir, emb.model_id)
    report = build_index(config, emb)
    assert not report.unchanged
    assert load_index(config.index_dir, emb.model_id).manifest.counts["files"] == 3


def test_a_running_engine_keeps_its_index_when_a_new_one_is_broken(setup):
    config, emb = setup
    build_index(config, emb)
    engine = Engine.open(config, emb)
    old = engine.version
    (config.index_dir / "CURRENT").write_text("v-broken\n")
    assert not engine.reload_if_changed()
    assert engine.version == old and "missing version" in (engine.last_reload_error or "")
    assert engine.ask("metallb bgp").found


def test_a_restarted_engine_serves_the_previous_version_when_the_live_one_is_damaged(setup):
    config, emb = setup
    build_index(config, emb)
    (config.corpus_dir / "new.md").write_text("# New\n\nthe new note about canaries\n")
    build_index(config, emb)
    live = config.index_dir / current_version(config.index_dir)
    (live / "units.jsonl").write_text("damaged")
    with pytest.raises(IndexCorrupt):
        load_index(config.index_dir, emb.model_id)
    engine = Engine.open(config, emb)  # falls back instead of failing to start
    assert engine.version != live.name and engine.ask("metallb bgp").found
    assert not engine.reload_if_changed() and "damaged" in (engine.last_reload_error or "")
    assert not engine.reload_if_changed()  # the damaged version is not retried each question
    report = build_index(config, emb)  # the next build repairs it...
    assert not report.unchanged
    assert engine.reload_if_changed()  # ...and the engine moves on to it
    assert engine.last_reload_error is None
    assert engine.ask("canaries").citations[0].source == "new.md"


@pytest.mark.parametrize("index_type", ["flat", "hnsw", "ivf"])
def test_index_types_all_search(setup, index_type):
    config, emb = setup
    config = IndexConfig(config.corpus_dir, config.index_dir, index_type=index_type)
    build_index(config, emb)
    loaded = load_index(config.index_dir, emb.model_id)
    assert loaded.dense.ntotal == len(loaded.passages)
    q = emb.embed_query("vault secrets credentials").reshape(1, -1)
    _, ids = loaded.dense.search(q.astype(np.float32), 1)
    assert loaded.passages[ids[0][0]].text.startswith("notes › Security › vault")
