"""Staff pages with real data: what each role sees, CSV downloads, and bad or thin data.

Numbers on the pages come from :mod:`lipassess.analysis` (checked against R in
tests/analysis); here we check that they reach the page and the CSV intact,
that every missing number says why, and that thin data never gives a 500.
"""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from lipassess.services.evaluation import evaluate_cohorts
from lipassess.store.models import AuditEvent, Cohort
from tests.factories import bundled_versions, make_cohort, make_participant, make_wave, submit
from tests.web.staff_world import ITEMS, REVERSED, answers, build_world, sign_in


def _staff_world(factory) -> dict:
    with factory() as session:
        return build_world(session)


@pytest.fixture
def world(prebuilt) -> dict:
    return prebuilt(_staff_world)


def read_csv(response) -> list[dict[str, str]]:
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff"), "CSV starts with a BOM so spreadsheets read Khmer as UTF-8"
    return list(csv.DictReader(io.StringIO(text[1:])))


def table(client, cohort_id: int, name: str) -> list[dict[str, str]]:
    return read_csv(client.get(f"/staff/cohorts/{cohort_id}/tables/{name}.csv"))


def signed_in(client, name: str = "eva"):
    assert sign_in(client, name).status_code == 302
    return client


# --- what the dashboard shows ---------------------------------------------------------------------


@pytest.mark.postgres
def test_dashboard_numbers_match_the_analysis(client, session, world) -> None:
    signed_in(client)
    page = client.get(f"/staff/cohorts/{world['a']}")
    assert page.status_code == 200
    cohort = session.get(Cohort, world["a"])
    expected = evaluate_cohorts(session, [cohort]).outcomes["total"].pre_post
    rows = {r["outcome"]: r for r in read_csv(client.get(f"/staff/cohorts/{world['a']}/tables/pre_post.csv"))}
    total = rows["Leadership behaviour (total)"]
    assert int(total["n"]) == expected.n_obs == 12
    assert float(total["g_av"]) == expected.g_av  # full precision in CSV
    assert float(total["g_av_ci_low"]) == expected.g_av_ci_low
    assert f"{expected.g_av:.2f}" in page.text  # two decimals on the page
    retention = read_csv(client.get(f"/staff/cohorts/{world['a']}/tables/retention.csv"))[0]
    assert (retention["n_pre"], retention["n_retained"]) == ("12", "10")
    progress = {r["wave"]: r for r in table(client, world["a"], "progress")}
    assert progress["follow-up"]["submitted"] == "10" and float(progress["follow-up"]["response_rate"]) == 10 / 12


def test_item_analysis_marks_the_reverse_keyed_items(client, world) -> None:
    signed_in(client)
    rows = read_csv(client.get(f"/staff/cohorts/{world['a']}/tables/items.csv"))
    flagged = {r["item"] for r in rows if r["reversed"] == "true"}
    assert flagged == REVERSED
    assert {r["item"] for r in rows} == set(ITEMS)


class _TableAudit(HTMLParser):
    """Counts tables, captions and header cells without a scope."""

    def __init__(self) -> None:
        super().__init__()
        self.tables = self.captions = 0
        self.unscoped: list[str] = []
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang")
        elif tag == "table":
            self.tables += 1
        elif tag == "caption":
            self.captions += 1
        elif tag == "th" and values.get("scope") not in ("col", "row"):
            self.unscoped.append(str(attrs))


@pytest.mark.parametrize("path", ["/staff/", "/staff/cohorts/{a}", "/staff/program"])
def test_tables_are_accessible(client, world, path) -> None:
    signed_in(client)
    audit = _TableAudit()
    audit.feed(client.get(path.format(a=world["a"])).text)
    assert audit.lang == "en"
    assert audit.tables >= 1 and audit.captions == audit.tables
    assert audit.unscoped == []


def test_every_listed_table_downloads(client, world) -> None:
    signed_in(client)
    page = client.get(f"/staff/cohorts/{world['a']}").text
    prefix = f"/staff/cohorts/{world['a']}/tables/"
    links = sorted({chunk.split('"')[0] for chunk in page.split(f'href="{prefix}')[1:]})
    assert len(links) >= 15
    for link in links:
        response = client.get(prefix + link)
        assert response.status_code == 200 and response.mimetype == "text/csv", link
        assert "attachment" in response.headers["Content-Disposition"]


