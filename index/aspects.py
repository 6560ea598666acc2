"""Aspects: the kinds of sub-section notes give a topic ("Disadvantage(s):
federation", "Limitations", "Installation", "Alternatives"), and the
wording by which a question asks for one.

A question asking for an aspect of a topic ("we copy data into extra tables
to avoid joins: what's the cost?") shares its words with the topic's section,
not with the aspect's own sub-section, which may never repeat them. The
searcher lets such a sub-section stand on its parent's evidence when the
question asks for its aspect (index/search.py).
"""

from __future__ import annotations

import re

# aspect: (how a question asks for it, how a heading names it). A "trade-off"
# asked is a comparison (index/intent.py), not the drawbacks of one side.
_ASPECTS = {
    "drawbacks": (
        r"\b(?:downsides?|drawbacks?|disadvantages?|pitfalls?|gotchas?|caveats?|limitations?|"
        r"weakness(?:es)?|cons|go(?:es)? wrong|single point of failure|"
        r"what(?:'s| is| are)? the (?:catch|costs?|risks?|price)|"
        r"(?:what|which|any) (?:\w+ )?(?:problems|issues|risks)|"
        r"what do (?:we|I) (?:lose|give up))\b",
        r"(?:\b(?:disadvantages?|drawbacks?|cons|downsides?|limitations?|caveats?|pitfalls?|"
        r"gotchas?|known issues|weakness(?:es)?|trade-?offs?)\b|\bdisadvantage\(s\))",
    ),
    "benefits": (
        r"\b(?:advantages?|benefits?|upsides?|pros|what do (?:we|I) gain|"
        r"why (?:would|should) (?:I|we|you|anyone) use)\b",
        r"(?:\b(?:advantages?|benefits?|pros|upsides?|why use)\b|\badvantage\(s\))",
    ),
    "alternatives": (
        r"\b(?:alternatives?|instead of|replacements? for|similar (?:tools|projects))\b",
        r"\b(?:alternatives?|similar (?:tools|projects)|see also)\b",
    ),
    "installation": (
        r"\b(?:install(?:ing|ed)?|installation|set(?:ting)? up|setup)\b",
        r"^(?:install(?:ation|ing)?|setup|set(?:ting)? up|getting started)\b",
    ),
}
_ASKED = {a: re.compile(q, re.IGNORECASE) for a, (q, _) in _ASPECTS.items()}
_HEADED = {a: re.compile(h, re.IGNORECASE) for a, (_, h) in _ASPECTS.items()}


def asked_aspects(question: str) -> frozenset[str]:
    """The aspects a question asks for, by its wording."""
    return frozenset(a for a, pattern in _ASKED.items() if pattern.search(question))


def heading_aspects(title: str) -> frozenset[str]:
    """The aspects a heading names ("Pros and cons": two)."""
    return frozenset(a for a, pattern in _HEADED.items() if pattern.search(title))
