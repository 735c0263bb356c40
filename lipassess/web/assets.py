"""Static files with versioned URLs, long caching, gzip and a favicon: after the first page, only HTML.

* Every ``url_for("static", filename=...)`` gets ``?v=<hash>``, the first 12 hex
  digits of the SHA-256 of the file as served, so the URL changes whenever the
  content does (templates need no change).
* A request whose ``v`` is the current hash is answered with
  ``Cache-Control: public, max-age=31536000, immutable``: the browser never asks
  again. Any other ``v`` (a page rendered by a host still running the previous
  release, during a rolling deploy) gets the current file with ``no-cache`` and
  its ``ETag``, so nothing stale is kept for a year.
* ``url(...)`` references inside a CSS file to other static files (the Khmer
  fonts of ``khmer.css``) are rewritten to their versioned URLs before the CSS
  is hashed, so a changed font changes the CSS's URL too.
* CSS, SVG and other text files are also kept gzipped; fonts (WOFF2 is already
  compressed) and icons are sent as they are.
* ``/favicon.ico`` (asked by browsers on their own) is served for a day; the
  pages link the versioned icon.

Everything here is read from the package's static folder and kept per process,
checked against the file's size and modification time every few seconds: the same
files give the same hashes on every host, so no host relies on another's memory.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import mimetypes
import os
import posixpath
import re
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask, current_app, request, url_for
from werkzeug.exceptions import NotFound
from werkzeug.http import parse_accept_header
from werkzeug.security import safe_join
from werkzeug.wrappers import Response

EXTENSION = "lipassess.assets"
VERSION_ARG = "v"
HASH_LENGTH = 12
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
FAVICON = "favicon.ico"
FAVICON_MAX_AGE = "public, max-age=86400"
#: Files above this size are not kept in memory (none of ours comes near it).
MAX_ASSET_BYTES = 2 * 1024 * 1024
#: Types worth gzipping; fonts (WOFF2) and images other than SVG are compressed already.
COMPRESSIBLE = frozenset({"text/css", "text/plain", "image/svg+xml", "application/javascript",
                          "text/javascript", "application/json"})
#: Seconds between two looks at a static file's size and modification time (a deploy replaces files).
RECHECK_SECONDS = 2.0
_clock = time.monotonic
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")\s]+)\1\s*\)""")


@dataclass(frozen=True, slots=True)
class Asset:
    """One static file as served: its bytes, gzipped bytes (or None), type and content hash."""

    body: bytes
    gzipped: bytes | None
    mimetype: str
    digest: str
    stamp: tuple[int, int]  # (size, mtime_ns) of the file read
    checked: float  # monotonic time the file was last compared with its stamp
    depends: tuple[tuple[str, str], ...] = ()  # (file, its hash) of every file a CSS names


class Assets:
    """The static folder's files, read and hashed once per change, thread-safe."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self._cache: dict[str, Asset] = {}
        self._lock = threading.Lock()

    def get(self, filename: str) -> Asset | None:
        """The asset at ``filename`` (relative, ``/``-separated), or None when there is no such file.

        The file is looked at again at most every :data:`RECHECK_SECONDS`: a page links
        three or four static files, and a ``stat`` each time would cost more than the rest
        of building their URLs.
        """
        found = self._cache.get(filename)
        now = _clock()
        if found is not None and now - found.checked < RECHECK_SECONDS:
            return found
        path = safe_join(str(self.folder), filename)
        if path is None:
            return None
        if not os.path.isfile(path):
            return None
        stat = os.stat(path)
        if stat.st_size > MAX_ASSET_BYTES:
            return None
        stamp = (stat.st_size, stat.st_mtime_ns)
        if found is not None and found.stamp == stamp and all(
                self.version(name) == digest for name, digest in found.depends):
            asset = dataclasses.replace(found, checked=now)
        else:
            asset = self._read(filename, Path(path), stamp, now)
        with self._lock:
            self._cache[filename] = asset
        return asset

    def version(self, filename: str) -> str | None:
        asset = self.get(filename)
        return asset.digest if asset else None

    def _read(self, filename: str, path: Path, stamp: tuple[int, int], now: float) -> Asset:
        body = path.read_bytes()
        mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        depends: list[tuple[str, str]] = []
        if mimetype == "text/css":
            body = self._versioned_css(filename, body.decode("utf-8"), depends).encode("utf-8")
        gzipped = gzip.compress(body, compresslevel=9, mtime=0) if mimetype in COMPRESSIBLE else None
        if gzipped is not None and len(gzipped) >= len(body):
            gzipped = None
        digest = hashlib.sha256(body).hexdigest()[:HASH_LENGTH]
        return Asset(body=body, gzipped=gzipped, mimetype=mimetype, digest=digest, stamp=stamp, checked=now,
                     depends=tuple(depends))

    def _versioned_css(self, filename: str, css: str, depends: list[tuple[str, str]]) -> str:
        """``url(fonts/x.woff2)`` -> ``url(fonts/x.woff2?v=<hash>)`` for every static file a CSS refers to.

        Each file named is added to ``depends``: when it changes, the CSS is read again. Other CSS
        files (``@import``) are left as they are, so there is no chain to follow.
        """
        base = posixpath.dirname(filename)

        def rewrite(match: re.Match[str]) -> str:
            target = match.group(2)
            if target.startswith(("data:", "http:", "https:", "/", "#")) or "?" in target or target.endswith(".css"):
                return match.group(0)
            resolved = posixpath.normpath(posixpath.join(base, target))
            if resolved.startswith("../"):
                return match.group(0)
            digest = self.version(resolved)
            if not digest:
                return match.group(0)
            depends.append((resolved, digest))
            return f"url({target}?{VERSION_ARG}={digest})"

        return _CSS_URL.sub(rewrite, css)


def assets() -> Assets:
    return current_app.extensions[EXTENSION]


def accepts_gzip() -> bool:
    """Whether the client's ``Accept-Encoding`` allows gzip (``gzip`` or ``*`` with a quality above 0)."""
    return _allows_gzip(request.headers.get("Accept-Encoding", ""))


