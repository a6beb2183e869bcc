from django.urls import path

from coplan.access import invitation_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("staff/locked/", views.locked_accounts, name="locked_accounts"),
    path("people/<int:person_id>/logins/", invitation_views.invite_people, name="invite_people"),
    path(
        "people/<int:person_id>/logins/invitations/<int:invitation_id>/",
        invitation_views.invite_made,
        name="invite_made",
    ),
    path("invite/<str:token>/", invitation_views.invite_accept, name="invite_accept"),
    path(
        "people/<int:person_id>/tablet/start/", invitation_views.tablet_start, name="tablet_start"
    ),
    path("tablet/end/", invitation_views.tablet_end, name="tablet_end"),
]
