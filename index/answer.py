"""Answers are extracted, never invented: the parts of the best section that
answer the question, with the sections cited best first.

What the answer is built around depends on what the question wants
(index/intent.py): the command or snippet for "how do I", the defining
sentence for "what is", a sentence from each side for "X vs Y". Each unit of
the section (sentence, list item, code snippet) is scored by a few signals
with weights fitted on the question sets' expected answers (index/weights.py);
the best one comes with what it needs to be read on its own: the sentence
that introduces a snippet, the snippet or list a sentence announces, the
sentence a pronoun refers to.

Each sentence already has a vector (pooled from its own tokens when its
passage was embedded), so scoring costs a few dot products.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from . import weights
from .domain import Answer, AnswerPart, Citation, Hit, Section, note_url
from .embed import QueryEncoding
from .intent import COMPARE, DEFINE, HOWTO, LIST, intent_of
from .search import Query, SearchResult
from .store import LoadedIndex, Unit
from .text import asked_parts, question_sentences, terms

NOT_FOUND = "This is not in the notes."
NEAREST_LEAD = "The nearest sections, in case one of them is what you meant"
MAX_TEXT_CHARS = 450  # one sentence or item, clipped beyond; a paragraph's sentences together
MAX_CODE_LINES = 16  # one snippet, clipped beyond (the whole is one click away)
# A section whose parts fit in this is answered whole. Measured on the tuning
# questions whose best section was right: answers with what was asked went
# from 0.875 to 0.938 (shipped tune), 0.625 to 0.70 (til need), up by one on
# need-tune and unchanged elsewhere; at 1,200 (clipped) til-dev and
# system-design-dev each lost one.
MAX_ANSWER_CHARS = 900
OUTPUT_SHARE = 0.5  # a snippet mostly of printed lines is output, not a step
# Cite further sections at least this share as likely as the best to be the
# right one: on the tuning questions of all collections, 1.6 citations a
# question keep hit@3 within 0.006 of always citing three.
CITE_RELATIVE = 0.05
ANNOUNCED_UNITS = 4  # at most this many list items or snippets after "...:"
PARAGRAPH_LINES = 3  # a sentence this few lines after another continues its paragraph
PROSE_SENTENCES = 3  # at most this many sentences of one paragraph
# A second part of the section joins the answer when its score is within this
# of the best one's (UNIT weights' scale). Measured on the tuning questions of
# all three collections whose best section was right: 1.0 took answers that
# contain what was asked from 111 to 122 of 125, for answers of 369 characters
# on average instead of 261; 2.0 added one more for 30 characters more.
# Within the same margin, the words that explain lead the best snippet for a
# question that is not "how do I" (Extractor.choose).
SECOND_PART_MARGIN = 1.0

UNIT_FEATURES = (
    "sim",  # cosine of the question and the unit
    "lead",  # for a snippet: cosine of the question and the sentence just before it
    "share",  # share of the question's subject words in the unit
    "code",  # a snippet, for a question that is not "how do I"
    "howto_code",  # a snippet, for a "how do I" question
    "howto_inline",  # a sentence with code in it (`--sandbox`), for a "how do I" question
    "opening",  # the section's first sentence, for a "what is" question (x log of its units)
    "position",  # 0 at the section's start, 1 at its end, for a "how do I" question
    "position_other",  # the same, for any other question
    "announces",  # a sentence ending in ':' (says little by itself)
    "continued",  # a snippet right after another one (often its output)
    "need",  # cosine of the unit and the question's last sentence (what it asks for)
    "echo",  # it repeats code or a quote of a (not "what is") question: the problem, not the fix
    # Share of a snippet's lines that are what a command printed, not what to
    # type: after a prompt ("$ kubectl get pods"), the lines without one; or a
    # table ("NAME   READY   STATUS"). A listing shows the tool ran, not what it does.
    "output",
)
_ECHO = UNIT_FEATURES.index("echo")

_LABEL = re.compile(r"^(?:\*?(?:references?|see also|more|links?)\*?:?|to use:?)$", re.IGNORECASE)
_STATUS = re.compile(r"^\s*(?:date|update(?:d)? on|status)\b", re.IGNORECASE)
_URL_ONLY = re.compile(r"^\S+://\S+$")
_PRONOUN_START = re.compile(r"^(?:it|this|that|they|these|those|its|their)\b", re.IGNORECASE)
_LEADS_ON = re.compile(r"(?::|\bfollowing\b.*|\blike (?:so|this)\b.*|\bbelow\b.*)\W*$", re.I)
_REPLACE_WORDS = frozenset(
    {"replac", "instead", "altern", "successor", "supersed", "deprec", "favor", "favour", "renam"}
)
_REPLACE_CUE = re.compile(
    r"deprecated|in favou?r of|replaced|superseded|renamed|moved to", re.IGNORECASE
)
_INLINE_CODE = re.compile(r"`[^`]+`")
# A sentence that announces what a command printed ("It prints a line for
# each package:", "you'll see the following:", "The output is:"): the snippet
# after it is output. ("To print the branch, run:" announces a command, and
# "Here is what the config looks like:" shows what to write.)
_SHOWS_OUTPUT = re.compile(
    r"^(?!if\b).*(?:\b(?:prints|outputs|displays|produces)\b|"
    r"\b(?:will|should|would|might)\s+(?:print|output|display|produce|return)\b|"
    r"\byou(?:'ll| will| should)? (?:see|get)\b|"
    r"\b(?:output|result)s? (?:is|are|would be|will be|might|may|should)\b)"
    r"[^.!?]*:\s*$",
    re.IGNORECASE | re.DOTALL,
)
_PROMPT = re.compile(r"^\s*(?:[$%>❯#]|\w+(?:@[\w.-]+)?[:~\w/-]*[$#>])\s")
_COLUMNS = re.compile(r"\S(?: {2,}|\t)\S.*\S(?: {2,}|\t)\S|[│┃┌└├─]")
_SKIP_KINDS = ("link", "figure")


# A single quote opens a quote only where no letter is glued to it: the
# apostrophe of "what's the 'chip lottery'" is not one.
_QUOTED = re.compile(r"(?<!\w)'([^']{6,})'(?!\w)|\"([^\"]{6,})\"|`([^`]{4,})`|“([^”]{6,})”")
_CODE_TOKEN = re.compile(r"\S*[._:/()=\[\]]\S*")
# A file, path or dotted name the question gives ("Brewfile.personal",
# "~/.config/nvim") is what the fix is applied to, not a problem it repeats.
_PLAIN_NAME = re.compile(r"^[\w.~/-]+$")
_WORDS = re.compile(r"\w+")
ECHO_SHARE = 0.8  # of a quote's words in a unit, for it to repeat the quote
_ERROR_CODE = re.compile(r"\b[A-Z]{1,5}\d{2,}\b")  # E212, ORA-00942's parts, HTTP503
# An error pasted without quotes ("… gives ERROR: cannot truncate a table
# referenced in a foreign key constraint. How do I …"): its text, to the end
# of its sentence or line.
_ERROR_TEXT = re.compile(
    r"\b(?:error|fatal|exception|\w+(?:Error|Exception))\s*:\s*([^\n]+?)(?=[.?!](?:\s|$)|\s/\s|$)",
    re.IGNORECASE,
)


def quoted(text: str) -> list[str]:
    """What the question quotes: 'single', "double", `back` or “curly”."""
    return [next(g for g in m.groups() if g) for m in _QUOTED.finditer(text)]


@dataclass(frozen=True)
class Asked:
    """A question as answer extraction reads it."""

    question: str
    intent: str
    focus: frozenset[str]  # subject words beyond a project's name, stemmed
    vector: np.ndarray
    need: np.ndarray  # the question's last sentence, pooled from its token vectors
    echoes: tuple[str, ...]  # quotes and code of the question, lower-cased
    replacement: bool  # asks what replaces something
    # What each part of a question that asks two things asks ("... shuffle the
    # tests, and then replay the order that failed?"), pooled from its tokens.
    parts: tuple[np.ndarray, ...] = ()

    @classmethod
    def read(cls, question: str, enc: QueryEncoding, result: SearchResult) -> Asked:
        asked = set(result.terms)
        # The project's name is in every sentence about it: what else was asked?
        focus = frozenset(asked - result.named or asked)
        text = question
        spans = question_sentences(text)
        need = enc.pool_together(spans[-1:]) if spans else None
        echoes = quoted(text)
        tokens = [t.strip(".,;:?!()") for t in _CODE_TOKEN.findall(text)]
        echoes += [t for t in tokens if len(t) >= 8 and not _PLAIN_NAME.match(t)]
        echoes += _ERROR_CODE.findall(text)
        echoes += [m.group(1) for m in _ERROR_TEXT.finditer(text) if len(m.group(1).split()) >= 3]
        return cls(
            question,
            intent_of(question),
            focus,
            enc.vector,
            enc.vector if need is None else need,
            tuple(e.lower() for e in echoes if e.strip()),
            any(t.startswith(tuple(_REPLACE_WORDS)) for t in asked),
            tuple(v for sp in asked_parts(text) if (v := enc.pool_together([sp])) is not None),
        )


@dataclass(frozen=True)
class Choice:
    """The units an answer is made of, in document order."""

    units: tuple[int, ...]
    best: int
    score: float


class Extractor:
    """Per index snapshot: the units of each section and their words."""

    def __init__(self, loaded: LoadedIndex) -> None:
        self.loaded = loaded
        self.by_section: dict[str, list[int]] = defaultdict(list)
        for i, u in enumerate(loaded.units):
            self.by_section[u.section_id].append(i)
        self.unit_terms = [frozenset(terms(u.text)) for u in loaded.units]
        # A snippet's share of printed output is the snippet's own: read once.
        self.unit_output = np.asarray(_output_shares(loaded.units), dtype=np.float32)
        # A signal not fitted yet weighs nothing (scripts/fit runs the engine to fit it).
        self.weights = np.asarray(
            [weights.UNIT.get(f, 0.0) for f in UNIT_FEATURES], dtype=np.float32
        )

    # ------------------------------------------------------------------ scoring

    def eligible(self, section: Section) -> list[int]:
        return [i for i in self.by_section.get(section.id, []) if self._eligible(i)]

    def unit_features(self, ids: list[int], asked: Asked) -> np.ndarray:
        """UNIT_FEATURES of a section's eligible units."""
        units = self.loaded.units
        focus, intent = asked.focus, asked.intent
        vectors = np.asarray(self.loaded.unit_vectors[ids], dtype=np.float32)
        sims = vectors @ asked.vector
        needs = vectors @ asked.need
        n = len(ids)
        x = np.zeros((n, len(UNIT_FEATURES)), dtype=np.float32)
        for k, i in enumerate(ids):
            u = units[i]
            code = u.kind == "code"
            inline = not code and bool(_INLINE_CODE.search(u.text))
            x[k, 0] = sims[k]
            if code:
                lead = next(
                    (j for j in range(k - 1, max(-1, k - 3), -1) if units[ids[j]].kind == "text"),
                    None,
                )
                x[k, 1] = sims[lead] if lead is not None else 0.0
            x[k, 2] = self._share(focus, i)
            x[k, 3] = code and intent != HOWTO
            x[k, 4] = code and intent == HOWTO
            x[k, 5] = inline and intent == HOWTO
            # The opening of a long section beats more of its other sentences
            # than that of a short one: how likely it is the definition grows
            # with the log of the section's length.
            x[k, 6] = (intent == DEFINE and k == 0) * np.log(n)
            position = k / (n - 1) if n > 1 else 0.0
            x[k, 7] = position if intent == HOWTO else 0.0
            x[k, 8] = position if intent != HOWTO else 0.0
            x[k, 9] = not code and u.text.rstrip().endswith(":")
            x[k, 10] = code and k > 0 and units[ids[k - 1]].kind == "code"
            x[k, 11] = needs[k]
            # "What's the 'silicon lottery'?" quotes the term it asks about:
            # the sentence that names it defines it, it does not echo a problem.
            x[k, 12] = intent != DEFINE and self._echoes(i, asked)
            x[k, 13] = self.unit_output[i]
        return x

    def choose(self, section: Section, asked: Asked) -> Choice | None:
        """The units of `section` that answer the question."""
        ids = self.eligible(section)
        if not ids:
            return None
        units = self.loaded.units
        x = self.unit_features(ids, asked)
        scores = x @ self.weights
        if asked.intent != COMPARE and sum(len(units[i].text) for i in ids) <= MAX_ANSWER_CHARS:
            # A short note fits in an answer: its gist and its snippets, in
            # its own order, read better than any one part of it (what a
            # command printed aside, unless that is the best part or shows the
            # command too). "X vs Y" wants a part of each side instead.
            k = int(np.argmax(scores))
            whole = [
                i
                for i in ids
                if self.unit_output[i] < OUTPUT_SHARE or i == ids[k] or has_prompt(units[i].text)
            ]
            if asked.intent == LIST:  # and every item of its lists, however short
                whole = sorted({*whole, *self._list_items(section)})
            return Choice(tuple(whole), ids[k], float(scores[k]))
        echoes = dict(zip(ids, x[:, _ECHO].astype(bool), strict=True))
        if asked.replacement:
            # "What replaces X?" wants the sentence that says what does, if there is one.
            says = np.asarray([bool(_REPLACE_CUE.search(self.loaded.units[i].text)) for i in ids])
            if says.any():
                scores = np.where(says, scores, -np.inf)
        k = int(np.argmax(scores))
        if asked.intent != HOWTO and units[ids[k]].kind == "code":
            # Asked what or why, not what to run: words nearly as good as the
            # snippet say it better (the snippet may follow, if there is room).
            prose = [j for j in range(len(ids)) if units[ids[j]].kind != "code"]
            if prose:
                j = max(prose, key=lambda j: scores[j])
                if scores[j] >= scores[k] - SECOND_PART_MARGIN:
                    k = j
        chosen = self.readable(ids, k, asked.intent)
        echoed = [ids.index(i) for i in chosen if echoes.get(i)]
        if asked.intent == HOWTO and echoed and echoed[-1] + 1 < len(ids):
            # It repeats the question's own error or code: that is the problem
            # the note starts from; the fix comes after it (if it shows one).
            after = echoed[-1] + 1
            k2 = after + int(np.argmax(scores[after:]))
            fix = self.readable(ids, k2, asked.intent)
            if any(units[i].kind == "code" for i in fix) or not any(
                units[i].kind == "code" for i in chosen
            ):
                k, chosen = k2, fix
        # A second part of the section nearly as good (another way to do it,
        # the other half of the answer) comes too, if there is room.
        rest = [
            int(j)
            for j in np.argsort(-scores)
            if ids[j] not in chosen and scores[j] >= scores[k] - SECOND_PART_MARGIN
        ]
        if rest:
            if len(asked.parts) >= 2:
                # It asks two things: the second part is for the one the first
                # answers least (a snippet read with the sentence that leads to it).
                parts = np.stack(asked.parts)
                least = parts[int(np.argmin(self._closeness(chosen, parts)))]
                seconds = [self.readable(ids, j, asked.intent) for j in rest]
                second = max(seconds, key=lambda units: float(self._closeness(units, least)))
            else:
                second = self.readable(ids, rest[0], asked.intent)
            size = sum(len(self.loaded.units[i].text) for i in {*chosen, *second})
            problem = asked.intent == HOWTO and any(echoes.get(i) for i in second)
            if size <= MAX_ANSWER_CHARS and not problem:
                chosen = sorted({*chosen, *second})
        return Choice(tuple(chosen), ids[k], float(scores[k]))

    def _closeness(self, units: Sequence[int], to: np.ndarray) -> np.ndarray:
        """The best cosine of any of the units with `to` (one vector, or one per row)."""
        vectors = np.asarray(self.loaded.unit_vectors[list(units)], dtype=np.float32)
        return (vectors @ to.T).max(axis=0)

    def _echoes(self, unit: int, asked: Asked) -> bool:
        """The unit repeats a quote or code of the question (give or take a
        word: 'database is being accessed' of 'database "x" is being accessed')."""
        text = self.loaded.units[unit].text.lower()
        if any(e in text for e in asked.echoes):
            return True
        have = set(_WORDS.findall(text))
        for e in asked.echoes:
            ws = _WORDS.findall(e)
            if len(ws) >= 4 and sum(w in have for w in ws) >= ECHO_SHARE * len(ws):
                return True
        return False

    # ------------------------------------------------------------------ composing

    def readable(self, ids: list[int], k: int, intent: str) -> list[int]:
        """The best unit with what it needs to be read on its own."""
        units = self.loaded.units
        best = units[ids[k]]
        out = [ids[k]]
        if best.kind == "code":
            # The whole snippet as the notes have it (a step of a longer one is
            # read among its steps), with the sentence that introduces it.
            first, last = self._fence(ids, k)
            lead = self._lead(ids, first)
            return ([ids[lead]] if lead is not None else []) + ids[first : last + 1]
        if best.kind == "item":
            lead = self._lead_in(ids, k)
            if lead is not None:
                listed = self._announced(ids, lead, every=intent == LIST)
                if ids[k] in listed:
                    return listed
        if _PRONOUN_START.match(best.text) and k > 0 and units[ids[k - 1]].kind == "text":
            out.insert(0, ids[k - 1])
        if _LEADS_ON.search(best.text) or (
            intent == HOWTO and k + 1 < len(ids) and units[ids[k + 1]].kind == "code"
        ):
            # "...run the following command." comes with the command.
            return self._announced(ids, k, out, every=intent == LIST)
        if intent in (DEFINE, LIST) and k + 1 < len(ids) and units[ids[k + 1]].kind == "item":
            return self._announced(ids, k, out, every=intent == LIST)
        # Prose reads better, and answers more often, a few sentences at a time:
        # the rest of the paragraph, up to PROSE_SENTENCES and MAX_TEXT_CHARS.
        size = sum(len(units[i].text) for i in out)
        j = k + 1
        while (
            j < len(ids)
            and len(out) < PROSE_SENTENCES
            and self._same_paragraph(ids[j - 1], ids[j])
            and size + len(units[ids[j]].text) <= MAX_TEXT_CHARS
        ):
            out.append(ids[j])
            size += len(units[ids[j]].text)
            j += 1
        if units[out[-1]].text.rstrip().endswith(":"):
            # "… when:" and its list
            return self._announced(ids, ids.index(out[-1]), out, every=intent == LIST)
        return out

    def _same_paragraph(self, a: int, b: int) -> bool:
        ua, ub = self.loaded.units[a], self.loaded.units[b]
        return ua.kind == ub.kind == "text" and 0 <= ub.line - ua.line <= PARAGRAPH_LINES

    def _fence(self, ids: list[int], k: int) -> tuple[int, int]:
        """Positions of the first and last steps of the code block the step at
        k belongs to, within MAX_CODE_LINES lines around it."""
        units = self.loaded.units

        def joined(a: int, b: int) -> bool:  # b continues a's block (a blank line between)
            ua, ub = units[ids[a]], units[ids[b]]
            return ua.kind == ub.kind == "code" and 0 <= ub.line - ua.line - _lines(ua.text) <= 1

        first = last = k
        size = _lines(units[ids[k]].text)
        while first > 0 and joined(first - 1, first):
            grown = size + _lines(units[ids[first - 1]].text)
            if grown > MAX_CODE_LINES:
                break
            first, size = first - 1, grown
        while last + 1 < len(ids) and joined(last, last + 1):
            grown = size + _lines(units[ids[last + 1]].text)
            if grown > MAX_CODE_LINES:
                break
            last, size = last + 1, grown
        return first, last

    def _lead(self, ids: list[int], k: int) -> int | None:
        """The position of the sentence just before the snippet at k (within two units)."""
        units = self.loaded.units
        return next(
            (j for j in range(k - 1, max(-1, k - 3), -1) if units[ids[j]].kind != "code"), None
        )

    def _lead_in(self, ids: list[int], k: int) -> int | None:
        """The position of the sentence that leads into the list item at k."""
        units = self.loaded.units
        for j in range(k - 1, max(-1, k - ANNOUNCED_UNITS - 1), -1):
            if units[ids[j]].kind != "item":
                return j if units[ids[j]].text.rstrip().endswith(":") else None
        return None

    def _announced(
        self, ids: list[int], k: int, start: list[int] | None = None, every: bool = False
    ) -> list[int]:
        """The unit at k and the list items or snippet it announces; `every`
        (a list question): all of its items, the short ones ("A/B testing")
        and those that are only a link ("Latency-based") too, though only
        ANNOUNCED_UNITS of the longer ones."""
        units = self.loaded.units
        out = list(start) if start else [ids[k]]
        size = sum(len(units[i].text) for i in out)
        steps = self.by_section[units[ids[k]].section_id] if every else ids
        kinds = ("item", "code", "link") if every else ("item", "code")
        added = 0
        j = steps.index(ids[k]) + 1
        while j < len(steps) and added < ANNOUNCED_UNITS:
            u = units[steps[j]]
            if u.kind not in kinds or size + len(u.text) > MAX_ANSWER_CHARS:
                break
            out.append(steps[j])
            size += len(u.text)
            added += u.kind == "code" or self._eligible(steps[j])
            if u.kind == "code" and not (j + 1 < len(steps) and units[steps[j + 1]].kind == "code"):
                break  # one snippet (with its continuation) is what was announced
            j += 1
        return out

    def _list_items(self, section: Section) -> list[int]:
        """The section's list items, with the ones too short to answer alone
        ("A/B testing") and those that are only a link, in a run of units
        with an item in it (a paragraph that is only a link is no item)."""
        units = self.loaded.units
        out: list[int] = []
        run: list[int] = []
        for i in [*self.by_section.get(section.id, []), -1]:
            if i >= 0 and units[i].kind in ("item", "link"):
                run.append(i)
                continue
            if any(units[r].kind == "item" for r in run):
                out += run
            run = []
        return out

    def _share(self, wanted: frozenset[str], unit: int) -> float:
        return len(wanted & self.unit_terms[unit]) / len(wanted) if wanted else 0.0

    def _eligible(self, i: int) -> bool:
        u = self.loaded.units[i]
        text = u.text.strip()
        if u.kind in _SKIP_KINDS:
            return False
        if u.kind == "code":
            return True
        if _LABEL.match(text) or _URL_ONLY.match(text) or _STATUS.match(text):
            return False
        return len(text.split()) >= 3


