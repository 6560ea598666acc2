"""Every fitted number of retrieval, abstention and answer extraction, in one place.

Written by `scripts/fit` (bench/fit.py) on 2026-11-29, from the
tuning questions of shipped (230), system-design (98), til (134) questions.
Do not edit by hand; change the signals or the questions and fit again.
"""

# Section ranking: a linear score of index/search.py's RANK_FEATURES, fitted
# as a softmax over each question's candidates (acceptable sections = target),
# each collection weighing the same.
RANK = {
    "dense": 3.573,
    "sentence": 3.770,
    "sentences": 3.648,
    "heading": 2.794,
    "lexical": 3.957,
    "title": 1.396,
    "coverage": 2.094,
    "name": 2.269,
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
    "sentence": 1.405,
    "residual": 8.045,
    "title": -3.283,
    "coverage": 4.690,
    "name": 2.203,
    "unknown": -1.125,
    "absent": -1.316,
    "standout": 3.733,
}
FOUND_BIAS = -6.079
FOUND_THRESHOLD = 0.382
# Answer extraction: a linear score of index/answer.py's UNIT_FEATURES, fitted
# as a softmax over the expected section's units (target: the units whose
# answer, composed as the engine composes it, has what the question wants).
UNIT = {
    "sim": 1.203,
    "lead": 2.242,
    "share": 2.546,
    "code": 0.659,
    "howto_code": 2.288,
    "howto_inline": 0.698,
    "opening": 0.705,
    "position": 0.632,
    "position_other": -0.142,
    "announces": -0.187,
    "continued": -0.787,
    "need": 1.123,
    "echo": -1.136,
    "output": -1.068,
}
