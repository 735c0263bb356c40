"""Staff pages: the cohort list, the evaluator dashboard, CSV tables, and the impact summaries.

Every route needs a signed-in staff principal (:func:`staff_required`); a
principal limited to some cohorts (an LTI instructor) sees only those and gets
403 on the others and on the program pages. Managers see aggregates only: no
per-participant table, subgroups under ``MIN_GROUP_SIZE`` hidden; they land on
the summaries.

Analyses take seconds, so their results come from the store
(:mod:`lipassess.services.analyses`, shared with the API and every host), each
with the moment it was computed, which the pages show; the summary PDFs too
(:mod:`lipassess.services.summaries`, rendered ahead by ``lipassess analyze refresh``). Views talk to services
and reports only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from flask import Blueprint, Response, current_app, render_template, url_for
from markupsafe import Markup
from werkzeug.utils import secure_filename

from lipassess.db import get_session
from lipassess.errors import NotFound, PermissionDenied
from lipassess.reports import dashboard as dashboard_charts
from lipassess.reports import tables as report_tables
from lipassess.reports.answer import plain_answer
from lipassess.reports.notation import notation
from lipassess.reports.numbers import fmt_percent
from lipassess.reports.tables.observers import observers_table
from lipassess.reports.tables.words import codes_spaced, header_help, plain_words
from lipassess.services import analyses, audit, summaries
from lipassess.services import dashboard as dashboard_service
from lipassess.services.analysis_store import Stored
from lipassess.services.data_version import cohort_versions
from lipassess.services.demo_data import scope_is_synthetic
from lipassess.services.status import operations_status
from lipassess.services.waves import LOCAL_TZ
from lipassess.store.models import Cohort, StaffRole
from lipassess.store.types import utcnow
from lipassess.text import text
from lipassess.vocabulary import LANGUAGE_NAMES, TOTAL, format_date, khmer_digits, other_language
from lipassess.web import staff_lang
from lipassess.web.auth import Principal, current_principal, staff_required

bp = Blueprint("staff", __name__, url_prefix="/staff")
staff_lang.install(bp)
staff_lang.register_filters(bp)

T = TypeVar("T")


# --- the stored analyses (lipassess.services.analyses) ----------------------------------------


def _stored(kind: str, cohorts: Sequence[Cohort], compute: Callable[[], T], *variant: Any,
            extra_version: Sequence[object] = ()) -> Stored[T]:
    return analyses.stored(get_session(), kind, cohorts, compute, *variant, extra_version=extra_version)


def _evaluation_and_figures(cohorts: list[Cohort] | None, scope: Sequence[Cohort], versions: Any = None
                            ) -> tuple[Stored[dashboard_service.Evaluation], Stored[Any]]:
    return analyses.evaluation_and_figures(get_session(), cohorts, scope=scope, min_group_size=_min_group_size(),
                                           versions=versions)


# --- helpers ------------------------------------------------------------------------------------


def _principal() -> Principal:
    principal = current_principal()
    assert principal is not None  # staff_required ran first
    return principal


def _min_group_size() -> int:
    return int(current_app.config["MIN_GROUP_SIZE"])


def _cohort(cohort_id: int) -> Cohort:
    return dashboard_service.get_cohort(get_session(), cohort_id)


def _program_cohorts() -> list[Cohort]:
    """Every cohort, for principals who may see all of them; 403 for those limited to some."""
    principal = _principal()
    if principal.cohort_ids is not None:
        raise PermissionDenied("You have access to one cohort only, not to the whole program. "
                               "Open your cohort's dashboard instead.")
    cohorts = dashboard_service.visible_cohorts(get_session(), None)
    if not cohorts:
        raise NotFound("There are no cohorts yet. Run 'lipassess sync' to pull the courses from Moodle.")
    return cohorts


def _lang() -> str:
    """The page's language (:mod:`lipassess.web.staff_lang`: ``?lang=``, else the kept choice, else English)."""
    return staff_lang.current()


def _cohort_tables(board: dashboard_service.CohortDashboard, *, sees_individuals: bool
                   ) -> dict[str, report_tables.Table]:
    tables = dashboard_service.cohort_tables(board, sees_individuals=sees_individuals,
                                             min_group_size=_min_group_size())
    observers = _figures([board.cohort], [board.cohort]).value.observers  # the summary's stored figures
    if observers is not None:
        tables["observers"] = observers_table(observers)
    return tables


