"""Use case: what observers saw, for a scope's summary (:class:`~lipassess.reports.observer_figures.ObserverFigures`).

Reads the submitted observer ratings of the scope's cohorts, scores each with
the observation instrument (its ``total``: the mean of the answered items,
reverse-keyed items recoded, under the instrument's minimum share answered),
and runs the analyses of :mod:`lipassess.analysis.self_other` and
:mod:`lipassess.analysis.rater_agreement` against the participants' own
behaviour total.

The minimum-raters rule (``LIPASSESS_MIN_RATERS_PER_RELATION``, default 3):
a relation is reported on its own only when at least that many of its raters
submitted at every wave at which it rated; fewer are merged into all
observers together ("others"). The section reports supervisors when they pass
the rule, else all observers, and is withheld (too few, with the counts) when
even all observers together are fewer. Ratings are never shown per person.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd
from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from lipassess.analysis import estimation_gap, observer_change, observer_scores, rater_agreement
from lipassess.analysis.paired import PairedResult
from lipassess.analysis.validation import TOO_FEW_ROWS
from lipassess.errors import InvalidInput
from lipassess.instruments import TOTAL, Instrument
from lipassess.reports.figures import Missing, MissingReason
from lipassess.reports.observer_figures import ObserverAgreement, ObserverChange, ObserverFigures, ObserverGap
from lipassess.scoring import reverse_keyed_frame, score_frame
from lipassess.services.instruments import default_min_share, instrument_of
from lipassess.store.database import MIN_RATERS_INFO
from lipassess.store.models import InstrumentVersion, Participant, Wave
from lipassess.store.rater_models import Rater, RaterAnswer

__all__ = ["DEFAULT_MIN_RATERS", "min_raters_of", "observer_figures", "observer_ratings"]

DEFAULT_MIN_RATERS = 3
PAIRS_NEEDED = 2
RATER_WAVES = ("pre", "post", "followup")


def min_raters_of(session: Session) -> int:
    """``LIPASSESS_MIN_RATERS_PER_RELATION`` as the app put it into the session (default 3)."""
    return int(session.info.get(MIN_RATERS_INFO, DEFAULT_MIN_RATERS))


def observer_ratings(session: Session, cohort_ids: Sequence[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Submitted ratings: (one row per rating: rater, pseudonym, wave, relation, total), (their keyed items).

    Ratings of withdrawn participants are left out.
    """
    r, w, p, a = (Rater.__table__.c, Wave.__table__.c, Participant.__table__.c, RaterAnswer.__table__.c)
    # Core columns on the session's connection, raters and answers apart: tens of thousands of answers
    # come back as four plain columns, without ORM or enum processing per row.
    connection = session.connection()
    raters = connection.execute(
        select(r.id, p.pseudonym, type_coerce(w.kind, String), r.relation)
        .join_from(Rater.__table__, Wave.__table__, w.id == r.wave_id)
        .join(Participant.__table__, p.id == r.participant_id)
        .where(w.cohort_id.in_(list(cohort_ids)), r.submitted_at.is_not(None), p.withdrawn_at.is_(None))
    ).all()
    meta_all = pd.DataFrame([tuple(x) for x in raters], columns=["rater", "pseudonym", "wave", "relation"])
    if meta_all.empty:
        return pd.DataFrame(columns=["rater", "pseudonym", "wave", "relation", "total"]), pd.DataFrame()
    answers = connection.execute(
        select(a.rater_id, a.instrument_version_id, a.item_key, a.value_number)
        .join_from(RaterAnswer.__table__, Rater.__table__, r.id == a.rater_id)
        .join(Wave.__table__, w.id == r.wave_id).join(Participant.__table__, p.id == r.participant_id)
        .where(w.cohort_id.in_(list(cohort_ids)), r.submitted_at.is_not(None), p.withdrawn_at.is_(None),
               a.value_number.is_not(None))
    ).all()
    long = pd.DataFrame([tuple(x) for x in answers], columns=["rater", "version", "item", "number"])
    meta_all = meta_all.set_index("rater")
    share = default_min_share(session)
    frames, items = [], []
    for version_id, block in long.groupby("version"):
        version = session.get(InstrumentVersion, int(version_id))
        assert version is not None
        instrument: Instrument = instrument_of(version)
        wide = block.pivot_table(index="rater", columns="item", values="number", aggfunc="first")
        wide = wide[[c for c in wide.columns if c in {i.id for i in instrument.items}]]
        scores = score_frame(instrument, wide, default_min_share=share)
        meta = meta_all.loc[wide.index]
        frames.append(meta.join(scores[[TOTAL]].rename(columns={TOTAL: "total"})))
        items.append(reverse_keyed_frame(instrument, wide))
    ratings = pd.concat(frames).reset_index()
    return ratings, pd.concat(items)


def _too_few(exc: InvalidInput, wave: str | None) -> Missing:
    if exc.errors.get("reason") == TOO_FEW_ROWS:
        return Missing(reason=MissingReason.TOO_FEW, n=int(exc.errors["n_obs"]), needed=int(exc.errors["min_rows"]),
                       wave=wave)
    return Missing(reason=MissingReason.ERROR, detail=exc.message, wave=wave)


def _absent(wave: str, closed: Mapping[str, bool], rated: int) -> Missing:
    if rated == 0 and not closed.get(wave, False):
        return Missing(reason=MissingReason.NOT_YET, wave=wave)
    return Missing(reason=MissingReason.TOO_FEW, n=rated, needed=PAIRS_NEEDED, wave=wave)


