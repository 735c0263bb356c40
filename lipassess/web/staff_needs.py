"""Staff pages of the training-needs report: a cohort's or the program's, HTML (``?lang=en|km``) and PDF.

Same access as the impact summaries: any staff principal who may see the
cohort (the program for those who may see every cohort). Managers get the
groups through the one small-group rule
(:meth:`lipassess.analysis.needs_scope.NeedsAnalysis.for_managers`). A cohort
whose participants have not answered the needs assessment gets a 422 that
says how to open a needs wave.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from flask import Blueprint, Response, url_for
from werkzeug.utils import secure_filename

from lipassess.analysis.needs_scope import NeedsAnalysis
from lipassess.db import get_session
from lipassess.services.analysis_store import Stored
from lipassess.services.needs import stored_needs
from lipassess.store.models import Cohort
from lipassess.text import text
from lipassess.vocabulary import other_language
from lipassess.web import staff as staff_pages
from lipassess.web.auth import staff_required

bp = Blueprint("staff_needs", __name__, url_prefix="/staff")


def _needs(cohorts: list[Cohort] | None, scope: Sequence[Cohort]) -> Stored[NeedsAnalysis]:
    principal = staff_pages._principal()
    return stored_needs(get_session(), cohorts, scope=scope, min_group_size=staff_pages._min_group_size(),
                        for_managers=not principal.sees_individuals)


def _html(cohorts: list[Cohort] | None, scope: Sequence[Cohort], lang: str, nav: dict[str, str]) -> Response:
    from lipassess.reports.needs import render_needs_html

    stored = _needs(cohorts, scope)
    nav_html = staff_pages._summary_nav(lang, computed_at=stored.computed_at, **nav)
    return Response(render_needs_html(stored.value, lang, generated_on=dt.date.today(), nav=nav_html),
                    mimetype="text/html")


def _pdf(cohorts: list[Cohort] | None, scope: Sequence[Cohort], lang: str, stem: str) -> Response:
    from lipassess.reports.needs import render_needs_pdf

    response = Response(render_needs_pdf(_needs(cohorts, scope).value, lang, generated_on=dt.date.today()),
                        mimetype="application/pdf")
    filename = secure_filename(f"training-needs-{stem}-{lang}.pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.get("/cohorts/<int:cohort_id>/needs")
@staff_required()
def cohort_needs(cohort_id: int) -> Response:
    """The cohort's training-needs report, in English or Khmer (``?lang=``)."""
    lang = staff_pages._lang()
    cohort = staff_pages._cohort(cohort_id)
    nav = {"back": url_for("staff.cohort", cohort_id=cohort.id), "back_label": text("staff.back.dashboard", lang),
           "pdf": url_for("staff_needs.cohort_needs_pdf", cohort_id=cohort.id, lang=lang),
           "other_lang": url_for("staff_needs.cohort_needs", cohort_id=cohort.id, lang=other_language(lang))}
    return _html([cohort], [cohort], lang, nav)


@bp.get("/cohorts/<int:cohort_id>/needs.pdf")
@staff_required()
def cohort_needs_pdf(cohort_id: int) -> Response:
    """The cohort's training-needs report as an A4 PDF."""
    lang = staff_pages._lang()
    cohort = staff_pages._cohort(cohort_id)
    return _pdf([cohort], [cohort], lang, cohort.shortname)


@bp.get("/program/needs")
@staff_required()
def program_needs() -> Response:
    """The training needs of every cohort together."""
    lang = staff_pages._lang()
    cohorts = staff_pages._program_cohorts()
    nav = {"back": url_for("staff.index"), "back_label": text("staff.back.all_cohorts", lang),
           "pdf": url_for("staff_needs.program_needs_pdf", lang=lang),
           "other_lang": url_for("staff_needs.program_needs", lang=other_language(lang))}
    return _html(None, cohorts, lang, nav)


@bp.get("/program/needs.pdf")
@staff_required()
def program_needs_pdf() -> Response:
    """The program's training-needs report as an A4 PDF."""
    lang = staff_pages._lang()
    return _pdf(None, staff_pages._program_cohorts(), lang, "program")
