"""Compiles the rules in the reference tables (tone frames and lexicon, signals, topics)
into SQL macros with constant patterns, before the models run.

Why: DuckDB compiles a regular expression once per query when the pattern is a constant,
but once per row when it comes from a joined table; with the rules in a join, tagging took
~40x longer. The rules stay data (reference/*.csv): the macros are rebuilt from them on
every `readouts build`."""

from __future__ import annotations

import duckdb

WORD = r"\b"
GREETING_CLAUSE_END = (
    r"[^.;]*?(?:\s+and\s+(?:\S+\s+){0,3}?(?:reaffirmed|discussed|noted|agreed|confirmed|"
    r"expressed|praised|stressed|emphasised)\b|[.;]|$)"
)
NEVER = r"[^\s\S]"


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


def _extract_all(regex: str, group: int = 0) -> str:
    return f"regexp_extract_all(s, {_literal(regex)}, {group})"


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
    separator = r"(?:\s*,\s*and\s+|\s*,\s*|\s+and\s+)"
    descriptor_list = f"({any_descriptor}(?:{separator}{any_descriptor})*)"
    greeting = next((p for name, p in signals if name == "congratulations_or_greetings"), NEVER)

    macros = {
        # per frame: the whole matches and the descriptor lists in them
        "frame_hits": _struct_list(
            [
                {
                    "frame": _literal(frame),
                    "matched": _extract_all(pattern.replace("{descriptors}", descriptor_list), 0),
                    "lists": _extract_all(pattern.replace("{descriptors}", descriptor_list), 1),
                }
                for frame, pattern in frames
            ]
        ),
        # per descriptor: its spelling in a list such as "frank and business-like", or ''
        "descriptors_in": _struct_list(
            [
                {
                    "descriptor": _literal(descriptor),
                    "text": f"regexp_extract(s, {_literal(_whole_words(variants))})",
                }
                for descriptor, variants in lexicon
            ]
        ),
        "signal_hits": _struct_list(
            [
                {"signal": _literal(signal), "hits": _extract_all(pattern)}
                for signal, pattern in signals
            ]
        ),
        "topic_hits": _struct_list(
            [{"topic": _literal(topic), "hits": _extract_all(pattern)} for topic, pattern in topics]
        ),
        "greeting_spans": _extract_all(
            f"(?i)(?:{greeting}|{WORD}wish(?:ed|es|ing)?{WORD}){GREETING_CLAUSE_END}"
        ),
    }
    for name, body in macros.items():
        con.execute(f"CREATE OR REPLACE MACRO reference.{name}(s) AS {body}")
    return len(macros)
