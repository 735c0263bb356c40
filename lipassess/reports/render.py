"""The one-page impact summary as self-contained HTML and as an A4 PDF (WeasyPrint).

``render_html`` gives a page with inline CSS and inline SVG charts and no
external resources, for a browser or an e-mail attachment. ``render_pdf``
renders the same template through WeasyPrint; there the charts use
:meth:`Chart.html` (shapes in SVG, words as HTML text) because WeasyPrint's
SVG text does not shape Khmer (see :mod:`lipassess.reports.charts`).

Templates live in ``lipassess/templates/reports/`` and are loaded with a
plain Jinja environment, so the CLI and the demo render without a Flask app.
When figures are synthetic, the page carries a banner and every printed page
a running "Synthetic data" footer.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from lipassess.reports import charts
from lipassess.reports.answer import plain_answer
from lipassess.reports.figures import Effect, ImpactFigures
from lipassess.reports.fonts import css_font_stack, installed_khmer_fonts, screen_font_stack, web_font_faces
from lipassess.reports.khmer import add_break_opportunities
from lipassess.reports.narrative import (
    LACERENZA_TRANSFER,
    Thresholds,
    build_narrative,
    cohen_size,
    direction,
    outcome_label,
    text,
    word,
)
from lipassess.reports.notation import notation
from lipassess.reports.numbers import check_lang, fmt_date, fmt_decimal, fmt_int, fmt_interval, fmt_percent
from lipassess.vocabulary import TOTAL_OUTCOME

log = logging.getLogger(__name__)

CHART_WIDTH = 340.0
PRINT_CHART_FONT = 9.5
SCREEN_CHART_FONT = 15.0
"""Chart type on screen: the smallest label (80% of it) stays above 11 px from a 300 px wide chart up."""
MAX_FIT = 7
DASH = "\u2013"


def _g_av_with_ci(effect: Effect) -> tuple[float, float, float] | None:
    """``(g_av, ci_low, ci_high)`` of an available effect, else None.

    :class:`Effect` checks that the three are all set exactly when it is available.
    """
    if effect.g_av is None or effect.ci_low is None or effect.ci_high is None:
        return None
    return effect.g_av, effect.ci_low, effect.ci_high


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("lipassess", "templates/reports"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["notation"] = notation
    return env


_ENV = _environment()


def summary_charts(figures: ImpactFigures, lang: str = "en", *, width: float = CHART_WIDTH,
                   khmer_digits: bool = True, font_size: float = PRINT_CHART_FONT) -> dict[str, charts.Chart]:
    """The summary's charts: ``forest`` always, ``means`` when any outcome has means.

    ``font_size`` is the charts' base type size in CSS pixels: the A4 page uses
    :data:`PRINT_CHART_FONT`, a screen :data:`SCREEN_CHART_FONT` (a phone shows
    the chart about as wide as it is drawn, so its words must be drawn large).
    """
    check_lang(lang)
    missing = text("chart.missing", lang)
    rows: list[charts.ForestRow] = []
    outcomes_group = text("chart.group.outcomes", lang) if figures.cohorts else None
    for o in figures.outcomes:
        e = o.pre_post
        rows.append(charts.ForestRow(label=outcome_label(o.outcome, lang), estimate=e.g_av, ci_low=e.ci_low,
                                     ci_high=e.ci_high, note=None if e.available else missing,
                                     group=outcomes_group, emphasis=o.outcome == TOTAL_OUTCOME))
    for cohort in figures.cohorts:
        e = cohort.pre_post
        rows.append(charts.ForestRow(label=cohort.label, estimate=e.g_av, ci_low=e.ci_low, ci_high=e.ci_high,
                                     note=None if e.available else missing,
                                     group=text("chart.group.cohorts", lang)))
    reference = (LACERENZA_TRANSFER, text("chart.forest.reference", lang,
                                          d=fmt_decimal(LACERENZA_TRANSFER, lang, khmer_digits=khmer_digits)))
    out = {"forest": charts.forest_plot(rows, lang=lang, title=text("chart.forest.title", lang),
                                        axis_label=text("chart.forest.axis", lang), reference=reference,
                                        width=width, font_size=font_size, khmer_digits=khmer_digits)}
    if any(v is not None for o in figures.outcomes for v in (o.mean_pre, o.mean_post, o.mean_followup)):
        months = fmt_int(figures.followup_months, lang, khmer_digits=khmer_digits)
        legend = (text("chart.means.pre", lang), text("chart.means.post", lang),
                  text("chart.means.followup", lang, months=months))
        means = [charts.MeansRow(label=outcome_label(o.outcome, lang), pre=o.mean_pre, post=o.mean_post,
                                 followup=o.mean_followup, note=missing) for o in figures.outcomes]
        out["means"] = charts.paired_means_chart(means, lang=lang, title=text("chart.means.title", lang),
                                                 legend=legend, scale_min=figures.scale_min,
                                                 scale_max=figures.scale_max, width=width,
                                                 font_size=font_size, khmer_digits=khmer_digits)
    return out


def summary_context(figures: ImpactFigures, lang: str = "en", *, for_pdf: bool = False,
                    generated_on: dt.date | None = None, thresholds: Thresholds | None = None,
                    khmer_digits: bool = True, web_fonts: Mapping[int, str] | None = None) -> dict[str, Any]:
    """Everything the ``summary.html`` template reads (exposed for the dashboard and tests).

    On screen (``for_pdf`` False) the page declares the bundled Khmer web font:
    from ``web_fonts`` (weight -> URL, the app's static files) or embedded.
    """
    check_lang(lang)
    narrative = build_narrative(figures, lang, thresholds=thresholds, khmer_digits=khmer_digits)
    months = fmt_int(figures.followup_months, lang, khmer_digits=khmer_digits)

    def pct(share: float | None) -> str:
        return DASH if share is None else fmt_percent(share, lang, khmer_digits=khmer_digits)

    total = figures.total.pre_post
    change_value = DASH if total.g_av is None else fmt_decimal(total.g_av, lang, khmer_digits=khmer_digits)
    change_word = None
    total_ci = _g_av_with_ci(total)
    if total_ci is not None:
        g_av, ci_low, ci_high = total_ci
        size = word("size", cohen_size(g_av), lang)
        change_word = text(f"page.key.{direction(ci_low, ci_high)}", lang, size=size)
    key_figures = [
        {"value": fmt_int(figures.n_pre, lang, khmer_digits=khmer_digits), "caption": text("page.key.took_part", lang)},
        {"value": pct(figures.retention.share), "caption": text("page.key.stayed", lang, months=months)},
        {"value": change_value, "detail": change_word, "caption": text("page.key.change", lang)},
        {"value": pct(figures.applied_skills.share), "caption": text("page.key.applied", lang, months=months)},
    ]
    subgroup_rows = []
    for row in figures.subgroups:
        # SubgroupRow carries n and pre_post exactly when it is not suppressed.
        if row.n is None or row.pre_post is None:
            change = text("subgroups.hidden", lang, min=fmt_int(figures.min_subgroup_size, lang,
                                                                     khmer_digits=khmer_digits))
            n = DASH
        else:
            n = fmt_int(row.n, lang, khmer_digits=khmer_digits)
            effect = _g_av_with_ci(row.pre_post)
            if effect is not None:
                g_av, ci_low, ci_high = effect
                change = (f"{fmt_decimal(g_av, lang, khmer_digits=khmer_digits)} "
                          f"{fmt_interval(ci_low, ci_high, lang, khmer_digits=khmer_digits)}")
            else:
                change = text("chart.missing", lang)
        subgroup_rows.append({"dimension": text(f"page.dimension.{row.dimension}", lang), "label": row.label,
                              "n": n, "change": change, "suppressed": row.suppressed})
    chart_objects = summary_charts(figures, lang, khmer_digits=khmer_digits,
                                   font_size=PRINT_CHART_FONT if for_pdf else SCREEN_CHART_FONT)
    chart_markup = {name: Markup(chart.html() if for_pdf else chart.svg()) for name, chart in chart_objects.items()}
    today = generated_on or dt.date.today()
    as_of = None
    if figures.as_of:
        try:
            as_of = fmt_date(dt.date.fromisoformat(figures.as_of), lang, khmer_digits=khmer_digits)
        except ValueError:
            as_of = figures.as_of
    no_khmer_font = for_pdf and not installed_khmer_fonts()
    if no_khmer_font:
        log.warning("No Khmer font found by fontconfig; Khmer text in the PDF will not display. "
                    "Install fonts-khmeros.")
    return {
        "lang": lang,
        "for_pdf": for_pdf,
        "narrative": narrative,
        "answer": plain_answer(figures, lang, thresholds=thresholds, khmer_digits=khmer_digits),
        "figures": figures,
        "synthetic_short": text("synthetic.short", lang),
        "scope_kind": text(f"page.scope.{figures.scope_kind}", lang),
        "as_of": text("page.as_of", lang, date=as_of) if as_of else None,
        "generated": text("page.generated", lang, date=fmt_date(today, lang, khmer_digits=khmer_digits)),
        "key_figures": key_figures,
        "subgroup_rows": subgroup_rows,
        "subgroup_headers": (text("page.table.group", lang), text("page.table.n", lang),
                             text("page.table.change", lang)),
        "charts": chart_markup,
        "headings": {key: text(f"heading.{key}", lang) for key in ("caveats", "missing", "method", "references")},
        "font_stack": Markup(css_font_stack() if for_pdf else screen_font_stack()),
        "font_faces": None if for_pdf else Markup(web_font_faces(web_fonts)),
        "no_khmer_font": text("page.no_khmer_font", lang) if no_khmer_font else None,
        # Pango finds no word boundaries in Khmer; browsers do (see lipassess.reports.khmer).
        "wrap": add_break_opportunities if for_pdf else _same,
    }


def _same(value: str) -> str:
    return value


def render_html(figures: ImpactFigures, lang: str = "en", *, for_pdf: bool = False,
                generated_on: dt.date | None = None, thresholds: Thresholds | None = None,
                khmer_digits: bool = True, fit: int = 0, nav: str | None = None,
                web_fonts: Mapping[int, str] | None = None) -> str:
    """The one-page summary as a self-contained HTML document (inline CSS and SVG).

    ``for_pdf=True`` lays the charts out for WeasyPrint (labels as HTML text)
    and marks Khmer word boundaries; leave it False for browsers. ``fit``
    (0-6) tightens the print layout step by step; :func:`render_pdf` raises it
    until the page fits. ``nav`` is trusted HTML (links back to the staff
    pages) placed above the page on screen; it is never printed.
    ``web_fonts`` (weight -> URL) points the screen page at the app's copy of
    the Khmer web font; without it the font is embedded, so the file stands alone.
    """
    context = summary_context(figures, lang, for_pdf=for_pdf, generated_on=generated_on, thresholds=thresholds,
                              khmer_digits=khmer_digits, web_fonts=web_fonts)
    context["fit"] = max(0, min(MAX_FIT, fit))
    context["nav"] = Markup(nav) if nav and not for_pdf else None
    return _ENV.get_template("summary.html").render(**context)


def render_pdf(figures: ImpactFigures, lang: str = "en", *, generated_on: dt.date | None = None,
               thresholds: Thresholds | None = None, khmer_digits: bool = True) -> bytes:
    """The summary as an A4 PDF (WeasyPrint; Pango shapes the Khmer text).

    Keeps the loosest layout that fits on one page: tries ``fit=0``, then
    searches the tighter ones by bisection (type shrinks about 4% a step,
    margins narrow from step 4). When even the tightest needs two pages (many
    caveats and missing figures), nothing is cut: the PDF has two numbered pages.
    """
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()

    def layout(fit: int):  # weasyprint.Document
        html = render_html(figures, lang, for_pdf=True, generated_on=generated_on, thresholds=thresholds,
                           khmer_digits=khmer_digits, fit=fit)
        return weasyprint.HTML(string=html).render(font_config=fonts)

    best = layout(0)
    if len(best.pages) > 1:
        low, high = 1, MAX_FIT
        tightest = None
        while low <= high:
            middle = (low + high) // 2
            document = layout(middle)
            if middle == MAX_FIT:
                tightest = document
            if len(document.pages) == 1:
                best, high = document, middle - 1
            else:
                low = middle + 1
        if len(best.pages) > 1:
            best = tightest or layout(MAX_FIT)
    return best.write_pdf()
