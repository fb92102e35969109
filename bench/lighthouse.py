"""Lighthouse 12 (mobile profile) on every page, both languages, the two floor pages, and a cold start.

`python -m bench.lighthouse` (part of `make bench`; `make bench-lighthouse` alone). Starts the app
with gunicorn as `make serve` does (fresh file cache) and the two floor pages (bare Dash and
stock one-graph Dash, `bench/reference_apps.py`, compressed like the app), and runs Lighthouse
from `bench/node_modules` (`npm ci --prefix bench`) with Debian's Chromium: the default mobile
form factor, simulated throttling (slow 4G, 4x CPU slowdown), performance category only.

Cold: the app is restarted and the first request it answers is Lighthouse's navigation to `/`
(RU and EN, each after its own restart); the seconds of that first HTML request and of the
first page-content callback are measured separately with plain requests after another restart.

Each run says how the page started Dash, from the requests Lighthouse saw: "at load" (Dash's
renderer fetched), "deferred" (a complete first view: only the loader, services/deferred_dash.py;
Lighthouse never interacts, so Dash is never fetched) or "none" (a script-free page).

Writes bench/results/lighthouse-<date>-<commit>.json and .md and prints the table. The machine
is shared: the 1-minute load average is recorded with every run, and the floor pages are
measured in the same run so that pages can be compared with them rather than in absolute terms.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests

from bench.run import Server, registered_paths

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
LIGHTHOUSE = BENCH / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
PORT = int(os.environ.get("BENCH_LIGHTHOUSE_PORT", "8450"))
LANGS = ("ru", "en")
# pages measured as a fresh server's first request (`BENCH_COLD_PAGES`, comma-separated)
COLD_PATHS = [p for p in os.environ.get("BENCH_COLD_PAGES", "/,/trends").split(",") if p]
NOT_FOUND = "/404"  # the registered not-found page: measured with --ignore-status-code
TARGETS = {"score": 0.9, "lcp_ms": 2500, "tbt_ms": 300, "cls": 0.1}
CHART_FREE_KB, CHART_KB = 600, 900
SHOTS = Path(os.environ.get("BENCH_SHOTS", str(RESULTS / "shots")))


def lighthouse(url: str, label: str, keep: Path | None = None) -> dict:
    """One Lighthouse run; the figures of the issue's table and the load average before it. The
    not-found page answers 404 as it should, which Lighthouse measures only when told to."""
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="lh-") as tmp:
        report = Path(tmp) / "report.json"
        cmd = [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--only-categories=performance",
            "--output=json",
            f"--output-path={report}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu "
            "--disable-dev-shm-usage --no-first-run --disable-background-networking",
            *(["--ignore-status-code"] if urlsplit(url).path == NOT_FOUND else []),
        ]
        done = subprocess.run(
            cmd,
            env={**os.environ, "CHROME_PATH": CHROME},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode or not report.exists():
            return {"label": label, "url": url, "error": (done.stderr or done.stdout)[-400:], "load": load}
        data = json.loads(report.read_text(encoding="utf-8"))
        if keep is not None:
            keep.parent.mkdir(parents=True, exist_ok=True)
            keep.write_text(report.read_text(encoding="utf-8"), encoding="utf-8")
    audits = data["audits"]

    def value(name: str) -> float | None:
        return audits.get(name, {}).get("numericValue")

    score = data["categories"]["performance"]["score"]
    error = data.get("runtimeError", {}).get("message")
    requested = [
        item.get("url", "") for item in audits.get("network-requests", {}).get("details", {}).get("items", [])
    ]
    return {
        "label": label,
        "url": url,
        "load": round(load, 2),
        "score": round(score * 100) if score is not None else None,
        "fcp_ms": value("first-contentful-paint"),
        "lcp_ms": value("largest-contentful-paint"),
        "tbt_ms": value("total-blocking-time"),
        "cls": value("cumulative-layout-shift"),
        "tti_ms": value("interactive"),
        "si_ms": value("speed-index"),
        "transfer_kb": round((value("total-byte-weight") or 0) / 1024),
        "requests": len(requested),
        "dash": dash_start(requested),
        "lcp_element": (
            (audits.get("largest-contentful-paint-element", {}).get("details") or {})
            .get("items", [{}])[0]
            .get("items", [{}])[0]
            .get("node", {})
            .get("snippet", "")
            if audits.get("largest-contentful-paint-element", {}).get("details")
            else ""
        ),
        "error": error,
    }


def dash_start(urls: list[str]) -> str:
    """How a page started Dash, from the addresses it requested: at load, deferred, or none."""
    if any("dash_renderer" in url for url in urls):
        return "at load"
    return "deferred" if any("deferred_dash.js" in url for url in urls) else "none"


def lighthouse_again_on_error(url: str, label: str, keep: Path | None = None) -> dict:
    """One Lighthouse run, repeated once when it fails (Chromium's trace recording sometimes does
    on this shared machine); the row says so. Not for cold starts: a second run is not cold."""
    row = lighthouse(url, label, keep)
    if row.get("error") or row.get("score") is None:
        row = {**lighthouse(url, f"{label} (2nd run)", keep), "first_error": row.get("error")}
    return row


def first_request_seconds(base: str) -> dict:
    """Seconds of the first HTML request and of the first layout and page-content requests."""
    out = {}
    t0 = time.perf_counter()
    requests.get(base + "/", timeout=120)
    out["first_html_s"] = round(time.perf_counter() - t0, 3)
    t0 = time.perf_counter()
    requests.get(base + "/_dash-layout", timeout=120)
    out["first_layout_s"] = round(time.perf_counter() - t0, 3)
    return out


def wait_free(port: int) -> None:
    """Wait until nothing listens on `port` any more (a stopped server's socket)."""
    for _ in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=0.5)
        except requests.RequestException:
            return
        time.sleep(0.1)


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value / 1000:.1f} s"
    if unit == "ms":
        return f"{value:,.0f} ms"
    if unit == "cls":
        return f"{value:.2f}"
    return f"{value:,.0f}"


