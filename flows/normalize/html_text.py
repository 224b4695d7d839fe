"""Escaped HTML from a feed entry turned into plain paragraphs. Line breaks inside a
paragraph are soft wraps in the source; paragraph breaks are kept as blank lines."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree, html

_SPACES = re.compile(r"\s+")
_BLOCKS = ("p", "li", "blockquote", "h1", "h2", "h3", "h4")
_SKIPPED = ("script", "style", "img", "figure", "iframe", "noscript")


@dataclass(frozen=True)
class LeadAndBody:
    lead: str
    body: str


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip()


def _paragraphs(element: etree._Element) -> list[str]:
    for skipped in list(element.iter(*_SKIPPED)):
        skipped.drop_tree()
    blocks = [
        block
        for block in element.iter(*_BLOCKS)
        if not any(ancestor.tag in _BLOCKS for ancestor in block.iterancestors())
    ]
    if not blocks:
        text = _clean(element.text_content())
        return [text] if text else []
    return [text for block in blocks if (text := _clean(block.text_content()))]


def _fragment(markup: str) -> etree._Element:
    return html.fragment_fromstring(markup, create_parent="div")


def split_lead_and_body(
    content_html: str | None, summary_html: str | None, lead_class: str | None = None
) -> LeadAndBody:
    """`content` holds the body paragraphs, and the lead too where the source marks it with
    an element of class `lead_class` (the Kremlin's `div.c-summary`); `summary` holds the
    lead alone and is used when `content` has none."""
    lead_paragraphs: list[str] = []
    body_paragraphs: list[str] = []
    if content_html:
        root = _fragment(content_html)
        for summary in root.find_class(lead_class) if lead_class else []:
            lead_paragraphs.extend(_paragraphs(summary))
            summary.drop_tree()
        body_paragraphs = _paragraphs(root)
    if not lead_paragraphs and summary_html:
        lead_paragraphs = _paragraphs(_fragment(summary_html))
    return LeadAndBody(lead="\n\n".join(lead_paragraphs), body="\n\n".join(body_paragraphs))