def _program_tables(evaluation: dashboard_service.Evaluation, comparison: report_tables.Table, *,
                    sees_individuals: bool, cohorts: Sequence[Cohort] = ()) -> dict[str, report_tables.Table]:
    tables = dashboard_service.program_tables(evaluation, comparison, sees_individuals=sees_individuals,
                                              min_group_size=_min_group_size())
    observers = _figures(None, cohorts).value.observers if cohorts else None  # the program summary's figures
    if observers is not None:
        tables["observers"] = observers_table(observers)
    return tables


def _csv_response(table: report_tables.Table, stem: str) -> Response:
    body = table.csv_file()
    filename = secure_filename(f"{stem}-{table.name}.csv") or f"{table.name}.csv"
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _download(build: Callable[[bool], dict[str, report_tables.Table]], name: str, stem: str,
              principal: Principal) -> Response:
    """The CSV of table ``name`` as ``principal`` may see it: 403 for a table of another audience."""
    table = build(principal.sees_individuals).get(name)
    if table is None:
        if not principal.sees_individuals and name in build(True):
            raise PermissionDenied("Per-participant tables are for evaluators and admins only.")
        raise NotFound(f"There is no table called {name!r}. Use the download links on the dashboard.")
    if table.per_participant:
        audit.record(get_session(), actor=f"{principal.via}:{principal.name}", action="dashboard.download",
                     target=f"{stem}/{name}.csv", role=principal.role.value)
    return _csv_response(table, stem)


def _svg(draw: Callable[..., Any], *args: Any) -> Markup:
    """The chart ``draw(*args)`` for a desktop and for a phone (:func:`lipassess.reports.dashboard.both_widths`)."""
    lang = _lang()
    return Markup(dashboard_charts.both_widths(lambda width, size: draw(*args, width=width, font_size=size,
                                                                        lang=lang)))


@bp.context_processor
def _staff_context() -> dict[str, Any]:
    """The Khmer web font, when the static folder has it; else CSS falls back to the system fonts."""
    return staff_lang.font_urls()


@bp.app_template_filter("khmer_lang")
def _khmer_lang(text: Any) -> Markup:
    """`` lang="km"`` for an element whose text has Khmer letters (screen readers switch voice)."""
    return Markup(' lang="km"') if any("\u1780" <= ch <= "\u17ff" for ch in str(text or "")) else Markup("")


@bp.app_template_filter("words")
def _words(text: Any) -> Markup:
    """An analysis note or code in words, with g_av and d_z typeset (:mod:`lipassess.reports.tables.words`).

    On a page in another language the text is in that language already (a table through
    :func:`lipassess.reports.tables.localize.localize`, the rest from the catalogue): only typeset."""
    words = "" if text is None else str(text)
    return notation(plain_words(words) if _lang() == "en" else codes_spaced(words))


@bp.app_template_filter("header_help")
def _header_help(header: Any) -> str | None:
    """What a statistic named in a column header is, for its tooltip (:mod:`lipassess.reports.tables.words`)."""
    return header_help(str(header))


@bp.app_template_filter("isodate")
def _isodate(value: dt.datetime | dt.date | None) -> str:
    shown = value.date().isoformat() if isinstance(value, dt.datetime) else (value.isoformat() if value else "?")
    return staff_lang.number(shown)


def computed_text(moment: dt.datetime, lang: str) -> str:
    """"Figures computed 3 December 2026 16:45 (Cambodia time) ...", in ``lang`` (Khmer digits in Khmer)."""
    local = moment.astimezone(LOCAL_TZ)
    clock = local.strftime("%H:%M")
    when = f"{format_date(local.date(), lang)} {khmer_digits(clock) if lang == 'km' else clock}"
    return text("staff.computed_at", lang, when=when)


@bp.app_template_filter("computed")
def _computed(moment: dt.datetime) -> str:
    return computed_text(moment, _lang())


@bp.app_template_filter("percent")
def _percent(value: float | None) -> str:
    return "\u2013" if value is None else fmt_percent(value, _lang())


# --- pages --------------------------------------------------------------------------------------


@bp.get("/")
@staff_required()
def index() -> str:
    """The cohorts this principal may see, with response and retention rates."""
    principal = _principal()
    session = get_session()
    cohorts = dashboard_service.visible_cohorts(session, principal.cohort_ids)
    return render_template("staff/index.html", principal=principal,
                           overviews=dashboard_service.cohort_overviews(session, cohorts),
                           program=principal.cohort_ids is None)


