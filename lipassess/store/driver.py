"""The survey's hottest statements run on the driver's cursor: compiled once, SQLAlchemy's type handling kept.

A participant's page view is one statement and a page save two, sent by the
thousand at a seminar. Through ``Connection.execute`` each costs about
0.25 ms of the web process's CPU, of which the driver (psycopg) needs about
0.09 ms; the rest is SQLAlchemy building an execution context and a result
(its column metadata read from ``cursor.description``) for every call
(measured on one core with ``bench/request_cpu.py``'s seeding). On
PostgreSQL a :class:`DriverStatement` compiles its Core statement once per
process and then runs it on the connection's own DBAPI cursor, in the
connection's transaction, with everything that matters kept:

* bind values pass through the same type processors SQLAlchemy applies
  (``TypeEngine.bind_processor``), and result values through the result
  columns' processors (``TypeEngine.result_processor``): enums come back as
  enums, times as aware UTC times;
* a driver error is raised as SQLAlchemy's own exception
  (``DBAPIError.instance``: ``IntegrityError``, ``OperationalError``...), and a
  lost connection is invalidated, as SQLAlchemy does, so the pool replaces it;
* ``before_cursor_execute`` listeners still see each statement (with no
  execution context), so the tests that count a page's statements count these;
* a statement gone stale outside a transaction is mended as through SQLAlchemy
  (:func:`lipassess.store.prepared.forget_stale_statements`).

Other dialects (SQLite: in-process, no round trip) run the statement through
SQLAlchemy as usual. ``tests/store/test_driver.py`` checks, on both, that each
statement gives exactly the rows (values and types) ``Connection.execute`` gives.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from threading import Lock
from typing import Any, cast

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.sql.expression import Executable

from lipassess.store.prepared import forget_stale_statements

Processor = Callable[[Any], Any] | None

#: The drivers whose cursors a :class:`DriverStatement` uses directly (pyformat parameters, a plain cursor).
DIRECT_DRIVERS = frozenset({("postgresql", "psycopg")})


class _Compiled:
    """One statement compiled for one dialect: its SQL, fixed parameters and type processors."""

    __slots__ = ("sql", "fixed", "bind_processors", "converted", "returns_rows", "_dialect", "_result_types")

    def __init__(self, statement: Executable, dialect: Dialect, names: Sequence[str]) -> None:
        compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
        # Late-rendered parameters (a literal separator of an aggregate, say) are rendered into the SQL once.
        expanded = compiled.construct_expanded_state({name: None for name in names})
        self.sql: str = expanded.statement
        binds = compiled.binds  # by the parameter's name in the SQL

        def bind_processor(name: str) -> Processor:  # the dialect's own implementation of the type, as SQLAlchemy
            return binds[name].type.dialect_impl(dialect).bind_processor(dialect) if name in binds else None

        self.bind_processors: dict[str, Processor] = {name: bind_processor(name) for name in names}
        self.fixed: dict[str, Any] = {}
        for key, value in expanded.parameters.items():
            if key not in self.bind_processors:
                process = bind_processor(key)
                self.fixed[key] = process(value) if process is not None else value
        columns = [] if isinstance(statement, TextClause) else list(statement.exported_columns)  # type: ignore[attr-defined]
        self.returns_rows = bool(columns)
        # The dialect's own implementation of each type, as SQLAlchemy uses it (JSON: psycopg parses it already).
        self._dialect = dialect
        self._result_types = [column.type.dialect_impl(dialect) for column in columns]
        #: (position, processor) of the result columns whose values need converting (most need none); known
        #: from the first result, as some processors depend on the server's type of the column.
        self.converted: tuple[tuple[int, Callable[[Any], Any]], ...] | None = None

    def learn(self, type_codes: Sequence[Any]) -> None:
        """The result processors, given the driver's type code of each result column (``cursor.description``)."""
        processors = [kind.result_processor(self._dialect, code)
                      for kind, code in zip(self._result_types, type_codes, strict=True)]
        self.converted = tuple(
            (position, process) for position, process in enumerate(processors) if process is not None)

    def values(self, params: Mapping[str, Any]) -> dict[str, Any]:
        values = dict(self.fixed)
        for name, value in params.items():
            process = self.bind_processors[name]
            values[name] = process(value) if process is not None else value
        return values

    def row(self, raw: tuple[Any, ...]) -> tuple[Any, ...]:
        if not self.converted:
            return raw
        values = list(raw)
        for position, process in self.converted:
            values[position] = process(values[position])
        return tuple(values)


class DriverStatement:
    """A Core statement (built once, at import) run on the driver's cursor where the dialect allows.

    ``names`` are the statement's parameters that each call gives (every call
    gives all of them); any other parameter of the statement is a constant of
    its text. :meth:`rows` and :meth:`first` behave as ``Connection.execute(...)``
    followed by ``.all()`` and ``.first()``, rows as plain tuples.
    """

    def __init__(self, statement: Executable, names: Sequence[str]) -> None:
        self.statement = statement
        self.names = tuple(names)
        self._compiled: dict[Dialect, _Compiled] = {}
        self._lock = Lock()

    def compiled_for(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect)
        if found is None:
            with self._lock:
                found = self._compiled.get(dialect) or _Compiled(self.statement, dialect, self.names)
                self._compiled[dialect] = found
        return found

    def rows(self, connection: Connection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Every row the statement returns (none for a statement without a result)."""
        return self._run(connection, params, first=False)

    def first(self, connection: Connection, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The first row, or None; any further row is discarded."""
        rows = self._run(connection, params, first=True)
        return rows[0] if rows else None

    def _run(self, connection: Connection, params: Mapping[str, Any], *, first: bool) -> list[tuple[Any, ...]]:
        if set(params) != set(self.names):
            raise ValueError(f"this statement takes exactly the parameters {sorted(self.names)}, "
                             f"not {sorted(params)}")
        dialect = connection.dialect
        if (dialect.name, dialect.driver) not in DIRECT_DRIVERS:
            result = connection.execute(self.statement, dict(params))
            if not result.returns_rows:
                return []
            if first:
                row = result.first()
                return [] if row is None else [tuple(row)]
            return [tuple(row) for row in result]
        compiled = self.compiled_for(dialect)
        values = compiled.values(params)
        proxied = connection.connection
        cursor = proxied.cursor()
        try:
            if connection.dispatch.before_cursor_execute:
                connection.dispatch.before_cursor_execute(connection, cursor, compiled.sql, values, None, False)
            cursor.execute(compiled.sql, values)
            if not compiled.returns_rows:
                return []
            if compiled.converted is None:
                compiled.learn([column[1] for column in cursor.description or ()])
            if first:
                raw = cursor.fetchone()
                return [] if raw is None else [compiled.row(raw)]
            fetched = cast(list[tuple[Any, ...]], cursor.fetchall())  # psycopg: a list of tuples
            return [compiled.row(raw) for raw in fetched] if compiled.converted else fetched
        except dialect.loaded_dbapi.Error as exc:
            lost = dialect.is_disconnect(exc, proxied.dbapi_connection, cursor)
            if lost:
                connection.invalidate(exc)
            else:
                forget_stale_statements(proxied.dbapi_connection, exc)
            raise DBAPIError.instance(compiled.sql, values, exc, dialect.loaded_dbapi.Error,
                                      connection_invalidated=lost, dialect=dialect) from exc
        finally:
            cursor.close()
