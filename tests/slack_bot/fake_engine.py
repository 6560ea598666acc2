"""A small deterministic stand-in for `index.engine.Engine`, with the same
methods: answers come from keywords, not a model."""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import Counter
from dataclasses import replace

import numpy as np

from index.catalog import find_category, walk
from index.domain import Answer, Block, Category, Citation, Hit, Project, Section

SOURCE = "k8s-projects/README.md"
BASE = "https://notes.example.com/blob/main"


def _section(title: str, category: str, line: int, texts: list[str], code: str = "") -> Section:
    blocks = tuple(Block("text", t, line + 2 + i) for i, t in enumerate(texts))
    if code:
        blocks += (Block("code", code, line + 2 + len(texts)),)
    return Section(
        id=f"id-{line}",
        source=SOURCE,
        path=("k8s-projects", category, title),
        title=title,
        level=2,
        start_line=line,
        end_line=line + 8,
        blocks=blocks,
        deprecated=title.startswith("(deprecated)"),
    )


LOADBALANCER = _section(
    "(deprecated) service-loadbalancer",
    "Network",
    525,
    [
        "Date: 05/13/2017, kubernetes v1.6, deprecated",
        "service loadbalancer is deprecated in favor of ingress controller. At its core, "
        "service loadbalancer watches the api for services and endpoints, and reload "
        "haproxy's configuration.",
    ],
)
INGRESS = _section("ingress", "Network", 488, ["link: ingress"])
ANNOUNCE = _section(
    "announcements",
    "Developer",
    240,
    ["Use <!channel> only for outages & ask <@U0123ABC> first; <details> are in the wiki."],
    code="kubectl get pods | grep <name> && echo '<!here>'",
)
HUGE = _section("huge", "Developer", 300, ["x" * 2500 + " end of paragraph"] * 80)


def _category(title: str, line: int) -> Section:
    """A `#` heading of the note: its `##` sections are projects."""
    return Section(f"id-{line}", SOURCE, ("k8s-projects", title), title, 1, line, line)


SECTIONS = (
    _category("Developer", 233),
    ANNOUNCE,
    HUGE,
    _category("Network", 409),
    INGRESS,
    LOADBALANCER,
)


def _url(line: int) -> str:
    return f"{BASE}/{SOURCE}#L{line}"


def _cite(section: Section, score: float) -> Citation:
    return Citation(
        title=section.title,
        path=section.path,
        source=section.source,
        line=section.start_line,
        score=score,
        url=_url(section.start_line),
        section_id=section.id,
    )


CATEGORIES = (
    Category(
        "Application",
        SOURCE,
        80,
        (Project("operator-framework", SOURCE, 82), Project("kruise", SOURCE, 114)),
        url=_url(80),
    ),
    Category("Developer", SOURCE, 233, (Project("draft", SOURCE, 235),), url=_url(233)),
    Category(
        "Network",
        SOURCE,
        409,
        (
            Project("antrea", SOURCE, 411, url=_url(411)),
            Project("ingress", SOURCE, 488, link_only=True, url=_url(488)),
            Project(
                "(deprecated) service-loadbalancer", SOURCE, 525, deprecated=True, url=_url(525)
            ),
        ),
        url=_url(409),
    ),
    Category("Storage", SOURCE, 399, (Project("trident", SOURCE, 405),), url=_url(399)),
)

# As the catalog has them: each with its path from the top.
CATEGORIES = tuple(replace(c, path=(c.name,)) for c in CATEGORIES)
ROOT = Category("k8s-projects", SOURCE, 0, (), None, CATEGORIES)


class EngineBroken(RuntimeError):
    pass


class FakeEngine:
    def __init__(self, delay_s: float = 0.0, gate: threading.Event | None = None) -> None:
        self.delay_s = delay_s
        self.gate = gate  # questions wait for it to open (a search that takes its time)
        self.broken = False
        self.version = "v-test-1"
        self.built_at = time.time() - 120
        self.last_reload_error: str | None = None
        self.sections: tuple[Section, ...] = SECTIONS
        self.tree = ROOT  # the catalog; a test may give it another
        self.asked: Counter[str] = Counter()
        self.reload_checks = 0
        self._lock = threading.Lock()

    def ask(self, question: str, top_k: int = 3) -> Answer:
        with self._lock:
            self.asked[question] += 1
        if self.broken:
            raise EngineBroken("index file truncated")
        if self.gate is not None:
            self.gate.wait()
        if self.delay_s:
            time.sleep(self.delay_s)
        q = question.lower()
        if "loadbalancer" in q or "load balancer" in q:
            return Answer(
                question=question,
                found=True,
                text="service loadbalancer is deprecated in favor of ingress controller.",
                citations=(_cite(LOADBALANCER, 0.91), _cite(INGRESS, 0.55))[:top_k],
                deprecated=True,
                replaced_by="ingress",
            )
        if "announce" in q or "outage" in q:
            return Answer(
                question=question,
                found=True,
                text=ANNOUNCE.blocks[0].text,
                citations=(_cite(ANNOUNCE, 0.8),),
            )
        if "huge" in q:
            return Answer(
                question=question,
                found=True,
                text="\n".join(b.text for b in HUGE.blocks),
                citations=(_cite(HUGE, 0.7),),
            )
        return Answer(question=question, found=False, text="", note="no section is close enough")

    def catalog(self) -> Category:
        return self.tree

    def ask_scored(self, question: str, top_k: int = 3) -> tuple[Answer, float]:
        answer = self.ask(question, top_k)
        return answer, 0.9 if answer.found else 0.05

    def ask_section(self, question: str, section_id: str, top_k: int = 3) -> Answer | None:
        s = self.section(section_id)
        if s is None:
            return None
        return Answer(question, True, s.blocks[0].text, (_cite(s, 1.0),))

    def cite(self, section_id: str) -> Citation | None:
        s = self.section(section_id)
        return _cite(s, 1.0) if s is not None else None

    def categories(self) -> tuple[Category, ...]:
        return self.tree.categories

    def find_category(self, query: str) -> Category | None:
        return find_category(walk(self.tree), query)

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def note_sections(self, source: str) -> tuple[Section, ...]:
        return tuple(
            sorted((s for s in self.sections if s.source == source), key=lambda s: s.start_line)
        )

    def reload_if_changed(self) -> bool:
        self.reload_checks += 1
        return False

    model_id = "fake/bag-of-words"

    def closest(self, question: str) -> tuple[np.ndarray, Hit | None]:
        """A hashed bag of words, and the section sharing most words with it."""
        vector = _bag(question)
        scored = [(float(_bag(" ".join(s.path)) @ vector), s) for s in self.sections]
        score, section = max(scored, key=lambda x: x[0])
        return vector, Hit(section, score) if score > 0 else None


def _bag(text: str, dim: int = 64) -> np.ndarray:
    v = np.zeros(dim, dtype=np.float32)
    for w in re.findall(r"\w+", text.lower()):
        v[int(hashlib.md5(w.encode()).hexdigest(), 16) % dim] += 1.0
    n = np.linalg.norm(v)
    return v / n if n else v
