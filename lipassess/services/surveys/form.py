"""A wave's form: its pages, the participant's view of it, and the submission receipt.

Answers are addressed by *answer keys* ``a.<instrument_version_id>.<item_id>``
(see :func:`answer_key`), which are also the form field names.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import Integer, bindparam, select
from sqlalchemy.orm import Session

from lipassess.errors import NotFound
from lipassess.instruments import Instrument, Item
from lipassess.services.instruments import instruments_by_version
from lipassess.services.surveys.access import ParticipantRow, ResponseRow, Signature, WaveRow, connection
from lipassess.store.driver import DriverStatement
from lipassess.store.models import Answer, Response, ResponseStatus

#: Items shown on one page at most; an instrument with more is split into balanced pages.
ITEMS_PER_PAGE = 10

ANSWER_KEY = re.compile(r"^a\.([1-9][0-9]{0,9})\.([A-Za-z][A-Za-z0-9_]{0,63})$")


def answer_key(version_id: int, item_id: str) -> str:
    """The key (and form field name) of one item of one instrument version."""
    return f"a.{version_id}.{item_id}"


@dataclass(frozen=True, slots=True, kw_only=True)
class FormPage:
    """One page of the form: up to :data:`ITEMS_PER_PAGE` items of one instrument."""

    number: int  # 1-based, across the whole wave
    version_id: int
    instrument: Instrument
    items: tuple[Item, ...]
    first_of_instrument: bool
    part: int  # 1-based page within the instrument
    parts: int  # pages of the instrument
    keys: tuple[str, ...] = ()  # the items' answer keys, in order (set from the items when left empty)

    def __post_init__(self) -> None:
        if not self.keys:  # computed once: pages are cached and their keys read many times per request
            object.__setattr__(self, "keys", tuple(answer_key(self.version_id, item.id) for item in self.items))


@dataclass(frozen=True, slots=True, kw_only=True)
class Receipt:
    """Proof of submission shown to the participant: a short code and the time."""

    response_id: int
    wave_id: int
    code: str
    submitted_at: datetime
    language: str

    def to_dict(self) -> dict[str, Any]:
        return {"response_id": self.response_id, "wave_id": self.wave_id, "code": self.code,
                "submitted_at": self.submitted_at.isoformat(), "language": self.language}

    def summary(self) -> str:
        return f"receipt {self.code} submitted {self.submitted_at:%Y-%m-%d %H:%M} UTC"


@dataclass(frozen=True, kw_only=True)
class SurveyForm:
    """A participant's view of one wave: the pages, the response and its stored answers."""

    participant: ParticipantRow
    wave: WaveRow
    response: ResponseRow
    pages: tuple[FormPage, ...]
    answers: Mapping[str, int | str]
    #: Each answer key's question number across the form (:func:`question_numbers`), shared with the layout.
    numbers: Mapping[str, int] = field(repr=False)
    _items: Mapping[str, Item] = field(repr=False)

    @property
    def submitted(self) -> bool:
        return self.response.status is ResponseStatus.SUBMITTED

    @property
    def consented(self) -> bool:
        return self.response.consent_at is not None

    def page(self, number: int) -> FormPage:
        """Page ``number`` (1-based); :class:`NotFound` outside the form."""
        if not 1 <= number <= len(self.pages):
            raise NotFound(f"This survey has pages 1 to {len(self.pages)}; go back to the first page.")
        return self.pages[number - 1]

    def item(self, key: str) -> Item | None:
        return self._items.get(key)

    def missing_required(self, keys: Iterable[str] | None = None) -> dict[str, dict[str, str]]:
        """Required items (of ``keys``, default all) without a stored answer."""
        keys = self._items.keys() if keys is None else keys
        return {k: field_problem("required", "Please answer this question.")
                for k in keys if self._items[k].required and k not in self.answers}

    def first_incomplete_page(self) -> int:
        """The first page with an unanswered required item, else the last page."""
        for page in self.pages:
            if self.missing_required(page.keys):
                return page.number
        return len(self.pages)

    @property
    def receipt(self) -> Receipt | None:
        return receipt_of(self.response) if self.submitted else None


def question_numbers(pages: Iterable[FormPage]) -> dict[str, int]:
    """Each answer key's question number, counted from 1 across the whole form (what errors name)."""
    return {key: n for n, key in enumerate((k for page in pages for k in page.keys), start=1)}


def field_problem(code: str, message: str, **params: Any) -> dict[str, Any]:
    return {"code": code, "message": message, **params}


def receipt_of(response: Response | ResponseRow) -> Receipt:
    assert response.submitted_at is not None
    submitted_at = response.submitted_at.astimezone(UTC)
    digest = hashlib.sha256(
        f"lipassess-receipt:{response.id}:{response.participant_id}:{response.wave_id}:"
        f"{submitted_at.isoformat()}".encode()
    ).hexdigest()[:12].upper()
    code = "-".join(digest[i:i + 4] for i in range(0, 12, 4))
    return Receipt(response_id=response.id, wave_id=response.wave_id, code=code,
                   submitted_at=submitted_at, language=response.language)


# --------------------------------------------------------------------------- instruments and layouts


