"""Hand-built charts whose words stay text: forest plot, paired means, response-rate timeline.

Each function lays a chart out once, as a :class:`Chart` (SVG shapes plus
text labels with positions), and the chart renders two ways:

* :meth:`Chart.svg` - a standalone SVG with ``<text>`` elements. Browsers
  shape Khmer in SVG text correctly; this is what the HTML summary, the
  dashboard and downloads use.
* :meth:`Chart.html` - the same shapes as an inline SVG *without* text, with
  each label as an absolutely positioned HTML ``<span>`` on top. This is for
  WeasyPrint: its SVG renderer lays SVG text out one code point at a time
  (``weasyprint/svg/text.py``), which breaks Khmer clusters (coeng
  subscripts, pre-base vowels) into dotted-circle glyphs, while HTML text
  goes through Pango and is shaped. The PDF keeps real, extractable text.

Label positions are vertical centres (``dominant-baseline="central"`` in SVG,
a centred line box in HTML) so both renderings agree. Labels arrive already
translated; numbers on axes are formatted per language by
:mod:`lipassess.reports.numbers`. Widths of labels are estimated (no font
metrics at layout time): Khmer combining marks and subscript consonants take
no width.
"""

from __future__ import annotations

import dataclasses
import math
import unicodedata
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from lipassess.errors import InvalidInput
from lipassess.reports.fonts import svg_font_stack
from lipassess.reports.numbers import check_lang, fmt_decimal, fmt_int, fmt_interval, fmt_percent
from lipassess.vocabulary import MEASUREMENT_WAVES

INK = "#222222"
MUTED = "#6b6b6b"
GRID = "#d9d9d9"
BLUE = "#1f5f99"
ORANGE = "#c8661a"
GREEN = "#2e7d4f"
PURPLE = "#6a4c93"
SERIES_COLOURS = (BLUE, ORANGE, GREEN, PURPLE, "#8c564b", "#17808a")
COENG = "\u17d2"


# ---------------------------------------------------------------------------
# The chart object
# ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Label:
    """One piece of chart text. ``y`` is the vertical centre of the line."""

    x: float
    y: float
    text: str
    anchor: str = "start"  # start | middle | end
    size: float = 10.0
    bold: bool = False
    fill: str = INK


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Chart:
    """A laid-out chart: SVG shapes plus labels, in CSS pixels.

    Attributes
    ----------
    kind : str
        ``forest``, ``paired_means`` or ``response_timeline``.
    title : str
        Accessible name (SVG ``<title>``, HTML ``aria-label``).
    width, height : float
        Size in CSS pixels.
    lang : str
        Language of the labels (``en`` or ``km``).
    shapes : tuple of str
        SVG elements without text.
    labels : tuple of Label
        Every word and number on the chart.
    """

    kind: str
    title: str
    width: float
    height: float
    lang: str
    shapes: tuple[str, ...]
    labels: tuple[Label, ...]

    def texts(self) -> tuple[str, ...]:
        """Every label's text, in drawing order."""
        return tuple(label.text for label in self.labels)

    def svg(self, *, font_family: str | None = None) -> str:
        """A standalone SVG document (also valid inline in HTML5) with ``<text>`` labels."""
        family = font_family or svg_font_stack()
        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{self.kind}" '
            f'width="{_n(self.width)}" height="{_n(self.height)}" viewBox="0 0 {_n(self.width)} {_n(self.height)}" '
            f'role="img" xml:lang="{self.lang}" font-family={quoteattr(family)}>',
            f"<title>{escape(self.title)}</title>",
            *self.shapes,
        ]
        for label in self.labels:
            weight = ' font-weight="bold"' if label.bold else ""
            out.append(
                f'<text x="{_n(label.x)}" y="{_n(label.y)}" text-anchor="{label.anchor}" '
                f'dominant-baseline="central" font-size="{_n(label.size)}" fill="{label.fill}"{weight}>'
                f"{escape(label.text)}</text>"
            )
        out.append("</svg>")
        return "\n".join(out)

    def html(self) -> str:
        """Shapes as inline SVG and labels as positioned HTML spans (for WeasyPrint/Pango)."""
        w, h = self.width, self.height
        out = [
            f'<div class="chart chart-{self.kind}" role="img" aria-label={quoteattr(self.title)} lang="{self.lang}" '
            f'style="position: relative; width: {_n(w)}px; height: {_n(h)}px;">',
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(w)}" height="{_n(h)}" '
            f'viewBox="0 0 {_n(w)} {_n(h)}" style="position: absolute; left: 0; top: 0;">',
            *self.shapes,
            "</svg>",
        ]
        for label in self.labels:
            box = label.size * 2.2  # Khmer needs room above and below the line for vowels and subscripts
            style = [f"top: {_n(label.y - box / 2)}px", f"height: {_n(box)}px", f"line-height: {_n(box)}px",
                     f"font-size: {_n(label.size)}px", f"color: {label.fill}", "white-space: nowrap",
                     "position: absolute", "margin: 0", "padding: 0"]
            if label.bold:
                style.append("font-weight: bold")
            if label.anchor == "end":
                style += [f"right: {_n(w - label.x)}px", "text-align: right"]
            elif label.anchor == "middle":
                span = max(w, 400.0)
                style += [f"left: {_n(label.x - span / 2)}px", f"width: {_n(span)}px", "text-align: center"]
            else:
                style += [f"left: {_n(label.x)}px"]
            out.append(f'<span class="chart-label" style="{"; ".join(style)}">{escape(label.text)}</span>')
        out.append("</div>")
        return "\n".join(out)


