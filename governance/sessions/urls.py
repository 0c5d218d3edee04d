"""Pages of working sessions and calendars (namespace "sessions")."""

from django.urls import path

from . import views

app_name = "sessions"

urlpatterns = [
    path("initiatives/<int:pk>/working-session/", views.series_edit, name="series"),
    path("initiatives/<int:pk>/working-sessions.ics", views.initiative_ics, name="initiative_ics"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/move/", views.session_move, name="move"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="cancel"),
    path("sessions/<int:pk>/record/", views.session_record, name="record"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/feed/<str:token>.ics", views.personal_feed, name="feed"),
]
