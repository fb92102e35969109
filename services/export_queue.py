"""A bounded queue for the exports (PowerPoint, PDF): a fixed pool of worker processes, limits per
client and in all, and finished files kept for identical requests.

- Jobs wait in one queue per machine (a diskcache folder). Each web process starts
  `EXPORT_WORKERS` worker processes (default 1) at its first export; they take jobs from the
  queue one at a time, keep their chart renderer (kaleido's Chromium) between jobs and charts, and
  run at a lower CPU priority than the web processes, so pages keep answering while files are made.
  They are daemons: they end with their web process.
- Jobs, their progress and the active list live in a diskcache folder (`EXPORT_DIR`) shared by
  every web process of the machine: any worker answers the browser's polling, and the limits
  count every process's jobs. At most `EXPORT_QUEUE_LIMIT` jobs wait or run at once, at most
  `EXPORT_CLIENT_LIMIT` of them for one client address; past that the request is refused with
  `Busy` and the seconds after which to try again.
- A request identical to one already made for the same data build, code and day gets the finished
  file, and one identical to a job under way joins that job: neither costs new work.
- What makes the files is not known here (services may not import presentation): whoever wires the
  download buttons calls `set_runner` with an `ExportRunner` of two top-level functions, which
  `start_workers` hands to each worker process (the spawned process unpickles them by name).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import fcntl
import hashlib
import json
import logging
import math
import multiprocessing
import os
import signal
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import diskcache
import flask

from services import data_access
from services.config import settings

log = logging.getLogger(__name__)
STALE_SECONDS = 600  # a job that neither finished nor moved for this long is no longer counted
DEFAULT_SECONDS = 20.0  # expected duration of a job before any has been timed
KEEP_FILES = 60  # finished files kept (the oldest go first)
PR_SET_PDEATHSIG = 1  # prctl option: the signal a process gets when its parent dies
IDLE_POLL = 0.5  # seconds an idle worker waits before looking at the queue again
_workers: list = []
_runner: ExportRunner | None = None
_workers_lock = threading.Lock()
_launcher: threading.Thread | None = None  # starting this process's workers, if it runs
_stores: dict[tuple[int, str], diskcache.Cache] = {}
_stores_lock = threading.Lock()


class Busy(Exception):
    """Too many exports are waiting or running (for this client or in all): try again later."""

    def __init__(self, retry_after: int, reason: str):
        super().__init__(f"{reason}: retry after {retry_after} s")
        self.retry_after = retry_after
        self.reason = reason


@dataclass(frozen=True)
class ExportRequest:
    """What a download button asks for."""

    kind: str
    fmt: str
    lang: str
    query: tuple[tuple[str, str], ...]
    city: str | None = None


@dataclass(frozen=True)
class ExportRunner:
    """How a worker makes a file: `make(kind, fmt, lang, query, city, progress=, keep_renderer=)`
    returns (content, file name, MIME type); `stop()` ends the process's chart renderer. Both must be
    top-level functions, so that a spawned worker process receives them."""

    make: Callable[..., tuple[bytes, str, str]]
    stop: Callable[[], None]


def set_runner(runner: ExportRunner) -> None:
    """Tell the queue how files are made (once, where the download buttons are wired)."""
    global _runner
    _runner = runner


@dataclass
class Job:
    """One export's state, as every web process sees it."""

    job_id: str
    key: str
    client: str
    status: str = "queued"  # queued, running, done, failed, cancelled
    done: int = 0
    total: int = 10
    message: str = ""
    name: str = ""
    mime: str = ""
    path: str = ""
    error: str = ""
    updated: float = field(default_factory=time.time)

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed", "cancelled")


