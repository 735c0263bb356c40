"""Marshmallow schemas of the REST API: the documented shape of every answer."""

from __future__ import annotations

from marshmallow import Schema, fields

from lipassess.vocabulary import LANGUAGES, WAVE_KINDS


class ErrorSchema(Schema):
    code = fields.String(required=True, metadata={"description": "Machine-readable error kind."})
    status = fields.Integer(required=True, metadata={"description": "HTTP status code."})
    message = fields.String(required=True, metadata={"description": "What went wrong and what to do."})
    errors = fields.Dict(required=True, metadata={"description": "Per-field problems, if any."})


class WaveProgressSchema(Schema):
    wave_id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"enum": list(WAVE_KINDS)})
    opens_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    closes_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    active_students = fields.Integer(required=True)
    invited = fields.Integer(required=True, metadata={"description": "Invitations Moodle accepted."})
    started = fields.Integer(required=True)
    submitted = fields.Integer(required=True)
    response_rate = fields.Float(allow_none=True, metadata={"description": "submitted / active students"})
    reminders_sent = fields.Integer(required=True)
    messages_failed = fields.Integer(required=True, metadata={"description": "Messages Moodle refused."})
    messages_unknown = fields.Integer(required=True, metadata={
        "description": "Messages sent whose answer was lost: they may or may not have arrived."})
    messages_pending = fields.Integer(required=True, metadata={
        "description": "Messages not accepted yet: waiting for the next dispatch or being sent."})


class CohortSchema(Schema):
    id = fields.Integer(required=True)
    moodle_course_id = fields.Integer(required=True)
    shortname = fields.String(required=True)
    fullname = fields.String(required=True)
    start_at = fields.DateTime(allow_none=True)
    end_at = fields.DateTime(allow_none=True)


class CohortDetailSchema(CohortSchema):
    waves = fields.List(fields.Nested(WaveProgressSchema), required=True)


class CohortListSchema(Schema):
    cohorts = fields.List(fields.Nested(CohortSchema), required=True)


class AnalysisSchema(Schema):
    """``CohortAnalysis.to_dict()``; field meanings are documented in ``lipassess.analysis``."""

    scope = fields.String(required=True)
    n_participants = fields.Integer(required=True)
    outcomes = fields.Dict(keys=fields.String(), values=fields.Dict(), required=True,
                           metadata={"description": "Outcome id -> OutcomeAnalysis.to_dict()"})
    attrition = fields.Dict(allow_none=True)
    applied = fields.Dict(allow_none=True)
    missing = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    computed_at = fields.DateTime(required=True, metadata={
        "description": "when these figures were computed (UTC); they are computed again whenever the data change"})


class SubgroupRowSchema(Schema):
    group = fields.String(required=True)
    n = fields.Raw(required=True, metadata={"description": "group size; when suppressed '<5' (under the minimum) "
                                                          "or 'hidden' (hidden so a smaller one cannot be derived)"})
    suppressed = fields.Boolean(required=True)
    result = fields.Dict(allow_none=True, metadata={"description": "PairedResult.to_dict(); null if suppressed"})


class SubgroupsSchema(Schema):
    by = fields.String(required=True)
    outcome = fields.String(required=True)
    min_n = fields.Integer(required=True)
    groups = fields.List(fields.Nested(SubgroupRowSchema), required=True)
    computed_at = fields.DateTime(required=True, metadata={
        "description": "when these figures were computed (UTC); they are computed again whenever the data change"})


# --- impact summaries (ImpactFigures.to_dict() plus the narrative) -------------------------

_MISSING_REASONS = ["not_yet", "too_few", "no_variance", "not_measured", "error"]
_WAVES = list(WAVE_KINDS)


class MissingSchema(Schema):
    """Why a group of numbers is missing (then every number of the group is null)."""

    reason = fields.String(required=True, metadata={"enum": _MISSING_REASONS})
    n = fields.Integer(allow_none=True, metadata={"description": "usable responses (too_few)"})
    needed = fields.Integer(allow_none=True, metadata={"description": "responses the statistic needs (too_few)"})
    wave = fields.String(allow_none=True, metadata={"enum": _WAVES})
    detail = fields.String(allow_none=True, metadata={"description": "the analysis's message (error)"})


class EffectSchema(Schema):
    """Hedges' g_av with its 95% CI, d_z and the pairs."""

    g_av = fields.Float(allow_none=True)
    ci_low = fields.Float(allow_none=True)
    ci_high = fields.Float(allow_none=True)
    d_z = fields.Float(allow_none=True)
    n = fields.Integer(allow_none=True)
    missing = fields.Nested(MissingSchema, allow_none=True)


class ShareSchema(Schema):
    """A proportion with its 95% (Wilson) CI."""

    share = fields.Float(allow_none=True)
    ci_low = fields.Float(allow_none=True)
    ci_high = fields.Float(allow_none=True)
    count = fields.Integer(allow_none=True)
    n = fields.Integer(allow_none=True)
    missing = fields.Nested(MissingSchema, allow_none=True)


