from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from harmony_portal import accounts, health
from harmony_portal.login import PortalLoginView
from initiatives import views as initiative_views

urlpatterns = [
    path("", initiative_views.home, name="home"),
    path("login/", PortalLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("initiatives/", include("initiatives.urls")),
    path("governance/", include("governance.urls")),
    path("reviews/", include("reviews.urls")),
    path("", include("governance.session_urls")),
    path("api-token/", accounts.api_token_page, name="api-token-page"),
    path("api/", include("harmony_portal.api_urls")),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

# Under /api/ a missing page or a crash answers the API's JSON error, not an HTML page.
handler404 = "harmony_portal.api.not_found"
handler500 = "harmony_portal.api.server_error"
