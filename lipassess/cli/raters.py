"""``lipassess raters``: import observers (supervisors, peers), e-mail them, give staff their links."""

from __future__ import annotations

import json
from pathlib import Path

import click

from lipassess.cli.context import COHORT_HELP, cli_app, transaction
from lipassess.errors import InvalidInput, JobFailed
from lipassess.services.cohorts import resolve_cohort
from lipassess.services.dispatch import as_of_time
from lipassess.services.raters.mail import SmtpSettings, send_rater_mail
from lipassess.services.raters.roster import CSV_COLUMNS, import_raters
from lipassess.services.raters.roster_status import copy_links, rater_counts
from lipassess.services.waves import parse_kind
from lipassess.store.models import WaveKind
from lipassess.store.types import utcnow

WAVES = [k.value for k in (WaveKind.PRE, WaveKind.POST, WaveKind.FOLLOWUP)]


@click.group("raters", help="Observers who rate a participant's behaviour at work (supervisors, colleagues, "
                            "staff): import them, e-mail their links, list them.")
def raters_group() -> None:
    """Rater commands."""


def _read(path: str) -> str:
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}; give the path of a CSV file") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(f"{path} is not UTF-8 text; save it as 'CSV UTF-8' and import it again") from None


@raters_group.command("import", help="Add raters from a CSV file with the columns " + ", ".join(CSV_COLUMNS)
                      + " (email or phone on every row; relation: supervisor, peer, direct_report or other; "
                      "participant: pseudonym, Moodle username, e-mail or user id). One bad row refuses the "
                      "whole file; importing the same file again adds nothing.")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--cohort", required=True, metavar="ID", help=COHORT_HELP)
@click.option("--wave", "wave", required=True, type=click.Choice(WAVES), help="The wave they rate.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def import_command(file: str, cohort: str, wave: str, as_json: bool) -> None:
    text = _read(file)
    with transaction() as session:
        report = import_raters(session, resolve_cohort(session, cohort), parse_kind(wave), text, now=utcnow())
    click.echo(json.dumps(report.to_dict()) if as_json else report.summary())


@raters_group.command("send", help="E-mail invitations and reminders that are due to raters of open waves, "
                      "through LIPASSESS_SMTP_HOST (reminders: LIPASSESS_REMINDERS, "
                      "LIPASSESS_REMINDER_SPACING_DAYS apart). Exits 1 when a message was refused.")
@click.option("--cohort", metavar="ID", help=COHORT_HELP + " Default: every cohort.")
@click.option("--as-of", "as_of", metavar="DATE", help="Run as if on that day (noon in Cambodia).")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def send_command(cohort: str | None, as_of: str | None, as_json: bool) -> None:
    config = cli_app().config
    settings = SmtpSettings.from_config(config)
    now = as_of_time(as_of)
    with transaction() as session:
        target = resolve_cohort(session, cohort) if cohort else None
        report = send_rater_mail(session, settings, base_url=str(config["BASE_URL"]), now=now,
                                 ttl_days=int(config["LINK_TTL_DAYS"]), reminders=int(config["REMINDERS"]),
                                 spacing_days=int(config["REMINDER_SPACING_DAYS"]), cohort=target)
    click.echo(json.dumps(report.to_dict()) if as_json else report.summary())
    if report.failed:
        raise JobFailed(f"{report.failed} message(s) to raters were refused by the SMTP server; they are tried "
                        "again on the next run")


@raters_group.command("links", help="Print fresh personal links for the wave's raters who have not answered, "
                      "to hand over by phone or chat (raters without an e-mail address; --all: everyone). "
                      "Each new link replaces the rater's earlier one.")
@click.option("--cohort", required=True, metavar="ID", help=COHORT_HELP)
@click.option("--wave", "wave", required=True, type=click.Choice(WAVES))
@click.option("--all", "everyone", is_flag=True, help="Also raters with an e-mail address.")
@click.option("--json", "as_json", is_flag=True, help="Print the links as JSON.")
def links_command(cohort: str, wave: str, everyone: bool, as_json: bool) -> None:
    config = cli_app().config
    with transaction() as session:
        copied = copy_links(session, resolve_cohort(session, cohort), parse_kind(wave),
                            base_url=str(config["BASE_URL"]), now=utcnow(),
                            ttl_days=int(config["LINK_TTL_DAYS"]), everyone=everyone)
    if as_json:
        click.echo(json.dumps([{"rater_id": c.rater_id, "rater": c.rater, "contact": c.contact,
                                "relation": c.relation, "participant": c.participant, "url": c.url}
                               for c in copied], ensure_ascii=False))
        return
    if not copied:
        click.echo("no rater is waiting for a link to hand over")
    for c in copied:
        click.echo(f"{c.rater} ({c.relation} of {c.participant}, {c.contact}): {c.url}")


@raters_group.command("list", help="Raters per wave and relation: named, invited, submitted.")
@click.option("--cohort", required=True, metavar="ID", help=COHORT_HELP)
@click.option("--json", "as_json", is_flag=True)
def list_command(cohort: str, as_json: bool) -> None:
    with transaction() as session:
        counts = rater_counts(session, resolve_cohort(session, cohort))
    if as_json:
        click.echo(json.dumps([c.to_dict() for c in counts]))
        return
    if not counts:
        click.echo("no raters yet: import them with 'lipassess raters import FILE --cohort ... --wave ...'")
    for c in counts:
        click.echo(f"{c.wave:<9} {c.relation:<14} raters {c.raters}, invited {c.invited}, submitted {c.submitted}")
