"""The staff pages in Khmer: every label from the catalogue, numbers in Khmer digits, a language choice that lasts.

Every staff page (cohort list, both dashboards, program, status, sign-in) is
rendered in Khmer for an admin and a manager; the visible text (not tooltips,
not scripts) must hold none of the English words the pages use for headings,
captions, column headers, buttons and missing-number reasons, and no Latin
digit outside the data (cohort and item names). The switch in the layout and a
``?lang=`` keep the choice for the pages opened afterwards.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from lipassess.reports.tables.localize import reason_words
from lipassess.text import text
from lipassess.web.staff_lang import COOKIE
from tests.web.staff_world import ITEMS, MINISTRIES, build_world, sign_in

# English words of the staff pages' headings, captions, headers, buttons and reasons (as they read in English).
ENGLISH_LABELS = (
    "Cohorts", "Participation", "Reliability", "Individual change", "Three waves", "Then-test", "Attrition",
    "Application", "By ministry", "What could not be computed", "Download", "Mean", "Outcome", "Pairs", "Wave",
    "Response rate", "Retention", "Share", "Submitted", "Invited", "Reminders", "Item analysis", "Effect size",
    "before", "after", "follow-up", "Follow-up", "participants", "Program", "Summary", "Dashboard", "Sign out",
    "Status", "Scroll", "not available", "Statistic", "Why", "Impact summary", "In short", "Leadership",
    "leadership", "Level", "Variable", "Retained", "Lost", "Applied", "Comparison", "Difference", "Estimated",
    "Notes", "not computed", "hidden", "groups", "Active students", "Dates", "Open", "no wave", "Change",
    "Whole program", "side by side", "pooled", "yes", "Needs a person", "Last successful sync", "Messages",
    "Completion scores", "Queued", "Refused", "Username", "Password", "Sign in", "Evaluators", "aggregates",
    "Skip to content", "Gap", "Shift", "Complete cases", "Participant", "Reliably", "Corrected", "Loading",
    "At lowest", "Standardized", "Measure", "Answered", "Program's earlier", "days", "Days", "Before",
    "After", "Response", "Category", "Items", "rows", "manager", "admin", "computed", "improved", "declined",
)
# Data and names that stay as they are in any language (cohort and item names, people, brands, units, citations).
KEPT = ("LIP Cohort A", "LIP Cohort B", "LIP-A", "LIP-B", "lipassess sync", "lipassess status", "lipassess demo",
        "lipassess", "Moodle", "PDF", "CSV", "UTC", "English", "Lacerenza et al.", "Kampot", *sorted(set(MINISTRIES)),
        "ana", "max", *ITEMS)
LATIN_DIGIT = re.compile(r"[0-9]")
IDENTIFIER = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b|\b[a-z_]+=\S|no group column given")


class _Visible(HTMLParser):
    """The text a person sees: no <script>, <style>, <title> nor attributes; elements marked lang="en" left out."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip: list[str] = []
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang") or ""
        if tag in ("script", "style", "title") or (values.get("lang") == "en" and tag not in ("html", "a")):
            self.skip.append(tag)
        elif self.skip and tag == self.skip[-1]:
            self.skip.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skip and tag == self.skip[-1]:
            self.skip.pop()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def visible(html: str) -> tuple[str, str]:
    parser = _Visible()
    parser.feed(html)
    return parser.lang, parser.text


def _world(factory) -> dict:
    with factory() as session:
        return build_world(session)


@pytest.fixture
def world(prebuilt) -> dict:
    return prebuilt(_world)


def _leaks(words: str) -> tuple[list[str], list[str]]:
    for kept in sorted(KEPT, key=len, reverse=True):
        words = re.sub(rf"(?<![A-Za-z]){re.escape(kept)}(?![A-Za-z])", " ", words)
    english = sorted({words[max(0, m.start() - 30):m.end() + 30] for w in ENGLISH_LABELS
                      for m in re.finditer(rf"(?<![A-Za-z]){re.escape(w)}(?![A-Za-z])", words)})
    digits = sorted({words[max(0, m.start() - 15):m.end() + 15] for m in LATIN_DIGIT.finditer(words)})
    return english, digits


@pytest.mark.parametrize("username", ["ana", "max"])
def test_every_staff_page_in_khmer_has_no_english_label_and_khmer_digits(client, world, username) -> None:
    assert sign_in(client, username).status_code == 302
    pages = ["/staff/", f"/staff/cohorts/{world['a']}", f"/staff/cohorts/{world['b']}", "/staff/program"]
    if username == "ana":
        pages.append("/staff/status")
    found: dict[str, tuple[list[str], list[str]]] = {}
    for path in pages:
        response = client.get(f"{path}?lang=km")
        assert response.status_code == 200, path
        lang, words = visible(response.text)
        assert lang == "km", path
        assert len(words) > 300, path  # the page has its content, so the check means something
        english, digits = _leaks(words)
        identifiers = IDENTIFIER.findall(words)
        if english or digits or identifiers:
            found[path] = (english + identifiers, digits)
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_the_dashboard_in_khmer_shows_the_khmer_words_and_numbers(client, world) -> None:
    assert sign_in(client, "eva").status_code == 302
    page = client.get(f"/staff/cohorts/{world['a']}?lang=km").text
    assert text("staff.page.h.reliability", "km") in page
    assert text("staff.header.mean_before", "km") in page
    assert text("report.outcome.leadership_total", "km") in page
    assert "អ្នកចូលរួម ១២ នាក់" in page  # 12 participants in cohort A (tests/web/staff_world.py), in Khmer digits
    assert 'title="Mean before"' in page  # the English term stays in the header's tooltip for evaluators
    assert "title=\"Change from before the training to after the training: paired means, Cohen&#39;s d_z" in page


