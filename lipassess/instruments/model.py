"""The instrument model: frozen dataclasses for a validated instrument version.

Constructing these dataclasses directly skips validation; the validated entry
points are :func:`lipassess.instruments.load_instrument`,
:func:`lipassess.instruments.load_instruments` and :meth:`Instrument.from_dict`.
:attr:`Instrument.content_hash` (SHA-256 of the canonical JSON of
:meth:`Instrument.to_dict`) is the identity of a version.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from lipassess.errors import InvalidInput, NotFound
from lipassess.vocabulary import LANGUAGES, TOTAL

ITEM_TYPES: tuple[str, ...] = ("likert", "yes_no", "text", "choice")
RESPONDENTS: tuple[str, ...] = ("self", "supervisor")
TRANSLATION_STATES: tuple[str, ...] = ("source", "reviewed", "pending_review")
#: The share of a scale's items that must be answered for a score, when neither the
#: instrument nor ``LIPASSESS_MIN_SHARE_ANSWERED`` says otherwise.
DEFAULT_MIN_SHARE = 0.8

ItemType = Literal["likert", "yes_no", "text", "choice"]


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
    keying); a score is missing when fewer than the minimum share of its items
    are answered. ``min_share_answered`` is that share as the instrument
    declares it, or None when the file leaves it out: then the service's
    setting (``LIPASSESS_MIN_SHARE_ANSWERED``, default :data:`DEFAULT_MIN_SHARE`)
    applies; see :meth:`share`. ``total`` asks for a score over all likert items.
    """

    method: Literal["mean"] = "mean"
    min_share_answered: float | None = None
    total: bool = True

    def share(self, default: float = DEFAULT_MIN_SHARE) -> float:
        """The minimum share in force: the instrument's own, else ``default`` (the setting).

        >>> ScoringRule(min_share_answered=0.75).share(0.5), ScoringRule().share(0.5), ScoringRule().share()
        (0.75, 0.5, 0.8)
        """
        return default if self.min_share_answered is None else self.min_share_answered

    def to_dict(self) -> dict[str, Any]:
        """``{"method", "min_share_answered", "total"}``; ``min_share_answered`` only when declared."""
        out: dict[str, Any] = {"method": self.method}
        if self.min_share_answered is not None:
            out["min_share_answered"] = self.min_share_answered
        out["total"] = self.total
        return out


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

        The one exception is an undeclared ``scoring.min_share_answered``: it
        stays out, so the version's identity does not depend on the setting.

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
        from lipassess.instruments.loading import build_instrument
        from lipassess.instruments.problems import problems_error

        instrument, problems = build_instrument(data, source)
        if problems:
            raise problems_error(problems)
        assert instrument is not None
        return instrument


def _canonical_json(data: Any) -> bytes:
    return json.dumps(
        nfc(data), sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def _sha256_canonical(data: Any) -> str:
    return hashlib.sha256(_canonical_json(data)).hexdigest()


def nfc(value: Any) -> Any:
    """Normalise every string (and mapping key) in a nested structure to NFC, stripped."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    if isinstance(value, Mapping):
        return {nfc(k): nfc(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [nfc(v) for v in value]
    return value

