from django.urls import path

from coplan.planning import views

app_name = "planning"

P = "people/<int:person_id>/"

urlpatterns = [
    path("prompts/", views.prompt_library, name="prompts"),
    path("prompts/<int:pk>/", views.prompt_edit, name="prompt_edit"),
    path(P, views.plan_home, name="home"),
    path(P + "sessions/add/", views.session_add, name="session_add"),
    path(P + "sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path(P + "sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path(P + "sessions/<int:pk>/sheet/", views.session_sheet, name="session_sheet"),
    path(
        P + "sessions/<int:pk>/taking-part/", views.session_taking_part, name="session_taking_part"
    ),
    path(P + "sessions/<int:pk>/views/add/", views.session_view_add, name="session_view_add"),
    path(P + "views/", views.views_home, name="views_home"),
    path(P + "decisions/", views.decision_log, name="decision_log"),
    path(P + "decisions/add/", views.decision_add, name="decision_add"),
    path(P + "decisions/<int:pk>/", views.decision_detail, name="decision_detail"),
    path(P + "decisions/<int:pk>/edit/", views.decision_edit, name="decision_edit"),
    path(P + "decisions/<int:pk>/agree/", views.decision_agree, name="decision_agree"),
    path(P + "decisions/<int:pk>/supersede/", views.decision_supersede, name="decision_supersede"),
    path(P + "decisions/<int:pk>/delete/", views.decision_delete, name="decision_delete"),
    path(P + "goals/add/", views.goal_add, name="goal_add"),
    path(P + "goals/<int:pk>/", views.goal_detail, name="goal_detail"),
    path(P + "goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path(P + "goals/<int:pk>/progress/add/", views.progress_add, name="progress_add"),
    path(P + "contingency/", views.contingency, name="contingency"),
    path(P + "contingency/edit/", views.contingency_edit, name="contingency_edit"),
]
