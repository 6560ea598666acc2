"""Every fitted number of retrieval, abstention and answer extraction, in one place.

Written by `scripts/fit` (bench/fit.py) on 2026-11-29, from the
tuning questions of shipped (150), system-design (58), til (82) questions.
Do not edit by hand; change the signals or the questions and fit again.
"""

# Section ranking: a linear score of index/search.py's RANK_FEATURES, fitted
# as a softmax over each question's candidates (acceptable sections = target).
RANK = {
    "dense": 3.291,
    "sentence": 3.250,
    "sentences": 3.012,
    "heading": 2.782,
    "lexical": 3.265,
    "title": 1.568,
    "coverage": 2.537,
    "name": 2.471,
    "deprecated": -0.090,
    "reference": -0.832,
    "size": -0.666,
}
# Abstention: logistic regression of "the notes answer it" on FOUND_FEATURES
# of the best section; answered when the probability reaches FOUND_THRESHOLD
# (the cut of least cost, a covered question declined costing twice an
# out-of-scope one answered).
FOUND = {
    "sentence": 0.958,
    "residual": 7.240,
    "title": -3.185,
    "coverage": 4.760,
    "name": 4.171,
    "unknown": -2.007,
    "absent": -2.007,
}
FOUND_BIAS = -5.032
FOUND_THRESHOLD = 0.368
# Answer extraction: a linear score of index/answer.py's UNIT_FEATURES, fitted
# as a softmax over the expected section's units (target: the units whose
# answer, composed as the engine composes it, has what the question wants).
UNIT = {
    "sim": 1.042,
    "lead": 1.637,
    "share": 2.994,
    "code": -0.057,
    "howto_code": 2.934,
    "howto_inline": 0.468,
    "opening": 1.339,
    "position": 1.462,
    "position_other": 0.039,
    "announces": -0.417,
    "continued": -0.316,
    "need": 0.937,
    "echo": -0.904,
}
