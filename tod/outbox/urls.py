from django.urls import path

from . import views

app_name = "outbox"

urlpatterns = [
    path("", views.outbox_list, name="list"),
    path("preferences/", views.preferences, name="preferences"),
]
