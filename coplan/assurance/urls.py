from django.urls import path

from coplan.assurance.views import checks, index, inspectors, packs, trends

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
    # Trends, evidence packs and inspector access
    path("people/<int:person_id>/trends/", trends.person_trends, name="person_trends"),
    path(
        "people/<int:person_id>/trends/<slug:key>.csv",
        trends.person_trend_csv,
        name="person_trend_csv",
    ),
    path("services/<int:service_id>/trends/", trends.service_trends, name="service_trends"),
    path(
        "services/<int:service_id>/trends/<slug:key>.csv",
        trends.service_trend_csv,
        name="service_trend_csv",
    ),
    path("people/<int:person_id>/packs/", packs.person_packs, name="person_packs"),
    path("services/<int:service_id>/packs/", packs.service_packs, name="service_packs"),
    path("packs/<int:pack_id>/", packs.pack_detail, name="pack"),
    path("packs/<int:pack_id>/status/", packs.pack_status, name="pack_status"),
    path("packs/<int:pack_id>/pdf/", packs.pack_pdf, name="pack_pdf"),
    path("verify/", packs.verify, name="verify"),
    path("inspect/", inspectors.inspector_home, name="inspector_home"),
    path(
        "services/<int:service_id>/inspectors/",
        inspectors.service_inspectors,
        name="service_inspectors",
    ),
    path(
        "services/<int:service_id>/inspectors/<int:grant_id>/end/",
        inspectors.grant_revoke,
        name="grant_revoke",
    ),
    path(
        "services/<int:service_id>/inspectors/<int:grant_id>/opened/",
        inspectors.grant_reads,
        name="grant_reads",
    ),
]
