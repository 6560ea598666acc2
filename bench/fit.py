"""Fit the weights of index/weights.py on the question sets of several note
collections, and say how well they carry over to a collection left out.

    scripts/fit              # fit, cross-validate by collection, print
    scripts/fit --write      # and rewrite index/weights.py

Ranking: a listwise logistic model (softmax over a question's candidate
sections; the acceptable sections are the target). Abstention: a logistic
regression of "the notes answer this" on the best section's evidence, its
threshold the cut of least cost (a covered question declined costing twice
an out-of-scope one answered). In both, each collection weighs the same,
whatever its number of questions, and so do covered and out-of-scope ones
within it; both with a little L2, so that few questions cannot pull a
weight far. Collections absent from this machine are left out (and said).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize

from index.answer import UNIT_FEATURES, Asked, _parts, render
from index.config import IndexConfig
from index.engine import Engine
from index.evaluate import Question, load_questions, title_key
from index.search import FOUND_FEATURES, RANK_FEATURES, Query

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
TUNE = ROOT / "bench" / "questions"
# Chosen among 0.0001-0.05 (ranking) and 0.01-0.2 (abstention) by the
# leave-one-collection-out cost and the 2-fold over the rank_only questions:
# 0.001 was at least as good as 0.002 on every figure (system-design rank@1
# left out 0.703 -> 0.729); stronger pulled system-design down.
L2_RANK = 0.001
L2_FOUND = 0.05
L2_UNIT = 0.002  # answers: 0.001 lost shipped answers (tune 0.938 -> 0.875)


@dataclass(frozen=True)
class Collection:
    name: str
    corpus: Path
    questions: tuple[Path, ...]
    # Questions that fit ranking and answers but not abstention (see RANK_ONLY).
    rank_only: tuple[Path, ...] = ()


# The 120 questions written on 2026-11-29 (til-more, system-design-more) fit
# ranking and answer extraction only. Refitted on them too, abstention was
# no better on the half of them it had not seen (2-fold: the same declines
# either way) and declined 3 fewer of til-dev's 10 out-of-scope questions:
# it moved the single threshold toward system-design's harder covered
# questions, not toward telling covered from out-of-scope better.


# The tuning questions of each collection (never the held-out ones).
COLLECTIONS = (
    Collection(
        "shipped",
        ROOT / "corpus",
        # holdout.jsonl was the first version's held-out set; it tunes now, and
        # holdout-2026-11/ is held out instead (never fitted on).
        (
            SHARED / "eval" / "dev.jsonl",
            TUNE / "tune.jsonl",
            TUNE / "holdout.jsonl",
            TUNE / "need-tune.jsonl",
        ),
    ),
    Collection(
        "til",
        SHARED / "corpora" / "til",
        (
            SHARED / "eval" / "til-dev.jsonl",
            TUNE / "til-tune.jsonl",
            TUNE / "til-need.jsonl",
        ),
        rank_only=(TUNE / "til-more.jsonl",),
    ),
    Collection(
        "system-design",
        SHARED / "corpora" / "system-design",
        (
            SHARED / "eval" / "system-design-dev.jsonl",
            TUNE / "system-design-tune.jsonl",
            TUNE / "system-design-need.jsonl",
        ),
        rank_only=(TUNE / "system-design-more.jsonl",),
    ),
)


@dataclass
class Sample:
    collection: str
    question: Question
    features: np.ndarray  # (candidates, RANK_FEATURES)
    positive: np.ndarray  # bool per candidate: an acceptable section
    found_x: list[np.ndarray]  # FOUND_FEATURES for each candidate as the best one
    unit_x: np.ndarray | None = None  # UNIT_FEATURES of the expected section's units
    unit_ok: np.ndarray | None = None  # bool per unit: its answer has an `answer_has`
    abstention: bool = True  # fits abstention too (Collection.rank_only: not)


def index_dir(name: str) -> Path:
    """Where the project's own tools keep each collection's index (git-ignored)."""
    return ROOT / "data" / ("index" if name == "shipped" else f"{name}-index")


def gather(collections: Sequence[Collection]) -> list[Sample]:
    from index.build import build_index

    samples = []
    for c in collections:
        if not c.corpus.is_dir():
            print(f"fit: {c.name}: {c.corpus} is not here; left out", file=sys.stderr)
            continue
        config = IndexConfig(c.corpus, index_dir(c.name))
        build_index(config)
        engine = Engine.open(config)
        searcher = engine._snapshot.searcher
        for path in (*c.questions, *c.rank_only):
            if not path.exists():
                print(f"fit: {path} is not here; left out", file=sys.stderr)
                continue
            for q in load_questions(path):
                query = searcher.read(q.question)
                enc = engine.embedder.encode_query(query.search_text)
                cands = searcher.candidates(query, enc.vector)
                want = {title_key(t) for t in q.expect}
                positive = np.asarray(
                    [
                        title_key(searcher.sections[i].title) in want
                        and (q.expect_source in (None, searcher.sections[i].source))
                        for i in cands.ids
                    ],
                    dtype=bool,
                )
                found_x = [
                    searcher.found_features(query, enc, cands.features, j, int(i))
                    for j, i in enumerate(cands.ids)
                ]
                sample = Sample(c.name, q, cands.features, positive, found_x)
                sample.abstention = path not in c.rank_only
                if q.answer_has and positive.any():
                    _unit_data(engine, sample, int(cands.ids[positive.argmax()]), query, enc)
                samples.append(sample)
    return samples


def _unit_data(engine: Engine, sample: Sample, section: int, query: Query, enc: Any) -> None:
    """What each unit of the expected section would answer, composed as the
    engine composes it, and whether that contains what the question wants."""
    snap = engine._snapshot
    ex = snap.extractor
    sec = snap.searcher.sections[section]
    ids = ex.eligible(sec)
    if not ids:
        return
    result = snap.searcher.search(query, enc)
    asked = Asked.read(query.search_text, enc, result)
    sample.unit_x = ex.unit_features(ids, asked)
    want = [k.casefold() for k in sample.question.answer_has]
    ok = []
    for k in range(len(ids)):
        text = render(_parts([snap.loaded.units[i] for i in ex.readable(ids, k, asked.intent)]))
        ok.append(any(w in text.casefold() for w in want))
    sample.unit_ok = np.asarray(ok, dtype=bool)


def without(samples: list[Sample], signals: set[str]) -> list[Sample]:
    """The samples with these signals zeroed: a zero column gets no weight."""
    if not signals:
        return samples
    rank = [j for j, f in enumerate(RANK_FEATURES) if f in signals]
    found = [j for j, f in enumerate(FOUND_FEATURES) if f in signals]
    unit = [j for j, f in enumerate(UNIT_FEATURES) if f in signals]
    for s in samples:
        s.features = s.features.copy()
        s.features[:, rank] = 0.0
        s.found_x = [x.copy() for x in s.found_x]
        for x in s.found_x:
            x[found] = 0.0
        if s.unit_x is not None:
            s.unit_x = s.unit_x.copy()
            s.unit_x[:, unit] = 0.0
    return samples


# --------------------------------------------------------------------------- ranking


def fit_softmax(
    data: list[tuple[np.ndarray, np.ndarray]],
    w0: np.ndarray,
    l2: float,
    weight: np.ndarray | None = None,
) -> np.ndarray:
    """Weights that put the target rows first: softmax cross-entropy over each
    list of rows, the targets' probabilities summed (each list weighted)."""
    dim = len(w0)
    qw = np.full(len(data), 1.0 / max(len(data), 1)) if weight is None else weight / weight.sum()

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = 0.0, np.zeros(dim)
        for (x, pos), k in zip(data, qw, strict=True):
            z = x @ w
            z = z - z.max()
            p = np.exp(z)
            p /= p.sum()
            ppos = p[pos].sum()
            total -= k * np.log(max(ppos, 1e-12))
            # d(-log sum_pos p)/dw = E_p[x] - E_{p|pos}[x]
            grad += k * (p @ x - (p[pos] @ x[pos]) / max(ppos, 1e-12))
        return total + l2 * float(w @ w), grad + 2 * l2 * w

    return np.asarray(minimize(loss, w0, jac=True, method="L-BFGS-B").x)


