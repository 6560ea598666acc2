"""The chunker, on the shipped notes and on tricky Markdown."""

from __future__ import annotations

from conftest import CORPUS

from index.markdown import parse_note, resolve_link, section_text

README = (CORPUS / "k8s-projects" / "README.md").read_text(encoding="utf-8")


def by_title(sections, title):
    [hit] = [s for s in sections if s.title == title]
    return hit


# --------------------------------------------------------------------------- the shipped notes


def test_shipped_notes_have_categories_and_projects_with_their_lines():
    sections = parse_note("k8s-projects/README.md", README)
    categories = [s.title for s in sections if s.level == 1]
    assert categories == [
        "Application",
        "Developer",
        "Templating & Packaging",
        "Scheduling",
        "Insight & Scaling",
        "Storage",
        "Network",
        "Security",
        "Node & Resource",
        "Cluster & DR",
        "Virtualization",
    ]
    slb = by_title(sections, "(deprecated) service-loadbalancer")
    assert slb.path == ("k8s-projects", "Network", "(deprecated) service-loadbalancer")
    assert slb.start_line == 525
    assert README.splitlines()[slb.start_line - 1] == "## (deprecated) service-loadbalancer"
    assert slb.deprecated and slb.replaced_by == "ingress controller"
    assert "deprecated in favor of ingress controller" in " ".join(section_text(slb).split())


def test_doctoc_table_of_contents_is_not_a_section_and_not_content():
    sections = parse_note("k8s-projects/README.md", README)
    assert all("Table of Contents" not in section_text(s) for s in sections)
    assert sections[0].title == "Application"  # the first real heading
    assert sections[0].start_line > 70


def test_hash_lines_in_code_fences_are_not_headings():
    sections = parse_note("k8s-projects/README.md", README)
    titles = {s.title for s in sections}
    assert not titles & {"install", "seal it", "create a secret file", "find the managed secret"}
    sealed = by_title(sections, "sealed-secrets")
    code = "\n".join(b.text for b in sealed.blocks if b.kind == "code")
    assert "# seal it" in code and "kubeseal --format yaml" in code


def test_details_blocks_date_lines_and_reference_labels_stay_content():
    sections = parse_note("k8s-projects/README.md", README)
    app = by_title(sections, "application")
    text = section_text(app)
    assert "Application Example" in text  # <details><summary>
    assert "kind: Application" in text  # the fence inside <details>
    assert "However, it does aggregate" in text  # prose after </details>
    operatorkit = by_title(sections, "(deprecated) operatorkit")
    assert "Date: 07/28/2017" in section_text(operatorkit)
    assert "References" in section_text(operatorkit)
    assert "References" not in {s.title for s in sections}


def test_link_only_sections_are_recognised():
    sections = parse_note("k8s-projects/README.md", README)
    helm = by_title(sections, "helm")
    assert helm.is_link_only and helm.link_target == "./helm"
    assert not by_title(sections, "kubecarrier").is_link_only
    assert not by_title(sections, "antrea").is_link_only  # has a link, and prose


def test_indented_fence_in_a_list_keeps_its_yaml_in_the_section():
    sections = parse_note("k8s-projects/README.md", README)
    vip = by_title(sections, "keepalived-vip")
    code = [b for b in vip.blocks if b.kind == "code"]
    assert code and "vip-configmap" in code[0].text
    assert vip.start_line < code[0].line <= vip.end_line


# --------------------------------------------------------------------------- tricky Markdown


def test_nested_list_with_fence_and_hash_lines():
    md = (
        "# Tool\n\n## Setup\n\n- step one\n  ```sh\n  # not a heading\n  run --it\n  ```\n"
        "- step two\n\n## Next\n\ntext\n"
    )
    sections = parse_note("tool.md", md)
    assert [s.title for s in sections] == ["Tool", "Setup", "Next"]
    setup = by_title(sections, "Setup")
    assert "# not a heading" in section_text(setup)
    assert setup.path == ("Tool", "Setup")  # single leading H1 = the note's title


def test_heading_with_link_and_markup_reads_as_plain_text():
    md = (
        "# Notes\n\n## [Setters](https://example.com/setters)\n\nuse `kpt fn`\n\n"
        "## **Bold** `code`\n\nx\n"
    )
    titles = [s.title for s in parse_note("n.md", md)]
    assert titles == ["Notes", "Setters", "Bold code"]


