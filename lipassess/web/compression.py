"""gzip for the pages and other text answers, when the client accepts it: one ``after_request`` hook.

A survey page of 19 KB reaches a phone as about 4 KB; the review page of 45 KB
as about 7 KB. Compressed: HTML, JSON, CSV, SVG, plain text and CSS answers of
at least :data:`MIN_BYTES` whose client sends ``Accept-Encoding: gzip`` (or
``*``). Left alone: small answers (a redirect, a short error), answers already
encoded (the static files, which carry their own gzip), streamed files (PDF,
XLSX and SPSS files, which are compressed formats or sent as files), and
``HEAD``/``304``/``204`` answers. Every answer of a compressible type and size
says ``Vary: Accept-Encoding``, so a cache never hands a gzipped page to a
client that cannot read it; an answer shorter than :data:`MIN_BYTES` (a
redirect: half of a participant's requests) is the same for every client and
is returned before any header is touched.

The gzip stream is made by ISA-L (the ``isal`` package's ``igzip``, Intel's
optimised deflate; standard gzip that every browser reads) at level
:data:`LEVEL` (of 0-3): on a survey page (18.7 KB) 3.9 KB in 0.03 ms where
the standard library's zlib at its level 3 gave 3.7 KB in 0.09 ms, on the
review page (45 KB) 6.7 KB in 0.05 ms against 6.0 KB in 0.20 ms (measured on
2026-12-04 on the bench's machine). At a seminar the server's CPU is the
bottleneck and 200 bytes more per page are 4 ms on a 400 kbps phone.
"""

from __future__ import annotations

from flask import Flask, request
from isal import igzip
from werkzeug.wrappers import Response

from lipassess.web.assets import accepts_gzip

MIN_BYTES = 1024
LEVEL = 2
COMPRESSIBLE = frozenset({"text/html", "application/json", "text/csv", "image/svg+xml", "text/plain",
                          "text/css", "application/javascript", "text/javascript", "application/problem+json"})


def compress_response(response: Response) -> Response:
    """Gzip ``response`` in place when the request and the answer allow it (see the module docstring)."""
    if (length := response.content_length) is not None and length < MIN_BYTES:
        return response  # never compressed, so it does not vary: no Vary either
    if response.mimetype not in COMPRESSIBLE:
        return response
    response.vary.add("Accept-Encoding")
    if (response.direct_passthrough or response.is_streamed or "Content-Encoding" in response.headers
            or request.method == "HEAD" or response.status_code in (204, 304)
            or not 200 <= response.status_code < 600 or not accepts_gzip()):
        return response
    body = response.get_data()
    if len(body) < MIN_BYTES:
        return response
    response.set_data(igzip.compress(body, compresslevel=LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag and not weak:  # the gzipped bytes are not the bytes the strong tag named
        response.set_etag(etag, weak=True)
    return response


def init_app(app: Flask) -> None:
    app.after_request(compress_response)
