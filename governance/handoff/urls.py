"""Pages of the build hand-off (namespace "handoff")."""

from django.urls import path

from . import views

app_name = "handoff"

urlpatterns = [
    path("", views.handoff_settings, name="settings"),
    path("tickets/<int:pk>/retry/", views.ticket_retry, name="retry"),
]
