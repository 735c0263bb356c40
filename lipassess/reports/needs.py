"""The training-needs report for course designers: HTML (phone-friendly) and PDF, English and Khmer.

Reads a :class:`lipassess.analysis.needs_scope.NeedsAnalysis` (pass it through
:meth:`~lipassess.analysis.needs_scope.NeedsAnalysis.for_managers` first when a
manager reads it) and shows: plain-language recommendations (which competency
to put first, for whom), the ranked competencies with their MWDS and 95% CI
(table and chart), the Locus for Focus chart, the top needs per group, and
whether the largest needs changed most after the course. Every sentence comes
from one rule, named by its ``key`` (``rec.first``, ``loop.aligned`` ...).
Templates: ``templates/reports/needs.html`` and ``needs.css``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from lipassess.analysis.needs import CompetencyNeed, NeedsResult
from lipassess.analysis.needs_scope import NeedsAnalysis
from lipassess.analysis.subgroups import GroupResult
from lipassess.reports import charts
from lipassess.reports.fonts import css_font_stack
from lipassess.reports.khmer import add_break_opportunities
from lipassess.reports.needs_chart import LocusPoint, locus_for_focus
from lipassess.reports.numbers import check_lang, fmt_date, fmt_decimal, fmt_int, fmt_interval
from lipassess.text import has, text
from lipassess.vocabulary import FOLLOWUP, POST

TOP_PER_GROUP = 3
MAX_GROUP_RECOMMENDATIONS = 8
GROUP_ORDER = ("ministry_position", "ministry", "position_level", "province")
"""Which groupings recommendations speak of first (the most specific)."""


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of the report and the rule that wrote it."""

    key: str
    text: str


def _t(key: str, lang: str, **values: object) -> str:
    return text(f"report.needs.{key}", lang, **values)


def competency_label(competency: str, lang: str) -> str:
    """The competency's name in ``lang`` (its id, spaced, when the catalogue does not know it)."""
    key = f"report.needs.competency.{competency}"
    return text(key, lang) if has(key) else competency.replace("_", " ")


def group_label(analysis: NeedsAnalysis, dimension: str, group: Hashable, lang: str) -> str:
    """A group's name: a ministry or province as stored, a position level's label, or both of a pair."""
    def position(code: Any) -> str:
        labels = analysis.position_labels.get(int(code)) if isinstance(code, (int, float)) else None
        return labels[lang] if labels else str(code)

    if dimension == "position_level":
        return position(group)
    if dimension == "ministry_position" and isinstance(group, (tuple, list)) and len(group) == 2:
        return _t("who.pair", lang, ministry=str(group[0]), position=position(group[1]))
    return str(group)


def _joined(names: Sequence[str], lang: str) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + _t("and", lang) + names[-1]


class _Words:
    """Numbers and names bound to one language."""

    def __init__(self, lang: str, khmer_digits: bool) -> None:
        self.lang, self.khmer_digits = lang, khmer_digits

    def dec(self, value: float, digits: int = 2) -> str:
        return fmt_decimal(value, self.lang, digits=digits, khmer_digits=self.khmer_digits)

    def count(self, value: int) -> str:
        return fmt_int(value, self.lang, khmer_digits=self.khmer_digits)

    def ci(self, row: CompetencyNeed) -> str:
        if math.isnan(row.mwds_ci_low):
            return _t("no_ci", self.lang)
        return fmt_interval(row.mwds_ci_low, row.mwds_ci_high, self.lang, khmer_digits=self.khmer_digits)

    def name(self, competency: str) -> str:
        return competency_label(competency, self.lang)