def fit_units(samples: Sequence[Sample]) -> np.ndarray:
    data = [
        (s.unit_x, s.unit_ok)
        for s in samples
        if s.unit_x is not None and s.unit_ok is not None and s.unit_ok.any()
    ]
    w0 = np.zeros(len(UNIT_FEATURES))
    w0[UNIT_FEATURES.index("sim")] = 1.0
    return fit_softmax(data, w0, L2_UNIT)  # type: ignore[arg-type]


def unit_figures(samples: Sequence[Sample], w: np.ndarray) -> tuple[int, int]:
    """Questions whose best unit's answer has what was asked, of those that can."""
    data = [s for s in samples if s.unit_x is not None and s.unit_ok is not None]
    good = sum(bool(s.unit_ok[int(np.argmax(s.unit_x @ w))]) for s in data)  # type: ignore[index,operator]
    return good, sum(bool(s.unit_ok.any()) for s in data)  # type: ignore[union-attr]


def fit_rank(samples: Sequence[Sample]) -> np.ndarray:
    kept = [s for s in samples if s.question.found and s.positive.any()]
    w0 = np.zeros(len(RANK_FEATURES))
    w0[RANK_FEATURES.index("dense")] = 1.0
    data = [(s.features, s.positive) for s in kept]
    return fit_softmax(data, w0, L2_RANK, balanced_weights(kept))


