"""bench/fit.py: every collection weighs the same in the fitted settings,
however many questions it brings (hand-made samples, no model)."""

from __future__ import annotations

import numpy as np

from bench.fit import (
    Sample,
    balanced_weights,
    best_threshold,
    fit_found,
    fit_nearest,
    fit_softmax,
)
from index.evaluate import Question


def sample(collection: str, found: bool) -> Sample:
    q = Question(id="x", question="?", expect=("a",) if found else (), found=found)
    return Sample(collection, q, np.zeros((1, 1)), np.ones(1, bool), [np.zeros(1)])


def test_each_collection_and_class_weighs_the_same() -> None:
    samples = [sample("big", True)] * 90 + [sample("big", False)] * 10
    samples += [sample("small", True)] * 6 + [sample("small", False)] * 2
    w = balanced_weights(samples)
    assert np.isclose(w.sum(), 1.0)
    assert np.isclose(w[:90].sum(), w[100:106].sum())  # covered, big vs small
    assert np.isclose(w[90:100].sum(), w[106:].sum())  # out of scope, big vs small


def test_the_threshold_follows_the_weights_not_the_head_count() -> None:
    # Many covered questions at 0.4 (one collection), a few out-of-scope
    # at 0.4 and covered at 0.9 (another): counted by heads the cut keeps 0.4
    # answered; with the second collection weighing as much, it declines it.
    p = np.asarray([0.4] * 20 + [0.4] * 5 + [0.9] * 5)
    y = np.asarray([1] * 20 + [0] * 5 + [1] * 5)
    assert best_threshold(p, y) <= 0.4
    weight = np.asarray([0.01] * 20 + [0.3] * 5 + [0.3] * 5)
    assert 0.4 < best_threshold(p, y, weight) <= 0.9


def test_a_list_of_no_weight_does_not_move_the_ranking() -> None:
    # Two lists that want opposite signs of the one weight.
    up = (np.asarray([[1.0], [0.0]]), np.asarray([True, False]))
    down = (np.asarray([[1.0], [0.0]]), np.asarray([False, True]))
    w = fit_softmax([up, down], np.zeros(1), 0.01, np.asarray([1.0, 0.0]))
    assert w[0] > 0.5
    w = fit_softmax([up, down], np.zeros(1), 0.01, np.asarray([0.0, 1.0]))
    assert w[0] < -0.5


def test_questions_marked_rank_only_do_not_move_abstention() -> None:
    def one(collection: str, found: bool, evidence: float, abstention: bool = True) -> Sample:
        s = sample(collection, found)
        s.found_x = [np.asarray([evidence])]
        s.abstention = abstention
        return s

    base = [one("a", True, 1.0), one("a", False, 0.0), one("b", True, 0.9), one("b", False, 0.1)]
    # Covered questions with no evidence would pull the threshold down to answer them.
    low = [one("b", True, 0.05) for _ in range(20)]
    marked = [one("b", True, 0.05, abstention=False) for _ in range(20)]
    w_rank = np.zeros(1)
    _, _, t = fit_found(base, w_rank)
    _, _, t_marked = fit_found(base + marked, w_rank)
    _, _, t_fitted = fit_found(base + low, w_rank)
    assert t_marked == t
    assert t_fitted < t


def test_declined_questions_are_shown_the_nearest_sections_down_to_where_that_stops_helping() -> (
    None
):
    # Evidence is the log-odds of "answered" (weight 1, bias 0): declined
    # below 0 (p < 0.5). Covered questions declined near the cut whose
    # section is the first candidate: showing them the nearest helps. Far
    # below, only out-of-scope questions, for which they are noise.
    def one(collection: str, found: bool, evidence: float, among: bool = True) -> Sample:
        q = Question(id="x", question="?", expect=("a",) if found else (), found=found)
        features = np.asarray([[1.0], [0.0]])  # the first candidate ranks first
        positive = np.asarray([found and among, False])
        return Sample(collection, q, features, positive, [np.asarray([evidence])] * 2)

    samples = []
    for c in ("a", "b"):
        samples += [one(c, True, 2.0), one(c, False, -4.0), one(c, False, -5.0)]
        samples += [one(c, True, -0.5), one(c, True, -0.8), one(c, False, -0.6)]
    cut = fit_nearest(samples, np.ones(1), np.ones(1), 0.0, 0.5)
    p = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    assert p(-4.0) < cut <= p(-0.8)
    # When no declined question's section is among the candidates, none are shown.
    unhelpful = [one(c, True, -0.5, among=False) for c in ("a", "b")]
    unhelpful += [one(c, False, -0.6) for c in ("a", "b")]
    assert fit_nearest(unhelpful, np.ones(1), np.ones(1), 0.0, 0.5) == 0.5
