"""The run report: one static HTML page, written after every run, that works offline (no
scripts, no network request: the charts are Vega-Lite specs rendered to inline SVG by
vl-convert). The page comes from Jinja2 templates with autoescaping, so every text from a
source is escaped.

A section is a template (`templates/sections/<id>.html.j2`) plus a query function that
returns what the template shows; adding one is a `Section` in `SECTIONS`."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
from altair.utils.schemapi import debug_mode
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from flows.publish import charts
from flows.publish.charts import INITIATED, Chart
from flows.publish.exports import source_attribution

INITIATED_LABEL = {"own_side": "own side", "counterpart": "the counterpart", None: "not stated"}
# the same, as a sentence about one call
INITIATIVE_SENTENCE = {
    "own side": "initiated by the readout's own side",
    "the counterpart": "initiated by the counterpart",
    "not stated": "initiator not stated",
}
SIGNALS = {
    "expressed_gratitude": "gratitude",
    "expressed_condolences": "condolences",
    "congratulations_or_greetings": "congratulations or greetings",
    "expressed_concern": "concern",
    "divergence": "divergence",
    "exchange_of_views": "exchange of views",
    "agreed_to_continue_contacts": "agreed to continue contacts",
}
LATEST_CALLS = 15


@dataclass
class Government:
    """One government's readouts (every source whose country is `code`, in every language:
    one history), with its own counterparts (sorted by calls, then name); a government is
    never its own counterpart, and no count of the report adds two governments together."""

    code: str
    adjective: str | None
    sources: list[str]
    counterparts: list[dict] = field(default_factory=list)

    @property
    def label(self) -> str:
        """Whose readouts a number counts: "the Russian government's readouts (kremlin)"."""
        if not self.adjective:  # a warehouse whose sources are not declared
            return f"the readouts of {', '.join(self.sources)}"
        return f"the {self.adjective} government's readouts ({', '.join(self.sources)})"

    @property
    def partners(self) -> str:
        if not self.adjective:
            return f"the counterparts in the readouts of {', '.join(self.sources)}"
        return f"the {self.adjective} government's counterparts"

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.code.lower()).strip("-") or "x"

    @property
    def order(self) -> list[str]:
        return [c["name"] for c in self.counterparts]


@dataclass
class Context:
    """What every section may use: the governments (each with its counterparts), the date
    range of the calls, the run, and the charts drawn so far."""

    run_id: str
    governments: list[Government]
    first: date | None
    last: date | None
    charts: list[Chart] = field(default_factory=list)

    @property
    def counterparts(self) -> list[dict]:
        return [c for g in self.governments for c in g.counterparts]

    @property
    def government_of(self) -> dict[str, Government]:
        """source → its government."""
        return {source: g for g in self.governments for source in g.sources}

    @property
    def sources(self) -> tuple[list[str], list[str]]:
        """The parameters of GOVERNMENTS: the sources and their governments' codes."""
        pairs = [(source, g.code) for g in self.governments for source in g.sources]
        return [s for s, _ in pairs], [code for _, code in pairs]

    @property
    def month_domain(self) -> tuple[date, date]:
        """From the first day of the first month to the first day after the last month."""
        assert self.first and self.last
        end = date(self.last.year + self.last.month // 12, self.last.month % 12 + 1, 1)
        return date(self.first.year, self.first.month, 1), end

    def chart(self, name: str, chart) -> Chart:
        drawn = charts.render(name, chart)
        self.charts.append(drawn)
        return drawn


# A query's relation of (source, government) pairs, bound to Context.sources
GOVERNMENTS = "(select unnest(?::varchar[]) as source, unnest(?::varchar[]) as government)"


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    query: Callable[[duckdb.DuckDBPyConnection, Context], dict]

    @property
    def template(self) -> str:
        return f"sections/{self.id}.html.j2"


def anchor(key: str, government: str = "") -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", f"{government} {key}".lower()).strip("-")
    return "counterpart-" + (slug or "x")


def _governments(con: duckdb.DuckDBPyConnection) -> list[Government]:
    """The governments whose readouts are in the warehouse, as the source modules declare
    them (staging.stg_sources); a warehouse without them has one government per source."""
    declared = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'staging' and table_name = 'stg_sources'"
    ).fetchone()[0]
    if not declared:
        rows = con.execute(
            "select source, null, [source] from marts.calls group by 1 order by 1"
        ).fetchall()
    else:
        rows = con.execute(
            """
            select s.country_code,
                   coalesce(split_part(any_value(c.adjectives), '|', 1), s.country_code),
                   list(distinct s.source order by s.source)
            from staging.stg_sources as s
            left join reference.countries as c on c.code = s.country_code
            where s.source in (select source from marts.calls)
            group by s.country_code order by min(s.source)
            """
        ).fetchall()
    return [Government(code, adjective, list(sources)) for code, adjective, sources in rows]


