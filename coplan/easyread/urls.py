from django.urls import path

from coplan.easyread import views

app_name = "easyread"

urlpatterns = [
    path("people/<int:person_id>/plan/", views.plan, name="plan"),
    path("people/<int:person_id>/plan.pdf", views.plan_pdf, name="plan_pdf"),
    path("people/<int:person_id>/plan/audio/", views.plan_audio, name="plan_audio"),
    path(
        "people/<int:person_id>/plan/audio/<str:key>.wav",
        views.plan_audio_wav,
        name="plan_audio_wav",
    ),
    path("people/<int:person_id>/words/", views.words, name="words"),
    path("decisions/<int:decision_id>/", views.decision, name="decision"),
    path("decisions/<int:decision_id>.pdf", views.decision_pdf, name="decision_pdf"),
    path("display/", views.display, name="display"),
    path("check/", views.check, name="check"),
]
