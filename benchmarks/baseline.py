"""The baseline: the same normalisation and tagging written the way such scripts usually
are: feedparser and BeautifulSoup per entry, a pandas DataFrame grown row by row, rules
applied in Python loops, and one INSERT per row into DuckDB."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb
import feedparser
import pandas as pd
from bs4 import BeautifulSoup

from flows.core.records import CALL_KINDS
from flows.normalize.mentions import MentionFinder
from flows.normalize.reference import Reference
from flows.normalize.sentences import split_sentences
from flows.settings import REFERENCE_DIR
from flows.sources.kremlin.readout import KremlinReadoutRules


def _rules(name: str, key: str) -> list[tuple[str, re.Pattern]]:
    with open(REFERENCE_DIR / name, newline="", encoding="utf-8") as handle:
        return [
            (row[key], re.compile(row["pattern"].replace("(?i)", ""), re.I))
            for row in csv.DictReader(handle)
        ]


def run_baseline(pages: list[bytes], warehouse: Path) -> int:
    rules = KremlinReadoutRules(MentionFinder(Reference()))
    topics = _rules("topics.csv", "topic")
    signals = _rules("tone_signals.csv", "signal")
    items = pd.DataFrame(columns=["item_id", "title", "published", "text", "kind", "initiated_by"])
    labels = pd.DataFrame(columns=["item_id", "sentence_no", "kind", "label", "matched"])
    for body in pages:
        feed = feedparser.parse(body)
        for entry in feed.entries:
            soup = BeautifulSoup(entry.get("content", [{"value": ""}])[0]["value"], "html.parser")
            paragraphs = [p.get_text(" ", strip=True) for p in soup.find_all("p")]
            text = "\n\n".join(p for p in paragraphs if p)
            sentences = [s.text for s in split_sentences(text)]
            kind = rules.classify(entry.title, sentences[0] if sentences else "")
            initiated_by = None
            if kind in CALL_KINDS:
                counterparts = rules.counterparts(entry.title, sentences[:6], text)
                initiated_by, _ = rules.initiator(sentences, counterparts)
                for number, sentence in enumerate(sentences, start=1):
                    for family, patterns in (("topic", topics), ("signal", signals)):
                        for label, pattern in patterns:
                            for match in pattern.finditer(sentence):
                                labels.loc[len(labels)] = [
                                    entry.id,
                                    number,
                                    family,
                                    label,
                                    match.group(0),
                                ]
            items.loc[len(items)] = [
                entry.id,
                entry.title,
                entry.published,
                text,
                kind,
                initiated_by,
            ]
    con = duckdb.connect(str(warehouse))
    con.execute(
        "create table items (item_id varchar, title varchar, published varchar, "
        "text varchar, kind varchar, initiated_by varchar)"
    )
    con.execute(
        "create table labels (item_id varchar, sentence_no int, kind varchar, "
        "label varchar, matched varchar)"
    )
    for row in items.itertuples(index=False):
        con.execute("insert into items values (?, ?, ?, ?, ?, ?)", list(row))
    for row in labels.itertuples(index=False):
        con.execute("insert into labels values (?, ?, ?, ?, ?)", list(row))
    con.close()
    return len(items)
