"""What a phone downloads, in headless Chromium (issue 13, point 3): every request the server sees.

An English participant's pages fetch no Khmer font; HTML arrives gzipped;
static files have versioned URLs with a year's caching, so the pages after the
first fetch nothing but HTML; a Khmer participant's pages do fetch the font.
The server records each request it answers (a WSGI wrapper), so what the
browser took from its cache is exactly what the server never saw.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server

from lipassess import create_app
from lipassess import db as lipassess_db
from lipassess.web.survey_text import ui
from tests.survey_factories import build

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}


class Recorder:
    """WSGI wrapper: (method, path with query, status, headers) of every answer."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app
        self.seen: list[tuple[str, str, int, dict[str, str]]] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        query = environ.get("QUERY_STRING")
        path = environ["PATH_INFO"] + (f"?{query}" if query else "")

        def record(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            self.seen.append((environ["REQUEST_METHOD"], path, int(status.split()[0]), dict(headers)))
            return start_response(status, headers, exc_info)

        return self.app(environ, record)

    def since(self, mark: int) -> list[tuple[str, str, int, dict[str, str]]]:
        return list(self.seen[mark:])


@pytest.fixture
def recorded(database_url: str) -> Iterator[tuple[str, Any, Recorder]]:
    app = create_app({"ENV": "testing", "DATABASE_URL": database_url, "SECRET_KEY": "wire-" + "w" * 40,
                      "WTF_CSRF_ENABLED": True})
    recorder = Recorder(app.wsgi_app)
    app.wsgi_app = recorder  # type: ignore[method-assign]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app, recorder
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()
        lipassess_db.engine_for(app).dispose()


def _static(seen: list[tuple[str, str, int, dict[str, str]]]) -> list[str]:
    return [path for _, path, _, _ in seen if path.startswith("/static/") or path == "/favicon.ico"]


def test_english_phone_gets_gzipped_html_no_khmer_font_and_cached_static_files(recorded, browser) -> None:
    base, app, recorder = recorded
    with lipassess_db.session_factory(app)() as session:
        english, khmer = build(session, language="en"), build(session, language="km")
    english_pages = {"wave": english.wave.id}
    context = browser.new_context(**PHONE, locale="en-US")
    page = context.new_page()
    page.goto(f"{base}/s/{english.token}")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_label(ui("consent_agree", "en")).check()
    first = len(recorder.seen)
    page.get_by_role("button", name=ui("start", "en")).click()
    page.wait_for_url("**/page/1")
    page.evaluate("document.fonts.ready")
    for n in range(1, 5):
        page.locator(f"input[name='a.{english.version.id}.L{n}'][value='4']").check()
    page.get_by_role("button", name=ui("save_later", "en")).click()
    page.wait_for_url("**/page/1?saved=1")
    later = recorder.since(first)
    context.close()
    khmer_mark = len(recorder.seen)

    context = browser.new_context(**PHONE, locale="km-KH")
    page = context.new_page()
    page.goto(f"{base}/s/{khmer.token}")
    assert page.locator("html").get_attribute("lang") == "km"
    fonts = page.evaluate("document.fonts.ready.then(() => [...document.fonts]"
                          ".filter(f => f.status === 'loaded').map(f => f.family + ' ' + f.weight))")
    context.close()

    english_seen = recorder.seen[:khmer_mark]
    english_static = _static(english_seen)
    print("English phone, static requests:", english_static)
    assert english_static, "the first page should have fetched its stylesheet"
    assert not [p for p in english_static if "khmer" in p.lower()], english_static
    assert all("?v=" in p for p in english_static if p.startswith("/static/")), english_static
    for method, path, status, headers in english_seen:
        if path.startswith("/static/") and status == 200:
            assert headers["Cache-Control"] == "public, max-age=31536000, immutable", path
        if status == 200 and headers.get("Content-Type", "").startswith("text/html"):
            assert headers.get("Content-Encoding") == "gzip", (method, path)  # Chromium accepts gzip
            assert "Accept-Encoding" in headers.get("Vary", ""), path
    # After the first page: consent POST, page 1, save POST, page 1 again: HTML only, nothing static
    # (besides the page script's POSTs of each answer as it is chosen, survey.js).
    saves = [(m, p) for m, p, _, _ in later if p.endswith("/answers")]
    assert 1 <= len(saves) <= 4 and {m for m, _ in saves} == {"POST"}, saves
    assert [(m, p.split("/")[-1]) for m, p, _, _ in later if not p.endswith("/answers")] == [
        ("POST", str(english_pages["wave"])), ("GET", "1"), ("POST", "1"), ("GET", "1?saved=1")]
    assert _static(later) == []
    khmer_static = _static(recorder.since(khmer_mark))
    assert any(p.startswith("/static/khmer.css?v=") for p in khmer_static), khmer_static
    assert any(p.startswith("/static/fonts/NotoSansKhmer-Regular.woff2?v=") for p in khmer_static), khmer_static
    assert "Noto Sans Khmer 400" in fonts, fonts
