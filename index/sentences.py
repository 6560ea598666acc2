"""Sentence boundaries (pysbd: knows "e.g.", "i.e.", versions and URLs)."""

from __future__ import annotations

import re
import threading

import pysbd
from pysbd.utils import TextSpan

_local = threading.local()

# pysbd's rules are some 540 regular expressions that it makes from strings
# at each call; Python keeps 512 compiled ones and drops the oldest first, so
# every paragraph compiled them all again (with the segmenter below, that was
# two thirds of the time it takes to cut notes into sentences). Python 3.11's
# re reads this limit at each compile.
RE_CACHE = 2048
if getattr(re, "_MAXCACHE", RE_CACHE) < RE_CACHE:
    re._MAXCACHE = RE_CACHE  # type: ignore[attr-defined]


class _Segmenter(pysbd.Segmenter):
    """pysbd's segmenter, finding each sentence back in the text as it does
    (the sentence and the whitespace after it, the first occurrence ending
    past the previous sentence) but without making a regular expression of
    every sentence: thousands of those flushed the rules out of re's cache."""

    def sentences_with_char_spans(self, sentences: list[str]) -> list[TextSpan]:
        if not all(sentences):
            return list(super().sentences_with_char_spans(sentences))
        text = self.original_text
        spans = []
        prior_end = 0
        for sent in sentences:
            pos = 0
            while (start := text.find(sent, pos)) >= 0:
                end = start + len(sent)
                while end < len(text) and text[end].isspace():  # what `\s*` takes
                    end += 1
                if end > prior_end:
                    spans.append(TextSpan(text[start:end], start, end))
                    prior_end = end
                    break
                pos = end
        return spans


def _segmenter() -> pysbd.Segmenter:
    # pysbd keeps state while segmenting: one per thread.
    seg = getattr(_local, "seg", None)
    if seg is None:
        seg = _local.seg = _Segmenter(language="en", clean=False, char_span=True)
    return seg


_CODE_SPAN = re.compile(r"`[^`\n]+`")
# Where pysbd could end a sentence before the text's end: a stop, or an
# enumeration it splits on ("are 1) a crash and 2) a partial read").
_STOP = re.compile(r"[.!?…]")
_ENUMERATION = re.compile(r"(?:^|\s)\(?(?:\d{1,2}|[a-zA-Z]|[ivxIVX]{1,4})[).]\s")
_CLOSERS = "\"'”’)]*_"


def split_sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs covering `text`, in order."""
    if len(text) < 40 or not any(c in text for c in ".!?"):
        return [(0, text)]
    # Soft line breaks are not sentence ends, nor are dots in code spans
    # (`.gitconfig`, `2 != 4`); masks of the same length keep offsets valid.
    masked = _CODE_SPAN.sub(lambda m: "x" * len(m.group()), text.replace("\n", " "))
    # One sentence, its only stop at its end: most of a how-to collection's
    # paragraphs. pysbd says the same of all but one of the 19,282 paragraphs
    # of four collections (it made a lone "]" after a formula a sentence), and
    # takes ten times as long: builds spent more time here than parsing.
    body = masked.rstrip().rstrip(_CLOSERS).rstrip()
    if not _STOP.search(body, 0, len(body) - 1) and not _ENUMERATION.search(masked):
        return [(0, text)]
    spans = _segmenter().segment(masked)
    out = [(s.start, text[s.start : s.end]) for s in spans if s.sent.strip()]
    return out or [(0, text)]
