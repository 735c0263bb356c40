"""``lipassess analyze needs``: training needs (Borich MWDS) from a CSV file or a cohort in the store."""

from __future__ import annotations

import json

import click

from lipassess.cli.analyze import emit, read_participants, require, split_names
from lipassess.errors import InvalidInput

HELP = ("Training needs: competencies ranked by Borich's mean weighted discrepancy score (MWDS) with CIs and "
        "Locus for Focus quadrants. FILE is a CSV with one row per respondent and the columns "
        "<competency>.importance and <competency>.competence (1-5, blank = missing); or give --cohort to "
        "analyse the answers to lip-needs-assessment in the store (COHORT as for 'analyze cohort', 'all' for "
        "the program), by ministry, province and position level.")


@click.command("needs", help=HELP)
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--cohort", default=None, metavar="COHORT", help="A cohort in the store instead of FILE.")
@click.option("--by", "by_columns", multiple=True,
              help="With FILE: also per value of this column (ministry ...); comma-separated or repeated.")
@click.option("--competencies", default=None, help="With FILE: these competencies, in order (comma-separated).")
@click.option("--id", "id_column", default=None, help="Participant id column [default: id].")
@click.option("--ci", default=0.95, show_default=True, type=float, help="Confidence level of intervals.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def needs(file: str | None, cohort: str | None, by_columns: tuple[str, ...], competencies: str | None,
          id_column: str | None, ci: float, as_json: bool) -> None:
    if (file is None) == (cohort is None):
        raise InvalidInput("give either FILE (a CSV) or --cohort COHORT, not both and not neither; "
                           "see 'lipassess analyze needs --help'")
    if cohort is not None:
        if by_columns or competencies or id_column:
            raise InvalidInput("--by, --competencies and --id go with FILE; with --cohort the groups are "
                               "ministry, province and position level")
        _from_store(cohort, ci, as_json)
        return
    assert file is not None
    from lipassess.analysis import needs_assessment, needs_by_group
    from lipassess.cli.context import cli_app

    frame = read_participants(file, id_column)
    chosen = split_names([competencies]) if competencies else None
    groups = split_names(by_columns)
    require(frame, groups, file)
    overall = needs_assessment(frame, chosen, ci=ci)
    if not groups:
        emit(overall, as_json)
        return
    min_n = int(cli_app().config["MIN_GROUP_SIZE"])
    by = {name: needs_by_group(frame, name, chosen, min_n=min_n, ci=ci) for name in groups}
    if as_json:
        payload = overall.to_dict() | {"by": {name: result.to_dict() for name, result in by.items()}}
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        click.echo("\n\n".join([overall.summary(), *(result.summary() for result in by.values())]))


def _from_store(cohort: str, ci: float, as_json: bool) -> None:
    from lipassess.cli.context import cli_app, transaction
    from lipassess.services.cohorts import resolve_cohort
    from lipassess.services.needs import needs_analysis

    min_n = int(cli_app().config["MIN_GROUP_SIZE"])
    with transaction() as session:
        chosen = None if cohort == "all" else [resolve_cohort(session, cohort)]
        result = needs_analysis(session, chosen, min_group_size=min_n, ci=ci)
    emit(result, as_json)
