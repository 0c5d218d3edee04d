"""The auditor's pages. Mounted under /governance/ so the addresses stay as they always were."""

from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("initiatives/<int:pk>/audit/", views.audit_trail, name="trail"),
    path("initiatives/<int:pk>/audit/print/", views.audit_trail_print, name="trail_print"),
    path("initiatives/<int:pk>/audit.csv", views.audit_trail_csv, name="trail_csv"),
    path("initiatives/<int:pk>/audit.json", views.audit_trail_json, name="trail_json"),
]
