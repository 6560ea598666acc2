"""Every fitted number of retrieval, abstention and answer extraction, in one place.

Written by `scripts/fit` (bench/fit.py) on 2026-11-29, from the
tuning questions of shipped (77), system-design (58), til (82) questions.
Do not edit by hand; change the signals or the questions and fit again.
"""

# Section ranking: a linear score of index/search.py's RANK_FEATURES, fitted
# as a softmax over each question's candidates (acceptable sections = target).
RANK = {
    "dense": 4.333,
    "sentence": 4.551,
    "heading": 3.514,
    "lexical": 3.307,
    "title": 1.685,
    "coverage": 2.540,
    "name": 2.527,
    "deprecated": -0.430,
    "reference": -1.278,
}
# Abstention: logistic regression of "the notes answer it" on FOUND_FEATURES
# of the best section; answered when the probability reaches FOUND_THRESHOLD
# (the cut that best balances covered answered and out-of-scope declined).
FOUND = {
    "sentence": 1.420,
    "residual": 6.512,
    "coverage": 4.191,
    "name": 3.204,
    "unknown": -3.749,
}
FOUND_BIAS = -5.743
FOUND_THRESHOLD = 0.471
NAMED = 0.35  # a name score from which an answer is said to come from the name (display only)
# Answer extraction: a linear score of index/answer.py's UNIT_FEATURES, fitted
# as a softmax over the expected section's units (target: the units whose
# answer, composed as the engine composes it, has what the question wants).
UNIT = {
    "sim": 1.491,
    "lead": 1.624,
    "share": 3.028,
    "code": 0.126,
    "howto_code": 3.084,
    "howto_inline": 0.357,
    "opening": 1.697,
    "position": 1.010,
    "announces": -0.260,
    "continued": -0.047,
}
