"""Every fitted number of retrieval, abstention and answer extraction, in one place.

Written by `scripts/fit` (bench/fit.py) on 2026-11-29, from the
tuning questions of shipped (150), system-design (58), til (82) questions.
Do not edit by hand; change the signals or the questions and fit again.
"""

# Section ranking: a linear score of index/search.py's RANK_FEATURES, fitted
# as a softmax over each question's candidates (acceptable sections = target).
RANK = {
    "dense": 3.233,
    "sentence": 3.208,
    "sentences": 2.970,
    "heading": 2.741,
    "lexical": 3.410,
    "title": 1.538,
    "coverage": 2.492,
    "name": 2.512,
    "deprecated": -0.097,
    "reference": -0.817,
    "size": -0.657,
}
# Abstention: logistic regression of "the notes answer it" on FOUND_FEATURES
# of the best section; answered when the probability reaches FOUND_THRESHOLD
# (the cut of least cost, a covered question declined costing twice an
# out-of-scope one answered).
FOUND = {
    "sentence": 1.039,
    "residual": 5.854,
    "title": -3.284,
    "coverage": 4.437,
    "name": 4.915,
    "unknown": -2.138,
    "absent": -1.593,
    "standout": 4.477,
}
FOUND_BIAS = -5.530
FOUND_THRESHOLD = 0.265
# Answer extraction: a linear score of index/answer.py's UNIT_FEATURES, fitted
# as a softmax over the expected section's units (target: the units whose
# answer, composed as the engine composes it, has what the question wants).
UNIT = {
    "sim": 1.122,
    "lead": 1.640,
    "share": 3.238,
    "code": -0.250,
    "howto_code": 2.948,
    "howto_inline": 0.846,
    "opening": 1.268,
    "position": 1.389,
    "position_other": -0.109,
    "announces": -0.445,
    "continued": -0.265,
    "need": 0.973,
    "echo": -1.315,
}
