"""The soak's processes: a fresh database, a private Redis, portal processes in their own
process groups (so `kill -9` takes a worker's children too), and reading their JSON logs."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import psycopg2
import redis
from psycopg2 import sql

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- processes --------------------------------------------------------------------------------


class Process:
    """One portal process in its own process group, so `kill -9` takes its children too."""

    def __init__(self, name: str, argv: list[str], env: dict, log_dir: Path):
        self.name, self.argv, self.env = name, argv, env
        self.log = log_dir / f"{name}.log"
        self.popen: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        with self.log.open("a") as log:
            self.popen = subprocess.Popen(
                self.argv,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.starts += 1

    @property
    def pid(self) -> int | None:
        return self.popen.pid if self.popen else None

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        """Lose the process as a node is lost: SIGKILL to the whole group, no clean-up."""
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(10)

    def stop(self, timeout: float = 20) -> None:
        if not self.alive():
            return
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(10)

    def json_lines(self) -> list[dict]:
        lines = []
        for raw in self.log.read_text(errors="replace").splitlines():
            if raw.startswith("{"):
                try:
                    lines.append(json.loads(raw))
                except ValueError:
                    continue
        return lines


def manage(env: dict, *args: str, timeout: float = 300) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def recreate_database(url: str) -> str:
    """Drop and create `<name>_soak` on the server of `url`; returns its URL."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit("The soak needs PostgreSQL: set DATABASE_URL=postgres://…")
    name = parts.path.lstrip("/") + "_soak"
    admin = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=urllib.parse.unquote(parts.username or ""),
        password=urllib.parse.unquote(parts.password or "") or None,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def drop_database(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    admin = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=urllib.parse.unquote(parts.username or ""),
        password=urllib.parse.unquote(parts.password or "") or None,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        name = parts.path.lstrip("/")
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
    admin.close()


def start_redis(work: Path) -> tuple[subprocess.Popen, str]:
    """A private redis-server: the soak flushes nothing anyone else uses."""
    server = shutil.which("redis-server")
    if server is None:
        raise SystemExit("The soak starts its own redis-server; install Debian's redis-server.")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=(work / "redis.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            return process, url
        except redis.ConnectionError:
            time.sleep(0.05)
    raise SystemExit("redis-server did not start")


def wait_until(predicate, timeout: float, what: str, interval: float = 0.2):
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")


def worker_ready(process: Process) -> bool:
    return any(" ready." in line.get("message", "") for line in process.json_lines())


def scheduler_sends(processes: list[Process]) -> list[tuple[str, str, str]]:
    """(time, scheduler identity, periodic task) of every send, from the schedulers' logs."""
    sends = []
    for process in processes:
        for line in process.json_lines():
            if line.get("periodic_task") and line.get("scheduler"):
                sends.append((line["timestamp"], line["scheduler"], line["periodic_task"]))
    return sorted(sends)
