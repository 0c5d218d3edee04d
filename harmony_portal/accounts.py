"""The signed-in user: who am I (`GET /api/me/`), the API token page for scripts, and
`POST /api/token/` to get a token with a username and password.

Scripts authenticate with `Authorization: Token <key>`. A user creates, regenerates or revokes
their own key on `/api-token/`; the key is shown once, right after it is made. Every change of
a key is in the audit trail (the key itself never is).
"""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.views import APIView

from harmony_portal.models import PersonSite
from harmony_portal.services import regenerate_token, revoke_token
from initiatives import permissions
from initiatives.roles import roles_of, sees_whole_portfolio

_NEW_KEY_SESSION = "api_token_new_key"


@require_http_methods(["GET", "POST"])
def api_token_page(request):
    """Create, regenerate or revoke the signed-in user's API token."""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if revoke_token(request.user):
                messages.success(
                    request, gettext("API token revoked: scripts using it are refused now.")
                )
        else:
            token = regenerate_token(request.user)
            # Shown once on the next page, then gone (Post/Redirect/Get: no re-post on reload).
            request.session[_NEW_KEY_SESSION] = token.key
            messages.success(
                request, gettext("New API token created. Copy it now: it is shown once.")
            )
        return redirect("api-token-page")
    token = Token.objects.filter(user=request.user).first()
    new_key = request.session.pop(_NEW_KEY_SESSION, None)
    return render(
        request,
        "accounts/api_token.html",
        {
            "token": token,
            "new_key": new_key if token and new_key == token.key else None,
            "base_url": request.build_absolute_uri("/api/"),
        },
    )


class LockedOut(exceptions.APIException):
    """429: sign-in locked for this username and address; DRF sends `wait` as Retry-After."""

    status_code = 429
    default_code = "locked_out"

    def __init__(self, detail: str, *, wait: int):
        super().__init__(detail)
        self.wait = wait


class ObtainTokenView(ObtainAuthToken):
    """`POST /api/token/` with `username` and `password`: the user's API token.

    Sign-ins here count towards django-axes's lockout like the sign-in page's. A locked
    username and address answers 429 with `Retry-After` (seconds of the cool-off), not the
    400 of a wrong password: the client must wait, not ask for another password.
    """

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if serializer.is_valid():
            token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
            return Response({"token": token.key})
        # django-axes marks the request it saw when this attempt was refused for a lockout,
        # or when this failure was the one that reached the limit.
        if getattr(request, "axes_locked_out", False):
            cooloff = settings.AXES_COOLOFF_TIME
            minutes = max(1, round(cooloff.total_seconds() / 60))
            raise LockedOut(
                ngettext(
                    "Too many failed sign-ins for this username from your address. Try again in "
                    "%(minutes)s minute, or ask IT to unlock it.",
                    "Too many failed sign-ins for this username from your address. Try again in "
                    "%(minutes)s minutes, or ask IT to unlock it.",
                    minutes,
                )
                % {"minutes": minutes},
                wait=round(cooloff.total_seconds()),
            )
        raise exceptions.ValidationError(serializer.errors)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.CharField()
    roles = serializers.ListField(
        child=serializers.CharField(), help_text=_("Portal roles: Business sponsor, IT reviewer, …")
    )
    sees_whole_portfolio = serializers.BooleanField(
        help_text=_("IT leads, executives and administrators see every initiative.")
    )
    can_register_initiatives = serializers.BooleanField()
    sites = serializers.ListField(
        child=serializers.CharField(),
        help_text=_(
            "The sites the directory groups give at single sign-on (see Directory groups)."
        ),
    )


class MeView(APIView):
    """Who the caller is and which roles they hold (check a token with it)."""

    @extend_schema(
        summary="Who am I: the authenticated user and their roles", responses=MeSerializer
    )
    def get(self, request):
        user = request.user
        data = {
            "id": user.pk,
            "username": user.get_username(),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "roles": sorted(roles_of(user)),
            "sees_whole_portfolio": sees_whole_portfolio(user),
            "can_register_initiatives": permissions.can_register(user),
            "sites": list(
                PersonSite.objects.filter(user=user).values_list("site__name", flat=True)
            ),
        }
        return Response(MeSerializer(data).data)
