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


def survey_templates(app: Flask) -> list[str]:
    """The participant-side templates (survey and rater pages): every template under ``survey/``."""
    return app.jinja_env.list_templates(filter_func=lambda name: name.startswith("survey/"))


@dataclass(frozen=True, slots=True)
class Warmed:
    """What :func:`warm` prepared."""

    templates: int
    waves: int
    questions: int


def warm(app: Flask, *, now: datetime | None = None) -> Warmed:
    """Compile the survey templates; build the open waves' forms and render their unanswered questions."""
    with app.app_context():
        templates = survey_templates(app)
        for name in templates:
            app.jinja_env.get_template(name)
        try:
            with db.session_factory(app)() as session:
                signatures = list(dict.fromkeys(open_wave_signatures(session, now or utcnow())))
                layouts = [layout_for(session, signature) for signature in signatures]
        except Exception:  # a store that is down must not keep the service from starting
            log.warning("the store could not be read at start; the survey forms will be prepared on first use",
                        exc_info=True)
            _forget_connections(app)
            return Warmed(len(templates), 0, 0)
        questions = 0
        for layout in layouts:
            numbers = layout.numbers
            for page in layout.pages:
                for item, key in zip(page.items, page.keys, strict=True):
                    for lang in LANGUAGES:
                        question_html(item, key, numbers[key], page.instrument, None, None, lang)
                        questions += 1
        _forget_connections(app)
    log.info("warmed %d templates, %d open waves' forms, %d questions", len(templates), len(layouts), questions)
    return Warmed(len(templates), len(layouts), questions)


def _forget_connections(app: Flask) -> None:
    """Close the connections warming opened: forked workers must never share a database socket."""
    db.engine_for(app).dispose()
