"""The soak's clients: plain HTTP over loopback as a browser or a script behind the TLS proxy
would send it, and the bounded mixed load with its tally of what every request answered."""

from __future__ import annotations

import http.client
import itertools
import json
import random
import re
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field

HOST = "harmony.example.com"
# The demo users' password (initiatives/demo.py): the soak signs in as they would.
DEMO_PASSWORD = "harmony-demo-2026"
SPONSORS = ("sofia", "marco", "priya")
IT_LEAD = "lena"
EXECUTIVE = "helen"


# --- HTTP ---------------------------------------------------------------------------------------


class WebDown(Exception):
    """Connection refused: the web process is restarting; a load balancer tries the other."""


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict
    ms: float
    web: int

    def json(self):
        return json.loads(self.body or b"null")


def request(port: int, method: str, path: str, *, body=None, headers=None, timeout=30) -> Answer:
    sent = {"Host": HOST, "X-Forwarded-Proto": "https", **(headers or {})}
    payload = None
    if body is not None:
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        sent.setdefault("Content-Type", "application/json")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.perf_counter()
    try:
        connection.request(method, path, body=payload, headers=sent)
        response = connection.getresponse()
        data = response.read()
    except ConnectionRefusedError as error:
        raise WebDown(port) from error
    finally:
        connection.close()
    return Answer(
        response.status,
        data,
        {k.lower(): v for k, v in response.getheaders()}
        | {"set-cookie": response.headers.get_all("Set-Cookie") or []},
        (time.perf_counter() - started) * 1000,
        port,
    )


def sign_in(port: int, username: str) -> str:
    """A browser sign-in through the login form; returns the session cookie."""
    page = request(port, "GET", "/login/")
    csrf_cookie = next(c for c in page.headers["set-cookie"] if c.startswith("csrftoken="))
    csrf_cookie = csrf_cookie.split(";")[0]
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1).decode()
    form = urllib.parse.urlencode(
        {"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    answer = request(
        port,
        "POST",
        "/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": csrf_cookie,
            "Referer": f"https://{HOST}/login/",
            "Origin": f"https://{HOST}",
        },
    )
    if answer.status != 302:
        raise RuntimeError(f"sign-in of {username} answered {answer.status}")
    return next(c for c in answer.headers["set-cookie"] if c.startswith("sessionid=")).split(";")[0]


# --- the load -----------------------------------------------------------------------------------


