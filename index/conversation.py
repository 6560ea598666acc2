"""Conversation in a thread: a follow-up read in the light of the turns before it.

A follow-up that refers back is made into a question that stands on its own,
and that is what the engine answers; the answer is still the notes' own text.

- "more", "tell me more": the next part of the section the last answer came
  from, then the rest of its project or note, skipping what the thread was
  already shown.
- "the other one", "the second": the earlier question, answered from that
  citation of the earlier answer (or of the nearest sections offered when
  the notes did not answer it).
- "and for kube-router?": the earlier question, asked of kube-router.
- a pronoun ("how do I install it?"): the thread's subject put in its place,
  the project or note of the earlier answer as the person wrote it ("keda").
- "show me the install command": the subject added ("... for keda").

The last three are asked both ways, as rewritten and as asked, and the reading
the ranking is surer of (index/search.py's confidence) wins, with a small lead
for the rewriting, which is what a follow-up usually means (an ellipsis is
one by its form: its rewriting wins if it finds something about the new
thing). So retrieval leans
towards the notes already in play without being locked to them: a new topic in
the same thread is a new topic.

The thread's state is plain data (`Thread.to_json`), kept by the caller (the
Slack bot keeps it in its thread store; `notesbot chat` in memory).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from .answer import render
from .domain import PATH_SEP, Answer, AnswerPart, Block, Citation, Section
from .names import PAREN, compact

MAX_TURNS = 8  # kept per thread; older turns are not referred back to
MAX_SHOWN = 300  # (section, block) pairs remembered as shown, per thread
# A rewritten follow-up is answered unless the question as asked is this much
# surer (the ranking's probability that its best section answers). An
# ellipsis ("and for velero?") asks nothing by itself: as asked, it is only
# sure that velero has notes, so its rewriting wins whenever it finds something.
CONTEXT_LEAD = 0.1
MORE_BLOCKS = 4  # paragraphs, items or snippets per "more"
MORE_CHARS = 900
MORE_TEXT_CHARS = 450
MORE_CODE_LINES = 16
NAME_WORDS = 4  # a project or note name this short is the thread's subject as it is
PHRASE_WORDS = 8  # a longer thing asked about is no subject to put in place of "it"

AS_ASKED = ""
MORE = "more"
OTHER = "other"
ELLIPSIS = "ellipsis"
PRONOUN = "pronoun"
REFERENCE = "reference"

# --------------------------------------------------------------------------- reading

_MORE = re.compile(
    r"^(?:(?:ok|okay|and|so|please|great|nice|thanks)[,!.]?\s+)*"
    r"(?:(?:(?:can|could)\s+you\s+)?(?:tell|show|give)\s+me\s+|i(?:'d)?\s+(?:want|like)\s+)?"
    r"(?:some\s+|a\s+(?:bit|little)\s+)?more"
    r"(?:\s+(?:please|details?|info(?:rmation)?|(?:on|about|of)\s+(?:it|that|this)))?"
    r"\s*(?:,?\s*please)?\s*[?.!]*$"
    r"|^(?:go\s+on|continue|keep\s+going|what\s+else(?:\s+does\s+it\s+say)?|anything\s+else)"
    r"\s*[?.!]*$",
    re.IGNORECASE,
)
_ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2}
_ORDINAL = re.compile(
    r"\bthe\s+(?P<which>other|second|third|first|next|last|2nd|3rd|1st)"
    r"(?:\s+(?:one|source|section|link|result|citation|note|answer)\b|(?=\s*(?:[?.!,]|$)))"
    r"|\b(?:source|citation|link|result|number)\s*#?(?P<n>[1-9])\b",
    re.IGNORECASE,
)
_PRONOUN = re.compile(
    r"\b(?:it's|it|its|itself|they|them|their|theirs)\b"
    r"|\b(?:this|that|these|those)\s+(?:one|tool|project|thing|operator|controller|plugin)s?\b"
    r"|\b(?:this|that)(?=\s*[?.!]*$)",
    re.IGNORECASE,
)
# "is it possible to ...": an "it" that stands for nothing.
_EXPLETIVE = re.compile(
    r"\b(?:is|was|isn't)\s+it\s+(?:possible|ok|okay|safe|true|better|worth|wise|normal|"
    r"necessary|required|a\s+good\s+idea)\b|\bit(?:'s|\s+is)\s+(?:possible|ok|okay|safe|true|"
    r"better|worth|necessary|required|a\s+good\s+idea)\b|\bdoes\s+it\s+matter\b",
    re.IGNORECASE,
)
_ELLIPSIS = re.compile(
    r"^(?:(?:ok|okay|so)\s+)?"
    r"(?P<lead>(?:and\s+)?(?:what|how)\s+about|same\s+(?:for|with)|and|also|but)?\s*"
    r"(?P<prep>(?:for|with|in|on|of|to|from|at)(?=\s))?\s*"
    r"(?P<x>[^?!.]+?)\s*[?.!]*$",
    re.IGNORECASE,
)
_REFERENCE = re.compile(
    r"\bthe\s+(?:\w+\s+)?(?:command|commands|config|configuration|flags?|options?|example|"
    r"yaml|snippet|syntax|settings?|steps|output|docs|documentation|link|version|"
    r"components?|install(?:ation)?|defaults?|requirements?)\b",
    re.IGNORECASE,
)
_NOT_A_THING = frozenset(
    {
        "what", "which", "who", "how", "why", "when", "where", "is", "are", "was", "were",
        "do", "does", "did", "can", "could", "should", "would", "will", "may", "might",
        "there", "it", "its", "they", "them", "this", "that", "these", "those", "i", "we", "you",
    }
)  # fmt: skip
_FILLER = frozenset(
    {
        "and", "but", "so", "ok", "okay", "then", "also", "what", "about", "how", "the", "one",
        "say", "says", "said", "mean", "means", "do", "does", "is", "it", "tell", "me", "show",
        "explain", "describe", "please", "of", "cover", "covers",
    }
)  # fmt: skip
_ASK_LEAD = re.compile(
    r"^(?:(?:and|so|ok|okay|also|but)\s+)?(?:"
    r"(?P<verb>how\s+(?:do|can|could|should|would|might)\s+(?:i|we|you|one)\s+|how\s+to\s+|"
    r"(?:can|could|should|would)\s+(?:i|we|you)\s+|is\s+there\s+a\s+way\s+to\s+|"
    r"(?:i|we)\s+(?:need|want|would\s+like)\s+to\s+)"
    r"|what(?:'s|\s+is|\s+are|\s+was)\s+|whats\s+|what\s+does\s+|tell\s+me\s+about\s+|"
    r"explain\s+|describe\s+)",
    re.IGNORECASE,
)
_TRAILING_ASK = re.compile(r"\s+(?:do|mean|stand\s+for|for|used\s+for)\s*$", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z0-9]+")
_STATUS = re.compile(r"^\s*\(?(?:date|update(?:d)?\s+on|status)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Reading:
    """How a message refers back, if it does."""

    kind: str  # AS_ASKED, MORE, OTHER, ELLIPSIS, PRONOUN or REFERENCE
    # OTHER: "other", "next", "last" or a citation number from 0;
    # ELLIPSIS: the preposition it starts with ("and of an index?"), if any
    which: str = ""
    span: tuple[int, int] = (0, 0)  # OTHER: where the reference is in the message
    rest: str = ""  # ELLIPSIS: what the earlier question is now asked of


def read(message: str) -> Reading:
    """How `message` refers to the thread before it (AS_ASKED: it does not)."""
    text = " ".join(message.split())
    if _MORE.match(text):
        return Reading(MORE)
    m = _ORDINAL.search(text)
    if m:
        which = m.group("which")
        if which:
            which = which.lower()
            which = str(_ORDINALS[which]) if which in _ORDINALS else which
        else:
            which = str(int(m.group("n")) - 1)
        return Reading(OTHER, which, m.span())
    m = _ELLIPSIS.match(text)
    if m and (m.group("lead") or m.group("prep")):
        rest = m.group("x").strip()
        words = rest.lower().split()
        if 0 < len(words) <= 6 and words[0] not in _NOT_A_THING and not _pronouns(rest):
            return Reading(ELLIPSIS, which=(m.group("prep") or "").lower(), rest=rest)
    if _pronouns(text):
        return Reading(PRONOUN)
    if _REFERENCE.search(text):
        return Reading(REFERENCE)
    return Reading(AS_ASKED)


def refers_back(message: str) -> bool:
    """A message that only makes sense as a follow-up ("more", "the other
    one", "and for kube-router?"), even though it is not worded as a question."""
    return read(message).kind in (MORE, OTHER, ELLIPSIS)


def _pronouns(text: str) -> list[re.Match[str]]:
    spare = [m.span() for m in _EXPLETIVE.finditer(text)]
    return [m for m in _PRONOUN.finditer(text) if not any(a <= m.start() < b for a, b in spare)]


# --------------------------------------------------------------------------- state


@dataclass(frozen=True)
class Turn:
    """One message of a thread and what answered it."""

    asked: str
    resolved: str  # the question answered, standing on its own ("" for "more")
    kind: str  # how it referred back (AS_ASKED: it did not, or the context lost)
    subject: str  # what the thread is about after this turn, as the person wrote it
    found: bool
    cited: tuple[str, ...] = ()  # citations (or nearest sections) "the second one" picks from
    answered: str = ""  # the section the answer came from
    shown: tuple[tuple[str, int], ...] = ()  # (section id, block) this turn showed

    def to_json(self) -> dict[str, Any]:
        return {
            "asked": self.asked,
            "resolved": self.resolved,
            "kind": self.kind,
            "subject": self.subject,
            "found": self.found,
            "cited": list(self.cited),
            "answered": self.answered,
            "shown": [list(p) for p in self.shown],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Turn:
        return cls(
            str(data["asked"]),
            str(data["resolved"]),
            str(data["kind"]),
            str(data["subject"]),
            bool(data["found"]),
            tuple(str(c) for c in data.get("cited", ())),
            str(data.get("answered", "")),
            tuple((str(s), int(i)) for s, i in data.get("shown", ())),
        )


@dataclass(frozen=True)
class Thread:
    """A conversation's turns, oldest first, at most MAX_TURNS."""

    turns: tuple[Turn, ...] = ()

    def add(self, turn: Turn) -> Thread:
        return Thread((*self.turns, turn)[-MAX_TURNS:])

    def last(self, test: Any = None) -> Turn | None:
        return next((t for t in reversed(self.turns) if test is None or test(t)), None)

    @property
    def subject(self) -> str:
        return next((t.subject for t in reversed(self.turns) if t.subject), "")

    def shown(self) -> set[tuple[str, int]]:
        pairs = [p for t in self.turns for p in t.shown]
        return set(pairs[-MAX_SHOWN:])

    def to_json(self) -> dict[str, Any]:
        return {"turns": [t.to_json() for t in self.turns]}

    @classmethod
    def from_json(cls, data: Any) -> Thread:
        """A thread from its JSON; an empty one from anything unreadable (a
        record from another version starts the conversation afresh)."""
        try:
            return cls(tuple(Turn.from_json(t) for t in data["turns"])[-MAX_TURNS:])
        except (KeyError, TypeError, ValueError):
            return cls()


@dataclass(frozen=True)
class Context:
    """What of the thread a reply used, to show alongside it."""

    kind: str
    resolved: str  # the question answered ("" for "more")
    about: str  # the thread's subject ("" when it has none)
    earlier: str  # the earlier question it continued from
    section: tuple[str, ...]  # heading path of the section the answer came from

    def note(self) -> str:
        """'From keda › Installation, continuing from your question about keda'."""
        lead = "More from" if self.kind == MORE else "From"
        about = f"your question about {self.about}" if self.about else f"“{self.earlier}”"
        text = f"{lead} {PATH_SEP.join(self.section)}, continuing from {about}"
        if self.kind in (PRONOUN, ELLIPSIS, REFERENCE) and self.resolved:
            text += f" (read as “{self.resolved}”)"
        return text

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "resolved": self.resolved,
            "about": self.about,
            "earlier": self.earlier,
            "from": list(self.section),
            "note": self.note(),
        }


@dataclass(frozen=True)
class Reply:
    answer: Answer
    thread: Thread  # with this turn added
    context: Context | None = None  # None: answered as asked


class ThreadEngine(Protocol):
    """What a conversation needs of `index.engine.Engine`."""

    def note_sections(self, source: str) -> tuple[Section, ...]: ...

    def ask_scored(self, question: str, top_k: int = 3) -> tuple[Answer, float]: ...

    def ask_section(self, question: str, section_id: str, top_k: int = 3) -> Answer | None: ...

    def cite(self, section_id: str) -> Citation | None: ...

    def section(self, section_id: str) -> Section | None: ...


# --------------------------------------------------------------------------- answering


def converse(
    engine: ThreadEngine,
    thread: Thread,
    message: str,
    top_k: int = 3,
    *,
    use_context: bool = True,
) -> Reply:
    """Answer `message`, the next turn of `thread`."""
    message = " ".join(message.split())
    anchor = thread.last(lambda t: t.found)
    # Sections the thread was shown to choose from: an answer's citations, or
    # the nearest ones offered with a "not in the notes".
    offered = thread.last(lambda t: len(t.cited) > 0)
    referable = anchor is not None or offered is not None
    reading = read(message) if use_context and referable else Reading(AS_ASKED)
    if anchor is not None and reading.kind == MORE:
        reply = _more(engine, thread, message)
        if reply is not None:
            return reply
    if offered is not None and reading.kind == OTHER:
        reply = _other(engine, thread, message, reading, top_k)
        if reply is not None:
            return reply
    rewritten = _rewrite(thread, anchor, message, reading) if anchor is not None else None
    asked, confidence = engine.ask_scored(message, top_k)
    if anchor is not None and rewritten is not None:
        answer, surer = engine.ask_scored(rewritten, top_k)
        usable, lead = answer.found, CONTEXT_LEAD
        if reading.kind == ELLIPSIS:
            # Asked of velero, the earlier question must be answered by
            # something about velero, not by the earlier subject's answer again.
            usable, lead = usable and _about(engine, answer, reading.rest), 1.0
        if usable and (not asked.found or surer + lead >= confidence):
            subject = reading.rest if reading.kind == ELLIPSIS else anchor.subject
            turn = _turn(engine, message, rewritten, reading.kind, answer, subject)
            context = Context(
                reading.kind,
                rewritten,
                anchor.subject,
                anchor.asked,
                answer.citations[0].path,
            )
            return Reply(_asked_as(answer, message), thread.add(turn), context)
    subject = _subject(engine, message, asked) or thread.subject
    return Reply(asked, thread.add(_turn(engine, message, message, AS_ASKED, asked, subject)))


def _asked_as(answer: Answer, message: str) -> Answer:
    """The answer to a rewritten question, as the answer to what was asked."""
    return replace(answer, question=message)


def _rewrite(thread: Thread, anchor: Turn, message: str, reading: Reading) -> str | None:
    """The follow-up as a question that stands on its own, or None."""
    subject = thread.subject
    if not subject:
        return None
    if reading.kind == PRONOUN:
        return _put_subject(message, subject)
    if reading.kind == ELLIPSIS:
        return _swap(anchor.resolved or anchor.asked, anchor.subject, reading.which, reading.rest)
    if reading.kind == REFERENCE and subject.lower() not in message.lower():
        end = "?" if message.endswith("?") else ""
        return f"{message.rstrip(' ?.!')} for {_definite(subject)}{end}"
    return None


def _swap(earlier: str, subject: str, prep: str, thing: str) -> str:
    """The earlier question asked of `thing`: "how do I install keda?" and
    "and for velero?" -> "how do I install velero?"; "how do I get the size
    of a table?" and "and of an index?" -> "how do I get the size of an index?"."""
    low = earlier.lower()
    at = low.find(subject.lower()) if subject else -1
    if prep:
        # The earlier question's phrase with that preposition gives way.
        inside = subject.lower().rfind(f" {prep} ") if at >= 0 else -1
        if inside >= 0:
            return earlier[: at + inside] + f" {prep} {thing}" + earlier[at + len(subject) :]
        last = low.rfind(f" {prep} ")
        if last >= 0:
            end = "?" if earlier.rstrip().endswith("?") else ""
            return earlier[:last] + f" {prep} {thing}{end}"
    if at < 0:
        return f"{earlier.rstrip(' ?.!')} {prep or 'for'} {thing}?"
    return earlier[:at] + thing + earlier[at + len(subject) :]


def _put_subject(message: str, subject: str) -> str:
    """The pronouns that refer back replaced by the subject: "how do I install
    it?" -> "how do I install keda?"."""
    phrase = _definite(subject)
    out, at = [], 0
    for m in _pronouns(message):
        word = m.group().lower()
        out.append(message[at : m.start()])
        out.append(f"{phrase} is" if word == "it's" else phrase)
        at = m.end()
    out.append(message[at:])
    return "".join(out)


def _definite(subject: str) -> str:
    """ "a named tmux session" -> "the named tmux session"."""
    return re.sub(r"^(?:a|an)\s+", "the ", subject, flags=re.IGNORECASE)


def _other(
    engine: ThreadEngine, thread: Thread, message: str, reading: Reading, top_k: int
) -> Reply | None:
    """ "And the other one?": the earlier question, answered from another of
    the earlier answer's citations."""
    source = thread.last(lambda t: len(t.cited) > 0)
    if source is None:
        return None
    cited = source.cited
    current = cited.index(source.answered) if source.answered in cited else 0
    if reading.which == "other":
        used = {t.answered for t in thread.turns if t.cited == cited}
        pick = next((i for i in range(len(cited)) if cited[i] not in used), None)
    elif reading.which == "next":
        pick = current + 1
    elif reading.which == "last":
        pick = len(cited) - 1
    else:
        pick = int(reading.which)
    if pick is None or not 0 <= pick < len(cited):
        return None
    target = engine.section(cited[pick])
    if target is None:
        return None
    name = _scope_name(engine, target)
    start, end = reading.span
    own = [w for w in _WORD.findall(message[:start] + message[end:]) if w.lower() not in _FILLER]
    question = message[:start] + name + message[end:] if own else (source.resolved or source.asked)
    answer = engine.ask_section(question, target.id, top_k)
    if answer is None or not answer.found:
        return None
    subject = name if len(name.split()) <= NAME_WORDS else thread.subject
    turn = replace(
        _turn(engine, message, question, OTHER, answer, subject), cited=cited, answered=target.id
    )
    context = Context(OTHER, question, thread.subject, source.asked, target.path)
    return Reply(_asked_as(answer, message), thread.add(turn), context)


def _more(engine: ThreadEngine, thread: Thread, message: str) -> Reply | None:
    """ "Tell me more": what follows the part shown of the section the last
    answer came from, then the rest of its project or note; what the thread
    has already shown is skipped."""
    anchor = thread.last(lambda t: bool(t.answered))
    section = engine.section(anchor.answered) if anchor is not None else None
    if anchor is None or section is None:
        return None
    blocks = [(s, i, b) for s in _scope(engine, section) for i, b in enumerate(s.blocks)]
    blocks = [x for x in blocks if _readable(x[2])]
    shown = thread.shown()
    seen_here = [i for sid, i in anchor.shown if sid == section.id]
    after = next(
        (
            k
            for k, (s, i, _) in enumerate(blocks)
            if s.id == section.id and i > max(seen_here, default=-1)
        ),
        None,
    )
    if after is None:  # nothing left after it in the section: what follows it
        after = next(
            (k for k, (s, _, _) in enumerate(blocks) if s.start_line > section.start_line),
            len(blocks),
        )
    order = blocks[after:] + blocks[:after]
    picked: list[tuple[Section, int, Block]] = []
    size = 0
    for s, i, b in order:
        if (s.id, i) in shown:
            if picked:
                break
            continue
        if picked and (
            s.id != picked[0][0].id or len(picked) >= MORE_BLOCKS or size + len(b.text) > MORE_CHARS
        ):
            break
        picked.append((s, i, b))
        size += len(b.text)
    about = thread.subject
    where = picked[0][0] if picked else section
    citation = engine.cite(where.id)
    if picked:
        parts = tuple(_part(b) for _, _, b in picked)
    else:
        what = about or _scope_name(engine, section)
        parts = (AnswerPart("text", f"That is all the notes say about {what}."),)
    answer = Answer(
        message,
        True,
        render(parts),
        (citation,) if citation is not None else (),
        deprecated=where.deprecated,
        replaced_by=where.replaced_by,
        parts=parts,
    )
    turn = Turn(
        message,
        "",
        MORE,
        about,
        True,
        anchor.cited,
        where.id,
        tuple((s.id, i) for s, i, _ in picked),
    )
    context = Context(MORE, "", about, anchor.asked, where.path)
    return Reply(answer, thread.add(turn), context)


def _readable(block: Block) -> bool:
    """A block worth showing: a snippet, a list item (one word can be one:
    "Issuer"), a sentence that is more than a label or a date line."""
    if block.kind in ("code", "item"):
        return bool(block.text.strip())
    return block.kind == "text" and not _STATUS.match(block.text) and len(block.text.split()) >= 3


def _part(block: Block) -> AnswerPart:
    if block.kind == "code":
        lines = block.text.strip("\n").split("\n")
        if len(lines) > MORE_CODE_LINES:
            lines = [*lines[:MORE_CODE_LINES], "…"]
        return AnswerPart("code", "\n".join(lines))
    text = " ".join(block.text.split())
    if len(text) > MORE_TEXT_CHARS:
        text = text[:MORE_TEXT_CHARS].rsplit(" ", 1)[0] + "…"
    return AnswerPart("item" if block.kind == "item" else "text", text)


# --------------------------------------------------------------------------- subjects


def _turn(
    engine: ThreadEngine, asked: str, resolved: str, kind: str, answer: Answer, subject: str
) -> Turn:
    if not answer.found:
        # "The second one" may then pick one of the nearest sections offered.
        nearest = tuple(c.section_id for c in answer.nearest)
        return Turn(asked, resolved, kind, subject, False, nearest)
    if not answer.citations:
        return Turn(asked, resolved, kind, subject, False)
    best = answer.citations[0].section_id
    section = engine.section(best)
    parts = answer.parts or (AnswerPart("text", answer.text),)
    shown = tuple((best, i) for i in _shown_blocks(section, parts)) if section else ()
    cited = tuple(c.section_id for c in answer.citations)
    return Turn(asked, resolved, kind, subject, True, cited, best, shown)


def _subject(engine: ThreadEngine, question: str, answer: Answer) -> str:
    """What a question that stood on its own was about: the project of its
    answer, or its note when the question names it ("KEDA", as written);
    else the thing the question asked about ("a git branch" for a note
    titled "Renaming A Branch"), else the note's name."""
    if not answer.found or not answer.citations:
        return ""
    section = engine.section(answer.citations[0].section_id)
    if section is None:
        return ""
    name = _scope_name(engine, section)
    written = _as_written(question, name)
    if written and (len(_root(engine, section)) > 1 or len(name.split()) <= NAME_WORDS // 2):
        return written
    return _asked_about(question) or written or name


def _about(engine: ThreadEngine, answer: Answer, thing: str) -> bool:
    """Whether the answer's best section is about `thing`: in its heading
    path, or all of its words in the section."""
    section = engine.section(answer.citations[0].section_id) if answer.citations else None
    if section is None:
        return False
    if compact(thing) in compact(" ".join(section.path)):
        return True
    text = " ".join(b.text for b in section.blocks).lower()
    return all(w in text for w in _WORD.findall(thing.lower()))


def _scope(engine: ThreadEngine, section: Section) -> list[Section]:
    """The sections of what `section` is part of: its project, in a note that
    lists projects under categories (k8s-projects › Security › sealed-secrets),
    else its note; in the order of the note."""
    root = _root(engine, section)
    return [s for s in engine.note_sections(section.source) if s.path[: len(root)] == root]


def _root(engine: ThreadEngine, section: Section) -> tuple[str, ...]:
    """The heading path of what `section` is about: its `##` project when
    the note lists projects under `#` categories (k8s-projects › Security ›
    sealed-secrets), else its note."""
    path = section.path
    if len(path) >= 3 and any(
        s.level == 1 and s.path == path[:2] for s in engine.note_sections(section.source)
    ):
        return path[:3]
    return path[:1]


def _scope_name(engine: ThreadEngine, section: Section) -> str:
    name = _root(engine, section)[-1]
    return " ".join(PAREN.sub(" ", name).split()) or name


def _as_written(question: str, name: str) -> str:
    """`name` as `question` writes it ("KEDA", "k-rail"), or ""."""
    key = compact(name)
    words = list(_WORD.finditer(question))
    for n in range(1, min(NAME_WORDS + 2, len(words)) + 1):
        for k in range(len(words) - n + 1):
            if compact(" ".join(w.group() for w in words[k : k + n])) == key:
                return question[words[k].start() : words[k + n - 1].end()]
    return ""


def _asked_about(question: str) -> str:
    """The thing a question asks about, by its wording: "how do I run a
    postgres server in docker?" -> "a postgres server in docker"."""
    m = _ASK_LEAD.match(question)
    if not m:
        return ""
    rest = question[m.end() :].strip(" ?.!")
    if m.group("verb"):
        rest = rest.split(" ", 1)[1] if " " in rest else ""
    rest = _TRAILING_ASK.sub("", rest).strip(" ?.!,")
    words = rest.split()
    if not words or len(words) > PHRASE_WORDS or words[0].lower() in _NOT_A_THING:
        return ""
    return rest


def _shown_blocks(section: Section, parts: Sequence[AnswerPart]) -> list[int]:
    """The blocks of `section` an answer's parts come from."""
    flat = [" ".join(b.text.split()) for b in section.blocks]
    out: set[int] = set()
    for key in _keys(parts):
        hit = next((i for i, text in enumerate(flat) if key in text), None)
        if hit is not None:
            out.add(hit)
    return sorted(out)


def _keys(parts: Iterable[AnswerPart]) -> Iterable[str]:
    for p in parts:
        if p.kind == "code":
            line = next((x.strip() for x in p.text.split("\n") if x.strip()), "")
            key = " ".join(line.split())
        else:
            key = " ".join(p.text.rstrip("…").split())[:60]
        if len(key) >= 3:
            yield key
