"""The people pickers' endpoint: who may be chosen for a role, searched by name.

Kept beside `initiatives.people` (the rules) rather than in the long `api.py`. The caller must
be signed in; with `initiative`, they must see it (a hidden or unknown one is the same 400),
so a confidential initiative's partners never show through its picker.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.access import visible_initiative_or_404
from core.query_params import parse_id

from . import people


class PickedPersonSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="The value the forms and the API take.")
    name = serializers.CharField(help_text="The display name to show.")


class PeopleView(APIView):
    """People who may be chosen for a role, by display name (at most 20)."""

    @extend_schema(
        summary="People who may be chosen for a role (the people pickers)",
        parameters=[
            OpenApiParameter(
                "role",
                str,
                enum=list(people.ROLES),
                description="person: anyone with an active account; it: IT reviewers and IT "
                "leads; risk: who may accept risk for the initiative.",
            ),
            OpenApiParameter("initiative", int, description="The initiative the choice is for."),
            OpenApiParameter("q", str, description="Part of a name; every word must match."),
        ],
        responses=PickedPersonSerializer(many=True),
    )
    def get(self, request):
        params = request.query_params
        role = params.get("role", people.PERSON)
        if role not in people.ROLES:
            raise ValidationError(
                {
                    "role": [
                        _("Unknown role “%(role)s”; use one of: %(roles)s.")
                        % {"role": role[:50], "roles": ", ".join(people.ROLES)}
                    ]
                }
            )
        initiative = None
        if params.get("initiative", "") != "":
            number = parse_id(params["initiative"])
            if number is None:
                raise ValidationError({"initiative": [_("Give the initiative's id.")]})
            try:
                initiative = visible_initiative_or_404(request.user, number)
            except Http404:
                raise ValidationError({"initiative": [_("No such initiative.")]}) from None
        query = params.get("q", "")
        if len(query) > 100:
            raise ValidationError({"q": [_("Search for at most 100 characters.")]})
        found = people.search_people(role, query, initiative)
        return Response(
            PickedPersonSerializer([people.as_choice(p) for p in found], many=True).data
        )
