"""Small inline-SVG charts for the offline report: no scripts, no external files. Every
label is escaped."""

from __future__ import annotations

from html import escape

PALETTE = {"russia": "#b33a3a", "counterpart": "#3a6fb3", "not stated": "#b5b5b5"}
LEGEND = {
    "russia": "initiated by Russia",
    "counterpart": "by the counterpart",
    "not stated": "not stated",
}


def _short(label: str, limit: int = 24) -> str:
    """Long names (organisations) are cut on the chart; the tooltip keeps them whole."""
    return escape(label if len(label) <= limit else label[: limit - 1] + "…")


def bar_chart(points: list[tuple[str, int]], *, title: str, height: int = 220) -> str:
    if not points:
        return f"<p>{escape(title)}: no data.</p>"
    top = max(value for _, value in points) or 1
    bar, gap, left, bottom = 18, 6, 40, 60
    width = left + len(points) * (bar + gap) + 10
    parts = [
        f"<svg role='img' aria-label='{escape(title)}' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}' class='chart'>"
    ]
    usable = height - bottom - 10
    for i, (label, value) in enumerate(points):
        h = round(usable * value / top)
        x = left + i * (bar + gap)
        y = 10 + usable - h
        parts.append(
            f"<rect x='{x}' y='{y}' width='{bar}' height='{h}' fill='#3a6fb3'>"
            f"<title>{escape(label)}: {value}</title></rect>"
        )
        parts.append(
            f"<text x='{x + bar / 2}' y='{y - 2}' font-size='9' text-anchor='middle'>{value}</text>"
        )
        parts.append(
            f"<text x='{x + bar / 2}' y='{height - bottom + 12}' font-size='9' "
            f"transform='rotate(60 {x + bar / 2} {height - bottom + 12})'>{escape(label)}</text>"
        )
    parts.append(
        f"<line x1='{left - 4}' y1='{10 + usable}' x2='{width}' y2='{10 + usable}' stroke='#888'/>"
    )
    parts.append("</svg>")
    return "".join(parts)


def heat_grid(
    rows: list[str],
    columns: list[str],
    cells: dict[tuple[str, str], tuple[float, str]],
    *,
    title: str,
) -> str:
    """cells[(row, column)] = (intensity 0..1, tooltip text)."""
    if not rows or not columns:
        return f"<p>{escape(title)}: no data.</p>"
    cell, left, top = 22, 150, 90
    width, height = left + len(columns) * cell + 10, top + len(rows) * cell + 10
    parts = [
        f"<svg role='img' aria-label='{escape(title)}' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}' class='chart'>"
    ]
    for j, column in enumerate(columns):
        x = left + j * cell + cell / 2
        parts.append(
            f"<text x='{x}' y='{top - 6}' font-size='9' transform='rotate(-60 {x} {top - 6})'>"
            f"{escape(column)}</text>"
        )
    for i, row in enumerate(rows):
        y = top + i * cell
        parts.append(
            f"<text x='{left - 6}' y='{y + cell * 0.65}' font-size='10' text-anchor='end'>"
            f"{_short(row)}</text>"
        )
        for j, column in enumerate(columns):
            intensity, tooltip = cells.get((row, column), (None, ""))
            fill = (
                "#f4f4f4"
                if intensity is None
                else f"rgba(58,111,179,{0.15 + 0.85 * intensity:.2f})"
            )
            parts.append(
                f"<rect x='{left + j * cell}' y='{y}' width='{cell - 2}' height='{cell - 2}' "
                f"fill='{fill}'><title>{escape(row)} / {escape(column)}: {escape(tooltip)}</title></rect>"
            )
    parts.append("</svg>")
    return "".join(parts)


def stacked_bars(rows: list[tuple[str, dict[str, int]]], *, title: str) -> str:
    if not rows:
        return f"<p>{escape(title)}: no data.</p>"
    left, bar, width = 150, 16, 520
    top = max(sum(parts.values()) for _, parts in rows) or 1
    height = len(rows) * (bar + 6) + 30
    out = [
        f"<svg role='img' aria-label='{escape(title)}' width='{left + width + 20}' "
        f"height='{height}' class='chart'>"
    ]
    for i, (label, parts) in enumerate(rows):
        y = 4 + i * (bar + 6)
        out.append(
            f"<text x='{left - 6}' y='{y + bar * 0.8}' font-size='10' text-anchor='end'>{_short(label)}</text>"
        )
        x = left
        for key in ("russia", "counterpart", "not stated"):
            value = parts.get(key, 0)
            w = width * value / top
            if value:
                out.append(
                    f"<rect x='{x:.1f}' y='{y}' width='{w:.1f}' height='{bar}' fill='{PALETTE[key]}'>"
                    f"<title>{escape(label)}: {escape(key)} {value}</title></rect>"
                )
            x += w
    legend_y = height - 10
    for k, key in enumerate(PALETTE):
        out.append(
            f"<rect x='{left + k * 130}' y='{legend_y - 9}' width='10' height='10' fill='{PALETTE[key]}'/>"
            f"<text x='{left + k * 130 + 14}' y='{legend_y}' font-size='10'>{escape(LEGEND[key])}</text>"
        )
    out.append("</svg>")
    return "".join(out)
