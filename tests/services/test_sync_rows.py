"""The one row comparison every sync upsert uses (lipassess.services.sync.rows)."""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from lipassess.services.sync.report import Counts
from lipassess.services.sync.rows import RowChanges, chunks


def row(id: int, **columns: object) -> SimpleNamespace:
    return SimpleNamespace(id=id, **columns)


def stored() -> dict[int, SimpleNamespace]:
    return {
        1: row(10, name="Dara", province="Kampot"),  # will change
        2: row(20, name="Sokha", province="Takeo"),  # stays the same
        3: row(30, name="Vuthy", province="Kep"),  # Moodle no longer lists it
    }


def test_a_changed_an_added_an_unchanged_and_a_removed_row() -> None:
    changes = RowChanges(stored())
    changes.compare(1, {"name": "Dara", "province": "Siem Reap"}, {"moodle_user_id": 1})
    changes.compare(2, {"name": "Sokha", "province": "Takeo"}, {"moodle_user_id": 2})
    changes.compare(4, {"name": "Chenda", "province": "Kandal"}, {"moodle_user_id": 4})

    assert changes.inserts == [{"moodle_user_id": 4, "name": "Chenda", "province": "Kandal"}]
    assert changes.updates == [{"id": 10, "province": "Siem Reap"}]  # only the column that differs
    assert changes.unchanged == 1
    assert changes.counts() == Counts(created=1, updated=1, unchanged=1)
    # The removed row (key 3) is left alone and not counted unless asked for.
    assert all(update["id"] != 30 for update in changes.updates)


def test_rows_moodle_no_longer_lists_get_what_update_missing_says() -> None:
    existing = stored()
    existing[5] = row(50, name="Rithy", province="gone")
    changes = RowChanges(existing)
    changes.compare(1, {"name": "Dara", "province": "Kampot"}, {})
    changes.compare(2, {"name": "Sokha", "province": "Takeo"}, {})

    assert changes.update_missing({"province": "gone"}) == 1  # key 3 changes, key 5 is already so
    assert changes.updates == [{"id": 30, "province": "gone"}]
    assert changes.counts() == Counts(created=0, updated=1, unchanged=3)
    assert changes.update_missing({"province": "gone"}) == 0  # every row has been compared now


def test_stamp_goes_with_every_write_and_frozen_rows_are_not_compared() -> None:
    existing = stored()
    existing[2].withdrawn = True
    for r in (existing[1], existing[3]):
        r.withdrawn = False
    changes = RowChanges(existing, stamp={"synced_at": "now"}, frozen=lambda r: r.withdrawn)
    changes.compare(1, {"name": "Dara K.", "province": "Kampot"}, {"moodle_user_id": 1})
    changes.compare(2, {"name": "changed", "province": "changed"}, {"moodle_user_id": 2})
    changes.compare(3, {"name": "Vuthy", "province": "Kep"}, {"moodle_user_id": 3})
    changes.compare(4, {"name": "Chenda"}, {"moodle_user_id": 4})

    assert changes.inserts == [{"moodle_user_id": 4, "synced_at": "now", "name": "Chenda"}]
    assert changes.updates == [{"id": 10, "synced_at": "now", "name": "Dara K."}]
    assert changes.counts() == Counts(created=1, updated=1, unchanged=2)


def test_no_existing_rows_means_every_row_is_new() -> None:
    changes: RowChanges[int] = RowChanges()
    changes.compare(1, {"a": None}, {"k": 1})
    assert changes.counts() == Counts(created=1)
    assert changes.update_missing({"a": 1}) == 0


class _Base(DeclarativeBase):
    pass


class _Thing(_Base):
    __tablename__ = "things"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(50))
    colour: Mapped[str] = mapped_column(String(50))


def test_write_inserts_new_rows_and_updates_only_changed_columns() -> None:
    engine = create_engine("sqlite://")
    _Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all([_Thing(key=1, name="one", colour="red"), _Thing(key=2, name="two", colour="blue")])
        session.flush()
        existing = {
            r.key: r for r in session.execute(select(_Thing.id, _Thing.key, _Thing.name, _Thing.colour))
        }
        changes = RowChanges(existing)
        changes.compare(1, {"name": "one", "colour": "green"}, {"key": 1})
        changes.compare(2, {"name": "two", "colour": "blue"}, {"key": 2})
        changes.compare(3, {"name": "three", "colour": "black"}, {"key": 3})
        created = changes.write(session, _Thing, _Thing.id, _Thing.key)

        assert [key for _, key in created] == [3]
        things = {key: (name, colour) for key, name, colour in session.execute(
            select(_Thing.key, _Thing.name, _Thing.colour))}
        assert things == {1: ("one", "green"), 2: ("two", "blue"), 3: ("three", "black")}
        assert changes.counts() == Counts(created=1, updated=1, unchanged=1)
    engine.dispose()


def test_chunks_cover_every_value_once_in_order() -> None:
    assert list(chunks([1, 2, 3, 4, 5], size=2)) == [[1, 2], [3, 4], [5]]
    assert list(chunks([])) == []
