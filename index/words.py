"""Everyday English words: a question's word that the notes never use is a
name of something they don't cover ("Linkerd", "Sidekiq") only if it is not
an everyday word ("reboot", "footer", "flaky") either.

The model's vocabulary knows about 20,000 words whole; pyspellchecker's
English list (MIT) knows 160,000, technical names rarely among them. It is
read on first need (~0.2 s), as most questions use only words the notes or
the model already know.
"""

from __future__ import annotations

import gzip
import json
import threading
from importlib import resources

_lock = threading.Lock()
_english: frozenset[str] | None = None


def english_words() -> frozenset[str]:
    global _english
    if _english is None:
        with _lock:
            if _english is None:
                data = (resources.files("spellchecker.resources") / "en.json.gz").read_bytes()
                _english = frozenset(json.loads(gzip.decompress(data)))
    return _english


# "untyped", "reformatting", "misconfigured": an everyday word with a prefix.
_PREFIXES = ("un", "re", "non", "pre", "de", "dis", "mis", "over", "under", "sub", "auto", "multi")

# Everyday shorthand, read as the word it stands for when the notes use that
# word and not the shorthand ("downtime per yr" of a table's "per year").
ABBREVIATIONS = {
    "yr": "year",
    "yrs": "years",
    "mo": "month",
    "mos": "months",
    "wk": "week",
    "wks": "weeks",
    "hr": "hour",
    "hrs": "hours",
    "mins": "minutes",
    "secs": "seconds",
    "ms": "milliseconds",
    "approx": "approximately",
    "repo": "repository",
    "repos": "repositories",
    "dir": "directory",
    "dirs": "directories",
    "env": "environment",
    "config": "configuration",
    "db": "database",
    "dbs": "databases",
    "msg": "message",
    "pkg": "package",
    "perf": "performance",
    "esc": "escape",
    "ctrl": "control",
    "cmd": "command",
    "cmds": "commands",
    "arg": "argument",
    "args": "arguments",
    "param": "parameter",
    "params": "parameters",
    "func": "function",
    "funcs": "functions",
    "var": "variable",
    "vars": "variables",
    "lib": "library",
    "libs": "libraries",
    "dep": "dependency",
    "deps": "dependencies",
    "docs": "documentation",
    "img": "image",
    "imgs": "images",
    "prev": "previous",
}
# Chat shorthand with no one word of the notes to read it as ("ppl", "devs"),
# or too many ("auth"): everyday language all the same, not a name.
# fmt: off
CHAT = frozenset({
    "ppl", "pls", "plz", "thx", "btw", "fyi", "imo", "tbh", "afaik", "iirc", "idk", "smth",
    "sth", "lol", "wip", "tldr", "cuz", "atm", "dev", "devs", "auth", "admins", "sysadmin",
    "sysadmins", "creds", "cred", "perms", "impl", "misc", "util", "utils", "prs", "noob",
})
# fmt: on


def everyday(word: str) -> bool:
    word = word.lower()
    if word[:1].isdigit():
        return True  # a quantity ("50k", "10x", "2018"), not a name
    if word in CHAT or word in ABBREVIATIONS:
        return True
    english = english_words()
    if word in english:
        return True
    return any(
        word.startswith(p) and len(word) - len(p) >= 4 and word[len(p) :] in english
        for p in _PREFIXES
    )
