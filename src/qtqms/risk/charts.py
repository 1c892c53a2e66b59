"""The Mosca chart of a data class as inline SVG: migration (y) then shelf life (x) against the CRQC years (z)."""

from __future__ import annotations

import math
from html import escape

from qtqms.risk.schemas import MoscaDataClassRead, ScenarioRead

WIDTH = 760
LABEL_WIDTH = 170
RIGHT_MARGIN = 20
ROW_HEIGHT = 30
TOP = 34
BOTTOM = 26
MAX_SPAN_YEARS = 80  # longer shelf lives are drawn cut off at the edge, with their numbers still in the label
MIGRATION_FILL = "#7a9cc6"
SHELF_LIFE_FILL = "#e8a35a"


def mosca_svg(data_class: MoscaDataClassRead, scenarios: list[ScenarioRead], *, start_year: int, basis: str) -> str:
    """One bar per protecting system, starting now: y years of migration, then x years the data must stay secret.

    Where the bar crosses a CRQC line, data recorded today can be decrypted while it must still be secret.
    """
    systems = [s for s in data_class.systems if s.y is not None]
    ends = [start_year + data_class.x + (s.y or 0) for s in systems]
    latest = max([*ends, *(s.crqc_year for s in scenarios), start_year + 1])
    end_year = min(start_year + MAX_SPAN_YEARS, math.ceil(latest) + 1)
    height = TOP + BOTTOM + ROW_HEIGHT * max(1, len(systems))
    plot = WIDTH - LABEL_WIDTH - RIGHT_MARGIN

    def at(year: float) -> float:
        return LABEL_WIDTH + plot * (min(year, end_year) - start_year) / (end_year - start_year)

    title = f"Mosca chart for {data_class.name}: x = {data_class.x:g} years"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" class="mosca-chart"><title>{escape(title)}</title>',
        "<style>text{font:11px sans-serif;fill:#1d2733}</style>",
    ]
    for year in range(start_year, end_year + 1, 5 if end_year - start_year > 20 else 1):
        parts.append(f'<text x="{at(year):.1f}" y="{height - 8}" text-anchor="middle">{year}</text>')
    for row, system in enumerate(systems):
        top = TOP + row * ROW_HEIGHT
        y_end = start_year + (system.y or 0)
        label = f"{system.system} (y={system.y:g}, x+y={data_class.x + (system.y or 0):g})"
        parts += [
            f'<text x="4" y="{top + 15}">{escape(label)}</text>',
            f'<rect x="{at(start_year):.1f}" y="{top + 4}" width="{at(y_end) - at(start_year):.1f}" height="16" '
            f'fill="{MIGRATION_FILL}"><title>migration: {system.y:g} years</title></rect>',
            f'<rect x="{at(y_end):.1f}" y="{top + 4}" width="{at(y_end + data_class.x) - at(y_end):.1f}" height="16" '
            f'fill="{SHELF_LIFE_FILL}"><title>shelf life: {data_class.x:g} years</title></rect>',
        ]
    for index, scenario in enumerate(scenarios):
        x = at(scenario.crqc_year)
        colour, dash = ("#b3261e", "") if scenario.key == basis else ("#5b6675", ' stroke-dasharray="4 3"')
        parts += [
            f'<line x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{height - BOTTOM}" stroke="{colour}"{dash}/>',
            f'<text x="{x:.1f}" y="{12 + 11 * (index % 2)}" text-anchor="middle">'
            f"{escape(scenario.key)} {scenario.crqc_year}</text>",
        ]
    parts.append("</svg>")
    return "".join(parts)
