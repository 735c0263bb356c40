"""Configuration: the only module that reads the environment.

Precedence, lowest first: built-in defaults, ``instance/config.py`` (a Python
file of UPPERCASE settings in the instance folder), ``LIPASSESS_*`` environment
variables, then ``test_config`` passed to :func:`lipassess.create_app`. The web
service and the CLI read the same names.

Every setting, its environment variable and its default are listed in
:data:`SETTINGS`; the README's configuration reference is generated from the
same table.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lipassess.errors import ConfigurationError

ENV_PREFIX = "LIPASSESS_"
INSECURE_SECRET = "insecure-development-key-do-not-use-in-production"


@dataclass(frozen=True, slots=True)
class Setting:
    """One configuration value: its name, default, parser and meaning."""

    name: str
    default: Any
    help: str
    parse: str = "str"  # str | int | float | bool | list


SETTINGS: tuple[Setting, ...] = (
    Setting("ENV", "development", "`development` or `production`; production refuses an unset secret key."),
    Setting("DATABASE_URL", None,
            "SQLAlchemy URL. Default: SQLite file `lipassess.sqlite3` in the instance folder (WAL mode). "
            "PostgreSQL: `postgresql+psycopg://user@host/db`."),
    Setting("SECRET_KEY", None, "Signs sessions and CSRF tokens. Required in production (32+ random characters)."),
    Setting("KEY_ENCRYPTION_KEY", None,
            "Encrypts the tool's LTI private keys in the database. Default: derived from `LIPASSESS_SECRET_KEY`."),
    Setting("PREVIOUS_SECRET_KEYS", "",
            "Earlier values of the key-encryption secret (`LIPASSESS_KEY_ENCRYPTION_KEY`, else "
            "`LIPASSESS_SECRET_KEY`), comma separated, that may still decrypt stored LTI keys until "
            "`lipassess lti reencrypt-keys` has run."),
    Setting("BASE_URL", "http://127.0.0.1:5000",
            "Public URL of this service, used in personal links and LTI registration."),
    Setting("MOODLE_URL", None, "Base URL of the Moodle site, e.g. `https://moodle.example.gov.kh`."),
    Setting("MOODLE_TOKEN", None, "Moodle web-service token of the integration user (service `lipassess`)."),
    Setting("MOODLE_TIMEOUT", 30.0, "Seconds to wait for one Moodle web-service answer.", "float"),
    Setting("MOODLE_PROFILE_FIELDS", "ministry=ministry,province=province",
            "Moodle custom profile field shortname = participant field, comma separated; "
            "unmapped fields are kept as extra fields."),
    Setting("INSTRUMENTS_DIR", None, "Folder of instrument YAML files. Default: the bundled `instruments/`."),
    Setting("MIN_SHARE_ANSWERED", 0.8,
            "Share of a scale's items that must be answered for a score, for instruments that declare "
            "no `scoring.min_share_answered` of their own (greater than 0, at most 1).", "float"),
    Setting("FOLLOWUP_OFFSET_DAYS", 182, "Days after course end when the follow-up wave opens.", "int"),
    Setting("FOLLOWUP_WINDOW_DAYS", 42, "Days the follow-up wave stays open.", "int"),
    Setting("LINK_TTL_DAYS", 60, "Days a personal survey link stays valid.", "int"),
    Setting("REMINDERS", 2, "How many reminders dispatch sends at most per participant and wave.", "int"),
    Setting("REMINDER_SPACING_DAYS", 7, "Days between an invitation and each reminder.", "int"),
    Setting("MIN_GROUP_SIZE", 5, "Subgroups smaller than this are suppressed in manager outputs.", "int"),
    Setting("SESSION_IDLE_HOURS", 8,
            "Hours a staff sign-in (password or LTI instructor launch) lasts without use; every request "
            "extends it.", "int"),
    Setting("SESSION_MAX_HOURS", 24, "Hours after which a staff sign-in ends however much it is used.", "int"),
    Setting("API_TOKEN_DAYS", 90, "Days a newly issued staff API token stays valid.", "int"),
    Setting("SIGN_IN_MAX_FAILURES", 5,
            "Failed sign-ins to one account, within the lock period, that lock it for the lock period.", "int"),
    Setting("SIGN_IN_MAX_FAILURES_PER_ADDRESS", 20,
            "Failed sign-ins from one client address, within the lock period, that lock that address out.",
            "int"),
    Setting("SIGN_IN_LOCK_MINUTES", 15, "Minutes an account or address stays locked after too many failures.",
            "int"),
    Setting("TRUSTED_PROXIES", 0,
            "Reverse proxies in front of the service that append to `X-Forwarded-For`; the client address "
            "(sign-in throttling, logs) is read that many entries from the right. 0: the connecting address.",
            "int"),
    Setting("SMTP_HOST", None,
            "SMTP server that sends e-mail to raters (supervisors, peers); without it rater links are only "
            "shown to staff to copy."),
    Setting("SMTP_PORT", 25, "Port of the SMTP server (587 with `LIPASSESS_SMTP_STARTTLS`).", "int"),
    Setting("SMTP_STARTTLS", False, "Upgrade the SMTP connection with STARTTLS before signing in.", "bool"),
    Setting("SMTP_USERNAME", None, "SMTP sign-in name, if the server needs one."),
    Setting("SMTP_PASSWORD", None, "SMTP password, with `LIPASSESS_SMTP_USERNAME`."),
    Setting("SMTP_FROM", None, "Sender address of e-mail to raters; required with `LIPASSESS_SMTP_HOST`."),
    Setting("SMTP_TIMEOUT", 30.0, "Seconds to wait for the SMTP server.", "float"),
    Setting("MIN_RATERS_PER_RELATION", 3,
            "Observer ratings of one relation (peers, direct reports) are reported apart only from this many "
            "raters of a participant on; fewer are merged into \"others\".", "int"),
    Setting("LOG_LEVEL", "INFO", "Level of the `lipassess` and `moodle_plugin_bridge` log lines: "
            "`DEBUG`, `INFO`, `WARNING`, `ERROR` or `CRITICAL`."),
)

_POSITIVE = 1e-9
NUMERIC_RANGES: dict[str, tuple[float, float]] = {
    "MOODLE_TIMEOUT": (_POSITIVE, 3600),  # seconds: an hour
    "FOLLOWUP_OFFSET_DAYS": (0, 3650),  # ten years
    "FOLLOWUP_WINDOW_DAYS": (1, 3650),
    "LINK_TTL_DAYS": (1, 3650),
    "REMINDERS": (0, 20),
    "REMINDER_SPACING_DAYS": (1, 365),
    "MIN_GROUP_SIZE": (1, 1000),
    "SESSION_IDLE_HOURS": (1, 8760),  # a year
    "SESSION_MAX_HOURS": (1, 8760),
    "API_TOKEN_DAYS": (1, 3650),
    "SIGN_IN_MAX_FAILURES": (1, 1000),
    "SIGN_IN_MAX_FAILURES_PER_ADDRESS": (1, 10000),
    "SIGN_IN_LOCK_MINUTES": (1, 10080),  # a week
    "TRUSTED_PROXIES": (0, 10),
    "SMTP_PORT": (1, 65535),
    "SMTP_TIMEOUT": (_POSITIVE, 3600),
    "MIN_RATERS_PER_RELATION": (1, 100),
}
"""Numeric settings and their smallest and largest sensible value.

