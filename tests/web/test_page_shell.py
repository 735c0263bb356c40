"""Survey pages kept per process and filled per participant (``lipassess.web.page_shell``).

The kept page must be exactly the page rendered whole, each participant's
values must stay theirs, and a page must be rendered again when what it
links changes.
"""

from __future__ import annotations

import re

import pytest
from jinja2 import ChoiceLoader, DictLoader
from markupsafe import Markup

from lipassess.services.links import issue_link
from lipassess.store.types import utcnow
from lipassess.web import assets, page_shell, survey_items
from tests.survey_factories import build, make_participant

_CSRF = re.compile(r'name="csrf_token" value="[^"]*"')


def _start(client, token: str, wave_id: int) -> None:
    assert client.get(f"/s/{token}").status_code == 303
    assert client.post(f"/survey/wave/{wave_id}", data={"consent": "yes"}).status_code == 303


@pytest.fixture
def two_participants(app, session):
    """One wave, two participants who consented, each in their own browser; no page kept yet."""
    page_shell.clear()
    survey_items.clear()
    s = build(session)
    other = make_participant(session, s.cohort)
    token = issue_link(session, participant=other, wave=s.wave, now=utcnow(), ttl_days=60)
    session.commit()
    first, second = app.test_client(), app.test_client()
    _start(first, s.token, s.wave.id)
    _start(second, token, s.wave.id)
    return s, first, second


@pytest.fixture
def cuts(monkeypatch) -> list[str]:
    """The templates rendered to be kept, in order."""
    made: list[str] = []
    original = page_shell._cut

    def counting(template, context, slots):
        made.append(template)
        return original(template, context, slots)

    monkeypatch.setattr(page_shell, "_cut", counting)
    return made


def _attr(html: str, name: str) -> str:
    found = re.search(name + r'="([^"]*)"', html)
    assert found, name
    return found.group(1)


def test_a_kept_page_is_the_page_rendered_whole(two_participants, monkeypatch) -> None:
    s, first, _ = two_participants
    first.post(s.url("/page/1"), data={s.key("L1"): "2", "action": "save"})
    kept = [first.get(s.url("/page/1")).get_data(as_text=True) for _ in range(2)]

    def whole(template, key, context, slots):
        return original(template, None, context, slots)

    original = page_shell.render
    monkeypatch.setattr(page_shell, "render", whole)
    rendered = first.get(s.url("/page/1")).get_data(as_text=True)
    assert 'value="2" checked' in rendered
    assert _CSRF.sub("", kept[0]) == _CSRF.sub("", kept[1]) == _CSRF.sub("", rendered)
    assert _CSRF.search(rendered)


def test_the_page_is_rendered_once_and_each_participant_gets_their_own_values(two_participants, cuts) -> None:
    s, first, second = two_participants
    first.post(s.url("/page/1"), data={s.key("L1"): "2", "action": "save"})
    second.post(s.url("/page/1"), data={s.key("L2"): "4", "action": "save"})
    one = first.get(s.url("/page/1")).get_data(as_text=True)
    two = second.get(s.url("/page/1")).get_data(as_text=True)
    assert cuts == ["survey/page.html"]  # the second participant's page came from the kept one

    assert _attr(one, "data-draft-key") != _attr(two, "data-draft-key")
    assert _attr(one, "data-stored") == "{&#34;" + s.key("L1") + "&#34;: 2}"
    assert _attr(two, "data-stored") == "{&#34;" + s.key("L2") + "&#34;: 4}"
    assert 'value="2" checked' in one and 'value="4" checked' not in one
    assert 'value="4" checked' in two and 'value="2" checked' not in two


def test_a_new_version_of_a_linked_file_renders_the_page_again(two_participants, cuts, monkeypatch) -> None:
    s, first, _ = two_participants
    before = first.get(s.url("/page/1")).get_data(as_text=True)
    first.get(s.url("/page/1"))
    assert len(cuts) == 1
    original = assets.Assets.version
    monkeypatch.setattr(assets.Assets, "version",
                        lambda self, name: "feedface0123" if name == "survey.css" else original(self, name))
    after = first.get(s.url("/page/1")).get_data(as_text=True)
    assert len(cuts) == 2
    assert "feedface0123" not in before and "survey.css?v=feedface0123" in after


