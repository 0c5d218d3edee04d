from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from harmony_portal import accounts
from initiatives import views as initiative_views

urlpatterns = [
    path("", initiative_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("initiatives/", include("initiatives.urls")),
    path("api-token/", accounts.api_token_page, name="api-token-page"),
    path("api/", include("harmony_portal.api_urls")),
    path("admin/", admin.site.urls),
]

# Under /api/ a missing page or a crash answers the API's JSON error, not an HTML page.
handler404 = "harmony_portal.api.not_found"
handler500 = "harmony_portal.api.server_error"
