"""Instrument files -> frozen, validated dataclasses.

An instrument is a YAML file in ``instruments/`` (the format is documented in
``instruments/FORMAT.md``). :func:`load_instrument` parses one file, validates
it with marshmallow schemas and returns an :class:`Instrument`; any problem
raises :class:`lipassess.errors.InvalidInput` whose message names the file,
the item (by id, or by position when it has no usable id) and the field, e.g.::

    instruments/x.yaml: item 'AL3': field 'reverse': Not a valid boolean.

All text is normalised to Unicode NFC and stripped of surrounding whitespace
at load. :attr:`Instrument.content_hash` (SHA-256 of the canonical JSON of
:meth:`Instrument.to_dict`) is the identity of a version: the store keeps the
definition under that hash and never lets it change once responses exist.

Constructing the dataclasses directly skips validation; the validated entry
points are :func:`load_instrument`, :func:`load_instruments` and
:meth:`Instrument.from_dict`.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from lipassess.errors import InvalidInput, NotFound

__all__ = [
    "DEFAULT_MIN_SHARE",
    "ITEM_TYPES",
    "LANGUAGES",
    "RESPONDENTS",
    "TOTAL",
    "TRANSLATION_STATES",
    "WAVE_KINDS",
    "YES_NO_LABELS",
    "ChoiceOption",
    "Instrument",
    "Item",
    "Problem",
    "Scale",
    "ScalePoint",
    "ScoringRule",
    "Subscale",
    "Text",
    "TranslationStatus",
    "bundled_instruments_dir",
    "instrument_files",
    "load_instrument",
    "load_instruments",
    "mirror_mismatch",
    "validate_path",
]

WAVE_KINDS: tuple[str, ...] = ("pre", "post", "retro_pre", "followup")
ITEM_TYPES: tuple[str, ...] = ("likert", "yes_no", "text", "choice")
RESPONDENTS: tuple[str, ...] = ("self", "supervisor")
LANGUAGES: tuple[str, ...] = ("en", "km")
TRANSLATION_STATES: tuple[str, ...] = ("source", "reviewed", "pending_review")
DEFAULT_MIN_SHARE = 0.8
#: Name of the score over all likert items; reserved, so no subscale may use it.
TOTAL = "total"

ItemType = Literal["likert", "yes_no", "text", "choice"]

_INSTRUMENT_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
# Item ids become column names in R, SPSS and Stata exports: letter first, then letters,
# digits and underscores, at most 64 characters (SPSS's limit).
_ITEM_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_KHMER = re.compile(r"[\u1780-\u17FF\u19E0-\u19FF]")


# --------------------------------------------------------------------------- dataclasses


@dataclass(frozen=True, slots=True, kw_only=True)
class Text:
    """A text in every language the program uses (English and Khmer)."""

    en: str
    km: str

    def get(self, language: str) -> str:
        """The text in ``language`` (``"en"`` or ``"km"``)."""
        if language not in LANGUAGES:
            raise InvalidInput(
                f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}"
            )
        return self.en if language == "en" else self.km

    def to_dict(self) -> dict[str, str]:
        """``{"en": ..., "km": ...}``."""
        return {"en": self.en, "km": self.km}


#: Labels for the two answers of a ``yes_no`` item, stored as 1 (yes) and 0 (no).
YES_NO_LABELS: Mapping[int, Text] = {
    1: Text(en="Yes", km="បាទ/ចាស"),
    0: Text(en="No", km="ទេ"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class TranslationStatus:
    """Where each language's text stands: ``source``, ``reviewed`` or ``pending_review``."""

    en: str
    km: str

    def to_dict(self) -> dict[str, str]:
        """``{"en": ..., "km": ...}``."""
        return {"en": self.en, "km": self.km}


@dataclass(frozen=True, slots=True, kw_only=True)
class ScalePoint:
    """One labelled value of a response scale (or one missing-value code)."""

    value: int
    label: Text

    def to_dict(self) -> dict[str, Any]:
        """``{"value": ..., "label": {...}}``."""
        return {"value": self.value, "label": self.label.to_dict()}


