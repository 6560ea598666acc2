"""Block Kit builders, by structure (no Slack)."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

import pytest

from bot.slack import blocks
from bot.slack.text import clip, escape, link
from index.domain import Answer, Block, Category, Citation, Project, Section

from .fake_engine import ANNOUNCE, CATEGORIES, HUGE, LOADBALANCER, ROOT

CITE = Citation(
    title="(deprecated) service-loadbalancer",
    path=("k8s-projects", "Network", "(deprecated) service-loadbalancer"),
    source="k8s-projects/README.md",
    line=525,
    score=0.9,
    url="https://github.com/org/notes/blob/main/k8s-projects/README.md#L525",
    section_id=LOADBALANCER.id,
)
FOUND = Answer(
    question="what replaces <!channel> service-loadbalancer?",
    found=True,
    text="deprecated in favor of ingress & <b>friends</b>; ping <@U0123ABC>",
    citations=(
        CITE,
        Citation(
            "ingress", ("k8s-projects", "Network", "ingress"), "k8s-projects/README.md", 488, 0.5
        ),
    ),
    deprecated=True,
    replaced_by="ingress",
)
NOT_FOUND = Answer(question="sourdough <!here>?", found=False, text="This is not in the notes.")


def all_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def section_texts(bs: list[dict[str, Any]]) -> list[str]:
    return [b["text"]["text"] for b in bs if b["type"] == "section"]


def test_an_answer_has_text_citations_and_feedback_buttons_in_that_order() -> None:
    reply = blocks.answer_message(FOUND, answer_id="a1")
    kinds = [b["type"] for b in reply.blocks]
    assert kinds[0] == "section" and kinds[-1] == "actions"
    assert reply.blocks[0]["text"]["text"] == (
        "deprecated in favor of ingress &amp; &lt;b&gt;friends&lt;/b&gt;; ping &lt;@U0123ABC&gt;"
    )
    cites = [b for b in reply.blocks if b.get("accessory")]
    assert len(cites) == 2
    assert cites[0]["text"]["text"] == (
        "*<https://github.com/org/notes/blob/main/k8s-projects/README.md#L525|"
        "k8s-projects › Network › (deprecated) service-loadbalancer>*\n`k8s-projects/README.md:525`"
    )
    assert (
        cites[1]["text"]["text"]
        == "*k8s-projects › Network › ingress*\n`k8s-projects/README.md:488`"
    )
    assert [c["accessory"]["action_id"] for c in cites] == [
        "notes_show_section_0",
        "notes_show_section_1",
    ]
    ref = json.loads(cites[0]["accessory"]["value"])
    assert ref == {"i": LOADBALANCER.id}
    votes = [json.loads(e["value"]) for e in reply.blocks[-1]["elements"]]
    assert [v["v"] for v in votes] == ["up", "down"]
    assert votes == [{"a": "a1", "v": "up"}, {"a": "a1", "v": "down"}]  # no question
    assert any("deprecated" in t and "*ingress*" in t for t in [all_text(b) for b in reply.blocks])


def test_the_fallback_text_is_plain_and_escaped() -> None:
    reply = blocks.answer_message(FOUND, answer_id="a1")
    assert reply.text.startswith("deprecated in favor of ingress &amp; &lt;b&gt;")
    assert (
        "Sources: k8s-projects › Network › (deprecated) service-loadbalancer "
        "(k8s-projects/README.md:525)" in reply.text
    )
    assert not re.search(r"<[!@#]", reply.text)


def test_not_found_lists_the_categories_and_cites_nothing() -> None:
    reply = blocks.answer_message(NOT_FOUND, answer_id="a2", categories=CATEGORIES, command="/kb")
    text = all_text(reply.blocks)
    assert "Not in the notes" in text
    assert "sourdough &lt;!here&gt;?" in text
    assert "*Application*, *Developer*, *Network*, *Storage*" in text
    assert "`/kb list <category>`" in text
    assert "accessory" not in text and "README" not in text
    assert reply.blocks[-1]["block_id"] == blocks.FEEDBACK_BLOCK_ID


def test_not_found_offers_the_nearest_sections_with_their_buttons() -> None:
    near = replace(NOT_FOUND, nearest=(CITE, FOUND.citations[1]))
    reply = blocks.answer_message(near, answer_id="a2", categories=CATEGORIES)
    kinds = [b["type"] for b in reply.blocks]
    assert kinds[0] == "section" and "Not in the notes" in reply.blocks[0]["text"]["text"]
    assert kinds[1] == "context" and "nearest sections" in all_text(reply.blocks[1])
    rows = [b for b in reply.blocks if b.get("accessory")]
    assert [r["accessory"]["action_id"] for r in rows] == [
        f"{blocks.ACTION_SHOW_SECTION}_0",
        f"{blocks.ACTION_SHOW_SECTION}_1",
    ]
    assert "README.md:525" in rows[0]["text"]["text"] and "README.md:488" in rows[1]["text"]["text"]
    assert "*Network*" in all_text(reply.blocks)  # browsing is still offered
    assert reply.blocks[-1]["block_id"] == blocks.FEEDBACK_BLOCK_ID
    # Notifications and screen readers get them too, never as sources of an answer.
    assert "Not in the notes" in reply.text and "(k8s-projects/README.md:525)" in reply.text
    assert "Sources:" not in reply.text


def test_button_values_stay_under_slacks_limit_for_long_questions() -> None:
    answer = Answer(question="why " * 2000, found=True, text="x", citations=(CITE,) * 3)
    reply = blocks.answer_message(answer, answer_id="a3")
    for b in reply.blocks:
        for e in [*b.get("elements", []), b.get("accessory") or {}]:
            if "value" in e:
                assert len(e["value"]) <= 2000
                json.loads(e["value"])  # still whole


def test_many_citations_fit_in_fifty_blocks_and_keep_the_buttons() -> None:
    answer = Answer(question="q", found=True, text="t", citations=(CITE,) * 80)
    reply = blocks.answer_message(answer, answer_id="a4")
    assert len(reply.blocks) == 50
    assert reply.blocks[-1]["type"] == "actions"
    assert "cut to fit" in all_text(reply.blocks[-2])


def test_thanks_replace_the_buttons_once() -> None:
    original = blocks.answer_message(FOUND, answer_id="a1").blocks
    once = blocks.with_thanks(original, "UCLICK01", "up")
    twice = blocks.with_thanks(once, "UCLICK02", "down")
    assert not any(b["type"] == "actions" for b in once)
    assert all_text(once[-1]).count("<@UCLICK01>") == 1
    assert len(twice) == len(once)
    assert "<@UCLICK02>" in all_text(twice[-1]) and "<@UCLICK01>" not in all_text(twice)
    assert (
        blocks.with_thanks(original, "<!channel>", "up")[-1]["elements"][0]["text"].count("<") == 0
    )


def test_categories_count_entries_and_link_when_there_is_a_url() -> None:
    reply = blocks.catalog_page(ROOT, "/notes")
    text = "\n".join(section_texts(reply.blocks))
    assert "*The notes have 4 categories* (7 entries in all):" in text
    assert (
        "• *<https://notes.example.com/blob/main/k8s-projects/README.md#L409|Network>*: 3 entries"
        in text
    )
    assert "Network: 3 entries" in reply.text
    single = Category("Solo", "a.md", 1, (Project("one", "a.md", 2),), path=("Solo",))
    top = Category("notes", "", 0, categories=(single,))
    assert "• *Solo*: 1 entry" in all_text(blocks.catalog_page(top, "/notes").blocks)


def test_a_category_marks_deprecated_and_link_only_projects() -> None:
    network = CATEGORIES[2]
    reply = blocks.catalog_page(network, "/notes")
    lines = section_texts(reply.blocks)[1].splitlines()
    assert lines[0].endswith("|antrea>")
    assert lines[1].endswith("|ingress> _(see its own note)_")
    assert lines[2].endswith("|service-loadbalancer> :warning: _deprecated_")
    assert "(3 entries, 1 deprecated)" in section_texts(reply.blocks)[0]


def test_a_section_shows_prose_and_code_escaped() -> None:
    reply = blocks.section_message(ANNOUNCE, "https://x.test/a#L240")
    text = "\n".join(section_texts(reply.blocks))
    assert text.startswith("*<https://x.test/a#L240|k8s-projects › Developer › announcements>*")
    assert "Use &lt;!channel&gt; only for outages &amp; ask &lt;@U0123ABC&gt; first" in text
    assert "```\nkubectl get pods | grep &lt;name&gt; &amp;&amp; echo '&lt;!here&gt;'\n```" in text


def test_a_huge_section_is_cut_with_a_note() -> None:
    reply = blocks.section_message(HUGE)
    assert len(reply.blocks) == 50
    assert all(len(t) <= 3000 for t in section_texts(reply.blocks))
    assert "cut to fit" in all_text(reply.blocks[-1])
    assert len(reply.text) <= 3000


def test_code_holding_a_fence_does_not_end_the_code_block_early() -> None:
    s = Section("i", "a.md", ("a", "b"), "b", 2, 1, 3, (Block("code", "echo ```x```", 2),))
    text = section_texts(blocks.section_message(s).blocks)[1]
    assert text.count("```") == 2


def test_help_names_the_command_and_follow_ups_only_when_on() -> None:
    on = all_text(blocks.help_message("/kb", "UBOT0001", follow_ups=True).blocks)
    off = all_text(blocks.help_message("/kb", "UBOT0001", follow_ups=False).blocks)
    assert "`/kb categories`" in on and "`/kb list <category>`" in on
    assert "<@UBOT0001>" in on
    assert "follow-up" in on and "follow-up" not in off


@pytest.mark.parametrize(
    "text,limit",
    [("a &amp; b", 6), ("&lt;&lt;&lt;&lt;", 7), ("plain text here", 8), ("&amp;" * 1000, 3000)],
)
def test_clip_never_cuts_inside_an_entity(text: str, limit: int) -> None:
    cut = clip(text, limit)
    assert len(cut) <= limit
    assert not re.search(r"&[a-z]*$", cut.rstrip("…"))


def test_escape_and_links() -> None:
    assert escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"
    assert link("https://x.test/a b|c>d?q=1&r=2", "a|b <c>") == (
        "<https://x.test/a%20b%7Cc%3Ed?q=1&amp;r=2|a¦b &lt;c&gt;>"
    )


def test_an_answer_shows_its_snippet_as_code_with_the_sentence_before_it() -> None:
    from index.domain import AnswerPart

    parts = (
        AnswerPart("text", "To set `main` as the default, run the following command:"),
        AnswerPart("code", "$ git config --global init.defaultBranch main\n<enter>"),
    )
    answer = Answer("how?", True, "unused", (CITE,), parts=parts)
    texts = section_texts(blocks.answer_message(answer, answer_id="a1").blocks)
    assert texts[0] == escape(parts[0].text)
    assert texts[1] == "```\n$ git config --global init.defaultBranch main\n&lt;enter&gt;\n```"


def test_a_long_snippet_is_clipped_to_one_section_under_the_limit() -> None:
    from index.domain import AnswerPart

    code = "\n".join(f"echo line {n} && true" for n in range(400))
    answer = Answer("how?", True, code, (CITE,), parts=(AnswerPart("code", code),))
    [snippet] = [
        t
        for t in section_texts(blocks.answer_message(answer, answer_id="a1").blocks)
        if t.startswith("```")
    ]
    assert snippet.endswith("…\n```") and len(snippet) <= blocks.SECTION_TEXT_MAX


def test_a_short_note_given_whole_shows_every_snippet_in_order() -> None:
    from index.domain import AnswerPart

    parts = []
    for n in range(3):
        parts += [AnswerPart("text", f"Step {n}, run:"), AnswerPart("code", f"$ step {n}")]
    parts.append(AnswerPart("text", "Then it is done."))
    answer = Answer("how?", True, "unused", (CITE,), parts=tuple(parts))
    texts = section_texts(blocks.answer_message(answer, answer_id="a1").blocks)
    shown = [t for t in texts if t.startswith("```") or t.startswith("Step") or "done" in t]
    assert shown == [
        "Step 0, run:",
        "```\n$ step 0\n```",
        "Step 1, run:",
        "```\n$ step 1\n```",
        "Step 2, run:",
        "```\n$ step 2\n```",
        "Then it is done.",
    ]