def _counterparts(con: duckdb.DuckDBPyConnection, ctx: Context) -> None:
    """Each government's counterparts: its own calls only, never itself."""
    rows = con.execute(
        f"""
        select g.government, p.counterpart_key, any_value(p.counterpart_name), p.country_code,
               p.organisation, count(distinct (p.source, p.item_id)) as calls,
               min(c.call_date), max(c.call_date)
        from marts.call_counterparts as p join marts.calls as c using (source, item_id)
        join {GOVERNMENTS} as g using (source)
        where p.counterpart_key is not null and p.country_code is distinct from g.government
        group by g.government, p.counterpart_key, p.country_code, p.organisation
        order by calls desc, 3
        """,
        list(ctx.sources),
    ).fetchall()
    by_code = {g.code: g for g in ctx.governments}
    for government, key, name, code, organisation, calls, first, last in rows:
        by_code[government].counterparts.append(
            {
                "key": key,
                "name": name,
                "country_code": code,
                "organisation": organisation,
                "calls": calls,
                "first": first,
                "last": last,
                "anchor": anchor(key, government),
                "government": government,
            }
        )


def _table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )


# ---- sections -------------------------------------------------------------------------


def _months(domain: tuple[date, date]) -> list[date]:
    start, end = domain
    months, month = [], start
    while month < end:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def calls_per_month(con: duckdb.DuckDBPyConnection, ctx: Context) -> dict:
    """One chart per government: its call readouts per month, by who initiated."""
    counts = con.execute(
        "select g.government, cast(date_trunc('month', c.call_date) as date), c.initiated_by, "
        f"count(*), count(*) filter (where c.call_scope = 'domestic') "
        f"from marts.calls as c join {GOVERNMENTS} as g using (source) group by all",
        list(ctx.sources),
    ).fetchall()
    months = _months(ctx.month_domain)
    out = []
    for g in ctx.governments:
        own = [row for row in counts if row[0] == g.code]
        by_cell = {(m, INITIATED_LABEL[i]): n for _, m, i, n, _ in own}
        rows = [
            {
                "month": m.isoformat(),
                "initiated": label,
                "initiated_order": INITIATED.index(label),
                "calls": by_cell.get((m, label), 0),
            }
            for m in months
            for label in INITIATED
        ]
        chart = charts.calls_per_month(rows, ctx.month_domain)
        out.append(
            {
                "label": g.label,
                "total": sum(row[3] for row in own),
                "domestic": sum(row[4] for row in own),
                "months_with_calls": len({row[1] for row in own}),
                "chart": ctx.chart(f"chart-calls-per-month-{g.slug}", chart),
            }
        )
    return {"governments": out, "months": len(months), "total": sum(o["total"] for o in out)}


def counterparts_overview(con: duckdb.DuckDBPyConnection, ctx: Context) -> dict:
    """One chart and one table per government: its own counterparts and its calls with each."""
    cells = con.execute(
        f"""
        select g.government, p.counterpart_key, c.initiated_by,
               count(distinct (c.source, c.item_id))
        from marts.call_counterparts as p join marts.calls as c using (source, item_id)
        join {GOVERNMENTS} as g using (source)
        where p.counterpart_key is not null and p.country_code is distinct from g.government
        group by all
        """,
        list(ctx.sources),
    ).fetchall()
    out = []
    for g in ctx.governments:
        if not g.counterparts:
            continue
        names = {c["key"]: c["name"] for c in g.counterparts}
        rows = [
            {
                "counterpart": names[key],
                "initiated": INITIATED_LABEL[initiated],
                "initiated_order": INITIATED.index(INITIATED_LABEL[initiated]),
                "calls": calls,
            }
            for government, key, initiated, calls in cells
            if government == g.code
        ]
        chart = charts.counterparts_overview(rows, g.order)
        out.append(
            {
                "label": g.label,
                "partners": g.partners,
                "counterparts": g.counterparts,
                "chart": ctx.chart(f"chart-counterparts-{g.slug}", chart),
            }
        )
    return {"governments": out}


