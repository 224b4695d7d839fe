"""The report's charts: declarative Vega-Lite specs built with Altair, rendered to static
SVG offline by vl-convert (no scripts in the page, no network). Every chart has axis
titles and a legend with its scale; `check_spec` says so for any spec, and the tests run
it over every chart of a report."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import altair as alt
import vl_convert
from lxml import etree
from markupsafe import Markup

INITIATED = ["own side", "the counterpart", "not stated"]
INITIATED_COLOURS = ["#b33a3a", "#3a6fb3", "#b5b5b5"]
# 0 % is a visible colour; a month without calls has no cell at all.
SHARE_COLOURS = ["#fbe3b5", "#08519c"]
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"


@dataclass(frozen=True)
class Chart:
    """A chart of the report: its name (an HTML id), the Vega-Lite spec and the SVG."""

    name: str
    spec: dict
    svg: Markup


def _config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (
        chart.configure(font=FONT)
        .configure_view(strokeWidth=0)
        .configure_legend(titleLimit=0, labelLimit=0)
        .configure_axis(titleFontSize=12)
    )


def _month_step(domain: tuple[date, date]) -> int:
    """Months between two ticks: every month up to two years, then 2, 3, 6 or 12."""
    start, end = domain
    months = (end.year - start.year) * 12 + end.month - start.month
    return next((step for step in (1, 2, 3, 6) if months <= 24 * step), 12)


def _time_axis(title: str, domain: tuple[date, date]) -> dict:
    """A time axis with one tick per month (or per 2, 3, 6, 12 months on a long span), so
    each month's label is shown once."""
    return {
        "title": title,
        "scale": alt.Scale(domain=[d.isoformat() for d in domain]),
        "axis": alt.Axis(
            format="%b %Y",
            labelAngle=-45,
            labelOverlap=True,
            tickCount={"interval": "month", "step": _month_step(domain)},
        ),
    }


_FORBIDDEN = re.compile(r"<\s*(script|foreignObject|iframe|image)\b|javascript:|https?://", re.I)


def render(name: str, chart: alt.TopLevelMixin) -> Chart:
    """The chart as a static SVG. The SVG must be well-formed and hold no script, no
    foreign object and no URL (the namespace declarations, which inline SVG in HTML does
    not need, are removed). The spec is not checked against Vega-Lite's schema here: that
    check walks every data row (6 s of a 9 s report at 35,000 items), and the charts' shape
    comes from this module, not from the data; the report's tests check it
    (tests/flows/test_publish.py)."""
    spec = _config(chart).to_dict(validate=False)
    svg = vl_convert.vegalite_to_svg(spec)
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg, count=0)
    svg = svg.replace("xlink:href", "href")
    etree.fromstring(svg.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1))
    if _FORBIDDEN.search(svg):
        raise ValueError(f"chart {name}: the SVG holds a script, a foreign object or a URL")
    svg = svg.replace("<svg", f'<svg role="img" aria-labelledby="{name}-caption"', 1)
    return Chart(name, spec, Markup(svg))


def check_spec(spec: dict) -> list[str]:
    """What a chart spec lacks: a title on every positional axis, and a legend with a
    title for every colour (or size, shape) channel. Empty when nothing is missing."""
    problems = []
    encodings = [spec.get("encoding", {})] + [u.get("encoding", {}) for u in spec.get("layer", [])]
    for channel in ("x", "y"):
        fields = [e[channel] for e in encodings if channel in e]
        if not fields:
            problems.append(f"no {channel} axis")
        elif not any(f.get("title") for f in fields):
            problems.append(f"no title on the {channel} axis")
    legends = [
        e[c] for e in encodings for c in ("color", "size", "shape") if "field" in e.get(c, {})
    ]
    if not legends:
        problems.append("no legend")
    for legend in legends:
        if legend.get("legend", {}) is None or not (
            legend.get("title") or (legend.get("legend") or {}).get("title")
        ):
            problems.append(f"a legend without a title ({legend.get('field')})")
    return problems


