"""Synthetic notes trees for the scaling run, N times the shipped notes' size.

Generated, not copied: project names are made from syllables, and sections
are recombined from sentence templates filled with the shipped notes'
vocabulary, with a seeded RNG so a size always gives the same tree. The shape
follows the shipped notes: category H1s, project H2s, a few H3s, bullet
lists, code blocks, deprecated projects and link-only sections, spread over
many files in nested folders (the sizes real note collections grow into).
"""

from __future__ import annotations

import dataclasses
import random
import re
from dataclasses import dataclass
from pathlib import Path

from .questions import Question

FILE_BYTES = 24_000  # about half the shipped README: collections grow in files, not one file

_SYLLABLES = [
    "ku",
    "be",
    "ra",
    "no",
    "ta",
    "vel",
    "o",
    "ster",
    "ion",
    "gra",
    "mi",
    "lo",
    "pa",
    "ne",
    "ex",
    "kar",
    "flo",
    "tri",
    "zen",
    "dal",
    "vor",
    "quin",
    "sel",
    "mar",
    "tes",
    "lu",
    "ca",
    "ri",
    "po",
    "dex",
    "ven",
    "tor",
    "hal",
    "bri",
    "gon",
    "sa",
    "fi",
    "lux",
    "cor",
    "nim",
]
_NOUNS = [
    "controller",
    "operator",
    "scheduler",
    "proxy",
    "plugin",
    "agent",
    "daemon",
    "webhook",
    "gateway",
    "exporter",
    "provisioner",
    "autoscaler",
    "dashboard",
    "CLI",
    "library",
    "framework",
]
_PURPOSES = [
    "rotating {w1} credentials for {w2} workloads",
    "scheduling {w1} jobs across {w2} nodes",
    "exporting {w1} metrics to {w2} backends",
    "replicating {w1} volumes between {w2} clusters",
    "enforcing {w1} policies on {w2} namespaces",
    "routing {w1} traffic to {w2} services",
    "backing up {w1} resources into {w2} storage",
    "building {w1} images for {w2} registries",
    "auditing {w1} events from {w2} controllers",
    "provisioning {w1} hosts for {w2} clusters",
]
_SENTENCES = [
    "{Name} is a {noun} for {purpose}.",
    "It watches {w1} resources and reconciles the {w2} state every few seconds.",
    "The {noun} runs as a {w1} in the cluster and talks to the {w2} API.",
    "Users create a `{Kind}` custom resource to describe the desired {w1}.",
    "Compared to {other}, it focuses on {w1} and leaves {w2} to other tools.",
    "Configuration lives in a ConfigMap named `{name}-config` with keys for {w1} and {w2}.",
    "Upgrades are rolled out node by node, so {w1} keeps working during the change.",
    "The project is maintained by the {w1} working group and released every {n} weeks.",
    "Metrics are exposed on port {port} and include {w1} latency and {w2} errors.",
]


@dataclass(frozen=True)
class SynthProject:
    name: str
    purpose: str
    source: str
    subsections: tuple[str, ...] = ()


def _vocabulary(corpus_text: str) -> list[str]:
    words = re.findall(r"\b[a-z]{5,12}\b", corpus_text.lower())
    return sorted(set(words))