def _ladder_points(con: duckdb.DuckDBPyConnection, ctx: Context) -> list[tuple]:
    return con.execute(
        f"""
        select g.government, t.call_date, t.warmth, t.convergence,
               (select string_agg(distinct p.counterpart_name, ', ')
                from marts.call_counterparts as p
                where p.source = t.source and p.item_id = t.item_id)
        from marts.call_tone as t join {GOVERNMENTS} as g using (source)
        where t.has_descriptor
        order by t.call_date, t.source, t.item_id
        """,
        list(ctx.sources),
    ).fetchall()


def _tone_of(con: duckdb.DuckDBPyConnection, ctx: Context, g: Government, cells, points) -> dict:
    """One government's tone: its heatmap, its ladder, its descriptors."""
    names = {c["key"]: c["name"] for c in g.counterparts}
    rows = [
        {"counterpart": names[key], "month": month.isoformat(), "calls": calls, "share": share}
        for government, key, month, calls, share in cells
        if government == g.code and key in names
    ]
    ladder = [
        {
            "call_date": d.isoformat(),
            "warmth": float(w),
            "convergence": float(v),
            "counterpart": who or "",
        }
        for government, d, w, v, who in points
        if government == g.code
    ]
    described, total = con.execute(
        "select count(*) filter (where has_descriptor), count(*) from marts.call_tone "
        "where list_contains(?, source)",
        [g.sources],
    ).fetchone()
    descriptors = con.execute(
        "select descriptor, count(*) as calls from (select unnest(descriptors) as descriptor "
        "from marts.call_tone where list_contains(?, source)) group by 1 order by calls desc, 1",
        [g.sources],
    ).fetchall()
    heatmap = charts.tone_heatmap(rows, g.order, ctx.month_domain) if rows else None
    return {
        "label": g.label,
        "counterparts": len(g.counterparts),
        "described": described,
        "total": total,
        "descriptors": descriptors,
        "heatmap": ctx.chart(f"chart-tone-heatmap-{g.slug}", heatmap) if heatmap else None,
        "ladder": ctx.chart(
            f"chart-ladder-{g.slug}", charts.descriptor_ladder(ladder, ctx.month_domain)
        )
        if ladder
        else None,
    }


def tone_over_time(con: duckdb.DuckDBPyConnection, ctx: Context) -> dict:
    cells = [
        (government, key, month, calls, float(share))
        for government, key, month, calls, share in con.execute(
            # one cell per government, counterpart and month: the government's readouts in
            # every language are one history
            "select g.government, t.counterpart_key, t.month, sum(t.calls), "
            "round(sum(t.calls_with_descriptor) / sum(t.calls), 3) "
            f"from marts.tone_by_country_month as t join {GOVERNMENTS} as g using (source) "
            "group by all",
            list(ctx.sources),
        ).fetchall()
    ]
    points = _ladder_points(con, ctx)
    return {"governments": [_tone_of(con, ctx, g, cells, points) for g in ctx.governments]}


def topics_by_counterpart(con: duckdb.DuckDBPyConnection, ctx: Context) -> dict:
    cells = con.execute(
        "select g.government, t.counterpart_key, t.topic_label, sum(t.calls)::int "
        f"from marts.topics_by_country_month as t join {GOVERNMENTS} as g using (source) "
        "group by all",
        list(ctx.sources),
    ).fetchall()
    known = con.execute("select count(*) from staging.stg_topics").fetchone()[0]
    out = []
    for g in ctx.governments:
        totals = {c["key"]: (c["name"], c["calls"]) for c in g.counterparts}
        own = [(key, topic, n) for gov, key, topic, n in cells if gov == g.code and key in totals]
        if not own:
            continue
        calls_by_topic: dict[str, int] = {}
        for _, topic, n in own:
            calls_by_topic[topic] = calls_by_topic.get(topic, 0) + n
        topics = sorted(calls_by_topic, key=lambda t: (-calls_by_topic[t], t))
        rows = [
            {"counterpart": totals[key][0], "topic": topic, "calls": n, "share": n / totals[key][1]}
            for key, topic, n in own
        ]
        chart = charts.topics_heatmap(rows, g.order, topics)
        out.append(
            {
                "label": g.label,
                "topics": topics,
                "chart": ctx.chart(f"chart-topics-{g.slug}", chart),
            }
        )
    return {"governments": out, "known": known}


