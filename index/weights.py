"""Every fitted number of retrieval, abstention and answer extraction, in one place.

Written by `scripts/fit` (bench/fit.py) on 2026-11-29, from the
tuning questions of shipped (230), system-design (98), til (134) questions.
Do not edit by hand; change the signals or the questions and fit again.
"""

# Section ranking: a linear score of index/search.py's RANK_FEATURES, fitted
# as a softmax over each question's candidates (acceptable sections = target),
# each collection weighing the same.
RANK = {
    "dense": 3.611,
    "sentence": 3.769,
    "sentences": 3.673,
    "heading": 2.825,
    "lexical": 3.902,
    "title": 1.378,
    "coverage": 2.116,
    "name": 2.256,
    "deprecated": -0.429,
    "reference": -0.776,
    "size": -0.625,
    "aspect": 1.266,
}
# Abstention: logistic regression of "the notes answer it" on FOUND_FEATURES
# of the best section; answered when the probability reaches FOUND_THRESHOLD
# (the cut of least cost, a covered question declined costing twice an
# out-of-scope one answered), each collection and class weighing the same.
FOUND = {
    "sentence": 1.470,
    "residual": 8.515,
    "title": -3.028,
    "coverage": 4.401,
    "name": 2.031,
    "unknown": -0.506,
    "absent": -2.752,
    "standout": 3.464,
}
FOUND_BIAS = -6.182
FOUND_THRESHOLD = 0.402
# Answer extraction: a linear score of index/answer.py's UNIT_FEATURES, fitted
# as a softmax over the expected section's units (target: the units whose
# answer, composed as the engine composes it, has what the question wants).
UNIT = {
    "sim": 1.211,
    "lead": 2.239,
    "share": 2.516,
    "code": 0.604,
    "howto_code": 2.227,
    "howto_inline": 0.694,
    "opening": 0.711,
    "position": 0.628,
    "position_other": -0.136,
    "announces": -0.157,
    "continued": -0.824,
    "need": 1.128,
    "echo": -1.125,
    "output": -0.798,
}
