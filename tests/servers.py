"""Real servers on loopback for the fault tests: a private Redis, a throwaway PostgreSQL cluster
(never the shared one other tests use) and free ports. Tests skip when a server is not installed
(`scripts/install_system_deps.sh` and `scripts/start_services.sh` install them)."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest


def free_ports(count: int) -> list[int]:
    """`count` different free ports (each chosen by `free_port`, which may repeat a port that is
    still free because nothing has bound it yet)."""
    chosen: list[int] = []
    while len(chosen) < count:
        port = free_port()
        if port not in chosen:
            chosen.append(port)
    return chosen


def free_port() -> int:
    """A free loopback port below the kernel's ephemeral range, so that no client connection (our
    own health checks, curl, requests) can take it between this choice and the server's bind."""
    low, _high = (
        map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
        if Path("/proc/sys/net/ipv4/ip_local_port_range").exists()
        else (32768, 60999)
    )
    for _ in range(200):
        port = random.randrange(max(1024, low - 12000), low)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port below the ephemeral range")


def wait_for(check, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
            if result:
                return result
        except Exception:  # noqa: BLE001 - not up yet
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not ready after {timeout} s")
        time.sleep(interval)


class RedisServer:
    """redis-server on a free loopback port, no persistence; stop() and start() keep the port."""

    def __init__(self, folder: Path):
        if shutil.which("redis-server") is None:
            pytest.skip("redis-server is not installed (scripts/install_system_deps.sh)")
        self.folder, self.port, self.proc = folder, free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}"

    def start(self) -> RedisServer:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
                "--logfile",
                str(self.folder / f"redis-{self.port}.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        wait_for(lambda: redis.Redis(port=self.port, socket_connect_timeout=0.2).ping(), 10, "redis")
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None


class PostgresCluster:
    """A throwaway PostgreSQL cluster (initdb into a temporary folder, another port, trust auth)."""

    def __init__(self):
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not bins or os.geteuid() != 0 or shutil.which("runuser") is None:
            pytest.skip("needs Debian's postgresql package and root (scripts/start_services.sh installs it)")
        self.bin = bins[-1].parent
        self.dir = Path(tempfile.mkdtemp(prefix="ccca-pg-"))
        shutil.chown(self.dir, "postgres", "postgres")
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self._as_postgres(
            str(self.bin / "initdb"),
            "-D",
            str(self.dir / "data"),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
        )

    def _as_postgres(self, *args: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def start(self) -> PostgresCluster:
        options = (
            f"-p {self.port} -k {self.dir} -c fsync=off -c full_page_writes=off "
            f"-c listen_addresses=127.0.0.1 -c max_connections=60"
        )
        self._as_postgres(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.dir / "data"),
            "-l",
            str(self.dir / "log"),
            "-w",
            "-o",
            options,
            "start",
        )
        return self

    def stop(self, mode: str = "fast") -> None:
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-w", "-m", mode, "stop")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)
