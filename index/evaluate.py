"""Answer quality on a question file: hit@1, hit@3, MRR, answer keywords and
abstention on questions the notes don't cover.

A question file has one JSON object a line: `question`, `expect` (acceptable
section titles; empty when the notes don't cover it), optional `answer_has`
(words of which the answer should contain one), optional `found` (false: the
notes don't cover it), optional `expect_source` or `source` (the note the title
must come from, for trees where several notes share a heading).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .domain import Answer, Citation, NotesbotError


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    expect: tuple[str, ...]
    answer_has: tuple[str, ...] = ()
    found: bool = True
    expect_source: str | None = None
    kind: str = ""


@dataclass
class Outcome:
    question: Question
    rank: int | None  # 1-based rank of the first acceptable section; None if absent
    found: bool
    answer: str
    keyword_ok: bool | None  # None when the question has no answer_has
    titles: list[str] = field(default_factory=list)
    # Declined: the nearest sections it was shown, and where the first
    # acceptable one was among them (None if absent).
    nearest: list[str] = field(default_factory=list)
    nearest_rank: int | None = None


@dataclass
class Report:
    outcomes: list[Outcome]

    @property
    def in_scope(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.question.found]

    @property
    def out_of_scope(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.question.found]

    def hit_at(self, k: int) -> float:
        xs = self.in_scope
        return (
            sum(1 for o in xs if o.found and o.rank is not None and o.rank <= k) / len(xs)
            if xs
            else 0.0
        )

    @property
    def mrr(self) -> float:
        xs = self.in_scope
        return sum(1 / o.rank for o in xs if o.found and o.rank) / len(xs) if xs else 0.0

    @property
    def keyword_rate(self) -> float | None:
        xs = [o for o in self.in_scope if o.keyword_ok is not None]
        return sum(1 for o in xs if o.keyword_ok) / len(xs) if xs else None

    @property
    def abstention(self) -> float | None:
        xs = self.out_of_scope
        return sum(1 for o in xs if not o.found) / len(xs) if xs else None

    @property
    def false_abstention(self) -> float | None:
        xs = self.in_scope
        return sum(1 for o in xs if not o.found) / len(xs) if xs else None

    @property
    def missed_nearest(self) -> float | None:
        """Of the in-scope questions declined, the share shown their section
        among the nearest ("in case one of them is what you meant")."""
        xs = [o for o in self.in_scope if not o.found]
        return sum(1 for o in xs if o.nearest_rank is not None) / len(xs) if xs else None

    @property
    def out_of_scope_nearest(self) -> float | None:
        """Of the out-of-scope questions declined, the share shown sections
        nearest to them all the same."""
        xs = [o for o in self.out_of_scope if not o.found]
        return sum(1 for o in xs if o.nearest) / len(xs) if xs else None

    def summary(self) -> dict[str, Any]:
        return {
            "questions": len(self.outcomes),
            "in_scope": len(self.in_scope),
            "out_of_scope": len(self.out_of_scope),
            "hit@1": round(self.hit_at(1), 3),
            "hit@3": round(self.hit_at(3), 3),
            "mrr": round(self.mrr, 3),
            "answer_keywords": _rounded(self.keyword_rate),
            "abstention": _rounded(self.abstention),
            "false_abstention": _rounded(self.false_abstention),
            "missed_nearest": _rounded(self.missed_nearest),
            "out_of_scope_nearest": _rounded(self.out_of_scope_nearest),
        }

    def failures(self) -> list[Outcome]:
        return [
            o
            for o in self.outcomes
            if (o.question.found and (o.rank != 1 or not o.found or o.keyword_ok is False))
            or (not o.question.found and o.found)
        ]


def load_questions(path: Path) -> list[Question]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise NotesbotError(f"question file not found: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise NotesbotError(f"cannot read question file {path}: {exc}") from exc
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            out.append(_question(json.loads(line), n))
        except (ValueError, KeyError, TypeError) as exc:
            raise NotesbotError(f"{path}:{n}: not a question object ({exc})") from exc
    if not out:
        raise NotesbotError(f"no questions in {path}")
    return out


def _question(d: object, n: int) -> Question:
    if not isinstance(d, dict):
        raise TypeError(f"a JSON object per line, not {type(d).__name__}")
    question = d["question"]
    if not isinstance(question, str) or not question.strip():
        raise ValueError('"question" must be the question\'s text')
    expect = _strings(d, "expect")
    source = d.get("expect_source") or d.get("source")
    return Question(
        id=str(d.get("id", n)),
        question=question,
        expect=expect,
        answer_has=_strings(d, "answer_has"),
        found=bool(d.get("found", bool(expect))),
        # The note the title must come from, where several share it.
        expect_source=str(source) if source else None,
        kind=str(d.get("kind", "")),
    )


def _strings(d: dict[str, Any], key: str) -> tuple[str, ...]:
    """A list of strings (a lone string is one)."""
    value = d.get(key)
    if not value:  # absent, null or empty: none
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(f'"{key}" must be a list of strings')
    return tuple(value)


def _rounded(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def title_key(title: str) -> str:
    """A title as questions files may write it: in any case, and with the
    heading's Markdown ("`/tmp` on compute nodes") or without, as sections
    are titled ("/tmp on compute nodes")."""
    return " ".join(title.replace("`", "").replace("**", "").split()).casefold()


def rank_among(q: Question, citations: Sequence[Citation]) -> int | None:
    want = {title_key(t) for t in q.expect}
    for r, c in enumerate(citations, 1):
        if title_key(c.title) in want and (q.expect_source is None or c.source == q.expect_source):
            return r
    return None


def evaluate(questions: Iterable[Question], ask: Callable[[str], Answer], top_k: int = 3) -> Report:
    outcomes = []
    for q in questions:
        a = ask(q.question)
        keyword_ok = None
        if q.answer_has and q.found:
            text = a.text.casefold()
            keyword_ok = any(k.casefold() in text for k in q.answer_has)
        outcomes.append(
            Outcome(
                q,
                rank_among(q, a.citations),
                a.found,
                a.text,
                keyword_ok,
                [c.title for c in a.citations],
                [c.title for c in a.nearest],
                rank_among(q, a.nearest),
            )
        )
    return Report(outcomes)


def format_report(report: Report, name: str = "") -> list[str]:
    s = report.summary()
    lines = [f"questions      {s['questions']} ({s['in_scope']} in scope, {s['out_of_scope']} not)"]
    figures = (  # label, summary key, what it counts (None: no such questions)
        ("hit@1", "hit@1", ""),
        ("hit@3", "hit@3", ""),
        ("MRR", "mrr", ""),
        ("answer words", "answer_keywords", ""),
        ("abstention", "abstention", "(out of scope, said 'not in the notes')"),
        ("missed", "false_abstention", "(in scope, said 'not in the notes')"),
        ("  pointed", "missed_nearest", "(of those, shown it among the nearest)"),
        ("  shown near", "out_of_scope_nearest", "(of the out of scope declined)"),
    )
    for label, key, counts in figures:
        if s[key] is not None:
            lines.append(f"{label:<15}{s[key]:.3f}" + (f"  {counts}" if counts else ""))
    return ([name] if name else []) + lines


def describe_failures(outcomes: Sequence[Outcome]) -> list[str]:
    out = []
    for o in outcomes:
        q = o.question
        want = ", ".join(q.expect) or "(not in the notes)"
        got = ", ".join(o.titles) if o.found else "(not in the notes)"
        if not o.found and o.nearest:
            got += f"; nearest: {', '.join(o.nearest)}"
        out += [
            f"  {q.id}: {q.question!r}",
            f"      want   {want}",
            f"      got    {got}",
            f"      answer {o.answer[:160]!r}",
        ]
    return out
