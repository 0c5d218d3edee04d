"""Pages of the audit trail, decision log and change control (merged into governance.urls)."""

from django.urls import path

from . import audit_views, decision_views

urlpatterns = [
    path("initiatives/<int:pk>/audit/", audit_views.audit_trail, name="audit_trail"),
    path(
        "initiatives/<int:pk>/audit/print/",
        audit_views.audit_trail_print,
        name="audit_trail_print",
    ),
    path("initiatives/<int:pk>/audit.csv", audit_views.audit_trail_csv, name="audit_trail_csv"),
    path("initiatives/<int:pk>/audit.json", audit_views.audit_trail_json, name="audit_trail_json"),
    path("initiatives/<int:pk>/decisions/new/", decision_views.new_decision, name="decision_new"),
    path(
        "initiatives/<int:pk>/changes/new/",
        decision_views.new_change_request,
        name="change_request_new",
    ),
    path(
        "initiatives/<int:pk>/changes/<int:change_pk>/decide/",
        decision_views.decide_change_request,
        name="change_request_decide",
    ),
    path("initiatives/<int:pk>/releases/new/", decision_views.new_release, name="release_new"),
]
