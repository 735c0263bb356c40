"""Exports from the store: read back with pandas, openpyxl and pyreadstat; identities only when asked, audited."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pyreadstat
import pytest
from sqlalchemy import select

from lipassess.errors import InsufficientData, InvalidInput
from lipassess.instruments import bundled_instruments_dir, load_instruments
from lipassess.services.exports import EXPORT_FORMATS, export, export_tables
from lipassess.store.models import AuditEvent, Participant
from tests.factories import bundled_versions, make_cohort, make_participant, make_wave, submit

pytestmark = pytest.mark.postgres

ITEMS = [f"{p}{i}" for p in ("AL", "CM", "CF", "PD", "CS", "SW") for i in range(1, 6)]
REVERSED = {"AL4", "CM3", "CF2", "PD5", "CS4", "SW3"}
BUNDLED = {i.id: i for i in load_instruments(bundled_instruments_dir())}
BEHAVIOUR = BUNDLED["lip-leadership-behaviour"]
REACTION_ITEMS = [i.id for i in BUNDLED["lip-reaction"].scored_items]


def total_of(value: int) -> float:
    """Total score when every item is answered ``value``: 24 items keyed v, 6 reversed keyed 6 - v."""
    return (24 * value + 6 * (6 - value)) / 30


@pytest.fixture
def store(session):
    return build_store(session)


def build_store(session):
    """Cohort LIP-C6: three named participants with pre, post (+ retro, reaction); one follow-up. LIP-C7: empty."""
    versions = bundled_versions(session)
    behaviour, retro = versions["lip-leadership-behaviour"], versions["lip-leadership-behaviour-retro"]
    reaction, application = versions["lip-reaction"], versions["lip-followup-application"]
    c6 = make_cohort(session, 6, "LIP-C6")
    c7 = make_cohort(session, 7, "LIP-C7")
    pre = make_wave(session, c6, "pre", [behaviour])
    post = make_wave(session, c6, "post", [behaviour, retro, reaction])
    fu = make_wave(session, c6, "followup", [behaviour, application])
    people = []
    for k in range(3):
        person = make_participant(session, 600 + k, c6, firstname=f"Sokha{k}", lastname="Chan",
                                  email=f"sokha{k}@example.gov.kh", ministry="ក្រសួងសុខាភិបាល", province="Kampot")
        people.append(person)
        submit(session, person, pre, {behaviour: dict.fromkeys(ITEMS, 2 + k)})
        submit(session, person, post, {behaviour: dict.fromkeys(ITEMS, 3 + k % 2), retro: dict.fromkeys(ITEMS, 2),
                                       reaction: {**dict.fromkeys(REACTION_ITEMS, 5),
                                                  "most_useful": "PDIA with Dr. Sokha"}})
    submit(session, people[0], fu, {behaviour: dict.fromkeys(ITEMS, 4),
                                    application: {"applied_any": 1, "main_barrier": 2, "example": "my team"}})
    make_participant(session, 700, c7)
    session.commit()
    return {"c6": c6, "c7": c7, "people": people}


def test_long_frame_holds_the_stored_answers(session, store) -> None:
    tables = export_tables(session, [store["c6"]])
    long = tables.answers
    pseudonym = store["people"][1].pseudonym
    row = long[(long.pseudonym == pseudonym) & (long.wave == "pre") & (long["item"] == "AL1")]
    assert row["value"].tolist() == [3.0] and row["instrument"].tolist() == ["lip-leadership-behaviour"]
    retro = long[(long.pseudonym == pseudonym) & (long.instrument == "lip-leadership-behaviour-retro")]
    assert set(retro.wave) == {"retro_pre"} and len(retro) == 30
    assert not long["item"].isin(["most_useful", "example"]).any()  # free text is never exported
    assert {"firstname", "lastname", "email"}.isdisjoint(long.columns)
    assert long["ministry"].unique().tolist() == ["ក្រសួងសុខាភិបាល"]
    scores = tables.scores.set_index(["pseudonym", "wave", "scale"])["score"]
    assert scores[(pseudonym, "pre", "leadership_behaviour_total")] == pytest.approx(total_of(3))
    assert scores[(pseudonym, "retro_pre", "leadership_behaviour_total")] == pytest.approx(total_of(2))
    assert scores[(pseudonym, "post", "reaction")] == 5.0
    assert tables.synthetic is False and tables.cohorts == ("LIP-C6",)


def test_csv_exports_read_back(session, store, tmp_path) -> None:
    long_path, wide_path = tmp_path / "long.csv", tmp_path / "wide.csv"
    export(session, [store["c6"]], "long_csv", long_path, actor="eva")
    export(session, [store["c6"]], "wide_csv", wide_path, actor="eva")
    long = pd.read_csv(long_path)
    assert list(long.columns[:6]) == ["pseudonym", "cohort", "wave", "instrument", "item", "value"]
    # pre, post, retro, reaction for three; one follow-up (30 items, applied_any, main_barrier)
    assert len(long) == 3 * (30 + 30 + 30 + len(REACTION_ITEMS)) + (30 + 2)
    wide = pd.read_csv(wide_path).set_index("pseudonym")
    first = store["people"][0].pseudonym
    assert wide.loc[first, "pre_AL1"] == 2 and wide.loc[first, "retro_pre_CM3"] == 2
    assert wide.loc[first, "pre_leadership_behaviour_total"] == pytest.approx(total_of(2))
    assert wide.loc[first, "followup_applied_any"] == 1 and wide.loc[first, "followup_main_barrier"] == 2
    assert pd.isna(wide.loc[store["people"][1].pseudonym, "followup_AL1"])
    assert "email" not in wide.columns and "firstname" not in wide.columns


def test_xlsx_has_a_bilingual_codebook(session, store, tmp_path) -> None:
    path = tmp_path / "c6.xlsx"
    export(session, [store["c6"]], "xlsx", path, actor="eva")
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["data", "codebook", "about"]
    rows = list(book["codebook"].values)
    header, entries = rows[0], {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert "label_km" in header
    al1 = entries["pre_AL1"]
    assert al1["label_en"] == f"Pre: {BEHAVIOUR.item('AL1').text.en}"
    assert al1["label_km"].endswith(BEHAVIOUR.item("AL1").text.km)
    assert al1["value_labels_en"].startswith("1 = Never; 2 = Rarely") and "9 = Did not arise" in al1["value_labels_en"]
    assert "1 = មិនដែលសោះ" in al1["value_labels_km"]
    assert entries["followup_applied_any"]["value_labels_en"] == "0 = No; 1 = Yes"
    assert entries["pre_communication"]["measure"] == "scale"
    data = list(book["data"].values)
    book.close()  # a read-only workbook keeps its file open until closed
    assert len(data) == 1 + 3 and "email" not in data[0]


@pytest.mark.parametrize("lang", ["en", "km"])
def test_sav_keeps_variable_and_value_labels(session, store, tmp_path, lang) -> None:
    path = tmp_path / f"c6-{lang}.sav"
    export(session, [store["c6"]], "sav", path, actor="eva", lang=lang)
    frame, meta = pyreadstat.read_sav(str(path))
    labels = meta.column_names_to_labels
    assert labels["pre_AL1"].endswith(BEHAVIOUR.item("AL1").text.get(lang)[:40]) or \
        BEHAVIOUR.item("AL1").text.get(lang)[:40] in labels["pre_AL1"]
    points = meta.variable_value_labels["post_AL1"]
    assert points[1.0] == BEHAVIOUR.scale("frequency").label(1, lang)
    assert points[9.0] == BEHAVIOUR.scale("frequency").label(9, lang)
    assert len(frame) == 3 and "email" not in frame.columns
    first = store["people"][0].pseudonym
    assert frame.set_index("pseudonym").loc[first, "post_AL1"] == 3


def test_identities_only_when_asked_and_always_audited(session, store, tmp_path) -> None:
    plain = tmp_path / "plain.csv"
    export(session, [store["c6"]], "wide_csv", plain, actor="eva")
    named = tmp_path / "named.csv"
    result = export(session, None, "wide_csv", named, include_identities=True, actor="ana")
    session.commit()
    assert "email" not in pd.read_csv(plain).columns
    wide = pd.read_csv(named).set_index("pseudonym")
    first = store["people"][0]
    assert wide.loc[first.pseudonym, "email"] == "sokha0@example.gov.kh"
    assert wide.loc[first.pseudonym, "firstname"] == "Sokha0"
    assert result.include_identities and result.participants == 3
    events = session.scalars(select(AuditEvent).where(AuditEvent.action.like("export%")).order_by(AuditEvent.id)).all()
    assert [(e.actor, e.action) for e in events] == [("eva", "export"), ("ana", "export.identities")]
    assert events[1].details["format"] == "wide_csv" and events[1].details["cohorts"] == ["LIP-C6", "LIP-C7"]
    assert events[1].details["include_identities"] is True


def test_synthetic_participants_are_labelled(session, store, tmp_path) -> None:
    for person in session.scalars(select(Participant)):
        person.extra_fields = {"synthetic": True}
    session.commit()
    export(session, [store["c6"]], "long_csv", tmp_path / "s.csv", actor="eva")
    assert pd.read_csv(tmp_path / "s.csv")["synthetic"].unique().tolist() == [1]
    export(session, [store["c6"]], "sav", tmp_path / "s.sav", actor="eva")
    assert "SYNTHETIC" in pyreadstat.read_sav(str(tmp_path / "s.sav"), metadataonly=True)[1].file_label


def test_nothing_to_export_and_bad_format(session, store, tmp_path) -> None:
    with pytest.raises(InsufficientData, match="nothing to export"):
        export(session, [store["c7"]], "long_csv", tmp_path / "x.csv", actor="eva")
    with pytest.raises(InvalidInput, match="long_csv"):
        export(session, [store["c6"]], "pdf", tmp_path / "x.pdf", actor="eva")
    assert set(EXPORT_FORMATS) == {"long_csv", "wide_csv", "xlsx", "sav"}