def _output_shares(units: Sequence[Unit]) -> list[float]:
    """Per unit, the share of it that is printed output: all of a snippet a
    sentence of its section announces as output ("It prints:"), else what
    output_share reads in the snippet; none of a sentence."""
    shares = []
    for j, u in enumerate(units):
        before = units[j - 1] if j > 0 else None
        if u.kind != "code":
            shares.append(0.0)
        elif (
            before is not None
            and before.section_id == u.section_id
            and before.kind == "text"
            and _SHOWS_OUTPUT.search(before.text)
        ):
            shares.append(1.0)
        else:
            shares.append(output_share(u.text))
    return shares


def has_prompt(snippet: str) -> bool:
    """A line of it is typed at a prompt ("$ nvidia-smi nvlink -e"): a command."""
    return any(_PROMPT.match(ln) for ln in snippet.splitlines())


def output_share(snippet: str) -> float:
    """The share of a snippet's lines that are output rather than input."""
    lines = [ln for ln in snippet.splitlines() if ln.strip()]
    if not lines:
        return 0.0
    prompted = [bool(_PROMPT.match(ln)) for ln in lines]
    if any(prompted):
        return sum(not p for p in prompted) / len(lines)
    return sum(bool(_COLUMNS.search(ln)) for ln in lines) / len(lines)


