"""Bytes on the wire and queries per page (issue 13, points 1 and 3), through Flask's test client.

gzip when the client accepts it, versioned and long-cached static files, the
Khmer font only on Khmer pages, the favicon, and the number of SQL statements a
survey page costs: the same for page 1 and page 5, for 10 items and for 60.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import url_for
from sqlalchemy import event, select

from lipassess import db as lipassess_db
from lipassess.store.models import Response
from lipassess.web import assets
from tests.survey_factories import all_answers, build, sample_definition

STATIC = Path(__file__).resolve().parents[2] / "lipassess" / "static"
_LINKS = re.compile(r'<link rel="(stylesheet|preload|icon)" href="([^"]+)"')


def start(client, s) -> None:
    assert client.get(f"/s/{s.token}").status_code == 303
    assert client.post(s.url(), data={"consent": "yes"}).status_code == 303


def links(html: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for rel, href in _LINKS.findall(html):
        found.setdefault(rel, []).append(href)
    return found


# --------------------------------------------------------------------------- compression


@pytest.mark.postgres
def test_survey_html_is_gzipped_when_the_client_accepts_it(app, session) -> None:
    s = build(session, language="en")
    client = app.test_client()
    start(client, s)
    plain = client.get(s.url("/page/1"))
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers.get("Vary", "")
    packed = client.get(s.url("/page/1"), headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert int(packed.headers["Content-Length"]) == len(packed.data)
    html = gzip.decompress(packed.data)
    assert html.startswith(b"<!doctype html>") and b'name="a.' in html
    # The same page but for the CSRF-free test config: same length and markup, a fraction of the bytes.
    assert len(html) == len(plain.data)
    assert len(packed.data) < len(plain.data) / 3, (len(packed.data), len(plain.data))
    refused = client.get(s.url("/page/1"), headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers and refused.data.startswith(b"<!doctype html>")
    anything = client.get(s.url("/page/1"), headers={"Accept-Encoding": "*"})
    assert anything.headers["Content-Encoding"] == "gzip"


def test_tiny_and_already_compressed_answers_are_left_alone(app, session) -> None:
    s = build(session, language="en")
    client = app.test_client()
    accept = {"Accept-Encoding": "gzip"}
    opened = client.get(f"/s/{s.token}", headers=accept)  # a 303 with a few hundred bytes
    assert opened.status_code == 303 and len(opened.data) < 1024
    assert "Content-Encoding" not in opened.headers
    # The same bytes for every client: nothing for a cache to tell apart.
    assert "Accept-Encoding" not in opened.headers.get("Vary", "")
    font = client.get("/static/fonts/NotoSansKhmer-Regular.woff2", headers=accept)  # WOFF2: compressed already
    assert font.status_code == 200 and "Content-Encoding" not in font.headers and font.data[:4] == b"wOF2"
    icon = client.get("/favicon.ico", headers=accept)
    assert "Content-Encoding" not in icon.headers
    css = client.get("/static/survey.css", headers=accept)  # text: gzipped once, in memory
    assert css.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(css.data) == (STATIC / "survey.css").read_bytes()


# --------------------------------------------------------------------------- static files


def test_static_urls_carry_the_content_hash_and_are_cached_for_a_year(app, session) -> None:
    s = build(session, language="km")
    client = app.test_client()
    start(client, s)
    html = client.get(s.url("/page/1")).get_data(as_text=True)
    found = links(html)
    sheets = found["stylesheet"]
    assert [h.split("?")[0] for h in sheets] == ["/static/survey.css", "/static/khmer.css"]
    for href in sheets + found["preload"] + found["icon"]:
        path, _, query = href.partition("?")
        version = query.removeprefix("v=")
        response = client.get(href)
        assert response.status_code == 200, href
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable", href
        assert hashlib.sha256(response.data).hexdigest()[:12] == version, href
        # The same file under another (an older release's) version: served, but never kept for a year.
        stale = client.get(f"{path}?v=000000000000")
        assert stale.status_code == 200 and stale.headers["Cache-Control"] == "no-cache", href
        again = client.get(href, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304, href
        for r in (response, stale, again):
            r.close()
    khmer_css = client.get(sheets[1]).get_data(as_text=True)
    regular = (STATIC / "fonts" / "NotoSansKhmer-Regular.woff2").read_bytes()
    assert f"url(fonts/NotoSansKhmer-Regular.woff2?v={hashlib.sha256(regular).hexdigest()[:12]})" in khmer_css
    assert found["preload"] == [f"/static/fonts/NotoSansKhmer-Regular.woff2?v="
                                f"{hashlib.sha256(regular).hexdigest()[:12]}"]  # what the CSS asks: one fetch
    assert client.get("/static/no-such.css").status_code == 404
    assert client.get("/static/../__init__.py").status_code == 404


def test_a_changed_file_gets_a_new_url_and_so_does_the_css_that_uses_it(app, tmp_path, monkeypatch) -> None:
    now = [100.0]
    monkeypatch.setattr(assets, "_clock", lambda: now[0])
    (tmp_path / "fonts").mkdir()
    font = tmp_path / "fonts" / "x.woff2"
    font.write_bytes(b"wOF2 first")
    (tmp_path / "a.css").write_text('@font-face{src:url(fonts/x.woff2) format("woff2")}\nbody{color:#000}\n')
    app.extensions[assets.EXTENSION] = assets.Assets(tmp_path)
    client = app.test_client()

    def urls() -> tuple[str, str]:
        with app.test_request_context():
            return url_for("static", filename="a.css"), url_for("static", filename="fonts/x.woff2")

    css_1, font_1 = urls()
    assert css_1.startswith("/static/a.css?v=") and font_1 == (
        f"/static/fonts/x.woff2?v={hashlib.sha256(b'wOF2 first').hexdigest()[:12]}")
    assert f"url(fonts/x.woff2?v={font_1.rsplit('=', 1)[1]})" in client.get(css_1).get_data(as_text=True)
    font.write_bytes(b"wOF2 second version")
    assert urls() == (css_1, font_1)  # looked at again only after a moment (a deploy, not every request)
    now[0] += assets.RECHECK_SECONDS
    css_2, font_2 = urls()
    assert font_2 != font_1 and css_2 != css_1  # the CSS names the font's new URL, so its own hash moved
    body = client.get(css_2)
    assert body.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert f"url(fonts/x.woff2?v={font_2.rsplit('=', 1)[1]})" in body.get_data(as_text=True)
    assert client.get(css_1).headers["Cache-Control"] == "no-cache"  # an old page's URL is not kept a year
    (tmp_path / "a.css").write_text("body{color:#111}\n")
    now[0] += assets.RECHECK_SECONDS
    assert urls()[0] not in (css_1, css_2)


def test_english_pages_link_no_khmer_font_and_khmer_pages_do(app, session) -> None:
    english, khmer = build(session, language="en"), build(session, language="km")
    for s, lang in ((english, "en"), (khmer, "km")):
        client = app.test_client()
        consent = client.get(client.get(f"/s/{s.token}").headers["Location"]).get_data(as_text=True)
        start(client, s)
        page = client.get(s.url("/page/1")).get_data(as_text=True)
        for html in (consent, page):
            assert f'<html lang="{lang}">' in html
            found = links(html)
            font_links = [h for h in found.get("stylesheet", []) + found.get("preload", [])
                          if "khmer" in h.lower()]
            if lang == "en":
                assert font_links == [], font_links
            else:
                assert [h.split("?")[0] for h in font_links] == [
                    "/static/khmer.css", "/static/fonts/NotoSansKhmer-Regular.woff2"]
    assert "NotoSansKhmer" not in (STATIC / "survey.css").read_text(encoding="utf-8")


def test_favicon_is_served_and_linked(app, session) -> None:
    client = app.test_client()
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # ICO header: reserved 0, type 1 (icon)
    assert icon.data == (STATIC / "favicon.ico").read_bytes()
    assert icon.headers["Cache-Control"] == "public, max-age=86400"
    s = build(session, language="en")
    html = client.get(client.get(f"/s/{s.token}").headers["Location"]).get_data(as_text=True)
    (href,) = links(html)["icon"]
    assert href.startswith("/static/favicon.ico?v=")
    assert links(client.get("/").get_data(as_text=True))["icon"] == [href]


# --------------------------------------------------------------------------- queries per page


@contextmanager
def counting(app):
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    engine = lipassess_db.engine_for(app)
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _page_costs(app, session, n_items: int, pages: tuple[int, ...]) -> dict[str, int]:
    """SQL statements of a page view and of a page save, per page asked, for an instrument of n_items."""
    definition = sample_definition(instrument_id=f"lip-practice-{n_items}", n_likert=n_items - 3)
    s = build(session, language="en", definition=definition)
    client = app.test_client()
    start(client, s)
    costs = {}
    for number in pages:
        url = s.url(f"/page/{number}")
        assert client.get(url).status_code == 200  # the first view may read the definition once per process
        with counting(app) as statements:
            assert client.get(url).status_code == 200
        costs[f"view {number}"] = len(statements)
        first_item = (number - 1) * 10 + 1  # likert items L1.. come first, ten per page
        with counting(app) as statements:
            saved = client.post(url, data={s.key(f"L{first_item}"): "4", "action": "save"})
        assert saved.status_code == 303
        costs[f"save {number}"] = len(statements)
    return costs


@pytest.mark.postgres
def test_a_page_costs_the_same_queries_whatever_its_number_and_the_form_size(app, session) -> None:
    small = _page_costs(app, session, 10, (1,))
    large = _page_costs(app, session, 60, (1, 5))
    print(f"SQL statements per request: 10 items {small}, 60 items {large}")
    assert large["view 1"] == large["view 5"] == small["view 1"]
    assert large["save 1"] == large["save 5"] == small["save 1"]
    # A link session's page view: invitation, participant, wave, enrolment, response, the wave's
    # instruments and the stored answers (a JSON aggregate) in one statement. A save, on PostgreSQL:
    # the same checks, the draft's lock (an UPDATE ... FROM ... RETURNING, which also sets the language)
    # and the upsert of the answers in one statement, without reading the stored ones (nothing asks for
    # them when the page is saved for later). SQLite cannot return the other tables of an UPDATE ... FROM:
    # the checks come first, apart, then the lock and the upsert.
    postgres = lipassess_db.engine_for(app).dialect.name == "postgresql"
    assert small["view 1"] == 1
    assert small["save 1"] == (1 if postgres else 3)


@contextmanager
def transactions(app):
    """The transactions the app's connections begin (SQLAlchemy's ``begin`` event: not fired in autocommit)."""
    begun: list[int] = []

    def count(conn) -> None:
        if conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            begun.append(1)

    engine = lipassess_db.engine_for(app)
    event.listen(engine, "begin", count)
    try:
        yield begun
    finally:
        event.remove(engine, "begin", count)


@pytest.mark.postgres
def test_page_views_and_saves_run_without_a_transaction(app, session) -> None:
    s = build(session, language="en")
    client = app.test_client()
    postgres = lipassess_db.engine_for(app).dialect.name == "postgresql"
    # The survey's pages may be framed by the registered Moodle sites: their origins are read once a minute,
    # in a transaction of their own (not the request's); read them now.
    assert client.get("/s/not-a-token").status_code == 404
    with transactions(app) as begun:
        assert client.get(f"/s/{s.token}").status_code == 303  # the link: read
        assert client.get(s.url()).status_code == 200  # the consent page: read, and the draft created
    assert len(begun) == (0 if postgres else 2)
    with transactions(app) as begun:
        assert client.get(s.url("/page/1")).status_code == 303  # no consent yet: to the consent page
    assert len(begun) == (0 if postgres else 1)
    with transactions(app) as begun, counting(app) as statements:
        assert client.post(s.url(), data={"consent": "yes"}).status_code == 303
    # Consent: the form read, then one UPDATE that checks access and takes the draft's lock as it records it.
    assert (len(begun), len(statements)) == ((0, 2) if postgres else (1, 3))
    assert session.scalar(select(Response.consent_at).where(Response.participant_id == s.participant.id)) is not None
    for view in ("/page/1", "/page/2", "/review"):
        with transactions(app) as begun, counting(app) as statements:
            assert client.get(s.url(view)).status_code == 200
        assert begun == ([] if postgres else [1]) and len(statements) == 1
    with transactions(app) as begun, counting(app) as statements:
        assert client.post(s.url("/page/1"), data={**all_answers(s.version.id), "action": "save"}).status_code == 303
    # A save: access, lock and answers commit together or not at all; on PostgreSQL as one statement (no
    # transaction around it), on SQLite in one transaction.
    assert (begun, len(statements)) == (([], 1) if postgres else ([1], 3))
    assert client.get(s.url("/page/99")).status_code == 404
    html = client.get(s.url("/page/1")).get_data(as_text=True)
    assert 'value="4" checked' in html