def ranked(sample: Sample, w: np.ndarray) -> np.ndarray:
    return np.argsort(-(sample.features @ w), kind="stable")


# --------------------------------------------------------------------------- abstention


def fit_found(samples: Sequence[Sample], w_rank: np.ndarray) -> tuple[np.ndarray, float, float]:
    kept = [s for s in samples if len(s.found_x) and s.abstention]
    x = np.asarray([s.found_x[ranked(s, w_rank)[0]] for s in kept])
    y = np.asarray([s.question.found for s in kept], dtype=float)
    cw = balanced_weights(kept)
    dim = x.shape[1]

    def loss(wb: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = wb[:dim], wb[dim]
        z = x @ w + b
        p = 1 / (1 + np.exp(-z))
        eps = 1e-12
        ll = -(cw * (y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))).sum()
        g = cw * (p - y)
        return ll + L2_FOUND * float(w @ w) / len(y), np.concatenate(
            [x.T @ g + 2 * L2_FOUND * w / len(y), [g.sum()]]
        )

    res = minimize(loss, np.zeros(dim + 1), jac=True, method="L-BFGS-B")
    w, b = res.x[:dim], float(res.x[dim])
    p = 1 / (1 + np.exp(-(x @ w + b)))
    threshold = best_threshold(p, y, cw)
    return w, b, threshold


def found_probability(s: Sample, w_rank: np.ndarray, w_found: np.ndarray, b: float) -> float:
    """The fitted probability that the sample's best-ranked section answers it."""
    if not len(s.found_x):
        return 0.0
    return float(1 / (1 + np.exp(-(s.found_x[ranked(s, w_rank)[0]] @ w_found + b))))


def balanced_weights(samples: Sequence[Sample], labels: Sequence[bool] | None = None) -> np.ndarray:
    """Each collection weighs the same, and within it each class (covered and
    out-of-scope questions, or `labels`) weighs the same: one collection with
    many questions of one kind must not set the settings for all."""
    classes = [s.question.found for s in samples] if labels is None else list(labels)
    keys = [(s.collection, c) for s, c in zip(samples, classes, strict=True)]
    groups = Counter(keys)
    return np.asarray([1.0 / (len(groups) * groups[k]) for k in keys])


