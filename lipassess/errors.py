"""The error hierarchy every layer of lipassess raises.

Domain code raises these; the web layer maps them to HTTP statuses in one
table (``lipassess.web.errors``) and the CLI prints their message on one line
with exit code 1 for a :class:`JobFailed` (the job ran and failed) and 2 for
everything else (the command cannot run as given). Messages say what to do
next, never how the code failed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class LipassessError(Exception):
    """Base class for expected failures: bad input, missing data, conflicts."""

    code = "error"

    def __init__(self, message: str, *, errors: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors: dict[str, Any] = dict(errors or {})

    def __str__(self) -> str:
        return self.message


class InvalidInput(LipassessError, ValueError):
    """The caller's input cannot be used as given (wrong column, value out of scale...)."""

    code = "invalid_input"


class NotFound(LipassessError, LookupError):
    """A named thing (cohort, wave, participant, file) does not exist."""

    code = "not_found"


class Conflict(LipassessError):
    """The request clashes with stored state (already submitted, version frozen...)."""

    code = "conflict"


class InsufficientData(LipassessError):
    """The data exist but are too few for the requested statistic."""

    code = "insufficient_data"


class ConfigurationError(LipassessError):
    """The service is configured in a way it cannot run with."""

    code = "configuration_error"


class PermissionDenied(LipassessError):
    """The caller is known but not allowed to do this."""

    code = "permission_denied"


class JobFailed(LipassessError):
    """The job ran and failed for a reason outside the caller's input (Moodle down); a later run may succeed."""

    code = "job_failed"


class Gone(LipassessError):
    """A link or resource existed but has expired or been closed."""

    code = "gone"
