"""Every fitted number of retrieval, abstention and answer extraction, in one place.

Written by `scripts/fit` (bench/fit.py) on 2026-11-29, from the
tuning questions of shipped (77), system-design (58), til (82) questions.
Do not edit by hand; change the signals or the questions and fit again.
"""

# Section ranking: a linear score of index/search.py's RANK_FEATURES, fitted
# as a softmax over each question's candidates (acceptable sections = target).
RANK = {
    "dense": 3.378,
    "sentence": 3.565,
    "sentences": 3.466,
    "heading": 2.891,
    "lexical": 3.054,
    "title": 1.682,
    "coverage": 2.317,
    "name": 2.526,
    "deprecated": -0.435,
    "reference": -1.153,
    "size": -0.423,
}
# Abstention: logistic regression of "the notes answer it" on FOUND_FEATURES
# of the best section; answered when the probability reaches FOUND_THRESHOLD
# (the cut that best balances covered answered and out-of-scope declined).
FOUND = {
    "title": 0.0,
    "sentence": 1.693,
    "residual": 6.693,
    "coverage": 3.982,
    "name": 2.966,
    "unknown": -3.760,
}
FOUND_BIAS = -5.901
FOUND_THRESHOLD = 0.461
NAMED = 0.35  # a name score from which an answer is said to come from the name (display only)
# Answer extraction: a linear score of index/answer.py's UNIT_FEATURES, fitted
# as a softmax over the expected section's units (target: the units whose
# answer, composed as the engine composes it, has what the question wants).
UNIT = {
    "sim": 1.189,
    "lead": 1.544,
    "share": 2.769,
    "code": 0.118,
    "howto_code": 3.106,
    "howto_inline": 0.505,
    "opening": 1.763,
    "position": 0.922,
    "announces": -0.284,
    "continued": -0.029,
    "need": 1.057,
    "echo": -0.609,
}
