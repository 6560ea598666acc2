"""Answers are extracted, never invented: the sentence(s) of the best section
that answer the question, with the sections cited best first.

Each sentence already has a vector (pooled from its own tokens when its
passage was embedded), so choosing one costs a few dot products.
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np

from .domain import Answer, Citation, Hit, Section, note_url
from .search import SearchResult
from .store import LoadedIndex, Unit
from .text import terms

NOT_FOUND = "This is not in the notes."
MAX_ANSWER_CHARS = 400
CITE_RELATIVE = 0.8  # cite further sections scoring at least this share of the best
SECOND_SENTENCE_MARGIN = 0.06
ANNOUNCED_UNITS = 4  # at most this many list items or snippets after "...:"

_LABEL = re.compile(r"^(?:\*?(?:references?|see also|more|links?)\*?:?|to use:?)$", re.IGNORECASE)
_STATUS = re.compile(r"^\s*(?:date|update(?:d)? on|status)\b", re.IGNORECASE)
_URL_ONLY = re.compile(r"^\S+://\S+$")
_PRONOUN_START = re.compile(r"^(?:it|this|that|they|these|those|its|their)\b", re.IGNORECASE)
_REPLACE_WORDS = frozenset(
    {"replac", "instead", "altern", "successor", "supersed", "deprec", "favor", "favour", "renam"}
)
_REPLACE_CUE = re.compile(
    r"deprecated|in favou?r of|replaced|superseded|renamed|moved to", re.IGNORECASE
)
_HOWTO = re.compile(
    r"\bhow\s+(?:do|can|to|should|would|does)\b|\b(?:command|commands|steps|usage|install|"
    r"set\s*up|configure|deploy|run)\b",
    re.IGNORECASE,
)


class Extractor:
    """Per index snapshot: the units of each section and their words."""

    def __init__(self, loaded: LoadedIndex) -> None:
        self.loaded = loaded
        self.by_section: dict[str, list[int]] = defaultdict(list)
        for i, u in enumerate(loaded.units):
            self.by_section[u.section_id].append(i)
        self.unit_terms = [frozenset(terms(u.text)) for u in loaded.units]

    def best_units(
        self, section: Section, question: str, qvec: np.ndarray, result: SearchResult
    ) -> list[int]:
        """The unit(s) of `section` that answer the question, in document order."""
        ids = [i for i in self.by_section.get(section.id, []) if self._eligible(i)]
        if not ids:
            return []
        units = self.loaded.units
        asked = set(result.terms)
        # The project's name is in every sentence about it: what else was asked?
        focus = asked - result.named or asked
        # Nothing else ("what is X?", "X"): what the notes say first about it.
        defining = not (asked - result.named - set(terms(" ".join(section.path[1:]))))
        wants_replacement = any(t.startswith(tuple(_REPLACE_WORDS)) for t in asked)
        sims = self.loaded.unit_vectors[ids] @ qvec
        prose = [
            (i, float(sim)) for i, sim in zip(ids, sims, strict=True) if units[i].kind != "code"
        ]
        chosen: list[int] = []
        if prose:
            first = prose[0][0]
            scored = []
            for i, sim in prose:
                score = sim + 0.3 * self._share(focus, i)
                if i == first:
                    # Notes open a section by saying what the thing is.
                    score += 0.5 if defining else 0.03
                if units[i].text.endswith(":") and len(units[i].text.split()) < 8:
                    score -= 0.2  # "The components are:" only announces a list
                if wants_replacement and _REPLACE_CUE.search(units[i].text):
                    score += 0.25
                scored.append((score, i))
            scored.sort(reverse=True)
            chosen = self._with_what_it_announces(self._with_neighbour(scored))
        if _HOWTO.search(question) or not chosen:
            # "How do I ...": the commands, when the notes show them for what was asked.
            need = 0.5 if len(focus) > 1 else 1.0
            code = [
                (self._share(focus, i), float(sim), i)
                for i, sim in zip(ids, sims, strict=True)
                if units[i].kind == "code"
            ]
            code = [c for c in code if c[0] >= need]
            if code:
                chosen.append(max(code)[2])
        return sorted(set(chosen))

    def _share(self, wanted: set[str], unit: int) -> float:
        return len(wanted & self.unit_terms[unit]) / len(wanted) if wanted else 0.0

    def _with_neighbour(self, scored: list[tuple[float, int]]) -> list[int]:
        """The best sentence, with the one before it when it starts with "It",
        or with the next one when that is nearly as good; a list item with
        the sentence that leads into its list."""
        units = self.loaded.units
        best_score, best = scored[0]
        u = units[best]
        prev = best - 1
        if u.kind == "item":
            lead = next(
                (
                    j
                    for j in range(best - 1, max(-1, best - ANNOUNCED_UNITS - 1), -1)
                    if units[j].kind != "item" or units[j].section_id != u.section_id
                ),
                None,
            )
            if (
                lead is not None
                and units[lead].section_id == u.section_id
                and units[lead].text.endswith(":")
            ):
                listed = self._with_what_it_announces([lead])
                if best in listed:
                    return listed
        if (
            _PRONOUN_START.match(u.text)
            and prev >= 0
            and units[prev].section_id == u.section_id
            and units[prev].kind == "text"
            and self._eligible(prev)
        ):
            return [prev, best]
        if len(scored) > 1:
            runner_score, runner = scored[1]
            if (
                runner_score >= best_score - SECOND_SENTENCE_MARGIN
                and abs(runner - best) == 1
                and len(u.text) + len(units[runner].text) <= MAX_ANSWER_CHARS
            ):
                return [best, runner]
        return [best]

    def _with_what_it_announces(self, chosen: list[int]) -> list[int]:
        """A sentence ending in ":" ("it consists of:") comes with what follows."""
        units = self.loaded.units
        last = chosen[-1]
        if not units[last].text.endswith(":"):
            return chosen
        out = list(chosen)
        size = sum(len(units[i].text) for i in out)
        nxt = last + 1
        while (
            nxt < len(units)
            and units[nxt].section_id == units[last].section_id
            and units[nxt].kind in ("item", "code")
            and len(out) - len(chosen) < ANNOUNCED_UNITS
            and size + len(units[nxt].text) <= MAX_ANSWER_CHARS
        ):
            out.append(nxt)
            size += len(units[nxt].text)
            if units[nxt].kind == "code":
                break  # one snippet is what was announced
            nxt += 1
        return out

    def _eligible(self, i: int) -> bool:
        u = self.loaded.units[i]
        text = u.text.strip()
        if u.kind == "code":
            return True
        if _LABEL.match(text) or _URL_ONLY.match(text) or _STATUS.match(text):
            return False
        return len(text.split()) >= 3


def compose_answer(
    question: str,
    qvec: np.ndarray,
    result: SearchResult,
    extractor: Extractor,
    base_url: str | None,
    top_k: int,
) -> Answer:
    if not result.found or not result.hits:
        return not_found(question)
    hits = _cited(result.hits, top_k)
    best = hits[0].section
    citations = tuple(_citation(h, base_url) for h in hits)
    if best.is_link_only and not best.link_resolved:
        where = note_url(base_url, _join(best.source, best.link_target or ""), None)
        text = (
            f"The notes on {_plain_title(best)} are kept in {best.link_target}, "
            "which is not part of this index."
        )
        return Answer(question, True, text, citations, note=where or best.link_target)

    chosen = extractor.best_units(best, question, qvec, result)
    text = render([extractor.loaded.units[i] for i in chosen]) if chosen else best.title
    if best.deprecated and "deprecat" not in text.lower():
        text += f" (The notes mark {_plain_title(best)} as deprecated"
        text += f"; it is replaced by {best.replaced_by}.)" if best.replaced_by else ".)"
    return Answer(
        question,
        True,
        text,
        citations,
        deprecated=best.deprecated,
        replaced_by=best.replaced_by,
    )


def not_found(question: str, note: str | None = None) -> Answer:
    return Answer(question, False, NOT_FOUND, (), note=note)


def _cited(hits: tuple[Hit, ...], top_k: int) -> list[Hit]:
    top = hits[0].score
    out = [hits[0]]
    for h in hits[1:]:
        if len(out) >= top_k:
            break
        if h.score >= CITE_RELATIVE * top:
            out.append(h)
    return out


def _citation(hit: Hit, base_url: str | None) -> Citation:
    s = hit.section
    return Citation(
        s.title,
        s.path,
        s.source,
        s.start_line,
        hit.score,
        note_url(base_url, s.source, s.start_line),
        section_id=s.id,
    )


def _join(source: str, href: str) -> str:
    import posixpath

    return posixpath.normpath(posixpath.join(posixpath.dirname(source), href))


def _plain_title(section: Section) -> str:
    return (
        re.sub(r"\(deprecated\)\s*", "", section.title, flags=re.IGNORECASE).strip()
        or section.title
    )


def render(units: list[Unit]) -> str:
    """Plain text: sentences run on, list items and code go on lines of their own."""
    out = ""
    for u in units:
        text = _clip(u.text)
        if not out:
            out = text
        elif u.kind == "item":
            out += f"\n- {text}"
        elif u.kind == "code" or out.endswith(":") or "\n" in out:
            out += f"\n{text}"
        else:
            out += f" {text}"
    return out


def _clip(text: str) -> str:
    text = text.strip()
    if len(text) <= MAX_ANSWER_CHARS:
        return text
    cut = text[:MAX_ANSWER_CHARS].rsplit(" ", 1)[0]
    return cut + "…"
