"""Marshmallow schemas of the REST API: the documented shape of every answer."""

from __future__ import annotations

from marshmallow import Schema, fields


class ErrorSchema(Schema):
    code = fields.String(required=True, metadata={"description": "Machine-readable error kind."})
    status = fields.Integer(required=True, metadata={"description": "HTTP status code."})
    message = fields.String(required=True, metadata={"description": "What went wrong and what to do."})
    errors = fields.Dict(required=True, metadata={"description": "Per-field problems, if any."})


class WaveProgressSchema(Schema):
    wave_id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"enum": ["pre", "post", "retro_pre", "followup"]})
    opens_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    closes_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    active_students = fields.Integer(required=True)
    invited = fields.Integer(required=True)
    started = fields.Integer(required=True)
    submitted = fields.Integer(required=True)
    response_rate = fields.Float(allow_none=True, metadata={"description": "submitted / active students"})
    reminders_sent = fields.Integer(required=True)
    messages_failed = fields.Integer(required=True)


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


class SubgroupRowSchema(Schema):
    group = fields.String(required=True)
    n = fields.Raw(required=True, metadata={"description": "group size, or '<5' when suppressed"})
    suppressed = fields.Boolean(required=True)
    result = fields.Dict(allow_none=True, metadata={"description": "PairedResult.to_dict(); null if suppressed"})


class SubgroupsSchema(Schema):
    by = fields.String(required=True)
    outcome = fields.String(required=True)
    min_n = fields.Integer(required=True)
    groups = fields.List(fields.Nested(SubgroupRowSchema), required=True)
