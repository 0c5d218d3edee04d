"""Reads of the decision log and change control that pages and the API share."""

from initiatives.models import Initiative

from .models import (
    ProductionRelease,
)


def production_state(initiative: Initiative) -> ProductionRelease | None:
    """What runs in production now (the newest release), or None."""
    return ProductionRelease.objects.filter(initiative=initiative).first()
