"""YAML instrument files -> validated :class:`~lipassess.instruments.model.Instrument`.

All text is normalised to Unicode NFC and stripped of surrounding whitespace
at load. Any problem raises :class:`lipassess.errors.InvalidInput` whose
message names the file, the item and the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from marshmallow import ValidationError

from lipassess.errors import NotFound
from lipassess.instruments.model import (
    ChoiceOption,
    Instrument,
    Item,
    Scale,
    ScalePoint,
    ScoringRule,
    Subscale,
    Text,
    TranslationStatus,
    nfc,
)
from lipassess.instruments.problems import Problem, problems_error, problems_from
from lipassess.instruments.schema import InstrumentSchema, subscale_members

MAX_FILE_BYTES = 1_000_000
"""The largest instrument file read (the bundled ones are under 40 KB)."""

MAX_NESTING = 32
"""How deep collections may nest (an instrument needs about 6 levels)."""


class _InstrumentLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys and reads only true/false as booleans.

    YAML 1.1 (PyYAML's default) turns unquoted ``yes``, ``no``, ``on``, ``off``
    into booleans, which would silently change a label such as ``en: No``.

    It also refuses anchors and aliases (``&a`` / ``*a``), which an instrument
    never needs and which let a file of a few hundred bytes expand to millions
    of nodes (the "billion laughs"), and collections nested deeper than
    :data:`MAX_NESTING`, which would otherwise exhaust Python's recursion.
    """

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise yaml.constructor.ConstructorError(
                None, None,
                "anchors and aliases (&name, *name) are not allowed in instrument files; "
                "write each value out in full", event.start_mark,
            )
        if isinstance(event, yaml.CollectionStartEvent) and self._depth >= MAX_NESTING:
            raise yaml.constructor.ConstructorError(
                None, None,
                f"lists and mappings are nested more than {MAX_NESTING} levels deep; "
                "an instrument needs far fewer: check the file's structure",
                # types-PyYAML types event marks as either Mark class but MarkedYAMLError's as
                # yaml.error.Mark only; PyYAML itself raises these errors with either.
                event.start_mark,  # type: ignore[arg-type]
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

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
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [Problem(source=source, message=f"the file has {size:,} bytes, more than the "
                                  f"{MAX_FILE_BYTES:,} an instrument may have; is it the right file?")]
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



def _text(data: Mapping[str, str]) -> Text:
    return Text(en=data["en"], km=data["km"])


def _points(data: list[Mapping[str, Any]]) -> tuple[ScalePoint, ...]:
    return tuple(ScalePoint(value=p["value"], label=_text(p["label"])) for p in data)


def build_instrument(data: Any, source: str) -> tuple[Instrument | None, list[Problem]]:
    """Validate already-parsed ``data`` and build the instrument, or say every problem."""
    if data is None:
        return None, [Problem(source=source, message="the file is empty; see "
                              "instruments/FORMAT.md for the fields an instrument needs")]
    if not isinstance(data, Mapping):
        return None, [Problem(source=source, message=(
            f"the top level must be a mapping of fields (id:, version:, items: ...), "
            f"not a {type(data).__name__}"
        ))]
    raw = nfc(data)
    try:
        loaded = InstrumentSchema().load(raw)
    except ValidationError as exc:
        return None, problems_from(exc, raw, source)

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
                 items=tuple(subscale_members(s, loaded["items"])))
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
            min_share_answered=(None if scoring["min_share_answered"] is None
                                else float(scoring["min_share_answered"])),
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



def check_file(path: Path) -> tuple[Instrument | None, list[Problem]]:
    """Read and validate one file: the instrument, or every problem found in it."""
    source = str(path)
    data, problems = _read_yaml(path, source)
    if problems:
        return None, problems
    return build_instrument(data, source)


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
    instrument, problems = check_file(path)
    if problems:
        raise problems_error(problems)
    assert instrument is not None
    return instrument
