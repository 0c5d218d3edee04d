"""Real servers on loopback for the outbound integrations' tests: an HTTP receiver that
records every request and answers from a script, and a way to run the outbox's due messages
in-process (what the relay and a worker do, without a broker)."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import import_module


@dataclass
class Received:
    method: str
    path: str
    headers: dict
    body: bytes
    at: float

    def json(self):
        return json.loads(self.body)


@dataclass
class Receiver:
    """A real HTTP server (http.server in a thread). `answers` is a list of (status, body)
    consumed in order; once it is empty, `default` answers."""

    answers: list = field(default_factory=list)
    default: tuple = (200, "ok")
    requests: list = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://127.0.0.1:{port}"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                receiver.requests.append(
                    Received("POST", self.path, dict(self.headers.items()), body, time.monotonic())
                )
                status, text = receiver.answers.pop(0) if receiver.answers else receiver.default
                data = text.encode() if isinstance(text, str) else json.dumps(text).encode()
                is_json = data[:1] in (b"{", b"[")
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if is_json else "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):  # keep the test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def run_outbox(task_prefix: str, *, timeout: float = 10.0) -> int:
    """Run the outbox's messages for tasks starting with `task_prefix` in this process, each
    once it is due (its `available_at`), until none is left. Returns how many ran."""
    from django.utils import timezone

    from outbox.models import Message

    ran = 0
    deadline = time.monotonic() + timeout
    while True:
        waiting = Message.objects.filter(task__startswith=task_prefix).order_by("available_at")
        message = waiting.first()
        if message is None:
            return ran
        if time.monotonic() > deadline:
            raise AssertionError(f"outbox still holds {message} after {timeout} s")
        pause = (message.available_at - timezone.now()).total_seconds()
        if pause > 0:
            time.sleep(pause)
        message.delete()
        module, name = message.task.rsplit(".", 1)
        getattr(import_module(module), name)(**message.kwargs)
        ran += 1


def run_hand_offs() -> int:
    """Run the hand-off notifications waiting in the outbox (`notify_event`), which publish to
    the `governance.notifications.events` subscribers (chat and webhook channels)."""
    return run_outbox("governance.notifications.tasks.notify_event")
