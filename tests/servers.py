"""Running the real service as its own process (``milma serve``), for tests that need
HTTP between processes: the browser tests and the workers on PostgreSQL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_service(
    env: dict[str, str], log_file: Path, *args: str, wait_seconds: float = 180
) -> tuple[subprocess.Popen, str]:
    """``milma serve`` with ``env`` (``MILMA_*`` on top of this process's) on a free
    port; returns the process and its base URL once ``/ready`` answers 200."""
    port = free_port()
    log = log_file.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "serve", *args],
        env={**os.environ, **env, "MILMA_PORT": str(port)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()  # the child holds its own handle
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + wait_seconds
    while time.time() < deadline:
        try:
            if httpx.get(f"{base}/ready", timeout=2).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"the service exited; see {log_file}")
        time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"the service did not become ready; see {log_file}")


def stop_service(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
