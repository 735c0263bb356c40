"""Moodle user -> participant columns: the profile-field map and the survey language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lipassess.errors import ConfigurationError
from moodle_plugin_bridge import EnrolledUser

COLUMN_TARGETS = ("ministry", "province")
"""Participant columns a custom profile field may fill; other targets go to ``extra_fields``."""

RESERVED_TARGETS = frozenset(
    {
        "id",
        "moodle_user_id",
        "pseudonym",
        "username",
        "idnumber",
        "firstname",
        "lastname",
        "email",
        "language",
        "extra_fields",
        "withdrawn_at",
        "synced_at",
        "created_at",
        "updated_at",
    }
)
"""Participant fields a profile field must not overwrite (Moodle's standard fields fill them)."""


def check_field_map(field_map: Mapping[str, str]) -> dict[str, str]:
    """Validate a ``{profile field shortname: participant field}`` mapping.

    Raises
    ------
    ConfigurationError
        A target is one of Moodle's standard fields (:data:`RESERVED_TARGETS`),
        or two profile fields fill the same target.
    """
    seen: dict[str, str] = {}
    for shortname, target in field_map.items():
        if target in RESERVED_TARGETS:
            raise ConfigurationError(
                f"LIPASSESS_MOODLE_PROFILE_FIELDS maps '{shortname}' onto '{target}', which the sync "
                f"fills from Moodle's standard fields; map it to {' or '.join(COLUMN_TARGETS)} "
                "or to a new name (kept in extra fields)"
            )
        if target in seen:
            raise ConfigurationError(
                f"LIPASSESS_MOODLE_PROFILE_FIELDS maps both '{seen[target]}' and '{shortname}' onto "
                f"'{target}'; keep one"
            )
        seen[target] = shortname
    return dict(field_map)


def participant_values(user: EnrolledUser, field_map: Mapping[str, str]) -> dict[str, Any]:
    """The participant columns a Moodle user's record fills (``language`` only when known)."""
    values: dict[str, Any] = {
        "username": user.username,
        "idnumber": user.idnumber or None,
        "firstname": user.firstname,
        "lastname": user.lastname,
        "email": user.email or None,
    }
    columns: dict[str, str | None] = dict.fromkeys(COLUMN_TARGETS)
    extra: dict[str, str] = {}
    for shortname, value in user.customfields.items():
        target = field_map.get(shortname)
        if target in COLUMN_TARGETS:
            columns[target] = value if value != "" else None
        else:
            extra[target or shortname] = value
    values.update(columns)
    values["extra_fields"] = dict(sorted(extra.items()))
    language = survey_language(user.lang)
    if language is not None:
        values["language"] = language
    return values


def survey_language(moodle_lang: str | None) -> str | None:
    """``km`` or ``en`` from a Moodle language code (``km``, ``en_us`` ...); ``None`` if unknown."""
    if not moodle_lang:
        return None
    return "km" if moodle_lang.lower().startswith("km") else "en"

