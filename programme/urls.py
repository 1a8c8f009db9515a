from django.urls import path

from . import views

app_name = "programme"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("supporter/", views.supporter_home, name="supporter_home"),
    path("supervisor/", views.supervisor_home, name="supervisor_home"),
]
