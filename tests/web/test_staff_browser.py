"""Headless Chromium: sign in as staff, open the dashboard and the summaries, keep screenshots.

The app is served by werkzeug in a thread on the synthetic demo program
(``staff_demo_server``, shared with :mod:`tests.web.test_staff_phone`);
Debian's chromium is driven through Playwright (never ``playwright install``,
see :mod:`tests.web.chromium`).
Screenshots land in ``test-artifacts/staff/`` (git-ignored) for people to look at.
Without chromium the test is skipped, unless ``LIPASSESS_REQUIRE_SYSTEM=1`` (CI),
where a missing browser fails the run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

# The outermost elements whose right edge passes the viewport's.
STICKING_OUT = """() => {
  const width = document.documentElement.clientWidth, out = [];
  for (const el of document.querySelectorAll("body *")) {
    const parent = el.parentElement;
    if (el.closest(".table-wrap") && !el.classList.contains("table-wrap")) continue;  // scrolls in its box
    if (el.getBoundingClientRect().right > width + 1 && parent.getBoundingClientRect().right <= width + 1)
      out.push(`${el.tagName}.${el.className}`);
  }
  return out.slice(0, 10);
}"""
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "staff"


@pytest.fixture
def server(staff_demo_server: str) -> str:
    """The demo program served with staff users eva, max and ada (one server per worker, see conftest)."""
    return staff_demo_server


def _sign_in(browser, server: str, username: str, *, width: int = 1280):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{server}/staff/login")
    page.fill("#username", username)
    page.fill("#password", f"{username}-password-123")
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    return context, page


def _shot(page, name: str, *, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    if full_page:
        page.evaluate("window.scrollTo(0, 0)")  # else the sticky contents bar is drawn mid-page
    page.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > 10_000
    return path


def test_evaluator_dashboard(browser, server: str) -> None:
    context, page = _sign_in(browser, server, "eva")
    assert page.url.endswith("/staff/")
    assert page.locator("table.data caption").first.is_visible()
    _shot(page, "01-cohort-list")
    page.click("text=Synthetic LIP Cohort 6")
    page.wait_for_selector("#change .chart-wide svg.chart-forest")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".synthetic").is_visible()
    # charts keep their words as text, and the tables have captions and scoped headers
    assert page.locator(".chart-wide svg.chart-forest text", has_text="Leadership").count() >= 1
    assert page.locator("#table-pre_post th[scope=col]").count() >= 10
    page.locator("#reliability details summary").first.click()
    assert page.locator("#reliability details[open] table").is_visible()
    _shot(page, "02-cohort-dashboard")
    page.locator("#change").scroll_into_view_if_needed()
    _shot(page, "03-cohort-charts", full_page=False)
    with page.expect_download() as download:
        page.click("#cap-pre_post a.csv")
    assert download.value.suggested_filename == "DEMO-LIP-C6-pre_post.csv"
    page.goto(f"{server}/staff/program")
    page.wait_for_selector(".chart-wide svg.chart-forest")
    _shot(page, "04-program")
    context.close()


def test_narrow_screen_keeps_tables_scrollable(browser, server: str) -> None:
    context, page = _sign_in(browser, server, "eva", width=390)
    page.goto(f"{server}/staff/cohorts/1")
    page.wait_for_selector("#change .chart-narrow svg")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"the page must not scroll sideways; these stick out: {page.evaluate(STICKING_OUT)}"
    _shot(page, "05-cohort-phone", full_page=False)
    context.close()


def test_manager_summaries_in_english_and_khmer(browser, server: str) -> None:
    context, page = _sign_in(browser, server, "max")
    assert "/staff/program/summary" in page.url
    assert page.locator("html").get_attribute("lang") == "en"
    _shot(page, "06-program-summary-en")
    page.click("nav.staff-nav a[lang=km]")
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "km"
    assert page.locator("h1").inner_text().startswith("សេចក្តីសង្ខេប")
    _shot(page, "07-program-summary-km")
    page.goto(f"{server}/staff/cohorts/2/summary?lang=km")
    _shot(page, "08-cohort-summary-km")
    context.close()
