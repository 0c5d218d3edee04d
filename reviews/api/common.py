"""What the review API's resources share: reading the initiative a request is about."""

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from core.access import visible_initiative_or_404
from core.query_params import parse_id

INITIATIVE_PATH = OpenApiParameter(
    "id", int, OpenApiParameter.PATH, description="The initiative's id."
)


def initiative_in_body(user, value):
    """The initiative a client named in a field; an id that is not one is a 400 on the field,
    one the caller may not see a 404 (no leak of confidential work)."""
    if parse_id(value) is None:
        raise serializers.ValidationError(
            {"initiative": [gettext("A valid initiative id is required.")]}
        )
    return visible_initiative_or_404(user, value)
