"""Use case: export the answers of cohorts as long CSV, wide CSV, XLSX (with a codebook) or SPSS ``.sav``.

The store is read into the shapes :mod:`lipassess.reports.exports` writes:

* the **long** frame, one row per numeric answer: ``pseudonym``, ``cohort``,
  ``wave``, ``instrument``, ``item``, ``value`` and the profile columns
  ``ministry``, ``province``, ``language``, ``enrolment_status``, ``completed``
  (1/0); with identities also ``firstname``, ``lastname``, ``email``,
  ``username``, ``idnumber``, ``moodle_user_id``;
* the **scores** frame, one row per scale score: ``pseudonym``, ``cohort``,
  ``wave``, ``scale``, ``score`` (the scoring module's means of answered items);
* the :class:`~lipassess.reports.exports.Codebook` built from the instrument
  definitions: item texts and scale names in English and Khmer, value labels
  from the response scales (with their missing codes), choice options and yes/no.

Only submitted responses count. Free-text answers are not exported (they are
not numbers, and they can name people). The retrospective-pretest form (a
self-report instrument that ``pairs_with`` another) is exported under the
wave ``retro_pre``, as the analyses read it, so its items sit beside the
pretest's in the wide layout; a supervisor form that pairs with a scale gets
``<wave>_supervisor``. Scale scores keep their subscale ids; an instrument's
total is ``<instrument>_total`` (``leadership_behaviour_total``).

Names and e-mail addresses are exported only with ``include_identities=True``;
only admins may ask (the web layer checks the role, the CLI is run by the
operator). Every export, with or without identities, is written to the audit
log with the actor, the cohorts and the format.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from lipassess.errors import InsufficientData, InvalidInput
from lipassess.instruments import TOTAL, YES_NO_LABELS, Instrument
from lipassess.reports.exports import (
    Codebook,
    ValueLabel,
    Variable,
    write_long_csv,
    write_sav,
    write_wide_csv,
    write_xlsx,
)
from lipassess.scoring import score_frame
from lipassess.services import audit
from lipassess.services.cohort_data import PROFILE_FIELDS, student_profiles, submitted_answers
from lipassess.services.demo_data import scope_is_synthetic
from lipassess.services.instruments import default_min_share, instrument_of
from lipassess.services.output_file import replace_when_written
from lipassess.store.models import Cohort, InstrumentVersion
from lipassess.vocabulary import LANGUAGES, RETRO_PRE

EXPORT_FORMATS = ("long_csv", "wide_csv", "xlsx", "sav")
MEDIA_TYPES = {
    "long_csv": "text/csv",
    "wide_csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
}
FILE_SUFFIXES = {"long_csv": "-long.csv", "wide_csv": "-wide.csv", "xlsx": ".xlsx", "sav": ".sav"}
IDENTITY_FIELDS = ("firstname", "lastname", "email", "username", "idnumber", "moodle_user_id")

# Khmer labels are pending review by the program's translators, like the narrative's.
FIELD_LABELS: dict[str, tuple[str, str, str]] = {
    "ministry": ("Ministry", "ក្រសួង", "nominal"),
    "province": ("Province", "ខេត្ត", "nominal"),
    "language": ("Language of the participant (Moodle)", "ភាសារបស់អ្នកចូលរួម (Moodle)", "nominal"),
    "enrolment_status": ("Enrolment status in the course", "ស្ថានភាពចុះឈ្មោះក្នុងវគ្គ", "nominal"),
    "completed": ("Completed the course (Moodle)", "បានបញ្ចប់វគ្គ (Moodle)", "nominal"),
    "firstname": ("First name", "នាមខ្លួន", "nominal"),
    "lastname": ("Last name", "នាមត្រកូល", "nominal"),
    "email": ("E-mail address", "អាសយដ្ឋានអ៊ីមែល", "nominal"),
    "username": ("Moodle username", "ឈ្មោះអ្នកប្រើ Moodle", "nominal"),
    "idnumber": ("ID number (Moodle)", "លេខសម្គាល់ (Moodle)", "nominal"),
    "moodle_user_id": ("Moodle user id", "លេខសម្គាល់អ្នកប្រើ Moodle", "nominal"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportTables:
    """What an export writes, before choosing a format.

    Attributes
    ----------
    answers : pandas.DataFrame
        The long frame (see the module docstring).
    scores : pandas.DataFrame
        Long scale scores.
    codebook : Codebook
        Labels of every item, scale score and profile field.
    synthetic : bool
        True when the cohorts are simulated (every file then says so).
    cohorts : tuple of str
        Short names of the cohorts exported.
    """

    answers: pd.DataFrame
    scores: pd.DataFrame
    codebook: Codebook
    synthetic: bool
    cohorts: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportResult:
    """One written export file."""

    path: Path
    fmt: str
    rows: int
    participants: int
    include_identities: bool
    synthetic: bool


def check_format(fmt: str) -> str:
    """``fmt`` when it is a known export format, else :class:`InvalidInput` listing them."""
    if fmt not in EXPORT_FORMATS:
        raise InvalidInput(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}",
                           errors={"fmt": fmt})
    return fmt


def _family(instrument: Instrument) -> str:
    base = instrument.pairs_with or instrument.id
    return base.removeprefix("lip-").replace("-", "_")


def export_wave(instrument: Instrument, wave: str) -> str:
    """The wave an instrument's answers are exported under (``retro_pre`` for the then-test form)."""
    if instrument.pairs_with is None:
        return wave
    return RETRO_PRE if instrument.respondent == "self" else f"{wave}_{instrument.respondent}"


