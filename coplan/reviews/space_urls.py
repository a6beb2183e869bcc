"""The person's own space and the circle member's page (coplan/reviews/person_space.py),
mounted at /me/."""

from django.urls import path

from coplan.reviews import person_space as views

app_name = "space"

urlpatterns = [
    path("", views.space_home, name="home"),
    path("plan/", views.space_plan, name="plan"),
    path("week/", views.space_week, name="week"),
    path("check-in/", views.space_checkin, name="checkin"),
    path("talk/", views.space_talk, name="talk"),
    path("circle/<int:person_id>/", views.circle_space, name="circle"),
]
