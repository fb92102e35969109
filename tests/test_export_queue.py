"""The export queue (services/export_queue.py): limits per client and in all, identical requests
joined or answered from the finished file, cancelling, and the page's 'busy' message."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from dash.testing.wait import until

from services import export_queue as eq
from services.config import settings


class HeldPool:
    """Stands in for the worker processes: the test runs the queued jobs when it wants, each with
    `make` (what a worker gets as its runner's `make`)."""

    make = None

    @property
    def jobs(self) -> list:
        with eq._store() as store:
            return [key for key in store.iterkeys() if str(key).startswith("queue-")]

    def run_all(self):
        while True:
            with eq._store() as store:
                task = eq.take_next(store)
            if task is None:
                return
            eq.run_job(*task, self.make)


@pytest.fixture()
def queue(tmp_path, monkeypatch):
    """An empty queue in its own folder, limits 3 in all and 2 per client, no real processes."""
    monkeypatch.setattr(
        eq,
        "settings",
        replace(
            settings,
            export_dir=tmp_path / "exports",
            export_queue_limit=3,
            export_client_limit=2,
            export_workers=1,
        ),
    )
    pool = HeldPool()
    monkeypatch.setattr(eq, "start_workers", lambda: None)
    made: list[tuple] = []

    def fake_export(kind, fmt, lang, query, city=None, progress=None, keep_renderer=False):
        made.append((kind, fmt, lang, city))
        progress(1, 2, "half")
        return b"%PDF-fake", f"ccca-{city}-brief-{lang}.pdf", "application/pdf"

    pool.make = fake_export
    return pool, made


def request(city: str, lang: str = "en") -> eq.ExportRequest:
    return eq.ExportRequest("city", "pdf", lang, (("lang", lang),), city)


def test_a_client_gets_at_most_its_share_and_the_queue_at_most_its_limit(queue):
    pool, _ = queue
    eq.submit(request("a"), "10.0.0.1", "b1", "c1")
    eq.submit(request("b"), "10.0.0.1", "b1", "c1")
    with pytest.raises(eq.Busy) as busy:
        eq.submit(request("c"), "10.0.0.1", "b1", "c1")
    assert busy.value.reason == "client limit" and busy.value.retry_after >= 5
    eq.submit(request("c"), "10.0.0.2", "b1", "c1")
    with pytest.raises(eq.Busy) as busy:
        eq.submit(request("d"), "10.0.0.3", "b1", "c1")
    assert busy.value.reason == "queue full"
    assert len(pool.jobs) == 3 and eq.counts()["active"] == 3
    pool.run_all()
    assert eq.counts()["active"] == 0
    eq.submit(request("d"), "10.0.0.3", "b1", "c1")  # room again once the jobs are done


def test_identical_requests_share_one_job_and_then_the_finished_file(queue):
    pool, made = queue
    first = eq.submit(request("a"), "10.0.0.1", "b1", "c1")
    joined = eq.submit(request("a"), "10.0.0.2", "b1", "c1")
    assert joined.job_id == first.job_id and len(pool.jobs) == 1
    pool.run_all()
    done = eq.load_job(first.job_id)
    assert done.status == "done" and done.name == "ccca-a-brief-en.pdf" and done.done == done.total
    again = eq.submit(request("a"), "10.0.0.3", "b1", "c1")
    assert again.status == "done" and again.path == done.path and not pool.jobs
    assert made == [("city", "pdf", "en", "a")]  # made once for three requests
    other_build = eq.submit(request("a"), "10.0.0.3", "b2", "c1")
    assert other_build.status == "queued"  # a new build makes a new file


def test_joining_and_refusing_need_no_write_lock(queue):
    """While another process holds the queue's write lock, a request for a file under way joins it
    and a request past the limits is refused, at once: neither waits in line for the lock."""
    first = eq.submit(request("a"), "10.0.0.1", "b1", "c1")
    eq.submit(request("b"), "10.0.0.2", "b1", "c1")
    eq.submit(request("c"), "10.0.0.3", "b1", "c1")  # the queue is full (limit 3)
    holding, release, answers = threading.Event(), threading.Event(), []

    def hold_the_lock():
        with (
            eq.diskcache.Cache(str(eq.settings.export_dir / "jobs"), timeout=1) as other,
            other.transact(),
        ):
            holding.set()
            release.wait(90)  # longer than the queue's own lock timeout (60 s): a wait would fail

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    assert holding.wait(30)
    try:
        answers.append(eq.submit(request("a"), "10.0.0.4", "b1", "c1").job_id)
        with pytest.raises(eq.Busy) as busy:
            eq.submit(request("d"), "10.0.0.5", "b1", "c1")
        answers.append(busy.value.reason)
    finally:
        release.set()
        holder.join(30)
    assert answers == [first.job_id, "queue full"]


def test_a_cancelled_job_never_runs_and_frees_its_place(queue):
    pool, made = queue
    job = eq.submit(request("a"), "10.0.0.1", "b1", "c1")
    assert eq.cancel(job.job_id).status == "cancelled"
    assert eq.counts()["active"] == 0
    pool.run_all()
    assert made == [] and eq.load_job(job.job_id).status == "cancelled"


def test_a_failed_export_reports_its_reason(queue, monkeypatch):
    pool, _ = queue

    def broken(*args, **kwargs):
        raise ValueError("a PDF brief needs a member city")

    pool.make = broken
    job = eq.submit(request("zz"), "10.0.0.1", "b1", "c1")
    pool.run_all()
    failed = eq.load_job(job.job_id)
    assert failed.status == "failed" and "member city" in failed.error and eq.counts()["active"] == 0


def test_unknown_or_malformed_job_ids_are_nothing(queue):
    for junk in ("", "x" * 32, "../../etc/passwd", None, 5, "a" * 1000):
        assert eq.load_job(junk) is None
    assert eq.cancel("0" * 32) is None


def test_retry_estimate_grows_with_the_queue():
    assert eq.retry_seconds(0, 1, 3.0) == 5
    assert eq.retry_seconds(3, 1, 20.0) == 80
    assert eq.retry_seconds(3, 2, 20.0) == 40
    assert eq.export_key(request("a"), "b", "c", date(2026, 1, 1)) != eq.export_key(
        request("a"), "b", "c", date(2026, 1, 2)
    )


def test_the_page_says_when_to_try_again_in_its_language(dash_app, queue, monkeypatch):
    from presentation import export_button as eb

    def full(*args, **kwargs):
        raise eq.Busy(35, "queue full")

    monkeypatch.setattr(eq, "submit", full)
    context = {"kind": "city", "lang": "ru", "city": "a", "override": {}}
    with dash_app.server.test_request_context("/_dash-update-component", method="POST"):
        monkeypatch.setattr(eb.dash, "ctx", type("Ctx", (), {"triggered_id": eb.ids.EXPORT_REQUEST})())
        view = eb.follow_export({"fmt": "pdf", "search": "?lang=ru", "context": context}, None, None, context)
    assert view["status"] == "Сейчас готовится много файлов. Попробуйте ещё раз через 35 с."
    assert view["poll_off"] and not view["pdf_off"] and view["job"] is None


def scheduling_policy(answers) -> None:
    """A process's first act: report the scheduling policy it was born with."""
    answers.put(os.sched_getscheduler(0))


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="Linux scheduling policies")
def test_export_processes_start_at_idle_priority_and_the_web_thread_keeps_its_own():
    context = multiprocessing.get_context("spawn")
    answers = context.Queue()
    process = context.Process(target=scheduling_policy, args=(answers,))
    eq.start_idle([process]).join(60)
    born_with = answers.get(timeout=60)
    process.join(30)
    assert born_with == os.SCHED_IDLE  # before any of the export code runs: the imports are idle too
    assert os.sched_getscheduler(0) == os.SCHED_OTHER