class _Generator:
    def __init__(self, seed: int, vocabulary: list[str]) -> None:
        self.rng = random.Random(seed)
        self.vocab = vocabulary
        self.used: set[str] = set()

    def name(self) -> str:
        while True:
            parts = self.rng.sample(_SYLLABLES, self.rng.choice((2, 3)))
            name = "".join(parts)
            if self.rng.random() < 0.3:
                name = "kube-" + name
            if name not in self.used:
                self.used.add(name)
                return name

    def word(self) -> str:
        return self.rng.choice(self.vocab)

    def sentence(self, project: SynthProject, others: list[str]) -> str:
        template = self.rng.choice(_SENTENCES)
        return template.format(
            Name=project.name,
            name=project.name,
            noun=self.rng.choice(_NOUNS),
            purpose=project.purpose,
            w1=self.word(),
            w2=self.word(),
            Kind=project.name.replace("-", " ").title().replace(" ", ""),
            other=self.rng.choice(others) if others else "kubectl",
            n=self.rng.randint(2, 12),
            port=self.rng.randint(8000, 9999),
        )

    def section(self, project: SynthProject, others: list[str]) -> tuple[str, list[str] | None]:
        """Markdown of one project section and its subsection titles (None: link-only)."""
        rng = self.rng
        title = project.name
        if rng.random() < 0.08:
            title = f"(deprecated) {title}"
        if rng.random() < 0.1:  # link-only, as in the shipped notes
            return f"## {title}\n\nlink: [{project.name}](./{project.name})\n", None
        lines = [
            f"## {title}",
            "",
            f"*Date: {rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/20{rng.randint(16, 23)}*",
            "",
        ]
        lines.append(f"{project.name} is a {rng.choice(_NOUNS)} for {project.purpose}.")
        lines.append(" ".join(self.sentence(project, others) for _ in range(rng.randint(2, 5))))
        lines.append("")
        if rng.random() < 0.6:
            lines += [f"- {self.sentence(project, others)}" for _ in range(rng.randint(2, 5))]
            lines.append("")
        if rng.random() < 0.35:
            lines += ["```", f"$ kubectl get pods -n {project.name}-system"]
            for _ in range(rng.randint(1, 4)):
                pod = f"{project.name}-{self.word()}-{rng.randint(1000, 9999)}"
                lines.append(f"{pod}   1/1   Running   0   {rng.randint(1, 90)}m")
            lines += ["```", ""]
        subtitles: list[str] = []
        for _ in range(rng.randint(0, 2)):
            subtitles.append(f"{self.word()} {self.word()}")
            lines += [f"### {subtitles[-1]}", ""]
            lines.append(" ".join(self.sentence(project, others) for _ in range(rng.randint(2, 6))))
            lines.append("")
        return "\n".join(lines) + "\n", subtitles


def generate_tree(root: Path, factor: float, corpus_text: str, seed: int = 7) -> list[SynthProject]:
    """Write about factor × len(corpus_text) bytes of notes under root."""
    gen = _Generator(seed, _vocabulary(corpus_text))
    target = int(factor * len(corpus_text.encode()))
    written = 0
    projects: list[SynthProject] = []
    while written < target:
        folder = Path(*[gen.name() for _ in range(gen.rng.randint(0, 2))])
        rel = (folder / f"{gen.name()}.md").as_posix()
        parts = [f"# {gen.word().title()} {gen.word()}\n"]
        size = 0
        while size < FILE_BYTES and written + size < target:
            p = SynthProject(
                name=gen.name(),
                purpose=gen.rng.choice(_PURPOSES).format(w1=gen.word(), w2=gen.word()),
                source=rel,
            )
            others = [x.name for x in projects[-20:]]
            text, subtitles = gen.section(p, others)
            if gen.rng.random() < 0.15:
                parts.append(f"\n# {gen.word().title()} {gen.word()}\n")
            parts.append("\n" + text)
            size += len(text.encode())
            if subtitles is not None:  # link-only sections have nothing to ask about
                projects.append(dataclasses.replace(p, subsections=tuple(subtitles)))
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        body = "".join(parts)
        path.write_text(body, encoding="utf-8")
        written += len(body.encode())
    return projects


def synth_questions(projects: list[SynthProject], n: int = 40, seed: int = 11) -> list[Question]:
    """Half by name, half by what the project is for; the expected title is the project."""
    rng = random.Random(seed)
    picked = rng.sample(projects, min(n, len(projects)))
    questions = []
    for i, p in enumerate(picked):
        text = f"what is {p.name}?" if i % 2 == 0 else f"which tool is for {p.purpose}?"
        questions.append(
            Question(
                id=f"s{i:02d}",
                question=text,
                # the project's subsections repeat what it is for, so they answer too
                expect=(p.name, f"(deprecated) {p.name}", *p.subsections),
                kind="named" if i % 2 == 0 else "paraphrase",
                expect_source=p.source,
                file="synthetic",
            )
        )
    return questions
