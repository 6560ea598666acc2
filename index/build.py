"""Notes → sections → passages → vectors → a new index version, incrementally.

Only passages whose content hash is new are embedded; the rest reuse the
vectors of the live version. When no note changed at all, nothing is parsed
or embedded and the live version stays as it is.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from .config import IndexConfig
from .corpus import Corpus, read_corpus
from .domain import (
    Block,
    BuildReport,
    IndexCorrupt,
    IndexMismatch,
    IndexReadOnly,
    NotesbotError,
    Section,
)
from .embed import Embedder, load_embedder, model_id
from .freshness import write_freshness
from .markdown import parse_note, resolve_link
from .store import (
    FORMAT_VERSION,
    Manifest,
    Passage,
    Unit,
    build_lock,
    check_manifest,
    current_version,
    finish_version_dir,
    new_version_dir,
    prune,
    publish,
    read_manifest,
    verify_files,
    write_version,
)
from .text import terms

log = logging.getLogger(__name__)

# Below this many passages an exact (flat) search costs well under a millisecond;
# above it HNSW keeps queries fast (see docs/benchmarks.md).
AUTO_HNSW_FROM = 50_000
# Bump when parsing or passage cutting changes: an unchanged corpus is then re-cut
# (vectors of passages that come out the same are still reused).
PIPELINE_VERSION = 9  # 9: freshness.json
CODE_UNIT_LINES = 8
_WS = re.compile(r"[ \t]*\n[ \t]*|[ \t]+")


@dataclass
class _Plan:
    passages: list[Passage]
    units: list[Unit]
    spans: list[list[tuple[int, int]]]


def build_index(
    config: IndexConfig,
    embedder: Embedder | None = None,
    *,
    progress: bool = False,
    wait: float = 0.0,
    force: bool = False,
) -> BuildReport:
    """Build or update the index at `config.index_dir` from `config.corpus_dir`."""
    t0 = time.perf_counter()
    corpus = read_corpus(config.corpus_dir)
    want_model = embedder.model_id if embedder is not None else model_id(config.model)
    index_type = config.index_type
    with contextlib.ExitStack() as locked:
        try:
            locked.enter_context(build_lock(config.index_dir, wait=wait))
        except IndexReadOnly as exc:
            # A replica on a read-only volume: nothing to do while it is current.
            report = None if force else _unchanged(config, corpus, want_model, t0)
            if report is not None:
                return report
            if current_version(config.index_dir) is None:
                raise IndexReadOnly(f"{exc}, and has no index to answer from") from None
            raise IndexReadOnly(f"{exc}, and older than the notes") from None
        report = None if force else _unchanged(config, corpus, want_model, t0)
        if report is not None:
            prune(config.index_dir)
            return report
        live = current_version(config.index_dir)

        # Said when the notes are indexed, not on every read of them (each `ask`).
        for skipped in corpus.skipped:
            log.warning("skipped %s", skipped)
        if embedder is None:
            embedder = load_embedder(config.model, config.model_cache_dir)
        sections = parse_corpus(corpus)
        plan = plan_passages(sections, embedder)
        reuse = _previous_vectors(config.index_dir, live, want_model)
        pvec, hvec, uvec, embedded = _embed(plan, embedder, reuse, progress)
        dense = dense_index(pvec, index_type)
        bm25 = _bm25_index(plan.passages, {s.id: s for s in sections})

        added, changed, removed = _diff(config.index_dir, live, sections)
        manifest = Manifest(
            format=FORMAT_VERSION,
            model=want_model,
            dim=int(pvec.shape[1]),
            corpus_hash=corpus.digest,
            built_at=time.time(),
            index_type=index_type,
            files={f.rel: f.sha for f in corpus.files},
            counts={
                "files": len(corpus.files),
                "sections": len(sections),
                "passages": len(plan.passages),
                "units": len(plan.units),
            },
            skipped=list(corpus.skipped),
            pipeline=PIPELINE_VERSION,
        )
        name, tmp = new_version_dir(config.index_dir)
        try:
            _write_section_hashes(tmp, sections)
            write_freshness(tmp, corpus, sections)
            write_version(
                tmp, manifest, sections, plan.passages, plan.units, pvec, hvec, uvec, dense, bm25
            )
            finish_version_dir(config.index_dir, tmp, name)
        except BaseException:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
            raise
        publish(config.index_dir, name)
        prune(config.index_dir)
    return BuildReport(
        files=len(corpus.files),
        sections=len(sections),
        passages=len(plan.passages),
        added=added,
        changed=changed,
        removed=removed,
        embedded=embedded,
        seconds=time.perf_counter() - t0,
        version=name,
        unchanged=False,
        skipped=corpus.skipped,
    )


def _unchanged(
    config: IndexConfig, corpus: Corpus, want_model: str, t0: float
) -> BuildReport | None:
    """The report of a build with nothing to do, or None when the live
    version is not of these notes, this model and this way of cutting them."""
    live = current_version(config.index_dir)
    manifest = _live_manifest(config.index_dir, live)
    if not (
        manifest is not None
        and manifest.model == want_model
        and manifest.corpus_hash == corpus.digest
        and manifest.index_type == config.index_type
        and manifest.pipeline == PIPELINE_VERSION
    ):
        return None
    counts = manifest.counts
    return BuildReport(
        files=len(corpus.files),
        sections=counts.get("sections", 0),
        passages=counts.get("passages", 0),
        added=0,
        changed=0,
        removed=0,
        embedded=0,
        seconds=time.perf_counter() - t0,
        version=live or "",
        unchanged=True,
        skipped=corpus.skipped,
    )


def _live_manifest(index_dir: Path, live: str | None) -> Manifest | None:
    if live is None:
        return None
    try:
        manifest = read_manifest(index_dir / live)
        check_manifest(manifest, index_dir, None)
        verify_files(index_dir / live, manifest)
        return manifest
    except (IndexCorrupt, IndexMismatch) as exc:
        log.warning("%s: rebuilding it from the notes", str(exc).split(";")[0])
        return None


# --------------------------------------------------------------------------- sections


def parse_corpus(corpus: Corpus) -> list[Section]:
    rels = corpus.rels()
    sections: list[Section] = []
    for note in corpus.files:
        parsed = parse_note(note.rel, note.text, corpus.root.name)
        for s in _with_contents(parsed):
            if s.link_target is not None:
                s = replace(s, link_resolved=resolve_link(s.source, s.link_target, rels))
            sections.append(s)
    return sections


def _with_contents(sections: list[Section]) -> list[Section]:
    """A heading with nothing under it but sub-headings (a category) is about
    them: give it their titles as content, so "which network projects are
    there?" finds it."""
    out = []
    for s in sections:
        if not s.blocks and s.level >= 1:
            children = [
                c.title for c in sections if c.path[:-1] == s.path and c.level == s.level + 1
            ]
            if children:
                text = f"{s.title}: {', '.join(children)}."
                s = replace(s, blocks=(Block("contents", text, s.start_line),))
        out.append(s)
    return out


