"""Warm a freshly built app before it serves: templates compiled, open waves' forms and questions ready.

A new gunicorn worker pays for its first participants: the survey templates are
compiled, each wave's instrument definitions parsed into pages, each question
rendered once (about a tenth of a second of CPU per worker, more than the next
forty page views). With ``gunicorn --preload`` the app is built once in the
master process and forked, so doing that work here, before the fork, gives
every worker (and every worker restarted later) a warm start, and the first
participants after a deployment get pages as fast as the rest.

Everything warmed is a cache keyed by immutable content (see
:mod:`lipassess.services.surveys.form` and :mod:`lipassess.web.survey_items`):
warming changes what is fast, never what is shown. A store that cannot be
reached leaves the forms cold (logged), never stops the app from starting.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from flask import Flask

from lipassess import db
from lipassess.services.surveys.access import open_wave_signatures
from lipassess.services.surveys.form import layout_for
from lipassess.store.types import utcnow
from lipassess.vocabulary import LANGUAGES
from lipassess.web.survey_items import question_html

log = logging.getLogger(__name__)

#: The participant-side templates (survey and rater pages).
SURVEY_TEMPLATES = ("survey/base.html", "survey/_items.html", "survey/consent.html", "survey/page.html",
                    "survey/review.html", "survey/receipt.html", "survey/_nominate.html", "survey/error.html",
                    "survey/rater_form.html", "survey/rater_thanks.html", "survey/rater_nominated.html")


@dataclass(frozen=True, slots=True)
class Warmed:
    """What :func:`warm` prepared."""

    templates: int
    waves: int
    questions: int


def warm(app: Flask, *, now: datetime | None = None) -> Warmed:
    """Compile the survey templates; build the open waves' forms and render their unanswered questions."""
    with app.app_context():
        for name in SURVEY_TEMPLATES:
            app.jinja_env.get_template(name)
        try:
            with db.session_factory(app)() as session:
                signatures = open_wave_signatures(session, now or utcnow())
        except Exception:  # a store that is down must not keep the service from starting
            log.warning("the store could not be read at start; the survey forms will be prepared on first use",
                        exc_info=True)
            _forget_connections(app)
            return Warmed(len(SURVEY_TEMPLATES), 0, 0)
        questions = 0
        for signature in dict.fromkeys(signatures):
            with db.session_factory(app)() as session:
                layout = layout_for(session, signature)
            number = 0
            for page in layout.pages:
                for item, key in zip(page.items, page.keys, strict=True):
                    number += 1
                    for lang in LANGUAGES:
                        question_html(item, key, number, page.instrument, None, None, lang)
                        questions += 1
        _forget_connections(app)
    log.info("warmed %d templates, %d open waves' forms, %d questions", len(SURVEY_TEMPLATES), len(signatures),
             questions)
    return Warmed(len(SURVEY_TEMPLATES), len(signatures), questions)


def _forget_connections(app: Flask) -> None:
    """Close the connections warming opened: forked workers must never share a database socket."""
    db.engine_for(app).dispose()
