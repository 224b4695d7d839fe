"""Russian words by a maintained analyser: sentences split by razdel (it keeps "В.Путин",
"г. Москве" and initials inside one sentence), words reduced to their lemmas by pymorphy3
with its Russian dictionaries, so that one rule row written as a lemma covers every case
and gender ("конструктивном", "конструктивным" → конструктивный), and phrases inflected
into every case ("Президент Франции" → "Президентом Франции")."""

from __future__ import annotations

import re
from functools import cache

import pymorphy3
import razdel

from flows.normalize.sentences import Sentence

CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
_WORD = re.compile(r"\w")


@cache
def analyser() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer()


def plain(text: str) -> str:
    """ё written as е, as the site itself often does: rules and names then match both."""
    return text.replace("ё", "е").replace("Ё", "Е")


@cache
def lemma(word: str) -> str:
    """The word's most likely dictionary form, lowercase, ё as е; punctuation as it is."""
    if not _WORD.search(word):
        return word
    if len(word) == 1:  # an initial ("Д.Трампу"), not an abbreviation ("д." = далее)
        return plain(word.lower())
    return plain(analyser().parse(word)[0].normal_form)


def lemma_tokens(text: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """`text` as its lemmas joined by single spaces, and where each token stands in `text`."""
    tokens = [t for t in razdel.tokenize(text) if t.text.strip()]
    lemmas = " ".join(lemma(t.text).replace(" ", "_") for t in tokens)
    return lemmas, tuple((t.start, t.stop) for t in tokens)


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of `text` (paragraphs separated by blank lines, offsets into `text`), each
    with its lemmas for the rules (Sentence.match_text)."""
    sentences: list[Sentence] = []
    paragraph_start = 0
    for paragraph_no, paragraph in enumerate(text.split("\n\n")):
        for piece in razdel.sentenize(paragraph):
            if not piece.text.strip():
                continue
            lemmas, spans = lemma_tokens(piece.text)
            sentences.append(
                Sentence(
                    paragraph_no,
                    paragraph_start + piece.start,
                    paragraph_start + piece.stop,
                    piece.text,
                    lemmas,
                    spans,
                )
            )
        paragraph_start += len(paragraph) + 2
    return sentences


# Cached: a process inflects every country's and office's names into every case, and the
# same words ("Республика", "Президент") recur across thousands of phrases.
@cache
def _nominative_parse(word: str) -> pymorphy3.analyzer.Parse | None:
    parses = analyser().parse(word)
    return next((p for p in parses if "nomn" in p.tag), parses[0] if parses else None)


@cache
def _inflected(word: str, case: str) -> str:
    """`word` (nominative, a word the dictionary declines) in `case`, capitals kept."""
    parse = _nominative_parse(word)
    assert parse is not None
    form = parse.inflect({case})
    return _with_case_of(word, form.word) if form else word


def _with_case_of(original: str, inflected: str) -> str:
    """`inflected` written with the capitals of `original`, part by part ("Премьер-министр")."""
    if original.isupper() and len(original) > 1:
        return inflected.upper()
    parts = inflected.split("-")
    originals = original.split("-")
    if len(parts) != len(originals):
        originals = originals[:1] * len(parts)
    return "-".join(
        part[:1].upper() + part[1:] if source[:1].isupper() else part
        for part, source in zip(parts, originals, strict=True)
    )


def inflect_phrase(phrase: str, case: str, head_only: bool) -> str:
    """`phrase` (nominative) in `case`. `head_only`: only the words up to the first noun
    change, the rest is an apposition or a complement that keeps its form ("Республика
    Беларусь" → "Республики Беларусь", "Председатель Совета министров" → "Председателем
    Совета министров"); otherwise every word agrees ("Сирийская Арабская Республика")."""
    words = phrase.split(" ")
    out: list[str] = []
    changing = True
    for word in words:
        parse = _nominative_parse(word) if changing and _WORD.search(word) else None
        if parse is None or word.isupper() or "Fixd" in parse.tag:
            out.append(word)
        else:
            out.append(_inflected(word, case))
        if head_only and parse is not None and parse.tag.POS == "NOUN":
            changing = False
    return " ".join(out)


def all_cases(phrase: str) -> set[str]:
    """Every case of `phrase`, both ways of agreeing, with ё and with е."""
    forms = {phrase}
    for case in CASES:
        for head_only in (True, False):
            forms.add(inflect_phrase(phrase, case, head_only))
    return forms | {plain(form) for form in forms}


def nominative_name(name: str) -> str:
    """A person's name as written in any case, in the nominative ("Дональдом Трампом" →
    "Дональд Трамп"); words the dictionary does not decline stay as written, and so does
    an Arabic family name after "Аль" ("Аль Тани")."""
    out: list[str] = []
    for word in name.split():
        head, _, last = word.rpartition("-")
        parse = analyser().parse(last)[0]
        # "Аль Тани" is not "Таня": a family name after "Аль" does not turn feminine
        after_al = bool(out) and out[-1].lower() in {"аль", "эль"} and "femn" in parse.tag
        if last[:1].isupper() and parse.tag.POS == "NOUN" and not after_al:
            # a woman's surname keeps its gender ("Петровой" → Петрова, not Петров)
            female = parse.inflect({"nomn", "sing"}) if "femn" in parse.tag else None
            last = _with_case_of(last, female.word if female else parse.normal_form)
        out.append(f"{head}-{last}" if head else last)
    return " ".join(out)
