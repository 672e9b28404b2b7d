"""Reading what a client sends, so that no input reaches the database or the code in a shape
that makes either fail: every bad input is a 400 (or a 404 for an id) with a clear JSON error.

- Ids in paths are the exchange's own (32 lower-case hex digits): anything else names nothing,
  and never reaches the database (PostgreSQL refuses a NUL in text with an error).
- Numbers in query strings must fit the columns they are compared with (32-bit on PostgreSQL).
- A JSON body is read the same chunked or with a Content-Length, nested at most MAX_DEPTH deep
  (a body of 100,000 `[` would exhaust Python's recursion), and no string in it holds a NUL.
- Strings that go into a column fit it.
"""
from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from flask import request

from .runtime import ApiError, not_found

ID = re.compile(r"[0-9a-f]{32}")
INT32 = 2**31 - 1
MAX_JSON_BYTES = 1024 * 1024  # admin bodies are small
MAX_DEPTH = 20


def bad(text: str) -> ApiError:
    return ApiError(400, "BAD_REQUEST", text)


def known_id(value: str, what: str = "message") -> str:
    """`value` if it can be an id of the exchange's; otherwise the 404 of an unknown one."""
    if not ID.fullmatch(value):
        raise not_found(what)
    return value


def whole_number(name: str, default: int, low: int = -INT32 - 1, high: int = INT32) -> int:
    """Query argument `name` as a whole number from `low` to `high`."""
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad(f"{name} must be a whole number; got {raw[:40]!r}.") from None
    if not low <= value <= high:
        raise bad(f"{name} must be a whole number from {low} to {high}.")
    return value


def _depth_ok(text: str) -> bool:
    """Nesting depth of a JSON text at most MAX_DEPTH, counted without parsing (linear)."""
    depth, in_string, escaped = 0, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(map(_has_nul, value))
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    return False


def json_object() -> dict:
    """The request's JSON object body; {} for an empty body."""
    chunks, size = [], 0
    while size <= MAX_JSON_BYTES:  # a stream may return less than asked before its end
        chunk = request.stream.read(MAX_JSON_BYTES + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    data = b"".join(chunks)
    if len(data) > MAX_JSON_BYTES:
        raise bad(f"The body is larger than {MAX_JSON_BYTES:,} bytes.")
    if not data.strip():
        return {}
    shape = ("The body must be a JSON object (Content-Type: application/json)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise bad(f"{shape}, in UTF-8.") from None
    if not _depth_ok(text):
        raise bad(f"{shape}, nested at most {MAX_DEPTH} levels deep.")
    try:
        body = json.loads(text)
    except ValueError as e:
        raise bad(f"{shape}: {e}.") from None
    if not isinstance(body, dict):
        raise bad(f"{shape}.")
    if _has_nul(body):
        raise bad("Strings in the body must not contain a NUL character (\\u0000).")
    return body


def text(value, name: str, max_length: int) -> str | None:
    """A string field of a body (None stays None) that fits a column of `max_length`."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > max_length:
        raise bad(f"{name} must be a string of at most {max_length} characters.")
    return value


CHUNK = 64 * 1024
DRAIN_LIMIT = 256 * 1024 * 1024  # read (and discard) at most this much of a refused upload
HEAD = 64 * 1024  # kept of an oversized body: a GGk envelope's stuurgegevens stand there


def ggk_url(value) -> str | None:
    """A gemeente endpoint URL from a request body (None: no push, the REST inbox only)."""
    if value is None:
        return None
    try:
        parts = urlsplit(value) if isinstance(value, str) and len(value) <= 500 else None
    except ValueError:  # e.g. an unclosed [IPv6 address
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise ApiError(400, "BAD_REQUEST", f"ggk_url must be the http(s) URL (at most 500 "
                       f"characters) of the gemeente system's OntvangAsynchroon endpoint, e.g. "
                       f"https://gemeente.example/ggk, or null; got {value!r}.")
    return value


def read_body(limit: int) -> tuple[bytes | None, int, bytes]:
    """The body, or None and its size when it is over `limit`, and its first HEAD bytes. Never
    holds more than `limit` bytes: an oversized body is read on and thrown away, so the client
    gets the answer."""
    declared = request.content_length
    stream = request.stream
    chunks, total = [], 0
    if declared is None or declared <= limit:
        while total <= limit:
            chunk = stream.read(min(CHUNK, limit + 1 - total))
            if not chunk:
                data = b"".join(chunks)
                return data, total, data[:HEAD]
            chunks.append(chunk)
            total += len(chunk)
    head = b"".join(chunks)[:HEAD]
    chunks.clear()
    while total < DRAIN_LIMIT:
        chunk = stream.read(CHUNK)
        if not chunk:
            break
        if len(head) < HEAD:
            head += chunk[:HEAD - len(head)]
        total += len(chunk)
    return None, max(total, declared or 0), head
