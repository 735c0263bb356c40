"""The HTTP side of the Moodle web-service client: one choke point from request to data or error.

:class:`MoodleClient` POSTs to ``{base_url}/webservice/rest/server.php``.
``wsfunction`` and ``moodlewsrestformat=json`` travel in the query string
(harmless in server logs); the token travels in the form body with the
function's parameters, so it never appears in a URL, and therefore never in
requests' own error messages. Moodle reads all three from either place.

:meth:`MoodleClient._call` is the only code that looks at a response. It
returns decoded JSON or raises a :mod:`moodle_plugin_bridge.errors` type:

* connection refused / DNS / reset, connect or read timeout, HTTP 5xx and 429
  -> :class:`MoodleTransportError`;
* HTTP 403 (Moodle's answer when web services or the REST protocol are off)
  -> :class:`MoodleAccessError`; any other non-200 status, an empty, non-JSON,
  XML or truncated body -> :class:`MoodleProtocolError`;
* a JSON body with ``exception`` -> :func:`errors.from_moodle_exception`.

Reads are retried on :class:`MoodleTransportError` only, at most
``max_retries`` times, waiting :class:`~moodle_plugin_bridge.retry.Backoff`
between attempts. Writes are never retried: a timed-out write may have been
applied. Their transport errors say so, and are ``retryable`` only when the
request provably never reached Moodle (connection refused, connect timeout).

Moodle ``warnings`` lists are never dropped: every non-empty one is logged
here (logger ``moodle_plugin_bridge.client``, level WARNING) and the
high-level methods also return them on the result (``RecordList.warnings``,
``CompletionResults.warnings``).

The token never appears in a message, log line, exception or ``repr``: every
text this module builds from outside input passes through :meth:`_redact`.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

import requests

from moodle_plugin_bridge.api import MoodleAPI
from moodle_plugin_bridge.errors import (
    SERVICE_SHORTNAME,
    MoodleAccessError,
    MoodleError,
    MoodleProtocolError,
    MoodleTransportError,
    from_moodle_exception,
    is_moodle_exception,
)
from moodle_plugin_bridge.params import PHP_DEFAULT_MAX_INPUT_VARS, flatten
from moodle_plugin_bridge.retry import Backoff, parse_retry_after

log = logging.getLogger(__name__)

ENDPOINT = "/webservice/rest/server.php"
USER_AGENT = "lipassess-moodle-bridge/0.1"
REDACTED = "[REDACTED]"
_ERRNO = re.compile(r"\[Errno -?\d+\] [^'\")]+|Name or service not known|Connection refused")


class MoodleClient(MoodleAPI):
    """A Moodle web-service client for one site and one token.

    Parameters
    ----------
    base_url
        The Moodle site, e.g. ``https://lms.example.gov.kh`` (no trailing
        ``/webservice/...``).
    token
        The web-service token of the integration user.
    session
        A ``requests.Session`` for calls made on the caller's thread; by default
        the client creates its own (never shared between clients) and closes it
        in :meth:`close`.
    session_factory
        Makes the sessions of worker threads (``course_completion``), one per
        thread, because ``requests.Session`` is not guaranteed thread-safe.
    timeout
        ``(connect, read)`` seconds (or one number for both), applied to every request.
    max_retries
        Retries of a read after a transport error (0 disables them).
    backoff
        Wait schedule between read retries.
    sleep
        Called with each wait; tests pass a recorder.
    max_input_vars
        The server's PHP ``max_input_vars``; requests and write batches stay
        below it (see :mod:`moodle_plugin_bridge.params`).
    service
        Shortname of the external service, named in administrators' fixes.

    Notes
    -----
    Share a client between threads only through the methods that manage their
    own worker sessions (:meth:`course_completion`); otherwise give each thread
    its own client, as ``requests.Session`` is not guaranteed thread-safe.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        session: requests.Session | None = None,
        session_factory: Callable[[], requests.Session] = requests.Session,
        timeout: float | tuple[float, float] = (5, 30),
        max_retries: int = 3,
        backoff: Backoff | None = None,
        sleep: Callable[[float], Any] = time.sleep,
        max_input_vars: int = PHP_DEFAULT_MAX_INPUT_VARS,
        service: str = SERVICE_SHORTNAME,
    ) -> None:
        try:
            parts = urlsplit(base_url or "")
        except ValueError:  # an unclosed or invalid bracketed host
            parts = urlsplit("")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(
                "base_url must be the Moodle site's http(s) address, e.g. https://lms.example.org"
            )
        if parts.query or parts.fragment:
            raise ValueError("base_url must not carry a query string or fragment")
        if not isinstance(token, str) or not token.strip():
            raise ValueError("the Moodle web-service token is empty")
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        connect, read = (timeout, timeout) if isinstance(timeout, (int, float)) else timeout
        if not connect > 0 or not read > 0:
            raise ValueError("timeouts must be positive seconds: a call without one can hang")
        self._base_url = base_url.rstrip("/")
        self._url = self._base_url + ENDPOINT
        self._token = token
        self._secrets = tuple({token, quote(token, safe=""), quote_plus(token)})
        self._session_factory = session_factory
        self._owns_session = session is None
        self._session = session if session is not None else session_factory()
        self.timeout: tuple[float, float] = (connect, read)
        self.max_retries = max_retries
        self.backoff = backoff if backoff is not None else Backoff()
        self._sleep = sleep
        self.max_input_vars = max_input_vars
        self.service = service
        self._closed = False
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        """The site's address, without trailing slash."""
        return self._base_url

    def __repr__(self) -> str:
        return f"MoodleClient(base_url={self._base_url!r}, token={REDACTED})"

    def close(self) -> None:
        """Close the client's own session (a session passed in is left to its owner)."""
        with self._lock:
            if self._owns_session and not self._closed:
                self._session.close()
            self._closed = True

    def __enter__(self) -> MoodleClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _new_session(self) -> requests.Session:
        """A fresh session for a worker thread (closed by whoever asked for it)."""
        return self._session_factory()

    # ------------------------------------------------------------------ public calls

    def read(self, function: str, params: Mapping[str, Any] | None = None) -> Any:
        """Call a read-only function (retried on transport errors); decoded JSON."""
        return self._call(function, params, read=True)

    def write(self, function: str, params: Mapping[str, Any] | None = None) -> Any:
        """Call a function that changes Moodle (never retried); decoded JSON."""
        return self._call(function, params, read=False)

    # ------------------------------------------------------------------ the choke point

    def _call(
        self,
        function: str,
        params: Mapping[str, Any] | None,
        *,
        read: bool,
        session: requests.Session | None = None,
    ) -> Any:
        """Send one web-service call and return Moodle's decoded answer, or raise.

        Parameters
        ----------
        function
            The ``wsfunction``.
        params
            Nested parameters, flattened by :func:`moodle_plugin_bridge.params.flatten`.
        read
            ``True`` for functions that change nothing: only those are retried.
        session
            The session to use; a worker thread passes its own.

        Raises
        ------
        MoodleError
            One of its kinds, as described in this module's docstring.
        ValueError
            The parameters need more form fields than ``max_input_vars`` allows
            (split the call; see :func:`moodle_plugin_bridge.params.split_batches`).
        """
        if self._closed:
            raise RuntimeError("this MoodleClient is closed")
        if not function or not re.fullmatch(r"[a-z0-9_]+", function):
            raise ValueError(f"not a Moodle web-service function name: {function!r}")
        fields = flatten(params or {})
        if len(fields) + 1 > self.max_input_vars:
            raise ValueError(
                f"{function}: {len(fields)} form fields exceed max_input_vars="
                f"{self.max_input_vars}; PHP would silently drop the rest, so split the call"
            )
        body = [("wstoken", self._token), *fields]
        attempts = 1 + (self.max_retries if read else 0)
        for attempt in range(attempts):
            try:
                return self._attempt(function, body, read=read, session=session)
            except MoodleTransportError as err:
                if attempt + 1 >= attempts:
                    if read and attempts > 1:
                        _amend(err, f" (gave up after {attempts} attempts)")
                    raise
                wait = self.backoff.delay(attempt, retry_after=err.retry_after)
                log.warning(
                    "Moodle %s failed (%s); retry %d of %d in %.1f s",
                    function,
                    err.message,
                    attempt + 1,
                    self.max_retries,
                    wait,
                )
                self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt(
        self,
        function: str,
        body: list[tuple[str, str]],
        *,
        read: bool,
        session: requests.Session | None,
    ) -> Any:
        started = time.monotonic()
        log.debug("Moodle call %s (%d fields)", function, len(body) - 1)
        error: MoodleError | None = None
        try:
            response = (session or self._session).post(
                self._url,
                params={"wsfunction": function, "moodlewsrestformat": "json"},
                data=body,
                timeout=self.timeout,
                headers={"Accept": "application/json", "User-Agent": USER_AGENT},
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            # Built here, raised below: outside the except block, so the error
            # carries no __context__ holding requests' exception (and its request body).
            error = self._transport_error(function, exc, read=read)
        if error is not None:
            raise error
        log.debug(
            "Moodle %s answered HTTP %d in %.2f s",
            function,
            response.status_code,
            time.monotonic() - started,
        )
        return self._decode(function, response, read=read)

    # ------------------------------------------------------------------ response -> data

    def _decode(self, function: str, response: requests.Response, *, read: bool) -> Any:
        status = response.status_code
        if status >= 500 or status == 429:
            raise MoodleTransportError(
                self._redact(
                    f"{function}: Moodle at {self._base_url} answered HTTP {status} "
                    f"{response.reason or ''}".rstrip()
                    + (
                        "; the server is failing or overloaded, try again later"
                        if read
                        else "; the write may or may not have been applied: check Moodle "
                        "before sending it again"
                    )
                ),
                function=function,
                http_status=status,
                retryable=read,
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
            )
        if status == 403:
            raise MoodleAccessError(
                self._redact(
                    f"{function}: Moodle at {self._base_url} refused the web-service endpoint "
                    "(HTTP 403): an administrator must enable web services (Site administration "
                    "> Advanced features) and the REST protocol (Site administration > Server > "
                    "Web services > Manage protocols)"
                ),
                function=function,
                http_status=status,
            )
        if status != 200:
            where = response.headers.get("Location")
            hint = f" to {where}" if where and 300 <= status < 400 else ""
            raise MoodleProtocolError(
                self._redact(
                    f"{function}: {self._base_url}{ENDPOINT} answered HTTP {status}{hint} instead "
                    "of Moodle's web service: check the Moodle base URL (https, no path)"
                ),
                function=function,
                http_status=status,
            )
        raw = response.content
        content_type = response.headers.get("Content-Type", "")
        if not raw.strip():
            raise MoodleProtocolError(
                f"{function}: Moodle answered with an empty body; check that the site is a "
                "Moodle with web services enabled and look at its PHP error log",
                function=function,
            )
        if "xml" in content_type or raw.lstrip().startswith(b"<?xml"):
            raise MoodleProtocolError(
                f"{function}: Moodle answered in XML, not JSON; a proxy or site setting is "
                "dropping the moodlewsrestformat=json parameter",
                function=function,
            )
        # Built in the except block, raised after it: no __context__ holding the decode error.
        error: MoodleProtocolError | None = None
        try:
            text = raw.decode("utf-8")
            data = json.loads(text)
        except (UnicodeDecodeError, ValueError) as exc:
            error = self._not_json(function, raw, exc)
        if error is not None:
            raise error
        if is_moodle_exception(data):
            err = from_moodle_exception(function, data, service=self.service)
            err.message = self._redact(err.message)
            err.args = (err.message,)
            err.debuginfo = self._redact(err.debuginfo) if err.debuginfo else err.debuginfo
            raise err
        if isinstance(data, Mapping) and isinstance(data.get("warnings"), list):
            for warning in data["warnings"]:
                log.warning("Moodle %s warning: %s", function, self._redact(_describe(warning)))
        return data

    def _not_json(self, function: str, raw: bytes, exc: Exception) -> MoodleProtocolError:
        start = raw.lstrip()[:1]
        if start in (b"{", b"[") and isinstance(exc, json.JSONDecodeError):
            detail = (
                f"truncated or malformed JSON ({exc.msg} at byte {exc.pos} of {len(raw)}); "
                "the connection or a proxy cut the answer short, or PHP ran out of memory"
            )
        else:
            snippet = raw[:60].decode("utf-8", errors="replace").replace("\n", " ")
            detail = (
                f"not JSON (it starts {snippet!r}); check the Moodle base URL and that "
                "nothing (login page, proxy, PHP error) answers in Moodle's place"
            )
        return MoodleProtocolError(
            self._redact(f"{function}: Moodle's answer is {detail}"), function=function
        )

    def _transport_error(
        self, function: str, exc: requests.RequestException, *, read: bool
    ) -> MoodleTransportError:
        never_sent = isinstance(exc, requests.ConnectTimeout) or _refused(exc)
        if isinstance(exc, requests.Timeout):
            phase = "connect" if isinstance(exc, requests.ConnectTimeout) else "read"
            limit = self.timeout[0] if phase == "connect" else self.timeout[1]
            what = f"did not answer within {limit} s ({phase} timeout)"
        elif isinstance(exc, requests.ConnectionError):
            what = f"could not be reached ({_reason(exc)})"
        else:
            what = f"failed at the HTTP level ({type(exc).__name__})"
        if read or never_sent:
            advice = "check that the site is up and the base URL is right"
        else:
            advice = (
                "the write may or may not have been applied: check Moodle before sending it again"
            )
        return MoodleTransportError(
            self._redact(f"{function}: Moodle at {self._base_url} {what}; {advice}"),
            function=function,
            retryable=read or never_sent,
        )

    def _redact(self, text: str) -> str:
        """``text`` with every spelling of the token replaced."""
        for secret in self._secrets:
            if secret:
                text = text.replace(secret, REDACTED)
        return text


def _refused(exc: requests.RequestException) -> bool:
    """Whether the connection was never established (the request cannot have arrived)."""
    text = str(exc)
    return isinstance(exc, requests.ConnectionError) and (
        "NewConnectionError" in text or "Connection refused" in text or "NameResolution" in text
    )


def _reason(exc: requests.RequestException) -> str:
    found = _ERRNO.search(str(exc))
    return found.group(0).strip() if found else type(exc).__name__


def _describe(warning: Any) -> str:
    if not isinstance(warning, Mapping):
        return str(warning)
    item = warning.get("item")
    itemid = warning.get("itemid")
    where = f" [{item}{' ' + str(itemid) if itemid is not None else ''}]" if item else ""
    return f"{warning.get('warningcode')}: {warning.get('message')}{where}"


def _amend(err: MoodleError, suffix: str) -> None:
    err.message += suffix
    err.args = (err.message,)