def _overall_recommendations(analysis: NeedsAnalysis, words: _Words) -> list[Sentence]:
    lang, overall = words.lang, analysis.overall
    ranked = [r for r in overall.competencies if r.rank is not None]
    if not ranked:
        return []
    who = _t("who.program", lang) if analysis.scope == "program" else _t("who.cohort", lang, scope=analysis.scope)
    out = [Sentence("rec.first", _t("rec.first", lang, competency=words.name(r.competency), who=who,
                                      mwds=words.dec(r.mwds), ci=words.ci(r)))
           for r in ranked if r.rank == 1]
    following = [words.name(r.competency) for r in ranked if 1 < (r.rank or 0) <= 3]
    if following:
        out.append(Sentence("rec.next", _t("rec.next", lang, competencies=_joined(following, lang))))
    firsts = [r for r in ranked if r.rank == 1]
    seconds = [r for r in ranked if r.rank == 2]
    if len(firsts) == 1 and seconds and not math.isnan(firsts[0].mwds_ci_low) \
            and seconds[0].mwds >= firsts[0].mwds_ci_low:
        out.append(Sentence("rec.close", _t("rec.close", lang, first=words.name(firsts[0].competency),
                                            second=words.name(seconds[0].competency))))
    # The quadrants speak of the competencies not already put first or next (rank > 3), so the
    # advice never says "first" and "later" of the same one when MWDS and the quadrant disagree.
    rest = [r for r in ranked if (r.rank or 0) > 3]
    maintain = [words.name(r.competency) for r in rest if r.quadrant == "HL"]
    if maintain:
        out.append(Sentence("rec.maintain", _t("rec.maintain", lang, competencies=_joined(maintain, lang))))
    later = [words.name(r.competency) for r in rest if r.quadrant == "LH"]
    if later:
        out.append(Sentence("rec.later", _t("rec.later", lang, competencies=_joined(later, lang))))
    return out


def _group_values(analysis: NeedsAnalysis, dimension: str, group: GroupResult, first: CompetencyNeed,
                  words: _Words) -> dict[str, str]:
    return {"competency": words.name(first.competency), "mwds": words.dec(first.mwds),
            "who": group_label(analysis, dimension, group.group, words.lang), "n": words.count(int(group.n))}


def _group_recommendations(analysis: NeedsAnalysis, words: _Words) -> list[Sentence]:
    """Advice per group, from the most specific grouping that shows any group.

    ``rec.group_most`` names the group with the largest first need when that need is the
    overall first one (start there); ``rec.group`` names each group whose first need differs
    from the overall first, largest need first (at most :data:`MAX_GROUP_RECOMMENDATIONS`).
    Groups that agree with the overall order add nothing new and are not repeated.
    """
    overall_first = {r.competency for r in analysis.overall.competencies if r.rank == 1}
    for dimension in GROUP_ORDER:
        result = analysis.groups.get(dimension)
        if result is None:
            continue
        tops = []
        for group in result.groups:
            if group.suppressed or not isinstance(group.result, NeedsResult):
                continue
            first = next((r for r in group.result.competencies if r.rank == 1), None)
            if first is not None:
                tops.append((first.mwds, group, first))
        if not tops:
            continue
        tops.sort(key=lambda item: -item[0])

        out = []
        _, top_group, top_first = tops[0]
        if top_first.competency in overall_first:
            most = _group_values(analysis, dimension, top_group, top_first, words)
            out.append(Sentence("rec.group_most", _t("rec.group_most", words.lang, **most)))
        differ = [(group, first) for _, group, first in tops if first.competency not in overall_first]
        out += [Sentence("rec.group", _t("rec.group", words.lang,
                                         **_group_values(analysis, dimension, group, first, words)))
                for group, first in differ[:MAX_GROUP_RECOMMENDATIONS]]
        return out
    return []


def _loop_sentences(analysis: NeedsAnalysis, words: _Words) -> list[Sentence]:
    lang = words.lang
    if not analysis.loop:
        return [Sentence("loop.not_yet", _t("loop.not_yet", lang))]
    out = []
    for wave in (POST, FOLLOWUP):
        loop = analysis.loop.get(wave)
        if loop is None:
            continue
        when = _t(f"loop.wave.{wave}", lang)
        if loop.verdict == "too_few":
            out.append(Sentence("loop.too_few", _t("loop.too_few", lang, wave=when)))
            continue
        rho = "NA" if math.isnan(loop.spearman_rho) else words.dec(loop.spearman_rho)
        top = next((r.competency for r in loop.rows if not math.isnan(r.change)), "")
        key = f"loop.{loop.verdict}"
        out.append(Sentence(key, _t(key, lang, wave=when, rho=rho, k=words.count(loop.n_obs),
                                    competency=words.name(top))))
    measured = next(iter(analysis.loop.values()))
    if measured.not_measured:
        names = _joined([words.name(c) for c in measured.not_measured], lang)
        out.append(Sentence("loop.not_measured", _t("loop.not_measured", lang, competencies=names)))
    return out


