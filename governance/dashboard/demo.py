"""Demo data of the dashboard: a finished background export of the portfolio for the
executive, so the export page, its progress and its download can be seen. The demo's dozen
initiatives stay below EXPORT_ASYNC_ROWS, so the dashboard's own CSV link streams."""

from .models import PortfolioExport
from .selectors.filters import DashboardFilters
from .services import build_portfolio_export, start_portfolio_export


def load(context: dict) -> None:
    executive = context["users"]["helen"]
    if PortfolioExport.objects.filter(owner=executive).exists():
        return  # loaded before
    export = start_portfolio_export(user=executive, filters=DashboardFilters(), sort="-readiness")
    # Built here rather than by a worker, so the demo shows it finished; the queued build then
    # finds it done and leaves it alone.
    build_portfolio_export(export.pk)
