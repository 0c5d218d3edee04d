"""The signed-in user: who am I (`GET /api/me/`) and the API token page for scripts.

Scripts authenticate with `Authorization: Token <key>`. A user creates, regenerates or revokes
their own key on `/api-token/`; the key is shown once, right after it is made. Every change of
a key is in the audit trail (the key itself never is).
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView

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
                messages.success(request, "API token revoked: scripts using it are refused now.")
        else:
            token = regenerate_token(request.user)
            # Shown once on the next page, then gone (Post/Redirect/Get: no re-post on reload).
            request.session[_NEW_KEY_SESSION] = token.key
            messages.success(request, "New API token created. Copy it now: it is shown once.")
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


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.CharField()
    roles = serializers.ListField(
        child=serializers.CharField(), help_text="Portal roles: Business sponsor, IT reviewer, …"
    )
    sees_whole_portfolio = serializers.BooleanField(
        help_text="IT leads, executives and administrators see every initiative."
    )
    can_register_initiatives = serializers.BooleanField()


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
        }
        return Response(MeSerializer(data).data)