def made_in_a_worker(kind, fmt, lang, query, city=None, progress=None, keep_renderer=False):
    """A runner's `make` for a real worker process: the file says which process made it."""
    progress(1, 2, "half")
    return f"{city} {kind} {fmt} made by {os.getpid()}".encode(), f"ccca-{city}.{fmt}", "application/pdf"


def nothing_to_stop() -> None:
    return None


def test_a_spawned_worker_makes_the_file_with_the_runner_it_was_given(tmp_path, monkeypatch):
    folder = tmp_path / "exports"
    monkeypatch.setenv("EXPORT_DIR", str(folder))  # the worker reads its settings afresh
    monkeypatch.setattr(eq, "settings", replace(settings, export_dir=folder, export_workers=1))
    monkeypatch.setattr(eq, "_runner", eq.ExportRunner(made_in_a_worker, nothing_to_stop))
    monkeypatch.setattr(eq, "_workers", [])
    try:
        job = eq.submit(request("a"), "10.0.0.1", "b1", "c1")  # starts the worker process
        until(lambda: eq.load_job(job.job_id).status in ("done", "failed"), timeout=90)
    finally:
        eq.shutdown()
    done = eq.load_job(job.job_id)
    assert done.status == "done" and done.name == "ccca-a.pdf"
    words = Path(done.path).read_bytes().decode().split()
    assert words[:3] == ["a", "city", "pdf"] and int(words[-1]) != os.getpid()


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="Linux scheduling policies")
def test_a_booting_web_process_starts_its_idle_export_worker_before_any_export(monkeypatch, tmp_path):
    folder = tmp_path / "exports"
    monkeypatch.setenv("EXPORT_DIR", str(folder))
    monkeypatch.setattr(eq, "settings", replace(settings, export_dir=folder, export_workers=1))
    monkeypatch.setattr(eq, "_runner", eq.ExportRunner(made_in_a_worker, nothing_to_stop))
    monkeypatch.setattr(eq, "_workers", [])
    try:
        assert eq.start_at_boot()
        assert (folder / "jobs" / "cache.db").is_file()  # the job store is open before any export
        until(lambda: len(eq._workers) == 1, timeout=60)
        worker = eq._workers[0]
        assert worker.is_alive() and os.sched_getscheduler(worker.pid) == os.SCHED_IDLE
        assert not eq.load_job("none")  # nothing was queued to start it
    finally:
        eq.shutdown()


