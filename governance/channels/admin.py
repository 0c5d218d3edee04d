"""Channels in the admin: read the log; secrets are never shown (not even encrypted)."""

from django.contrib import admin

from .models import ChannelDelivery, OutboundChannel


@admin.register(OutboundChannel)
class OutboundChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "target", "initiative", "site", "active", "consecutive_failures"]
    list_filter = ["target", "active"]
    exclude = ["sealed_url", "sealed_signing_secret"]
    readonly_fields = ["url_hint", "created_by", "disabled_at", "disabled_reason"]


@admin.register(ChannelDelivery)
class ChannelDeliveryAdmin(admin.ModelAdmin):
    list_display = ["channel", "event_kind", "status", "attempts", "status_code", "created_at"]
    list_filter = ["status", "event_kind"]
    readonly_fields = [f.name for f in ChannelDelivery._meta.fields]
