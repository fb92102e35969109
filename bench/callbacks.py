"""`python -m bench.callbacks`: only the "computed" part of `make bench`'s callbacks over HTTP.

Records the callback requests every page sends as it loads and those its controls send
(`bench.run.INTERACTIONS`, fired by the real renderer in headless Chromium), then replays them
against gunicorn with `CALLBACK_CACHE=0` (every answer built afresh; the query cache warm after a
first round that is not counted) for `BENCH_ROUNDS` rounds (default 10), and prints p50/p95 per
callback. `BENCH_POSTS=<file>` keeps the recorded requests in a JSON file and reuses it when it
exists, so runs of two commits replay the same requests. Takes two to four minutes.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench import run

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "10"))
PORT = int(os.environ.get("BENCH_PORT", "8160"))


def recorded_posts(base: str) -> dict[str, list[dict]]:
    """Per page, the callback requests it sends when it loads and when its controls change."""
    paths = run.registered_paths()
    driver = run.browser()
    try:
        posts = {p: run.load_page(driver, base + p, run.SIZES["desktop"])["callback_posts"] for p in paths}
    finally:
        driver.quit()
    extra, _log = run.interaction_posts(base, paths)
    for path, bodies in extra.items():
        posts[path] = posts.get(path, []) + bodies
    return posts


def percentile(values: list[float], q: float) -> float:
    """Nearest rank, as bench/run.py reports."""
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))], 1)


def computed_times(base: str, posts: dict[str, list[dict]]) -> dict[str, list[float]]:
    """Milliseconds per callback over the counted rounds (the first round fills the query cache)."""
    times: dict[str, list[float]] = {}
    for round_ in range(ROUNDS + 1):
        for key, ms, status in run.timed_calls(base, posts):
            if status not in (200, 204):
                raise RuntimeError(f"callback {key} answered {status}")
            if round_:
                times.setdefault(key, []).append(ms)
    return times


def main() -> int:
    cache_dir = Path(tempfile.mkdtemp(prefix="bench-callbacks-"))
    env = {"CACHE_DIR": str(cache_dir), "ENABLE_TILES": "0", "CALLBACK_CACHE": "0", "DASH_AT_LOAD": "1"}
    saved = Path(os.environ["BENCH_POSTS"]) if os.environ.get("BENCH_POSTS") else None
    server = run.Server("app:server", PORT, env)
    try:
        if saved and saved.exists():
            posts = json.loads(saved.read_text(encoding="utf-8"))
        else:
            posts = recorded_posts(server.url)
            if saved:
                saved.write_text(json.dumps(posts, ensure_ascii=False), encoding="utf-8")
        started = time.perf_counter()
        times = computed_times(server.url, posts)
    finally:
        server.stop()
        shutil.rmtree(cache_dir, ignore_errors=True)
    print(f"computed (CALLBACK_CACHE=0), {ROUNDS} rounds in {time.perf_counter() - started:.0f} s, ms:")
    print("| callback | p50 | p95 |\n|---|---:|---:|")
    figures = {k: (percentile(v, 0.5), percentile(v, 0.95)) for k, v in times.items()}
    for key, (p50, p95) in sorted(figures.items(), key=lambda item: -item[1][1]):
        print(f"| {key} | {p50} | {p95} |")
    print(f"{len(figures)} callbacks; p95 <= 50 ms: {sum(p95 <= 50 for _, p95 in figures.values())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
