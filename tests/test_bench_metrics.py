"""bench/metrics.py and bench/questions.py on hand-made rankings."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from bench.metrics import Result, hit_at, percentile, reciprocal_rank, summarize
from bench.questions import Question, load_questions


def q(expect: tuple[str, ...] = ("kops",), **kw: Any) -> Question:
    return Question(id="x", question="?", expect=expect, found=bool(expect), **kw)


def result(
    question: Question, titles: list[str], abstained: bool = False, ms: float = 1.0
) -> Result:
    ranking = tuple((t, "README.md") for t in titles)
    return Result(question, () if abstained else ranking, abstained, ms / 1000)


def test_hit_and_reciprocal_rank_use_the_first_acceptable_title() -> None:
    question = q(("kops", "kargo vs. kops. vs kubeadm"))
    ranking = [("kubeadm", "README.md"), ("kargo vs. kops. vs kubeadm", "README.md")]
    assert not hit_at(question, ranking, 1)
    assert hit_at(question, ranking, 2)
    assert reciprocal_rank(question, ranking, 3) == 0.5
    assert reciprocal_rank(question, ranking, 1) == 0.0


def test_titles_match_case_insensitively_but_expect_source_is_exact() -> None:
    question = q(("Installation",), expect_source="helm/README.md")
    assert question.matches("installation", "helm/README.md")
    assert not question.matches("Installation", "velero/README.md")
    assert not question.matches("Installing", "helm/README.md")


def test_summary_counts_abstention_on_covered_questions_as_a_miss() -> None:
    covered = q(("metallb",))
    uncovered = q(())
    results = [
        result(covered, ["metallb", "kops"], ms=10),
        result(covered, [], abstained=True, ms=20),
        result(covered, ["kops", "metallb"], ms=30),
        result(uncovered, [], abstained=True, ms=40),
        result(uncovered, ["kops"], ms=50),
    ]
    s = summarize(results)
    assert (s.covered, s.uncovered) == (3, 2)
    assert math.isclose(s.hit1, 1 / 3)
    assert math.isclose(s.hit3, 2 / 3)
    assert math.isclose(s.mrr, (1 + 0 + 0.5) / 3)
    assert s.abstention == 0.5
    assert math.isclose(s.false_abstention, 1 / 3)
    assert s.p50_ms == 30.0
    assert s.p95_ms == 50.0
    assert math.isnan(s.keyword_rate)  # no answer texts


def test_keyword_rate_only_counts_questions_with_answer_has() -> None:
    with_words = q(("sealed-secrets",), answer_has=("kubeseal", "SealedSecret"))
    without = q(("sealed-secrets",))
    rs = [
        Result(with_words, (("sealed-secrets", "README.md"),), False, 0.001, "use KUBESEAL"),
        Result(with_words, (("sealed-secrets", "README.md"),), False, 0.001, "encrypt it"),
        Result(without, (("sealed-secrets", "README.md"),), False, 0.001, "whatever"),
    ]
    assert summarize(rs).keyword_rate == 0.5


def test_percentile_is_nearest_rank() -> None:
    assert percentile([5.0], 95) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0
    assert percentile(list(map(float, range(1, 101))), 95) == 95.0


def test_load_questions_defaults_found_from_expect(tmp_path: Path) -> None:
    path = tmp_path / "qs.jsonl"
    rows = [
        {"id": "a", "question": "what is kops?", "expect": ["kops"], "kind": "named"},
        {"id": "b", "question": "pancakes?", "expect": [], "found": False},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n")
    a, b = load_questions(path)
    assert a.found and a.expect == ("kops",) and a.file == "qs"
    assert not b.found and b.kind == "out-of-scope"


def test_eval_says_how_many_declined_questions_were_shown_their_section_nearest() -> None:
    from index.domain import Answer, Citation
    from index.evaluate import Question as EvalQuestion
    from index.evaluate import evaluate, format_report

    def cite(title: str) -> Citation:
        return Citation(title, ("notes", title), "README.md", 1, 0.5)

    covered = [EvalQuestion(f"c{i}", f"covered {i}", ("metallb",)) for i in range(3)]
    out = [EvalQuestion(f"o{i}", f"out {i}", (), found=False) for i in range(2)]
    replies = {
        "covered 0": Answer("", True, "metallb", (cite("metallb"),)),
        "covered 1": Answer("", False, "not", nearest=(cite("kops"), cite("metallb"))),
        "covered 2": Answer("", False, "not", nearest=(cite("kops"),)),
        "out 0": Answer("", False, "not", nearest=(cite("kops"),)),
        "out 1": Answer("", False, "not"),
    }
    report = evaluate([*covered, *out], lambda q: replies[q])
    s = report.summary()
    assert s["false_abstention"] == round(2 / 3, 3)
    assert s["missed_nearest"] == 0.5  # covered 1: its section second of the nearest
    assert s["out_of_scope_nearest"] == 0.5
    assert s["hit@3"] == round(1 / 3, 3)  # a section shown as nearest is not a hit
    assert "  pointed      0.500  (of those, shown it among the nearest)" in format_report(report)


def test_pointed_counts_declined_covered_questions_shown_their_section() -> None:
    covered = q(("metallb",))
    shown = Result(
        covered, (), True, 0.001, "not", (("kops", "README.md"), ("metallb", "README.md"))
    )
    elsewhere = Result(covered, (), True, 0.001, "not", (("kops", "README.md"),))
    bare = Result(covered, (), True, 0.001, "not")
    answered = result(covered, ["metallb"])
    assert summarize([shown, elsewhere, bare, answered]).pointed == 1 / 3
    assert math.isnan(summarize([answered]).pointed)  # none declined


def test_expected_titles_match_with_or_without_their_markdown() -> None:
    question = q(("`/tmp` on compute nodes",))
    assert question.matches("/tmp on compute nodes", "README.md")
    assert not question.matches("tmp on compute nodes", "README.md")
