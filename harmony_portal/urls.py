from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from harmony_portal import accounts, directory_views, health, languages
from harmony_portal.login import PortalLoginView
from initiatives import views as initiative_views

urlpatterns = [
    path("", initiative_views.home, name="home"),
    path("login/", PortalLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("initiatives/", include("initiatives.urls")),
    path("reviews/", include("reviews.urls")),
    path("systems/", include("landscape.urls")),
    # The auditor's pages and the decision log sit beside the initiative under /governance/.
    path("governance/", include("audit.urls")),
    path("governance/", include("governance.decisions.urls")),
    path("governance/dashboard/", include("governance.dashboard.urls")),
    path("governance/compliance/", include("governance.compliance.urls")),
    path("governance/channels/", include("governance.channels.urls")),
    path("governance/handoff/", include("governance.handoff.urls")),
    path("", include("governance.sessions.urls")),
    path("notifications/", include("governance.notifications.urls")),
    path("my-work/", include("governance.work.urls")),
    path("threads/", include("governance.threads.urls")),
    path("api-token/", accounts.api_token_page, name="api-token-page"),
    path("directory-groups/", directory_views.directory_groups, name="directory-groups"),
    path(
        "directory-groups/<int:pk>/remove/",
        directory_views.remove_directory_group,
        name="directory-group-remove",
    ),
    path("language/", languages.set_language, name="set-language"),
    path("api/", include("harmony_portal.api_urls")),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

# Under /api/ a bad request, a missing page or a crash answers the API's JSON error, not an
# HTML page; a database that cannot be reached answers 503 with Retry-After (core.handlers).
handler400 = "core.handlers.bad_request"
handler403 = "core.handlers.permission_denied"
handler404 = "core.handlers.not_found"
handler500 = "core.handlers.server_error"
