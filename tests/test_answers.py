"""End to end with the real model, FAISS and BM25 over the shipped notes."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from conftest import DEV_QUESTIONS

from index.engine import Engine
from index.evaluate import Question, evaluate, load_questions

pytestmark = pytest.mark.model


def test_dev_questions_hit_at_1_and_abstain_out_of_scope(engine):
    report = evaluate(load_questions(DEV_QUESTIONS), engine.ask)
    failures = [(o.question.question, o.titles) for o in report.failures()]
    assert report.hit_at(1) == 1.0, failures
    assert report.abstention == 1.0, failures
    assert report.keyword_rate == 1.0, failures


def test_answer_is_extracted_from_the_section_and_cited_with_its_line(engine):
    a = engine.ask("what replaces service-loadbalancer?")
    assert a.found and "ingress" in a.text
    assert a.text in " ".join(
        " ".join(b.text.split()) for s in engine.sections for b in s.blocks
    ) or a.text.startswith("service loadbalancer is deprecated in favor of ingress controller")
    best = a.citations[0]
    assert best.title == "(deprecated) service-loadbalancer"
    assert best.path == ("k8s-projects", "Network", "(deprecated) service-loadbalancer")
    assert (best.source, best.line) == ("k8s-projects/README.md", 525)
    assert a.deprecated and a.replaced_by == "ingress controller"


def test_links_to_the_notes_when_a_base_url_is_configured(shipped_index, real_embedder):
    config = dataclasses.replace(shipped_index, base_url="https://github.com/acme/notes/blob/main/")
    a = Engine.open(config, real_embedder).ask("what replaces service-loadbalancer?")
    assert (
        a.citations[0].url == "https://github.com/acme/notes/blob/main/k8s-projects/README.md#L525"
    )


def test_deprecated_sections_say_so(engine):
    a = engine.ask("what was resorcerer?")
    assert a.citations[0].title == "(deprecated) resorcerer"
    assert "VPA" in a.text and "deprecated" in a.text.lower()


@pytest.mark.parametrize(
    "question",
    [
        "how do I bake bread?",
        "who won the football world cup in 2018?",
        "what is the capital of Peru?",
    ],
)
def test_questions_the_notes_do_not_cover_get_not_in_the_notes(engine, question):
    a = engine.ask(question)
    assert not a.found and a.citations == () and "not in the notes" in a.text


def test_paraphrases_without_the_project_name(engine):
    cases = {
        "how can I keep encrypted secrets in git?": "sealed-secrets",
        "give pods several network interfaces": "multus-cni",
        "load balancer for bare metal clusters using BGP": "metallb",
        "turn audit logs into RBAC roles": "audit2rbac",
    }
    for question, title in cases.items():
        a = engine.ask(question)
        assert a.found and a.citations[0].title == title, (question, a.citations)


def test_typos_in_project_names(engine):
    assert engine.ask("what is kubecarier?").citations[0].title == "kubecarrier"
    assert engine.ask("how does virtual kublet work?").citations[0].title == "virtual-kubelet"


def test_a_name_written_out_finds_the_notes_that_use_its_initials(engine):
    # The notes say "Pod networking using OVS", never "Open vSwitch".
    a = engine.ask("a CNI for pod networking built on Open vSwitch")
    assert a.found and a.citations[0].title == "antrea", a.citations


def test_link_only_section_without_its_notes_says_where_they_live(engine):
    a = engine.ask("where are the keda notes?")
    assert a.found and a.citations[0].title == "keda"
    assert "./keda" in a.text and "not part of this index" in a.text


def test_link_only_section_reaches_the_linked_notes_in_a_tree(tree_index, real_embedder):
    engine = Engine.open(tree_index, real_embedder)
    a = engine.ask("how do I roll back a helm release?")
    assert a.found
    assert a.citations[0].source.startswith("helm/")
    assert "rollback" in a.text.lower()
    # Asking by the link's name leads into the helm notes, not to the bare link.
    b = engine.ask("helm")
    assert b.found and b.citations[0].source.startswith("helm/")
    assert all(c.source != "README.md" for c in b.citations)


def test_same_heading_in_several_notes_is_told_apart_by_its_path(tree_index, real_embedder):
    engine = Engine.open(tree_index, real_embedder)
    overviews = [s for s in engine.sections if s.title == "Overview"]
    assert len(overviews) >= 2
    assert len({s.path for s in overviews}) == len(overviews)


def test_empty_and_very_long_questions(engine):
    assert not engine.ask("   ").found
    long = "what replaces service-loadbalancer? " + "please " * 2000
    a = engine.ask(long)
    assert a.found and len(a.question) <= 500


def test_invisible_and_control_characters_pasted_in_do_not_change_the_answer(engine):
    # A zero-width space from a chat client, a stray bell, a tab.
    clean = engine.ask("what replaces service-loadbalancer?")
    pasted = engine.ask("what\u200b replaces\x07 service-loadbalancer?\t")
    assert pasted.question == clean.question
    assert pasted.text == clean.text and pasted.citations == clean.citations
    assert not engine.ask("\u200b\x07 \u2060").found  # nothing visible: nothing asked


def test_how_to_questions_show_the_command(engine):
    a = engine.ask("how do I create a cluster with kops?")
    assert "kops create cluster" in a.text


def test_category_questions_find_the_category(engine):
    a = engine.ask("which networking projects do the notes cover?")
    assert a.found and a.citations[0].title == "Network"
    assert "metallb" in a.text


def test_categories_and_projects(engine):
    cats = engine.categories()
    assert len(cats) == 11
    network = engine.find_category("net")
    assert network is not None and network.name == "Network"
    names = {p.name: p for p in network.projects}
    assert names["(deprecated) service-loadbalancer"].deprecated
    assert names["ingress"].link_only
    assert engine.find_category("cluster & dr").name == "Cluster & DR"
    assert engine.find_category("DR").name == "Cluster & DR"
    assert engine.find_category("securty").name == "Security"
    assert engine.find_category("cooking") is None


def test_concurrent_questions_get_their_own_answers(engine):
    from concurrent.futures import ThreadPoolExecutor

    questions = [
        "what is kyverno?",
        "what is metallb?",
        "what is krustlet?",
        "what is volcano?",
    ] * 5
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(engine.ask, questions))
    for q, a in zip(questions, answers, strict=True):
        assert a.citations[0].title == q.split()[-1].rstrip("?")


def test_eval_questions_with_expect_source(tree_index, real_embedder):
    engine = Engine.open(tree_index, real_embedder)
    q = Question(
        "x", "how do I roll back a helm release?", ("Rollback",), expect_source="helm/README.md"
    )
    report = evaluate([q], engine.ask)
    assert report.hit_at(3) == 1.0


def test_query_vectors_match_sentence_transformers(model_cache):
    """The ONNX export embeds like sentence-transformers itself (at fp32; the
    int8 model's distance to it is tested in test_build_stream.py)."""
    from sentence_transformers import SentenceTransformer

    from index.embed import load_embedder, resolve_model

    real_embedder = load_embedder("all-MiniLM-L6-v2", model_cache, "fp32")

    st = SentenceTransformer(str(resolve_model("all-MiniLM-L6-v2")), device="cpu")
    texts = [
        "what replaces service-loadbalancer?",
        "MetalLB is a load-balancer implementation for bare metal Kubernetes clusters. " * 6,
        "k",
    ]
    ref = st.encode(texts, normalize_embeddings=True)
    ours = np.stack([real_embedder.embed_query(t) for t in texts])
    assert np.min(np.sum(ref * ours, axis=1)) > 0.9999
    batch, spans = real_embedder.embed_passages(texts, [[(0, len(t))] for t in texts])
    assert np.min(np.sum(ref * batch, axis=1)) > 0.9999  # padded batches too
    assert all(np.isclose(np.linalg.norm(s[0]), 1.0, atol=1e-4) for s in spans)


def test_everyday_words_the_notes_never_use_do_not_count_against_a_question(engine):
    # "idle" and "night" are not in the shipped notes, and their stems
    # ("idl", "night") are not both English words: a need asked in plain
    # words is not a question about something the notes lack...
    searcher = engine._snapshot.searcher
    plain = searcher.read("our nodes sit idle at night, can the cluster shrink by itself?")
    assert plain.absent == 0.0
    # ...while a name the notes never mention does count.
    named = searcher.read("how do I set up linkerd?")
    assert named.absent == dict(named.weighted)["linkerd"] > 0
    assert "linkerd" in named.unknown


def test_chat_shorthand_and_prefixed_words_are_not_names_the_notes_lack(engine):
    # "ppl", "devs" and "misconfigured" are everyday language, however the
    # model splits them: asking with them is not asking about something new.
    searcher = engine._snapshot.searcher
    casual = searcher.read("how do ppl stop devs from shipping misconfigured webhooks?")
    assert casual.unknown == () and casual.absent == 0.0
    named = searcher.read("how do ppl stop devs from shipping misconfigured linkerd proxies?")
    assert named.unknown == ("linkerd",)


def test_names_in_the_story_around_the_ask_do_not_count_as_unknown(engine):
    searcher = engine._snapshot.searcher
    # Where the asker is ("on EKS, with ASGs") is not what they ask about...
    story = searcher.read("we run EKS with ASGs. how do nodes get added when pods are pending?")
    assert story.unknown == ()
    # ...but a name in the ask itself is.
    asked = searcher.read("how do I add nodes on EKS when pods are pending?")
    assert asked.unknown == ("eks",)
    # Without a "?", the last sentence asks.
    said = searcher.read(
        "kube-dns keeps getting OOMKilled. want its memory limits raised with size"
    )
    assert said.unknown == ()
