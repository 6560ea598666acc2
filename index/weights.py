"""Every fitted number of retrieval, abstention and answer extraction, in one place.

Written by `scripts/fit` (bench/fit.py) on 2026-11-29, from the
tuning questions of shipped (230), system-design (98), til (134) questions.
Do not edit by hand; change the signals or the questions and fit again.
"""

# Section ranking: a linear score of index/search.py's RANK_FEATURES, fitted
# as a softmax over each question's candidates (acceptable sections = target),
# each collection weighing the same.
RANK = {
    "dense": 3.576,
    "sentence": 3.752,
    "sentences": 3.636,
    "heading": 2.796,
    "lexical": 3.956,
    "title": 1.399,
    "coverage": 2.116,
    "name": 2.264,
    "deprecated": -0.432,
    "reference": -0.763,
    "size": -0.633,
    "aspect": 1.263,
}
# Abstention: logistic regression of "the notes answer it" on FOUND_FEATURES
# of the best section; answered when the probability reaches FOUND_THRESHOLD
# (the cut of least cost, a covered question declined costing twice an
# out-of-scope one answered), each collection and class weighing the same.
FOUND = {
    "sentence": 1.474,
    "residual": 8.557,
    "title": -3.106,
    "coverage": 4.535,
    "name": 2.034,
    "unknown": -0.510,
    "absent": -2.706,
    "standout": 3.503,
}
FOUND_BIAS = -6.256
FOUND_THRESHOLD = 0.401
# Answer extraction: a linear score of index/answer.py's UNIT_FEATURES, fitted
# as a softmax over the expected section's units (target: the units whose
# answer, composed as the engine composes it, has what the question wants).
UNIT = {
    "sim": 1.214,
    "lead": 2.247,
    "share": 2.540,
    "code": 0.613,
    "howto_code": 2.231,
    "howto_inline": 0.702,
    "opening": 0.710,
    "position": 0.636,
    "position_other": -0.134,
    "announces": -0.163,
    "continued": -0.829,
    "need": 1.126,
    "echo": -1.122,
    "output": -0.801,
}
