"""The load test's users (locust), run by `manage.py load_test` (`make load`).

Each simulated person signs in as one of the demo users of its role (a session or token the
command made, in `LOAD_PLAN`) and mixes reads with writes: sponsors register and edit drafts
over the API and in the intake form, reviewers score assessments and raise design inputs,
IT leads raise findings, executives read the dashboard. Every update sends the version it
read. What the answers were is counted and written to `LOAD_REPORT` when the run stops:

- `writes_ok`: writes that answered success; each must leave exactly one audit event;
- `writes_refused`: 409/412, someone saved the same object in between (expected, no event);
- `server_errors`: any 5xx (the run fails on one); `unexpected`: any other 4xx.

`manage.py load_test --writes` runs the writers instead (`SponsorWriter`, `ReviewerWriter`):
writes only, back to back with no think time, to measure how many writes per second the
portal sustains: register, edit, submit and reopen, score, raise a design input and move it.
"""

import json
import os
import random
import re
import uuid
from collections import Counter
from html import unescape
from pathlib import Path

from locust import HttpUser, between, constant, events, task

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
COUNTS: Counter = Counter()
WRITE_OK = (200, 201, 302)
WRITE_REFUSED = (409, 412)


@events.test_stop.add_listener
def _write_report(**kwargs):
    Path(os.environ["LOAD_REPORT"]).write_text(json.dumps(COUNTS))


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(0.2, 1.0)
    role = ""

    def on_start(self):
        self.me = random.choice(PLAN[self.role])
        # Cookies go with each request explicitly: with DEBUG off the portal marks them Secure,
        # and the load test talks plain HTTP on loopback.
        self.cookies = {"sessionid": self.me["session"]}
        self.token = {"Authorization": f"Token {self.me['token']}"}

    def page(self, url: str, name: str):
        with self.client.get(url, name=name, cookies=self.cookies, catch_response=True) as r:
            self._count(r, write=False)
            return r

    def api(self, method: str, url: str, name: str, body=None, version=None):
        headers = dict(self.token)
        if version is not None:
            headers["If-Match"] = version
        write = method != "GET"
        with self.client.request(
            method, url, name=name, json=body, headers=headers, catch_response=True
        ) as r:
            self._count(r, write=write)
            return r

    def form(self, url: str, name: str, change: dict):
        """Read a form page and post it back as a browser would, with one answer changed."""
        page = self.page(url, f"{name} (read)")
        if page.status_code != 200:
            return
        html = page.text
        data = dict(re.findall(r'<input type="(?:hidden|text)" name="(\w+)" value="([^"]*)"', html))
        for field, text in re.findall(r'<textarea name="(\w+)"[^>]*>(.*?)</textarea>', html, re.S):
            data[field] = unescape(text.removeprefix("\n"))
        data.update(change)
        csrf = page.cookies.get("csrftoken") or self.cookies.get("csrftoken")
        self.cookies["csrftoken"] = csrf
        with self.client.post(
            url,
            data=data,
            name=name,
            cookies=self.cookies,
            headers={"Referer": url},
            allow_redirects=False,
            catch_response=True,
        ) as r:
            if r.status_code == 200 and "by someone else" in r.text:
                COUNTS["writes_refused"] += 1
                r.success()
            else:
                self._count(r, write=True)

    def edit(self, url: str, what: str, change: dict):
        """Read an object over the API, then PATCH it with the ETag read (If-Match)."""
        read = self.api("GET", url, f"api: read {what}")
        version = read.headers.get("ETag") if read.status_code == 200 else None
        if version:
            self.api("PATCH", url, f"api: edit {what}", change, version)

    def score_an_assessment(self):
        """Change the rationale of one of this reviewer's assessments, with its version."""
        self.edit(
            f"/api/assessments/{random.choice(self.me['assessments'])}/",
            "assessment",
            {"rationale": f"Checked again ({random.randint(1, 10**6)})"},
        )

    def edit_a_draft(self):
        """Change an answer of one of this sponsor's drafts over the API, with its version."""
        self.edit(
            f"/api/initiatives/{random.choice(self.me['drafts'])}/",
            "draft",
            {"expected_value": f"Saves {random.randint(1, 10**6)} hours"},
        )

    def finding(self, area: str):
        """Raise a design input on one of the initiatives this person reviews."""
        self.api(
            "POST",
            "/api/design-inputs/",
            "api: raise design input",
            {
                "initiative": random.choice(self.me["initiatives"]),
                "area": area,
                "title": f"Finding {uuid.uuid4().hex[:8]}",
                "severity": random.choice(["low", "medium"]),
            },
        )

    def _count(self, response, *, write: bool):
        status = response.status_code
        COUNTS["requests"] += 1
        if status >= 500:
            COUNTS["server_errors"] += 1
            response.failure(f"server error {status}")
        elif write and status in WRITE_OK:
            COUNTS["writes_ok"] += 1
            response.success()
        elif write and status in WRITE_REFUSED:
            COUNTS["writes_refused"] += 1
            response.success()
        elif status >= 400 or (write and status not in WRITE_OK):
            COUNTS["unexpected"] += 1
            response.failure(f"unexpected {status}: {response.text[:200]}")
        else:
            response.success()


