from django.urls import path

from . import dashboard_views
from .urls_audit import urlpatterns as audit_urlpatterns

app_name = "governance"
urlpatterns = [
    *audit_urlpatterns,
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/portfolio.csv", dashboard_views.portfolio_csv, name="dashboard-csv"),
    path("dashboard/initiatives/", dashboard_views.initiatives_list, name="dashboard-initiatives"),
    path(
        "dashboard/design-inputs/",
        dashboard_views.design_inputs_list,
        name="dashboard-design-inputs",
    ),
    path("dashboard/escalations/", dashboard_views.escalations_list, name="dashboard-escalations"),
    path("dashboard/sessions/", dashboard_views.sessions_list, name="dashboard-sessions"),
]