def test_the_sign_in_page_speaks_the_chosen_language(client, world) -> None:
    page = client.get("/staff/login?lang=km")
    lang, words = visible(page.text)
    assert lang == "km" and text("staff.page.login.submit", "km") in words
    assert _leaks(words) == ([], [])
    wrong = client.post("/staff/login", data={"username": "ana", "password": "nope-nope-nope"})
    assert text("staff.page.login.wrong", "km") in wrong.text  # the cookie set above keeps Khmer


def test_the_language_switch_persists_across_links(client, world) -> None:
    assert sign_in(client, "ana").status_code == 302
    english = client.get("/staff/")
    assert visible(english.text)[0] == "en"
    switch = re.search(r'<a class="lang-switch" href="([^"]+)"', english.text)
    assert switch is not None and "lang=km" in switch.group(1)
    khmer = client.get(switch.group(1))
    assert visible(khmer.text)[0] == "km"
    assert client.get_cookie(COOKIE) is not None and client.get_cookie(COOKIE).value == "km"
    # links on the page carry no lang, yet every page opened from them stays in Khmer
    link = re.search(r'href="(/staff/cohorts/\d+)"', khmer.text)
    assert link is not None
    for path in (link.group(1), "/staff/program", "/staff/status", f"/staff/cohorts/{world['a']}/summary"):
        response = client.get(path)
        assert response.status_code == 200 and visible(response.text)[0] == "km", path
    back = re.search(r'<a class="lang-switch" href="([^"]+)"', client.get("/staff/program").text)
    assert back is not None and "lang=en" in back.group(1)
    client.get(back.group(1))
    assert visible(client.get("/staff/").text)[0] == "en"
    # a summary or a PDF in the other language does not change the pages' language
    assert visible(client.get(f"/staff/cohorts/{world['a']}/summary?lang=km").text)[0] == "km"
    client.get(f"/staff/cohorts/{world['a']}/summary.pdf?lang=km")
    assert visible(client.get("/staff/").text)[0] == "en"


def test_an_unknown_language_is_refused_and_a_bad_cookie_ignored(client, world) -> None:
    assert sign_in(client, "ana").status_code == 302
    refused = client.get("/staff/?lang=fr")
    assert refused.status_code == 400 and "?lang=en or ?lang=km" in refused.text
    client.set_cookie(COOKIE, "fr")
    assert client.get("/staff/").status_code == 200


@pytest.mark.parametrize(("reason", "khmer"), [
    ("not computed", "មិនបានគណនា"),
    ("too few pairs (5 needed)", "ចំនួនគូតិចពេក (ត្រូវការ ៥)"),
    ("no post scores yet", "មិនទាន់មានពិន្ទុក្រោយវគ្គនៅឡើយ"),
    ("no group column given: differential attrition not computed",
     "មិនបានគណនាភាពខុសគ្នានៃការបោះបង់ទេ៖ អ្នកចូលរួមទាំងនេះជាក្រុមតែមួយ គ្មានក្រុមប្រៀបធៀប"),
    ("no group column given: differential attrition not computed; province: 6 missing value(s) skipped",
     "មិនបានគណនាភាពខុសគ្នានៃការបោះបង់ទេ៖ អ្នកចូលរួមទាំងនេះជាក្រុមតែមួយ គ្មានក្រុមប្រៀបធៀប; "
     "ខេត្ត៖ បានរំលងតម្លៃខ្វះចំនួន ៦"),
    ("ministry, province: t-tests and Mann-Whitney are for numeric variables; their fields are NaN for the levels "
     "of a categorical one", "ក្រសួង, ខេត្ត៖ តេស្ត t និង Mann-Whitney សម្រាប់តែអថេរជាលេខ "
     "ដូច្នេះគ្មានតម្លៃសម្រាប់កម្រិតនៃអថេរតាមប្រភេទទេ"),
])
def test_missing_number_reasons_in_khmer(reason: str, khmer: str) -> None:
    assert reason_words(reason, "km") == khmer


def test_an_unknown_reason_says_it_is_in_english() -> None:
    marker = text("staff.page.reason_in_english", "km")
    assert reason_words("a brand new reason", "km") == f"{marker} a brand new reason"


def test_what_needs_a_person_is_said_in_khmer(client, world) -> None:
    assert sign_in(client, "ana").status_code == 302
    english = client.get("/staff/status?lang=en").text
    khmer = client.get("/staff/status?lang=km").text
    # the world's cohorts have waves but were never synced from Moodle (tests/web/staff_world.py)
    assert "cohort LIP-A was never synced: run &#39;lipassess sync&#39; and read its errors" in english
    assert text("staff.reason.never_synced", "km", cohort="LIP-A").replace("'", "&#39;") in khmer