@dataclass(frozen=True, slots=True, kw_only=True)
class Scale:
    """A named integer response scale from ``min`` to ``max``.

    ``points`` label some or all of the values (always both ends);
    ``missing_codes`` are answers such as "not applicable" or "don't know" that
    lie outside ``min..max`` and count as missing when scoring.
    """

    id: str
    min: int
    max: int
    points: tuple[ScalePoint, ...]
    missing_codes: tuple[ScalePoint, ...] = ()

    @property
    def values(self) -> range:
        """Every valid scored value, ``min`` to ``max`` inclusive."""
        return range(self.min, self.max + 1)

    @property
    def missing_values(self) -> frozenset[int]:
        """The codes that count as missing."""
        return frozenset(p.value for p in self.missing_codes)

    def label(self, value: int, language: str) -> str | None:
        """The label of ``value`` (a point or a missing code) in ``language``, if labelled."""
        for point in (*self.points, *self.missing_codes):
            if point.value == value:
                return point.label.get(language)
        return None

    def to_dict(self) -> dict[str, Any]:
        """The scale as written in an instrument file (without its name)."""
        out: dict[str, Any] = {
            "min": self.min,
            "max": self.max,
            "points": [p.to_dict() for p in self.points],
        }
        if self.missing_codes:
            out["missing_codes"] = [p.to_dict() for p in self.missing_codes]
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class ChoiceOption:
    """One option of a ``choice`` item: an integer code and its label."""

    value: int
    label: Text

    def to_dict(self) -> dict[str, Any]:
        """``{"value": ..., "label": {...}}``."""
        return {"value": self.value, "label": self.label.to_dict()}


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """One question.

    ``type`` is ``likert`` (an integer on ``scale``; the only scored type),
    ``yes_no`` (1 yes, 0 no), ``text`` (free text, at most ``max_length``
    characters when set) or ``choice`` (one of ``options``).
    """

    id: str
    type: ItemType
    text: Text
    scale: str | None = None
    subscale: str | None = None
    reverse: bool = False
    required: bool = True
    max_length: int | None = None
    options: tuple[ChoiceOption, ...] = ()

    @property
    def scored(self) -> bool:
        """True for likert items, the only ones that enter subscale and total scores."""
        return self.type == "likert"

    def to_dict(self) -> dict[str, Any]:
        """The item as written in an instrument file, with every default made explicit."""
        out: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "text": self.text.to_dict(),
            "reverse": self.reverse,
            "required": self.required,
        }
        if self.scale is not None:
            out["scale"] = self.scale
        if self.subscale is not None:
            out["subscale"] = self.subscale
        if self.max_length is not None:
            out["max_length"] = self.max_length
        if self.options:
            out["options"] = [o.to_dict() for o in self.options]
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class Subscale:
    """A group of likert items scored together; ``items`` is always the resolved list."""

    id: str
    label: Text
    items: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """``{"id", "label", "items"}``."""
        return {"id": self.id, "label": self.label.to_dict(), "items": list(self.items)}


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoringRule:
    """How scores are formed.

    ``method`` is ``mean`` (the mean of the answered items after reverse
    keying); a score is missing when fewer than ``min_share_answered`` of its
    items are answered. ``total`` asks for a score over all likert items.
    """

    method: Literal["mean"] = "mean"
    min_share_answered: float = DEFAULT_MIN_SHARE
    total: bool = True

    def to_dict(self) -> dict[str, Any]:
        """``{"method", "min_share_answered", "total"}``."""
        return {
            "method": self.method,
            "min_share_answered": self.min_share_answered,
            "total": self.total,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Instrument:
    """A validated instrument version; see ``instruments/FORMAT.md`` for every field."""

    id: str
    version: str
    title: Text
    description: Text
    instructions: Text
    translation_status: TranslationStatus
    respondent: Literal["self", "supervisor"]
    waves: tuple[str, ...]
    scales: tuple[Scale, ...]
    items: tuple[Item, ...]
    subscales: tuple[Subscale, ...] = ()
    scoring: ScoringRule = field(default_factory=ScoringRule)
    pairs_with: str | None = None
    content_hash: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "content_hash", _sha256_canonical(self.to_dict()))

    # -- look-ups -----------------------------------------------------------------------
    def item(self, item_id: str) -> Item:
        """The item with ``item_id``; :class:`NotFound` when there is none."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise NotFound(f"instrument {self.id!r} version {self.version!r} has no item {item_id!r}")

    def scale(self, name: str) -> Scale:
        """The scale called ``name``; :class:`NotFound` when there is none."""
        for scale in self.scales:
            if scale.id == name:
                return scale
        raise NotFound(f"instrument {self.id!r} version {self.version!r} has no scale {name!r}")

    def scale_of(self, item: Item | str) -> Scale:
        """The response scale of a likert item (given as :class:`Item` or id)."""
        item = self.item(item) if isinstance(item, str) else item
        if item.scale is None:
            raise InvalidInput(f"item {item.id!r} is a {item.type} item and has no scale")
        return self.scale(item.scale)

    def subscale(self, subscale_id: str) -> Subscale:
        """The subscale with ``subscale_id``; :class:`NotFound` when there is none."""
        for sub in self.subscales:
            if sub.id == subscale_id:
                return sub
        raise NotFound(
            f"instrument {self.id!r} version {self.version!r} has no subscale {subscale_id!r}"
        )

    @property
    def item_ids(self) -> tuple[str, ...]:
        """Every item id, in questionnaire order."""
        return tuple(item.id for item in self.items)

    @property
    def scored_items(self) -> tuple[Item, ...]:
        """The likert items (the ones that enter scores), in questionnaire order."""
        return tuple(item for item in self.items if item.scored)

    @property
    def score_names(self) -> tuple[str, ...]:
        """Names of the scores :mod:`lipassess.scoring` produces: subscale ids, then ``total``."""
        names = tuple(sub.id for sub in self.subscales)
        return (*names, TOTAL) if self.scoring.total else names

    # -- serialisation ------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The definition as plain JSON-safe data, in the file format, every default explicit.

        ``Instrument.from_dict(i.to_dict()) == i`` holds for every valid instrument.
        """
        out: dict[str, Any] = {
            "id": self.id,
            "version": self.version,
            "title": self.title.to_dict(),
            "description": self.description.to_dict(),
            "instructions": self.instructions.to_dict(),
            "translation_status": self.translation_status.to_dict(),
            "respondent": self.respondent,
            "waves": list(self.waves),
            "scales": {scale.id: scale.to_dict() for scale in self.scales},
            "items": [item.to_dict() for item in self.items],
            "subscales": [sub.to_dict() for sub in self.subscales],
            "scoring": self.scoring.to_dict(),
        }
        if self.pairs_with is not None:
            out["pairs_with"] = self.pairs_with
        return out

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "<definition>") -> Instrument:
        """Validate ``data`` (as read from a file or from the store) and build the instrument.

        Raises :class:`InvalidInput` naming ``source``, the item and the field.
        """
        instrument, problems = _build(data, source)
        if problems:
            raise _invalid(problems)
        assert instrument is not None
        return instrument


