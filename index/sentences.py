"""Sentence boundaries (pysbd: knows "e.g.", "i.e.", versions and URLs)."""

from __future__ import annotations

import re
import threading

import pysbd
from pysbd.lang.english import English
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
# pysbd does not end sentences inside quotes or brackets, nor at "1)".
_ENCLOSED = re.compile(r"[\"“”()\[\]]|(?:^|\s)['‘]|" + _ENUMERATION.pattern)
_ABBREVIATIONS = frozenset(
    English.Abbreviation.ABBREVIATIONS
    + English.Abbreviation.PREPOSITIVE_ABBREVIATIONS
    + English.Abbreviation.NUMBER_ABBREVIATIONS
)
# A plain end of sentence inside a paragraph: a word of two letters or more
# (not an abbreviation pysbd knows), its stop, spaces, and a word ("!" and
# "?" end one only before a capital: "It worked! http://..." does not).
_PLAIN_END = re.compile(
    r"(?<![\w.'’\-/])([A-Za-z][A-Za-z]+)(?:(\.) +(?=[A-Za-z])|([!?]) +(?=[A-Z]))(?=[\w'’-]*[ ,;:])"
)


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
    # Several sentences, each ending plainly: pysbd splits them the same in all
    # of the 3,832 such paragraphs of those collections and the 24,781 of the
    # bench's synthetic notes, where it spent 50 of a 30,000-passage build's
    # 65 s of cutting.
    plain = None if _ENCLOSED.search(masked) else _plain_sentences(masked, len(body) - 1)
    if plain is not None:
        return [(a, text[a:b]) for a, b in plain]
    spans = _segmenter().segment(masked)
    out = [(s.start, text[s.start : s.end]) for s in spans if s.sent.strip()]
    return out or [(0, text)]


def _plain_sentences(masked: str, last: int) -> list[tuple[int, int]] | None:
    """Sentence spans when every stop before `last` is a plain end of
    sentence (what pysbd would split alike); None when any is not."""
    ends = []
    for m in _PLAIN_END.finditer(masked):
        if m.end(1) >= last:
            break
        if m.group(1).lower() in _ABBREVIATIONS:
            return None
        ends.append((m.end(1), m.end()))
    stops = [m.start() for m in _STOP.finditer(masked, 0, last)]
    if stops != [stop for stop, _ in ends]:
        return None
    out, start = [], 0
    for _, end in ends:
        out.append((start, end))
        start = end
    out.append((start, len(masked)))
    return out
