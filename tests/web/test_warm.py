"""Warming a new app before it serves: templates compiled, open waves' forms and questions ready."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from lipassess import create_app
from lipassess import db as lipassess_db
from lipassess.services.surveys import form as form_cache
from lipassess.services.surveys.access import open_wave_signatures
from lipassess.store.models import WaveKind
from lipassess.store.types import utcnow
from lipassess.web import survey_items
from lipassess.web.warm import warm
from tests.survey_factories import build, make_wave, register, sample_definition

ROOT = Path(__file__).resolve().parents[2]
SURVEY_TEMPLATES = sorted((ROOT / "lipassess" / "templates" / "survey").glob("*.html"))  # counted on disk


def test_open_waves_forms_and_questions_are_ready_before_the_first_request(app, session) -> None:
    s = build(session)  # an open wave
    closed_version = register(session, sample_definition(instrument_id="lip-closed", n_likert=4))
    now = utcnow()
    make_wave(session, s.cohort, kind=WaveKind.POST, versions=[closed_version], opens_at=now - timedelta(days=30),
              closes_at=now - timedelta(days=1))
    session.commit()
    assert open_wave_signatures(session, now) == [((s.version.id, s.version.content_hash),)]

    form_cache._LAYOUTS.clear()
    survey_items.clear()
    app.jinja_env.cache.clear()
    warmed = warm(app, now=now)
    # Nothing left open for forked workers to share: a pooled socket used by two processes corrupts both.
    assert lipassess_db.engine_for(app).pool.checkedin() == 0

    layout = form_cache._LAYOUTS[((s.version.id, s.version.content_hash),)]
    n = len(layout.items)
    assert n == 15  # sample_definition(): 12 scale items, a yes/no, a choice and a text item
    assert (warmed.templates, warmed.waves, warmed.questions) == (len(SURVEY_TEMPLATES), 1, n * 2)
    assert len(survey_items._RENDERED) == n * 2
    assert {key[2] for key in survey_items._RENDERED} == {"km", "en"}
    assert {key[3] for key in survey_items._RENDERED} == set(range(1, n + 1))  # numbered as the form numbers them
    # The warm question is the one a participant is shown.
    client = app.test_client()
    assert client.get(f"/s/{s.token}").status_code == 303
    client.post(s.url(), data={"consent": "yes"})
    page = client.get(s.url("/page/1")).get_data(as_text=True)
    assert str(survey_items._RENDERED[(s.version.content_hash, s.key("L1"), "km", 1, None, None)]) in page


def test_a_store_that_cannot_be_read_leaves_the_forms_cold_and_the_app_up(tmp_path, caplog) -> None:
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}", "SECRET_KEY": "k" * 40})
    warmed = warm(app)  # no tables: the query fails
    assert (warmed.templates, warmed.waves, warmed.questions) == (len(SURVEY_TEMPLATES), 0, 0)
    assert "prepared on first use" in caplog.text


def test_the_wsgi_module_builds_a_warm_app(tmp_path) -> None:
    env = {**os.environ, "LIPASSESS_DATABASE_URL": f"sqlite:///{tmp_path / 'w.sqlite3'}",
           "LIPASSESS_SECRET_KEY": "k" * 40}
    done = subprocess.run([sys.executable, "-c", "import lipassess.wsgi as w; "
                           "print(type(w.app).__name__, len(w.app.jinja_env.cache))"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    name, compiled = done.stdout.split()
    assert name == "LipassessFlask" and int(compiled) >= len(SURVEY_TEMPLATES)