class ReliabilityFigureSchema(Schema):
    wave = fields.String(required=True, metadata={"enum": _WAVES})
    alpha = fields.Float(allow_none=True)
    ci_low = fields.Float(allow_none=True)
    ci_high = fields.Float(allow_none=True)
    n = fields.Integer(allow_none=True)
    missing = fields.Nested(MissingSchema, allow_none=True)


class OutcomeFiguresSchema(Schema):
    outcome = fields.String(required=True)
    pre_post = fields.Nested(EffectSchema, required=True)
    pre_followup = fields.Nested(EffectSchema, required=True)
    reliability = fields.List(fields.Nested(ReliabilityFigureSchema), required=True)
    ceiling_pre = fields.Nested(ShareSchema, allow_none=True)
    mean_pre = fields.Float(allow_none=True)
    mean_post = fields.Float(allow_none=True)
    mean_followup = fields.Float(allow_none=True)


class ThenTestFigureSchema(Schema):
    gap = fields.Float(allow_none=True, metadata={"description": "g_av of retro-pre minus pre"})
    ci_low = fields.Float(allow_none=True)
    ci_high = fields.Float(allow_none=True)
    n = fields.Integer(allow_none=True)
    missing = fields.Nested(MissingSchema, allow_none=True)


class AttritionFigureSchema(Schema):
    overall_rate = fields.Float(allow_none=True)
    differential_rate = fields.Float(allow_none=True)
    baseline_smd = fields.Float(allow_none=True, metadata={"description": "leavers minus stayers at pre"})
    wwc_high = fields.Boolean(allow_none=True)
    n_baseline = fields.Integer(allow_none=True)
    n_retained = fields.Integer(allow_none=True)
    missing = fields.Nested(MissingSchema, allow_none=True)


class SubgroupFigureSchema(Schema):
    dimension = fields.String(required=True, metadata={"enum": ["ministry", "province"]})
    label = fields.String(required=True)
    suppressed = fields.Boolean(required=True)
    n = fields.Integer(allow_none=True, metadata={"description": "null when suppressed"})
    pre_post = fields.Nested(EffectSchema, allow_none=True, metadata={"description": "null when suppressed"})


class CohortEffectSchema(Schema):
    label = fields.String(required=True)
    pre_post = fields.Nested(EffectSchema, required=True)


class InvarianceFigureSchema(Schema):
    """Scalar measurement invariance of the subscales from pre to post (``lipassess.reports.invariance``)."""

    holds = fields.List(fields.String(), required=True)
    # "partial" is a Schema attribute: the field is declared under another name, read and written as "partial".
    partial_ = fields.List(fields.String(), required=True, attribute="partial", data_key="partial")
    partial_items = fields.List(fields.String(), required=True)
    fails = fields.List(fields.String(), required=True)
    language_fails = fields.List(fields.String(), required=True)


class ObserverChangeSchema(Schema):
    """A mean change on the 1-5 scale (later minus earlier) with its 95% t CI and d_z."""

    mean_diff = fields.Float(allow_none=True)
    ci_low = fields.Float(allow_none=True)
    ci_high = fields.Float(allow_none=True)
    d_z = fields.Float(allow_none=True)
    n = fields.Integer(allow_none=True)
    missing = fields.Nested(MissingSchema, allow_none=True)


class ObserverGapSchema(Schema):
    """Self minus observer rating before and after; ``change`` is self-rated minus observer-rated change."""

    pre = fields.Float(allow_none=True)
    post = fields.Float(allow_none=True)
    change = fields.Float(allow_none=True)
    ci_low = fields.Float(allow_none=True)
    ci_high = fields.Float(allow_none=True)
    verdict = fields.String(allow_none=True, metadata={"enum": ["narrowed", "widened", "unclear"]})
    n = fields.Integer(allow_none=True)
    missing = fields.Nested(MissingSchema, allow_none=True)


class ObserverAgreementSchema(Schema):
    """ICC(1), ICC(1,k) and the median r_wg among the observers of one participant (pre)."""

    icc1 = fields.Float(allow_none=True)
    icc1k = fields.Float(allow_none=True)
    rwg_median = fields.Float(allow_none=True)
    n = fields.Integer(allow_none=True)
    missing = fields.Nested(MissingSchema, allow_none=True)


class ObserverFiguresSchema(Schema):
    """What supervisors (or all observers, when fewer than the minimum supervisors rated) saw."""

    group = fields.String(required=True, metadata={"enum": ["supervisor", "observers"]})
    merged = fields.List(fields.String(), required=True)
    min_raters = fields.Integer(required=True)
    n_raters = fields.Integer(required=True)
    pre_post = fields.Nested(ObserverChangeSchema, allow_none=True)
    pre_followup = fields.Nested(ObserverChangeSchema, allow_none=True)
    self_pre_post = fields.Nested(ObserverChangeSchema, allow_none=True)
    gap = fields.Nested(ObserverGapSchema, allow_none=True)
    agreement = fields.Nested(ObserverAgreementSchema, allow_none=True)
    missing = fields.Nested(MissingSchema, allow_none=True)


