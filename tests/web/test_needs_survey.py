"""A participant answers the bundled needs assessment through the survey pages, in Khmer, and it is analysed."""

from __future__ import annotations

import re

import pytest

from lipassess.instruments import bundled_instruments_dir, load_instruments
from lipassess.services.needs import needs_analysis
from tests.survey_factories import build

NEEDS = next(i for i in load_instruments(bundled_instruments_dir()) if i.id == "lip-needs-assessment")


@pytest.fixture
def s(app, session):
    return build(session, definition=NEEDS.to_dict())


def value_for(name: str) -> str:
    item = name.rsplit(".", 1)[-1]
    return "3" if item == "position_level" else "5" if item.endswith("_importance") else "2"


def test_the_needs_assessment_is_answered_in_khmer_and_ranked(client, session, s) -> None:
    assert client.get(f"/s/{s.token}").status_code == 303
    assert client.post(s.url(), data={"consent": "yes"}).status_code == 303
    location, seen = s.url("/page/1"), set()
    while "/page/" in location:
        html = client.get(location).get_data(as_text=True)
        assert '<html lang="km"' in html
        names = set(re.findall(r'name="([^"]+\.[a-z_]+)"', html)) - {"csrf_token"}
        seen |= {n.rsplit(".", 1)[-1] for n in names}
        moved = client.post(location, data={**{n: value_for(n) for n in names}, "action": "next"})
        assert moved.status_code == 303, moved.get_data(as_text=True)[:500]
        location = moved.headers["Location"]
    assert seen == set(NEEDS.item_ids)
    review = client.get(location).get_data(as_text=True)
    assert "ការគ្រប់គ្រងជម្លោះ" in review and "សំខាន់បំផុត" in review and "ទាប" in review
    assert client.post(s.url("/review"), data={}).headers["Location"] == s.url("/receipt")
    # one respondent: importance 5, competence 2 everywhere -> MWDS 5 x 3 = 15 for all nine, all tied at rank 1
    result = needs_analysis(session, [s.cohort], min_group_size=5)
    assert [(r.n, r.mwds, r.rank) for r in result.overall.competencies] == [(1, 15.0, 1)] * 9
