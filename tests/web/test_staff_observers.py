"""The cohort dashboard's "What supervisors saw" section and its CSV, for every staff role."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from lipassess.services.instruments import instrument_of
from lipassess.services.raters.survey import observer_version
from lipassess.store.models import Participant, Wave, WaveKind
from lipassess.store.rater_models import Rater, RaterAnswer
from lipassess.store.types import utcnow
from tests.web.staff_world import build_world, sign_in

pytestmark = pytest.mark.postgres


@pytest.fixture
def world(session) -> dict:
    found = build_world(session)
    version = observer_version(session)
    items = instrument_of(version).scored_items
    people = session.scalars(select(Participant).where(Participant.moodle_user_id.between(1000, 1011))).all()
    waves = {w.kind: w for w in session.scalars(select(Wave).where(Wave.cohort_id == found["a"]))}
    for k, person in enumerate(people[:6]):
        for kind, total in ((WaveKind.PRE, 2 + k % 3), (WaveKind.POST, 3 + k % 3 - (k == 5))):
            rater = Rater(participant_id=person.id, wave_id=waves[kind].id, name=f"Boss {k}",
                          email=f"boss{k}@example.gov.kh", contact=f"boss{k}@example.gov.kh", relation="supervisor",
                          source="import", language="km", reminders_sent=0, submitted_at=utcnow())
            session.add(rater)
            session.flush()
            session.add_all([RaterAnswer(rater_id=rater.id, instrument_version_id=version.id, item_key=i.id,
                                         value_number=float(6 - total if i.reverse else total)) for i in items])
    session.commit()
    return found


@pytest.mark.parametrize("who", ["ana", "eva", "max"])
def test_every_role_sees_the_aggregate_and_its_csv(client, world, who) -> None:
    assert sign_in(client, who).status_code == 302
    page = client.get(f"/staff/cohorts/{world['a']}").get_data(as_text=True)
    assert '<section id="observers"' in page and "What supervisors saw" in page
    assert "Boss 0" not in page and "boss0@" not in page  # no rater is ever named
    response = client.get(f"/staff/cohorts/{world['a']}/tables/observers.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8")[1:])))
    change = rows[0]
    assert change["statistic"] == "Change seen by supervisors, before \u2192 after"
    # supervisors' totals 2,3,4,2,3,4 -> 3,4,5,3,4,4: mean change 5/6
    assert int(change["n"]) == 6 and float(change["estimate"]) == pytest.approx(5 / 6)
    program = client.get("/staff/program")
    assert program.status_code == 200 and '<section id="observers"' in program.get_data(as_text=True)
    pooled = client.get("/staff/program/tables/observers.csv")
    assert pooled.status_code == 200 and "Change seen by supervisors" in pooled.data.decode("utf-8")


def test_no_section_without_raters(client, session) -> None:
    found = build_world(session)
    assert sign_in(client, "eva").status_code == 302
    page = client.get(f"/staff/cohorts/{found['a']}").get_data(as_text=True)
    assert 'id="observers"' not in page
    assert client.get(f"/staff/cohorts/{found['a']}/tables/observers.csv").status_code == 404
