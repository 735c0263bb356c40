"""``lipassess waves``: plan a cohort's survey waves from its course dates, adjust them, list them."""

from __future__ import annotations

import json

import click

from lipassess.cli.context import COHORT_HELP, cli_app, transaction
from lipassess.services.cohorts import resolve_cohort
from lipassess.services.instruments import instruments_dir
from lipassess.services.progress import wave_progress
from lipassess.services.waves import SETTABLE_KINDS, list_waves, parse_kind, parse_when, plan_waves, set_wave_dates


@click.group("waves", help="Plan, adjust and list the survey waves (pre, post, followup) of a cohort.")
def waves_group() -> None:
    """Wave commands."""


@waves_group.command(
    "plan",
    help="Create the cohort's missing waves from the Moodle course dates (pre: start - 14 days to start + 7; "
    "post: end to end + 21; followup: end + FOLLOWUP_OFFSET_DAYS for FOLLOWUP_WINDOW_DAYS). Existing waves "
    "are kept. Safe to run again.",
)
@click.option("--cohort", required=True, metavar="ID", help=COHORT_HELP)
@click.option("--needs-in-pre", is_flag=True,
              help="Also ask the training-needs assessment (lip-needs-assessment) in a pre wave created now.")
@click.option("--json", "as_json", is_flag=True, help="Print the waves as JSON.")
def plan(cohort: str, needs_in_pre: bool, as_json: bool) -> None:
    config = cli_app().config
    with transaction() as session:
        result = plan_waves(
            session,
            resolve_cohort(session, cohort),
            instruments_directory=instruments_dir(config),
            followup_offset_days=int(config["FOLLOWUP_OFFSET_DAYS"]),
            followup_window_days=int(config["FOLLOWUP_WINDOW_DAYS"]),
            needs_in_pre=needs_in_pre,
        )
    click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) if as_json else result.summary())


@waves_group.command(
    "set",
    help="Change when a wave opens and/or closes. DATE is a day in Cambodia (YYYY-MM-DD: --opens at the start "
    "of that day, --closes at its end) or an ISO time (2025-05-01T08:00, Cambodian time unless it has a zone), "
    "from 2000-01-01 to 2200-12-31.",
)
@click.option("--cohort", required=True, metavar="ID", help=COHORT_HELP)
@click.option("--kind", required=True, type=click.Choice([k.value for k in SETTABLE_KINDS]))
@click.option("--opens", metavar="DATE", help="When the wave opens.")
@click.option("--closes", metavar="DATE", help="When the wave closes (after it opens).")
def set_dates(cohort: str, kind: str, opens: str | None, closes: str | None) -> None:
    opens_at = parse_when(opens, what="--opens") if opens is not None else None
    closes_at = parse_when(closes, end_of_day=True, what="--closes") if closes is not None else None
    config = cli_app().config
    with transaction() as session:
        target = resolve_cohort(session, cohort)
        info = set_wave_dates(session, target, parse_kind(kind), opens_at=opens_at, closes_at=closes_at,
                              instruments_directory=instruments_dir(config))
        name = target.shortname
    click.echo(f"cohort {name}: {info.summary()}")


@waves_group.command("list", help="Show the cohort's waves: window (Cambodian time), instruments and progress.")
@click.option("--cohort", required=True, metavar="ID", help=COHORT_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the waves as JSON.")
def list_command(cohort: str, as_json: bool) -> None:
    with transaction() as session:
        target = resolve_cohort(session, cohort)
        result = list_waves(session, target)
        progress = {p.kind: p for p in wave_progress(session, target)}
    if as_json:
        data = result.to_dict()
        for wave in data["waves"]:
            wave["progress"] = progress[wave["kind"]].to_dict() if wave["kind"] in progress else None
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if not result.waves:
        click.echo(f"cohort {result.cohort} has no waves yet: run 'lipassess waves plan --cohort {cohort}'")
        return
    click.echo(result.summary())
    for wave in result.waves:
        p = progress.get(wave.kind)
        if p is not None:
            click.echo(f"  {wave.kind:<9} invited {p.invited}, started {p.started}, submitted {p.submitted} of "
                       f"{p.active_students} active students; reminders sent {p.reminders_sent}, "
                       f"messages failed {p.messages_failed}, unknown {p.messages_unknown}, "
                       f"pending {p.messages_pending}")
