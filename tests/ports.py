"""Free TCP ports on localhost for the tests' own servers, and starting a server on one despite a clash.

A free port is found by binding port 0 and releasing it; between that and the
server binding it, another test worker (pytest-xdist runs several) may take the
same port. :func:`on_a_free_port` tries again on a new port when that happens.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
ATTEMPTS = 5


def free_port() -> int:
    """A port nothing on 127.0.0.1 listens on at this moment."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PortTaken(Exception):
    """Raised by a ``start`` callable when its port was taken before it could bind it."""


def on_a_free_port(start: Callable[[int], T], attempts: int = ATTEMPTS) -> T:
    """``start(port)`` on a free port; a new port when ``start`` raises :class:`PortTaken` or EADDRINUSE."""
    last: BaseException | None = None
    for _ in range(attempts):
        try:
            return start(free_port())
        except PortTaken as exc:
            last = exc
        except OSError as exc:
            if exc.errno != 98 and "in use" not in str(exc).lower():  # 98: EADDRINUSE on Linux
                raise
            last = exc
    raise AssertionError(f"no free port after {attempts} attempts: {last}")