def test_per_participant_csv_is_pseudonymous_and_audited(client, session, world) -> None:
    signed_in(client)
    response = client.get(f"/staff/cohorts/{world['a']}/tables/reliable_change_participants.csv")
    rows = read_csv(response)
    assert {r["participant"] for r in rows} == set(world["pseudonyms"])
    assert "Secret" not in response.text and "example.org" not in response.text
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "dashboard.download"))
    assert event.actor == "password:eva" and event.target == "LIP-A/reliable_change_participants.csv"


def test_manager_sees_aggregates_only(client, world) -> None:
    signed_in(client, "max")
    page = client.get(f"/staff/cohorts/{world['a']}").text
    assert "reliable_change_participants" not in page
    assert "You see aggregates only" in page
    ministry = {r["group"]: r for r in table(client, world["a"], "subgroups_ministry")}
    # Interior and Planning (3 and 1 people) are hidden; Health's 8 next to the cohort's 12 would give
    # those 4 people's change away, so Health is hidden too (issue 12, point 2)
    for small in ("Interior", "Planning", "Health"):
        assert ministry[small]["n"] == "" and ministry[small]["g_av"] == ""
        assert "hidden" in ministry[small]["missing_reason"]
    levels = read_csv(client.get(f"/staff/cohorts/{world['a']}/tables/attrition_baseline.csv"))
    planning = [r for r in levels if r["level"] == "Planning"]
    assert planning and planning[0]["n_retained"] == "" and "not shown" in planning[0]["missing_reason"]
    assert client.get(f"/staff/cohorts/{world['a']}/tables/reliable_change_participants.csv").status_code == 403


def test_evaluator_sees_small_groups(client, world) -> None:
    signed_in(client)
    ministry = {r["group"]: r for r in table(client, world["a"], "subgroups_ministry")}
    assert ministry["Interior"]["n"] == "3" and ministry["Interior"]["g_av"]
    assert ministry["Planning"]["n"] == "" and "too few pairs" in ministry["Planning"]["missing_reason"]


def test_program_page_compares_cohorts(client, world) -> None:
    signed_in(client)
    page = client.get("/staff/program")
    assert page.status_code == 200 and "All cohorts (pooled)" in page.text
    rows = {r["cohort"]: r for r in read_csv(client.get("/staff/program/tables/cohorts.csv"))}
    assert rows["LIP-A"]["n_pairs"] == "12" and float(rows["LIP-A"]["retention"]) == 10 / 12
    # cohort B has pre answers only: its effect is missing, and says why
    assert rows["LIP-B"]["g_av"] == "" and rows["LIP-B"]["missing_reason"] == "no post scores yet"
    assert float(rows["LIP-B"]["response_pre"]) == 1.0


def test_the_cache_follows_new_answers(client, session, world) -> None:
    signed_in(client)
    url = f"/staff/cohorts/{world['a']}/tables/pre_post.csv"
    assert read_csv(client.get(url))[0]["n"] == "12"
    behaviour = bundled_versions(session)["lip-leadership-behaviour"]
    cohort = session.get(Cohort, world["a"])
    pre, post = sorted(cohort.waves, key=lambda w: w.kind.value != "pre")[:2]
    newcomer = make_participant(session, 1500, cohort, ministry="Health")
    submit(session, newcomer, next(w for w in cohort.waves if w.kind.value == "pre"), {behaviour: answers(20, 0)})
    submit(session, newcomer, next(w for w in cohort.waves if w.kind.value == "post"), {behaviour: answers(20, 1)})
    session.commit()
    assert read_csv(client.get(url))[0]["n"] == "13"


# --- landing and bad input ----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "landing"), [("eva", "/staff/"), ("ana", "/staff/"),
                                               ("max", "/staff/program/summary")])
def test_sign_in_lands_by_role(client, world, name, landing) -> None:
    assert sign_in(client, name).location == landing


def test_unknown_cohort_and_table_get_a_404_page(client, world) -> None:
    signed_in(client)
    page = client.get("/staff/cohorts/9999")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "There is no cohort with id 9999" in page.text
    assert client.get("/staff/cohorts/9999/tables/pre_post.csv").status_code == 404
    table = client.get(f"/staff/cohorts/{world['a']}/tables/nonsense.csv")
    assert table.status_code == 404 and "no table called" in table.text


def test_unknown_language_is_refused(client, world) -> None:
    signed_in(client)
    response = client.get(f"/staff/cohorts/{world['a']}/summary?lang=fr")
    assert response.status_code == 400 and "?lang=en or ?lang=km" in response.text


