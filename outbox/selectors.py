"""Reading the outbox: what the readiness probe and the admin show about waiting work."""

from django.utils import timezone

from .models import Message


def backlog() -> dict[str, int]:
    """How many messages wait for the relay, and the age of the oldest in seconds."""
    oldest = Message.objects.order_by("created_at").values_list("created_at", flat=True).first()
    return {
        "pending": Message.objects.count(),
        "oldest_seconds": round((timezone.now() - oldest).total_seconds()) if oldest else 0,
    }
