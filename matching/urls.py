from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("", views.board, name="board"),
    path("runs/", views.run_start, name="run_start"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/accept/", views.run_accept_all, name="run_accept_all"),
    path("proposals/<int:pk>/accept/", views.proposal_accept, name="proposal_accept"),
    path("peers/<int:pk>/", views.candidates, name="candidates"),
    path("peers/<int:pk>/with/<int:supporter_pk>/", views.compare, name="compare"),
    path("peers/<int:pk>/with/<int:supporter_pk>/pair/", views.pair_create, name="pair_create"),
    path(
        "peers/<int:pk>/with/<int:supporter_pk>/<str:kind>/",
        views.rule_create,
        name="rule_create",
    ),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("pairs/", views.pair_list, name="pair_list"),
    path("pairs/<int:pk>/", views.pair_detail, name="pair_detail"),
    path("pairs/<int:pk>/answer/", views.pair_answer, name="pair_answer"),
    path("pairs/<int:pk>/schedule/", views.pair_schedule, name="pair_schedule"),
    path("pairs/<int:pk>/meeting/", views.pair_meeting, name="pair_meeting"),
    path("pairs/<int:pk>/substitute/", views.pair_substitute, name="pair_substitute"),
    path("surveys/", views.survey_list, name="surveys"),
    path("surveys/<int:pk>/", views.survey_edit, name="survey_edit"),
    path("my-survey/", views.my_survey, name="my_survey"),
    path("weights/", views.weights, name="weights"),
]
