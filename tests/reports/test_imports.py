"""lipassess.reports is a library the services call: no web framework, no database."""

from __future__ import annotations

from tests.test_layering import offenders


def test_reports_import_neither_flask_nor_the_store() -> None:
    assert offenders("lipassess/reports", ("flask", "sqlalchemy", "lipassess.store", "lipassess.web", "lipassess.db",
                                           "lipassess.services", "lipassess.cli")) == []