def _split(items: tuple[Item, ...], per_page: int) -> list[tuple[Item, ...]]:
    """Balanced chunks: 23 items at 10 per page give 8, 8, 7 rather than 10, 10, 3."""
    parts = max(1, math.ceil(len(items) / per_page))
    size, extra = divmod(len(items), parts)
    chunks, start = [], 0
    for i in range(parts):
        end = start + size + (1 if i < extra else 0)
        chunks.append(items[start:end])
        start = end
    return chunks


@dataclass(frozen=True, slots=True)
class Layout:
    """A wave's pages, its items by answer key and its instruments by version id (never mutated: shared)."""

    pages: tuple[FormPage, ...]
    items: Mapping[str, Item]
    instruments: Mapping[int, Instrument]
    numbers: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "numbers", MappingProxyType(question_numbers(self.pages)))


#: Layouts per signature, kept per process. A stored definition never changes under its content
#: hash, so a layout built from the same (version id, hash) pairs is always the same: the cache can
#: never serve a stale form, and every process builds the same one (nothing relies on this memory).
_LAYOUTS: dict[Signature, Layout] = {}
LAYOUT_CACHE_SIZE = 256


def build_layout(versions: Sequence[tuple[int, Instrument]]) -> Layout:
    """The pages of instruments presented in this order (``(version_id, instrument)`` pairs)."""
    pages: list[FormPage] = []
    items: dict[str, Item] = {}
    instruments: dict[int, Instrument] = {}
    for version_id, instrument in versions:
        instruments[version_id] = instrument
        chunks = _split(instrument.items, ITEMS_PER_PAGE)
        for part, chunk in enumerate(chunks, start=1):
            pages.append(FormPage(number=len(pages) + 1, version_id=version_id, instrument=instrument,
                                  items=chunk, first_of_instrument=part == 1, part=part, parts=len(chunks)))
        for item in instrument.items:
            items[answer_key(version_id, item.id)] = item
    return Layout(tuple(pages), MappingProxyType(items), MappingProxyType(instruments))


_STORED_VALUES = DriverStatement(
    select(Answer.instrument_version_id, Answer.item_key, Answer.value_number, Answer.value_text)
    .where(Answer.response_id == bindparam("response_id", type_=Integer)), ("response_id",))


def layout_for(session: Session, signature: Signature) -> Layout:
    """The form layout of a wave presenting these instruments (:func:`~.access.read_access` reads the signature).

    The parsed definitions and the pages built from them are cached per
    process by ``(version id, content hash)``, which identifies an immutable
    definition: only a signature not seen before reads definitions.
    """
    found = _LAYOUTS.get(signature)
    if found is not None:
        return found
    loaded = instruments_by_version(session, signature)
    layout = build_layout([(vid, loaded[vid]) for vid, _ in signature])
    if all(loaded[vid].content_hash == digest for vid, digest in signature):
        if len(_LAYOUTS) >= LAYOUT_CACHE_SIZE:
            _LAYOUTS.clear()
        _LAYOUTS[signature] = layout
    return layout


def stored_values(session: Session, response_id: int) -> dict[str, int | str]:
    """The response's stored answers by answer key: the number (as an int) or the text.

    Read as plain rows (no ORM objects): the same values in a fraction of the time.
    """
    return values_of(_STORED_VALUES.rows(connection(session), {"response_id": response_id}))


def values_of(rows: Iterable[tuple[int, str, float | None, str | None]]) -> dict[str, int | str]:
    """Stored answer rows ``(version id, item key, number, text)`` by answer key: the text, else the number (int)."""
    values: dict[str, int | str] = {}
    for version_id, item_key, number, text in rows:
        if text is not None:
            values[answer_key(version_id, item_key)] = text
        else:
            assert number is not None
            values[answer_key(version_id, item_key)] = int(number)
    return values


class StoredAnswers(Mapping[str, int | str]):
    """A response's stored answers after a save: the answers just written, and the rest read only if asked.

    A page save writes the page's answers without reading the response first
    (:func:`~lipassess.services.surveys.answers.write_answers`); what comes next
    (moving on when every required question of the page was answered) needs
    only those. Asking for any other answer, or for all of them, reads the
    stored answers once, in the request's transaction, after the writes.
    """

    def __init__(self, written: Mapping[str, int | str | None], load: Callable[[], dict[str, int | str]]) -> None:
        self._written = written
        self._load = load
        self._all: dict[str, int | str] | None = None

    def _everything(self) -> dict[str, int | str]:
        if self._all is None:
            self._all = self._load()
        return self._all

    def __getitem__(self, key: str) -> int | str:
        if self._all is None and key in self._written:
            value = self._written[key]
            if value is None:
                raise KeyError(key)
            return value
        return self._everything()[key]

    def __contains__(self, key: object) -> bool:
        if self._all is None and key in self._written:
            return self._written[key] is not None  # type: ignore[index]
        return key in self._everything()

    def __iter__(self) -> Iterator[str]:
        return iter(self._everything())

    def __len__(self) -> int:
        return len(self._everything())


def build_form(participant: ParticipantRow, wave: WaveRow, response: ResponseRow, layout: Layout,
               values: Mapping[str, int | str]) -> SurveyForm:
    return SurveyForm(participant=participant, wave=wave, response=response, pages=layout.pages,
                      answers=values, _items=layout.items, numbers=layout.numbers)