class Sponsor(PortalUser):
    weight = 4
    role = "sponsors"

    @task(3)
    def my_initiatives(self):
        self.page("/initiatives/mine/", "page: my initiatives")

    @task(3)
    def portfolio(self):
        self.api("GET", "/api/initiatives/?ordering=-updated_at", "api: initiatives")

    @task(2)
    def register(self):
        created = self.api(
            "POST",
            "/api/initiatives/",
            "api: register initiative",
            {"title": f"Load test idea {uuid.uuid4().hex[:8]}", "phase": "idea"},
        )
        if created.status_code == 201:
            self.me["drafts"].append(created.json()["id"])

    @task(3)
    def edit_draft_over_the_api(self):
        self.edit_a_draft()

    @task(2)
    def edit_draft_in_the_browser(self):
        pk = random.choice(self.me["drafts"])
        self.form(
            f"/initiatives/{pk}/edit/5/",
            "form: intake step 5",
            {"monitored_by": f"Plant IT shift {random.randint(1, 10**6)}"},
        )


class Reviewer(PortalUser):
    weight = 3
    role = "reviewers"

    @task(3)
    def queue(self):
        self.page("/reviews/", "page: review queue")

    @task(2)
    def queue_api(self):
        self.api("GET", "/api/review-queue/", "api: review queue")

    @task(3)
    def score(self):
        self.score_an_assessment()

    @task(1)
    def raise_design_input(self):
        self.finding(random.choice(["security", "architecture", "performance"]))


class ITLead(PortalUser):
    weight = 1
    role = "leads"

    @task(3)
    def queue(self):
        self.page("/reviews/", "page: review queue")

    @task(2)
    def initiative_page(self):
        self.page(f"/initiatives/{random.choice(self.me['initiatives'])}/", "page: initiative")

    @task(1)
    def raise_design_input(self):
        self.finding("governance")


class Executive(PortalUser):
    weight = 1
    role = "executives"

    @task(3)
    def dashboard(self):
        self.page("/governance/dashboard/", "page: dashboard")

    @task(2)
    def figures(self):
        self.api("GET", "/api/dashboard/", "api: dashboard")

    @task(1)
    def export(self):
        self.page("/governance/dashboard/portfolio.csv", "page: portfolio CSV")


class Writer(PortalUser):
    """Writes back to back (`load_test --writes`): what limits is the portal, not think time."""

    abstract = True
    wait_time = constant(0)

    def move(self, url: str, action: str, what: str, body: dict):
        """Read an object, then POST one of its actions with the version read (If-Match)."""
        read = self.api("GET", url, f"api: read {what}")
        version = read.headers.get("ETag") if read.status_code == 200 else None
        if version:
            self.api("POST", f"{url}{action}/", f"api: {what} {action}", body, version)
            return True
        return False


class SponsorWriter(Writer):
    role = "sponsors"

    @task(2)
    def register(self):
        self.api(
            "POST",
            "/api/initiatives/",
            "api: register initiative",
            {"title": f"Write test idea {uuid.uuid4().hex[:8]}", "phase": "idea"},
        )

    @task(3)
    def edit_draft(self):
        self.edit_a_draft()

    @task(2)
    def submit_or_reopen(self):
        """A complete initiative goes back to draft and is submitted again (two transitions)."""
        if not self.me["submittable"]:
            return self.edit_draft()
        url = f"/api/initiatives/{random.choice(self.me['submittable'])}/"
        read = self.api("GET", url, "api: read submittable")
        if read.status_code != 200:
            return
        action = "reopen" if read.json()["status"] == "submitted" else "submit"
        body = {"reason": "Write test"} if action == "reopen" else {}
        self.api("POST", f"{url}{action}/", f"api: {action}", body, read.headers.get("ETag"))


class ReviewerWriter(Writer):
    role = "reviewers"

    @task(3)
    def score(self):
        self.score_an_assessment()

    @task(2)
    def raise_and_move(self):
        """Raise a design input, withdraw it and open it again (three writes)."""
        raised = self.api(
            "POST",
            "/api/design-inputs/",
            "api: raise design input",
            {
                "initiative": random.choice(self.me["initiatives"]),
                "area": random.choice(["security", "architecture", "performance"]),
                "title": f"Finding {uuid.uuid4().hex[:8]}",
                "severity": "low",
            },
        )
        if raised.status_code != 201:
            return
        url = f"/api/design-inputs/{raised.json()['id']}/"
        if self.move(url, "withdraw", "design input", {"text": "Covered elsewhere"}):
            self.move(url, "reopen", "design input", {"text": "Not covered after all"})