def _canonical_json(data: Any) -> bytes:
    return json.dumps(
        _nfc(data), sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def _sha256_canonical(data: Any) -> str:
    return hashlib.sha256(_canonical_json(data)).hexdigest()


def _nfc(value: Any) -> Any:
    """Normalise every string (and mapping key) in a nested structure to NFC, stripped."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    if isinstance(value, Mapping):
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_nfc(v) for v in value]
    return value


# --------------------------------------------------------------------------- problems


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """One thing wrong with an instrument file: where (``source``) and what (``message``)."""

    source: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


def _invalid(problems: list[Problem]) -> InvalidInput:
    first = str(problems[0])
    if len(problems) > 1:
        more = len(problems) - 1
        first += f" (and {more} more problem{'s' if more > 1 else ''}; run "
        first += "`lipassess instruments validate` to list them)"
    return InvalidInput(first, errors={"problems": [str(p) for p in problems]})


# --------------------------------------------------------------------------- YAML


class _InstrumentLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys and reads only true/false as booleans.

    YAML 1.1 (PyYAML's default) turns unquoted ``yes``, ``no``, ``on``, ``off``
    into booleans, which would silently change a label such as ``en: No``.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                first = seen.get(key)
            except TypeError:
                continue  # unhashable key: SafeConstructor reports it below
            if first is not None:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (first given on line {first + 1}); "
                    "keep only one of them",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


_InstrumentLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_InstrumentLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _read_yaml(path: Path, source: str) -> tuple[Any, list[Problem]]:
    try:
        raw_text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(source=source, message=f"not UTF-8 text ({exc.reason}); "
                              "save the file as UTF-8")]
    except OSError as exc:
        return None, [Problem(source=source, message=f"cannot read the file ({exc.strerror})")]
    try:
        data = yaml.load(raw_text, Loader=_InstrumentLoader)
    except yaml.constructor.ConstructorError as exc:
        return None, [Problem(source=source, message=_yaml_message(exc, "YAML error"))]
    except yaml.YAMLError as exc:
        return None, [Problem(source=source, message=_yaml_message(exc, "YAML syntax error"))]
    return data, []


def _yaml_message(exc: yaml.YAMLError, kind: str) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    detail = f"{problem} ({context})" if context else problem
    if isinstance(exc, yaml.constructor.ConstructorError):
        return f"{where}{kind}: {detail}"
    return f"{where}{kind}: {detail}; check the indentation and quote texts containing ': '"


# --------------------------------------------------------------------------- schemas


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
    min_share_answered = fields.Float(
        load_default=DEFAULT_MIN_SHARE,
        validate=validate.Range(
            min=0,
            max=1,
            min_inclusive=False,
            error="min_share_answered must be greater than 0 and at most 1 (e.g. 0.8 for 80%)",
        ),
    )
    total = _StrictBoolean(load_default=True)


class _InstrumentSchema(_Base):
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
            members = _subscale_members(sub, items)
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


def _subscale_members(sub: Mapping[str, Any], items: list[dict[str, Any]]) -> list[str]:
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


# --------------------------------------------------------------------------- errors -> lines


_LOCATED = {"items": "item", "subscales": "subscale", "scales": "scale"}


def _flatten(messages: Any, path: tuple[Any, ...] = ()) -> Iterable[tuple[tuple[Any, ...], str]]:
    if isinstance(messages, Mapping):
        for key, sub in messages.items():
            yield from _flatten(sub, (*path, key))
    elif isinstance(messages, list | tuple):
        for message in messages:
            if isinstance(message, Mapping | list | tuple):
                yield from _flatten(message, path)
            else:
                yield path, str(message)
    else:
        yield path, str(messages)


def _describe(path: tuple[Any, ...], raw: Any) -> str:
    """Turn an error path into ``item 'AL3': field 'text.km'`` (or the like)."""
    parts = [p for p in path if p != "_schema"]
    where = ""
    if len(parts) >= 2 and parts[0] in _LOCATED:
        group, key, rest = parts[0], parts[1], parts[2:]
        if group == "scales":
            where = f"scale {key!r}"
            if rest and rest[0] in ("value", "key"):
                if rest[0] == "key":
                    return f"scale {key!r}: name"
                rest = rest[1:]
        else:
            where = f"{_LOCATED[group]} {_entry_label(raw, group, key)}"
        parts = rest
    dotted = ""
    for part in parts:
        if isinstance(part, int):
            dotted += f"[{part}]"
        else:
            dotted += f".{part}" if dotted else str(part)
    field_text = f"field {dotted!r}" if dotted else ""
    return ": ".join(x for x in (where, field_text) if x)


def _entry_label(raw: Any, group: str, index: Any) -> str:
    """``'AL3'`` when the entry has a usable id, else ``#4`` (1-based position)."""
    if isinstance(index, int):
        entries = raw.get(group) if isinstance(raw, Mapping) else None
        if isinstance(entries, list) and 0 <= index < len(entries):
            entry = entries[index]
            if isinstance(entry, Mapping) and isinstance(entry.get("id"), str) and entry["id"]:
                return repr(entry["id"])
        return f"#{index + 1}"
    return repr(index)


def _problems_from(exc: ValidationError, raw: Any, source: str) -> list[Problem]:
    out = []
    for path, message in _flatten(exc.messages):
        where = _describe(path, raw)
        out.append(Problem(source=source, message=f"{where}: {message}" if where else message))
    return out


# --------------------------------------------------------------------------- building


def _text(data: Mapping[str, str]) -> Text:
    return Text(en=data["en"], km=data["km"])


def _points(data: list[Mapping[str, Any]]) -> tuple[ScalePoint, ...]:
    return tuple(ScalePoint(value=p["value"], label=_text(p["label"])) for p in data)


def _build(data: Any, source: str) -> tuple[Instrument | None, list[Problem]]:
    if data is None:
        return None, [Problem(source=source, message="the file is empty; see "
                              "instruments/FORMAT.md for the fields an instrument needs")]
    if not isinstance(data, Mapping):
        return None, [Problem(source=source, message=(
            f"the top level must be a mapping of fields (id:, version:, items: ...), "
            f"not a {type(data).__name__}"
        ))]
    raw = _nfc(data)
    try:
        loaded = _InstrumentSchema().load(raw)
    except ValidationError as exc:
        return None, _problems_from(exc, raw, source)

    items = tuple(
        Item(
            id=it["id"],
            type=it["type"],
            text=_text(it["text"]),
            scale=it["scale"],
            subscale=it["subscale"],
            reverse=it["reverse"],
            required=it["required"],
            max_length=it["max_length"],
            options=tuple(
                ChoiceOption(value=o["value"], label=_text(o["label"])) for o in it["options"]
            ),
        )
        for it in loaded["items"]
    )
    subscales = tuple(
        Subscale(id=s["id"], label=_text(s["label"]),
                 items=tuple(_subscale_members(s, loaded["items"])))
        for s in loaded["subscales"]
    )
    # Items listed under a subscale without naming it take the subscale as theirs.
    membership = {item_id: sub.id for sub in subscales for item_id in sub.items}
    items = tuple(
        item if item.subscale == membership.get(item.id) else _replace_subscale(item, membership)
        for item in items
    )
    scoring = loaded["scoring"]
    instrument = Instrument(
        id=loaded["id"],
        version=loaded["version"],
        title=_text(loaded["title"]),
        description=_text(loaded["description"]),
        instructions=_text(loaded["instructions"]),
        translation_status=TranslationStatus(**loaded["translation_status"]),
        respondent=loaded["respondent"],
        waves=tuple(loaded["waves"]),
        pairs_with=loaded["pairs_with"],
        scales=tuple(
            Scale(id=name, min=s["min"], max=s["max"], points=_points(s["points"]),
                  missing_codes=_points(s["missing_codes"]))
            for name, s in loaded["scales"].items()
        ),
        items=items,
        subscales=subscales,
        scoring=ScoringRule(
            method=scoring["method"],
            min_share_answered=float(scoring["min_share_answered"]),
            total=scoring["total"],
        ),
    )
    return instrument, []


def _replace_subscale(item: Item, membership: Mapping[str, str]) -> Item:
    return Item(
        id=item.id, type=item.type, text=item.text, scale=item.scale,
        subscale=membership.get(item.id), reverse=item.reverse, required=item.required,
        max_length=item.max_length, options=item.options,
    )


# --------------------------------------------------------------------------- files


def _check_file(path: Path) -> tuple[Instrument | None, list[Problem]]:
    source = str(path)
    data, problems = _read_yaml(path, source)
    if problems:
        return None, problems
    return _build(data, source)


def load_instrument(path: str | Path) -> Instrument:
    """Read, validate and return the instrument in one YAML file.

    Raises
    ------
    NotFound
        The file does not exist.
    InvalidInput
        The file is not valid YAML or not a valid instrument; the message names
        the file, the item and the field (all problems are in ``exc.errors["problems"]``).
    """
    path = Path(path)
    if not path.is_file():
        raise NotFound(f"{path}: no such instrument file")
    instrument, problems = _check_file(path)
    if problems:
        raise _invalid(problems)
    assert instrument is not None
    return instrument


def instrument_files(path: str | Path) -> list[Path]:
    """The instrument files a path stands for: the file itself, or a directory's ``*.yaml``."""
    path = Path(path)
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.glob("*.yaml") if p.is_file())
    raise NotFound(f"{path}: no such file or directory")


