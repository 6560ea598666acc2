"""Every fitted number of retrieval, abstention and answer extraction, in one place.

Written by `scripts/fit` (bench/fit.py) on 2026-11-30, from the
tuning questions of shipped (230), system-design (158), til (194) questions.
Do not edit by hand; change the signals or the questions and fit again.
"""

# Section ranking: a linear score of index/search.py's RANK_FEATURES, fitted
# as a softmax over each question's candidates (acceptable sections = target),
# each collection weighing the same.
RANK = {
    "dense": 4.584,
    "sentence": 5.055,
    "sentences": 4.624,
    "heading": 3.111,
    "lexical": 3.756,
    "title": 1.634,
    "coverage": 2.453,
    "name": 2.563,
    "deprecated": -0.368,
    "reference": -0.679,
    "size": -1.522,
    "aspect": 1.222,
}
# Abstention: logistic regression of "the notes answer it" on FOUND_FEATURES
# of the best section; answered when the probability reaches FOUND_THRESHOLD
# (the cut of least cost, a covered question declined costing twice an
# out-of-scope one answered), each collection and class weighing the same;
# not fitted on the questions bench/fit.py marks rank_only.
FOUND = {
    "sentence": 3.027,
    "residual": 7.952,
    "title": -2.290,
    "coverage": 4.122,
    "name": 1.280,
    "unknown": -1.395,
    "absent": -1.806,
    "standout": 3.266,
}
FOUND_BIAS = -3.423
FOUND_THRESHOLD = 0.374
# A question declined is shown its nearest sections ("in case one of them is
# what you meant") from this probability: the cut of least cost among the
# declined questions, a covered one whose section is in the first three not
# shown them costing twice any other shown them.
NEAREST_THRESHOLD = 0.123
# Answer extraction: a linear score of index/answer.py's UNIT_FEATURES, fitted
# as a softmax over the expected section's units (target: the units whose
# answer, composed as the engine composes it, has what the question wants).
UNIT = {
    "sim": 1.326,
    "lead": 2.472,
    "share": 2.605,
    "code": 0.544,
    "howto_code": 2.233,
    "howto_inline": 0.291,
    "opening": 0.340,
    "position": 0.691,
    "position_other": 0.003,
    "announces": 0.088,
    "continued": -0.739,
    "need": 1.336,
    "echo": -1.270,
    "output": -0.897,
}
