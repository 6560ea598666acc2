"""Notes → sections → passages → vectors → a new index version, incrementally.

Only passages whose content hash is new are embedded; the rest reuse the
vectors of the live version. When no note changed at all, nothing is parsed
or embedded and the live version stays as it is.

Memory does not grow with the notes: one note's sections are in memory at a
time, and the version's files are written as the notes are read
(index/writer.py). Passages to embed wait in a spool file and are embedded
while the notes are still being cut (index/embed_queue.py), their vectors
written straight to their rows.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import shutil
import time
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np

from .config import IndexConfig
from .corpus import Corpus, NoteFile, read_corpus
from .domain import (
    Block,
    BuildReport,
    IndexCorrupt,
    IndexMismatch,
    IndexReadOnly,
    NotesbotError,
    Section,
)
from .embed import Embedder, Span, load_embedder, model_id, trim_heap
from .embed_queue import EmbedQueue
from .freshness import Dated, section_dates, write_dates
from .markdown import headings_up_to, parse_note, resolve_link
from .progress import Progress
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
    record,
    section_json,
    verify_files,
    write_manifest,
)
from .text import terms
from .writer import ROWS_PER_READ, JsonlWriter, NpyReader, NpyRows, SectionHashes, TermIds

log = logging.getLogger(__name__)

# Below this many passages an exact (flat) search costs well under a millisecond;
# above it HNSW keeps queries fast (see docs/benchmarks.md).
AUTO_HNSW_FROM = 50_000
# Bump when parsing or passage cutting changes: an unchanged corpus is then re-cut
# (vectors of passages that come out the same are still reused).
PIPELINE_VERSION = 9  # 9: freshness.json
CODE_UNIT_LINES = 8
# Sections of one note beyond this are not indexed, and the build says so: a
# generated or pasted note of tens of thousands of headings would otherwise
# hold the build (and its lock) for many minutes. Real notes have hundreds.
MAX_NOTE_SECTIONS = 5_000
_WS = re.compile(r"[ \t]*\n[ \t]*|[ \t]+")


class _Closable(Protocol):
    def close(self) -> None: ...


_W = TypeVar("_W", bound=_Closable)


@dataclass
class _Plan:
    passages: list[Passage]
    units: list[Unit]
    spans: list[list[tuple[int, int]]]


@dataclass
class _Built:
    """What writing a version found, for its manifest and the build's report."""

    sections: int = 0
    passages: int = 0
    units: int = 0
    embedded: int = 0
    dim: int = 0
    added: int = 0
    changed: int = 0
    removed: int = 0
    cut: list[str] = field(default_factory=list)  # notes over MAX_NOTE_SECTIONS, with why
    encoder: str = ""  # what embedded the new passages


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
    precision = embedder.precision if embedder is not None else config.precision
    index_type = config.index_type
    with contextlib.ExitStack() as locked:
        try:
            locked.enter_context(build_lock(config.index_dir, wait=wait))
        except IndexReadOnly as exc:
            # A replica on a read-only volume: nothing to do while it is current.
            report = None if force else _unchanged(config, corpus, want_model, precision, t0)
            if report is not None:
                return report
            if current_version(config.index_dir) is None:
                raise IndexReadOnly(f"{exc}, and has no index to answer from") from None
            raise IndexReadOnly(f"{exc}, and older than the notes") from None
        report = None if force else _unchanged(config, corpus, want_model, precision, t0)
        if report is not None:
            prune(config.index_dir)
            return report
        live = current_version(config.index_dir)

        # Said when the notes are indexed, not on every read of them (each `ask`).
        for skipped in corpus.skipped:
            log.warning("skipped %s", skipped)
        if embedder is None:
            embedder = load_embedder(config.model, config.model_cache_dir, precision)
        name, tmp = new_version_dir(config.index_dir)
        shown = Progress(progress)
        previous = _Live(config.index_dir, live, want_model, precision)
        # The notes' text is let go of note by note as it is read: on large
        # collections it is the biggest thing a build would otherwise hold.
        notes: list[NoteFile | None] = list(corpus.files)
        corpus = replace(corpus, files=tuple(replace(f, text="") for f in corpus.files))
        try:
            built = _write_version(tmp, corpus, notes, embedder, previous, index_type, shown)
            manifest = Manifest(
                format=FORMAT_VERSION,
                model=want_model,
                dim=built.dim,
                corpus_hash=corpus.digest,
                built_at=time.time(),
                index_type=index_type,
                files={f.rel: f.sha for f in corpus.files},
                counts={
                    "files": len(corpus.files),
                    "sections": built.sections,
                    "passages": built.passages,
                    "units": built.units,
                },
                skipped=[*corpus.skipped, *built.cut],
                pipeline=PIPELINE_VERSION,
                precision=precision,
            )
            write_manifest(tmp, manifest)
            finish_version_dir(config.index_dir, tmp, name)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        finally:
            previous.close()
            shown.close()
        publish(config.index_dir, name)
        prune(config.index_dir)
    return BuildReport(
        files=len(corpus.files),
        sections=built.sections,
        passages=built.passages,
        added=built.added,
        changed=built.changed,
        removed=built.removed,
        embedded=built.embedded,
        seconds=time.perf_counter() - t0,
        version=name,
        unchanged=False,
        skipped=(*corpus.skipped, *built.cut),
        encoder=built.encoder,
    )


