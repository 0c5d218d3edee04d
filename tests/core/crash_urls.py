"""The portal's URLs plus a page that crashes, for the 500 page's end-to-end test."""

from django.urls import path

from harmony_portal.urls import handler403, handler404, handler500, urlpatterns


def crash(request):
    raise RuntimeError("a bug")


urlpatterns = [*urlpatterns, path("crash/", crash)]
__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
