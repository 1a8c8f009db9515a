from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("participants/<int:pk>/", views.participant_log, name="participant_log"),
]
