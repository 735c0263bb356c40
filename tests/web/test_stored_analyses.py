"""The staff pages and the REST API answer from the stored analyses, and say when they were computed.

What one computed the other reuses, on this host or another one sharing the
database; new data make the next page compute again.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from lipassess import create_app, db
from lipassess.services import staff as staff_service
from lipassess.services.waves import LOCAL_TZ
from lipassess.store.models import Participant, StaffUser, Wave
from lipassess.vocabulary import format_date, khmer_digits
from tests.factories import bundled_versions, make_participant, submit
from tests.web.staff_world import answers, build_world, sign_in


@pytest.fixture
def world(app, session):
    data = build_world(session)
    user = session.scalars(select(StaffUser).where(StaffUser.username == "eva")).one()
    data["token"] = staff_service.issue_api_token(session, user)
    session.commit()
    return data


def api_analysis(client, world):
    response = client.get(f"/api/v1/cohorts/{world['a']}/analysis",
                          headers={"Authorization": f"Bearer {world['token']}"})
    assert response.status_code == 200, response.data
    return response


def test_the_api_reuses_what_the_staff_page_computed(client, world, computed) -> None:
    sign_in(client, "eva")
    assert client.get(f"/staff/cohorts/{world['a']}").status_code == 200
    assert computed == ["LIP-A"]
    api_analysis(client, world)
    api_analysis(client, world)
    assert computed == ["LIP-A"]


def test_the_staff_page_reuses_what_the_api_computed(client, world, computed) -> None:
    api_analysis(client, world)
    assert computed == ["LIP-A"]
    sign_in(client, "eva")
    assert client.get(f"/staff/cohorts/{world['a']}").status_code == 200
    assert computed == ["LIP-A"]


def test_a_profile_change_computes_again(client, session, world, computed) -> None:
    api_analysis(client, world)
    person = session.get(Participant, world["participant"])
    person.ministry = "Planning"  # a profile change is a new data version
    session.commit()
    api_analysis(client, world)
    assert computed == ["LIP-A", "LIP-A"]


def bearer(world):
    return {"Authorization": f"Bearer {world['token']}"}


def test_every_view_says_when_its_figures_were_computed(client, world) -> None:
    computed_at = datetime.fromisoformat(api_analysis(client, world).get_json()["computed_at"])
    local = computed_at.astimezone(LOCAL_TZ)
    sign_in(client, "eva")
    page = client.get(f"/staff/cohorts/{world['a']}").get_data(as_text=True)
    assert f"Figures computed {local.day} {local:%B %Y %H:%M} (Cambodia time)" in page
    summary = client.get(f"/api/v1/cohorts/{world['a']}/summary?lang=en", headers=bearer(world)).get_json()
    for lang, words in (("en", f"Figures computed {local.day} {local:%B}"), ("km", "តួលេខទាំងនេះត្រូវបានគណនានៅ")):
        html = client.get(f"/staff/cohorts/{world['a']}/summary?lang={lang}").get_data(as_text=True)
        assert words in html
    assert f"{format_date(local.date(), 'km')} {khmer_digits(f'{local:%H:%M}')} (ម៉ោងកម្ពុជា)" in html
    assert datetime.fromisoformat(summary["computed_at"]) >= computed_at
    program = client.get("/staff/program").get_data(as_text=True)
    assert "Figures computed" in program
    groups = client.get(f"/api/v1/cohorts/{world['a']}/subgroups?by=ministry", headers=bearer(world)).get_json()
    assert "computed_at" in groups


def test_another_host_answers_from_the_store(app, client, world, computed, database_url) -> None:
    api_analysis(client, world)
    other = create_app({"ENV": "testing", "TESTING": True, "DATABASE_URL": database_url,
                        "SECRET_KEY": "test-secret-key-" + "x" * 32, "WTF_CSRF_ENABLED": False})
    try:
        second = other.test_client()
        sign_in(second, "eva")
        assert second.get(f"/staff/cohorts/{world['a']}").status_code == 200
        assert api_analysis(second, world).get_json()["computed_at"] == api_analysis(client, world).get_json()[
            "computed_at"]
    finally:
        db.engine_for(other).dispose()
    assert computed == ["LIP-A"]


def test_a_new_submission_is_in_the_next_answer_never_a_stale_one(client, session, world, computed) -> None:
    before = api_analysis(client, world).get_json()
    followup = session.scalars(select(Wave).where(Wave.cohort_id == world["a"], Wave.kind == "followup")).one()
    behaviour = bundled_versions(session)["lip-leadership-behaviour"]
    newcomer = make_participant(session, 1900, session.get(type(followup.cohort), world["a"]), ministry="Health")
    submit(session, newcomer, followup, {behaviour: answers(3, 1)})
    session.commit()
    after = api_analysis(client, world).get_json()
    assert computed == ["LIP-A", "LIP-A"]
    assert after["n_participants"] == before["n_participants"] + 1
    assert datetime.fromisoformat(after["computed_at"]) > datetime.fromisoformat(before["computed_at"])
