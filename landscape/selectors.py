"""Reads of the plant system map that pages and the API share."""

from django.db.models import QuerySet

from .models import EnterpriseSystem


def systems() -> QuerySet[EnterpriseSystem]:
    """Every registered system with its site and owner, by site and name."""
    return EnterpriseSystem.objects.select_related("site", "it_owner").order_by(
        "site__name", "name"
    )


def systems_of_site(site_id: int | None) -> QuerySet[EnterpriseSystem]:
    qs = systems()
    return qs.filter(site_id=site_id) if site_id else qs