@lru_cache(maxsize=256)
def _allows_gzip(accept_encoding: str) -> bool:
    """:func:`accepts_gzip` for one header value (browsers send a handful of values: each parsed once)."""
    encodings = parse_accept_header(accept_encoding)
    quality = encodings["gzip"] if "gzip" in encodings else encodings["*"]
    return quality > 0


def _add_version(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint == "static" and VERSION_ARG not in values and "filename" in values:
        digest = assets().version(str(values["filename"]))
        if digest:
            values[VERSION_ARG] = digest


_STATIC_URLS: dict[tuple[str, str, str], str] = {}

#: While a page is rendered to be kept (:mod:`lipassess.web.page_shell`), the static files it links and their versions.
linked_assets: ContextVar[list[tuple[str, str]] | None] = ContextVar("linked_assets", default=None)


def static_url(filename: str) -> str:
    """``url_for('static', filename=...)`` with its version, built once per version and script root.

    A survey page links four or five static files; building each URL through the
    URL map costs more than the rest of the page's header.
    """
    digest = assets().version(filename) or ""
    recording = linked_assets.get()
    if recording is not None:
        recording.append((filename, digest))
    key = (request.script_root, filename, digest)
    found = _STATIC_URLS.get(key)
    if found is None:
        found = url_for("static", filename=filename)
        if len(_STATIC_URLS) > 1024:
            _STATIC_URLS.clear()
        _STATIC_URLS[key] = found
    return found


def _serve(asset: Asset, cache_control: str) -> Response:
    use_gzip = asset.gzipped is not None and accepts_gzip()
    response = Response(asset.gzipped if use_gzip else asset.body, mimetype=asset.mimetype)
    if use_gzip:
        response.headers["Content-Encoding"] = "gzip"
    if asset.gzipped is not None:
        response.vary.add("Accept-Encoding")
    response.set_etag(asset.digest + ("-gz" if use_gzip else ""))
    response.headers["Cache-Control"] = cache_control
    return response.make_conditional(request)


def static_file(filename: str) -> Response:
    """The ``static`` endpoint: immutable when the URL names the current version, else revalidated."""
    asset = assets().get(filename)
    if asset is None:
        raise NotFound()
    fresh = request.args.get(VERSION_ARG) == asset.digest
    return _serve(asset, IMMUTABLE if fresh else REVALIDATE)


def favicon() -> Response:
    """``/favicon.ico``, which browsers ask for whatever the page links."""
    asset = assets().get(FAVICON)
    if asset is None:
        raise NotFound()
    return _serve(asset, FAVICON_MAX_AGE)


def init_app(app: Flask) -> None:
    """Version the static URLs, serve static files from memory, and add ``/favicon.ico``."""
    app.extensions[EXTENSION] = Assets(app.static_folder or "")
    app.url_defaults(_add_version)
    app.add_template_global(static_url, "static_url")
    app.view_functions["static"] = static_file
    app.add_url_rule("/favicon.ico", "favicon", favicon)
