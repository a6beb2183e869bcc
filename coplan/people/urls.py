from django.urls import path

from coplan.people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("add/", views.person_add, name="add"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/edit/", views.person_edit, name="edit"),
    path("<int:person_id>/profile/", views.one_page_profile, name="profile"),
    path("<int:person_id>/history/", views.person_history, name="history"),
    path("<int:person_id>/access-log/", views.person_access_log, name="access_log"),
    path("<int:person_id>/communication/add/", views.communication_need_form, name="need_add"),
    path(
        "<int:person_id>/communication/<int:pk>/",
        views.communication_need_form,
        name="need_edit",
    ),
    path("<int:person_id>/chart/add/", views.chart_entry_form, name="chart_add"),
    path("<int:person_id>/chart/<int:pk>/", views.chart_entry_form, name="chart_edit"),
    path("<int:person_id>/decision-profile/", views.decision_profile_form, name="decision_profile"),
    path("<int:person_id>/agreement/add/", views.agreement_entry_form, name="agreement_add"),
    path("<int:person_id>/agreement/<int:pk>/", views.agreement_entry_form, name="agreement_edit"),
    path("<int:person_id>/circle/add/", views.circle_member_form, name="circle_add"),
    path("<int:person_id>/circle/<int:pk>/", views.circle_member_form, name="circle_edit"),
]
