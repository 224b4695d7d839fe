"""Compiles the rules in the reference tables (tone frames and lexicon, signals, topics)
into SQL macros with constant patterns, before the models run.

Why: DuckDB compiles a regular expression once per query when the pattern is a constant,
but once per row when it comes from a joined table; with the rules in a join, tagging took
~40x longer. The rules stay data (reference/*.csv): the macros are rebuilt from them on
every `readouts build`."""

from __future__ import annotations

import re

import duckdb

WORD = r"\b"
GREETING_CLAUSE_END = (
    r"[^.;]*?(?:\s+and\s+(?:\S+\s+){0,3}?(?:reaffirmed|discussed|noted|agreed|confirmed|"
    r"expressed|praised|stressed|emphasised)\b|[.;]|$)"
)
NEVER = r"[^\s\S]"
# The grammar of a descriptor list (documented in reference/README.md): each descriptor may
# follow adverbs or intensifiers ("a traditionally warm and friendly", "an extremely
# frank"); descriptors are joined by commas, "and", "but" or "yet".
ADVERB = (
    r"(?:(?:very|highly|quite|extremely|most|truly|really|rather|fairly|so|genuinely|"
    r"especially|particularly|[a-z]+ly)\s+)"
)
SEPARATOR = r"(?:\s*,\s*(?:and\s+|but\s+|yet\s+)?|\s+(?:and|but|yet)\s+)"
_LEADING_FLAGS = re.compile(r"^\(\?[a-zA-Z]+\)")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _struct_list(entries: list[dict[str, str]]) -> str:
    """[{'key': <sql expression>, ...}, ...] as a DuckDB list of structs."""
    structs = (
        "{" + ", ".join(f"{_literal(key)}: {expression}" for key, expression in entry.items()) + "}"
        for entry in entries
    )
    return "[" + ", ".join(structs) + "]"


def _whole_words(variants: str) -> str:
    return "(?i)" + WORD + "(?:" + variants + ")" + WORD


def _located(regex: str, subject: str = "s", groups: tuple[str, ...] = ()) -> str:
    """Every match of `regex` in `subject`, as aligned lists: 'prefixes' (the text between
    the previous match and this one) and 'matched', plus any `groups` of the regex. DuckDB
    has no match positions; the models turn the prefixes into offsets with a running sum.
    One pass with a lazy prefix, `(.*?)(regex)`, finds the same leftmost, non-overlapping
    matches as the regex alone. Most sentences match no given rule: a cheap first test
    spares them the extraction."""
    scan = _literal(f"((?s:.*?))({regex})")
    fields = {"prefixes": 1, "matched": 2} | {name: 3 + n for n, name in enumerate(groups)}
    found = ", ".join(
        f"{_literal(name)}: regexp_extract_all({subject}, {scan}, {group})"
        for name, group in fields.items()
    )
    empty = ", ".join(f"{_literal(name)}: []::VARCHAR[]" for name in fields)
    return (
        f"(case when regexp_matches({subject}, {_literal(regex)}) "
        f"then {{{found}}} else {{{empty}}} end)"
    )


def _frame_regex(frame: str, pattern: str, descriptor_list: str) -> str:
    """The frame with its text before the descriptor list captured (group 1) and the list
    (group 2), so that the list's offset inside the match is known."""
    flags_match = _LEADING_FLAGS.match(pattern)
    flags = flags_match.group(0) if flags_match else ""
    body = pattern[len(flags) :]
    if body.count("{descriptors}") != 1:
        raise ValueError(f"tone frame {frame!r}: use {{descriptors}} exactly once")
    before, after = body.split("{descriptors}")
    if before.count("(") - before.count(r"\(") != before.count(")") - before.count(r"\)"):
        raise ValueError(f"tone frame {frame!r}: {{descriptors}} must not be inside a group")
    return f"{flags}({before})({descriptor_list}){after}"


def create_rule_macros(con: duckdb.DuckDBPyConnection) -> int:
    lexicon = con.execute(
        "select lower(trim(descriptor)), variants from reference.tone_lexicon "
        "order by length(variants) desc"
    ).fetchall()
    frames = con.execute("select frame, pattern from reference.tone_frames order by 1").fetchall()
    signals = con.execute(
        "select signal, pattern from reference.tone_signals order by 1"
    ).fetchall()
    topics = con.execute("select topic, pattern from reference.topics order by 1").fetchall()

    any_descriptor = "(?:" + "|".join(variants for _, variants in lexicon) + ")"
    item = f"{ADVERB}*{any_descriptor}"
    descriptor_list = f"{item}(?:{SEPARATOR}{item})*"
    greeting = next((p for name, p in signals if name == "congratulations_or_greetings"), NEVER)

    def frame_hits(frame: str, pattern: str) -> str:
        regex = _frame_regex(frame, pattern, descriptor_list)
        return (
            f"{{'frame': {_literal(frame)}, 'hits': {_located(regex, groups=('before', 'list'))}}}"
        )

    macros = {
        # per frame: each match, the text before its descriptor list, and the list
        "frame_hits": "[" + ", ".join(frame_hits(f, p) for f, p in frames) + "]",
        # per descriptor: its spellings in a list such as "frank and business-like"
        "descriptors_in": _struct_list(
            [
                {"descriptor": _literal(descriptor), "hits": _located(_whole_words(variants))}
                for descriptor, variants in lexicon
            ]
        ),
        "signal_hits": _struct_list(
            [{"signal": _literal(signal), "hits": _located(pattern)} for signal, pattern in signals]
        ),
        "topic_hits": _struct_list(
            [{"topic": _literal(topic), "hits": _located(pattern)} for topic, pattern in topics]
        ),
        "greeting_spans": _located(
            f"(?i)(?:{greeting}|{WORD}wish(?:ed|es|ing)?{WORD}){GREETING_CLAUSE_END}"
        ),
    }
    for name, body in macros.items():
        con.execute(f"CREATE OR REPLACE MACRO reference.{name}(s) AS {body}")
    return len(macros)
