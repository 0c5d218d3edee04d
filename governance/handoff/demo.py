"""Demo data of the build hand-off: Augsburg hands off to Jira, Querétaro to ServiceNow
(both switched off: the demo has no real instance), with the tickets a real run would have
left on the two ready-for-build initiatives — one created, one that gave up after a 401."""

from datetime import timedelta

from django.utils import timezone

from .models import BuildTicket, HandoffTarget, TicketStatus
from .services import save_target


def load(context: dict) -> None:
    if HandoffTarget.objects.exists():
        return
    lena, initiatives = context["users"]["lena"], context["initiatives"]
    sched, paint = initiatives["sched"], initiatives["paint"]
    jira = save_target(
        site=sched.site,
        user=lena,
        fields={
            "system": "jira",
            "base_url": "https://contoso.atlassian.net",
            "project_key": "PLANTAI",
            "issue_type": "Story",
            "username": "harmony-bot@contoso.com",
            "enabled": False,
        },
        token="demo-api-token",
    )
    snow = save_target(
        site=paint.site,
        user=lena,
        fields={
            "system": "servicenow",
            "base_url": "https://contoso.service-now.com",
            "table": "sc_request",
            "username": "harmony.integration",
            "enabled": False,
        },
        token="demo-password",
    )
    now = timezone.now()
    BuildTicket.objects.get_or_create(
        initiative=sched,
        defaults={
            "target": jira,
            "system": "jira",
            "status": TicketStatus.CREATED,
            "external_key": "PLANTAI-42",
            "url": "https://contoso.atlassian.net/browse/PLANTAI-42",
            "attempts": 1,
            "status_code": 201,
            "response_excerpt": '{"id":"10420","key":"PLANTAI-42"}',
            "last_attempt_at": now - timedelta(days=2),
            "ticket_created_at": now - timedelta(days=2),
        },
    )
    BuildTicket.objects.get_or_create(
        initiative=paint,
        defaults={
            "target": snow,
            "system": "servicenow",
            "status": TicketStatus.FAILED,
            "attempts": 6,
            "status_code": 401,
            "response_excerpt": '{"error":{"message":"User Not Authenticated"},"status":"failure"}',
            "error": "HTTP 401",
            "last_attempt_at": now - timedelta(hours=3),
        },
    )
