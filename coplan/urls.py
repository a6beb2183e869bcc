from django.contrib import admin
from django.urls import include, path

from coplan.api.urls import api

urlpatterns = [
    path("", include("coplan.accounts.urls")),
    path("people/", include("coplan.people.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
