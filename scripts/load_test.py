"""Load test of the chat server: N simulated users each ask M questions through ``/ask``, on loopback only.

Prints the errors, latency p50/p95/max per question, throughput, and the time a browser user waits
for the page (question box ready) while the load runs. Asserts nothing: it measures.

    .venv/bin/python scripts/load_test.py                      # starts its own server: 50 users x 5 questions
    .venv/bin/python scripts/load_test.py --users 20 --questions 3 --think 1.0
    .venv/bin/python scripts/load_test.py --url http://127.0.0.1:7860/   # an already running server

Bounded: at most 200 users and 50 questions each, one overall timeout, and only loopback addresses
(it refuses any other host, so it cannot be pointed at someone else's server). Questions come from
eval/gold.jsonl (those without history), so the mix of answered and refused questions is realistic.
The browser measurement uses Playwright with /usr/bin/chromium (or CHROMIUM_PATH) when installed.
"""

from __future__ import annotations

import ipaddress
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import click
import httpx

REPO = Path(__file__).resolve().parent.parent
MAX_USERS = 200
MAX_QUESTIONS = 50
SERVER_START_TIMEOUT_S = 240


def is_loopback(url: str) -> bool:
    """True when the URL's host is this machine (127.0.0.0/8, ::1 or localhost)."""
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def gold_questions() -> list[str]:
    questions = []
    for line in (REPO / "eval" / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if not item.get("history"):
            questions.append(item["question"])
    return questions


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int, feedback_db: Path, answer_cache: bool) -> subprocess.Popen[bytes]:
    """`assistant serve` in its own process (the load generator must not share the server's GIL)."""
    env = dict(os.environ, PYTHONPATH=str(REPO), HF_HUB_OFFLINE="1", ASSISTANT_FEEDBACK_DB=str(feedback_db))
    if not answer_cache:
        env["ASSISTANT_ANSWER_CACHE_SIZE"] = "0"
    return subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_until_up(url: str, process: subprocess.Popen[bytes] | None) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise click.ClickException(
                f"the server exited: {process.stderr.read().decode()[-2000:] if process.stderr else ''}"
            )
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise click.ClickException(f"the server at {url} did not come up in {SERVER_START_TIMEOUT_S} s")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time a process has used so far (Linux /proc), or None where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class AskError(Exception):
    """The server answered a question with an error event, or not at all."""


def ask(client: httpx.Client, url: str, question: str, session: str | None = None) -> dict:
    """One question through Gradio's HTTP API (POST /gradio_api/call/ask, then read its event stream).

    ``session`` is the user's Gradio session hash: a person in a browser tab keeps one session for all
    their questions, so a simulated user does too (Gradio builds a session's state on its first request;
    a new session per question would measure 250 page opens, not 50 users asking 5 questions each).

    Plain HTTP rather than gradio_client: on a 2-core machine, 50 gradio_clients cost more CPU than the
    server they load (measured: 60 ms per question against the server's 38 ms), which skews the figures.
    """
    body: dict[str, object] = {"data": [question, None, "family"]}
    if session is not None:
        body["session_hash"] = session
    posted = client.post(f"{url}gradio_api/call/ask", json=body)
    posted.raise_for_status()
    event_id = posted.json()["event_id"]
    event = None
    with client.stream("GET", f"{url}gradio_api/call/ask/{event_id}") as stream:
        stream.raise_for_status()
        for line in stream.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                data = line.split(":", 1)[1].strip()
                if event == "error":
                    raise AskError(data[:200])
                return json.loads(data)[0]
    raise AskError(f"the event stream ended without a result (last event: {event})")


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def page_ready_times(
    url: str,
    samples: int,
    every_s: float,
    stop: threading.Event,
    ready: threading.Event,
    out: list[float],
    notes: list[str],
) -> None:
    """Open the page in a fresh browser context every ``every_s`` seconds while the load runs; record the
    time from navigation to the question box being ready for typing (the browser starts before the load)."""
    path = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        notes.append("no Playwright: page-ready time not measured")
        ready.set()
        return
    if path is None:
        notes.append("no Chromium (scripts/install-browser.sh): page-ready time not measured")
        ready.set()
        return
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=path, args=["--no-sandbox", "--disable-gpu"])
            ready.set()
            try:
                for _ in range(samples):
                    if stop.wait(every_s):
                        break
                    context = browser.new_context(viewport={"width": 390, "height": 844})
                    page = context.new_page()
                    started = time.perf_counter()
                    page.goto(url, wait_until="commit", timeout=60_000)
                    page.locator("#question textarea").wait_for(state="visible", timeout=60_000)
                    page.wait_for_function("!document.querySelector('#question textarea').disabled", timeout=60_000)
                    out.append(time.perf_counter() - started)
                    context.close()
            finally:
                browser.close()
    except Exception as exc:  # reported, not fatal: the latency figures still stand
        notes.append(f"page-ready measurement failed: {type(exc).__name__}: {exc}"[:300])
    finally:
        ready.set()


