"""Sentence boundaries (pysbd: knows "e.g.", "i.e.", versions and URLs)."""

from __future__ import annotations

import re
import threading

import pysbd

_local = threading.local()


def _segmenter() -> pysbd.Segmenter:
    # pysbd keeps state while segmenting: one per thread.
    seg = getattr(_local, "seg", None)
    if seg is None:
        seg = _local.seg = pysbd.Segmenter(language="en", clean=False, char_span=True)
    return seg


_CODE_SPAN = re.compile(r"`[^`\n]+`")


def split_sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs covering `text`, in order."""
    if len(text) < 40 or not any(c in text for c in ".!?"):
        return [(0, text)]
    # Soft line breaks are not sentence ends, nor are dots in code spans
    # (`.gitconfig`, `2 != 4`); masks of the same length keep offsets valid.
    masked = _CODE_SPAN.sub(lambda m: "x" * len(m.group()), text.replace("\n", " "))
    spans = _segmenter().segment(masked)
    out = [(s.start, text[s.start : s.end]) for s in spans if s.sent.strip()]
    return out or [(0, text)]
