"""``lipassess analyze invariance --cohort``: from stored answers (reverse keying included) to the same fits
as the analysis gives on the answers the test generated, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from lipassess.analysis import invariance_across_groups, invariance_across_waves
from tests.factories import bundled_versions, make_cohort, make_participant, make_wave, submit

pytestmark = pytest.mark.postgres

PREFIXES = ("AL", "CM", "CF", "PD", "CS", "SW")
REVERSE = {"AL4", "CM3", "CF2", "PD5", "CS4", "SW3"}  # the bundled behaviour scale's reverse-keyed items
N = 80


def keyed_answers(seed: int = 11) -> dict[str, pd.DataFrame]:
    """One factor per subscale, a lasting shift after the training; keyed answers 1-5 per wave."""
    rng = np.random.default_rng(seed)
    frames = {}
    traits = rng.normal(size=(N, len(PREFIXES)))
    for wave, shift in (("pre", 0.0), ("post", 0.5)):
        columns = {}
        for s, prefix in enumerate(PREFIXES):
            level = traits[:, s] + shift + rng.normal(scale=0.4, size=N)
            for i in range(1, 6):
                columns[f"{prefix}{i}"] = np.clip(np.rint(3 + 0.7 * level + rng.normal(scale=0.6, size=N)), 1, 5)
        frames[wave] = pd.DataFrame(columns, index=[f"p{k}" for k in range(N)])
    return frames


@pytest.fixture
def world(app, session):
    frames = keyed_answers()
    behaviour = bundled_versions(session)["lip-leadership-behaviour"]
    cohort = make_cohort(session, 3, "LIP-C6-2024")
    waves = {kind: make_wave(session, cohort, kind, [behaviour]) for kind in ("pre", "post")}
    languages = {}
    for k, pid in enumerate(frames["pre"].index):
        language = "en" if k % 8 < 3 else "km"
        person = make_participant(session, 500 + k, cohort, language=language)
        languages[person.pseudonym] = language
        for kind, wave in waves.items():
            row = frames[kind].loc[pid]
            stored = {item: int(6 - v if item in REVERSE else v) for item, v in row.items()}
            submit(session, person, wave, {behaviour: stored}, language=language)
    session.commit()
    pseudonyms = list(languages)
    return {w: f.set_axis(pseudonyms) for w, f in frames.items()}, pd.Series(languages)


def test_cohort_fits_equal_the_analysis_of_the_generated_answers(run_cli, world) -> None:
    frames, languages = world
    result = run_cli("analyze", "invariance", "--cohort", "LIP-C6-2024", "--waves", "pre,post", "--group", "language",
                     "--json")
    assert result.exit_code == 0, result
    scales = json.loads(result.out)["scales"]
    assert len(scales) == 6
    for prefix, name in (("CM", "communication"), ("CF", "conflict_management")):
        items = [f"{prefix}{i}" for i in range(1, 6)]
        waves = invariance_across_waves({w: f[items] for w, f in frames.items()})
        groups = invariance_across_groups(frames["pre"][items], languages)
        stored = scales[name]
        assert stored["across_waves"]["n_obs"] == N and stored["across_groups"]["labels"] == ["en", "km"]
        for level in ("configural", "metric", "scalar"):
            assert_allclose(stored["across_waves"][level]["chisq"], getattr(waves, level).chisq, atol=1e-9)
            assert_allclose(stored["across_groups"][level]["chisq"], getattr(groups, level).chisq, atol=1e-9)
        assert stored["across_waves"]["verdict"] == waves.verdict


def test_a_cohort_without_answers_is_exit_2(run_cli, app, session) -> None:
    make_cohort(session, 4, "LIP-C7-2025")
    session.commit()
    result = run_cli("analyze", "invariance", "--cohort", "LIP-C7-2025")
    assert result.exit_code == 2
    assert "has submitted the behaviour survey yet" in result.err
