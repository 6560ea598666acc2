"""How questions and notes are read: intents, spelling, sentences, tables,
links and figures (no model)."""

from __future__ import annotations

import re

import pytest

from index.acronyms import acronyms_of, spelt_out
from index.intent import COMPARE, DEFINE, HOWTO, LIST, OTHER, intent_of
from index.markdown import parse_note
from index.sentences import split_sentences
from index.spelling import Speller
from index.text import asked_parts
from index.words import everyday


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("how do I seal a secret?", HOWTO),
        ("Is there something quicker to type than --force?", HOWTO),
        ("dropdb fails with 'database is being accessed by other users'", HOWTO),
        ("What's the Vim command to convert tabs into spaces?", HOWTO),
        ("what's the safest way to do canary deploys?", HOWTO),
        ("there are hundreds of commits, what's the fastest way to find the bad one?", HOWTO),
        ("what's the MFU of our run?", DEFINE),
        ("what is kubecarrier?", DEFINE),
        ("can someone explain the cache-aside pattern?", DEFINE),
        ("metallb", DEFINE),
        ("layer 4 vs layer 7 load balancing", COMPARE),
        ("for realtime game state, should we go UDP or TCP?", COMPARE),
        ("which tools check my cluster against best practices?", LIST),
        ("how does the amazon vpc cni assign pod IPs?", OTHER),
        ("is that expected when replicas fall behind?", OTHER),
    ],
)
def test_the_kind_of_answer_a_question_wants(question, intent):
    assert intent_of(question) == intent


def test_misspellings_of_the_notes_words_are_corrected_and_nothing_else():
    notes = [["graph", "database", "available", "install", "kubecarrier", "how"]]
    speller = Speller(notes, known_whole=lambda w: w in {"bake", "bread"})
    assert speller.correct("grpah") == "graph"
    assert speller.correct("databse") == "database"
    assert speller.correct("availble") == "available"
    assert speller.correct("hwo") == "how"
    assert speller.correct("kubecarier") == "kubecarrier"
    assert speller.correct("bake") is None  # an everyday word the notes don't use
    assert speller.correct("linkerd") is None  # a name the notes don't have
    assert speller.correct("xnstall") is None  # the first letter is kept by a slip
    # A three-letter word as written is not a slip of a question word.
    words_known = Speller(notes, known_whole=lambda w: w in {"add"})
    assert words_known.correct("add") is None and words_known.correct("adn") == "and"


def test_a_name_written_out_is_read_as_the_initials_the_notes_use():
    notes = acronyms_of(["Pod networking using OVS", "runs on ACI and EKS", "the SQL"])
    assert notes == {"OVS", "ACI", "EKS", "SQL"}

    def read(question: str) -> list[tuple[str, str]]:
        return [(question[s:e], a) for s, e, a in spelt_out(question, notes)]

    assert read("a CNI built on Open vSwitch?") == [("Open vSwitch", "OVS")]
    assert read("pods on Azure Container Instances, please") == [
        ("Azure Container Instances", "ACI")
    ]
    # Lower-case words spell acronyms by chance; a question that uses the
    # initials itself needs nothing more.
    assert read("the server query layer") == []
    assert read("Open vSwitch (OVS) bridges") == []
    assert read("Open the vSwitch") == []  # not one run of capitalised words


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        (
            "how can i shuffle the tests, and then replay the exact order that failed?",
            ["how can i shuffle the tests", "replay the exact order that failed?"],
        ),
        (
            "what is denormalization and why would we do it?",
            ["what is denormalization", "why would we do it?"],
        ),
        (
            "what's a materialized view? which databases support them?",
            ["what's a materialized view?", "which databases support them?"],
        ),
        # One thing asked, with "and" inside it or a story before it.
        ("how do I copy and paste between tmux panes?", []),
        ("our nodes run out of IPs and pods stay pending. how do we fix it?", []),
    ],
)
def test_the_things_a_question_asks(question, parts):
    assert [question[a:b].strip() for a, b in asked_parts(question)] == parts


def test_a_doubled_letter_slip_wins_over_a_commoner_word_as_near():
    notes = [["metal", "bare"], ["metal", "hosts"], ["metallb", "metal"]]
    speller = Speller(notes, known_whole=lambda w: False)
    # "metal" + "b" and "metallb" less an "l" are both one slip away; the
    # notes use "metal" more, but a doubled letter typed once is the likelier slip.
    assert speller.correct("metalb") == "metallb"
    assert speller.correct("metl") == "metal"


def test_shorthand_is_read_as_the_word_the_notes_use():
    speller = Speller([["downtime", "per", "year"], ["repo", "day"]], known_whole=lambda w: False)
    assert speller.correct("yr") == "year"
    assert speller.correct("repo") is None  # the notes use the shorthand itself
    assert speller.correct("wk") is None  # nor "week": nothing to read it as


def test_shorthand_the_notes_also_use_counts_the_word_it_stands_for_too():
    speller = Speller([["press", "esc"], ["remove", "delay", "escape", "key"]], lambda w: False)
    assert speller.correct("esc") is None  # the notes use it: left as written
    assert speller.spelt_out("esc") == "escape"  # and searched as "escape" as well
    assert speller.spelt_out("yr") is None  # the notes never say "year"


