"""A question that asks for one thing instead of another is not answered
with a note about the other."""

from __future__ import annotations

from index.instead import contrast_of
from index.text import terms

NOTES = {
    "git/set-up-gpg-signing-key.md": """# Set Up GPG Signing Key

I want my commits to show as verified. To do that, I generate a GPG key,
add the public key to GitHub, and tell git which key signs my commits:

```bash
$ gpg --full-generate-key
$ git config --global user.signingkey 3AA5C34371567BD2
$ git config --global commit.gpgsign true
```
""",
    "git/show-signatures-in-the-log.md": """# Show Signatures In The Log

Signed commits can be checked from the log with the `--show-signature` flag:

```bash
$ git log --show-signature
```
""",
    "unix/search-with-ripgrep.md": """# Search Files With Ripgrep

Ripgrep (`rg`) searches a directory recursively and skips what `.gitignore`
ignores, which makes it much faster than grep on a big repository:

```bash
$ rg 'TODO' src/
```
""",
    "unix/search-with-grep.md": """# Search Files With Grep

Grep searches files for lines that match a pattern; `-r` searches a
directory recursively:

```bash
$ grep -r 'TODO' src/
```
""",
}


def test_a_note_about_what_the_question_rules_out_is_not_its_answer(notes_engine):
    answer = notes_engine.ask("How do I sign my git commits with an SSH key instead of a GPG key?")
    assert not answer.found
    # Asked without ruling it out, the same note answers.
    answer = notes_engine.ask("How do I sign my git commits with a GPG key?")
    assert answer.found and answer.citations[0].title == "Set Up GPG Signing Key"


def test_a_note_about_what_is_wanted_instead_answers(notes_engine):
    answer = notes_engine.ask("what can I use to search a big repo faster, instead of grep?")
    assert answer.found and answer.citations[0].title == "Search Files With Ripgrep"


def test_what_a_question_rules_out():
    c = contrast_of("How do I sign my git commits with an SSH key instead of a GPG key?")
    assert c is not None
    assert c.rules_out(frozenset(terms("Set Up GPG Signing Key")))
    assert not c.rules_out(frozenset(terms("Sign Commits With SSH Keys")))
    assert not c.rules_out(frozenset(terms("Show Signatures In The Log")))
    c = contrast_of("use ripgrep rather than grep")
    assert c is not None and not c.rules_out(frozenset(terms("Ripgrep Is Faster Than Grep")))
    # A way of doing it, not a thing, rules nothing out.
    assert contrast_of("get certs for my ingresses instead of doing certbot by hand") is None
    assert contrast_of("how do I sign my commits?") is None