def _calls_with_tone(con: duckdb.DuckDBPyConnection, where: str, params: list) -> list[dict]:
    flags = ", ".join(f"t.{flag}" for flag in SIGNALS)
    rows = con.execute(
        f"""
        select c.source, c.item_id, c.call_date, c.title, c.url, c.call_kind, c.initiated_by,
               c.initiative_evidence, t.descriptors, t.expressed_satisfaction,
               coalesce((select list(topic_label order by topic_label) from marts.call_topics as k
                         where k.source = c.source and k.item_id = c.item_id), []),
               coalesce((select list(distinct p.counterpart_key) from marts.call_counterparts as p
                         where p.source = c.source and p.item_id = c.item_id
                           and p.counterpart_key is not null), []),
               {flags}
        from marts.calls as c join marts.call_tone as t using (source, item_id)
        where {where}
        order by c.published_at desc, c.item_id
        """,
        params,
    ).fetchall()
    out = []
    for row in rows:
        source, item_id, day, title, url, kind, initiated, evidence = row[:8]
        descriptors, satisfied = row[8:10]
        topics, keys, *signal_values = row[10:]
        out.append(
            {
                "source": source,
                "item_id": item_id,
                "date": day,
                "title": title,
                "url": url,
                "kind": kind,
                "initiated": INITIATED_LABEL[initiated],
                "initiative": INITIATIVE_SENTENCE[INITIATED_LABEL[initiated]],
                "initiative_evidence": evidence,
                "descriptors": list(descriptors),
                "satisfaction": satisfied,
                "signals": [
                    label for label, on in zip(SIGNALS.values(), signal_values, strict=True) if on
                ],
                "topics": list(topics),
                "keys": list(keys),
            }
        )
    return out


def counterpart_pages(con: duckdb.DuckDBPyConnection, ctx: Context) -> dict:
    """Every call with every counterpart, per government: a counterpart of two governments
    has a page with each."""
    calls = _calls_with_tone(con, "c.call_scope = 'foreign'", [])
    out = []
    for g in ctx.governments:
        pages, timeline = [], []
        for counterpart in g.counterparts:
            own = [c for c in calls if counterpart["key"] in c["keys"] and c["source"] in g.sources]
            timeline += [
                {
                    "counterpart": counterpart["name"],
                    "call_date": c["date"].isoformat(),
                    "initiated": c["initiated"],
                    "tone": "described" if c["descriptors"] else "no descriptor",
                }
                for c in own
            ]
            pages.append(
                {
                    **counterpart,
                    "calls_list": own,
                    "described": sum(1 for c in own if c["descriptors"]),
                    "satisfaction": sum(1 for c in own if c["satisfaction"]),
                }
            )
        chart = charts.calls_timeline(timeline, g.order, ctx.month_domain) if timeline else None
        out.append(
            {
                "label": g.label,
                "partners": g.partners,
                "pages": pages,
                "chart": ctx.chart(f"chart-timeline-{g.slug}", chart) if chart else None,
            }
        )
    return {"governments": out}


def _segments(sentence: str, spans: list[tuple[int, int, str]]) -> list[tuple[str, str | None]]:
    """The sentence cut into (text, label or None) pieces: every span marked where it is
    (overlapping spans merge, their labels joined)."""
    merged: list[list] = []
    for start, end, label in sorted(spans):
        if not 0 <= start < end <= len(sentence):
            continue
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            if label not in merged[-1][2]:
                merged[-1][2].append(label)
        else:
            merged.append([start, end, [label]])
    pieces, cursor = [], 0
    for start, end, labels in merged:
        if start > cursor:
            pieces.append((sentence[cursor:start], None))
        pieces.append((sentence[start:end], ", ".join(labels)))
        cursor = end
    if cursor < len(sentence):
        pieces.append((sentence[cursor:], None))
    return pieces


