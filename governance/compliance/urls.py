"""Pages of regulation and evidence (namespace "compliance"), under /governance/compliance/."""

from django.urls import path

from . import views

app_name = "compliance"

urlpatterns = [
    path("initiatives/<int:pk>/evidence/new/", views.upload_evidence, name="upload"),
    path("evidence/<int:pk>/download/", views.download_evidence, name="download"),
    path("evidence/<int:pk>/remove/", views.remove_evidence, name="remove"),
    path("obligations/<int:pk>/", views.obligation_action, name="obligation"),
    path("initiatives/<int:pk>/coverage/", views.initiative_coverage, name="coverage"),
    path("coverage/", views.portfolio_coverage, name="portfolio_coverage"),
    path("references/", views.reference_list, name="references"),
    path("references/new/", views.reference_edit, name="reference_new"),
    path("references/<int:pk>/", views.reference_edit, name="reference_edit"),
    path("initiatives/<int:pk>/report/", views.initiative_report, name="report"),
    path("report/", views.portfolio_report, name="portfolio_report"),
]