def export_key(req: ExportRequest, build_id: str, code_version: str, day: date) -> str:
    """Identity of the file a request makes: the same key gives the same bytes."""
    text = json.dumps(
        [asdict(req), build_id, code_version, day.isoformat()], sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def retry_seconds(active: int, workers: int, mean_seconds: float) -> int:
    """Seconds after which a refused request is likely to find room: the queue ahead, worked off
    by the pool, rounded up to 5 s and at least 5 s."""
    waves = max(1, math.ceil((active + 1) / max(1, workers)))
    return max(5, 5 * math.ceil(waves * mean_seconds / 5))


def live_active(active: dict[str, dict], now: float) -> dict[str, dict]:
    """The active jobs that still move (a web process that died leaves its jobs behind)."""
    return {job_id: info for job_id, info in active.items() if now - info.get("updated", 0) < STALE_SECONDS}


@contextmanager
def _store() -> Iterator[diskcache.Cache]:
    """This process's handle on the machine's job store. Opening one costs 10-30 ms (it creates
    its tables), more than a submission itself, so it stays open; it is opened again when its
    folder was removed or this is a new process."""
    folder = settings.export_dir / "jobs"
    key = (os.getpid(), str(folder))
    with _stores_lock:
        store = _stores.get(key)
        if store is None or not (folder / "cache.db").is_file():
            if store is not None:
                store.close()
            folder.mkdir(parents=True, exist_ok=True)
            store = _stores[key] = diskcache.Cache(str(folder))
    yield store


def _files_dir() -> Path:
    folder = settings.export_dir / "files"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def load_job(job_id: str) -> Job | None:
    """A job's state, or None when unknown (a malformed id included)."""
    if not isinstance(job_id, str) or len(job_id) != 32 or not job_id.isalnum():
        return None
    with _store() as store:
        record = store.get(f"job:{job_id}")
    return Job(**record) if isinstance(record, dict) else None


def _save(store: diskcache.Cache, job: Job) -> None:
    with store.transact():
        job.updated = time.time()
        store.set(f"job:{job.job_id}", asdict(job), expire=86400)
        active = store.get("active", {})
        if job.job_id in active:
            if job.finished:
                del active[job.job_id]
            else:
                active[job.job_id]["updated"] = job.updated
            store.set("active", active)


def submit(
    req: ExportRequest, client: str, build_id: str, code_version: str, today: date | None = None
) -> Job:
    """Queue an export (or join an identical one, or answer from a finished file); `Busy` when full."""
    key = export_key(req, build_id, code_version, today or date.today())
    with _store() as store:
        joined = answer_without_writing(store, key, client)  # raises Busy when full
    if joined is not None:
        return joined
    with _store() as store, store.transact():
        finished = store.get(f"file:{key}")
        if isinstance(finished, dict) and Path(finished["path"]).is_file():
            job = Job(uuid.uuid4().hex, key, client, status="done", done=1, total=1, **finished)
            _save(store, job)
            return job
        now = time.time()
        active = live_active(store.get("active", {}), now)
        same = store.get(f"making:{key}")
        if same in active:
            return Job(**store.get(f"job:{same}"))
        mean = float(store.get("mean_seconds", DEFAULT_SECONDS))
        mine = sum(1 for info in active.values() if info["client"] == client)
        if len(active) >= settings.export_queue_limit:
            raise Busy(retry_seconds(len(active), settings.export_slots, mean), "queue full")
        if mine >= settings.export_client_limit:
            raise Busy(retry_seconds(mine, 1, mean), "client limit")
        job = Job(uuid.uuid4().hex, key, client)
        active[job.job_id] = {"client": client, "updated": now}
        store.set("active", active)
        store.set(f"making:{key}", job.job_id, expire=STALE_SECONDS)
        _save(store, job)
        store.push({"job_id": job.job_id, "request": asdict(req)}, prefix="queue")
    start_workers()
    return job


def answer_without_writing(store: diskcache.Cache, key: str, client: str) -> Job | None:
    """The job an identical request joins, or `Busy`, read without the queue's write lock: in a
    flood most requests are answered so, and do not wait in line for the lock (nor hold a web
    thread meanwhile). None: the request needs the locked path (which checks all again)."""
    if store.get(f"file:{key}") is not None:
        return None  # a finished file: answered under the lock, with a job of its own
    active = live_active(store.get("active", {}), time.time())
    same = store.get(f"making:{key}")
    record = store.get(f"job:{same}") if same in active else None
    if isinstance(record, dict):
        return Job(**record)
    mean = float(store.get("mean_seconds", DEFAULT_SECONDS))
    if len(active) >= settings.export_queue_limit:
        raise Busy(retry_seconds(len(active), settings.export_slots, mean), "queue full")
    mine = sum(1 for info in active.values() if info["client"] == client)
    if mine >= settings.export_client_limit:
        raise Busy(retry_seconds(mine, 1, mean), "client limit")
    return None


def cancel(job_id: str) -> Job | None:
    """Stop a job: a waiting one never starts, a running one stops at its next step."""
    with _store() as store, store.transact():
        record = store.get(f"job:{job_id}") if isinstance(job_id, str) else None
        if not isinstance(record, dict):
            return None
        job = Job(**record)
        if not job.finished:
            job.status = "cancelled"
            _save(store, job)
            store.delete(f"making:{job.key}")
        return job


def counts() -> dict[str, int]:
    """Jobs waiting or running now, on this machine (for /healthz and the soak test)."""
    with _store() as store:
        active = live_active(store.get("active", {}), time.time())
    return {
        "active": len(active),
        "limit": settings.export_queue_limit,
        "workers": settings.export_workers,
        "running at once": settings.export_slots,
    }


# --- the workers ------------------------------------------------------------------------------------


def start_workers() -> None:
    """Start this web process's export workers unless they run or are starting (a dead one is
    replaced): at its first export, and again at an export after one died. Returns at once: the
    request that asked does not wait for the processes, and neither does any other."""
    global _launcher
    if _runner is None:
        raise RuntimeError("no export runner: call export_queue.set_runner first")
    with _workers_lock:
        if _launcher is not None and _launcher.is_alive():
            return
        _workers[:] = [w for w in _workers if w.is_alive()]
        settings.export_dir.mkdir(parents=True, exist_ok=True)  # a worker ends when its folder is gone
        context = multiprocessing.get_context("spawn")
        missing = [
            context.Process(
                target=work, args=(str(settings.export_dir), _runner), daemon=True, name="export-worker"
            )
            for _ in range(settings.export_workers - len(_workers))
        ]
        if missing:
            _launcher = start_idle(missing, started=_workers_started)


def start_at_boot() -> bool:
    """Open the job store and start this web process's export workers as it boots (gunicorn's
    post_fork), before it serves anything: a first export in a flood of them then costs pages
    nothing. Starting workers while requests run (a process fork, a new interpreter) made public
    answers 2-5 times slower in the probe's flood; at boot it is 1.1-2.1 times (median 1.4). Skipped with
    EXPORT_WORKERS_AT_BOOT=0, or when no runner is registered yet (the app not preloaded): the
    first export starts them then. True when started."""
    if not settings.export_workers_at_boot or _runner is None:
        return False
    with _store():
        pass
    start_workers()
    return True


def _workers_started(process: multiprocessing.process.BaseProcess) -> None:
    with _workers_lock:
        _workers.append(process)


def start_idle(
    processes: list[multiprocessing.process.BaseProcess],
    started: Callable[[multiprocessing.process.BaseProcess], None] = lambda _process: None,
) -> threading.Thread:
    """Start processes at idle priority, which they have from their first instruction: a new
    interpreter's start-up and imports cost a second of CPU each, which pages would otherwise wait
    for. A thread of its own takes the policy (per thread on Linux) and starts them, so no web
    thread changes or waits; where the policy is refused, the processes lower themselves once they
    run. `started` is told of each process once it runs; the thread is returned, running."""

    def launch() -> None:
        with contextlib.suppress(OSError, AttributeError):
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        for process in processes:
            process.start()
            started(process)

    launcher = threading.Thread(target=launch, name="export-launcher", daemon=True)
    launcher.start()
    return launcher


def shutdown() -> None:
    """Stop this process's workers (tests; daemons end with the process anyway)."""
    if _launcher is not None:
        _launcher.join(timeout=60)  # the workers it is starting are stopped too
    with _workers_lock:
        for worker in _workers:
            worker.terminate()
        for worker in _workers:
            worker.join(timeout=10)
        _workers.clear()


def take_next(store: diskcache.Cache) -> tuple[str, ExportRequest] | None:
    """The next waiting job of the machine's queue, or None."""
    _, item = store.pull(prefix="queue")
    if not isinstance(item, dict):
        return None
    req = item["request"]
    return item["job_id"], ExportRequest(
        req["kind"], req["fmt"], req["lang"], tuple(tuple(pair) for pair in req["query"]), req["city"]
    )


def work(export_dir: str, runner: ExportRunner) -> None:
    """A worker process: lower CPU priority, an application context for the cached queries, then
    one job after another from the queue."""
    yield_to_pages()
    _end_with_parent()
    app = flask.Flask("exports")
    app.config.update(data_access.cache_config())
    data_access.cache.init_app(app)
    app.app_context().push()  # the exports' queries are memoized through flask-caching
    parent = os.getppid()
    while os.getppid() == parent and Path(export_dir).is_dir():  # ends with its web process
        with export_slot(Path(export_dir), settings.export_slots) as slot:
            task = None
            if slot is not None:
                try:
                    with _store() as store:
                        task = take_next(store)
                except (OSError, sqlite3.Error) as err:
                    log.warning("export queue unreadable (%s)", err)
            if task is not None:
                run_job(*task, runner.make)
                continue
        time.sleep(IDLE_POLL)
    runner.stop()


@contextmanager
def export_slot(folder: Path, slots: int) -> Iterator[int | None]:
    """One of the machine's `slots` places to run an export (a file lock, freed when the process
    ends), or None when all are taken: however many web processes have workers, no more than
    `slots` exports run at once, so pages keep the other cores."""
    for number in range(slots):
        with open(folder / f"slot-{number}.lock", "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            try:
                yield number
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
            return
    yield None


def yield_to_pages() -> None:
    """Run this process, and the Chromium it starts (children inherit the policy), only on CPU time
    that pages leave idle: Linux's SCHED_IDLE, which is below nice 19; nice 19 where it is refused."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (OSError, AttributeError):  # not Linux, or a sandbox that forbids it
        with contextlib.suppress(OSError):
            os.nice(19)


def _end_with_parent() -> None:
    """Ask Linux to stop this process when its web process dies, even in the middle of a job (a
    web worker killed by gunicorn must not leave its export worker and Chromium behind)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the loop's parent check still ends it
        pass


class Cancelled(Exception):
    """The job was cancelled while it ran."""


def run_job(job_id: str, req: ExportRequest, make: Callable[..., tuple[bytes, str, str]]) -> str:
    """Make one file with `make` (an `ExportRunner.make`) in a worker process, reporting progress;
    returns the final status."""
    started = time.perf_counter()
    with _store() as store:
        job = Job(**store.get(f"job:{job_id}"))
        if job.finished:
            return job.status
        job.status, job.message = "running", ""
        _save(store, job)

        def progress(done: int, total: int, message: str) -> None:
            current = store.get(f"job:{job_id}", {})
            if current.get("status") == "cancelled":
                raise Cancelled(job_id)
            job.done, job.total, job.message = done, total, message
            _save(store, job)

        try:
            content, name, mime = make(
                req.kind, req.fmt, req.lang, dict(req.query), req.city, progress=progress, keep_renderer=True
            )
        except Cancelled:
            return "cancelled"
        except Exception as err:  # the user gets a message, the log the traceback
            log.exception("export %s %s failed", req.kind, req.fmt)
            job.status, job.error = (
                "failed",
                (str(err).splitlines()[0][:160] if str(err) else type(err).__name__),
            )
            _save(store, job)
            store.delete(f"making:{job.key}")
            return job.status
        path = _files_dir() / f"{job.key}{Path(name).suffix}"
        partial = path.with_name(path.name + f".{os.getpid()}.part")
        partial.write_bytes(content)
        partial.replace(path)
        with store.transact():
            job.status, job.name, job.mime, job.path, job.done, job.total = (
                "done",
                name,
                mime,
                str(path),
                job.total,
                job.total,
            )
            if store.get(f"job:{job_id}", {}).get("status") == "cancelled":
                job.status = "cancelled"
            _save(store, job)
            store.set(f"file:{job.key}", {"name": name, "mime": mime, "path": str(path)}, expire=86400)
            store.delete(f"making:{job.key}")
            seconds = time.perf_counter() - started
            store.set("mean_seconds", 0.7 * float(store.get("mean_seconds", seconds)) + 0.3 * seconds)
        _prune_files()
        log.info(
            "export %s %s %s ready: %s, %d bytes, %.1f s",
            req.kind,
            req.fmt,
            req.lang,
            name,
            len(content),
            time.perf_counter() - started,
        )
        return job.status


def _prune_files() -> None:
    files = sorted(_files_dir().glob("*.*"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in files[KEEP_FILES:]:
        stale.unlink(missing_ok=True)