def compose_answer(
    query: Query,
    enc: QueryEncoding,
    result: SearchResult,
    extractor: Extractor,
    base_url: str | None,
    top_k: int,
) -> Answer:
    question = query.text
    if not result.hits:
        return not_found(question)
    if not result.found:
        # Declined, but close enough that the nearest sections may be what
        # was meant (the fitted cut in index/weights.py): offered, not cited.
        near = result.hits[:top_k] if result.confidence >= weights.NEAREST_THRESHOLD else ()
        return replace(not_found(question), nearest=tuple(_citation(h, base_url) for h in near))
    asked = Asked.read(query.search_text, enc, result)
    # "X vs Y" cites both sides, however sure the ranking is of one.
    hits = _cited(result.hits, top_k, 2 if asked.intent == COMPARE else 1)
    best = hits[0].section
    citations = tuple(_citation(h, base_url) for h in hits)
    if best.is_link_only and not best.link_resolved:
        where = note_url(base_url, _join(best.source, best.link_target or ""), None)
        text = (
            f"The notes on {_plain_title(best)} are kept in {best.link_target}, "
            "which is not part of this index."
        )
        return Answer(
            question,
            True,
            text,
            citations,
            note=where or best.link_target,
            parts=(AnswerPart("text", text),),
        )

    units = extractor.loaded.units
    chosen: list[int] = []
    choice = extractor.choose(best, asked)
    if choice is not None:
        chosen = list(choice.units)
    if asked.intent == COMPARE and len(hits) > 1 and choice is not None:
        # "X vs Y": what the notes say of the other side too.
        other = extractor.choose(hits[1].section, asked)
        if other is not None and not set(other.units) & set(chosen):
            chosen += list(other.units)
    parts = _parts([units[i] for i in chosen]) or (AnswerPart("text", best.title),)
    parts = _within_budget(parts)
    if best.deprecated and not any("deprecat" in p.text.lower() for p in parts):
        note = f"(The notes mark {_plain_title(best)} as deprecated"
        note += f"; it is replaced by {best.replaced_by}.)" if best.replaced_by else ".)"
        parts += (AnswerPart("text", note),)
    return Answer(
        question,
        True,
        render(parts),
        citations,
        deprecated=best.deprecated,
        replaced_by=best.replaced_by,
        parts=parts,
    )


