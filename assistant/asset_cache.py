"""Compress each of the chat page's frontend assets once, not on every page load.

Gradio serves its frontend (about 60 scripts and style sheets per page load) through its own Brotli
middleware, which compresses every response anew: a quarter of a second of server CPU per page load,
taken from the answers being computed at the same time. The files under ``/assets/`` carry a content
hash in their names and never change while the server runs, so their compressed responses are kept
in memory, per content encoding, and sent again as they are. They are also marked immutable for the
browser, so a phone that comes back does not download them again.

Gradio has no hook for this (its middleware is added inside ``launch``), so :func:`install` wraps the
running app's middleware stack from the outside. Nothing else passes through the cache: the page
itself, its config, the API and every user's files go to Gradio unchanged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

ASSET_PREFIX = "/assets/"  # Gradio's built frontend: content-hashed file names
IMMUTABLE = b"public, max-age=31536000, immutable"


def content_coding(accept_encoding: str) -> str:
    """The coding Gradio's middleware answers a request with: Brotli first, then gzip, else none."""
    offered = accept_encoding.lower()
    if "br" in offered:
        return "br"
    if "gzip" in offered:
        return "gzip"
    return "identity"


@dataclass
class _Stored:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


@dataclass
class AssetCache:
    """ASGI middleware: answers repeated GETs of ``/assets/…`` from memory, up to ``max_bytes`` in all.

    ``hits`` and ``stored_bytes`` say what it did (tests and benchmarks read them).
    """

    app: ASGIApp
    max_bytes: int
    entries: dict[tuple[str, str], _Stored] = field(default_factory=dict)
    stored_bytes: int = 0
    hits: int = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope.get("type") != "http" or scope.get("method") != "GET" or not path.startswith(ASSET_PREFIX):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        query = bytes(scope.get("query_string", b"")).decode("latin-1")
        key = (f"{path}?{query}", content_coding(bytes(headers.get(b"accept-encoding", b"")).decode("latin-1")))
        stored = self.entries.get(key)
        if stored is not None:
            self.hits += 1
            await send({"type": "http.response.start", "status": stored.status, "headers": stored.headers})
            await send({"type": "http.response.body", "body": stored.body, "more_body": False})
            return
        await self.app(scope, receive, self._recorder(key, send))

    def _recorder(self, key: tuple[str, str], send: Send) -> Send:
        """A ``send`` that passes every message on and keeps a complete 200 response."""
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def record(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"]
                headers.append((b"cache-control", IMMUTABLE))
                message = {**message, "headers": headers}
                start.update(message)
            elif message["type"] == "http.response.body" and start.get("status") == 200:
                chunks.append(bytes(message.get("body", b"")))
                if not message.get("more_body", False):
                    self._store(key, start, b"".join(chunks))
            await send(message)

        return record

    def _store(self, key: tuple[str, str], start: dict[str, Any], body: bytes) -> None:
        if any(k.lower() == b"set-cookie" for k, _ in start["headers"]):
            return  # never replay something addressed to one browser
        if key in self.entries or self.stored_bytes + len(body) > self.max_bytes:
            return  # already kept by a request that ran alongside, or over budget
        headers = [
            (k, str(len(body)).encode() if k.lower() == b"content-length" else v)
            for k, v in start["headers"]
            if k.lower() != b"transfer-encoding"
        ]
        if not any(k.lower() == b"content-length" for k, _ in headers):
            headers.append((b"content-length", str(len(body)).encode()))
        self.entries[key] = _Stored(int(start["status"]), headers, body)
        self.stored_bytes += len(body)


def install(server_app: Any, max_bytes: int) -> AssetCache | None:
    """Put an :class:`AssetCache` in front of a started Starlette/FastAPI app (Gradio's ``server_app``).

    Starlette builds ``middleware_stack`` on the first request and refuses ``add_middleware`` after it,
    and Gradio makes its first request inside ``launch``; wrapping the built stack is the one place left.
    Returns None (and changes nothing) when ``max_bytes`` is 0.
    """
    if max_bytes <= 0:
        return None
    stack = server_app.middleware_stack or server_app.build_middleware_stack()
    cache = AssetCache(stack, max_bytes)
    server_app.middleware_stack = cache
    return cache
