"""Pages of the channels (namespace "channels")."""

from django.urls import path

from . import views

app_name = "channels"

urlpatterns = [
    path("", views.channel_list, name="list"),
    path("<int:pk>/", views.channel_detail, name="detail"),
    path("<int:pk>/active/", views.channel_toggle, name="toggle"),
    path("<int:pk>/delete/", views.channel_delete, name="delete"),
]
