from django.urls import path

from coplan.pictures import views

app_name = "pictures"

# Mounted under pictures/.
urlpatterns = [
    path("search/", views.search, name="search"),
    path("library/", views.library, name="library"),
    path("library/<int:pk>/remove/", views.library_remove, name="library_remove"),
    path("library/<int:pk>/file/", views.library_file, name="library_file"),
    path("people/<int:person_id>/photos/", views.person_photos, name="person_photos"),
    path(
        "people/<int:person_id>/photos/<int:pk>/remove/",
        views.person_photo_remove,
        name="person_photo_remove",
    ),
    path("photos/<int:pk>/file/", views.photo_file, name="photo_file"),
]
