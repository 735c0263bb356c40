"""One query for a cohort's people and answers: students only, in the dataset and in every export."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pyreadstat
import pytest

from lipassess.services.cohort_data import student_profiles, submitted_answers
from lipassess.services.dataset import load_dataset
from lipassess.services.exports import EXPORT_FORMATS, export, export_tables
from tests.factories import bundled_versions, make_cohort, make_participant, make_wave, submit

pytestmark = pytest.mark.postgres

ITEMS = [f"{p}{i}" for p in ("AL", "CM", "CF", "PD", "CS", "SW") for i in range(1, 6)]


@pytest.fixture
def mixed_cohort(session):
    """Two students and one teacher, all three with submitted pre and post answers."""
    versions = bundled_versions(session)
    behaviour = versions["lip-leadership-behaviour"]
    cohort = make_cohort(session, 8, "LIP-C8")
    pre = make_wave(session, cohort, "pre", [behaviour])
    post = make_wave(session, cohort, "post", [behaviour])
    students = [make_participant(session, 800 + k, cohort, ministry="Interior") for k in range(2)]
    teacher = make_participant(session, 899, cohort, role="editingteacher", ministry="Teachers")
    for k, person in enumerate([*students, teacher]):
        submit(session, person, pre, {behaviour: dict.fromkeys(ITEMS, 2 + k)})
        submit(session, person, post, {behaviour: dict.fromkeys(ITEMS, 3 + k)})
    session.commit()
    return {"cohort": cohort, "students": {p.pseudonym for p in students}, "teacher": teacher.pseudonym}


def test_the_query_returns_students_only(session, mixed_cohort) -> None:
    ids = [mixed_cohort["cohort"].id]
    assert set(student_profiles(session, ids)["pseudonym"]) == mixed_cohort["students"]
    assert set(submitted_answers(session, ids)["pseudonym"]) == mixed_cohort["students"]


def test_a_teacher_with_answers_is_not_in_the_dataset(session, mixed_cohort) -> None:
    dataset = load_dataset(session, [mixed_cohort["cohort"]])
    assert set(dataset.profile.index) == mixed_cohort["students"]
    assert dataset.sheets, "the students' answers are read"
    for sheet in dataset.sheets.values():
        assert set(sheet.answers.index) == mixed_cohort["students"]


def _pseudonyms(fmt: str, path) -> set[str]:
    if fmt == "sav":
        frame, _meta = pyreadstat.read_sav(str(path))
    elif fmt == "xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        try:
            rows = list(book.worksheets[0].iter_rows(values_only=True))
        finally:
            book.close()  # a read-only workbook keeps its file open until closed
        frame = pd.DataFrame(rows[1:], columns=rows[0])
    else:
        frame = pd.read_csv(path)
    return set(frame["pseudonym"].dropna().astype(str))


def test_a_teacher_with_answers_is_in_no_export(session, mixed_cohort, tmp_path) -> None:
    tables = export_tables(session, [mixed_cohort["cohort"]], include_identities=True)
    assert set(tables.answers["pseudonym"]) == mixed_cohort["students"]
    assert set(tables.scores["pseudonym"]) == mixed_cohort["students"]
    assert tables.answers["ministry"].notna().all()  # every exported answer has its student's profile
    for fmt in EXPORT_FORMATS:
        path = tmp_path / f"export.{fmt}"
        export(session, [mixed_cohort["cohort"]], fmt, path, actor="test")
        assert _pseudonyms(fmt, path) == mixed_cohort["students"], fmt


def test_a_teacher_with_answers_counts_in_no_progress_figure(session, mixed_cohort) -> None:
    from sqlalchemy import select

    from lipassess.services.dashboard import response_curves, retention
    from lipassess.services.progress import wave_progress
    from lipassess.store.models import Wave
    from tests.factories import START

    cohort = mixed_cohort["cohort"]
    for wave in session.scalars(select(Wave).where(Wave.cohort_id == cohort.id)):
        wave.opens_at = START  # so that each wave has a response curve
    session.commit()
    assert [(p.kind, p.started, p.submitted) for p in wave_progress(session, cohort)] == [("pre", 2, 2),
                                                                                        ("post", 2, 2)]
    assert retention(session, cohort).n_pre == 2
    curves = response_curves(session, cohort)
    assert [max((point[1] for point in c.points), default=0.0) for c in curves] == [1.0, 1.0]