def _unchanged(
    config: IndexConfig, corpus: Corpus, want_model: str, precision: str, t0: float
) -> BuildReport | None:
    """The report of a build with nothing to do, or None when the live
    version is not of these notes, this model and this way of cutting them."""
    live = current_version(config.index_dir)
    manifest = _live_manifest(config.index_dir, live)
    if not (
        manifest is not None
        and manifest.model == want_model
        and manifest.precision == precision
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
        skipped=tuple(manifest.skipped),  # the notes' and what the build left out of them
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
    """Every section of every note, in memory (the build itself goes a note at a time)."""
    rels = corpus.rels()
    return [s for note in corpus.files for s in note_sections(note, corpus.root.name, rels)[0]]


def note_sections(note: NoteFile, corpus_name: str, rels: set[str]) -> tuple[list[Section], str]:
    """The sections of one note, and why some were left out ("" if none were)."""
    # The text after the heading past the limit is not even parsed: the time
    # and memory a note takes stay bounded too.
    headings, end = headings_up_to(note.text, MAX_NOTE_SECTIONS)
    parsed = parse_note(note.rel, note.text[:end], corpus_name)
    cut = ""
    if end < len(note.text) or len(parsed) > MAX_NOTE_SECTIONS:
        cut = (
            f"{note.rel}: the sections after the first {MAX_NOTE_SECTIONS:,} "
            f"(of {max(headings, len(parsed)):,}; the limit per note)"
        )
        log.warning("skipped %s", cut)
        parsed = parsed[:MAX_NOTE_SECTIONS]
    sections = []
    for s in _with_contents(parsed):
        if s.link_target is not None:
            s = replace(s, link_resolved=resolve_link(s.source, s.link_target, rels))
        sections.append(s)
    return sections, cut


def _with_contents(sections: list[Section]) -> list[Section]:
    """A heading with nothing under it but sub-headings (a category) is about
    them: give it their titles as content, so "which network projects are
    there?" finds it."""
    children: dict[tuple[tuple[str, ...], int], list[str]] = {}
    for c in sections:  # one pass: a note of 20,000 headings is not 20,000 scans
        children.setdefault((c.path[:-1], c.level), []).append(c.title)
    out = []
    for s in sections:
        if not s.blocks and s.level >= 1:
            titles = children.get((s.path, s.level + 1))
            if titles:
                text = f"{s.title}: {', '.join(titles)}."
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
    cutter = _Cutter(embedder)
    for section in sections:
        for cut in cutter.cut(section):
            plan.passages.append(cut.passage)
            plan.units.extend(cut.units)
            plan.spans.append(cut.spans)
    return plan


@dataclass(frozen=True)
class _Cut:
    row: int  # of the passage among all passages
    passage: Passage
    units: list[Unit]
    spans: list[Span]
    tokens: int  # about how long the passage is, to embed passages of like length together


class _Cutter:
    """Cuts sections into passages, numbering passages and units across the notes."""

    def __init__(self, embedder: Embedder) -> None:
        self._count = embedder.count_tokens
        self._budget = embedder.max_tokens - 2  # [CLS] and [SEP]
        self.passages = 0
        self.units = 0

    def cut(self, section: Section) -> Iterator[_Cut]:
        if not searchable(section):
            return
        header = section.context_path
        header_tokens = self._count(header)
        room = max(32, self._budget - header_tokens - 1)
        pieces = list(_split_units(section, self._count, room))
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
            number, unit_start = self.passages, self.units
            self.passages += 1
            self.units += len(group)
            text = header
            spans = [(0, len(header))]  # the heading path, read in the light of its content
            units = []
            for unit_text, line, kind, _ in group:
                text += "\n"
                start = len(text)
                text += unit_text
                spans.append((start, len(text)))
                units.append(Unit(section.id, number, unit_text, line, kind, start, len(text)))
            digest = hashlib.sha1(f"{text}\0{spans}".encode()).hexdigest()
            passage = Passage(section.id, text, digest, unit_start, len(group))
            yield _Cut(number, passage, units, spans, header_tokens + sum(p[3] for p in group))


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


# --------------------------------------------------------------------------- writing


def _write_version(
    tmp: Path,
    corpus: Corpus,
    notes: list[NoteFile | None],
    embedder: Embedder,
    live: _Live,
    index_type: str,
    shown: Progress,
) -> _Built:
    """Write every file of a version but its manifest into `tmp`: the notes'
    files a note at a time while their new passages are embedded, then the
    search indexes."""
    built = _Built(dim=embedder.dim)
    t0 = time.perf_counter()
    with contextlib.ExitStack() as files:

        def vectors(name: str, dtype: Any) -> NpyRows:
            return _closing(files, NpyRows(tmp / name, 0, built.dim, dtype))  # sized when cut

        pvec = vectors("passage_vectors.npy", np.float32)
        # Sentence and heading vectors only rank within a section: half precision
        # is plenty, and they are most of the index (and of its memory).
        hvec = vectors("heading_vectors.npy", np.float16)
        uvec = vectors("unit_vectors.npy", np.float16)
        with EmbedQueue(embedder, tmp / ".to-embed.jsonl", (pvec, hvec, uvec), shown) as queue:
            reused, bm25 = _write_notes(tmp, corpus, notes, embedder, live, built, queue, shown)
            t1 = time.perf_counter()
            pvec.resize(built.passages)
            hvec.resize(built.passages)
            uvec.resize(built.units)
            for k in range(0, len(reused), 5):
                row, old_row, unit_row, old_unit_row, count = reused[k : k + 5]
                p_old, h_old, u_old = live.vectors(old_row, old_unit_row, count)
                pvec.write(row, p_old)
                hvec.write(row, h_old)
                uvec.write(unit_row, u_old)
            built.embedded = queue.finish()
        built.encoder = embedder.batch_runtime
        embedder.release()  # the indexes take as much memory as the model did
        t2 = time.perf_counter()

        shown.step("indexing the words")
        retriever = bm25.retriever()
        del bm25
        if retriever is not None:
            logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs each build at DEBUG
            retriever.save(str(tmp / "bm25"), show_progress=False)
        del retriever
        trim_heap()  # before the vectors' index, the largest thing a build holds

        shown.step("indexing the vectors")
        import faiss

        faiss.write_index(_dense_index_from(pvec, index_type), str(tmp / "dense.faiss"))
    t3 = time.perf_counter()
    log.info(
        "read and cut %d notes in %.1f s; embedded %d passages by %.1f s (%.0f a second, %s); "
        "words and vectors indexed in %.1f s",
        len(corpus.files), t1 - t0, built.embedded, t2 - t0,
        built.embedded / max(t2 - t0, 1e-9), built.encoder, t3 - t2,
    )  # fmt: skip
    return built


def _write_notes(
    tmp: Path,
    corpus: Corpus,
    notes: list[NoteFile | None],
    embedder: Embedder,
    live: _Live,
    built: _Built,
    queue: EmbedQueue,
    shown: Progress,
) -> tuple[array[int], TermIds]:
    """Sections, passages, units, their hashes and dates, a note at a time;
    the passages to embed go to the queue, those to reuse to a list."""
    cutter = _Cutter(embedder)
    bm25 = TermIds()
    reused = array("q")  # (new row, old row, new unit row, old unit row, units) per passage
    old_hashes = dict(live.section_hashes)
    dates: dict[str, Dated] = {}  # written dates of the sections that say when they were
    rels = corpus.rels()
    with contextlib.ExitStack() as files:
        sections_out = _closing(files, JsonlWriter(tmp / "sections.jsonl"))
        passages_out = _closing(files, JsonlWriter(tmp / "passages.jsonl"))
        units_out = _closing(files, JsonlWriter(tmp / "units.jsonl"))
        hashes = _closing(files, SectionHashes(tmp / "section_hashes.json"))
        for n in range(1, len(notes) + 1):
            note, notes[n - 1] = notes[n - 1], None  # its text is not needed again
            assert note is not None
            sections, cut = note_sections(note, corpus.root.name, rels)
            if cut:
                built.cut.append(cut)
            for section in sections:
                sections_out.write(section_json(section))
                digest = section_hash(section)
                hashes.add(section.id, digest)
                before = old_hashes.pop(section.id, None)
                built.added += before is None
                built.changed += before is not None and before != digest
                title = terms(section.title)  # the heading counts twice: it names the subject
                for c in cutter.cut(section):
                    p = c.passage
                    passages_out.write(record(p))
                    for unit in c.units:
                        units_out.write(record(unit))
                    bm25.add(title + terms(p.text))
                    old = live.rows.get(p.hash)
                    if old is None:
                        queue.add(c.row, p.unit_start, c.tokens, p.text, c.spans)
                    else:
                        reused.extend((c.row, old[0], p.unit_start, old[1], p.unit_count))
            built.sections += len(sections)
            dates.update(section_dates(sections))  # a note's dates depend on that note alone
            shown.reading(n, len(notes), cutter.passages, queue.embedded, force=n == len(notes))
    built.removed = len(old_hashes)
    built.passages, built.units = cutter.passages, cutter.units
    write_dates(tmp, corpus, dates)
    trim_heap()  # what parsing left behind
    return reused, bm25


def _closing(stack: contextlib.ExitStack, writer: _W) -> _W:
    stack.callback(writer.close)
    return writer


class _Live:
    """What a build takes from the live version: its vectors by passage hash
    (read from disk when reused, never all loaded) and its section hashes."""

    def __init__(self, index_dir: Path, live: str | None, model: str, precision: str) -> None:
        self.rows: dict[str, tuple[int, int]] = {}  # passage hash -> (row, first unit row)
        self.section_hashes: dict[str, str] = {}
        self._files: list[NpyReader] = []
        if live is None:
            return
        path = index_dir / live
        with contextlib.suppress(OSError, ValueError):
            self.section_hashes = json.loads((path / "section_hashes.json").read_text())
        try:
            manifest = read_manifest(path)
            if (
                manifest.model != model
                or manifest.precision != precision
                or manifest.format != FORMAT_VERSION
            ):
                return
            verify_files(path, manifest)  # never reuse the vectors of a damaged version
            for name in ("passage_vectors.npy", "heading_vectors.npy", "unit_vectors.npy"):
                self._files.append(NpyReader(path / name))
            passages = min(self._files[0].shape[0], self._files[1].shape[0])
            units = self._files[2].shape[0]
            with open(path / "passages.jsonl", encoding="utf-8") as f:
                for i, line in enumerate(f):
                    p = json.loads(line)
                    s, c = p["unit_start"], p["unit_count"]
                    if i < passages and s + c <= units:
                        self.rows[p["hash"]] = (i, s)
        except (NotesbotError, OSError, ValueError, KeyError) as exc:
            log.warning("not reusing the previous vectors: %s", exc)
            self.close()

    def vectors(self, row: int, unit_row: int, units: int) -> tuple[np.ndarray, ...]:
        pvec, hvec, uvec = self._files
        return pvec.read(row, 1), hvec.read(row, 1), uvec.read(unit_row, units)

    def close(self) -> None:
        for f in self._files:
            f.close()
        self._files = []
        self.rows = {}


# --------------------------------------------------------------------------- search indexes


def dense_index(vectors: np.ndarray, index_type: str) -> Any:
    """The FAISS index over passage vectors: exact (flat) or approximate
    (HNSW, IVF) by `index_type`; "auto" is flat below AUTO_HNSW_FROM vectors."""
    index = _empty_dense_index(vectors.shape[0], vectors.shape[1], index_type, lambda: vectors)
    if len(vectors):
        index.add(vectors)
    return index


def _dense_index_from(vectors: NpyRows, index_type: str) -> Any:
    """`dense_index` over vectors on disk, added a chunk at a time (IVF alone
    reads them all at once, to train its clusters)."""
    import faiss

    n, dim = vectors.shape
    index = _empty_dense_index(n, dim, index_type, lambda: vectors.read(0, n))
    storage = getattr(index, "storage", None)  # HNSW keeps its vectors in an index of its own
    flat = faiss.downcast_index(storage) if storage is not None else index
    if isinstance(flat, faiss.IndexFlatCodes):
        # Room for all the vectors at once: grown a chunk at a time, the
        # vector that holds them doubles and copies itself, twice the memory.
        flat.codes.resize(n * flat.code_size)
        flat.codes.resize(0)  # its capacity stays
    for start in range(0, n, ROWS_PER_READ):
        index.add(vectors.read(start, min(ROWS_PER_READ, n - start)))
    return index


def _empty_dense_index(
    n: int, dim: int, index_type: str, training: Callable[[], np.ndarray]
) -> Any:
    import faiss

    kind = index_type
    if kind == "auto":
        kind = "hnsw" if n >= AUTO_HNSW_FROM else "flat"
    if kind == "ivf" and n < 1024:
        kind = "flat"  # too few vectors to train clusters on
    index: Any
    if kind == "hnsw":
        # Its vectors in half precision: they only choose the candidates (search
        # scores them from the float32 vectors). On 100,000 clustered vectors
        # (bench/ann.py's) recall@50 was 0.994 as with float32, and the build's
        # peak memory and a server's are 77 MB less; it builds 25% slower.
        fp16 = faiss.ScalarQuantizer.QT_fp16  # an int in faiss's bindings, not a ScalarQuantizer
        index = faiss.IndexHNSWSQ(dim, fp16, 32, faiss.METRIC_INNER_PRODUCT)  # type: ignore[arg-type]
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = 128
    elif kind == "ivf":
        nlist = int(4 * np.sqrt(n))
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
        index.train(training())
        index.nprobe = max(8, nlist // 8)
    else:
        index = faiss.IndexFlatIP(dim)
    return index


def bm25_index(passages: Sequence[Passage], by_id: dict[str, Section]) -> Any:
    """The BM25 index over passages in memory (the build uses writer.TermIds:
    the same index, in less memory)."""
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


def section_hash(s: Section) -> str:
    """What a section says: the build reports sections added, changed, removed by it."""
    payload = json.dumps([s.title, s.link_target, [(b.kind, b.text) for b in s.blocks]])
    return hashlib.sha1(payload.encode()).hexdigest()
