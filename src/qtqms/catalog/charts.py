"""Readiness bars as server-rendered SVG: met in green, partial in amber, each bar labelled in words too."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from qtqms.catalog.schemas import ClauseReadiness, FrameworkReadiness

WIDTH = 640
ROW = 26
LABEL = 220
BAR = WIDTH - LABEL - 150


def _row(y: int, name: str, assessable: int, met: int, partial: int, score: float) -> str:
    met_width = BAR * met / assessable if assessable else 0
    partial_width = BAR * (score * assessable - met) / assessable if assessable else 0
    words = f"{score:.0%}: {met} met, {partial} partial of {assessable}"
    return (
        f'<text x="0" y="{y + 16}" font-size="12">{escape(name[:34])}</text>'
        f'<rect x="{LABEL}" y="{y + 4}" width="{BAR}" height="16" fill="#e5e7eb"/>'
        f'<rect x="{LABEL}" y="{y + 4}" width="{met_width:.1f}" height="16" fill="#15803d"><title>met</title></rect>'
        f'<rect x="{LABEL + met_width:.1f}" y="{y + 4}" width="{max(partial_width, 0):.1f}" height="16" '
        f'fill="#d97706"><title>partial</title></rect>'
        f'<text x="{LABEL + BAR + 6}" y="{y + 16}" font-size="11">{escape(words)}</text>'
    )


def bars(rows: Sequence[FrameworkReadiness | ClauseReadiness], title: str) -> str:
    """One bar per framework or clause."""
    height = ROW * len(rows) + 8
    body = "".join(
        _row(
            i * ROW,
            getattr(r, "framework", None) or f"{r.clause} {getattr(r, 'label', '')}".strip(),
            r.assessable,
            r.met,
            r.partial,
            r.score,
        )  # fmt: skip
        for i, r in enumerate(rows)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%">{body}</svg>'
    )