def meets(row: dict) -> str:
    """Which of the issue's targets a run misses (empty when it meets all)."""
    if row.get("error") and row.get("score") is None:
        return "error"
    misses = []
    if (row["score"] or 0) < TARGETS["score"] * 100:
        misses.append("score")
    if (row["lcp_ms"] or 0) > TARGETS["lcp_ms"]:
        misses.append("LCP")
    if (row["tbt_ms"] or 0) > TARGETS["tbt_ms"]:
        misses.append("TBT")
    if (row["cls"] or 0) > TARGETS["cls"]:
        misses.append("CLS")
    if row["transfer_kb"] > (CHART_KB if row.get("charts") else CHART_FREE_KB):
        misses.append("kB")
    return ", ".join(misses) or "all met"


def markdown(result: dict) -> str:
    """The issue's table for every run."""
    lines = [
        f"## Lighthouse {result['lighthouse']} mobile, {result['date']} (commit {result['commit']})",
        "",
        f"Machine: {result['machine']}. Simulated slow 4G and 4x CPU slowdown (Lighthouse's default "
        "mobile profile), Debian's Chromium, gunicorn with 2 workers, cold browser cache. "
        "Load: the machine's 1-minute load average just before the run (2 cores, shared).",
        "",
        "| page | Dash | score | LCP | TBT | CLS | TTI | FCP | transfer kB | requests | load | targets |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in result["runs"]:
        if row.get("score") is None:
            lines.append(
                f"| {row['label']} | | error: {str(row.get('error'))[:80]} | | | | | | | | {row['load']} | |"
            )
            continue
        lines.append(
            f"| {row['label']} | {row.get('dash', '')} | {row['score']} | {fmt(row['lcp_ms'], 's')} | "
            f"{fmt(row['tbt_ms'], 'ms')} | "
            f"{fmt(row['cls'], 'cls')} | {fmt(row['tti_ms'], 's')} | {fmt(row['fcp_ms'], 's')} | "
            f"{row['transfer_kb']:,} | {row['requests']} | {row['load']} | {meets(row)} |"
        )
    own = [r for r in result["runs"] if not r["label"].startswith("floor") and r.get("score") is not None]
    lines += ["", f"{len(own)} app runs; all targets met: {sum(meets(r) == 'all met' for r in own)}."]
    cold = result.get("cold_requests")
    if cold:
        lines += [
            "",
            "Cold start (plain requests, first after the server started): "
            f"first HTML {cold['first_html_s']} s, first `/_dash-layout` {cold['first_layout_s']} s.",
        ]
    return "\n".join(lines) + "\n"


def main() -> int:
    commit = (
        os.environ.get("BENCH_COMMIT")
        or subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        or "unknown"
    )
    date = time.strftime("%Y-%m-%d")
    version = subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True).stdout.strip()
    only = [p for p in os.environ.get("BENCH_PAGES", "").split(",") if p]
    cache_dir = Path(tempfile.mkdtemp(prefix="bench-lh-cache-"))
    env = {"CACHE_DIR": str(cache_dir), "ENABLE_TILES": "0"}
    runs: list[dict] = []
    tag = f"{date}-{commit}"
    servers: list[Server] = []
    try:
        paths = only or [*registered_paths(), NOT_FOUND]
        print("pages:", paths, flush=True)
        # Cold: a fresh server, Lighthouse's navigation is its first request (the page's first
        # view rendered then, uncached).
        for path in COLD_PATHS:
            for lang in LANGS:
                app = unprobed_server(PORT, env, servers)
                row = lighthouse(f"{app.url}{path}?lang={lang}", f"{path} ?lang={lang} (cold start)")
                print(json.dumps(row, ensure_ascii=False), flush=True)
                runs.append(row)
                app.stop()
                wait_free(PORT)
        app = unprobed_server(PORT, env, servers)
        cold_requests = first_request_seconds(app.url)
        print("cold requests:", cold_requests, flush=True)
        for path in paths:
            for lang in LANGS:
                sep = "&" if "?" in path else "?"
                keep = (
                    RESULTS
                    / f"lighthouse-{tag}"
                    / f"{path.strip('/').replace('/', '_') or 'home'}-{lang}.json"
                )
                row = lighthouse_again_on_error(
                    f"{app.url}{path}{sep}lang={lang}", f"{path} ?lang={lang}", keep
                )
                row["charts"] = chart_page(keep)
                print(json.dumps(row, ensure_ascii=False), flush=True)
                runs.append(row)
        for name, target, port in (
            ("floor: bare Dash", "bench.reference_apps:bare_server", PORT + 1),
            ("floor: one-graph Dash", "bench.reference_apps:graph_server", PORT + 2),
        ):
            ref = Server(target, port)
            servers.append(ref)
            row = lighthouse_again_on_error(ref.url + "/", name)
            row["charts"] = "graph" in target
            print(json.dumps(row, ensure_ascii=False), flush=True)
            runs.append(row)
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(cache_dir, ignore_errors=True)
    result = {
        "date": date,
        "commit": commit,
        "lighthouse": version,
        "machine": f"{os.cpu_count()} cores",
        "runs": runs,
        "cold_requests": cold_requests,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"lighthouse-{tag}.json").write_text(
        json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8"
    )
    table = markdown(result)
    (RESULTS / f"lighthouse-{tag}.md").write_text(table, encoding="utf-8")
    print(table)
    return 0


def chart_page(report_path: Path) -> bool:
    """Whether a kept report shows plotly.js among the page's requests (the 900 kB allowance)."""
    if not report_path.exists():
        return False
    data = json.loads(report_path.read_text(encoding="utf-8"))
    items = data["audits"].get("network-requests", {}).get("details", {}).get("items", [])
    return any("plotly" in item.get("url", "") for item in items)


def unprobed_server(port: int, env: dict, servers: list[Server]) -> Server:
    """`make serve`'s gunicorn, started without a request: the next request is its first."""
    server = Server.__new__(Server)
    server.url = f"http://127.0.0.1:{port}"
    server.proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "app:server",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    servers.append(server)
    wait_listening(port)
    return server


def wait_listening(port: int, limit: float = 60) -> None:
    """Wait until something accepts connections on `port`, without sending it a request."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


if __name__ == "__main__":
    sys.exit(main())
