"""Pages of conversation threads (namespace "threads")."""

from django.urls import path

from . import views

app_name = "threads"

urlpatterns = [
    path("initiatives/<int:pk>/comments/", views.add, name="add"),
    path("initiatives/<int:pk>/people/", views.people, name="people"),
    path("comments/<int:pk>/edit/", views.edit, name="edit"),
]
