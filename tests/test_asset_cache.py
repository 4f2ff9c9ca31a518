"""The frontend asset cache in front of Gradio: what it replays, and what it always passes through."""

from __future__ import annotations

from collections import Counter

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from assistant.asset_cache import AssetCache, content_coding, install


def counting_app() -> tuple[Starlette, Counter[str]]:
    """A small real app that counts how often each path reaches it (as Gradio would be reached)."""
    calls: Counter[str] = Counter()

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        calls[name] += 1
        coding = request.headers.get("accept-encoding", "")
        if name == "streamed.js":
            return StreamingResponse(iter([b"part one;", b"part two"]), media_type="text/javascript")
        if name == "missing.js":
            return Response(b"not found", status_code=404)
        if name == "cookie.js":
            response = Response(b"for one browser")
            response.set_cookie("session", "abc")
            return response
        return Response(f"{name} as {coding or 'plain'}".encode(), media_type="text/javascript")

    async def config(request: Request) -> Response:
        calls["config"] += 1
        return Response(b"{}", media_type="application/json")

    routes = [Route("/assets/{name}", asset, methods=["GET", "POST"]), Route("/config", config)]
    return Starlette(routes=routes), calls


def test_an_asset_is_made_once_per_content_coding_and_replayed_whole() -> None:
    app, calls = counting_app()
    cache = install(app, max_bytes=10_000)
    assert isinstance(cache, AssetCache)
    client = TestClient(app)
    first = client.get("/assets/a.js", headers={"Accept-Encoding": "br"})
    again = client.get("/assets/a.js", headers={"Accept-Encoding": "gzip, deflate, br"})
    plain = client.get("/assets/a.js", headers={"Accept-Encoding": "identity"})
    assert first.content == again.content == b"a.js as br"
    assert plain.content == b"a.js as identity"
    assert calls["a.js"] == 2 and cache.hits == 1
    assert "immutable" in again.headers["cache-control"]
    streamed = [client.get("/assets/streamed.js").content for _ in range(2)]
    assert streamed == [b"part one;part two"] * 2 and calls["streamed.js"] == 1
    assert client.get("/assets/streamed.js").headers["content-length"] == str(len(b"part one;part two"))


def test_pages_posts_errors_and_cookies_always_reach_the_app() -> None:
    app, calls = counting_app()
    cache = install(app, max_bytes=10_000)
    client = TestClient(app)
    for _ in range(2):
        client.get("/config")
        client.post("/assets/a.js")
        assert client.get("/assets/missing.js").status_code == 404
        client.get("/assets/cookie.js")
    assert calls == Counter({"config": 2, "a.js": 2, "missing.js": 2, "cookie.js": 2})
    assert cache is not None and cache.hits == 0 and cache.entries == {}


def test_the_memory_budget_is_kept_and_zero_turns_the_cache_off() -> None:
    app, calls = counting_app()
    cache = install(app, max_bytes=len(b"a.js as plain"))
    client = TestClient(app)
    for name in ("a.js", "a.js", "bb.js", "bb.js"):
        client.get(f"/assets/{name}", headers={"Accept-Encoding": ""})
    assert calls == Counter({"a.js": 1, "bb.js": 2})  # bb.js did not fit beside a.js
    assert cache is not None and cache.stored_bytes == len(b"a.js as plain")
    off, off_calls = counting_app()
    assert install(off, max_bytes=0) is None
    off_client = TestClient(off)
    off_client.get("/assets/a.js")
    off_client.get("/assets/a.js")
    assert off_calls["a.js"] == 2


def test_the_coding_follows_what_the_browser_accepts() -> None:
    assert content_coding("gzip, deflate, br, zstd") == "br"
    assert content_coding("gzip") == "gzip"
    assert content_coding("") == content_coding("identity") == "identity"
