"""Walking the notes: bad files are skipped with the reason, never followed out."""

from __future__ import annotations

import os

import pytest
from conftest import write_notes

from index.corpus import read_corpus
from index.domain import CorpusEmpty, CorpusNotFound, NotesbotError


def test_nested_notes_are_found_in_order_and_hidden_folders_skipped(tmp_path):
    write_notes(
        tmp_path,
        {
            "README.md": "# Top\n",
            "a/b/c/deep.md": "# Deep\n",
            "a/notes.markdown": "# Other suffix\n",
            ".git/HEAD.md": "# not a note\n",
            "a/image.png": b"\x89PNG",
        },
    )
    corpus = read_corpus(tmp_path)
    assert [f.rel for f in corpus.files] == ["README.md", "a/b/c/deep.md", "a/notes.markdown"]


def test_non_utf8_and_binary_notes_are_skipped_with_the_reason(tmp_path):
    write_notes(
        tmp_path,
        {
            "good.md": "# Good\n\nfine\n",
            "latin1.md": "# Caf\xe9\n".encode("latin-1"),
            "binary.md": b"\x00\x01\x02PK",
        },
    )
    corpus = read_corpus(tmp_path)
    assert [f.rel for f in corpus.files] == ["good.md"]
    assert any("latin1.md" in s and "UTF-8" in s for s in corpus.skipped)
    assert any("binary.md" in s for s in corpus.skipped)


def test_symlink_out_of_the_corpus_is_not_followed(tmp_path):
    outside = tmp_path / "secret.md"
    outside.write_text("# Secret\n\npassword\n")
    notes = write_notes(tmp_path / "notes", {"ok.md": "# Ok\n"})
    os.symlink(outside, notes / "leak.md")
    os.symlink(notes / "ok.md", notes / "alias.md")  # inside: fine
    corpus = read_corpus(notes)
    rels = [f.rel for f in corpus.files]
    assert "leak.md" not in rels and "alias.md" in rels
    assert any("leak.md" in s and "outside" in s for s in corpus.skipped)


def test_symlinked_folder_is_not_walked(tmp_path):
    outside = write_notes(tmp_path / "elsewhere", {"x.md": "# X\n"})
    notes = write_notes(tmp_path / "notes", {"ok.md": "# Ok\n"})
    os.symlink(outside, notes / "linked-dir")
    assert [f.rel for f in read_corpus(notes).files] == ["ok.md"]


def test_missing_or_empty_corpus_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusNotFound, match="not found"):
        read_corpus(tmp_path / "nope")
    (tmp_path / "file.md").write_text("x")
    with pytest.raises(CorpusNotFound, match="not a folder"):
        read_corpus(tmp_path / "file.md")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CorpusEmpty):
        read_corpus(empty)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_note_is_an_error_naming_it(tmp_path):
    write_notes(tmp_path, {"ok.md": "# Ok\n", "locked.md": "# Locked\n"})
    (tmp_path / "locked.md").chmod(0)
    with pytest.raises(NotesbotError, match=r"locked\.md"):
        read_corpus(tmp_path)


def test_corpus_digest_changes_with_content_and_names(tmp_path):
    write_notes(tmp_path, {"a.md": "# A\n"})
    d1 = read_corpus(tmp_path).digest
    assert read_corpus(tmp_path).digest == d1
    (tmp_path / "a.md").write_text("# A\n\nmore\n")
    d2 = read_corpus(tmp_path).digest
    (tmp_path / "a.md").rename(tmp_path / "b.md")
    assert len({d1, d2, read_corpus(tmp_path).digest}) == 3
