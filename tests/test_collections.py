"""End to end on real notes nobody here wrote: the small topic folders of
../shared/corpora/til (1 to 7 notes each, about 130 notes), with the real
model, FAISS and BM25. Skipped where ../shared is not on the machine."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.engine import Engine
from index.markdown import parse_note

pytestmark = pytest.mark.model

TIL = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "til"
SMALL_FOLDER = 7  # notes at most


def _small_folders() -> list[Path]:
    if not TIL.is_dir():
        return []
    return sorted(
        d for d in TIL.iterdir() if d.is_dir() and len(list(d.glob("*.md"))) <= SMALL_FOLDER
    )


@pytest.fixture(scope="module")
def til_engine(tmp_path_factory: pytest.TempPathFactory, model_cache: Path, real_embedder):
    from index.build import build_index
    from index.config import IndexConfig

    folders = _small_folders()
    if not folders:
        pytest.skip(f"{TIL} is not on this machine")
    root = tmp_path_factory.mktemp("til-small") / "til"
    for d in folders:
        shutil.copytree(d, root / d.name)
    config = IndexConfig(root, root.parent / "index", model_cache=model_cache)
    build_index(config, real_embedder)
    return Engine.open(config, real_embedder)


def _how_to_notes(engine: Engine) -> list[tuple[str, str, list[str]]]:
    """(note title, source, its code blocks) of every note with a fenced snippet."""
    root = engine.config.corpus_dir
    out = []
    for path in sorted(root.rglob("*.md")):
        rel = path.relative_to(root).as_posix()
        sections = parse_note(rel, path.read_text(encoding="utf-8"))
        code = [b.text for s in sections for b in s.blocks if b.kind == "code"]
        if sections and code:
            out.append((sections[0].title, rel, code))
    return out


def test_how_to_questions_find_their_note_and_show_its_snippet(til_engine):
    notes = _how_to_notes(til_engine)
    assert len(notes) >= 50
    found = shown = 0
    misses = []
    for title, source, code in notes:
        a = til_engine.ask(f"how do I {title.lower()}?")
        right = a.found and a.citations[0].source == source
        found += right
        if right and any(
            p.kind == "code" and p.text.strip("…\n") in "\n".join(code) for p in a.parts
        ):
            shown += 1
        elif right:
            misses.append((title, a.text[:120]))
    # Asked by its own title, a note comes first; its answer shows a snippet of it as code.
    assert found / len(notes) >= 0.9
    assert shown / found >= 0.8, misses[:10]


def test_snippets_are_quoted_whole_and_in_the_json_code_field(til_engine):
    for title, _source, _code in _how_to_notes(til_engine)[:20]:
        a = til_engine.ask(f"how do I {title.lower()}?")
        for snippet in a.code:
            assert snippet in a.text  # `answer` stays the whole answer, snippets included
        assert a.to_json().get("code", []) == list(a.code)


NEAR_MISSES = [  # a topic the notes have, a question they never answer (checked by grep)
    "How do I build a multi-stage Dockerfile to keep my image small?",
    "How do I create a compound index on two fields in MongoDB?",
    "How do I turn on WAL journal mode in sqlite?",
    "How do I run a GitHub Actions job on a matrix of Node versions?",
    "How do I add a custom refinement to a zod schema?",
    "How do I pin a brew formula so upgrades skip it?",
]


def test_questions_on_a_topic_the_notes_have_but_not_covered_are_mostly_declined(til_engine):
    answered = [q for q in NEAR_MISSES if til_engine.ask(q).found]
    # The abstention trade-off (index/weights.py) lets some near misses through.
    assert len(answered) <= len(NEAR_MISSES) // 3, answered


def test_questions_far_from_the_notes_are_declined_with_no_citations(til_engine):
    for q in ("how do I bake sourdough bread?", "who won the 2018 football world cup?"):
        a = til_engine.ask(q)
        assert not a.found and a.citations == (), q


def test_a_misspelt_question_is_read_as_meant(til_engine):
    a = til_engine.ask("how do i chek the ubuntu verison on a servr?")
    assert a.found and a.citations[0].title == "Check Ubuntu Version"


def test_folder_names_count_as_what_a_note_is_about(til_engine):
    # Titles of the notes in docker/ never say "docker".
    a = til_engine.ask("docker: list the running containers")
    assert a.found and a.citations[0].source.startswith("docker/")