def _check_directory(directory: Path) -> tuple[list[Instrument], list[Problem]]:
    loaded: list[tuple[Path, Instrument]] = []
    problems: list[Problem] = []
    for path in instrument_files(directory):
        instrument, file_problems = _check_file(path)
        problems += file_problems
        if instrument is not None:
            loaded.append((path, instrument))
    return _check_set(loaded, problems)


def _check_set(
    loaded: list[tuple[Path, Instrument]], problems: list[Problem]
) -> tuple[list[Instrument], list[Problem]]:
    """Cross-file rules: one content per id+version; pairs_with names a mirrored instrument."""
    kept: dict[tuple[str, str], tuple[Path, Instrument]] = {}
    for path, instrument in loaded:
        key = (instrument.id, instrument.version)
        if key not in kept:
            kept[key] = (path, instrument)
        elif kept[key][1].content_hash != instrument.content_hash:
            problems.append(Problem(source=str(path), message=(
                f"instrument {instrument.id!r} version {instrument.version!r} is also defined, "
                f"with different content, in {kept[key][0]}; give the edited copy a new version"
            )))
    instruments = [inst for _, inst in kept.values()]
    by_id: dict[str, list[Instrument]] = {}
    for inst in instruments:
        by_id.setdefault(inst.id, []).append(inst)
    for path, inst in kept.values():
        if inst.pairs_with is None:
            continue
        targets = by_id.get(inst.pairs_with)
        if not targets:
            problems.append(Problem(source=str(path), message=(
                f"field 'pairs_with': no instrument {inst.pairs_with!r} in this directory; "
                "add its file or fix the id"
            )))
            continue
        mismatches = [mirror_mismatch(inst, target) for target in targets]
        if all(mismatches):
            problems.append(Problem(source=str(path), message=(
                f"field 'pairs_with': does not mirror {inst.pairs_with!r}: {mismatches[0]}"
            )))
    instruments.sort(key=lambda i: (i.id, i.version))
    return instruments, problems