@bp.get("/cohorts/<int:cohort_id>")
@staff_required()
def cohort(cohort_id: int) -> str:
    """The evaluator dashboard of one cohort (aggregates only for managers)."""
    principal = _principal()
    cohort = _cohort(cohort_id)
    stored, figures = _evaluation_and_figures([cohort], [cohort])
    board = dashboard_service.cohort_dashboard(get_session(), cohort, evaluation=stored.value)
    tables = _cohort_tables(board, sees_individuals=principal.sees_individuals)
    analysis = board.analysis
    charts = {}
    if analysis.outcomes:
        charts["means"] = _svg(dashboard_charts.means_chart, analysis)
        charts["forest"] = _svg(dashboard_charts.effect_forest, analysis)
    if any(c.points for c in board.curves):
        charts["responses"] = _svg(dashboard_charts.response_chart, [(c.kind, c.points) for c in board.curves])
    return render_template(
        "staff/cohort.html", principal=principal, cohort=cohort, board=board, analysis=analysis, tables=tables,
        charts=charts, item_tables=_item_tables(board.evaluation), computed_at=stored.computed_at,
        answer=plain_answer(figures.value, _lang()),
        csv_url=lambda name: url_for("staff.cohort_table", cohort_id=cohort.id, name=name),
    )


def _item_tables(evaluation: dashboard_service.Evaluation) -> dict[tuple[str, str], report_tables.Table]:
    return report_tables.item_tables(evaluation.analysis, evaluation.reverse_keyed)


@bp.get("/cohorts/<int:cohort_id>/tables/<name>.csv")
@staff_required()
def cohort_table(cohort_id: int, name: str) -> Response:
    """One dashboard table as CSV (pseudonyms only; per-participant tables for evaluators and admins)."""
    principal = _principal()
    cohort = _cohort(cohort_id)
    stored, _figures_ = _evaluation_and_figures([cohort], [cohort])
    board = dashboard_service.cohort_dashboard(get_session(), cohort, evaluation=stored.value)
    return _download(lambda individuals: _cohort_tables(board, sees_individuals=individuals), name,
                     cohort.shortname, principal)


def _program_view() -> tuple[list[Cohort], Stored[dashboard_service.Evaluation], report_tables.Table, Markup,
                             Stored[Any]]:
    """Cohorts, the pooled evaluation, the cohort comparison table, the forest plot across cohorts, the figures."""
    cohorts = _program_cohorts()
    versions = cohort_versions(get_session(), [c.id for c in cohorts])  # once for the pooled and each cohort
    pooled, figures = _evaluation_and_figures(None, cohorts, versions)
    overviews = dashboard_service.cohort_overviews(get_session(), cohorts)
    per_cohort = [(o, _evaluation_and_figures([o.cohort], [o.cohort], versions)[0].value.analysis)
                  for o in overviews]
    comparison = dashboard_service.comparison_table(per_cohort)
    forest = _svg(dashboard_charts.cohort_forest, [(o.cohort.shortname, _total_pre_post(a)) for o, a in per_cohort],
                  _total_pre_post(pooled.value.analysis))
    return cohorts, pooled, comparison, forest, figures


def _total_pre_post(analysis: Any) -> Any:
    total = analysis.outcomes.get(TOTAL)
    return total.pre_post if total is not None else None


@bp.get("/program")
@staff_required()
def program() -> str:
    """Every cohort side by side (forest plot of the total) and the pooled analysis."""
    principal = _principal()
    cohorts, stored, comparison, forest, figures = _program_view()
    pooled = stored.value
    analysis = pooled.analysis
    charts = {"cohorts": forest}
    if analysis.outcomes:
        charts["means"] = _svg(dashboard_charts.means_chart, analysis)
        charts["forest"] = _svg(dashboard_charts.effect_forest, analysis)
    return render_template(
        "staff/program.html", principal=principal, analysis=analysis, charts=charts,
        tables=_program_tables(pooled, comparison, sees_individuals=principal.sees_individuals, cohorts=cohorts),
        item_tables=_item_tables(pooled),
        synthetic=scope_is_synthetic(get_session(), cohorts), n_cohorts=len(cohorts), computed_at=stored.computed_at,
        answer=plain_answer(figures.value, _lang()),
        csv_url=lambda name: url_for("staff.program_table", name=name),
    )