def _change(result: PairedResult) -> ObserverChange:
    values = [result.mean_diff, result.mean_diff_ci_low, result.mean_diff_ci_high]
    if not all(math.isfinite(v) for v in values):
        return ObserverChange(missing=Missing(reason=MissingReason.NO_VARIANCE), n=result.n_obs)
    d_z = result.d_z if math.isfinite(result.d_z) else None
    return ObserverChange(mean_diff=result.mean_diff, ci_low=result.mean_diff_ci_low,
                          ci_high=result.mean_diff_ci_high, d_z=d_z, n=result.n_obs)


def _group(ratings: pd.DataFrame, min_raters: int) -> tuple[str, tuple[str, ...]]:
    """Who the section reports, and which relations fall short of the rule."""
    counts = ratings.groupby(["relation", "wave"])["rater"].nunique().unstack(fill_value=0)
    short = tuple(sorted(r for r in counts.index
                         if ((counts.loc[r] > 0) & (counts.loc[r] < min_raters)).any()))
    group = "supervisor" if "supervisor" in counts.index and "supervisor" not in short else "observers"
    return group, short


def observer_figures(session: Session, cohort_ids: Sequence[int], *, self_scores: pd.DataFrame,
                     closed: Mapping[str, bool], min_raters: int | None = None) -> ObserverFigures | None:
    """What observers saw in the scope, or None when no rater was ever named for its cohorts.

    Parameters
    ----------
    self_scores
        The participants' own behaviour total: index pseudonym, columns ``pre``, ``post``, ``followup``.
    closed
        Wave kind -> whether such a wave has closed (tells "not yet" from "too few").
    min_raters
        The minimum-raters rule; default from the session (``LIPASSESS_MIN_RATERS_PER_RELATION``).
    """
    ids = list(cohort_ids)
    named = session.scalar(select(Rater.id).join(Wave, Wave.id == Rater.wave_id)
                           .where(Wave.cohort_id.in_(ids)).limit(1))
    if named is None:
        return None
    need = min_raters_of(session) if min_raters is None else min_raters
    ratings, keyed = observer_ratings(session, ids)
    if ratings.empty:
        wave = next((w for w in RATER_WAVES if not closed.get(w, False)), "pre")
        reason = _absent(wave, closed, 0) if not all(closed.get(w, False) for w in ("pre", "post")) else \
            Missing(reason=MissingReason.TOO_FEW, n=0, needed=need)
        return ObserverFigures(min_raters=need, missing=reason)
    group, short = _group(ratings, need)
    chosen = ratings[ratings["relation"] == "supervisor"] if group == "supervisor" else ratings
    if chosen["rater"].nunique() < need:
        return ObserverFigures(min_raters=need, n_raters=int(chosen["rater"].nunique()),
                               missing=Missing(reason=MissingReason.TOO_FEW, n=int(chosen["rater"].nunique()),
                                               needed=need))
    merged = short if group == "observers" else ()  # supervisors alone: the others are not shown at all
    other = {w: observer_scores(chosen[chosen["wave"] == w], target="pseudonym", score="total")
             for w in RATER_WAVES}
    own = {w: self_scores[w].dropna() if w in self_scores.columns else pd.Series(dtype=float) for w in RATER_WAVES}

    def change(later: str, values: Mapping[str, pd.Series]) -> ObserverChange:
        pairs = values["pre"].index.intersection(values[later].index)
        if len(pairs) < PAIRS_NEEDED:
            return ObserverChange(missing=_absent(later if len(values[later]) < PAIRS_NEEDED else "pre", closed,
                                                  len(pairs)))
        return _change(observer_change(values["pre"], values[later]))

    pre_post, pre_followup = change("post", other), change("followup", other)
    both = other["pre"].index.intersection(other["post"].index)
    self_pre_post = change("post", {w: s.loc[s.index.intersection(both)] for w, s in own.items()})
    try:
        result = estimation_gap(own["pre"], other["pre"], own["post"], other["post"])
        gap = ObserverGap(pre=result.mean_gap_pre, post=result.mean_gap_post, change=result.signed.mean_diff,
                          ci_low=result.signed.mean_diff_ci_low, ci_high=result.signed.mean_diff_ci_high,
                          verdict=result.verdict, n=result.n_obs)
        if not math.isfinite(result.signed.mean_diff_ci_low):
            gap = ObserverGap(missing=Missing(reason=MissingReason.NO_VARIANCE), n=result.n_obs)
    except InvalidInput as exc:
        gap = ObserverGap(missing=_too_few(exc, "post"))
    pre_items = keyed.loc[ratings.loc[ratings["wave"] == "pre", "rater"].to_numpy()]
    try:
        frame = pre_items.assign(person=ratings.set_index("rater").loc[pre_items.index, "pseudonym"].to_numpy())
        agree = rater_agreement(frame, target="person", items=list(keyed.columns), scale=(1, 5))
        agreement = ObserverAgreement(icc1=agree.icc1, icc1k=agree.icc1k, rwg_median=agree.rwg_median,
                                      n=agree.n_obs)
        if not (math.isfinite(agree.icc1) and math.isfinite(agree.icc1k)):
            agreement = ObserverAgreement(missing=Missing(reason=MissingReason.NO_VARIANCE), n=agree.n_obs)
    except InvalidInput as exc:
        agreement = ObserverAgreement(missing=_too_few(exc, "pre"))
    return ObserverFigures(group=group, merged=merged, min_raters=need, n_raters=int(chosen["rater"].nunique()),
                           pre_post=pre_post, pre_followup=pre_followup, self_pre_post=self_pre_post, gap=gap,
                           agreement=agreement)