def test_everyday_words_are_not_names():
    assert everyday("reboot") and everyday("footer") and everyday("untyped")
    assert everyday("50k")
    assert not everyday("linkerd") and not everyday("sidekiq")


def test_dots_in_code_spans_do_not_end_a_sentence():
    text = "This will update your `.gitconfig` file now. Then `2 != 4` shows up! Done here."
    assert [s for _, s in split_sentences(text)] == [
        "This will update your `.gitconfig` file now. ",
        "Then `2 != 4` shows up! ",
        "Done here.",
    ]


def test_tables_read_by_row_links_and_figures_by_kind():
    md = (
        "# Notes\n\n## Availability\n\n"
        '<p align="center"><img src="x.png"><br/>'
        '<i><a href="https://x">Source: a blog</a></i></p>\n\n'
        "| Duration | Downtime |\n|---|---|\n| per year | 52min 35.7s |\n| per day | 8.6s |\n\n"
        "Uses `kubectl` to check.\n\n* [Further reading](https://example.com/read)\n"
    )
    [_, sec] = parse_note("n.md", md)
    kinds = [(b.kind, b.text) for b in sec.blocks]
    assert kinds == [
        ("figure", "Source: a blog"),
        ("text", "Duration | Downtime"),
        ("item", "per year | 52min 35.7s"),
        ("item", "per day | 8.6s"),
        ("text", "Uses `kubectl` to check."),
        ("link", "Further reading"),
    ]


def test_sentences_are_found_back_in_the_text_as_pysbd_finds_them():
    """The segmenter finds sentences without a regular expression each; the
    offsets and sentences must be pysbd's own, repeated sentences included."""
    import pysbd
    from conftest import CORPUS

    from index import sentences

    texts = [
        "Restart it. Restart it.  Restart it.\tThen check the logs again, e.g. with kubectl.",
        "The steps are 1) drain the node 2) upgrade it and 3) uncordon it. Done.",
        "See https://example.com/a.b?c=d for v1.2.3 notes. It's fine! Really?",
    ]
    for note in CORPUS.rglob("*.md"):
        for section in parse_note(note.name, note.read_text(encoding="utf-8")):
            texts += [b.text for b in section.blocks if b.kind in ("text", "item")]
    ours = [split_sentences(t) for t in texts]
    sentences._local.seg = pysbd.Segmenter(language="en", clean=False, char_span=True)
    try:
        assert ours == [split_sentences(t) for t in texts]
    finally:
        sentences._local.seg = None
    assert [s for _, s in ours[0]][:3] == ["Restart it. ", "Restart it.  ", "Restart it.\t"]


@pytest.mark.parametrize(
    "text",
    [
        "It talks to the cluster API. The project is maintained by a working group.",
        "Review the change. pobridal is a proxy for replicating volumes between clusters.",
        "The tool made a new PR for me. That's it, and it's done. I've found it easier.",
        "That's it! `recent_calls` is marked as a read-only field, then shown as HTML.",
        "It worked! http://localhost:8004/ displayed the working demo page to us all.",
        'As GitHub says, "a private repository is made public. Without a doubt: the best."',
        "Talk to Dr. Smith about the upgrade. Ask Capt. Jones about the budget for it.",
        "Run it (a few times. Maybe more) and then wait. Check the logs for errors again.",
        "Steps: 1) drain the node, 2) upgrade it. Then uncordon it and watch the pods.",
        "It ships in v1.2. Use it with the U.S. servers. Then check it. Fine? Yes? Done.",
        "Use the new flag... Then restart the server and check the pods are healthy.",
    ],
)
def test_plain_sentence_ends_split_as_pysbd_splits_them(text: str) -> None:
    """Paragraphs whose stops are all plain ends of sentences skip pysbd
    (ten times faster); the split must be the one pysbd makes."""
    import pysbd

    spans = pysbd.Segmenter(language="en", clean=False, char_span=True).segment(
        re.sub(r"`[^`\n]+`", lambda m: "x" * len(m.group()), text)
    )
    assert split_sentences(text) == [(s.start, text[s.start : s.end]) for s in spans]


@pytest.mark.parametrize(
    ("snippet", "share"),
    [
        # after a prompt, the lines without one are what the command printed
        ("$ kubectl get pods -n x\nNAME   READY   STATUS\nx-1    1/1     Running", 2 / 3),
        ("mysql> set sql_safe_updates=1;", 0.0),
        # no prompt: a table is output, commands are not
        ("NAME      READY   STATUS\nweb-1     1/1     Running", 1.0),
        ("kops create cluster\nkops update cluster", 0.0),
        ("git config --global init.defaultBranch main", 0.0),
    ],
)
def test_a_snippet_tells_what_was_printed_from_what_to_type(snippet: str, share: float) -> None:
    from index.answer import output_share

    assert output_share(snippet) == pytest.approx(share)


def test_where_a_question_asks():
    from index.text import asking_span

    def ask(q: str) -> str:
        return q[slice(*asking_span(q))].strip()

    assert ask("we're on EKS. how do I add nodes? bonus if it's cheap") == "how do I add nodes?"
    assert ask("kube-dns gets OOMKilled. want its limits raised") == "want its limits raised"
    assert ask("metallb") == "metallb"