def searchable(section: Section) -> bool:
    """Sections with something to find: content, or a link to other notes."""
    return bool(section.blocks)


# --------------------------------------------------------------------------- passages


def plan_passages(sections: Sequence[Section], embedder: Embedder) -> _Plan:
    """Cut each section into passages that fit the model, each starting with
    its heading path, and record the units (sentences, code snippets) inside."""
    plan = _Plan([], [], [])
    budget = embedder.max_tokens - 2  # [CLS] and [SEP]
    for section in sections:
        if not searchable(section):
            continue
        header = section.context_path
        room = max(32, budget - embedder.count_tokens(header) - 1)
        pieces = list(_split_units(section, embedder.count_tokens, room))
        groups: list[list[tuple[str, int, str, int]]] = [[]]
        used = 0
        for piece in pieces:
            size = piece[3]
            if groups[-1] and used + size > room:
                groups.append([])
                used = 0
            groups[-1].append(piece)
            used += size
        for group in groups:
            text = header
            spans = [(0, len(header))]  # the heading path, read in the light of its content
            unit_start = len(plan.units)
            for unit_text, line, kind, _ in group:
                text += "\n"
                start = len(text)
                text += unit_text
                spans.append((start, len(text)))
                plan.units.append(
                    Unit(section.id, len(plan.passages), unit_text, line, kind, start, len(text))
                )
            digest = hashlib.sha1(f"{text}\0{spans}".encode()).hexdigest()
            plan.passages.append(Passage(section.id, text, digest, unit_start, len(group)))
            plan.spans.append(spans)
    return plan