The smallest: a timeout of 0 would wait forever or not at all, a link valid for
0 days never works. The largest: far beyond what a deployment needs, and small
enough that every date, duration and list made from the value stays in range
(a link valid for 99999999999 days is a date Python cannot hold, and a page
that computes it fails).
"""
_HELP = {s.name: s.help.rstrip(".") for s in SETTINGS}

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

_BOOL_TRUE = {"1", "true", "yes", "on"}
_BOOL_FALSE = {"0", "false", "no", "off", ""}


def describe_range(name: str) -> str:
    """``at least 1 and at most 3650``: the accepted values of a numeric setting, as the messages say them."""
    smallest, largest = NUMERIC_RANGES[name]
    low = "greater than 0" if smallest == _POSITIVE else f"at least {int(smallest)}"
    return f"{low} and at most {int(largest)}"


def _parse(setting: Setting, raw: str) -> Any:
    try:
        if setting.parse == "int":
            return int(raw)
        if setting.parse == "float":
            return float(raw)
        if setting.parse == "bool":
            lowered = raw.strip().lower()
            if lowered in _BOOL_TRUE:
                return True
            if lowered in _BOOL_FALSE:
                return False
            raise ValueError(raw)
    except ValueError:
        raise ConfigurationError(
            f"{ENV_PREFIX}{setting.name}={raw!r} is not a valid {setting.parse}; "
            f"fix the environment variable ({setting.help})"
        ) from None
    return raw


def defaults() -> dict[str, Any]:
    """The built-in default of every setting."""
    return {s.name: s.default for s in SETTINGS}


def from_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Settings present as ``LIPASSESS_*`` environment variables, parsed."""
    environ = os.environ if environ is None else environ
    found: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = environ.get(ENV_PREFIX + setting.name)
        if raw is not None:
            found[setting.name] = _parse(setting, raw)
    return found


