"""The BM25 baseline, the section cutter behind both baselines, the synthetic
notes generator, and the question files' expected titles against the notes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.baselines import BM25Baseline
from bench.sections import load_sections, parse_sections
from bench.synth import generate_tree, synth_questions

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "corpus" / "k8s-projects" / "README.md"
QUESTIONS = ROOT / "bench" / "questions"
TREE = ROOT / "bench" / "trees" / "k8s-tree"

NOTES = """\
<!-- toc: not a section -->
- [metallb](#metallb)

# Network

## metallb

[MetalLB](https://example.com) is a *load-balancer* for bare metal,
speaking `BGP` to routers.

## (deprecated) cni-genie

Lets a pod pick its CNI plugin.

```
kubectl get pods
```

# Security

## sealed-secrets

Encrypt a Secret into a SealedSecret with kubeseal; safe to keep in git.
"""


def test_sections_follow_headings_and_drop_markup() -> None:
    sections = parse_sections(NOTES, "net/README.md")
    assert [s.title for s in sections] == [
        "Network",
        "metallb",
        "(deprecated) cni-genie",
        "Security",
        "sealed-secrets",
    ]
    metallb = sections[1]
    assert metallb.line == 6 and metallb.source == "net/README.md"
    assert "MetalLB is a load-balancer for bare metal, speaking BGP" in metallb.body
    assert "https://" not in metallb.body and "*" not in metallb.body
    assert "kubectl get pods" in sections[2].body  # code blocks are kept
    assert sections[0].body == ""  # a category heading with nothing before the next


def test_bm25_ranks_the_section_that_holds_the_words(tmp_path: Path) -> None:
    (tmp_path / "net").mkdir()
    (tmp_path / "net" / "README.md").write_text(NOTES)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.md").write_text("# sealed-secrets\n\nsealed secrets git\n")
    bm25 = BM25Baseline.from_dir(tmp_path)
    assert {s.source for s in bm25.sections} == {"net/README.md"}
    top = bm25.search("how do I keep secrets encrypted in git?", 3)
    assert top[0][:2] == ("sealed-secrets", "net/README.md")
    assert bm25.search("bare metal load balancer", 1)[0][0] == "metallb"
    assert bm25.abstains("pancakes with maple syrup")
    outcome = bm25.query("pancakes with maple syrup")
    assert outcome.abstained and outcome.ranked == []


def _titles(root: Path) -> dict[str, set[str]]:
    where: dict[str, set[str]] = {}
    for s in load_sections(root):
        where.setdefault(s.title, set()).add(s.source)
    return where


@pytest.mark.parametrize("name", ["tune", "holdout"])
def test_shipped_question_files_expect_real_titles(name: str) -> None:
    titles = _titles(SHIPPED.parent)
    for line in (QUESTIONS / f"{name}.jsonl").read_text().splitlines():
        q = json.loads(line)
        assert q["written"] in ("before-tuning", "after-tuning"), q["id"]
        assert (q["kind"] == "out-of-scope") == (q.get("found", True) is False), q["id"]
        for title in q["expect"]:
            assert title in titles, f"{q['id']}: no heading {title!r} in the shipped notes"


def test_tree_questions_expect_titles_unique_or_pinned_to_a_file(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(TREE, tmp_path / "tree")
    shutil.copy(SHIPPED, tmp_path / "tree" / "README.md")
    titles = _titles(tmp_path / "tree")
    for line in (QUESTIONS / "tree.jsonl").read_text().splitlines():
        q = json.loads(line)
        for title in q["expect"]:
            sources = titles.get(title, set())
            if "expect_source" in q:
                assert q["expect_source"] in sources, q["id"]
            else:
                assert len(sources) == 1, f"{q['id']}: {title!r} is in {sources}"


def test_synthetic_tree_is_generated_to_size_and_reproducible(tmp_path: Path) -> None:
    text = SHIPPED.read_text()
    a = generate_tree(tmp_path / "a", 2, text, seed=5)
    b = generate_tree(tmp_path / "b", 2, text, seed=5)
    files = list((tmp_path / "a").rglob("*.md"))
    size = sum(p.stat().st_size for p in files)
    assert 2 * len(text) <= size < 3 * len(text)
    assert len(files) >= 2
    assert [p.name for p in a] == [p.name for p in b]
    # generated, not copied: no paragraph of the shipped notes reappears
    paragraphs = [p for f in files for p in f.read_text().split("\n\n") if len(p) > 40]
    assert paragraphs and not any(p in text for p in paragraphs)
    titles = _titles(tmp_path / "a")
    for question in synth_questions(a, n=10):
        assert any(question.expect_source in titles.get(t, ()) for t in question.expect)
