"""`python -m bench.api`: latency of the open-data API (/api/v1/) under `wrk`, as in production.

Starts the app with gunicorn (`BENCH_WORKERS`, default 2 workers; a fresh file cache; the API's
rate limit raised so that it does not answer 429 to the load generator), asks each route once so
that its build is loaded, then runs `wrk` on loopback with 20 connections (`BENCH_API_CONNECTIONS`)
for `BENCH_API_SECONDS` (default 15) per route and reports requests/s and the p50, p95 and p99
latency (p95 from wrk's Lua `done` hook, which has the whole histogram). Results go to
bench/results/api-<date>-<commit>.json and are printed as a Markdown table (kept in bench/README.md).
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time

import requests

from bench.run import RESULTS, ROOT, WORKERS, Server

PORT = int(os.environ.get("BENCH_API_PORT", "8640"))
SECONDS = int(os.environ.get("BENCH_API_SECONDS", "15"))
CONNECTIONS = int(os.environ.get("BENCH_API_CONNECTIONS", "20"))
PERCENTILES = """
done = function(summary, latency, requests)
  for _, p in pairs({50, 95, 99}) do
    io.write(string.format("P%d %d\\n", p, latency:percentile(p)))
  end
  io.write(string.format("REQUESTS %d\\nERRORS %d\\nNON2XX %d\\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""


def targets(base: str) -> dict[str, str]:
    """The routes measured: values (a page, one city's whole set) and the index (stored and re-weighted)."""
    city = requests.get(f"{base}/api/v1/cities", timeout=30).json()["data"][0]["city_id"]
    return {
        "GET /healthz (reference: a plain Flask route of the same app)": "/healthz",
        "GET /api/v1/values?limit=100": "/api/v1/values?limit=100",
        f"GET /api/v1/values?city={city}&limit=1000": f"/api/v1/values?city={city}&limit=1000",
        "GET /api/v1/index": "/api/v1/index",
        "GET /api/v1/index?w_vulnerability=2": "/api/v1/index?w_vulnerability=2",
        "GET /api/v1/index, If-None-Match (304)": "/api/v1/index#etag",
    }


def run_wrk(url: str, headers: dict[str, str] | None = None) -> dict:
    """wrk with 2 threads and CONNECTIONS connections for SECONDS: requests/s, p50/p95/p99 in ms, errors."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        for name, value in (headers or {}).items():
            script.write(f'wrk.headers["{name}"] = [[{value}]]\n')
        script.write(PERCENTILES)
    try:
        text = subprocess.run(
            ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "-s", script.name, url],
            capture_output=True,
            text=True,
            check=True,
            timeout=SECONDS + 60,
        ).stdout
    finally:
        os.unlink(script.name)
    found = dict(re.findall(r"^(P\d+|REQUESTS|ERRORS|NON2XX) (\d+)$", text, flags=re.M))
    # wrk counts every status above 399 in NON2XX; a 304 is an answer, not an error
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        **{f"p{p}_ms": round(int(found[f"P{p}"]) / 1000, 1) for p in (50, 95, 99)},
        "requests": int(found["REQUESTS"]),
        "errors": int(found["ERRORS"]) + int(found["NON2XX"]),
    }


def markdown(result: dict) -> str:
    lines = [
        f"## API benchmark {result['date']} (commit {result['commit']})",
        "",
        f"Machine: {result['machine']}. gunicorn workers: {WORKERS}. wrk: 2 threads, "
        f"{CONNECTIONS} connections, {SECONDS} s per route, loopback. Load average when it started: "
        f"{result['load_average']} (the machine is shared; compare with the reference route).",
        "",
        "| route | requests/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in result["routes"].items():
        lines.append(
            f"| `{name}` | {r['rps']:.0f} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['errors']} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    cache = tempfile.mkdtemp(prefix="ccca-bench-api-")
    server = Server("app:server", PORT, {"CACHE_DIR": cache, "API_RATE_LIMIT": "10000000 per minute"})
    try:
        named = targets(server.url)
        routes = {}
        for name, path in named.items():
            path, _, mark = path.partition("#")
            first = requests.get(server.url + path, timeout=60)
            assert first.status_code == 200, path
            headers = {"If-None-Match": first.headers["ETag"]} if mark == "etag" else None
            routes[name] = run_wrk(server.url + path, headers)
    finally:
        server.stop()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "commit": commit,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average": load,
        "workers": WORKERS,
        "connections": CONNECTIONS,
        "seconds": SECONDS,
        "routes": routes,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"api-{result['date']}-{commit}.json").write_text(
        json.dumps(result, indent=2), encoding="utf-8"
    )
    print(markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