@click.command()
@click.option("--url", default=None, help="A running server (loopback only). Default: start one.")
@click.option("--users", default=50, show_default=True, help=f"Simultaneous users (at most {MAX_USERS}).")
@click.option("--questions", default=5, show_default=True, help=f"Questions per user (at most {MAX_QUESTIONS}).")
@click.option("--think", default=0.0, show_default=True, help="Seconds a user waits between questions.")
@click.option("--browser/--no-browser", default=True, show_default=True, help="Measure page-ready time meanwhile.")
@click.option("--timeout", default=600.0, show_default=True, help="Give up on the whole run after this many s.")
@click.option("--seed", default=0, show_default=True, help="Seed for the question mix.")
@click.option(
    "--answer-cache/--no-answer-cache",
    default=True,
    show_default=True,
    help="For the server this script starts: remember answers to repeated first questions (a setting).",
)
def main(
    url: str | None,
    users: int,
    questions: int,
    think: float,
    browser: bool,
    timeout: float,
    seed: int,
    answer_cache: bool,
) -> None:
    """Simulate USERS people each asking QUESTIONS questions at once; print errors, p50/p95, throughput."""
    if not 1 <= users <= MAX_USERS or not 1 <= questions <= MAX_QUESTIONS:
        raise click.BadParameter(f"users must be 1-{MAX_USERS} and questions 1-{MAX_QUESTIONS}")
    if url is not None and not is_loopback(url):
        raise click.BadParameter(f"{url} is not a loopback address; this script only loads this machine")
    process = None
    workdir = Path(tempfile.mkdtemp(prefix="load-test-"))
    if url is None:
        url = f"http://127.0.0.1:{free_port()}/"
        process = start_server(int(urlparse(url).port or 0), workdir / "feedback.sqlite3", answer_cache)
    try:
        started_wait = time.perf_counter()
        wait_until_up(url, process)
        click.echo(f"server {url} up ({time.perf_counter() - started_wait:.1f} s)")
        pool = gold_questions()
        rng = random.Random(seed)
        plans = [[rng.choice(pool) for _ in range(questions)] for _ in range(users)]
        clients = [httpx.Client(timeout=timeout) for _ in range(users)]
        sessions = [f"load-{os.getpid()}-{number}" for number in range(users)]
        ask(clients[0], url, "What is this about?")  # warm-up, not counted
        load_before = os.getloadavg()

        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        start = threading.Barrier(users + 1)
        deadline = time.monotonic() + timeout

        def user(number: int) -> None:
            start.wait()
            for question in plans[number]:
                if time.monotonic() > deadline:
                    with lock:
                        errors.append(f"user {number}: run timed out")
                    return
                began = time.perf_counter()
                try:
                    answer = ask(clients[number], url, question, sessions[number])
                    if not isinstance(answer, dict) or "text" not in answer:
                        raise ValueError(f"unexpected reply {answer!r:.200}")
                except Exception as exc:  # counted and printed: the run goes on
                    with lock:
                        errors.append(f"user {number}: {type(exc).__name__}: {exc}"[:300])
                    continue
                with lock:
                    latencies.append(time.perf_counter() - began)
                if think:
                    time.sleep(think * (0.5 + rng.random()))

        page_times: list[float] = []
        notes: list[str] = []
        stop, browser_ready = threading.Event(), threading.Event()
        watcher = None
        if browser:
            watcher = threading.Thread(
                target=page_ready_times, args=(url, 3, 0.5, stop, browser_ready, page_times, notes)
            )
            watcher.start()
            browser_ready.wait(120)
        threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
        for thread in threads:
            thread.start()
        server_cpu = cpu_seconds(process.pid) if process else None
        own_cpu = sum(os.times()[:2])
        start.wait()
        began = time.perf_counter()
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()) + 5)
        wall = time.perf_counter() - began
        server_cpu_after = cpu_seconds(process.pid) if process else None
        own_cpu = sum(os.times()[:2]) - own_cpu
        stop.set()
        if watcher is not None:
            watcher.join(120)
        for c in clients:
            c.close()

        asked = users * questions
        distinct = len({q for plan in plans for q in plan})
        click.echo(
            f"users {users} x questions {questions} = {asked} questions ({distinct} distinct), think {think:.1f} s, "
            f"answer cache {'on' if answer_cache else 'off'}" + ("" if process else " (server's own setting)")
        )
        click.echo(f"load average before/after: {load_before[0]:.2f} / {os.getloadavg()[0]:.2f} (other processes)")
        click.echo(f"errors: {len(errors)}")
        for line in errors[:10]:
            click.echo(f"  {line}")
        if latencies:
            click.echo(
                f"latency per question: p50 {percentile(latencies, 0.5):.2f} s, "
                f"p95 {percentile(latencies, 0.95):.2f} s, max {max(latencies):.2f} s, "
                f"mean {statistics.fmean(latencies):.2f} s"
            )
        click.echo(f"throughput: {len(latencies) / wall:.1f} answers/s over {wall:.1f} s")
        if server_cpu is not None and server_cpu_after is not None:
            click.echo(
                f"CPU during the load: server {server_cpu_after - server_cpu:.1f} s "
                f"({1000 * (server_cpu_after - server_cpu) / max(1, len(latencies)):.0f} ms per answer), "
                f"load generator and browser {own_cpu:.1f} s, on {os.cpu_count()} cores"
            )
        if page_times:
            shown = ", ".join(f"{t:.2f}" for t in page_times)
            click.echo(
                f"page ready during the load (390 px, question box usable): {shown} s (max {max(page_times):.2f} s)"
            )
        for note in notes:
            click.echo(note)
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
