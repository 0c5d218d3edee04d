"""The executive dashboard and the lists behind its numbers (namespace "dashboard")."""

from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("portfolio.csv", views.portfolio_csv, name="csv"),
    path("exports/", views.start_export, name="start-export"),
    path("exports/<int:pk>/", views.export_detail, name="export"),
    path("exports/<int:pk>/download/", views.export_download, name="export-download"),
    path("initiatives/", views.initiatives_list, name="initiatives"),
    path("design-inputs/", views.design_inputs_list, name="design-inputs"),
    path("escalations/", views.escalations_list, name="escalations"),
    path("sessions/", views.sessions_list, name="sessions"),
]
