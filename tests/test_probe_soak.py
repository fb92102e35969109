"""`make soak`: the outside probe's attacks, replayed against the real stack (nginx, two gunicorn
instances with two workers each, PostgreSQL when TEST_DATABASE_URL is set, Redis), on loopback.

It prints one line of figures: requests tried, 5xx answers, tracebacks in the instances' logs,
private bytes leaked to anonymous replays, lost updates among concurrent saves, Chromium
processes at the peak of an export flood (against the pool size), and the public pages' median
latency during that flood against before it (printed, not asserted: a timing belongs to a report).
All but the tries must be zero and the peak within the pool. Every loop is bounded; all traffic
goes to 127.0.0.1."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import statistics
import threading
import time
import uuid
from pathlib import Path

import diskcache
import psutil
import pytest
import requests
import sqlalchemy as sa

from services import db, export_queue
from tests import dash_http as h
from tests.test_stack import login_token, stack  # noqa: F401 - the stack fixture

PRIVATE_PATHS = ["/admin", "//admin", "/admin/", "/%61dmin", "///admin"]
PUBLIC_MIX = [
    ("GET", "/?lang=en", None),
    ("GET", "/glossary", None),
    ("GET", "/healthz", None),
    ("POST", "/_dash-update-component", h.route_body("/compare", "?lang=en")),
    ("POST", "/_dash-update-component", h.route_body("/data", "?lang=ru")),
]
MALFORMED = ["[]", "null", '{"output":1}', "{", '{"output":"compare-item-help.children","inputs":5}']


class Tally:
    """Requests tried and 5xx answers, from every thread."""

    def __init__(self):
        self.tried = self.server_errors = 0
        self.lock = threading.Lock()

    def send(self, session: requests.Session, method: str, url: str, **kw) -> requests.Response:
        answer = session.request(method, url, timeout=120, **kw)
        with self.lock:
            self.tried += 1
            self.server_errors += answer.status_code >= 500
        return answer


def descendants(roots: list[int]) -> list[list[str]]:
    """The command lines of every process under the given process trees (gone ones left out)."""
    found = []
    for root in roots:
        try:
            tree = psutil.Process(root).children(recursive=True)
        except psutil.NoSuchProcess:
            continue
        for proc in tree:
            try:
                found.append(proc.cmdline())
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
    return found


def export_workers(masters: list[int]) -> int:
    """Export worker processes: the web processes' own spawned children. (A program an export worker
    runs, such as the gcc that ctypes asks for a library's name, carries the worker's command line
    for a moment between fork and exec: it is a grandchild, not a worker.)"""
    found = 0
    for master in masters:
        try:
            web = psutil.Process(master).children(recursive=False)
        except psutil.NoSuchProcess:
            continue
        for process in web:
            try:
                children = process.children(recursive=False)
            except psutil.NoSuchProcess:
                continue
            for child in children:
                with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                    found += any("spawn_main" in part for part in child.cmdline())
    return found


def chromium_browsers(roots: list[int]) -> int:
    """Chromium browser processes (not their renderers and helpers) under the given process trees."""
    return sum(
        bool(cmd) and Path(cmd[0]).name == "chromium" and not any(a.startswith("--type=") for a in cmd)
        for cmd in descendants(roots)
    )


def web_processes(masters: list[int]) -> int:
    """gunicorn worker processes alive now under the given masters."""
    alive = 0
    for master in masters:
        try:
            alive += len(psutil.Process(master).children(recursive=False))
        except psutil.NoSuchProcess:
            continue
    return alive


def median_latency(tally: Tally, base: str, rounds: int, until=None) -> float:
    """The median time of the public mix, asked `rounds` times, or more until `until()` is true."""
    session, times, done = requests.Session(), [], 0
    while done < rounds or (until is not None and not until()):
        done += 1
        for method, path, body in PUBLIC_MIX:
            started = time.perf_counter()
            tally.send(session, method, base + path, json=body)
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def post_all_at_once(flood: list[tuple[str, dict, dict]]) -> list[tuple[int, dict]]:
    """POST every (url, body, headers) at once, each from its own thread; (status, outputs) each.

    The 50 clients stand for 50 browsers on other machines: here they run at the lowest priority,
    or their own CPU (more than the server spends answering them) would be counted as the server's.
    """
    os.nice(19)
    answers: list[tuple[int, dict]] = [(0, {})] * len(flood)

    def post(n: int) -> None:
        url, body, headers = flood[n]
        answer = requests.post(url, json=body, headers=headers, timeout=120)
        outputs = answer.json().get("response", {}) if answer.status_code == 200 else {}
        answers[n] = (answer.status_code, outputs)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(len(flood))]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    return answers


def flood_kind(status: int, outputs: dict) -> str:
    """How an export request was answered: queued (or joined a queued job), told to retry, or other."""
    job = (outputs.get("export-job") or {}).get("data")
    said = str((outputs.get("export-status") or {}).get("children") or "")
    return "busy" if ("try again" in said or "Попробуйте" in said) else "queued" if job else "other"


@pytest.mark.soak
@pytest.mark.parametrize("stack", [2], indirect=True)
def test_the_probe_finds_nothing_on_the_real_stack(stack, built_data, capsys):  # noqa: F811 - the fixture
    base = stack.url
    a, b = (f"http://127.0.0.1:{p}" for p in stack.apps)
    tally = Tally()
    engine = db.get_engine(stack.env["DATABASE_URL"])
    city = str(built_data["cities"]["city_id"].iloc[0])
    admin = db.create_user(engine, f"probe-admin-{uuid.uuid4().hex[:6]}", h.PASSWORD, "admin")
    editors = [
        db.create_user(engine, f"probe-ed-{i}-{uuid.uuid4().hex[:6]}", h.PASSWORD, "editor", city)
        for i in range(5)
    ]
    db.dispose_all()

    # 1. private pages replayed without a cookie, path variants and query orders, through nginx
    browser = requests.Session()
    token = login_token(browser, base)
    assert (
        tally.send(
            browser,
            "POST",
            base + "/auth/login",
            data={"username": admin.username, "password": h.PASSWORD, "lang": "en", "csrf_token": token},
            allow_redirects=False,
        ).status_code
        == 303
    )
    private = [admin.username, *(e.username for e in editors), browser.cookies.get("ccca_session") or "\x00"]
    leaked = 0
    for path in PRIVATE_PATHS:
        for search in ("?lang=en", "?x=1&lang=en", "?lang=en&x=1", ""):
            body = h.route_body(path, search)
            tally.send(browser, "POST", base + "/_dash-update-component", json=body)
            for _ in range(2):
                text = tally.send(
                    requests.Session(), "POST", base + "/_dash-update-component", json=body
                ).text
                leaked += sum(len(s.encode()) for s in private if s in text)

    # 2. malformed and oversized requests straight at the app
    for body in MALFORMED:
        tally.send(
            requests.Session(),
            "POST",
            a + "/_dash-update-component",
            data=body,
            headers={"Content-Type": "application/json"},
        )
    tally.send(
        requests.Session(),
        "POST",
        a + "/_dash-update-component",
        data=b"{" + b" " * (9 << 20),
        headers={"Content-Type": "application/json"},
    )
    for path in ("/_dash-component-suites/dash/nope.js", "/no-such-page", "/?q=" + "x" * 5000):
        tally.send(requests.Session(), "GET", a + path)

    # 3. concurrent saves of one action by five editors, ten rounds each: none may be lost
    action = str(built_data["actions"].query("city_id == @city")["action_id"].iloc[0])
    clients = []
    for n, editor in enumerate(editors):
        session = requests.Session()
        tok = login_token(session, b)
        assert (
            tally.send(
                session,
                "POST",
                b + "/auth/login",
                allow_redirects=False,
                headers={"X-Forwarded-For": f"192.0.2.{n}"},
                data={"username": editor.username, "password": h.PASSWORD, "csrf_token": tok},
            ).status_code
            == 303
        )
        clients.append(session)
    deps = requests.get(a + "/_dash-dependencies", timeout=30).json()
    load_key = next(d["output"] for d in deps if "admin-status.options" in d["output"])
    save_key = next(d["output"] for d in deps if "admin-message.children@" in d["output"])
    committed: list[int] = []

    def save_rounds(session: requests.Session, n: int):
        for j in range(10):
            loaded = tally.send(
                session,
                "POST",
                base + "/_dash-update-component",
                json=h.callback_body(
                    load_key,
                    [("admin-action", "value", action), ("admin-reload", "n_clicks", j)],
                    [("admin-lang", "data", "en")],
                ),
            ).json()["response"]
            version = loaded["admin-loaded"]["data"]["version"]
            state = loaded
            body = h.callback_body(
                save_key,
                [("admin-save", "n_clicks", 1)],
                [
                    ("admin-loaded", "data", {"action_id": action, "version": version}),
                    ("admin-status", "value", state["admin-status"]["value"]),
                    ("admin-progress", "value", state["admin-progress"]["value"]),
                    ("admin-start", "date", state["admin-start"]["date"]),
                    ("admin-end", "date", state["admin-end"]["date"]),
                    ("admin-note", "value", f"probe {n}-{j}"),
                    ("admin-lang", "data", "en"),
                ],
            )
            answer = tally.send(session, "POST", base + "/_dash-update-component", json=body).json()[
                "response"
            ]
            if (answer["admin-message"]["children"] or {}).get("props", {}).get("id") == "admin-saved":
                committed.append(answer["admin-loaded"]["data"]["version"])

    threads = [threading.Thread(target=save_rounds, args=(s, n)) for n, s in enumerate(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(300)
    with engine.connect() as conn:
        stored = conn.execute(
            sa.text("SELECT count(*) FROM action_updates WHERE action_id=:a"), {"a": action}
        ).scalar()
    engine.dispose()  # its connection would otherwise outlive the test
    lost = len(committed) - int(stored) + (len(set(committed)) != len(committed))

    # 4. an export flood: 50 requests from 50 addresses at once, public pages measured meanwhile
    export = next(d for d in deps if "export-job.data" in d["output"])
    roots = [stack.pid(f"app-{p}") for p in stack.apps]
    pool = len(stack.apps) * int(stack.env["WORKERS"]) * 1  # EXPORT_WORKERS per web process (default 1)
    peak, workers_peak, over, stop = [0], [0], [0], threading.Event()

    def watch():  # export workers against the web processes alive at that moment (one each)
        while not stop.is_set():
            workers, web = export_workers(roots), web_processes(roots)
            peak[0] = max(peak[0], chromium_browsers(roots))
            workers_peak[0] = max(workers_peak[0], workers)
            over[0] = max(over[0], workers - web)
            time.sleep(0.2)

    watcher = threading.Thread(target=watch)
    watcher.start()
    # measured with the watcher already running: it shares this process's interpreter lock
    before = median_latency(tally, base, 3)
    cities = list(built_data["cities"]["city_id"])
    flood = []
    for n in range(50):
        lang = "ru" if n % 2 else "en"
        body = h.export_body(
            export["output"], export["inputs"], export["state"], cities[n % len(cities)], lang
        )
        flood.append(
            ((a, b)[n % 2] + "/_dash-update-component", body, {"X-Forwarded-For": f"198.51.100.{n}"})
        )
    # The 50 clients run in a process of their own: in this one, their threads would hold the
    # interpreter lock while the measuring thread waits, and the wait would be counted as latency.
    with multiprocessing.get_context("spawn").Pool(1) as clients:
        clients.apply(post_all_at_once, ([],))  # the process is up and has imported this module
        answers = clients.apply_async(post_all_at_once, (flood,))
        burst = median_latency(tally, base, 1, until=answers.ready)  # until all 50 are answered
        flood_answers = answers.get(180)
    busy = [flood_kind(status, outputs) for status, outputs in flood_answers]
    with tally.lock:
        tally.tried += len(flood_answers)
        tally.server_errors += sum(status >= 500 for status, _ in flood_answers)
    during = median_latency(tally, base, 6)  # while the queued exports run (niced, Chromium kept)
    jobs = diskcache.Cache(str(Path(stack.env["EXPORT_DIR"]) / "jobs"))
    deadline = time.monotonic() + 240  # the peak is watched until the queued jobs are done (they run
    while time.monotonic() < deadline:  # on idle CPU only, so a busy machine makes them slow)
        if not export_queue.live_active(jobs.get("active", {}), time.time()):
            break
        time.sleep(1)
    jobs.close()
    stop.set()
    watcher.join(10)
    tracebacks = sum(
        log.read_text(errors="replace").count("Traceback") for log in stack.folder.glob("app-*.log")
    )
    line = (
        f"probe: {tally.tried} requests, {tally.server_errors} 5xx, {tracebacks} tracebacks logged, "
        f"{leaked} private bytes leaked, {lost} lost updates ({len(committed)} saves committed), "
        f"{workers_peak[0]} export workers at peak (pool {pool}; never more than one per live web process: "
        f"{over[0] <= 0}) with {peak[0]} Chromium browser processes at peak, of 50 export requests {busy.count('queued')} "
        f"queued or joined, {busy.count('busy')} told when to retry, {busy.count('other')} other, "
        f"public median {before * 1000:.0f} ms before, {burst * 1000:.0f} ms while the 50 requests arrived, "
        f"{during * 1000:.0f} ms while the exports ran ({max(burst, during) / before:.1f}x at worst)"
    )
    with capsys.disabled():
        print("\n" + line)
    assert tally.server_errors == 0 and tracebacks == 0 and leaked == 0 and lost == 0, line
    assert 0 < workers_peak[0] <= pool and over[0] <= 0 and 0 < peak[0] <= pool + 1, line  # see the README
    assert busy.count("busy") > 0 and busy.count("other") == 0, line
    # The latencies are printed, not asserted: wall-clock figures depend on what else the machine runs.