@bp.get("/program/tables/<name>.csv")
@staff_required()
def program_table(name: str) -> Response:
    """One table of the program page as CSV."""
    principal = _principal()
    cohorts, pooled, comparison, _forest, _figures_ = _program_view()
    return _download(lambda individuals: _program_tables(pooled.value, comparison, sees_individuals=individuals,
                                                         cohorts=cohorts), name, "program", principal)


# --- impact summaries ---------------------------------------------------------------------------


def _figures(cohorts: list[Cohort] | None, scope: Sequence[Cohort]) -> Stored[Any]:
    return analyses.figures(get_session(), cohorts, scope=scope, min_group_size=_min_group_size())


def _summary_nav(lang: str, *, back: str, back_label: str, pdf: str, other_lang: str,
                 computed_at: dt.datetime) -> str:
    other = LANGUAGE_NAMES[other_language(lang)]
    pdf_label = text("staff.pdf", lang)
    return render_template("staff/summary_nav.html", back=back, back_label=back_label, pdf=pdf,
                           other=other_lang, other_label=other, pdf_label=pdf_label, lang=lang,
                           computed=computed_text(computed_at, lang))


def _summary_html(cohorts: list[Cohort] | None, scope: Sequence[Cohort], lang: str, *, nav: dict[str, str]
                  ) -> Response:
    from lipassess.reports.render import render_html

    today = dt.date.today()
    figures = _figures(cohorts, scope)
    nav_html = _summary_nav(lang, computed_at=figures.computed_at, **nav)
    regular, bold = staff_lang.static_fonts(current_app.static_folder or "")
    fonts = {weight: url_for("static", filename=name) for weight, name in ((400, regular), (700, bold)) if name}
    html = _stored("summary_html", scope,
                   lambda: render_html(figures.value, lang, generated_on=today, nav=nav_html, web_fonts=fonts),
                   lang, cohorts is None, _min_group_size(),
                   extra_version=(today, figures.computed_at, nav_html, *sorted(fonts.items())))
    return Response(html.value, mimetype="text/html")


def _summary_pdf(cohorts: list[Cohort] | None, scope: Sequence[Cohort], lang: str, stem: str) -> Response:
    pdf = summaries.summary_pdf(get_session(), cohorts, scope=scope, lang=lang, min_group_size=_min_group_size())
    response = Response(pdf.value, mimetype="application/pdf")
    filename = secure_filename(f"impact-summary-{stem}-{lang}.pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.get("/cohorts/<int:cohort_id>/summary")
@staff_required()
def cohort_summary(cohort_id: int) -> Response:
    """The one-page impact summary of a cohort, in English or Khmer (``?lang=``)."""
    lang = _lang()
    cohort = _cohort(cohort_id)
    nav = {"back": url_for("staff.cohort", cohort_id=cohort.id),
           "back_label": text("staff.back.dashboard", lang),
           "pdf": url_for("staff.cohort_summary_pdf", cohort_id=cohort.id, lang=lang),
           "other_lang": url_for("staff.cohort_summary", cohort_id=cohort.id, lang=other_language(lang))}
    return _summary_html([cohort], [cohort], lang, nav=nav)


@bp.get("/cohorts/<int:cohort_id>/summary.pdf")
@staff_required()
def cohort_summary_pdf(cohort_id: int) -> Response:
    """The cohort's impact summary as an A4 PDF."""
    lang = _lang()
    cohort = _cohort(cohort_id)
    return _summary_pdf([cohort], [cohort], lang, cohort.shortname)


@bp.get("/program/summary")
@staff_required()
def program_summary() -> Response:
    """The impact summary of the whole program (managers land here)."""
    lang = _lang()
    cohorts = _program_cohorts()
    nav = {"back": url_for("staff.index"), "back_label": text("staff.back.all_cohorts", lang),
           "pdf": url_for("staff.program_summary_pdf", lang=lang),
           "other_lang": url_for("staff.program_summary", lang=other_language(lang))}
    return _summary_html(None, cohorts, lang, nav=nav)


@bp.get("/program/summary.pdf")
@staff_required()
def program_summary_pdf() -> Response:
    """The program's impact summary as an A4 PDF."""
    lang = _lang()
    return _summary_pdf(None, _program_cohorts(), lang, "program")


@bp.get("/status")
@staff_required(StaffRole.ADMIN)
def status() -> str:
    """Admins: the state of sync, dispatch and grade passback (``lipassess status``), and what needs a person."""
    return render_template("staff/status.html", principal=_principal(),
                           state=operations_status(get_session(), utcnow()))
