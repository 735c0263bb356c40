"""Staff pages on a phone (390 px) in headless Chromium: every summary (en, km), the dashboards, the sign-in.

Each page is checked the way a person would notice a fault: the page scrolls
sideways, some text is under 11 px (chart text measured as drawn on screen),
two lines of text are drawn over each other, Khmer shows in a font the app
did not send. Tables may scroll inside their box, but then the caption stays
in view, the first column stays put and a line says there is more.
Screenshots land in ``test-artifacts/staff/phone-*.png``. Skipped without
chromium unless ``LIPASSESS_REQUIRE_SYSTEM=1``. The server (the demo program) and
the browser are those of :mod:`tests.web.test_staff_browser`.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from lipassess.text import text
from tests.web.test_staff_browser import ARTIFACTS, server  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser

PHONE = 390
# Text smaller than 11 px on screen; SVG text is scaled by its chart's on-screen size (getScreenCTM).
SMALL_TEXT = """() => {
  const out = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!node.textContent.trim() || el.closest(".visually-hidden")) continue;
    const range = document.createRange(); range.selectNodeContents(node);
    const rect = range.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    if (el.closest("svg")) { const m = el.getScreenCTM(); size *= Math.hypot(m.a, m.b); }
    if (size < 11 - 0.05) out.push(`${size.toFixed(1)}px: ${node.textContent.trim().slice(0, 40)}`);
  }
  return out.slice(0, 10);
}"""
# Lines of text drawn over other lines: every text node's line boxes against every other node's.
# Boxes inside a scrolled table are compared only with each other (the wrap clips them).
OVERLAPS = """() => {
  const boxes = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!node.textContent.trim() || el.closest(".visually-hidden")) continue;
    const range = document.createRange(); range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width < 1 || r.height < 1) continue;
      // the glyph band: Khmer fonts report tall ascent/descent boxes, so compare the middle 60% of a line
      const pad = r.height * 0.2;
      boxes.push({l: r.left, r: r.right, t: r.top + pad, b: r.bottom - pad, node, text: node.textContent.trim()});
    }
  }
  const out = [];
  for (let i = 0; i < boxes.length && out.length < 10; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.node === b.node) continue;
    const w = Math.min(a.r, b.r) - Math.max(a.l, b.l), h = Math.min(a.b, b.b) - Math.max(a.t, b.t);
    if (w > 2 && h > 2) { out.push(`${a.text.slice(0, 30)} | ${b.text.slice(0, 30)}`); break; }
  }
  return out;
}"""
STICKING_OUT = """() => {
  const width = document.documentElement.clientWidth, out = [];
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest(".table-wrap") && !el.classList.contains("table-wrap")) continue;  // scrolls in its box
    if (el.getBoundingClientRect().right > width + 1 && el.parentElement.getBoundingClientRect().right <= width + 1)
      out.push(`${el.tagName}.${el.className}`);
  }
  return out.slice(0, 10);
}"""
# The bundled Khmer web font: its @font-face rules' sources, and whether the browser loaded the face
# (a face is "loaded" only once its file arrived; later pages may take the file from the browser's cache).
KHMER_FONT = """async () => {
  await document.fonts.ready;
  const loaded = [...document.fonts].filter(f => f.family.replace(/"/g, "") === "LIP Khmer" && f.status === "loaded");
  const sources = [];
  for (const sheet of document.styleSheets) for (const rule of sheet.cssRules)
    if (rule instanceof CSSFontFaceRule && rule.style.getPropertyValue("font-family").includes("LIP Khmer"))
      sources.push(new URL(rule.style.getPropertyValue("src").match(/url\\("?([^")]+)"?\\)/)[1],
                           document.baseURI).href);
  return {loaded: loaded.length, sources};
}"""
IDENTIFIER = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b|\b[a-z_]+=\S|no group column given")


# English words of the dashboards' headings, captions and headers that no demo name contains
KM_LEAKS = ("Mean", "Download", "Outcome", "Pairs", "Reliability", "Participation", "Scroll", "Why", "Change",
            "Wave", "Retention", "Submitted", "not available", "Effect size", "Attrition", "Sign out", "In short")


def _find_all(words: str, marker: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(marker), words)]


def _phone(browser, server: str, username: str = "max", *, width: int = PHONE):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 844}, locale="en-GB", device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{server}/staff/login")
    page.fill("#username", username)
    page.fill("#password", f"{username}-password-123")
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    return context, page


def _looks_right_on_a_phone(page, name: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{name} scrolls sideways; these stick out: {page.evaluate(STICKING_OUT)}"
    assert page.evaluate(SMALL_TEXT) == [], f"{name} has text under 11 px"
    assert page.evaluate(OVERLAPS) == [], f"{name} draws text over other text"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"), full_page=True)


SUMMARIES = [("program", "/staff/program/summary"), *[(f"cohort{i}", f"/staff/cohorts/{i}/summary") for i in (1, 2, 3)]]


@pytest.mark.parametrize("lang", ["en", "km"])
def test_every_summary_reads_on_a_phone_with_the_apps_khmer_font(browser, server: str, lang: str) -> None:  # noqa: F811
    context, page = _phone(browser, server)
    for name, path in SUMMARIES:
        page.goto(f"{server}{path}?lang={lang}")
        page.wait_for_load_state("load")
        assert page.locator("html").get_attribute("lang") == lang
        _looks_right_on_a_phone(page, f"summary-{name}-{lang}")
        # one column: the charts are as wide as the page, one under the other
        boxes = [page.locator(f"figure.{kind}").bounding_box() for kind in ("forest", "means")]
        assert all(b is not None and b["width"] > PHONE * 0.8 for b in boxes), boxes
        assert boxes[0]["y"] + boxes[0]["height"] <= boxes[1]["y"] + 1  # type: ignore[index]
        # the plain answer comes first, above the key figures
        answer, tiles = page.locator("section.answer").bounding_box(), page.locator(".key-figures").bounding_box()
        assert answer is not None and tiles is not None and answer["y"] < tiles["y"]
        # Khmer (the page's words, or the province names in an English page) in the font the app sent
        fonts: dict[str, Any] = page.evaluate(KHMER_FONT)
        assert fonts["loaded"] >= 1, fonts
        assert f"{server}/static/fonts/NotoSansKhmer-Regular.woff2" in {f.split("?")[0] for f in fonts["sources"]}
    context.close()


def test_dashboards_on_a_phone_fit_or_scroll_with_a_fixed_first_column_and_a_cue(browser, server: str) -> None:  # noqa: F811
    context, page = _phone(browser, server, "eva")
    for name, path in (("cohorts", "/staff/"), ("cohort1", "/staff/cohorts/1"), ("program", "/staff/program")):
        page.goto(f"{server}{path}")
        page.wait_for_load_state("load")
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        page.wait_for_timeout(300)  # staff.js marks the tables of the opened <details>
        _looks_right_on_a_phone(page, f"dashboard-{name}")
        tables = page.evaluate("""() => [...document.querySelectorAll('.table-wrap')].map(w => {
            const cap = w.querySelector('caption .cap'), hint = w.querySelector('.scroll-hint');
            const first = w.querySelector('tbody th:first-child');
            return {id: w.getAttribute('aria-labelledby'), scrolls: w.scrollWidth > w.clientWidth + 1,
                    hint: hint ? hint.getBoundingClientRect().height > 0 : null,
                    capRight: cap ? cap.getBoundingClientRect().right - w.getBoundingClientRect().right : 0,
                    sticky: first ? getComputedStyle(first).position : null};
        })""")
        assert tables, name
        for t in tables:
            assert t["capRight"] <= 1, f"{t['id']}: the caption runs past the table's box"
            if t["scrolls"]:
                assert t["hint"], f"{t['id']} scrolls sideways without saying so"
                assert t["sticky"] in ("sticky", None), t
            else:
                assert t["hint"] in (False, None), f"{t['id']} fits but says to scroll"
        # a date never breaks inside itself
        assert page.evaluate("[...document.querySelectorAll('time')].filter(t => t.getClientRects().length > 1)"
                             ".map(t => t.textContent)") == []
    # the dashboards open with the same plain answer as the summary, above the contents
    for dashboard, summary in (("/staff/cohorts/1", "/staff/cohorts/1/summary"),
                               ("/staff/program", "/staff/program/summary")):
        page.goto(f"{server}{summary}")
        said = " ".join(page.locator("section.answer p").inner_text().split())
        page.goto(f"{server}{dashboard}")
        answer = page.locator("div.answer")
        assert " ".join(answer.inner_text().split()) == f"In short: {said}"
        assert said.startswith("Leadership behaviour improved")
        first_section = page.locator("main section").first.bounding_box() or {"y": 0}
        assert (answer.bounding_box() or {"y": 1e9})["y"] < first_section["y"]
    # scroll a wide table: its row headers stay at the left edge of the box
    page.goto(f"{server}/staff/cohorts/1")
    # the technical names of the statistics are explained in the headers' tooltips
    assert "Hedges' g_av" in (page.locator("#table-pre_post th[scope=col]", has_text="95% CI").last
                              .get_attribute("title") or "")
    moved = page.evaluate("""() => {
        const w = document.querySelector('#change .table-wrap'); const th = w.querySelector('tbody th');
        const before = th.getBoundingClientRect().left; w.scrollLeft = 250;
        return [w.scrollLeft, before, th.getBoundingClientRect().left, w.getBoundingClientRect().left];
    }""")
    assert moved[0] > 100 and abs(moved[2] - moved[1]) <= 1 and abs(moved[2] - moved[3]) <= 1, moved
    context.close()


def test_khmer_dashboards_read_on_a_phone_and_open_with_the_khmer_answer(browser, server: str) -> None:  # noqa: F811
    context, page = _phone(browser, server, "ada")  # an admin: the status page too
    page.goto(f"{server}/staff/?lang=km")  # the choice is kept: the pages below open in Khmer without ?lang=
    for name, path in (("cohorts", "/staff/"), ("cohort1", "/staff/cohorts/1"), ("program", "/staff/program"),
                       ("status", "/staff/status")):
        page.goto(f"{server}{path}")
        page.wait_for_load_state("load")
        assert page.locator("html").get_attribute("lang") == "km", path
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        page.wait_for_timeout(300)
        _looks_right_on_a_phone(page, f"dashboard-{name}-km")
        words = page.evaluate("document.body.innerText")
        assert [w for w in KM_LEAKS if re.search(rf"\b{w}\b", words)] == [], path
        fonts: dict[str, Any] = page.evaluate(KHMER_FONT)
        assert f"{server}/static/fonts/NotoSansKhmer-Regular.woff2" in {f.split("?")[0] for f in fonts["sources"]}, \
            (path, fonts)
    for dashboard, summary in (("/staff/cohorts/1", "/staff/cohorts/1/summary"),
                               ("/staff/program", "/staff/program/summary")):
        page.goto(f"{server}{summary}")
        assert page.locator("html").get_attribute("lang") == "km"
        said = " ".join(page.locator("section.answer p").inner_text().split())
        page.goto(f"{server}{dashboard}")
        shown = " ".join(page.locator("div.answer").inner_text().split())
        assert shown == f"{text('staff.page.in_short', 'km')} {said}"
    context.close()


def test_program_comparison_is_whole_at_1366_px(browser, server: str) -> None:  # noqa: F811
    context, page = _phone(browser, server, "eva", width=1366)
    page.goto(f"{server}/staff/program")
    wrap = page.locator("#cohorts .table-wrap")
    assert wrap.evaluate("w => w.scrollWidth - w.clientWidth") <= 1
    last = page.locator("#table-cohorts thead th").last
    assert "Applied" in last.inner_text() and last.is_visible()
    context.close()


def test_sign_in_page_is_styled_like_the_staff_pages(browser, server: str) -> None:  # noqa: F811
    context = browser.new_context(viewport={"width": PHONE, "height": 844})
    page = context.new_page()
    page.goto(f"{server}/staff/login")
    assert page.locator("link[rel=stylesheet]").get_attribute("href").split("?")[0].endswith("/staff.css")
    assert page.locator("header.topbar .brand").is_visible()
    # the same dark blue bar and accent as every staff page, and a full-width button big enough to tap
    assert page.locator("header.topbar").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(31, 58, 95)"
    button = page.locator("button[type=submit]")
    assert button.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(31, 95, 153)"
    assert (button.bounding_box() or {"height": 0})["height"] >= 44
    _looks_right_on_a_phone(page, "sign-in")
    context.close()


def test_no_staff_page_shows_an_internal_identifier(browser, server: str) -> None:  # noqa: F811
    dashboards = ["/staff/", "/staff/cohorts/1", "/staff/cohorts/2", "/staff/cohorts/3", "/staff/program",
                  "/staff/status"]
    pages = [*(f"{path}?lang={lang}" for lang in ("en", "km") for path in dashboards),
             *[f"{path}?lang={lang}" for _, path in SUMMARIES for lang in ("en", "km")]]
    found: dict[str, list[str]] = {}
    for username in ("ada", "max"):
        context, page = _phone(browser, server, username, width=1280)
        for path in pages:
            response = page.goto(f"{server}{path}")
            if username == "max" and path.startswith("/staff/status"):
                assert response is not None and response.status == 403
                continue
            assert response is not None and response.status == 200, path
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            words = page.evaluate("document.body.innerText")
            hits = sorted(set(IDENTIFIER.findall(words)))
            if "lang=km" in path:  # a reason the catalogue lacks would show in English behind this marker
                hits += sorted({words[i:i + 80] for i in _find_all(words, text("staff.page.reason_in_english", "km"))})
            if hits:
                found[f"{username} {path}"] = hits
            assert len(words) > 500, path  # the page has its content, so the check means something
        context.close()
    assert found == {}