def test_note_without_headings_is_one_section_named_after_the_file():
    [s] = parse_note("team/runbook.md", "Restart the pods with kubectl.\n\nThen check logs.\n")
    assert s.title == "runbook" and s.path == ("runbook",) and s.level == 0
    assert s.start_line == 1 and s.end_line == 3


def test_readme_is_named_after_its_folder():
    [s] = parse_note("helm/README.md", "Helm is a package manager.\n")
    assert s.title == "helm"


def test_empty_and_blank_files_have_no_sections():
    assert parse_note("empty.md", "") == []
    assert parse_note("blank.md", "\n\n   \n") == []


def test_crlf_line_endings_give_the_same_sections_and_lines():
    md = "# A\n\nalpha\n\n## B\n\nbeta\n"
    lf = parse_note("x.md", md)
    crlf = parse_note("x.md", md.replace("\n", "\r\n"))
    assert [(s.title, s.start_line, s.end_line, section_text(s)) for s in crlf] == [
        (s.title, s.start_line, s.end_line, section_text(s)) for s in lf
    ]


def test_deep_nesting_keeps_the_whole_heading_path():
    md = "# Top\n\n" + "".join(f"{'#' * n} H{n}\n\ntext {n}\n\n" for n in range(2, 7))
    sections = parse_note("deep.md", md)
    h6 = by_title(sections, "H6")
    assert h6.path == ("Top", "H2", "H3", "H4", "H5", "H6")
    # A shallower heading after a deep one pops back up.
    md2 = "# A\n\n## B\n\n### C\n\nc\n\n## D\n\nd\n"
    assert by_title(parse_note("x.md", md2), "D").path == ("A", "D")


def test_same_heading_in_several_files_stays_distinguishable():
    a = parse_note("helm/README.md", "# Helm\n\n## Overview\n\nhelm text\n")
    b = parse_note("keda/keda.md", "# KEDA\n\n## Overview\n\nkeda text\n")
    oa, ob = by_title(a, "Overview"), by_title(b, "Overview")
    assert oa.path == ("Helm", "Overview") and ob.path == ("KEDA", "Overview")
    assert oa.id != ob.id


def test_repeated_heading_in_one_file_gets_distinct_ids():
    sections = parse_note("x.md", "# A\n\n## Notes\n\none\n\n# B\n\n## Notes\n\ntwo\n")
    ids = [s.id for s in sections if s.title == "Notes"]
    assert len(set(ids)) == 2


def test_section_ids_survive_edits_elsewhere_in_the_file():
    before = parse_note("x.md", "# A\n\n## B\n\nb\n")
    after = parse_note("x.md", "intro line\n\nmore\n\n# A\n\nnew text\n\n## B\n\nb\n")
    assert by_title(before, "B").id == by_title(after, "B").id
    assert by_title(before, "B").start_line != by_title(after, "B").start_line


def test_setext_headings_and_headings_in_quotes():
    md = "Title\n=====\n\nintro\n\nPart\n----\n\n> # quoted, not a heading\n\nbody\n"
    sections = parse_note("s.md", md)
    assert [s.title for s in sections] == ["Title", "Part"]
    assert "quoted, not a heading" in section_text(by_title(sections, "Part"))


def test_deprecated_from_status_line_and_replacement():
    md = (
        "# X\n\n## old-thing\n\n*Date: 01/01/2017, deprecated*\n\n"
        "old-thing is replaced by new-thing.\n"
    )
    s = by_title(parse_note("x.md", md), "old-thing")
    assert s.deprecated and s.replaced_by == "new-thing"
    # "deprecated" in passing about something else is not a status.
    md2 = (
        "# X\n\n## virt\n\n"
        "virt uses a proxy. Note this can be deprecated in favor of RuntimeClass.\n"
    )
    assert not by_title(parse_note("x.md", md2), "virt").deprecated


def test_link_resolution_to_folder_readme_file_or_nothing():
    files = {"notes/README.md", "notes/helm/README.md", "notes/keda/keda.md", "notes/x.md"}
    assert resolve_link("notes/README.md", "./helm", files) == "notes/helm/README.md"
    assert resolve_link("notes/README.md", "./keda", files) == "notes/keda/keda.md"
    assert resolve_link("notes/README.md", "x.md#intro", files) == "notes/x.md"
    assert resolve_link("notes/README.md", "./kpt", files) is None
    assert resolve_link("notes/README.md", "../../etc/passwd", files) is None
