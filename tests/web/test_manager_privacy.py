"""Managers never learn about a group under ``MIN_GROUP_SIZE``: every output they can reach (issue 12, point 2).

The world (:mod:`tests.web.privacy_world`) has a one-person ministry (Planning)
next to groups of 9, 6 and 5. For every staff page, table download, summary and
API answer a manager can call, the groups shown without numbers must include
Planning, and the people in all hidden groups together must be at least
``MIN_GROUP_SIZE`` (5): otherwise the hidden groups' figure is the total minus
the groups shown. :func:`test_every_manager_route_is_checked` walks the app's
routes, so a new one must be added here (or to :data:`NO_GROUP_FIGURES`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from lipassess import create_app
from tests.web.privacy_world import SIZES, build_privacy_world
from tests.web.staff_world import sign_in

MIN = 5
Shown = dict[str, dict[str, bool]]
"""dimension -> label -> whether the output shows that group's numbers."""


def _api_subgroups(response: Any, dimension: str) -> Shown:
    return {dimension: {g["group"]: not g["suppressed"] for g in response.get_json()["groups"]}}


def _api_analysis(response: Any) -> Shown:
    attrition = response.get_json()["attrition"]
    shown: Shown = {}
    for row in attrition["variables"]:
        if row["level"] is not None:
            shown.setdefault(row["variable"], {})[row["level"]] = row["retained_value"] is not None
    assert not any("Planning" in note for note in attrition["notes"]), attrition["notes"]
    return shown


def _api_summary(response: Any) -> Shown:
    shown: Shown = {}
    for row in response.get_json()["subgroups"]:
        shown.setdefault(row["dimension"], {})[row["label"]] = not row["suppressed"]
        assert row["suppressed"] == (row["n"] is None) == (row["pre_post"] is None)
    return shown


def _api_needs(response: Any) -> Shown:
    groups = response.get_json()["groups"]
    return {dimension: {g["group"]: not g["suppressed"] for g in groups[dimension]["groups"]}
            for dimension in ("ministry", "province")}


def _needs_html(response: Any) -> Shown:
    # the needs report's group table has the same row shape as the summary's subgroup table
    return _summary_html(response)


def _csv_rows(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))


def _subgroups_csv(dimension: str) -> Callable[[Any], Shown]:
    def extract(response: Any) -> Shown:
        return {dimension: {row["group"]: bool(row["n"]) for row in _csv_rows(response)}}
    return extract


def _attrition_baseline_csv(response: Any) -> Shown:
    shown: Shown = {}
    for row in _csv_rows(response):
        if row["level"]:
            shown.setdefault(row["variable"], {})[row["level"]] = bool(row["retained_value"])
    return shown


def _no_planning(response: Any) -> Shown:
    assert "Planning" not in response.text
    return {}


def _summary_html(response: Any) -> Shown:
    shown: Shown = {}
    rows = re.findall(r'<tr class="(suppressed)?">\s*<td><span class="dim">(\w+):</span>\s*([^<]+)</td>\s*'
                      r'<td class="num">([^<]*)</td>', response.text)
    for suppressed, dimension, label, n in rows:
        shown.setdefault(dimension.lower(), {})[label.strip()] = not suppressed
        assert bool(suppressed) == (n.strip() == "\u2013"), (label, n)
    assert "ministry" in shown, "no subgroup rows found in the summary page"
    return shown


def _pdf(response: Any) -> Shown:
    # rendered from the same figures as the HTML summary (checked above); it must at least be a PDF
    assert response.data.startswith(b"%PDF")
    return {}


def _page(response: Any) -> Shown:
    # the dashboard pages show the same tables as the CSV downloads checked here
    assert response.status_code == 200
    return {}


