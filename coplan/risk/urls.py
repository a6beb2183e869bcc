"""Risk plan pages: building plans and changing stage, and the records made on shift for them."""

from django.urls import path

from coplan.risk.views import plans as risk_views
from coplan.risk.views import practice as practice_views

app_name = "risk"

_plan = "people/<int:person_id>/risk/<int:plan_id>/"

urlpatterns = [
    path("people/<int:person_id>/risk/", risk_views.plan_list, name="list"),
    path(
        "people/<int:person_id>/risk/new/<int:decision_id>/",
        risk_views.plan_new,
        name="plan_new",
    ),
    path(_plan, risk_views.plan_detail, name="plan"),
    path(
        _plan + "stage/<str:direction>/",
        risk_views.stage_change,
        name="stage_change",
    ),
    path(_plan + "practice/new/", practice_views.practice_new, name="practice_new"),
    path(_plan + "incident/new/", practice_views.incident_new, name="incident_new"),
    path(_plan + "trips/new/", practice_views.trip_new, name="trip_new"),
    path(_plan + "trips/<int:log_id>/", practice_views.trip_detail, name="trip"),
    path(_plan + "trips/<int:log_id>/finish/", practice_views.trip_finish, name="trip_finish"),
    path(
        _plan + "trips/<int:log_id>/check-ins/<int:check_in_id>/made/",
        practice_views.check_in_made,
        name="check_in_made",
    ),
    path(
        _plan + "trips/<int:log_id>/check-ins/<int:check_in_id>/follow-up/",
        practice_views.check_in_follow_up,
        name="check_in_follow_up",
    ),
    path("risk/alerts/", practice_views.alerts, name="alerts"),
]