def score_name(instrument: Instrument, name: str) -> str:
    """The export name of one score: the subscale id, or ``<instrument>_total``."""
    return f"{_family(instrument)}_total" if name == TOTAL else name


def build_codebook(instruments: Iterable[Instrument], *, include_identities: bool = False) -> Codebook:
    """Labels in English and Khmer for items, scores and profile fields; the first instrument naming an id wins."""
    variables: dict[str, Variable] = {}
    for instrument in instruments:
        for item in instrument.items:
            if item.type == "text" or item.id in variables:
                continue
            if item.type == "likert":
                scale = instrument.scale_of(item)
                points = (*scale.points, *scale.missing_codes)
                values = tuple(ValueLabel(value=p.value, en=p.label.en, km=p.label.km) for p in points)
                measure = "ordinal"
            elif item.type == "yes_no":
                values = tuple(ValueLabel(value=v, en=t.en, km=t.km) for v, t in YES_NO_LABELS.items())
                measure = "nominal"
            else:
                values = tuple(ValueLabel(value=o.value, en=o.label.en, km=o.label.km) for o in item.options)
                measure = "nominal"
            variables[item.id] = Variable(name=item.id, label_en=item.text.en, label_km=item.text.km,
                                          values=values, measure=measure)
        for sub in instrument.subscales:
            variables.setdefault(sub.id, Variable(name=sub.id, label_en=f"{sub.label.en} (scale score)",
                                                  label_km=f"{sub.label.km} (ពិន្ទុ)", measure="scale"))
        if instrument.scoring.total:
            name = score_name(instrument, TOTAL)
            variables.setdefault(name, Variable(name=name, label_en=f"{instrument.title.en} (total score)",
                                                label_km=f"{instrument.title.km} (ពិន្ទុសរុប)", measure="scale"))
    fields = PROFILE_FIELDS + (IDENTITY_FIELDS if include_identities else ())
    for field in fields:
        en, km, measure = FIELD_LABELS[field]
        values = tuple(ValueLabel(value=v, en=t.en, km=t.km) for v, t in YES_NO_LABELS.items()) \
            if field == "completed" else ()
        variables.setdefault(field, Variable(name=field, label_en=en, label_km=km, values=values, measure=measure))
    return Codebook(tuple(variables.values()))


def _people(session: Session, cohort_ids: list[int], include_identities: bool) -> pd.DataFrame:
    frame = student_profiles(session, cohort_ids,
                             identity_fields=IDENTITY_FIELDS if include_identities else ())
    frame["completed"] = frame["completed"].map(lambda c: float(c) if c is not None else float("nan"))
    return frame.drop_duplicates(["pseudonym", "cohort"])


def _answers(session: Session, cohort_ids: list[int]) -> tuple[pd.DataFrame, dict[int, Instrument]]:
    frame = submitted_answers(session, cohort_ids).drop(columns=["text"]).rename(columns={"number": "value"})
    ids = [int(v) for v in frame["version_id"].unique()]
    versions = session.scalars(select(InstrumentVersion).where(InstrumentVersion.id.in_(ids))).all()
    instruments = {v.id: instrument_of(v) for v in versions}
    return frame, instruments


def export_tables(session: Session, cohorts: Sequence[Cohort] | None, *, include_identities: bool = False,
                  synthetic: bool | None = None) -> ExportTables:
    """Read the long answers, the scale scores and the codebook of ``cohorts`` (None: every cohort).

    Raises
    ------
    InsufficientData
        When nobody in those cohorts has submitted a numeric answer yet.
    """
    chosen = list(cohorts) if cohorts is not None else list(session.scalars(select(Cohort).order_by(Cohort.id)))
    ids = [c.id for c in chosen]
    names = tuple(c.shortname for c in chosen)
    raw, instruments = _answers(session, ids)
    if len(raw):
        kinds = {(vid, item.id): item.type for vid, inst in instruments.items() for item in inst.items}
        raw = raw[[kinds.get((int(v), i)) not in (None, "text") for v, i in zip(raw["version_id"], raw["item"],
                                                                                  strict=True)]]
        raw = raw[raw["value"].notna()]
    if not len(raw):
        raise InsufficientData(f"nobody in {', '.join(names) or 'the program'} has submitted answers yet; "
                               "there is nothing to export")
    raw = raw.assign(
        instrument=[instruments[int(v)].id for v in raw["version_id"]],
        wave=[export_wave(instruments[int(v)], w) for v, w in zip(raw["version_id"], raw["wave"], strict=True)],
        value=raw["value"].astype(float),
    )
    scores = _scores(raw, instruments, default_min_share(session))
    people = _people(session, ids, include_identities)
    answers = raw.drop(columns=["version_id"]).merge(people, on=["pseudonym", "cohort"], how="left")
    answers = answers.sort_values(["cohort", "pseudonym", "wave", "instrument"], kind="stable")
    order = sorted(instruments.values(), key=lambda i: (i.pairs_with is not None, i.id))
    return ExportTables(
        answers=answers.reset_index(drop=True), scores=scores,
        codebook=build_codebook(order, include_identities=include_identities),
        synthetic=scope_is_synthetic(session, chosen) if synthetic is None else bool(synthetic), cohorts=names,
    )


