"""``lipassess raters import|send|links|list`` through the real entry point."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lipassess.store.rater_models import Rater
from lipassess.store.types import utcnow
from tests.smtp_sink import Sink, running_sink
from tests.survey_factories import make_cohort, make_participant, make_wave

pytestmark = pytest.mark.postgres


@pytest.fixture
def smtp_sink() -> Iterator[Sink]:
    """A real SMTP server on localhost that keeps every message it accepts."""
    yield from running_sink()


@pytest.fixture
def world(session):
    now = utcnow()
    cohort = make_cohort(session)
    make_wave(session, cohort, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30))
    people = [make_participant(session, cohort) for _ in range(2)]
    session.commit()
    return cohort, people


def _file(tmp_path, people, *extra: str):
    path = tmp_path / "raters.csv"
    rows = [f"{people[0].username},Dara Sok,dara@example.gov.kh,,supervisor",
            f"{people[1].username},Vanna Kim,,012 345 678,peer", *extra]
    path.write_text("participant,name,email,phone,relation\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _raters(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Rater)) or 0


def test_import_then_list(run_cli, session, world, tmp_path) -> None:
    cohort, people = world
    path = _file(tmp_path, people)
    done = run_cli("raters", "import", str(path), "--cohort", cohort.shortname, "--wave", "pre")
    assert done.exit_code == 0, done
    assert done.out.strip() == f"cohort {cohort.shortname}, wave pre: 2 rater(s) added, 0 already present"
    again = run_cli("raters", "import", str(path), "--cohort", str(cohort.id), "--wave", "pre", "--json")
    assert json.loads(again.out) == {"cohort": cohort.shortname, "wave": "pre", "created": 0, "unchanged": 2}
    listing = run_cli("raters", "list", "--cohort", cohort.shortname, "--json")
    assert json.loads(listing.out) == [
        {"wave": "pre", "relation": "peer", "raters": 1, "invited": 0, "submitted": 0},
        {"wave": "pre", "relation": "supervisor", "raters": 1, "invited": 0, "submitted": 0}]


@pytest.mark.parametrize("extra", [
    "someone,Lina,lina@example.gov.kh,,peer",
    "{p},Lina,lina@example.gov.kh,,chief",
    "{p},Lina,,,peer",
])
def test_a_bad_row_is_one_error_line_exit_2_and_nothing_stored(run_cli, session, world, tmp_path, extra) -> None:
    cohort, people = world
    path = _file(tmp_path, people, extra.format(p=people[0].username))
    result = run_cli("raters", "import", str(path), "--cohort", cohort.shortname, "--wave", "pre")
    assert result.exit_code == 2, result
    assert result.err.startswith("error: 1 problem(s), nothing imported: line 4: ")
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    assert _raters(session) == 0


@pytest.mark.parametrize(("args", "message"), [
    (("raters", "import", "/no/such/file.csv", "--cohort", "{c}", "--wave", "pre"), "cannot read"),
    (("raters", "import", "{f}", "--cohort", "nope", "--wave", "pre"), "nope"),
    (("raters", "import", "{f}", "--cohort", "{c}", "--wave", "post"), "has no post wave"),
    (("raters", "import", "{f}", "--cohort", "{c}", "--wave", "retro_pre"), "Invalid value for '--wave'"),
    (("raters", "send",), "LIPASSESS_SMTP_HOST is not set"),
])
def test_commands_that_cannot_run_exit_2(run_cli, world, tmp_path, args, message) -> None:
    cohort, people = world
    path = _file(tmp_path, people)
    result = run_cli(*[a.format(c=cohort.shortname, f=path) for a in args])
    assert result.exit_code == 2, result
    assert result.err.startswith("error: ") and message in result.err


def test_a_file_that_is_not_utf8_says_how_to_save_it(run_cli, world, tmp_path) -> None:
    cohort, _ = world
    path = tmp_path / "latin1.csv"
    path.write_bytes("participant,name\n\xe9".encode("latin-1"))
    result = run_cli("raters", "import", str(path), "--cohort", cohort.shortname, "--wave", "pre")
    assert result.exit_code == 2 and "save it as 'CSV UTF-8'" in result.err


def test_send_mails_raters_with_an_address_and_links_serves_the_rest(run_cli, session, world, tmp_path,
                                                                    smtp_sink, monkeypatch) -> None:
    cohort, people = world
    assert run_cli("raters", "import", str(_file(tmp_path, people)), "--cohort", cohort.shortname,
                   "--wave", "pre").exit_code == 0
    for name, value in smtp_sink.config().items():
        monkeypatch.setenv(f"LIPASSESS_{name}", str(value))
    monkeypatch.setenv("LIPASSESS_BASE_URL", "https://lip.example.gov.kh")
    sent = run_cli("raters", "send", "--json")
    assert sent.exit_code == 0, sent
    assert json.loads(sent.out) == {"invitations": 1, "reminders": 0, "failed": 0, "without_email": 1,
                                    "errors": []}
    assert [m["To"] for m in smtp_sink.messages] == ["dara@example.gov.kh"]
    links = run_cli("raters", "links", "--cohort", cohort.shortname, "--wave", "pre")
    assert links.exit_code == 0, links
    assert re.fullmatch(r"Vanna Kim \(peer of P-[A-Z0-9]{8}, 012 345 678\): "
                        r"https://lip\.example\.gov\.kh/r/[A-Za-z0-9_-]{43}\n", links.out)
    assert json.loads(run_cli("raters", "send", "--json").out)["invitations"] == 0  # each message once
    smtp_sink.handler.refuse.add("dara@example.gov.kh")
    late = run_cli("raters", "send", "--as-of", (utcnow() + timedelta(days=8)).date().isoformat())
    assert late.exit_code == 1, late  # the job ran and a message was refused
    assert "1 failed" in late.out and late.err.startswith("error: 1 message(s) to raters were refused")
