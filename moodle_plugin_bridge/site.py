"""What lipassess needs of a Moodle site, and the check behind ``lipassess moodle check``.

:data:`REQUIRED_FUNCTIONS` is every web-service function the sync and the
messaging call; :func:`check_site` compares them and the release with
``core_webservice_get_site_info`` and reports every problem at once, each
with the fix a Moodle administrator applies.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from moodle_plugin_bridge.errors import SERVICE_SHORTNAME
from moodle_plugin_bridge.records.base import RecordMixin
from moodle_plugin_bridge.records.courses import SiteInfo

MIN_RELEASE: tuple[int, int] = (4, 1)
"""Oldest supported Moodle release (4.1 LTS); ``core_grades_get_grades`` is gone since 4.0."""

SYNC_FUNCTIONS: tuple[str, ...] = (
    "core_webservice_get_site_info",
    "core_course_get_courses_by_field",
    "core_enrol_get_enrolled_users",
    "core_user_get_users_by_field",
    "gradereport_user_get_grade_items",
    "core_completion_get_course_completion_status",
    "core_cohort_get_cohorts",
    "core_cohort_get_cohort_members",
)
"""Functions ``lipassess sync`` calls."""

MESSAGING_FUNCTIONS: tuple[str, ...] = ("core_message_send_instant_messages",)
"""Functions the follow-up dispatch calls."""

REQUIRED_FUNCTIONS: tuple[str, ...] = SYNC_FUNCTIONS + MESSAGING_FUNCTIONS
"""Every function the external service must hold for sync and messaging."""

_RELEASE = re.compile(r"^\s*(\d+)\.(\d+)(?:\.(\d+))?")


def parse_release(release: str) -> tuple[int, int, int]:
    """Moodle's release string -> ``(major, minor, patch)``.

    Raises
    ------
    ValueError
        The string does not start with ``major.minor``.

    Examples
    --------
    >>> parse_release("4.5 (Build: 20241007)"), parse_release("4.1.12+ (Build: 20240812)")
    ((4, 5, 0), (4, 1, 12))
    """
    match = _RELEASE.match(release or "")
    if not match:
        raise ValueError(f"not a Moodle release string: {release!r}")
    major, minor, patch = match.groups()
    return int(major), int(minor), int(patch or 0)


def missing_functions(
    site: SiteInfo, required: Iterable[str] = REQUIRED_FUNCTIONS
) -> tuple[str, ...]:
    """The ``required`` functions the token's service lacks, in the order given, no repeats."""
    offered = set(site.functions)
    return tuple(dict.fromkeys(name for name in required if name not in offered))


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class SiteCheck(RecordMixin):
    """The outcome of checking a Moodle site against what lipassess needs.

    Attributes
    ----------
    release
        Moodle's release string, e.g. ``4.5 (Build: 20241007)``.
    release_tuple
        ``(major, minor, patch)`` parsed from it, ``None`` if unparseable.
    supported
        Whether the release is :data:`MIN_RELEASE` or newer.
    missing_functions
        Required functions the service lacks.
    problems
        One line per problem, each with the administrator's fix; empty when ``ok``.
    """

    release: str
    release_tuple: tuple[int, int, int] | None
    supported: bool
    username: str
    missing_functions: tuple[str, ...]
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Whether the site can serve sync and messaging."""
        return not self.problems

    def summary(self) -> str:
        """The check as lines for a terminal."""
        lines = [f"Moodle {self.release} (web-service user {self.username})"]
        if self.ok:
            lines.append("ok: release supported and every required function is in the service")
        lines += [f"problem: {line}" for line in self.problems]
        return "\n".join(lines)


def check_site(
    site: SiteInfo,
    required: Iterable[str] = REQUIRED_FUNCTIONS,
    *,
    service: str = SERVICE_SHORTNAME,
) -> SiteCheck:
    """Compare a site's release and service functions with what lipassess needs."""
    problems: list[str] = []
    try:
        release_tuple: tuple[int, int, int] | None = parse_release(site.release)
    except ValueError:
        release_tuple = None
    supported = release_tuple is not None and release_tuple >= MIN_RELEASE
    minimum = ".".join(map(str, MIN_RELEASE))
    if release_tuple is None:
        problems.append(
            f"cannot read the Moodle release {site.release!r}; lipassess supports Moodle "
            f"{minimum} or newer"
        )
    elif not supported:
        problems.append(
            f"Moodle {site.release} is older than {minimum}: upgrade Moodle to {minimum} or newer"
        )
    missing = missing_functions(site, required)
    if missing:
        problems.append(
            f"the external service '{service}' lacks {len(missing)} function(s): "
            f"{', '.join(missing)}. Add them in Site administration > Server > Web services > "
            f"External services > {service} > Functions"
        )
    return SiteCheck(
        release=site.release,
        release_tuple=release_tuple,
        supported=supported,
        username=site.username,
        missing_functions=missing,
        problems=tuple(problems),
    )