def test_a_page_with_errors_is_rendered_whole(two_participants, cuts) -> None:
    s, first, _ = two_participants
    page = first.post(s.url("/page/1"), data={s.key("L1"): "2", "action": "next"}).get_data(as_text=True)
    assert 'class="error-summary"' in page and cuts == []


def test_a_slot_the_template_alters_is_never_cut_out(app) -> None:
    app.jinja_loader = ChoiceLoader([DictLoader({"t.html": "<p>{{ name|upper }}</p><i>{{ token }}</i>"}),
                                     app.jinja_loader])
    page_shell.clear()
    with app.test_request_context("/"):
        html = page_shell.render("t.html", "k", {}, {"name": Markup("ann"), "token": Markup("x&amp;y")})
        again = page_shell.render("t.html", "k", {}, {"name": Markup("bob"), "token": Markup("z")})
    assert html == "<p>ANN</p><i>x&amp;y</i>"
    assert again == "<p>BOB</p><i>z</i>"  # rendered whole each time: the marker did not survive |upper


def _submit_all(client, s, answers: dict[str, str]) -> str:
    """Answer every page, submit, and return the receipt page."""
    client.post(s.url("/page/1"), data={**answers, "action": "save"})
    assert client.post(s.url("/review")).status_code == 303
    return client.get(s.url("/receipt")).get_data(as_text=True)


def _whole(monkeypatch) -> None:
    original = page_shell.render
    monkeypatch.setattr(page_shell, "render", lambda template, key, context, slots: original(template, None,
                                                                                               context, slots))


def test_receipts_from_one_kept_page_carry_each_participants_own_values(two_participants, cuts,
                                                                        monkeypatch) -> None:
    from tests.survey_factories import all_answers

    s, first, second = two_participants
    one = _submit_all(first, s, all_answers(s.version.id, value=2))
    two = _submit_all(second, s, all_answers(s.version.id, value=4))
    assert cuts == ["survey/receipt.html"]
    code_one = re.search(r'<strong class="code">([^<]+)</strong>', one).group(1)
    code_two = re.search(r'<strong class="code">([^<]+)</strong>', two).group(1)
    assert code_one != code_two
    assert _attr(one, "data-draft-done") != _attr(two, "data-draft-done")
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT', one)
    # Each receipt lists its own thirteen answers: 2 on the first's scale items, 4 on the second's.
    assert one.count('<span class="answer">') == two.count('<span class="answer">') == 13
    assert one.count('<span class="answer">២ · ') == two.count('<span class="answer">៤ · ') == 12
    assert '<span class="answer">៤ · ' not in one and '<span class="answer">២ · ' not in two

    _whole(monkeypatch)
    again = first.get(s.url("/receipt")).get_data(as_text=True)
    assert _CSRF.sub("", again) == _CSRF.sub("", one)


def test_a_kept_review_page_is_the_review_rendered_whole(two_participants, cuts, monkeypatch) -> None:
    from tests.survey_factories import all_answers

    s, first, _ = two_participants
    first.post(s.url("/page/1"), data={**all_answers(s.version.id), "action": "save"})
    kept = first.get(s.url("/review")).get_data(as_text=True)
    assert cuts == ["survey/review.html"]
    _whole(monkeypatch)
    whole = first.get(s.url("/review")).get_data(as_text=True)
    assert _CSRF.sub("", kept) == _CSRF.sub("", whole)
    assert 'class="error-summary"' not in kept


def test_a_review_with_missing_answers_is_rendered_whole(two_participants, cuts) -> None:
    s, first, _ = two_participants
    first.post(s.url("/page/1"), data={s.key("L1"): "2", "action": "save"})
    page = first.get(s.url("/review")).get_data(as_text=True)
    assert 'class="error-summary"' in page and cuts == []


def test_the_consent_page_is_kept_and_an_unticked_box_rendered_whole(app, session, cuts, monkeypatch) -> None:
    page_shell.clear()
    s = build(session)
    client = app.test_client()
    assert client.get(f"/s/{s.token}").status_code == 303
    kept = client.get(s.url()).get_data(as_text=True)
    assert cuts == ["survey/consent.html"] and 'name="consent"' in kept
    unticked = client.post(s.url(), data={})
    assert unticked.status_code == 400 and 'class="error-summary"' in unticked.get_data(as_text=True)
    assert cuts == ["survey/consent.html"]  # the page with the error was rendered whole, not kept
    _whole(monkeypatch)
    assert _CSRF.sub("", client.get(s.url()).get_data(as_text=True)) == _CSRF.sub("", kept)
