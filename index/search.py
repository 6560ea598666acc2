"""Hybrid retrieval: dense (FAISS), lexical (BM25) and project names, fused
per section; then the decision whether the notes cover the question at all.

Scores are fused by value, not by rank: a section's dense cosine, plus its
BM25 score relative to the best one for this question, plus its name score.
Rank fusion would throw away what abstention needs (how close the best
match really is).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .domain import Hit, Section
from .markdown import section_text
from .names import NameIndex
from .store import LoadedIndex
from .text import QUESTION_WORDS, compounds, query_terms, stem, terms, words

W_LEXICAL = 0.30
W_NAME = 0.45
DEPRECATED_PENALTY = 0.05  # between equals, the notes on what is current come first
DENSE_CANDIDATES = 256

# Does the question fall within the notes? It names a project the notes have a
# heading for, or its meaning is close to a passage's, helped by how many of
# its words the section has (cosine alone is poorly calibrated).
FOUND_NAME = 0.35
FOUND_EVIDENCE = 0.47
FOUND_DENSE_FLOOR = 0.30  # words alone (say, in a URL) are not enough
W_COVERAGE = 0.35
# A question about something the notes never mention by name ("what is
# Linkerd?") needs a passage that means nearly the same thing.
FOUND_DENSE_UNKNOWN_NAME = 0.55


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[Hit, ...]
    found: bool
    reason: str  # what made it found: "name", "meaning", "words"; "" when not
    terms: tuple[str, ...]  # the question's subject words, stemmed
    coverage: float  # share of the question's words (IDF-weighted) in the best section
    named: frozenset[str] = frozenset()  # stemmed words of the question that named a project


class Searcher:
    def __init__(
        self, loaded: LoadedIndex, common_word: Callable[[str], bool] = lambda w: True
    ) -> None:
        self.loaded = loaded
        self.common_word = common_word
        self.sections: tuple[Section, ...] = loaded.sections
        index_of = {s.id: i for i, s in enumerate(self.sections)}
        self.passage_section = np.asarray(
            [index_of[p.section_id] for p in loaded.passages], dtype=np.int64
        )
        texts = [section_text(s) for s in self.sections]
        self.names = NameIndex(self.sections, texts)
        self.section_terms = [
            frozenset(terms(" ".join(s.path) + " " + t))
            for s, t in zip(self.sections, texts, strict=True)
        ]
        df: dict[str, int] = defaultdict(int)
        for ts in self.section_terms:
            for t in ts:
                df[t] += 1
        n = max(1, len(self.sections))
        self.idf = {t: math.log(1 + n / c) for t, c in df.items()}
        self.unknown_idf = math.log(1 + n)  # a word the notes never use weighs most
        self.by_source: dict[str, list[int]] = defaultdict(list)
        for i, s in enumerate(self.sections):
            self.by_source[s.source].append(i)
        # Link-only sections whose notes are in the corpus, with those notes' sections.
        self.links = [
            (i, np.asarray(self.by_source[s.link_resolved]))
            for i, s in enumerate(self.sections)
            if s.link_resolved and self.by_source.get(s.link_resolved)
        ]
        self.deprecated = np.asarray([s.deprecated for s in self.sections], dtype=np.float32)
        self.has_passages = np.zeros(len(self.sections), dtype=bool)
        self.has_passages[self.passage_section] = True

    def search(self, question: str, qvec: np.ndarray, top_k: int = 3) -> SearchResult:
        n_sec = len(self.sections)
        qterms = tuple(query_terms(question))
        qterms += tuple(c for c in compounds(question) if c in self.idf and c not in qterms)
        if n_sec == 0 or len(self.passage_section) == 0:
            return SearchResult((), False, "", qterms, 0.0)

        dense = np.zeros(n_sec, dtype=np.float32)
        k = min(len(self.passage_section), DENSE_CANDIDATES)
        sims, ids = self.loaded.dense.search(qvec.reshape(1, -1).astype(np.float32), k)
        ok = ids[0] >= 0
        np.maximum.at(dense, self.passage_section[ids[0][ok]], sims[0][ok])

        name = np.zeros(n_sec, dtype=np.float32)
        name_scores, named_words = self.names.match(question)
        for i, score in name_scores.items():
            name[i] = score
        named = frozenset(terms(" ".join(named_words)))

        # The project's name counts once, as a name; BM25 weighs what else was asked
        # (else every section that repeats the name outranks the one on the topic).
        lexical = np.zeros(n_sec, dtype=np.float32)
        asked = [t for t in qterms if t not in named] or list(qterms)
        if asked and self.loaded.bm25 is not None:
            raw = self._bm25(asked)
            if raw is not None and raw.max() > 0:
                np.maximum.at(lexical, self.passage_section, raw / raw.max())

        fused = dense + W_LEXICAL * lexical + W_NAME * name - DEPRECATED_PENALTY * self.deprecated
        fused[~self.has_passages] = -1.0
        self._without_resolved_links(fused)

        k = min(len(fused), max(top_k, 1) * 3)
        top_ids = np.argpartition(-fused, k - 1)[:k]
        order = top_ids[np.argsort(-fused[top_ids])]
        hits = tuple(
            Hit(
                self.sections[i],
                float(fused[i]),
                float(dense[i]),
                float(lexical[i]),
                float(name[i]),
            )
            for i in order
            if fused[i] > 0
        )
        if not hits:
            return SearchResult((), False, "", qterms, 0.0)
        top = hits[0]
        coverage = self.coverage(qterms, order[0])
        reason = ""
        if float(name.max()) >= FOUND_NAME:
            reason = "name"
        elif (
            top.dense >= FOUND_DENSE_FLOOR
            and top.dense + W_COVERAGE * coverage >= FOUND_EVIDENCE
            and (top.dense >= FOUND_DENSE_UNKNOWN_NAME or not self.unknown_names(question))
        ):
            reason = "meaning"
        return SearchResult(hits, bool(reason), reason, qterms, coverage, named)

    def _bm25(self, qterms: list[str]) -> np.ndarray | None:
        vocab = self.loaded.bm25.vocab_dict
        known = [t for t in qterms if t in vocab]
        if not known:
            return None
        return np.asarray(self.loaded.bm25.get_scores(known), dtype=np.float32)

    def unknown_names(self, question: str) -> list[str]:
        """Words of the question that look like names of things the notes
        never mention: unknown to the notes and not an everyday word."""
        return [
            w
            for w in words(question)
            if len(w) >= 3
            and w not in QUESTION_WORDS
            and not self._known_word(w)
            and not self.common_word(w)
        ]

    def _known_word(self, word: str) -> bool:
        """In the notes, also as the plural of what they say ("GPUs", "VMs")."""
        forms = [word]
        if word.endswith("s"):
            forms.append(word[:-1])
            if word.endswith("es"):
                forms.append(word[:-2])
        return any(stem(f) in self.idf for f in forms)

    def coverage(self, qterms: tuple[str, ...], section: int) -> float:
        """IDF-weighted share of the question's words that the section has."""
        if not qterms:
            return 0.0
        have = self.section_terms[section]
        total = sum(self.idf.get(t, self.unknown_idf) for t in qterms)
        got = sum(self.idf.get(t, self.unknown_idf) for t in qterms if t in have)
        return got / total if total else 0.0

    def _without_resolved_links(self, fused: np.ndarray) -> None:
        """A section that only links to notes in the corpus steps aside: it has
        nothing to cite, and those notes answer to its name (see names.py)."""
        for i, targets in self.links:
            if self.has_passages[targets].any():
                fused[i] = -1.0