def _split_units(
    section: Section, count: Callable[[str], int], room: int
) -> list[tuple[str, int, str, int]]:
    """(text, line, kind, tokens) for each sentence or code snippet."""
    from .sentences import split_sentences

    out: list[tuple[str, int, str, int]] = []
    for block in section.blocks:
        if block.kind == "code":
            for first, chunk in _code_steps(block.text):
                out.extend(_fit(chunk, block.line + first, "code", count, room))
            continue
        if block.kind == "figure":
            continue  # an image's caption: nothing to find or quote
        if block.kind in ("contents", "link"):
            out.extend(_fit(_WS.sub(" ", block.text), block.line, block.kind, count, room))
            continue
        for offset, sentence in split_sentences(block.text):
            line = block.line + block.text.count("\n", 0, offset)
            flat = _WS.sub(" ", sentence).strip()
            if flat:
                out.extend(_fit(flat, line, block.kind, count, room))
    return out


def _code_steps(code: str) -> list[tuple[int, str]]:
    """A code block in steps: a new step at a blank line or a comment line
    ("# seal it"), at most CODE_UNIT_LINES lines each."""
    steps: list[tuple[int, list[str]]] = []
    for n, line in enumerate(code.split("\n")):
        starts = not steps or not line.strip() or line.lstrip().startswith(("#", "//"))
        if starts or len(steps[-1][1]) >= CODE_UNIT_LINES:
            if steps and not any(x.strip() for x in steps[-1][1]):
                steps.pop()
            # A comment belongs to the commands under it.
            if steps and len(steps[-1][1]) == 1 and steps[-1][1][0].lstrip().startswith("#"):
                steps[-1][1].append(line)
                continue
            steps.append((n, []))
        steps[-1][1].append(line)
    out = []
    for n, lines in steps:
        if any(x.strip() for x in lines):
            blank = next(i for i, x in enumerate(lines) if x.strip())  # lines stripped before it
            out.append((n + blank, "\n".join(lines).strip("\n")))
    return out


def _fit(
    text: str, line: int, kind: str, count: Callable[[str], int], room: int
) -> list[tuple[str, int, str, int]]:
    """Split a unit that alone would not fit a passage into word windows that do."""
    n = count(text)
    if n <= room:
        return [(text, line, kind, n)]
    words = text.split(" ")
    per = max(8, int(len(words) * room / n * 0.9))
    return [
        (" ".join(words[i : i + per]), line, kind, count(" ".join(words[i : i + per])))
        for i in range(0, len(words), per)
    ]


# --------------------------------------------------------------------------- vectors


