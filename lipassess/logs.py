"""Logging set up once, for the web app and the CLI alike.

The ``lipassess`` and ``moodle_plugin_bridge`` loggers get the level of
``LIPASSESS_LOG_LEVEL`` and one handler on stderr with one format, so a retry
of a Moodle call or a failed launch is a proper log line
(``2026-12-03 06:40:12 WARNING moodle_plugin_bridge.client: ...``) and never
Python's bare last-resort text. Under gunicorn the same lines reach its error
log. The root logger is left alone: an embedding application (a notebook, a
WSGI server) keeps its own configuration.
"""

from __future__ import annotations

import logging
import sys

LOGGERS = ("lipassess", "moodle_plugin_bridge")
"""The loggers this project writes to; every module logs under one of them."""

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"

_HANDLER_NAME = "lipassess"


def configure_logging(level: str | int = "INFO") -> None:
    """Give the project's loggers ``level`` and one stderr handler; safe to call again.

    Calling it again (a second app in one process, as in tests) changes the
    level and replaces the handler, so log lines are never doubled and always
    go to the current ``sys.stderr``.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter(LOG_FORMAT, DATE_FORMAT))
    for name in LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(level)
        for old in [h for h in logger.handlers if h.get_name() == _HANDLER_NAME]:
            logger.removeHandler(old)
        logger.addHandler(handler)
        # Our handler writes the line; passing it on to the root would print it twice
        # wherever the root has a handler (pytest's capture, a notebook's basicConfig).
        logger.propagate = False