C = "{c}"
OUTPUTS: list[tuple[str, str, Callable[[Any], Shown]]] = [
    ("api.cohort_subgroups", f"/api/v1/cohorts/{C}/subgroups?by=ministry", lambda r: _api_subgroups(r, "ministry")),
    ("api.cohort_subgroups", f"/api/v1/cohorts/{C}/subgroups?by=province", lambda r: _api_subgroups(r, "province")),
    ("api.cohort_analysis", f"/api/v1/cohorts/{C}/analysis", _api_analysis),
    ("api.program_analysis", "/api/v1/program/analysis", _api_analysis),
    ("api.cohort_summary", f"/api/v1/cohorts/{C}/summary", _api_summary),
    ("api.program_summary", "/api/v1/program/summary", _api_summary),
    ("staff.cohort_table", f"/staff/cohorts/{C}/tables/subgroups_ministry.csv", _subgroups_csv("ministry")),
    ("staff.cohort_table", f"/staff/cohorts/{C}/tables/subgroups_province.csv", _subgroups_csv("province")),
    ("staff.cohort_table", f"/staff/cohorts/{C}/tables/attrition_baseline.csv", _attrition_baseline_csv),
    ("staff.cohort_table", f"/staff/cohorts/{C}/tables/attrition.csv", _no_planning),
    ("staff.program_table", "/staff/program/tables/subgroups_ministry.csv", _subgroups_csv("ministry")),
    ("staff.program_table", "/staff/program/tables/attrition_baseline.csv", _attrition_baseline_csv),
    ("staff.program_table", "/staff/program/tables/attrition.csv", _no_planning),
    ("staff.cohort_summary", f"/staff/cohorts/{C}/summary", _summary_html),
    ("staff.program_summary", "/staff/program/summary", _summary_html),
    ("staff.cohort_summary_pdf", f"/staff/cohorts/{C}/summary.pdf", _pdf),
    ("staff.program_summary_pdf", "/staff/program/summary.pdf", _pdf),
    ("api.cohort_needs", f"/api/v1/cohorts/{C}/needs", _api_needs),
    ("api.program_needs", "/api/v1/program/needs", _api_needs),
    ("staff_needs.cohort_needs", f"/staff/cohorts/{C}/needs", _needs_html),
    ("staff_needs.program_needs", "/staff/program/needs", _needs_html),
    ("staff_needs.cohort_needs_pdf", f"/staff/cohorts/{C}/needs.pdf", _pdf),
    ("staff_needs.program_needs_pdf", "/staff/program/needs.pdf", _pdf),
    ("staff.cohort", f"/staff/cohorts/{C}", _page),
    ("staff.program", "/staff/program", _page),
]

NO_GROUP_FIGURES = {
    "staff.index", "auth.login", "auth.logout_view", "api.openapi", "api.cohorts", "api.cohort_detail",
    "api.cohort_export",  # evaluators and admins only (a manager gets 403)
    "staff.status",  # admins only (a manager gets 403); counts of messages and scores, no groups
}
"""Manager-reachable routes that show no per-group figures (lists, sign-in, the schema)."""


@pytest.mark.parametrize(("endpoint", "path", "extract"), OUTPUTS, ids=[path for _e, path, _x in OUTPUTS])
def test_no_manager_output_reveals_a_small_group(app: Flask, client: Any, prebuilt: Any, endpoint: str, path: str,
                                                  extract: Callable[[Any], Shown]) -> None:
    world = prebuilt(build_privacy_world)
    url = path.replace(C, str(world["cohort"]))
    if url.startswith("/api/"):
        response = client.get(url, headers={"Authorization": f"Bearer {world['tokens']['max']}"})
    else:
        assert sign_in(client, "max").status_code == 302
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    for dimension, groups in extract(response).items():
        sizes = SIZES[dimension]
        assert set(groups) == set(sizes), (dimension, groups)
        hidden = [label for label, shown in groups.items() if not shown]
        people = sum(sizes[label] for label in hidden)
        assert all(not shown for label, shown in groups.items() if sizes[label] < MIN), (url, groups)
        assert people == 0 or people >= MIN, f"{url}: the {dimension} groups {hidden} ({people} people) " \
                                             "can be worked out as the total minus the groups shown"
        if dimension == "ministry":
            assert "Planning" in hidden


def test_every_manager_route_is_checked() -> None:
    app = create_app({"ENV": "testing", "TESTING": True, "DATABASE_URL": "sqlite://",
                      "SECRET_KEY": "privacy-" + "z" * 32})
    checked = {endpoint for endpoint, _path, _extract in OUTPUTS} | NO_GROUP_FIGURES
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/staff", "/api")) and "GET" in (rule.methods or set()):
            assert rule.endpoint in checked, f"{rule.rule} ({rule.endpoint}): add it to the manager privacy matrix"
