"""``lipassess analyze``: the analysis functions on any CSV with one row per participant.

Each command reads FILE, picks the columns named by its options, calls the
matching function of :mod:`lipassess.analysis` and prints ``summary()`` (or
``to_dict()`` as JSON with ``--json``). Participants are identified by the
``--id`` column (default: ``id`` when the file has one, else the row number).
Bad input raises :class:`lipassess.errors.InvalidInput`, which
:func:`lipassess.cli.main` prints as one line with exit code 2.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import click
import pandas as pd

from lipassess.analysis.validation import shown
from lipassess.errors import InvalidInput

DEFAULT_ID = "id"


def read_participants(file: str, id_column: str | None) -> pd.DataFrame:
    """Read a CSV with one row per participant, indexed by its id column."""
    path = Path(file)
    if not path.is_file():
        raise InvalidInput(f"file not found: {file}; check the path and try again")
    try:
        # round_trip: a number written with repr() reads back as the same double,
        # so a file gives the same answer as the same numbers passed in memory.
        frame = pd.read_csv(path, float_precision="round_trip")
    except pd.errors.EmptyDataError:
        raise InvalidInput(f"{file} is empty; export the data with a header row") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            f"{file} is not a readable UTF-8 CSV ({type(exc).__name__}); "
            "save it as CSV UTF-8 and try again"
        ) from None
    if id_column is None:
        id_column = DEFAULT_ID if DEFAULT_ID in frame.columns else None
    elif id_column not in frame.columns:
        raise InvalidInput(
            f"{file} has no id column {id_column!r}; available columns: "
            f"{', '.join(map(str, frame.columns))}"
        )
    if id_column is None:
        frame.index = pd.RangeIndex(1, len(frame) + 1, name="row")
        return frame
    ids = frame[id_column]
    if ids.isna().any():
        row = int(ids.index[ids.isna()][0]) + 2  # 1-based, after the header line
        raise InvalidInput(f"{file} line {row} has no {id_column!r}; give every participant an id")
    if ids.duplicated().any():
        dup = ids[ids.duplicated()].iloc[0]
        raise InvalidInput(
            f"{file} has participant {shown(dup)} in {id_column!r} more than once; "
            "keep one row per participant"
        )
    return frame.set_index(id_column)


def split_names(values: Iterable[str]) -> list[str]:
    """``("A1,A2", "A3")`` -> ``["A1", "A2", "A3"]``; blanks dropped."""
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def require(frame: pd.DataFrame, columns: Iterable[str], file: str) -> None:
    """Raise InvalidInput naming the first missing columns and the available ones."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidInput(
            f"{file} has no column {', '.join(map(repr, missing))}; available columns: "
            f"{', '.join(map(str, frame.columns))}"
        )


def emit(result: object, as_json: bool) -> None:
    """Print ``to_dict()`` as JSON or ``summary()`` as text."""
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))  # type: ignore[attr-defined]
    else:
        click.echo(result.summary())  # type: ignore[attr-defined]


_file = click.argument("file", type=click.Path(dir_okay=False))
_json = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
_id = click.option("--id", "id_column", default=None, help="Participant id column [default: id].")
_ci = click.option(
    "--ci", default=0.95, show_default=True, type=float, help="Confidence level of intervals."
)


@click.group(help="Analyse survey scores in a CSV file (one row per participant).")
def analyze() -> None:
    """Group of analysis commands."""


@analyze.command(help="Pre/post comparison: paired t, Wilcoxon, d_z, d_av, g_av.")
@_file
@click.option("--pre", "pre_col", required=True, help="Column with the pretest score.")
@click.option("--post", "post_col", required=True, help="Column with the posttest score.")
@_id
@_ci
@_json
def paired(
    file: str, pre_col: str, post_col: str, id_column: str | None, ci: float, as_json: bool
) -> None:
    from lipassess.analysis import paired as paired_stat

    frame = read_participants(file, id_column)
    require(frame, [pre_col, post_col], file)
    emit(paired_stat(frame[pre_col], frame[post_col], ci=ci), as_json)


@analyze.command(help="Several waves: RM-ANOVA, Friedman, Holm pairwise tests, mixed model.")
@_file
@click.option(
    "--waves",
    required=True,
    help="Wave columns in time order, comma-separated (pre,post,followup).",
)
@_id
@_ci
@_json
def repeated(file: str, waves: str, id_column: str | None, ci: float, as_json: bool) -> None:
    from lipassess.analysis import repeated as repeated_stat

    columns = split_names([waves])
    if len(columns) < 2:
        raise InvalidInput("--waves needs at least two columns, for example --waves pre,post")
    frame = read_participants(file, id_column)
    require(frame, columns, file)
    emit(repeated_stat(frame[columns], ci=ci), as_json)


@analyze.command(help="Internal consistency of a scale: alpha with CI, omega, item analysis.")
@_file
@click.option("--items", required=True, help="Item columns, comma-separated (A1,A2,A3).")
@click.option("--reverse", multiple=True, help="Reverse-keyed items, comma-separated or repeated.")
@click.option(
    "--scale",
    nargs=2,
    type=float,
    default=(1.0, 5.0),
    show_default=True,
    help="Lowest and highest response value.",
)
@_id
@_ci
@_json
def reliability(
    file: str,
    items: str,
    reverse: tuple[str, ...],
    scale: tuple[float, float],
    id_column: str | None,
    ci: float,
    as_json: bool,
) -> None:
    columns = split_names([items])
    reversed_items = split_names(reverse)
    unknown = [r for r in reversed_items if r not in columns]
    if unknown:
        raise InvalidInput(
            f"--reverse names {', '.join(map(repr, unknown))}, which are not in --items; "
            "list reverse-keyed items among the items"
        )
    frame = read_participants(file, id_column)
    require(frame, columns, file)
    low, high = scale
    from lipassess.analysis import reliability as reliability_stat

    result = reliability_stat(
        frame[columns], reverse=tuple(reversed_items), scale=(_whole(low), _whole(high)), ci=ci
    )
    emit(result, as_json)