def recommendations(analysis: NeedsAnalysis, lang: str, *, khmer_digits: bool = True) -> list[Sentence]:
    """The plain-language advice: the overall order, then the first need of each group shown."""
    words = _Words(check_lang(lang), khmer_digits)
    return _overall_recommendations(analysis, words) + _group_recommendations(analysis, words)


def _ranked_rows(overall: NeedsResult, words: _Words) -> list[dict[str, Any]]:
    rows = []
    for r in overall.competencies:
        ranked = r.rank is not None
        rows.append({
            "rank": words.count(r.rank) if r.rank is not None else "\u2013",
            "competency": words.name(r.competency),
            "n": words.count(r.n),
            "importance": words.dec(r.importance_mean) if ranked else "\u2013",
            "competence": words.dec(r.competence_mean) if ranked else "\u2013",
            "mwds": f"{words.dec(r.mwds)} {words.ci(r)}" if ranked else _t("not_ranked", words.lang),
            "quadrant": text(f"report.needs.quadrant.{r.quadrant}", words.lang) if r.quadrant else "",
            "first": r.quadrant == "HH",
        })
    return rows


def _group_rows(analysis: NeedsAnalysis, words: _Words) -> list[dict[str, Any]]:
    """One row per group; the many small ministry x position pairs hidden by the rule share one row."""
    rows = []
    hidden = _t("hidden", words.lang, min=words.count(analysis.min_group_size))
    for dimension in ("ministry", "position_level", "ministry_position", "province"):
        result = analysis.groups.get(dimension)
        if result is None:
            continue
        name = text(f"report.needs.dimension.{dimension}", words.lang)
        collapsed = 0
        for group in result.groups:
            if group.suppressed and dimension == "ministry_position":
                collapsed += 1
                continue
            row = {"dimension": name, "label": group_label(analysis, dimension, group.group, words.lang),
                   "suppressed": group.suppressed, "n": "\u2013", "top": hidden}
            if not group.suppressed and isinstance(group.result, NeedsResult):
                tops = [r for r in group.result.competencies if r.rank is not None][:TOP_PER_GROUP]
                row["n"] = words.count(int(group.n))
                row["top"] = "; ".join(f"{words.count(r.rank or 0)}. {words.name(r.competency)} ({words.dec(r.mwds)})"
                                       for r in tops)
            rows.append(row)
        if collapsed:
            rows.append({"dimension": name, "suppressed": True, "n": "\u2013", "top": hidden,
                         "label": _t("hidden_groups", words.lang, count=words.count(collapsed))})
    return rows


def _loop_rows(analysis: NeedsAnalysis, words: _Words) -> list[dict[str, str]]:
    loop = analysis.loop.get(FOLLOWUP) or analysis.loop.get(POST)
    if loop is None:
        return []
    rows = []
    for r in loop.rows:
        if math.isnan(r.change):
            change = _t("not_measured", words.lang)
        elif math.isnan(r.change_ci_low):
            change = words.dec(r.change)
        else:
            interval = fmt_interval(r.change_ci_low, r.change_ci_high, words.lang, khmer_digits=words.khmer_digits)
            change = f"{words.dec(r.change)} {interval}"
        rows.append({"competency": words.name(r.competency),
                     "mwds": "\u2013" if math.isnan(r.mwds) else words.dec(r.mwds), "change": change})
    return rows


def needs_charts(analysis: NeedsAnalysis, lang: str, *, width: float = 340.0,
                 khmer_digits: bool = True) -> dict[str, charts.Chart]:
    """``mwds`` (the ranked needs with CIs) and ``locus`` (the Locus for Focus)."""
    words = _Words(check_lang(lang), khmer_digits)
    overall = analysis.overall
    rows = [charts.ForestRow(label=f"{r.rank}. {words.name(r.competency)}", estimate=r.mwds, ci_low=r.mwds_ci_low,
                             ci_high=r.mwds_ci_high) if not math.isnan(r.mwds_ci_low) else
            charts.ForestRow(label=f"{r.rank}. {words.name(r.competency)}", note=_t("no_ci", lang))
            for r in overall.competencies if r.rank is not None]
    out = {"mwds": charts.forest_plot(rows, lang=lang, title=_t("chart.mwds.title", lang),
                                      axis_label=_t("chart.mwds.axis", lang), width=width, khmer_digits=khmer_digits)}
    points = [LocusPoint(label=words.count(r.rank), gap=r.discrepancy_mean, importance=r.importance_mean)
              for r in overall.competencies if r.rank is not None]
    out["locus"] = locus_for_focus(points, lang=lang, title=_t("chart.locus.title", lang),
                                   x_label=_t("chart.locus.x", lang), y_label=_t("chart.locus.y", lang),
                                   gap_cut=overall.discrepancy_cut, importance_cut=overall.importance_cut,
                                   quadrant_labels={code: text(f"report.needs.quadrant.{code}", lang)
                                                    for code in ("HH", "HL", "LH", "LL")},
                                   width=width, khmer_digits=khmer_digits)
    return out


