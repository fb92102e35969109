"""`make run` (python app.py, Dash's own server) makes exports like the production server: its
export worker is spawned from a main module that is app.py itself, which the worker runs again
under another name before it takes a job."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import requests

from services import export_queue as eq
from tests import dash_http as h
from tests.servers import free_port, wait_for

ROOT = Path(__file__).resolve().parents[1]


def test_the_dev_server_finishes_a_pdf_export(tmp_path, built_data):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
        "CACHE_DIR": str(tmp_path / "cache"),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "ENABLE_TILES": "0",
    }  # EXPORT_DIR is this test process's: the job is read back from the same store
    url = f"http://127.0.0.1:{port}"
    with open(tmp_path / "server.log", "w") as log:
        server = subprocess.Popen(
            [sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log
        )
        try:
            wait_for(lambda: requests.get(url + "/login", timeout=2).status_code == 200, 90, "app.py")
            deps = requests.get(url + "/_dash-dependencies", timeout=10).json()
            export = next(d for d in deps if "export-job.data" in d["output"])
            city = str(built_data["cities"]["city_id"].iloc[0])
            body = h.export_body(export["output"], export["inputs"], export["state"], city, "en")
            answer = requests.post(url + "/_dash-update-component", json=body, timeout=30).json()
            job_id = answer["response"]["export-job"]["data"]["id"]
            wait_for(lambda: (eq.load_job(job_id) or eq.Job("", "", "")).finished, 120, "the export")
            job = eq.load_job(job_id)
        finally:
            server.terminate()
            server.wait(10)
    assert job.status == "done", (job, (tmp_path / "server.log").read_text()[-3000:])
    assert Path(job.path).read_bytes().startswith(b"%PDF")
