"""One HTTP POST to an outside system, its outcome kept short for the delivery logs, and the
back-off between tries. Shared by channels and the build hand-off (which sits above)."""

from __future__ import annotations

from dataclasses import dataclass

import requests
from django.conf import settings


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status_code: int | None
    excerpt: str  # the start of the response body, for the log
    error: str  # why it failed, without secrets (no address, no credentials)
    body: str = ""  # the whole response body (for callers that read an answer)


def post(url: str, *, data: bytes, headers: dict, auth: tuple[str, str] | None = None) -> Outcome:
    """POST and report; a 2xx is success, anything else (or no answer) a failure."""
    try:
        response = requests.post(
            url,
            data=data,
            headers=headers,
            auth=auth,
            timeout=settings.INTEGRATION_TIMEOUT_SECONDS,
            allow_redirects=False,
        )
    except requests.Timeout:
        return Outcome(False, None, "", "No answer within the time limit.")
    except requests.RequestException as exc:
        # The exception text names the address (which holds the secret): keep the kind only.
        return Outcome(False, None, "", f"Could not connect ({type(exc).__name__}).")
    text = response.text or ""
    ok = 200 <= response.status_code < 300
    return Outcome(
        ok,
        response.status_code,
        text[:500],
        "" if ok else f"HTTP {response.status_code}",
        text,
    )


def retry_delay(attempts: int) -> float:
    """Seconds before the next try after `attempts` failed ones: base·2^(n-1), capped."""
    base = settings.INTEGRATION_RETRY_BASE_SECONDS
    return min(settings.INTEGRATION_RETRY_MAX_SECONDS, base * 2 ** max(0, attempts - 1))
