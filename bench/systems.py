"""The system under test behind the baselines' interface.

`query` is the one call the benchmark times: question in, what the user is
shown out (a ranking, empty when the system abstains, and for notesbot the
answer text), model encoding included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

Ranked = list[tuple[str, str, float]]  # (title, source, score), best first


@dataclass(frozen=True)
class Outcome:
    ranked: Ranked
    abstained: bool
    text: str | None = None  # the answer shown, for systems that compose one
    nearest: Ranked = field(default_factory=list)  # declined, the sections offered instead


class System(Protocol):
    name: str

    def search(self, question: str, k: int = 3) -> Ranked: ...

    def abstains(self, question: str) -> bool: ...

    def query(self, question: str, k: int = 3) -> Outcome: ...


class NotesbotSystem:
    """index.engine.Engine: ranking = its citations, abstention = not answer.found."""

    name = "notesbot"

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.timings: list[dict[str, float]] = []  # per question: embed / search / answer ms

    @classmethod
    def open(cls, config: Any) -> NotesbotSystem:
        from index.engine import Engine

        return cls(Engine.open(config))

    def query(self, question: str, k: int = 3) -> Outcome:
        answer = self.engine.ask(question, top_k=k)
        self.timings.append(dict(answer.timings_ms))
        if not answer.found:
            nearest = [(c.title, c.source, float(c.score)) for c in answer.nearest]
            return Outcome([], True, answer.text, nearest)
        ranked = [(c.title, c.source, float(c.score)) for c in answer.citations]
        return Outcome(ranked, False, answer.text)

    def search(self, question: str, k: int = 3) -> Ranked:
        return self.query(question, k).ranked

    def abstains(self, question: str) -> bool:
        return self.query(question).abstained
