"""A short note is answered whole: its gist and every snippet it shows,
in its own order, but not what a command printed."""

from __future__ import annotations

NOTES = {
    "brew/bundle-from-another-file.md": """# Bundle From Another Brewfile

Running the bundle command installs whatever the `Brewfile` in the current
directory lists:

```bash
$ brew bundle
```

It prints a line for each package it checks:

```
Using git
Using jq
Homebrew Bundle complete! 2 Brewfile dependencies now installed.
```

For a file elsewhere, or with another name such as `Brewfile.work`, give
its path with the `--file` flag:

```bash
$ brew bundle --file ~/dotfiles/Brewfile.work
```
""",
    "git/default-branch.md": """# Default Branch For New Repositories

New repositories start on `master` unless git is told otherwise. To make
every new repository start on `main`, set the default once, globally:

```bash
$ git config --global init.defaultBranch main
```
""",
    "nginx/redirect-to-https.md": """# Redirect HTTP To HTTPS

A server block that listens on port 80 can send every request to the same
address over HTTPS. Here is what the config looks like:

```nginx
server {
    listen 80;
    return 301 https://$host$request_uri;
}
```

After a reload, a plain request gets the redirect. Running curl prints:

```
HTTP/1.1 301 Moved Permanently
Location: https://example.com/
```
""",
    "git/merge-a-branch.md": """# Merge A Branch

A merge joins two histories with a merge commit and keeps every commit as it
was, so the history shows where the branches met:

```bash
$ git merge feature
```
""",
    "git/rebase-a-branch.md": """# Rebase A Branch

A rebase replays your commits on top of another branch, one by one, so the
history reads as a straight line without merge commits:

```bash
$ git rebase main
```
""",
}


def test_a_short_note_is_answered_whole_without_the_printed_output(notes_engine):
    answer = notes_engine.ask("my Brewfile lives in my dotfiles repo, how do I run bundle on it?")
    assert answer.found
    assert answer.citations[0].title == "Bundle From Another Brewfile"
    # Both ways the note shows, the one asked for included, in the note's order.
    assert answer.code == ("$ brew bundle", "$ brew bundle --file ~/dotfiles/Brewfile.work")
    assert answer.text.index("current") < answer.text.index("--file")
    assert "Homebrew Bundle complete" not in answer.text


def test_a_short_note_keeps_the_sentence_that_introduces_its_command(notes_engine):
    answer = notes_engine.ask("how do I make git init start new repos on main instead of master?")
    assert answer.code == ("$ git config --global init.defaultBranch main",)
    assert "set the default once" in answer.text


def test_a_comparison_of_two_short_notes_gives_a_part_of_each(notes_engine):
    answer = notes_engine.ask("git merge vs git rebase: what is the difference?")
    titles = {c.title for c in answer.citations[:2]}
    assert titles == {"Merge A Branch", "Rebase A Branch"}
    assert "merge commit" in answer.text and "straight line" in answer.text


def test_a_snippet_shown_as_what_to_write_is_kept_and_printed_output_is_not(notes_engine):
    answer = notes_engine.ask("how do I make nginx redirect every http request to https?")
    assert answer.citations[0].title == "Redirect HTTP To HTTPS"
    assert any("return 301" in c for c in answer.code)
    assert "Moved Permanently" not in answer.text
