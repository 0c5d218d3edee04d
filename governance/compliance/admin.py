"""Regulation and evidence in the admin: for reading only. References are edited in the portal
(Compliance › Framework references) so every edit is one audit event; evidence only through
the upload and removal services, which keep the hashes in the audit trail."""

from django.contrib import admin

from audit.admin import ReadOnlyAdmin

from .models import EvidenceFile, FrameworkReference, Obligation


@admin.register(FrameworkReference)
class FrameworkReferenceAdmin(ReadOnlyAdmin):
    list_display = ("framework", "code", "title", "precision", "active", "catalogue", "version")
    list_filter = ("framework", "precision", "active")
    search_fields = ("code", "title")


@admin.register(Obligation)
class ObligationAdmin(ReadOnlyAdmin):
    list_display = ("initiative", "article", "title", "status", "owner", "closed_at")
    list_filter = ("status", "code")
    list_select_related = ("initiative", "owner")


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnlyAdmin):
    list_display = (
        "uploaded_at",
        "initiative",
        "title",
        "version",
        "target",
        "sha256",
        "removed_at",
    )
    list_filter = ("target",)
    list_select_related = ("initiative",)
    exclude = ("file",)  # no link to the stored bytes: downloads go through the portal
