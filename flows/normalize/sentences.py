"""Sentence boundaries with character offsets, so that every label can point at
its evidence. Readouts are formal British English ("Mr Putin" has no full stop), so a
boundary is a sentence-final mark followed by space and a capital, unless the word
before it is a known abbreviation or an initial."""

from __future__ import annotations

import re
from dataclasses import dataclass

_BOUNDARY = re.compile(r"[.!?]+[\"”’»)\]]*(?=\s+[\"“«(\[]?[A-Z0-9А-Я])")
_LAST_WORD = re.compile(r"(\S+)$")
_ABBREVIATIONS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "no",
        "nos",
        "jr",
        "sr",
        "gen",
        "col",
        "lt",
        "vs",
        "etc",
        "prof",
        "art",
        "para",
        "fig",
        "approx",
        "u.s",
        "u.k",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
        "inc",
        "co",
        "corp",
        "ltd",
    }
)


@dataclass(frozen=True)
class Sentence:
    paragraph_no: int
    start: int
    end: int
    text: str
    # What the rules of a source that normalises its words match instead of `text` (the
    # Russian source: each word's lemma), one token per `token_spans` entry, tokens joined
    # by single spaces; each span is where that token stands in `text` (start, end), so that
    # a match on the tokens is evidence at the original words. None: the rules read `text`.
    match_text: str | None = None
    token_spans: tuple[tuple[int, int], ...] = ()


def _is_abbreviation(text_before_mark: str) -> bool:
    match = _LAST_WORD.search(text_before_mark)
    if not match:
        return False
    word = match.group(1).lstrip('"“«([').lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of `text`, whose paragraphs are separated by blank lines; offsets index `text`."""
    sentences: list[Sentence] = []
    paragraph_start = 0
    for paragraph_no, paragraph in enumerate(text.split("\n\n")):
        start = 0
        for match in _BOUNDARY.finditer(paragraph):
            if _is_abbreviation(paragraph[max(0, match.start() - 40) : match.start()]):
                continue
            _add(sentences, paragraph_no, paragraph, paragraph_start, start, match.end())
            start = match.end()
        _add(sentences, paragraph_no, paragraph, paragraph_start, start, len(paragraph))
        paragraph_start += len(paragraph) + 2
    return sentences


def _add(
    sentences: list[Sentence], paragraph_no: int, paragraph: str, offset: int, start: int, end: int
) -> None:
    piece = paragraph[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    leading = len(piece) - len(piece.lstrip())
    begin = offset + start + leading
    sentences.append(Sentence(paragraph_no, begin, begin + len(stripped), stripped))
