"""The Moodle client the services use, built from the configuration; Moodle errors as ours.

The bridge (:mod:`moodle_plugin_bridge`) raises its own error kinds; commands
print :class:`~lipassess.errors.LipassessError` messages on one line. This
module is where one becomes the other, and where a missing ``MOODLE_URL`` or
``MOODLE_TOKEN`` is reported by the name of the variable to set.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from lipassess.config import ENV_PREFIX
from lipassess.errors import ConfigurationError, JobFailed, LipassessError
from moodle_plugin_bridge import (
    MESSAGING_FUNCTIONS,
    MIN_RELEASE,
    REQUIRED_FUNCTIONS,
    SYNC_FUNCTIONS,
    MoodleAccessError,
    MoodleAuthError,
    MoodleClient,
    MoodleError,
    SiteCheck,
)

CONNECT_TIMEOUT_CAP = 10.0
"""Seconds: a connection that takes longer than this is not going to work."""


class MoodleFailure(JobFailed):
    """Moodle could not be reached, or answered in a way lipassess cannot use."""

    code = "moodle_error"


def client_from_config(config: Mapping[str, Any], **kwargs: Any) -> MoodleClient:
    """A :class:`MoodleClient` for ``MOODLE_URL`` / ``MOODLE_TOKEN`` / ``MOODLE_TIMEOUT``.

    ``kwargs`` go to the client (tests pass ``sleep`` or ``max_retries``).

    Raises
    ------
    ConfigurationError
        A variable is unset or unusable; the message names it.
    """
    missing = []
    if not str(config.get("MOODLE_URL") or "").strip():
        missing.append(f"{ENV_PREFIX}MOODLE_URL (the Moodle site's address, e.g. https://moodle.example.gov.kh)")
    if not str(config.get("MOODLE_TOKEN") or "").strip():
        missing.append(
            f"{ENV_PREFIX}MOODLE_TOKEN (the web-service token of the integration user; "
            "see 'Connecting a real Moodle' in the README)"
        )
    if missing:
        raise ConfigurationError("Moodle is not configured: set " + " and ".join(missing))
    timeout = float(config.get("MOODLE_TIMEOUT", 30.0))
    if timeout <= 0:  # lipassess.config refuses it too; a mapping built by hand may still carry it
        raise ConfigurationError(f"{ENV_PREFIX}MOODLE_TIMEOUT must be a positive number of seconds")
    try:
        return MoodleClient(
            str(config["MOODLE_URL"]).strip(),
            str(config["MOODLE_TOKEN"]).strip(),
            timeout=(min(CONNECT_TIMEOUT_CAP, timeout), timeout),
            **kwargs,
        )
    except ValueError as exc:
        raise ConfigurationError(f"{ENV_PREFIX}MOODLE_URL: {exc}") from None


def as_lipassess_error(err: MoodleError) -> LipassessError:
    """The error a command reports for a failed Moodle call (the bridge's message, kept).

    A bad token, a missing capability or a function missing from the service
    are configuration problems a Moodle administrator fixes; everything else
    (transport, protocol, unknown Moodle errors) is a :class:`MoodleFailure`.
    """
    if isinstance(err, (MoodleAuthError, MoodleAccessError)):
        return ConfigurationError(err.message)
    return MoodleFailure(err.message)


@contextmanager
def open_client(config: Mapping[str, Any], **kwargs: Any) -> Iterator[MoodleClient]:
    """:func:`client_from_config`, closed on exit; a :class:`MoodleError` escaping becomes ours."""
    client = client_from_config(config, **kwargs)
    try:
        yield client
    except MoodleError as err:
        raise as_lipassess_error(err) from None
    finally:
        client.close()


def check_site(client: MoodleClient) -> SiteCheck:
    """Release and functions of the token's service against what sync and dispatch call."""
    try:
        return client.check_site(REQUIRED_FUNCTIONS)
    except MoodleError as err:
        raise as_lipassess_error(err) from None


def describe_site_check(result: SiteCheck, base_url: str) -> list[str]:
    """The lines ``lipassess moodle check`` prints: release, user, each missing function, each fix."""
    minimum = ".".join(map(str, MIN_RELEASE))
    verdict = "supported" if result.supported else "NOT supported"
    lines = [
        f"Moodle {result.release} at {base_url}: {verdict} (lipassess needs {minimum} or newer)",
        f"web-service user: {result.username}",
    ]
    for name in result.missing_functions:
        users = [what for what, names in (("sync", SYNC_FUNCTIONS), ("dispatch", MESSAGING_FUNCTIONS))
                 if name in names]
        lines.append(f"missing function: {name} (needed by {' and '.join(users)})")
    if not result.missing_functions:
        lines.append(f"functions: all {len(REQUIRED_FUNCTIONS)} functions lipassess calls are in the service")
    lines += [f"fix: {problem}" for problem in result.problems]
    return lines
