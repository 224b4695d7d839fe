"""The run report: one static HTML file, written after every run, that works offline (no
scripts, no CDN). Every text that comes from a source is escaped."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from pathlib import Path

import duckdb

from flows.publish.svg import bar_chart, heat_grid, stacked_bars

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222}
h1{margin-bottom:.2rem}.note{color:#666}section{margin:2rem 0}
.call{border-top:1px solid #ddd;padding:.6rem 0}.call h3{margin:.2rem 0;font-size:1rem}
mark{background:#ffe58a;padding:0 .1rem}.tags span{background:#eef;border-radius:3px;
padding:0 .3rem;margin-right:.3rem;font-size:.85rem}.chart{max-width:100%;height:auto}
"""

TOP_COUNTERPARTS = """
select coalesce(country_code, organisation) as counterpart, count(distinct item_id) as calls
from marts.call_counterparts where coalesce(country_code, organisation) is not null
group by 1 order by calls desc, counterpart limit ?
"""


def _highlight(sentence: str, matches: list[str]) -> str:
    """The sentence with every matched phrase marked; the pieces are escaped separately."""
    spans = []
    lowered = sentence.lower()
    for matched in matches:
        start = lowered.find(matched.lower())
        if start >= 0:
            spans.append((start, start + len(matched)))
    out, cursor = [], 0
    for start, end in sorted(spans):
        if start < cursor:
            continue
        out.append(escape(sentence[cursor:start]))
        out.append(f"<mark>{escape(sentence[start:end])}</mark>")
        cursor = end
    out.append(escape(sentence[cursor:]))
    return "".join(out)


def _calls_per_month(con: duckdb.DuckDBPyConnection) -> str:
    points = con.execute(
        "select strftime(call_date, '%Y-%m'), count(*) from marts.calls group by 1 order by 1"
    ).fetchall()
    return bar_chart([(m, n) for m, n in points], title="Call readouts per month")


def _descriptors_over_time(con: duckdb.DuckDBPyConnection) -> str:
    rows = [c for c, _ in con.execute(TOP_COUNTERPARTS, [12]).fetchall()]
    months = [
        m
        for (m,) in con.execute(
            "select distinct strftime(month, '%Y-%m') from marts.tone_by_country_month order by 1"
        ).fetchall()
    ]
    cells = {}
    for counterpart, month, calls, share, descriptors in con.execute(
        """
        select t.counterpart, strftime(t.month, '%Y-%m'), t.calls, t.share_with_descriptor,
               coalesce(string_agg(d.descriptor || ' ×' || d.calls, ', ' order by d.calls desc), '')
        from marts.tone_by_country_month t
        left join marts.descriptors_by_country_month d
            on d.counterpart = t.counterpart and d.month = t.month
        group by all
        """
    ).fetchall():
        tooltip = f"{calls} calls, {share:.0%} described" + (
            f": {descriptors}" if descriptors else ""
        )
        cells[(counterpart, month)] = (float(share), tooltip)
    return heat_grid(
        rows, months, cells, title="Share of calls with a tone descriptor, by counterpart and month"
    )


def _topics_by_country(con: duckdb.DuckDBPyConnection) -> str:
    rows = [c for c, _ in con.execute(TOP_COUNTERPARTS, [12]).fetchall()]
    topics = [
        t
        for (t,) in con.execute(
            "select topic from marts.call_topics group by 1 order by count(*) desc, 1 limit 14"
        ).fetchall()
    ]
    totals = dict(con.execute(TOP_COUNTERPARTS, [1000]).fetchall())
    cells = {}
    for counterpart, topic, calls in con.execute(
        "select counterpart, topic, sum(calls) from marts.topics_by_country_month group by all"
    ).fetchall():
        share = calls / totals.get(counterpart, calls)
        cells[(counterpart, topic)] = (share, f"{calls} of {totals.get(counterpart, calls)} calls")
    return heat_grid(rows, topics, cells, title="Topics by counterpart (share of its calls)")


