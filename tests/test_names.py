"""Project names in questions: spellings, typos, acronyms, several names."""

from __future__ import annotations

from conftest import CORPUS

from index.markdown import parse_note, section_text
from index.names import NameIndex, name_parts

SECTIONS = parse_note("k8s-projects/README.md", (CORPUS / "k8s-projects" / "README.md").read_text())
NAMES = NameIndex(SECTIONS, [section_text(s) for s in SECTIONS])


def top(question: str) -> str | None:
    scores, _ = NAMES.match(question)
    if not scores:
        return None
    return SECTIONS[max(scores, key=scores.__getitem__)].title


def test_name_parts_of_headings():
    assert name_parts("(deprecated) service-loadbalancer") == ["service loadbalancer"]
    assert name_parts("kargo vs. kops. vs kubeadm") == ["kargo", "kops", "kubeadm"]
    assert name_parts("Templating & Packaging") == ["templating", "packaging"]


def test_spellings_of_a_name_all_match():
    for q in (
        "what replaces service-loadbalancer?",
        "what replaces service loadbalancer?",
        "what replaces serviceloadbalancer?",
        "(deprecated) service-loadbalancer",
    ):
        assert top(q) == "(deprecated) service-loadbalancer", q


def test_small_typos_match_but_notes_words_are_not_typos():
    assert top("what is kubecarier?") == "kubecarrier"
    assert top("metalb on bare metal") == "metallb"
    assert top("kyvero policies") == "kyverno"
    assert top("tell me about kubespary") == "kubespray"
    # "controller" is a word of the notes, not a misspelt "metacontroller".
    assert top("how does a controller work?") is None


def test_acronyms_and_short_forms():
    assert top("what is HNC?") == "hierarchical namespaces controller"
    assert top("what is multus?") == "multus-cni"
    assert top("prometheus adaptor for custom metrics") == "k8s-prometheus-adaptor"


def test_a_heading_naming_all_the_asked_projects_wins():
    assert top("kargo vs kops vs kubeadm") == "kargo vs. kops. vs kubeadm"
    assert top("what is kops?") == "kops"


def test_common_words_that_are_also_names_weigh_less():
    scores, _ = NAMES.match("what is the application CRD?")
    app = next(i for i, s in enumerate(SECTIONS) if s.title == "application")
    kops = next(i for i, s in enumerate(SECTIONS) if s.title == "kops")
    assert scores[app] < NAMES.match("what is kops?")[0][kops]


def test_the_words_that_named_a_project_are_reported():
    _, named = NAMES.match("how does the amazon vpc cni assign pod IPs?")
    assert named == ["amazon", "vpc", "cni"]