@analyze.command(help="Individual change: Jacobson-Truax reliable change index per participant.")
@_file
@click.option("--pre", "pre_col", required=True, help="Column with the pretest score.")
@click.option("--post", "post_col", required=True, help="Column with the posttest score.")
@click.option("--reliability", "rel", required=True, type=float, help="Reliability of the scale.")
@click.option("--sd-pre", type=float, default=None, help="Reference SD (default: SD of pre).")
@_id
@_ci
@_json
def change(
    file: str,
    pre_col: str,
    post_col: str,
    rel: float,
    sd_pre: float | None,
    id_column: str | None,
    ci: float,
    as_json: bool,
) -> None:
    from lipassess.analysis import reliable_change

    frame = read_participants(file, id_column)
    require(frame, [pre_col, post_col], file)
    result = reliable_change(frame[pre_col], frame[post_col], reliability=rel, sd_pre=sd_pre, ci=ci)
    emit(result, as_json)


def _whole(value: float) -> float | int:
    """Scale points as ints when they are whole numbers (``--scale 1 5`` -> (1, 5))."""
    return int(value) if float(value).is_integer() else value


@analyze.command(help="Every analysis of a cohort in the store (every subscale, every wave). "
                      "COHORT is its id as the dashboard shows it, its Moodle course id or its shortname "
                      "(id:3, course:3 or shortname:NAME when a bare value names two cohorts); "
                      "'all' analyses the whole program.")
@click.argument("cohort")
@_ci
@_json
def cohort(cohort: str, ci: float, as_json: bool) -> None:
    from lipassess.cli.context import transaction
    from lipassess.services.cohorts import resolve_cohort
    from lipassess.services.evaluation import evaluate_cohorts

    with transaction() as session:
        chosen = None if cohort == "all" else [resolve_cohort(session, cohort)]
        result = evaluate_cohorts(session, chosen, ci=ci)
    emit(result, as_json)


@analyze.command(help="Measurement invariance of a subscale across waves and groups (configural, metric, scalar "
                      "factor models; Chen 2007 cut-offs). FILE has one row per participant and the columns "
                      "<wave>_<item>, as the wide export writes them; --cohort analyses every behaviour subscale "
                      "of a cohort in the store instead ('all': the whole program).")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--items", default=None, help="The subscale's items, comma-separated (AL1,AL2,AL3); with FILE.")
@click.option("--waves", default="pre,post,followup", show_default=True,
              help="Waves in time order, comma-separated; one wave tests groups only.")
@click.option("--group", default=None, help="Compare the groups of this column (FILE) or profile field "
                                            "(--cohort), e.g. language.")
@click.option("--group-wave", default=None, help="Wave whose answers are compared across groups "
                                                 "[default: the first of --waves].")
@click.option("--cohort", "cohort_name", default=None, help="A cohort in the store instead of FILE.")
@_id
@_json
def invariance(file: str | None, items: str | None, waves: str, group: str | None, group_wave: str | None,
               cohort_name: str | None, id_column: str | None, as_json: bool) -> None:
    wave_names = split_names([waves])
    if (file is None) == (cohort_name is None):
        raise InvalidInput("give either FILE or --cohort COHORT, not both or neither")
    if len(wave_names) < 2 and group is None:
        raise InvalidInput("give at least two waves (--waves pre,post) or a --group to compare")
    if group_wave is not None and group_wave not in wave_names:
        raise InvalidInput(f"--group-wave {group_wave!r} is not among --waves {','.join(wave_names)}")
    if file is None:  # --cohort was given
        if items is not None:
            raise InvalidInput("--items is for FILE; with --cohort every behaviour subscale is analysed")
        emit(_cohort_invariance(str(cohort_name), wave_names, group), as_json)
        return
    if items is None:
        raise InvalidInput("--items is required with FILE, for example --items AL1,AL2,AL3,AL4")
    item_names = split_names([items])
    frame = read_participants(file, id_column)
    require(frame, [f"{w}_{i}" for w in wave_names for i in item_names] + ([group] if group else []), file)
    from lipassess.analysis.invariance import InvarianceResult, invariance_across_groups, invariance_across_waves

    frames = {w: frame[[f"{w}_{i}" for i in item_names]].set_axis(item_names, axis=1) for w in wave_names}
    across_waves = invariance_across_waves(frames) if len(wave_names) >= 2 else None
    across_groups = None
    if group is not None:
        across_groups = invariance_across_groups(frames[group_wave or wave_names[0]], frame[group])
    emit(InvarianceResult(scale=None, across_waves=across_waves, across_groups=across_groups), as_json)


def _cohort_invariance(cohort_name: str, waves: list[str], group: str | None) -> object:
    from lipassess.cli.context import transaction
    from lipassess.services.cohorts import resolve_cohort
    from lipassess.services.invariance import cohort_invariance

    with transaction() as session:
        chosen = None if cohort_name == "all" else [resolve_cohort(session, cohort_name)]
        return cohort_invariance(session, chosen, group=group, waves=waves)
