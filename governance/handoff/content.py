"""What a delivery ticket says: the initiative, its design inputs and its decisions, and the
request each ticket system expects for it."""

from __future__ import annotations

from django.conf import settings

from governance.decisions.models import Decision
from initiatives.models import Initiative
from reviews.models import DesignInput


def ticket_text(initiative: Initiative) -> tuple[str, str]:
    """(summary, description) in plain text, which both systems accept."""
    url = f"{settings.PORTAL_BASE_URL}{initiative.get_absolute_url()}"
    inputs = (
        DesignInput.objects.filter(initiative=initiative)
        .select_related("owner")
        .order_by("area", "-severity", "pk")
    )
    decisions = Decision.objects.filter(initiative=initiative).order_by("decided_at", "pk")
    sponsor = initiative.sponsor.get_full_name() or initiative.sponsor.username
    lines = [
        f"{initiative.reference} “{initiative.title}” is ready for build (Harmony Portal).",
        f"Site: {initiative.site or '—'}. Sponsor: {sponsor}.",
        f"Portal page: {url}",
        "",
        "Business problem:",
        initiative.business_problem or "—",
        "",
        f"Design inputs ({len(inputs)}):",
    ]
    for item in inputs:
        lines.append(
            f"- [{item.get_area_display()}, {item.get_severity_display()}, "
            f"{item.get_status_display()}] {item.title}"
        )
        if item.proposed_solution:
            lines.append(f"  Proposed: {item.proposed_solution}")
        if item.resolution:
            lines.append(f"  Resolution: {item.resolution}")
    if not inputs:
        lines.append("- none")
    lines += ["", f"Decisions ({len(decisions)}):"]
    for decision in decisions:
        lines.append(
            f"- {decision.decided_at:%Y-%m-%d} {decision.get_kind_display()}: {decision.summary}"
        )
        if decision.rationale:
            lines.append(f"  Rationale: {decision.rationale}")
        if decision.conditions:
            lines.append(f"  Conditions: {decision.conditions}")
    if not decisions:
        lines.append("- none")
    summary = f"Build: {initiative.reference} {initiative.title}"[:250]
    return summary, "\n".join(lines)


def jira_request(target, summary: str, description: str) -> tuple[str, dict]:
    """POST /rest/api/2/issue (Jira Cloud and Data Center): the fields project, summary,
    description (plain text in API v2) and issuetype."""
    return f"{target.base_url.rstrip('/')}/rest/api/2/issue", {
        "fields": {
            "project": {"key": target.project_key},
            "summary": summary,
            "description": description,
            "issuetype": {"name": target.issue_type or "Task"},
        }
    }


def servicenow_request(target, summary: str, description: str, reference: str) -> tuple[str, dict]:
    """POST /api/now/table/<table>: a record with short_description and description."""
    return f"{target.base_url.rstrip('/')}/api/now/table/{target.table}", {
        "short_description": summary[:160],
        "description": description,
        "correlation_id": reference,
        "correlation_display": "Harmony Portal",
    }


def ticket_link(target, answer: dict) -> tuple[str, str]:
    """(key, browser URL) of the created ticket from the system's answer."""
    base = target.base_url.rstrip("/")
    if target.system == "jira":
        key = answer["key"]
        return key, f"{base}/browse/{key}"
    record = answer["result"]
    return record.get("number") or record["sys_id"], (
        f"{base}/nav_to.do?uri={target.table}.do?sys_id={record['sys_id']}"
    )