def fit_nearest(
    samples: Sequence[Sample], w_rank: np.ndarray, w_found: np.ndarray, b: float, t: float
) -> float:
    """The probability from which a declined question is shown its nearest
    sections: the cut of least cost (DECLINE_COST again) among the declined
    questions, where showing them helps a covered question whose section is
    among the NEAREST_SHOWN first, and is noise for any other."""
    declined: list[Sample] = []
    p: list[float] = []
    helps: list[bool] = []
    for s in samples:
        if not len(s.found_x) or not s.abstention:
            continue
        prob = found_probability(s, w_rank, w_found, b)
        if prob < t:
            declined.append(s)
            p.append(prob)
            helps.append(
                bool(s.question.found and s.positive[ranked(s, w_rank)[:NEAREST_SHOWN]].any())
            )
    if not any(helps):
        return t  # nothing to point at: show none
    return best_threshold(
        np.asarray(p), np.asarray(helps, dtype=float), balanced_weights(declined, helps)
    )


# A covered question declined costs twice an out-of-scope one answered: an
# answer shows the section it came from, which the reader can check; "not in
# the notes" hides what the notes have.
DECLINE_COST = 2.0
NEAREST_SHOWN = 3  # the engine's default top_k


def best_threshold(p: np.ndarray, y: np.ndarray, weight: np.ndarray | None = None) -> float:
    """The cut with the least cost (weighted rates, so that each class counts
    by its share, not its size); between equally good cuts, the middle of the gap."""
    cuts = np.unique(np.concatenate(([0.0, 1.0], p)))
    w = np.ones_like(p) if weight is None else weight
    pos, neg = max(float(w[y == 1].sum()), 1e-12), max(float(w[y == 0].sum()), 1e-12)
    scores = []
    for t in cuts:
        tpr = float(w[(p >= t) & (y == 1)].sum()) / pos
        tnr = float(w[(p < t) & (y == 0)].sum()) / neg
        scores.append(DECLINE_COST * tpr + tnr)
    best = max(scores)
    i = scores.index(best)
    j = i
    while j + 1 < len(cuts) and scores[j + 1] == best:
        j += 1
    lo = cuts[i - 1] if i > 0 else cuts[i]
    return float((lo + cuts[j]) / 2) if j == i else float((cuts[i] + cuts[j]) / 2)


# --------------------------------------------------------------------------- figures


def figures(
    samples: Sequence[Sample],
    w_rank: np.ndarray,
    w_found: np.ndarray,
    b: float,
    t: float,
    nearest: float | None = None,
) -> dict[str, float]:
    covered = [s for s in samples if s.question.found]
    out_scope = [s for s in samples if not s.question.found]

    def answered(s: Sample) -> bool:
        return found_probability(s, w_rank, w_found, b) >= t

    def pointed(s: Sample) -> bool:
        return nearest is not None and nearest <= found_probability(s, w_rank, w_found, b) < t

    def hit(s: Sample, k: int) -> bool:
        return bool(answered(s) and s.positive[ranked(s, w_rank)[:k]].any())

    return {
        "questions": len(samples),
        "rank@1": round(
            sum(bool(s.positive[ranked(s, w_rank)[:1]].any()) for s in covered)
            / max(len(covered), 1),
            3,
        ),
        "in candidates": sum(bool(s.positive.any()) for s in covered),
        "hit@1": round(sum(hit(s, 1) for s in covered) / max(len(covered), 1), 3),
        "hit@3": round(sum(hit(s, 3) for s in covered) / max(len(covered), 1), 3),
        "covered declined": sum(not answered(s) for s in covered),
        "covered": len(covered),
        "out-of-scope declined": sum(not answered(s) for s in out_scope),
        "out-of-scope": len(out_scope),
        # Declined, shown the nearest sections: with the right one among them,
        # and out of scope (shown them all the same).
        "declined, section nearest": sum(
            pointed(s) and bool(s.positive[ranked(s, w_rank)[:NEAREST_SHOWN]].any())
            for s in covered
        ),
        "out-of-scope shown nearest": sum(pointed(s) for s in out_scope),
    }


def fit_all(samples: Sequence[Sample]) -> tuple[np.ndarray, np.ndarray, float, float]:
    w_rank = fit_rank(samples)
    w_found, b, t = fit_found(samples, w_rank)
    return w_rank, w_found, b, t


