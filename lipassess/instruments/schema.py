"""Marshmallow schemas: the rules an instrument file must follow (see ``instruments/FORMAT.md``).

Unknown keys are errors, booleans and integers are strict, and the
instrument-level schema checks the cross-references (item scales, subscale
membership, score ranges). :func:`lipassess.instruments.loading.build_instrument`
turns a loaded mapping into the model.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from lipassess.instruments.model import (
    ITEM_TYPES,
    RESPONDENTS,
    TRANSLATION_STATES,
)
from lipassess.vocabulary import TOTAL, WAVE_KINDS

_INSTRUMENT_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
# Item ids become column names in R, SPSS and Stata exports: letter first, then letters,
# digits and underscores, at most 64 characters (SPSS's limit).
_ITEM_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_KHMER = re.compile(r"[\u1780-\u17FF\u19E0-\u19FF]")


class _StrictBoolean(fields.Boolean):
    """Only YAML true/false; marshmallow's Boolean would also take 1, "yes", "on"."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class _StrictInteger(fields.Integer):
    """Integers only (no 1.5, no "3", no true)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return super()._deserialize(value, attr, data, **kwargs)


class _VersionLabel(fields.String):
    """A human version label; YAML reads ``version: 1.0`` as a number, so say how to quote."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValidationError(
                f'write the version as quoted text, e.g. version: "{value}"'
            )
        return super()._deserialize(value, attr, data, **kwargs)


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("must not be empty")


def _khmer_text(value: str) -> None:
    if not value.strip():
        raise ValidationError(
            "Khmer (km) text is missing; every text needs both en and km "
            "(mark an unreviewed translation with translation_status km: pending_review)"
        )
    if not _KHMER.search(value):
        raise ValidationError(
            "Khmer (km) text contains no Khmer script; write the Khmer translation here"
        )


class _Base(Schema):
    """Unknown keys are errors: a misspelt key would otherwise be ignored silently."""

    error_messages = {
        "unknown": "Unknown field; check its spelling against instruments/FORMAT.md.",
        "type": "Expected a mapping of fields (key: value).",
    }


class _TextSchema(_Base):
    en = fields.String(required=True, validate=_not_blank)
    km = fields.String(
        required=True,
        validate=_khmer_text,
        error_messages={
            "required": "Khmer (km) text is missing; every text needs both en and km "
            "(mark an unreviewed translation with translation_status km: pending_review)"
        },
    )


def _text_field(**kwargs: Any) -> fields.Nested:
    return fields.Nested(_TextSchema, required=True, **kwargs)


class _TranslationStatusSchema(_Base):
    _states = validate.OneOf(
        TRANSLATION_STATES,
        error="unknown translation status {input!r}; use one of {choices}",
    )
    en = fields.String(required=True, validate=_states)
    km = fields.String(required=True, validate=_states)


class _PointSchema(_Base):
    value = _StrictInteger(required=True)
    label = _text_field()


class _ScaleSchema(_Base):
    min = _StrictInteger(required=True)
    max = _StrictInteger(required=True)
    points = fields.List(fields.Nested(_PointSchema), required=True)
    missing_codes = fields.List(fields.Nested(_PointSchema), load_default=list)

    @validates_schema
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        lo, hi = data["min"], data["max"]
        if lo >= hi:
            raise ValidationError(
                {"min": [f"min ({lo}) must be less than max ({hi}); a scale needs two or more "
                         "points"]}
            )
        errors: dict[str, Any] = {}
        point_errors: dict[int, Any] = {}
        seen: set[int] = set()
        for i, point in enumerate(data["points"]):
            value = point["value"]
            if not lo <= value <= hi:
                point_errors[i] = {"value": [f"{value} lies outside the scale {lo}..{hi}"]}
            elif value in seen:
                point_errors[i] = {"value": [f"{value} is labelled twice"]}
            seen.add(value)
        if point_errors:
            errors["points"] = point_errors
        elif lo not in seen or hi not in seen:
            errors["points"] = [f"label both ends of the scale: add points for {lo} and {hi}"]
        code_errors: dict[int, Any] = {}
        codes: set[int] = set()
        for i, code in enumerate(data["missing_codes"]):
            value = code["value"]
            if lo <= value <= hi:
                code_errors[i] = {"value": [
                    f"missing code {value} lies inside the scale {lo}..{hi}; use a value "
                    f"outside it (e.g. {9 if hi < 9 else 99})"
                ]}
            elif value in codes:
                code_errors[i] = {"value": [f"missing code {value} is given twice"]}
            codes.add(value)
        if code_errors:
            errors["missing_codes"] = code_errors
        if errors:
            raise ValidationError(errors)


class _OptionSchema(_Base):
    value = _StrictInteger(required=True)
    label = _text_field()


