from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path(
        "participants/<int:pk>/export/",
        views.participant_data_export,
        name="participant_data_export",
    ),
]
