"""Use case: analysis results kept in the store, shared by every host, never served stale.

An analysis of a cohort or of the program takes seconds; a staff page or an
API call must not wait for it. So results are computed when the data change
(``lipassess sync``, ``lipassess dispatch`` and ``lipassess analyze refresh``
call :func:`lipassess.services.analyses.refresh`) and kept in the table
``stored_analyses`` (:class:`~lipassess.store.models.StoredAnalysis`), one row
per kind, set of cohorts and variant. Several gunicorn hosts share one
PostgreSQL, so nothing here lives in one process's memory.

Freshness is checked on every read, in the store: a row is served only while

* its ``data_version`` equals the fingerprint of its cohorts' data now
  (:mod:`lipassess.services.data_version`; a submission, a sync that changed
  something, a wave edit each give a new one), plus the inputs a kind adds
  (the minimum share answered, waves closed by now for the figures);
* its ``code_version`` equals the running code's (a deploy recomputes);
* its payload's HMAC verifies under the current secret.

Otherwise the result is computed in that request, stored, and served with
its new ``computed_at``; a stale result is never served. Nothing is added to
the participant's submission: the fingerprint changes by itself.

Payloads are pickles (the results are nested frozen dataclasses with numpy
values), compressed, and signed with HMAC-SHA256 under a key derived by
HKDF-SHA256 from the current key-encryption secret, so a row written by
anyone without the secret is never unpickled: it is recomputed instead.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import pickle
import time
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Generic, TypeVar

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from lipassess.errors import ConfigurationError
from lipassess.services import data_version
from lipassess.store.database import KEY_SECRETS_INFO, MIN_SHARE_INFO
from lipassess.store.models import Cohort, StoredAnalysis
from lipassess.store.types import utcnow

T = TypeVar("T")
_SALT = b"lipassess stored analyses"
_CONTEXT = b"lipassess stored analysis payloads v1"


@dataclass(frozen=True, slots=True)
class Stored(Generic[T]):
    """A result with the moment it was computed; ``from_store`` False when this call computed it."""

    value: T
    computed_at: datetime
    from_store: bool
    seconds: float


@functools.cache
def code_version() -> str:
    """A hash of the running lipassess code: results computed by other code are recomputed."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parents[1]
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.lru_cache(maxsize=8)
def _signing_key(secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=_CONTEXT).derive(secret.encode("utf-8"))


def _key_for(session: Session) -> bytes:
    secrets = session.info.get(KEY_SECRETS_INFO)
    if not secrets:
        raise ConfigurationError("this database session carries no secret to sign stored analyses; open sessions "
                                 "with lipassess.db.session_factory(app), which passes LIPASSESS_SECRET_KEY")
    return _signing_key(secrets[0])


def _sign(key: bytes, payload: bytes) -> str:
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def cohorts_text(cohort_ids: Iterable[int]) -> str:
    """``",3,5,"``: the cohort column of a row, so that ``LIKE '%,5,%'`` finds every row reading cohort 5."""
    return "," + ",".join(str(i) for i in sorted(set(cohort_ids))) + ","


def row_key(kind: str, cohort_ids: Iterable[int], variant: Sequence[object]) -> str:
    """The unique key of a row: a hash of kind, cohorts and variant."""
    text = "\n".join([kind, cohorts_text(cohort_ids), *map(repr, variant)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def version_of(session: Session, cohorts: Sequence[Cohort], *extra: object,
               versions: Mapping[int, str] | None = None) -> str:
    """The data version a result of ``cohorts`` is computed from: their fingerprints, the scoring setting, ``extra``."""
    ids = [c.id for c in cohorts]
    known = versions if versions is not None and all(i in versions for i in ids) else \
        data_version.cohort_versions(session, ids)
    return data_version.scope_version(known, ids, session.info.get(MIN_SHARE_INFO), *extra)


def read(session: Session, key: str, version: str) -> Stored[object] | None:
    """The stored result under ``key`` when it is fresh for ``version`` (and this code, and this secret), else None."""
    row = session.execute(
        select(StoredAnalysis.data_version, StoredAnalysis.code_version, StoredAnalysis.payload,
               StoredAnalysis.signature, StoredAnalysis.computed_at, StoredAnalysis.seconds)
        .where(StoredAnalysis.key == key)).one_or_none()
    if row is None or row.data_version != version or row.code_version != code_version():
        return None
    if not hmac.compare_digest(row.signature, _sign(_key_for(session), row.payload)):
        return None
    return Stored(value=pickle.loads(zlib.decompress(row.payload)), computed_at=row.computed_at, from_store=True,
                  seconds=row.seconds)


def write(session: Session, *, key: str, kind: str, cohort_ids: Iterable[int], version: str, value: object,
          computed_at: datetime, seconds: float) -> None:
    """Store ``value`` under ``key`` (insert, or replace what a concurrent or earlier run stored)."""
    payload = zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)
    values = {"key": key, "kind": kind, "cohorts": cohorts_text(cohort_ids), "data_version": version,
              "code_version": code_version(), "payload": payload,
              "signature": _sign(_key_for(session), payload), "computed_at": computed_at, "seconds": seconds}
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(StoredAnalysis).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[StoredAnalysis.key],
        set_={name: getattr(statement.excluded, name) for name in values if name != "key"})
    session.execute(statement)


def fetch(session: Session, kind: str, cohorts: Sequence[Cohort], compute: Callable[[], T], *variant: object,
          extra_version: Sequence[object] = (), versions: Mapping[int, str] | None = None) -> Stored[T]:
    """The result of ``compute()`` for ``kind``, ``cohorts`` and ``variant``: from the store when fresh, else now.

    The data version is read before computing, so data that change while
    ``compute`` runs leave the row stale for the next read, never falsely fresh.
    """
    ids = [c.id for c in cohorts]
    key = row_key(kind, ids, variant)
    version = version_of(session, cohorts, *extra_version, versions=versions)
    found = read(session, key, version)
    if found is not None:
        return found  # type: ignore[return-value]  # stored under this kind by the same code
    computed_at = utcnow()
    started = time.perf_counter()
    value = compute()
    seconds = time.perf_counter() - started
    write(session, key=key, kind=kind, cohort_ids=ids, version=version, value=value, computed_at=computed_at,
          seconds=seconds)
    return Stored(value=value, computed_at=computed_at, from_store=False, seconds=seconds)


def prune_other_code(session: Session) -> int:
    """Delete rows computed by other code (they can never be fresh again); returns how many."""
    result = session.execute(delete(StoredAnalysis).where(StoredAnalysis.code_version != code_version()))
    return int(getattr(result, "rowcount", 0) or 0)
