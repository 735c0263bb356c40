"""The Locus for Focus chart: each competency's gap (x) against its importance (y), with the two mean lines.

Laid out as a :class:`lipassess.reports.charts.Chart`, so it renders as SVG
for browsers and as shapes plus HTML labels for the PDF. Points carry their
need rank (the ranked table names them); the top-right quadrant (important,
large gap: train first) is shaded.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

from lipassess.errors import InvalidInput
from lipassess.reports.charts import BLUE, GRID, MUTED, ORANGE, Chart, Label, _line, _n, _nice_step, _ticks
from lipassess.reports.numbers import check_lang, fmt_decimal

__all__ = ["LocusPoint", "locus_for_focus"]


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class LocusPoint:
    """One competency: ``gap`` (mean importance - competence), ``importance`` (mean), its ``label`` (a rank)."""

    label: str
    gap: float
    importance: float


def _range(values: Sequence[float], cut: float) -> tuple[float, float, float]:
    low, high = min([*values, cut]), max([*values, cut])
    span = max(high - low, 0.4)
    step = _nice_step(span, 4)
    return math.floor((low - span * 0.08) / step) * step, math.ceil((high + span * 0.08) / step) * step, step


def locus_for_focus(points: Sequence[LocusPoint], *, lang: str, title: str, x_label: str, y_label: str,
                    gap_cut: float, importance_cut: float, quadrant_labels: dict[str, str], width: float = 340.0,
                    font_size: float = 9.0, khmer_digits: bool = True) -> Chart:
    """The Locus for Focus scatter (Mink, Shultz & Mink 1991) as a :class:`Chart`.

    Parameters
    ----------
    points : sequence of LocusPoint
        Competencies with a need (NaN coordinates are refused).
    lang, khmer_digits : str, bool
        Language of the tick numbers.
    title, x_label, y_label : str
        Already translated.
    gap_cut, importance_cut : float
        Where the quadrant lines cross (the means of the competencies).
    quadrant_labels : dict
        ``HH``, ``HL``, ``LH``, ``LL`` (importance first) -> the words written in each corner.
    """
    check_lang(lang)
    if not points:
        raise InvalidInput("The Locus for Focus chart needs at least one competency with a need.")
    if any(math.isnan(p.gap) or math.isnan(p.importance) for p in points):
        raise InvalidInput("Every Locus for Focus point needs a gap and an importance.")
    x_low, x_high, x_step = _range([p.gap for p in points], gap_cut)
    y_low, y_high, y_step = _range([p.importance for p in points], importance_cut)
    size = font_size
    left, right, top, bottom = size * 4.2, size * 1.2, size * 2.4, size * 4.2
    height = width * 0.82
    plot_w, plot_h = width - left - right, height - top - bottom

    def x_of(value: float) -> float:
        return left + (value - x_low) / (x_high - x_low) * plot_w

    def y_of(value: float) -> float:
        return top + (y_high - value) / (y_high - y_low) * plot_h

    def number(value: float) -> str:
        return fmt_decimal(value, lang, digits=1, khmer_digits=khmer_digits)

    cx, cy = x_of(gap_cut), y_of(importance_cut)
    shapes = [f'<rect x="{_n(cx)}" y="{_n(top)}" width="{_n(left + plot_w - cx)}" height="{_n(cy - top)}" '
              f'fill="#fdf0e6"/>',
              f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(plot_w)}" height="{_n(plot_h)}" fill="none" '
              f'stroke="{GRID}"/>']
    labels: list[Label] = [Label(x=left, y=size * 1.0, text=y_label, size=size, bold=True)]
    for tick in _ticks(x_low, x_high, x_step):
        shapes.append(_line(x_of(tick), top + plot_h, x_of(tick), top + plot_h + 3, MUTED))
        labels.append(Label(x=x_of(tick), y=top + plot_h + size * 1.1, text=number(tick), anchor="middle",
                            size=size * 0.9, fill=MUTED))
    for tick in _ticks(y_low, y_high, y_step):
        shapes.append(_line(left - 3, y_of(tick), left, y_of(tick), MUTED))
        labels.append(Label(x=left - 5, y=y_of(tick), text=number(tick), anchor="end", size=size * 0.9, fill=MUTED))
    labels.append(Label(x=left + plot_w / 2, y=height - size * 1.2, text=x_label, anchor="middle", size=size,
                        bold=True))
    shapes.append(_line(cx, top, cx, top + plot_h, MUTED, dash="4 3"))
    shapes.append(_line(left, cy, left + plot_w, cy, MUTED, dash="4 3"))
    small = size * 0.85
    corners = {"HH": (left + plot_w - 3, top + small, "end"), "HL": (left + 3, top + small, "start"),
               "LH": (left + plot_w - 3, top + plot_h - small, "end"), "LL": (left + 3, top + plot_h - small, "start")}
    for code, (x, y, anchor) in corners.items():
        labels.append(Label(x=x, y=y, text=quadrant_labels[code], anchor=anchor, size=small,
                            fill=ORANGE if code == "HH" else MUTED, bold=code == "HH"))
    for point in points:
        x, y = x_of(point.gap), y_of(point.importance)
        first = point.gap > gap_cut and point.importance > importance_cut
        colour = ORANGE if first else BLUE
        shapes.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="4" fill="{colour}"/>')
        labels.append(Label(x=x + 6, y=y - 1, text=point.label, size=size, bold=first, fill=colour))
    return Chart(kind="locus_for_focus", title=title, width=width, height=height, lang=lang, shapes=tuple(shapes),
                 labels=tuple(labels))
