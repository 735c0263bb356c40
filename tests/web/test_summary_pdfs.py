"""``lipassess analyze refresh`` renders the summary PDFs ahead; the staff PDF links then render nothing.

Every render is counted (by scope and language) at
:func:`lipassess.reports.render.render_pdf`: after a refresh the staff pages'
PDFs come from the store; a data change makes the next request, or the next
refresh, render the changed scopes again, and only those. The renderer is
replaced by one that writes a short PDF naming its scope and language (real
rendering, a few seconds a PDF, is tested in ``tests/reports/test_render.py``
and the staff page tests): so each staff link is also checked to serve the
PDF of its own scope and language.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from lipassess.reports import render
from lipassess.store.models import Participant
from tests.web.staff_world import build_world, sign_in

NAMES = {"LIP Cohort A": "LIP-A", "LIP Cohort B": "LIP-B"}  # the figures name a cohort by its full name
EVERY_PDF = sorted((scope, lang) for scope in ("LIP-A", "LIP-B", "program") for lang in ("en", "km"))


def labelled_pdf(scope: str, lang: str) -> bytes:
    """What the counting renderer returns for a scope and language."""
    return f"%PDF-1.7\n% summary of {scope} in {lang}\n%%EOF\n".encode()


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(scope, language) of every summary PDF rendered; each render gives :func:`labelled_pdf`."""
    done: list[tuple[str, str]] = []

    def counting(figures: Any, lang: str, **kwargs: Any) -> bytes:
        scope = NAMES.get(figures.scope, figures.scope) if figures.scope_kind == "cohort" else "program"
        done.append((scope, lang))
        return labelled_pdf(scope, lang)

    monkeypatch.setattr(render, "render_pdf", counting)
    return done


@pytest.fixture
def refresh(app, run_cli, monkeypatch: pytest.MonkeyPatch):
    """``lipassess analyze refresh`` with the web app's secret, as in production (one secret, stored rows shared)."""
    monkeypatch.setenv("LIPASSESS_SECRET_KEY", app.config["SECRET_KEY"])

    def run(*args: str) -> Any:
        result = run_cli("analyze", "refresh", *args)
        assert result.exit_code == 0, result
        return result

    return run


def staff_pdfs(client, world: dict, *which: tuple[str, str]) -> None:
    paths = {"LIP-A": f"/staff/cohorts/{world['a']}/summary.pdf", "LIP-B": f"/staff/cohorts/{world['b']}/summary.pdf",
             "program": "/staff/program/summary.pdf"}
    for scope, lang in which or EVERY_PDF:
        response = client.get(f"{paths[scope]}?lang={lang}")
        assert response.status_code == 200 and response.data == labelled_pdf(scope, lang), (scope, lang)


@pytest.mark.slow
def test_after_a_refresh_the_staff_pdfs_render_nothing_new(client, session, refresh, renders) -> None:
    world = build_world(session)
    first = refresh()
    assert "summary PDFs: rendered 6 of 6" in first.out
    assert sorted(renders) == EVERY_PDF
    renders.clear()
    assert sign_in(client, "ana").status_code == 302
    staff_pdfs(client, world)
    assert renders == []  # every PDF the staff pages link to came from the store
    assert refresh().out.splitlines()[-1] == "summary PDFs: all 6 stored PDFs up to date"
    assert renders == []


@pytest.mark.slow
def test_a_data_change_renders_the_changed_scopes_again(client, session, refresh, renders) -> None:
    world = build_world(session)
    refresh()
    renders.clear()
    person = session.get(Participant, world["participant"])  # in cohort A
    person.ministry = "Planning"  # a profile change is a new data version
    session.commit()
    assert sign_in(client, "ana").status_code == 302
    staff_pdfs(client, world, ("LIP-A", "km"), ("LIP-B", "km"))
    assert renders == [("LIP-A", "km")]  # cohort B's data did not change
    renders.clear()
    again = json.loads(refresh("--json").out)
    rendered = {r["scope"]: r["summary_pdfs_rendered"] for r in again}
    assert rendered["LIP-B"] == []
    assert rendered["LIP-A"] and rendered["program"] == ["en", "km"]
    assert sorted(renders) == sorted([("LIP-A", lang) for lang in rendered["LIP-A"]]
                                     + [("program", "en"), ("program", "km")])
    renders.clear()
    staff_pdfs(client, world)
    assert renders == []
