"""Helpers of the dashboard selector tests."""

from governance.dashboard.selectors.filters import DashboardFilters, dashboard_initiatives


def initiatives(user, **filters):
    return dashboard_initiatives(user, DashboardFilters(**filters))
