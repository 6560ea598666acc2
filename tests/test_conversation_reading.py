"""How a follow-up refers back, and how it is made to stand on its own
(index/conversation.py), without a model: the wording alone."""

from __future__ import annotations

import pytest

from index import conversation as conv
from index.conversation import Thread, Turn, read


@pytest.mark.parametrize(
    "text,kind,detail",
    [
        ("more", conv.MORE, ""),
        ("Tell me more please", conv.MORE, ""),
        ("ok, show me more about it", conv.MORE, ""),
        ("what else?", conv.MORE, ""),
        ("and the other one?", conv.OTHER, "other"),
        ("what about the second one?", conv.OTHER, "1"),
        ("how do I install the third?", conv.OTHER, "2"),
        ("what does source 2 say", conv.OTHER, "1"),
        ("and for kube-router?", conv.ELLIPSIS, "kube-router"),
        ("what about velero?", conv.ELLIPSIS, "velero"),
        ("for kubevirt?", conv.ELLIPSIS, "kubevirt"),
        ("velero?", conv.AS_ASKED, ""),
        ("and multiple commits at once?", conv.ELLIPSIS, "multiple commits at once"),
        ("how do I install it?", conv.PRONOUN, ""),
        ("what are its components?", conv.PRONOUN, ""),
        ("and kill it?", conv.PRONOUN, ""),
        ("show me the install command", conv.REFERENCE, ""),
        # Standing on their own:
        ("what is polaris?", conv.AS_ASKED, ""),
        ("how do I copy a file from the other branch?", conv.AS_ASKED, ""),
        ("is it possible to run postgres in docker?", conv.AS_ASKED, ""),
        ("and what replaces the service loadbalancer?", conv.AS_ASKED, ""),
        ("how do I list all the databases?", conv.AS_ASKED, ""),
    ],
)
def test_how_a_message_refers_back(text: str, kind: str, detail: str) -> None:
    reading = read(text)
    assert reading.kind == kind
    assert detail in (reading.which, reading.rest)


@pytest.mark.parametrize(
    "message,subject,standalone",
    [
        ("how do I install it?", "keda", "how do I install keda?"),
        ("does it scale to zero?", "KEDA", "does KEDA scale to zero?"),
        ("how do I rename it?", "a named tmux session", "how do I rename the named tmux session?"),
        ("what are its components?", "polaris", "what are polaris components?"),
        ("it's deprecated?", "ksonnet", "ksonnet is deprecated?"),
        ("is it possible to use it with helm?", "kustomize",
         "is it possible to use kustomize with helm?"),
    ],
)  # fmt: skip
def test_a_pronoun_gives_way_to_the_subject(message: str, subject: str, standalone: str) -> None:
    assert conv._put_subject(message, subject) == standalone


@pytest.mark.parametrize(
    "earlier,subject,follow_up,standalone",
    [
        ("how do I install keda?", "keda", "and for velero?", "how do I install velero?"),
        ("what does addon-resizer do?", "addon-resizer", "and cluster autoscaler?",
         "what does cluster autoscaler do?"),
        ("how do I get the size of a table?", "the size of a table", "and of an index?",
         "how do I get the size of an index?"),
        ("how do I install the chart for keda?", "the chart", "and for velero?",
         "how do I install the chart for velero?"),
        ("how do I cherry-pick a range of commits?", "a range of commits",
         "and multiple commits at once?", "how do I cherry-pick multiple commits at once?"),
    ],
)  # fmt: skip
def test_an_ellipsis_is_the_earlier_question_asked_again(
    earlier: str, subject: str, follow_up: str, standalone: str
) -> None:
    reading = read(follow_up)
    assert reading.kind == conv.ELLIPSIS
    assert conv._swap(earlier, subject, reading.which, reading.rest) == standalone


def test_an_ellipsis_asks_the_earlier_question_of_the_new_thing() -> None:
    earlier = Turn("show me the install command", "show me the install command for keda",
                   conv.REFERENCE, "keda", True, ("k#1",), "k#1")  # fmt: skip
    thread = Thread((earlier,))
    rewritten = conv._rewrite(thread, earlier, "and for velero?", read("and for velero?"))
    assert rewritten == "show me the install command for velero"


@pytest.mark.parametrize(
    "question,about",
    [
        ("how do I run a postgres server in docker?", "a postgres server in docker"),
        ("how to clear the screen in psql", "the screen in psql"),
        ("what is keda?", "keda"),
        ("what does addon-resizer do?", "addon-resizer"),
        ("why is the build slow?", ""),
    ],
)
def test_what_a_question_asks_about(question: str, about: str) -> None:
    assert conv._asked_about(question) == about


def test_a_name_is_kept_as_the_question_wrote_it() -> None:
    assert conv._as_written("How does KEDA scale?", "keda") == "KEDA"
    assert conv._as_written("kyverno vs k-rail?", "k-rail") == "k-rail"
    assert conv._as_written("what is helm?", "keda") == ""


def test_a_thread_is_plain_json_and_a_bad_record_starts_afresh() -> None:
    turn = Turn("what is keda?", "what is keda?", "", "keda", True, ("a#1", "b#2"), "a#1",
                (("a#1", 0), ("a#1", 2)))  # fmt: skip
    thread = Thread().add(turn)
    assert Thread.from_json(thread.to_json()) == thread
    assert Thread.from_json({"turns": [{"asked": 1}]}) == Thread()
    assert Thread.from_json(None) == Thread()


def test_a_thread_keeps_its_last_turns_only() -> None:
    thread = Thread()
    for n in range(conv.MAX_TURNS + 3):
        thread = thread.add(Turn(f"q{n}", f"q{n}", "", "", False))
    assert len(thread.turns) == conv.MAX_TURNS
    assert thread.turns[-1].asked == f"q{conv.MAX_TURNS + 2}"


def test_the_context_note_names_the_section_and_the_earlier_subject() -> None:
    context = conv.Context(conv.PRONOUN, "does keda scale to zero?", "KEDA", "what is keda?",
                           ("keda", "ScaledObject", "Cooldown"))  # fmt: skip
    assert context.note() == (
        "From keda › ScaledObject › Cooldown, continuing from your question about KEDA "
        "(read as “does keda scale to zero?”)"
    )
