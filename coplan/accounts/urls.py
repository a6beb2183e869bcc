from django.contrib.auth import views as auth_views
from django.urls import path

from coplan.accounts import views

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", views.two_factor, name="two_factor"),
    path("healthz", views.healthz, name="healthz"),
]