def needs_context(analysis: NeedsAnalysis, lang: str = "en", *, for_pdf: bool = False,
                  generated_on: dt.date | None = None, khmer_digits: bool = True) -> dict[str, Any]:
    """Everything ``needs.html`` reads (exposed for tests)."""
    words = _Words(check_lang(lang), khmer_digits)
    scope = _t("scope.program", lang) if analysis.scope == "program" else analysis.scope
    chart_objects = needs_charts(analysis, lang, khmer_digits=khmer_digits)
    return {
        "lang": lang,
        "for_pdf": for_pdf,
        "synthetic": analysis.synthetic,
        "synthetic_notice": text("report.synthetic", lang) if analysis.synthetic else None,
        "synthetic_short": text("report.synthetic.short", lang),
        "title": _t("title", lang, scope=scope),
        "intro": _t("intro", lang, n=words.count(analysis.overall.n_obs)),
        "recommendations": recommendations(analysis, lang, khmer_digits=khmer_digits),
        "ranked": _ranked_rows(analysis.overall, words),
        "groups": _group_rows(analysis, words),
        "loop": _loop_sentences(analysis, words),
        "loop_rows": _loop_rows(analysis, words),
        "charts": {name: Markup(chart.html() if for_pdf else chart.svg()) for name, chart in chart_objects.items()},
        "locus_legend": _t("chart.locus.legend", lang),
        "h": {key: _t(f"heading.{key}", lang) for key in
              ("recommendations", "ranked", "locus", "groups", "loop", "method")},
        "th": {key: _t(f"table.{key}", lang) for key in
               ("rank", "competency", "importance", "competence", "mwds", "quadrant", "group", "top", "change")},
        "method": _t("method", lang, min=words.count(analysis.min_group_size)),
        "generated": text("report.page.generated", lang,
                          date=fmt_date(generated_on or dt.date.today(), lang, khmer_digits=khmer_digits)),
        "font_stack": Markup(css_font_stack()),
        # Pango finds no word boundaries in Khmer; browsers do (see lipassess.reports.khmer).
        "wrap": add_break_opportunities if for_pdf else (lambda value: value),
    }


_ENV = Environment(loader=PackageLoader("lipassess", "templates/reports"), autoescape=select_autoescape(["html"]),
                   trim_blocks=True, lstrip_blocks=True)


def render_needs_html(analysis: NeedsAnalysis, lang: str = "en", *, for_pdf: bool = False,
                      generated_on: dt.date | None = None, khmer_digits: bool = True, nav: str | None = None) -> str:
    """The needs report as one self-contained HTML page (inline CSS and SVG; readable on a phone).

    ``nav`` is trusted HTML (links back to the staff pages), shown on screen above the report, never printed.
    """
    context = needs_context(analysis, lang, for_pdf=for_pdf, generated_on=generated_on, khmer_digits=khmer_digits)
    context["nav"] = Markup(nav) if nav and not for_pdf else None
    return _ENV.get_template("needs.html").render(**context)


def render_needs_pdf(analysis: NeedsAnalysis, lang: str = "en", *, generated_on: dt.date | None = None,
                     khmer_digits: bool = True) -> bytes:
    """The needs report as an A4 PDF (WeasyPrint; Pango shapes the Khmer text); as many pages as it takes."""
    import weasyprint

    html = render_needs_html(analysis, lang, for_pdf=True, generated_on=generated_on, khmer_digits=khmer_digits)
    return weasyprint.HTML(string=html).write_pdf()
