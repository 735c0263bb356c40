"""The real, bundled instruments: they load, are bilingual, mirror each other and stay frozen."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest

from lipassess.instruments import Instrument, bundled_instruments_dir, load_instruments

# A released version never changes (responses may exist for it). If one of these fails
# you edited a bundled file: put the edit in a new version (copy the file, bump
# `version`) and add the new hash here; do not change an existing line.
PINNED = {
    ("lip-followup-application", "1.0"): "9fed91168599",
    ("lip-leadership-behaviour", "1.0"): "71e3b4f461f8",
    ("lip-leadership-behaviour-retro", "1.0"): "34c58e4e4a85",
    ("lip-needs-assessment", "1.0"): "31e2ffa2ad27",
    ("lip-reaction", "1.0"): "1aa63e1fbb84",
    ("lip-supervisor-observation", "1.0"): "bc96ba906023",
}
BEHAVIOUR_SUBSCALES = (
    "adaptive_leadership",
    "communication",
    "conflict_management",
    "problem_solving_pdia",
    "cross_sector_collaboration",
    "self_awareness_wellbeing",
)
KHMER = re.compile(r"[\u1780-\u17FF]")


@pytest.fixture(scope="module")
def bundled() -> dict[str, Instrument]:
    return {i.id: i for i in load_instruments(bundled_instruments_dir())}


def texts(data: Any, path: str = "") -> Iterator[tuple[str, dict[str, str]]]:
    """Every {en, km} text in a definition, with where it is."""
    if isinstance(data, dict):
        if set(data) == {"en", "km"} and not path.endswith("translation_status"):
            yield path, data
            return
        for key, value in data.items():
            yield from texts(value, f"{path}.{key}")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from texts(value, f"{path}[{i}]")


def test_every_bundled_instrument_loads(bundled):
    assert sorted(bundled) == sorted(i for i, _ in PINNED)


def test_hashes_are_pinned(bundled):
    got = {(i.id, i.version): i.content_hash[:12] for i in bundled.values()}
    assert got == PINNED


@pytest.mark.parametrize("instrument_id", sorted(i for i, _ in PINNED))
def test_khmer_everywhere_nfc_and_pending_review(bundled, instrument_id):
    inst = bundled[instrument_id]
    assert inst.translation_status.km == "pending_review"
    assert inst.translation_status.en == "source"
    found = list(texts(inst.to_dict()))
    # title, description, instructions, every item, every label
    assert len(found) >= 3 + len(inst.items)
    for path, text in found:
        for lang in ("en", "km"):
            assert text[lang].strip(), (path, lang)
            assert unicodedata.is_normalized("NFC", text[lang]), (path, lang)
        assert KHMER.search(text["km"]), path
        # no stray Latin words in the Khmer, apart from the method and model names
        leftover = re.sub(r"PDIA|Kirkpatrick", "", text["km"])
        assert not re.search(r"[A-Za-z]", leftover), (path, text["km"])
    for item in inst.items:
        assert KHMER.search(item.text.km), item.id


def test_round_trip_for_every_bundled_instrument(bundled):
    for inst in bundled.values():
        assert Instrument.from_dict(inst.to_dict()) == inst


def test_behaviour_form(bundled):
    inst = bundled["lip-leadership-behaviour"]
    assert inst.waves == ("pre", "post", "followup")
    assert inst.respondent == "self"
    assert tuple(s.id for s in inst.subscales) == BEHAVIOUR_SUBSCALES
    assert all(len(s.items) == 5 for s in inst.subscales)
    assert len(inst.items) == 30 and all(i.type == "likert" for i in inst.items)
    reversed_per_subscale = {
        s.id: sum(inst.item(i).reverse for i in s.items) for s in inst.subscales
    }
    assert sum(n >= 1 for n in reversed_per_subscale.values()) >= 4, reversed_per_subscale
    scale = inst.scale("frequency")
    assert (scale.min, scale.max) == (1, 5)
    assert [scale.label(v, "en") for v in scale.values] == [
        "Never", "Rarely", "Sometimes", "Often", "Always"
    ]
    assert inst.scoring.total and inst.scoring.min_share_answered == 0.8


@pytest.mark.parametrize("form_id", ["lip-leadership-behaviour-retro",
                                     "lip-supervisor-observation"])
def test_paired_forms_mirror_the_behaviour_form(bundled, form_id):
    form, base = bundled[form_id], bundled["lip-leadership-behaviour"]
    assert form.pairs_with == base.id
    assert form.item_ids == base.item_ids
    assert [(s.id, s.items) for s in form.subscales] == [(s.id, s.items) for s in base.subscales]
    assert [(i.subscale, i.reverse) for i in form.items] == [
        (i.subscale, i.reverse) for i in base.items
    ]
    assert form.score_names == base.score_names


def test_retro_form_asks_about_before_the_program(bundled):
    retro, base = bundled["lip-leadership-behaviour-retro"], bundled["lip-leadership-behaviour"]
    assert retro.waves == ("retro_pre",)
    assert "before the program" in retro.instructions.en
    assert "past month" in base.instructions.en
    # the then-test uses the very same statements; only the time frame changes
    assert [i.text for i in retro.items] == [i.text for i in base.items]


def test_supervisor_form_is_about_this_person(bundled):
    sup = bundled["lip-supervisor-observation"]
    assert sup.respondent == "supervisor"
    assert sup.waves == ("pre", "post", "followup")
    assert all("this person" in i.text.en.lower() for i in sup.items)
    assert all("បុគ្គលនេះ" in i.text.km for i in sup.items)
    assert {8, 9} <= sup.scale("frequency").missing_values


def test_reaction_form(bundled):
    inst = bundled["lip-reaction"]
    assert inst.waves == ("post",)
    likert = [i.id for i in inst.scored_items]
    assert likert == ["relevance", "usefulness", "facilitation", "materials_km",
                      "intent_to_apply", "overall_satisfaction"]
    free = [i for i in inst.items if i.type == "text"]
    assert [i.id for i in free] == ["most_useful", "improve"]
    assert all(not i.required and i.max_length for i in free)
    scale = inst.scale("agreement")
    assert (scale.min, scale.max) == (1, 5)
    assert scale.label(5, "en") == "Strongly agree"


def test_followup_form(bundled):
    inst = bundled["lip-followup-application"]
    assert inst.waves == ("followup",)
    applied = inst.item("applied_any")
    assert applied.type == "yes_no"
    assert applied.text.en == "I have applied skills from the program in my work."
    assert inst.subscale("application").items == tuple(
        f"apply_{s}" for s in BEHAVIOUR_SUBSCALES
    )
    assert inst.item("example").type == "text"
    barrier = inst.item("main_barrier")
    assert barrier.type == "choice" and len(barrier.options) >= 5
    support = inst.subscale("supervisor_support").items
    assert len(support) == 3 and any(inst.item(i).reverse for i in support)
    assert inst.scoring.total is False


def test_needs_form_asks_importance_and_competence_of_every_competency(bundled):
    inst = bundled["lip-needs-assessment"]
    assert inst.waves == ("needs", "pre")
    assert inst.respondent == "self"
    competencies = (*BEHAVIOUR_SUBSCALES, "problem_analysis", "digital_government", "managing_change")
    assert [i.id for i in inst.scored_items] == [
        f"{c}_{part}" for c in competencies for part in ("importance", "competence")]
    for c in competencies:
        importance, competence = inst.item(f"{c}_importance"), inst.item(f"{c}_competence")
        assert (importance.scale, importance.subscale, importance.reverse) == ("importance", "importance", False)
        assert (competence.scale, competence.subscale, competence.reverse) == ("competence", "competence", False)
        # the two questions name the same competency, in both languages
        assert importance.text.en.split(":")[0] == competence.text.en.split(":")[0]
        assert importance.text.km.split("៖")[0] == competence.text.km.split("៖")[0]
    for name in ("importance", "competence"):
        scale = inst.scale(name)
        assert (scale.min, scale.max, scale.missing_values) == (1, 5, frozenset())
    assert inst.scale("importance").label(5, "en") == "Essential"
    assert inst.scale("competence").label(1, "km") == "ទាបណាស់"
    position = inst.item("position_level")
    assert position.type == "choice" and [o.value for o in position.options] == [1, 2, 3, 4, 5, 6]
    assert inst.score_names == ("importance", "competence")
    assert "លោកអ្នក" in inst.instructions.km


def test_hash_changes_when_any_bundled_text_changes(bundled):
    # Every text of every bundled form, each language, one change at a time.
    for inst in bundled.values():
        data = inst.to_dict()
        for path, text in texts(data):
            for lang in ("en", "km"):
                original = text[lang]
                text[lang] = original + ("!" if lang == "en" else "។")
                changed = Instrument.from_dict(data)
                text[lang] = original
                assert changed.content_hash != inst.content_hash, (inst.id, path, lang)
        assert Instrument.from_dict(data).content_hash == inst.content_hash
