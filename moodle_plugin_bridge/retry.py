"""The retry schedule for read calls: capped exponential backoff, as a pure value.

The client retries only reads, only after a ``MoodleTransportError``
(connection refused, timeout, HTTP 5xx or 429), and asks this module how
long to wait before each new attempt. Keeping the arithmetic here lets it be
tested without any HTTP or clock.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class Backoff:
    """Capped exponential backoff: ``delay(n) = min(cap, base * factor ** n)`` seconds.

    Attributes
    ----------
    base
        Wait before the first retry, in seconds.
    factor
        Growth of the wait from one retry to the next.
    cap
        No wait is ever longer than this, not even when the server's
        ``Retry-After`` asks for more.
    """

    base: float = 0.5
    factor: float = 2.0
    cap: float = 8.0

    def __post_init__(self) -> None:
        if self.base < 0 or self.cap < 0:
            raise ValueError("backoff base and cap must be >= 0 seconds")
        if self.factor < 1:
            raise ValueError("backoff factor must be >= 1, or waits would shrink")

    def delay(self, retry: int, *, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (0 for the first retry).

        A server's ``Retry-After`` lengthens the wait but never beyond ``cap``.

        Examples
        --------
        >>> Backoff(base=0.5, factor=2, cap=3).delay(0), Backoff(base=0.5, factor=2, cap=3).delay(5)
        (0.5, 3)
        """
        if retry < 0:
            raise ValueError("retry numbers start at 0")
        # min() before the power so a long retry run cannot overflow a float.
        exponent = min(retry, 64)
        wait = min(self.cap, self.base * self.factor**exponent)
        if retry_after is not None and retry_after > wait:
            wait = min(self.cap, retry_after)
        return wait

    def schedule(self, max_retries: int) -> tuple[float, ...]:
        """The waits before each of ``max_retries`` retries, in order.

        Examples
        --------
        >>> Backoff(base=0.5, factor=2, cap=3).schedule(4)
        (0.5, 1.0, 2.0, 3)
        """
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        return tuple(self.delay(n) for n in range(max_retries))


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header given in seconds; ``None`` for dates or junk.

    Examples
    --------
    >>> parse_retry_after("7"), parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT")
    (7.0, None)
    """
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None
