"""What each target receives for one event: the request body and headers.

- Microsoft Teams: a message carrying an Adaptive Card (the format Teams' incoming webhooks
  and Workflows' "post to a channel when a webhook request is received" accept):
  `{"type": "message", "attachments": [{"contentType":
  "application/vnd.microsoft.card.adaptive", "content": {AdaptiveCard 1.4}}]}`.
- Slack: an incoming-webhook message, `text` (the notification fallback) and `blocks`.
- Generic webhook: the event as JSON, signed. `X-Harmony-Timestamp` is the Unix time of
  the attempt and `X-Harmony-Signature` is `v1=` + hex HMAC-SHA256 of `"{timestamp}.{body}"`
  under the channel's signing secret; receivers refuse a timestamp older than
  `REPLAY_WINDOW_SECONDS` (see the README for a verification snippet).
"""

from __future__ import annotations

import hashlib
import hmac
import json

from django.conf import settings
from django.utils.translation import gettext

REPLAY_WINDOW_SECONDS = 300


def absolute(link: str) -> str:
    if not link or link.startswith(("http://", "https://")):
        return link
    return f"{settings.PORTAL_BASE_URL}{link}"


def _actor_name(event: dict) -> str:
    """Who acted, as people read it: the display name (the username for an older event)."""
    return event.get("actor_name") or event.get("actor", "")


def teams_body(event: dict) -> dict:
    link = absolute(event.get("link", ""))
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {
                "type": "TextBlock",
                "size": "Medium",
                "weight": "Bolder",
                "wrap": True,
                "text": event["title"],
            },
            {"type": "TextBlock", "wrap": True, "text": event.get("text", "")},
            {
                "type": "FactSet",
                "facts": [
                    {"title": gettext("Event"), "value": event["kind"]},
                    {"title": gettext("When"), "value": event["occurred_at"]},
                    *(
                        [{"title": gettext("By"), "value": _actor_name(event)}]
                        if event.get("actor")
                        else []
                    ),
                ],
            },
        ],
    }
    if link:
        card["actions"] = [
            {"type": "Action.OpenUrl", "title": gettext("Open in Harmony"), "url": link}
        ]
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


def _slack_escape(text: str) -> str:
    # Slack's mrkdwn treats these three as control characters.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_body(event: dict) -> dict:
    link = absolute(event.get("link", ""))
    title = _slack_escape(event["title"])
    text = _slack_escape(event.get("text", ""))
    blocks: list[dict] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{title}*\n{text}"}},
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": f"{event['kind']} · {event['occurred_at']}"
                    + (f" · {_slack_escape(_actor_name(event))}" if event.get("actor") else ""),
                }
            ],
        },
    ]
    if link:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": gettext("Open in Harmony")},
                        "url": link,
                    }
                ],
            }
        )
    return {"text": f"{event['title']}: {event.get('text', '')}"[:3000], "blocks": blocks}


def webhook_body(event: dict, delivery_id: int) -> dict:
    return {
        "delivery": delivery_id,
        "kind": event["kind"],
        "occurred_at": event["occurred_at"],
        "initiative_id": event.get("initiative_id"),
        "title": event["title"],
        "text": event.get("text", ""),
        "link": absolute(event.get("link", "")),
        "actor": event.get("actor", ""),
    }


def encode(body: dict) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`v1=` + hex HMAC-SHA256 of `"{timestamp}.{body}"`."""
    message = f"{timestamp}.".encode() + body
    return "v1=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