def not_found(question: str, note: str | None = None) -> Answer:
    return Answer(question, False, NOT_FOUND, (), note=note)


def _cited(hits: tuple[Hit, ...], top_k: int, at_least: int = 1) -> list[Hit]:
    top = hits[0].score
    out = [hits[0]]
    for h in hits[1:]:
        if len(out) >= top_k:
            break
        if h.score >= CITE_RELATIVE * top or len(out) < at_least:
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
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), href))


def _plain_title(section: Section) -> str:
    return (
        re.sub(r"\(deprecated\)\s*", "", section.title, flags=re.IGNORECASE).strip()
        or section.title
    )


def _part(u: Unit) -> AnswerPart:
    if u.kind == "code":
        return AnswerPart("code", _clip_code(u.text))
    # A link in an answer is an item of a list a list question wanted whole.
    return AnswerPart("item" if u.kind in ("item", "link") else "text", _clip(u.text))


def _parts(units: list[Unit]) -> tuple[AnswerPart, ...]:
    """Answer parts; the steps of one snippet make one snippet again."""
    out: list[AnswerPart] = []
    prev: Unit | None = None
    for u in units:
        part = _part(u)
        if (
            part.kind == "code"
            and out
            and out[-1].kind == "code"
            and prev is not None
            and 0 <= u.line - prev.line - _lines(prev.text) <= 1
        ):
            gap = "\n" * (u.line - prev.line - _lines(prev.text) + 1)
            out[-1] = AnswerPart("code", _clip_code(out[-1].text + gap + u.text))
        else:
            out.append(part)
        prev = u
    return tuple(out)


