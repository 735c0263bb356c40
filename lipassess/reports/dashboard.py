"""The dashboard's charts: analysis results -> :class:`~lipassess.reports.charts.Chart`, in English or Khmer.

Every word comes from the text catalogue (``staff.chart.*``, outcome and wave
names); ``lang="km"`` also writes the axes' numbers in Khmer digits.

Each chart is drawn twice by :func:`both_widths`: :data:`WIDTH` px wide for a
desktop and :data:`NARROW` px wide with larger type for a phone; the page
shows one or the other by screen width (``staff.css``), so words stay at 11 px
or more on either.

Three pictures people would rather look at than read: the paired means per
outcome (before, after, follow-up), a forest plot of effect sizes (across
outcomes for a cohort, across cohorts for the program) and the cumulative
response rate of each wave. A statistic that is missing is drawn as its label
and "not available"; the tables beside the chart say why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lipassess.analysis.cohort import CohortAnalysis
from lipassess.analysis.paired import PairedResult
from lipassess.reports import charts
from lipassess.reports.narrative import LACERENZA_TRANSFER
from lipassess.reports.numbers import fmt_decimal
from lipassess.reports.tables import TOTAL, ordered_outcomes
from lipassess.reports.tables.localize import outcome_words, wave_words
from lipassess.text import text

WIDTH = 460.0
FONT = 13.0  # drawn 460 px wide, shown 460-560 px wide: the smallest label (80%) at 10.4-12.7 px
NARROW = 340.0
NARROW_FONT = 15.0  # drawn 340 px wide, shown 320-520 px wide on a phone: the smallest label at 11-18 px
NOT_AVAILABLE = "not available"
AXIS = "Effect size with 95% CI (0 = no change)"


def _words(key: str, lang: str, **values: object) -> str:
    return text(f"staff.chart.{key}", lang, **values)


def _reference(lang: str) -> tuple[float, str]:
    """The meta-analytic transfer effect the forest plots draw as a dashed line (Lacerenza et al. 2017)."""
    return LACERENZA_TRANSFER, _words("reference", lang, value=fmt_decimal(LACERENZA_TRANSFER, lang))

Draw = Callable[[float, float], charts.Chart]
"""A chart at ``(width, font_size)``."""


def both_widths(draw: Draw) -> str:
    """The chart as two inline SVGs, ``chart-wide`` for a desktop and ``chart-narrow`` for a phone."""
    return (f'<div class="chart-wide">{draw(WIDTH, FONT).svg()}</div>'
            f'<div class="chart-narrow">{draw(NARROW, NARROW_FONT).svg()}</div>')


def _row(label: str, result: PairedResult | None, *, group: str | None = None, emphasis: bool = False,
         lang: str = "en") -> charts.ForestRow:
    if result is None:
        return charts.ForestRow(label=label, note=_words("not_available", lang), group=group, emphasis=emphasis)
    return charts.ForestRow(label=label, estimate=result.g_av, ci_low=result.g_av_ci_low,
                            ci_high=result.g_av_ci_high, group=group, emphasis=emphasis)


def _usable(result: PairedResult | None) -> PairedResult | None:
    """A result whose g_av and CI are finite numbers, else None (drawn as not available)."""
    if result is None:
        return None
    values = (result.g_av, result.g_av_ci_low, result.g_av_ci_high)
    return result if all(v == v and abs(v) != float("inf") for v in values) else None


def effect_forest(analysis: CohortAnalysis, *, width: float = WIDTH, font_size: float = FONT,
                  lang: str = "en") -> charts.Chart:
    """g_av with CI per outcome: before -> after, then before -> follow-up."""
    rows = []
    for which in ("pre_post", "pre_followup"):
        group = _words(f"group.{which}", lang)
        for o in ordered_outcomes(analysis):
            rows.append(_row(outcome_words(o.name, lang), _usable(getattr(o, which)), group=group,
                             emphasis=o.name == TOTAL, lang=lang))
    return charts.forest_plot(rows, lang=lang, title=_words("forest.title", lang), axis_label=_words("axis", lang),
                              reference=_reference(lang), width=width, font_size=font_size)


def means_chart(analysis: CohortAnalysis, *, width: float = WIDTH, scale: tuple[float, float] = (1.0, 5.0),
                font_size: float = FONT, lang: str = "en") -> charts.Chart:
    """Mean score before, after and at the follow-up per outcome (participants with both waves)."""
    rows = []
    for o in ordered_outcomes(analysis):
        pp, pf = o.pre_post, o.pre_followup
        pre = pp.mean_pre if pp else (pf.mean_pre if pf else None)
        rows.append(charts.MeansRow(label=outcome_words(o.name, lang), pre=pre, post=pp.mean_post if pp else None,
                                    followup=pf.mean_post if pf else None, note=_words("not_available", lang)))
    legend = (_words("before", lang), _words("after", lang), _words("followup", lang))
    return charts.paired_means_chart(rows, lang=lang, title=_words("means.title", lang),
                                     legend=legend, scale_min=scale[0],
                                     scale_max=scale[1], width=width, font_size=font_size)


def response_chart(curves: Sequence[tuple[str, Sequence[tuple[float, float]]]], *, width: float = WIDTH,
                   font_size: float = FONT, lang: str = "en") -> charts.Chart:
    """Cumulative response rate of each wave against days since it opened."""
    series = [charts.ResponseSeries(label=wave_words(kind, lang), points=tuple(points)) for kind, points in curves]
    return charts.response_timeline(series, lang=lang, title=_words("responses.title", lang),
                                    x_label=_words("responses.x", lang), y_label=_words("responses.y", lang),
                                    width=width,
                                    height=240.0 + 2 * font_size, font_size=font_size)


def cohort_forest(rows: Sequence[tuple[str, PairedResult | None]], pooled: PairedResult | None, *,
                  width: float = WIDTH, font_size: float = FONT, lang: str = "en") -> charts.Chart:
    """Behaviour-total g_av per cohort, then all cohorts pooled (emphasised)."""
    forest = [_row(label, _usable(result), group=_words("cohorts.group", lang), lang=lang)
              for label, result in rows]
    forest.append(_row(_words("pooled", lang), _usable(pooled), group=_words("program.group", lang),
                       emphasis=True, lang=lang))
    return charts.forest_plot(forest, lang=lang, title=_words("cohorts.title", lang), axis_label=_words("axis", lang),
                              reference=_reference(lang), width=width, font_size=font_size)
