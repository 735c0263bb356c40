"""The training-needs report on the staff pages and the API: evaluators, managers, languages, no data yet."""

from __future__ import annotations

import re

import pytest

from lipassess.services import staff as staff_service
from tests.factories import make_cohort
from tests.needs_world import EDUCATION, HEALTH, build_needs_cohort
from tests.web.staff_world import PASSWORD, STAFF, sign_in


@pytest.fixture
def world(app, session) -> dict[str, object]:
    cohort = build_needs_cohort(session)
    empty = make_cohort(session, course_id=9, shortname="LIP-EMPTY")
    tokens = {}
    for name, role in STAFF.items():
        user = staff_service.add_staff_user(session, username=name, role=role, password=PASSWORD.format(name))
        tokens[name] = staff_service.issue_api_token(session, user)
    session.commit()
    return {"cohort": cohort.id, "empty": empty.id, "tokens": tokens}


def group_rows(html: str) -> dict[str, str]:
    rows = re.findall(r'<tr class="(?:suppressed)?">\s*<td><span class="dim">([^<]+):</span>\s*([^<]+)</td>\s*'
                      r'<td class="num">([^<]*)</td>', html)
    return {f"{dimension}: {label.strip()}": n for dimension, label, n in rows}


def test_an_evaluator_reads_the_report_with_every_group_of_five(client, world) -> None:
    assert sign_in(client, "eva").status_code == 302
    response = client.get(f"/staff/cohorts/{world['cohort']}/needs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.text
    assert "Put Conflict management first for the participants of LIP-N3" in html
    assert "MWDS 15.75" in html
    rows = group_rows(html)
    assert rows[f"Ministry: {HEALTH}"] == "7" and rows[f"Ministry: {EDUCATION}"] == "5"
    assert rows["Ministry and position level: Director of department in the Ministry of Health"] == "5"
    assert rows["Ministry and position level: 1 other groups"] == "\u2013"  # the pair of two, on one row
    assert "Chief or deputy chief of office in the Ministry of Health" not in html
    # the loop: conflict management, the largest need, improved most
    assert 'data-rule="loop.aligned"' in html
    assert f'href="/staff/cohorts/{world["cohort"]}/needs.pdf?lang=en"' in html
    assert f'href="/staff/cohorts/{world["cohort"]}/needs?lang=km"' in html


def test_a_manager_sees_groups_through_the_small_group_rule(client, world) -> None:
    assert sign_in(client, "max").status_code == 302
    html = client.get(f"/staff/cohorts/{world['cohort']}/needs?lang=km").text
    assert '<html lang="km">' in html and "សូមដាក់ការគ្រប់គ្រងជម្លោះជាអាទិភាពទីមួយ" in html
    pairs = {label: n for label, n in group_rows(html).items() if label.startswith("ក្រសួង និងកម្រិតមុខតំណែង")}
    # 5 + 5 + 2: the group of two is hidden, and the next smallest too (else it is the total minus the others)
    # (ties by name: Education's five go, Health's directors stay)
    assert pairs == {"ក្រសួង និងកម្រិតមុខតំណែង: ប្រធាននាយកដ្ឋាន នៃMinistry of Health": "៥",
                     "ក្រសួង និងកម្រិតមុខតំណែង: ក្រុម ២ ផ្សេងទៀត": "\u2013"}, pairs


def test_the_pdf(client, world) -> None:
    assert sign_in(client, "eva").status_code == 302
    response = client.get(f"/staff/cohorts/{world['cohort']}/needs.pdf?lang=km")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert "training-needs-LIP-N3-km.pdf" in response.headers["Content-Disposition"]


def test_no_needs_answers_yet_is_a_422_that_says_what_to_do(client, world) -> None:
    assert sign_in(client, "eva").status_code == 302
    response = client.get(f"/staff/cohorts/{world['empty']}/needs")
    assert response.status_code == 422
    assert "--kind needs" in response.text
    bad = client.get(f"/staff/cohorts/{world['cohort']}/needs?lang=fr")
    assert bad.status_code == 400


def test_the_api(client, world) -> None:
    token = world["tokens"]["max"]
    response = client.get(f"/api/v1/cohorts/{world['cohort']}/needs?lang=en",
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    data = response.get_json()
    first = data["competencies"][0]
    assert (first["competency"], first["rank"], first["n"]) == ("conflict_management", 1, 12)
    assert first["mwds"] == pytest.approx(15.75)
    assert data["recommendations"][0]["key"] == "rec.first"
    assert data["recommendations"][0]["text"].startswith("Put Conflict management first")
    hidden = [g for g in data["groups"]["ministry_position"]["groups"] if g["suppressed"]]
    assert len(hidden) == 2 and all(g["result"] is None for g in hidden)
    empty = client.get(f"/api/v1/cohorts/{world['empty']}/needs", headers={"Authorization": f"Bearer {token}"})
    assert empty.status_code == 422 and empty.get_json()["code"] == "insufficient_data"


def test_the_dashboards_link_to_the_report(client, world) -> None:
    assert sign_in(client, "eva").status_code == 302
    page = client.get(f"/staff/cohorts/{world['cohort']}").text
    assert f'href="/staff/cohorts/{world["cohort"]}/needs?lang=km"' in page
    assert f'href="/staff/cohorts/{world["cohort"]}/needs.pdf?lang=en"' in page
    assert 'href="/staff/program/needs"' in client.get("/staff/program").text
