"""Question files: one JSON object a line (schema of bench/questions/dev.jsonl).

`expect` lists acceptable section titles (empty when the notes don't cover
the question, then `found` is false); `expect_source`, when present, is the
file (relative to the notes root) the expected titles must come from, for
headings like "Installation" that several files share.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from index.evaluate import title_key


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    expect: tuple[str, ...]
    found: bool = True
    answer_has: tuple[str, ...] = ()
    kind: str = "named"
    written: str = "before-tuning"
    expect_source: str | None = None
    file: str = ""  # the question file's stem, e.g. "holdout"

    def matches(self, title: str, source: str) -> bool:
        # As index/evaluate.py (`notesbot eval`) matches titles.
        if title_key(title) not in {title_key(t) for t in self.expect}:
            return False
        return self.expect_source is None or source == self.expect_source


def load_questions(path: Path) -> list[Question]:
    questions = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{n}: not JSON: {exc}") from exc
        expect = tuple(raw.get("expect", ()))
        questions.append(
            Question(
                id=raw["id"],
                question=raw["question"],
                expect=expect,
                found=raw.get("found", bool(expect)),
                answer_has=tuple(raw.get("answer_has", ())),
                kind=raw.get("kind", "named" if expect else "out-of-scope"),
                written=raw.get("written", "before-tuning"),
                expect_source=raw.get("expect_source"),
                file=path.stem,
            )
        )
    return questions
