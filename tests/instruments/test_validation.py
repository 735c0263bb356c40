"""Malformed instrument files: each kind of problem has its own message (file, item, field)."""

from __future__ import annotations

import re

import pytest

from lipassess.errors import InvalidInput, NotFound
from lipassess.instruments import Text, load_instrument, validate_path
from tests.instruments.fixtures import SCORING_YAML, write


def edit(old: str, new: str, text: str = SCORING_YAML) -> str:
    """Replace one exact, unique snippet of the fixture."""
    assert text.count(old) == 1, f"fixture snippet not unique: {old!r}"
    return text.replace(old, new)


A2 = "  - {id: A2, text: {en: a two, km: \"ក២\"}, scale: freq, subscale: a, reverse: true}\n"

def line_of(snippet: str, text: str) -> int:
    """1-based line number of the line holding ``snippet``."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if snippet in line)


Y = "  - {id: Y, type: yes_no, text: {en: applied, km: \"បានអនុវត្ត\"}}\n"

BROKEN_INDENT = edit("items:\n", "items:\n  - id: A0\n   text: broken\n")

# (case id, edited file text, expected message after "<file>: ")
CASES = [
    (
        "yaml-syntax",
        BROKEN_INDENT,
        rf"line {line_of('   text: broken', BROKEN_INDENT)}, column \d+: YAML syntax error: "
        r".*check the indentation",
    ),
    (
        "duplicate-key",
        edit(A2, A2.replace("reverse: true}", "reverse: true, reverse: false}")),
        rf"line {line_of('id: A2', SCORING_YAML)}, column \d+: YAML error: duplicate key "
        rf"'reverse' \(first given on line {line_of('id: A2', SCORING_YAML)}\); keep only one",
    ),
    (
        "missing-field",
        edit("waves: [pre, post]\n", ""),
        r"field 'waves': Missing data for required field\.",
    ),
    (
        "wrong-type",
        edit(A2, A2.replace("reverse: true", "reverse: maybe")),
        r"item 'A2': field 'reverse': Not a valid boolean\.",
    ),
    (
        "wrong-type-integer",
        edit("    max: 5\n", "    max: five\n"),
        r"scale 'freq': field 'max': Not a valid integer\.",
    ),
    (
        "unknown-scale",
        edit(A2, A2.replace("scale: freq", "scale: frequency")),
        r"item 'A2': field 'scale': unknown scale 'frequency'; define it under 'scales' "
        r"\(defined: freq\)",
    ),
    (
        "duplicate-item-id",
        edit("  - {id: A3,", "  - {id: A2,"),
        r"item 'A2': field 'id': duplicate item id 'A2' \(first used by item #2\)",
    ),
    (
        "subscale-unknown-item",
        edit("items: [B1, B2, B3, B4]", "items: [B1, B2, B3, B4, B9]"),
        r"subscale 'b': field 'items\[4\]': unknown item 'B9'",
    ),
    (
        "reverse-on-non-likert",
        edit(Y, Y.replace("}}\n", "}, reverse: true}\n")),
        r"item 'Y': field 'reverse': reverse keying applies only to likert items "
        r"\(this item is yes_no\)",
    ),
    (
        "min-not-below-max",
        edit("    min: 1\n", "    min: 5\n"),
        r"scale 'freq': field 'min': min \(5\) must be less than max \(5\)",
    ),
    (
        "km-missing",
        edit('{id: A3, text: {en: a three, km: "ក៣"}', "{id: A3, text: {en: a three}"),
        r"item 'A3': field 'text\.km': Khmer \(km\) text is missing",
    ),
    (
        "km-empty",
        edit('{id: A3, text: {en: a three, km: "ក៣"}', '{id: A3, text: {en: a three, km: ""}'),
        r"item 'A3': field 'text\.km': Khmer \(km\) text is missing",
    ),
    (
        "km-not-khmer",
        edit('{id: A3, text: {en: a three, km: "ក៣"}', "{id: A3, text: {en: a three, km: a3}"),
        r"item 'A3': field 'text\.km': Khmer \(km\) text contains no Khmer script",
    ),
    (
        "unknown-wave",
        edit("waves: [pre, post]", "waves: [pre, midpoint]"),
        r"field 'waves\[1\]': unknown wave kind 'midpoint'; use one of needs, pre, post, "
        r"retro_pre, followup",
    ),
    (
        "min-share-zero",
        SCORING_YAML + "scoring: {min_share_answered: 0}\n",
        r"field 'scoring\.min_share_answered': min_share_answered must be greater than 0 "
        r"and at most 1",
    ),
    (
        "min-share-above-one",
        SCORING_YAML + "scoring: {min_share_answered: 1.5}\n",
        r"field 'scoring\.min_share_answered': min_share_answered must be greater than 0 "
        r"and at most 1",
    ),
    (
        "min-share-null",
        SCORING_YAML + "scoring: {min_share_answered: null}\n",
        r"field 'scoring\.min_share_answered': Field may not be null",
    ),
    (
        "unknown-field",
        edit(A2, A2.replace("reverse: true", "revers: true")),
        r"item 'A2': field 'revers': Unknown field; check its spelling",
    ),
    (
        "item-without-id",
        edit("  - {id: A3, text", "  - {text"),
        r"item #3: field 'id': Missing data for required field\.",
    ),
    (
        "item-not-a-mapping",
        edit("items:\n", "items:\n  - just a string\n"),
        r"item #1: Expected a mapping of fields",
    ),
    (
        "unknown-subscale",
        edit("scale: freq, subscale: a}\n  - {id: A2", "scale: freq, subscale: c}\n  - {id: A2"),
        r"item 'A1': field 'subscale': unknown subscale 'c'; define it under 'subscales'",
    ),
    (
        "item-in-two-subscales",
        edit("items: [B1, B2, B3, B4]", "items: [B1, B2, B3, B4, A1]"),
        r"subscale 'b': field 'items\[4\]': item 'A1' declares subscale 'a', not 'b'",
    ),
    (
        "text-item-in-subscale",
        edit("items: [B1, B2, B3, B4]", "items: [B1, B2, B3, B4, T]"),
        r"subscale 'b': field 'items\[4\]': item 'T' is a text item; only likert items",
    ),
    (
        "likert-without-scale",
        edit('{id: A3, text: {en: a three, km: "ក៣"}, scale: freq,',
             '{id: A3, type: likert, text: {en: a three, km: "ក៣"},'),
        r"item 'A3': field 'scale': likert items need a scale",
    ),
    (
        "item-without-type-or-scale",
        edit('{id: A3, text: {en: a three, km: "ក៣"}, scale: freq, subscale: a}',
             '{id: A3, text: {en: a three, km: "ក៣"}}'),
        r"item 'A3': field 'type': give a type \(yes_no, text or choice\), or a scale",
    ),
    (
        "unknown-item-type",
        edit("type: yes_no", "type: boolean"),
        r"item 'Y': field 'type': unknown item type 'boolean'",
    ),
    (
        "choice-with-one-option",
        edit("      - {value: 2, label: {en: Money, km: \"ថវិកា\"}}\n", ""),
        r"item 'C': field 'options': choice items need at least two options",
    ),
    (
        "point-outside-scale",
        edit("- {value: 2, label: {en: Rarely", "- {value: 7, label: {en: Rarely"),
        r"scale 'freq': field 'points\[1\]\.value': 7 lies outside the scale 1\.\.5",
    ),
    (
        "missing-code-inside-scale",
        edit("- {value: 9, label: {en: Not applicable", "- {value: 3, label: {en: Not applicable"),
        r"scale 'freq': field 'missing_codes\[1\]\.value': missing code 3 lies inside the scale",
    ),
    (
        "end-point-unlabelled",
        edit("      - {value: 5, label: {en: Always, km: \"ជានិច្ច\"}}\n", ""),
        r"scale 'freq': field 'points': label both ends of the scale: add points for 1 and 5",
    ),
    (
        "version-as-number",
        edit('version: "1.0"', "version: 1.0"),
        r"field 'version': write the version as quoted text, e\.g\. version: \"1\.0\"",
    ),
    (
        "bad-instrument-id",
        edit("id: scoring-fixture", "id: Scoring Fixture"),
        r"field 'id': instrument id 'Scoring Fixture' must be lower case words joined by '-'",
    ),
    (
        "bad-item-id",
        edit("  - {id: A3,", "  - {id: 3A,"),
        r"item '3A': field 'id': item id '3A' must start with a letter",
    ),
    (
        "translation-status",
        edit("{en: source, km: pending_review}", "{en: source, km: draft}"),
        r"field 'translation_status\.km': unknown translation status 'draft'",
    ),
    (
        "reserved-subscale-id",
        edit("  - {id: a, label", "  - {id: total, label")
        .replace("subscale: a}", "subscale: total}"),
        r"subscale 'total': field 'id': 'total' is reserved for the total score",
    ),
    (
        "mixed-ranges-in-total",
        edit("\nscales:\n", "\nscales:\n  short:\n    min: 1\n    max: 3\n    points:\n"
             "      - {value: 1, label: {en: Low, km: \"ទាប\"}}\n"
             "      - {value: 3, label: {en: High, km: \"ខ្ពស់\"}}\n")
        .replace("{id: B1, text: {en: b one, km: \"ខ១\"}, scale: freq}",
                 "{id: B1, text: {en: b one, km: \"ខ១\"}, scale: short}")
        .replace("items: [B1, B2, B3, B4]", "items: [B2, B3, B4]")
        .replace("  - {id: b, label", "  - {id: c, label: {en: C, km: \"គ\"}, items: [B1]}\n"
                 "  - {id: b, label"),
        r"field 'scoring\.total': the likert items use scales with different ranges "
        r"\(1\.\.3, 1\.\.5\); set total: false",
    ),
    (
        "wave-twice",
        edit("waves: [pre, post]", "waves: [pre, post, pre]"),
        r"field 'waves': a wave is listed twice",
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_malformed_file_gets_its_own_message(tmp_path, text, expected):
    path = write(tmp_path, text, "x.yaml")
    with pytest.raises(InvalidInput) as info:
        load_instrument(path)
    assert str(info.value).startswith(f"{path}: ")
    problems = info.value.errors["problems"]
    assert any(re.match(f"{re.escape(str(path))}: {expected}", p) for p in problems), problems


def test_the_messages_are_all_different(tmp_path):
    seen: dict[str, str] = {}
    for case_id, text, _ in CASES:
        path = write(tmp_path, text, "x.yaml")
        messages = validate_path(path)
        assert messages, case_id
        first = messages[0].message
        assert first not in seen or seen[first] in {"km-missing", "km-empty",
                                                     "min-share-zero", "min-share-above-one"}, (
            case_id, seen.get(first))
        seen[first] = case_id


def test_all_problems_are_reported_together(tmp_path):
    text = edit(A2, A2.replace("reverse: true", "reverse: maybe"))
    text = text.replace("waves: [pre, post]", "waves: [pre, mid]")
    problems = validate_path(write(tmp_path, text, "x.yaml"))
    assert len(problems) == 2
    with pytest.raises(InvalidInput, match=r"and 1 more problem;"):
        load_instrument(tmp_path / "x.yaml")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", "the file is empty"), ("- a\n- b\n", "the top level must be a mapping")],
)
def test_empty_or_non_mapping_files(tmp_path, text, expected):
    with pytest.raises(InvalidInput, match=expected):
        load_instrument(write(tmp_path, text, "x.yaml"))


def test_non_utf8_file(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_bytes(SCORING_YAML.encode("utf-8").replace(b"Never", b"N\xe9ver"))
    with pytest.raises(InvalidInput, match="not UTF-8 text"):
        load_instrument(path)


def test_missing_file_is_not_found(tmp_path):
    with pytest.raises(NotFound, match="no such instrument file"):
        load_instrument(tmp_path / "nope.yaml")
    with pytest.raises(NotFound):
        validate_path(tmp_path / "nope")


def test_unquoted_yes_and_no_stay_text(tmp_path):
    # YAML 1.1 would read these as booleans; the loader keeps them as text labels.
    text = edit("options:\n      - {value: 1, label: {en: Time,", "options:\n"
                "      - {value: 1, label: {en: No,").replace("{en: Money,", "{en: yes,")
    inst = load_instrument(write(tmp_path, text))
    assert [o.label.en for o in inst.item("C").options] == ["No", "yes"]


def test_valid_fixture_has_no_problems(tmp_path):
    assert validate_path(write(tmp_path, SCORING_YAML)) == []


def test_text_get_refuses_unknown_language():
    with pytest.raises(InvalidInput, match="unknown language 'fr'"):
        Text(en="a", km="ក").get("fr")