class _ItemSchema(_Base):
    id = fields.String(
        required=True,
        validate=validate.Regexp(
            _ITEM_ID,
            error="item id {input!r} must start with a letter and contain only letters, "
            "digits and '_' (at most 64 characters), so it can name a column in R and SPSS",
        ),
    )
    type = fields.String(
        load_default=None,
        validate=validate.OneOf(
            ITEM_TYPES, error="unknown item type {input!r}; use one of {choices}"
        ),
    )
    text = _text_field()
    scale = fields.String(load_default=None)
    subscale = fields.String(load_default=None)
    reverse = _StrictBoolean(load_default=False)
    required = _StrictBoolean(load_default=True)
    max_length = _StrictInteger(
        load_default=None,
        validate=validate.Range(min=1, error="max_length must be at least 1"),
    )
    options = fields.List(fields.Nested(_OptionSchema), load_default=list)

    @pre_load
    def _infer_likert(self, data: Any, **_: Any) -> Any:
        # An item with a scale and no type is a likert item.
        if isinstance(data, Mapping) and "type" not in data and data.get("scale") is not None:
            return {**data, "type": "likert"}
        return data

    @validates_schema
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        kind = data["type"]
        if kind is None:
            raise ValidationError({"type": [
                "give a type (yes_no, text or choice), or a scale for a likert item"
            ]})
        errors: dict[str, list[str]] = {}
        if kind == "likert" and data["scale"] is None:
            errors["scale"] = ["likert items need a scale: name one of the instrument's scales"]
        if kind != "likert" and data["scale"] is not None:
            errors["scale"] = [f"only likert items take a scale (this item is {kind}); remove "
                               "'scale' or set type: likert"]
        if kind != "likert" and data["reverse"]:
            errors["reverse"] = [f"reverse keying applies only to likert items (this item is "
                                 f"{kind}); remove 'reverse'"]
        if kind != "likert" and data["subscale"] is not None:
            errors["subscale"] = [f"only likert items belong to subscales (this item is {kind}); "
                                  "remove 'subscale'"]
        if kind != "text" and data["max_length"] is not None:
            errors["max_length"] = [f"max_length applies only to text items (this item is {kind})"]
        if kind == "choice":
            values = [o["value"] for o in data["options"]]
            if len(values) < 2:
                errors["options"] = ["choice items need at least two options"]
            elif len(set(values)) != len(values):
                dup = next(v for v in values if values.count(v) > 1)
                errors["options"] = [f"option value {dup} is used twice; option values must be "
                                     "unique"]
        elif data["options"]:
            errors["options"] = [f"only choice items take options (this item is {kind})"]
        if errors:
            raise ValidationError(errors)


class _SubscaleSchema(_Base):
    id = fields.String(
        required=True,
        validate=[
            validate.Regexp(
                _NAME,
                error="subscale id {input!r} must be lower case letters, digits and '_', "
                "starting with a letter",
            ),
            validate.NoneOf([TOTAL], error=f"{TOTAL!r} is reserved for the total score; "
                                           "choose another subscale id"),
        ],
    )
    label = _text_field()
    items = fields.List(fields.String(), load_default=None)


class _ScoringSchema(_Base):
    method = fields.String(
        load_default="mean",
        validate=validate.OneOf(["mean"], error="unknown scoring method {input!r}; use mean"),
    )
    # Left out: None, and the service's LIPASSESS_MIN_SHARE_ANSWERED applies when scoring.
    min_share_answered = fields.Float(
        load_default=None,
        allow_none=False,
        validate=validate.Range(
            min=0,
            max=1,
            min_inclusive=False,
            error="min_share_answered must be greater than 0 and at most 1 (e.g. 0.8 for 80%)",
        ),
    )
    total = _StrictBoolean(load_default=True)


