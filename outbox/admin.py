"""The outbox in the admin: what waits for the broker, how often it failed and why."""

from django.contrib import admin

from .models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("id", "task", "key", "created_at", "available_at", "attempts", "last_error")
    list_filter = ("task",)
    search_fields = ("task", "key")
    readonly_fields = ("task", "kwargs", "key", "created_at", "attempts", "last_error")
    # Rows are the relay's to delete; "available at" may be moved to retry one at once.
    fields = ("task", "kwargs", "key", "created_at", "available_at", "attempts", "last_error")

    def has_add_permission(self, request):
        return False
