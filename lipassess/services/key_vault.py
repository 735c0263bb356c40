"""The tool's LTI private keys at rest: Fernet tokens under a key derived from the app's secret.

The current secret is ``LIPASSESS_KEY_ENCRYPTION_KEY`` when set, else
``LIPASSESS_SECRET_KEY``; ``LIPASSESS_PREVIOUS_SECRET_KEYS`` lists earlier ones
that may still decrypt. Each secret becomes a Fernet key by HKDF-SHA256, so any
string of 32+ characters will do. The app puts the secrets, current first, into
every session's ``Session.info`` (:data:`~lipassess.store.database.KEY_SECRETS_INFO`);
:func:`vault_for` reads them from there.

A stored value that is still plain PEM (written before keys were encrypted)
is read as is; :func:`lipassess.services.lti_setup.tool_keys` encrypts it the
first time it is read, and ``lipassess lti reencrypt-keys`` re-encrypts every
key under the current secret (run it after changing the secret, then drop the
old one from the previous list).
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.orm import Session

from lipassess.errors import ConfigurationError
from lipassess.store.database import KEY_SECRETS_INFO

PLAIN_PEM_PREFIX = "-----BEGIN"
_SALT = b"lipassess key encryption"
_CONTEXT = b"lipassess lti tool private keys v1"
UNDECRYPTABLE = (
    "the stored LTI tool key {kid} cannot be decrypted with the current secret: was LIPASSESS_SECRET_KEY "
    "(or LIPASSESS_KEY_ENCRYPTION_KEY) changed? add the old one to LIPASSESS_PREVIOUS_SECRET_KEYS, then run "
    "'lipassess lti reencrypt-keys'"
)


def fernet_key(secret: str) -> bytes:
    """The Fernet key of ``secret``: 32 bytes of HKDF-SHA256, url-safe base64."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=_CONTEXT).derive(secret.encode("utf-8"))
    return base64.urlsafe_b64encode(derived)


def is_plain_pem(stored: str) -> bool:
    """True for a key stored before encryption (a PEM text, not a Fernet token)."""
    return stored.lstrip().startswith(PLAIN_PEM_PREFIX)


class KeyVault:
    """Encrypts with the first secret; decrypts with any of them."""

    def __init__(self, secrets: Sequence[str]) -> None:
        usable = [s for s in secrets if s]
        if not usable:
            raise ConfigurationError("no secret to encrypt the LTI tool keys with; set LIPASSESS_SECRET_KEY")
        self._current = Fernet(fernet_key(usable[0]))
        self._any = MultiFernet([Fernet(fernet_key(s)) for s in usable])

    def encrypt(self, pem: str) -> str:
        """A Fernet token of ``pem`` under the current secret."""
        return self._current.encrypt(pem.encode("utf-8")).decode("ascii")

    def decrypt(self, stored: str, *, kid: str = "") -> str:
        """The PEM of a stored value (plain legacy PEM as is); :class:`ConfigurationError` when no secret fits."""
        if is_plain_pem(stored):
            return stored
        try:
            return self._any.decrypt(stored.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise ConfigurationError(UNDECRYPTABLE.format(kid=kid or "(unknown kid)")) from None

    def is_current(self, stored: str) -> bool:
        """True when ``stored`` is a token under the current secret (nothing to re-encrypt)."""
        if is_plain_pem(stored):
            return False
        try:
            self._current.decrypt(stored.encode("ascii"))
        except (InvalidToken, UnicodeError):
            return False
        return True


@functools.lru_cache(maxsize=8)
def _vault(secrets: tuple[str, ...]) -> KeyVault:
    return KeyVault(secrets)


def vault_for(session: Session) -> KeyVault:
    """The vault of the secrets the app put into ``session.info``."""
    secrets = session.info.get(KEY_SECRETS_INFO)
    if not secrets:
        raise ConfigurationError("this database session carries no key-encryption secret; open sessions with "
                                 "lipassess.db.session_factory(app), which passes LIPASSESS_SECRET_KEY")
    return _vault(tuple(secrets))
