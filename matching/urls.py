from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "matching"

_PAIR_PAGE = RedirectView.as_view(pattern_name="logbooks:pair_detail", permanent=True)

urlpatterns = [
    path("", views.board, name="board"),
    path("runs/", views.run_start, name="run_start"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("peers/<int:pk>/", views.candidates, name="candidates"),
    path("peers/<int:pk>/with/<int:supporter_pk>/", views.compare, name="compare"),
    path(
        "peers/<int:pk>/with/<int:supporter_pk>/<str:kind>/",
        views.rule_create,
        name="rule_create",
    ),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    # The pair pages moved to logbooks (ADR 0009); bookmarks of the old ones are sent there.
    path(
        "pairs/",
        RedirectView.as_view(pattern_name="logbooks:pair_list", permanent=True),
        name="pair_moved_list",
    ),
    *(
        path(f"pairs/<int:pk>/{tail}", _PAIR_PAGE, name=f"pair_moved_{name}")
        for tail, name in (
            ("", "detail"),
            ("answer/", "answer"),
            ("schedule/", "schedule"),
            ("meeting/", "meeting"),
            ("substitute/", "substitute"),
        )
    ),
    path("surveys/", views.survey_list, name="surveys"),
    path("surveys/<int:pk>/", views.survey_edit, name="survey_edit"),
    path("my-survey/", views.my_survey, name="my_survey"),
    path("weights/", views.weights, name="weights"),
]
