"""The build hand-off: configure a site's ticket system; when an initiative becomes ready for
build, create its delivery ticket there (through the outbox, retried with back-off).

`on_status_changed` follows the initiatives' `status_changed` signal inside the transition's
transaction: with an enabled target for the initiative's site and no ticket yet, it writes a
`BuildTicket` and records the task in the outbox. `attempt_ticket` posts while the ticket row
is locked, so a duplicated task waits and then finds the ticket created.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from audit.services import record_event
from core.errors import FieldRuleError, RuleError
from core.sealed import SealBroken, open_secret, seal
from governance.channels import posting
from initiatives.models import Initiative, Site, Status
from outbox import enqueue

from . import content
from .models import BuildTicket, HandoffTarget, TicketStatus, TicketSystem
from .permissions import can_configure_handoff

TICKET_TASK = "governance.handoff.tasks.create_build_ticket"


@transaction.atomic
def save_target(
    *,
    site: Site,
    user,
    fields: dict[str, Any],
    token: str = "",
    source: str | None = None,
) -> HandoffTarget:
    """Create or change a site's ticket system. An empty `token` keeps the stored one."""
    if not can_configure_handoff(user):
        raise PermissionDenied(gettext("Only IT leads configure the build hand-off."))
    system = fields.get("system")
    if system not in TicketSystem.values:
        raise FieldRuleError("system", gettext("Choose Jira or ServiceNow."))
    if not str(fields.get("base_url", "")).startswith(("https://", "http://")):
        raise FieldRuleError("base_url", gettext("Enter the address of the instance (https://…)."))
    if system == TicketSystem.JIRA and not fields.get("project_key"):
        raise FieldRuleError("project_key", gettext("Jira needs the project key, e.g. PLANTAI."))
    if system == TicketSystem.SERVICENOW and not fields.get("table"):
        raise FieldRuleError("table", gettext("ServiceNow needs the table, e.g. sc_request."))
    if not fields.get("username"):
        raise FieldRuleError("username", gettext("Enter the account (Jira: its e-mail address)."))
    target = HandoffTarget.objects.select_for_update(no_key=True).filter(site=site).first()
    if target is None and not token:
        raise FieldRuleError(
            "token", gettext("Enter the API token (Jira) or password (ServiceNow).")
        )
    created = target is None
    target = target or HandoffTarget(site=site)
    before = {} if created else _facts(target)
    for name in ("system", "base_url", "project_key", "issue_type", "table", "username"):
        setattr(target, name, str(fields.get(name) or "").strip())
    target.enabled = bool(fields.get("enabled"))
    if token:
        target.sealed_token = seal(token)
    target.updated_by = user
    target.save()
    after = _facts(target)
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    if token and not created:
        changes["token"] = "replaced"
    record_event(
        actor=user,
        action="handoff_target.created" if created else "handoff_target.changed",
        obj=target,
        changes=changes,
        source=source,
    )
    return target


def _facts(target: HandoffTarget) -> dict:
    return {
        n: getattr(target, n)
        for n in ("system", "base_url", "project_key", "issue_type", "table", "username", "enabled")
    }


def on_status_changed(sender, initiative, from_status, to_status, user, **kwargs) -> None:
    """Ready for build → a ticket, when the site has an enabled ticket system."""
    if to_status != Status.READY_FOR_BUILD or not initiative.site_id:
        return
    target = HandoffTarget.objects.filter(site_id=initiative.site_id, enabled=True).first()
    if target is None:
        return
    ticket, created = BuildTicket.objects.get_or_create(
        initiative=initiative, defaults={"target": target, "system": target.system}
    )
    if created:
        enqueue(TICKET_TASK, {"ticket_id": ticket.pk}, key=f"build-ticket:{ticket.pk}")


@transaction.atomic
def retry_ticket(*, ticket: BuildTicket, user, source: str | None = None) -> BuildTicket:
    """Try a ticket that gave up once more (IT lead), e.g. after fixing the configuration."""
    if not can_configure_handoff(user):
        raise PermissionDenied(gettext("Only IT leads retry the build hand-off."))
    locked = BuildTicket.objects.select_for_update(of=("self",), no_key=True).get(pk=ticket.pk)
    if locked.status != TicketStatus.FAILED:
        raise RuleError(gettext("Only a ticket that failed can be tried again."))
    target = HandoffTarget.objects.filter(site_id=locked.initiative.site_id).first()
    locked.target = target or locked.target
    locked.status = TicketStatus.PENDING
    locked.attempts = 0
    locked.save()
    enqueue(TICKET_TASK, {"ticket_id": locked.pk}, key=f"build-ticket:{locked.pk}:retry")
    record_event(
        actor=user,
        action="build_ticket.retried",
        obj=locked,
        initiative=locked.initiative_id,
        changes={"status": [TicketStatus.FAILED, TicketStatus.PENDING]},
        source=source,
    )
    return locked