def mirror_mismatch(form: Instrument, target: Instrument) -> str | None:
    """Why ``form`` does not mirror ``target`` (None when it does).

    Mirroring means the same item ids in the same order, the same types,
    subscales, reverse flags and scale ranges, so their scores are comparable.
    """
    if form.item_ids != target.item_ids:
        missing = [i for i in target.item_ids if i not in form.item_ids]
        extra = [i for i in form.item_ids if i not in target.item_ids]
        if missing or extra:
            return f"item ids differ (missing: {missing or 'none'}; extra: {extra or 'none'})"
        return "items are in a different order"
    for mine, theirs in zip(form.items, target.items, strict=True):
        if (mine.type, mine.subscale, mine.reverse) != (theirs.type, theirs.subscale,
                                                         theirs.reverse):
            return (f"item {mine.id!r}: type, subscale or reverse flag differs "
                    f"({mine.type}, {mine.subscale}, reverse={mine.reverse} vs "
                    f"{theirs.type}, {theirs.subscale}, reverse={theirs.reverse})")
        if mine.scored:
            a, b = form.scale_of(mine), target.scale_of(theirs)
            if (a.min, a.max) != (b.min, b.max):
                return f"item {mine.id!r}: scale range {a.min}..{a.max} vs {b.min}..{b.max}"
    if [(s.id, s.items) for s in form.subscales] != [(s.id, s.items) for s in target.subscales]:
        return "subscales differ"
    return None


