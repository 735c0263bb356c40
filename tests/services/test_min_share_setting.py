"""``LIPASSESS_MIN_SHARE_ANSWERED`` reaches the services that score: datasets and exports.

The practice instrument leaves ``scoring.min_share_answered`` out, so the
setting decides; one participant answers 8 of its 12 likert items (the other 4
"not applicable"). 0.8 needs 10 of 12, 0.5 needs 6.
"""

from __future__ import annotations

import math

import pytest

from lipassess import create_app, db
from lipassess.errors import ConfigurationError
from lipassess.instruments import TOTAL, Instrument
from lipassess.services.dataset import behaviour_outcomes, load_dataset
from lipassess.services.exports import export_tables
from lipassess.store.models import Cohort
from tests.factories import make_cohort, make_participant, make_wave, submit
from tests.survey_factories import register, sample_definition

N_LIKERT = 12
ANSWERED = 8


def _app(database_url: str, **settings: object):
    return create_app({
        "ENV": "testing",
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-" + "x" * 32,
        **settings,
    })


@pytest.fixture
def cohort_id(app, session) -> int:
    assert Instrument.from_dict(sample_definition()).scoring.min_share_answered is None
    version = register(session, sample_definition(n_likert=N_LIKERT))
    cohort = make_cohort(session)
    wave = make_wave(session, cohort, "pre", [version])
    person = make_participant(session, 101, cohort, pseudonym="P-0101")
    answers = {f"L{i}": 4 if i <= ANSWERED else 9 for i in range(1, N_LIKERT + 1)}
    submit(session, person, wave, {version: {**answers, "Y1": 1}})
    session.commit()
    return cohort.id


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("settings", "present"),
    [({}, False), ({"MIN_SHARE_ANSWERED": 0.8}, False), ({"MIN_SHARE_ANSWERED": 0.5}, True),
     ({"MIN_SHARE_ANSWERED": ANSWERED / N_LIKERT}, True), ({"MIN_SHARE_ANSWERED": 0.7}, False)],
    ids=["default", "0.8", "0.5", "8-of-12", "0.7"],
)
def test_the_setting_decides_whether_a_score_is_present(database_url, cohort_id, settings, present):
    app = _app(database_url, **settings)
    try:
        session = db.session_factory(app)()
        try:
            cohort = session.get(Cohort, cohort_id)
            dataset = load_dataset(session, [cohort])
            assert dataset.min_share_answered == settings.get("MIN_SHARE_ANSWERED", 0.8)
            (total,) = [o for o in behaviour_outcomes(dataset, "lip-practice") if o.name == TOTAL]
            score = total.scores.loc["P-0101", "pre"]
            assert (not math.isnan(score)) is present
            if present:
                assert score == pytest.approx(4.0)
            exported = export_tables(session, [cohort]).scores
            assert len(exported) == 1
            assert (not math.isnan(exported["score"].iloc[0])) is present
        finally:
            session.close()
    finally:
        db.engine_for(app).dispose()


@pytest.mark.parametrize("share", [0, -0.1, 1.5, "0.8", True])
def test_the_setting_must_be_a_share(tmp_path, share):
    with pytest.raises(ConfigurationError, match="MIN_SHARE_ANSWERED"):
        _app(f"sqlite:///{tmp_path / 'x.sqlite3'}", MIN_SHARE_ANSWERED=share)