def _request(ticket: BuildTicket) -> tuple[str, bytes, dict, tuple[str, str]]:
    target = ticket.target
    initiative = ticket.initiative
    summary, description = content.ticket_text(initiative)
    if target.system == TicketSystem.JIRA:
        url, body = content.jira_request(target, summary, description)
    else:
        url, body = content.servicenow_request(target, summary, description, initiative.reference)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    return (
        url,
        json.dumps(body).encode(),
        headers,
        (target.username, open_secret(target.sealed_token)),
    )


def attempt_ticket(ticket_id: int) -> str:
    """Create the ticket if still due; returns the ticket's status afterwards."""
    with transaction.atomic():
        ticket = (
            BuildTicket.objects.select_for_update(of=("self",), no_key=True)
            .select_related("target", "initiative__site", "initiative__sponsor")
            .filter(pk=ticket_id)
            .first()
        )
        if ticket is None:
            return "gone"
        if ticket.status not in (TicketStatus.PENDING, TicketStatus.RETRYING):
            return ticket.status
        now = timezone.now()
        if ticket.target is None or not ticket.target.enabled:
            outcome = posting.Outcome(False, None, "", "The site's ticket system is switched off.")
        else:
            try:
                url, body, headers, auth = _request(ticket)
            except SealBroken as exc:
                outcome = posting.Outcome(False, None, "", str(exc))
            else:
                outcome = posting.post(url, data=body, headers=headers, auth=auth)
        ticket.attempts += 1
        ticket.last_attempt_at = now
        ticket.status_code = outcome.status_code
        ticket.response_excerpt = outcome.excerpt
        ticket.error = outcome.error
        answer = None
        if outcome.ok:
            try:
                answer = content.ticket_link(ticket.target, json.loads(outcome.body))
            except (ValueError, KeyError, TypeError):
                ticket.error = "The answer did not name the created ticket."
        if answer is not None:
            ticket.external_key, ticket.url = answer
            ticket.status = TicketStatus.CREATED
            ticket.ticket_created_at = now
            ticket.next_attempt_at = None
            record_event(
                actor=None,
                action="build_ticket.created",
                obj=ticket,
                initiative=ticket.initiative_id,
                changes={"system": ticket.system, "key": ticket.external_key, "url": ticket.url},
                source="task",
            )
        elif ticket.attempts >= settings.INTEGRATION_MAX_ATTEMPTS:
            ticket.status = TicketStatus.FAILED
            ticket.next_attempt_at = None
            record_event(
                actor=None,
                action="build_ticket.failed",
                obj=ticket,
                initiative=ticket.initiative_id,
                changes={"attempts": ticket.attempts, "error": ticket.error},
                source="task",
            )
        else:
            delay = posting.retry_delay(ticket.attempts)
            ticket.status = TicketStatus.RETRYING
            ticket.next_attempt_at = timezone.now() + timedelta(seconds=delay)
            enqueue(
                TICKET_TASK,
                {"ticket_id": ticket.pk},
                key=f"build-ticket:{ticket.pk}:{ticket.attempts}",
                delay=delay,
            )
        ticket.save()
        return ticket.status


def ticket_for(initiative: Initiative) -> BuildTicket | None:
    """The initiative's build ticket, if one was asked for."""
    return BuildTicket.objects.filter(initiative=initiative).first()


@transaction.atomic
def delete_target(*, target: HandoffTarget, user, source: str | None = None) -> None:
    """Disconnect a site from its ticket system (its tickets keep their links)."""
    if not can_configure_handoff(user):
        raise PermissionDenied(gettext("Only IT leads configure the build hand-off."))
    record_event(
        actor=user,
        action="handoff_target.deleted",
        obj=target,
        changes={"site": str(target.site), "system": target.system},
        source=source,
    )
    target.delete()
