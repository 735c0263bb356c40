"""What every record module shares: the mixin, ``RecordList``, warnings, Unix times, the loader.

:func:`load_answer` is the one place a schema error becomes a
:class:`~moodle_plugin_bridge.errors.MoodleProtocolError` naming the field path.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeGuard, TypeVar

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate

from moodle_plugin_bridge.errors import MoodleProtocolError

T = TypeVar("T")

RECORD = {"frozen": True, "slots": True, "kw_only": True}
"""``@dataclasses.dataclass(**RECORD)``: the options of every record."""


class RecordMixin:
    """``to_dict()`` (JSON-safe) and ``summary()`` for the frozen records."""

    __slots__ = ()
    _computed: tuple[str, ...] = ()
    if TYPE_CHECKING:
        # Every record is a dataclass; declaring the marker attribute lets type
        # checkers accept ``dataclasses.fields(self)`` (it is set by @dataclass).
        __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]

    def to_dict(self) -> dict[str, Any]:
        """Every field (and computed property) as plain JSON values.

        Datetimes become ISO 8601 strings, tuples lists, mappings dicts.
        """
        data = {f.name: _json_safe(getattr(self, f.name)) for f in dataclasses.fields(self)}
        for name in self._computed:
            data[name] = _json_safe(getattr(self, name))
        return data

    def summary(self) -> str:
        """One line per scalar field, for people."""
        lines = [type(self).__name__]
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value is None or isinstance(value, (str, int, float, datetime)):
                lines.append(f"  {f.name}: {_json_safe(value)}")
        return "\n".join(lines)


def _json_safe(value: Any) -> Any:
    if isinstance(value, RecordMixin):
        return value.to_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _json_safe(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


@dataclasses.dataclass(**RECORD)
class MoodleWarning(RecordMixin):
    """One entry of a Moodle ``warnings`` list: the call worked, but not for ``item``."""

    warningcode: str
    message: str
    item: str | None = None
    itemid: int | None = None


@dataclasses.dataclass(**RECORD)
class RecordList(RecordMixin, Sequence[T], Generic[T]):
    """An ordered, immutable sequence of records plus Moodle's ``warnings`` for that call.

    Iterate, index and ``len()`` it like a tuple; ``warnings`` holds what Moodle
    reported alongside the data (each is also logged by the client). It is empty
    for functions that have no ``warnings`` list.
    """

    items: tuple[T, ...]
    warnings: tuple[MoodleWarning, ...] = ()

    def __getitem__(self, index: Any) -> Any:
        return self.items[index]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)


#: The largest row id Moodle can hand out (its ids are ``BIGINT``).
MAX_MOODLE_ID = 2**63 - 1
#: The latest time a Moodle answer may carry, 2200-01-01 00:00 UTC: far beyond any course, and early enough
#: that a follow-up or a link's expiry computed from it is still a date Python can hold.
LATEST_UNIX_TIME = 7_258_118_400


def is_moodle_id(value: Any) -> TypeGuard[int]:
    """Whether ``value`` is a Moodle row id as its JSON writes one: a whole number from 1 to :data:`MAX_MOODLE_ID`."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_MOODLE_ID


def moodle_id(*, smallest: int = 1, **kwargs: Any) -> fields.Integer:
    """A Moodle row id: a JSON whole number from ``smallest`` (1 for rows; 0 where Moodle means "none", -1 for
    a message Moodle refused) to :data:`MAX_MOODLE_ID`. A larger or smaller number, a fraction or a string is
    a protocol error, not an id to store (Moodle's web services write ids as JSON integers)."""
    return fields.Integer(strict=True, validate=validate.Range(min=smallest, max=MAX_MOODLE_ID), **kwargs)


class UnixTime(fields.Field):
    """Unix seconds -> aware UTC datetime; ``0`` and ``null`` -> ``None``; after 2200 or negative: refused."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_none", True)
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if value is None or value == 0:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValidationError("Not a Unix timestamp.")
        if not 0 < value <= LATEST_UNIX_TIME:  # also NaN, which compares false
            raise ValidationError(f"Not a Unix timestamp between 1970 and 2200: {value!r}.")
        return datetime.fromtimestamp(value, tz=UTC)


def opt_str() -> fields.String:
    """An optional string field: missing or ``null`` loads as ``None``."""
    return fields.String(load_default=None, allow_none=True)


class BaseSchema(Schema):
    """Ignores fields it does not name, so a newer Moodle adding fields breaks nothing."""

    class Meta:
        unknown = EXCLUDE


class WarningSchema(BaseSchema):
    item = opt_str()
    itemid = fields.Integer(load_default=None, allow_none=True)  # not always a row id: any number
    warningcode = fields.String(required=True)
    message = fields.String(required=True)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> MoodleWarning:
        return MoodleWarning(**data)


def load_warnings(function: str, body: Any) -> tuple[MoodleWarning, ...]:
    """The ``warnings`` of a wrapper answer (``()`` when there is none)."""
    if not isinstance(body, Mapping) or not body.get("warnings"):
        return ()
    return tuple(load_answer(function, WarningSchema(many=True), body["warnings"], path="warnings"))


def load_answer(
    function: str,
    schema: Schema,
    body: Any,
    *,
    expect: type | None = None,
    path: str = "",
) -> Any:
    """Check the answer's shape (``expect``), load it with ``schema``; a bad field raises ``MoodleProtocolError``."""
    if expect is Mapping and not isinstance(body, Mapping):
        raise _shape_error(function, "an object", body)
    if expect is list and not isinstance(body, list):
        raise _shape_error(function, "a list", body)
    try:
        return schema.load(body)
    except ValidationError as exc:
        field, problem = _first_problem(exc.messages)
        where = _join(path, field)
        raise MoodleProtocolError(
            f"{function}: Moodle's answer has no valid '{where}' ({problem.rstrip('.')}); "
            "this Moodle version or a site customisation answers differently from what "
            "lipassess supports",
            function=function,
            field=where,
        ) from None


def _shape_error(function: str, wanted: str, body: Any) -> MoodleProtocolError:
    got = type(body).__name__
    return MoodleProtocolError(
        f"{function}: expected {wanted} from Moodle but got {got}; this Moodle version "
        "answers differently from what lipassess supports",
        function=function,
    )


def _first_problem(messages: Any, prefix: str = "") -> tuple[str, str]:
    """Walk marshmallow's nested error dict to the first leaf: (field path, problem)."""
    if isinstance(messages, Mapping):
        key = next(iter(messages))
        segment = f"[{key}]" if isinstance(key, int) else str(key)
        return _first_problem(messages[key], _join(prefix, segment))
    if isinstance(messages, list) and messages and not isinstance(messages[0], str):
        return _first_problem(messages[0], prefix)
    text = messages[0] if isinstance(messages, list) and messages else str(messages)
    return prefix, text


def _join(prefix: str, segment: str) -> str:
    if not prefix:
        return segment
    if not segment:
        return prefix
    return f"{prefix}{segment}" if segment.startswith("[") else f"{prefix}.{segment}"
