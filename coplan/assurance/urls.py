from django.urls import path

from coplan.assurance.views import checks, index

app_name = "assurance"

urlpatterns: list = [
    path("", index.home, name="home"),
    path("services/<int:service_id>/", index.service_detail, name="service"),
    path("people/<int:person_id>/index/", index.person_index, name="person_index"),
    path("people/<int:person_id>/alignment/new/", checks.alignment_new, name="alignment_new"),
    path("alignment/<int:check_id>/", checks.alignment_detail, name="alignment_detail"),
    path("alignment/mine/", checks.alignment_mine, name="alignment_mine"),
    path("follow-ups/<int:follow_up_id>/done/", checks.follow_up_done, name="follow_up_done"),
    path(
        "services/<int:service_id>/spot-checks/new/", checks.spot_check_new, name="spot_check_new"
    ),
    path("spot-checks/<int:check_id>/", checks.spot_check_detail, name="spot_check"),
]
