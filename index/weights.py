"""Every fitted number of retrieval, abstention and answer extraction, in one place.

Written by `scripts/fit` (bench/fit.py) on 2026-11-29, from the
tuning questions of shipped (230), system-design (98), til (134) questions.
Do not edit by hand; change the signals or the questions and fit again.
"""

# Section ranking: a linear score of index/search.py's RANK_FEATURES, fitted
# as a softmax over each question's candidates (acceptable sections = target),
# each collection weighing the same.
RANK = {
    "dense": 3.578,
    "sentence": 3.773,
    "sentences": 3.653,
    "heading": 2.796,
    "lexical": 3.955,
    "title": 1.395,
    "coverage": 2.094,
    "name": 2.268,
    "deprecated": -0.428,
    "reference": -0.765,
    "size": -0.632,
    "aspect": 1.256,
}
# Abstention: logistic regression of "the notes answer it" on FOUND_FEATURES
# of the best section; answered when the probability reaches FOUND_THRESHOLD
# (the cut of least cost, a covered question declined costing twice an
# out-of-scope one answered), each collection and class weighing the same.
FOUND = {
    "sentence": 1.352,
    "residual": 8.108,
    "title": -3.298,
    "coverage": 4.724,
    "name": 2.223,
    "unknown": -1.054,
    "absent": -0.990,
    "standout": 3.802,
}
FOUND_BIAS = -6.111
FOUND_THRESHOLD = 0.379
# Answer extraction: a linear score of index/answer.py's UNIT_FEATURES, fitted
# as a softmax over the expected section's units (target: the units whose
# answer, composed as the engine composes it, has what the question wants).
UNIT = {
    "sim": 1.207,
    "lead": 2.225,
    "share": 2.545,
    "code": 0.664,
    "howto_code": 2.293,
    "howto_inline": 0.695,
    "opening": 0.705,
    "position": 0.632,
    "position_other": -0.142,
    "announces": -0.187,
    "continued": -0.782,
    "need": 1.125,
    "echo": -1.136,
    "output": -1.067,
}
