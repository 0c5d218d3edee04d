"""Pages of the decision log and change control (namespace "decisions")."""

from django.urls import path

from . import views

app_name = "decisions"

urlpatterns = [
    path("initiatives/<int:pk>/decisions/new/", views.new_decision, name="decision_new"),
    path("initiatives/<int:pk>/escalate/", views.escalate, name="escalate"),
    path("initiatives/<int:pk>/changes/new/", views.new_change_request, name="change_request_new"),
    path(
        "initiatives/<int:pk>/changes/<int:change_pk>/decide/",
        views.decide_change_request,
        name="change_request_decide",
    ),
    path("initiatives/<int:pk>/releases/new/", views.new_release, name="release_new"),
]