def _initiators(con: duckdb.DuckDBPyConnection) -> str:
    data: dict[str, dict[str, int]] = {}
    for counterpart, initiated_by, calls in con.execute(
        """
        select coalesce(p.country_code, p.organisation), coalesce(c.initiated_by, 'not stated'),
               count(distinct c.item_id)
        from marts.calls c join marts.call_counterparts p using (source, item_id)
        where coalesce(p.country_code, p.organisation) is not null
        group by all
        """
    ).fetchall():
        data.setdefault(counterpart, {})[initiated_by] = calls
    ranked = sorted(data.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))[:15]
    return stacked_bars(ranked, title="Who initiated the calls, by counterpart")


def _latest_calls(con: duckdb.DuckDBPyConnection, limit: int = 15) -> str:
    calls = con.execute(
        """
        select c.source, c.item_id, c.title, c.call_date, c.url, t.descriptors,
               (select string_agg(coalesce(country_code, organisation), ', '
                                  order by counterpart_no)
                from marts.call_counterparts p
                where p.source = c.source and p.item_id = c.item_id)
        from marts.calls c join marts.call_tone t using (source, item_id)
        order by c.published_at desc limit ?
        """,
        [limit],
    ).fetchall()
    parts = []
    for source, item_id, title, call_date, url, descriptors, counterparts in calls:
        evidence = con.execute(
            """
            select sentence_no, sentence_text, list(matched_text), list(distinct label)
            from marts.tone_evidence
            where source = ? and item_id = ? and label_kind in ('descriptor', 'signal')
            group by all order by sentence_no
            """,
            [source, item_id],
        ).fetchall()
        tags = (
            "".join(f"<span>{escape(d)}</span>" for d in descriptors)
            or "<span>no descriptor</span>"
        )
        sentences = "".join(
            f"<li>{_highlight(sentence, matches)} <small>({escape(', '.join(labels))})</small></li>"
            for _, sentence, matches, labels in evidence
        )
        parts.append(
            f"<div class='call'><h3><a href='{escape(url, quote=True)}'>{escape(title)}</a></h3>"
            f"<div>{escape(str(call_date))} · {escape(counterparts or '')}</div>"
            f"<div class='tags'>{tags}</div><ul>{sentences}</ul></div>"
        )
    return "".join(parts) or "<p>No calls yet.</p>"


def _review_queue(con: duckdb.DuckDBPyConnection) -> tuple[int, str]:
    """Calls loaded with something the reference data could not resolve."""
    rows = con.execute(
        "select title, url, call_date, detail from marts.review_queue order by call_date desc"
    ).fetchall()
    items = "".join(
        f"<li><a href='{escape(url, quote=True)}'>{escape(title)}</a> "
        f"({escape(str(call_date))}): {escape(detail)}</li>"
        for title, url, call_date, detail in rows
    )
    calls = con.execute("select count(distinct (source, item_id)) from marts.review_queue")
    return calls.fetchone()[0], f"<ul>{items}</ul>" if rows else "<p>Nothing to review.</p>"


def write_report(con: duckdb.DuckDBPyConnection, path: Path, run_id: str) -> Path:
    calls = con.execute("select count(*) from marts.calls").fetchone()[0]
    to_review, review_list = _review_queue(con)
    html = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<title>readouts: call readouts report</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Call readouts</h1>",
        f"<p class='note'>{calls} call readouts. Run {escape(run_id)}, written "
        f"{escape(datetime.now(UTC).isoformat(timespec='seconds'))}. Source texts: President of "
        "Russia, kremlin.ru (CC BY 4.0). Every label is traceable in marts.tone_evidence. "
        f"Calls that need review (marts.review_queue): {to_review}.</p>",
        "<section><h2>Calls per month</h2>",
        _calls_per_month(con),
        "</section>",
        "<section><h2>Tone descriptors over time</h2>",
        _descriptors_over_time(con),
        "</section>",
        "<section><h2>Topics by counterpart</h2>",
        _topics_by_country(con),
        "</section>",
        "<section><h2>Who initiates</h2>",
        _initiators(con),
        "</section>",
        "<section><h2>Latest calls and their tone evidence</h2>",
        _latest_calls(con),
        "</section>",
        "<section><h2>Calls that need review</h2>",
        review_list,
        "</section>",
        "</body></html>",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text("\n".join(html), encoding="utf-8")
    temporary.replace(path)
    return path
