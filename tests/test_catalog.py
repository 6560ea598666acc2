"""The catalog: categories and entries that follow the folders and headings
of any notes folder, found forgivingly, and questions about it in words."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT, write_notes

from index.build import parse_corpus
from index.catalog import build_catalog, by_path_id, find_category, path_id, walk
from index.catalog_questions import catalog_answer
from index.corpus import read_corpus
from index.domain import Answer, Category, Section

SHARED = Path(os.environ.get("NOTESBOT_TEST_SHARED") or ROOT.parent / "shared")
TIL = SHARED / "corpora" / "til"
SYSTEM_DESIGN = SHARED / "corpora" / "system-design"

NESTED = {
    "README.md": "# Team notes\n\nWhat the team knows.\n\n## Contents\n\n- [ops](ops/)\n"
    "- [dev](dev/)\n",
    "ops/README.md": "# Operations\n\nRunbooks and on-call.\n",
    "ops/backups.md": "# Backups\n\nNightly, to the bucket.\n",
    "ops/on-call.md": "# On-call\n\nWho answers.\n\n## Paging\n\nPage the primary.\n\n"
    "## Escalation\n\nThen the secondary.\n\n### Level 1\n\nThe team.\n\n### Level 2\n\n"
    "The managers.\n\n#### Deep\n\nNot listed on its own.\n",
    "ops/old-vpn.md": "# Old VPN\n\nStatus: deprecated, replaced by WireGuard.\n",
    "ops/db/postgres.md": "# PostgreSQL\n\nVacuum nightly.\n",
    "ops/db/mysql.md": "Just a line about mysql, no heading.\n",
    "dev/index.md": "# dev\n\nHow we build things.\n\n## Style\n\nBlack.\n\n## Reviews\n\n"
    "Two approvals.\n",
    "dev/git.md": "# Git\n\nRebase, don't merge.\n",
    "dev/only-readme/README.md": "# Only a README\n\nA folder with just this note.\n",
    **{f"dev/lots/n{i:02d}.md": f"# Lot {i:02d}\n\nText {i}.\n" for i in range(30)},
}


def catalog_of(root: Path) -> tuple[Category, dict[str, Section]]:
    sections = parse_corpus(read_corpus(root))
    return build_catalog(sections, None, root.name), {s.id: s for s in sections}


def names(category: Category) -> tuple[list[str], list[str]]:
    return [c.name for c in category.categories], [p.name for p in category.projects]


@pytest.fixture(scope="module")
def shipped() -> tuple[Category, dict[str, Section]]:
    return catalog_of(CORPUS)


@pytest.fixture(scope="module")
def nested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Category, dict[str, Section]]:
    return catalog_of(write_notes(tmp_path_factory.mktemp("nested") / "notes", NESTED))


def ask(question: str, catalog: tuple[Category, dict[str, Section]]) -> Answer | None:
    root, sections = catalog
    return catalog_answer(question, root, tuple(walk(root)), sections.get)


# --------------------------------------------------------------------------- building


def test_the_shipped_notes_keep_their_11_categories_and_projects(shipped) -> None:
    root, sections = shipped
    assert root.name == "k8s-projects"  # the notes folder holds one folder: browsed from inside
    h1s = [s.title for s in sections.values() if s.level == 1]
    assert len(h1s) == 11 and [c.name for c in root.categories] == h1s
    assert root.projects == ()
    network = root.categories[6]
    assert (network.source, network.line, network.path) == (
        "k8s-projects/README.md",
        409,
        ("Network",),
    )
    by_name = {p.name: p for p in network.projects}
    assert list(by_name)[:3] == ["antrea", "multus-cni", "metallb"]
    assert by_name["ingress"].link_only and not by_name["antrea"].link_only
    lb = by_name["(deprecated) service-loadbalancer"]
    assert lb.deprecated and lb.replaced_by == "ingress controller" and lb.line == 525
    assert root.size == sum(len(c.projects) for c in root.categories)


def test_folders_nest_notes_are_entries_and_a_readme_describes_its_folder(nested) -> None:
    root, _ = nested
    assert root.name == "notes"
    assert root.description == "Team notes — What the team knows."
    # The README's "Contents" only links to the folders: not an entry of its own.
    assert names(root) == (["dev", "ops"], [])
    dev, ops = root.categories
    assert ops.description == "Operations — Runbooks and on-call."  # its README
    assert names(ops) == (["db", "On-call"], ["Backups", "Old VPN"])
    db, on_call = ops.categories
    assert db.path == ("ops", "db")
    assert names(db) == ([], ["mysql", "PostgreSQL"])  # a note without a heading: its name
    # A note with several headings is a category of them; a heading with
    # sub-headings lists those; nothing deeper.
    assert names(on_call) == (["Escalation"], ["Paging"])
    assert on_call.description == "Who answers."
    assert names(on_call.categories[0]) == ([], ["Level 1", "Level 2"])
    assert on_call.categories[0].path == ("ops", "On-call", "Escalation")
    old = ops.projects[1]
    assert old.deprecated and old.replaced_by == "WireGuard"
    # dev/index.md's headings are dev's own; a folder with only a README is that note.
    assert names(dev) == (["lots"], ["Style", "Reviews", "Git", "Only a README"])
    assert dev.description == "How we build things."
    assert dev.categories[0].size == 30
    assert (ops.size, dev.size, root.size) == (2 + 3 + 2, 4 + 30, 41)


def test_a_folder_holding_one_folder_is_browsed_from_inside_it(tmp_path: Path) -> None:
    notes = write_notes(tmp_path / "notes", {"team/a.md": "# A\n\nx.\n", "team/b.md": "# B\n"})
    root, _ = catalog_of(notes)
    assert root.name == "team" and root.path == ()
    assert names(root) == ([], ["A", "B"])


def test_the_same_category_in_a_folder_and_a_heading_is_one(tmp_path: Path) -> None:
    notes = write_notes(
        tmp_path / "notes",
        {
            "README.md": "# Network\n\n## antrea\n\nx.\n\n# Storage\n\n## trident\n\ny.\n",
            "network/cilium.md": "# cilium\n\neBPF.\n",
        },
    )
    root, _ = catalog_of(notes)
    assert names(root) == (["Network", "Storage"], [])
    assert names(root.categories[0]) == ([], ["antrea", "cilium"])


def test_til_shows_its_topic_folders_with_their_note_counts() -> None:
    if not TIL.is_dir():
        pytest.skip("../shared/corpora/til is not on this machine")
    root, _ = catalog_of(TIL)
    folders = sorted(p.name for p in TIL.iterdir() if p.is_dir() and not p.name.startswith("."))
    assert sorted(c.name for c in root.categories) == folders
    git = next(c for c in root.categories if c.name == "git")
    assert git.size == len(list((TIL / "git").glob("*.md")))
    assert "Accessing A Lost Commit" in {p.name for p in git.projects}
    # The README's per-topic link lists and its "Categories" anchors are not entries.
    assert not {"Categories", "Git", "JavaScript", "Other TIL Collections"} & {
        p.name for p in root.projects
    }


def test_system_design_shows_the_readme_sections_and_the_solutions_folder() -> None:
    if not SYSTEM_DESIGN.is_dir():
        pytest.skip("../shared/corpora/system-design is not on this machine")
    root, _ = catalog_of(SYSTEM_DESIGN)
    cats, entries = names(root)
    assert {"Cache", "Database", "solutions"} <= set(cats)
    assert "Performance vs scalability" in entries
    twitter = find_category(tuple(walk(root)), "solutions/system_design/twitter")
    assert twitter is not None and twitter.path == ("solutions", "system_design", "twitter")


# --------------------------------------------------------------------------- finding


@pytest.mark.parametrize(
    "query,path",
    [
        ("Network", ("Network",)),
        ("NETWORK", ("Network",)),
        ("networks", ("Network",)),  # plural
        ("networking", ("Network",)),  # an ending
        ("net", ("Network",)),  # a start
        ("dr", ("Cluster & DR",)),  # the start of a word
        ("cluster & dr", ("Cluster & DR",)),
        ("securty", ("Security",)),  # a slip
        ("  insight   & scaling ", ("Insight & Scaling",)),
    ],
)
def test_find_a_category_forgivingly(shipped, query: str, path: tuple[str, ...]) -> None:
    root, _ = shipped
    found = find_category(tuple(walk(root)), query)
    assert found is not None and found.path == path


@pytest.mark.parametrize("query", ["cooking", "", "   ", "x"])
def test_nothing_is_found_for_what_no_category_is_called(shipped, query: str) -> None:
    assert find_category(tuple(walk(shipped[0])), query) is None


def test_find_prefers_the_shallow_and_the_exact(nested) -> None:
    flat = tuple(walk(nested[0]))
    assert find_category(flat, "ops").path == ("ops",)
    assert find_category(flat, "ops/db").path == ("ops", "db")
    assert find_category(flat, "escalation").path == ("ops", "On-call", "Escalation")
    assert find_category(flat, "on call").path == ("ops", "On-call")


def test_a_category_is_found_again_by_the_id_of_its_path(nested) -> None:
    root, _ = nested
    for category in (root, *walk(root)):
        assert by_path_id(root, path_id(category.path)) is category
    assert by_path_id(root, "0" * 12) is None


# --------------------------------------------------------------------------- questions


@pytest.mark.parametrize(
    "question",
    [
        "list the networking projects",
        "which networking projects do the notes cover?",
        "What is in the Network category?",
        "what do the notes say about networking?",
        "Could you show me the network projects, please?",
    ],
)
def test_a_category_asked_for_in_words_is_answered_with_its_entries(shipped, question) -> None:
    a = ask(question, shipped)
    assert a is not None and a.found
    assert a.text.startswith("The notes list 12 projects under Network:") or (
        a.text.startswith("The notes list 12 entries under Network:")
    )
    network = find_category(tuple(walk(shipped[0])), "Network")
    assert [p.text for p in a.parts if p.kind == "item"] == [
        p.name
        + (f" (deprecated; replaced by {p.replaced_by})" if p.replaced_by else "")
        + (" (deprecated)" if p.deprecated and not p.replaced_by else "")
        for p in network.projects
    ]
    c = a.citations[0]
    assert (c.title, c.source, c.line) == ("Network", "k8s-projects/README.md", 409)
    assert c.section_id  # "Show section" works on it


def test_which_projects_are_deprecated_lists_them_with_what_replaces_them(shipped) -> None:
    a = ask("which projects are deprecated?", shipped)
    assert a is not None and a.found
    deprecated = [p for c in walk(shipped[0]) for p in c.projects if p.deprecated]
    assert a.text.startswith(f"The notes mark {len(deprecated)} projects as deprecated:")
    assert "- service-loadbalancer (Network): replaced by ingress controller" in a.text
    assert all(c.title.startswith("(deprecated)") for c in a.citations)
    scoped = ask("which networking projects are deprecated?", shipped)
    assert scoped is not None
    assert [p.text for p in scoped.parts if p.kind == "item"] == [
        "service-loadbalancer: replaced by ingress controller",
        "cni-genie",
    ]


def test_a_long_category_names_the_first_entries_and_how_to_see_the_rest(nested) -> None:
    a = ask("list the lots notes", nested)
    assert a is not None
    items = [p.text for p in a.parts if p.kind == "item"]
    assert items == [f"Lot {i:02d}" for i in range(15)]
    assert a.text.endswith("… and 15 more: `list lots` shows them all.")
    assert a.text.startswith("The notes list 30 notes under dev › lots:")
    # A folder without a README of its own: its first notes are cited.
    assert [c.title for c in a.citations] == ["Lot 00", "Lot 01", "Lot 02"]


@pytest.mark.parametrize(
    "question",
    [
        "how do I seal a secret?",
        "what is kyverno?",
        "what replaces service-loadbalancer?",
        "what was resorcerer?",
        "is ksonnet deprecated?",
        "list pods in a namespace",
        "show me how to roll back a helm release",
        "which certificate sources does cert-manager support?",
        "what do the notes say about cooking?",
        "which tools do we have for backups?",
        "network",
    ],
)
def test_other_questions_are_left_to_search(shipped, question: str) -> None:
    assert ask(question, shipped) is None


def test_deprecated_questions_where_nothing_is_deprecated_are_left_to_search(nested) -> None:
    assert ask("which notes are deprecated under dev?", nested) is None
    a = ask("what is deprecated?", nested)
    assert a is not None and "Old VPN (ops): replaced by WireGuard" in a.text


@pytest.mark.model
def test_the_engine_answers_catalog_questions_before_searching(engine) -> None:
    a = engine.ask("which projects are deprecated?")
    assert a.found and "service-loadbalancer (Network): replaced by ingress controller" in a.text
    b = engine.ask("how do I seal a secret?")
    assert b.citations[0].title == "sealed-secrets"
    assert engine.catalog().categories == engine.categories()
    assert engine.find_category("securty").name == "Security"
