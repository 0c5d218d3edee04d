from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("checklists/", views.checklists, name="checklists"),
    path("initiatives/<int:pk>/assign/", views.assign, name="assign"),
    path("assignments/<int:pk>/remove/", views.unassign, name="unassign"),
    path("initiatives/<int:pk>/ready/", views.ready_for_build, name="ready"),
    path(
        "initiatives/<int:pk>/design-inputs/new/", views.design_input_new, name="design_input_new"
    ),
    path("initiatives/<int:pk>/vendors/", views.vendors, name="vendors"),
    path("assessments/<int:pk>/", views.assessment, name="assessment"),
    path(
        "assessments/<int:pk>/applicability/",
        views.assessment_applicability,
        name="assessment_applicability",
    ),
    path("initiatives/<int:pk>/fallback-tests/", views.fallback_tests, name="fallback_tests"),
    path("design-inputs/<int:pk>/", views.design_input, name="design_input"),
    path("design-inputs/<int:pk>/edit/", views.design_input_edit, name="design_input_edit"),
    path("components/<int:pk>/", views.component, name="component"),
]
