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


# "untyped", "reformatting", "autoscaled": an everyday word with a prefix.
_PREFIXES = ("un", "re", "non", "pre", "de", "dis", "over", "under", "sub", "auto", "multi")


def everyday(word: str) -> bool:
    word = word.lower()
    if word[:1].isdigit():
        return True  # a quantity ("50k", "10x", "2018"), not a name
    english = english_words()
    if word in english:
        return True
    return any(
        word.startswith(p) and len(word) - len(p) >= 4 and word[len(p) :] in english
        for p in _PREFIXES
    )