@dataclass
class Tally:
    """Everything the clients saw, shared by the client threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter = field(default_factory=Counter)
    by_web: Counter = field(default_factory=Counter)
    by_op: Counter = field(default_factory=Counter)
    latencies: list = field(default_factory=list)
    server_errors: list = field(default_factory=list)
    transport_errors: list = field(default_factory=list)
    refused: int = 0
    writes: Counter = field(default_factory=Counter)  # "action type id" → successes
    write_attempts: int = 0

    def record(self, op: str, answer: Answer) -> None:
        with self.lock:
            self.statuses[answer.status] += 1
            self.by_web[answer.web] += 1
            self.by_op[op] += 1
            self.latencies.append(answer.ms)
            if answer.status >= 500:
                self.server_errors.append(
                    (op, answer.status, answer.body[:300].decode(errors="replace"))
                )

    def wrote(self, action: str, object_type: str, object_id) -> None:
        with self.lock:
            self.writes[f"{action} {object_type} {object_id}"] += 1


class Load:
    """Client threads that each loop until the deadline with a short pause between requests
    (bounded: at most `max_requests` in all), spreading requests over the web processes."""

    def __init__(self, ports, tokens, cookie, targets, tally, *, deadline, max_requests, seed):
        self.ports, self.tokens, self.cookie = ports, tokens, cookie
        self.targets, self.tally = targets, tally
        self.deadline, self.budget = deadline, max_requests
        self.random = random.Random(seed)
        self.sent = 0
        self.sent_lock = threading.Lock()
        self.edits = itertools.count(1)
        self.draining: set[int] = set()

    def call(self, op: str, method: str, path: str, *, user=None, body=None, headers=None, rng):
        headers = dict(headers or {})
        if user is not None:
            headers["Authorization"] = f"Token {self.tokens[user]}"
        else:
            headers["Cookie"] = self.cookie
        # Like the load balancer: never to a web process taken out for a restart, and a
        # refused connection (nothing was sent) goes to the other one.
        ports = [p for p in self.ports if p not in self.draining] or list(self.ports)
        rng.shuffle(ports)
        for port in ports:
            try:
                answer = request(port, method, path, body=body, headers=headers)
            except WebDown:
                with self.tally.lock:
                    self.tally.refused += 1
                continue
            except (OSError, http.client.HTTPException) as error:
                with self.tally.lock:
                    self.tally.transport_errors.append((op, method, path, repr(error)))
                return None
            self.tally.record(op, answer)
            return answer
        with self.tally.lock:
            self.tally.transport_errors.append((op, method, path, "every web process refused"))
        return None

    def run_client(self, index: int) -> None:
        rng = random.Random(self.random.random() + index)
        sponsor = SPONSORS[index % len(SPONSORS)]
        mine: dict[int, int] = {}  # this client's drafts: id → version
        while time.monotonic() < self.deadline:
            with self.sent_lock:
                if self.sent >= self.budget:
                    return
                self.sent += 1
            roll = rng.random()
            if roll < 0.10 or not mine:
                self.create_initiative(sponsor, mine, rng)
            elif roll < 0.22:
                self.edit_initiative(sponsor, mine, rng)
            elif roll < 0.28:
                self.raise_design_input(rng)
            elif roll < 0.32:
                self.record_decision(rng)
            else:
                self.read(sponsor, rng)
            time.sleep(rng.uniform(0.02, 0.12))

    def create_initiative(self, sponsor, mine, rng) -> None:
        body = {
            "title": f"Soak {sponsor} {rng.randrange(10**6)}: vision check on line 4",
            "business_problem": "Manual inspection misses hairline cracks at night shifts.",
        }
        with self.tally.lock:
            self.tally.write_attempts += 1
        answer = self.call(
            "create initiative", "POST", "/api/initiatives/", user=sponsor, body=body, rng=rng
        )
        if answer is not None and answer.status == 201:
            created = answer.json()
            mine[created["id"]] = created["version"]
            self.tally.wrote("initiative.created", "initiatives.Initiative", created["id"])

    def edit_initiative(self, sponsor, mine, rng) -> None:
        pk = rng.choice(list(mine))
        stale = rng.random() < 0.15  # someone saved in between: must answer 412, change nothing
        version = mine[pk] - 1 if stale else mine[pk]
        with self.tally.lock:
            self.tally.write_attempts += 1
        answer = self.call(
            "edit initiative",
            "PATCH",
            f"/api/initiatives/{pk}/",
            user=sponsor,
            # Always a new value: an edit that changes nothing records (rightly) no event.
            body={
                "expected_value": f"Scrap down {rng.randrange(1, 30)} % (edit {next(self.edits)})"
            },
            headers={"If-Match": f'"{version}"'},
            rng=rng,
        )
        if answer is not None and answer.status == 200:
            mine[pk] = answer.json()["version"]
            self.tally.wrote("initiative.updated", "initiatives.Initiative", pk)

    def raise_design_input(self, rng) -> None:
        body = {
            "initiative": rng.choice(self.targets),
            "area": rng.choice(["security", "architecture", "performance"]),
            "title": f"Soak finding {rng.randrange(10**6)}",
            "severity": rng.choice(["low", "medium"]),
        }
        with self.tally.lock:
            self.tally.write_attempts += 1
        answer = self.call(
            "raise design input", "POST", "/api/design-inputs/", user=IT_LEAD, body=body, rng=rng
        )
        if answer is not None and answer.status == 201:
            self.tally.wrote("design_input.raised", "reviews.DesignInput", answer.json()["id"])

    def record_decision(self, rng) -> None:
        body = {
            "initiative": rng.choice(self.targets),
            "kind": "architecture",
            "summary": f"Edge inference on the line PC ({rng.randrange(10**6)})",
            "rationale": "Latency below 50 ms without the plant network.",
        }
        with self.tally.lock:
            self.tally.write_attempts += 1
        answer = self.call(
            "record decision", "POST", "/api/decisions/", user=IT_LEAD, body=body, rng=rng
        )
        if answer is not None and answer.status == 201:
            self.tally.wrote("decision.architecture", "governance.Decision", answer.json()["id"])

    def read(self, sponsor, rng) -> None:
        op, user, path = rng.choice(
            [
                ("list initiatives", sponsor, "/api/initiatives/?page_size=25"),
                ("list design inputs", IT_LEAD, "/api/design-inputs/?page_size=25"),
                ("list sessions", IT_LEAD, "/api/working-sessions/?page_size=25"),
                ("risk status", EXECUTIVE, "/api/risk-status/?page_size=25"),
                ("notifications", IT_LEAD, "/api/notifications/"),
                ("review queue", IT_LEAD, "/api/review-queue/"),
                ("dashboard page", None, "/governance/dashboard/"),
                ("portfolio page", None, "/initiatives/"),
            ]
        )
        self.call(op, "GET", path, user=user, rng=rng)


def web_ready(port: int) -> bool:
    try:
        return request(port, "GET", "/readyz", timeout=5).status == 200
    except (WebDown, OSError):
        return False


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]
