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

Modules: :mod:`~lipassess.instruments.model` (the dataclasses),
:mod:`~lipassess.instruments.schema` (the marshmallow rules),
:mod:`~lipassess.instruments.loading` (YAML -> model),
:mod:`~lipassess.instruments.problems` (what is wrong, and where),
:mod:`~lipassess.instruments.files` (directories, cross-file rules, the bundled set).
"""

from lipassess.instruments.files import (
    bundled_instruments_dir,
    instrument_files,
    load_instruments,
    mirror_mismatch,
    validate_path,
)
from lipassess.instruments.loading import load_instrument
from lipassess.instruments.model import (
    DEFAULT_MIN_SHARE,
    ITEM_TYPES,
    RESPONDENTS,
    TRANSLATION_STATES,
    YES_NO_LABELS,
    ChoiceOption,
    Instrument,
    Item,
    Scale,
    ScalePoint,
    ScoringRule,
    Subscale,
    Text,
    TranslationStatus,
)
from lipassess.instruments.problems import Problem
from lipassess.vocabulary import LANGUAGES, TOTAL, WAVE_KINDS

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
