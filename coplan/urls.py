from django.contrib import admin
from django.urls import include, path

from coplan.api.urls import api

# The API first: Django tries the patterns in order, and a phone recording on shift should not
# wait while every page's pattern is tried (about 5% of a write's CPU under load).
urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("coplan.accounts.urls")),
    path("", include("coplan.access.urls")),
    path("people/", include("coplan.people.urls")),
    path("people/<int:person_id>/support/", include("coplan.support.urls")),
    path("", include("coplan.delivery.urls")),
    path("plan/", include("coplan.planning.urls")),
    path("reviews/", include("coplan.reviews.urls")),
    path("me/", include("coplan.reviews.space_urls")),
    path("notifications/", include("coplan.notifications.urls")),
    path("", include("coplan.risk.urls")),
    path("easy/", include("coplan.easyread.urls")),
    path("pictures/", include("coplan.pictures.urls")),
    path("assurance/", include("coplan.assurance.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "coplan.accounts.views.permission_denied"
handler404 = "coplan.accounts.views.page_not_found"
handler500 = "coplan.accounts.views.server_error"