class SentenceSchema(Schema):
    key = fields.String(required=True, metadata={"description": "the rule that produced the sentence"})
    text = fields.String(required=True)


class NarrativeSectionSchema(Schema):
    key = fields.String(required=True)
    heading = fields.String(required=True)
    text = fields.String(required=True)
    sentences = fields.List(fields.Nested(SentenceSchema), required=True)


class NarrativeSchema(Schema):
    """The summary's words in the requested language."""

    lang = fields.String(required=True, metadata={"enum": list(LANGUAGES)})
    title = fields.String(required=True)
    synthetic_notice = fields.String(allow_none=True)
    sections = fields.List(fields.Nested(NarrativeSectionSchema), required=True)
    caveats = fields.List(fields.Nested(SentenceSchema), required=True)
    missing = fields.List(fields.Nested(SentenceSchema), required=True)
    method = fields.Nested(SentenceSchema, required=True)
    references = fields.List(fields.String(), required=True)


class SummarySchema(Schema):
    """``ImpactFigures.to_dict()`` (see ``lipassess.reports.figures``) plus ``lang`` and ``narrative``."""

    scope = fields.String(required=True, metadata={"description": "cohort name; empty for the whole program"})
    scope_kind = fields.String(required=True, metadata={"enum": ["cohort", "program"]})
    synthetic = fields.Boolean(required=True)
    computed_at = fields.DateTime(required=True, metadata={
        "description": "when these figures were computed (UTC); they are computed again whenever the data change"})
    as_of = fields.String(allow_none=True, metadata={"format": "date"})
    n_enrolled = fields.Integer(required=True)
    n_pre = fields.Integer(required=True)
    n_post = fields.Integer(required=True)
    n_followup = fields.Integer(required=True)
    retention = fields.Nested(ShareSchema, required=True)
    outcomes = fields.List(fields.Nested(OutcomeFiguresSchema), required=True)
    reliably_improved = fields.Nested(ShareSchema, required=True)
    reliably_declined = fields.Nested(ShareSchema, required=True)
    applied_skills = fields.Nested(ShareSchema, required=True)
    then_test = fields.Nested(ThenTestFigureSchema, required=True)
    attrition = fields.Nested(AttritionFigureSchema, required=True)
    subgroups = fields.List(fields.Nested(SubgroupFigureSchema), required=True)
    cohorts = fields.List(fields.Nested(CohortEffectSchema), required=True)
    min_subgroup_size = fields.Integer(required=True)
    followup_months = fields.Integer(required=True)
    self_report = fields.Boolean(required=True)
    scale_min = fields.Float(required=True)
    scale_max = fields.Float(required=True)
    invariance = fields.Nested(InvarianceFigureSchema, allow_none=True,
                               metadata={"description": "null when too few answered both surveys"})
    observers = fields.Nested(ObserverFiguresSchema, allow_none=True, metadata={
        "description": "observer ratings (supervisors, colleagues); null when none were planned"})
    lang = fields.String(required=True, metadata={"enum": list(LANGUAGES)})
    narrative = fields.Nested(NarrativeSchema, required=True)


class NeedsSchema(Schema):
    """``NeedsAnalysis.to_dict()`` (see ``lipassess.analysis.needs`` for every field) plus the advice."""

    scope = fields.String(required=True)
    competencies = fields.List(fields.Dict(), required=True, metadata={
        "description": "by rank: competency, n, importance_mean, competence_mean, discrepancy_mean, discrepancy_sd, "
                       "mwds, mwds_ci_low, mwds_ci_high, rank (1 = largest need), quadrant (HH, HL, LH, LL)"})
    n_respondents = fields.Integer(required=True)
    n_obs = fields.Integer(required=True)
    importance_cut = fields.Float(required=True)
    discrepancy_cut = fields.Float(required=True)
    ci = fields.Float(required=True)
    method = fields.String(required=True)
    notes = fields.List(fields.String(), required=True)
    groups = fields.Dict(keys=fields.String(), values=fields.Dict(), required=True, metadata={
        "description": "ministry, province, position_level, ministry_position -> SubgroupResult.to_dict()"})
    position_labels = fields.Dict(keys=fields.String(), values=fields.Dict(), required=True)
    loop = fields.Dict(keys=fields.String(), values=fields.Dict(), required=True, metadata={
        "description": "post, followup -> needs against change (NeedsLoopResult.to_dict())"})
    min_group_size = fields.Integer(required=True)
    synthetic = fields.Boolean(required=True)
    computed_at = fields.DateTime(required=True)
    lang = fields.String(required=True)
    recommendations = fields.List(fields.Dict(), required=True, metadata={"description": "{key, text}"})
