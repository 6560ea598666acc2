"""Every fitted number of retrieval, abstention and answer extraction, in one place.

Written by `scripts/fit` (bench/fit.py) on 2026-11-29, from the
tuning questions of shipped (230), system-design (158), til (194) questions.
Do not edit by hand; change the signals or the questions and fit again.
"""

# Section ranking: a linear score of index/search.py's RANK_FEATURES, fitted
# as a softmax over each question's candidates (acceptable sections = target),
# each collection weighing the same.
RANK = {
    "dense": 4.572,
    "sentence": 5.050,
    "sentences": 4.611,
    "heading": 3.075,
    "lexical": 3.771,
    "title": 1.631,
    "coverage": 2.455,
    "name": 2.571,
    "deprecated": -0.493,
    "reference": -0.702,
    "size": -1.524,
    "aspect": 1.223,
}
# Abstention: logistic regression of "the notes answer it" on FOUND_FEATURES
# of the best section; answered when the probability reaches FOUND_THRESHOLD
# (the cut of least cost, a covered question declined costing twice an
# out-of-scope one answered), each collection and class weighing the same;
# not fitted on the questions bench/fit.py marks rank_only.
FOUND = {
    "sentence": 1.330,
    "residual": 8.205,
    "title": -3.143,
    "coverage": 4.553,
    "name": 2.104,
    "unknown": -1.120,
    "absent": -1.279,
    "standout": 3.833,
}
FOUND_BIAS = -6.115
FOUND_THRESHOLD = 0.383
# A question declined is shown its nearest sections ("in case one of them is
# what you meant") from this probability: the cut of least cost among the
# declined questions, a covered one whose section is in the first three not
# shown them costing twice any other shown them.
NEAREST_THRESHOLD = 0.095
# Answer extraction: a linear score of index/answer.py's UNIT_FEATURES, fitted
# as a softmax over the expected section's units (target: the units whose
# answer, composed as the engine composes it, has what the question wants).
UNIT = {
    "sim": 1.325,
    "lead": 2.472,
    "share": 2.604,
    "code": 0.544,
    "howto_code": 2.232,
    "howto_inline": 0.291,
    "opening": 0.339,
    "position": 0.691,
    "position_other": 0.000,
    "announces": 0.095,
    "continued": -0.739,
    "need": 1.336,
    "echo": -1.269,
    "output": -0.897,
}