def _count_axis(title: str, top: int) -> dict:
    """A count axis with whole-number ticks only (no '0.5 calls')."""
    step = max(1, -(-top // 6))
    return {
        "title": title,
        "scale": alt.Scale(domain=[0, max(1, top)], nice=False),
        "axis": alt.Axis(values=list(range(0, max(1, top) + step, step)), format="d"),
    }


def calls_per_month(rows: list[dict], domain: tuple[date, date]) -> alt.Chart:
    """rows: month (first day, every month of the domain, empty ones with calls 0),
    initiated (one of INITIATED), calls."""
    totals: dict[str, int] = {}
    for row in rows:
        totals[row["month"]] = totals.get(row["month"], 0) + row["calls"]
    top = max(totals.values(), default=1)
    return (
        alt.Chart(alt.Data(values=rows), width=860, height=220)
        .mark_bar()
        .encode(
            x=alt.X("month:T", timeUnit="yearmonth", **_time_axis("Month of the call", domain)),
            y=alt.Y("calls:Q", **_count_axis("Call readouts", top)),
            color=alt.Color(
                "initiated:N",
                title="Who initiated the call",
                scale=alt.Scale(domain=INITIATED, range=INITIATED_COLOURS),
                legend=alt.Legend(orient="top", title="Who initiated the call"),
            ),
            order=alt.Order("initiated_order:Q"),
        )
    )


def counterparts_overview(rows: list[dict], order: list[str]) -> alt.Chart:
    """rows: counterpart (name), initiated, initiated_order, calls."""
    totals: dict[str, int] = {}
    for row in rows:
        totals[row["counterpart"]] = totals.get(row["counterpart"], 0) + row["calls"]
    top = max(totals.values(), default=1)
    return (
        alt.Chart(alt.Data(values=rows), width=560, height=max(60, 16 * len(order)))
        .mark_bar()
        .encode(
            x=alt.X("calls:Q", **_count_axis("Call readouts", top)),
            y=alt.Y(
                "counterpart:N",
                title="Counterpart",
                sort=order,
                axis=alt.Axis(labelLimit=0),
            ),
            color=alt.Color(
                "initiated:N",
                title="Who initiated the call",
                scale=alt.Scale(domain=INITIATED, range=INITIATED_COLOURS),
                legend=alt.Legend(orient="top", title="Who initiated the call"),
            ),
            order=alt.Order("initiated_order:Q"),
        )
    )


def tone_heatmap(rows: list[dict], order: list[str], domain: tuple[date, date]) -> alt.Chart:
    """rows: counterpart, month, calls, share (0..1): one per counterpart and month with
    calls; a month without calls has no cell."""
    return (
        alt.Chart(alt.Data(values=rows), width=860, height=max(60, 16 * len(order)))
        .mark_rect(stroke="#777", strokeWidth=0.5)
        .encode(
            x=alt.X("month:T", timeUnit="yearmonth", **_time_axis("Month of the call", domain)),
            y=alt.Y("counterpart:N", title="Counterpart", sort=order, axis=alt.Axis(labelLimit=0)),
            color=alt.Color(
                "share:Q",
                title="Share of its calls with a tone descriptor",
                scale=alt.Scale(domain=[0, 1], range=SHARE_COLOURS),
                legend=alt.Legend(
                    format="%", orient="top", title="Share of its calls with a tone descriptor"
                ),
            ),
        )
    )


def descriptor_ladder(rows: list[dict], domain: tuple[date, date]) -> alt.Chart:
    """rows: call_date, warmth (0..3), convergence (-2..2), counterpart: one per call with
    at least one descriptor."""
    return (
        alt.Chart(alt.Data(values=rows), width=860, height=200)
        .mark_point(filled=True, size=110, opacity=1, stroke="#222", strokeWidth=1.2)
        .encode(
            x=alt.X("call_date:T", **_time_axis("Date of the call", domain)),
            y=alt.Y(
                "warmth:Q",
                title="Warmth (0 cool … 3 warm)",
                scale=alt.Scale(domain=[0, 3]),
                axis=alt.Axis(tickMinStep=0.5),
            ),
            color=alt.Color(
                "convergence:Q",
                title="Convergence (−2 apart … +2 agreed)",
                # the middle (0) is a mid grey, not white: every point shows on the page
                scale=alt.Scale(domain=[-2, 0, 2], range=["#b2182b", "#8c8c8c", "#2166ac"]),
                legend=alt.Legend(orient="top", title="Convergence (−2 apart … +2 agreed)"),
            ),
        )
    )


def topics_heatmap(rows: list[dict], order: list[str], topics: list[str]) -> alt.LayerChart:
    """rows: counterpart, topic (its name), calls, share (of the counterpart's calls)."""
    base = alt.Chart(
        alt.Data(values=rows), width=max(200, 26 * len(topics)), height=max(60, 16 * len(order))
    ).encode(
        x=alt.X(
            "topic:N",
            title="Topic (sql/seeds/topics.csv)",
            sort=topics,
            axis=alt.Axis(labelAngle=-50, labelLimit=0, orient="top"),
        ),
        y=alt.Y("counterpart:N", title="Counterpart", sort=order, axis=alt.Axis(labelLimit=0)),
    )
    cells = base.mark_rect(stroke="#777", strokeWidth=0.5).encode(
        color=alt.Color(
            "share:Q",
            title="Share of the counterpart's calls",
            scale=alt.Scale(domain=[0, 1], range=SHARE_COLOURS),
            legend=alt.Legend(
                format="%", orient="bottom", title="Share of the counterpart's calls"
            ),
        )
    )
    counts = base.mark_text(fontSize=9).encode(
        text=alt.Text("calls:Q"),
        color=alt.condition("datum.share > 0.55", alt.value("white"), alt.value("black")),
    )
    return alt.layer(cells, counts)


def calls_timeline(rows: list[dict], order: list[str], domain: tuple[date, date]) -> alt.Chart:
    """rows: counterpart, call_date, initiated, tone ('described' or 'no descriptor'): one
    per call and counterpart."""
    return (
        alt.Chart(alt.Data(values=rows), width=860, height=max(60, 18 * len(order)))
        .mark_point(filled=True, size=70, stroke="#333", strokeWidth=0.6, opacity=0.9)
        .encode(
            x=alt.X("call_date:T", **_time_axis("Date of the call", domain)),
            y=alt.Y("counterpart:N", title="Counterpart", sort=order, axis=alt.Axis(labelLimit=0)),
            color=alt.Color(
                "tone:N",
                title="Tone",
                scale=alt.Scale(
                    domain=["described", "no descriptor"], range=["#08519c", "#fbe3b5"]
                ),
                legend=alt.Legend(orient="top", title="Tone"),
            ),
            shape=alt.Shape(
                "initiated:N",
                title="Who initiated the call",
                scale=alt.Scale(domain=INITIATED, range=["triangle-up", "circle", "square"]),
                legend=alt.Legend(orient="top", title="Who initiated the call"),
            ),
        )
    )
