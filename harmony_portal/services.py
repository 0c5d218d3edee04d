"""Writes of the signed-in user's own account: the API token (every change audited, the key
itself never)."""

from django.db import transaction
from rest_framework.authtoken.models import Token

from audit.services import record_event


@transaction.atomic
def regenerate_token(user) -> Token:
    """A new API key for the user; the old one (if any) stops working at once."""
    had_one = Token.objects.filter(user=user).delete()[0] > 0
    token = Token.objects.create(user=user)
    record_event(
        actor=user,
        action="api_token.regenerated" if had_one else "api_token.created",
        obj=user,
        source="browser",
    )
    return token


@transaction.atomic
def revoke_token(user) -> bool:
    """Delete the user's API key. Returns whether there was one."""
    deleted = Token.objects.filter(user=user).delete()[0] > 0
    if deleted:
        record_event(actor=user, action="api_token.revoked", obj=user, source="browser")
    return deleted
