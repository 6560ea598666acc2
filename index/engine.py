"""The engine: one object that answers questions from an index on disk.

Everything outside `index/` (CLI, Slack, benchmarks) goes through this:

    engine = Engine.open(config)          # loads the index (IndexNotFound, IndexMismatch, ...)
    answer = engine.ask("what replaces service-loadbalancer?", top_k=3)
    answer, confidence = engine.ask_scored(question)   # for follow-ups in threads
    engine.ask_section(question, section_id); engine.cite(section_id)
    engine.catalog(); engine.categories(); engine.find_category("net"); engine.section(section_id)
    engine.reload_if_changed()            # cheap; picks up a rebuilt index atomically

Thread-safe for concurrent `ask` calls: the loaded index is an immutable
snapshot swapped in one assignment on reload.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import numpy as np

from .answer import Extractor, compose_answer, not_found
from .catalog import build_catalog, find_category, walk
from .catalog_questions import catalog_answer
from .config import IndexConfig
from .domain import Answer, Category, Citation, Hit, NotesbotError, Section, note_url
from .embed import Embedder, load_embedder
from .freshness import Freshness, dated, read_freshness
from .search import Searcher, SearchResult
from .store import LoadedIndex, check_manifest, current_version, load_index
from .text import tidy_question

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 500


def _one_search_thread() -> None:
    """FAISS searches one query on one thread: concurrency comes from the
    questions, and a second thread per search only adds contention (a flat
    search over 200k vectors took 30 ms on two threads, 14 ms on one)."""
    import faiss

    faiss.omp_set_num_threads(1)


@dataclass(frozen=True)
class _Snapshot:
    loaded: LoadedIndex
    searcher: Searcher
    extractor: Extractor
    catalog: Category
    categories: tuple[Category, ...]  # all of them, shallow first: for finding one
    freshness: Freshness


class Engine:
    def __init__(self, config: IndexConfig, loaded: LoadedIndex, embedder: Embedder) -> None:
        self.config = config
        self.embedder = embedder
        self._lock = threading.Lock()
        self._install(loaded)
        self.last_reload_error: str | None = None
        self._bad_version: str | None = None  # a version that failed to load: not retried

    # ------------------------------------------------------------------ lifecycle

    @classmethod
    def open(cls, config: IndexConfig, embedder: Embedder | None = None) -> Engine:
        loaded = load_index(config.index_dir, expect_model=None, fallback=True)
        if embedder is None:
            # Questions are encoded as the index's passages were.
            manifest = loaded.manifest
            embedder = load_embedder(manifest.model, config.model_cache_dir, manifest.precision)
        else:
            check_manifest(loaded.manifest, config.index_dir, embedder.model_id, embedder.precision)
        _one_search_thread()
        return cls(config, loaded, embedder)

    def _install(self, loaded: LoadedIndex) -> None:
        catalog = build_catalog(
            loaded.sections, self.config.base_url, self.config.corpus_dir.resolve().name
        )
        # One assignment: a concurrent ask() sees the old snapshot or the new one.
        self._snapshot = _Snapshot(
            loaded,
            Searcher(loaded, self.embedder.common_word),
            Extractor(loaded),
            catalog,
            tuple(walk(catalog)),
            read_freshness(loaded.path),
        )

    @property
    def version(self) -> str:
        return self._snapshot.loaded.version

    @property
    def built_at(self) -> float:
        return self._snapshot.loaded.manifest.built_at

    @property
    def sections(self) -> tuple[Section, ...]:
        return self._snapshot.loaded.sections

    def note_sections(self, source: str) -> tuple[Section, ...]:
        """The sections of one note, in its order."""
        return self._snapshot.loaded.by_note.get(source, ())

    def reload_if_changed(self) -> bool:
        """Switch to a newer index version if a build has published one.

        A broken new version is logged and the current one keeps serving."""
        try:
            latest = current_version(self.config.index_dir)
        except NotesbotError as exc:
            self._reload_failed(str(exc))
            return False
        if latest is not None and latest == self.version and self.last_reload_error:
            # CURRENT points back at the index being served: nothing is failing.
            self.last_reload_error = self._bad_version = None
            log.info("index %s is current again; the failed reload no longer matters", latest)
            return False
        if latest is None or latest in (self.version, self._bad_version):
            return False
        with self._lock:
            if latest in (self.version, self._bad_version):
                return False
            try:
                loaded = load_index(
                    self.config.index_dir,
                    expect_model=self.embedder.model_id,
                    expect_precision=self.embedder.precision,
                )
                self._install(loaded)
            except NotesbotError as exc:
                self._bad_version = latest
                self._reload_failed(str(exc))
                return False
        self.last_reload_error = self._bad_version = None
        log.info("index reloaded: %s", loaded.version)
        return True

    def _reload_failed(self, message: str) -> None:
        if message != self.last_reload_error:
            log.error("index reload failed, still serving %s: %s", self.version, message)
        self.last_reload_error = message

    # ------------------------------------------------------------------ questions

    def ask(self, question: str, top_k: int = 3) -> Answer:
        return self.ask_scored(question, top_k)[0]

    def ask_scored(self, question: str, top_k: int = 3) -> tuple[Answer, float]:
        """The answer, and the fitted probability that its best section answers
        (1 for the catalog's own answer): how a thread's follow-up chooses
        between its readings (index/conversation.py)."""
        question = tidy_question(question, MAX_QUESTION_CHARS)
        snap = self._snapshot
        t0 = time.perf_counter()
        if not question:
            return not_found(question, note="empty question"), 0.0
        # "list the networking projects", "which projects are deprecated?":
        # answered from the catalog, not from one section.
        listed = catalog_answer(question, snap.catalog, snap.categories, self.section)
        if listed is not None:
            listed = dated(listed, snap.freshness, self.config.stale_after_days)
            listed.timings_ms["answer"] = (time.perf_counter() - t0) * 1000
            return listed, 1.0
        query = snap.searcher.read(question)
        enc = self.embedder.encode_query(query.search_text)
        t1 = time.perf_counter()
        result = snap.searcher.search(query, enc, top_k=top_k)
        t2 = time.perf_counter()
        answer = compose_answer(query, enc, result, snap.extractor, self.config.base_url, top_k)
        answer = dated(answer, snap.freshness, self.config.stale_after_days)
        t3 = time.perf_counter()
        answer.timings_ms.update(
            embed=(t1 - t0) * 1000, search=(t2 - t1) * 1000, answer=(t3 - t2) * 1000
        )
        return answer, result.confidence

    def ask_section(self, question: str, section_id: str, top_k: int = 3) -> Answer | None:
        """The answer to `question` taken from one given section (a thread's
        "and the other one?"), citing it alone; None if it left the index."""
        snap = self._snapshot
        section = snap.loaded.section_by_id.get(section_id)
        if section is None:
            return None
        question = tidy_question(question, MAX_QUESTION_CHARS) or section.title
        query = snap.searcher.read(question)
        enc = self.embedder.encode_query(query.search_text)
        chosen = SearchResult((Hit(section, 1.0),), True, query.terms, query.named, 1.0)
        answer = compose_answer(query, enc, chosen, snap.extractor, self.config.base_url, top_k)
        return dated(answer, snap.freshness, self.config.stale_after_days)

    def cite(self, section_id: str) -> Citation | None:
        """A citation of one section, as answers cite it."""
        s = self.section(section_id)
        if s is None:
            return None
        url = note_url(self.config.base_url, s.source, s.start_line)
        updated = self._snapshot.freshness.updated(s.id, s.source)
        return Citation(s.title, s.path, s.source, s.start_line, 1.0, url, s.id, updated)

    def closest(self, question: str) -> tuple[np.ndarray, Hit | None]:
        """The question's vector and the section nearest to it in meaning,
        however far (what the report of unanswered questions groups by)."""
        loaded = self._snapshot.loaded
        vector = self.embedder.embed_query(tidy_question(question, MAX_QUESTION_CHARS))
        if not loaded.passages:
            return vector, None
        scores, rows = loaded.dense.search(vector.reshape(1, -1).astype(np.float32), 1)
        if rows[0][0] < 0:
            return vector, None
        section = loaded.section_by_id[loaded.passages[int(rows[0][0])].section_id]
        return vector, Hit(section, float(scores[0][0]), dense=float(scores[0][0]))

    @property
    def model_id(self) -> str:
        return self.embedder.model_id

    # ------------------------------------------------------------------ browsing

    def catalog(self) -> Category:
        """The top of the catalog: folders, notes and their headings."""
        return self._snapshot.catalog

    def categories(self) -> tuple[Category, ...]:
        """The top-level categories."""
        return self._snapshot.catalog.categories

    def find_category(self, query: str) -> Category | None:
        """Anywhere in the catalog, shallow first (see `catalog.find_category`)."""
        return find_category(self._snapshot.categories, query)

    def section(self, section_id: str) -> Section | None:
        return self._snapshot.loaded.section_by_id.get(section_id)