def _dict(names: Sequence[str], values: np.ndarray) -> str:
    return "\n".join(f'    "{f}": {w:.3f},' for f, w in zip(names, values, strict=True))


def render_weights(
    w_rank: np.ndarray,
    w_found: np.ndarray,
    b: float,
    t: float,
    nearest: float,
    w_unit: np.ndarray,
    note: str,
) -> str:
    rank, found, unit = (
        _dict(RANK_FEATURES, w_rank),
        _dict(FOUND_FEATURES, w_found),
        _dict(UNIT_FEATURES, w_unit),
    )
    return f'''"""Every fitted number of retrieval, abstention and answer extraction, in one place.

Written by `scripts/fit` (bench/fit.py) on {dt.date.today().isoformat()}, from the
tuning questions of {note}.
Do not edit by hand; change the signals or the questions and fit again.
"""

# Section ranking: a linear score of index/search.py's RANK_FEATURES, fitted
# as a softmax over each question's candidates (acceptable sections = target),
# each collection weighing the same.
RANK = {{
{rank}
}}
# Abstention: logistic regression of "the notes answer it" on FOUND_FEATURES
# of the best section; answered when the probability reaches FOUND_THRESHOLD
# (the cut of least cost, a covered question declined costing twice an
# out-of-scope one answered), each collection and class weighing the same;
# not fitted on the questions bench/fit.py marks rank_only.
FOUND = {{
{found}
}}
FOUND_BIAS = {b:.3f}
FOUND_THRESHOLD = {t:.3f}
# A question declined is shown its nearest sections ("in case one of them is
# what you meant") from this probability: the cut of least cost among the
# declined questions, a covered one whose section is in the first three not
# shown them costing twice any other shown them.
NEAREST_THRESHOLD = {nearest:.3f}
# Answer extraction: a linear score of index/answer.py's UNIT_FEATURES, fitted
# as a softmax over the expected section's units (target: the units whose
# answer, composed as the engine composes it, has what the question wants).
UNIT = {{
{unit}
}}
'''


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/fit", description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite index/weights.py")
    parser.add_argument(
        "--without",
        action="append",
        default=[],
        metavar="SIGNAL",
        help="fit as if this signal were not there (to see what it adds); repeatable",
    )
    args = parser.parse_args(argv)
    unknown = set(args.without) - set(RANK_FEATURES) - set(FOUND_FEATURES) - set(UNIT_FEATURES)
    if unknown:
        parser.error(f"no such signal: {', '.join(sorted(unknown))}")
    samples = without(gather(COLLECTIONS), set(args.without))
    names = sorted({s.collection for s in samples})
    print("cross-validation (fitted without the collection, scored on it):")
    for name in names:
        train = [s for s in samples if s.collection != name]
        test = [s for s in samples if s.collection == name]
        if len({s.collection for s in train}) == 0:
            continue
        fitted = fit_all(train)
        near = fit_nearest(train, *fitted)
        print(f"  {name:14} {json.dumps(figures(test, *fitted, near))}")
    w_rank, w_found, b, t = fit_all(samples)
    nearest = fit_nearest(samples, w_rank, w_found, b, t)
    print("answers (best unit's answer has what was asked), cross-validated and fitted on all:")
    w_unit = fit_units(samples)
    for name in names:
        test = [s for s in samples if s.collection == name]
        cv = unit_figures(test, fit_units([s for s in samples if s.collection != name]))
        fitted = unit_figures(test, w_unit)
        print(f"  {name:14} {cv[0]}/{cv[1]}  {fitted[0]}/{fitted[1]}")
    print("fitted on all:")
    for name in names:
        test = [s for s in samples if s.collection == name]
        print(f"  {name:14} {json.dumps(figures(test, w_rank, w_found, b, t, nearest))}")
    counts = ", ".join(f"{n} ({sum(s.collection == n for s in samples)})" for n in names)
    text = render_weights(w_rank, w_found, b, t, nearest, w_unit, f"{counts} questions")
    print(text)
    if args.write:
        (ROOT / "index" / "weights.py").write_text(text)
        print("wrote index/weights.py")
    return 0