def _within_budget(parts: tuple[AnswerPart, ...]) -> tuple[AnswerPart, ...]:
    out: list[AnswerPart] = []
    size = 0
    for p in parts:
        if out and size + len(p.text) > MAX_ANSWER_CHARS:
            break
        out.append(p)
        size += len(p.text)
    return tuple(out)


def paragraphs(parts: Sequence[AnswerPart]) -> list[AnswerPart]:
    """The parts as they read: sentences run on into one paragraph (not past
    one ending in ':'), list items and snippets stay on their own. How the
    terminal and Slack lay out an answer."""
    out: list[AnswerPart] = []
    for p in parts:
        if p.kind == "text" and out and out[-1].kind == "text" and not out[-1].text.endswith(":"):
            out[-1] = AnswerPart("text", f"{out[-1].text} {p.text}")
        else:
            out.append(p)
    return out


def render(parts: tuple[AnswerPart, ...] | list[AnswerPart]) -> str:
    """Plain text: sentences run on, list items and code go on lines of their own."""
    out = ""
    for p in parts:
        if not out:
            out = f"- {p.text}" if p.kind == "item" else p.text
        elif p.kind == "item":
            out += f"\n- {p.text}"
        elif p.kind == "code" or out.endswith(":") or "\n" in out:
            out += f"\n{p.text}"
        else:
            out += f" {p.text}"
    return out


def _clip(text: str) -> str:
    text = text.strip()
    if len(text) <= MAX_TEXT_CHARS:
        return text
    cut = text[:MAX_TEXT_CHARS].rsplit(" ", 1)[0]
    return cut + "…"


def _lines(text: str) -> int:
    return text.count("\n") + 1


def _clip_code(code: str) -> str:
    lines = code.strip("\n").split("\n")
    if len(lines) > MAX_CODE_LINES:
        lines = [*lines[:MAX_CODE_LINES], "…"]
    return "\n".join(line[:200] for line in lines)