def _scores(raw: pd.DataFrame, instruments: dict[int, Instrument], min_share: float) -> pd.DataFrame:
    parts = []
    for (cohort, wave, version_id), group in raw.groupby(["cohort", "wave", "version_id"], sort=True):
        instrument = instruments[int(version_id)]
        if not instrument.subscales and not instrument.scoring.total:
            continue
        wide = group.pivot(index="pseudonym", columns="item", values="value")
        scored = score_frame(instrument, wide, default_min_share=min_share)
        scored.columns = [score_name(instrument, c) for c in scored.columns]
        long = scored.rename_axis("pseudonym").reset_index().melt(id_vars="pseudonym", var_name="scale",
                                                                  value_name="score")
        parts.append(long.assign(cohort=cohort, wave=wave))
    columns = ["pseudonym", "cohort", "wave", "scale", "score"]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]


def write_tables(tables: ExportTables, fmt: str, path: str | os.PathLike[str], *,
                 include_identities: bool = False, lang: str = "en") -> int:
    """Write already read tables in ``fmt``; returns the rows written (answers or participants).

    The file at ``path`` is replaced only by a complete export (:mod:`lipassess.services.output_file`);
    an unwritable ``path`` raises :class:`~lipassess.errors.InvalidInput`."""
    check_format(fmt)
    common: dict[str, Any] = {"include_identities": include_identities, "synthetic": tables.synthetic}
    with replace_when_written(path) as target:  # whole or not at all; an unwritable path is refused
        if fmt == "long_csv":
            written = write_long_csv(tables.answers, target, **common)
        elif fmt == "wide_csv":
            written = write_wide_csv(tables.answers, target, scores=tables.scores, **common)
        elif fmt == "xlsx":
            written = write_xlsx(tables.answers, target, tables.codebook, scores=tables.scores, **common)
        else:
            written = write_sav(tables.answers, target, tables.codebook, scores=tables.scores, lang=lang, **common)
    return int(len(written))


def export_many(session: Session, cohorts: Sequence[Cohort] | None, targets: Mapping[str, str | os.PathLike[str]],
                *, include_identities: bool = False, actor: str, lang: str = "en",
                synthetic: bool | None = None) -> list[ExportResult]:
    """Read once, write one file per ``format -> path`` in ``targets``, audit each; see :func:`export`."""
    for fmt in targets:
        check_format(fmt)
    if lang not in LANGUAGES:
        raise InvalidInput(f"unknown language {lang!r}; use {' or '.join(LANGUAGES)}", errors={"lang": lang})
    tables = export_tables(session, cohorts, include_identities=include_identities, synthetic=synthetic)
    participants = int(tables.answers["pseudonym"].nunique())
    results = []
    for fmt, path in targets.items():
        rows = write_tables(tables, fmt, path, include_identities=include_identities, lang=lang)
        audit.record(session, actor=actor, action="export.identities" if include_identities else "export",
                     target=",".join(tables.cohorts) or "program", format=fmt, cohorts=list(tables.cohorts),
                     include_identities=include_identities, rows=rows)
        results.append(ExportResult(path=Path(path), fmt=fmt, rows=rows, participants=participants,
                                    include_identities=include_identities, synthetic=tables.synthetic))
    session.flush()
    return results


def export(session: Session, cohorts: Sequence[Cohort] | None, fmt: str, path: str | os.PathLike[str], *,
           include_identities: bool = False, actor: str, lang: str = "en",
           synthetic: bool | None = None) -> ExportResult:
    """Write the answers of ``cohorts`` (None: every cohort) to ``path`` in ``fmt``, and audit it.

    Parameters
    ----------
    session
        Store session; the audit event is added and flushed, the caller commits.
    cohorts
        The cohorts to export, or None for every cohort.
    fmt
        ``long_csv``, ``wide_csv``, ``xlsx`` or ``sav``.
    path
        File to write.
    include_identities
        Add names, e-mail and Moodle ids. Only for admins; always audited.
    actor
        Who asked (a staff username, or ``cli``).
    lang
        Language of the SPSS variable and value labels (the XLSX codebook has both).
    synthetic
        Label the file as synthetic; None detects it.

    Raises
    ------
    InvalidInput
        Unknown format or language, or ``path`` cannot be written (nothing is written then, and a file
        already at ``path`` is kept as it was).
    InsufficientData
        No answers to export yet.
    """
    return export_many(session, cohorts, {fmt: path}, include_identities=include_identities, actor=actor,
                       lang=lang, synthetic=synthetic)[0]