def _evidence(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[tuple, list[dict]]:
    """(source, item_id) → the sentences that carry a descriptor or a signal, in order, with
    their segments (the matched words marked at their spans) and labels."""
    evidence: dict[tuple, dict[int, dict]] = {}
    for source, item_id, sentence_no, text, start, end, _kind, label in con.execute(
        """
        select e.source, e.item_id, e.sentence_no, s.sentence_text,
               e.char_start - s.char_start, e.char_end - s.char_start, e.label_kind, e.label
        from marts.tone_evidence as e
        join intermediate.int_call_items as i on i.source = e.source and i.item_id = e.item_id
        join staging.stg_sentences as s
            on s.source = e.source and s.item_id = e.item_id and s.entry_sha = i.entry_sha
           and s.sentence_no = e.sentence_no
        where e.label_kind in ('descriptor', 'signal')
          and list_contains(?, e.source || '/' || e.item_id)
        order by e.sentence_no, e.char_start
        """,
        [ids],
    ).fetchall():
        sentence = evidence.setdefault((source, item_id), {}).setdefault(
            sentence_no, {"text": text, "spans": [], "labels": []}
        )
        sentence["spans"].append((start, end, label))
        if label not in sentence["labels"]:
            sentence["labels"].append(label)
    return {
        key: [
            {"segments": _segments(s["text"], s["spans"]), "labels": s["labels"]}
            for _, s in sorted(sentences.items())
        ]
        for key, sentences in evidence.items()
    }


def latest_calls(con: duckdb.DuckDBPyConnection, ctx: Context) -> dict:
    newest = con.execute(
        "select source, item_id from marts.calls order by published_at desc, item_id limit ?",
        [LATEST_CALLS],
    ).fetchall()
    if not newest:
        return {"calls": []}
    ids = [f"{source}/{item_id}" for source, item_id in newest]
    calls = _calls_with_tone(con, "list_contains(?, c.source || '/' || c.item_id)", [ids])
    evidence = _evidence(con, ids)
    for call in calls:
        call["evidence"] = evidence.get((call["source"], call["item_id"]), [])
    governments = ctx.government_of
    for call in calls:
        government = governments[call["source"]]
        names = {c["key"]: c for c in government.counterparts}
        call["government"] = government.label
        call["counterparts"] = [names[k] for k in call["keys"] if k in names]
    return {"calls": calls, "limit": LATEST_CALLS}


_SIDE = ("source", "item_id", "title", "url", "call_date", "descriptors", "signals", "topics")


def call_pairs(con: duckdb.DuckDBPyConnection, ctx: Context) -> dict:
    """Each call between two sources' leaders (marts.call_pairs), each side's labels and
    evidence side by side, the calls only one side reported, and the weeks in which a
    foreign leader spoke with both (marts.shared_counterparts)."""
    if not _table_exists(con, "marts", "call_pairs"):
        return {"pairs": [], "one_sided": [], "weeks": []}
    columns = ", ".join(f"{side}_{c}" for side in "ab" for c in _SIDE)
    rows = con.execute(
        f"select call_date, leaders, reported_by, match_evidence, {columns} "
        "from marts.call_pairs order by call_date, pair_id"
    ).fetchall()
    pairs = []
    for call_date, leaders, reported_by, match, *values in rows:
        sides = [dict(zip(_SIDE, values[:8], strict=True))]
        sides.append(dict(zip(_SIDE, values[8:], strict=True)))
        pairs.append(
            {
                "date": call_date,
                "leaders": leaders,
                "reported_by": reported_by,
                "match": match,
                "sides": sides,
            }
        )
    ids = [f"{s['source']}/{s['item_id']}" for p in pairs for s in p["sides"] if s["item_id"]]
    evidence = _evidence(con, ids) if ids else {}
    for pair in pairs:
        for side in pair["sides"]:
            side["evidence"] = evidence.get((side["source"], side["item_id"]), [])
    weeks = [
        dict(
            zip(
                (
                    "week",
                    "name",
                    "person",
                    "a_source",
                    "a_date",
                    "a_title",
                    "a_url",
                    "a_labels",
                    "b_source",
                    "b_date",
                    "b_title",
                    "b_url",
                    "b_labels",
                ),
                row,
                strict=True,
            )
        )
        for row in con.execute(
            """
            select s.week, s.counterpart_name, s.person_name,
                   s.a_source, s.a_call_date, s.a_title, a.url, s.a_descriptors || s.a_signals,
                   s.b_source, s.b_call_date, s.b_title, b.url, s.b_descriptors || s.b_signals
            from marts.shared_counterparts as s
            join marts.calls as a on a.source = s.a_source and a.item_id = s.a_item_id
            join marts.calls as b on b.source = s.b_source and b.item_id = s.b_item_id
            order by s.week, s.counterpart_key, s.a_call_date, s.b_call_date
            """
        ).fetchall()
    ]
    return {
        "pairs": [p for p in pairs if p["reported_by"] == "both"],
        "one_sided": [p for p in pairs if p["reported_by"] != "both"],
        "weeks": weeks,
    }


def review_queue(con: duckdb.DuckDBPyConnection, ctx: Context) -> dict:
    rows = con.execute(
        "select title, url, call_date, review_reason, detail from marts.review_queue "
        "order by call_date desc, item_id"
    ).fetchall()
    calls = con.execute(
        "select count(distinct (source, item_id)) from marts.review_queue"
    ).fetchone()[0]
    return {
        "calls": calls,
        "rows": [
            dict(zip(("title", "url", "date", "reason", "detail"), row, strict=True))
            for row in rows
        ],
    }


def validation_status(con: duckdb.DuckDBPyConnection, ctx: Context) -> dict:
    if not _table_exists(con, "audit", "validations"):
        return {"run": None, "suites": []}
    run = con.execute(
        "select run_id from audit.validations group by run_id "
        "order by (run_id = ?) desc, max(validated_at) desc limit 1",
        [ctx.run_id],
    ).fetchone()
    if not run:
        return {"run": None, "suites": []}
    suites = [
        dict(
            zip(
                ("suite", "stage", "success", "rows", "evaluated", "failed", "quarantined"),
                row,
                strict=True,
            )
        )
        for row in con.execute(
            "select suite, stage, success, rows_validated, evaluated, failed, rows_quarantined "
            "from audit.validations where run_id = ? order by stage, suite",
            [run[0]],
        ).fetchall()
    ]
    quarantined = con.execute("select count(*) from staging.stg_quarantine").fetchone()[0]
    return {"run": run[0], "suites": suites, "quarantined": quarantined}


SOURCE_HEALTH_RUNS = 8
_HEALTH = (
    "source, run_id, fetched_at, entries, quarantine_share, items, call_share, resolved_share, "
    "toned_share, sentences_per_item, languages, hosts"
)


def source_health(con: duckdb.DuckDBPyConnection, ctx: Context) -> dict:
    """Each source's latest runs in marts.source_health, with the drift lines that their
    runs recorded (audit.runs.warnings): a feed changing under us shows here."""
    if not _table_exists(con, "marts", "source_health"):
        return {"runs": [], "drifts": [], "limit": SOURCE_HEALTH_RUNS}
    rows = con.execute(
        f"select {_HEALTH} from (select *, row_number() over ("
        "  partition by source order by fetched_at desc, run_id desc) as recent"
        f"  from marts.source_health) where recent <= {SOURCE_HEALTH_RUNS} "
        "order by source, fetched_at desc, run_id desc"
    ).fetchall()
    runs = [dict(zip([c.strip() for c in _HEALTH.split(",")], row, strict=True)) for row in rows]
    drifts = con.execute(
        "select r.source, r.run_id, w.line from audit.runs as r, "
        "unnest(r.warnings) as w(line) where w.line like 'drift: %' "
        "and r.run_id in (select unnest(?)) order by r.source, r.started_at desc",
        [[run["run_id"] for run in runs]],
    ).fetchall()
    drifted = {run_id for _, run_id, _ in drifts}
    for run in runs:
        run["drifted"] = run["run_id"] in drifted
    return {
        "runs": runs,
        "drifts": [dict(zip(("source", "run_id", "line"), d, strict=True)) for d in drifts],
        "limit": SOURCE_HEALTH_RUNS,
    }


TONE_SHIFTS_SHOWN = 20


def tone_shifts(con: duckdb.DuckDBPyConnection, ctx: Context) -> dict:
    """The latest changes of tone (marts.tone_shifts), each with its baseline in words and
    the new call's evidence; each government's readouts against their own history."""
    if not _table_exists(con, "marts", "tone_shifts"):
        return {"rows": [], "limit": TONE_SHIFTS_SHOWN}
    rows = con.execute(
        """
        select s.source, s.call_date, s.counterpart_name, s.kind, s.labels, s.baseline_calls,
            s.baseline_from, s.baseline_to, s.baseline_descriptors, s.descriptors, s.evidence,
            c.url, c.title
        from marts.tone_shifts as s
        inner join marts.calls as c using (source, item_id)
        order by s.call_date desc, s.source, s.item_id, s.kind
        limit ?
        """,
        [TONE_SHIFTS_SHOWN],
    ).fetchall()
    names = [
        "source",
        "date",
        "counterpart",
        "kind",
        "labels",
        "baseline_calls",
        "baseline_from",
        "baseline_to",
        "baseline_descriptors",
        "descriptors",
        "evidence",
        "url",
        "title",
    ]
    shifts = [dict(zip(names, row, strict=True)) for row in rows]
    governments = ctx.government_of
    for shift in shifts:
        shift["government"] = governments[shift["source"]].label
    return {"rows": shifts, "limit": TONE_SHIFTS_SHOWN}


SECTIONS: list[Section] = [
    Section("calls-per-month", "Calls per month", calls_per_month),
    Section("counterparts", "Calls by counterpart", counterparts_overview),
    Section("tone", "Tone descriptors over time", tone_over_time),
    Section("topics", "Topics by counterpart", topics_by_counterpart),
    Section("latest", "Latest calls and their evidence", latest_calls),
    Section("tone-shifts", "Tone shifts: each call against the counterpart's history", tone_shifts),
    Section("call-pairs", "One call, two readouts", call_pairs),
    Section("review", "Calls awaiting review", review_queue),
    Section("validation", "Validation status", validation_status),
    Section("source-health", "Source health: each feed against its own history", source_health),
    Section("by-counterpart", "Every call, by counterpart", counterpart_pages),
]

_ENV = Environment(
    loader=PackageLoader("flows.publish", "templates"),
    autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def is_web_link(value: object) -> bool:
    """Only an http(s) URL may become an href in a page people read."""
    if not isinstance(value, str):
        return False
    try:
        return urlsplit(value.strip()).scheme.lower() in ("http", "https")
    except ValueError:
        return False


_ENV.tests["web_link"] = is_web_link
_ENV.filters["capitalize_first"] = lambda text: text[:1].upper() + text[1:]


@dataclass
class Report:
    html: str
    charts: list[Chart]
    seconds: float


def _calls_per_government(con: duckdb.DuckDBPyConnection, ctx: Context) -> list[dict]:
    counts = dict(
        con.execute(
            f"select g.government, count(*) from marts.calls join {GOVERNMENTS} as g "
            "using (source) group by 1",
            list(ctx.sources),
        ).fetchall()
    )
    return [
        {"label": g.label, "calls": counts.get(g.code, 0), "partners": g.partners, "government": g}
        for g in ctx.governments
    ]


def build_report(con: duckdb.DuckDBPyConnection, run_id: str) -> Report:
    started = time.perf_counter()
    first, last = con.execute("select min(call_date), max(call_date) from marts.calls").fetchone()
    ctx = Context(run_id=run_id, governments=_governments(con), first=first, last=last)
    _counterparts(con, ctx)
    # Altair checks each chart object against Vega-Lite's schema as it is made, data rows
    # included: seconds at 35,000 items, for a shape this code fixes (its tests check it)
    with debug_mode(False):
        data = {s.id: s.query(con, ctx) if first else {} for s in SECTIONS}
    html = _ENV.get_template("report.html.j2").render(
        sections=SECTIONS,
        data=data,
        ctx=ctx,
        calls=con.execute("select count(*) from marts.calls").fetchone()[0],
        per_government=_calls_per_government(con, ctx),
        to_review=con.execute(
            "select count(distinct (source, item_id)) from marts.review_queue"
        ).fetchone()[0],
        written=datetime.now(UTC).isoformat(timespec="seconds"),
        attribution=source_attribution(con),
    )
    return Report(html, ctx.charts, time.perf_counter() - started)


def write_report(con: duckdb.DuckDBPyConnection, path: Path, run_id: str) -> Path:
    report = build_report(con, run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(report.html, encoding="utf-8")
    temporary.replace(path)
    return path
