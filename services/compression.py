"""Response compression: flask-compress for what the app makes, brotli at a high level for scripts.

flask-compress compresses HTML, callback answers and geometry quickly (zstd/gzip/brotli at low
levels, every response anew). The component libraries' scripts and the app's assets are ~4 MB
of JavaScript that never changes for a given fingerprinted address (`?m=` / `.v1_2m...`), so
they are compressed once per process with brotli at quality 10 (about 20 % smaller than gzip:
the largest part of every page's first load) and kept, in the process and in the app's cache.

flask-compress buffers a streamed file response (Dash's scripts, our geometry) to compress it,
and the file it read is never closed; the hook below buffers the body itself and closes the file,
so nothing leaks under load.
"""

from __future__ import annotations

import logging
import threading
import zlib

import brotli
from flask import Flask, Response, request
from flask_compress import Compress

log = logging.getLogger(__name__)
COMPRESSED_TYPES = [
    "text/html",
    "text/css",
    "application/javascript",
    "text/javascript",
    "application/json",
    "application/geo+json",
    "text/csv",
]
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")
STATIC_TYPES = {"application/javascript", "text/javascript", "text/css"}
BROTLI_QUALITY = 10  # 11 is ~1 % smaller and 3x slower to make; 10 takes ~1 s for the largest bundle
_compressed: dict[str, bytes] = {}
_lock = threading.Lock()


def accepts_brotli(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header allows `br` (a q=0 refuses it)."""
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() == "br":
            q = params.strip()
            return not (q.startswith("q=") and q[2:].strip() in ("0", "0.0", "0.00", "0.000"))
    return False


def brotli_static(data: bytes, key: str, shared_cache=None) -> bytes:
    """`data` compressed with brotli at BROTLI_QUALITY, made once per key (process, then shared cache)."""
    body = _compressed.get(key)
    if body is not None:
        return body
    if shared_cache is not None:
        try:
            body = shared_cache.get(key)
        except Exception:  # noqa: BLE001 - the shared cache is down: make it here
            body = None
    if body is None:
        body = brotli.compress(data, quality=BROTLI_QUALITY, mode=brotli.MODE_TEXT)
        if shared_cache is not None:
            try:
                shared_cache.set(key, body, timeout=0)
            except Exception as err:  # noqa: BLE001 - sharing is optional: any store failure is only logged
                log.debug("static brotli not shared (%s)", type(err).__name__)
    with _lock:
        _compressed[key] = body
    return body


def enable_compression(server: Flask, shared_cache=None) -> None:
    """gzip/zstd for what the app makes; brotli-10, made once, for fingerprinted scripts and styles."""
    server.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
    Compress(server)

    @server.after_request  # registered after Compress, so Flask runs it before Compress's hook
    def buffer_close_and_precompress(response: Response) -> Response:
        if response.direct_passthrough and response.mimetype in server.config["COMPRESS_MIMETYPES"]:
            source = response.response
            response.direct_passthrough = False
            response.get_data()  # reads the file into memory
            close = getattr(source, "close", None)
            if close is not None:
                close()
        if (
            request.method == "GET"
            and response.status_code == 200
            and request.path.startswith(STATIC_PREFIXES)
            and response.mimetype in STATIC_TYPES
            and "Content-Encoding" not in response.headers
            and accepts_brotli(request.headers.get("Accept-Encoding", ""))
        ):
            data = response.get_data()
            key = f"static-br{BROTLI_QUALITY}:{request.path}:{len(data)}:{zlib.crc32(data)}"  # by content: bounded
            response.set_data(brotli_static(data, key, shared_cache))
            response.headers["Content-Encoding"] = "br"  # flask-compress leaves it as it is
            vary = response.headers.get("Vary")
            response.headers["Vary"] = f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"
            etag, weak = response.get_etag()
            if etag and not weak:
                response.set_etag(f"{etag}:br")
        return response
