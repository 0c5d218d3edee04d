"""German and English: the switcher's view, the per-user preference, and the middleware that
applies it.

Order of precedence: the signed-in person's own choice (kept in `LanguagePreference`, copied
into the session at sign-in), then Django's LocaleMiddleware (the language cookie, then the
browser's Accept-Language), then `LANGUAGE_CODE`.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from harmony_portal.models import LanguagePreference

SESSION_KEY = "portal_language"
CODES = {code for code, _ in settings.LANGUAGES}


@login_not_required  # the sign-in page has the switcher too
@require_POST
def set_language(request):
    """The switcher: remember the choice for this browser (cookie) and, when signed in, for
    the person (every browser they sign in with), then go back to the page they were on."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = redirect(next_url)
    if language not in CODES:
        return response
    if request.user.is_authenticated:
        LanguagePreference.objects.update_or_create(
            user=request.user, defaults={"language": language}
        )
        request.session[SESSION_KEY] = language
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


@receiver(user_logged_in)
def _remember_language_at_sign_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    preference = LanguagePreference.objects.filter(user=user).values_list("language", flat=True)
    language = preference.first()
    if language:
        request.session[SESSION_KEY] = language


class UserLanguageMiddleware:
    """After LocaleMiddleware and the session: the person's own choice wins over the browser's.
    Reads the session only, no query per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        language = session.get(SESSION_KEY) if session is not None else None
        if language in CODES:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language in CODES:
            response.headers.setdefault("Content-Language", language)
        return response
