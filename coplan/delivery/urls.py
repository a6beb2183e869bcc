from django.urls import path

from coplan.delivery import distress_views, house_views, views

app_name = "delivery"

urlpatterns = [
    path("shift/", views.shift, name="shift"),
    path("shift/briefing/<int:booking_id>/", views.briefing_confirm, name="briefing_confirm"),
    path("services/<int:service_id>/briefings/", views.service_briefings, name="briefings"),
    path(
        "people/<int:person_id>/record/routine/<int:routine_id>/",
        views.record_routine,
        name="record_routine",
    ),
    path(
        "people/<int:person_id>/routine/<int:routine_id>/tick/",
        views.routine_tick,
        name="routine_tick",
    ),
    path(
        "people/<int:person_id>/checklist/<int:checklist_id>/finish/",
        views.checklist_finish,
        name="checklist_finish",
    ),
    path(
        "people/<int:person_id>/why/<str:kind>/<int:element_id>/",
        views.why,
        name="why",
    ),
    path("people/<int:person_id>/record/activity/", views.record_activity, name="record_activity"),
    path("people/<int:person_id>/record/note/", views.record_note, name="record_note"),
    path("people/<int:person_id>/record/incident/", views.record_incident, name="record_incident"),
    path("people/<int:person_id>/record/handover/", views.record_handover, name="record_handover"),
    path("people/<int:person_id>/record/not-practical/", views.record_flag, name="record_flag"),
    path("people/<int:person_id>/handover/", views.handover, name="handover"),
    path("people/<int:person_id>/delivery/", views.delivery_report, name="report"),
    # Distress records and the house handover
    path("people/<int:person_id>/distress/", distress_views.distress_list, name="distress_list"),
    path("people/<int:person_id>/distress/new/", distress_views.distress_new, name="distress_new"),
    path(
        "people/<int:person_id>/distress/<int:record_id>/",
        distress_views.distress_detail,
        name="distress_detail",
    ),
    path(
        "people/<int:person_id>/distress/<int:record_id>/incident/",
        distress_views.distress_incident,
        name="distress_incident",
    ),
    path("services/<int:service_id>/handover/", house_views.house_handover, name="house_handover"),
]