def load_instruments(directory: str | Path) -> list[Instrument]:
    """Load every ``*.yaml`` instrument in ``directory``, sorted by id and version.

    Files defining the same id and version with identical content count once;
    with different content they are an error, as is a ``pairs_with`` that names
    no instrument in the directory or one whose items the form does not mirror.

    Raises
    ------
    NotFound
        ``directory`` does not exist.
    InvalidInput
        Any file is invalid, or the set breaks a cross-file rule.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise NotFound(f"{directory}: no such directory of instruments")
    instruments, problems = _check_directory(directory)
    if problems:
        raise _invalid(problems)
    return instruments


def validate_path(path: str | Path) -> list[Problem]:
    """Every problem in an instrument file or a directory of them (empty list: all valid).

    Raises :class:`NotFound` when ``path`` does not exist.
    """
    path = Path(path)
    files = instrument_files(path)
    if path.is_dir():
        if not files:
            return [Problem(source=str(path), message="no *.yaml instrument files here")]
        return _check_directory(path)[1]
    return _check_file(path)[1]


def bundled_instruments_dir() -> Path:
    """The directory of the instruments shipped with lipassess.

    In a checkout (or an editable install) that is the repository's top-level
    ``instruments/`` (recognised by its ``FORMAT.md``); in an installed wheel
    the same files are packaged as ``lipassess.bundled_instruments``.
    """
    checkout = Path(__file__).resolve().parent.parent / "instruments"
    if (checkout / "FORMAT.md").is_file():
        return checkout
    packaged = resources.files("lipassess") / "bundled_instruments"
    return Path(str(packaged))