def test_program_pages_without_cohorts_explain(client, session) -> None:
    from lipassess.services import staff as staff_service

    staff_service.add_staff_user(session, username="eva", role="evaluator", password="eva-password-123")
    session.commit()
    signed_in(client)
    assert "no cohorts you can see yet" in client.get("/staff/").text
    page = client.get("/staff/program")
    assert page.status_code == 404 and "There are no cohorts yet" in page.text


def _missing_reasons(session, cohort_id: int) -> list[str]:
    analysis = evaluate_cohorts(session, [session.get(Cohort, cohort_id)])
    reasons = [why for o in analysis.outcomes.values() for why in o.missing.values()]
    return reasons + list(analysis.missing.values())


def _thin_cohort(session, *, respondents: int, same_answers: bool = False):
    """A cohort of 8 students with pre and post waves; ``respondents`` of them answered both."""
    behaviour = bundled_versions(session)["lip-leadership-behaviour"]
    cohort = make_cohort(session, 77, "LIP-THIN")
    pre, post = make_wave(session, cohort, "pre", [behaviour]), make_wave(session, cohort, "post", [behaviour])
    for k in range(8):
        person = make_participant(session, 7700 + k, cohort)
        if k < respondents:
            submit(session, person, pre, {behaviour: dict.fromkeys(ITEMS, 3) if same_answers else answers(k, 0)})
            submit(session, person, post, {behaviour: dict.fromkeys(ITEMS, 3) if same_answers else answers(k, 1)})
    from lipassess.services import staff as staff_service

    staff_service.add_staff_user(session, username="eva", role="evaluator", password="eva-password-123")
    session.commit()
    return cohort


def test_cohort_without_responses_says_so(client, session) -> None:
    cohort = _thin_cohort(session, respondents=0)
    signed_in(client)
    page = client.get(f"/staff/cohorts/{cohort.id}")
    assert page.status_code == 200
    assert "No survey answers yet" in page.text and "No wave has submitted answers yet" in page.text
    for reason in _missing_reasons(session, cohort.id):
        assert reason in page.text
    rows = read_csv(client.get(f"/staff/cohorts/{cohort.id}/tables/pre_post.csv"))
    assert rows == []
    progress = read_csv(client.get(f"/staff/cohorts/{cohort.id}/tables/progress.csv"))
    assert [r["submitted"] for r in progress] == ["0", "0"]


def test_a_wave_with_three_responses_explains_what_is_missing(client, session) -> None:
    cohort = _thin_cohort(session, respondents=3)
    signed_in(client)
    page = client.get(f"/staff/cohorts/{cohort.id}")
    assert page.status_code == 200
    reasons = _missing_reasons(session, cohort.id)
    assert reasons, "three responses leave some statistics missing"
    for reason in reasons:
        assert reason in page.text
    for table in ("pre_post", "reliability", "reliable_change", "repeated", "then_test", "attrition", "applied"):
        for row in read_csv(client.get(f"/staff/cohorts/{cohort.id}/tables/{table}.csv")):
            numbers = [v for k, v in row.items() if k not in ("outcome", "wave", "missing_reason", "notes")]
            assert all(numbers) or row.get("missing_reason"), (table, row)


def test_zero_variance_gives_reasons_not_a_500(client, session) -> None:
    cohort = _thin_cohort(session, respondents=6, same_answers=True)
    signed_in(client)
    page = client.get(f"/staff/cohorts/{cohort.id}")
    assert page.status_code == 200
    rows = {r["outcome"]: r for r in read_csv(client.get(f"/staff/cohorts/{cohort.id}/tables/pre_post.csv"))}
    total = rows["Leadership behaviour (total)"]
    assert total["d_z"] == "" and "sd of differences is 0" in total["missing_reason"]
    reliability = read_csv(client.get(f"/staff/cohorts/{cohort.id}/tables/reliability.csv"))
    assert all(r["alpha"] == "" and r["missing_reason"] for r in reliability)
    assert "sd of differences is 0" in page.text


# --- summaries (need impact_figures from the impact branch) ------------------------------------


def test_summaries_in_both_languages_and_as_pdf(client, world) -> None:
    signed_in(client, "max")
    english = client.get(f"/staff/cohorts/{world['a']}/summary")
    assert english.status_code == 200 and '<html lang="en">' in english.text and "staff-nav" in english.text
    khmer = client.get(f"/staff/cohorts/{world['a']}/summary?lang=km")
    assert khmer.status_code == 200 and '<html lang="km">' in khmer.text
    pdf = client.get(f"/staff/cohorts/{world['a']}/summary.pdf?lang=km")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    program = client.get("/staff/program/summary")
    assert program.status_code == 200