def from_instance_file(instance_path: Path) -> dict[str, Any]:
    """UPPERCASE names from ``instance/config.py``, if that file exists."""
    path = instance_path / "config.py"
    if not path.is_file():
        return {}
    namespace: dict[str, Any] = {}
    try:
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    except Exception as exc:  # a broken config file must say where it is
        raise ConfigurationError(f"{path}: cannot read instance config ({exc}); fix or remove it") from exc
    return {k: v for k, v in namespace.items() if k.isupper()}


def default_database_url(instance_path: Path) -> str:
    """The embedded default: a SQLite file in the instance folder."""
    return f"sqlite:///{instance_path / 'lipassess.sqlite3'}"


def resolve(
    instance_path: Path,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Merge defaults, instance file, environment and overrides; check the result."""
    config = defaults()
    config.update(from_instance_file(instance_path))
    config.update(from_environment(environ))
    config.update(overrides or {})
    if not config.get("DATABASE_URL"):
        if config.get("ENV") == "production":
            raise ConfigurationError(
                f"{ENV_PREFIX}DATABASE_URL is empty; production needs it set explicitly (PostgreSQL: "
                "'postgresql+psycopg://user@host:5432/dbname', or 'sqlite:////absolute/path.sqlite3')"
            )
        config["DATABASE_URL"] = default_database_url(instance_path)
    check(config)
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = INSECURE_SECRET
    return config


def check(config: Mapping[str, Any]) -> None:
    """Refuse configurations the service cannot safely run with."""
    env = config.get("ENV")
    if env not in ("development", "production", "testing"):
        raise ConfigurationError(
            f"{ENV_PREFIX}ENV={env!r} is not known; use 'development' or 'production'"
        )
    if env == "production":
        secret = config.get("SECRET_KEY") or ""
        if len(secret) < 32 or secret == INSECURE_SECRET:
            raise ConfigurationError(
                f"{ENV_PREFIX}SECRET_KEY must be set to at least 32 random characters in "
                "production; generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
    encryption_key = config.get("KEY_ENCRYPTION_KEY")
    if encryption_key is not None and len(str(encryption_key)) < 32:
        raise ConfigurationError(f"{ENV_PREFIX}KEY_ENCRYPTION_KEY must be at least 32 random characters when set; "
                                 "leave it unset to derive the key from LIPASSESS_SECRET_KEY")
    for name, (smallest, largest) in NUMERIC_RANGES.items():
        value = config.get(name)
        # ``not low <= value <= high`` also refuses NaN, which compares false with everything
        if isinstance(value, bool) or not isinstance(value, int | float) or not smallest <= value <= largest:
            raise ConfigurationError(f"{ENV_PREFIX}{name}={value!r} must be a number {describe_range(name)} "
                                     f"({_HELP[name]})")
    level = config.get("LOG_LEVEL")
    if not isinstance(level, str) or level.upper() not in LOG_LEVELS:
        raise ConfigurationError(
            f"{ENV_PREFIX}LOG_LEVEL={level!r} is not a logging level; use one of {', '.join(LOG_LEVELS)}"
        )
    share = config.get("MIN_SHARE_ANSWERED", 0.8)
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share <= 1:
        raise ConfigurationError(
            f"{ENV_PREFIX}MIN_SHARE_ANSWERED={share!r} must be greater than 0 and at most 1 (e.g. 0.8 for 80%)"
        )
    url = str(config.get("DATABASE_URL") or "")
    scheme = url.split(":", 1)[0].split("+", 1)[0]
    if scheme not in ("sqlite", "postgresql"):
        raise ConfigurationError(
            f"{ENV_PREFIX}DATABASE_URL scheme {scheme!r} is not supported; use "
            "'sqlite:///path/file.sqlite3' or 'postgresql+psycopg://user@host:5432/dbname'"
        )


def key_encryption_secrets(config: Mapping[str, Any]) -> tuple[str, ...]:
    """The secrets that encrypt the LTI tool keys: the current one first, then the previous ones."""
    current = config.get("KEY_ENCRYPTION_KEY") or config.get("SECRET_KEY") or ""
    previous = [p.strip() for p in str(config.get("PREVIOUS_SECRET_KEYS") or "").split(",") if p.strip()]
    return tuple(dict.fromkeys([current, *previous]))


def profile_field_map(spec: str) -> dict[str, str]:
    """Parse ``MOODLE_PROFILE_FIELDS`` ("shortname=field,...") into a dict."""
    mapping: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in (spec or "").split(","))):
        moodle_name, sep, field = part.partition("=")
        if not sep or not moodle_name.strip() or not field.strip():
            raise ConfigurationError(
                f"{ENV_PREFIX}MOODLE_PROFILE_FIELDS entry {part!r} must look like 'shortname=field'"
            )
        mapping[moodle_name.strip()] = field.strip()
    return mapping
