"""Use case: know when a folder's written outputs are still exactly what a new run would write.

``lipassess demo`` run again on its folder finds the same program, the same
data and usually the same code: rendering every summary and PDF again would
take a minute to write the same files. After a complete write it records a
manifest (``outputs.json``): the *fingerprint* of everything the outputs were
made from (the caller's choice: for the demo the running code's hash and the
stored analyses' data versions) and the SHA-256 of every file written. A later
run reuses the outputs only when

* the manifest can be read and names this fingerprint,
* every file it lists is still inside the folder, present, and has the recorded hash
  (a file opened and edited, truncated or deleted means "write them all again").

Anything else (no manifest, an unreadable one, another fingerprint, a single
changed file) means the outputs are written again from scratch. The manifest is
removed before a write starts and written last, atomically, so a run cut short
never leaves a manifest that vouches for half-written files.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

MANIFEST = "outputs.json"
_FORMAT = 1
_CHUNK = 1 << 20


def file_hash(path: Path) -> str:
    """The SHA-256 of ``path``'s bytes, hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@functools.cache
def source_hash(root: Path) -> str:
    """The SHA-256 of every file under ``root`` (code, templates, stylesheets, fonts; not ``__pycache__``), by path.

    For a fingerprint of the code that renders outputs: a changed template
    changes the outputs as surely as changed Python does.
    """
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.relative_to(root).parts:
            digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
            digest.update(file_hash(path).encode("ascii"))
    return digest.hexdigest()


def forget(out_dir: Path) -> None:
    """Remove the manifest before outputs are written (a run cut short then leaves none)."""
    (out_dir / MANIFEST).unlink(missing_ok=True)


def record(out_dir: Path, fingerprint: str, files: Mapping[str, Sequence[Path]]) -> Path:
    """Write the manifest for ``files`` (by kind, each inside ``out_dir``) made from ``fingerprint``."""
    root = out_dir.resolve()
    listed = {kind: {path.resolve().relative_to(root).as_posix(): file_hash(path) for path in paths}
              for kind, paths in files.items()}
    text = json.dumps({"format": _FORMAT, "fingerprint": fingerprint, "files": listed}, indent=1, sort_keys=True)
    target = root / MANIFEST
    handle, temporary = tempfile.mkstemp(prefix=".outputs-", suffix=".json", dir=root)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def reusable(out_dir: Path, fingerprint: str) -> dict[str, list[Path]] | None:
    """The files of the last complete write, by kind, when they are exactly what ``fingerprint`` makes; else None."""
    root = out_dir.resolve()
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != _FORMAT \
            or manifest.get("fingerprint") != fingerprint or not isinstance(manifest.get("files"), dict):
        return None
    files: dict[str, list[Path]] = {}
    for kind, listed in manifest["files"].items():
        if not isinstance(listed, dict):
            return None
        for name, recorded in listed.items():
            path = _inside(root, name)
            if path is None or not isinstance(recorded, str) or not path.is_file() or file_hash(path) != recorded:
                return None
            files.setdefault(kind, []).append(path)
    return files


def _inside(root: Path, name: object) -> Path | None:
    """``root / name`` when ``name`` is a relative path that stays inside ``root``, else None."""
    if not isinstance(name, str) or not name:
        return None
    path = (root / name).resolve()
    return path if path.is_relative_to(root) and path != root else None
