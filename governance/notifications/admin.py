"""Notifications and the record of deliveries in the admin."""

from django.contrib import admin

from .models import Delivery, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "text", "created_at", "read_at")
    raw_id_fields = ("user",)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("kind", "key", "user", "channel", "sent_at")
    list_filter = ("kind", "channel")
    raw_id_fields = ("user", "session")
