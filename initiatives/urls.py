from django.urls import path

from . import views

app_name = "initiatives"
urlpatterns = [
    path("", views.initiative_list, name="list"),
    path("mine/", views.my_initiatives, name="mine"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/<int:step>/", views.edit_step, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/status/", views.change_status, name="status"),
    path("<int:pk>/ai-act/review/", views.review_screening, name="screening_review"),
    path(
        "<int:pk>/roles/<str:role>/acknowledge/",
        views.acknowledge_role,
        name="acknowledge_role",
    ),
    path("<int:pk>/roles/<str:role>/decline/", views.decline_role, name="decline_role"),
    path("systems/<int:pk>/", views.system_detail, name="system"),
    path(
        "integrations/<int:pk>/acknowledge/",
        views.acknowledge_integration,
        name="acknowledge_integration",
    ),
    path("integrations/unmapped/", views.unmapped_integrations, name="unmapped_integrations"),
]
