"""Hybrid retrieval: candidates from the meaning of the question (FAISS), its
words (BM25) and the project names it mentions; each candidate section
described by a few signals and ranked by their fitted combination; then the
decision whether the notes answer the question at all.

Both decisions are linear in the signals with weights fitted on question sets
of several note collections (index/weights.py says how). Ranking compares
sections for one question; abstention compares the best section's absolute
evidence across questions, so it has signals of its own (how close the
closest sentence is, which of the question's words the section lacks).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import weights
from .acronyms import acronyms_of, spelt_out
from .aspects import asked_aspects, heading_aspects
from .domain import Hit, Section
from .embed import QueryEncoding
from .instead import Contrast, contrast_of
from .markdown import section_text
from .names import NameIndex
from .spelling import Speller
from .store import LoadedIndex
from .text import QUESTION_WORDS, asking_span, compounds, query_terms, stem, terms, words
from .words import everyday

DENSE_CANDIDATES = 64  # passages
LEXICAL_CANDIDATES = 24  # sections
# Units that are only pointers elsewhere say nothing about what a section covers.
_REFERENCE_KINDS = ("link",)
_WORD = re.compile(r"\w+")
_ACRONYM = re.compile(r"\b\w*[A-Z]\w*[A-Z]\w*\b")  # two capitals or more

RANK_FEATURES = (
    "dense",  # cosine of the question and the section's best passage
    "sentence",  # cosine of the question and the section's closest sentence or snippet
    "sentences",  # the mean of its three closest: a section about it says it more than once
    "heading",  # cosine of the question and the heading path as read with the section
    "lexical",  # BM25 of what was asked beyond a project's name, relative to the best
    "title",  # IDF-weighted share of the question's words in the heading path and folders
    "coverage",  # IDF-weighted share of the question's words anywhere in the section
    "name",  # the question names the project the section is about
    "deprecated",
    "reference",  # share of the section that is only links to read elsewhere
    "size",  # log of the section's sentences: the best of many matches more by chance
    # The section is the aspect of its parent's topic that the question asks
    # for ("Disadvantage(s): federation" to "what does splitting the DB cost
    # us?"); it then also stands on its topic's evidence (_TOPICAL): its
    # parent's and its parent's other sub-sections'.
    "aspect",
)
FOUND_FEATURES = (
    "sentence",
    "residual",  # the closest sentence to what is asked beyond the words of the section's headings
    "title",  # the question's words in the section's headings and folders
    "coverage",  # the question's words anywhere in the section
    "name",
    # Name-like words of what the question asks (index/text.py's asking_span:
    # not the story around it) the notes never mention, each weighed by
    # how rarely the notes meet a new word: in a 72-section notebook a
    # fifth of the words are in one section only, so a question's word
    # missing from it ("repo", "OOMing") says little; in 1,900 how-to notes
    # it is one in twenty-three, and a missing name ("worktree") says more.
    "unknown",
    # IDF-weighted share of the question's words (in what it asks, as for
    # "unknown") the notes never use, not counting everyday English: a short
    # notebook lacks most everyday words ("idle", "night", "shrink"), which
    # says nothing of whether it covers a need.
    "absent",
    # The closest sentence over the median of the candidates' closest sentences:
    # how far the best section stands out from the rest of what was found,
    # on each collection's own scale (a terse notebook's sentences are all
    # further from a long question than a how-to collection's).
    "standout",
)
_COL = {f: j for j, f in enumerate(RANK_FEATURES)}
# The signals of what a section is about, which an aspect sub-section shares
# with its parent.
_TOPICAL = [
    _COL[f]
    for f in ("dense", "sentence", "sentences", "heading", "lexical", "title", "coverage", "name")
]


@dataclass(frozen=True)
class Query:
    """A question as the searcher reads it."""

    text: str  # as asked
    search_text: str  # with misspelt words of the notes corrected: what is embedded
    terms: tuple[str, ...]  # subject words, stemmed
    named: frozenset[str] = frozenset()  # stemmed words that named a project
    unknown: tuple[str, ...] = ()  # name-like words the notes never mention
    corrections: tuple[tuple[str, str], ...] = ()
    name_scores: dict[int, float] = field(default_factory=dict, compare=False)
    weighted: tuple[tuple[str, float], ...] = ()  # the terms with their IDF shares (sum 1)
    absent: float = 0.0  # the "absent" signal: of the question against the notes, not a section
    aspects: frozenset[str] = frozenset()  # what it asks of a topic (index/aspects.py)
    contrast: Contrast | None = None  # what it asks for instead of what (index/instead.py)


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[Hit, ...]
    found: bool
    terms: tuple[str, ...]  # the question's subject words, stemmed
    named: frozenset[str] = frozenset()  # stemmed words of the question that named a project
    confidence: float = 0.0  # the fitted probability that the best section answers


@dataclass(frozen=True)
class Candidates:
    """Sections worth ranking for one question, with their signals."""

    ids: np.ndarray  # section indexes
    features: np.ndarray  # (len(ids), len(RANK_FEATURES))


class Searcher:
    def __init__(
        self, loaded: LoadedIndex, common_word: Callable[[str], bool] = lambda w: True
    ) -> None:
        self.loaded = loaded
        # Known whole to the model, or an everyday English word: not a name.
        self.common_word = lambda w: common_word(w) or everyday(w)
        self.sections: tuple[Section, ...] = loaded.sections
        n_sec = len(self.sections)
        index_of = {s.id: i for i, s in enumerate(self.sections)}
        self.passage_section = np.asarray(
            [index_of[p.section_id] for p in loaded.passages], dtype=np.int64
        )
        # Passages and units are written section by section: ranges per section.
        self.passage_range = _ranges(self.passage_section, n_sec)
        unit_section = np.asarray([index_of[u.section_id] for u in loaded.units], dtype=np.int64)
        self.unit_range = _ranges(unit_section, n_sec)
        self.unit_counts = (self.unit_range[:, 1] - self.unit_range[:, 0]).astype(np.float32)
        reference = np.zeros(n_sec, dtype=np.float32)
        self.unit_says = np.ones(len(loaded.units), dtype=bool)  # not just a pointer elsewhere
        for j, (u, sec) in enumerate(zip(loaded.units, unit_section, strict=True)):
            if u.kind in _REFERENCE_KINDS:
                reference[sec] += 1
                self.unit_says[j] = False
        self.reference = reference / np.maximum(self.unit_counts, 1)
        self.size = np.log1p(self.unit_counts) / np.log(100)

        texts = [section_text(s) for s in self.sections]
        self.names = NameIndex(self.sections, texts)
        self.acronyms = acronyms_of(texts)
        self.title_terms = [frozenset(terms(s.context_path)) for s in self.sections]
        self.section_terms = [
            frozenset(terms(s.context_path + " " + t))
            for s, t in zip(self.sections, texts, strict=True)
        ]
        df: dict[str, int] = defaultdict(int)
        for ts in self.section_terms:
            for t in ts:
                df[t] += 1
        n = max(1, n_sec)
        self.idf = {t: math.log(1 + n / c) for t, c in df.items()}
        # The Good-Turing estimate of the chance that a word of one more
        # section is new to the notes: the share of word uses that are a
        # word's only section. Its surprisal weighs an unknown word.
        uses = sum(df.values())
        once = sum(1 for c in df.values() if c == 1)
        self.unknown_surprisal = -math.log(max(once, 1) / uses) if uses else 0.0
        self.unknown_idf = math.log(1 + n)  # a word the notes never use weighs most
        self.speller = Speller(
            (words(s.context_path + " " + t) for s, t in zip(self.sections, texts, strict=True)),
            self.common_word,
        )
        self.by_source: dict[str, list[int]] = defaultdict(list)
        for i, s in enumerate(self.sections):
            self.by_source[s.source].append(i)
        # Link-only sections whose notes are in the corpus step aside for those notes.
        self.stepped_aside = np.zeros(n_sec, dtype=bool)
        for i, s in enumerate(self.sections):
            if s.link_resolved and any(
                self.passage_range[j, 1] > self.passage_range[j, 0]
                for j in self.by_source.get(s.link_resolved, ())
            ):
                self.stepped_aside[i] = True
        self.deprecated = np.asarray([s.deprecated for s in self.sections], dtype=np.float32)
        self._read_aspects()
        self.has_passages = self.passage_range[:, 1] > self.passage_range[:, 0]
        # A signal not fitted yet weighs nothing (scripts/fit runs the engine to fit it).
        self.rank_weights = np.asarray(
            [weights.RANK.get(f, 0.0) for f in RANK_FEATURES], np.float32
        )
        self.found_weights = np.asarray(
            [weights.FOUND.get(f, 0.0) for f in FOUND_FEATURES], np.float32
        )

    def _read_aspects(self) -> None:
        """Sub-sections that are an aspect of a topic ("Disadvantage(s):
        failover"), and the sections that say what the topic is: their parent
        ("Fail-over") and its other sub-sections ("Active-passive")."""
        index_of_path = {(s.source, s.path): i for i, s in enumerate(self.sections)}
        children: dict[int, list[int]] = defaultdict(list)
        parent_of: dict[int, int] = {}
        for i, s in enumerate(self.sections):
            parent = index_of_path.get((s.source, s.path[:-1]), -1) if len(s.path) > 1 else -1
            if parent >= 0:
                children[parent].append(i)
                parent_of[i] = parent
        self.aspects: dict[int, frozenset[str]] = {}
        for i in parent_of:
            named = heading_aspects(self.sections[i].title)
            if named:
                self.aspects[i] = named
        self.aspect_children: dict[int, list[int]] = defaultdict(list)
        self.topic: dict[int, list[int]] = {}  # aspect sub-section: the sections of its topic
        for i in self.aspects:
            parent = parent_of[i]
            self.aspect_children[parent].append(i)
            self.topic[i] = [parent] + [c for c in children[parent] if c not in self.aspects]

    # ------------------------------------------------------------------ the question

    def read(self, question: str) -> Query:
        """Correct misspelt words of the notes, find named projects and the
        question's subject words."""
        corrections = []
        text = question
        # An acronym ("ASGs", "EKS") is a name as its writer meant it, not a slip.
        acronyms = {m.group().lower() for m in _ACRONYM.finditer(question)}
        for w in dict.fromkeys(words(question)):
            skip = w in QUESTION_WORDS or w in acronyms
            fixed = None if skip else self.speller.correct(w)
            if fixed:
                corrections.append((w, fixed))
        if corrections:
            fixes = dict(corrections)
            text = _WORD.sub(lambda m: fixes.get(m.group().lower(), m.group()), question)
        # A name written out where the notes use its initials ("Open vSwitch",
        # OVS): what is embedded has both, the words weighed are the initials.
        spans = spelt_out(text, self.acronyms)
        plain = search_text = text
        for start, end, acronym in reversed(spans):
            plain = plain[:start] + acronym + plain[end:]
            search_text = f"{search_text[:end]} ({acronym}){search_text[end:]}"
        text = plain
        qterms = tuple(query_terms(text))
        qterms += tuple(c for c in compounds(text) if c in self.idf and c not in qterms)
        # Shorthand the notes use alongside the word it stands for ("Esc",
        # "escape"): the question's words count both.
        spelt = (self.speller.spelt_out(w) for w in words(text))
        expanded = dict.fromkeys(stem(f) for f in spelt if f)
        qterms += tuple(t for t in expanded if t in self.idf and t not in qterms)
        name_scores, named_words = self.names.match(text)
        weighted = self._weighted(qterms)
        # Names and words the story around the ask gives ("we're on EKS with
        # ASGs") say where the asker is, not what they ask about.
        ask = text[slice(*asking_span(text))]
        absent = self._absent(ask)
        return Query(
            text=question,
            search_text=search_text,
            terms=qterms,
            named=frozenset(terms(" ".join(named_words))),
            unknown=tuple(dict.fromkeys(self.unknown_names(ask))),
            corrections=tuple(corrections),
            name_scores=name_scores,
            weighted=weighted,
            absent=sum(w for t, w in weighted if t in absent),
            aspects=asked_aspects(text),
            contrast=contrast_of(text),
        )

    # ------------------------------------------------------------------ searching

    def search(self, query: Query, enc: QueryEncoding, top_k: int = 3) -> SearchResult:
        cands = self.candidates(query, enc.vector)
        if len(cands.ids) == 0:
            return SearchResult((), False, query.terms)
        scores = cands.features @ self.rank_weights
        # The ranking was fitted as a softmax over the candidates: its
        # probabilities say how sure it is of each section (citations show them).
        prob = np.exp(scores - scores.max())
        prob /= prob.sum()
        k = min(len(scores), max(top_k, 1) * 3)
        order = np.argsort(-scores, kind="stable")[:k]
        hits = tuple(
            Hit(
                self.sections[cands.ids[j]],
                float(prob[j]),
                float(cands.features[j, _COL["dense"]]),
                float(cands.features[j, _COL["lexical"]]),
                float(cands.features[j, _COL["name"]]),
            )
            for j in order
        )
        top = order[0]
        if query.contrast is not None and query.contrast.rules_out(
            frozenset(terms(self.sections[int(cands.ids[top])].title))
        ):
            # The notes' closest section is about the very thing the question
            # asks to do without ("… an SSH key instead of a GPG key" against
            # a note on GPG keys): what it wants instead is not in them.
            return SearchResult(hits, False, query.terms, query.named, 0.0)
        found_x = self.found_features(query, enc, cands.features, int(top), int(cands.ids[top]))
        confidence = _sigmoid(weights.FOUND_BIAS + float(found_x @ self.found_weights))
        found = confidence >= weights.FOUND_THRESHOLD
        return SearchResult(hits, found, query.terms, query.named, confidence)

    def candidates(self, query: Query, qvec: np.ndarray) -> Candidates:
        """The sections near the question by meaning, by words or by name, and
        their RANK_FEATURES."""
        n_sec = len(self.sections)
        if n_sec == 0 or len(self.passage_section) == 0:
            return Candidates(np.zeros(0, np.int64), np.zeros((0, len(RANK_FEATURES)), np.float32))
        qvec = np.asarray(qvec, dtype=np.float32).reshape(1, -1)
        k = min(len(self.passage_section), DENSE_CANDIDATES)
        _, ids = self.loaded.dense.search(qvec, k)
        pool = set(self.passage_section[ids[0][ids[0] >= 0]].tolist())

        # The project's name counts once, as a name; BM25 weighs what else was asked
        # (else every section that repeats the name outranks the one on the topic).
        lexical = np.zeros(n_sec, dtype=np.float32)
        asked = [t for t in query.terms if t not in query.named] or list(query.terms)
        raw = self._bm25(asked) if asked and self.loaded.bm25 is not None else None
        if raw is not None and raw.max() > 0:
            np.maximum.at(lexical, self.passage_section, raw / raw.max())
            top_lex = np.argpartition(-lexical, min(LEXICAL_CANDIDATES, n_sec) - 1)
            pool.update(int(i) for i in top_lex[:LEXICAL_CANDIDATES] if lexical[i] > 0)
        pool.update(query.name_scores)
        # The aspect asked of a topic found, and the topic of an aspect found.
        aspects = self._aspects_asked(query, pool)
        pool.update(aspects)
        for i in aspects:
            pool.update(self.topic[i])
        ids_arr = np.asarray(
            sorted(i for i in pool if self.has_passages[i] and not self.stepped_aside[i]),
            dtype=np.int64,
        )
        feats = self._features(query, qvec[0], ids_arr, lexical)
        row = {int(i): j for j, i in enumerate(ids_arr)}
        for i in aspects:
            topic = [row[t] for t in self.topic[i] if t in row]
            if i in row and topic:
                j = row[i]
                feats[j, _TOPICAL] = np.maximum(
                    feats[j, _TOPICAL], feats[topic][:, _TOPICAL].max(0)
                )
                feats[j, _COL["aspect"]] = 1.0
        return Candidates(ids_arr, feats)

    def _aspects_asked(self, query: Query, pool: set[int]) -> list[int]:
        """Sections of the pool, or sub-sections of its sections, that are an
        aspect the question asks for."""
        if not query.aspects:
            return []
        near = set(pool)
        for i in pool:
            near.update(self.aspect_children.get(i, ()))
        return [i for i in near if self.aspects.get(i, frozenset()) & query.aspects]

    def _features(
        self, query: Query, q: np.ndarray, ids_arr: np.ndarray, lexical: np.ndarray
    ) -> np.ndarray:
        feats = np.zeros((len(ids_arr), len(RANK_FEATURES)), dtype=np.float32)
        feats[:, 0] = self._best_of(self.passage_range, self.loaded.passage_vectors, ids_arr, q)
        feats[:, 1], feats[:, 2] = self._closest_units(ids_arr, q)
        feats[:, 3] = self._best_of(self.passage_range, self.loaded.heading_vectors, ids_arr, q)
        feats[:, 4] = lexical[ids_arr]
        feats[:, 5] = [_share(query.weighted, self.title_terms[i]) for i in ids_arr]
        feats[:, 6] = [_share(query.weighted, self.section_terms[i]) for i in ids_arr]
        feats[:, 7] = [query.name_scores.get(int(i), 0.0) for i in ids_arr]
        feats[:, 8] = self.deprecated[ids_arr]
        feats[:, 9] = self.reference[ids_arr]
        feats[:, 10] = self.size[ids_arr]
        return feats

    def found_features(
        self, query: Query, enc: QueryEncoding, features: np.ndarray, row: int, section: int
    ) -> np.ndarray:
        """FOUND_FEATURES of candidate `row` (section `section`) as the best
        one, among the candidates' RANK_FEATURES `features`."""
        rank_x = features[row]
        sentence = float(rank_x[_COL["sentence"]])
        residual = self._residual(query, enc, section, sentence)
        if rank_x[_COL["aspect"]]:  # it stands on its topic's evidence too
            for topic in self.topic[section]:
                residual = max(residual, self._residual(query, enc, topic, sentence))
        return np.asarray(
            [
                sentence,
                residual,
                rank_x[_COL["title"]],
                rank_x[_COL["coverage"]],
                float(max(query.name_scores.values(), default=0.0)),
                min(len(query.unknown), 2) * self.unknown_surprisal,
                query.absent,
                sentence - float(np.median(features[:, _COL["sentence"]])),
            ],
            dtype=np.float32,
        )

    def _residual(self, query: Query, enc: QueryEncoding, section: int, sentence: float) -> float:
        """How close the section's closest sentence is to the question without
        the words its headings and folders share with it: "run a test script
        automatically" of "can git bisect run a test script automatically?"
        against a note on git bisect. Pooled from the question's own token
        vectors: no second encoding."""
        context = self.title_terms[section]
        spans = [
            (m.start(), m.end())
            for m in _WORD.finditer(query.search_text)
            if m.group().lower() not in QUESTION_WORDS and stem(m.group().lower()) not in context
        ]
        start, end = self.unit_range[section]
        says = self.unit_says[start:end]
        if len(spans) < 2 or not says.any():
            # Nothing asked beyond the headings, or a word ("… on a server"):
            # too little to tell either way.
            return sentence
        rest = enc.pool_together(spans)
        if rest is None:
            return sentence
        sims = np.asarray(self.loaded.unit_vectors[start:end], dtype=np.float32) @ rest
        return float(sims[says].max())

    def _closest_units(self, sections: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per section, the best cosine of the question with its sentences and
        snippets (not its bare links), and the mean of the best three."""
        starts, ends = self.unit_range[sections, 0], self.unit_range[sections, 1]
        best = np.full(len(sections), -1.0, dtype=np.float32)
        top3 = best.copy()
        if len(sections) == 0 or (ends - starts).sum() == 0:
            return best, top3
        owner = np.repeat(np.arange(len(sections)), ends - starts)
        rows = _rows(starts, ends)
        sims = np.asarray(self.loaded.unit_vectors[rows], dtype=np.float32) @ q
        sims[~self.unit_says[rows]] = -1.0
        order = np.lexsort((-sims, owner))  # by section, best first
        owner, sims = owner[order], sims[order]
        first = np.r_[0, np.flatnonzero(np.diff(owner)) + 1]
        rank = np.arange(len(owner)) - np.repeat(first, np.diff(np.r_[first, len(owner)]))
        best[owner[first]] = sims[first]
        kept = rank < 3
        sums = np.bincount(owner[kept], weights=sims[kept], minlength=len(sections))
        counts = np.bincount(owner[kept], minlength=len(sections))
        has = counts > 0
        top3[has] = sums[has] / counts[has]
        return best, top3

    @staticmethod
    def _best_of(
        ranges: np.ndarray,
        vectors: np.ndarray,
        sections: np.ndarray,
        q: np.ndarray,
        valid: np.ndarray | None = None,
    ) -> np.ndarray:
        """Per section, the best cosine of the question with its rows of
        `vectors` (those marked `valid`)."""
        starts, ends = ranges[sections, 0], ranges[sections, 1]
        lengths = ends - starts
        if len(sections) == 0 or lengths.sum() == 0:
            return np.zeros(len(sections), np.float32)
        rows = _rows(starts, ends)
        sims = np.asarray(vectors[rows], dtype=np.float32) @ q
        if valid is not None:
            sims[~valid[rows]] = -1.0
        out = np.full(len(sections), -1.0, dtype=np.float32)
        nonempty = lengths > 0
        offsets = np.concatenate(([0], np.cumsum(lengths[nonempty])[:-1]))
        out[nonempty] = np.maximum.reduceat(sims, offsets)
        return out

    def _bm25(self, qterms: list[str]) -> np.ndarray | None:
        vocab = self.loaded.bm25.vocab_dict
        known = [t for t in qterms if t in vocab]
        if not known:
            return None
        return np.asarray(self.loaded.bm25.get_scores(known), dtype=np.float32)

    def _absent(self, text: str) -> set[str]:
        """Stems of the question's words that the notes never use and that
        are not everyday English as written ("idle" is, though its stem "idl"
        is not a word)."""
        return {stem(w) for w in words(text) if stem(w) not in self.idf and not everyday(w)}

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

    def _weighted(self, qterms: tuple[str, ...]) -> tuple[tuple[str, float], ...]:
        """The question's words with their IDF shares (summing to 1)."""
        idf = [self.idf.get(t, self.unknown_idf) for t in qterms]
        total = sum(idf)
        return tuple((t, w / total) for t, w in zip(qterms, idf, strict=True)) if total else ()


def _share(weighted: tuple[tuple[str, float], ...], have: frozenset[str]) -> float:
    return sum(w for t, w in weighted if t in have)


def _rows(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The row numbers of all the ranges [start, end), in order."""
    lengths = ends - starts
    shift = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    return np.arange(int(lengths.sum())) + shift


def _ranges(owner: np.ndarray, n: int) -> np.ndarray:
    """(n, 2) start/end rows per owner, for rows grouped by owner in order."""
    out = np.zeros((n, 2), dtype=np.int64)
    if len(owner) == 0:
        return out
    change = np.flatnonzero(np.diff(owner)) + 1
    starts = np.concatenate(([0], change))
    ends = np.concatenate((change, [len(owner)]))
    out[owner[starts], 0] = starts
    out[owner[starts], 1] = ends
    return out


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))
