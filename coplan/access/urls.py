from django.urls import path

from coplan.access import views

urlpatterns = [
    path("", views.home, name="home"),
    path("staff/locked/", views.locked_accounts, name="locked_accounts"),
]
