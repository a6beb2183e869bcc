from django.urls import path

from coplan.reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("people/<int:person_id>/", views.person_reviews, name="person"),
    path("people/<int:person_id>/check-in/", views.checkin, name="checkin"),
    path("people/<int:person_id>/working/add/", views.working_add, name="working_add"),
    path("people/<int:person_id>/triggers/add/", views.trigger_add, name="trigger_add"),
    path(
        "people/<int:person_id>/triggers/<int:trigger_id>/close/",
        views.trigger_close,
        name="trigger_close",
    ),
    path("people/<int:person_id>/reviews/open/", views.review_open, name="review_open"),
    path("people/<int:person_id>/reviews/<int:review_id>/", views.review_detail, name="review"),
    path(
        "people/<int:person_id>/reviews/<int:review_id>/contribute/",
        views.review_contribute,
        name="review_contribute",
    ),
    path(
        "people/<int:person_id>/reviews/<int:review_id>/conclude/",
        views.review_conclude,
        name="review_conclude",
    ),
]