def _previous_vectors(
    index_dir: Path, live: str | None, model: str
) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Vectors of the live version by passage hash, to reuse."""
    if live is None:
        return {}
    path = index_dir / live
    try:
        manifest = read_manifest(path)
        if manifest.model != model or manifest.format != FORMAT_VERSION:
            return {}
        verify_files(path, manifest)  # never reuse the vectors of a damaged version
        pvec = np.load(path / "passage_vectors.npy", allow_pickle=False)
        hvec = np.load(path / "heading_vectors.npy", allow_pickle=False)
        uvec = np.load(path / "unit_vectors.npy", allow_pickle=False)
        out: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        with open(path / "passages.jsonl", encoding="utf-8") as f:
            for i, line in enumerate(f):
                p = json.loads(line)
                s, c = p["unit_start"], p["unit_count"]
                if i < len(pvec) and i < len(hvec) and s + c <= len(uvec):
                    out[p["hash"]] = (pvec[i], hvec[i], uvec[s : s + c])
        return out
    except (NotesbotError, OSError, ValueError, KeyError) as exc:
        log.warning("not reusing the previous vectors: %s", exc)
        return {}


def _embed(
    plan: _Plan,
    embedder: Embedder,
    reuse: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
    progress: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Passage vectors, heading vectors (per passage) and unit vectors."""
    dim = embedder.dim
    pvec = np.zeros((len(plan.passages), dim), dtype=np.float32)
    hvec = np.zeros((len(plan.passages), dim), dtype=np.float32)
    uvec = np.zeros((len(plan.units), dim), dtype=np.float32)
    todo = [i for i, p in enumerate(plan.passages) if p.hash not in reuse]
    for i, p in enumerate(plan.passages):
        if p.hash in reuse:
            pvec[i], hvec[i], uvec[p.unit_start : p.unit_start + p.unit_count] = reuse[p.hash]
    if todo:
        vecs, span_vecs = embedder.embed_passages(
            [plan.passages[i].text for i in todo],
            [plan.spans[i] for i in todo],
            progress=progress,
        )
        for row, i in enumerate(todo):
            p = plan.passages[i]
            pvec[i] = vecs[row]
            hvec[i] = span_vecs[row][0]
            uvec[p.unit_start : p.unit_start + p.unit_count] = span_vecs[row][1:]
    return pvec, hvec, uvec, len(todo)


def dense_index(vectors: np.ndarray, index_type: str) -> Any:
    """The FAISS index over passage vectors: exact (flat) or approximate
    (HNSW, IVF) by `index_type`; "auto" is flat below AUTO_HNSW_FROM vectors."""
    import faiss

    n, dim = vectors.shape
    kind = index_type
    if kind == "auto":
        kind = "hnsw" if n >= AUTO_HNSW_FROM else "flat"
    if kind == "ivf" and n < 1024:
        kind = "flat"  # too few vectors to train clusters on
    index: Any
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = 128
    elif kind == "ivf":
        nlist = int(4 * np.sqrt(n))
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
        index.train(vectors)
        index.nprobe = max(8, nlist // 8)
    else:
        index = faiss.IndexFlatIP(dim)
    if n:
        index.add(vectors)
    return index


def _bm25_index(passages: Sequence[Passage], by_id: dict[str, Section]) -> Any:
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs each build at DEBUG
    if not passages:
        return None
    docs = []
    for p in passages:
        # The heading counts twice: a section is about what its heading names.
        docs.append(terms(by_id[p.section_id].title) + terms(p.text))
    retriever = bm25s.BM25()
    retriever.index(docs, show_progress=False)
    return retriever


# --------------------------------------------------------------------------- report


def _section_hash(s: Section) -> str:
    payload = json.dumps([s.title, s.link_target, [(b.kind, b.text) for b in s.blocks]])
    return hashlib.sha1(payload.encode()).hexdigest()


def _write_section_hashes(tmp: Path, sections: Sequence[Section]) -> None:
    (tmp / "section_hashes.json").write_text(json.dumps({s.id: _section_hash(s) for s in sections}))


def _diff(index_dir: Path, live: str | None, sections: Sequence[Section]) -> tuple[int, int, int]:
    new = {s.id: _section_hash(s) for s in sections}
    old: dict[str, str] = {}
    if live is not None:
        try:
            old = json.loads((index_dir / live / "section_hashes.json").read_text())
        except (OSError, ValueError):
            old = {}
    added = sum(1 for k in new if k not in old)
    changed = sum(1 for k, h in new.items() if k in old and old[k] != h)
    removed = sum(1 for k in old if k not in new)
    return added, changed, removed
