"""Nested Python parameters -> the PHP-style form fields Moodle's REST server reads.

Moodle's REST server hands ``$_POST`` to the external function, so structures
are spelled the way PHP parses form bodies: ``values[0]=2``,
``options[0][name]=onlyactive``, ``coursecapabilities[0][capabilities][1]=...``,
to any depth. This module turns plain Python data (mappings, lists, tuples,
scalars) into those ``(key, value)`` pairs, and splits large write batches so
that PHP's ``max_input_vars`` (1000 by default, counted per form field) can
never silently truncate a request.

Encoding rules
--------------
* mappings nest as ``key[sub]``; lists and tuples as ``key[0]``, ``key[1]`` ...
* ``True``/``False`` -> ``1``/``0`` (Moodle's ``PARAM_BOOL``);
* ints as decimal; floats in the shortest form that round-trips (``82.5``,
  ``91`` for ``91.0``); NaN and infinities are refused;
* ``None`` as a mapping value omits the key (Moodle's optional parameters are
  absent, never null); ``None`` inside a list is refused because it would
  shift every later index;
* an empty list or mapping produces no field at all: PHP form encoding cannot
  express an empty array, and Moodle then treats the parameter as missing.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

T = TypeVar("T")

PHP_DEFAULT_MAX_INPUT_VARS = 1000
"""PHP's default ``max_input_vars``: fields beyond it are dropped without an error."""

DEFAULT_RESERVED_VARS = 100
"""Fields kept free in every request: the transport's own (``wstoken``) plus a 10 % margin."""


def flatten(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Flatten nested parameters into Moodle's PHP-style form fields, in order.

    Parameters
    ----------
    params
        Top-level parameter names mapped to scalars, mappings or sequences.

    Returns
    -------
    list of (str, str)
        Form fields in insertion order, ready for ``urlencode`` or ``requests``.

    Raises
    ------
    TypeError
        A value is of a type Moodle cannot receive (bytes, sets, objects) or a
        list holds ``None``.
    ValueError
        A float is NaN or infinite.

    Examples
    --------
    >>> flatten({"courseid": 3, "options": [{"name": "onlyactive", "value": True}]})
    [('courseid', '3'), ('options[0][name]', 'onlyactive'), ('options[0][value]', '1')]
    """
    if not isinstance(params, Mapping):
        raise TypeError(
            f"Moodle parameters must be a mapping of names, not {type(params).__name__}"
        )
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        if not isinstance(key, str) or not key:
            raise TypeError(f"top-level parameter names must be non-empty strings, got {key!r}")
        _flatten_into(pairs, key, value)
    return pairs


def encode(params: Mapping[str, Any]) -> str:
    """The ``application/x-www-form-urlencoded`` body for ``params`` (brackets as %5B/%5D).

    Examples
    --------
    >>> encode({"field": "id", "values": [10, 28]})
    'field=id&values%5B0%5D=10&values%5B1%5D=28'
    """
    return urlencode(flatten(params))


def count_fields(params: Mapping[str, Any] | None) -> int:
    """How many form fields ``params`` becomes: what PHP counts against ``max_input_vars``."""
    return len(flatten(params)) if params else 0


def split_batches(
    items: Sequence[T],
    *,
    key: str,
    fixed: Mapping[str, Any] | None = None,
    max_input_vars: int = PHP_DEFAULT_MAX_INPUT_VARS,
    reserved: int = DEFAULT_RESERVED_VARS,
) -> Iterator[list[T]]:
    """Split ``items`` into consecutive batches whose requests stay under ``max_input_vars``.

    Each batch is meant to be sent as ``{**fixed, key: batch}``. Batches keep the
    items' order and are filled greedily, so concatenating them gives ``items``
    back.

    Parameters
    ----------
    items
        The list parameter to split (e.g. the ``messages`` of
        ``core_message_send_instant_messages``).
    key
        Its parameter name.
    fixed
        Parameters repeated in every batch (e.g. ``courseid``); they count
        against the budget too.
    max_input_vars
        The Moodle server's PHP ``max_input_vars``.
    reserved
        Fields kept free for the transport (``wstoken``) and as a margin.

    Yields
    ------
    list
        Non-empty batches; nothing for an empty ``items``.

    Raises
    ------
    ValueError
        The budget leaves no room, or one item alone needs more fields than the
        budget allows (raise ``max_input_vars`` on the server or shrink the item).
    """
    budget = max_input_vars - reserved - count_fields(fixed)
    if budget <= 0:
        raise ValueError(
            f"max_input_vars={max_input_vars} leaves no room for {key!r} after {reserved} reserved "
            f"and {count_fields(fixed)} fixed fields; raise max_input_vars"
        )
    batch: list[T] = []
    used = 0
    for index, item in enumerate(items):
        # Each list element flattens to the same number of fields whatever its index.
        size = count_fields({key: [item]})
        if size > budget:
            raise ValueError(
                f"{key}[{index}] alone needs {size} form fields but only {budget} fit under "
                f"max_input_vars={max_input_vars}; raise max_input_vars on the Moodle server"
            )
        if batch and used + size > budget:
            yield batch
            batch, used = [], 0
        batch.append(item)
        used += size
    if batch:
        yield batch


def _flatten_into(pairs: list[tuple[str, str]], prefix: str, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, Mapping):
        for sub_key, sub_value in value.items():
            if not isinstance(sub_key, (str, int)) or isinstance(sub_key, bool):
                raise TypeError(f"parameter keys must be str or int, got {sub_key!r} in {prefix}")
            _flatten_into(pairs, f"{prefix}[{sub_key}]", sub_value)
        return
    if isinstance(value, (list, tuple)):
        for index, element in enumerate(value):
            if element is None:
                raise TypeError(
                    f"{prefix}[{index}] is None: drop the element instead, a null inside a list "
                    "would shift every later index"
                )
            _flatten_into(pairs, f"{prefix}[{index}]", element)
        return
    pairs.append((prefix, _scalar(prefix, value)))


def _scalar(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{name} is {value!r}: Moodle accepts only finite numbers")
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, str):
        return value
    raise TypeError(
        f"{name} has type {type(value).__name__}: pass str, int, float, bool, a mapping or a list"
    )
