"""Use case: the impact summaries as PDF, rendered once per data version and day, and ahead of time.

A summary PDF takes seconds to render (WeasyPrint), so it is kept in the store
beside the analyses (:mod:`lipassess.services.analysis_store`, kind
``summary_pdf``): one row per scope (a cohort, or the program), language and
minimum group size, fresh while the scope's data, its stored impact figures
(:func:`lipassess.services.analyses.figures`) and the day it is dated are
unchanged. The staff pages serve :func:`summary_pdf`; ``lipassess analyze
refresh`` calls :func:`prerender` after the analyses, so the PDFs the staff
pages link to are ready before anyone asks.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from lipassess.services import analyses, analysis_store
from lipassess.services.analysis_store import Stored
from lipassess.store.models import Cohort
from lipassess.vocabulary import LANGUAGES

SUMMARY_PDF = "summary_pdf"


def summary_pdf(session: Session, cohorts: list[Cohort] | None, *, scope: Sequence[Cohort], lang: str,
                min_group_size: int, today: dt.date | None = None) -> Stored[bytes]:
    """The A4 impact summary of ``cohorts`` (None: the whole program, whose cohorts are ``scope``) in ``lang``.

    From the store while fresh (see the module docstring), else rendered now and stored. ``today`` is the
    date the summary is generated on (default: today).
    """
    from lipassess.reports.render import render_pdf

    day = today or dt.date.today()
    figures = analyses.figures(session, cohorts, scope=scope, min_group_size=min_group_size)
    return analysis_store.fetch(session, SUMMARY_PDF, scope,
                                lambda: render_pdf(figures.value, lang, generated_on=day),
                                lang, cohorts is None, min_group_size, extra_version=(day, figures.computed_at))


@dataclasses.dataclass(frozen=True, slots=True)
class Prerendered:
    """One summary PDF :func:`prerender` looked at: ``rendered`` False when the stored one was fresh."""

    scope: str
    lang: str
    rendered: bool
    seconds: float


def prerender(session: Session, *, min_group_size: int, cohorts: Sequence[Cohort] | None = None,
              today: dt.date | None = None) -> list[Prerendered]:
    """Render and store the summary PDFs the staff pages link to, where stale: each cohort's and the program's.

    ``cohorts`` None: every cohort in the store, then the program (all of them together), in every
    language; otherwise those cohorts only. Run it after :func:`lipassess.services.analyses.refresh`, so
    the PDFs are rendered from the figures just stored.
    """
    whole = cohorts is None
    chosen = list(session.scalars(select(Cohort).order_by(Cohort.start_at, Cohort.id))) if cohorts is None \
        else list(cohorts)
    scopes: list[tuple[str, list[Cohort] | None, list[Cohort]]] = [(c.shortname, [c], [c]) for c in chosen]
    if whole and chosen:
        scopes.append(("program", None, chosen))
    done = []
    for label, asked, scope in scopes:
        for lang in LANGUAGES:
            pdf = summary_pdf(session, asked, scope=scope, lang=lang, min_group_size=min_group_size, today=today)
            done.append(Prerendered(scope=label, lang=lang, rendered=not pdf.from_store,
                                    seconds=0.0 if pdf.from_store else pdf.seconds))
    return done


__all__ = ["SUMMARY_PDF", "Prerendered", "prerender", "summary_pdf"]
