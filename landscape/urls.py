from django.urls import path

from . import views

app_name = "landscape"
urlpatterns = [
    path("", views.system_list, name="list"),
    path("new/", views.system_create, name="create"),
    path("<int:pk>/edit/", views.system_edit, name="edit"),
    path("import/", views.system_import, name="import"),
]
