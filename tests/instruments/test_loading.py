"""Loading, round trips, the content hash and the rules that span a directory."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from importlib import resources
from pathlib import Path

import pytest
import yaml

from lipassess.errors import InvalidInput, NotFound
from lipassess.instruments import (
    Instrument,
    bundled_instruments_dir,
    instrument_files,
    load_instrument,
    load_instruments,
    validate_path,
)
from tests.instruments.fixtures import SCORING_YAML, scoring_instrument, write

REPO = Path(__file__).resolve().parents[2]


def test_defaults_and_resolved_subscales(tmp_path):
    inst = scoring_instrument(tmp_path)
    assert inst.respondent == "self"
    # Left out of the file: not declared, so the service setting applies; its default is 0.8.
    assert inst.scoring.min_share_answered is None
    assert inst.scoring.share() == 0.8
    assert "min_share_answered" not in inst.to_dict()["scoring"]
    assert inst.scoring.total is True
    assert inst.item("A1").type == "likert" and inst.item("A1").required is True
    # b's items are listed under the subscale; the items learn their subscale
    assert inst.subscale("b").items == ("B1", "B2", "B3", "B4")
    assert inst.item("B3").subscale == "b" and inst.item("B3").reverse is True
    assert inst.subscale("a").items == ("A1", "A2", "A3", "A4", "A5")
    assert [i.id for i in inst.scored_items] == ["A1", "A2", "A3", "A4", "A5",
                                                 "B1", "B2", "B3", "B4"]
    assert inst.score_names == ("a", "b", "total")
    assert inst.scale_of("A1").missing_values == frozenset({8, 9})
    assert inst.scale("freq").label(9, "km") == "មិនពាក់ព័ន្ធ"
    with pytest.raises(NotFound):
        inst.item("nope")
    with pytest.raises(InvalidInput, match="text item"):
        inst.scale_of("T")


def test_to_dict_round_trips(tmp_path):
    inst = scoring_instrument(tmp_path)
    data = inst.to_dict()
    again = Instrument.from_dict(data)
    assert again == inst
    assert again.content_hash == inst.content_hash
    assert json.loads(json.dumps(data)) == data  # JSON-safe


def test_hash_is_sha256_of_canonical_json(tmp_path):
    inst = scoring_instrument(tmp_path)
    canonical = json.dumps(
        inst.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")
    assert inst.content_hash == hashlib.sha256(canonical).hexdigest()


def test_hash_ignores_layout_comments_and_how_membership_is_written(tmp_path):
    inst = scoring_instrument(tmp_path)
    # Same definition written as block-style YAML with every default spelled out.
    block = "# a comment\n" + yaml.safe_dump(inst.to_dict(), allow_unicode=True,
                                             default_flow_style=False, sort_keys=True)
    assert load_instrument(write(tmp_path, block, "block.yaml")).content_hash == inst.content_hash
    # b's items named on the items instead of listed under the subscale
    derived = (
        SCORING_YAML.replace(", items: [B1, B2, B3, B4]", "")
        .replace("scale: freq}\n  - {id: B2", "scale: freq, subscale: b}\n  - {id: B2")
        .replace("scale: freq}\n  - {id: B3", "scale: freq, subscale: b}\n  - {id: B3")
        .replace("reverse: true}\n  - {id: B4", "reverse: true, subscale: b}\n  - {id: B4")
        .replace("{id: B4, text: {en: b four, km: \"ខ៤\"}, scale: freq}",
                 "{id: B4, text: {en: b four, km: \"ខ៤\"}, scale: freq, subscale: b}")
    )
    assert derived != SCORING_YAML
    assert scoring_instrument(tmp_path, derived).content_hash == inst.content_hash


def test_text_is_nfc_and_stripped_at_load(tmp_path):
    composed = "Caf\u00e9 leadership"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    text_nfd = SCORING_YAML.replace("{en: a one,", f'{{en: "  {decomposed} ",')
    text_nfc = SCORING_YAML.replace("{en: a one,", f'{{en: "{composed}",')
    a = scoring_instrument(tmp_path, text_nfd)
    b = scoring_instrument(tmp_path, text_nfc)
    assert a.item("A1").text.en == composed
    assert a.content_hash == b.content_hash


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('{en: a one, km: "ក១"}', '{en: a one!, km: "ក១"}'),
        ('{en: a one, km: "ក១"}', '{en: a one, km: "ក១។"}'),
        ('{en: Never, km: "មិនដែលសោះ"}', '{en: never, km: "មិនដែលសោះ"}'),
        ('{en: Time, km: "ពេលវេលា"}', '{en: Time, km: "ពេលវេលាការងារ"}'),
        ('{en: Scoring fixture,', "{en: Scoring fixtures,"),
        ("{en: Answer every item,", "{en: Answer each item,"),
        ('version: "1.0"', 'version: "1.1"'),
        ("subscale: a, reverse: true}\n  - {id: A3", "subscale: a}\n  - {id: A3"),
        ("waves: [pre, post]", "waves: [post, pre]"),
    ],
)
def test_hash_changes_when_anything_changes(tmp_path, old, new):
    assert SCORING_YAML.count(old) == 1
    before = scoring_instrument(tmp_path).content_hash
    after = scoring_instrument(tmp_path, SCORING_YAML.replace(old, new)).content_hash
    assert before != after


def test_load_instruments_sorts_and_dedupes_identical_copies(tmp_path):
    write(tmp_path, SCORING_YAML, "b.yaml")
    write(tmp_path, SCORING_YAML, "a-copy.yaml")
    write(tmp_path, SCORING_YAML.replace('version: "1.0"', 'version: "0.9"'), "c.yaml")
    write(tmp_path, "not an instrument", "notes.txt")
    loaded = load_instruments(tmp_path)
    assert [(i.id, i.version) for i in loaded] == [("scoring-fixture", "0.9"),
                                                   ("scoring-fixture", "1.0")]


def test_same_id_and_version_with_different_content_is_an_error(tmp_path):
    write(tmp_path, SCORING_YAML, "a.yaml")
    write(tmp_path, SCORING_YAML.replace("{en: a one,", "{en: a first,"), "b.yaml")
    with pytest.raises(InvalidInput, match=(
        r"b\.yaml: instrument 'scoring-fixture' version '1\.0' is also defined, with "
        r"different content, in .*a\.yaml; give the edited copy a new version"
    )):
        load_instruments(tmp_path)


def test_a_broken_file_fails_the_directory(tmp_path):
    write(tmp_path, SCORING_YAML, "a.yaml")
    write(tmp_path, SCORING_YAML.replace("reverse: true}", "reverse: 3}", 1), "b.yaml")
    with pytest.raises(InvalidInput, match=r"b\.yaml: item 'A2': field 'reverse'"):
        load_instruments(tmp_path)
    problems = validate_path(tmp_path)
    assert [Path(p.source).name for p in problems] == ["b.yaml"]


def test_pairs_with_must_name_a_mirrored_instrument(tmp_path):
    paired = SCORING_YAML.replace("id: scoring-fixture", "id: scoring-retro\n"
                                  "pairs_with: scoring-fixture")
    write(tmp_path, paired, "retro.yaml")
    with pytest.raises(InvalidInput, match=r"field 'pairs_with': no instrument "
                                           r"'scoring-fixture' in this directory"):
        load_instruments(tmp_path)

    write(tmp_path, SCORING_YAML, "fixture.yaml")
    assert len(load_instruments(tmp_path)) == 2

    write(tmp_path, paired.replace("subscale: a, reverse: true}\n  - {id: A3",
                                   "subscale: a}\n  - {id: A3"), "retro.yaml")
    with pytest.raises(InvalidInput, match=r"retro\.yaml: field 'pairs_with': does not mirror "
                                           r"'scoring-fixture': item 'A2'"):
        load_instruments(tmp_path)

    write(tmp_path, paired.replace("  - {id: A5,", "  - {id: A6,"), "retro.yaml")
    with pytest.raises(InvalidInput, match=r"item ids differ \(missing: \['A5'\]; "
                                           r"extra: \['A6'\]\)"):
        load_instruments(tmp_path)


def test_pairing_with_itself_is_refused(tmp_path):
    text = SCORING_YAML.replace("waves:", "pairs_with: scoring-fixture\nwaves:")
    with pytest.raises(InvalidInput, match="cannot pair with itself"):
        scoring_instrument(tmp_path, text)


def test_validate_path_on_an_empty_directory(tmp_path):
    [problem] = validate_path(tmp_path)
    assert "no *.yaml instrument files" in str(problem)


def test_instrument_files(tmp_path):
    a = write(tmp_path, SCORING_YAML, "a.yaml")
    write(tmp_path, SCORING_YAML, "b.yml")
    assert instrument_files(tmp_path) == [a]
    assert instrument_files(a) == [a]
    with pytest.raises(NotFound):
        instrument_files(tmp_path / "missing")


def test_load_instruments_needs_a_directory(tmp_path):
    with pytest.raises(NotFound, match="no such directory"):
        load_instruments(tmp_path / "missing")


def test_bundled_dir_is_the_checkout_instruments_folder():
    assert bundled_instruments_dir() == REPO / "instruments"


def test_bundled_dir_falls_back_to_package_data(tmp_path, monkeypatch):
    # As in an installed wheel: no checkout `instruments/FORMAT.md` next to the package.
    import lipassess.instruments.files as module

    monkeypatch.setattr(module, "__file__", str(tmp_path / "site" / "lipassess" / "instruments" / "files.py"))
    expected = Path(str(resources.files("lipassess") / "bundled_instruments"))
    assert bundled_instruments_dir() == expected


def test_a_declared_min_share_is_kept_and_round_trips(tmp_path):
    inst = scoring_instrument(tmp_path, SCORING_YAML + "scoring: {min_share_answered: 0.8}\n")
    assert inst.scoring.min_share_answered == 0.8
    assert inst.to_dict()["scoring"] == {"method": "mean", "min_share_answered": 0.8, "total": True}
    assert Instrument.from_dict(inst.to_dict()) == inst
    # Declaring the default is a different version from leaving it out: the scores may differ.
    assert inst.content_hash != scoring_instrument(tmp_path, SCORING_YAML).content_hash
