"""Every fitted number of retrieval, abstention and answer extraction, in one place.

Written by `scripts/fit` (bench/fit.py) on 2026-11-29, from the
tuning questions of shipped (230), system-design (98), til (134) questions.
Do not edit by hand; change the signals or the questions and fit again.
"""

# Section ranking: a linear score of index/search.py's RANK_FEATURES, fitted
# as a softmax over each question's candidates (acceptable sections = target),
# each collection weighing the same.
RANK = {
    "dense": 3.682,
    "sentence": 3.703,
    "sentences": 3.628,
    "heading": 3.002,
    "lexical": 3.581,
    "title": 1.345,
    "coverage": 2.094,
    "name": 2.213,
    "deprecated": -0.396,
    "reference": -0.836,
    "size": -0.888,
}
# Abstention: logistic regression of "the notes answer it" on FOUND_FEATURES
# of the best section; answered when the probability reaches FOUND_THRESHOLD
# (the cut of least cost, a covered question declined costing twice an
# out-of-scope one answered), each collection and class weighing the same.
FOUND = {
    "sentence": 1.488,
    "residual": 8.442,
    "title": -3.000,
    "coverage": 4.330,
    "name": 2.093,
    "unknown": -0.456,
    "absent": -2.991,
    "standout": 3.347,
}
FOUND_BIAS = -6.115
FOUND_THRESHOLD = 0.403
# Answer extraction: a linear score of index/answer.py's UNIT_FEATURES, fitted
# as a softmax over the expected section's units (target: the units whose
# answer, composed as the engine composes it, has what the question wants).
UNIT = {
    "sim": 1.266,
    "lead": 2.240,
    "share": 2.553,
    "code": 0.647,
    "howto_code": 2.297,
    "howto_inline": 0.752,
    "opening": 0.699,
    "position": 0.620,
    "position_other": -0.150,
    "announces": -0.188,
    "continued": -0.832,
    "need": 1.163,
    "echo": -1.143,
    "output": -1.045,
}
