"""The sign-in page: username and password (throttled by django-axes), and the company SSO
button when OpenID Connect is configured."""

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.shortcuts import render
from django.urls import reverse


def sso_context() -> dict:
    """What the sign-in templates need to show the SSO button; empty when SSO is off."""
    if not getattr(settings, "OIDC_ENABLED", False):
        return {}
    return {
        "sso_url": reverse("oidc_authentication_init"),
        "sso_name": getattr(settings, "OIDC_PROVIDER_NAME", "company SSO"),
    }


class PortalLoginView(LoginView):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **sso_context()}


def locked_out(request, original_response=None, credentials=None):
    """django-axes lockout page: the sign-in card with a clear message, status 429."""
    from axes.helpers import get_client_username, get_failure_limit

    cooloff = settings.AXES_COOLOFF_TIME
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "cooloff_minutes": max(1, round(cooloff.total_seconds() / 60)) if cooloff else None,
        **sso_context(),
    }
    return render(request, "registration/locked_out.html", context, status=429)
