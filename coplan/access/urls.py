from django.urls import path

from coplan.access import views

urlpatterns = [
    path("", views.home, name="home"),
]