@dataclasses.dataclass(frozen=True, slots=True)
class _Numbers:
    """Number formatting bound to one language and digit choice."""

    lang: str
    khmer_digits: bool

    def dec(self, value: float, digits: int = 2) -> str:
        return fmt_decimal(value, self.lang, digits=digits, khmer_digits=self.khmer_digits)

    def count(self, value: float) -> str:
        return fmt_int(int(round(value)), self.lang, khmer_digits=self.khmer_digits)

    def pct(self, value: float) -> str:
        return fmt_percent(value, self.lang, khmer_digits=self.khmer_digits)

    def interval(self, low: float, high: float) -> str:
        return fmt_interval(low, high, self.lang, khmer_digits=self.khmer_digits)


def _n(value: float) -> str:
    """Compact coordinates: at most two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# Advance widths in em, measured with fontTools on Khmer OS System (Khmer) and DejaVu Sans (Latin).
_KHMER_SPACING_VOWELS = {
    "\u17b6": 0.38, "\u17be": 0.38, "\u17bf": 0.76, "\u17c0": 0.76, "\u17c1": 0.38, "\u17c2": 0.38,
    "\u17c3": 0.38, "\u17c4": 0.76, "\u17c5": 0.76, "\u17c7": 0.51, "\u17c8": 0.42,
}


def text_width(text: str, size: float) -> float:
    """Estimated advance width of ``text`` at ``size`` px (no font needed at layout time).

    Combining marks, format characters and the consonant written under a coeng
    (U+17D2) add nothing; per-character widths come from the fonts the PDF uses.
    """
    width = 0.0
    after_coeng = False
    for ch in text:
        if after_coeng:
            after_coeng = False
            continue
        if ch == COENG:
            after_coeng = True
            continue
        if ch in _KHMER_SPACING_VOWELS:
            width += _KHMER_SPACING_VOWELS[ch]
            continue
        if unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        if "\u1780" <= ch <= "\u17b5":
            width += 0.84
        elif "\u17e0" <= ch <= "\u17e9":
            width += 0.76
        elif "\u17d4" <= ch <= "\u17ff":
            width += 0.55
        elif ch in " .,;:'|!()[]-":
            width += 0.34
        elif ch.isdigit():
            width += 0.64
        elif ch in "%mwMW":
            width += 0.92
        elif ch.isupper():
            width += 0.68
        else:
            width += 0.56
    return width * size


def _wrap(text: str, size: float, max_width: float) -> tuple[str, ...]:
    """One line, or two split at the space that makes the longer line shortest."""
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    if text_width(text, size) <= max_width or not spaces:
        return (text,)
    cut = min(spaces, key=lambda i: max(text_width(text[:i], size), text_width(text[i + 1:], size)))
    return (text[:cut], text[cut + 1:])


def _row_labels(texts: Sequence[str], size: float, max_width: float,
                min_scale: float = 0.8) -> tuple[float, float, list[tuple[str, ...]]]:
    """Right-aligned row labels: wrap to two lines, then shrink (to ``min_scale``) before overflowing.

    Returns the font size, the label column width and each label's lines.
    """
    wrapped = [_wrap(t, size, max_width) for t in texts]
    widest = max([text_width(line, size) for lines in wrapped for line in lines] + [40.0]) + 6
    scale = max(min_scale, min(1.0, max_width / widest))
    return size * scale, min(widest * scale, max_width), wrapped


def _stacked(lines: Sequence[str], *, x: float, centre: float, size: float, bold: bool = False) -> list[Label]:
    offset = (len(lines) - 1) * size * 1.3 / 2
    return [Label(x=x, y=centre - offset + i * size * 1.3, text=line, anchor="end", size=size, bold=bold)
            for i, line in enumerate(lines)]


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str = INK, width: float = 1.0,
          dash: str | None = None) -> str:
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{stroke}" '
            f'stroke-width="{_n(width)}"{dash_attr}/>')


def _nice_step(span: float, target_ticks: int = 5) -> float:
    raw = span / max(target_ticks, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _ticks(low: float, high: float, step: float) -> list[float]:
    start = math.ceil(low / step - 1e-9)
    stop = math.floor(high / step + 1e-9)
    return [round(i * step, 10) for i in range(start, stop + 1)]


# ---------------------------------------------------------------------------
# Forest plot
# ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ForestRow:
    """One estimate with its CI; ``estimate=None`` draws the label and ``note`` instead.

    ``group`` starts a new titled block when it changes (e.g. "Subscales", "Cohorts");
    ``emphasis`` draws the row bold with a diamond (e.g. the behaviour total).
    """

    label: str
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    note: str | None = None
    group: str | None = None
    emphasis: bool = False

    def interval(self) -> tuple[float, float, float] | None:
        """``(estimate, ci_low, ci_high)``, or None for a row without an estimate.

        Raises
        ------
        InvalidInput
            When the row has an estimate but not both CI bounds.
        """
        if self.estimate is None:
            return None
        if self.ci_low is None or self.ci_high is None:
            raise InvalidInput(f"Forest row {self.label!r} has an estimate, so it needs ci_low and ci_high.")
        return self.estimate, self.ci_low, self.ci_high


def forest_plot(rows: Sequence[ForestRow], *, lang: str, title: str, axis_label: str,
                reference: tuple[float, str] | None = None, width: float = 340.0,
                font_size: float = 9.5, khmer_digits: bool = True) -> Chart:
    """Effect sizes with 95% CIs, one row each, a line at 0 and an optional reference line.

    Parameters
    ----------
    rows : sequence of ForestRow
        In display order.
    lang : str
        ``en`` or ``km`` (tick and value formatting).
    title, axis_label : str
        Accessible title and the x-axis caption, already translated.
    reference : (float, str), optional
        A vertical reference line and its caption, e.g. ``(0.82, "Lacerenza et al. 2017, δ = .82")``.
    width : float
        Chart width in CSS pixels; the height follows the number of rows.
    khmer_digits : bool
        In Khmer, numbers in Khmer digits (default) or Latin digits.
    """
    check_lang(lang)
    fmt = _Numbers(lang, khmer_digits)
    size = font_size
    row_h = size * 2.3
    top = size * 2.6 if reference else size * 1.2
    shapes: list[str] = []
    labels: list[Label] = []
    value_size = size * 0.82

    def value_text(estimate: float, ci_low: float, ci_high: float) -> str:
        return f"{fmt.dec(estimate)} {fmt.interval(ci_low, ci_high)}"

    intervals = [r.interval() for r in rows]
    values = [value_text(*i) for i in intervals if i is not None]
    label_size, label_w, wrapped = _row_labels([r.label for r in rows], size, width * 0.38)
    value_w = min(max([text_width(v, value_size) for v in values] + [30.0]) + 6, width * 0.30)
    x0, x1 = label_w + 6, width - value_w - 6
    points = [v for i in intervals if i is not None for v in (i[1], i[2], i[0])]
    low = min([0.0, *points]) if points else 0.0
    high = max([1.0, *points] + ([reference[0]] if reference else [])) if points else 1.0
    tick_size = size * 0.85
    tick_room = text_width(fmt.dec(-0.5, 1), tick_size) + 8
    step = _nice_step(high - low)
    while (high - low) / step + 1 > max(2, (x1 - x0) / tick_room):
        step = _nice_step(step * 1.5, 1)
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step

    def sx(v: float) -> float:
        return x0 + (v - low) / (high - low) * (x1 - x0)

    y = top
    current_group: str | None = None
    for row, lines, interval in zip(rows, wrapped, intervals, strict=True):
        if row.group and row.group != current_group:
            current_group = row.group
            labels.append(Label(x=0, y=y + row_h / 2, text=row.group, bold=True, size=size, fill=MUTED))
            y += row_h
        this_h = row_h + (len(lines) - 1) * label_size * 1.3
        centre = y + this_h / 2
        labels += _stacked(lines, x=label_w, centre=centre, size=label_size, bold=row.emphasis)
        if interval is None:
            labels.append(Label(x=x0 + 4, y=centre, text=row.note or "\u2013", size=size * 0.9, fill=MUTED))
        else:
            estimate, ci_low, ci_high = interval
            shapes.append(_line(sx(ci_low), centre, sx(ci_high), centre, stroke=BLUE, width=1.6))
            for end in (ci_low, ci_high):
                shapes.append(_line(sx(end), centre - 3, sx(end), centre + 3, stroke=BLUE, width=1.2))
            cx = sx(estimate)
            if row.emphasis:
                r = 5.5
                shapes.append(f'<path d="M{_n(cx - r)} {_n(centre)} L{_n(cx)} {_n(centre - r)} L{_n(cx + r)} '
                              f'{_n(centre)} L{_n(cx)} {_n(centre + r)} Z" fill="{BLUE}"/>')
            else:
                shapes.append(f'<rect x="{_n(cx - 3.5)}" y="{_n(centre - 3.5)}" width="7" height="7" fill="{BLUE}"/>')
            labels.append(Label(x=width, y=centre, text=value_text(*interval), anchor="end", size=value_size,
                                bold=row.emphasis))
        y += this_h
    plot_bottom = y + 2
    # grid, zero line, reference line, axis
    for tick in _ticks(low, high, step):
        shapes.insert(0, _line(sx(tick), top, sx(tick), plot_bottom, stroke=GRID, width=0.7))
        labels.append(Label(x=sx(tick), y=plot_bottom + size * 0.9, text=fmt.dec(tick, 1),
                            anchor="middle", size=tick_size, fill=MUTED))
    shapes.append(_line(sx(0), top, sx(0), plot_bottom, stroke=INK, width=1.0))
    shapes.append(_line(x0, plot_bottom, x1, plot_bottom, stroke=INK, width=0.8))
    if reference is not None:
        ref_x = sx(reference[0])
        shapes.append(_line(ref_x, top - size * 0.4, ref_x, plot_bottom, stroke=ORANGE, width=1.2, dash="4 3"))
        anchor = "end" if ref_x > (x0 + x1) / 2 else "start"
        labels.append(Label(x=ref_x + (-3 if anchor == "end" else 3), y=top - size * 1.1, text=reference[1],
                            anchor=anchor, size=size * 0.85, fill=ORANGE))
    height = plot_bottom + size * 3.6
    labels.append(Label(x=width / 2, y=plot_bottom + size * 2.5, text=axis_label, anchor="middle",
                        size=size * 0.9))
    return Chart(kind="forest", title=title, width=width, height=height, lang=lang, shapes=tuple(shapes),
                 labels=tuple(labels))


# ---------------------------------------------------------------------------
# Paired means (dumbbell)
# ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class MeansRow:
    """Mean scale scores of one outcome at pre, post and (optionally) follow-up."""

    label: str
    pre: float | None = None
    post: float | None = None
    followup: float | None = None
    note: str | None = None


def paired_means_chart(rows: Sequence[MeansRow], *, lang: str, title: str, legend: tuple[str, str, str],
                       scale_min: float = 1.0, scale_max: float = 5.0, width: float = 340.0,
                       font_size: float = 9.5, khmer_digits: bool = True) -> Chart:
    """Pre, post and follow-up means per outcome on the response scale, joined by a line.

    ``legend`` gives the three wave captions (pre, post, follow-up), already translated.
    """
    check_lang(lang)
    fmt = _Numbers(lang, khmer_digits)
    size = font_size
    row_h = size * 2.2
    top = size * 2.8
    label_size, label_w, wrapped = _row_labels([r.label for r in rows], size, width * 0.40)
    x0, x1 = label_w + 10, width - 12

    def sx(v: float) -> float:
        return x0 + (v - scale_min) / (scale_max - scale_min) * (x1 - x0)

    shapes: list[str] = []
    labels: list[Label] = []
    # legend: above the plot, moved left as far as needed to stay inside the chart
    legend_w = sum(24 + text_width(caption, size * 0.85) for caption in legend)
    lx = max(0.0, min(x0, width - legend_w))
    for caption, marker in zip(legend, MEASUREMENT_WAVES, strict=True):
        shapes.append(_marker(marker, lx + 4, size))
        labels.append(Label(x=lx + 11, y=size, text=caption, size=size * 0.85))
        lx += 24 + text_width(caption, size * 0.85)
    y = top
    for row, lines in zip(rows, wrapped, strict=True):
        this_h = row_h + (len(lines) - 1) * label_size * 1.3
        centre = y + this_h / 2
        labels += _stacked(lines, x=label_w, centre=centre, size=label_size)
        present = [v for v in (row.pre, row.post, row.followup) if v is not None]
        if not present:
            labels.append(Label(x=x0 + 4, y=centre, text=row.note or "\u2013", size=size * 0.9, fill=MUTED))
        else:
            if row.pre is not None and row.post is not None:
                shapes.append(_line(sx(row.pre), centre, sx(row.post), centre, stroke=BLUE, width=2.0))
            if row.post is not None and row.followup is not None:
                shapes.append(_line(sx(row.post), centre, sx(row.followup), centre, stroke=ORANGE, width=1.0,
                                    dash="2 2"))
            for value, marker in ((row.pre, "pre"), (row.post, "post"), (row.followup, "followup")):
                if value is not None:
                    shapes.append(_marker(marker, sx(value), centre))
        y += this_h
    bottom = y + 2
    for tick in _ticks(scale_min, scale_max, _nice_step(scale_max - scale_min, 4) if scale_max - scale_min > 6 else 1):
        shapes.insert(0, _line(sx(tick), top, sx(tick), bottom, stroke=GRID, width=0.7))
        labels.append(Label(x=sx(tick), y=bottom + size * 0.9, text=fmt.count(tick) if tick == int(tick)
                            else fmt.dec(tick, 1), anchor="middle", size=size * 0.85, fill=MUTED))
    shapes.append(_line(x0, bottom, x1, bottom, stroke=INK, width=0.8))
    return Chart(kind="paired_means", title=title, width=width, height=bottom + size * 2, lang=lang,
                 shapes=tuple(shapes), labels=tuple(labels))


def _marker(kind: str, x: float, y: float) -> str:
    if kind == "pre":
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3.6" fill="#ffffff" stroke="{MUTED}" stroke-width="1.5"/>'
    if kind == "post":
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="4" fill="{BLUE}"/>'
    r = 4.2
    return (f'<path d="M{_n(x - r)} {_n(y)} L{_n(x)} {_n(y - r)} L{_n(x + r)} {_n(y)} L{_n(x)} {_n(y + r)} Z" '
            f'fill="{ORANGE}"/>')


# ---------------------------------------------------------------------------
# Response-rate timeline
# ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ResponseSeries:
    """Cumulative response rate of one wave: ``points`` are (days since the wave opened, share in [0, 1])."""

    label: str
    points: tuple[tuple[float, float], ...]


def response_timeline(series: Sequence[ResponseSeries], *, lang: str, title: str, x_label: str, y_label: str,
                      width: float = 340.0, height: float = 190.0, font_size: float = 9.5,
                      khmer_digits: bool = True) -> Chart:
    """Cumulative response rate against days since each wave opened, one line per wave."""
    check_lang(lang)
    fmt = _Numbers(lang, khmer_digits)
    size = font_size
    x0, x1 = size * 4.2, width - 10
    # the legend in two columns, or one when an entry would run into its neighbour
    legends = [f"{s.label} ({fmt.pct(sorted(s.points)[-1][1]) if s.points else chr(0x2013)})" for s in series]
    columns = 2 if all(18 + text_width(t, size * 0.9) <= (x1 - x0) / 2 - size for t in legends) else 1
    legend_h = size * 2.2 * math.ceil(len(series) / columns) if series else 0
    y0, y1 = legend_h + size * 2.6, height - size * 3.4
    days = [d for s in series for d, _ in s.points]
    max_day = max([7.0, *days])
    step = _nice_step(max_day, 6)
    max_day = math.ceil(max_day / step) * step

    def sx(d: float) -> float:
        return x0 + d / max_day * (x1 - x0)

    def sy(share: float) -> float:
        return y1 - share * (y1 - y0)

    shapes: list[str] = []
    labels: list[Label] = []
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        shapes.append(_line(x0, sy(tick), x1, sy(tick), stroke=GRID, width=0.7))
        labels.append(Label(x=x0 - 4, y=sy(tick), text=fmt.pct(tick), anchor="end", size=size * 0.85,
                            fill=MUTED))
    for tick in _ticks(0, max_day, step):
        labels.append(Label(x=sx(tick), y=y1 + size * 0.9, text=fmt.count(tick), anchor="middle",
                            size=size * 0.85, fill=MUTED))
    shapes.append(_line(x0, y1, x1, y1, stroke=INK, width=0.8))
    shapes.append(_line(x0, y0, x0, y1, stroke=INK, width=0.8))
    for i, s in enumerate(series):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        points = sorted(s.points)
        if points:
            path = " ".join(f"{'M' if j == 0 else 'L'}{_n(sx(d))} {_n(sy(max(0.0, min(1.0, v))))}"
                            for j, (d, v) in enumerate(points))
            shapes.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="1.8"/>')
            last_d, last_v = points[-1]
            shapes.append(f'<circle cx="{_n(sx(last_d))}" cy="{_n(sy(last_v))}" r="2.5" fill="{colour}"/>')
        col, line = i % columns, i // columns
        lx = x0 + col * (x1 - x0) / 2
        ly = size + line * size * 2.2
        shapes.append(_line(lx, ly, lx + 14, ly, stroke=colour, width=2.2))
        labels.append(Label(x=lx + 18, y=ly, text=legends[i], size=size * 0.9))
    labels.append(Label(x=(x0 + x1) / 2, y=height - size * 1.1, text=x_label, anchor="middle", size=size * 0.9))
    labels.append(Label(x=x0 - size * 3.6, y=y0 - size * 1.3, text=y_label, size=size * 0.85, fill=MUTED))
    return Chart(kind="response_timeline", title=title, width=width, height=height, lang=lang,
                 shapes=tuple(shapes), labels=tuple(labels))
