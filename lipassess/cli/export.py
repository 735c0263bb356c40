"""``lipassess export``: answers and scores of a cohort (or all) as long/wide CSV, XLSX or SPSS."""

from __future__ import annotations

import click

from lipassess.cli.context import COHORT_HELP
from lipassess.services.exports import EXPORT_FORMATS
from lipassess.vocabulary import LANGUAGES


@click.command("export", help="Export the answers of a cohort (pseudonyms only unless --with-identities). "
                              "Every export is written to the audit log.")
@click.option("--cohort", "cohort_ref", required=True,
              help=COHORT_HELP + " 'all' exports every cohort.")
@click.option("--format", "fmt", required=True, type=click.Choice(EXPORT_FORMATS),
              help="long_csv: one row per answer; wide_csv: one row per participant; "
                   "xlsx: wide data with a codebook sheet; sav: SPSS with variable and value labels.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True), help="File to write.")
@click.option("--with-identities", is_flag=True,
              help="Add names, e-mail and Moodle ids (admins only; logged in the audit log as actor 'cli').")
@click.option("--lang", default="en", show_default=True, type=click.Choice(LANGUAGES),
              help="Language of the SPSS labels (the XLSX codebook has both).")
def export(cohort_ref: str, fmt: str, out: str, with_identities: bool, lang: str) -> None:
    from lipassess.cli.context import transaction
    from lipassess.services import exports
    from lipassess.services.cohorts import resolve_cohort

    with transaction() as session:
        cohorts = None if cohort_ref == "all" else [resolve_cohort(session, cohort_ref)]
        result = exports.export(session, cohorts, fmt, out, include_identities=with_identities, actor="cli",
                                lang=lang)
    what = "answers" if fmt == "long_csv" else "participants"
    click.echo(f"wrote {result.rows} {what} ({fmt}) to {result.path}")
    if result.synthetic:
        click.echo("note: these are SYNTHETIC (simulated) participants, and the file says so")
    if with_identities:
        click.echo("names and e-mail addresses included; this export is recorded in the audit log")
