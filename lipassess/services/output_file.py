"""One output file, written whole or not at all: an export never leaves half a file behind.

A writer (pandas, openpyxl, pyreadstat) given the target itself leaves a
partial file when it fails halfway (a full disk), and when the target already
held an earlier export, that export is lost too. :func:`replace_when_written`
hands the writer a new file beside the target instead and moves it into place
only once it is complete. A target that cannot be written (a folder that does
not exist, a parent that is a file, a device, a name the system refuses) is
refused with one line that says what to do.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lipassess.errors import InvalidInput

_CHOOSE_A_FOLDER = "choose a folder that exists and is writable"


def cannot_write(path: str | os.PathLike[str], reason: str, what_to_do: str = _CHOOSE_A_FOLDER) -> InvalidInput:
    """The refusal of an output path: what is wrong with it and what to do."""
    return InvalidInput(f"cannot write {os.fspath(path)!r}: {reason}; {what_to_do}", errors={"path": os.fspath(path)})


def _reason(exc: OSError | ValueError) -> str:
    return (exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)) or type(exc).__name__


def _final_target(path: str | os.PathLike[str]) -> Path:
    """The regular file ``path`` names, through symbolic links; refuses what is not a file name."""
    text = os.fspath(path)
    if not text:
        raise cannot_write(path, "no file name given", "give the file to write")
    target = Path(os.path.realpath(text))  # a link to a file: write the file, keep the link
    if target.is_dir():
        raise cannot_write(path, "it is a folder", "give the name of a file in it")
    if target.exists() and not target.is_file():
        raise cannot_write(path, "it is not a regular file (a device or a pipe)", "give a file name in a folder "
                           "that exists and is writable")
    return target


@contextmanager
def replace_when_written(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A new, empty file beside ``path`` for the caller to write; it replaces ``path`` when the block succeeds.

    The new file is made with the process's usual permissions (an existing
    target's are kept). When the block fails, the new file is removed and
    ``path`` is left as it was.

    Raises
    ------
    InvalidInput
        ``path`` cannot be written: empty, a folder, not a regular file, in a
        folder that does not exist or is not writable, or the write failed
        (a full disk).
    """
    try:
        target = _final_target(path)
        partial = target.with_name(f".lipassess-{secrets.token_hex(6)}.partial{target.suffix}")
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except InvalidInput:
        raise
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the name
        raise cannot_write(path, _reason(exc)) from None
    try:
        yield partial
        if target.is_file():
            shutil.copymode(target, partial)
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise cannot_write(path, _reason(exc)) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