def test_boot_starts_no_worker_when_turned_off_or_without_a_runner(monkeypatch, tmp_path):
    started = []
    monkeypatch.setattr(eq, "start_workers", lambda: started.append(1))
    monkeypatch.setattr(eq, "settings", replace(settings, export_dir=tmp_path, export_workers_at_boot=False))
    monkeypatch.setattr(eq, "_runner", eq.ExportRunner(made_in_a_worker, nothing_to_stop))
    assert not eq.start_at_boot()
    monkeypatch.setattr(eq, "settings", replace(settings, export_dir=tmp_path, export_workers_at_boot=True))
    monkeypatch.setattr(eq, "_runner", None)  # gunicorn without preload: the app is not imported yet
    assert not eq.start_at_boot()
    assert started == []
    monkeypatch.setattr(eq, "_runner", eq.ExportRunner(made_in_a_worker, nothing_to_stop))
    assert eq.start_at_boot() and started == [1]


def test_workers_need_a_runner_and_the_download_buttons_give_the_presentation_one(monkeypatch):
    monkeypatch.setattr(eq, "_runner", None)
    with pytest.raises(RuntimeError, match="set_runner"):
        eq.start_workers()
    monkeypatch.undo()
    from presentation import export_button, exports  # importing the buttons sets the runner

    assert export_button.export_queue is eq
    assert eq._runner == eq.ExportRunner(exports.run_export, exports.stop_renderer)
    assert pickle.loads(pickle.dumps(eq._runner)) == eq._runner  # what a spawned worker receives


class SlowToStart:
    """A stand-in process whose start waits until the test lets it go."""

    made: list = []

    def __init__(self, **kw):
        self.go, self.running = SlowToStart.go, False
        SlowToStart.made.append(self)

    def start(self):
        assert self.go.wait(30)
        self.running, self.pid = True, 1

    def is_alive(self):
        return self.running


def test_starting_workers_keeps_no_request_waiting_and_starts_them_once(monkeypatch, tmp_path):
    SlowToStart.go, SlowToStart.made = threading.Event(), []
    monkeypatch.setattr(eq, "settings", replace(settings, export_dir=tmp_path / "exports", export_workers=2))
    monkeypatch.setattr(eq, "_runner", eq.ExportRunner(made_in_a_worker, nothing_to_stop))
    monkeypatch.setattr(eq, "_workers", [])
    monkeypatch.setattr(eq, "_launcher", None)
    monkeypatch.setattr(eq.multiprocessing, "get_context", lambda _kind: SimpleNamespace(Process=SlowToStart))
    eq.start_workers()  # returns although no process has started
    eq.start_workers()  # a second export meanwhile: no second set of workers
    assert len(SlowToStart.made) == 2 and eq._workers == []
    SlowToStart.go.set()
    eq._launcher.join(30)
    assert [w.is_alive() for w in eq._workers] == [True, True]
    eq.start_workers()  # both run: nothing more to start
    assert len(SlowToStart.made) == 2


def test_no_more_exports_run_at_once_than_the_machine_has_slots(tmp_path):
    with (
        eq.export_slot(tmp_path, 2) as first,
        eq.export_slot(tmp_path, 2) as second,
        eq.export_slot(tmp_path, 2) as third,
    ):
        assert (first, second, third) == (0, 1, None)
    with eq.export_slot(tmp_path, 2) as again:
        assert again == 0  # freed when the export ended
