"""Project names: the question names a project, the notes have a heading for it.

Every heading is cut into name parts ("kargo vs. kops. vs kubeadm" has three,
"(deprecated) service-loadbalancer" one) and each part gets aliases written
the ways people write it: `service-loadbalancer`, `service loadbalancer`,
`serviceloadbalancer`, `HNC` for hierarchical namespaces controller,
`multus` for multus-cni. A question matches an alias exactly, or within one
or two typing mistakes (`kubecarier`) when the word is not a word of the
notes anyway.

A section's name score is high when its heading is exactly what the question
names (all its parts matched, and all the names in the question are in it),
lower for a heading that names more or fewer things, and damped for names
that are also common words of the notes ("application", "ingress").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from .domain import Section

_TOKEN = re.compile(r"[a-z0-9]+")
PAREN = re.compile(r"\([^)]*\)")  # a parenthesis in a name or heading: "(deprecated)"
_PART_SPLIT = re.compile(r"\s+(?:vs\.?|versus|and|or|&)\s+|[,/;]+", re.IGNORECASE)
_PREFIXES = {"k8s", "kube", "kubernetes"}
_SUFFIXES = {"cni"}
_MAX_NAME_WORDS = 4
FILE_TITLE_WEIGHT = 0.5  # a note's title names every section of that note, weakly


@dataclass(frozen=True)
class _Alias:
    part: str  # the part's compact key ("serviceloadbalancer")
    quality: float  # 1.0 for the part itself, less for derived aliases


def compact(text: str) -> str:
    return "".join(_TOKEN.findall(text.lower()))


def name_parts(title: str) -> list[str]:
    """The names a heading holds, as lower-case token strings."""
    title = PAREN.sub(" ", title).strip().lower()
    parts = []
    for piece in _PART_SPLIT.split(title):
        tokens = _TOKEN.findall(piece)
        if 0 < len(tokens) <= _MAX_NAME_WORDS:
            parts.append(" ".join(tokens))
    return parts


def _aliases(part: str) -> dict[str, float]:
    tokens = part.split()
    out = {"".join(tokens): 1.0}
    core = list(tokens)
    while len(core) > 1 and core[0] in _PREFIXES:
        core = core[1:]
    while len(core) > 1 and core[-1] in _SUFFIXES:
        core = core[:-1]
    if core != tokens and len("".join(core)) >= 4:
        out.setdefault("".join(core), 0.8)
    if len(tokens) >= 3:
        out.setdefault("".join(t[0] for t in tokens), 0.8)  # HNC, NPD
    return out


class NameIndex:
    def __init__(self, sections: Sequence[Section], section_texts: Sequence[str]) -> None:
        self.sections = sections
        self._holders: dict[str, set[int]] = defaultdict(set)  # part key -> sections it names
        self._parts_of: dict[int, set[str]] = {}  # the names in a section's own heading
        self._note_of: dict[int, str] = {}  # the name of the note a section is in
        self._aliases: dict[str, list[_Alias]] = defaultdict(list)
        self._part_words: dict[str, str] = {}  # key -> "service loadbalancer"
        # Headings repeated across notes ("Overview") are not names; a link
        # to a note and that note's own title do not count as repeats.
        titles_per_source: dict[str, set[str]] = defaultdict(set)
        for s in sections:
            if not s.is_link_only and s.path != (s.title,):
                titles_per_source[compact(s.title)].add(s.source)

        for i, s in enumerate(sections):
            # A heading over nothing but sub-headings or a list of links to
            # read elsewhere (an index note's "Linux") names no project.
            if s.level == 0 or not any(b.kind not in ("contents", "link") for b in s.blocks):
                continue
            if s.path == (s.title,):
                continue  # a note's own title: it names the whole note (below)
            if len(titles_per_source[compact(s.title)]) > 1:
                continue
            parts = name_parts(s.title)
            for part in parts:
                self._add_part(part, i)
            if parts:
                self._parts_of[i] = {compact(p) for p in parts}

        # A note that other notes link to, or that has a title of its own,
        # is named by that title: all its sections answer to it.
        linked = {s.link_resolved for s in sections if s.link_resolved}
        titled = {s.source: True for s in sections if s.level == 1 and s.path == (s.title,)}
        for i, s in enumerate(sections):
            if s.source in linked or titled.get(s.source):
                # The same weight for all of them: which one answers is for
                # the content to decide, not the title.
                for part in name_parts(s.path[0])[:1]:
                    self._add_part(part, i)
                    self._note_of[i] = compact(part)

        postings: dict[str, set[int]] = defaultdict(set)
        for i, text in enumerate(section_texts):
            for w in set(_TOKEN.findall(text.lower())):
                postings[w].add(i)
        self._vocabulary = set(postings)
        self._specificity = {key: self._spec(key, postings) for key in self._holders}
        # Aliases by length: a typo changes the length by at most the edits
        # allowed, so a fuzzy lookup only compares names of about its length.
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for alias in self._aliases:
            self._by_length[len(alias)].append(alias)

    def _add_part(self, part: str, section: int) -> None:
        key = compact(part)
        if not key:
            return
        self._holders[key].add(section)
        self._part_words[key] = part
        for alias, quality in _aliases(part).items():
            if all(a.part != key for a in self._aliases[alias]):
                self._aliases[alias].append(_Alias(key, quality))

    def _spec(self, key: str, postings: dict[str, set[int]]) -> float:
        """Damp names that are everyday words of the notes: the more other
        sections use all of the name's words, the less it singles one out."""
        words = self._part_words[key].split()
        using = set.intersection(*(postings.get(w, set()) for w in words)) if words else set()
        others = len(using - self._holders[key])
        return 1.0 / (1.0 + 0.12 * others)

    # ------------------------------------------------------------------ matching

    def match(self, question: str) -> tuple[dict[int, float], list[str]]:
        """Section index -> name score in [0, 1] for the names in `question`,
        and the words of the question that named them."""
        found, named = self._match_parts(question)
        if not found:
            return {}, named
        scores: dict[int, float] = {}
        total = len(found)
        candidates = {i for key in found for i in self._holders[key]}
        for i in candidates:
            parts = self._parts_of.get(i, set())
            own = [key for key in parts if key in found]
            note = self._note_of.get(i)
            in_note = note is not None and note in found and note not in own
            if not own and not in_note:
                continue
            precision = sum(found[k] for k in own) / len(parts) if own else 0.0
            matched = list(own)
            if note is not None and in_note:
                precision = max(precision, FILE_TITLE_WEIGHT * found[note])
                matched.append(note)
            recall = len(matched) / total
            spec = max(self._specificity[k] for k in matched)
            scores[i] = precision * recall * spec
        return scores, named

    def _match_parts(self, question: str) -> tuple[dict[str, float], list[str]]:
        tokens = _TOKEN.findall(question.lower())
        found: dict[str, float] = {}
        covered: set[int] = set()
        # Longest n-grams first, so "service loadbalancer" wins over "service".
        for n in range(min(_MAX_NAME_WORDS, len(tokens)), 0, -1):
            for start in range(len(tokens) - n + 1):
                span = set(range(start, start + n))
                if span & covered:
                    continue
                gram = "".join(tokens[start : start + n])
                hits = self._aliases.get(gram)
                if hits is None and len(gram) >= 5 and not self._known(tokens[start : start + n]):
                    hits = self._fuzzy(gram)
                if hits:
                    for alias in hits:
                        found[alias.part] = max(found.get(alias.part, 0.0), alias.quality)
                    covered |= span
        return found, [tokens[i] for i in sorted(covered)]

    def _known(self, words: list[str]) -> bool:
        """Words of the notes are spelled right; no fuzzy matching for them."""
        return all(w in self._vocabulary for w in words)

    def _fuzzy(self, gram: str) -> list[_Alias]:
        limit = 1 if len(gram) < 9 else 2
        choices = [
            a
            for n in range(max(5, len(gram) - limit), len(gram) + limit + 1)
            for a in self._by_length.get(n, ())
        ]
        near = process.extract(gram, choices, scorer=OSA.distance, score_cutoff=limit, limit=None)
        if not near:
            return []
        distance = min(d for _, d, _ in near)
        closest = [a for a, d, _ in near if d == distance]
        # Between equally near names, a dropped or doubled letter ("metalb")
        # is a likelier slip than a changed one ("metal3").
        alias = max(closest, key=lambda a: (fuzz.ratio(gram, a), a))
        penalty = 0.85 if distance == 1 else 0.7
        return [_Alias(a.part, a.quality * penalty) for a in self._aliases[alias]]