class InstrumentSchema(_Base):
    id = fields.String(
        required=True,
        validate=validate.Regexp(
            _INSTRUMENT_ID,
            error="instrument id {input!r} must be lower case words joined by '-', "
            "e.g. lip-reaction",
        ),
    )
    version = _VersionLabel(required=True, validate=_not_blank)
    title = _text_field()
    description = _text_field()
    instructions = _text_field()
    translation_status = fields.Nested(_TranslationStatusSchema, required=True)
    respondent = fields.String(
        load_default="self",
        validate=validate.OneOf(
            RESPONDENTS, error="unknown respondent {input!r}; use one of {choices}"
        ),
    )
    waves = fields.List(
        fields.String(
            validate=validate.OneOf(
                WAVE_KINDS, error="unknown wave kind {input!r}; use one of {choices}"
            )
        ),
        required=True,
        validate=validate.Length(min=1, error="list at least one wave"),
    )
    pairs_with = fields.String(
        load_default=None,
        validate=validate.Regexp(_INSTRUMENT_ID, error="pairs_with must be an instrument id"),
    )
    scales = fields.Dict(
        keys=fields.String(
            validate=validate.Regexp(
                _NAME,
                error="scale name {input!r} must be lower case letters, digits and '_', "
                "starting with a letter",
            )
        ),
        values=fields.Nested(_ScaleSchema),
        load_default=dict,
    )
    items = fields.List(
        fields.Nested(_ItemSchema),
        required=True,
        validate=validate.Length(min=1, error="list at least one item"),
    )
    subscales = fields.List(fields.Nested(_SubscaleSchema), load_default=list)
    scoring = fields.Nested(_ScoringSchema, load_default=lambda: _ScoringSchema().load({}))

    @validates_schema
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        errors = _Errors()
        items = data["items"]
        scales = data["scales"]

        if len(set(data["waves"])) != len(data["waves"]):
            errors.add(["waves"], "a wave is listed twice; list each wave once")
        if data["pairs_with"] is not None and data["pairs_with"] == data["id"]:
            errors.add(["pairs_with"], "an instrument cannot pair with itself")

        first_index: dict[str, int] = {}
        for i, item in enumerate(items):
            if item["id"] in first_index:
                errors.add(["items", i, "id"], (
                    f"duplicate item id {item['id']!r} (first used by item "
                    f"#{first_index[item['id']] + 1}); item ids must be unique"
                ))
            else:
                first_index[item["id"]] = i
            if item["scale"] is not None and item["scale"] not in scales:
                defined = ", ".join(scales) or "none"
                errors.add(["items", i, "scale"], (
                    f"unknown scale {item['scale']!r}; define it under 'scales' "
                    f"(defined: {defined})"
                ))

        subscale_ids = [s["id"] for s in data["subscales"]]
        for k, sub_id in enumerate(subscale_ids):
            if sub_id in subscale_ids[:k]:
                errors.add(["subscales", k, "id"], f"duplicate subscale id {sub_id!r}")
        for i, item in enumerate(items):
            if item["subscale"] is not None and item["subscale"] not in subscale_ids:
                defined = ", ".join(subscale_ids) or "none"
                errors.add(["items", i, "subscale"], (
                    f"unknown subscale {item['subscale']!r}; define it under 'subscales' "
                    f"(defined: {defined})"
                ))

        by_id = {item["id"]: item for item in items}
        listed_in: dict[str, str] = {}
        for k, sub in enumerate(data["subscales"]):
            for m, item_id in enumerate(sub["items"] or ()):
                where = ["subscales", k, "items", m]
                item = by_id.get(item_id)
                if item is None:
                    errors.add(where, f"unknown item {item_id!r}; list ids of items in 'items'")
                elif item["type"] != "likert":
                    errors.add(where, f"item {item_id!r} is a {item['type']} item; only likert "
                                      "items belong to subscales")
                elif item["subscale"] not in (None, sub["id"]):
                    errors.add(where, f"item {item_id!r} declares subscale "
                                      f"{item['subscale']!r}, not {sub['id']!r}")
                elif item_id in listed_in:
                    errors.add(where, f"item {item_id!r} is already listed in subscale "
                                      f"{listed_in[item_id]!r}; an item belongs to one subscale")
                else:
                    listed_in[item_id] = sub["id"]
            if sub["items"] is not None:
                for item in items:
                    if item["subscale"] == sub["id"] and item["id"] not in sub["items"]:
                        errors.add(["subscales", k, "items"], (
                            f"item {item['id']!r} declares this subscale but is not listed; "
                            "list it or drop the subscale's 'items' to derive them"
                        ))
        if errors:
            raise ValidationError(errors.messages)

        def range_of(item: dict[str, Any]) -> tuple[int, int]:
            scale = scales[item["scale"]]
            return scale["min"], scale["max"]

        for k, sub in enumerate(data["subscales"]):
            members = subscale_members(sub, items)
            if not members:
                errors.add(["subscales", k, "items"], (
                    "the subscale has no items; set 'subscale' on its items or list them"
                ))
                continue
            ranges = {range_of(by_id[m]) for m in members}
            if len(ranges) > 1:
                errors.add(["subscales", k, "items"], (
                    "its items use scales with different ranges "
                    f"({', '.join(f'{a}..{b}' for a, b in sorted(ranges))}); a mean needs one range"
                ))
        likert = [item for item in items if item["type"] == "likert"]
        if data["scoring"]["total"]:
            if not likert:
                errors.add(["scoring", "total"], (
                    "there are no likert items to total; set total: false"
                ))
            else:
                ranges = {range_of(item) for item in likert}
                if len(ranges) > 1:
                    errors.add(["scoring", "total"], (
                        "the likert items use scales with different ranges "
                        f"({', '.join(f'{a}..{b}' for a, b in sorted(ranges))}); "
                        "set total: false and score subscales"
                    ))
        if errors:
            raise ValidationError(errors.messages)


def subscale_members(sub: Mapping[str, Any], items: list[dict[str, Any]]) -> list[str]:
    """Listed items in their listed order, else the items that name the subscale."""
    if sub["items"] is not None:
        return list(sub["items"])
    return [item["id"] for item in items if item["subscale"] == sub["id"]]


class _Errors:
    """Collects messages into marshmallow's nested error shape."""

    def __init__(self) -> None:
        self.messages: dict[Any, Any] = {}

    def add(self, path: list[Any], message: str) -> None:
        node = self.messages
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node.setdefault(path[-1], []).append(message)

    def __bool__(self) -> bool:
        return bool(self.messages)
